package payment

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldName normalises text for matching: NFKC (full-width to half-width,
// compatibility forms), lower case, blanks removed.
func foldName(s string) string {
	s = strings.ToLower(norm.NFKC.String(clean(s)))
	if strings.ContainsAny(s, " \t\u3000") {
		s = strings.Join(strings.Fields(s), "")
	}
	return s
}

// Criteria describe the case a statement is searched for.
type Criteria struct {
	Names    []string  // respondent name, shop name, account names
	OrderNo  string    // order number from the platform or merchant
	Cents    int64     // amount in dispute, 0 when unknown
	From, To time.Time // window around the payment; zero bounds are open
}

// Match is a row that concerns the case, with the reasons in Chinese.
type Match struct {
	Index   int
	Reasons []string
}

// Minimum lengths of a search term, so that "店" or "12" cannot match half
// the statement.
const (
	minNameRunes  = 2
	minOrderRunes = 4
)

// Relevant returns the rows that concern the case, in file order.
//
// A row is relevant when
//   - its counterparty, item or counterparty account contains one of
//     c.Names (both sides NFKC-normalised and lower-cased; names shorter than
//     two characters are ignored), or
//   - its 商户单号 or 交易单号 contains c.OrderNo (at least four characters), or
//   - c.Cents > 0, its amount equals c.Cents and its time lies inside
//     [c.From, c.To] (a window is required; date-only rows compare by day).
//
// A refund paired to a relevant purchase is relevant too, and so is the
// purchase of a relevant refund. Amount and window reasons are added to rows
// matched otherwise, as supporting facts.
func (s *Statement) Relevant(c Criteria) []Match {
	var names []string
	var shown []string
	for _, n := range c.Names {
		if f := foldName(n); utf8.RuneCountInString(f) >= minNameRunes {
			names = append(names, f)
			shown = append(shown, clean(n))
		}
	}
	order := foldName(c.OrderNo)
	if utf8.RuneCountInString(order) < minOrderRunes {
		order = ""
	}
	hasWindow := !c.From.IsZero() || !c.To.IsZero()
	found := map[int][]string{}
	for i := range s.Txns {
		t := &s.Txns[i]
		var why []string
		primary := false
		// Each field is folded once per row, not once per name.
		var cp, item, acct string
		if len(names) > 0 {
			cp, item, acct = foldName(t.Counterparty), foldName(t.Item), foldName(t.CounterpartyAccount)
		}
		for k, n := range names {
			switch {
			case strings.Contains(cp, n):
				why = append(why, fmt.Sprintf("交易对方含“%s”", shown[k]))
			case strings.Contains(item, n):
				why = append(why, fmt.Sprintf("商品说明含“%s”", shown[k]))
			case strings.Contains(acct, n):
				why = append(why, fmt.Sprintf("对方账号含“%s”", shown[k]))
			default:
				continue
			}
			primary = true
		}
		if order != "" {
			for _, no := range []struct{ v, label string }{{t.MerchantNo, "商户单号"}, {t.TxnNo, "交易单号"}} {
				f := foldName(no.v)
				switch {
				case f == order:
					why = append(why, no.label+"一致")
				case strings.Contains(f, order):
					why = append(why, no.label+"含订单号")
				default:
					continue
				}
				primary = true
			}
		}
		amountEq := c.Cents > 0 && t.Cents == c.Cents
		inWindow := hasWindow && within(t, c.From, c.To)
		if amountEq && inWindow {
			primary = true
		}
		if !primary {
			continue
		}
		if amountEq {
			why = append(why, "金额相符")
		}
		if inWindow {
			why = append(why, "在时间范围内")
		}
		found[i] = why
	}
	// Refund pairs follow their partner.
	for i := range s.Txns {
		t := &s.Txns[i]
		j := t.RefundOf
		if j < 0 || j >= len(s.Txns) {
			continue
		}
		_, ri := found[i]
		_, pj := found[j]
		switch {
		case pj && !ri:
			found[i] = []string{"为相关交易的退款"}
		case ri && !pj:
			found[j] = []string{"有相关退款对应此笔交易"}
		}
	}
	out := make([]Match, 0, len(found))
	for i, why := range found {
		out = append(out, Match{Index: i, Reasons: why})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Index < out[b].Index })
	return out
}

