package letters

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCleanClip checks the two functions every piece of user text passes
// through: clean yields one valid line that cannot start a heading, and clip
// never exceeds its limit, keeps a prefix of its input and never cuts a
// number in two.
func FuzzCleanClip(f *testing.F) {
	for _, s := range []string{"付款128.00元。\n商家承诺发货", "## 标题", "订单20260903201501000123未发货", "a\u202Eb", "\xff\xfe", "😀😀😀", ""} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		c := clean(s)
		if !utf8.ValidString(c) || strings.ContainsAny(c, "\n\r") || strings.HasPrefix(c, "#") {
			t.Fatalf("clean(%q) = %q", s, c)
		}
		n = n % 400
		if n < 0 {
			n = -n
		}
		got := clip(c, n)
		if runes(got) > n && runes(c) > n {
			t.Fatalf("clip(%q, %d) = %q: %d runes", c, n, got, runes(got))
		}
		body := strings.TrimSuffix(got, "…")
		if !strings.HasPrefix(c, body) {
			t.Fatalf("clip(%q, %d) = %q is not a prefix", c, n, got)
		}
		// the cut must not fall inside a digit-bearing run of the input
		if body != c {
			rest := c[len(body):]
			last, _ := utf8.DecodeLastRuneInString(body)
			next, _ := utf8.DecodeRuneInString(rest)
			if alnum(last) && alnum(next) {
				start := strings.LastIndexFunc(body, func(r rune) bool { return !alnum(r) }) + 1
				end := strings.IndexFunc(rest, func(r rune) bool { return !alnum(r) })
				if end < 0 {
					end = len(rest)
				}
				if strings.ContainsAny(body[start:]+rest[:end], "0123456789") {
					t.Fatalf("clip(%q, %d) = %q cuts a number", c, n, got)
				}
			}
		}
	})
}
