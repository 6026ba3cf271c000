package letters

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
)

type variant struct {
	name  string
	c     *casefile.Case
	items []*evidence.Item
	res   *checklist.Result
}

// variants are the fixture case under every combination of the flags the
// documents depend on, plus a case with almost nothing known.
func variants(t testing.TB) []variant {
	var out []variant
	for mask := 0; mask < 1<<5; mask++ {
		res := fixtureResult()
		f := &res.Flags
		f.VoidContract = mask&1 != 0
		f.FraudAlleged = mask&2 != 0
		f.TripleDamages = mask&2 != 0 && mask&1 == 0
		f.DemandSent = mask&4 != 0
		f.DemandDeadlineOK = mask&8 != 0
		f.NoIdentity = mask&16 != 0
		c := fixtureCase(t)
		if mask&16 != 0 {
			c.Respondent = casefile.Party{}
			c.Problem = "充值的会员卡密无效，显示已被使用"
		}
		out = append(out, variant{fmt.Sprintf("flags%02d", mask), c, fixtureItems(), res})
	}
	out = append(out, variant{"empty", casefile.New(), nil, &checklist.Result{}})
	out = append(out, variant{"nil", nil, nil, nil})
	return out
}

func section(t *testing.T, d *Doc, heading string) string {
	t.Helper()
	s, ok := d.Section(heading)
	if !ok {
		t.Fatalf("no section %q in:\n%s", heading, d.Text())
	}
	return strings.Join(s.Paragraphs, "\n")
}

func mustContain(t *testing.T, where, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", where, w, text)
		}
	}
}

func mustNotContain(t *testing.T, where, text string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(text, w) {
			t.Errorf("%s contains %q:\n%s", where, w, text)
		}
	}
}

// factsCite checks that every fact sentence of a facts section cites an
// exhibit: each paragraph ends with "（证据N…）。" or "（证据N…）".
func factsCite(t *testing.T, facts string) {
	t.Helper()
	for _, p := range strings.Split(facts, "\n") {
		if strings.HasPrefix(p, "综上") {
			continue
		}
		if !strings.Contains(p, "（证据") {
			t.Errorf("fact without an exhibit: %s", p)
		}
	}
}

