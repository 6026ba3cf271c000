package render

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"golang.org/x/text/unicode/norm"

	"github.com/evipack/evipack/templates"
)

// The line-start/-end rules Wrap must honour, as written in the spec (the
// implementation's sets are supersets of these).
const (
	specNoStart = "，。、；：？！）》】」』”’…—·%" + ",.;:?!)"
	specNoEnd   = "（《【「『“‘￥$#" + "("
)

// paragraph264 is a realistic complaint paragraph of exactly 264 runes.
const paragraph264 = "2024年5月18日，我在某电商平台（订单号：240518093321457896）购买了一台“智能扫地机器人”，标价￥2,999.00元，并承诺“七天无理由退货”。收货后第三天，机器出现无法充电的故障，我立即联系在线客服并上传视频……然而，商家在48小时内未作答复；再次联系时，客服称“需等待厂家检测”，拒绝退款。我认为商家违反了《消费者权益保护法》第二十四条，请求依法调解：一、退还货款2,999.00元；二、赔偿交通费共200元。联系人：张先生，电话：138 0013 8000，邮箱：zhang@example.com。"

// simpleWidth: ASCII is half an em, everything else a full em.
func simpleWidth(r rune) float64 {
	if r < 0x80 {
		return 0.5
	}
	return 1
}

// modelWidth approximates Noto Sans SC advance widths in em.
func modelWidth(r rune) float64 {
	switch {
	case r == ' ':
		return 0.22
	case unicode.Is(unicode.Mn, r):
		return 0
	case r == 'i' || r == 'l' || r == 'j' || r == '.' || r == ',':
		return 0.24
	case r == 'm' || r == 'w' || r == 'M' || r == 'W':
		return 0.84
	case r >= 'A' && r <= 'Z':
		return 0.62
	case r >= 'a' && r <= 'z':
		return 0.53
	case r >= '0' && r <= '9':
		return 0.55
	case r < 0x80:
		return 0.34
	default:
		return 1
	}
}

// checkContent reports whether lines are para with nothing changed except
// spaces dropped at line boundaries: the first line starts where para starts,
// each line is the text that follows the previous one, and only spaces may be
// skipped between lines or after the last one. A non-empty paragraph gives no
// empty line.
func checkContent(para string, lines []string) error {
	if len(lines) == 0 {
		return fmt.Errorf("no lines")
	}
	if para == "" {
		if len(lines) != 1 || lines[0] != "" {
			return fmt.Errorf("empty paragraph gave %q, want one empty line", lines)
		}
		return nil
	}
	rest := para
	for k, l := range lines {
		if l == "" {
			return fmt.Errorf("line %d is empty", k)
		}
		if k > 0 {
			// Drop as few boundary spaces as needed: any left over can
			// still be dropped at the next boundary.
			for rest != "" && rest[0] == ' ' && !strings.HasPrefix(rest, l) {
				rest = rest[1:]
			}
		}
		if !strings.HasPrefix(rest, l) {
			return fmt.Errorf("line %d %q does not continue the text; expected a prefix of %q", k, l, rest)
		}
		rest = rest[len(l):]
	}
	if strings.Trim(rest, " ") != "" {
		return fmt.Errorf("text lost after the last line: %q", rest)
	}
	return nil
}

func lineWidth(l string, width func(rune) float64) float64 {
	var w float64
	for _, r := range l {
		w += width(r)
	}
	return w
}

// checkWidth: no line wider than maxWidth unless it is a single rune.
func checkWidth(lines []string, maxWidth float64, width func(rune) float64) error {
	for k, l := range lines {
		if utf8.RuneCountInString(l) <= 1 {
			continue
		}
		if w := lineWidth(l, width); w > maxWidth+1e-9*math.Max(1, math.Abs(maxWidth)) {
			return fmt.Errorf("line %d %q is %.4f wide, max %.4f", k, l, w, maxWidth)
		}
	}
	return nil
}

