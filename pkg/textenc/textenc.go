// Package textenc decodes the text encodings Chinese exports come in — UTF-8
// with or without BOM, UTF-16 with or without BOM, GB18030/GBK — into UTF-8.
// The bill and chat parsers share it, so a file is read the same way
// whichever parser recognises it.
package textenc

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Encoding names.
const (
	UTF8    = "utf-8"
	UTF16LE = "utf-16le"
	UTF16BE = "utf-16be"
	GB18030 = "gb18030"
)

// Encoding is what Decode found.
type Encoding struct {
	Name string // UTF8, UTF16LE, UTF16BE or GB18030
	BOM  bool   // the input started with a byte order mark (removed)
}

// Decode turns raw bytes into valid UTF-8: a BOM decides first, then BOM-less
// UTF-16 is recognised by the NUL bytes ASCII leaves at one parity, then
// valid UTF-8 is kept (also when only its last character is cut off, as in
// a file's head), and anything else is read as GB18030, a superset of GBK.
// Invalid sequences become U+FFFD; nothing fails. Line endings are kept.
func Decode(b []byte) (string, Encoding) {
	switch {
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		return valid(b[3:]), Encoding{UTF8, true}
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return utf16String(b[2:], false), Encoding{UTF16LE, true}
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return utf16String(b[2:], true), Encoding{UTF16BE, true}
	}
	if le, ok := sniffUTF16(b); ok {
		if le {
			return utf16String(b, false), Encoding{UTF16LE, false}
		}
		return utf16String(b, true), Encoding{UTF16BE, false}
	}
	if utf8.Valid(b) {
		return string(b), Encoding{UTF8, false}
	}
	if start := lastRuneStart(b); start >= len(b)-3 && utf8.Valid(b[:start]) && !utf8.FullRune(b[start:]) {
		return string(b[:start]), Encoding{UTF8, false}
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return valid(b), Encoding{GB18030, false}
	}
	return valid(out), Encoding{GB18030, false}
}

func valid(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// sniffUTF16 looks at up to 4 KiB for the NUL bytes that ASCII characters
// (digits, separators, newlines) leave in UTF-16 text without a BOM: many at
// one parity, few at the other.
func sniffUTF16(b []byte) (littleEndian, ok bool) {
	n := min(len(b), 4096) &^ 1
	if n < 4 {
		return false, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	switch {
	case odd*5 >= pairs && even*20 <= odd, odd*10 >= pairs*3 && even*10 < pairs:
		return true, true
	case even*5 >= pairs && odd*20 <= even, even*10 >= pairs*3 && odd*10 < pairs:
		return false, true
	}
	return false, false
}

// lastRuneStart returns the index of the last byte that is not a UTF-8
// continuation byte.
func lastRuneStart(b []byte) int {
	i := len(b) - 1
	for i > 0 && b[i]&0xC0 == 0x80 {
		i--
	}
	return max(i, 0)
}

func utf16String(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	s := strings.TrimPrefix(string(utf16.Decode(u)), "\uFEFF")
	if len(b)%2 == 1 {
		s += "\uFFFD"
	}
	return s
}
