package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evipack/evipack/pkg/pack"
)

// TestBuildZip: --zip writes the bag as one deterministic file that verify
// accepts without extracting it, and a changed byte inside is found.
func TestBuildZip(t *testing.T) {
	caseDir := sampleCase(t)
	outA, outB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, out := range []string{outA, outB} {
		if r := run(t, "build", caseDir, "-o", out, "--zip", "--quiet"); r.code != ExitOK {
			t.Fatalf("build --zip: exit %d\n%s", r.code, r.errOut)
		}
	}
	za, err := os.ReadFile(filepath.Join(outA, "sample.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zb, _ := os.ReadFile(filepath.Join(outB, "sample.zip"))
	if !bytes.Equal(za, zb) {
		t.Fatal("two builds wrote different zips")
	}
	r, docs := verifyJSON(t, filepath.Join(outA, "sample.zip"))
	if r.code != ExitOK || len(docs) != 1 || !docs[0].OK || !docs[0].Report.RootHash.Match {
		t.Fatalf("verify zip: exit %d %+v\n%s", r.code, docs, r.errOut)
	}

	// Rewrite the zip with one byte of the chat export changed.
	zr, err := zip.NewReader(bytes.NewReader(za), int64(len(za)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	target := ""
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if strings.HasSuffix(f.Name, ".txt") && strings.Contains(f.Name, "/data/evidence/") && target == "" {
			target = strings.TrimPrefix(f.Name, "sample/")
			data[len(data)/2] ^= 1
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	bad := filepath.Join(t.TempDir(), "bad.zip")
	os.WriteFile(bad, buf.Bytes(), 0o644)
	r, docs = verifyJSON(t, bad)
	if r.code != ExitFailed || len(docs) != 1 || docs[0].status(target) != "changed" {
		t.Fatalf("tampered zip: exit %d, %s = %q\n%s", r.code, target, docs[0].status(target), r.errOut)
	}
	if !strings.Contains(r.errOut, target) {
		t.Errorf("stderr does not name %s:\n%s", target, r.errOut)
	}
}

// TestBuildVolumes: a small --max-pdf-size splits the report into numbered
// volumes, each listed in evipack.json, each carrying the manifest, and the
// bundle verifies.
func TestBuildVolumes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	r := run(t, "build", sampleCase(t), "-o", out, "--max-pdf-size", "400000", "--quiet")
	if r.code != ExitOK {
		t.Fatalf("build: exit %d\n%s", r.code, r.errOut)
	}
	bag := filepath.Join(out, "sample")
	raw, err := os.ReadFile(filepath.Join(bag, "evipack.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m pack.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Report.Volumes) < 2 {
		t.Fatalf("%d volume(s), want several", len(m.Report.Volumes))
	}
	pages := 0
	for i, v := range m.Report.Volumes {
		if want := filepath.ToSlash(filepath.Join("data", "report", "证据材料-"+string(rune('1'+i))+".pdf")); v.Path != want || v.FirstPage != pages+1 {
			t.Errorf("volume %d: %s from page %d, want %s from %d", i+1, v.Path, v.FirstPage, want, pages+1)
		}
		pages += v.Pages
		if r := run(t, "verify", filepath.Join(bag, filepath.FromSlash(v.Path))); r.code != ExitOK {
			t.Errorf("verify %s: exit %d\n%s", v.Path, r.code, r.errOut)
		}
	}
	if pages != m.Report.Pages {
		t.Errorf("volumes hold %d pages, report.pages %d", pages, m.Report.Pages)
	}
	if _, err := os.Stat(filepath.Join(bag, "data", "report", "证据材料.pdf")); !os.IsNotExist(err) {
		t.Error("a split report also wrote the single-file PDF")
	}
	if r := run(t, "verify", bag); r.code != ExitOK {
		t.Fatalf("verify bundle: exit %d\n%s", r.code, r.errOut)
	}
	if names, _ := readDirNames(out); len(names) != 1 {
		t.Errorf("output folder holds %v: scratch files left behind", names)
	}
}