func TestComplaint12315Content(t *testing.T) {
	d, err := loadTemplates(t).Complaint12315(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "投诉书" || d.Target != casefile.Target12315 {
		t.Errorf("title %q target %q", d.Title, d.Target)
	}
	var heads []string
	for _, s := range d.Sections {
		heads = append(heads, s.Heading)
	}
	if got, want := strings.Join(heads, "|"), "投诉人|被投诉人|投诉请求|事实与理由|||附件：证据目录"; got != want {
		t.Errorf("sections %q, want %q", got, want)
	}
	mustContain(t, "投诉人", section(t, d, "投诉人"), "张三", "13800138000", "11010519491231002X", "北京市朝阳区某街道1号")
	mustContain(t, "被投诉人", section(t, d, "被投诉人"), "星辰卡盟", "独立网站", "91440300708461136T", "https://xingchen.example/shop", "123456", "客服小星")
	req := section(t, d, "投诉请求")
	mustContain(t, "投诉请求", req, "1. 请求被投诉人退还投诉人已支付的款项128.00元。", "2. 赔礼道歉。")
	mustNotContain(t, "投诉请求", req, "退还货款128元", "三倍")
	facts := section(t, d, "事实与理由")
	mustContain(t, "事实与理由", facts,
		"2026年9月3日 20:15:32", "20260903201501000123", "128.00元", "腾讯视频VIP年卡", "（证据1、证据3）",
		"第五百七十七条", "第五十三条", "第五百六十三条", "第四十六条")
	mustNotContain(t, "事实与理由", facts, "第五十五条", "第一百五十七条")
	factsCite(t, facts)
	mustContain(t, "落款", d.Text(), "此致\n被投诉人所在地市场监督管理局", "投诉人（签名）：\n2026年9月10日")
	mustContain(t, "证据目录", section(t, d, "附件：证据目录"), "证据1 微信支付凭证", "证据6 客服拒绝退款截图")
	if len(d.Attachments) != 6 || len(d.Exhibits) != 6 || d.Exhibits[5] != 6 {
		t.Errorf("attachments %q exhibits %v", d.Attachments, d.Exhibits)
	}
}

func TestArbitration(t *testing.T) {
	ts := loadTemplates(t)
	c := fixtureCase(t)
	c.ArbitrationClause = "因本协议产生的争议，双方同意提交广州仲裁委员会仲裁。"
	items := append(fixtureItems(), clauseItem())
	d, err := ts.Arbitration(c, items, fixtureResult(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "仲裁申请书" || d.Target != casefile.TargetArbitration {
		t.Errorf("title %q target %q", d.Title, d.Target)
	}
	mustContain(t, "申请人", section(t, d, "申请人"), "张三", "11010519491231002X", "性别：")
	mustContain(t, "被申请人", section(t, d, "被申请人"), "星辰卡盟", "91440300708461136T", "深圳市南山区某路2号", "法定代表人")
	mustContain(t, "仲裁依据", section(t, d, "仲裁依据"), "“因本协议产生的争议，双方同意提交广州仲裁委员会仲裁。”（证据7）")
	mustContain(t, "仲裁请求", section(t, d, "仲裁请求"), "请求被申请人退还申请人已支付的款项128.00元", "仲裁费用由被申请人承担")
	facts := section(t, d, "事实与理由")
	mustContain(t, "事实与理由", facts, "2026年9月3日", "128.00元", "（证据1、证据3）")
	factsCite(t, facts)
	mustContain(t, "证据", section(t, d, "证据和证据来源"), "证据7 用户协议中的仲裁条款", "clause.png")
	mustContain(t, "全文", d.Text(), "此致\n广州仲裁委员会", "2026年9月10日", "本申请书副本1份")
	mustNotContain(t, "全文", d.Text(), "贵局", "此致\n被投诉人所在地")
	mustNotContain(t, "事实与理由", facts, "投诉人")
}

func TestArbitrationRefusal(t *testing.T) {
	ts := loadTemplates(t)
	for _, clause := range []string{"", "  \n"} {
		c := fixtureCase(t)
		c.ArbitrationClause = clause
		d, err := ts.Arbitration(c, fixtureItems(), fixtureResult(), fixedNow)
		if d != nil || !errors.Is(err, ErrNoArbitrationClause) {
			t.Fatalf("clause %q: got %v, %v; want ErrNoArbitrationClause", clause, d, err)
		}
		var r *Refusal
		if !errors.As(err, &r) {
			t.Fatalf("error %v is not a *Refusal", err)
		}
		mustContain(t, "refusal", r.Zh, "仲裁协议", "12315", "人民法院")
		if p := CheckCitations(r.Zh); len(p) > 0 {
			t.Errorf("refusal cites: %q", p)
		}
	}
	if _, err := ts.Arbitration(nil, nil, nil, fixedNow); !errors.Is(err, ErrNoArbitrationClause) {
		t.Errorf("nil case: %v", err)
	}
}

func TestVoidContract(t *testing.T) {
	ts := loadTemplates(t)
	res := fixtureResult()
	res.Flags.VoidContract = true
	res.Flags.FraudAlleged = true
	res.Flags.TripleDamages = true // inconsistent on purpose: void wins
	c := fixtureCase(t)
	c.Demands = append(c.Demands, "三倍赔偿500元", "赔偿误工费100元")
	for _, gen := range []func() (*Doc, error){
		func() (*Doc, error) { return ts.Complaint12315(c, fixtureItems(), res, fixedNow) },
		func() (*Doc, error) {
			c2 := *c
			c2.ArbitrationClause = "提交广州仲裁委员会仲裁"
			return ts.Arbitration(&c2, fixtureItems(), res, fixedNow)
		},
	} {
		d, err := gen()
		if err != nil {
			t.Fatal(err)
		}
		heading := "投诉请求"
		if d.Target == casefile.TargetArbitration {
			heading = "仲裁请求"
		}
		req := section(t, d, heading)
		mustContain(t, heading, req, "返还", "已支付的款项128.00元")
		mustNotContain(t, heading, req, "赔偿", "退还")
		facts := section(t, d, "事实与理由")
		mustContain(t, "事实与理由", facts, "《中华人民共和国民法典》第一百五十七条")
		mustNotContain(t, "事实与理由", facts, "第五十五条", "第五百七十七条", "第五十三条", "第五百六十三条", "违约责任")
		mustContain(t, "warnings", strings.Join(d.Warnings, "\n"), "无效合同", "已删去投诉请求“三倍赔偿500元”", "已删去投诉请求“赔偿误工费100元”")
	}
	d, err := ts.DemandLetter(c, fixtureItems(), res, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "催告函", d.Text(), "第一百五十七条", "返还至本人的原付款账户")
	mustNotContain(t, "催告函", d.Text(), "第五百六十三条", "第五百七十七条")
}

func TestTripleDamages(t *testing.T) {
	ts := loadTemplates(t)
	tests := []struct {
		name   string
		amount casefile.Money
		triple bool
		want   string
	}{
		{"minimum 500", 12800, true, "增加赔偿投诉人500.00元"},
		{"three times", 20001, true, "增加赔偿投诉人600.03元"},
		{"not allowed", 12800, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixtureCase(t)
			c.Order.Amount = tt.amount
			c.Demands = []string{"退一赔三"}
			res := fixtureResult()
			res.Amounts.Loss = int64(tt.amount)
			res.Flags.FraudAlleged = true
			res.Flags.TripleDamages = tt.triple
			d, err := ts.Complaint12315(c, fixtureItems(), res, fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			req := section(t, d, "投诉请求")
			if tt.want == "" {
				mustNotContain(t, "投诉请求", req, "增加赔偿", "赔三")
				mustNotContain(t, "事实与理由", section(t, d, "事实与理由"), "第五十五条")
				return
			}
			mustContain(t, "投诉请求", req, "第五十五条第一款", tt.want)
			mustNotContain(t, "投诉请求", req, "退一赔三")
			mustContain(t, "事实与理由", section(t, d, "事实与理由"), "构成欺诈（证据", "第五十五条第一款规定")
		})
	}
}

func TestDemandLetter(t *testing.T) {
	d, err := loadTemplates(t).DemandLetter(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	text := d.Text()
	mustContain(t, "催告函", text,
		"致：星辰卡盟",
		"20260903201501000123", "付款128.00元（证据1、证据3）",
		"未按照约定交付商品或者提供服务（证据5）",
		"请贵方于2026年9月17日24时前", // seven days after 2026-09-10, the first day not counted
		"催告人：张三", "2026年9月10日")
	if d.Target != casefile.TargetMerchant {
		t.Errorf("target %q", d.Target)
	}
	for _, w := range d.Warnings {
		if strings.Contains(w, "建议先发出催告函") {
			t.Errorf("demand letter advises sending a demand letter: %s", w)
		}
	}
	// a deadline late in the evening of the last day of a month still lands seven calendar days on (UTC+8)
	late := time.Date(2026, 12, 31, 23, 59, 0, 0, casefile.China())
	d, err = loadTemplates(t).DemandLetter(fixtureCase(t), fixtureItems(), fixtureResult(), late.UTC())
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "催告函", d.Text(), "2027年1月7日24时前", "2026年12月31日")
}

func TestPaymentComplaint(t *testing.T) {
	d, err := loadTemplates(t).PaymentComplaint(fixtureCase(t), fixtureItems(), fixtureResult())
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "微信支付投诉说明" || d.Target != casefile.TargetPayment {
		t.Errorf("title %q target %q", d.Title, d.Target)
	}
	text := d.Sections[0].Paragraphs[0]
	if n := utf8.RuneCountInString(text); n > PaymentTextMax {
		t.Errorf("text has %d runes", n)
	}
	if text != PaymentText(fixtureCase(t), fixtureItems(), fixtureResult()) {
		t.Error("PaymentText differs from the document's text")
	}
	mustContain(t, "投诉说明", text, "20260903201501000123", "128.00元", "2026年9月3日", "星辰卡盟", "腾讯视频VIP年卡", "请求退款128.00元")
	// images only, payment first, then listing, result, refusal; the CSV bill and the chat text are not images
	if got, want := fmt.Sprint(d.Exhibits), "[1 2 5 6]"; got != want {
		t.Errorf("exhibits %s, want %s", got, want)
	}
}

func TestPaymentAttachmentsLimit(t *testing.T) {
	var items []*evidence.Item
	for i := 1; i <= 20; i++ {
		items = append(items, &evidence.Item{Index: i, Path: fmt.Sprintf("%d.png", i), Type: evidence.TypePNG, Kind: casefile.Kinds()[i%8]})
	}
	ids, _ := attachments(items)
	if len(ids) != MaxAttachments {
		t.Fatalf("got %d attachments, want %d", len(ids), MaxAttachments)
	}
	kinds := map[string]bool{}
	for _, id := range ids[:4] {
		kinds[items[id-1].Kind] = true
	}
	for _, k := range []string{casefile.KindPayment, casefile.KindResult} {
		if !kinds[k] {
			t.Errorf("first four attachments %v lack a %s image", ids, k)
		}
	}
	_, warn := attachments([]*evidence.Item{{Index: 1, Path: "bill.csv", Type: evidence.TypeText, Kind: casefile.KindPayment}})
	if len(warn) != 1 || !strings.Contains(warn[0], "账单文件") {
		t.Errorf("warnings %q", warn)
	}
}

// TestPaymentTextProperty generates many cases — long problems, long names,
// many demands, huge amounts, long order numbers — and checks the limit and
// that numbers are never cut.
func TestPaymentTextProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"商家", "承诺", "二十四小时内", "自动发货", "至今未发货", "卡密无效", "显示已被使用", "客服不回复", "拉黑", "。", "，", "\n", " ", "ABC", "12345678", "VIP", "😀", "《", "＃"}
	randText := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	base := fixtureCase(t)
	for i := 0; i < 2000; i++ {
		cc := *base
		c := &cc
		c.Problem = randText(rng.IntN(400))
		c.Respondent.Name = randText(rng.IntN(60))
		c.Respondent.Shop = randText(rng.IntN(20))
		c.Order.Item = randText(rng.IntN(80))
		c.Order.Promised = randText(rng.IntN(100))
		c.Order.PaymentMethod = []string{"微信支付", "支付宝", "", randText(30)}[rng.IntN(4)]
		c.Order.OrderNo = strings.Repeat("9", rng.IntN(90))
		c.Order.Amount = casefile.Money(rng.Int64N(1 << 62))
		if rng.IntN(5) == 0 {
			c.Order.Amount = 0
		}
		c.Demands = nil
		for j := rng.IntN(10); j > 0; j-- {
			c.Demands = append(c.Demands, randText(rng.IntN(50)))
		}
		res := fixtureResult()
		res.Amounts.Loss = rng.Int64N(1 << 62)
		res.Flags.DemandSent = rng.IntN(2) == 0
		res.Flags.VoidContract = rng.IntN(3) == 0
		text := PaymentText(c, fixtureItems(), res)
		if n := utf8.RuneCountInString(text); n > PaymentTextMax || n == 0 {
			t.Fatalf("case %d: %d runes:\n%s", i, n, text)
		}
		if !strings.Contains(text, "请求退款"+yuan(res.Amounts.Loss)) {
			t.Fatalf("case %d: refund amount %s missing:\n%s", i, yuan(res.Amounts.Loss), text)
		}
		if c.Order.Amount > 0 && !strings.Contains(text, "支付"+yuan(int64(c.Order.Amount))) {
			t.Fatalf("case %d: price %s missing:\n%s", i, yuan(int64(c.Order.Amount)), text)
		}
		if n := len(c.Order.OrderNo); n > 0 && n <= maxOrderNoRunes && !strings.Contains(text, "订单号"+c.Order.OrderNo+"，") {
			t.Fatalf("case %d: order number cut or missing:\n%s", i, text)
		}
		if strings.ContainsAny(text, "\n\r") {
			t.Fatalf("case %d: line break in text", i)
		}
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"短文本", 10, "短文本"},
		{"商家承诺二十四小时内发货", 6, "商家承诺二…"},
		{"付款128.00元后未发货", 5, "付款…"}, // 128.00 is dropped whole, not cut
		{"订单20260903201501000123未发货", 10, "订单…"},
		{"至今未发货。客服不回复，还把我拉黑了", 12, "至今未发货。"}, // cut after a sentence
		{"VIPmembership会员", 6, "VIPme…"},     // letters without a digit may be cut
		{"abc", 1, ""},
	}
	for _, tt := range tests {
		got := clip(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if utf8.RuneCountInString(got) > tt.n && utf8.RuneCountInString(tt.in) > tt.n {
			t.Errorf("clip(%q, %d) = %q is too long", tt.in, tt.n, got)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"付款128元。\n商家承诺发货", "付款128元。商家承诺发货"},
		{"第一行\r\n第二行", "第一行 第二行"},
		{"## 伪造的标题", "＃# 伪造的标题"},
		{"a\u202Eb\x00c\uFEFF", "abc"},
		{"  前后空白  ", "前后空白"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMarkupInjection: user text cannot add sections to a document.
func TestMarkupInjection(t *testing.T) {
	c := fixtureCase(t)
	c.Problem = "问题\n## 伪造的部分\n# 伪造的标题"
	c.Demands = []string{"## 另一部分"}
	c.Complainant.Name = "# 张三"
	d, err := loadTemplates(t).Complaint12315(c, fixtureItems(), fixtureResult(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "投诉书" {
		t.Errorf("title %q", d.Title)
	}
	for _, s := range d.Sections {
		if strings.Contains(s.Heading, "伪造") || strings.Contains(s.Heading, "另一部分") {
			t.Errorf("user text became a heading: %q", s.Heading)
		}
	}
}

func TestFormFields12315(t *testing.T) {
	fields := FormFields12315(fixtureCase(t), fixtureItems(), fixtureResult())
	want := []struct{ name, value string }{
		{"被投诉企业", "星辰卡盟"},
		{"统一社会信用代码", "91440300708461136T"},
		{"平台与店铺", "独立网站，https://xingchen.example/shop"},
		{"商品或服务名称", "腾讯视频VIP年卡"},
		{"订单号", "20260903201501000123"},
		{"购买时间", "2026年9月3日 20:15"},
		{"金额", "128.00元"},
		{"问题描述", ""},
		{"诉求", "退还投诉人已支付的款项128.00元；赔礼道歉"},
	}
	if len(fields) != len(want) {
		t.Fatalf("%d fields, want %d", len(fields), len(want))
	}
	for i, w := range want {
		f := fields[i]
		if f.Name != w.name || w.value != "" && f.Value != w.value {
			t.Errorf("field %d = %q %q, want %q %q", i, f.Name, f.Value, w.name, w.value)
		}
		if f.Runes != utf8.RuneCountInString(f.Value) {
			t.Errorf("field %s: Runes %d, value has %d", f.Name, f.Runes, utf8.RuneCountInString(f.Value))
		}
	}
	mustContain(t, "问题描述", fields[7].Value, "至今未发货")
	// long inputs stay short
	c := fixtureCase(t)
	c.Problem = strings.Repeat("商家一直不发货，客服也不回复。", 100)
	c.Demands = []string{strings.Repeat("请求赔礼道歉", 40)}
	for _, f := range FormFields12315(c, fixtureItems(), fixtureResult()) {
		if f.Runes > FormProblemMax {
			t.Errorf("field %s has %d runes", f.Name, f.Runes)
		}
	}
	// unknown values say so
	empty := FormFields12315(nil, nil, nil)
	if empty[0].Value != "不详" || empty[1].Value != "不详" {
		t.Errorf("empty case fields: %+v", empty[:2])
	}
}

func TestTimeline(t *testing.T) {
	evs := Timeline(fixtureCase(t), fixtureItems())
	for i := 1; i < len(evs); i++ {
		if evs[i].Time.Before(evs[i-1].Time) {
			t.Errorf("events %d and %d out of order", i-1, i)
		}
	}
	paid := evs[0]
	if paid.Source != SourceOrder || fmt.Sprint(paid.Exhibits) != "[1 3]" {
		t.Errorf("first event %+v: want the order's payment citing the screenshot and the bill", paid)
	}
	if !paid.Time.Equal(cst(2026, 9, 3, 20, 15, 32)) || paid.Precision != casefile.PrecisionSecond {
		t.Errorf("payment event time %v precision %v: want the bill row's time", paid.Time, paid.Precision)
	}
	count := map[string]int{}
	for i, e := range evs {
		count[e.Source]++
		if len(e.Exhibits) == 0 {
			t.Errorf("event without exhibit: %+v", e)
		}
		if strings.Contains(e.What, "支付128.00元") && i != 0 {
			t.Errorf("order payment listed twice: %+v", e)
		}
	}
	// 2 order events, 1 other bill row (the 15.00 purchase; the convenience store is not the respondent),
	// 2 case events, first and last chat hits
	if count[SourceOrder] != 2 || count[SourcePayment] != 1 || count[SourceCase] != 2 || count[SourceChat] != 2 {
		t.Errorf("events by source %v", count)
	}
	var refused Event
	for _, e := range evs {
		if strings.Contains(e.What, "卖家拒绝退款") {
			refused = e
		}
	}
	if fmt.Sprint(refused.Exhibits) != "[4 6]" || refused.Precision != casefile.PrecisionDay {
		t.Errorf("case event %+v: want exhibits [4 6] from its evidence paths, day precision", refused)
	}
	sec := TimelineSection(evs)
	if sec.Heading != "事实经过" || len(sec.Paragraphs) != len(evs) {
		t.Fatalf("section %+v", sec)
	}
	if sec.Paragraphs[0] != "2026年9月3日 20:15:32，张三就订单20260903201501000123通过微信支付向星辰卡盟支付128.00元，购买“腾讯视频VIP年卡”（证据1、证据3）。" {
		t.Errorf("first paragraph %q", sec.Paragraphs[0])
	}
}

func TestTimelineDedupAndUnknownTimes(t *testing.T) {
	c := fixtureCase(t)
	c.Order = casefile.Order{}
	at, _ := casefile.ParseTime("2026-09-05 10:00")
	c.Events = []casefile.Event{
		{What: "时间不详的事件", Evidence: []string{"listing.png"}},
		{At: at, What: "同一事件", Evidence: []string{"chat/qq.txt"}},
		{At: at, What: "同一事件", Evidence: []string{`截图\Screenshot_2026-09-03-20-16-01-123_com.tencent.mm.jpg`}},
	}
	evs := Timeline(c, fixtureItems())
	var same, unknown []Event
	for _, e := range evs {
		switch e.What {
		case "同一事件":
			same = append(same, e)
		case "时间不详的事件":
			unknown = append(unknown, e)
		}
	}
	if len(same) != 1 || fmt.Sprint(same[0].Exhibits) != "[1 4]" {
		t.Errorf("duplicates not merged: %+v", same)
	}
	if len(unknown) != 1 || evs[len(evs)-1].What != "时间不详的事件" || unknown[0].When() != "时间不详" {
		t.Errorf("unknown-time event not last: %+v", evs)
	}
	if s := unknown[0].Sentence(); s != "时间不详的事件（证据2）。" {
		t.Errorf("sentence %q", s)
	}
}

func TestDocText(t *testing.T) {
	d := &Doc{Title: "标题", Sections: []Section{{Heading: "一", Paragraphs: []string{"甲", "乙"}}, {Paragraphs: []string{"丙"}}}}
	if got, want := d.Text(), "标题\n\n一\n甲\n乙\n\n丙\n"; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	ts := loadTemplates(t)
	a, _ := ts.Complaint12315(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow)
	b, _ := ts.Complaint12315(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow)
	if a.Text() != b.Text() || strings.Contains(a.Text(), "\r") || !utf8.ValidString(a.Text()) {
		t.Error("text not deterministic, or has CR or invalid UTF-8")
	}
}

// TestTemplatesAreData: a different template set changes the documents
// without touching Go code, and a set missing a document is refused.
func TestTemplatesAreData(t *testing.T) {
	fsys := fstest.MapFS{
		"letters/all.tmpl": {Data: []byte(`{{define "complaint12315"}}# 自定义投诉书
## 金额
{{yuan .Refund}}于{{date .PaidAt}}{{cite .Law.PaidCite}}
{{end}}{{define "arbitration"}}# 仲裁{{end}}{{define "demand"}}# 催告{{end}}{{define "payment"}}# 支付{{end}}`)},
	}
	ts, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ts.Complaint12315(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Text(), "自定义投诉书\n\n金额\n128.00元于2026年9月3日（证据1、证据3）\n"; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	delete(fsys, "letters/all.tmpl")
	fsys["letters/some.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "complaint12315"}}x{{end}}`)}
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), "arbitration") {
		t.Errorf("missing templates: err = %v", err)
	}
	fsys["letters/some.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "complaint12315"}}{{.NoSuchField}}{{end}}{{define "arbitration"}}{{end}}{{define "demand"}}{{end}}{{define "payment"}}{{end}}`)}
	ts, err = Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Complaint12315(fixtureCase(t), nil, nil, fixedNow); err == nil {
		t.Error("a template error was not reported")
	}
}

// TestEmbedded checks that the embedded templates load and match the files.
func TestEmbedded(t *testing.T) {
	d, err := Complaint12315(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := loadTemplates(t).Complaint12315(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow)
	if d.Text() != want.Text() {
		t.Error("embedded templates differ from templates/letters (rebuild)")
	}
	for _, f := range []func() (*Doc, error){
		func() (*Doc, error) { return DemandLetter(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow) },
		func() (*Doc, error) { return PaymentComplaint(fixtureCase(t), fixtureItems(), fixtureResult()) },
	} {
		if _, err := f(); err != nil {
			t.Error(err)
		}
	}
	if _, err := Arbitration(fixtureCase(t), nil, nil, fixedNow); !errors.Is(err, ErrNoArbitrationClause) {
		t.Errorf("Arbitration without clause: %v", err)
	}
}

// TestNoIdentity: a respondent without name still gets a document, marked
// 不详, with a warning.
func TestNoIdentity(t *testing.T) {
	c := fixtureCase(t)
	c.Respondent = casefile.Party{}
	res := fixtureResult()
	res.Flags.NoIdentity = true
	d, err := loadTemplates(t).Complaint12315(c, fixtureItems(), res, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "被投诉人", section(t, d, "被投诉人"), "名称：不详", "统一社会信用代码：不详")
	mustContain(t, "warnings", strings.Join(d.Warnings, "\n"), "被投诉人身份信息不足")
}

func TestCommission(t *testing.T) {
	tests := map[string]string{
		"因本协议产生的争议，双方同意提交广州仲裁委员会仲裁。":             "广州仲裁委员会",
		"任何争议应向深圳国际仲裁院申请仲裁":                      "",
		"争议由北京仲裁委员会仲裁":                           "北京仲裁委员会",
		"Disputes go to 上海仲裁委员会 for arbitration": "上海仲裁委员会",
		"提交仲裁委员会":                                "",
	}
	for in, want := range tests {
		if got := commission(in); got != want {
			t.Errorf("commission(%q) = %q, want %q", in, got, want)
		}
	}
}
