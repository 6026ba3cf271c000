package letters

import (
	"path"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
)

// view is what the templates see. Every string in it is cleaned user text
// or text composed here; the templates add layout and fixed wording.
type view struct {
	Now      time.Time
	Deadline time.Time // the 催告函's deadline
	Me, Them string    // 投诉人/被投诉人, 申请人/被申请人 or 本人/贵方

	Complainant partyView
	Respondent  partyView

	Item, OrderNo, Method, Promised string
	PaidAt, PromisedBy              casefile.Time

	Price    int64 // price of the goods or service, fen
	Refund   int64 // amount asked back, fen
	Refunded int64 // refunds already received, fen
	Triple   int64 // 消保法55 increased compensation, fen

	Requests []string
	Facts    []string // chronological fact sentences, each citing its exhibits
	Summary  []string // the short account used by the 催告函
	Law      lawView
	Exhibits []exhibitView

	Clause     string
	ClauseCite []int
	Commission string

	PayTitle    string
	Text        string // the payment-platform complaint text
	Attachments []string
}

type partyView struct {
	Name, IDNumber, Phone, Address  string
	Platform, Shop, URL, CreditCode string
	Accounts                        []string // "QQ：123456（客服小星）"
}

type exhibitView struct {
	Index              int
	ID, Title          string
	Kind, File, Proves string
}

// lawView says which provisions the facts support and which exhibits back
// each statement made with them.
type lawView struct {
	Contract bool // 电子商务法第四十九条第一款: the order formed the contract
	Breach   bool // 民法典第五百七十七条
	Prepaid  bool // 消费者权益保护法第五十三条
	Rescind  bool // 民法典第五百六十三条: a demand's deadline passed
	Void     bool // 民法典第一百五十七条: possibly void contract, restitution only
	Triple   bool // 消费者权益保护法第五十五条第一款
	Failure  string

	PaidCite, PromiseCite, FailureCite, DemandCite, FraudCite []int
}

// Words that show the seller did not deliver at all, as opposed to
// delivering something that does not work.
func nonDeliveryWords() []string {
	return []string{
		"未发货", "没发货", "不发货", "没有发货", "未到账", "没到账", "没有到账", "未收到", "没收到", "没有收到",
		"未交付", "未提供", "没有提供", "未开通", "没开通", "没有开通", "未充值", "没充值", "一直未", "至今未", "迟迟未",
	}
}

func refundWords() []string {
	return []string{"退还", "退款", "返还", "退回", "退钱", "退货款", "退费"}
}
func damagesWords() []string {
	return []string{"三倍", "3倍", "惩罚性", "增加赔偿", "退一赔三"}
}

type roles struct{ me, them string }

// The words the documents use for the two sides.
func roles12315() roles       { return roles{"投诉人", "被投诉人"} }
func rolesArbitration() roles { return roles{"申请人", "被申请人"} }
func rolesMerchant() roles    { return roles{"本人", "贵方"} }

