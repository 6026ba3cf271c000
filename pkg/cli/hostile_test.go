package cli

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Hostile-input fixtures, made in the test.

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 96, 64))
	for y := range 64 {
		for x := range 96 {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y * 3), uint8(x ^ y), 255})
		}
	}
	return img
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngChunk encodes one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// hugePNG is a well-formed PNG whose IHDR claims 100000×100000 RGBA pixels
// (40 GB decoded), with valid CRCs and a tiny IDAT.
func hugePNG() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	b.Write(pngChunk("IHDR", ihdr))
	b.Write(pngChunk("IDAT", []byte{0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01}))
	b.Write(pngChunk("IEND", nil))
	return b.Bytes()
}

// exifOverflowJPEG is a JPEG whose APP1 Exif block has an IFD entry of type
// RATIONAL with count 0x40000001: count×8 overflows 32 bits, and goexif
// allocates by the count.
func exifOverflowJPEG(t *testing.T) []byte {
	t.Helper()
	var tiff bytes.Buffer
	tiff.WriteString("II*\x00")
	binary.Write(&tiff, binary.LittleEndian, uint32(8)) // IFD0 offset
	binary.Write(&tiff, binary.LittleEndian, uint16(2)) // entries
	// Make (ASCII, valid) then XResolution (RATIONAL) with the huge count.
	binary.Write(&tiff, binary.LittleEndian, []uint16{0x010F, 2})
	binary.Write(&tiff, binary.LittleEndian, []uint32{4, 0x00656361}) // "ace\0" inline
	binary.Write(&tiff, binary.LittleEndian, []uint16{0x011A, 5})
	binary.Write(&tiff, binary.LittleEndian, []uint32{0x40000001, 38})
	binary.Write(&tiff, binary.LittleEndian, uint32(0)) // next IFD
	tiff.Write(make([]byte, 16))                        // a little data at 38

	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8, 0xFF, 0xE1})
	binary.Write(&b, binary.BigEndian, uint16(len(app1)+2))
	b.Write(app1)
	b.Write(jpegBytes(t)[2:]) // the rest of a valid JPEG after its SOI
	return b.Bytes()
}

func encryptedPDF(t *testing.T) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	doc.AddPage()
	doc.SetFont("Helvetica", "", 14)
	doc.Cell(40, 10, "order receipt")
	var plain bytes.Buffer
	if err := doc.Output(&plain); err != nil {
		t.Fatal(err)
	}
	var enc bytes.Buffer
	conf := model.NewAESConfiguration("user-secret", "owner-secret", 256)
	if err := api.Encrypt(bytes.NewReader(plain.Bytes()), &enc, conf); err != nil {
		t.Fatalf("encrypt PDF: %v", err)
	}
	if !bytes.Contains(enc.Bytes(), []byte("/Encrypt")) {
		t.Fatal("the PDF was not encrypted")
	}
	return enc.Bytes()
}