// within reports whether t falls inside [from, to]; zero bounds are open and
// an unknown time is never inside. Date-only rows compare by calendar day.
func within(t *Txn, from, to time.Time) bool {
	if t.Time.IsZero() {
		return false
	}
	if t.DateOnly {
		day := dayOf(t.Time)
		return (from.IsZero() || !day.Before(dayOf(from))) && (to.IsZero() || !day.After(dayOf(to)))
	}
	return (from.IsZero() || !t.Time.Before(from)) && (to.IsZero() || !t.Time.After(to))
}

func dayOf(t time.Time) time.Time {
	t = t.In(cst)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst)
}

// Totals sums payments to and refunds from the respondent.
type Totals struct {
	PaidCents, RefundedCents, NetCents int64
	Payments, Refunds                  int
}

// TotalsFor sums the rows idx (typically the indexes of Relevant).
//
// A payment is an outgoing non-refund row whose status does not say it
// failed (失败, 未支付, 已撤销). Refunded money is each payment's
// RefundedCents (which already includes its paired refund rows) plus refund
// rows in idx whose purchase is not in idx. Refunds counts refund rows in
// idx, plus payments refunded only according to their status.
// NetCents = PaidCents − RefundedCents.
func (s *Statement) TotalsFor(idx []int) Totals {
	in := make(map[int]bool, len(idx))
	for _, i := range idx {
		if i >= 0 && i < len(s.Txns) {
			in[i] = true
		}
	}
	pairedSum := map[int]int64{}
	for i := range s.Txns {
		if j := s.Txns[i].RefundOf; j >= 0 && in[i] {
			pairedSum[j] += s.Txns[i].Cents
		}
	}
	var tot Totals
	for i := range in {
		t := &s.Txns[i]
		switch {
		case t.IsRefund:
			tot.Refunds++
			if t.RefundOf < 0 || !in[t.RefundOf] || !isPayment(&s.Txns[t.RefundOf]) {
				tot.RefundedCents += t.Cents
			}
		case isPayment(t):
			tot.Payments++
			tot.PaidCents += t.Cents
			tot.RefundedCents += t.RefundedCents
			if t.RefundedCents > pairedSum[i] {
				tot.Refunds++
			}
		}
	}
	tot.NetCents = tot.PaidCents - tot.RefundedCents
	return tot
}

func isPayment(t *Txn) bool {
	if t.IsRefund || t.Direction != Out {
		return false
	}
	for _, bad := range []string{"失败", "未支付", "已撤销"} {
		if strings.Contains(t.Status, bad) {
			return false
		}
	}
	return true
}

// Summary describes the rows left out of a printed excerpt, so that a
// report can state what was omitted without disclosing it.
type Summary struct {
	Total       int   // all rows
	Omitted     int   // rows not printed
	Out, In     Group // omitted rows by direction
	Neutral     Group
	First, Last time.Time // time range of the omitted rows (zero if none is dated)
}

// Summary counts and sums the rows NOT listed in printed.
func (s *Statement) Summary(printed []int) Summary {
	shown := make(map[int]bool, len(printed))
	for _, i := range printed {
		shown[i] = true
	}
	sum := Summary{Total: len(s.Txns)}
	for i := range s.Txns {
		if shown[i] {
			continue
		}
		t := &s.Txns[i]
		sum.Omitted++
		g := &sum.Neutral
		switch t.Direction {
		case Out:
			g = &sum.Out
		case In:
			g = &sum.In
		}
		g.Count++
		g.Cents += t.Cents
		if !t.Time.IsZero() {
			if sum.First.IsZero() || t.Time.Before(sum.First) {
				sum.First = t.Time
			}
			if t.Time.After(sum.Last) {
				sum.Last = t.Time
			}
		}
	}
	return sum
}
