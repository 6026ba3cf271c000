package pack

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/evipack/evipack/pkg/bundle"
)

// TestBuildFromCopies: Build carries, and renders, the bytes it hashed. The
// originals are overwritten right after they were hashed; the bundle must
// be identical, PDF included, to one built from the untouched folder, which
// it can only be if nothing read the originals again.
func TestBuildFromCopies(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "case")
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	var img bytes.Buffer
	if err := png.Encode(&img, m); err != nil {
		t.Fatal(err)
	}
	originals := map[string][]byte{
		"截图/Screenshot_2026-10-02-21-05-00-000_com.tencent.mm.png": img.Bytes(),
		"聊天/月光客服.txt":                                              []byte(qqTXT),
		"账单/微信支付账单(20261001-20261007).csv":                         []byte(wechatCSV),
	}
	write(t, dir, "case.yaml", []byte(caseYAML))
	for p, b := range originals {
		write(t, dir, p, b)
	}
	opts := Options{Packaging: time.Date(2026, 10, 9, 0, 0, 0, 0, time.UTC), PackagingSource: "SOURCE_DATE_EPOCH", Version: "test"}

	opts.OutDir = filepath.Join(t.TempDir(), "out")
	want, err := Build(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}

	var once sync.Once
	opts.OutDir = filepath.Join(t.TempDir(), "out")
	opts.Progress = func(stage string, done, total int) {
		if stage != "hash" || done != total {
			return
		}
		once.Do(func() {
			for p := range originals {
				if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), []byte("overwritten"), 0o644); err != nil {
					t.Error(err)
				}
			}
		})
	}
	got, err := Build(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Build with originals overwritten after hashing: %v", err)
	}
	ran := false
	once.Do(func() { ran = true })
	if ran {
		t.Fatal("the originals were never overwritten")
	}
	if got.RootHash != want.RootHash || len(got.Warnings) != len(want.Warnings) {
		t.Errorf("root hash %s, %d warnings; want %s, %d", got.RootHash, len(got.Warnings), want.RootHash, len(want.Warnings))
	}
	files := func(root string) map[string][]byte {
		m := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			b, err := os.ReadFile(p)
			m[filepath.ToSlash(rel)] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	wf, gf := files(want.Bundle), files(got.Bundle)
	if len(wf) != len(gf) {
		t.Errorf("%d files, want %d", len(gf), len(wf))
	}
	for p, b := range wf {
		if !bytes.Equal(gf[p], b) {
			t.Errorf("%s differs from the bundle of the untouched folder", p)
		}
	}
	for _, it := range got.Manifest.Items {
		if !bytes.Equal(gf[it.BagPath], originals[it.Path]) {
			t.Errorf("%s: the bag does not hold the original bytes", it.Path)
		}
	}
	rep, err := bundle.Verify(context.Background(), got.Bundle)
	if err != nil || !rep.OK() {
		t.Errorf("Verify: %v %+v", err, rep)
	}
	ents, _ := os.ReadDir(opts.OutDir)
	if len(ents) != 1 || ents[0].Name() != "case" {
		t.Errorf("output folder holds %v, want only the bundle", ents)
	}
}
