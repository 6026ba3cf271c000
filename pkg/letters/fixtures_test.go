package letters

import (
	"strings"
	"testing"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/payment"
)

// fixedNow is the packaging time of every test document.
var fixedNow = time.Date(2026, 9, 10, 9, 30, 0, 0, casefile.China())

const fixtureYAML = `version: 1
type: virtual-goods
target: 12315
complainant:
  name: 张三
  phone: "13800138000"
  id_number: 11010519491231002X
  address: 北京市朝阳区某街道1号
  accounts: [{platform: 微信, id: zhangsan_wx, name: 张三}]
respondent:
  name: 星辰卡盟
  platform: 独立网站
  url: https://xingchen.example/shop
  credit_code: 91440300708461136T
  address: 深圳市南山区某路2号
  accounts:
    - platform: QQ
      id: "123456"
      name: 客服小星
order:
  item: 腾讯视频VIP年卡
  order_no: "20260903201501000123"
  amount: 128.00
  paid_at: 2026-09-03 20:15
  payment_method: 微信支付
  promised: 付款后24小时内自动发货
  promised_by: 2026-09-04T20:15:00+08:00
problem: |
  9月3日在星辰卡盟购买腾讯视频VIP年卡，付款128元。
  商家承诺24小时内自动发货，至今未发货。
demands:
  - 退还货款128元
  - 赔礼道歉
events:
  - at: 2026-09-05 10:00
    what: 向卖家发出退款要求，限期三日内退款
    evidence: [chat/qq.txt]
  - at: 2026-09-06
    what: 卖家拒绝退款
    evidence: [chat/qq.txt, refusal.png]
arbitration_clause: ""
`

// fixtureCase is the synthetic case of the goldens.
func fixtureCase(t testing.TB) *casefile.Case {
	t.Helper()
	c, err := casefile.Load(strings.NewReader(fixtureYAML), "case.yaml")
	if err != nil {
		t.Fatalf("load fixture case: %v", err)
	}
	return c
}

func cst(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, casefile.China())
}

// fixtureItems are the exhibits of the synthetic case: a payment
// screenshot, the listing with the promise, the WeChat bill, the QQ chat, the
// order page still waiting for delivery and the refusal.
func fixtureItems() []*evidence.Item {
	bill := &payment.Statement{
		Format: "wechat-csv", Label: "微信支付账单（CSV）",
		Txns: []payment.Txn{
			{Line: 17, Time: cst(2026, 9, 1, 12, 0, 0), Type: "商户消费", Counterparty: "某便利店", Direction: payment.Out, Cents: 1550, TxnNo: "4200000001", RefundOf: -1},
			{Line: 18, Time: cst(2026, 9, 3, 20, 15, 32), Type: "商户消费", Counterparty: "星辰卡盟", Item: "腾讯视频VIP年卡", Direction: payment.Out, Cents: 12800, TxnNo: "4200000002", MerchantNo: "20260903201501000123", RefundOf: -1},
			{Line: 19, Time: cst(2026, 9, 8, 9, 0, 0), Type: "商户消费", Counterparty: "星辰卡盟", Item: "QQ音乐月卡", Direction: payment.Out, Cents: 1500, TxnNo: "4200000003", RefundOf: -1},
		},
	}
	log := &chat.Log{
		Format: chat.FormatQQTXT,
		Messages: []chat.Message{
			{Line: 5, Time: cst(2026, 9, 4, 9, 0, 0), HasTime: true, Sender: "张三", Text: "你好，在吗"},
			{Line: 7, Time: cst(2026, 9, 4, 21, 0, 0), HasTime: true, Sender: "张三", Text: "已经超过24小时了，\n什么时候发货？"},
			{Line: 9, Time: cst(2026, 9, 5, 10, 0, 0), HasTime: true, Sender: "张三", Text: "请在三日内退款"},
			{Line: 11, Time: cst(2026, 9, 6, 11, 2, 3), HasTime: true, Sender: "客服小星", Text: "虚拟商品一经售出概不退款"},
			{Line: 13, Time: cst(2026, 9, 6, 11, 5, 0), HasTime: true, Sender: "客服小星", Text: "好的"},
		},
	}
	return []*evidence.Item{
		{Index: 1, Path: "截图/Screenshot_2026-09-03-20-16-01-123_com.tencent.mm.jpg", Type: evidence.TypeJPEG, MediaType: "image/jpeg", Kind: casefile.KindPayment, Title: "微信支付凭证", Proves: "投诉人于2026年9月3日向被投诉人支付128.00元"},
		{Index: 2, Path: "listing.png", Type: evidence.TypePNG, MediaType: "image/png", Kind: casefile.KindListing, Title: "商品页面（承诺24小时内自动发货）"},
		{Index: 3, Path: "bill/微信支付账单.csv", Type: evidence.TypeText, MediaType: "text/csv", Kind: casefile.KindPayment, Title: "微信支付账单", Statement: bill},
		{Index: 4, Path: "chat/qq.txt", Type: evidence.TypeText, MediaType: "text/plain", Kind: casefile.KindChat, Title: "与客服小星的QQ聊天记录", Chat: log},
		{Index: 5, Path: "order.png", Type: evidence.TypePNG, MediaType: "image/png", Kind: casefile.KindResult, Title: "订单页面（显示“待发货”）"},
		{Index: 6, Path: "refusal.png", Type: evidence.TypePNG, MediaType: "image/png", Kind: casefile.KindRefusal, Title: "客服拒绝退款截图"},
	}
}

// fixtureResult is a complete checklist result for the synthetic case.
func fixtureResult() *checklist.Result {
	return &checklist.Result{
		CaseType: casefile.TypeVirtualGoods,
		Requirements: []checklist.Requirement{
			{ID: "payment-record", Link: checklist.LinkTransaction, Title: "付款记录", Required: true, Met: true, Exhibits: []int{1, 3}},
		},
		Amounts:  checklist.Amounts{Claimed: 12800, Paid: 12800, Loss: 12800, PaidFrom: []int{1, 3}},
		Flags:    checklist.Flags{NoArbitration: true, DemandSent: true, DemandDeadlineOK: true},
		Complete: true,
	}
}
