package checklist

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/payment"
)

// Word lists used to read facts from titles, 证明目的, chat messages and
// timeline events. They are matched after fold (NFKC, lower case, no blanks).
var (
	promiseWords = []string{"承诺", "保证", "包到账", "包退", "包赔", "包成功", "包换", "包过"}
	failureWords = []string{"待发货", "待发卡", "未到账", "没到账", "没有到账", "无效", "未发货", "没发货", "没有发货", "没收到", "未收到", "失败", "报错", "已被使用", "未完成", "没有完成", "没完成", "掉粉", "掉赞", "不符", "未提供", "没有提供"}
	refusalWords = []string{"拒绝", "不退", "不予退款", "拉黑", "未回复", "不回复", "没有回复", "没回复", "无回复", "已读不回", "不理", "删除好友", "删了好友", "被删"}
	demandWords  = []string{"催告", "催促", "退款", "退钱", "退还", "退回", "返还", "赔偿"}
	paidWords    = []string{"付款", "支付", "转账", "下单", "购买"}
	voidWords    = []string{"刷赞", "刷单", "点赞", "粉丝", "播放量", "好评", "刷粉", "刷量", "点击量"}
	fraudWords   = []string{"欺诈", "诈骗", "虚假宣传"}
	tripleWords  = []string{"三倍", "3倍"}
	// refundedWords describe a refund received, which is neither a demand
	// nor a refusal.
	refundedWords = []string{"已退款", "已经退款", "收到退款", "退款到账", "退款成功", "已退回", "已退还"}
)

// fold normalises text for matching.
func fold(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	if strings.ContainsAny(s, " \t\r\n\u3000") {
		s = strings.Join(strings.Fields(s), "")
	}
	return s
}

// containsAny reports whether folded text holds one of words, which must
// be folded already (the word lists above are; TestWordListsFolded checks).
func containsAny(folded string, words []string) bool {
	for _, w := range words {
		if w != "" && strings.Contains(folded, w) {
			return true
		}
	}
	return false
}

// stamp is one dated fact: when a stage happened according to one source.
type stamp struct {
	t        time.Time
	day      bool   // only the day is known
	exhibits []int  // exhibits behind it, may be empty (case.yaml)
	text     string // the words it came from (for deadlines)
	src      string // Chinese description of the source
	tier     int    // 0: written content or case.yaml, 1: capture time of a file
}

// itemInfo is what the evaluation needs of one exhibit.
type itemInfo struct {
	it                     *evidence.Item
	kind, title, proves    string
	fTitle, fProves, fPath string
	formed                 *evidence.TimeRecord // content, EXIF or file-name time; nil if none
	fMsgs                  []string             // folded chat message texts, parallel to Chat.Messages
	cls                    []string             // classifyMessage of each message, parallel to fMsgs
}

// state holds everything derived from a case once, shared by the
// predicates and the cross-checks.
type state struct {
	c      *casefile.Case
	now    time.Time
	items  []itemInfo
	byIdx  map[int]*itemInfo
	byPath map[string]int

	respNames  []string // folded names, shop, account ids and nicknames of the respondent
	complNames []string // folded names and accounts of the complainant
	respIDs    []string // folded identifiers: credit code, account ids, url host

	amounts  Amounts
	payRows  []payRow
	searched []int // exhibits with a parsed bill that was searched

	facts   map[string][]int
	hasFact map[string]bool
	stages  map[string][]stamp
}

type payRow struct {
	exhibit int
	txn     payment.Txn
}

func newState(c *casefile.Case, items []*evidence.Item, now time.Time) *state {
	if c == nil {
		c = casefile.New()
	}
	s := &state{c: c, now: now, byIdx: map[int]*itemInfo{}, byPath: map[string]int{}, facts: map[string][]int{}, hasFact: map[string]bool{}, stages: map[string][]stamp{}}
	var its []*evidence.Item
	for _, it := range items {
		if it != nil {
			its = append(its, it)
		}
	}
	sort.SliceStable(its, func(i, j int) bool { return its[i].Index < its[j].Index })
	for _, it := range its {
		if _, dup := s.byIdx[it.Index]; dup {
			continue
		}
		in := itemInfo{it: it, kind: it.Kind, title: it.Title, proves: it.Proves}
		if note, ok := c.File(it.Path); ok {
			if note.Kind != "" {
				in.kind = note.Kind
			}
			if in.title == "" {
				in.title = note.Title
			}
			if in.proves == "" {
				in.proves = note.Proves
			}
		}
		in.fTitle, in.fProves, in.fPath = fold(in.title), fold(in.proves), fold(it.Path)
		if tr, ok := it.Formed(); ok && tr.Source != evidence.SourceModTime {
			in.formed = &tr
		}
		if it.Chat != nil {
			in.fMsgs = make([]string, len(it.Chat.Messages))
			for j := range it.Chat.Messages {
				in.fMsgs[j] = fold(it.Chat.Messages[j].Text)
			}
		}
		s.items = append(s.items, in)
	}
	for i := range s.items {
		s.byIdx[s.items[i].it.Index] = &s.items[i]
		s.byPath[s.items[i].it.Path] = s.items[i].it.Index
	}
	s.parties()
	for i := range s.items {
		in := &s.items[i]
		if in.it.Chat == nil {
			continue
		}
		in.cls = make([]string, len(in.fMsgs))
		for j := range in.fMsgs {
			in.cls[j] = s.classifyMessage(&in.it.Chat.Messages[j], in.fMsgs[j])
		}
	}
	s.computeAmounts()
	s.computeFacts()
	s.computeStages()
	return s
}

