package checklist

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/evipack/evipack/pkg/casefile"
)

// RuleSetVersion is the only rule-file schema version this package reads.
const RuleSetVersion = 1

// Limits on rule files, so a hostile file cannot exhaust memory or stack.
const (
	MaxRuleFileBytes = 1 << 20
	MaxRequirements  = 500
	MaxPredicateDeep = 16
	maxListItems     = 200
)

// Dir is the folder of the rule sets inside templates.FS.
const Dir = "checklists"

// RuleSet is the checklist of one case type, loaded from a YAML rule file.
type RuleSet struct {
	Name     string // file name, e.g. "virtual-goods.yaml"
	CaseType string // case_type in the file
	Title    string // Chinese name of the case type
	Rules    []Rule // in file order
}

// Rule is one requirement of a rule set.
type Rule struct {
	ID       string
	Link     string // LinkTransaction, LinkBreach or LinkLoss
	Title    string
	Required bool
	When     Predicate
	Hint     string // Chinese: what to capture and how
	Proves   string // suggested 证明目的 for an exhibit that meets the rule, may be ""
	Line     int
}

// Predicate operators, the fixed set a rule file may use.
const (
	OpKind      = "kind"       // an exhibit of one of the kinds is present
	OpFact      = "fact"       // an extracted fact is present (see Facts)
	OpKeyword   = "keyword"    // a word occurs in the named texts
	OpTimeOrder = "time-order" // the stages are all dated and in order
	OpAmount    = "amount"     // a relation between money figures holds
	OpAny       = "any"        // at least one sub-predicate holds
	OpAll       = "all"        // every sub-predicate holds
)

// Facts extracted from the case and its evidence, usable with `fact:`.
const (
	FactPaymentRow        = "payment-row-for-respondent" // a parsed bill row paying the respondent
	FactRespondentID      = "respondent-identity"        // an exhibit identifying the respondent
	FactPromise           = "promise"                    // the seller's promise
	FactFailure           = "failure"                    // the actual result: not delivered, invalid, failed
	FactDemand            = "demand"                     // a demand to the seller
	FactDemandDated       = "demand-dated"               // a demand with a known time
	FactRefusal           = "refusal"                    // the seller's refusal or silence
	FactArbitrationClause = "arbitration-clause"         // the case names an arbitration clause
)

// Facts returns the fact names a rule may use, in a fixed order.
func Facts() []string {
	return []string{FactPaymentRow, FactRespondentID, FactPromise, FactFailure, FactDemand, FactDemandDated, FactRefusal, FactArbitrationClause}
}

// Text sources of the keyword predicate.
const (
	InChat     = "chat"     // chat message texts (exhibit)
	InTitle    = "title"    // exhibit titles
	InProves   = "proves"   // exhibit 证明目的
	InText     = "text"     // title, proves and chat together
	InProblem  = "problem"  // case.yaml problem
	InDemands  = "demands"  // case.yaml demands
	InOrder    = "order"    // case.yaml order item and promise
	InEvents   = "events"   // case.yaml events (their exhibits)
	InFileName = "filename" // exhibit paths
)

func textSources() []string {
	return []string{InChat, InTitle, InProves, InText, InProblem, InDemands, InOrder, InEvents, InFileName}
}

// Stages of the time-order predicate, in the order they should happen.
const (
	StagePaid     = "paid"
	StagePromised = "promised"
	StageFailure  = "failure"
	StageDemand   = "demand"
	StageRefusal  = "refusal"
)

// Stages returns the time stages in their expected order.
func Stages() []string {
	return []string{StagePaid, StagePromised, StageFailure, StageDemand, StageRefusal}
}

// Money figures of the amount predicate.
const (
	FigureClaimed  = "claimed"
	FigurePaid     = "paid"
	FigureRefunded = "refunded"
	FigureLoss     = "loss"
)

func figures() []string {
	return []string{FigureClaimed, FigurePaid, FigureRefunded, FigureLoss}
}

// Predicate is a test a rule makes on the case. Exactly the fields of its Op
// are set.
type Predicate struct {
	Op     string
	Kinds  []string    // OpKind
	Fact   string      // OpFact
	In     []string    // OpKeyword: text sources
	Words  []string    // OpKeyword: any of these words
	Stages []string    // OpTimeOrder
	Amount AmountExpr  // OpAmount
	Sub    []Predicate // OpAny, OpAll
	Line   int
}

// AmountExpr is "figure op figure" or "figure op yuan", e.g. "loss > 0".
type AmountExpr struct {
	Left  string
	Op    string // >, >=, <, <=, ==, !=
	Right string // a figure, or "" when Cents is the right side
	Cents int64
}

func (a AmountExpr) String() string {
	r := a.Right
	if r == "" {
		r = casefile.Money(a.Cents).String()
	}
	return a.Left + " " + a.Op + " " + r
}

