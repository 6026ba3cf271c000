package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// chatPhrases are ordinary lines of a customer-service chat.
var chatPhrases = []string{
	"在吗？", "你好，请问卡密什么时候发？", "亲，系统正在处理中，请稍等哦", "已经过了半个小时了还没有到账",
	"订单号发你了，麻烦查一下", "[图片]", "[表情]", "好的收到", "请提供一下付款截图", "这个卡密兑换不了，提示无效",
	"我们这边显示已经发货了", "那为什么兑换提示卡密无效或已被使用？", "系统维护，明天一定补发", "请尽快处理，谢谢",
	"不发货就请退款", "亲，退款需要走流程，1-3个工作日", "我要求原路退款", "稍等，我问一下技术",
	"你们承诺的是五分钟内到账", "[语音]", "今天能处理吗？", "已经反馈给上级了", "请不要拖延",
	"如果今天不退款我就去12315投诉", "[文件]", "好的，我们尽快", "麻烦看一下消息",
}

// writeQQChat writes a QQ message-manager TXT export (UTF-8 with BOM,
// CRLF). Export 0 is the private chat with the merchant; later ones are
// group chats of other buyers.
func writeQQChat(w io.Writer, idx, msgs int, r *rand.Rand) error {
	bw := bufio.NewWriter(w)
	line := func(s string) { bw.WriteString(s + "\r\n") }
	sep := strings.Repeat("=", 64)
	bw.WriteString("\uFEFF")
	line("消息记录（此消息记录为文本格式，不支持重新导入）")
	line(sep)
	type sender struct{ nick, id string }
	var people []sender
	if idx == 0 {
		line("消息分组:我的好友")
		line(sep)
		line("消息对象:" + merchantNick)
		people = []sender{{userNick, userQQ}, {merchantNick, merchantQQ}}
	} else {
		line("消息分组:我的群聊")
		line(sep)
		line(fmt.Sprintf("消息对象:星辰卡盟维权群%d", idx))
		people = []sender{{userNick, userQQ}, {"【管理员】维权志愿者", "3456789012"}, {merchantNick, merchantQQ}}
		for k := range 9 {
			people = append(people, sender{fmt.Sprintf("买家%02d", k+1), fmt.Sprint(1100000000 + 7919*(idx*10+k))})
		}
	}
	line(sep)
	line("")
	t := tChatStart.Add(time.Duration(idx) * 24 * time.Hour)
	story := []struct {
		who  int
		text string
	}{
		{1, "亲，本店自动发卡，付款后5分钟内到账，不到账全额退款"},
		{1, "商品链接：http://xingchen-km.example/item/vip-year"},
		{0, "好的，我现在付款"},
		{0, "已付款128元，订单号" + orderNo},
	}
	for i := range msgs {
		who, text := r.IntN(len(people)), chatPhrases[r.IntN(len(chatPhrases))]
		if idx == 0 && i < len(story) {
			who, text = story[i].who, story[i].text
		}
		if idx > 0 && r.IntN(50) == 0 {
			line(fmt.Sprintf("%s 系统消息(10000)", qqTime(t)))
			line(people[who].nick + "撤回了一条消息")
		} else {
			line(fmt.Sprintf("%s %s(%s)", qqTime(t), people[who].nick, people[who].id))
			line(text)
			if r.IntN(8) == 0 {
				line(chatPhrases[r.IntN(len(chatPhrases))])
			}
		}
		line("")
		t = t.Add(time.Duration(5+r.IntN(600)) * time.Second)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write qq chat: %w", err)
	}
	return nil
}

// qqTime formats a message time the way QQ does: the hour without a
// leading zero.
func qqTime(t time.Time) string {
	return fmt.Sprintf("%s %d:%s", t.Format("2006-01-02"), t.Hour(), t.Format("04:05"))
}

// billRow is one WeChat Pay transaction.
type billRow struct {
	at                            time.Time
	typ, party, item, dir, method string
	cents                         int64
	status, txn, merchantNo, note string
}

var (
	billMerchants = []string{"美团", "滴滴出行", "京东商城", "拼多多", "瑞幸咖啡", "华联超市", "肯德基", "中国移动", "国家电网", "12306", "饿了么"}
	billItems     = []string{"外卖订单", "快车", "商品", "订单付款", "咖啡", "超市购物", "套餐", "话费充值", "电费", "火车票", "午餐"}
	billMethods   = []string{"零钱", "招商银行储蓄卡(8705)", "零钱通", "建设银行信用卡(1234)"}
)

// billPeriod returns bill idx's date range: 90 days, the latest ending on
// the export day.
func billPeriod(idx int) (from, to time.Time) {
	end := time.Date(2026, 9, 7, 0, 0, 0, 0, beijing).AddDate(0, 0, -90*idx)
	return end.AddDate(0, 0, -89), end
}

