package render

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/evipack/evipack/pkg/evidence"
)

// rawPNG encodes a non-interlaced PNG by hand (the standard encoder cannot
// write gray+alpha, nor choose filters): rows of 8- or 16-bit samples,
// filter type y%5 on row y, so every filter is exercised.
func rawPNG(t testing.TB, w, h int, ct, depth byte, sample func(x, y, c int) uint16) []byte {
	t.Helper()
	channels := map[byte]int{0: 1, 2: 3, 4: 2, 6: 4}[ct]
	bps := int(depth) / 8
	bpp := channels * bps
	var raw bytes.Buffer
	prev := make([]byte, w*bpp)
	for y := range h {
		row := make([]byte, w*bpp)
		for x := range w {
			for c := range channels {
				v := sample(x, y, c)
				if bps == 1 {
					row[x*bpp+c] = uint8(v)
				} else {
					binary.BigEndian.PutUint16(row[x*bpp+2*c:], v)
				}
			}
		}
		ft := byte(y % 5)
		out := filterRow(ft, row, prev, bpp)
		raw.WriteByte(ft)
		raw.Write(out)
		prev = row
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	var b bytes.Buffer
	b.WriteString(pngSignature)
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = depth, ct
	chunk("IHDR", ihdr)
	// Split the data over several IDAT chunks.
	data := z.Bytes()
	for len(data) > 0 {
		n := min(len(data), 97)
		chunk("IDAT", data[:n])
		data = data[n:]
	}
	chunk("IEND", nil)
	return b.Bytes()
}

// filterRow applies PNG filter ft to row, given the row above (prev).
func filterRow(ft byte, row, prev []byte, bpp int) []byte {
	out := make([]byte, len(row))
	for i := range row {
		var a, c int
		if i >= bpp {
			a = int(row[i-bpp])
			c = int(prev[i-bpp])
		}
		out[i] = row[i] - uint8(predictReference(ft, a, int(prev[i]), c))
	}
	return out
}

// testAdam7 is the pass geometry of PNG interlacing, x0, y0, dx, dy, kept
// apart from the decoder's table.
var testAdam7 = [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}

// interlacedPNG encodes an Adam7-interlaced 8-bit PNG of colour type ct by
// hand, the rows of every pass cycling through the five filters.
func interlacedPNG(t testing.TB, w, h int, ct byte, sample func(x, y, c int) uint8) []byte {
	t.Helper()
	channels := map[byte]int{0: 1, 2: 3, 4: 2, 6: 4}[ct]
	var raw bytes.Buffer
	for _, p := range testAdam7 {
		if p[0] >= w || p[1] >= h {
			continue // an empty pass has no rows
		}
		var prev []byte
		for y, k := p[1], 0; y < h; y, k = y+p[3], k+1 {
			var row []byte
			for x := p[0]; x < w; x += p[2] {
				for c := range channels {
					row = append(row, sample(x, y, c))
				}
			}
			if prev == nil {
				prev = make([]byte, len(row))
			}
			ft := byte((k + y) % 5)
			raw.WriteByte(ft)
			raw.Write(filterRow(ft, row, prev, channels))
			prev = row
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9], ihdr[12] = 8, ct, 1
	b := pngPlaceholder(ihdr, nil, nil, z.Bytes())
	if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() != w {
		t.Fatalf("interlacedPNG: %v", err)
	}
	return b
}

// overWhite is what the page shows: the image composited over white,
// computed with the standard library.
func overWhite(t *testing.T, data []byte) *image.RGBA {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	return dst
}

// TestImagesInPDF renders images of every kind and reads them back out of
// the PDF with pdfimages: JPEG bytes and PNG data must be carried unchanged,
// converted images must show what the original shows over a white page.
func TestImagesInPDF(t *testing.T) {
	pdfimages := needTool(t, "pdfimages")
	const w, h = 37, 23
	grad := func(x, y, c int) uint16 { return uint16((x*7 + y*13 + c*50) % 256) }
	alpha := func(x, y, c int, channels int) uint16 {
		if c == channels-1 {
			return uint16((x * 255 / (w - 1)) ^ (y & 3)) // 0 … 255
		}
		return grad(x, y, c)
	}
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}, color.Transparent})
	for y := range h {
		for x := range w {
			pal.SetColorIndex(x, y, uint8((x+y)%3))
		}
	}
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		typ  evidence.Type
		data []byte
		kept bool // carried unchanged
	}{
		{"rgb.png", evidence.TypePNG, rawPNG(t, w, h, 2, 8, grad), true},
		{"gray16.png", evidence.TypePNG, rawPNG(t, w, h, 0, 16, func(x, y, c int) uint16 { return uint16(x * y * 97) }), true},
		{"rgba.png", evidence.TypePNG, rawPNG(t, w, h, 6, 8, func(x, y, c int) uint16 { return alpha(x, y, c, 4) }), false},
		{"ga.png", evidence.TypePNG, rawPNG(t, w, h, 4, 8, func(x, y, c int) uint16 { return alpha(x, y, c, 2) }), false},
		{"rgba16.png", evidence.TypePNG, rawPNG(t, w, h, 6, 16, func(x, y, c int) uint16 { return alpha(x, y, c, 4) * 257 }), false},
		{"go-rgba.png", evidence.TypePNG, pngBytes(t, w, h, true), false},
		{"pal.gif", evidence.TypeGIF, gifBuf.Bytes(), false},
		{"adam7-rgb.png", evidence.TypePNG, interlacedPNG(t, w, h, 2, func(x, y, c int) uint8 { return uint8(grad(x, y, c)) }), false},
		{"adam7-gray.png", evidence.TypePNG, interlacedPNG(t, w, h, 0, func(x, y, c int) uint8 { return uint8(x*y*7 + x) }), false},
		{"adam7-rgba.png", evidence.TypePNG, interlacedPNG(t, w, h, 6, func(x, y, c int) uint8 { return uint8(alpha(x, y, c, 4)) }), false},
		{"adam7-ga.png", evidence.TypePNG, interlacedPNG(t, w, h, 4, func(x, y, c int) uint8 { return uint8(alpha(x, y, c, 2)) }), false},
		{"photo.jpg", evidence.TypeJPEG, jpegBytes(t, w, h), true},
	}
	fx := &fixture{}
	for _, c := range cases {
		fx.add(t, c.name, c.typ, c.data, c.name, "证明", &evidence.ImageInfo{Width: w, Height: h})
	}
	pdf, res := render(t, fx.report())
	if len(res.Warnings) != 0 {
		t.Fatalf("warnings: %v", res.Warnings)
	}
	for _, c := range cases {
		switch {
		case c.typ == evidence.TypeJPEG && !bytes.Contains(pdf, c.data):
			t.Errorf("%s: JPEG bytes not carried unchanged", c.name)
		case c.kept && c.typ == evidence.TypePNG && !bytes.Contains(pdf, idat(t, c.data)):
			t.Errorf("%s: PNG data not carried unchanged", c.name)
		}
	}

	dir := t.TempDir()
	in := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdfimages, "-png", "-p", in, filepath.Join(dir, "img")).CombinedOutput(); err != nil {
		t.Fatalf("pdfimages: %v\n%s", err, out)
	}
	// pdfimages names files img-PAGE-NUM.png; the exhibits come in order.
	files, _ := filepath.Glob(filepath.Join(dir, "img-*.png"))
	sort.Strings(files)
	var got []image.Image
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if img.Bounds().Dx() == w && img.Bounds().Dy() == h {
			got = append(got, img)
		}
	}
	if len(got) != len(cases) {
		t.Fatalf("pdfimages found %d images of %d×%d, want %d", len(got), w, h, len(cases))
	}
	for i, c := range cases {
		if c.typ == evidence.TypeJPEG {
			continue // lossy; its bytes were compared above
		}
		want := overWhite(t, c.data)
		if d := maxDiff(want, got[i]); d > 1 {
			t.Errorf("%s: pixels differ from the original over white by up to %d", c.name, d)
		}
	}
}

