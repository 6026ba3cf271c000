package checklist

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/payment"
)

func msg(sender, text string, at time.Time) chat.Message {
	return chat.Message{Sender: sender, Text: text, Time: at, HasTime: true}
}

func chatLog(ms ...chat.Message) *chat.Log {
	return &chat.Log{Format: chat.FormatQQTXT, Label: "QQ聊天记录", Messages: ms}
}

func TestCrossChecks(t *testing.T) {
	paidRow := func(cp string, cents, refunded int64) payment.Txn {
		return payment.Txn{Counterparty: cp, Cents: cents, RefundedCents: refunded, Direction: payment.Out, Time: cst(2026, 9, 3, 20, 15), TxnNo: "4200000001", MerchantNo: "20260903201501000123"}
	}
	refundRow := func(cents int64) payment.Txn {
		return payment.Txn{Counterparty: "星辰卡盟", Cents: cents, Direction: payment.In, IsRefund: true, RefundOf: 0, Time: cst(2026, 9, 6, 9, 0), TxnNo: "4200000001_1"}
	}
	tests := []struct {
		name   string
		typ    string
		modify func(f *fixture)
		want   string // finding id that must be present ("" for none of absent)
		sev    Severity
		absent []string // finding ids that must not be present
		check  func(t *testing.T, res *Result)
	}{
		{name: "amount mismatch", modify: func(f *fixture) {
			f.items = append(f.items, bill(9, paidRow("星辰卡盟", 12800, 3000), refundRow(3000)))
		}, want: "amount-mismatch", sev: SeverityWarning, check: func(t *testing.T, res *Result) {
			a := res.Amounts
			if a.Claimed != 12800 || a.Paid != 12800 || a.Refunded != 3000 || a.Loss != 9800 || !reflect.DeepEqual(a.PaidFrom, []int{9}) || !reflect.DeepEqual(a.RefundedFrom, []int{9}) {
				t.Errorf("amounts %+v", a)
			}
			f, _ := finding(res, "amount-mismatch")
			if !strings.Contains(f.Detail, "98.00 元") || !strings.Contains(f.Detail, "证据9") {
				t.Errorf("detail %q lacks the loss or the exhibit", f.Detail)
			}
		}},
		{name: "amount matches after refund", modify: func(f *fixture) {
			f.c.Order.Amount = 9800
			f.items = append(f.items, bill(9, paidRow("星辰卡盟", 12800, 3000), refundRow(3000)))
		}, absent: []string{"amount-mismatch", "amount-missing", "payment-not-found", "payee-mismatch"}},
		{name: "same row in two bills counted once", modify: func(f *fixture) {
			f.items = append(f.items, bill(9, paidRow("星辰卡盟", 12800, 0)), bill(10, paidRow("星辰卡盟", 12800, 0)))
		}, absent: []string{"amount-mismatch"}, check: func(t *testing.T, res *Result) {
			if res.Amounts.Paid != 12800 {
				t.Errorf("paid %d, want 12800", res.Amounts.Paid)
			}
		}},
		{name: "amount missing", modify: func(f *fixture) { f.c.Order.Amount = 0 }, want: "amount-missing", sev: SeverityWarning},
		{name: "payment not found in bill", modify: func(f *fixture) {
			f.items = append(f.items, bill(9, payment.Txn{Counterparty: "美团", Cents: 3500, Direction: payment.Out, Time: cst(2026, 8, 1, 12, 0)}))
		}, want: "payment-not-found", sev: SeverityWarning},
		{name: "payee mismatch", modify: func(f *fixture) {
			f.items = append(f.items, bill(9, paidRow("李某某", 12800, 0)))
		}, want: "payee-mismatch", sev: SeverityWarning, check: func(t *testing.T, res *Result) {
			f, _ := finding(res, "payee-mismatch")
			if !strings.Contains(f.Detail, "李某某") || !reflect.DeepEqual(f.Exhibits, []int{9}) {
				t.Errorf("finding %+v", f)
			}
		}},
		{name: "payee matches", modify: func(f *fixture) {
			f.items = append(f.items, bill(9, paidRow("星辰卡盟官方店", 12800, 0)))
		}, absent: []string{"payee-mismatch"}},
		{name: "demand deadline not passed", modify: func(f *fixture) {
			f.now = cst(2026, 9, 7, 12, 0)
			f.items = f.without([]int{7})
		}, want: "demand-deadline-pending", sev: SeverityWarning, check: func(t *testing.T, res *Result) {
			if !res.Flags.DemandSent || res.Flags.DemandDeadlineOK {
				t.Errorf("flags %+v", res.Flags)
			}
			f, _ := finding(res, "demand-deadline-pending")
			if !strings.Contains(f.Detail, "2026年9月8日") {
				t.Errorf("detail %q lacks the deadline", f.Detail)
			}
		}},
		{name: "demand deadline pending but seller refused", modify: func(f *fixture) {
			f.now = cst(2026, 9, 7, 12, 0)
		}, want: "demand-deadline-pending", sev: SeverityInfo},
		{name: "demand deadline passed", modify: func(f *fixture) {
			f.now = cst(2026, 9, 9, 0, 1)
			f.items = f.without([]int{7})
		}, absent: []string{"demand-deadline-pending", "demand-no-deadline", "no-demand"}, check: func(t *testing.T, res *Result) {
			if !res.Flags.DemandSent || !res.Flags.DemandDeadlineOK {
				t.Errorf("flags %+v", res.Flags)
			}
		}},
		{name: "demand in chat with relative deadline", modify: func(f *fixture) {
			f.items = f.without([]int{6, 7})
			f.items = append(f.items, &evidence.Item{Index: 9, Path: "chat/qq.txt", Kind: casefile.KindChat, Chat: chatLog(
				msg("张三", "你好，卡密无效，请在3日内退还128元", cst(2026, 9, 15, 10, 0)))})
			f.now = cst(2026, 9, 17, 12, 0)
		}, want: "demand-deadline-pending", sev: SeverityWarning, check: func(t *testing.T, res *Result) {
			f, _ := finding(res, "demand-deadline-pending")
			if !strings.Contains(f.Detail, "2026年9月18日") {
				t.Errorf("detail %q, want deadline 2026年9月18日", f.Detail)
			}
		}},
		{name: "no demand", modify: func(f *fixture) { f.items = f.without([]int{6}) }, want: "no-demand", sev: SeverityWarning},
		{name: "demand without deadline", modify: func(f *fixture) {
			f.items[5] = shot(6, "截图/催告.png", casefile.KindDemand, "催告消息截图", "证明投诉人要求退款", cst(2026, 9, 5, 10, 0))
		}, want: "demand-no-deadline", sev: SeverityInfo},
		{name: "limitation warning under six months", modify: func(f *fixture) {
			f.now = cst(2029, 5, 1, 0, 0)
		}, want: "limitation-soon", sev: SeverityWarning, check: func(t *testing.T, res *Result) {
			var lim Deadline
			for _, d := range res.Deadlines {
				if d.ID == "limitation" {
					lim = d
				}
			}
			// Restarted by the demand of 2026-09-05: due three years later.
			if got := lim.Due.In(evidence.CST).Format("2006-01-02"); got != "2029-09-05" {
				t.Errorf("limitation due %s, want 2029-09-05", got)
			}
			if !strings.Contains(lim.Note, citeLimitation) || !strings.Contains(lim.Note, citeRestart) {
				t.Errorf("note %q lacks its bases", lim.Note)
			}
			if _, ok := finding(res, "12315-bar-soon"); !ok {
				t.Error("no 12315-bar-soon")
			}
		}},
		{name: "limitation clear", absent: []string{"limitation-soon", "limitation-expired", "12315-bar-soon", "12315-bar-passed"}},
		{name: "limitation expired", modify: func(f *fixture) {
			f.now = cst(2029, 9, 6, 0, 1)
		}, want: "limitation-expired", sev: SeverityError, check: func(t *testing.T, res *Result) {
			if res.Complete {
				t.Error("complete with limitation expired")
			}
			f, _ := finding(res, "12315-bar-passed")
			if f.Severity != SeverityError {
				t.Errorf("12315 bar finding %+v, want error for a 12315 target", f)
			}
		}},
		{name: "void contract wording", modify: func(f *fixture) {
			f.c.Problem = "购买抖音点赞服务，商家没有完成。商家虚假宣传。"
		}, want: "void-contract", sev: SeverityWarning, check: func(t *testing.T, res *Result) {
			if !res.Flags.VoidContract || res.Flags.TripleDamages || !res.Flags.FraudAlleged {
				t.Errorf("flags %+v", res.Flags)
			}
			f, _ := finding(res, "void-contract")
			if !strings.Contains(f.Detail, citeVoidFake) || !strings.Contains(f.Fix, citeRestitution) {
				t.Errorf("finding %+v lacks its bases", f)
			}
		}},
		{name: "void contract by case type", typ: casefile.TypeEngagementService, want: "void-contract", sev: SeverityWarning},
		{name: "no void contract", absent: []string{"void-contract"}, check: func(t *testing.T, res *Result) {
			if res.Flags.VoidContract {
				t.Error("VoidContract set")
			}
		}},
		{name: "missing identity", modify: func(f *fixture) {
			f.c.Respondent = casefile.Party{Name: "星辰卡盟"}
		}, want: "no-identity", sev: SeverityError, check: func(t *testing.T, res *Result) {
			if !res.Flags.NoIdentity || res.Complete {
				t.Errorf("flags %+v complete %v", res.Flags, res.Complete)
			}
		}},
		{name: "identity by account", modify: func(f *fixture) {
			f.c.Respondent = casefile.Party{Shop: "星辰卡盟", Accounts: []casefile.Account{{Platform: "微信", ID: "xingchen88"}}}
		}, absent: []string{"no-identity"}},
		{name: "fraud alleged", modify: func(f *fixture) {
			f.c.Problem = "商家虚假宣传，卡密无效。"
			f.c.Demands = []string{"退还货款128元", "三倍赔偿"}
		}, want: "triple-damages", sev: SeverityInfo, absent: []string{"triple-damages-unsupported"}, check: func(t *testing.T, res *Result) {
			f, _ := finding(res, "triple-damages")
			if !res.Flags.TripleDamages || !strings.Contains(f.Detail, "500.00 元") {
				t.Errorf("flags %+v detail %q (3×128 < 500)", res.Flags, f.Detail)
			}
		}},
		{name: "triple damages without fraud", modify: func(f *fixture) {
			f.c.Demands = []string{"三倍赔偿"}
		}, want: "triple-damages-unsupported", sev: SeverityWarning},
		{name: "no arbitration clause", want: "no-arbitration", sev: SeverityInfo, check: func(t *testing.T, res *Result) {
			if !res.Flags.NoArbitration {
				t.Error("NoArbitration not set")
			}
		}},
		{name: "arbitration target without clause", modify: func(f *fixture) { f.c.Target = casefile.TargetArbitration }, want: "arbitration-no-clause", sev: SeverityError},
		{name: "arbitration clause", modify: func(f *fixture) {
			f.c.ArbitrationClause = "因本协议产生的争议提交广州仲裁委员会仲裁"
		}, absent: []string{"no-arbitration", "arbitration-no-clause"}},
		{name: "time order", modify: func(f *fixture) {
			f.c.Events = []casefile.Event{{At: ctime(t, "2026-09-01"), What: "向商家催告退款", Line: 30}}
		}, want: "time-order", sev: SeverityWarning, check: func(t *testing.T, res *Result) {
			f, _ := finding(res, "time-order")
			if !strings.Contains(f.Detail, "第 30 行") {
				t.Errorf("detail %q does not name the event", f.Detail)
			}
		}},
		{name: "time order clear", absent: []string{"time-order"}},
		{name: "no-reason return for digital goods", want: "no-reason-return", sev: SeverityInfo, check: func(t *testing.T, res *Result) {
			f, _ := finding(res, "no-reason-return")
			if !strings.Contains(f.Detail, citeNoReason) {
				t.Errorf("detail %q", f.Detail)
			}
			found := false
			for _, d := range res.Deadlines {
				if d.ID == "no-reason-return" && d.Due.In(evidence.CST).Format("2006-01-02") == "2026-09-10" {
					found = true
				}
			}
			if !found {
				t.Errorf("deadlines %+v lack no-reason-return due 2026-09-10", res.Deadlines)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ := tt.typ
			if typ == "" {
				typ = casefile.TypeVirtualGoods
			}
			f := completeCase(t, typ)
			if tt.modify != nil {
				tt.modify(&f)
			}
			res := Evaluate(loadEmbedded(t, typ), f.c, f.items, f.now)
			if tt.want != "" {
				got, ok := finding(res, tt.want)
				if !ok {
					t.Fatalf("no finding %s; findings %v", tt.want, findingIDs(res))
				}
				if got.Severity != tt.sev {
					t.Errorf("%s severity %s, want %s", tt.want, got.Severity, tt.sev)
				}
				if got.Title == "" || got.Detail == "" || got.Fix == "" {
					t.Errorf("finding without title, detail or fix: %+v", got)
				}
			}
			for _, id := range tt.absent {
				if _, ok := finding(res, id); ok {
					t.Errorf("unexpected finding %s; findings %v", id, findingIDs(res))
				}
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

func TestParseDeadline(t *testing.T) {
	sent := cst(2026, 9, 5, 10, 0)
	tests := []struct {
		text string
		want string // "" for none
	}{
		{"请于2026年9月8日前退款", "2026-09-08 23:59"},
		{"请在2026-09-08之前退还", "2026-09-08 23:59"},
		{"请于9月8日前退还货款", "2026-09-08 23:59"},
		{"请于1月3日前退款", "2027-01-03 23:59"},
		{"请在三日内退款", "2026-09-08 23:59"},
		{"请在7天内退款", "2026-09-12 23:59"},
		{"请在十五日内退款", "2026-09-20 23:59"},
		{"请在24小时内退款", "2026-09-06 10:00"},
		{"请于2026年2月30日前退款", ""},
		{"请尽快退款", ""},
		{"我在2026年9月3日下单", ""},
	}
	for _, tt := range tests {
		got, ok := parseDeadline(tt.text, sent)
		if tt.want == "" {
			if ok {
				t.Errorf("%q: deadline %v, want none", tt.text, got)
			}
			continue
		}
		if !ok || got.In(evidence.CST).Format("2006-01-02 15:04") != tt.want {
			t.Errorf("%q: %v %v, want %s", tt.text, got, ok, tt.want)
		}
	}
}
