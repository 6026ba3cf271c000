package evidence

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pngWithIHDR builds a minimal PNG whose IHDR claims w×h: one tiny IDAT and
// IEND, all with valid CRCs (the bomb guard must trigger on the header).
func pngWithIHDR(w, h uint32, interlace byte) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, interlace)
	out := []byte(pngSignature)
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

func plainGIF(t testing.TB) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 12, 7), color.Palette{color.Black, color.White})
	var b bytes.Buffer
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// lossyWebP is a 1×1 lossy WebP written by hand (RIFF, VP8 key frame).
func lossyWebP() []byte {
	vp8 := []byte{
		0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, // frame tag, start code
		0x01, 0x00, 0x01, 0x00, // 1×1
		0x02, 0x00, 0x34, 0x25, 0xa4, 0x00, 0x03, 0x70, 0x00, 0xfe, 0xfb, 0x94, 0x00, 0x00,
	}
	chunk := append([]byte("VP8 "), binary.LittleEndian.AppendUint32(nil, uint32(len(vp8)))...)
	chunk = append(chunk, vp8...)
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(chunk)))...)
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}

// latinWord finds words in Latin letters in a Chinese message: only the
// names of formats and structures, and hexadecimal markers, may appear.
var latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*`)

var allowedLatin = map[string]bool{"PNG": true, "JPEG": true, "GIF": true, "WebP": true, "IHDR": true, "CRC": true, "PDF": true, "MB": true}

var hexMarker = regexp.MustCompile(`^(FF|x)[0-9A-F]{2}$`)

// assertChinese fails if zh carries English words (an error text passed
// through into what an official reads).
func assertChinese(t *testing.T, zh string) {
	t.Helper()
	for _, w := range latinWord.FindAllString(zh, -1) {
		if !allowedLatin[w] && !hexMarker.MatchString(w) {
			t.Errorf("the Chinese message carries %q: %s", w, zh)
		}
	}
}

// TestZhIOError: what the file system reports is told in Chinese.
func TestZhIOError(t *testing.T) {
	_, notExist := os.Open(filepath.Join(t.TempDir(), "gone.png"))
	for _, c := range []struct {
		err  error
		want string
	}{
		{notExist, "文件不存在"},
		{&fs.PathError{Op: "open", Path: "a.png", Err: fs.ErrPermission}, "没有读取权限"},
		{io.ErrUnexpectedEOF, "变短"},
		{&fs.PathError{Op: "read", Path: "a.png", Err: errors.New("input/output error")}, "系统读取错误"},
	} {
		zh := ZhIOError(c.err)
		if !strings.Contains(zh, c.want) {
			t.Errorf("%v: %q, want %q", c.err, zh, c.want)
		}
		assertChinese(t, zh)
	}
}

func TestCheckImage(t *testing.T) {
	j := plainJPEG(t)
	p := plainPNG(t)
	g := plainGIF(t)
	w := lossyWebP()
	badCRC := append([]byte{}, p...)
	badCRC[8+8+13] ^= 0xFF // IHDR CRC
	tests := []struct {
		name     string
		file     []byte
		typ      Type
		code     string // "" = valid
		w, h     int
		inMsg    string // must appear in the Chinese message
		interlac bool
	}{
		{name: "jpeg", file: j, typ: TypeJPEG, w: 16, h: 8},
		{name: "jpeg with trailing data after EOI", file: append(append([]byte{}, j...), "motion photo trailer"...), typ: TypeJPEG, w: 16, h: 8},
		{name: "jpeg with exif", file: jpegWithEXIF(t, buildTIFF(binary.BigEndian, nil, nil)), typ: TypeJPEG, w: 16, h: 8},
		{name: "truncated jpeg", file: j[:len(j)*2/3], typ: TypeJPEG, code: CodeTruncatedImage, inMsg: "不完整"},
		{name: "jpeg without EOI", file: j[:len(j)-2], typ: TypeJPEG, code: CodeTruncatedImage},
		{name: "jpeg header only", file: j[:2], typ: TypeJPEG, code: CodeTruncatedImage},
		{name: "png", file: p, typ: TypePNG, w: 16, h: 8},
		{name: "interlaced png", file: pngWithIHDR(640, 480, 1), typ: TypePNG, w: 640, h: 480, interlac: true},
		{name: "truncated png", file: p[:len(p)-20], typ: TypePNG, code: CodeTruncatedImage, inMsg: "截断"},
		{name: "png without IEND", file: p[:len(p)-12], typ: TypePNG, code: CodeTruncatedImage},
		{name: "png bad crc", file: badCRC, typ: TypePNG, code: CodeImageCorrupt, inMsg: "IHDR 数据块的 CRC 校验值不符"},
		{name: "png 100000x100000 bomb", file: pngWithIHDR(100000, 100000, 0), typ: TypePNG, code: CodeImageTooLarge, inMsg: "100000×100000"},
		{name: "png 20000x20000 too many pixels", file: pngWithIHDR(20000, 20000, 0), typ: TypePNG, code: CodeImageTooLarge, inMsg: "20000×20000"},
		{name: "png zero width", file: pngWithIHDR(0, 10, 0), typ: TypePNG, code: CodeImageInvalid, inMsg: "宽或高为 0"},
		{name: "gif", file: g, typ: TypeGIF, w: 12, h: 7},
		{name: "truncated gif", file: g[:len(g)-3], typ: TypeGIF, code: CodeTruncatedImage},
		{name: "webp", file: w, typ: TypeWebP, w: 1, h: 1},
		{name: "truncated webp", file: w[:len(w)-5], typ: TypeWebP, code: CodeTruncatedImage},
		{name: "empty as png", file: nil, typ: TypePNG, code: CodeTruncatedImage},
		{name: "empty as jpeg", file: nil, typ: TypeJPEG, code: CodeTruncatedImage},
		{name: "text as png", file: []byte("not a png at all"), typ: TypePNG, code: CodeImageInvalid, inMsg: "签名不符"},
		{name: "text as gif", file: []byte("not a gif at all"), typ: TypeGIF, code: CodeImageInvalid, inMsg: "签名不符"},
		{name: "jpeg with a stray marker", file: append([]byte{0xff, 0xd8, 0xff, 0xd8}, j[2:]...), typ: TypeJPEG, code: CodeImageCorrupt, inMsg: "意外的标记 FFD8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := CheckImageDetail(bytes.NewReader(tt.file), int64(len(tt.file)), tt.typ)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("CheckImage: %v", err)
				}
				if d.Width != tt.w || d.Height != tt.h || d.Interlaced != tt.interlac {
					t.Errorf("got %dx%d interlaced=%v, want %dx%d interlaced=%v", d.Width, d.Height, d.Interlaced, tt.w, tt.h, tt.interlac)
				}
				return
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FormatError %s", err, tt.code)
			}
			if fe.Code != tt.code {
				t.Fatalf("code = %s (%v), want %s", fe.Code, err, tt.code)
			}
			if fe.Zh == "" || fe.Msg == "" || !strings.Contains(fe.Zh, tt.inMsg) {
				t.Errorf("messages %q / %q, want Chinese text containing %q", fe.Msg, fe.Zh, tt.inMsg)
			}
			assertChinese(t, fe.Zh)
		})
	}
}

func TestCheckImageUnknownSize(t *testing.T) {
	p := plainPNG(t)
	if _, err := CheckImage(bytes.NewReader(p), -1, TypePNG); err != nil {
		t.Fatalf("valid png with unknown size: %v", err)
	}
	_, err := CheckImage(bytes.NewReader(p[:len(p)-20]), -1, TypePNG)
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Code != CodeTruncatedImage {
		t.Fatalf("truncated png with unknown size: %v", err)
	}
}

func TestCheckImageNotImage(t *testing.T) {
	_, err := CheckImage(bytes.NewReader([]byte("%PDF-1.7")), 8, TypePDF)
	var fe *FormatError
	if err == nil || errors.As(err, &fe) {
		t.Fatalf("err = %v, want a plain (non-format) error", err)
	}
}

// failingReader returns an IO error after n bytes: not a format problem.
type failingReader struct {
	r *bytes.Reader
	n int64
}

func (f *failingReader) Read(p []byte) (int, error) {
	pos, _ := f.r.Seek(0, io.SeekCurrent)
	if pos >= f.n {
		return 0, errors.New("disk on fire")
	}
	if int64(len(p)) > f.n-pos {
		p = p[:f.n-pos]
	}
	return f.r.Read(p)
}

func (f *failingReader) Seek(off int64, whence int) (int64, error) { return f.r.Seek(off, whence) }

func TestCheckImageIOError(t *testing.T) {
	p := plainPNG(t)
	_, err := CheckImage(&failingReader{bytes.NewReader(p), 40}, int64(len(p)), TypePNG)
	var fe *FormatError
	if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v, want the IO error, not a FormatError", err)
	}
}

func TestFormatErrorString(t *testing.T) {
	cause := io.ErrUnexpectedEOF
	e := &FormatError{Path: "a/b.png", Code: CodeTruncatedImage, Msg: "check png: image file is incomplete", Zh: "不完整", Err: cause}
	if got, want := e.Error(), "a/b.png: check png: image file is incomplete: unexpected EOF"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, io.ErrUnexpectedEOF) {
		t.Error("Unwrap does not reach the cause")
	}
	if w := e.Warning(); w.Code != e.Code || w.Path != e.Path || w.Zh != e.Zh {
		t.Errorf("Warning() = %+v", w)
	}
}

func TestCheckImageSamples(t *testing.T) {
	dir := samplesDir(t, "exif")
	tests := []struct {
		file string
		w, h int
		code string
	}{
		{file: "ianare/Canon_40D.jpg", w: 100, h: 68},
		{file: "ianare/portrait_6.jpg", w: 600, h: 450},
		{file: "ianare/DSCN0010.jpg", w: 640, h: 480},
		{file: "goexif/f6-exif.jpg", w: 80, h: 40},
		// SOURCES.md: these were cut off after their EXIF segment.
		{file: "goexif/2012-12-21-11-15-19-sep-IMG_0001.jpg", code: CodeTruncatedImage},
		{file: "goexif-corrupt/huge_tag_exif.jpg", code: CodeTruncatedImage},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			info, err := CheckImage(bytes.NewReader(data), int64(len(data)), TypeJPEG)
			if tt.code != "" {
				var fe *FormatError
				if !errors.As(err, &fe) || fe.Code != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("CheckImage: %v", err)
			}
			if info.Width != tt.w || info.Height != tt.h {
				t.Errorf("dimensions %dx%d, want %dx%d", info.Width, info.Height, tt.w, tt.h)
			}
		})
	}
}

func FuzzCheckImage(f *testing.F) {
	f.Add(plainJPEG(f), uint8(0))
	f.Add(plainPNG(f), uint8(1))
	f.Add(pngWithIHDR(100000, 100000, 0), uint8(1))
	f.Add(plainGIF(f), uint8(2))
	f.Add(lossyWebP(), uint8(3))
	f.Add(jpegWithEXIF(f, buildTIFF(binary.LittleEndian, nil, nil)), uint8(0))
	types := []Type{TypeJPEG, TypePNG, TypeGIF, TypeWebP}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		typ := types[int(kind)%len(types)]
		for _, size := range []int64{int64(len(data)), -1} {
			d, err := CheckImageDetail(bytes.NewReader(data), size, typ)
			if err != nil {
				var fe *FormatError
				if !errors.As(err, &fe) {
					t.Fatalf("error is not *FormatError: %v", err)
				}
				if fe.Zh == "" || fe.Code == "" {
					t.Fatalf("FormatError without code or Chinese message: %+v", fe)
				}
				continue
			}
			if d.Width <= 0 || d.Height <= 0 || d.Width > MaxImageSide || d.Height > MaxImageSide ||
				int64(d.Width)*int64(d.Height) > MaxImagePixels {
				t.Fatalf("accepted dimensions %dx%d", d.Width, d.Height)
			}
		}
	})
}

// skipEntropyByByte is the plain byte-by-byte scan skipEntropy must agree with.
func skipEntropyByByte(r *bufio.Reader) (byte, error) {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		for c == 0xFF {
			if c, err = r.ReadByte(); err != nil {
				return 0, err
			}
			switch {
			case c == 0x00 || (c >= 0xD0 && c <= 0xD7):
			case c == 0xFF:
				continue
			default:
				return c, nil
			}
		}
	}
}

// FuzzSkipEntropy checks the buffered scan against the byte-by-byte one:
// same marker, same error, same position afterwards.
func FuzzSkipEntropy(f *testing.F) {
	f.Add([]byte{1, 2, 0xFF, 0x00, 3, 0xFF, 0xD3, 4, 0xFF, 0xFF, 0xD9, 7})
	f.Add(bytes.Repeat([]byte{0xAB}, 5000))
	f.Add(append(bytes.Repeat([]byte{0x12}, 4095), 0xFF, 0xDA))
	f.Fuzz(func(t *testing.T, data []byte) {
		a := bufio.NewReaderSize(bytes.NewReader(data), 16)
		b := bufio.NewReaderSize(bytes.NewReader(data), 16)
		ma, ea := skipEntropy(a)
		mb, eb := skipEntropyByByte(b)
		if ma != mb || (ea == nil) != (eb == nil) {
			t.Fatalf("skipEntropy = %#x, %v; byte by byte = %#x, %v", ma, ea, mb, eb)
		}
		ra, _ := io.ReadAll(a)
		rb, _ := io.ReadAll(b)
		if !bytes.Equal(ra, rb) {
			t.Fatalf("left %d bytes, byte by byte left %d", len(ra), len(rb))
		}
	})
}
