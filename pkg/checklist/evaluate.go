package checklist

import (
	"strings"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/templates"
)

// Run loads the rule set of the case's type from the embedded templates and
// evaluates it. It is Load(templates.FS, c.Type) followed by Evaluate.
func Run(c *casefile.Case, items []*evidence.Item, now time.Time) (*Result, error) {
	typ := casefile.TypeVirtualGoods
	if c != nil && c.Type != "" {
		typ = c.Type
	}
	rs, err := Load(templates.FS, typ)
	if err != nil {
		return nil, err
	}
	return Evaluate(rs, c, items, now), nil
}

// Evaluate checks the case and its exhibits against the rule set and runs
// every cross-check. now is the packaging time (never the wall clock inside
// this package). The result is deterministic: requirements in rule-file
// order, findings by severity then in a fixed order of checks, exhibits
// ascending. A nil rule set evaluates the cross-checks only.
func Evaluate(rs *RuleSet, c *casefile.Case, items []*evidence.Item, now time.Time) *Result {
	s := newState(c, items, now)
	res := &Result{CaseType: s.c.Type, Requirements: []Requirement{}, Findings: []Finding{}, Deadlines: []Deadline{}}
	if rs != nil {
		res.RuleSet = rs.Name
		for _, r := range rs.Rules {
			met, ex := s.eval(r.When)
			q := Requirement{ID: r.ID, Link: r.Link, Title: r.Title, Required: r.Required, Met: met, Exhibits: []int{}}
			if met {
				q.Exhibits = sortedUnique(ex)
			} else {
				q.Hint = r.Hint
			}
			res.Requirements = append(res.Requirements, q)
		}
	}
	res.Amounts = s.amounts
	s.crossChecks(res)
	res.Complete = len(res.Missing()) == 0 && len(res.Errors()) == 0
	return res
}

// eval returns whether the predicate holds and the exhibits behind it.
func (s *state) eval(p Predicate) (bool, []int) {
	switch p.Op {
	case OpKind:
		var ex []int
		for _, in := range s.items {
			if contains(p.Kinds, in.kind) {
				ex = append(ex, in.it.Index)
			}
		}
		return len(ex) > 0, ex
	case OpFact:
		return s.hasFact[p.Fact], s.facts[p.Fact]
	case OpKeyword:
		return s.keyword(p.In, p.Words)
	case OpTimeOrder:
		var ex []int
		var prev stamp
		for i, stage := range p.Stages {
			st, ok := s.first(stage)
			if !ok {
				return false, nil
			}
			if i > 0 && before(st, prev) {
				return false, nil
			}
			prev = st
			ex = append(ex, st.exhibits...)
		}
		return true, ex
	case OpAmount:
		l, lok, lex := s.figure(p.Amount.Left)
		r, rok, rex := p.Amount.Cents, true, []int(nil)
		if p.Amount.Right != "" {
			r, rok, rex = s.figure(p.Amount.Right)
		}
		if !lok || !rok || !compare(l, p.Amount.Op, r) {
			return false, nil
		}
		return true, append(lex, rex...)
	case OpAll:
		var ex []int
		for _, sub := range p.Sub {
			ok, e := s.eval(sub)
			if !ok {
				return false, nil
			}
			ex = append(ex, e...)
		}
		return true, ex
	case OpAny:
		met := false
		var ex []int
		for _, sub := range p.Sub {
			if ok, e := s.eval(sub); ok {
				met = true
				ex = append(ex, e...)
			}
		}
		return met, ex
	}
	return false, nil
}

// before reports whether a happened before b, comparing by day when either
// is known only to the day.
func before(a, b stamp) bool {
	if a.day || b.day {
		return dayOf(a.t).Before(dayOf(b.t))
	}
	return a.t.Before(b.t)
}

func dayOf(t time.Time) time.Time {
	t = t.In(evidence.CST)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, evidence.CST)
}

func (s *state) keyword(sources, words []string) (bool, []int) {
	fw := make([]string, 0, len(words))
	for _, w := range words {
		if f := fold(w); f != "" {
			fw = append(fw, f)
		}
	}
	met := false
	var ex []int
	has := func(text string) bool { return containsAny(text, fw) }
	for _, src := range sources {
		switch src {
		case InProblem:
			met = met || has(fold(s.c.Problem))
		case InDemands:
			met = met || has(fold(strings.Join(s.c.Demands, "\n")))
		case InOrder:
			met = met || has(fold(s.c.Order.Item+"\n"+s.c.Order.Promised))
		case InEvents:
			for _, ev := range s.c.Events {
				if has(fold(ev.What)) {
					if e := s.eventExhibits(ev); len(e) > 0 {
						met = true
						ex = append(ex, e...)
					}
				}
			}
		}
		for _, in := range s.items {
			hit := false
			switch src {
			case InTitle:
				hit = has(in.fTitle)
			case InProves:
				hit = has(in.fProves)
			case InFileName:
				hit = has(in.fPath)
			case InText:
				hit = has(in.fTitle) || has(in.fProves) || s.chatHas(in, fw)
			case InChat:
				hit = s.chatHas(in, fw)
			}
			if hit {
				met = true
				ex = append(ex, in.it.Index)
			}
		}
	}
	return met, ex
}

func (s *state) chatHas(in itemInfo, fw []string) bool {
	for _, m := range in.fMsgs {
		if containsAny(m, fw) {
			return true
		}
	}
	return false
}
