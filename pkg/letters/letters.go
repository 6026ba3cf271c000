package letters

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/templates"
)

// TemplateGlob is where the letter templates live inside the template FS.
const TemplateGlob = "letters/*.tmpl"

// Names of the templates each document is executed from.
const (
	tmplComplaint   = "complaint12315"
	tmplArbitration = "arbitration"
	tmplDemand      = "demand"
	tmplPayment     = "payment"
)

// Templates are the parsed letter templates.
//
// A template writes a light markup, one paragraph per line: "# " starts the
// title, "## " starts a section (a bare "##" one without a heading), any
// other non-blank line is a paragraph of the current section, and blank
// lines are dropped. User text reaches the templates flattened to one line,
// so it can never start a heading.
type Templates struct {
	t *template.Template
}

// Load parses TemplateGlob from fsys (templates.FS in production, an
// fstest.MapFS in tests) and checks that every document template is there.
func Load(fsys fs.FS) (*Templates, error) {
	t, err := template.New("letters").Funcs(funcs()).Option("missingkey=error").ParseFS(fsys, TemplateGlob)
	if err != nil {
		return nil, fmt.Errorf("letters: load templates: %w", err)
	}
	for _, name := range []string{tmplComplaint, tmplArbitration, tmplDemand, tmplPayment} {
		if t.Lookup(name) == nil {
			return nil, fmt.Errorf("letters: load templates %s: no template %q", TemplateGlob, name)
		}
	}
	return &Templates{t: t}, nil
}

// Default loads the templates embedded in the binary.
func Default() (*Templates, error) { return Load(templates.FS) }

func funcs() template.FuncMap {
	return template.FuncMap{
		"yuan": func(fen int64) string { return yuan(fen) },
		"date": func(v any) (string, error) {
			switch t := v.(type) {
			case time.Time:
				return dateOf(t), nil
			case casefile.Time:
				if t.IsZero() {
					return "", nil
				}
				return dateOf(t.Time), nil
			}
			return "", fmt.Errorf("date: unsupported %T", v)
		},
		"when":  func(t casefile.Time) string { return t.Chinese() },
		"cite":  cite,
		"fact":  fact,
		"inc":   func(i int) int { return i + 1 },
		"runes": runes,
	}
}

// execute runs one template and reads its markup into a Doc.
func (ts *Templates) execute(name, target string, v *view) (*Doc, error) {
	var buf bytes.Buffer
	if err := ts.t.ExecuteTemplate(&buf, name, v); err != nil {
		return nil, fmt.Errorf("letters: execute %s: %w", name, err)
	}
	d := parseMarkup(buf.String())
	d.Target = target
	return d, nil
}

func parseMarkup(s string) *Doc {
	d := &Doc{}
	var cur *Section
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "# "):
			d.Title = strings.TrimSpace(line[2:])
		case line == "##" || strings.HasPrefix(line, "## "):
			d.Sections = append(d.Sections, Section{Heading: strings.TrimSpace(line[2:])})
			cur = &d.Sections[len(d.Sections)-1]
		default:
			if cur == nil {
				d.Sections = append(d.Sections, Section{})
				cur = &d.Sections[len(d.Sections)-1]
			}
			cur.Paragraphs = append(cur.Paragraphs, line)
		}
	}
	// drop sections left empty by conditional template parts
	out := d.Sections[:0]
	for _, sec := range d.Sections {
		if len(sec.Paragraphs) > 0 {
			out = append(out, sec)
		}
	}
	d.Sections = out
	return d
}

func exhibitList(v *view) ([]string, []int) {
	var names []string
	var ids []int
	for _, e := range v.Exhibits {
		names = append(names, e.ID+" "+e.Title)
		ids = append(ids, e.Index)
	}
	return names, ids
}

// Complaint12315 writes the 投诉书 for the 12315 platform: 投诉人, 被投诉人,
// numbered 投诉请求, 事实与理由 (the timeline, the consumer's account and the
// provisions the facts support), 此致, signature and date, and the 证据目录.
func (ts *Templates) Complaint12315(c *casefile.Case, items []*evidence.Item, res *checklist.Result, now time.Time) (*Doc, error) {
	v, warn := build(c, items, res, now, roles12315(), false)
	d, err := ts.execute(tmplComplaint, casefile.Target12315, v)
	if err != nil {
		return nil, err
	}
	d.Attachments, d.Exhibits = exhibitList(v)
	d.Warnings = warn
	return d, nil
}