// checkKinsokuStrict: inside one paragraph no line starts with a spec
// no-start character (except the first) and none ends with a spec no-end
// character (except the last). Nor does a break keep its spaces.
func checkKinsokuStrict(lines []string) error {
	for k := 0; k+1 < len(lines); k++ {
		if strings.HasSuffix(lines[k], " ") || strings.HasPrefix(lines[k+1], " ") {
			return fmt.Errorf("break %q|%q keeps its spaces", lines[k], lines[k+1])
		}
		last, _ := utf8.DecodeLastRuneInString(lines[k])
		first, _ := utf8.DecodeRuneInString(lines[k+1])
		if strings.ContainsRune(specNoEnd, last) {
			return fmt.Errorf("line %d %q ends with %q", k, lines[k], last)
		}
		if strings.ContainsRune(specNoStart, first) {
			return fmt.Errorf("line %d %q starts with %q", k+1, lines[k+1], first)
		}
	}
	return nil
}

// checkKinsokuOracle is the weak form for arbitrary input: a break that
// violates kinsoku is allowed only when the line before it offered no
// permitted break position at all (an unbreakable run wider than the line).
func checkKinsokuOracle(lines []string) error {
	for k := 0; k+1 < len(lines); k++ {
		rs := []rune(lines[k])
		first, _ := utf8.DecodeRuneInString(lines[k+1])
		if len(rs) == 0 || kinsokuOK(rs[len(rs)-1], first) {
			continue
		}
		for p := 1; p < len(rs); p++ {
			if kinsokuOK(rs[p-1], rs[p]) {
				return fmt.Errorf("break %q|%q violates kinsoku although %q|%q was allowed",
					lines[k], lines[k+1], string(rs[:p]), string(rs[p:]))
			}
		}
	}
	return nil
}

// checkWrap runs every property on one input and returns the lines.
func checkWrap(t testing.TB, s string, maxWidth float64, width func(rune) float64, strict bool) []string {
	t.Helper()
	lines := Wrap(s, maxWidth, width)
	var perPara []string
	for para := range strings.SplitSeq(s, "\n") {
		pl := Wrap(para, maxWidth, width)
		if err := checkContent(para, pl); err != nil {
			t.Fatalf("Wrap(%q, %v): %v\nlines: %q", para, maxWidth, err, pl)
		}
		if !math.IsNaN(maxWidth) {
			if err := checkWidth(pl, maxWidth, width); err != nil {
				t.Fatalf("Wrap(%q, %v): %v", para, maxWidth, err)
			}
		} else if len(pl) != 1 {
			t.Fatalf("Wrap(%q, NaN) = %q, want the paragraph as one line", para, pl)
		}
		check := checkKinsokuOracle
		if strict {
			check = checkKinsokuStrict
		}
		if err := check(pl); err != nil {
			t.Fatalf("Wrap(%q, %v): %v\nlines: %q", para, maxWidth, err, pl)
		}
		perPara = append(perPara, pl...)
	}
	if !slices.Equal(lines, perPara) {
		t.Fatalf("Wrap(%q) = %q, but paragraph by paragraph %q", s, lines, perPara)
	}
	return lines
}

func TestWrapTable(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		maxWidth float64
		want     []string
	}{
		{"han", "你好世界", 2, []string{"你好", "世界"}},
		{"comma pulls previous char down", "你好，世界。", 2, []string{"你", "好，", "世", "界。"}},
		{"opening bracket stays with next", "（注意）", 2, []string{"（注", "意）"}},
		{"latin breaks at space", "hello world", 3, []string{"hello", "world"}},
		{"all break spaces dropped", "hello   world", 3, []string{"hello", "world"}},
		{"long hash split", "0123456789abcdef", 2, []string{"0123", "4567", "89ab", "cdef"}},
		{"latin word not split", "中文abc中文", 3, []string{"中文", "abc中", "文"}},
		{"yuan sign stays with amount", "价格：￥100元", 3, []string{"价格：", "￥100", "元"}},
		{"quote", "他说：“你好”", 4, []string{"他说：", "“你好”"}},
		{"url", "见https://example.com/a", 5, []string{"见", "https://ex", "ample.com/", "a"}},
		{"unbreakable punctuation run", "，，，，", 2, []string{"，，", "，，"}},
		{"hard breaks", "a\n\nb", 10, []string{"a", "", "b"}},
		{"empty", "", 10, []string{""}},
		{"only newline", "\n", 10, []string{"", ""}},
		{"trailing spaces fit", "ab   ", 10, []string{"ab   "}},
		{"trailing spaces dropped", "ab   ", 1.5, []string{"ab"}},
		{"leading spaces kept", "  你好", 10, []string{"  你好"}},
		{"rune wider than line", "你好", 0.5, []string{"你", "好"}},
		{"zero width", "ab 中", 0, []string{"a", "b", " ", "中"}},
		{"negative width", "你好", -3, []string{"你", "好"}},
		{"NaN means no limit", "你好，世界\n再见", math.NaN(), []string{"你好，世界", "再见"}},
		{"Inf means no limit", "你好，世界", math.Inf(1), []string{"你好，世界"}},
		{"ellipsis stays with text", "等待……然后", 3, []string{"等", "待……", "然后"}},
		{"percent", "增长50%以上", 3, []string{"增长", "50%以", "上"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wrap(tt.in, tt.maxWidth, simpleWidth)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Wrap(%q, %v) = %q, want %q", tt.in, tt.maxWidth, got, tt.want)
			}
			checkWrap(t, tt.in, tt.maxWidth, simpleWidth, false)
		})
	}
}

