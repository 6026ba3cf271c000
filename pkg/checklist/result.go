// Package checklist checks a case against the evidence chain every reviewer
// asks for — 交易 (they paid), 违约 (the seller did not perform), 损失 (what
// they lost) — with declarative rule sets per case type (templates/
// checklists/*.yaml) evaluated by a small, fixed set of predicates, plus
// cross-checks on amounts, the order of events, deadlines and risk flags.
package checklist

import "time"

// Severity of a finding.
type Severity string

// Severities. SeverityError marks a required link that is missing or a
// problem that gets a complaint turned away; `check` exits 3 on any.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Links of the evidence chain.
const (
	LinkTransaction = "交易"
	LinkBreach      = "违约"
	LinkLoss        = "损失"
)

// Requirement is one rule of a rule set and how the case meets it.
type Requirement struct {
	ID       string `json:"id"`       // stable, from the rule set, e.g. "payment-record"
	Link     string `json:"link"`     // LinkTransaction, LinkBreach or LinkLoss
	Title    string `json:"title"`    // Chinese, e.g. "付款记录（订单号、金额、时间、收款方）"
	Required bool   `json:"required"` // a missing required rule fails the check
	Met      bool   `json:"met"`
	Exhibits []int  `json:"exhibits"`       // indices (证据N) of the items that satisfy it
	Hint     string `json:"hint,omitempty"` // Chinese: what to capture and how, when not met
}

// Finding is the result of a cross-check.
type Finding struct {
	ID       string   `json:"id"` // stable, e.g. "amount-mismatch", "void-contract"
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`  // Chinese, one line
	Detail   string   `json:"detail"` // Chinese: the facts found, citing 证据N
	Fix      string   `json:"fix"`    // Chinese: what to do about it
	Exhibits []int    `json:"exhibits,omitempty"`
}

// Amounts are the money figures of the case, in fen, each traced to the
// exhibits it comes from.
type Amounts struct {
	Claimed      int64 `json:"claimed_cents"`  // order.amount in case.yaml
	Paid         int64 `json:"paid_cents"`     // payments to the respondent found in payment records
	Refunded     int64 `json:"refunded_cents"` // refunds received from the respondent
	Loss         int64 `json:"loss_cents"`     // Paid − Refunded, or Claimed when no record was parsed
	PaidFrom     []int `json:"paid_from,omitempty"`
	RefundedFrom []int `json:"refunded_from,omitempty"`
}

// Flags are the risk flags the documents depend on.
type Flags struct {
	VoidContract     bool `json:"void_contract"`      // 刷赞/刷单-type purchase: frame the demand as return of payment (民法典 157)
	NoIdentity       bool `json:"no_identity"`        // respondent cannot be identified
	NoArbitration    bool `json:"no_arbitration"`     // no arbitration clause: no 仲裁申请书
	FraudAlleged     bool `json:"fraud_alleged"`      // case.yaml alleges fraud (欺诈)
	TripleDamages    bool `json:"triple_damages"`     // 三倍赔偿 may be asked (fraud alleged and contract not void)
	DemandSent       bool `json:"demand_sent"`        // a dated demand to the seller is on record
	DemandDeadlineOK bool `json:"demand_deadline_ok"` // its deadline has passed (or none was set and 7 days passed)
}

// Deadline is a time limit that applies to the case.
type Deadline struct {
	ID    string    `json:"id"` // "limitation", "12315-bar", "no-reason-return"
	Title string    `json:"title"`
	Due   time.Time `json:"due"`
	Note  string    `json:"note"` // Chinese, incl. the basis (e.g. 民法典第一百八十八条)
}

// Result is the complete checklist of one case: every requirement and
// every finding, never just the first problem.
type Result struct {
	CaseType     string        `json:"case_type"`
	RuleSet      string        `json:"rule_set"` // file name of the rule set used
	Requirements []Requirement `json:"requirements"`
	Findings     []Finding     `json:"findings"`
	Amounts      Amounts       `json:"amounts"`
	Flags        Flags         `json:"flags"`
	Deadlines    []Deadline    `json:"deadlines"`
	Complete     bool          `json:"complete"` // every required requirement met and no error finding
}

// Missing returns the required requirements that are not met.
func (r *Result) Missing() []Requirement {
	var out []Requirement
	for _, q := range r.Requirements {
		if q.Required && !q.Met {
			out = append(out, q)
		}
	}
	return out
}

// Errors returns the findings of severity error.
func (r *Result) Errors() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			out = append(out, f)
		}
	}
	return out
}