// Arbitration writes the 仲裁申请书. It refuses, with an error wrapping
// ErrNoArbitrationClause, when the case names no arbitration clause.
func (ts *Templates) Arbitration(c *casefile.Case, items []*evidence.Item, res *checklist.Result, now time.Time) (*Doc, error) {
	if c == nil || strings.TrimSpace(c.ArbitrationClause) == "" {
		return nil, fmt.Errorf("letters: arbitration: %w", ErrNoArbitrationClause)
	}
	v, warn := build(c, items, res, now, rolesArbitration(), true)
	v.Clause = clean(c.ArbitrationClause)
	for _, it := range sortedItems(items) {
		if strings.Contains(it.Title+it.Proves+it.Path, "仲裁") {
			v.ClauseCite = append(v.ClauseCite, it.Index)
		}
	}
	if len(v.ClauseCite) == 0 {
		warn = append(warn, "没有载明仲裁条款的证据：请截取含仲裁条款的页面（显示网址和截取日期），在 case.yaml 中将其标题或证明目的写明“仲裁条款”。")
	}
	v.Commission = commission(v.Clause)
	if v.Commission == "" {
		v.Commission = "________仲裁委员会"
		warn = append(warn, "未能从仲裁条款中识别仲裁委员会的名称，请在“此致”后手工填写。")
	}
	warn = append(warn, "请补填申请人的性别、出生日期、职业、工作单位以及被申请人的法定代表人（主要负责人）；提交前请向仲裁委员会确认立案材料和份数。")
	d, err := ts.execute(tmplArbitration, casefile.TargetArbitration, v)
	if err != nil {
		return nil, err
	}
	d.Attachments, d.Exhibits = exhibitList(v)
	d.Warnings = warn
	return d, nil
}

// DemandLetter writes the 催告函 to the merchant: the order, the payment and
// the failure with their exhibits, and a demand to refund by a date seven
// days after now.
func (ts *Templates) DemandLetter(c *casefile.Case, items []*evidence.Item, res *checklist.Result, now time.Time) (*Doc, error) {
	v, warn := build(c, items, res, now, rolesMerchant(), false)
	warn = dropDemandWarnings(warn)
	warn = append(warn, "请通过能留下记录的方式发送本函（平台站内信、微信/QQ聊天、电子邮件或快递），并截图保存发送记录和对方的回复。")
	d, err := ts.execute(tmplDemand, casefile.TargetMerchant, v)
	if err != nil {
		return nil, err
	}
	d.Attachments, d.Exhibits = exhibitList(v)
	d.Warnings = warn
	return d, nil
}

// dropDemandWarnings removes the advice to send a demand first, which makes
// no sense on the demand letter itself.
func dropDemandWarnings(warn []string) []string {
	out := warn[:0]
	for _, w := range warn {
		if !strings.Contains(w, "催告") {
			out = append(out, w)
		}
	}
	return out
}

// PaymentComplaint writes the WeChat Pay / Alipay complaint: a description
// of at most PaymentTextMax characters (its first section, one paragraph),
// the refund amount to apply for, and the exhibits to upload as images.
func (ts *Templates) PaymentComplaint(c *casefile.Case, items []*evidence.Item, res *checklist.Result) (*Doc, error) {
	v, warn := build(c, items, res, time.Time{}, rolesMerchant(), false)
	v.Text, warn = paymentText(caseOrNew(c), v, res, warn)
	v.PayTitle = payTitle(v.Method)
	ids, w := attachments(items)
	warn = append(warn, w...)
	byIndex := map[int]exhibitView{}
	for _, e := range v.Exhibits {
		byIndex[e.Index] = e
	}
	for _, id := range ids {
		e := byIndex[id]
		v.Attachments = append(v.Attachments, e.ID+" "+e.Title)
	}
	d, err := ts.execute(tmplPayment, casefile.TargetPayment, v)
	if err != nil {
		return nil, err
	}
	d.Attachments, d.Exhibits = v.Attachments, ids
	d.Warnings = dropDemandWarnings(warn)
	return d, nil
}