func TestWrapNilWidth(t *testing.T) {
	got := Wrap("你好世界", 2, nil)
	if want := []string{"你好", "世界"}; !slices.Equal(got, want) {
		t.Errorf("Wrap with nil width = %q, want %q", got, want)
	}
}

func TestWrapBadWidths(t *testing.T) {
	bad := func(r rune) float64 {
		switch r {
		case 'n':
			return math.NaN()
		case 'm':
			return -5
		}
		return 1
	}
	// NaN and negative widths count as zero, so "nm" costs nothing.
	got := Wrap("你nm好世界", 2, bad)
	if want := []string{"你nm好", "世界"}; !slices.Equal(got, want) {
		t.Errorf("Wrap = %q, want %q", got, want)
	}
}

// TestWrapFillsLines: without punctuation or spaces every line but the last
// of pure Han text is full, so Wrap never breaks earlier than it must.
func TestWrapFillsLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	han := []rune(randomHan)
	for range 200 {
		n := rng.IntN(300)
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = han[rng.IntN(len(han))]
		}
		maxWidth := float64(1 + rng.IntN(40))
		lines := checkWrap(t, string(rs), maxWidth, simpleWidth, true)
		for k, l := range lines[:len(lines)-1] {
			if c := utf8.RuneCountInString(l); c != int(maxWidth) {
				t.Fatalf("line %d has %d runes, want %v: %q", k, c, maxWidth, lines)
			}
		}
	}
}

const randomHan = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严堃喆赟玥"

// randomText mixes Han, Latin words, digits, spaces, Chinese and ASCII
// punctuation (at most two punctuation marks in a row) and, rarely, long
// hashes and hard breaks. It never produces emoji.
func randomText(rng *rand.Rand, n int) string {
	han := []rune(randomHan)
	cnPunct := []string{"，", "。", "、", "；", "：", "？", "！", "）", "》", "】", "」", "』", "”", "’", "……", "——", "·", "%", "（", "《", "【", "「", "『", "“", "‘", "￥", "$", "#"}
	asciiPunct := []string{",", ".", ";", ":", "?", "!", "(", ")", "-", "/", "'", "\""}
	var b strings.Builder
	punctRun := 0
	for utf8.RuneCountInString(b.String()) < n {
		k := rng.IntN(100)
		switch {
		case k < 45:
			for range 1 + rng.IntN(6) {
				b.WriteRune(han[rng.IntN(len(han))])
			}
			punctRun = 0
		case k < 60:
			for range 1 + rng.IntN(10) {
				b.WriteByte(byte('a' + rng.IntN(26)))
			}
			punctRun = 0
		case k < 67:
			for range 1 + rng.IntN(10) {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
			punctRun = 0
		case k < 78:
			b.WriteString(strings.Repeat(" ", 1+rng.IntN(3)))
		case k < 88:
			if punctRun < 2 {
				b.WriteString(cnPunct[rng.IntN(len(cnPunct))])
				punctRun++
			}
		case k < 95:
			if punctRun < 2 {
				b.WriteString(asciiPunct[rng.IntN(len(asciiPunct))])
				punctRun++
			}
		case k < 97:
			const hex = "0123456789abcdef"
			for range 16 + rng.IntN(300) {
				b.WriteByte(hex[rng.IntN(len(hex))])
			}
			punctRun = 0
		default:
			b.WriteByte('\n')
			punctRun = 0
		}
	}
	return b.String()
}

// TestWrapProperties: over 3,000 random strings and widths, (a) only break
// spaces are dropped, (b) kinsoku holds strictly, (c) no line is too wide.
func TestWrapProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 518))
	breaks := 0
	for range 3000 {
		s := randomText(rng, rng.IntN(800))
		maxWidth := 20 + rng.Float64()*180
		lines := checkWrap(t, s, maxWidth, modelWidth, true)
		breaks += len(lines)
		// The non-space runes survive, in order.
		strip := func(s string) string { return strings.NewReplacer(" ", "", "\n", "").Replace(s) }
		if got, want := strip(strings.Join(lines, "")), strip(s); got != want {
			t.Fatalf("non-space text changed:\n got %q\nwant %q", got, want)
		}
	}
	if breaks < 6000 {
		t.Errorf("only %d lines over 3000 strings: the test hardly wraps", breaks)
	}
}

