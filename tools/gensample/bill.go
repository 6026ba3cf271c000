package main

import (
	"fmt"
	"strings"
)

// pathBill is the WeChat Pay bill export of the sample case.
const pathBill = "账单/微信支付账单(20260901-20260907).csv"

// billRow is one row of the fictional WeChat Pay bill.
type billRow struct {
	at, kind, party, item, dir string
	cents                      int64
	method, status, txn, merch string
}

// billRows are the complainant's WeChat Pay transactions of the first week
// of September 2026, newest first as WeChat exports them. Only the
// 星辰卡盟 purchase concerns the case; the rest are the ordinary, private
// transactions any real bill holds.
var billRows = []billRow{
	{"2026-09-07 12:31:09", "商户消费", "杭州某某餐饮管理有限公司", "午餐套餐", "支出", 3200, "零钱", "支付成功", "4200002026090711223344556677", "MT20260907123109881"},
	{"2026-09-06 18:05:44", "微信红包", "妈妈", "/", "收入", 20000, "/", "已存入零钱", "10000399012026090618054400112233", "/"},
	{"2026-09-05 08:12:30", "商户消费", "某某便利店", "早餐", "支出", 1250, "零钱", "支付成功", "4200002026090508123011112222", "BL202609050812"},
	{"2026-09-04 21:40:02", "转账", "李同学", "/", "支出", 5000, "零钱", "对方已收钱", "1000050001202609042140020011", "/"},
	{"2026-09-03 20:15:37", "商户消费", "星辰卡盟", "腾讯视频VIP年卡（卡密）", "支出", 12800, "零钱", "支付成功", "4200002026090312345678901234", "KM202609032015370042"},
	{"2026-09-03 12:02:15", "商户消费", "杭州某某餐饮管理有限公司", "午餐套餐", "支出", 2800, "零钱", "支付成功", "4200002026090312021599887766", "MT20260903120215772"},
	{"2026-09-02 19:20:00", "零钱充值", "招商银行(8705)", "/", "/", 30000, "招商银行(8705)", "充值完成", "1000020026090219200088776655", "/"},
	{"2026-09-01 09:00:31", "商户消费", "某某地铁", "地铁乘车", "支出", 400, "零钱", "支付成功", "4200002026090109003144332211", "DT2026090109003100"},
}

// wechatBillCSV writes the bill in the CSV layout of WeChat Pay's export:
// a 16-line preamble padded with commas, a header, then one row per
// transaction with a TAB after each order number (FORMATS.md §1).
func wechatBillCSV() []byte {
	var inC, outC, neuC int64
	var inN, outN, neuN int
	for _, r := range billRows {
		switch r.dir {
		case "收入":
			inN++
			inC += r.cents
		case "支出":
			outN++
			outC += r.cents
		default:
			neuN++
			neuC += r.cents
		}
	}
	pad := func(s string) string { return s + ",,,,,,,,,," }
	lines := []string{
		pad("微信支付账单明细"),
		pad("微信昵称：[小明]"),
		pad("起始时间：[2026-09-01 00:00:00] 终止时间：[2026-09-07 23:59:59]"),
		pad("导出类型：[全部]"),
		pad("导出时间：[2026-09-07 19:55:12]"),
		pad(""),
		pad(fmt.Sprintf("共%d笔记录", len(billRows))),
		pad(fmt.Sprintf("收入：%d笔 %s元", inN, yuan(inC))),
		pad(fmt.Sprintf("支出：%d笔 %s元", outN, yuan(outC))),
		pad(fmt.Sprintf("中性交易：%d笔 %s元", neuN, yuan(neuC))),
		pad("注："),
		pad("1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易"),
		pad("2. 本明细仅展示当前账单中的交易，不包括已删除的记录"),
		pad("3. 本明细仅供个人对账使用"),
		pad(""),
		pad("----------------------微信支付账单明细列表--------------------"),
		"交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注",
	}
	for _, r := range billRows {
		lines = append(lines, fmt.Sprintf("%s,%s,%s,%s,%s,¥%s,%s,%s,%s\t,%s\t,/",
			r.at, r.kind, r.party, r.item, r.dir, yuan(r.cents), r.method, r.status, r.txn, r.merch))
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}

func yuan(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
