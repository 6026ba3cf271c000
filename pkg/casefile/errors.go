package casefile

import (
	"sort"
	"strconv"
	"strings"
)

// Error is one problem found in a case.yaml: where it is, which key it
// concerns, and what is wrong, in English (Msg) and in plain Chinese for a
// consumer (Zh).
type Error struct {
	File string // the name passed to Load, e.g. "case.yaml"
	Line int    // 1-based; 0 when the problem concerns the whole file
	Key  string // dotted path of the key, e.g. "order.amount", `files["a.jpg"].kind`; "" for the whole file
	Msg  string // English, lowercase, no final period
	Zh   string // Simplified Chinese, one sentence for a consumer
}

// Error formats the problem as "file:line: msg".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Chinese formats the problem for a consumer: "case.yaml 第 7 行：…".
func (e *Error) Chinese() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(" 第 ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(" 行")
	}
	b.WriteString("：")
	b.WriteString(e.Zh)
	return b.String()
}

// Errors is every problem found in one case.yaml, sorted by line. Load
// returns it (never empty) whenever the file is malformed.
type Errors []*Error

// Error joins all problems, one per line.
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap exposes each *Error to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (es Errors) sort() {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Line < es[j].Line })
}
