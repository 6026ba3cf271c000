package render

// Text handling for the PDF: Sanitize is the single gate every string passes
// before it reaches fpdf, and Wrap is our own line breaker for Chinese text.
//
// Why our own code (see /work/shared/LIBRARIES.md):
//   - fpdf's MultiCell and SplitText drop one character at every line break
//     inside Han text and know no line-start/-end punctuation rules;
//   - runes above U+FFFF (emoji, CJK extension B) make fpdf panic at Output;
//   - glyphs the font lacks render as empty boxes, silently losing evidence.
//
// Decisions recorded here:
//   - Kinsoku (禁则) is done by pulling characters down, never by hanging
//     punctuation past the margin: a line never exceeds maxWidth, except when
//     a single rune is wider than maxWidth on its own. If a run of characters
//     with no permitted break inside it (for example twenty "，" in a row, or
//     a long hash) is wider than the whole line, Wrap breaks it anyway, at the
//     last position that respects kinsoku if there is one, else at the last
//     position that fits; only then may a line start with "，" or end with
//     "（".
//   - Only ASCII spaces (U+0020) are break opportunities that get consumed:
//     the spaces at a break are dropped. No other character is ever dropped.
//     Leading spaces of a paragraph are kept (indentation); trailing spaces of
//     a paragraph are kept only if they fit.
//   - maxWidth <= 0 puts one rune on each line (every rune is "too wide");
//     NaN and +Inf mean "no limit": each paragraph becomes one line.

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Placeholders Sanitize writes for what the PDF font cannot show.
const (
	placeholderEmoji   = "[表情]"
	placeholderFlag    = "[旗帜]"
	placeholderInvalid = "[?]" // invalid UTF-8 when the font has no U+FFFD
)

// Sanitize makes s safe and faithful for fpdf with a font whose coverage is
// has (nil means "every BMP rune is covered"). The result:
//   - is valid UTF-8 with "\n" as the only line separator ("\r\n", "\r",
//     VT, FF, NEL, U+2028 and U+2029 become "\n"; a TAB becomes 4 spaces);
//   - contains no other C0/C1 control and no invisible format character
//     (BOM, zero-width space/joiners, bidi controls, soft hyphen, variation
//     selectors, emoji skin-tone modifiers, tag characters);
//   - is NFC-normalised, so decomposed accents meet the font's precomposed
//     glyphs; a precomposed rune the font lacks falls back to its canonical
//     decomposition when the font has every part of it;
//   - replaces each emoji, or emoji sequence (ZWJ families, skin tones, a
//     BMP symbol joined to another emoji), by one "[表情]", each
//     regional-indicator pair or tag flag by "[旗帜]", a run of invalid UTF-8 bytes by U+FFFD if the font has it
//     or "[?]" otherwise, a space separator the font lacks by " ", and any
//     other rune the font lacks by "[U+XXXX]" (upper-case hex, at least four
//     digits);
//   - never holds a rune above U+FFFF nor one has rejects, except "\n" and
//     " ". Should has reject a character of a placeholder itself, the
//     placeholder becomes "?" (or " ", when "?" is rejected too).
//
// Sanitize is idempotent for a given has.
func Sanitize(s string, has func(rune) bool) string {
	if has == nil {
		has = func(r rune) bool { return r >= 0 && r <= 0xFFFF }
	}
	if plain(s, has) {
		return s
	}
	return sanitize(s, has)
}

// sanitize is Sanitize's three passes, run on any text plain rejects.
func sanitize(s string, has func(rune) bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = stripInvisible(s, has)
	s = norm.NFC.String(s)
	return mapCoverage(s, has)
}

// plain reports whether Sanitize would return s unchanged because every
// rune of it is one the font has from a set that no pass touches: printable
// ASCII, common punctuation, CJK punctuation, unified ideographs and
// fullwidth forms. These are never dropped, mapped or composed by NFC with
// their neighbours (the set has no combining marks), so the three passes
// are skipped for most text.
func plain(s string, has func(rune) bool) bool {
	for _, r := range s {
		switch {
		case r >= 0x20 && r <= 0x7E,
			r >= 0x2010 && r <= 0x2027,
			r >= 0x3001 && r <= 0x3011,
			r >= 0x3014 && r <= 0x301F,
			r >= 0x4E00 && r <= 0x9FFF,
			r >= 0xFF01 && r <= 0xFF5E:
			if r != ' ' && !has(r) {
				return false
			}
		default:
			return false // invalid UTF-8 (RuneError) included
		}
	}
	return true
}

