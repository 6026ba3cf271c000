package payment

import (
	"reflect"
	"testing"
)

func TestRelevantAndTotals(t *testing.T) {
	st := mustParse(t, "w.csv", []byte(wechatCSV(fixtureWxRows, fixtureWxDeclared)))
	tests := []struct {
		name      string
		c         Criteria
		want      []Match
		totals    Totals
		omitted   int
		omittedIn Group
	}{
		{
			name: "by name (full-width and case folded)",
			c:    Criteria{Names: []string{"星辰卡盟"}},
			want: []Match{
				{0, []string{"交易对方含“星辰卡盟”"}},
				{1, []string{"交易对方含“星辰卡盟”"}},
			},
			// Paid 100.00, 20.00 came back (status and paired refund row agree).
			totals:  Totals{PaidCents: 10000, RefundedCents: 2000, NetCents: 8000, Payments: 1, Refunds: 1},
			omitted: 2,
		},
		{
			name: "by merchant order number; refund follows its purchase",
			c:    Criteria{OrderNo: "ｍ-20250301-01"},
			want: []Match{
				{0, []string{"商户单号一致"}},
				{1, []string{"商户单号一致"}},
			},
			totals:  Totals{PaidCents: 10000, RefundedCents: 2000, NetCents: 8000, Payments: 1, Refunds: 1},
			omitted: 2,
		},
		{
			name:    "amount and window",
			c:       Criteria{Cents: 250000, From: cstTime(2025, 3, 3, 0, 0, 0), To: cstTime(2025, 3, 3, 23, 59, 59)},
			want:    []Match{{2, []string{"金额相符", "在时间范围内"}}},
			totals:  Totals{PaidCents: 250000, NetCents: 250000, Payments: 1},
			omitted: 3, omittedIn: Group{1, 2000},
		},
		{
			name:    "amount outside the window does not match",
			c:       Criteria{Cents: 250000, From: cstTime(2025, 4, 1, 0, 0, 0), To: cstTime(2025, 4, 2, 0, 0, 0)},
			omitted: 4, omittedIn: Group{1, 2000},
		},
		{
			name:    "one-character names and short order numbers are ignored",
			c:       Criteria{Names: []string{"店"}, OrderNo: "01"},
			omitted: 4, omittedIn: Group{1, 2000},
		},
		{
			name: "refund row matched by name pulls in its purchase",
			c:    Criteria{Names: []string{"游戏点卡"}, From: cstTime(2025, 3, 2, 0, 0, 0)},
			want: []Match{
				{0, []string{"商品说明含“游戏点卡”"}},
				{1, []string{"商品说明含“游戏点卡”", "在时间范围内"}},
			},
			totals:  Totals{PaidCents: 10000, RefundedCents: 2000, NetCents: 8000, Payments: 1, Refunds: 1},
			omitted: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := st.Relevant(tt.c)
			if len(got) == 0 && len(tt.want) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Relevant = %+v\nwant %+v", got, tt.want)
			}
			var idx []int
			for _, m := range got {
				idx = append(idx, m.Index)
			}
			if tot := st.TotalsFor(idx); tot != tt.totals {
				t.Errorf("TotalsFor = %+v, want %+v", tot, tt.totals)
			}
			sum := st.Summary(idx)
			if sum.Total != 4 || sum.Omitted != tt.omitted || sum.In != tt.omittedIn {
				t.Errorf("Summary = %+v", sum)
			}
		})
	}
}

func TestRelevantNameMatchesFullWidthAndCase(t *testing.T) {
	st := &Statement{Txns: []Txn{
		{Counterparty: "ＷＡＬＭＡＲＴ Hong Kong", RefundOf: -1},
		{CounterpartyAccount: "shop@Example.com", RefundOf: -1},
		{Counterparty: "其他", RefundOf: -1},
	}}
	got := st.Relevant(Criteria{Names: []string{"walmart", "SHOP@example.COM"}})
	want := []Match{{0, []string{"交易对方含“walmart”"}}, {1, []string{"对方账号含“SHOP@example.COM”"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
}

func TestTotalsStatusOnlyRefundAndUnpairedRefund(t *testing.T) {
	st := &Statement{Txns: []Txn{
		{Direction: Out, Cents: 5000, RefundedCents: 5000, Status: "已全额退款", RefundOf: -1},
		{Direction: In, Cents: 300, IsRefund: true, RefundOf: -1},
		{Direction: Out, Cents: 700, Status: "支付失败", RefundOf: -1},
	}}
	got := st.TotalsFor([]int{0, 1, 2})
	want := Totals{PaidCents: 5000, RefundedCents: 5300, NetCents: -300, Payments: 1, Refunds: 2}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
