package pdfnorm

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

const fontPath = "../../templates/fonts/NotoSansSC_400Regular.ttf"

var fixedTime = time.Date(2026, 5, 1, 8, 30, 0, 0, time.FixedZone("CST", 8*3600))

func loadFont(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(fontPath)
	if err != nil {
		tb.Fatalf("read font: %v", err)
	}
	return b
}

// testImage is a named image file for fpdf.
type testImage struct {
	name string
	typ  string // "PNG" or "JPG"
	data []byte
}

// makeImages returns n images of the same width (so fpdf's width sort cannot
// order them) and different content, alternating PNG (RGB and RGBA) and JPEG.
func makeImages(tb testing.TB, n, w, h int, noise bool) []testImage {
	tb.Helper()
	var out []testImage
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		img := image.NewRGBA(image.Rect(0, 0, w, h+i%3))
		for y := range img.Bounds().Dy() {
			for x := range w {
				c := color.RGBA{uint8(i * 37), uint8(x * 255 / w), uint8(y * 255 / h), 255}
				if noise {
					c.R, c.G, c.B = uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32())
				}
				if i%4 == 2 && x < w/4 {
					c.A = 128 // RGBA PNG: fpdf splits off a soft mask
				}
				img.SetRGBA(x, y, c)
			}
		}
		var buf bytes.Buffer
		typ := "PNG"
		if i%2 == 1 {
			typ = "JPG"
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
				tb.Fatal(err)
			}
		} else if err := png.Encode(&buf, img); err != nil {
			tb.Fatal(err)
		}
		out = append(out, testImage{name: fmt.Sprintf("img%02d.%s", i, strings.ToLower(typ)), typ: typ, data: buf.Bytes()})
	}
	return out
}

// buildReport renders a multi-page A4 document the way the report renderer
// does: UTF-8 font, bookmarks, internal links, images of equal width.
func buildReport(tb testing.TB, font []byte, imgs []testImage) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(fixedTime)
	pdf.SetModificationDate(fixedTime)
	pdf.SetCompression(true)
	pdf.AddUTF8FontFromBytes("noto", "", font)
	pdf.SetFont("noto", "", 12)
	pdf.SetTitle("消费纠纷证据材料", true)

	first := pdf.AddLink()
	pdf.AddPage()
	pdf.SetLink(first, 0, 1)
	pdf.Bookmark("目录", 0, -1)
	links := make([]int, len(imgs))
	for i := range imgs {
		links[i] = pdf.AddLink()
		pdf.CellFormat(0, 8, fmt.Sprintf("证据 %d：截图（%s）", i+1, imgs[i].name), "", 1, "L", false, links[i], "")
	}
	for i, im := range imgs {
		if i%2 == 0 {
			pdf.AddPage()
		}
		pdf.SetLink(links[i], pdf.GetY(), -1)
		pdf.Bookmark(fmt.Sprintf("证据 %d", i+1), 1, -1)
		pdf.CellFormat(0, 8, fmt.Sprintf("证据 %d 支付凭证 ¥128.00（返回目录）", i+1), "", 1, "L", false, first, "")
		pdf.RegisterImageOptionsReader(im.name, fpdf.ImageOptions{ImageType: im.typ}, bytes.NewReader(im.data))
		pdf.ImageOptions(im.name, 20, pdf.GetY(), 60, 0, true, fpdf.ImageOptions{ImageType: im.typ}, 0, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		tb.Fatalf("fpdf output: %v", err)
	}
	return buf.Bytes()
}

// buildExhibit renders a small PDF to be imported: two pages of different
// size and orientation with known text.
func buildExhibit(tb testing.TB, font []byte) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(fixedTime)
	pdf.SetModificationDate(fixedTime)
	pdf.AddUTF8FontFromBytes("noto", "", font)
	pdf.SetFont("noto", "", 14)
	pdf.AddPage()
	pdf.Cell(0, 10, "电子发票 第一页 EXHIBITONE")
	pdf.AddPageFormat("L", fpdf.SizeType{Wd: 148, Ht: 210})
	pdf.Cell(0, 10, "电子发票 第二页 EXHIBITTWO")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		tb.Fatalf("fpdf output: %v", err)
	}
	return buf.Bytes()
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return fmt.Sprintf("%x", s[:8])
}

// tool returns the path of an external validator, skipping the test when
// it is missing unless CI=true.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (required when CI=true)", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// validate runs qpdf --check and pdfcpu validate -mode strict on b.
func validate(t *testing.T, b []byte) {
	t.Helper()
	qpdf, pdfcpuBin := tool(t, "qpdf"), tool(t, "pdfcpu")
	p := writeTemp(t, "v.pdf", b)
	if out, err := exec.Command(qpdf, "--check", p).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	} else if !bytes.Contains(out, []byte("No syntax or stream encoding errors found")) {
		t.Errorf("qpdf --check reported problems:\n%s", out)
	}
	cmd := exec.Command(pdfcpuBin, "validate", "--mode", "strict", p)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("pdfcpu validate -mode strict: %v\n%s", err, out)
	}
}

// pdfText returns the pdftotext output of b.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	p := writeTemp(t, "t.pdf", b)
	out, err := exec.Command(tool(t, "pdftotext"), "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