func addName(list []string, n string) []string {
	f := fold(n)
	if utf8.RuneCountInString(f) < 2 || contains(list, f) {
		return list
	}
	return append(list, f)
}

func (s *state) parties() {
	r := s.c.Respondent
	for _, n := range []string{r.Name, r.Shop} {
		s.respNames = addName(s.respNames, n)
	}
	for _, a := range r.Accounts {
		s.respNames = addName(s.respNames, a.ID)
		s.respNames = addName(s.respNames, a.Name)
		if utf8.RuneCountInString(fold(a.ID)) >= 5 {
			s.respIDs = addName(s.respIDs, a.ID)
		}
	}
	if utf8.RuneCountInString(fold(r.CreditCode)) >= 15 {
		s.respIDs = addName(s.respIDs, r.CreditCode)
	}
	if h := urlHost(r.URL); h != "" {
		s.respIDs = addName(s.respIDs, h)
	}
	p := s.c.Complainant
	s.complNames = addName(s.complNames, p.Name)
	for _, a := range p.Accounts {
		s.complNames = addName(s.complNames, a.ID)
		s.complNames = addName(s.complNames, a.Name)
	}
}

func urlHost(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	u = strings.TrimPrefix(u, "www.")
	if !strings.Contains(u, ".") || utf8.RuneCountInString(u) < 4 {
		return ""
	}
	return u
}

// matchesName reports whether folded text names one of names.
func matchesName(text string, names []string) bool {
	if text == "" {
		return false
	}
	for _, n := range names {
		if strings.Contains(text, n) || (utf8.RuneCountInString(text) >= 2 && strings.Contains(n, text)) {
			return true
		}
	}
	return false
}

// Roles of a chat message's sender.
const (
	roleUnknown = iota
	roleSelf
	roleRespondent
)

func (s *state) role(m *chat.Message) int {
	sender, id := fold(m.Sender), fold(m.SenderID)
	switch {
	case m.Self:
		return roleSelf
	case matchesName(sender, s.complNames) || (id != "" && contains(s.complNames, id)):
		return roleSelf
	case matchesName(sender, s.respNames) || (id != "" && contains(s.respNames, id)):
		return roleRespondent
	}
	return roleUnknown
}

// promiseHit reports whether a chat text holds a promise, using the chat
// package's highlighter so that 红包到账 is not taken for 包到账.
func promiseHit(text string) bool {
	rs := []rune(text)
	for _, h := range chat.Highlights(text) {
		if h[0] < 0 || h[1] > len(rs) || h[0] >= h[1] {
			continue
		}
		if contains(promiseWords, string(rs[h[0]:h[1]])) {
			return true
		}
	}
	return false
}

// classify a chat message as promise, demand or refusal ("" for none).
func (s *state) classifyMessage(m *chat.Message, f string) string {
	if m.System {
		return ""
	}
	role := s.role(m)
	switch {
	case role != roleSelf && containsAny(f, refusalWords):
		return FactRefusal
	case role != roleRespondent && containsAny(f, demandWords) && !containsAny(f, refusalWords) && !containsAny(f, refundedWords):
		return FactDemand
	case role != roleSelf && containsAny(f, promiseWords) && promiseHit(m.Text):
		return FactPromise
	}
	return ""
}

// Words that make a timeline event a demand or a refusal. Events are
// written by the consumer, so they are read more strictly than titles.
var (
	eventDemandWords  = []string{"催", "要求", "申请退款", "请求退款", "退款申请", "索赔"}
	eventRefusalExtra = []string{"拖延", "推脱", "推诿", "未退款", "没有退款", "没退款", "不予理睬"}
	failureExtra      = []string{"发货数量为0"}
)

