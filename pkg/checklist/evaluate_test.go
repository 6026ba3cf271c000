package checklist

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/payment"
	"github.com/evipack/evipack/templates"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestCompleteCasePasses(t *testing.T) {
	for _, typ := range casefile.CaseTypes() {
		t.Run(typ, func(t *testing.T) {
			f := completeCase(t, typ)
			rs := loadEmbedded(t, typ)
			res := Evaluate(rs, f.c, f.items, f.now)
			if !res.Complete {
				t.Errorf("not complete: missing %+v, errors %+v", res.Missing(), res.Errors())
			}
			if len(res.Errors()) != 0 {
				t.Errorf("error findings: %+v", res.Errors())
			}
			if res.RuleSet != typ+".yaml" || res.CaseType != typ {
				t.Errorf("rule set %q case type %q", res.RuleSet, res.CaseType)
			}
			if len(res.Requirements) != len(rs.Rules) {
				t.Fatalf("%d requirements for %d rules", len(res.Requirements), len(rs.Rules))
			}
			links := map[string]bool{}
			for i, q := range res.Requirements {
				if q.ID != rs.Rules[i].ID {
					t.Errorf("requirement %d is %q, rule is %q: order not kept", i, q.ID, rs.Rules[i].ID)
				}
				if q.Required {
					links[q.Link] = true
					if len(q.Exhibits) == 0 {
						t.Errorf("required %s met without any exhibit", q.ID)
					}
					if q.Hint != "" {
						t.Errorf("met requirement %s carries a hint", q.ID)
					}
				}
			}
			for _, l := range []string{LinkTransaction, LinkBreach, LinkLoss} {
				if !links[l] {
					t.Errorf("rule set has no required requirement for link %s", l)
				}
			}
		})
	}
}

// TestRemovingExhibitFailsExactlyThatRequirement loops over every required
// requirement of every rule set: without the exhibits behind it, exactly it
// is missing, with its hint.
func TestRemovingExhibitFailsExactlyThatRequirement(t *testing.T) {
	for _, typ := range casefile.CaseTypes() {
		rs := loadEmbedded(t, typ)
		f := completeCase(t, typ)
		full := Evaluate(rs, f.c, f.items, f.now)
		for i, rule := range rs.Rules {
			if !rule.Required {
				continue
			}
			t.Run(typ+"/"+rule.ID, func(t *testing.T) {
				behind := full.Requirements[i].Exhibits
				if len(behind) == 0 {
					t.Fatalf("no exhibit behind %s in the complete case", rule.ID)
				}
				res := Evaluate(rs, f.c, f.without(behind), f.now)
				missing := res.Missing()
				if len(missing) != 1 || missing[0].ID != rule.ID {
					var ids []string
					for _, m := range missing {
						ids = append(ids, m.ID)
					}
					t.Fatalf("without %v missing %v, want exactly [%s]", behind, ids, rule.ID)
				}
				if missing[0].Hint != rule.Hint || missing[0].Hint == "" {
					t.Errorf("hint %q, want %q", missing[0].Hint, rule.Hint)
				}
				if res.Complete {
					t.Error("Complete with a required requirement missing")
				}
			})
		}
	}
}

func TestDeterministic(t *testing.T) {
	f := completeCase(t, casefile.TypeVirtualGoods)
	f.items = append(f.items, bill(9, payment.Txn{Counterparty: "星辰卡盟", Cents: 12800, Direction: payment.Out, Time: cst(2026, 9, 3, 20, 15), TxnNo: "4200001"}))
	rs := loadEmbedded(t, casefile.TypeVirtualGoods)
	a := Evaluate(rs, f.c, f.items, f.now)
	rev := make([]*evidence.Item, len(f.items))
	for i, it := range f.items {
		rev[len(f.items)-1-i] = it
	}
	b := Evaluate(rs, f.c, rev, f.now)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("result depends on item order:\n%s\n%s", ja, jb)
	}
}

func TestEvaluateGolden(t *testing.T) {
	var out []*Result
	for _, typ := range casefile.CaseTypes() {
		f := completeCase(t, typ)
		out = append(out, Evaluate(loadEmbedded(t, typ), f.c, f.items, f.now))
	}
	got, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", t.Name()+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("result differs from %s (run with -update and review the diff)", golden)
	}
}

