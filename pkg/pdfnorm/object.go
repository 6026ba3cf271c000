package pdfnorm

import (
	"bytes"
	"fmt"
	"sort"
)

// kind is the type of a parsed PDF object.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString // literal string; b holds the decoded bytes
	kindHex    // hexadecimal string; b holds the decoded bytes
	kindName   // b holds the decoded name without the slash
	kindArray
	kindDict
	kindRef
)

// value is one parsed PDF object. Strings and names are kept decoded so that
// they can be written in one canonical form; numbers keep their token.
type value struct {
	k    kind
	b    []byte
	arr  []value
	dict []entry // sorted by key, keys unique
	ref  ref
}

type entry struct {
	key []byte
	val value
}

type ref struct {
	num, gen int
}

// get returns the value stored under key in a dictionary.
func (v *value) get(key string) (value, bool) {
	if v.k != kindDict {
		return value{}, false
	}
	i := sort.Search(len(v.dict), func(i int) bool { return string(v.dict[i].key) >= key })
	if i < len(v.dict) && string(v.dict[i].key) == key {
		return v.dict[i].val, true
	}
	return value{}, false
}

// Parser limits. The input of Canonicalize is a PDF this program made, but it
// holds objects copied from exhibits, so every structure is bounded.
const (
	maxDepth    = 64      // nesting of arrays and dictionaries
	maxObjects  = 4 << 20 // objects listed in the cross-reference table
	maxNumLen   = 64      // bytes in one numeric token
	maxPrevXRef = 32      // chained cross-reference sections
)

// syntaxError is returned for every parse failure; it wraps ErrMalformed.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.msg) }
func (e *syntaxError) Unwrap() error { return ErrMalformed }

// lexer reads PDF tokens from buf.
type lexer struct {
	buf []byte
	pos int
}

func (l *lexer) errorf(format string, args ...any) error {
	return &syntaxError{off: l.pos, msg: fmt.Sprintf(format, args...)}
}