// realFontWidth returns a width function in mm for Noto Sans SC at size pt,
// measured by fpdf itself, and the configured document.
func realFontWidth(t testing.TB, size float64) (func(rune) float64, *fpdf.Fpdf) {
	t.Helper()
	ttf := templates.FontRegularTTF
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("noto", "", ttf)
	pdf.SetFont("noto", "", size)
	if err := pdf.Error(); err != nil {
		t.Fatalf("load font: %v", err)
	}
	cache := map[rune]float64{}
	return func(r rune) float64 {
		w, ok := cache[r]
		if !ok {
			w = pdf.GetStringWidth(string(r))
			cache[r] = w
		}
		return w
	}, pdf
}

// TestWrapRealFont wraps the 264-rune paragraph with real Noto Sans SC widths
// at the widths where fpdf's SplitText loses 23/12/7/2 characters.
func TestWrapRealFont(t *testing.T) {
	if n := utf8.RuneCountInString(paragraph264); n != 264 {
		t.Fatalf("fixture has %d runes, want 264", n)
	}
	width, pdf := realFontWidth(t, 11)
	for _, mm := range []float64{30, 60, 100, 180} {
		t.Run(fmt.Sprint(mm, "mm"), func(t *testing.T) {
			lines := checkWrap(t, paragraph264, mm, width, true)
			nonSpace := func(s string) int { return utf8.RuneCountInString(strings.ReplaceAll(s, " ", "")) }
			if got, want := nonSpace(strings.Join(lines, "")), nonSpace(paragraph264); got != want {
				t.Errorf("%d non-space runes after wrapping, want %d", got, want)
			}
			for k, l := range lines {
				// fpdf's own measure of the whole line, independent of the
				// per-rune sum Wrap used.
				if w := pdf.GetStringWidth(l); w > mm+1e-6 {
					t.Errorf("line %d %q is %.2f mm wide in fpdf, max %v", k, l, w, mm)
				}
				t.Logf("%6.2f %s", pdf.GetStringWidth(l), l)
			}
			// For the record: what fpdf's SplitText does to the same text.
			split := pdf.SplitText(paragraph264, mm)
			lost := len([]rune(strings.ReplaceAll(paragraph264, " ", ""))) - len([]rune(strings.ReplaceAll(strings.Join(split, ""), " ", "")))
			t.Logf("%v mm: %d lines, fpdf SplitText %d lines losing %d runes", mm, len(lines), len(split), lost)
		})
	}
}

func realCoverage(t testing.TB) *Coverage {
	t.Helper()
	ttf := templates.FontRegularTTF
	c, err := NewCoverage(ttf)
	if err != nil {
		t.Fatalf("NewCoverage: %v", err)
	}
	return c
}