// TestRulesAreData adds a requirement to a rule set in a temporary file
// system: Evaluate reports it with no change to Go code.
func TestRulesAreData(t *testing.T) {
	base, err := templates.FS.ReadFile("checklists/virtual-goods.yaml")
	if err != nil {
		t.Fatal(err)
	}
	extra := `
  - id: screen-recording
    link: 违约
    title: 兑换过程录屏
    required: true
    when:
      kind: [recording]
    hint: 录屏演示一次完整的兑换过程，画面里要有卡密和报错提示。
`
	fsys := fstest.MapFS{"checklists/virtual-goods.yaml": &fstest.MapFile{Data: append(append([]byte{}, base...), extra...)}}
	rs, err := Load(fsys, casefile.TypeVirtualGoods)
	if err != nil {
		t.Fatal(err)
	}
	f := completeCase(t, casefile.TypeVirtualGoods)
	res := Evaluate(rs, f.c, f.items, f.now)
	missing := res.Missing()
	if len(missing) != 1 || missing[0].ID != "screen-recording" || missing[0].Hint != "录屏演示一次完整的兑换过程，画面里要有卡密和报错提示。" || missing[0].Link != LinkBreach {
		t.Fatalf("missing %+v, want the added requirement", missing)
	}
	if res.Complete {
		t.Error("complete although the added requirement is missing")
	}
	rec := &evidence.Item{Index: 9, Path: "录屏.mp4", Type: evidence.TypeMP4, Kind: casefile.KindRecording, Title: "录屏"}
	res = Evaluate(rs, f.c, append(f.items, rec), f.now)
	if !res.Complete {
		t.Errorf("not complete with the recording: %+v", res.Missing())
	}
	last := res.Requirements[len(res.Requirements)-1]
	if last.ID != "screen-recording" || !last.Met || !reflect.DeepEqual(last.Exhibits, []int{9}) {
		t.Errorf("added requirement %+v, want met by 证据9", last)
	}
}

func TestPredicates(t *testing.T) {
	f := completeCase(t, casefile.TypeVirtualGoods)
	chatItem := &evidence.Item{Index: 9, Path: "chat/qq.txt", Kind: casefile.KindChat, Title: "QQ聊天记录", Chat: chatLog(
		msg("客服小星", "红包到账了吗", cst(2026, 9, 3, 20, 0)),
		msg("张三", "请于9月8日前退款", cst(2026, 9, 5, 10, 0)),
		msg("客服小星", "不退，再问拉黑", cst(2026, 9, 5, 11, 0)),
	)}
	f.items = append(f.items, chatItem,
		bill(10, payment.Txn{Counterparty: "星辰卡盟", Cents: 12800, Direction: payment.Out, Time: cst(2026, 9, 3, 20, 15), TxnNo: "4200001", RefundedCents: 2800},
			payment.Txn{Counterparty: "星辰卡盟", Cents: 2800, Direction: payment.In, IsRefund: true, RefundOf: 0, Time: cst(2026, 9, 6, 9, 0), TxnNo: "4200001_r"}))
	s := newState(f.c, f.items, f.now)
	tests := []struct {
		name string
		p    Predicate
		met  bool
		ex   []int
	}{
		{"kind", Predicate{Op: OpKind, Kinds: []string{"listing", "identity"}}, true, []int{2, 3}},
		{"kind absent", Predicate{Op: OpKind, Kinds: []string{"voice"}}, false, nil},
		{"fact payment row", Predicate{Op: OpFact, Fact: FactPaymentRow}, true, []int{10}},
		{"fact demand from chat", Predicate{Op: OpFact, Fact: FactDemandDated}, true, []int{6, 9}},
		{"fact refusal from seller's message", Predicate{Op: OpFact, Fact: FactRefusal}, true, []int{7, 9}},
		{"red packet is no promise", Predicate{Op: OpFact, Fact: FactPromise}, true, []int{4}},
		{"keyword chat", Predicate{Op: OpKeyword, In: []string{InChat}, Words: []string{"退款"}}, true, []int{9}},
		{"keyword problem", Predicate{Op: OpKeyword, In: []string{InProblem}, Words: []string{"卡密"}}, true, nil},
		{"keyword none", Predicate{Op: OpKeyword, In: []string{InText, InProblem}, Words: []string{"封号"}}, false, nil},
		{"amount loss", Predicate{Op: OpAmount, Amount: AmountExpr{Left: FigureLoss, Op: "==", Cents: 10000}}, true, []int{10}},
		{"amount paid vs claimed", Predicate{Op: OpAmount, Amount: AmountExpr{Left: FigurePaid, Op: "==", Right: FigureClaimed}}, true, []int{10}},
		{"amount false", Predicate{Op: OpAmount, Amount: AmountExpr{Left: FigureRefunded, Op: ">", Cents: 5000}}, false, nil},
		{"time order", Predicate{Op: OpTimeOrder, Stages: []string{StagePaid, StageFailure, StageDemand, StageRefusal}}, true, []int{5, 9}},
		{"time order reversed", Predicate{Op: OpTimeOrder, Stages: []string{StageRefusal, StagePaid}}, false, nil},
		{"all", Predicate{Op: OpAll, Sub: []Predicate{{Op: OpKind, Kinds: []string{"listing"}}, {Op: OpKind, Kinds: []string{"voice"}}}}, false, nil},
		{"any", Predicate{Op: OpAny, Sub: []Predicate{{Op: OpKind, Kinds: []string{"listing"}}, {Op: OpKind, Kinds: []string{"voice"}}}}, true, []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			met, ex := s.eval(tt.p)
			if met != tt.met {
				t.Fatalf("met = %v, want %v", met, tt.met)
			}
			if got := sortedUnique(ex); len(got) != len(tt.ex) || (len(got) > 0 && !reflect.DeepEqual(got, tt.ex)) {
				t.Errorf("exhibits %v, want %v", got, tt.ex)
			}
		})
	}
}

