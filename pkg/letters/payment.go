package letters

import (
	"strings"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
)

// Length limits, in characters (runes).
const (
	// PaymentTextMax is the WeChat Pay complaint description limit
	// (complaint_detail, string[1,300]); the Alipay text is kept to it too.
	PaymentTextMax = 300
	// FormProblemMax and FormDemandMax keep the 12315 form's free-text
	// fields short: their real limits are not published.
	FormProblemMax = 200
	FormDemandMax  = 100
	// MaxAttachments is how many images the payment-platform pack suggests.
	MaxAttachments = 6

	maxOrderNoRunes = 64 // a longer "order number" is left out, never cut
	maxMethodRunes  = 10
)

// story holds the shortenable parts of a short complaint text.
type story struct {
	seller, item, promise, problem string
}

// step shortens one part to at most n runes.
type step struct {
	part *string
	n    int
}

// fit shortens the parts of st step by step until compose fits in max runes,
// and returns the composed text. The steps cut the consumer's own account
// first and the names of the seller and the goods last; numbers are never
// cut (see clip).
func fit(max int, st *story, compose func(*story) string) string {
	steps := []step{
		{&st.problem, 80}, {&st.promise, 24}, {&st.item, 20}, {&st.seller, 20},
		{&st.problem, 30}, {&st.promise, 0}, {&st.problem, 0}, {&st.item, 8}, {&st.seller, 8},
		{&st.item, 0}, {&st.seller, 0},
	}
	text := compose(st)
	for _, s := range steps {
		if runes(text) <= max {
			break
		}
		*s.part = clip(*s.part, s.n)
		text = compose(st)
	}
	return text
}

// paymentText composes the WeChat Pay / Alipay complaint description.
func paymentText(c *casefile.Case, v *view, res *checklist.Result, warn []string) (string, []string) {
	orderNo := v.OrderNo
	if runes(orderNo) > maxOrderNoRunes {
		orderNo = ""
		warn = append(warn, "订单号过长，投诉说明中未写入，请在支付平台投诉页面的订单信息中核对。")
	}
	method := clip(v.Method, maxMethodRunes)
	when := v.PaidAt.Chinese()
	by := v.PromisedBy.Chinese()
	demanded := res != nil && res.Flags.DemandSent
	st := &story{seller: respondentName(c), item: v.Item, promise: v.Promised, problem: clean(c.Problem)}
	compose := func(st *story) string {
		var b strings.Builder
		if orderNo != "" {
			b.WriteString("订单号" + orderNo + "，")
		}
		if when != "" {
			b.WriteString(when + "，")
		}
		b.WriteString("我")
		if method != "" {
			b.WriteString("通过" + method)
		}
		if st.seller != "" {
			b.WriteString("向“" + st.seller + "”")
		} else {
			b.WriteString("向商家")
		}
		if v.Price > 0 {
			b.WriteString("支付" + yuan(v.Price))
		} else {
			b.WriteString("付款")
		}
		if st.item != "" {
			b.WriteString("购买“" + st.item + "”")
		}
		b.WriteString("。")
		if st.promise != "" {
			b.WriteString("商家承诺“" + st.promise + "”")
			if by != "" {
				b.WriteString("，应于" + by + "前履行")
			}
			b.WriteString("。")
		}
		if p := strings.TrimRight(st.problem, "。 "); p != "" {
			b.WriteString("问题：" + p + "。")
		} else {
			b.WriteString("商家" + v.Law.Failure + "。")
		}
		if demanded {
			b.WriteString("我已向商家催告退款，商家未处理。")
		}
		if v.Refund > 0 {
			b.WriteString("请求退款" + yuan(v.Refund) + "。")
		} else {
			b.WriteString("请求全额退款。")
		}
		return b.String()
	}
	return fit(PaymentTextMax, st, compose), warn
}

// attachmentGroups are the kinds a reviewer looks for, in the order the
// images are suggested: payment, listing or promise, failure, refusal.
func attachmentGroups() [][]string {
	return [][]string{
		{casefile.KindPayment},
		{casefile.KindPromise, casefile.KindListing},
		{casefile.KindResult},
		{casefile.KindRefusal, casefile.KindDemand},
		{casefile.KindChat, casefile.KindScreenshot},
		{casefile.KindIdentity},
	}
}

// attachments picks up to MaxAttachments images: one per group first, then
// the rest in group order.
func attachments(items []*evidence.Item) (ids []int, warn []string) {
	sorted := sortedItems(items)
	kindGroups := attachmentGroups()
	groups := make([][]*evidence.Item, len(kindGroups))
	hasPaymentFile := false
	for _, it := range sorted {
		for g, kinds := range kindGroups {
			if !containsString(kinds, it.Kind) {
				continue
			}
			if isImage(it) {
				groups[g] = append(groups[g], it)
			} else if g == 0 {
				hasPaymentFile = true
			}
			break
		}
	}
	for round := 0; len(ids) < MaxAttachments; round++ {
		added := false
		for _, g := range groups {
			if round < len(g) && len(ids) < MaxAttachments {
				ids = append(ids, g[round].Index)
				added = true
			}
		}
		if !added {
			break
		}
	}
	if len(groups[0]) == 0 {
		if hasPaymentFile {
			warn = append(warn, "付款证据只有账单文件，支付平台投诉只能上传图片：请在微信或支付宝的账单详情页截图（须显示订单号、金额、时间和收款方）。")
		} else {
			warn = append(warn, "没有付款记录截图：请在微信或支付宝的账单详情页截图（须显示订单号、金额、时间和收款方）。")
		}
	}
	return ids, warn
}

func isImage(it *evidence.Item) bool {
	return it.Type.IsImage() || strings.HasPrefix(it.MediaType, "image/")
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// payTitle names the platform from the payment method.
func payTitle(method string) string {
	switch {
	case strings.Contains(method, "微信") || strings.Contains(strings.ToLower(method), "wechat"):
		return "微信支付投诉说明"
	case strings.Contains(method, "支付宝") || strings.Contains(strings.ToLower(method), "alipay"):
		return "支付宝投诉说明"
	}
	return "支付平台投诉说明"
}