func TestCoverage(t *testing.T) {
	c := realCoverage(t)
	tests := []struct {
		r    rune
		want bool
	}{
		{'a', true}, {'中', true}, {'堃', true}, {'喆', true}, {'赟', true}, {'玥', true},
		{'，', true}, {'￥', true}, {'é', true}, {' ', true},
		{0xFFFD, false}, {0x200B, false}, {0xFEFF, false}, {0x263A, false}, // ☺ is not in Noto Sans SC
		{0x1F600, false}, {0x20BB7, false}, {0x10FFFF, false}, {-1, false}, {0xD800, false},
	}
	for _, tt := range tests {
		if got := c.Has(tt.r); got != tt.want {
			t.Errorf("Has(%U) = %v, want %v", tt.r, got, tt.want)
		}
	}
	var nilCov *Coverage
	if nilCov.Has('a') {
		t.Error("nil Coverage covers 'a'")
	}
	if _, err := NewCoverage([]byte("not a font")); err == nil {
		t.Error("NewCoverage(garbage) succeeded")
	}
}

// TestEmbeddedCoverage catches a font changed without regenerating its
// coverage table (go generate ./templates), and a bold font that cannot
// draw a rune the regular one can: the renderer checks only the table.
func TestEmbeddedCoverage(t *testing.T) {
	fonts, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	if want := realCoverage(t); fonts.cov.bits != want.bits {
		t.Fatalf("%s is stale: run go generate ./templates", templates.FontCoverage)
	}
	bold, err := NewCoverage(fonts.bold)
	if err != nil {
		t.Fatal(err)
	}
	for r := rune(0); r <= 0xFFFF; r++ {
		if fonts.cov.Has(r) && !bold.Has(r) {
			t.Errorf("bold font has no glyph for %U", r)
		}
	}
	b, _ := fonts.cov.MarshalBinary()
	var back Coverage
	if err := back.UnmarshalBinary(b); err != nil || back.bits != fonts.cov.bits {
		t.Errorf("coverage round trip: %v", err)
	}
	if err := back.UnmarshalBinary(b[1:]); err == nil {
		t.Error("short coverage table accepted")
	}
}

