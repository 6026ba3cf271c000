package payment

import (
	"io"
	"strings"

	"github.com/evipack/evipack/pkg/textenc"
)

// decodeText turns raw bytes into UTF-8 text (see textenc.Decode).
func decodeText(b []byte) (string, string) {
	text, enc := textenc.Decode(b)
	return text, enc.Name
}

// row is one line of a CSV file or one row of a worksheet.
type row struct {
	line  int
	cells []string
}

// blank reports whether every cell is empty after trimming.
func (r row) blank() bool {
	for _, c := range r.cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}

// joined returns all non-empty cells joined with a comma, for preamble lines
// whose text was split at commas.
func (r row) joined() string {
	end := len(r.cells)
	for end > 0 && clean(r.cells[end-1]) == "" {
		end--
	}
	parts := make([]string, 0, end)
	for _, c := range r.cells[:end] {
		parts = append(parts, clean(c))
	}
	return strings.Join(parts, ",")
}

// rowSource yields rows; it returns io.EOF at the end and a *ParseError
// (without File) when a limit is exceeded.
type rowSource interface {
	next() (row, error)
	close() error
}

// csvSource splits decoded text into lines and lines into cells.
//
// It is deliberately lenient, because real exports are not valid RFC 4180:
// a field is quoted only when it starts with '"' (after blanks); text after
// the closing quote up to the next comma (WeChat's TAB after order numbers)
// is kept; a quote inside an unquoted field is literal; a quoted field never
// spans lines (an unterminated quote runs to the end of the line).
type csvSource struct {
	text  string
	pos   int
	line  int
	delim byte
}

func newCSVSource(text string) *csvSource { return &csvSource{text: text, delim: ','} }

func (s *csvSource) close() error { return nil }

func (s *csvSource) next() (row, error) {
	if s.pos >= len(s.text) {
		return row{}, io.EOF
	}
	rest := s.text[s.pos:]
	end := strings.IndexByte(rest, '\n')
	var ln string
	if end < 0 {
		ln = rest
		s.pos = len(s.text)
	} else {
		ln = rest[:end]
		s.pos += end + 1
	}
	s.line++
	if len(ln) > MaxLineBytes {
		return row{}, &ParseError{Line: s.line, Msg: "line longer than 1 MiB", Zh: "该行超过 1 MiB，文件可能已损坏", Err: ErrLimit}
	}
	if s.line > maxTotalLines {
		return row{}, &ParseError{Line: s.line, Msg: "too many lines", Zh: "文件行数超过上限（100 万行）", Err: ErrLimit}
	}
	ln = strings.TrimSuffix(ln, "\r")
	cells, err := splitCSVLine(ln, s.delim)
	if err != nil {
		err.Line = s.line
		return row{}, err
	}
	return row{line: s.line, cells: cells}, nil
}

// splitCSVLine splits one line into at most MaxFieldsPerRow fields.
func splitCSVLine(ln string, delim byte) ([]string, *ParseError) {
	n := strings.Count(ln, string(delim)) + 1
	cells := make([]string, 0, min(n, MaxFieldsPerRow+1))
	i := 0
	for {
		if len(cells) >= MaxFieldsPerRow {
			return nil, &ParseError{Msg: "more than 200 fields in a row", Zh: "一行超过 200 个字段", Err: ErrLimit}
		}
		// Skip blanks to see whether the field is quoted.
		j := i
		for j < len(ln) && (ln[j] == ' ' || ln[j] == '\t') {
			j++
		}
		if j < len(ln) && ln[j] == '"' {
			// Fast path: no doubled quote inside and only blanks between the
			// closing quote and the delimiter (cells are trimmed later).
			if q := strings.IndexByte(ln[j+1:], '"'); q >= 0 {
				end := j + 1 + q
				if end+1 >= len(ln) || ln[end+1] != '"' {
					rest := ln[end+1:]
					e := strings.IndexByte(rest, delim)
					tail := rest
					if e >= 0 {
						tail = rest[:e]
					}
					if strings.Trim(tail, " \t") == "" {
						cells = append(cells, ln[j+1:end])
						if e < 0 {
							return cells, nil
						}
						i = end + 1 + e + 1
						continue
					}
				}
			}
			var b strings.Builder
			k := j + 1
			for k < len(ln) {
				c := ln[k]
				if c == '"' {
					if k+1 < len(ln) && ln[k+1] == '"' {
						b.WriteByte('"')
						k += 2
						continue
					}
					k++
					break
				}
				b.WriteByte(c)
				k++
			}
			// Keep anything after the closing quote up to the delimiter.
			e := strings.IndexByte(ln[k:], delim)
			if e < 0 {
				b.WriteString(ln[k:])
				cells = append(cells, b.String())
				return cells, nil
			}
			b.WriteString(ln[k : k+e])
			cells = append(cells, b.String())
			i = k + e + 1
			continue
		}
		e := strings.IndexByte(ln[i:], delim)
		if e < 0 {
			cells = append(cells, ln[i:])
			return cells, nil
		}
		cells = append(cells, ln[i:i+e])
		i += e + 1
	}
}

// clean trims blanks, TABs, NBSP, ideographic spaces and stray BOMs.
func clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case ' ', '\t', '\r', '\n', '\u00A0', '\u3000', '\uFEFF', '\u200B':
			return true
		}
		return false
	})
}

// normHeader normalises a header cell for comparison: trimmed, full-width
// brackets folded to ASCII, inner blanks removed.
func normHeader(s string) string {
	s = clean(s)
	if s == "" {
		return s
	}
	r := strings.NewReplacer("（", "(", "）", ")", " ", "", "\t", "", "\u3000", "", "：", ":")
	return r.Replace(s)
}