// stripInvisible is the first pass of Sanitize: line endings, controls,
// invisible format characters and emoji sequences. It runs before NFC so that
// combining marks separated only by a dropped character are composed.
func stripInvisible(s string, has func(rune) bool) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == '\r':
			b.WriteByte('\n')
			i++
			if i < len(rs) && rs[i] == '\n' {
				i++
			}
			continue
		case r == '\n' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			b.WriteByte('\n')
		case r == '\t':
			b.WriteString("    ")
		case r < 0x20 || (r >= 0x7F && r <= 0x9F):
			// other C0 and C1 controls: dropped
		case isRegionalIndicator(r):
			if i+1 < len(rs) && isRegionalIndicator(rs[i+1]) {
				b.WriteString(placeholder(placeholderFlag, has))
				i += 2
				continue
			}
			b.WriteString(placeholder(placeholderEmoji, has))
		case isEmoji(r):
			j, mods, tags := skipEmojiModifiers(rs, i+1)
			seq := mods
			for j+1 < len(rs) && rs[j] == zwj && isEmoji(rs[j+1]) {
				var m, t bool
				j, m, t = skipEmojiModifiers(rs, j+2)
				seq = true
				mods, tags = mods || m, tags || t
			}
			switch {
			case r == 0x1F3F4 && tags: // black flag + tag letters: subdivision flag
				b.WriteString(placeholder(placeholderFlag, has))
			case r > 0xFFFF || seq:
				b.WriteString(placeholder(placeholderEmoji, has))
			default:
				// A BMP symbol on its own, such as ☀ or ©: keep it, the
				// coverage pass decides between its glyph and "[表情]".
				b.WriteRune(r)
			}
			i = j
			continue
		case isDropped(r):
			// invisible: dropped
		case r == 0x20E3 && !has(r):
			// combining enclosing keycap: "1️⃣" keeps its "1"
		default:
			b.WriteRune(r)
		}
		i++
	}
	return b.String()
}

// mapCoverage is the second pass of Sanitize, on NFC text: every rune the
// font lacks is replaced.
func mapCoverage(s string, has func(rune) bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == ' ':
			b.WriteRune(r)
		case r <= 0xFFFF && has(r):
			b.WriteRune(r)
		case unicode.Is(unicode.Zs, r):
			b.WriteByte(' ')
		case r == utf8.RuneError:
			b.WriteString(placeholder(placeholderInvalid, has))
		case isEmoji(r):
			b.WriteString(placeholder(placeholderEmoji, has))
		default:
			if d, ok := decomposed(r, has); ok {
				b.WriteString(d)
				continue
			}
			b.WriteString(placeholder(fmt.Sprintf("[U+%04X]", r), has))
		}
	}
	return b.String()
}

// decomposed returns the canonical decomposition of r when it differs from r
// and the font has every rune of it.
func decomposed(r rune, has func(rune) bool) (string, bool) {
	d := norm.NFD.String(string(r))
	if d == string(r) {
		return "", false
	}
	for _, c := range d {
		if c > 0xFFFF || !has(c) {
			return "", false
		}
	}
	return d, true
}

// placeholder returns p if the font can show all of it, else "?" if the font
// has that, else " " (never "": a vanished rune could let NFC compose its
// neighbours on the next pass and break idempotence).
func placeholder(p string, has func(rune) bool) string {
	for _, r := range p {
		if r != ' ' && (r > 0xFFFF || !has(r)) {
			if has('?') {
				return "?"
			}
			return " "
		}
	}
	return p
}

const zwj = 0x200D