func TestSanitize(t *testing.T) {
	real := realCoverage(t).Has
	// synthetic: ASCII and a few Han; no placeholder Han for emoji.
	synthetic := func(r rune) bool { return (r >= 0x20 && r < 0x7F) || strings.ContainsRune("你好旗帜", r) }
	noQuestion := func(r rune) bool { return r != '?' && synthetic(r) }
	// decomposedOnly has "e" and the combining acute but not "é".
	decomposedOnly := func(r rune) bool { return r < 0x7F || r == 0x0301 }
	tests := []struct {
		name string
		in   string
		has  func(rune) bool
		want string
	}{
		{"plain", "你好 world", real, "你好 world"},
		{"line endings", "a\r\nb\rc\nd\u2028e\u2029f\u0085g\vh\fi", real, "a\nb\nc\nd\ne\nf\ng\nh\ni"},
		{"tab", "a\tb", real, "a    b"},
		{"controls", "a\x00b\x1bc\x7fd\u009fe", real, "abcde"},
		{"invisible", "\ufeff你\u200b好\u200c世\u200d界\u200e\u200f\u202e\u2066\u00ad", real, "你好世界"},
		{"nfc", "e\u0301", real, "é"},
		{"nfc across dropped zwsp", "e\u200b\u0301", real, "é"},
		{"decomposition fallback", "é", decomposedOnly, "e\u0301"},
		{"emoji", "好😀的", real, "好[表情]的"},
		{"zwj family is one placeholder", "👨\u200d👩\u200d👧\u200d👦", real, "[表情]"},
		{"skin tone", "👍🏽好", real, "[表情]好"},
		{"lone skin tone", "a🏽b", real, "ab"},
		{"flags", "🇨🇳🇺🇸", real, "[旗帜][旗帜]"},
		{"lone regional indicator", "🇨x", real, "[表情]x"},
		{"tag flag", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", real, "[旗帜]"},
		{"uncovered bmp emoji", "❤️", real, "[表情]"},
		{"covered bmp symbol keeps glyph", "☀️晴", real, "☀晴"},
		{"bmp emoji in zwj sequence", "❤️\u200d🔥", real, "[表情]"},
		{"covered bmp symbol in zwj sequence", "☀️\u200d🔥", real, "[表情]"},
		{"keycap", "1️⃣", real, "1"},
		{"max rune", "\U0010FFFF", real, "[U+10FFFF]"},
		{"ext b han", "𠮷野家", real, "[U+20BB7]野家"},
		{"private use", "\ue000", real, "[U+E000]"},
		{"unassigned", "\u0378", real, "[U+0378]"},
		{"lone surrogate bytes", "a\xed\xa0\x80b", real, "a[?]b"},
		{"invalid bytes", "\xff\xfe你\xc0", real, "[?]你[?]"},
		{"replacement char", "\ufffd", real, "[?]"},
		{"replacement char covered", "\xff", func(r rune) bool { return r == 0xFFFD }, "\ufffd"},
		{"variation selector", "葛\U000E0101", real, "葛"},
		{"uncovered space", "a\u2003b", synthetic, "a b"},
		{"placeholder not covered", "😀", synthetic, "?"},
		{"placeholder and ? not covered", "a😀b", noQuestion, "a b"},
		{"flag placeholder covered", "🇨🇳", synthetic, "[旗帜]"},
		{"nil has", "你好😀\U00020BB7", nil, "你好[表情][U+20BB7]"},
		{"placeholders are stable", "[表情][旗帜][U+10FFFF][?]", real, "[表情][旗帜][U+10FFFF][?]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in, tt.has)
			if got != tt.want {
				t.Errorf("Sanitize(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
			if err := checkSanitized(tt.in, got, tt.has); err != nil {
				t.Error(err)
			}
		})
	}
}

// checkSanitized holds the properties of Sanitize's output for any input.
func checkSanitized(in, out string, has func(rune) bool) error {
	if has == nil {
		has = func(r rune) bool { return r <= 0xFFFF }
	}
	if !utf8.ValidString(out) {
		return fmt.Errorf("output %+q is not valid UTF-8", out)
	}
	// Linear growth: a placeholder is at most 4x its rune's bytes and NFC
	// may turn one rune into two or three (U+0344 → U+0308 U+0301).
	if len(out) > 10*len(in) {
		return fmt.Errorf("output %d bytes for %d input bytes", len(out), len(in))
	}
	for _, r := range out {
		if r == '\n' || r == ' ' {
			continue
		}
		if r > 0xFFFF {
			return fmt.Errorf("output %+q holds %U above U+FFFF", out, r)
		}
		if r < 0x20 || (r >= 0x7F && r <= 0x9F) {
			return fmt.Errorf("output %+q holds control %U", out, r)
		}
		if !has(r) {
			return fmt.Errorf("output %+q holds %U the font lacks", out, r)
		}
	}
	// Covered Han survive, in order.
	hanOf := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if unicode.Is(unicode.Han, r) && r <= 0xFFFF && has(r) && !strings.ContainsRune("表情旗帜", r) {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	if got, want := hanOf(out), hanOf(norm.NFC.String(strings.ToValidUTF8(in, "\ufffd"))); got != want {
		return fmt.Errorf("Han text changed: got %q want %q", got, want)
	}
	if again := Sanitize(out, has); again != out {
		return fmt.Errorf("not idempotent: %+q then %+q", out, again)
	}
	return nil
}

// TestSanitizeThroughFpdf: hostile text passes Sanitize, Wrap and fpdf Cell +
// Output without panic, the PDF is valid and pdftotext shows the
// placeholders.
func TestSanitizeThroughFpdf(t *testing.T) {
	hostile := "投诉😀😂🙏🏻 家庭👨\u200d👩\u200d👧\u200d👦 国旗🇨🇳🇺🇸 最大\U0010FFFF 代理\xed\xa0\x80\xed\xbf\xbf 变体❤️ 𠮷野家 零宽\u200b\ufeff 控制\x00\x1b 结束"
	cov := realCoverage(t)
	clean := Sanitize(hostile, cov.Has)
	for _, want := range []string{"[表情]", "[旗帜]", "[U+10FFFF]", "[U+20BB7]", "[?]", "投诉", "结束"} {
		if !strings.Contains(clean, want) {
			t.Fatalf("Sanitize = %q, missing %q", clean, want)
		}
	}
	width, pdf := realFontWidth(t, 12)
	pdf.SetCompression(false)
	pdf.AddPage()
	for _, line := range Wrap(clean, 60, width) {
		pdf.Cell(60, 8, line)
		pdf.Ln(8)
	}
	var buf bytes.Buffer
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("fpdf panicked on sanitized text: %v", p)
			}
		}()
		if err := pdf.Output(&buf); err != nil {
			t.Fatalf("fpdf Output: %v", err)
		}
	}()
	if err := api.Validate(bytes.NewReader(buf.Bytes()), nil); err != nil {
		t.Fatalf("pdfcpu validate: %v", err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not installed (required when CI=true)")
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "hostile.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.ReplaceAll(string(out), "\n", "")
	for _, want := range []string{"[表情]", "[旗帜]", "[U+10FFFF]", "[U+20BB7]", "[?]", "投诉", "家庭", "结束"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext output lacks %q:\n%s", want, out)
		}
	}
}

var fuzzSeeds = []string{
	"",
	"\n",
	paragraph264,
	"你好，世界。（注意）“引号”",
	"hello world 0123456789abcdef0123456789abcdef",
	"价格：￥100元，增长50%以上……然后——结束",
	"，，，，，，，，（（（（（",
	"好😀的👨\u200d👩\u200d👧\u200d👦🇨🇳\U0010FFFF\xed\xa0\x80",
	"a\r\nb\tc\x00\u2028d",
	"e\u0301\u200b\u0301",
	"   leading and trailing   ",
	"见https://example.com/a/b?c=d&e=f",
	"🏴\U000E0067\U000E0062\U000E007F",
}

func FuzzSanitize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	cov := realCoverage(f)
	synthetic := func(r rune) bool { return r%7 != 0 && r != '[' }
	f.Fuzz(func(t *testing.T, s string) {
		for _, has := range []func(rune) bool{cov.Has, synthetic, nil} {
			if err := checkSanitized(s, Sanitize(s, has), has); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzSanitizePlain: the shortcut for plain text returns what the three
// passes return, whatever the font covers. Seeds sit at the edges of the
// plain set (an ideographic tone mark is a combining mark; a combining
// accent after plain text composes with it under NFC).
func FuzzSanitizePlain(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{"已付款 ¥30，订单号 4200001234。", "「充值」未到账——客服：稍等…", "e\u0301", "中\u302A文", "ＡＢＣ１２３！", "\u3000全角空格", "a\tb\r\nc", "#1 *2", "\xff中"} {
		f.Add(s)
	}
	cov := realCoverage(f)
	synthetic := func(r rune) bool { return r%7 != 0 && r != '[' }
	all := func(r rune) bool { return r >= 0 && r <= 0xFFFF }
	f.Fuzz(func(t *testing.T, s string) {
		for _, has := range []func(rune) bool{cov.Has, synthetic, all} {
			if got, want := Sanitize(s, has), sanitize(s, has); got != want {
				t.Fatalf("Sanitize(%q) = %q, the passes give %q", s, got, want)
			}
		}
	})
}

func FuzzWrap(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, float64(i*3))
		f.Add(s, 7.5)
	}
	f.Add("你好", math.NaN())
	f.Add("你好", math.Inf(-1))
	f.Fuzz(func(t *testing.T, s string, maxWidth float64) {
		if !utf8.ValidString(s) {
			for _, l := range Wrap(s, maxWidth, modelWidth) {
				if !utf8.ValidString(l) {
					t.Fatalf("invalid UTF-8 line %q", l)
				}
			}
			return
		}
		lines := checkWrap(t, s, maxWidth, modelWidth, false)
		if max := utf8.RuneCountInString(s) + strings.Count(s, "\n") + 1; len(lines) > max {
			t.Fatalf("%d lines for %d runes", len(lines), max)
		}
	})
}

func BenchmarkWrap(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	s := strings.ReplaceAll(randomText(rng, 10000), "\n", "")
	s = string([]rune(s)[:10000])
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		Wrap(s, 45, modelWidth)
	}
}
