package letters

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/payment"
)

// Sources of a timeline event.
const (
	SourceCase    = "case.yaml" // an event written in case.yaml
	SourceOrder   = "order"     // order.paid_at or order.promised_by in case.yaml
	SourcePayment = "payment"   // a row of a parsed bill or statement
	SourceChat    = "chat"      // a message of a parsed chat export
)

// Event is one row of the 事实经过.
type Event struct {
	Time      time.Time          // zero when unknown; such events sort last
	Precision casefile.Precision // how exactly Time is known
	What      string             // Chinese, one clause without the time and the final full stop
	Exhibits  []int              // 证据N indices, sorted
	Source    string             // one of the Source constants
}

// When formats the time in UTC+8 to its precision, or "时间不详".
func (e Event) When() string {
	if s := whenOf(e.Time, e.Precision); s != "" {
		return s
	}
	return "时间不详"
}

// Sentence is the event as one fact sentence citing its exhibits:
// "2026年9月3日 20:15，张三……（证据1）。"
func (e Event) Sentence() string { return fact(e.clause(), e.Exhibits) }

func (e Event) clause() string {
	if e.Time.IsZero() {
		return e.What
	}
	return e.When() + "，" + e.What
}

// chatExcerptRunes bounds the quoted text of a chat message.
const chatExcerptRunes = 40

// paymentWindow is how far from order.paid_at a bill row with the order's
// amount is taken to be the payment.
const (
	paymentWindow = 24 * time.Hour
	mergeWindow   = 10 * time.Minute
)

// Timeline builds the 事实经过 from case.yaml (its events, order.paid_at and
// order.promised_by) and from the times found in the evidence: the rows of
// parsed bills that concern the respondent or the order, and the first and
// last messages of each chat export that carry a dispute keyword (退款, 拉黑,
// 不退, 投诉 …; see chat.Keywords). Events are sorted by time (unknown times
// last) and de-duplicated; the bill row of the order's payment is merged into
// the order's payment event.
func Timeline(c *casefile.Case, items []*evidence.Item) []Event {
	if c == nil {
		c = casefile.New()
	}
	buyer, seller := partyNames(c)
	var evs []Event

	for _, ce := range c.Events {
		evs = append(evs, Event{
			Time:      timeOf(ce.At),
			Precision: ce.At.Precision,
			What:      clean(ce.What),
			Exhibits:  exhibitsFor(items, ce.Evidence),
			Source:    SourceCase,
		})
	}

	o := c.Order
	paid := -1
	if !o.PaidAt.IsZero() {
		paid = len(evs)
		evs = append(evs, Event{
			Time:      o.PaidAt.Time,
			Precision: o.PaidAt.Precision,
			What:      paymentClause(c, buyer, seller),
			Exhibits:  byKind(items, casefile.KindPayment),
			Source:    SourceOrder,
		})
	}
	if !o.PromisedBy.IsZero() {
		what := seller + "承诺的履行期限届满"
		if p := clean(o.Promised); p != "" {
			what = seller + "承诺“" + p + "”，履行期限于此时届满"
		}
		evs = append(evs, Event{
			Time:      o.PromisedBy.Time,
			Precision: o.PromisedBy.Precision,
			What:      what,
			Exhibits:  byKind(items, casefile.KindPromise, casefile.KindListing),
			Source:    SourceOrder,
		})
	}

	crit := criteria(c)
	for _, it := range items {
		if it == nil {
			continue
		}
		if it.Statement != nil {
			for _, m := range it.Statement.Relevant(crit) {
				if m.Index < 0 || m.Index >= len(it.Statement.Txns) {
					continue
				}
				t := it.Statement.Txns[m.Index]
				if t.Time.IsZero() {
					continue
				}
				if paid >= 0 && isOrderPayment(&t, c) {
					e := &evs[paid]
					e.Exhibits = append(e.Exhibits, it.Index)
					if prec := txnPrecision(&t); prec > e.Precision {
						e.Time, e.Precision = t.Time, prec
					}
					continue
				}
				evs = append(evs, Event{
					Time:      t.Time,
					Precision: txnPrecision(&t),
					What:      txnClause(&t, buyer),
					Exhibits:  []int{it.Index},
					Source:    SourcePayment,
				})
			}
		}
		if it.Chat != nil {
			evs = append(evs, chatEvents(it)...)
		}
	}

	for i := range evs {
		evs[i].Exhibits = uniq(evs[i].Exhibits)
	}
	sort.SliceStable(evs, func(i, j int) bool { return eventLess(evs[i], evs[j]) })
	return dedupe(evs)
}

