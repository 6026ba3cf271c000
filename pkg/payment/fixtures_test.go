package payment

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// samplesDir returns the shared real-layout samples, skipping the test when
// they are absent (except under CI=true, where they must exist).
func samplesDir(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "samples", sub)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("samples missing under CI: %v", err)
		}
		t.Skipf("samples not available: %v", err)
	}
	return dir
}

func readSample(t testing.TB, sub, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir(t, sub), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wxRow is one WeChat bill row in fixture form.
type wxRow struct {
	time, typ, cp, item, dir, amount, method, status, txnNo, merchNo, note string
}

var wxHeader = []string{"交易时间", "交易类型", "交易对方", "商品", "收/支", "金额(元)", "支付方式", "当前状态", "交易单号", "商户单号", "备注"}

// fixtureWxRows is a small case: a purchase from the respondent's shop, a
// partial refund of it, an unrelated row and a neutral top-up.
var fixtureWxRows = []wxRow{
	{"2025-03-01 10:00:00", "商户消费", "星辰卡盟旗舰店", "游戏点卡 100元", "支出", "¥100.00", "零钱", "已退款(¥20.00)", "4200001\t", "M-20250301-01\t", "/"},
	{"2025-03-02 11:30:05", "商户消费-退款", "星辰卡盟旗舰店", "游戏点卡 100元", "收入", "￥20.00", "零钱", "已全额退款", "5000002\t", "M-20250301-01\t", "/"},
	{"2025-03-03 08:00:00", "转账", "房东", "转账备注:房租", "支出", "¥2500.00", "零钱", "朋友已收钱", "4200003", "/", "/"},
	{"2025-03-04 09:15:00", "零钱充值", "工商银行(9876)", "/", "/", "¥50.00", "工商银行(9876)", "充值完成", "4200004\t", "/\t", "/"},
}

// wechatCSV builds an old-style WeChat CSV with the 16-line preamble.
func wechatCSV(rows []wxRow, declared string) string {
	var b strings.Builder
	pad := ",,,,,,,,,,"
	lines := []string{
		"微信支付账单明细", "微信昵称：[小李]", "起始时间：[2025-03-01 00:00:00] 终止时间：[2025-03-31 23:59:59]",
		"导出类型：[全部]", "导出时间：[2025-04-01 09:00:00]", "",
	}
	for _, l := range lines {
		b.WriteString(l + pad + "\n")
	}
	b.WriteString(declared)
	for _, l := range []string{"注：", "1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易", "2. 本明细仅展示当前账单中的交易，不包括已删除的记录", "3. 本明细仅供个人对账使用", "", "----------------------微信支付账单明细列表--------------------"} {
		b.WriteString(l + pad + "\n")
	}
	b.WriteString(strings.Join(wxHeader, ",") + "\n")
	for _, r := range rows {
		// Mixed quoting as in real files: the order number is quoted with the
		// TAB outside the quotes, the merchant number is bare.
		no, tab := strings.CutSuffix(r.txnNo, "\t")
		quotedNo := `"` + no + `"`
		if tab {
			quotedNo += "\t"
		}
		fmt.Fprintf(&b, "%s,%s,%s,\"%s\",%s,%s,%s,%s,%s,%s,\"%s\"\n", r.time, r.typ, r.cp, r.item, r.dir, r.amount, r.method, r.status, quotedNo, r.merchNo, r.note)
	}
	return b.String()
}

const fixtureWxDeclared = "共4笔记录,,,,,,,,,,\n收入：1笔 20.00元,,,,,,,,,,\n支出：2笔 2600.00元,,,,,,,,,,\n中性交易：1笔 50.00元,,,,,,,,,,\n"

// alipayRow is one Alipay app bill row.
type alipayRow struct {
	time, typ, cp, acct, item, dir, amount, method, status, txnNo, merchNo, note string
}

var alipayHeader = []string{"交易时间", "交易分类", "交易对方", "对方账号", "商品说明", "收/支", "金额", "收/付款方式", "交易状态", "交易订单号", "商家订单号", "备注"}

var fixtureAlipayRows = []alipayRow{
	{"2025-05-10 20:00:00", "日用百货", "星辰卡盟", "xc***@163.com", "会员充值", "支出", "88.00", "招商银行储蓄卡(8705)&支付宝随机立减", "交易关闭", "2025051022001", "T2025051001", ""},
	{"2025-05-11 09:00:00", "退款", "星辰卡盟", "xc***@163.com", "退款-会员充值", "不计收支", "88.00", "招商银行储蓄卡(8705)", "退款成功", "2025051022001_88001", "T2025051001", ""},
	{"2025-05-12 12:00:00", "餐饮美食", "某餐厅", "/", "午餐", "支出", "35.50", "花呗&花呗青春特惠", "交易成功", "2025051222002", "T2025051202", ""},
	{"2025-05-13 13:00:00", "日用百货", "某商家", "/", "取消的订单", "不计收支", "12.00", "", "交易关闭", "2025051322003", "T2025051303", ""},
	{"2025-05-14 14:00:00", "转账红包", "朋友", "fr***@qq.com", "转账", "收入", "10.00", "余额", "交易成功", "2025051422004", "", ""},
}

// alipayCSV builds an Alipay app export; padded selects the 2023 layout
// (space-padded cells, TAB after order numbers, old company line), otherwise
// the 2025 layout (unpadded, trailing comma, new company line).
func alipayCSV(rows []alipayRow, padded bool) string {
	var b strings.Builder
	b.WriteString(strings.Repeat("-", 84) + "\n")
	b.WriteString("导出信息：\n姓名：王五\n支付宝账户：ww***@163.com\n")
	b.WriteString("起始时间：[2025-05-01 00:00:00]    终止时间：[2025-05-31 23:59:59]\n导出交易类型：[全部]\n导出时间：[2025-06-01 10:00:00]\n")
	b.WriteString("共5笔记录\n收入：1笔 10.00元\n支出：2笔 123.50元\n不计收支：2笔 100.00元\n\n特别提示：\n1.本回单内容可表明支付宝受理了相应支付交易申请；\n\n")
	company := "支付宝支付科技有限公司"
	if padded {
		company = "支付宝（中国）网络技术有限公司"
	}
	b.WriteString("------------------------" + company + "  电子客户回单------------------------\n")
	cell := func(s string, order bool) string {
		if !padded {
			return s
		}
		if order {
			return s + "\t"
		}
		return s + strings.Repeat(" ", max(0, 20-len(s)))
	}
	for i, h := range alipayHeader {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(cell(h, false))
	}
	b.WriteString(",\n")
	for _, r := range rows {
		f := []string{r.time, r.typ, r.cp, r.acct, r.item, r.dir, r.amount, r.method, r.status, r.txnNo, r.merchNo, r.note}
		for i, v := range f {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(cell(v, i == 9 || i == 10))
		}
		b.WriteString(",\n")
	}
	return b.String()
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16LE(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = append(b, 0xFF, 0xFE)
	}
	for _, r := range s {
		if r > 0xFFFF {
			r = '?'
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

const alipayWebFixture = `支付宝交易记录明细查询
账号:[ww***@163.com]
起始日期:[2014-01-01 00:00:00]    终止日期:[2014-02-01 00:00:00]
---------------------------------交易记录明细列表------------------------------------
交易号,商家订单号,交易创建时间,付款时间,最近修改时间,交易来源地,类型,交易对方,商品名称,金额（元）,收/支,交易状态,服务费（元）,成功退款（元）,备注,资金状态,
2014012811001004,T1001,2014-01-28 10:00:00,2014-01-28 10:00:05,2014-01-29 08:00:00,其他（包括阿里巴巴和外部商家）,即时到账交易,星辰卡盟,点卡,50.00,支出,交易成功,0.00,10.00,,已支出,
2014012011002005,T1002,2014-01-20 09:00:00,,2014-01-20 09:00:00,淘宝,支付宝担保交易,某店,衣服,99.00,,交易关闭,0.00,0.00,,,
------------------------------------------------------------------------------------
共2笔记录
已收入：0笔，0.00元
已支出：1笔，50.00元
导出时间:[2014-02-02 10:00:00]
`

// wechatXLSX builds a WeChat XLSX bill. layout2026 puts the extra note line,
// the header at row 18, serial-number times and numeric amounts, and leaves
// the blank preamble rows out entirely.
func wechatXLSX(t testing.TB, layout2026 bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sh = "Sheet1"
	pre := []string{
		"微信支付账单明细", "微信昵称：[小李]", "起始时间：[2026-03-01 00:00:00] 终止时间：[2026-09-30 23:59:59]",
		"导出类型：[全部账单]", "导出时间：[2026-10-01 09:00:00]", "",
		"共3笔记录", "收入：0笔 0.00元", "支出：2笔 1262.68元", "中性交易：1笔 50.00元", "注：",
		"1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易",
		"2. 本明细仅展示当前账单中的交易，不包括已删除的记录", "3. 本明细仅供个人对账使用",
	}
	if layout2026 {
		pre = append(pre, "4. 本账单中所有时间均为UTC+08:00时间")
	}
	pre = append(pre, "", "----------------------微信支付账单明细列表--------------------")
	for i, s := range pre {
		if s == "" {
			continue // blank rows have no <row> element
		}
		mustSet(t, f.SetCellStr(sh, fmt.Sprintf("A%d", i+1), s))
	}
	hdrRow := len(pre) + 1
	for j, h := range wxHeader {
		cell, _ := excelize.CoordinatesToCellName(j+1, hdrRow)
		mustSet(t, f.SetCellStr(sh, cell, h))
	}
	type xr struct {
		serial  float64
		text    string
		amount  float64
		amtText string
		rest    []string
	}
	rows := []xr{
		{46283.79487268518, "2026-09-18 19:04:37", 1234.56, "¥1,234.56", []string{"商户消费", "星辰卡盟", "点卡", "支出", "", "零钱", "支付成功", "4200000001\t", "M0001\t", "/"}},
		{46096.52135416667, "2026-03-15 12:30:45", 28.12, "¥28.12", []string{"扫二维码付款", "某餐厅", "/", "支出", "", "零钱通", "已转账", "4200000002\t", "M0002\t", "/"}},
		{46100.5, "2026-03-19 12:00:00", 50, "¥50.00", []string{"零钱充值", "工商银行(9876)", "/", "/", "", "工商银行(9876)", "充值完成", "4200000003\t", "/\t", "/"}},
	}
	for i, r := range rows {
		line := hdrRow + 1 + i
		set := func(col int, v string) {
			cell, _ := excelize.CoordinatesToCellName(col, line)
			mustSet(t, f.SetCellStr(sh, cell, v))
		}
		for j, v := range r.rest {
			if j == 4 {
				continue
			}
			set(j+2, v)
		}
		if layout2026 {
			mustSet(t, f.SetCellFloat(sh, fmt.Sprintf("A%d", line), r.serial, -1, 64))
			mustSet(t, f.SetCellFloat(sh, fmt.Sprintf("F%d", line), r.amount, -1, 64))
		} else {
			set(1, r.text)
			set(6, r.amtText)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustSet(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
