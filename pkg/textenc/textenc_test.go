package textenc

import (
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func utf16Bytes(s string, big, bom bool) []byte {
	u := utf16.Encode([]rune(s))
	var b []byte
	if bom {
		u = append([]uint16{0xFEFF}, u...)
	}
	for _, c := range u {
		if big {
			b = append(b, byte(c>>8), byte(c))
		} else {
			b = append(b, byte(c), byte(c>>8))
		}
	}
	return b
}

func TestDecode(t *testing.T) {
	const text = "2026-09-03 20:15:37,星辰卡盟,¥128.00\r\n交易时间,交易类型\n"
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		want string
		enc  Encoding
	}{
		{"utf-8", []byte(text), text, Encoding{UTF8, false}},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, text...), text, Encoding{UTF8, true}},
		{"utf-16le bom", utf16Bytes(text, false, true), text, Encoding{UTF16LE, true}},
		{"utf-16be bom", utf16Bytes(text, true, true), text, Encoding{UTF16BE, true}},
		{"utf-16le no bom", utf16Bytes(text, false, false), text, Encoding{UTF16LE, false}},
		{"utf-16be no bom", utf16Bytes(text, true, false), text, Encoding{UTF16BE, false}},
		{"gb18030", []byte(gbk), text, Encoding{GB18030, false}},
		{"utf-8 head cut inside a character", []byte("星辰卡盟")[:10], "星辰卡", Encoding{UTF8, false}},
		{"empty", nil, "", Encoding{UTF8, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc := Decode(tt.in)
			if got != tt.want || enc != tt.enc {
				t.Errorf("Decode = %q %+v, want %q %+v", got, enc, tt.want, tt.enc)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("交易时间,交易类型\n"))
	f.Add(utf16Bytes("消息记录", false, true))
	f.Add([]byte{0xFE, 0xFF, 0x00})
	f.Add([]byte{0xB9, 0xE3, 0xD6, 0xDD})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, enc := Decode(b)
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 out of %q (%+v)", b, enc)
		}
		if len(s) > 4*len(b)+8 {
			t.Fatalf("output %d bytes from %d", len(s), len(b))
		}
	})
}