// TimelineSection is the 事实经过 section of the documents: one sentence per
// event, each citing its exhibits.
func TimelineSection(events []Event) Section {
	s := Section{Heading: "事实经过"}
	for _, e := range events {
		if p := e.Sentence(); p != "" {
			s.Paragraphs = append(s.Paragraphs, p)
		}
	}
	return s
}

func sourceRank(s string) int {
	switch s {
	case SourceOrder:
		return 0
	case SourcePayment:
		return 1
	case SourceCase:
		return 2
	}
	return 3
}

func eventLess(a, b Event) bool {
	if a.Time.IsZero() != b.Time.IsZero() {
		return b.Time.IsZero()
	}
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	if sourceRank(a.Source) != sourceRank(b.Source) {
		return sourceRank(a.Source) < sourceRank(b.Source)
	}
	return a.What < b.What
}

// dedupe merges events with the same time and text, keeping every exhibit.
func dedupe(evs []Event) []Event {
	out := evs[:0]
	for _, e := range evs {
		if n := len(out); n > 0 && out[n-1].Time.Equal(e.Time) && out[n-1].What == e.What {
			out[n-1].Exhibits = uniq(append(out[n-1].Exhibits, e.Exhibits...))
			continue
		}
		out = append(out, e)
	}
	return out
}

func timeOf(t casefile.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Time
}

// partyNames are the names used for the two sides in the timeline.
func partyNames(c *casefile.Case) (buyer, seller string) {
	buyer = clean(c.Complainant.Name)
	if buyer == "" {
		buyer = "消费者"
	}
	seller = respondentName(c)
	if seller == "" {
		seller = "商家"
	}
	return buyer, seller
}

func respondentName(c *casefile.Case) string {
	if n := clean(c.Respondent.Name); n != "" {
		return n
	}
	return clean(c.Respondent.Shop)
}

// paymentClause describes the order's payment.
func paymentClause(c *casefile.Case, buyer, seller string) string {
	o := c.Order
	var b strings.Builder
	b.WriteString(buyer)
	if no := clean(o.OrderNo); no != "" {
		b.WriteString("就订单" + no)
	}
	if m := clean(o.PaymentMethod); m != "" {
		b.WriteString("通过" + m)
	}
	b.WriteString("向" + seller + "支付")
	if o.Amount > 0 {
		b.WriteString(yuan(int64(o.Amount)))
	} else {
		b.WriteString("货款")
	}
	if item := clean(o.Item); item != "" {
		b.WriteString("，购买“" + item + "”")
	}
	return b.String()
}

func txnPrecision(t *payment.Txn) casefile.Precision {
	if t.DateOnly {
		return casefile.PrecisionDay
	}
	return casefile.PrecisionSecond
}

// isOrderPayment reports whether a bill row is the payment of case.yaml's
// order: an outgoing non-refund row of the order's amount (when stated) at
// order.paid_at, to its precision.
func isOrderPayment(t *payment.Txn, c *casefile.Case) bool {
	o := c.Order
	if t.IsRefund || t.Direction == payment.In {
		return false
	}
	if o.Amount > 0 && t.Cents != int64(o.Amount) {
		return false
	}
	if o.PaidAt.Precision == casefile.PrecisionDay || t.DateOnly {
		return dateOf(t.Time) == dateOf(o.PaidAt.Time)
	}
	d := t.Time.Sub(o.PaidAt.Time)
	if o.PaidAt.Precision == casefile.PrecisionMinute {
		return d >= 0 && d < time.Minute || d < 0 && -d < mergeWindow
	}
	return d < mergeWindow && -d < mergeWindow
}

