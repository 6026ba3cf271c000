package evidence

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// ftyp builds an ISO-BMFF ftyp box followed by an empty mdat.
func ftyp(major string, compatible ...string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(16+4*len(compatible)))
	b = append(b, "ftyp"+major+"\x00\x00\x02\x00"...)
	for _, c := range compatible {
		b = append(b, c...)
	}
	return append(b, 0, 0, 0, 8, 'm', 'd', 'a', 't')
}

func gbBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16Bytes(t testing.TB, s string, e xunicode.Endianness, bom xunicode.BOMPolicy) []byte {
	t.Helper()
	b, err := xunicode.UTF16(e, bom).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const chatLine = "2024-03-05 14:30:12 张三(123456)\n商家说七天无理由退货，已付款￥299.00。\n"

func TestDetect(t *testing.T) {
	binaryJunk := []byte{0x00, 0x01, 0x02, 0x03, 0xFE, 0x10, 0x00, 0x00, 0x7F, 0x80, 0x81}
	tests := []struct {
		name  string
		head  []byte
		typ   Type
		media string
	}{
		{"empty", nil, TypeEmpty, "application/x-empty"},
		{"jpeg", plainJPEG(t), TypeJPEG, "image/jpeg"},
		{"png", plainPNG(t), TypePNG, "image/png"},
		{"gif", plainGIF(t), TypeGIF, "image/gif"},
		{"webp", lossyWebP(), TypeWebP, "image/webp"},
		{"heic", ftyp("heic", "mif1", "heic"), TypeHEIC, "image/heic"},
		{"heif mif1", ftyp("mif1", "heic"), TypeHEIC, "image/heif"},
		{"heic sequence", ftyp("hevc", "msf1"), TypeHEIC, "image/heic-sequence"},
		{"avif is other", ftyp("avif", "mif1", "miaf"), TypeOther, "image/avif"},
		{"avif under mif1 is other", ftyp("mif1", "avif", "miaf"), TypeOther, "image/avif"},
		{"mp4 isom", ftyp("isom", "isom", "iso2", "avc1", "mp41"), TypeMP4, "video/mp4"},
		{"mp4 mp42", ftyp("mp42", "isom"), TypeMP4, "video/mp4"},
		{"mp4 unknown major, known compatible", ftyp("xxxx", "mp41"), TypeMP4, "video/mp4"},
		{"m4a", ftyp("M4A ", "M4A ", "mp42", "isom"), TypeMP4, "audio/mp4"},
		{"mov ftyp", ftyp("qt  ", "qt  "), TypeMP4, "video/quicktime"},
		{"mov without ftyp", []byte("\x00\x00\x00\x08wide\x00\x00\x10\x00mdat"), TypeMP4, "video/quicktime"},
		{"mov moov first", []byte("\x00\x00\x01\x00moov\x00\x00\x00\x6cmvhd"), TypeMP4, "video/quicktime"},
		{"3gp", ftyp("3gp5", "3gp5", "isom"), TypeMP4, "video/3gpp"},
		{"unknown ftyp", ftyp("crx ", "crx "), TypeOther, "application/octet-stream"},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), TypePDF, "application/pdf"},
		{"pdf after binary junk", append(append([]byte{}, binaryJunk...), "%PDF-1.4\n"...), TypePDF, "application/pdf"},
		{"text that looks like an atom", []byte("Get free shipping on orders over 99"), TypeText, "text/plain"},
		{"text mentioning %PDF-", []byte("This note explains the %PDF-1.7 header.\n"), TypeText, "text/plain"},
		{"amr", []byte("#!AMR\n\x3c\x48\xf5\x1f"), TypeAMR, "audio/amr"},
		{"amr-wb", []byte("#!AMR-WB\n\x04"), TypeAMR, "audio/amr-wb"},
		{"wechat silk", []byte("\x02#!SILK_V3\x0c\x00abc"), TypeSILK, "audio/x-silk"},
		{"qq silk", []byte("#!SILK_V3\x0c\x00abc"), TypeSILK, "audio/x-silk"},
		{"utf-8 text", []byte(chatLine), TypeText, "text/plain"},
		{"gb18030 text", gbBytes(t, chatLine), TypeText, "text/plain"},
		{"utf-16le text", utf16Bytes(t, chatLine, xunicode.LittleEndian, xunicode.UseBOM), TypeText, "text/plain"},
		{"binary", binaryJunk, TypeOther, "application/octet-stream"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), TypeOther, "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, media := Detect(tt.head)
			if typ != tt.typ || media != tt.media {
				t.Fatalf("Detect = %s %s, want %s %s", typ, media, tt.typ, tt.media)
			}
		})
	}
}

func TestDetectSamples(t *testing.T) {
	dir := samplesDir(t, "media")
	for _, tt := range []struct {
		file  string
		media string
	}{
		{"go-mp4-sample.mp4", "video/mp4"},
		{"go-mp4-sample_qt.mp4", "video/quicktime"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			head := make([]byte, SniffLen)
			n, _ := io.ReadFull(f, head)
			typ, media := Detect(head[:n])
			if typ != TypeMP4 || media != tt.media {
				t.Fatalf("Detect = %s %s, want %s %s", typ, media, TypeMP4, tt.media)
			}
		})
	}
	heif := filepath.Join(samplesDir(t, "exif"), "ianare", "samplefilehub.heif")
	b, err := os.ReadFile(heif)
	if err != nil {
		t.Fatal(err)
	}
	if typ, _ := Detect(b[:SniffLen]); typ != TypeHEIC {
		t.Fatalf("samplefilehub.heif: %s, want heic", typ)
	}
}

