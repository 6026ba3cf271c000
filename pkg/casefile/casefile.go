// Package casefile reads and writes case.yaml (schema version 1), the file in
// which a consumer states what no evidence file can tell: the case type, the
// complaint target, the parties, the order, the problem, the demands, an
// optional timeline and per-file annotations.
//
// Loading is strict: unknown keys, wrong types, duplicate keys, values
// outside the fixed vocabularies, aliases and extra documents are all
// reported, every one with its line and key, in English and in Chinese.
// Amounts are integer cents and times keep the precision they were written
// with; no value ever passes through float64.
package casefile

import (
	"path"
	"sort"
	"strings"
)

// Version is the only case.yaml schema version this package reads.
const Version = 1

// Case types.
const (
	TypeVirtualGoods      = "virtual-goods"      // 虚拟商品（卡密、会员、游戏点卡）
	TypeEngagementService = "engagement-service" // 刷量服务（刷赞、刷粉、刷播放）
	TypeOnlineService     = "online-service"     // 其他网络服务
)

// Complaint targets.
const (
	Target12315       = "12315"       // 全国12315平台投诉
	TargetPayment     = "payment"     // 支付平台（微信支付、支付宝）投诉
	TargetArbitration = "arbitration" // 仲裁申请
	TargetMerchant    = "merchant"    // 向商家发催告函
)

// Evidence kinds.
const (
	KindPayment    = "payment"
	KindChat       = "chat"
	KindListing    = "listing"
	KindPromise    = "promise"
	KindResult     = "result"
	KindDemand     = "demand"
	KindRefusal    = "refusal"
	KindIdentity   = "identity"
	KindScreenshot = "screenshot"
	KindPhoto      = "photo"
	KindDocument   = "document"
	KindRecording  = "recording"
	KindVoice      = "voice"
	KindOther      = "other"
)

type term struct{ id, zh string }

func caseTypes() []term {
	return []term{
		{TypeVirtualGoods, "虚拟商品"},
		{TypeEngagementService, "刷量服务"},
		{TypeOnlineService, "网络服务"},
	}
}

func targets() []term {
	return []term{
		{Target12315, "12315平台投诉"},
		{TargetPayment, "支付平台投诉"},
		{TargetArbitration, "仲裁申请"},
		{TargetMerchant, "向商家催告"},
	}
}

func kinds() []term {
	return []term{
		{KindPayment, "付款记录"},
		{KindChat, "聊天记录"},
		{KindListing, "商品页面/宣传承诺"},
		{KindPromise, "卖家承诺"},
		{KindResult, "履约结果"},
		{KindDemand, "退款要求/催告"},
		{KindRefusal, "卖家拒绝/拖延"},
		{KindIdentity, "商家身份信息"},
		{KindScreenshot, "截图"},
		{KindPhoto, "照片"},
		{KindDocument, "文档"},
		{KindRecording, "录屏/录像"},
		{KindVoice, "语音"},
		{KindOther, "其他"},
	}
}

func ids(ts []term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.id
	}
	return out
}

func label(ts []term, id string) string {
	for _, t := range ts {
		if t.id == id {
			return t.zh
		}
	}
	return ""
}

// Kinds returns the evidence kinds in their fixed order (a new slice each call).
func Kinds() []string { return ids(kinds()) }

// KindLabel returns the Chinese label of kind, used as 证据类型 in the PDF,
// or "" when kind is not in the vocabulary.
func KindLabel(kind string) string { return label(kinds(), kind) }

// ValidKind reports whether kind is in the vocabulary.
func ValidKind(kind string) bool { return KindLabel(kind) != "" }

// CaseTypes returns the case types in their fixed order.
func CaseTypes() []string { return ids(caseTypes()) }

// CaseTypeLabel returns the Chinese label of a case type, or "".
func CaseTypeLabel(t string) string { return label(caseTypes(), t) }

// Targets returns the complaint targets in their fixed order.
func Targets() []string { return ids(targets()) }

// TargetLabel returns the Chinese label of a target, or "".
func TargetLabel(t string) string { return label(targets(), t) }

// Case is a loaded case.yaml. The zero value is not useful; use New for a
// case without a case.yaml, or Load.
type Case struct {
	Version           int
	Type              string // one of CaseTypes(); default TypeVirtualGoods
	Target            string // one of Targets(); default Target12315
	Complainant       Party  // 投诉人
	Respondent        Party  // 被投诉人
	Order             Order
	Problem           string   // 问题描述
	Demands           []string // 投诉请求
	Events            []Event  // manual timeline, in file order
	ArbitrationClause string   // text of the contract's arbitration clause, if any
	Files             []FileNote

	// Warnings are doubtful values that do not stop loading, such as a
	// 统一社会信用代码 whose check character is wrong.
	Warnings Errors

	byPath map[string]int // index into Files by exact path
}

