package checklist

import (
	"errors"
	"strconv"
)

// Sentinel errors wrapped by *LoadError, for callers that branch on the kind
// of problem.
var (
	// ErrUnknownKey means a rule file has a key this package does not know.
	ErrUnknownKey = errors.New("unknown key")
	// ErrUnknownPredicate means a rule names a predicate, fact, text source,
	// time stage or amount figure outside the fixed set.
	ErrUnknownPredicate = errors.New("unknown predicate")
	// ErrInvalid means a value has the wrong type or is out of range.
	ErrInvalid = errors.New("invalid rule")
	// ErrNoRuleSet means there is no rule set for the case type.
	ErrNoRuleSet = errors.New("no rule set")
)

// LoadError is a problem in a rule file, with the line and key it concerns.
type LoadError struct {
	Name string // rule file name, e.g. "checklists/virtual-goods.yaml"
	Line int    // 1-based; 0 when it concerns the whole file
	Key  string // the key or predicate concerned, "" when none
	Msg  string // English, lowercase
	Err  error  // one of the sentinels above, or a lower-level cause
}

func (e *LoadError) Error() string {
	s := "load checklist " + e.Name
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	s += ": "
	if e.Key != "" {
		s += strconv.Quote(e.Key) + ": "
	}
	s += e.Msg
	if e.Err != nil && e.Err.Error() != e.Msg {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *LoadError) Unwrap() error { return e.Err }