// txnClause describes a bill row other than the order's payment.
func txnClause(t *payment.Txn, buyer string) string {
	cp := clean(t.Counterparty)
	if cp == "" {
		cp = "对方"
	} else {
		cp = "“" + cp + "”"
	}
	where := "账单第" + strconv.Itoa(t.Line) + "行"
	if no := clean(t.TxnNo); no != "" {
		where += "，交易单号" + no
	}
	switch {
	case t.IsRefund || t.Direction == payment.In:
		return buyer + "收到" + cp + "退回" + yuan(t.Cents) + "（" + where + "）"
	case t.Direction == payment.Out:
		return buyer + "向" + cp + "支付" + yuan(t.Cents) + "（" + where + "）"
	}
	return buyer + "与" + cp + "发生一笔" + yuan(t.Cents) + "的交易（" + where + "）"
}

// criteria describe the respondent and the order for payment.Relevant.
func criteria(c *casefile.Case) payment.Criteria {
	r := c.Respondent
	names := []string{r.Name, r.Shop}
	for _, a := range r.Accounts {
		names = append(names, a.Name, a.ID)
	}
	cr := payment.Criteria{Names: names, OrderNo: c.Order.OrderNo, Cents: int64(c.Order.Amount)}
	if !c.Order.PaidAt.IsZero() {
		cr.From = c.Order.PaidAt.Add(-paymentWindow)
		cr.To = c.Order.PaidAt.Add(paymentWindow)
	}
	return cr
}

// chatEvents are the first and the last timed message of a chat export that
// carries a dispute keyword or records a refused message.
func chatEvents(it *evidence.Item) []Event {
	var hits []int
	for i := range it.Chat.Messages {
		m := &it.Chat.Messages[i]
		if !m.HasTime || m.Time.IsZero() {
			continue
		}
		if len(chat.Highlights(m.Text)) > 0 || m.System && strings.Contains(m.Text, "拒收") {
			hits = append(hits, i)
		}
	}
	if len(hits) == 0 {
		return nil
	}
	pick := []int{hits[0]}
	if last := hits[len(hits)-1]; last != hits[0] {
		pick = append(pick, last)
	}
	var out []Event
	for _, i := range pick {
		m := &it.Chat.Messages[i]
		text := strings.TrimRight(clip(clean(m.Text), chatExcerptRunes), "。. ")
		var what string
		switch {
		case m.System:
			what = "聊天记录显示“" + text + "”"
		case clean(m.Sender) != "":
			what = clean(m.Sender) + "在聊天中称“" + text + "”"
		default:
			what = "聊天记录中有消息称“" + text + "”"
		}
		out = append(out, Event{
			Time:      m.Time,
			Precision: casefile.PrecisionSecond,
			What:      what,
			Exhibits:  []int{it.Index},
			Source:    SourceChat,
		})
	}
	return out
}

// exhibitsFor maps case-folder paths to exhibit indices.
func exhibitsFor(items []*evidence.Item, paths []string) []int {
	var out []int
	for _, p := range paths {
		p = strings.ReplaceAll(p, `\`, "/")
		for _, it := range items {
			if it != nil && it.Path == p {
				out = append(out, it.Index)
			}
		}
	}
	return uniq(out)
}

// byKind returns the indices of the items of the given kinds, in order.
func byKind(items []*evidence.Item, kinds ...string) []int {
	var out []int
	for _, it := range items {
		if it == nil {
			continue
		}
		for _, k := range kinds {
			if it.Kind == k {
				out = append(out, it.Index)
				break
			}
		}
	}
	return uniq(out)
}
