package chat

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Encoding names stored in Log.Encoding.
const (
	encUTF8       = "UTF-8"
	encUTF8BOM    = "UTF-8 (BOM)"
	encUTF16LE    = "UTF-16LE"
	encUTF16LEBOM = "UTF-16LE (BOM)"
	encUTF16BE    = "UTF-16BE"
	encUTF16BEBOM = "UTF-16BE (BOM)"
	encGB18030    = "GB18030"
)

// decodeText turns raw bytes into a UTF-8 string: BOM first (UTF-8, UTF-16LE,
// UTF-16BE), then BOM-less UTF-16 recognised by its NUL pattern, then UTF-8
// when valid, else GB18030. Line endings are left alone.
func decodeText(b []byte) (string, string) {
	switch {
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		return toValidUTF8(b[3:]), encUTF8BOM
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return decodeUTF16(b[2:], false), encUTF16LEBOM
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return decodeUTF16(b[2:], true), encUTF16BEBOM
	}
	if le, ok := sniffUTF16(b); ok {
		if le {
			return decodeUTF16(b, false), encUTF16LE
		}
		return decodeUTF16(b, true), encUTF16BE
	}
	if utf8.Valid(b) {
		return string(b), encUTF8
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		// The GB18030 decoder replaces bad sequences; an error here is
		// unexpected, so fall back to UTF-8 with replacement characters.
		return toValidUTF8(b), encUTF8
	}
	return toValidUTF8(out), encGB18030
}

func toValidUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// sniffUTF16 looks for the NUL bytes that ASCII characters (digits, colons,
// spaces and newlines in timestamps) leave in UTF-16 text without a BOM.
func sniffUTF16(b []byte) (littleEndian, ok bool) {
	n := len(b)
	if n > 4096 {
		n = 4096
	}
	n &^= 1
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
	case odd*5 >= pairs && even*20 <= odd:
		return true, true
	case even*5 >= pairs && odd*20 <= even:
		return false, true
	}
	return false, false
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	s := string(utf16.Decode(u))
	if len(b)%2 == 1 {
		s += "\uFFFD"
	}
	return s
}

// splitAll splits text into lines on LF, CRLF or a lone CR, returning at most
// max lines (max <= 0 means no limit).
func splitAll(text string, max int) []string {
	n := max
	if n <= 0 {
		n = countLinesString(text)
	}
	lines := make([]string, 0, n)
	for len(text) > 0 {
		if max > 0 && len(lines) >= max {
			break
		}
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i])
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// splitLines splits text into lines and enforces the line length limit.
func (p *parser) splitLines(text string) ([]string, error) {
	lines := splitAll(text, 0)
	for i, l := range lines {
		if len(l) > p.lim.line {
			return nil, newError(p.file, i+1, ErrLineTooLong, fmt.Sprintf("line of %d bytes exceeds %d", len(l), p.lim.line), "单行超过 1 MiB，不像聊天记录")
		}
	}
	return lines, nil
}

// countLinesString counts the lines splitAll returns for text.
func countLinesString[T string | []byte](text T) int {
	n := 1
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			if i+1 < len(text) {
				n++
			}
		case '\r':
			if i+1 < len(text) && text[i+1] != '\n' {
				n++
			}
		}
	}
	return n
}
