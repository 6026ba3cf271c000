package chat

import (
	"fmt"
	"strings"

	"github.com/evipack/evipack/pkg/textenc"
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

// decodeText turns raw bytes into a UTF-8 string (see textenc.Decode) and
// names the encoding for Log.Encoding.
func decodeText(b []byte) (string, string) {
	text, enc := textenc.Decode(b)
	name := map[string]string{textenc.UTF8: encUTF8, textenc.UTF16LE: encUTF16LE, textenc.UTF16BE: encUTF16BE, textenc.GB18030: encGB18030}[enc.Name]
	if enc.BOM {
		name += " (BOM)"
	}
	return text, name
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
