package payment

import (
	"archive/zip"
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func cstTime(y int, m time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, m, d, h, mi, s, 0, CST())
}

func mustParse(t *testing.T, name string, data []byte) *Statement {
	t.Helper()
	st, err := Parse(name, data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return st
}

func warningCodes(st *Statement) map[string]int {
	m := map[string]int{}
	for _, w := range st.Warnings {
		m[w.Code]++
		if w.Zh == "" || w.Msg == "" {
			t := w
			panic("warning without text: " + t.Code)
		}
	}
	return m
}

func sumBy(st *Statement) map[Direction]Group {
	m := map[Direction]Group{}
	for _, x := range st.Txns {
		g := m[x.Direction]
		g.Count++
		g.Cents += x.Cents
		m[x.Direction] = g
	}
	return m
}

// rowWant is the subset of a Txn a sample test pins down.
type rowWant struct {
	idx       int
	line      int
	time      time.Time
	dateOnly  bool
	cp        string
	dir       Direction
	cents     int64
	txnNo     string
	isRefund  bool
	refundOf  int
	refunded  int64
	typ, item string
}

func checkRow(t *testing.T, st *Statement, w rowWant) {
	t.Helper()
	if w.idx < 0 {
		w.idx += len(st.Txns)
	}
	if w.idx >= len(st.Txns) {
		t.Fatalf("row %d missing (have %d)", w.idx, len(st.Txns))
	}
	g := st.Txns[w.idx]
	if g.Line != w.line || !g.Time.Equal(w.time) || g.DateOnly != w.dateOnly || g.Counterparty != w.cp ||
		g.Direction != w.dir || g.Cents != w.cents || g.IsRefund != w.isRefund || g.RefundOf != w.refundOf ||
		g.RefundedCents != w.refunded {
		t.Errorf("row %d:\n got line=%d time=%v dateOnly=%v cp=%q dir=%s cents=%d refund=%v of=%d refunded=%d\nwant line=%d time=%v dateOnly=%v cp=%q dir=%s cents=%d refund=%v of=%d refunded=%d",
			w.idx, g.Line, g.Time, g.DateOnly, g.Counterparty, g.Direction, g.Cents, g.IsRefund, g.RefundOf, g.RefundedCents,
			w.line, w.time, w.dateOnly, w.cp, w.dir, w.cents, w.isRefund, w.refundOf, w.refunded)
	}
	if w.txnNo != "" && g.TxnNo != w.txnNo {
		t.Errorf("row %d: TxnNo = %q, want %q", w.idx, g.TxnNo, w.txnNo)
	}
	if w.typ != "" && g.Type != w.typ {
		t.Errorf("row %d: Type = %q, want %q", w.idx, g.Type, w.typ)
	}
	if w.item != "" && g.Item != w.item {
		t.Errorf("row %d: Item = %q, want %q", w.idx, g.Item, w.item)
	}
	if _, off := g.Time.Zone(); !g.Time.IsZero() && off != 8*3600 {
		t.Errorf("row %d: zone offset %d, want UTC+8", w.idx, off)
	}
}

func TestParseSamples(t *testing.T) {
	tests := []struct {
		sub, file string
		format    string
		holder    string
		n         int
		sums      map[Direction]Group
		rows      []rowWant
		warnings  map[string]int
	}{
		{
			sub: "payment/wechat", file: "deg-example-wechat-records.csv", format: FormatWeChatCSV, holder: "测试", n: 27,
			sums: map[Direction]Group{Out: {11, 290453}, In: {5, 2849}, Neutral: {11, 2610089}},
			rows: []rowWant{
				{idx: 0, line: 18, time: cstTime(2019, 9, 26, 12, 45, 27), cp: "云膳过桥米线(传奇广场店)", dir: Out, cents: 2816, txnNo: "3985734", refundOf: -1, typ: "商户消费", item: "总共消费:28.16"},
				{idx: 6, line: 24, time: cstTime(2021, 7, 15, 16, 29, 37), cp: "招商银行()", dir: Neutral, cents: 10010, txnNo: "207210715100077148235523883175", refundOf: -1},
				{idx: 19, line: 37, time: cstTime(2021, 7, 18, 10, 48, 9), cp: `打开拼多多，点击底部"多多视频"`, dir: In, cents: 7, txnNo: "160572459521071810106004542906137497131422937", refundOf: -1},
				{idx: -1, line: 44, time: cstTime(2024, 6, 7, 23, 40, 27), cp: "测试", dir: Out, cents: 1, txnNo: "4200002168202406076349888061", refundOf: -1, typ: "deg-不认识的-txType"},
			},
			// The synthetic sample's preamble (43 records, 1+1+0) does not match its rows.
			warnings: map[string]int{"count-mismatch": 1, "sum-mismatch": 3},
		},
		{
			sub: "payment/wechat", file: "deg-example-wechat-records.xlsx", format: FormatWeChatXLSX, holder: "测试", n: 27,
			sums: map[Direction]Group{Out: {11, 290453}, In: {5, 2849}, Neutral: {11, 2610089}},
			rows: []rowWant{
				{idx: 0, line: 19, time: cstTime(2019, 9, 26, 12, 45, 27), cp: "云膳过桥米线(传奇广场店)", dir: Out, cents: 2816, txnNo: "3985734", refundOf: -1},
				{idx: -1, line: 45, time: cstTime(2024, 6, 7, 23, 40, 27), cp: "测试", dir: Out, cents: 1, refundOf: -1},
			},
			warnings: map[string]int{"reexported": 1, "count-mismatch": 1, "sum-mismatch": 3},
		},
		{
			sub: "payment/alipay", file: "deg-example-alipay-records.gbk.csv", format: FormatAlipayCSV, holder: "xx", n: 10,
			sums: map[Direction]Group{Out: {5, 21164}, In: {1, 22222850}, Neutral: {4, 24737}},
			rows: []rowWant{
				{idx: 0, line: 26, time: cstTime(2023, 2, 12, 21, 32, 14), cp: "xxxxxxxxxxxx", dir: Out, cents: 4974, txnNo: "202302xxxxxx0011000103xxxxxx", refundOf: -1},
				{idx: 6, line: 32, time: cstTime(2023, 1, 9, 18, 22, 28), cp: "一卡通", dir: Neutral, cents: 5000, txnNo: "2023xxxxx88_2023xx57", isRefund: true, refundOf: 7},
				{idx: 7, line: 33, time: cstTime(2023, 1, 9, 18, 21, 50), cp: "一卡通", dir: Out, cents: 5000, txnNo: "2023xxxxx88", refundOf: -1, refunded: 5000},
				{idx: -1, line: 35, time: cstTime(2023, 7, 10, 13, 20, 16), cp: "xxxx", dir: Out, cents: 8200, refundOf: -1},
			},
			warnings: map[string]int{"count-mismatch": 1, "sum-mismatch": 3},
		},
		{
			sub: "payment/alipay", file: "daoru-支付宝交易明细(20201122-20201214).gbk.csv", format: FormatAlipayCSV, holder: "***", n: 24,
			sums: map[Direction]Group{Out: {18, 185320}, In: {1, 8888}, Neutral: {5, 5804}},
			rows: []rowWant{
				{idx: 0, line: 26, time: cstTime(2020, 12, 14, 16, 50, 20), cp: "Apple Store", dir: Out, cents: 12900, txnNo: "2020121422001155631423825023", refundOf: -1},
				{idx: 15, line: 41, time: cstTime(2020, 11, 29, 8, 30, 12), cp: "京东商城", dir: Neutral, cents: 2875, isRefund: true, refundOf: 20},
				{idx: 20, line: 46, time: cstTime(2020, 11, 23, 22, 15, 30), cp: "京东商城", dir: Out, cents: 2912, refundOf: -1, refunded: 2875},
				{idx: -1, line: 49, time: cstTime(2020, 12, 15, 10, 15, 45), cp: "ZARA", dir: Out, cents: 59900, refundOf: -1},
			},
			warnings: map[string]int{"count-mismatch": 1, "sum-mismatch": 3},
		},
		{
			sub: "bank", file: "deg-icbc-debit-v1.csv", format: FormatICBC, n: 11,
			sums: map[Direction]Group{Out: {6, 424108}, In: {5, 284174}},
			rows: []rowWant{
				{idx: 0, line: 8, time: cstTime(2023, 5, 2, 0, 0, 0), dateOnly: true, cp: "深圳市财付通支付科技有限公司", dir: Out, cents: 1340, refundOf: -1, typ: "消费", item: "广东三元麦当劳食品有"},
				{idx: -1, line: 18, time: cstTime(2023, 2, 8, 0, 0, 0), dateOnly: true, cp: "深圳市财付通支付科技有限公司", dir: In, cents: 104, isRefund: true, refundOf: -1},
			},
		},
		{
			sub: "bank", file: "deg-icbc-debit-v2.csv", format: FormatICBC, n: 11,
			sums: map[Direction]Group{Out: {6, 424108}, In: {5, 284174}},
			rows: []rowWant{
				{idx: 1, line: 9, time: cstTime(2023, 4, 25, 0, 0, 0), dateOnly: true, cp: "张三", dir: Out, cents: 123456, refundOf: -1},
			},
		},
		{
			sub: "bank", file: "deg-icbc-credit.csv", format: FormatICBC, n: 9,
			sums: map[Direction]Group{Out: {8, 36313}, In: {1, 462101}},
			rows: []rowWant{
				{idx: 0, line: 8, time: cstTime(2023, 4, 22, 0, 0, 0), dateOnly: true, cp: "XX旗舰店", dir: Out, cents: 1, refundOf: -1},
				{idx: -1, line: 16, time: cstTime(2023, 3, 20, 0, 0, 0), dateOnly: true, cp: "广东联合电子收费股份", dir: Out, cents: 2945, refundOf: -1},
			},
		},
		{
			sub: "bank", file: "deg-cmb-debit.csv", format: FormatCMBDebit, n: 5,
			sums: map[Direction]Group{Out: {4, 201314}, In: {1, 123400}},
			rows: []rowWant{
				{idx: 1, line: 3, time: cstTime(2024, 1, 1, 0, 0, 0), dateOnly: true, cp: "张三 66666666666666", dir: Out, cents: 100000, refundOf: -1},
			},
		},
		{
			sub: "bank", file: "deg-cmb-credit.csv", format: FormatCMBCredit, n: 6,
			sums: map[Direction]Group{Out: {2, 805678}, In: {4, 38080}},
			rows: []rowWant{
				// 12/29 precedes the January 2024 statement: year 2023.
				{idx: 0, line: 3, time: cstTime(2023, 12, 29, 0, 0, 0), dateOnly: true, cp: "掌上生活还款", dir: In, cents: 123, refundOf: -1},
				{idx: -1, line: 8, time: cstTime(2024, 1, 5, 0, 0, 0), dateOnly: true, cp: "中国移动", dir: Out, cents: 800000, refundOf: -1},
			},
			warnings: map[string]int{"year-inferred": 1},
		},
		{
			sub: "bank", file: "deg-boc-debit.csv", format: FormatBankGeneric, n: 17,
			sums: map[Direction]Group{Out: {13, 939430}, In: {4, 982100}},
			rows: []rowWant{
				{idx: 0, line: 3, time: cstTime(2025, 8, 22, 17, 57, 17), cp: "张三", dir: Out, cents: 7189, refundOf: -1, typ: "无卡支付"},
				{idx: 2, line: 5, time: cstTime(2025, 8, 22, 12, 23, 4), cp: "支付宝-李四", dir: In, cents: 5000, isRefund: true, refundOf: 3},
				{idx: 3, line: 6, time: cstTime(2025, 8, 22, 12, 22, 50), cp: "支付宝-李四", dir: Out, cents: 5000, refundOf: -1, refunded: 5000},
				{idx: -1, line: 19, time: cstTime(2025, 8, 1, 8, 57, 0), cp: "张三", dir: In, cents: 100000, refundOf: -1},
			},
		},
		{
			sub: "bank", file: "deg-abc-debit.csv", format: FormatBankGeneric, n: 5,
			sums: map[Direction]Group{Out: {2, 1235589}, In: {3, 1000001}},
			rows: []rowWant{
				{idx: 0, line: 2, time: cstTime(2024, 1, 1, 12, 34, 56), cp: "哈哈", dir: In, cents: 1000000, refundOf: -1, typ: "转存"},
				{idx: 2, line: 4, time: cstTime(2024, 1, 3, 0, 0, 0), dateOnly: true, cp: "12341234123412341", dir: Out, cents: 1234589, refundOf: -1},
				{idx: -1, line: 6, time: cstTime(2024, 1, 4, 0, 0, 0), dateOnly: true, cp: "", dir: In, cents: 0, refundOf: -1},
			},
			warnings: map[string]int{"short-row": 1},
		},
		{
			sub: "bank", file: "deg-bocom-debit.csv", format: FormatBankGeneric, n: 6,
			sums: map[Direction]Group{Out: {3, 11400}, In: {3, 1125}},
			rows: []rowWant{
				{idx: 1, line: 3, time: cstTime(2024, 2, 2, 13, 15, 12), cp: "哈哈", dir: Out, cents: 321, refundOf: -1, typ: "信用卡转账还款"},
				{idx: -1, line: 7, time: cstTime(2024, 6, 6, 11, 30, 54), cp: "京东肯特瑞基金销售有限公司", dir: Out, cents: 10079, refundOf: -1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readSample(t, tt.sub, tt.file)
			if !Sniff(tt.file, data[:min(len(data), 4096)]) {
				t.Errorf("Sniff = false")
			}
			st := mustParse(t, tt.file, data)
			if st.Format != tt.format {
				t.Errorf("Format = %q, want %q", st.Format, tt.format)
			}
			if st.Label == "" {
				t.Errorf("empty Label")
			}
			if st.Holder != tt.holder {
				t.Errorf("Holder = %q, want %q", st.Holder, tt.holder)
			}
			if len(st.Txns) != tt.n {
				t.Fatalf("%d rows, want %d", len(st.Txns), tt.n)
			}
			got := sumBy(st)
			for _, d := range []Direction{Out, In, Neutral} {
				if got[d] != tt.sums[d] {
					t.Errorf("%s: %+v, want %+v", d, got[d], tt.sums[d])
				}
			}
			for _, w := range tt.rows {
				checkRow(t, st, w)
			}
			codes := warningCodes(st)
			for k, v := range tt.warnings {
				if codes[k] != v {
					t.Errorf("warning %s ×%d, want ×%d (all: %v)", k, codes[k], v, codes)
				}
			}
			for k := range codes {
				if _, ok := tt.warnings[k]; !ok {
					t.Errorf("unexpected warning %s: %+v", k, st.Warnings)
				}
			}
			for i, x := range st.Txns {
				if x.Line < 1 || x.Line > st.Lines {
					t.Errorf("row %d: Line %d outside 1..%d", i, x.Line, st.Lines)
				}
				if strings.ContainsAny(x.TxnNo+x.MerchantNo, "\t ") && !strings.Contains(x.TxnNo, " ") {
					t.Errorf("row %d: order number not trimmed: %q %q", i, x.TxnNo, x.MerchantNo)
				}
			}
		})
	}
}

func TestParseSampleStatedPeriod(t *testing.T) {
	st := mustParse(t, "w.csv", readSample(t, "payment/wechat", "deg-example-wechat-records.csv"))
	if !st.From.Equal(cstTime(2019, 8, 1, 0, 0, 0)) || !st.To.Equal(cstTime(2019, 9, 30, 23, 59, 59)) {
		t.Errorf("period %v – %v", st.From, st.To)
	}
	d := st.Declared
	if d.Records != 43 || d.Income == nil || *d.Income != (Group{1, 35}) || *d.Expense != (Group{1, 2816}) || *d.Neutral != (Group{0, 0}) {
		t.Errorf("Declared = %+v", d)
	}
	st = mustParse(t, "a.csv", readSample(t, "payment/alipay", "deg-example-alipay-records.gbk.csv"))
	if st.Account != "xx@gmail.com" || st.Declared.Neutral == nil || *st.Declared.Neutral != (Group{2, 1637}) {
		t.Errorf("alipay Account=%q Declared=%+v", st.Account, st.Declared)
	}
}

func TestParseRefusesLegacyXLS(t *testing.T) {
	name := "deg-ccb-交易明细_xxxx_2025xxxx_2025xxxx.xls"
	data := readSample(t, "bank", name)
	if !Sniff(name, data[:512]) {
		t.Error("Sniff(.xls) = false")
	}
	_, err := Parse(name, data)
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("err = %v, want *ParseError wrapping ErrUnsupported", err)
	}
	if pe.Zh != "旧版 Excel（.xls）格式暂不支持，请在网银导出 CSV 或另存为 .xlsx" {
		t.Errorf("Zh = %q", pe.Zh)
	}
}

func TestParseWeChatCSVFixture(t *testing.T) {
	base := wechatCSV(fixtureWxRows, fixtureWxDeclared)
	variants := map[string][]byte{
		"plain":       []byte(base),
		"bom+crlf":    append([]byte("\uFEFF"), strings.ReplaceAll(base, "\n", "\r\n")...),
		"utf16le":     utf16LE(base, true),
		"utf16-nobom": utf16LE(base, false),
	}
	for name, data := range variants {
		t.Run(name, func(t *testing.T) {
			st := mustParse(t, "微信支付账单(20250301-20250331).csv", data)
			if st.Format != FormatWeChatCSV || st.Holder != "小李" || len(st.Txns) != 4 {
				t.Fatalf("format=%s holder=%q rows=%d", st.Format, st.Holder, len(st.Txns))
			}
			if len(st.Warnings) != 0 {
				t.Errorf("warnings on a consistent bill: %+v", st.Warnings)
			}
			checkRow(t, st, rowWant{idx: 0, line: 18, time: cstTime(2025, 3, 1, 10, 0, 0), cp: "星辰卡盟旗舰店", dir: Out, cents: 10000, txnNo: "4200001", refundOf: -1, refunded: 2000})
			checkRow(t, st, rowWant{idx: 1, line: 19, time: cstTime(2025, 3, 2, 11, 30, 5), cp: "星辰卡盟旗舰店", dir: In, cents: 2000, txnNo: "5000002", isRefund: true, refundOf: 0})
			checkRow(t, st, rowWant{idx: 2, line: 20, time: cstTime(2025, 3, 3, 8, 0, 0), cp: "房东", dir: Out, cents: 250000, refundOf: -1})
			checkRow(t, st, rowWant{idx: 3, line: 21, time: cstTime(2025, 3, 4, 9, 15, 0), cp: "工商银行(9876)", dir: Neutral, cents: 5000, refundOf: -1})
			if st.Txns[0].MerchantNo != "M-20250301-01" || st.Txns[3].MerchantNo != "" {
				t.Errorf("merchant numbers %q %q", st.Txns[0].MerchantNo, st.Txns[3].MerchantNo)
			}
		})
	}
}

func TestParseWeChatDeclaredMismatch(t *testing.T) {
	decl := "共5笔记录,,,,,,,,,,\n收入：1笔 20.00元,,,,,,,,,,\n支出：2笔 2600.01元,,,,,,,,,,\n中性交易：1笔 50.00元,,,,,,,,,,\n"
	st := mustParse(t, "w.csv", []byte(wechatCSV(fixtureWxRows, decl)))
	codes := warningCodes(st)
	if codes["count-mismatch"] != 1 || codes["sum-mismatch"] != 1 {
		t.Fatalf("warnings %+v", st.Warnings)
	}
	for _, w := range st.Warnings {
		if w.Code == "sum-mismatch" && !strings.Contains(w.Zh, "2600.01") {
			t.Errorf("mismatch message lacks the declared total: %s", w.Zh)
		}
	}
}

func TestParseWeChatUnquotedComma(t *testing.T) {
	rows := []wxRow{{"2025-03-05 10:00:00", "商户消费", "WALMART HONG KONG CO.,LIMITED", "食品", "支出", "¥12.30", "零钱", "支付成功", "42001", "M1", "/"},
		{"2025-03-06 10:00:00", "商户消费", "某店", "A,B,C", "支出", "¥1.00", "零钱", "支付成功", "42002", "M2", "/"}}
	csv := wechatCSV(nil, "")
	csv += "2025-03-05 10:00:00,商户消费,WALMART HONG KONG CO.,LIMITED,食品,支出,¥12.30,零钱,支付成功,42001\t,M1\t,/\n"
	csv += "2025-03-06 10:00:00,商户消费,某店,A,B,C,支出,¥1.00,零钱,支付成功,42002,M2,/\n"
	st := mustParse(t, "w.csv", []byte(csv))
	if len(st.Txns) != 2 {
		t.Fatalf("rows %d", len(st.Txns))
	}
	if g := st.Txns[0]; g.Counterparty != rows[0].cp || g.Item != "食品" || g.Cents != 1230 || g.TxnNo != "42001" {
		t.Errorf("row 0 = %+v", g)
	}
	// Ambiguous surplus commas are merged into 交易对方 first, as documented.
	if g := st.Txns[1]; g.Counterparty != "某店,A,B" || g.Item != "C" || g.Cents != 100 {
		t.Errorf("row 1 = %+v", g)
	}
	if warningCodes(st)["merged-fields"] != 2 {
		t.Errorf("warnings %+v", st.Warnings)
	}
}

func TestParseAlipayFixtures(t *testing.T) {
	for _, padded := range []bool{true, false} {
		name := map[bool]string{true: "2023-padded", false: "2025"}[padded]
		t.Run(name, func(t *testing.T) {
			st := mustParse(t, "支付宝交易明细(20250501-20250531).csv", gbk(t, alipayCSV(fixtureAlipayRows, padded)))
			if st.Format != FormatAlipayCSV || st.Holder != "王五" || st.Account != "ww***@163.com" || len(st.Txns) != 5 {
				t.Fatalf("format=%s holder=%q account=%q rows=%d", st.Format, st.Holder, st.Account, len(st.Txns))
			}
			if len(st.Warnings) != 0 {
				t.Errorf("warnings: %+v", st.Warnings)
			}
			checkRow(t, st, rowWant{idx: 0, line: 18, time: cstTime(2025, 5, 10, 20, 0, 0), cp: "星辰卡盟", dir: Out, cents: 8800, txnNo: "2025051022001", refundOf: -1, refunded: 8800})
			checkRow(t, st, rowWant{idx: 1, line: 19, time: cstTime(2025, 5, 11, 9, 0, 0), cp: "星辰卡盟", dir: Neutral, cents: 8800, txnNo: "2025051022001_88001", isRefund: true, refundOf: 0})
			checkRow(t, st, rowWant{idx: 3, line: 21, time: cstTime(2025, 5, 13, 13, 0, 0), cp: "某商家", dir: Neutral, cents: 1200, refundOf: -1})
			if m := st.Txns[0].Method; m != "招商银行储蓄卡(8705)&支付宝随机立减" {
				t.Errorf("Method = %q", m)
			}
			if a := st.Txns[0].CounterpartyAccount; a != "xc***@163.com" {
				t.Errorf("CounterpartyAccount = %q", a)
			}
		})
	}
}

func TestParseAlipayWeb(t *testing.T) {
	st := mustParse(t, "alipay_record.txt", gbk(t, alipayWebFixture))
	if st.Format != FormatAlipayWeb || st.Account != "ww***@163.com" || len(st.Txns) != 2 {
		t.Fatalf("format=%s account=%q rows=%d", st.Format, st.Account, len(st.Txns))
	}
	checkRow(t, st, rowWant{idx: 0, line: 6, time: cstTime(2014, 1, 28, 10, 0, 5), cp: "星辰卡盟", dir: Out, cents: 5000, txnNo: "2014012811001004", refundOf: -1, refunded: 1000})
	// No 付款时间: the creation time is used; an empty 收/支 is neutral.
	checkRow(t, st, rowWant{idx: 1, line: 7, time: cstTime(2014, 1, 20, 9, 0, 0), cp: "某店", dir: Neutral, cents: 9900, refundOf: -1})
	if st.Declared.Records != 2 || !st.From.Equal(cstTime(2014, 1, 1, 0, 0, 0)) {
		t.Errorf("Declared=%+v From=%v", st.Declared, st.From)
	}
}

func TestParseWeChatXLSX(t *testing.T) {
	for _, l2026 := range []bool{false, true} {
		t.Run(map[bool]string{false: "2025", true: "2026"}[l2026], func(t *testing.T) {
			data := wechatXLSX(t, l2026)
			if !Sniff("微信支付账单流水文件(20260301-20260930)_20261001090000.xlsx", data[:512]) {
				t.Error("Sniff = false")
			}
			st := mustParse(t, "微信支付账单流水文件.xlsx", data)
			if st.Format != FormatWeChatXLSX || st.Holder != "小李" || len(st.Txns) != 3 {
				t.Fatalf("format=%s holder=%q rows=%d", st.Format, st.Holder, len(st.Txns))
			}
			if len(st.Warnings) != 0 {
				t.Errorf("warnings: %+v", st.Warnings)
			}
			first := 18
			if l2026 {
				first = 19
			}
			checkRow(t, st, rowWant{idx: 0, line: first, time: cstTime(2026, 9, 18, 19, 4, 37), cp: "星辰卡盟", dir: Out, cents: 123456, txnNo: "4200000001", refundOf: -1})
			checkRow(t, st, rowWant{idx: 1, line: first + 1, time: cstTime(2026, 3, 15, 12, 30, 45), cp: "某餐厅", dir: Out, cents: 2812, refundOf: -1})
			checkRow(t, st, rowWant{idx: 2, line: first + 2, time: cstTime(2026, 3, 19, 12, 0, 0), cp: "工商银行(9876)", dir: Neutral, cents: 5000, refundOf: -1})
			if st.Txns[0].MerchantNo != "M0001" {
				t.Errorf("MerchantNo %q", st.Txns[0].MerchantNo)
			}
		})
	}
}

func TestParseXLSXRoundedAmount(t *testing.T) {
	data := wechatXLSX(t, true)
	st := mustParse(t, "w.xlsx", data)
	if st.Txns[0].Cents != 123456 {
		t.Fatal("baseline")
	}
	// Rewrite one amount with three decimals.
	f := openFixture(t, data)
	mustSet(t, f.SetCellFloat("Sheet1", "F20", 28.125, -1, 64))
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	st = mustParse(t, "w.xlsx", buf.Bytes())
	if st.Txns[1].Cents != 2813 {
		t.Errorf("28.125 → %d fen, want 2813 (half up)", st.Txns[1].Cents)
	}
	if warningCodes(st)["rounded-amount"] != 1 {
		t.Errorf("warnings %+v", st.Warnings)
	}
}

func TestParseErrors(t *testing.T) {
	good := wechatCSV(fixtureWxRows, fixtureWxDeclared)
	lines := strings.Split(good, "\n")
	replaceLine := func(n int, s string) string {
		c := append([]string(nil), lines...)
		c[n-1] = s
		return strings.Join(c, "\n")
	}
	tests := []struct {
		name     string
		data     []byte
		line     int
		sentinel error
	}{
		{"truncated mid-row", []byte(good[:strings.Index(good, "2025-03-03 08:00:00")+30]), 20, ErrColumns},
		{"truncated before header", []byte(strings.Join(lines[:10], "\n")), 0, ErrColumns},
		{"too few columns", []byte(replaceLine(19, "2025-03-02 11:30:05,商户消费-退款,星辰卡盟旗舰店,游戏点卡,收入,￥20.00")), 19, ErrColumns},
		{"too many columns", []byte(replaceLine(19, "2025-03-02 11:30:05,a,b,c,d,收入,x,y,z,1,2,3,4,5")), 19, ErrColumns},
		{"bad amount", []byte(replaceLine(20, "2025-03-03 08:00:00,转账,房东,备注,支出,¥2,5OO.00,零钱,朋友已收钱,4200003,/,/")), 20, ErrColumns},
		{"bad amount text", []byte(replaceLine(20, "2025-03-03 08:00:00,转账,房东,备注,支出,¥25OO.00,零钱,朋友已收钱,4200003,/,/")), 20, ErrAmount},
		{"three decimals in text", []byte(replaceLine(20, "2025-03-03 08:00:00,转账,房东,备注,支出,¥2.005,零钱,朋友已收钱,4200003,/,/")), 20, ErrAmount},
		{"bad date", []byte(replaceLine(21, "2025-02-30 09:15:00,零钱充值,工行,/,/,¥50.00,工行,充值完成,1,/,/")), 21, ErrTime},
		{"bad time", []byte(replaceLine(21, "2025-03-04 25:15:00,零钱充值,工行,/,/,¥50.00,工行,充值完成,1,/,/")), 21, ErrTime},
		{"long line", []byte(replaceLine(21, strings.Repeat("x", MaxLineBytes+1))), 21, ErrLimit},
		{"too many fields", []byte(replaceLine(21, strings.Repeat(",", MaxFieldsPerRow+5))), 21, ErrLimit},
		{"corrupt xlsx", wechatXLSX(t, true)[:3000], 0, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse("bill.csv", tt.data)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (st=%v), want *ParseError", err, st != nil)
			}
			if pe.Line != tt.line || !errors.Is(err, tt.sentinel) {
				t.Errorf("got line %d err %v; want line %d wrapping %v", pe.Line, err, tt.line, tt.sentinel)
			}
			if pe.File != "bill.csv" || pe.Zh == "" || !strings.HasPrefix(err.Error(), "parse bill.csv") {
				t.Errorf("File=%q Zh=%q Error=%q", pe.File, pe.Zh, err.Error())
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	big := make([]byte, MaxInputBytes+1)
	_, err := Parse("big.csv", big)
	if !errors.Is(err, ErrLimit) {
		t.Errorf("oversized input: %v", err)
	}

	// A zip whose entry claims 300 MiB uncompressed is refused before
	// anything is inflated.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, UncompressedSize64: 300 << 20, CompressedSize64: 2})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{3, 0})
	zw.CreateHeader(&zip.FileHeader{Name: "xl/workbook.xml"})
	zw.Close()
	_, err = Parse("bomb.xlsx", buf.Bytes())
	if !errors.Is(err, ErrLimit) {
		t.Errorf("zip bomb: %v, want ErrLimit", err)
	}

	buf.Reset()
	zw = zip.NewWriter(&buf)
	for i := 0; i <= maxZipEntries; i++ {
		zw.CreateHeader(&zip.FileHeader{Name: "x/" + strings.Repeat("a", i%7) + strconv.Itoa(i)})
	}
	zw.Close()
	if _, err = Parse("many.xlsx", buf.Bytes()); !errors.Is(err, ErrLimit) {
		t.Errorf("many entries: %v, want ErrLimit", err)
	}
}

func TestParseNotStatement(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"chat":      []byte("2024-01-01 12:00:00 小鹿\n你好\n"),
		"png":       []byte("\x89PNG\r\n\x1a\n\x00\x00"),
		"plain csv": []byte("a,b,c\n1,2,3\n"),
		"docx":      docxLike(t),
	} {
		if _, err := Parse(name, data); !errors.Is(err, ErrNotStatement) {
			t.Errorf("%s: err = %v, want ErrNotStatement", name, err)
		}
	}
}

func openFixture(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func docxLike(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<w/>"))
	zw.Close()
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"w.csv", []byte(wechatCSV(nil, "")), true},
		{"a.csv", gbk(t, alipayCSV(nil, true)), true},
		{"a.csv", utf16LE(wechatCSV(nil, ""), true), true},
		{"x.xlsx", []byte("PK\x03\x04...."), true},
		{"x.zip", []byte("PK\x03\x04...."), false},
		{"ccb.xls", oleMagic, true},
		{"notes.txt", []byte("今天去买菜"), false},
		{"p.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00"), false},
	}
	for _, tt := range tests {
		if got := Sniff(tt.name, tt.head); got != tt.want {
			t.Errorf("Sniff(%s, %.20q) = %v, want %v", tt.name, tt.head, got, tt.want)
		}
	}
}