func maxDiff(a *image.RGBA, b image.Image) int {
	d := 0
	for y := range a.Rect.Dy() {
		for x := range a.Rect.Dx() {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, p := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}} {
				v := int(p[0]>>8) - int(p[1]>>8)
				d = max(d, abs(v))
			}
		}
	}
	return d
}

// idat returns a PNG's concatenated IDAT data.
func idat(t *testing.T, b []byte) []byte {
	t.Helper()
	var out []byte
	for p := 8; p+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[p:]))
		if string(b[p+4:p+8]) == "IDAT" {
			out = append(out, b[p+8:p+8+n]...)
		}
		p += 12 + n
	}
	return out
}

// TestImageChangedDuringPackaging: an original that shrinks between the
// layout and the writing of the PDF fails Expand with a message naming it.
func TestImageChangedDuringPackaging(t *testing.T) {
	fx := &fixture{}
	it := fx.add(t, "shot.png", evidence.TypePNG, rawPNG(t, 40, 30, 2, 8, func(x, y, c int) uint16 { return uint16(x ^ y) }), "截图", "证明", &evidence.ImageInfo{Width: 40, Height: 30})
	rep := fx.report()
	res, err := Render(t.Context(), rep)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	fx.data[it.Index] = fx.data[it.Index][:60]
	var buf bytes.Buffer
	err = res.Expand(&buf, res.Volumes[0].Draft)
	if err == nil || !strings.Contains(err.Error(), "shot.png") {
		t.Fatalf("Expand with a shrunk original: %v", err)
	}
}