func TestPrompts(t *testing.T) {
	rs := loadEmbedded(t, casefile.TypeVirtualGoods)
	f := completeCase(t, casefile.TypeVirtualGoods)
	full := Evaluate(rs, f.c, f.items, f.now)
	for _, p := range Prompts(rs, full) {
		if p.Required {
			t.Errorf("complete case still prompts for %s", p.ID)
		}
	}
	res := Evaluate(rs, f.c, f.without([]int{1}), f.now)
	ps := Prompts(rs, res)
	if len(ps) == 0 || ps[0].ID != "payment-record" {
		t.Fatalf("first prompt %+v, want payment-record", ps)
	}
	want := "# 交易：还缺少付款记录（订单号、金额、时间、收款方）——付款截图要同时显示订单号、金额、时间和收款方"
	if !strings.HasPrefix(ps[0].Comment(), want) {
		t.Errorf("comment %q, want prefix %q", ps[0].Comment(), want)
	}
	if !reflect.DeepEqual(ps[0].Kinds, []string{"payment"}) || ps[0].Proves == "" {
		t.Errorf("kinds %v proves %q", ps[0].Kinds, ps[0].Proves)
	}
	all := Prompts(rs, nil)
	if len(all) != len(rs.Rules) {
		t.Errorf("%d prompts with no result, want %d", len(all), len(rs.Rules))
	}
	order := map[string]int{LinkTransaction: 0, LinkBreach: 1, LinkLoss: 2}
	for i := 1; i < len(all); i++ {
		if order[all[i].Link] < order[all[i-1].Link] {
			t.Errorf("prompt %s (%s) after %s (%s)", all[i].ID, all[i].Link, all[i-1].ID, all[i-1].Link)
		}
	}
	if p, ok := rs.ProvesFor("payment"); !ok || !strings.Contains(p, "付款") {
		t.Errorf("ProvesFor(payment) = %q, %v", p, ok)
	}
}

func TestClassifyEvent(t *testing.T) {
	tests := []struct {
		what string
		want []string
	}{
		{"向卖家发出退款要求", []string{StageDemand}},
		{"卖家拒绝退款", []string{StageRefusal}},
		{"商家已退款50元", nil},
		{"发现卡密无效", []string{StageFailure}},
		{"商家承诺24小时内发货", nil},
		{"在星辰卡盟下单并付款128元", []string{StagePaid}},
		{"商家客服在QQ中承诺“自动发卡，付款后5分钟内到账，不到账全额退款”，并发送商品链接", nil},
		{"超过承诺的5分钟仍未收到卡密，向客服催促", []string{StageDemand, StageFailure}},
		{"在电脑上再次兑换，仍提示“卡密无效或已被使用”，拍照留存", []string{StageFailure}},
		{"商家称“系统维护，明天一定补发”，未退款", []string{StageRefusal}},
		{"再次要求原路退款，消息被拒收，商家已将我拉黑", []string{StageRefusal, StageDemand}},
		{"其他", nil},
	}
	for _, tt := range tests {
		if got := classifyEvent(tt.what); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("classifyEvent(%q) = %q, want %q", tt.what, got, tt.want)
		}
	}
}

func TestRunUsesEmbeddedRules(t *testing.T) {
	for _, typ := range casefile.CaseTypes() {
		f := completeCase(t, typ)
		got, err := Run(f.c, f.items, f.now)
		if err != nil {
			t.Fatal(err)
		}
		want := Evaluate(loadEmbedded(t, typ), f.c, f.items, f.now)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Run differs from Load+Evaluate", typ)
		}
	}
	c := casefile.New()
	c.Type = "no-such-type"
	if _, err := Run(c, nil, time.Time{}); !errors.Is(err, ErrNoRuleSet) {
		t.Errorf("unknown type: %v", err)
	}
	if res, err := Run(nil, nil, time.Time{}); err != nil || res.Complete || res.RuleSet != "virtual-goods.yaml" {
		t.Errorf("nil case: %+v, %v", res, err)
	}
}

func TestWordListsFolded(t *testing.T) {
	lists := [][]string{promiseWords, failureWords, refusalWords, demandWords, paidWords, voidWords, fraudWords, tripleWords, refundedWords, eventDemandWords, eventRefusalExtra, failureExtra}
	for _, l := range lists {
		for _, w := range l {
			if w == "" || fold(w) != w {
				t.Errorf("word %q is not folded", w)
			}
		}
	}
}