// PaymentText is the description of PaymentComplaint alone, at most
// PaymentTextMax characters.
func PaymentText(c *casefile.Case, items []*evidence.Item, res *checklist.Result) string {
	v, _ := build(c, items, res, time.Time{}, rolesMerchant(), false)
	s, _ := paymentText(caseOrNew(c), v, res, nil)
	return s
}

func caseOrNew(c *casefile.Case) *casefile.Case {
	if c == nil {
		return casefile.New()
	}
	return c
}

// FormFields12315 splits the complaint into the fields of the 12315 web
// form, each short and with its length, for retyping into a form that blocks
// pasting.
func FormFields12315(c *casefile.Case, items []*evidence.Item, res *checklist.Result) []FormField {
	c = caseOrNew(c)
	v, _ := build(c, items, res, time.Time{}, roles12315(), false)
	orNone := func(s string) string {
		if s == "" {
			return "不详"
		}
		return s
	}
	var where []string
	for _, s := range []string{v.Respondent.Platform, v.Respondent.Shop, v.Respondent.URL} {
		if s != "" {
			where = append(where, s)
		}
	}
	amount := ""
	if v.Price > 0 {
		amount = yuan(v.Price)
	}
	st := &story{seller: respondentName(c), item: v.Item, promise: v.Promised, problem: clean(c.Problem)}
	problem := fit(FormProblemMax, st, func(st *story) string {
		var b strings.Builder
		if st.promise != "" {
			b.WriteString("商家承诺“" + st.promise + "”")
			if by := v.PromisedBy.Chinese(); by != "" {
				b.WriteString("，应于" + by + "前履行")
			}
			b.WriteString("。")
		}
		if p := strings.TrimRight(st.problem, "。 "); p != "" {
			b.WriteString(p + "。")
		} else {
			b.WriteString("商家" + v.Law.Failure + "。")
		}
		if len(v.Exhibits) > 0 {
			b.WriteString("证据见附件（共" + strconv.Itoa(len(v.Exhibits)) + "份）。")
		}
		return b.String()
	})
	var demands []string
	for _, r := range v.Requests {
		demands = append(demands, strings.TrimPrefix(r, "请求被投诉人"))
	}
	demand := clip(strings.Join(demands, "；"), FormDemandMax)
	fields := []FormField{
		{Name: "被投诉企业", Value: orNone(clip(v.Respondent.Name, 60))},
		{Name: "统一社会信用代码", Value: orNone(v.Respondent.CreditCode)},
		{Name: "平台与店铺", Value: orNone(clip(strings.Join(where, "，"), 100))},
		{Name: "商品或服务名称", Value: orNone(clip(v.Item, 60))},
		{Name: "订单号", Value: orNone(v.OrderNo)},
		{Name: "购买时间", Value: orNone(v.PaidAt.Chinese())},
		{Name: "金额", Value: orNone(amount)},
		{Name: "问题描述", Value: problem},
		{Name: "诉求", Value: demand},
	}
	for i := range fields {
		fields[i].Runes = runes(fields[i].Value)
	}
	return fields
}

// The package-level functions use the embedded templates.

// Complaint12315 writes the 投诉书 with the embedded templates.
func Complaint12315(c *casefile.Case, items []*evidence.Item, res *checklist.Result, now time.Time) (*Doc, error) {
	ts, err := Default()
	if err != nil {
		return nil, err
	}
	return ts.Complaint12315(c, items, res, now)
}

// Arbitration writes the 仲裁申请书 with the embedded templates.
func Arbitration(c *casefile.Case, items []*evidence.Item, res *checklist.Result, now time.Time) (*Doc, error) {
	ts, err := Default()
	if err != nil {
		return nil, err
	}
	return ts.Arbitration(c, items, res, now)
}

// DemandLetter writes the 催告函 with the embedded templates.
func DemandLetter(c *casefile.Case, items []*evidence.Item, res *checklist.Result, now time.Time) (*Doc, error) {
	ts, err := Default()
	if err != nil {
		return nil, err
	}
	return ts.DemandLetter(c, items, res, now)
}

// PaymentComplaint writes the payment-platform complaint with the embedded
// templates.
func PaymentComplaint(c *casefile.Case, items []*evidence.Item, res *checklist.Result) (*Doc, error) {
	ts, err := Default()
	if err != nil {
		return nil, err
	}
	return ts.PaymentComplaint(c, items, res)
}