// build computes the view shared by all documents.
func build(c *casefile.Case, items []*evidence.Item, res *checklist.Result, now time.Time, r roles, arbitration bool) (*view, []string) {
	if c == nil {
		c = casefile.New()
	}
	if res == nil {
		res = &checklist.Result{}
	}
	var warn []string
	v := &view{
		Now: now, Deadline: demandDeadline(now),
		Me: r.me, Them: r.them,
		Complainant: partyOf(c.Complainant),
		Respondent:  partyOf(c.Respondent),
		Item:        clean(c.Order.Item), OrderNo: clean(c.Order.OrderNo),
		Method: clean(c.Order.PaymentMethod), Promised: clean(c.Order.Promised),
		PaidAt: c.Order.PaidAt, PromisedBy: c.Order.PromisedBy,
		Refunded: res.Amounts.Refunded,
	}
	if v.Respondent.Name == "" {
		v.Respondent.Name = v.Respondent.Shop
	}

	v.Price = int64(c.Order.Amount)
	if v.Price <= 0 {
		v.Price = res.Amounts.Paid
	}
	v.Refund = res.Amounts.Loss
	if v.Refund <= 0 {
		v.Refund = v.Price - res.Amounts.Refunded
	}
	if v.Refund <= 0 {
		warn = append(warn, "未能确定应退还的金额：请在 case.yaml 的 order.amount 中填写实付金额，并附上付款记录。")
	}

	for _, it := range sortedItems(items) {
		v.Exhibits = append(v.Exhibits, exhibitOf(it))
	}

	// Which exhibits back which statement.
	l := &v.Law
	l.PaidCite = res.Amounts.PaidFrom
	if len(l.PaidCite) == 0 {
		l.PaidCite = byKind(items, casefile.KindPayment)
	}
	l.PaidCite = uniq(l.PaidCite)
	l.PromiseCite = byKind(items, casefile.KindPromise, casefile.KindListing)
	l.FailureCite = byKind(items, casefile.KindResult)
	if len(l.FailureCite) == 0 {
		l.FailureCite = byKind(items, casefile.KindRefusal, casefile.KindChat)
	}
	l.DemandCite = byKind(items, casefile.KindDemand)
	events := Timeline(c, items)
	for _, e := range events {
		if e.Source == SourceCase && containsAny(e.What, "催告", "要求退款", "退款要求", "要求退还", "要求履行", "催促") {
			l.DemandCite = append(l.DemandCite, e.Exhibits...)
		}
	}
	l.DemandCite = uniq(l.DemandCite)
	l.FraudCite = uniq(append(append([]int{}, l.PromiseCite...), l.FailureCite...))

	f := res.Flags
	l.Void = f.VoidContract
	l.Contract = !l.Void && len(l.PaidCite) > 0
	l.Breach = !l.Void
	facts := clean(c.Problem)
	for _, e := range c.Events {
		facts += " " + clean(e.What)
	}
	nonDelivery := containsAny(facts, nonDeliveryWords()...)
	if nonDelivery {
		l.Failure = "未按照约定交付商品或者提供服务"
	} else {
		l.Failure = "履行合同义务不符合约定"
	}
	l.Prepaid = !l.Void && nonDelivery && !c.Order.PaidAt.IsZero()
	l.Rescind = !l.Void && f.DemandSent && f.DemandDeadlineOK
	l.Triple = f.TripleDamages && !l.Void
	if l.Triple {
		v.Triple = 3 * v.Price
		if v.Triple < 50000 {
			v.Triple = 50000
		}
	}

	v.Requests, warn = requests(c, v, r, arbitration, warn)
	v.Facts, warn = factSentences(c, items, v, events, r, warn)
	v.Summary = summary(c, v, r)

	if f.NoIdentity || respondentName(c) == "" {
		warn = append(warn, "被投诉人身份信息不足（名称、统一社会信用代码、地址或联系方式）：投诉可能因无法确定被投诉人而不予受理。请补充商家的主体信息（可查询国家企业信用信息公示系统、店铺页面的营业执照信息），或同时投诉其所在的平台。")
	}
	if l.Void {
		warn = append(warn, "本案购买的服务可能因属于刷量、刷单等虚假宣传而被认定为无效合同，因此文书只请求返还已支付的款项，不请求赔偿；市场监督管理部门也可能认为该交易不属于生活消费而不予受理。")
	}
	if f.FraudAlleged && !f.TripleDamages {
		warn = append(warn, "案件主张商家存在欺诈，但核查结果不支持请求三倍赔偿，文书未列入该项请求。")
	}
	if !f.DemandSent {
		warn = append(warn, "尚无向商家发出书面催告的记录：建议先发出催告函（--target merchant），保留发送记录，期限届满后再投诉。")
	} else if !f.DemandDeadlineOK {
		warn = append(warn, "向商家发出的催告期限尚未届满，建议期限届满后再投诉或申请仲裁。")
	}
	if len(l.PaidCite) == 0 {
		warn = append(warn, "没有付款记录：请附上显示订单号、金额、时间和收款方的付款截图或账单，并在 case.yaml 中将其 kind 标为 payment。")
	}
	if len(l.FailureCite) == 0 {
		warn = append(warn, "没有证明商家未履行或者履行不符合约定的证据：请附上订单状态、无效卡密的报错页面或与商家的聊天记录，并标明其 kind（result、refusal 或 chat）。")
	}
	for _, q := range res.Missing() {
		warn = append(warn, "证据链缺少“"+q.Title+"”："+q.Hint)
	}
	return v, warn
}