// TestPlaceholderNotForgeable: a stream that carries the marker prefix but
// not this report's token is left alone.
func TestPlaceholderNotForgeable(t *testing.T) {
	fx := &fixture{}
	fx.add(t, "a.jpg", evidence.TypeJPEG, jpegBytes(t, 20, 10), "照片", "证明", &evidence.ImageInfo{Width: 20, Height: 10})
	s := newImageSet(fx.items, nil)
	other := newImageSet(append(fx.items, &evidence.Item{Index: 2, SHA256: strings.Repeat("0", 64)}), nil)
	s.sources[imageKey(fx.items[0])] = &imageSource{length: 1}
	forged := fmt.Appendf(nil, "%s%s%%", other.marker, imageKey(fx.items[0]))
	if _, ok := s.resolve(forged); ok {
		t.Fatal("a marker with another token was resolved")
	}
	genuine := fmt.Appendf(nil, "%s%s%%", s.marker, imageKey(fx.items[0]))
	if _, ok := s.resolve(genuine); !ok {
		t.Fatal("the report's own marker was not resolved")
	}
}

// FuzzPNGImage feeds arbitrary bytes to the two PNG readers of the image
// path: they must fail cleanly, never panic, and a scanned PNG's spans must
// lie inside the input.
func FuzzPNGImage(f *testing.F) {
	grad := func(x, y, c int) uint16 { return uint16(x*31 + y*7 + c) }
	f.Add(rawPNG(f, 5, 4, 2, 8, grad))
	f.Add(rawPNG(f, 5, 4, 6, 8, grad))
	f.Add(rawPNG(f, 3, 7, 4, 16, grad))
	f.Add(rawPNG(f, 9, 2, 0, 16, grad))
	f.Add(interlacedPNG(f, 11, 6, 6, func(x, y, c int) uint8 { return uint8(grad(x, y, c)) }))
	f.Add(interlacedPNG(f, 3, 10, 2, func(x, y, c int) uint8 { return uint8(grad(x, y, c)) }))
	f.Fuzz(func(t *testing.T, data []byte) {
		if src, err := scanPNG(bytes.NewReader(data), []byte("id")); err == nil {
			for _, sp := range src.spans {
				if sp.off < 0 || sp.n <= 0 || sp.off+sp.n > int64(len(data)) {
					t.Fatalf("span %+v outside %d bytes", sp, len(data))
				}
			}
			if !bytes.HasPrefix(src.placeholder, []byte(pngSignature)) {
				t.Fatal("placeholder is not a PNG")
			}
		}
		var out bytes.Buffer
		err := flattenPNGRows(bytes.NewReader(data), 1<<16, nil, func(w, h, bpp int) (*rowWriter, error) {
			return newRowWriter(&out, w, bpp)
		})
		if err == nil && out.Len() == 0 {
			t.Fatal("flattened without output")
		}
	})
}

