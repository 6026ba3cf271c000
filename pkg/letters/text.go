package letters

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/evipack/evipack/pkg/casefile"
)

// cjkStops are punctuation marks after which a line break is dropped, not
// replaced by a space, when user text is flattened to one line.
const cjkStops = "。！？；，：、）”」』】…"

// clean flattens user text to one line: line breaks and runs of blanks
// become one space (nothing after Chinese punctuation), control and bidi
// formatting characters are dropped, and a leading '#' is made full-width so
// the text can never be read as template markup.
func clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r == '\uFEFF',
			r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069', r == '\u200E', r == '\u200F':
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r):
			continue
		}
		if space {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			if !strings.ContainsRune(cjkStops, last) && !strings.ContainsRune(cjkStops+"（“「『【", r) {
				b.WriteByte(' ')
			}
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if strings.HasPrefix(out, "#") {
		out = "＃" + out[1:]
	}
	return out
}

// runes is the length of s in characters.
func runes(s string) int { return utf8.RuneCountInString(s) }

// clip shortens s to at most n runes, ending with "…" when it cut. It never
// cuts through a number (a run of ASCII letters, digits and . - _ that holds
// a digit, such as an order number or 128.00): such a run is dropped whole.
// Where it can, it cuts after a sentence mark instead.
func clip(s string, n int) string {
	if runes(s) <= n {
		return s
	}
	if n <= 1 {
		return ""
	}
	rs := []rune(s)
	end := n - 1 // room for "…"
	if alnum(rs[end]) && alnum(rs[end-1]) {
		start := end
		for start > 0 && alnum(rs[start-1]) {
			start--
		}
		stop := end
		for stop < len(rs) && alnum(rs[stop]) {
			stop++
		}
		for _, r := range rs[start:stop] {
			if r >= '0' && r <= '9' {
				end = start
				break
			}
		}
	}
	// prefer the last sentence end in the second half of the room
	for i := end; i > end/2 && i > 0; i-- {
		if strings.ContainsRune("。！？；", rs[i-1]) {
			return strings.TrimRight(string(rs[:i]), " ，、；")
		}
	}
	out := strings.TrimRight(string(rs[:end]), " ，、：；“（")
	if out == "" {
		return ""
	}
	return out + "…"
}

func alnum(r rune) bool {
	return r < utf8.RuneSelf && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '-' || r == '_')
}

// cite formats exhibit references: "（证据1、证据3）", or "" for none.
func cite(ex []int) string {
	ex = uniq(ex)
	if len(ex) == 0 {
		return ""
	}
	parts := make([]string, len(ex))
	for i, n := range ex {
		parts[i] = "证据" + strconv.Itoa(n)
	}
	return "（" + strings.Join(parts, "、") + "）"
}

// fact writes one fact sentence with its exhibit references before the full
// stop: "……至今未发货（证据3）。"
func fact(text string, ex []int) string {
	text = strings.TrimRight(text, " 。.")
	if text == "" {
		return ""
	}
	if strings.HasSuffix(text, "。”") {
		return text + cite(ex) // a full quotation after a colon already ends the sentence
	}
	return text + cite(ex) + "。"
}

// uniq returns the positive indices of ex sorted, without repeats, in a new
// slice.
func uniq(ex []int) []int {
	out := make([]int, 0, len(ex))
	for _, n := range ex {
		if n > 0 {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	k := 0
	for i, n := range out {
		if i == 0 || n != out[k-1] {
			out[k] = n
			k++
		}
	}
	return out[:k]
}

// yuan formats an amount in fen for Chinese text: "128.00元".
func yuan(fen int64) string { return casefile.Money(fen).String() + "元" }

// dateOf formats the calendar day of t in UTC+8: "2026年9月3日".
func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	c := t.In(casefile.China())
	return strconv.Itoa(c.Year()) + "年" + strconv.Itoa(int(c.Month())) + "月" + strconv.Itoa(c.Day()) + "日"
}

// whenOf formats t in UTC+8 to precision p.
func whenOf(t time.Time, p casefile.Precision) string {
	if t.IsZero() || p == casefile.PrecisionNone {
		return ""
	}
	return casefile.Time{Time: t, Precision: p}.Chinese()
}