// demandDeadline is seven days after now, counted from the next day
// (民法典第二百零一条): the day printed is the last day.
func demandDeadline(now time.Time) time.Time {
	if now.IsZero() {
		return now
	}
	return now.In(casefile.China()).AddDate(0, 0, 7)
}

func partyOf(p casefile.Party) partyView {
	pv := partyView{
		Name: clean(p.Name), IDNumber: clean(p.IDNumber), Phone: clean(p.Phone), Address: clean(p.Address),
		Platform: clean(p.Platform), Shop: clean(p.Shop), URL: clean(p.URL), CreditCode: clean(p.CreditCode),
	}
	for _, a := range p.Accounts {
		id, name := clean(a.ID), clean(a.Name)
		if id == "" && name == "" {
			continue
		}
		s := clean(a.Platform)
		if s == "" {
			s = "账号"
		} else {
			s += "账号"
		}
		s += "：" + id
		if id == "" {
			s += name
		} else if name != "" {
			s += "（昵称：" + name + "）"
		}
		pv.Accounts = append(pv.Accounts, s)
	}
	return pv
}

func exhibitOf(it *evidence.Item) exhibitView {
	ev := exhibitView{Index: it.Index, ID: it.ID(), Title: clean(it.Title), Proves: clean(it.Proves)}
	ev.Kind = casefile.KindLabel(it.Kind)
	if ev.Title == "" {
		ev.Title = ev.Kind
	}
	if ev.Title == "" {
		ev.Title = clean(path.Base(it.Path))
	}
	if ev.Kind == "" {
		ev.Kind = "电子数据"
	}
	ev.File = clean(it.Path)
	return ev
}