// Party is the complainant or the respondent. Fields not used for one side
// stay empty.
type Party struct {
	Name       string
	Phone      string
	IDNumber   string // complainant: 身份证号
	Address    string
	Platform   string // respondent: 独立网站 / 微信 / QQ / 淘宝 …
	Shop       string // respondent: 店铺名
	URL        string // respondent
	CreditCode string // respondent: 统一社会信用代码
	Accounts   []Account
}

// Account is an account of a party on some platform.
type Account struct {
	Platform string // 微信, QQ, 支付宝 …
	ID       string // kept as written, never a number
	Name     string // nickname shown on the platform
}

// Order is the deal the complaint is about.
type Order struct {
	Item          string
	OrderNo       string // kept as written, never a number
	Amount        Money  // 0 when not stated
	PaidAt        Time
	PaymentMethod string
	Promised      string // the seller's promise, as text
	PromisedBy    Time   // when the promise fell due
}

// Event is one entry of the manual timeline.
type Event struct {
	At       Time
	What     string
	Evidence []string // slash-separated paths relative to the case folder
	Line     int      // line of the event in case.yaml
}

// FileNote is the annotation of one evidence file.
type FileNote struct {
	Path   string // as written: relative to the case folder, slash-separated
	Kind   string // one of Kinds(), or "" to let evipack guess
	Title  string // 证据名称
	Proves string // 证明目的
	Line   int    // line of the entry in case.yaml
}

// New returns the case used when a folder has no case.yaml: version 1 with
// the default type and target and nothing else.
func New() *Case {
	return &Case{Version: Version, Type: TypeVirtualGoods, Target: Target12315}
}

// File returns the annotation for the evidence file at p (slash-separated,
// relative to the case folder). An entry written with Windows backslashes
// matches too.
func (c *Case) File(p string) (FileNote, bool) {
	if c.byPath != nil {
		if i, ok := c.byPath[p]; ok && i < len(c.Files) && c.Files[i].Path == p {
			return c.Files[i], true
		}
	}
	for _, f := range c.Files {
		if f.Path == p {
			return f, true
		}
	}
	for _, f := range c.Files {
		if slashed(f.Path) == p {
			return f, true
		}
	}
	return FileNote{}, false
}

// UnknownFiles returns, sorted and without repeats, the paths named in files
// or in an event's evidence that are not among existing (the slash-separated
// paths of the case folder's files).
func (c *Case) UnknownFiles(existing []string) []string {
	var out []string
	for _, e := range c.CheckPaths(existing) {
		out = append(out, e.Key)
	}
	sort.Strings(out)
	return compact(out)
}

// CheckPaths reports every path named in files or in an event's evidence that
// is not among existing, with its line. Each Error's Key is the path.
func (c *Case) CheckPaths(existing []string) Errors {
	have := make(map[string]bool, len(existing))
	for _, p := range existing {
		have[p] = true
	}
	var errs Errors
	check := func(p string, line int, where string) {
		if have[p] || have[slashed(p)] {
			return
		}
		msg := "no file " + quote(p) + " in the case folder (named in " + where + ")"
		zh := "案件文件夹里没有文件“" + p + "”，请检查路径和文件名是否写对（路径相对于案件文件夹，用 / 分隔）"
		if s := nearestPath(p, existing); s != "" {
			msg += " (did you mean " + quote(s) + "?)"
			zh += "；是不是“" + s + "”？"
		}
		errs = append(errs, &Error{Line: line, Key: p, Msg: msg, Zh: zh})
	}
	for _, f := range c.Files {
		check(f.Path, f.Line, "files")
	}
	for _, ev := range c.Events {
		for _, p := range ev.Evidence {
			check(p, ev.Line, "events")
		}
	}
	errs.sort()
	return errs
}

// nearestPath suggests an existing path with the same base name, or one a
// small edit away.
func nearestPath(p string, existing []string) string {
	base := path.Base(slashed(p))
	best, bestD := "", 3
	for _, e := range existing {
		if path.Base(e) == base {
			return e
		}
		if d := distance(slashed(p), e, bestD); d < bestD {
			best, bestD = e, d
		}
	}
	return best
}

func slashed(p string) string { return strings.ReplaceAll(p, `\`, "/") }

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
