package main

import (
	"fmt"
	"strings"
	"time"
)

// The parties of the fictional case.
const (
	buyerName   = "张小明"
	buyerQQ     = "1234567890"
	sellerName  = "星辰客服-小星"
	sellerQQ    = "2876543210"
	shopName    = "星辰卡盟"
	shopURL     = "http://xingchen-km.example"
	goodsURL    = shopURL + "/goods/1024.html"
	orderNo     = "KM202609032015370042"
	wxTxnNo     = "4200002026090312345678901234"
	itemName    = "腾讯视频VIP年卡"
	amount      = "128.00"
	paidAt      = "2026-09-03 20:15:37"
	promiseText = "自动发卡，付款后5分钟内到账，不到账全额退款"
	invalidCode = "TXVIP-8H3K-2M9Q-7XWD"
	redeemError = "卡密无效或已被使用"
)

// cst is China Standard Time; the sample needs no tz database.
var cst = time.FixedZone("CST", 8*3600)

type sender int

const (
	fromBuyer sender = iota
	fromSeller
	fromSystem
)

// chatMsg is one message of the QQ conversation. The same script feeds the
// long screenshot and the TXT export so that both agree.
type chatMsg struct {
	at     string // "2006-01-02 15:04:05", Beijing time
	from   sender
	text   string
	image  bool // an image message, exported as [图片]
	link   bool // text is a URL
	reject bool // sent after the buyer was blocked
}

func (m chatMsg) time() time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", m.at, cst)
	if err != nil {
		return time.Time{}
	}
	return t
}

func chatScript() []chatMsg {
	return []chatMsg{
		{at: "2026-09-03 20:10:22", from: fromBuyer, text: "你好，腾讯视频VIP年卡还有货吗？"},
		{at: "2026-09-03 20:11:05", from: fromSeller, text: "亲，有货的哦😊 直接在店里下单就行，" + promiseText},
		{at: "2026-09-03 20:11:19", from: fromSeller, text: goodsURL, link: true},
		{at: "2026-09-03 20:14:05", from: fromBuyer, text: "好的，我现在下单，用微信付款"},
		{at: "2026-09-03 20:16:30", from: fromBuyer, text: "已经付款了，订单号" + orderNo + "，微信支付128元"},
		{at: "2026-09-03 20:17:12", from: fromSeller, text: "收到，稍等哦，系统会自动发卡的"},
		{at: "2026-09-03 20:31:48", from: fromBuyer, text: "已经过了15分钟了，还没收到卡密，订单页面一直显示“待发卡”"},
		{at: "2026-09-03 20:45:10", from: fromSeller, text: "亲，今天单子多，系统在排队，请耐心等待一下"},
		{at: "2026-09-03 22:05:33", from: fromBuyer, text: "还是没有卡密。你们不是说付款后5分钟内到账吗？"},
		{at: "2026-09-04 09:12:20", from: fromSeller, text: "亲，久等了，卡密给您补发了：" + invalidCode + "，在腾讯视频“兑换VIP”里兑换就可以"},
		{at: "2026-09-04 09:25:41", from: fromBuyer, text: "兑换不了，提示“" + redeemError + "”"},
		{at: "2026-09-04 09:25:58", from: fromBuyer, image: true},
		{at: "2026-09-04 09:27:13", from: fromBuyer, text: "你们发的卡密是无效的。要么马上发一张能用的，要么把128元退给我。"},
		{at: "2026-09-04 10:02:36", from: fromSeller, text: "亲，可能是系统出了点问题，我们核实一下"},
		{at: "2026-09-04 18:40:09", from: fromBuyer, text: "核实得怎么样了？卡密不能用，请今天之内给我退款。"},
		{at: "2026-09-05 10:20:11", from: fromBuyer, text: "今天在电脑上又试了一次，还是提示“" + redeemError + "”，我已经拍照留存了。"},
		{at: "2026-09-05 14:03:27", from: fromSeller, text: "系统维护，明天一定补发"},
		{at: "2026-09-06 20:58:44", from: fromBuyer, text: "已经三天了，既没有能用的卡密，也没有退款。请于2026年9月8日前退款，否则向12315投诉。"},
		{at: "2026-09-06 21:03:10", from: fromSeller, text: "系统维护，明天一定补发，别急"},
		{at: "2026-09-06 21:10:52", from: fromBuyer, text: "我不要补发了，请把128元原路退回到我的微信。", reject: true},
	}
}

// rejectNotice is the grey tip QQ shows when the other side has blocked you.
const rejectNotice = "消息已发出，但被对方拒收了。"

// qqTime formats a time like the QQ message manager: hours without a
// leading zero.
func qqTime(t time.Time) string {
	return fmt.Sprintf("%s %d:%s", t.Format("2006-01-02"), t.Hour(), t.Format("04:05"))
}

// qqExportTXT renders the conversation as a QQ 消息管理器 text export
// (UTF-8 with BOM, CRLF line ends, as the Windows client writes it).
func qqExportTXT(msgs []chatMsg) []byte {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\r\n") }
	sep := strings.Repeat("=", 64)
	b.WriteString("\ufeff")
	line("消息记录（此消息记录为文本格式，不支持重新导入）")
	line(sep)
	line("消息分组:我的好友")
	line(sep)
	line("消息对象:" + sellerName)
	line(sep)
	line("")
	for _, m := range msgs {
		who := buyerName + "(" + buyerQQ + ")"
		if m.from == fromSeller {
			who = sellerName + "(" + sellerQQ + ")"
		}
		line(qqTime(m.time()) + " " + who)
		if m.image {
			line("[图片]")
		} else {
			line(m.text)
		}
		line("")
		if m.reject {
			line(qqTime(m.time().Add(time.Second)) + " 系统消息(10000)")
			line(rejectNotice)
			line("")
		}
	}
	return []byte(b.String())
}