// skipEmojiModifiers skips the runes that may follow an emoji inside one
// emoji sequence: variation selectors, skin tones, tag characters and the
// keycap mark. It returns the index after them and whether a skin tone and
// whether a tag character was seen.
func skipEmojiModifiers(rs []rune, i int) (next int, mods, tags bool) {
	for ; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == 0xFE0E || r == 0xFE0F || r == 0x20E3:
		case r >= 0x1F3FB && r <= 0x1F3FF:
			mods = true
		case r >= 0xE0020 && r <= 0xE007F:
			tags = true
		default:
			return i, mods, tags
		}
	}
	return i, mods, tags
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isDropped reports invisible characters Sanitize removes: format characters
// (BOM, ZWSP, ZWNJ, ZWJ, LRM/RLM, bidi controls, soft hyphen, tags),
// variation selectors and lone emoji skin-tone modifiers.
func isDropped(r rune) bool {
	switch {
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF:
		return true
	case r >= 0xE0000 && r <= 0xE007F:
		return true
	case r >= 0x200B && r <= 0x200F, r == 0xFEFF:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// isEmoji approximates the Unicode Extended_Pictographic property: the
// pictographic blocks above U+FFFF and the BMP symbols that have an emoji
// presentation. Skin tones and regional indicators are handled separately.
func isEmoji(r rune) bool {
	switch {
	case r == 0x00A9,
		r == 0x00AE,
		r == 0x203C,
		r == 0x2049,
		r == 0x2122,
		r == 0x2139,
		r >= 0x2194 && r <= 0x2199,
		r >= 0x21A9 && r <= 0x21AA,
		r >= 0x231A && r <= 0x231B,
		r == 0x2328,
		r == 0x23CF,
		r >= 0x23E9 && r <= 0x23F3,
		r >= 0x23F8 && r <= 0x23FA,
		r == 0x24C2,
		r >= 0x25AA && r <= 0x25AB,
		r == 0x25B6,
		r == 0x25C0,
		r >= 0x25FB && r <= 0x25FE,
		r >= 0x2600 && r <= 0x27BF,
		r >= 0x2934 && r <= 0x2935,
		r >= 0x2B05 && r <= 0x2B07,
		r >= 0x2B1B && r <= 0x2B1C,
		r == 0x2B50,
		r == 0x2B55,
		r == 0x3030,
		r == 0x303D,
		r == 0x3297,
		r == 0x3299,
		r >= 0x1F000 && r <= 0x1F0FF,
		r >= 0x1F10D && r <= 0x1F10F,
		r == 0x1F12F,
		r >= 0x1F16C && r <= 0x1F171,
		r >= 0x1F17E && r <= 0x1F17F,
		r == 0x1F18E,
		r >= 0x1F191 && r <= 0x1F19A,
		r >= 0x1F1AD && r <= 0x1F1E5,
		r >= 0x1F201 && r <= 0x1F20F,
		r == 0x1F21A,
		r == 0x1F22F,
		r >= 0x1F232 && r <= 0x1F23A,
		r >= 0x1F23C && r <= 0x1F23F,
		r >= 0x1F249 && r <= 0x1F3FA,
		r >= 0x1F400 && r <= 0x1F53D,
		r >= 0x1F546 && r <= 0x1F64F,
		r >= 0x1F680 && r <= 0x1F6FF,
		r >= 0x1F774 && r <= 0x1F77F,
		r >= 0x1F7D5 && r <= 0x1F7FF,
		r >= 0x1F80C && r <= 0x1F80F,
		r >= 0x1F848 && r <= 0x1F84F,
		r >= 0x1F85A && r <= 0x1F85F,
		r >= 0x1F888 && r <= 0x1F88F,
		r >= 0x1F8AE && r <= 0x1F8FF,
		r >= 0x1F90C && r <= 0x1F93A,
		r >= 0x1F93C && r <= 0x1F945,
		r >= 0x1F947 && r <= 0x1FAFF,
		r >= 0x1FC00 && r <= 0x1FFFD:
		return true
	}
	return false
}

// noStart reports whether r may not begin a line (行首禁则): Chinese closing
// punctuation and brackets, their ASCII and full-width counterparts, and
// Japanese small kana and iteration marks.
func noStart(r rune) bool {
	switch r {
	case '，', '。', '、', '；', '：', '？', '！', '）', '》', '】', '」', '』',
		'”', '’', '…', '—', '·', '%', ',', '.', ';', ':', '?', '!',
		')', ']', '}', '．', '％', '～', '〕', '〉', '〗', '〙', '〛', '］',
		'｝', '｠', '〞', '〟', '»', '›', '‰', '℃', '°', '′', '″', 'ぁ',
		'ぃ', 'ぅ', 'ぇ', 'ぉ', 'っ', 'ゃ', 'ゅ', 'ょ', 'ゎ', 'ァ', 'ィ', 'ゥ',
		'ェ', 'ォ', 'ッ', 'ャ', 'ュ', 'ョ', 'ヮ', 'ヵ', 'ヶ', 'ー', '々', 'ゝ',
		'ゞ', 'ヽ', 'ヾ':
		return true
	}
	return false
}

// noEnd reports whether r may not end a line (行尾禁则): opening brackets and
// quotes, and currency and number signs that belong to what follows.
func noEnd(r rune) bool {
	switch r {
	case '（', '《', '【', '「', '『', '“', '‘', '￥', '$', '#', '(', '[',
		'{', '〔', '〈', '〖', '〘', '〚', '［', '｛', '｟', '〝', '«', '‹',
		'＄', '＃', '¥', '£', '€':
		return true
	}
	return false
}

// isCJK reports runes between which a line may break without a space: Han,
// kana, Hangul, CJK symbols and punctuation, full-width forms.
func isCJK(r rune) bool {
	switch {
	case r >= 0x2E80 && r <= 0x9FFF, // radicals … CJK symbols, kana, ext. A, unified
		r >= 0xAC00 && r <= 0xD7AF,   // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF,   // compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F,   // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFFEF,   // half-width and full-width forms
		r >= 0x20000 && r <= 0x3FFFF: // ideographic planes
		return true
	}
	return false
}

// kinsokuOK reports whether a line may end with a and the next begin with b.
func kinsokuOK(a, b rune) bool { return !noEnd(a) && !noStart(b) }

// Wrap breaks s into lines no wider than maxWidth, measuring each rune with
// width (nil means 1 per rune; NaN or negative widths count as 0).
//
// "\n" is a hard break and an empty paragraph gives an empty line, so
// Wrap("a\n\nb") is ["a", "", "b"] and Wrap("") is [""]. Within a paragraph a
// line may break between two characters when either is CJK, and at ASCII
// spaces; the spaces at such a break are dropped. A Latin word, number, URL or
// hash is split only when it alone is wider than a line. Kinsoku: the
// characters noStart lists never begin a line and those noEnd lists never end
// one; a forbidden break moves earlier, pulling the preceding character
// down. The comment at the top of this file lists the exceptions (a single
// rune wider than maxWidth, an unbreakable run wider than the line,
// maxWidth <= 0) and that NaN/+Inf mean no limit.
//
// Wrap works on runes: call it on Sanitize's output (invalid UTF-8 bytes
// would come back as U+FFFD). It runs in time linear in len(s).
func Wrap(s string, maxWidth float64, width func(r rune) float64) []string {
	if width == nil {
		width = func(rune) float64 { return 1 }
	}
	if math.IsNaN(maxWidth) {
		maxWidth = math.Inf(1)
	}
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		lines = wrapParagraph(lines, []rune(para), maxWidth, width)
	}
	return lines
}

// wrapParagraph appends the lines of one paragraph (no "\n" inside) to lines.
func wrapParagraph(lines []string, rs []rune, maxWidth float64, width func(rune) float64) []string {
	n := len(rs)
	if n == 0 {
		return append(lines, "")
	}
	ws := make([]float64, n)
	for i, r := range rs {
		w := width(r)
		if !(w >= 0) { // NaN or negative
			w = 0
		}
		ws[i] = w
	}
	start := 0
	for start < n {
		var (
			w                 float64
			bestEnd, bestNext = -1, -1 // last break whose line fits
			i                 = start
			overflow          = false
		)
		for i < n {
			r := rs[i]
			if i > start {
				prev := rs[i-1]
				switch {
				case r == ' ' && prev != ' ':
					// A run of spaces: a break drops all of it.
					e := i
					for e < n && rs[e] == ' ' {
						e++
					}
					if (e == n || kinsokuOK(prev, rs[e])) && w <= maxWidth {
						bestEnd, bestNext = i, e
					}
				case r != ' ' && prev != ' ' && (isCJK(prev) || isCJK(r)) && kinsokuOK(prev, r):
					if w <= maxWidth {
						bestEnd, bestNext = i, i
					}
				}
			}
			w += ws[i]
			if w > maxWidth {
				overflow = true
				break
			}
			i++
		}
		if !overflow {
			return append(lines, string(rs[start:n]))
		}
		if bestEnd > start {
			lines = append(lines, string(rs[start:bestEnd]))
			start = bestNext
			continue
		}
		// Emergency: nothing breakable fits. rs[start:i] fits (i is the
		// first rune that does not); break at the last position in it that
		// respects kinsoku, else right before i, and always after at least
		// one rune.
		end := i
		for p := i; p > start; p-- {
			if kinsokuOK(rs[p-1], rs[p]) {
				end = p
				break
			}
		}
		if end <= start {
			end = start + 1
		}
		lines = append(lines, string(rs[start:end]))
		start = end
	}
	return lines
}
