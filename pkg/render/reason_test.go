package render

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/evipack/evipack/pkg/evidence"
)

// withIDAT replaces a PNG's image data with the zlib stream of raw (the
// filtered rows) or, if raw is nil, with data as it is.
func withIDAT(t *testing.T, png []byte, raw, data []byte) []byte {
	t.Helper()
	if raw != nil {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(raw)
		zw.Close()
		data = z.Bytes()
	}
	return pngPlaceholder(png[16:29], nil, nil, data)
}

// inflated returns a PNG's filtered rows.
func inflated(t *testing.T, png []byte) []byte {
	t.Helper()
	zr, err := zlib.NewReader(bytes.NewReader(idat(t, png)))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// latin finds words in Latin letters; the Chinese reasons may only name
// formats and units.
var latin = regexp.MustCompile(`[A-Za-z]+`)

var allowedLatin = map[string]bool{"PNG": true, "JPEG": true, "GIF": true, "PDF": true, "IHDR": true, "PLTE": true, "tRNS": true, "MB": true}

// assertChinese fails if zh, the reason told about name, carries English
// words (an error text passed through to what an official reads).
func assertChinese(t *testing.T, name, zh string) {
	t.Helper()
	for _, w := range latin.FindAllString(zh, -1) {
		if !allowedLatin[w] {
			t.Errorf("%s: the Chinese reason carries %q: %s", name, w, zh)
		}
	}
}

// TestImageFailureReasonsInChinese: every way an image can fail to embed
// is told in Chinese on its card — what is wrong with the file, not the
// decoder's English — while the manifest's English message keeps the
// detail.
func TestImageFailureReasonsInChinese(t *testing.T) {
	grad := func(x, y, c int) uint16 { return uint16(x*13 + y*7 + c*50) }
	rgba := rawPNG(t, 30, 40, 6, 8, grad)
	rows := inflated(t, rgba)
	badFilter := bytes.Clone(rows)
	badFilter[3*(1+30*4)] = 9 // row 3's filter byte
	corrupt := []byte{0x78, 0x9c, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x00, 0x11}
	interlaced := interlacedPNG(t, 30, 40, 2, func(x, y, c int) uint8 { return uint8(grad(x, y, c)) })
	ilRows := inflated(t, interlaced)
	rgb := rawPNG(t, 30, 40, 2, 8, grad)
	rgb4 := bytes.Clone(rgb)
	rgb4[24] = 4 // RGB with 4-bit samples does not exist
	pal := image.NewPaletted(image.Rect(0, 0, 30, 40), color.Palette{color.Black, color.White})
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		t.Fatal(err)
	}
	noPLTE := bytes.Clone(rgb4)
	noPLTE[24], noPLTE[25] = 8, 3
	jpg := jpegBytes(t, 30, 40)

	cases := []struct {
		name string
		typ  evidence.Type
		data []byte
		want string
	}{
		{"cut.png", evidence.TypePNG, rgba[:60], "图像数据不完整：共 40 行，只读到 0 行"},
		{"cut-rgb.png", evidence.TypePNG, rgb[:60], "文件不完整，内容在结尾之前中断"},
		{"rows.png", evidence.TypePNG, withIDAT(t, rgba, rows[:len(rows)/2], nil), "图像数据不完整：共 40 行，只读到 20 行"},
		{"corrupt.png", evidence.TypePNG, withIDAT(t, rgba, nil, corrupt), "图像的压缩数据已损坏"},
		{"filter.png", evidence.TypePNG, withIDAT(t, rgba, badFilter, nil), "未知的行滤波类型 9"},
		{"adam7.png", evidence.TypePNG, withIDAT(t, interlaced, ilRows[:len(ilRows)/3], nil), "在隔行扫描共 7 遍中的第"},
		{"depth.png", evidence.TypePNG, rgb4, "颜色类型 2 不能与位深 4 组合"},
		{"nopal.png", evidence.TypePNG, noPLTE, "缺少调色板"},
		{"cut.gif", evidence.TypeGIF, gifBuf.Bytes()[:gifBuf.Len()/2], "转换失败：文件不完整"},
		{"cut.jpg", evidence.TypeJPEG, jpg[:30], "文件不完整"},
	}
	fx := &fixture{}
	for _, c := range cases {
		fx.add(t, c.name, c.typ, c.data, "坏图", "证明", &evidence.ImageInfo{Width: 30, Height: 40})
	}
	pdf, res := render(t, fx.report())
	text := squash(pdftext(t, pdf))
	for i, c := range cases {
		ws := res.Warnings[i+1]
		if len(ws) != 1 || ws[0].Code != "image-embed" {
			t.Errorf("%s: warnings %+v, want one image-embed", c.name, ws)
			continue
		}
		zh := ws[0].Zh
		if !strings.Contains(zh, c.want) {
			t.Errorf("%s: card says %q, want %q", c.name, zh, c.want)
		}
		assertChinese(t, c.name, zh)
		if !strings.Contains(text, squash(zh)) {
			t.Errorf("%s: the PDF does not show %q", c.name, zh)
		}
		if ws[0].Msg == "" || latin.FindString(ws[0].Msg) == "" {
			t.Errorf("%s: the English message is empty: %q", c.name, ws[0].Msg)
		}
	}
}

// TestZhReasonDecoders: errors of the standard decoders and the file
// system are described in Chinese, never passed through.
func TestZhReasonDecoders(t *testing.T) {
	_, _, pngErr := image.Decode(bytes.NewReader([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDX")))
	_, gifErr := gif.Decode(bytes.NewReader([]byte("GIF89a\x01")))
	for _, err := range []error{pngErr, gifErr, io.ErrUnexpectedEOF, image.ErrFormat} {
		if err == nil {
			t.Fatal("a decoder accepted garbage")
		}
		zh := zhReason(err)
		assertChinese(t, err.Error(), zh)
		if zh == "" {
			t.Errorf("%v: no reason", err)
		}
	}
	if got := zhReason(fmt.Errorf("wrapped: %w", newProblem("测试", "test"))); got != "测试" {
		t.Errorf("a problem's own text was not used: %q", got)
	}
}
