package checklist

import (
	"strconv"
	"time"

	"github.com/evipack/evipack/pkg/payment"
)

// paidWindow is how far from case.yaml's paid_at a bill row of the claimed
// amount is taken for the payment of the case.
const paidWindow = 48 * time.Hour

// computeAmounts searches every parsed bill for the rows of the case and
// sums payments to the respondent and refunds from them. A row that appears
// in two bills (the same 交易单号, or the same time, amount and direction) is
// counted once.
func (s *state) computeAmounts() {
	a := &s.amounts
	a.Claimed = int64(s.c.Order.Amount)
	crit := payment.Criteria{OrderNo: s.c.Order.OrderNo, Cents: a.Claimed}
	crit.Names = append(crit.Names, s.respondentNamesRaw()...)
	if pa := s.c.Order.PaidAt; !pa.IsZero() {
		crit.From, crit.To = pa.Add(-paidWindow), pa.Add(paidWindow)
	}
	seen := map[string]bool{}
	for i := range s.items {
		in := &s.items[i]
		st := in.it.Statement
		if st == nil {
			continue
		}
		idx := in.it.Index
		s.searched = append(s.searched, idx)
		var rows []int
		for _, m := range st.Relevant(crit) {
			if m.Index < 0 || m.Index >= len(st.Txns) {
				continue
			}
			t := &st.Txns[m.Index]
			key := t.TxnNo
			if key == "" || len(key) < 6 {
				key = t.Time.UTC().Format(time.RFC3339) + "|" + strconv.FormatInt(t.Cents, 10) + "|" + string(t.Direction) + "|" + strconv.FormatBool(t.IsRefund)
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			rows = append(rows, m.Index)
			if !t.IsRefund && t.Direction == payment.Out {
				s.payRows = append(s.payRows, payRow{exhibit: idx, txn: *t})
			}
		}
		if len(rows) == 0 {
			continue
		}
		tot := st.TotalsFor(rows)
		if tot.Payments > 0 {
			a.Paid += tot.PaidCents
			a.PaidFrom = append(a.PaidFrom, idx)
		}
		if tot.RefundedCents > 0 {
			a.Refunded += tot.RefundedCents
			a.RefundedFrom = append(a.RefundedFrom, idx)
		}
	}
	if len(a.PaidFrom) > 0 {
		a.Loss = a.Paid - a.Refunded
	} else {
		a.Loss = a.Claimed
	}
}

// respondentNamesRaw are the respondent's names and accounts as written,
// for payment.Criteria (which folds them itself).
func (s *state) respondentNamesRaw() []string {
	r := s.c.Respondent
	out := []string{r.Name, r.Shop}
	for _, acc := range r.Accounts {
		out = append(out, acc.ID, acc.Name)
	}
	var kept []string
	for _, n := range out {
		if n != "" && !contains(kept, n) {
			kept = append(kept, n)
		}
	}
	return kept
}

// figure returns a money figure, whether it is traced to evidence (or, for
// claimed, stated at all), and the exhibits behind it.
func (s *state) figure(name string) (int64, bool, []int) {
	a := &s.amounts
	switch name {
	case FigureClaimed:
		return a.Claimed, a.Claimed > 0, nil
	case FigurePaid:
		return a.Paid, len(a.PaidFrom) > 0, a.PaidFrom
	case FigureRefunded:
		ex := a.RefundedFrom
		if len(ex) == 0 {
			ex = a.PaidFrom
		}
		return a.Refunded, len(a.PaidFrom) > 0 || len(a.RefundedFrom) > 0, ex
	case FigureLoss:
		return a.Loss, len(a.PaidFrom) > 0, sortedUnique(append(append([]int{}, a.PaidFrom...), a.RefundedFrom...))
	}
	return 0, false, nil
}

func compare(l int64, op string, r int64) bool {
	switch op {
	case ">":
		return l > r
	case ">=":
		return l >= r
	case "<":
		return l < r
	case "<=":
		return l <= r
	case "==":
		return l == r
	case "!=":
		return l != r
	}
	return false
}

func yuan(cents int64) string { return payment.FormatYuan(cents) + " 元" }