// Kinds returns the evidence kinds named anywhere in the rule's predicate.
func (r Rule) Kinds() []string {
	var out []string
	var walk func(p Predicate)
	walk = func(p Predicate) {
		out = append(out, p.Kinds...)
		for _, s := range p.Sub {
			walk(s)
		}
	}
	walk(r.When)
	return uniqueStrings(out)
}

// ProvesFor returns the suggested 证明目的 of the first rule that an exhibit
// of the given kind can meet, for `evipack init`.
func (rs *RuleSet) ProvesFor(kind string) (string, bool) {
	if rs == nil {
		return "", false
	}
	for _, r := range rs.Rules {
		if r.Proves == "" {
			continue
		}
		for _, k := range r.Kinds() {
			if k == kind {
				return r.Proves, true
			}
		}
	}
	return "", false
}

var caseTypeName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// Load reads the rule set of caseType from fsys (normally templates.FS) at
// checklists/<caseType>.yaml.
func Load(fsys fs.FS, caseType string) (*RuleSet, error) {
	name := path.Join(Dir, caseType+".yaml")
	if !caseTypeName.MatchString(caseType) {
		return nil, &LoadError{Name: name, Key: caseType, Msg: "not a case type name", Err: ErrNoRuleSet}
	}
	f, err := fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &LoadError{Name: name, Msg: "no rule set for case type " + strconv.Quote(caseType), Err: ErrNoRuleSet}
		}
		return nil, &LoadError{Name: name, Msg: "open", Err: err}
	}
	defer f.Close()
	rs, err := LoadFile(f, name)
	if err != nil {
		return nil, err
	}
	if rs.CaseType != caseType {
		return nil, &LoadError{Name: name, Key: "case_type", Msg: fmt.Sprintf("case_type %q does not match the file name", rs.CaseType), Err: ErrInvalid}
	}
	return rs, nil
}

// LoadFile reads one rule file. name is used in errors and as RuleSet.Name
// (its base name). Every error is a *LoadError.
func LoadFile(r io.Reader, name string) (*RuleSet, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRuleFileBytes+1))
	if err != nil {
		return nil, &LoadError{Name: name, Msg: "read", Err: err}
	}
	if len(data) > MaxRuleFileBytes {
		return nil, &LoadError{Name: name, Msg: fmt.Sprintf("larger than %d bytes", MaxRuleFileBytes), Err: ErrInvalid}
	}
	p := &ruleParser{name: name}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errf(0, "", ErrInvalid, "empty rule file")
		}
		return nil, &LoadError{Name: name, Msg: "yaml syntax", Err: err}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, p.errf(extra.Line, "", ErrInvalid, "more than one yaml document")
	} else if !errors.Is(err, io.EOF) {
		return nil, &LoadError{Name: name, Msg: "yaml syntax", Err: err}
	}
	rs, err := p.ruleSet(&doc)
	if err != nil {
		return nil, err
	}
	rs.Name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	return rs, nil
}

type ruleParser struct{ name string }

func (p *ruleParser) errf(line int, key string, sentinel error, format string, args ...any) *LoadError {
	return &LoadError{Name: p.name, Line: line, Key: key, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar"
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// pairs returns the key/value nodes of a mapping, rejecting duplicate and
// non-string keys.
func (p *ruleParser) pairs(n *yaml.Node, what string) ([][2]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n.Line, what, ErrInvalid, "expected a mapping, found %s", nodeKind(n))
	}
	seen := map[string]bool{}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, p.errf(k.Line, what, ErrInvalid, "expected a key, found %s", nodeKind(k))
		}
		if seen[k.Value] {
			return nil, p.errf(k.Line, k.Value, ErrInvalid, "duplicate key")
		}
		seen[k.Value] = true
		if v.Kind == yaml.AliasNode {
			return nil, p.errf(v.Line, k.Value, ErrInvalid, "aliases are not allowed")
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

func (p *ruleParser) str(n *yaml.Node, key string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errf(n.Line, key, ErrInvalid, "expected text, found %s", nodeKind(n))
	}
	return strings.TrimSpace(n.Value), nil
}

func (p *ruleParser) strList(n *yaml.Node, key string) ([]string, error) {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		s, err := p.str(n, key)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n.Line, key, ErrInvalid, "expected a list, found %s", nodeKind(n))
	}
	if len(n.Content) == 0 || len(n.Content) > maxListItems {
		return nil, p.errf(n.Line, key, ErrInvalid, "expected 1 to %d items, found %d", maxListItems, len(n.Content))
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, err := p.str(c, key)
		if err != nil {
			return nil, err
		}
		if s == "" {
			return nil, p.errf(c.Line, key, ErrInvalid, "empty item")
		}
		out = append(out, s)
	}
	return out, nil
}

