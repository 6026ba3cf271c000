package evidence

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func smallPNG(t testing.TB, w, h int) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = uint8(i)
	}
	m.Set(0, 0, color.RGBA{1, 2, 3, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "evipack-out")
	writeFile(t, dir, "case.yaml", []byte("version: 1\n"))
	writeFile(t, dir, "b/Screenshot_2026-09-03-20-16-02-918_com.tencent.mm.png", smallPNG(t, 20, 40))
	writeFile(t, dir, "a/聊天.txt", []byte("你好\n"))
	writeFile(t, dir, "a/empty.bin", nil)
	writeFile(t, dir, ".hidden", []byte("x"))
	writeFile(t, dir, ".git/config", []byte("x"))
	writeFile(t, dir, "__MACOSX/a/._x", []byte("x"))
	writeFile(t, dir, "Thumbs.db", []byte("x"))
	writeFile(t, dir, "b/.DS_Store", []byte("x"))
	writeFile(t, dir, "evipack-out/old/bagit.txt", []byte("x"))
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a", filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	pack := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC)
	res, err := Collect(context.Background(), dir, Options{Exclude: []string{out}, Packaging: pack, PackagingDetail: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, it := range res.Items {
		paths = append(paths, it.Path)
	}
	want := []string{"a/empty.bin", "a/聊天.txt", "b/Screenshot_2026-09-03-20-16-02-918_com.tencent.mm.png"}
	if strings.Join(paths, "|") != strings.Join(want, "|") {
		t.Fatalf("items %q, want %q", paths, want)
	}
	if !res.HasCase {
		t.Error("case.yaml not noticed")
	}
	for i, it := range res.Items {
		if it.Index != i+1 {
			t.Errorf("%s: index %d, want %d", it.Path, it.Index, i+1)
		}
	}
	empty, text, shot := res.Items[0], res.Items[1], res.Items[2]
	if empty.Type != TypeEmpty || len(empty.Warnings) == 0 || empty.Warnings[0].Code != "empty-file" {
		t.Errorf("empty file: type %s warnings %v", empty.Type, empty.Warnings)
	}
	if empty.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("empty file hash %s", empty.SHA256)
	}
	if text.Type != TypeText || text.Encoding != EncUTF8 {
		t.Errorf("text: %s %s", text.Type, text.Encoding)
	}
	if shot.Type != TypePNG || shot.Image == nil || shot.Image.Width != 20 || shot.Image.Height != 40 || shot.App != "微信" {
		t.Errorf("screenshot: %+v app %q", shot.Image, shot.App)
	}
	var sources []string
	for _, tr := range shot.Times {
		sources = append(sources, tr.Source)
	}
	if got := strings.Join(sources, ","); got != "filename,mtime,packaging" {
		t.Errorf("screenshot time sources %s", got)
	}
	if want := time.Date(2026, 9, 3, 20, 16, 2, 918e6, CST); !shot.Times[0].Time.Equal(want) {
		t.Errorf("file-name time %v, want %v", shot.Times[0].Time, want)
	}
	codes := map[string]string{}
	for _, s := range res.Skipped {
		codes[s.Path] = s.Code
	}
	if codes["passwd"] != "symlink" || codes["linkdir"] != "symlink" || len(codes) != 2 {
		t.Errorf("skipped %v, want the two symlinks", codes)
	}
}

func TestCollectCancelled(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("x"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Collect(ctx, dir, Options{}); err == nil {
		t.Fatal("cancelled Collect returned no error")
	}
}

func TestCollectNotAFolder(t *testing.T) {
	f := filepath.Join(t.TempDir(), "f")
	writeFile(t, filepath.Dir(f), "f", []byte("x"))
	for _, p := range []string{f, filepath.Join(t.TempDir(), "missing")} {
		if _, err := Collect(context.Background(), p, Options{}); err == nil {
			t.Errorf("Collect(%s): no error", p)
		}
	}
}

// BenchmarkCollect ingests 200 files of 256 KiB (hash, detect, image check,
// EXIF, file name) from a warm page cache.
func BenchmarkCollect(b *testing.B) {
	dir := b.TempDir()
	img := smallPNG(b, 256, 256)
	blob := bytes.Repeat([]byte("evipack "), 32<<10)
	for i := range 100 {
		writeFile(b, dir, fmt.Sprintf("img/Screenshot_20260903_2016%02d_com.tencent.mm.png", i%60), img)
		writeFile(b, dir, fmt.Sprintf("bin/%03d.bin", i), blob)
	}
	var total int64
	res, err := Collect(context.Background(), dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, it := range res.Items {
		total += it.Size
	}
	b.SetBytes(total)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Collect(context.Background(), dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCollectNames(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "caf\u00e9.txt", []byte("nfc"))  // é precomposed
	writeFile(t, dir, "cafe\u0301.txt", []byte("nfd")) // e + combining acute
	writeFile(t, dir, "bad\xff\xfe.txt", []byte("latin-1 name"))
	writeFile(t, dir, "ok.txt", []byte("ok"))
	res, err := Collect(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, it := range res.Items {
		kept = append(kept, it.Path)
	}
	codes := map[string]int{}
	for _, s := range res.Skipped {
		codes[s.Code]++
	}
	if len(kept) != 2 || codes["name-not-utf8"] != 1 || codes["name-duplicate"] != 1 {
		t.Errorf("kept %q, skipped %v; want ok.txt and one of the café twins, one non-UTF-8 and one duplicate skipped", kept, codes)
	}
}
