package checklist

import (
	"testing"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/payment"
	"github.com/evipack/evipack/templates"
)

func cst(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, evidence.CST)
}

func ctime(t testing.TB, s string) casefile.Time {
	t.Helper()
	v, err := casefile.ParseTime(s)
	if err != nil {
		t.Fatalf("parse time %q: %v", s, err)
	}
	return v
}

// shot is a screenshot exhibit with a capture time from its file name.
func shot(idx int, path, kind, title, proves string, at time.Time) *evidence.Item {
	it := &evidence.Item{Index: idx, Path: path, Type: evidence.TypePNG, Kind: kind, Title: title, Proves: proves}
	if !at.IsZero() {
		it.Times = []evidence.TimeRecord{{Time: at, Source: evidence.SourceFileName, Detail: "截图文件名"}}
	}
	return it
}

// bill is a parsed payment statement exhibit.
func bill(idx int, txns ...payment.Txn) *evidence.Item {
	for i := range txns {
		if txns[i].RefundOf == 0 && !txns[i].IsRefund {
			txns[i].RefundOf = -1
		}
	}
	return &evidence.Item{Index: idx, Path: "账单/微信支付账单.csv", Type: evidence.TypeText, Kind: casefile.KindPayment, Title: "微信支付账单",
		Statement: &payment.Statement{Format: "wechat-csv", Label: "微信支付账单（CSV）", Txns: txns}}
}

// fixture is a synthetic case with its exhibits and packaging time.
type fixture struct {
	c     *casefile.Case
	items []*evidence.Item
	now   time.Time
}

func (f fixture) without(exhibits []int) []*evidence.Item {
	drop := map[int]bool{}
	for _, e := range exhibits {
		drop[e] = true
	}
	var out []*evidence.Item
	for _, it := range f.items {
		if !drop[it.Index] {
			out = append(out, it)
		}
	}
	return out
}

// completeCase returns a case of the given type whose every required link
// is met, each by its own exhibit.
func completeCase(t testing.TB, caseType string) fixture {
	t.Helper()
	c := casefile.New()
	c.Type = caseType
	c.Complainant = casefile.Party{Name: "张三", Phone: "13800138000", Accounts: []casefile.Account{{Platform: "微信", ID: "zhangsan_wx", Name: "张三"}}}
	c.Respondent = casefile.Party{Name: "星辰卡盟", Platform: "独立网站", URL: "https://xingchen.example/shop", CreditCode: "91440300708461136T",
		Accounts: []casefile.Account{{Platform: "QQ", ID: "123456", Name: "客服小星"}}}
	c.Order = casefile.Order{Item: "腾讯视频VIP年卡", OrderNo: "20260903201501000123", Amount: 12800, PaidAt: ctime(t, "2026-09-03 20:15"),
		PaymentMethod: "微信支付", Promised: "付款后24小时内自动发货", PromisedBy: ctime(t, "2026-09-04T20:15:00+08:00")}
	c.Problem = "9月3日购买腾讯视频VIP年卡，付款128元，收到的卡密无法兑换。"
	c.Demands = []string{"退还货款128元"}
	resultTitle, resultProves := "兑换报错页面", "证明卡密兑换失败"
	listingTitle := "商品详情页"
	switch caseType {
	case casefile.TypeEngagementService:
		c.Order.Item = "抖音作品1000个赞"
		c.Problem = "购买抖音作品1000个赞，只增加了200个。"
		resultTitle, resultProves = "点赞数前后对比", "证明下单后只增加了200个"
		listingTitle = "下单页面"
	case casefile.TypeOnlineService:
		c.Order.Item = "简历代写服务"
		c.Problem = "购买简历代写服务，商家收款后没有交付。"
		resultTitle, resultProves = "交付情况截图", "证明商家逾期未交付"
		listingTitle = "服务介绍页"
	}
	items := []*evidence.Item{
		shot(1, "截图/付款.png", casefile.KindPayment, "微信支付凭证", "证明向被投诉人付款128元", cst(2026, 9, 3, 20, 16)),
		shot(2, "截图/商品.png", casefile.KindListing, listingTitle, "证明商品名称和价格", cst(2026, 9, 3, 20, 10)),
		shot(3, "截图/店铺.png", casefile.KindIdentity, "商家店铺页面", "证明商家名称和统一社会信用代码", cst(2026, 9, 3, 20, 11)),
		shot(4, "截图/承诺.png", casefile.KindPromise, "商家承诺截图", "证明商家承诺24小时内自动发货", cst(2026, 9, 3, 20, 12)),
		shot(5, "截图/结果.png", casefile.KindResult, resultTitle, resultProves, cst(2026, 9, 4, 21, 0)),
		shot(6, "截图/催告.png", casefile.KindDemand, "催告消息截图", "证明投诉人要求于2026年9月8日前退款", cst(2026, 9, 5, 10, 0)),
		shot(7, "截图/拒绝.png", casefile.KindRefusal, "商家拒绝截图", "证明商家拒绝退款并拉黑", cst(2026, 9, 6, 12, 0)),
		shot(8, "截图/订单.png", casefile.KindScreenshot, "订单详情页", "证明实付128元、至今未退款", cst(2026, 9, 10, 9, 0)),
	}
	return fixture{c: c, items: items, now: cst(2026, 9, 20, 12, 0)}
}

func loadEmbedded(t testing.TB, caseType string) *RuleSet {
	t.Helper()
	rs, err := Load(templates.FS, caseType)
	if err != nil {
		t.Fatalf("Load(%s): %v", caseType, err)
	}
	return rs
}

func findingIDs(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.ID)
	}
	return out
}

func finding(res *Result, id string) (Finding, bool) {
	for _, f := range res.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return Finding{}, false
}