func isWhite(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isWhite(c) && !isDelim(c) }

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() {
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		switch {
		case isWhite(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.buf) && l.buf[l.pos] != '\n' && l.buf[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// keyword reports whether the regular-character token at pos equals kw,
// without consuming it.
func (l *lexer) keyword(kw string) bool {
	end := l.pos + len(kw)
	if end > len(l.buf) || string(l.buf[l.pos:end]) != kw {
		return false
	}
	return end == len(l.buf) || !isRegular(l.buf[end])
}

// token returns the run of regular characters at pos.
func (l *lexer) token() []byte {
	start := l.pos
	for l.pos < len(l.buf) && isRegular(l.buf[l.pos]) {
		l.pos++
	}
	return l.buf[start:l.pos]
}

// validNumber reports whether t is a PDF integer or real.
func validNumber(t []byte) (isInt bool, ok bool) {
	if len(t) == 0 || len(t) > maxNumLen {
		return false, false
	}
	i := 0
	if t[0] == '+' || t[0] == '-' {
		i++
	}
	digits, dots := 0, 0
	for ; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false, false
		}
	}
	if digits == 0 || dots > 1 {
		return false, false
	}
	return dots == 0, true
}

// unsignedInt parses a token of decimal digits that fits in an int.
func unsignedInt(t []byte) (int, bool) {
	if len(t) == 0 || len(t) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range t {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseValue parses one object at pos.
func (l *lexer) parseValue(depth int) (value, error) {
	if depth > maxDepth {
		return value{}, l.errorf("objects nested deeper than %d", maxDepth)
	}
	l.skipSpace()
	if l.pos >= len(l.buf) {
		return value{}, l.errorf("unexpected end of file")
	}
	switch c := l.buf[l.pos]; c {
	case '/':
		l.pos++
		return value{k: kindName, b: decodeName(l.token())}, nil
	case '(':
		return l.parseLiteral()
	case '<':
		if l.pos+1 < len(l.buf) && l.buf[l.pos+1] == '<' {
			return l.parseDict(depth)
		}
		return l.parseHex()
	case '[':
		return l.parseArray(depth)
	case ')', '>', ']', '{', '}':
		return value{}, l.errorf("unexpected %q", c)
	}
	start := l.pos
	t := l.token()
	if len(t) == 0 {
		return value{}, l.errorf("unexpected byte 0x%02x", l.buf[l.pos])
	}
	switch string(t) {
	case "true", "false":
		return value{k: kindBool, b: t}, nil
	case "null":
		return value{k: kindNull}, nil
	}
	isInt, ok := validNumber(t)
	if !ok {
		l.pos = start
		return value{}, l.errorf("unexpected token %q", truncate(t))
	}
	if isInt {
		if num, ok := unsignedInt(t); ok {
			// Maybe "num gen R".
			save := l.pos
			l.skipSpace()
			if gen, ok := unsignedInt(l.token()); ok {
				l.skipSpace()
				if l.keyword("R") {
					l.pos++
					return value{k: kindRef, ref: ref{num: num, gen: gen}}, nil
				}
			}
			l.pos = save
		}
	}
	return value{k: kindNumber, b: t}, nil
}

func truncate(t []byte) []byte {
	if len(t) > 32 {
		return t[:32]
	}
	return t
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeName resolves #xx escapes. A '#' not followed by two hex digits is
// kept as is (PDF 1.1 names).
func decodeName(t []byte) []byte {
	if bytes.IndexByte(t, '#') < 0 {
		return t
	}
	out := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		if t[i] == '#' && i+2 < len(t) {
			hi, ok1 := hexVal(t[i+1])
			lo, ok2 := hexVal(t[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, t[i])
	}
	return out
}

func (l *lexer) parseLiteral() (value, error) {
	start := l.pos
	l.pos++ // (
	var out []byte
	level := 1
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		l.pos++
		switch c {
		case '(':
			level++
		case ')':
			level--
			if level == 0 {
				return value{k: kindString, b: out}, nil
			}
		case '\r':
			// An unescaped end of line of any kind reads as LF.
			if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
				l.pos++
			}
			c = '\n'
		case '\\':
			if l.pos >= len(l.buf) {
				continue
			}
			e := l.buf[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
					l.pos++
				}
				continue // line continuation
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					n := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.buf) && l.buf[l.pos] >= '0' && l.buf[l.pos] <= '7'; k++ {
						n = n*8 + int(l.buf[l.pos]-'0')
						l.pos++
					}
					c = byte(n)
				} else {
					c = e // \( \) \\ and unknown escapes
				}
			}
		}
		out = append(out, c)
	}
	l.pos = start
	return value{}, l.errorf("unterminated string")
}

