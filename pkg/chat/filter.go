package chat

import (
	"sort"
	"strings"
	"sync"
	"time"
)

// Filter selects the part of a log that matters to a case.
type Filter struct {
	From, To     time.Time // inclusive bounds; zero means unbounded
	Participants []string  // sender names or ids; empty means everyone
}

// Select returns the indices of the messages that f keeps, in order, and how
// many it leaves out. Messages without a time are kept, since nothing shows
// they fall outside the range. System messages (recalls, "被对方拒收") are kept
// whenever their time is in range, whoever the participants are, because they
// record what happened to the conversation. Participants match Sender or
// SenderID exactly after trimming spaces; ids and emails ignore case.
func (l *Log) Select(f Filter) (kept []int, omitted int) {
	want := make(map[string]bool, len(f.Participants))
	for _, p := range f.Participants {
		if p = strings.TrimSpace(p); p != "" {
			want[strings.ToLower(p)] = true
		}
	}
	for i := range l.Messages {
		m := &l.Messages[i]
		ok := true
		if m.HasTime {
			if !f.From.IsZero() && m.Time.Before(f.From) {
				ok = false
			}
			if !f.To.IsZero() && m.Time.After(f.To) {
				ok = false
			}
		}
		if ok && len(want) > 0 && !m.System {
			ok = want[strings.ToLower(strings.TrimSpace(m.Sender))] ||
				(m.SenderID != "" && want[strings.ToLower(strings.TrimSpace(m.SenderID))])
		}
		if ok {
			kept = append(kept, i)
		} else {
			omitted++
		}
	}
	return kept, omitted
}

// Keywords returns the words Highlights marks in a transcript, grouped by
// what they show in a consumer dispute:
//
//   - money back: 退款 退钱 退货 退回 赔偿 不退 不退款 拒绝退款 不予退款
//   - promises: 承诺 保证 and 包退 包到账 包赔 包成功 包过 包换 (see Highlights for
//     when a 包 compound counts)
//   - delivery: 到账 发货 补发 卡密 无效 已被使用 没收到 未收到
//   - account harm: 封号 冻结
//   - escalation: 拉黑 投诉 举报 报警 12315 维权
//   - fraud: 骗 骗子 诈骗 跑路 假货
//
// The returned slice is a fresh copy.
func Keywords() []string {
	return []string{
		"退款", "退钱", "退货", "退回", "赔偿", "不退", "不退款", "拒绝退款", "不予退款",
		"承诺", "保证", "包退", "包到账", "包赔", "包成功", "包过", "包换",
		"到账", "发货", "补发", "卡密", "无效", "已被使用", "没收到", "未收到",
		"封号", "冻结",
		"拉黑", "投诉", "举报", "报警", "12315", "维权",
		"骗", "骗子", "诈骗", "跑路", "假货",
	}
}

// Highlights returns the rune ranges [start, end) of keyword hits in text,
// sorted and non-overlapping. At each position the longest keyword wins.
//
// A 包 compound (包退, 包到账, 包赔, 包成功, 包过, 包换) is a promise only when 包 is
// not the tail of a noun such as 红包, 钱包, 面包, 书包, 背包, 礼包 or 快递包 (so
// "红包到账" marks only 到账), and 包过 is not followed by 期, 来 or 去 (so "包过期"
// is not a promise). 12315 counts only when no digit touches it.
func Highlights(text string) [][2]int {
	kw := highlightWords()
	if !strings.ContainsAny(text, kw.first) {
		return nil // most messages: no keyword can start anywhere
	}
	rs := []rune(text)
	var out [][2]int
	for i := 0; i < len(rs); {
		n := 0
		for _, w := range kw.byFirst[rs[i]] {
			if matchAt(rs, i, w) && acceptHit(rs, i, w) {
				n = len(w)
				break
			}
		}
		if n == 0 {
			i++
			continue
		}
		out = append(out, [2]int{i, i + n})
		i += n
	}
	return out
}

// keywordIndex is Keywords prepared for matching: by first rune, longest
// first (ties in list order), and the set of first runes.
type keywordIndex struct {
	byFirst map[rune][][]rune
	first   string
}

var highlightWords = sync.OnceValue(func() keywordIndex {
	kws := Keywords()
	words := make([][]rune, len(kws))
	for i, k := range kws {
		words[i] = []rune(k)
	}
	sort.SliceStable(words, func(i, j int) bool { return len(words[i]) > len(words[j]) })
	idx := keywordIndex{byFirst: map[rune][][]rune{}}
	for _, w := range words {
		if len(idx.byFirst[w[0]]) == 0 {
			idx.first += string(w[0])
		}
		idx.byFirst[w[0]] = append(idx.byFirst[w[0]], w)
	}
	return idx
})

func matchAt(rs []rune, i int, w []rune) bool {
	if i+len(w) > len(rs) {
		return false
	}
	for j, r := range w {
		if rs[i+j] != r {
			return false
		}
	}
	return true
}

// nounBao are characters that, before 包, make it a noun (红包, 钱包 …).
const nounBao = "红钱面书背礼皮荷豆菜肉汤提腰挎手纸布塑递邮打"

func acceptHit(rs []rune, i int, w []rune) bool {
	end := i + len(w)
	switch {
	case w[0] == '包':
		if i > 0 && strings.ContainsRune(nounBao, rs[i-1]) {
			return false
		}
		if string(w) == "包过" && end < len(rs) && strings.ContainsRune("期来去", rs[end]) {
			return false
		}
	case w[0] >= '0' && w[0] <= '9':
		if i > 0 && rs[i-1] >= '0' && rs[i-1] <= '9' || end < len(rs) && rs[end] >= '0' && rs[end] <= '9' {
			return false
		}
	}
	return true
}