func TestDetectText(t *testing.T) {
	utf8Cut := []byte(chatLine)
	utf8Cut = utf8Cut[:len(utf8Cut)-3] // ends inside "。"... or earlier
	for utf8.Valid(utf8Cut) {
		utf8Cut = utf8Cut[:len(utf8Cut)-1]
	}
	gb := gbBytes(t, chatLine+"退款")
	gbCut := gb[:len(gb)-1] // ends inside "款"
	ctrl := bytes.Repeat([]byte("ab\x01\x02\x03\x04"), 20)
	tests := []struct {
		name   string
		sample []byte
		enc    string
		ok     bool
	}{
		{"ascii", []byte("hello, world\n"), EncUTF8, true},
		{"utf-8", []byte(chatLine), EncUTF8, true},
		{"utf-8 cut in a character", utf8Cut, EncUTF8, true},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, chatLine...), EncUTF8BOM, true},
		{"utf-16le bom", utf16Bytes(t, chatLine, xunicode.LittleEndian, xunicode.UseBOM), EncUTF16LE, true},
		{"utf-16be bom", utf16Bytes(t, chatLine, xunicode.BigEndian, xunicode.UseBOM), EncUTF16BE, true},
		{"utf-16le no bom", utf16Bytes(t, "Date,Amount,Status\r\n2024-03-05,299.00,支付成功\r\n", xunicode.LittleEndian, xunicode.IgnoreBOM), EncUTF16LE, true},
		{"utf-16be no bom", utf16Bytes(t, "Date,Amount,Status\r\n2024-03-05,299.00\r\n", xunicode.BigEndian, xunicode.IgnoreBOM), EncUTF16BE, true},
		{"utf-16le cut in a surrogate pair", utf16Bytes(t, "emoji 😀", xunicode.LittleEndian, xunicode.UseBOM)[:16], EncUTF16LE, true},
		{"gb18030", gb, EncGB18030, true},
		{"gb18030 cut in a character", gbCut, EncGB18030, true},
		{"gb18030 four-byte sequence", gbBytes(t, "支付宝交易明细 𠮷 €"), EncGB18030, true},
		{"empty", nil, "", false},
		{"nul bytes", []byte("abc\x00\x00\x01\x02\xff\xfe\x00"), "", false},
		{"many control characters", ctrl, "", false},
		{"latin-1", []byte("caf\xe9 au lait, na\xefve r\xe9sum\xe9"), "", false},
		{"utf-32le", []byte{0xFF, 0xFE, 0, 0, 'a', 0, 0, 0}, "", false},
		{"jpeg", plainJPEG(t), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, ok := DetectText(tt.sample)
			if enc != tt.enc || ok != tt.ok {
				t.Fatalf("DetectText = %q %v, want %q %v", enc, ok, tt.enc, tt.ok)
			}
		})
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		enc  string
	}{
		{"utf-8", []byte(chatLine), EncUTF8},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, chatLine...), EncUTF8BOM},
		{"utf-16le bom", utf16Bytes(t, chatLine, xunicode.LittleEndian, xunicode.UseBOM), EncUTF16LE},
		{"utf-16be bom", utf16Bytes(t, chatLine, xunicode.BigEndian, xunicode.UseBOM), EncUTF16BE},
		{"utf-16le no bom", utf16Bytes(t, chatLine, xunicode.LittleEndian, xunicode.IgnoreBOM), EncUTF16LE},
		{"gb18030", gbBytes(t, chatLine), EncGB18030},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A one-byte reader splits every multi-byte sequence.
			r, err := DecodeText(iotest.OneByteReader(bytes.NewReader(tt.in)), tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != chatLine {
				t.Fatalf("decoded %q, want %q", got, chatLine)
			}
		})
	}
	if _, err := DecodeText(strings.NewReader("x"), "ebcdic"); err == nil {
		t.Fatal("unknown encoding accepted")
	}
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte(chatLine))
	f.Add(gbBytes(f, chatLine))
	f.Add(utf16Bytes(f, chatLine, xunicode.LittleEndian, xunicode.UseBOM))
	f.Add(ftyp("heic", "mif1"))
	f.Add(ftyp("isom", "mp41"))
	f.Add([]byte("%PDF-1.7"))
	f.Add(plainPNG(f))
	f.Fuzz(func(t *testing.T, head []byte) {
		typ, media := Detect(head)
		if typ == "" || media == "" {
			t.Fatalf("empty result %q %q", typ, media)
		}
		if (typ == TypeEmpty) != (len(head) == 0) {
			t.Fatalf("empty type for %d bytes", len(head))
		}
		// Detect looks at SniffLen bytes only; a longer sample may turn out
		// not to be text further on.
		if _, ok := DetectText(head[:min(len(head), SniffLen)]); !ok && typ == TypeText {
			t.Fatal("text type but DetectText rejects the same bytes")
		}
		enc, ok := DetectText(head)
		if !ok {
			return
		}
		r, err := DecodeText(bytes.NewReader(head), enc)
		if err != nil {
			t.Fatalf("DecodeText(%s): %v", enc, err)
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("decode %s: %v", enc, err)
		}
		if !utf8.Valid(out) {
			t.Fatalf("decoded %s is not UTF-8", enc)
		}
		// Only the first BOM is a BOM; a second one is content (U+FEFF).
		doubled := map[string]string{EncUTF8BOM: "\xef\xbb\xbf\xef\xbb\xbf", EncUTF16LE: "\xff\xfe\xff\xfe", EncUTF16BE: "\xfe\xff\xfe\xff"}[enc]
		if bytes.HasPrefix(out, []byte("\uFEFF")) && (doubled == "" || !bytes.HasPrefix(head, []byte(doubled))) {
			t.Fatalf("BOM kept for %s", enc)
		}
	})
}
