package checklist

// Prompt is one thing the checklist still needs, phrased for `evipack init`
// to write as a commented line into case.yaml.
type Prompt struct {
	Link     string   // LinkTransaction, LinkBreach or LinkLoss
	ID       string   // requirement id
	Title    string   // requirement title
	Required bool     // a required requirement
	Hint     string   // what to capture and how
	Kinds    []string // evidence kinds that can meet it
	Proves   string   // suggested 证明目的 for such an exhibit, may be ""
	Text     string   // "交易：还缺少付款记录（…）——付款截图要…"
}

// Comment returns the prompt as a YAML comment line: "# " + Text.
func (p Prompt) Comment() string { return "# " + p.Text }

// Prompts lists, link by link (交易, 违约, 损失) and in rule order, the
// requirements of rs that res does not meet, required ones before optional
// ones within a link. A nil res means nothing is met yet.
func Prompts(rs *RuleSet, res *Result) []Prompt {
	if rs == nil {
		return nil
	}
	met := map[string]bool{}
	if res != nil {
		for _, q := range res.Requirements {
			met[q.ID] = q.Met
		}
	}
	var out []Prompt
	for _, link := range []string{LinkTransaction, LinkBreach, LinkLoss} {
		for _, required := range []bool{true, false} {
			for _, r := range rs.Rules {
				if r.Link != link || r.Required != required || met[r.ID] {
					continue
				}
				text := r.Link + "：还缺少" + r.Title + "——" + r.Hint
				if !r.Required {
					text = r.Link + "：（可选）" + r.Title + "——" + r.Hint
				}
				out = append(out, Prompt{Link: r.Link, ID: r.ID, Title: r.Title, Required: r.Required, Hint: r.Hint, Kinds: r.Kinds(), Proves: r.Proves, Text: text})
			}
		}
	}
	return out
}