func (l *lexer) parseHex() (value, error) {
	start := l.pos
	l.pos++ // <
	var out []byte
	var hi byte
	half := false
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		l.pos++
		if c == '>' {
			if half {
				out = append(out, hi<<4)
			}
			return value{k: kindHex, b: out}, nil
		}
		if isWhite(c) {
			continue
		}
		v, ok := hexVal(c)
		if !ok {
			l.pos--
			return value{}, l.errorf("invalid byte 0x%02x in hex string", c)
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	l.pos = start
	return value{}, l.errorf("unterminated hex string")
}

func (l *lexer) parseArray(depth int) (value, error) {
	l.pos++ // [
	arr := []value{}
	for {
		l.skipSpace()
		if l.pos >= len(l.buf) {
			return value{}, l.errorf("unterminated array")
		}
		if l.buf[l.pos] == ']' {
			l.pos++
			return value{k: kindArray, arr: arr}, nil
		}
		v, err := l.parseValue(depth + 1)
		if err != nil {
			return value{}, err
		}
		arr = append(arr, v)
	}
}

func (l *lexer) parseDict(depth int) (value, error) {
	l.pos += 2 // <<
	d := []entry{}
	for {
		l.skipSpace()
		if l.pos >= len(l.buf) {
			return value{}, l.errorf("unterminated dictionary")
		}
		if l.buf[l.pos] == '>' {
			if l.pos+1 < len(l.buf) && l.buf[l.pos+1] == '>' {
				l.pos += 2
				return value{k: kindDict, dict: sortEntries(d)}, nil
			}
			return value{}, l.errorf("unexpected '>' in dictionary")
		}
		if l.buf[l.pos] != '/' {
			return value{}, l.errorf("dictionary key is not a name")
		}
		l.pos++
		key := decodeName(l.token())
		v, err := l.parseValue(depth + 1)
		if err != nil {
			return value{}, err
		}
		d = append(d, entry{key: key, val: v})
	}
}

// sortEntries sorts by key; for a repeated key the last entry wins.
func sortEntries(d []entry) []entry {
	sort.SliceStable(d, func(i, j int) bool { return bytes.Compare(d[i].key, d[j].key) < 0 })
	out := d[:0]
	for i := range d {
		if len(out) > 0 && bytes.Equal(out[len(out)-1].key, d[i].key) {
			out[len(out)-1] = d[i]
			continue
		}
		out = append(out, d[i])
	}
	return out
}

// writer serialises values in canonical form.
type writer struct {
	bytes.Buffer
}

const hexDigits = "0123456789ABCDEF"

func (w *writer) name(n []byte) {
	w.WriteByte('/')
	for _, c := range n {
		if c < 0x21 || c > 0x7e || c == '#' || isDelim(c) {
			w.WriteByte('#')
			w.WriteByte(hexDigits[c>>4])
			w.WriteByte(hexDigits[c&15])
			continue
		}
		w.WriteByte(c)
	}
}

// value writes v. refs maps old object numbers to new ones; a reference to
// an object that does not exist is written as null, which is what it means.
// lengthOverride, when >= 0, replaces /Length in a top-level stream dict.
func (w *writer) value(v value, refs map[int]int, lengthOverride int64) {
	switch v.k {
	case kindNull:
		w.WriteString("null")
	case kindBool, kindNumber:
		w.Write(v.b)
	case kindName:
		w.name(v.b)
	case kindString:
		w.WriteByte('(')
		for _, c := range v.b {
			switch c {
			case '(', ')', '\\':
				w.WriteByte('\\')
				w.WriteByte(c)
			case '\r':
				w.WriteString(`\r`)
			default:
				w.WriteByte(c)
			}
		}
		w.WriteByte(')')
	case kindHex:
		w.WriteByte('<')
		for _, c := range v.b {
			w.WriteByte(hexDigits[c>>4])
			w.WriteByte(hexDigits[c&15])
		}
		w.WriteByte('>')
	case kindArray:
		w.WriteByte('[')
		for i, e := range v.arr {
			if i > 0 {
				w.WriteByte(' ')
			}
			w.value(e, refs, -1)
		}
		w.WriteByte(']')
	case kindDict:
		w.WriteString("<<")
		wroteLength := false
		for i, e := range v.dict {
			if i > 0 {
				w.WriteByte(' ')
			}
			if lengthOverride >= 0 && !wroteLength && string(e.key) >= "Length" {
				wroteLength = true
				fmt.Fprintf(w, "/Length %d", lengthOverride)
				if string(e.key) == "Length" {
					continue
				}
				w.WriteByte(' ')
			}
			w.name(e.key)
			w.WriteByte(' ')
			w.value(e.val, refs, -1)
		}
		if lengthOverride >= 0 && !wroteLength {
			if len(v.dict) > 0 {
				w.WriteByte(' ')
			}
			fmt.Fprintf(w, "/Length %d", lengthOverride)
		}
		w.WriteString(">>")
	case kindRef:
		if n, ok := refs[v.ref.num]; ok {
			fmt.Fprintf(w, "%d 0 R", n)
		} else {
			w.WriteString("null")
		}
	default:
		w.WriteString("null")
	}
}