func (p *ruleParser) ruleSet(doc *yaml.Node) (*RuleSet, error) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, p.errf(doc.Line, "", ErrInvalid, "expected one mapping")
	}
	kv, err := p.pairs(doc.Content[0], "")
	if err != nil {
		return nil, err
	}
	rs := &RuleSet{}
	version := 0
	haveReqs := false
	for _, e := range kv {
		k, v := e[0], e[1]
		switch k.Value {
		case "version":
			n, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil || n != RuleSetVersion {
				return nil, p.errf(v.Line, "version", ErrInvalid, "only version %d is supported", RuleSetVersion)
			}
			version = n
		case "case_type":
			if rs.CaseType, err = p.str(v, k.Value); err != nil {
				return nil, err
			}
			if !caseTypeName.MatchString(rs.CaseType) {
				return nil, p.errf(v.Line, k.Value, ErrInvalid, "not a case type name")
			}
		case "title":
			if rs.Title, err = p.str(v, k.Value); err != nil {
				return nil, err
			}
		case "requirements":
			haveReqs = true
			if rs.Rules, err = p.rules(v); err != nil {
				return nil, err
			}
		default:
			return nil, p.errf(k.Line, k.Value, ErrUnknownKey, "unknown key")
		}
	}
	switch {
	case version == 0:
		return nil, p.errf(doc.Line, "version", ErrInvalid, "missing")
	case rs.CaseType == "":
		return nil, p.errf(doc.Line, "case_type", ErrInvalid, "missing")
	case !haveReqs:
		return nil, p.errf(doc.Line, "requirements", ErrInvalid, "missing")
	}
	return rs, nil
}

var ruleID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

func (p *ruleParser) rules(n *yaml.Node) ([]Rule, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n.Line, "requirements", ErrInvalid, "expected a list, found %s", nodeKind(n))
	}
	if len(n.Content) > MaxRequirements {
		return nil, p.errf(n.Line, "requirements", ErrInvalid, "more than %d requirements", MaxRequirements)
	}
	seen := map[string]int{}
	out := make([]Rule, 0, len(n.Content))
	for _, rn := range n.Content {
		r, err := p.rule(rn)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[r.ID]; dup {
			return nil, p.errf(r.Line, r.ID, ErrInvalid, "duplicate requirement id (first on line %d)", first)
		}
		seen[r.ID] = r.Line
		out = append(out, r)
	}
	return out, nil
}

func (p *ruleParser) rule(n *yaml.Node) (Rule, error) {
	r := Rule{Line: n.Line}
	kv, err := p.pairs(n, "requirements")
	if err != nil {
		return r, err
	}
	haveWhen := false
	for _, e := range kv {
		k, v := e[0], e[1]
		switch k.Value {
		case "id":
			r.ID, err = p.str(v, k.Value)
			if err == nil && !ruleID.MatchString(r.ID) {
				err = p.errf(v.Line, k.Value, ErrInvalid, "%q is not an id of lower-case letters, digits and dashes", r.ID)
			}
		case "link":
			r.Link, err = p.str(v, k.Value)
			if err == nil && r.Link != LinkTransaction && r.Link != LinkBreach && r.Link != LinkLoss {
				err = p.errf(v.Line, k.Value, ErrInvalid, "%q is not one of %s, %s, %s", r.Link, LinkTransaction, LinkBreach, LinkLoss)
			}
		case "title":
			r.Title, err = p.str(v, k.Value)
		case "hint":
			r.Hint, err = p.str(v, k.Value)
		case "proves":
			r.Proves, err = p.str(v, k.Value)
		case "required":
			if v.Kind != yaml.ScalarNode {
				err = p.errf(v.Line, k.Value, ErrInvalid, "expected true or false")
				break
			}
			switch v.Value {
			case "true":
				r.Required = true
			case "false":
				r.Required = false
			default:
				err = p.errf(v.Line, k.Value, ErrInvalid, "expected true or false, found %q", v.Value)
			}
		case "when":
			haveWhen = true
			r.When, err = p.predicate(v, 0)
		default:
			err = p.errf(k.Line, k.Value, ErrUnknownKey, "unknown key")
		}
		if err != nil {
			return r, err
		}
	}
	for _, need := range []struct{ key, val string }{{"id", r.ID}, {"link", r.Link}, {"title", r.Title}, {"hint", r.Hint}} {
		if need.val == "" {
			return r, p.errf(n.Line, need.key, ErrInvalid, "missing in requirement")
		}
	}
	if !haveWhen {
		return r, p.errf(n.Line, "when", ErrInvalid, "missing in requirement %s", r.ID)
	}
	return r, nil
}