func sortedItems(items []*evidence.Item) []*evidence.Item {
	out := make([]*evidence.Item, 0, len(items))
	for _, it := range items {
		if it != nil && it.Index > 0 {
			out = append(out, it)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// requests are the numbered 投诉请求 / 仲裁请求, without the final full stop.
// The refund comes first, framed as restitution for a possibly void
// contract; 三倍赔偿 only when the checklist allows it. The consumer's own
// demands follow, except those the first two replace or the flags rule out.
func requests(c *casefile.Case, v *view, r roles, arbitration bool, warn []string) ([]string, []string) {
	var out []string
	switch {
	case v.Law.Void && v.Refund > 0:
		out = append(out, "请求"+r.them+"返还"+r.me+"已支付的款项"+yuan(v.Refund))
	case v.Law.Void:
		out = append(out, "请求"+r.them+"返还"+r.me+"已支付的款项")
	case v.Refund > 0:
		out = append(out, "请求"+r.them+"退还"+r.me+"已支付的款项"+yuan(v.Refund))
	default:
		out = append(out, "请求"+r.them+"退还"+r.me+"已支付的款项")
	}
	if v.Law.Triple {
		out = append(out, "请求"+r.them+"依照《中华人民共和国消费者权益保护法》第五十五条第一款的规定增加赔偿"+r.me+yuan(v.Triple))
	}
	for _, d := range c.Demands {
		d = strings.TrimRight(clean(d), "。；;. ")
		switch {
		case d == "":
		case containsAny(d, damagesWords()...) && !v.Law.Triple:
			warn = append(warn, "已删去投诉请求“"+d+"”：核查结果不支持请求三倍赔偿（须主张欺诈且合同未被标记为可能无效）。")
		case v.Law.Void && strings.Contains(d, "赔偿"):
			warn = append(warn, "已删去投诉请求“"+d+"”：合同可能无效，只宜请求返还已支付的款项。")
		case containsAny(d, refundWords()...) || containsAny(d, damagesWords()...):
			// replaced by the requests above, whose amounts are traced to exhibits
		default:
			out = append(out, d)
		}
	}
	if arbitration {
		out = append(out, "请求裁决本案仲裁费用由"+r.them+"承担")
	}
	return out, warn
}

// factSentences are the 事实与理由 facts: the timeline, with the order and
// the promise stated first when case.yaml gives them no time, then the
// consumer's account of the problem.
func factSentences(c *casefile.Case, items []*evidence.Item, v *view, events []Event, r roles, warn []string) ([]string, []string) {
	var out, bare []string
	hasPaid, hasPromise := !c.Order.PaidAt.IsZero(), !c.Order.PromisedBy.IsZero()
	buyer, seller := partyNames(c)
	add := func(s string, ex []int) {
		if s = fact(s, ex); s != "" {
			out = append(out, s)
			if len(ex) == 0 {
				bare = append(bare, s)
			}
		}
	}
	if !hasPaid && (v.Item != "" || v.OrderNo != "" || c.Order.Amount > 0) {
		add(paymentClause(c, buyer, seller), v.Law.PaidCite)
	}
	if !hasPromise && v.Promised != "" {
		add(seller+"承诺“"+v.Promised+"”", v.Law.PromiseCite)
	}
	for _, e := range events {
		add(e.clause(), e.Exhibits)
	}
	if p := clean(c.Problem); p != "" {
		cites := uniq(append(byKind(items, casefile.KindResult, casefile.KindRefusal), v.Law.FailureCite...))
		add(r.me+"反映的问题如下："+strings.TrimRight(p, "。 "), cites)
	}
	if v.Refunded > 0 {
		add(r.them+"已退回"+yuan(v.Refunded), nil)
	}
	if len(bare) > 0 {
		warn = append(warn, "以下事实没有对应的证据，请补充证据或在 case.yaml 中为事件注明 evidence："+strings.Join(bare, ""))
	}
	return out, warn
}

// summary is the short account of the 催告函, addressed to the seller.
func summary(c *casefile.Case, v *view, r roles) []string {
	var out []string
	var b strings.Builder
	if d := v.PaidAt.Chinese(); d != "" {
		b.WriteString(d + "，")
	}
	b.WriteString(r.me + "在" + r.them + "处")
	if v.Item != "" {
		b.WriteString("购买“" + v.Item + "”")
	} else {
		b.WriteString("购买商品或服务")
	}
	if v.OrderNo != "" {
		b.WriteString("，订单号" + v.OrderNo)
	}
	b.WriteString("，")
	if v.Method != "" {
		b.WriteString("通过" + v.Method)
	}
	if v.Price > 0 {
		b.WriteString("付款" + yuan(v.Price))
	} else {
		b.WriteString("付清了全部款项")
	}
	out = append(out, fact(b.String(), v.Law.PaidCite))
	if v.Promised != "" {
		s := r.them + "承诺“" + v.Promised + "”"
		if d := v.PromisedBy.Chinese(); d != "" {
			s += "，应于" + d + "前履行"
		}
		out = append(out, fact(s, v.Law.PromiseCite))
	}
	out = append(out, fact("但"+r.them+v.Law.Failure, v.Law.FailureCite))
	if p := clean(c.Problem); p != "" {
		out = append(out, fact("具体情况如下："+strings.TrimRight(p, "。 "), v.Law.FailureCite))
	}
	if v.Refunded > 0 {
		out = append(out, fact(r.them+"仅退回"+yuan(v.Refunded), nil))
	}
	return out
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// commission finds the arbitration commission named in a clause: the Han
// characters before "仲裁委员会", after the last verb such as 提交 or 向.
func commission(clause string) string {
	const suffix = "仲裁委员会"
	i := strings.Index(clause, suffix)
	if i < 0 {
		return ""
	}
	head := []rune(clause[:i])
	j := len(head)
	for j > 0 && unicode.Is(unicode.Han, head[j-1]) && len(head)-j < 16 {
		j--
	}
	name := string(head[j:])
	for _, verb := range []string{"提交", "交由", "递交", "申请", "提请", "向", "由", "到", "在", "交"} {
		if k := strings.LastIndex(name, verb); k >= 0 {
			name = name[k+len(verb):]
		}
	}
	if name == "" {
		return ""
	}
	return name + suffix
}
