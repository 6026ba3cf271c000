package payment

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParse asserts, for any input: no panic, bounded time, every error is
// ErrNotStatement or a *ParseError, amounts are never negative, every row's
// line lies within the file, and refund links point at earlier-listed or
// later-listed rows that exist and are not refunds themselves.
func FuzzParse(f *testing.F) {
	f.Add("w.csv", []byte(wechatCSV(fixtureWxRows, fixtureWxDeclared)))
	f.Add("a.csv", gbk(f, alipayCSV(fixtureAlipayRows, true)))
	f.Add("a.csv", gbk(f, alipayCSV(fixtureAlipayRows, false)))
	f.Add("a.txt", gbk(f, alipayWebFixture))
	f.Add("w.csv", utf16LE(wechatCSV(fixtureWxRows, fixtureWxDeclared), true))
	f.Add("cmb-202401.csv", []byte("招商银行信用卡对账单（2024年01月）\n交易日,记账日,交易摘要,人民币金额\n,12/29,还款,-1.23\n01/03,01/04,饭票,-3.90(CN)\n"))
	f.Add("b.csv", []byte("交易日期,交易时间,交易摘要,交易金额,对手信息\n20240101,123456,转存,+10000.00,哈哈\n"))
	f.Add("w.xlsx", wechatXLSX(f, true))
	for _, sub := range []string{"payment/wechat", "payment/alipay", "bank"} {
		dir := filepath.Join("..", "..", "..", "shared", "samples", sub)
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && len(b) < 64<<10 {
				f.Add(e.Name(), b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		start := time.Now()
		st, err := Parse(name, data)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Parse took %v on %d bytes", d, len(data))
		}
		if err != nil {
			var pe *ParseError
			if !errors.Is(err, ErrNotStatement) && !errors.As(err, &pe) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if pe != nil && (pe.Zh == "" || pe.Line < 0) {
				t.Fatalf("ParseError without Chinese text or with negative line: %#v", pe)
			}
			if st != nil {
				t.Fatal("statement returned with an error")
			}
			return
		}
		lines := st.Lines
		if !strings.HasPrefix(string(data), "PK") {
			text, _ := decodeText(data)
			if n := strings.Count(text, "\n") + 1; lines > n {
				t.Fatalf("Lines %d > %d lines in the file", lines, n)
			}
		}
		for i, x := range st.Txns {
			if x.Cents < 0 || x.RefundedCents < 0 || x.RefundedCents > x.Cents && !x.IsRefund {
				t.Fatalf("row %d: cents %d refunded %d", i, x.Cents, x.RefundedCents)
			}
			if x.Line < 1 || x.Line > lines {
				t.Fatalf("row %d: line %d outside 1..%d", i, x.Line, lines)
			}
			if x.RefundOf != -1 {
				if x.RefundOf < 0 || x.RefundOf >= len(st.Txns) || !x.IsRefund || st.Txns[x.RefundOf].IsRefund {
					t.Fatalf("row %d: bad RefundOf %d", i, x.RefundOf)
				}
			}
			if _, off := x.Time.Zone(); !x.Time.IsZero() && off != 8*3600 {
				t.Fatalf("row %d: zone offset %d", i, off)
			}
			switch x.Direction {
			case In, Out, Neutral:
			default:
				t.Fatalf("row %d: direction %q", i, x.Direction)
			}
		}
		for _, w := range st.Warnings {
			if w.Code == "" || w.Zh == "" {
				t.Fatalf("incomplete warning %+v", w)
			}
		}
		// The query side must cope with whatever was parsed.
		m := st.Relevant(Criteria{Names: []string{"星辰"}, OrderNo: "2025", Cents: 100, From: time.Unix(0, 0), To: time.Now()})
		idx := make([]int, len(m))
		for i := range m {
			idx[i] = m[i].Index
		}
		st.TotalsFor(idx)
		if s := st.Summary(idx); s.Omitted+len(idx) != len(st.Txns) {
			t.Fatalf("summary omitted %d + printed %d != %d", s.Omitted, len(idx), len(st.Txns))
		}
	})
}

// FuzzParseAmount checks the amount parsers against each other: a text
// amount that parses must parse to the same fen when read as a raw number.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"¥28.16", "1,234.56", "-3.90(CN)", "2.816E1", "28.165", ".5", "-", "9999999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseAmountText(s)
		if err == nil && isNumeric(s) && !strings.ContainsAny(s, "eE") {
			r, rounded, rerr := parseAmountRaw(s)
			if rerr != nil || rounded || r != c {
				t.Fatalf("%q: text %d, raw %d %v %v", s, c, r, rounded, rerr)
			}
		}
		if err == nil && (c > 1e15 || c < -1e15) {
			t.Fatalf("%q: out of range %d", s, c)
		}
		r, _, rerr := parseAmountRaw(s)
		if rerr == nil && (r > 1e15 || r < -1e15) {
			t.Fatalf("%q: raw out of range %d", s, r)
		}
	})
}