// TestBrokenImageBecomesCard: an image that cannot be prepared is shown as
// a metadata card with an image-embed warning, and the page numbers (from
// the measuring pass, which ran while images were prepared) still match
// the document.
func TestBrokenImageBecomesCard(t *testing.T) {
	fx := &fixture{}
	good := rawPNG(t, 40, 300, 2, 8, func(x, y, c int) uint16 { return uint16(x + y) }) // a long screenshot: several pages
	broken := bytes.Clone(good)[:60]                                                    // IHDR, then the data is cut off
	fx.add(t, "broken.png", evidence.TypePNG, broken, "坏截图", "证明", &evidence.ImageInfo{Width: 40, Height: 3000})
	fx.add(t, "good.png", evidence.TypePNG, good, "好截图", "证明", &evidence.ImageInfo{Width: 40, Height: 300})
	pdf, res := render(t, fx.report())
	ws := res.Warnings[1]
	if len(ws) != 1 || ws[0].Code != "image-embed" || !strings.Contains(ws[0].Zh, "图片无法嵌入") {
		t.Fatalf("warnings of the broken image: %+v", ws)
	}
	if len(res.Warnings[2]) != 0 {
		t.Fatalf("the good image got warnings: %+v", res.Warnings[2])
	}
	text := pdftext(t, pdf)
	if got := strings.Count(text, "\f"); got != res.Pages {
		t.Errorf("the document has %d pages, the measuring pass counted %d", got, res.Pages)
	}
	if !strings.Contains(squash(text), fmt.Sprintf("共%d页", res.Pages)) {
		t.Error("the footer's page total is wrong")
	}
}

// TestIdenticalImagesShareStream: two exhibits with the same bytes are
// carried once in the PDF, and both are shown.
func TestIdenticalImagesShareStream(t *testing.T) {
	pdfimages := needTool(t, "pdfimages")
	fx := &fixture{}
	data := jpegBytes(t, 61, 43)
	fx.add(t, "a.jpg", evidence.TypeJPEG, data, "照片甲", "证明", &evidence.ImageInfo{Width: 61, Height: 43})
	fx.add(t, "b.jpg", evidence.TypeJPEG, data, "照片乙", "证明", &evidence.ImageInfo{Width: 61, Height: 43})
	pdf, _ := render(t, fx.report())
	if n := bytes.Count(pdf, data); n != 1 {
		t.Fatalf("the image's bytes are in the PDF %d times, want 1", n)
	}
	in := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdfimages, "-list", in).Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), " 61    43 "); n != 2 {
		t.Fatalf("the image is drawn %d times, want 2:\n%s", n, out)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestGiantImageRefused: images decoded whole (interlaced PNG, palette PNG,
// GIF) whose header claims more than maxDecodePixels (here 100 Mpx: a few
// KB that would take 100–400 MB) are refused before any pixel memory is
// taken, and shown as cards.
func TestGiantImageRefused(t *testing.T) {
	giant := func(ct byte, plte []byte) []byte {
		ihdr := make([]byte, 13)
		binary.BigEndian.PutUint32(ihdr, 10000)
		binary.BigEndian.PutUint32(ihdr[4:], 10000)
		ihdr[8], ihdr[9], ihdr[12] = 8, ct, 1
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(make([]byte, 1<<16)) // zeros: a row filter 0 and black pixels
		zw.Close()
		return pngPlaceholder(ihdr, plte, nil, z.Bytes())
	}
	pal := image.NewPaletted(image.Rect(0, 0, 1, 1), color.Palette{color.Black})
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		t.Fatal(err)
	}
	g := gifBuf.Bytes()
	binary.LittleEndian.PutUint16(g[6:], 10000) // logical screen
	binary.LittleEndian.PutUint16(g[8:], 10000)
	fx := &fixture{}
	fx.add(t, "adam7.png", evidence.TypePNG, giant(2, nil), "隔行", "证明", &evidence.ImageInfo{Width: 10000, Height: 10000})
	fx.add(t, "pal.png", evidence.TypePNG, giant(3, []byte{0, 0, 0}), "调色板", "证明", &evidence.ImageInfo{Width: 10000, Height: 10000})
	fx.add(t, "big.gif", evidence.TypeGIF, g, "动图", "证明", &evidence.ImageInfo{Width: 10000, Height: 10000})
	_, res := render(t, fx.report())
	for i := 1; i <= 3; i++ {
		ws := res.Warnings[i]
		if len(ws) != 1 || ws[0].Code != "image-embed" {
			t.Fatalf("exhibit %d: warnings %+v, want one image-embed", i, ws)
		}
		if !strings.Contains(ws[0].Zh, "10000×10000 像素，超过可转换的上限") {
			t.Errorf("exhibit %d: the warning does not give the size: %s", i, ws[0].Zh)
		}
	}
}