// TestBuildHostile builds a case of broken and malicious files: every bad
// file gets a warning naming it and saying why, the good files and the rest
// of the case still build, and memory stays bounded.
func TestBuildHostile(t *testing.T) {
	caseDir := filepath.Join(t.TempDir(), "hostile")
	jpg, pngb := jpegBytes(t), pngBytes(t)

	type file struct {
		path    string
		data    []byte
		skipped bool     // not carried in the bag
		codes   []string // any of these warning codes will do; nil = no warning
		reason  string   // a word the English message must contain
	}
	files := []file{
		{path: "good/screenshot.png", data: pngb},
		{path: "good/聊天记录.txt", data: []byte("2026-09-03 20:11:05 客服：付款后5分钟内自动发卡\n")},
		{path: "bad/truncated.jpg", data: jpg[:len(jpg)/2], codes: []string{"truncated-image"}, reason: "incomplete"},
		{path: "bad/truncated.png", data: pngb[:len(pngb)/2], codes: []string{"truncated-image"}, reason: "incomplete"},
		{path: "bad/huge.png", data: hugePNG(), codes: []string{"image-too-large"}, reason: "100000"},
		{path: "bad/exif-overflow.jpg", data: exifOverflowJPEG(t), codes: []string{"exif-invalid", "exif-too-large"}, reason: "exif"},
		{path: "bad/encrypted.pdf", data: encryptedPDF(t), codes: []string{"pdf-import"}, reason: "encrypt"},
		{path: "bad/empty.jpg", data: []byte{}, codes: []string{"empty-file"}, reason: "empty"},
	}
	sample := filepath.Join("..", "..", "..", "shared", "samples", "exif", "goexif-corrupt", "overflow-count-oom.jpg")
	if b, err := os.ReadFile(sample); err == nil {
		files = append(files, file{path: "bad/overflow-count-oom.jpg", data: b, codes: []string{"exif-invalid", "exif-too-large"}, reason: "exif"})
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("shared sample missing on CI: %v", err)
	} else {
		t.Logf("shared sample absent, using only the generated EXIF overflow: %v", err)
	}
	for _, f := range files {
		p := filepath.Join(caseDir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(caseDir, "bad", "passwd.txt")); err != nil {
		t.Fatal(err)
	}
	files = append(files, file{path: "bad/passwd.txt", skipped: true, codes: []string{"symlink"}, reason: "link"})
	before := snapshot(t, caseDir)

	out := filepath.Join(t.TempDir(), "out")
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	r := run(t, "build", caseDir, "-o", out, "--json")
	runtime.ReadMemStats(&ms1)
	t.Logf("build allocated %d MiB in total; heap reserved grew by %d MiB",
		(ms1.TotalAlloc-ms0.TotalAlloc)>>20, (int64(ms1.HeapSys)-int64(ms0.HeapSys))>>20)
	// Decoding any of the images by its header would take gigabytes.
	const memBound = 512 << 20
	if d := ms1.TotalAlloc - ms0.TotalAlloc; d > memBound {
		t.Errorf("the build allocated %d MiB, more than %d MiB", d>>20, memBound>>20)
	}

	t.Logf("stderr:\n%s", r.errOut)
	if r.code != ExitOK {
		t.Fatalf("exit %d, want %d", r.code, ExitOK)
	}
	if strings.Contains(r.errOut, "panic") {
		t.Errorf("stderr mentions a panic:\n%s", r.errOut)
	}
	bag := filepath.Join(out, "hostile")
	m := readManifest(t, bag)

	for _, f := range files {
		t.Run(f.path, func(t *testing.T) {
			type warning struct{ code, msg, zh string }
			var got []warning
			inBag := ""
			for _, it := range m.Items {
				if it.Path != f.path {
					continue
				}
				inBag = it.BagPath
				for _, w := range it.Warnings {
					if w.Path != f.path {
						t.Errorf("warning %q names %q", w.Code, w.Path)
					}
					got = append(got, warning{w.Code, w.Msg, w.Zh})
				}
			}
			skipped := false
			for _, s := range m.Skipped {
				if s.Path == f.path {
					skipped = true
					got = append(got, warning{s.Code, s.Msg, ""})
				}
			}

			switch {
			case f.skipped && (inBag != "" || !skipped):
				t.Errorf("want skipped and not in the bag; bag path %q, skipped %v", inBag, skipped)
			case !f.skipped && inBag == "":
				t.Errorf("not carried in the bag (skipped %v)", skipped)
			}
			if inBag != "" {
				b, err := os.ReadFile(filepath.Join(bag, filepath.FromSlash(inBag)))
				if err != nil || !bytes.Equal(b, f.data) {
					t.Errorf("%s is not a byte copy of the original (err %v)", inBag, err)
				}
			}
			if f.skipped {
				if strings.Contains(snapshotText(t, bag), "root:x:0:0") {
					t.Error("the bundle contains /etc/passwd")
				}
			}

			if f.codes == nil {
				if len(got) > 0 {
					t.Errorf("a good file got warnings %+v", got)
				}
				return
			}
			found := false
			for _, w := range got {
				for _, c := range f.codes {
					if w.code == c && strings.Contains(strings.ToLower(w.msg), f.reason) {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("no warning with code %v whose message says %q; got %+v", f.codes, f.reason, got)
			}
			// The human message on stderr names the file.
			if !stderrNames(r.errOut, f.path) {
				t.Errorf("stderr has no warning line for %s:\n%s", f.path, r.errOut)
			}
		})
	}

	if d := diffTrees(before, snapshot(t, caseDir)); len(d) > 0 {
		t.Errorf("the case folder changed: %v", d)
	}
	if v := run(t, "verify", bag); v.code != ExitOK {
		t.Errorf("the hostile bundle does not verify: exit %d\n%s", v.code, v.errOut)
	}
	t.Run("report PDF is valid", func(t *testing.T) {
		needTool(t, "qpdf")
		shell(t, bag, "qpdf", "--check", filepath.Join(bag, "data", "report", "证据材料.pdf"))
	})
}

// stderrNames reports whether a "! path: …" warning line names path.
func stderrNames(errOut, path string) bool {
	for _, l := range strings.Split(errOut, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "! "+path+":") {
			return true
		}
	}
	return false
}

// snapshotText concatenates the bytes of every file of dir.
func snapshotText(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for p := range snapshot(t, dir) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if st, err := os.Stat(full); err == nil && st.Mode().IsRegular() {
			data, _ := os.ReadFile(full)
			b.Write(data)
		}
	}
	return b.String()
}
