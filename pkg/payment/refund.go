package payment

import (
	"fmt"
	"strings"
)

// finish pairs refunds and runs the preamble self-check.
func (p *tableParser) finish() {
	pairRefunds(p.st.Txns)
	selfCheck(p.st, p.lay.kind)
}

// usableNo reports whether an order number is a real identifier rather than
// a placeholder.
func usableNo(s string) bool {
	return s != "" && !isPlaceholder(s)
}

// pairRefunds links each refund row to the purchase it reverses and adds the
// refunded amounts to the purchase. Rules, tried in order, each requiring an
// earlier (or undated) outgoing non-refund row whose amount still covers the
// refund:
//
//  1. Alipay: the refund's 交易订单号 is "<purchase 交易订单号>_<suffix>";
//  2. the same 商户单号 and the same counterparty;
//  3. the same counterparty and either the same item (after stripping a
//     "退款-" prefix; one may be a prefix of the other) or the same amount.
//
// Among candidates an equal amount wins, then the latest purchase.
// A purchase's RefundedCents becomes the larger of what its status says
// (已退款(¥x), 已全额退款, 成功退款) and the sum of its paired refund rows.
func pairRefunds(txns []Txn) {
	byTxn := map[string][]int{}
	byMerch := map[string][]int{}
	byCP := map[string][]int{}
	for i := range txns {
		txns[i].RefundOf = -1
		t := &txns[i]
		if t.IsRefund || t.Direction != Out {
			continue
		}
		if usableNo(t.TxnNo) {
			byTxn[t.TxnNo] = append(byTxn[t.TxnNo], i)
		}
		if usableNo(t.MerchantNo) {
			byMerch[t.MerchantNo] = append(byMerch[t.MerchantNo], i)
		}
		if cp := foldName(t.Counterparty); cp != "" {
			byCP[cp] = append(byCP[cp], i)
		}
	}
	paired := make(map[int]int64)
	for i := range txns {
		r := &txns[i]
		if !r.IsRefund || r.Cents == 0 {
			continue
		}
		cp := foldName(r.Counterparty)
		fits := func(j int) bool {
			pur := &txns[j]
			if j == i || !notAfter(pur, r) {
				return false
			}
			return pur.Cents-paired[j] >= r.Cents
		}
		var cands []int
		if k := strings.IndexByte(r.TxnNo, '_'); k > 0 {
			for _, j := range byTxn[r.TxnNo[:k]] {
				if fits(j) {
					cands = append(cands, j)
				}
			}
		}
		if len(cands) == 0 && usableNo(r.MerchantNo) {
			for _, j := range byMerch[r.MerchantNo] {
				if fits(j) && foldName(txns[j].Counterparty) == cp {
					cands = append(cands, j)
				}
			}
		}
		if len(cands) == 0 && cp != "" {
			item := strings.TrimPrefix(strings.TrimPrefix(r.Item, "退款-"), "退款")
			for _, j := range byCP[cp] {
				if !fits(j) {
					continue
				}
				pi := txns[j].Item
				sameItem := item != "" && pi != "" && (strings.HasPrefix(pi, item) || strings.HasPrefix(item, pi))
				if sameItem || txns[j].Cents == r.Cents {
					cands = append(cands, j)
				}
			}
		}
		if len(cands) == 0 {
			continue
		}
		best := cands[0]
		for _, j := range cands[1:] {
			bEq, jEq := txns[best].Cents == r.Cents, txns[j].Cents == r.Cents
			switch {
			case jEq && !bEq:
				best = j
			case jEq == bEq && txns[j].Time.After(txns[best].Time):
				best = j
			}
		}
		r.RefundOf = best
		paired[best] += r.Cents
	}
	for j, c := range paired {
		if c > txns[j].RefundedCents {
			txns[j].RefundedCents = c
		}
	}
}

// notAfter reports whether purchase p happened no later than refund r;
// unknown times never exclude a pairing.
func notAfter(p, r *Txn) bool {
	if p.Time.IsZero() || r.Time.IsZero() {
		return true
	}
	if p.DateOnly || r.DateOnly {
		py, pm, pd := p.Time.Date()
		ry, rm, rd := r.Time.Date()
		return py < ry || py == ry && (pm < rm || pm == rm && pd <= rd)
	}
	return !p.Time.After(r.Time)
}

// selfCheck compares the preamble's 共N笔记录 and per-direction counts and
// totals with the parsed rows, to the cent.
func selfCheck(st *Statement, k kind) {
	d := st.Declared
	if d == nil {
		return
	}
	var got [3]Group
	for _, t := range st.Txns {
		g := &got[dirIndex(t.Direction)]
		g.Count++
		g.Cents += t.Cents
	}
	if d.Records >= 0 && d.Records != len(st.Txns) {
		st.warn("count-mismatch", 0, fmt.Sprintf("preamble declares %d records, parsed %d", d.Records, len(st.Txns)),
			fmt.Sprintf("账单开头声明共 %d 笔记录，实际读到 %d 笔，账单可能不完整或被修改", d.Records, len(st.Txns)))
	}
	neutralName := "中性交易"
	if k == kindAlipay || k == kindAlipayWeb {
		neutralName = "不计收支"
	}
	for i, item := range []struct {
		decl *Group
		name string
	}{{d.Income, "收入"}, {d.Expense, "支出"}, {d.Neutral, neutralName}} {
		if item.decl == nil {
			continue
		}
		g := got[[]int{1, 0, 2}[i]]
		if g.Count != item.decl.Count || g.Cents != item.decl.Cents {
			st.warn("sum-mismatch", 0,
				fmt.Sprintf("preamble declares %s %d rows %s yuan, parsed %d rows %s yuan", item.name, item.decl.Count, formatCents(item.decl.Cents), g.Count, formatCents(g.Cents)),
				fmt.Sprintf("账单开头声明%s %d 笔 %s 元，实际读到 %d 笔 %s 元", item.name, item.decl.Count, formatCents(item.decl.Cents), g.Count, formatCents(g.Cents)))
		}
	}
}

// dirIndex orders groups as out, in, neutral.
func dirIndex(d Direction) int {
	switch d {
	case Out:
		return 0
	case In:
		return 1
	}
	return 2
}
