package chat

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		qqFixture, crlf(qqFixture), goodMHT(), crlf(goodMHT()),
		mhtFixture(base64.StdEncoding.EncodeToString(pngBytes)[:30]+"!!", false),
		wechatTXTFixture, wechatCSVFixture(), pyWxDumpFixture, plainFixture,
		"2019-09-23 8:43:38 PM 小明(1)\nx\n", "", "\r", "\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Add(utf16Bytes(qqFixture, false, true))
	f.Add(utf16Bytes(qqFixture, true, false))
	f.Add(gb18030(f, qqFixture))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := limits{input: 1 << 20, messages: 10_000, line: 64 << 10, parts: 50, decoded: 4 << 20}
		for name, parse := range map[string]func(string, []byte, limits) (*Log, error){"Parse": parseWith, "ParsePlain": parsePlainWith} {
			log, err := parse("fuzz", data, lim)
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("%s: error %v is %T, want *ParseError", name, err, err)
				}
				if pe.Zh == "" || pe.Err == nil {
					t.Fatalf("%s: incomplete ParseError %+v", name, pe)
				}
				if log != nil {
					t.Fatalf("%s: log and error both returned", name)
				}
				continue
			}
			checkLog(t, name, log, lim)
		}
	})
}

// checkLog asserts the invariants every parsed log keeps.
func checkLog(t *testing.T, name string, log *Log, lim limits) {
	t.Helper()
	switch log.Format {
	case FormatQQTXT, FormatQQMHT, FormatWeChatMsgTXT, FormatWeChatMsgCSV, FormatPyWxDumpCSV, FormatPlain:
	default:
		t.Fatalf("%s: unknown format %q", name, log.Format)
	}
	if log.Label == "" || log.Encoding == "" || log.Lines < 1 {
		t.Fatalf("%s: Label/Encoding/Lines = %q/%q/%d", name, log.Label, log.Encoding, log.Lines)
	}
	if len(log.Messages) > lim.messages || len(log.Images) > lim.parts || len(log.Warnings) > maxWarnings+1 {
		t.Fatalf("%s: unbounded output: %d messages, %d images, %d warnings", name, len(log.Messages), len(log.Images), len(log.Warnings))
	}
	for i, m := range log.Messages {
		if m.Line < 1 || m.Line > log.Lines {
			t.Fatalf("%s: message %d Line %d outside 1..%d", name, i, m.Line, log.Lines)
		}
		if i > 0 && log.Format != FormatQQMHT && m.Line < log.Messages[i-1].Line {
			t.Fatalf("%s: message %d Line %d before previous %d", name, i, m.Line, log.Messages[i-1].Line)
		}
		if m.HasTime {
			if _, off := m.Time.Zone(); off != 8*3600 {
				t.Fatalf("%s: message %d time %v not in UTC+8", name, i, m.Time)
			}
		} else if !m.Time.IsZero() {
			t.Fatalf("%s: message %d has a time but HasTime is false", name, i)
		}
		for _, im := range m.Images {
			if im < 0 || im >= len(log.Images) {
				t.Fatalf("%s: message %d image index %d out of range", name, i, im)
			}
		}
		if m.Transfer != nil && m.Transfer.Cents < 0 {
			t.Fatalf("%s: negative transfer %d", name, m.Transfer.Cents)
		}
	}
}

func FuzzHighlights(f *testing.F) {
	for _, s := range []string{"不到账全额退款", "红包到账", "包过期", "12315", "123156", "骗子诈骗", "包", "", "卡密无效或已被使用，不退款就投诉"} {
		f.Add(s)
	}
	kw := map[string]bool{}
	for _, k := range Keywords() {
		kw[k] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs := []rune(s)
		prev := 0
		for _, h := range Highlights(s) {
			if h[0] < prev || h[1] <= h[0] || h[1] > len(rs) {
				t.Fatalf("range %v after %d in %d runes", h, prev, len(rs))
			}
			if w := string(rs[h[0]:h[1]]); !kw[w] {
				t.Fatalf("range %v = %q is not a keyword", h, w)
			}
			prev = h[1]
		}
		if got, want := Highlights(s), highlightsReference(s); !slices.Equal(got, want) {
			t.Fatalf("Highlights(%q) = %v, the plain scan gives %v", s, got, want)
		}
	})
}

// highlightsReference is the plain form of Highlights: at every rune, try
// every keyword, longest first.
func highlightsReference(text string) [][2]int {
	rs := []rune(text)
	words := make([][]rune, 0)
	for _, k := range Keywords() {
		words = append(words, []rune(k))
	}
	sort.SliceStable(words, func(i, j int) bool { return len(words[i]) > len(words[j]) })
	var out [][2]int
	for i := 0; i < len(rs); {
		n := 0
		for _, w := range words {
			if matchAt(rs, i, w) && acceptHit(rs, i, w) {
				n = len(w)
				break
			}
		}
		if n == 0 {
			i++
			continue
		}
		out = append(out, [2]int{i, i + n})
		i += n
	}
	return out
}

// qqLines builds a QQ TXT export of about n lines (three lines per message).
func qqLines(n int) []byte {
	var b strings.Builder
	b.WriteString("\uFEFF消息记录（此消息记录为文本格式，不支持重新导入）\r\n")
	b.WriteString(strings.Repeat("=", 64) + "\r\n消息分组:我的好友\r\n" + strings.Repeat("=", 64) + "\r\n消息对象:客服\r\n" + strings.Repeat("=", 64) + "\r\n\r\n")
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 7; i < n; i += 3 {
		fmt.Fprintf(&b, "%s %d:%s 张小明(1234567890)\r\n第 %d 条消息，亲，付款后5分钟内到账，不到账全额退款\r\n\r\n",
			t.Format("2006-01-02"), t.Hour(), t.Format("04:05"), i)
		t = t.Add(17 * time.Second)
	}
	return []byte(b.String())
}

func BenchmarkParseQQTXT200k(b *testing.B) {
	const lines = 200_000
	data := qqLines(lines)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		log, err := Parse("bench.txt", data)
		if err != nil || len(log.Messages) < lines/3-3 {
			b.Fatalf("Parse: %v", err)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