// unquoted removes quoted speech (“…”, 「…」, "…") so that words someone
// said — a seller's “不到账全额退款” — are not taken for what happened.
func unquoted(s string) string {
	var b strings.Builder
	depth := 0
	straight := false
	for _, r := range s {
		switch r {
		case '“', '「', '『':
			depth++
			continue
		case '”', '」', '』':
			if depth > 0 {
				depth--
			}
			continue
		case '"':
			straight = !straight
			continue
		}
		if depth == 0 && !straight {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// classifyEvent reads the stages of a timeline event from its words; an
// event may be several (“再次要求退款，商家已将我拉黑” is a demand and a
// refusal). An event about a promise is no stage: it says when the promise
// was made, not when it fell due (that is order.promised_by).
func classifyEvent(what string) []string {
	full := fold(what)
	out := fold(unquoted(what))
	var st []string
	if containsAny(out, refusalWords) || containsAny(out, eventRefusalExtra) {
		st = append(st, StageRefusal)
	}
	if containsAny(out, eventDemandWords) && !containsAny(out, refundedWords) {
		st = append(st, StageDemand)
	}
	if containsAny(full, failureWords) || containsAny(full, failureExtra) {
		st = append(st, StageFailure)
	}
	if len(st) == 0 && !containsAny(out, refundedWords) && !containsAny(out, promiseWords) && containsAny(out, paidWords) {
		st = append(st, StagePaid)
	}
	return st
}

func hasStage(stages []string, s string) bool { return contains(stages, s) }

// eventExhibits returns the exhibits an event's evidence paths name.
func (s *state) eventExhibits(ev casefile.Event) []int {
	var out []int
	for _, p := range ev.Evidence {
		if i, ok := s.byPath[p]; ok {
			out = append(out, i)
		} else if i, ok := s.byPath[strings.ReplaceAll(p, `\`, "/")]; ok {
			out = append(out, i)
		}
	}
	return sortedUnique(out)
}

func (s *state) addFact(name string, exhibits ...int) {
	s.hasFact[name] = true
	s.facts[name] = append(s.facts[name], exhibits...)
}

func (s *state) computeFacts() {
	if len(s.amounts.PaidFrom) > 0 {
		s.addFact(FactPaymentRow, s.amounts.PaidFrom...)
	}
	if strings.TrimSpace(s.c.ArbitrationClause) != "" {
		s.addFact(FactArbitrationClause)
		for _, in := range s.items {
			if strings.Contains(in.fTitle+in.fProves, "仲裁") {
				s.addFact(FactArbitrationClause, in.it.Index)
			}
		}
	}
	for i := range s.items {
		in := &s.items[i]
		idx := in.it.Index
		text := in.fTitle + "\n" + in.fProves
		switch in.kind {
		case casefile.KindIdentity:
			s.addFact(FactRespondentID, idx)
		case casefile.KindPromise:
			s.addFact(FactPromise, idx)
		case casefile.KindResult:
			s.addFact(FactFailure, idx)
		case casefile.KindDemand:
			s.addFact(FactDemand, idx)
			if in.formed != nil {
				s.addFact(FactDemandDated, idx)
			}
		case casefile.KindRefusal:
			s.addFact(FactRefusal, idx)
		}
		if len(s.respIDs) > 0 && containsAny(text, s.respIDs) {
			s.addFact(FactRespondentID, idx)
		}
		if containsAny(text, promiseWords) {
			s.addFact(FactPromise, idx)
		}
		if containsAny(text, failureWords) {
			s.addFact(FactFailure, idx)
		}
		if containsAny(text, refusalWords) {
			s.addFact(FactRefusal, idx)
		}
		if strings.Contains(text, "催告") {
			s.addFact(FactDemand, idx)
			if in.formed != nil {
				s.addFact(FactDemandDated, idx)
			}
		}
		if lg := in.it.Chat; lg != nil {
			if len(s.respIDs) > 0 && containsAny(fold(lg.Peer), s.respIDs) {
				s.addFact(FactRespondentID, idx)
			}
			for j := range lg.Messages {
				m := &lg.Messages[j]
				if len(s.respIDs) > 0 && m.SenderID != "" && contains(s.respIDs, fold(m.SenderID)) {
					s.addFact(FactRespondentID, idx)
				}
				switch in.cls[j] {
				case FactRefusal:
					s.addFact(FactRefusal, idx)
				case FactDemand:
					s.addFact(FactDemand, idx)
					if m.HasTime {
						s.addFact(FactDemandDated, idx)
					}
				case FactPromise:
					s.addFact(FactPromise, idx)
				}
			}
		}
	}
	for _, ev := range s.c.Events {
		ex := s.eventExhibits(ev)
		if len(ex) == 0 {
			continue
		}
		stages := classifyEvent(ev.What)
		if hasStage(stages, StageRefusal) {
			s.addFact(FactRefusal, ex...)
		}
		if hasStage(stages, StageDemand) {
			s.addFact(FactDemand, ex...)
			if !ev.At.IsZero() {
				s.addFact(FactDemandDated, ex...)
			}
		}
		if hasStage(stages, StageFailure) {
			s.addFact(FactFailure, ex...)
		}
	}
	for k, v := range s.facts {
		s.facts[k] = sortedUnique(v)
	}
}

func caseStamp(t casefile.Time, src, text string) stamp {
	return stamp{t: t.Time, day: t.Precision == casefile.PrecisionDay, src: src, text: text}
}

func (s *state) itemStamp(in *itemInfo, text string) (stamp, bool) {
	if in.formed == nil {
		return stamp{}, false
	}
	tier := 1
	if in.formed.Source == evidence.SourceContent {
		tier = 0
	}
	return stamp{t: in.formed.Time, exhibits: []int{in.it.Index}, text: text, src: in.it.ID(), tier: tier}, true
}

func (s *state) computeStages() {
	add := func(stage string, st stamp) { s.stages[stage] = append(s.stages[stage], st) }
	o := s.c.Order
	if !o.PaidAt.IsZero() {
		add(StagePaid, caseStamp(o.PaidAt, "case.yaml 付款时间", ""))
	}
	if !o.PromisedBy.IsZero() {
		add(StagePromised, caseStamp(o.PromisedBy, "case.yaml 承诺期限", o.Promised))
	}
	for _, pr := range s.payRows {
		if !pr.txn.Time.IsZero() {
			add(StagePaid, stamp{t: pr.txn.Time, day: pr.txn.DateOnly, exhibits: []int{pr.exhibit}, src: "证据" + strconv.Itoa(pr.exhibit) + " 账单"})
		}
	}
	for i, ev := range s.c.Events {
		if ev.At.IsZero() {
			continue
		}
		st := caseStamp(ev.At, "case.yaml 事件“"+clip(ev.What, 20)+"”", ev.What)
		st.exhibits = s.eventExhibits(ev)
		if ev.Line > 0 {
			st.src = "case.yaml 第 " + strconv.Itoa(ev.Line) + " 行事件“" + clip(ev.What, 20) + "”"
		}
		_ = i
		for _, stage := range classifyEvent(ev.What) {
			add(stage, st)
		}
	}
	for i := range s.items {
		in := &s.items[i]
		text := in.title + "；" + in.proves
		switch in.kind {
		case casefile.KindPayment:
			if st, ok := s.itemStamp(in, text); ok {
				add(StagePaid, st)
			}
		case casefile.KindResult:
			if st, ok := s.itemStamp(in, text); ok {
				add(StageFailure, st)
			}
		case casefile.KindDemand:
			if st, ok := s.itemStamp(in, text); ok {
				add(StageDemand, st)
			}
		case casefile.KindRefusal:
			if st, ok := s.itemStamp(in, text); ok {
				add(StageRefusal, st)
			}
		}
		if lg := in.it.Chat; lg != nil {
			for j := range lg.Messages {
				m := &lg.Messages[j]
				if !m.HasTime {
					continue
				}
				st := stamp{t: m.Time, exhibits: []int{in.it.Index}, text: m.Text, src: in.it.ID() + " 聊天记录"}
				switch in.cls[j] {
				case FactDemand:
					add(StageDemand, st)
				case FactRefusal:
					add(StageRefusal, st)
				}
			}
		}
	}
	// A stage known from written content or case.yaml ignores the capture
	// times of screenshots, which are only upper bounds.
	for k, sts := range s.stages {
		best := 1
		for _, st := range sts {
			if st.tier < best {
				best = st.tier
			}
		}
		var kept []stamp
		for _, st := range sts {
			if st.tier == best {
				kept = append(kept, st)
			}
		}
		sort.SliceStable(kept, func(i, j int) bool { return kept[i].t.Before(kept[j].t) })
		s.stages[k] = kept
	}
}

// first returns the earliest stamp of a stage.
func (s *state) first(stage string) (stamp, bool) {
	sts := s.stages[stage]
	if len(sts) == 0 {
		return stamp{}, false
	}
	return sts[0], true
}

// last returns the latest stamp of a stage.
func (s *state) last(stage string) (stamp, bool) {
	sts := s.stages[stage]
	if len(sts) == 0 {
		return stamp{}, false
	}
	return sts[len(sts)-1], true
}

func clip(s string, n int) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

func sortedUnique(in []int) []int {
	out := make([]int, 0, len(in))
	out = append(out, in...)
	sort.Ints(out)
	j := 0
	for i, v := range out {
		if i == 0 || v != out[j-1] {
			out[j] = v
			j++
		}
	}
	return out[:j]
}