func (p *ruleParser) predicate(n *yaml.Node, depth int) (Predicate, error) {
	pr := Predicate{Line: n.Line}
	if depth >= MaxPredicateDeep {
		return pr, p.errf(n.Line, "", ErrInvalid, "predicates nested deeper than %d", MaxPredicateDeep)
	}
	kv, err := p.pairs(n, "when")
	if err != nil {
		return pr, err
	}
	if len(kv) != 1 {
		return pr, p.errf(n.Line, "", ErrInvalid, "a predicate has exactly one key, found %d", len(kv))
	}
	k, v := kv[0][0], kv[0][1]
	pr.Op, pr.Line = k.Value, k.Line
	switch k.Value {
	case OpKind:
		if pr.Kinds, err = p.strList(v, k.Value); err != nil {
			return pr, err
		}
		for _, kind := range pr.Kinds {
			if !casefile.ValidKind(kind) {
				return pr, p.errf(v.Line, kind, ErrUnknownPredicate, "unknown evidence kind (known: %s)", strings.Join(casefile.Kinds(), ", "))
			}
		}
	case OpFact:
		if pr.Fact, err = p.str(v, k.Value); err != nil {
			return pr, err
		}
		if !contains(Facts(), pr.Fact) {
			return pr, p.errf(v.Line, pr.Fact, ErrUnknownPredicate, "unknown fact (known: %s)", strings.Join(Facts(), ", "))
		}
	case OpKeyword:
		kw, err := p.pairs(v, k.Value)
		if err != nil {
			return pr, err
		}
		for _, e := range kw {
			switch e[0].Value {
			case "in":
				if pr.In, err = p.strList(e[1], "in"); err != nil {
					return pr, err
				}
				for _, s := range pr.In {
					if !contains(textSources(), s) {
						return pr, p.errf(e[1].Line, s, ErrUnknownPredicate, "unknown text source (known: %s)", strings.Join(textSources(), ", "))
					}
				}
			case "any":
				if pr.Words, err = p.strList(e[1], "any"); err != nil {
					return pr, err
				}
			default:
				return pr, p.errf(e[0].Line, e[0].Value, ErrUnknownKey, "unknown key in keyword (known: in, any)")
			}
		}
		if len(pr.In) == 0 || len(pr.Words) == 0 {
			return pr, p.errf(v.Line, k.Value, ErrInvalid, "keyword needs both in and any")
		}
	case OpTimeOrder:
		if pr.Stages, err = p.strList(v, k.Value); err != nil {
			return pr, err
		}
		seen := map[string]bool{}
		for _, s := range pr.Stages {
			if !contains(Stages(), s) {
				return pr, p.errf(v.Line, s, ErrUnknownPredicate, "unknown time stage (known: %s)", strings.Join(Stages(), ", "))
			}
			if seen[s] {
				return pr, p.errf(v.Line, s, ErrInvalid, "stage named twice")
			}
			seen[s] = true
		}
		if len(pr.Stages) < 2 {
			return pr, p.errf(v.Line, k.Value, ErrInvalid, "needs at least two stages")
		}
	case OpAmount:
		s, err := p.str(v, k.Value)
		if err != nil {
			return pr, err
		}
		if pr.Amount, err = p.amount(s, v.Line); err != nil {
			return pr, err
		}
	case OpAny, OpAll:
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 || len(v.Content) > maxListItems {
			return pr, p.errf(v.Line, k.Value, ErrInvalid, "expected a list of 1 to %d predicates", maxListItems)
		}
		for _, c := range v.Content {
			sub, err := p.predicate(c, depth+1)
			if err != nil {
				return pr, err
			}
			pr.Sub = append(pr.Sub, sub)
		}
	default:
		return pr, p.errf(k.Line, k.Value, ErrUnknownPredicate, "unknown predicate (known: kind, fact, keyword, time-order, amount, any, all)")
	}
	return pr, nil
}

func (p *ruleParser) amount(s string, line int) (AmountExpr, error) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return AmountExpr{}, p.errf(line, "amount", ErrInvalid, "expected \"figure op value\", e.g. \"loss > 0\", found %q", s)
	}
	a := AmountExpr{Left: f[0], Op: f[1]}
	if !contains(figures(), a.Left) {
		return a, p.errf(line, a.Left, ErrUnknownPredicate, "unknown amount figure (known: %s)", strings.Join(figures(), ", "))
	}
	if !contains([]string{">", ">=", "<", "<=", "==", "!="}, a.Op) {
		return a, p.errf(line, a.Op, ErrInvalid, "unknown comparison")
	}
	if contains(figures(), f[2]) {
		a.Right = f[2]
		return a, nil
	}
	m, err := casefile.ParseMoney(f[2])
	if err != nil {
		return a, p.errf(line, f[2], ErrUnknownPredicate, "neither an amount figure (%s) nor an amount in yuan", strings.Join(figures(), ", "))
	}
	a.Cents = int64(m)
	return a, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func uniqueStrings(in []string) []string {
	var out []string
	for _, s := range in {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