// writeWeChatBill writes a pre-2025 WeChat Pay CSV bill: a 16-line preamble
// padded to 11 columns, the header, then rows newest first, with mixed
// quoting, TABs after the order numbers and an unquoted comma in one
// merchant's name. Bill 0 holds the case's payment.
func writeWeChatBill(w io.Writer, idx, n int, r *rand.Rand) error {
	from, to := billPeriod(idx)
	span := int64(to.Sub(from)/time.Second) + 86399
	rows := make([]billRow, 0, n+1)
	for i := range n {
		at := to.Add(86399*time.Second - time.Duration(int64(i)*span/int64(n)+int64(r.IntN(60)))*time.Second)
		row := billRow{at: at, method: billMethods[r.IntN(len(billMethods))], note: "/",
			txn:        fmt.Sprintf("42000%05d%s%08d", r.IntN(100000), at.Format("20060102"), r.IntN(1e8)),
			merchantNo: fmt.Sprintf("%d%010d", 1000+r.IntN(9000), r.IntN(1e9))}
		switch p := r.IntN(100); {
		case p < 70:
			k := r.IntN(len(billMerchants))
			row.typ, row.party, row.item, row.dir = "商户消费", billMerchants[k], billItems[k], "支出"
			if r.IntN(150) == 0 { // an unquoted comma inside 交易对方, as WeChat writes it
				row.party, row.item = "WALMART HONG KONG CO.,LIMITED", "购物"
			}
			row.cents, row.status = int64(100+r.IntN(30000)), "支付成功"
		case p < 80:
			row.typ, row.party, row.item, row.dir = "微信红包", "买家"+fmt.Sprint(r.IntN(90)+10), "/", "收入"
			row.cents, row.status, row.merchantNo = int64(1+r.IntN(20000)), "已存入零钱", "/"
		case p < 88:
			row.typ, row.party, row.item, row.dir = "转账", "朋友"+fmt.Sprint(r.IntN(90)+10), "转账备注:微信转账", "支出"
			row.cents, row.status, row.merchantNo = int64(100+r.IntN(100000)), "对方已收钱", "/"
		case p < 94:
			row.typ, row.party, row.item, row.dir = "零钱提现", "招商银行(8705)", "/", "/"
			row.cents, row.status = int64(10000+r.IntN(200000)), "提现已到账"
			row.note = fmt.Sprintf("服务费¥%.2f", float64(row.cents)/1e5)
		case p < 97:
			row.typ, row.party, row.item, row.dir = "美团-退款", "美团", "外卖订单", "收入"
			row.cents, row.status = int64(100+r.IntN(5000)), "已全额退款"
		default:
			row.typ, row.party, row.item, row.dir = "扫二维码付款", "小卖部", "收款方备注:二维码收款", "支出"
			row.cents, row.status = int64(100+r.IntN(3000)), "已转账"
		}
		rows = append(rows, row)
	}
	if idx == 0 {
		pay := billRow{at: tOrderPaid, typ: "商户消费", party: merchant, item: "腾讯视频VIP年卡", dir: "支出",
			method: "零钱", cents: 12800, status: "支付成功", txn: "4200002718202609036482901573", merchantNo: orderNo, note: "/"}
		k := 0
		for k < len(rows) && rows[k].at.After(pay.at) {
			k++
		}
		rows = append(rows[:k], append([]billRow{pay}, rows[k:]...)...)
	}
	var cnt [3]int
	var sum [3]int64
	for _, row := range rows {
		k := map[string]int{"收入": 0, "支出": 1, "/": 2}[row.dir]
		cnt[k]++
		sum[k] += row.cents
	}
	bw := bufio.NewWriter(w)
	pad := func(s string) { bw.WriteString(s + ",,,,,,,,,," + "\n") }
	pad("微信支付账单明细")
	pad("微信昵称：[" + userNick + "]")
	pad(fmt.Sprintf("起始时间：[%s 00:00:00] 终止时间：[%s 23:59:59]", from.Format("2006-01-02"), to.Format("2006-01-02")))
	pad("导出类型：[全部]")
	pad("导出时间：[" + tExport.Format("2006-01-02 15:04:05") + "]")
	pad("")
	pad(fmt.Sprintf("共%d笔记录", len(rows)))
	pad(fmt.Sprintf("收入：%d笔 %s元", cnt[0], yuan(sum[0])))
	pad(fmt.Sprintf("支出：%d笔 %s元", cnt[1], yuan(sum[1])))
	pad(fmt.Sprintf("中性交易：%d笔 %s元", cnt[2], yuan(sum[2])))
	pad("注：")
	pad("1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易")
	pad("2. 本明细仅展示当前账单中的交易，不包括已删除的记录")
	pad("3. 本明细仅供个人对账使用")
	pad("")
	pad("----------------------微信支付账单明细列表--------------------")
	bw.WriteString("交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n")
	for i, row := range rows {
		f := []string{row.at.Format("2006-01-02 15:04:05"), row.typ, row.party, row.item, row.dir,
			"¥" + yuan(row.cents), row.method, row.status, row.txn + "\t", row.merchantNo + "\t", row.note}
		if i%5 == 3 && !strings.Contains(row.party, ",") {
			for k := range f {
				f[k] = `"` + f[k] + `"`
			}
		}
		bw.WriteString(strings.Join(f, ",") + "\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write wechat bill: %w", err)
	}
	return nil
}

func yuan(cents int64) string {
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}
