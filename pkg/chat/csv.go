package chat

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

const (
	labelWeChatCSV = "WeChatMsg（留痕）导出（CSV）"
	labelPyWxDump  = "PyWxDump 导出（CSV）"
)

// detectCSV recognises a CSV header line by its column names.
func detectCSV(first string) string {
	if !strings.Contains(first, ",") {
		return ""
	}
	cols := map[string]bool{}
	for _, c := range strings.Split(first, ",") {
		cols[strings.Trim(strings.TrimSpace(c), `"`)] = true
	}
	has := func(want []string) bool {
		for _, w := range want {
			if !cols[w] {
				return false
			}
		}
		return true
	}
	switch {
	case has([]string{"localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "StrContent", "StrTime"}):
		return FormatWeChatMsgCSV
	case has([]string{"MsgSvrID", "type_name", "is_sender", "talker", "msg", "CreateTime"}):
		return FormatPyWxDumpCSV
	}
	return ""
}

// csvTable reads a CSV export with a header row, calling row for each record
// with its 1-based starting line and a column getter.
func (p *parser) csvTable(text string, row func(line int, get func(string) string) error) error {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return p.csvError(err)
	}
	idx := make(map[string]int, len(header))
	for i, h := range header {
		idx[strings.TrimSpace(h)] = i
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return p.csvError(err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			return newError(p.file, line, ErrCorrupt,
				fmt.Sprintf("record has %d fields, header has %d", len(rec), len(header)),
				fmt.Sprintf("第 %d 行有 %d 列，表头为 %d 列，文件可能已损坏或被改动", line, len(rec), len(header)))
		}
		get := func(col string) string {
			if i, ok := idx[col]; ok {
				return rec[i]
			}
			return ""
		}
		if err := row(line, get); err != nil {
			return err
		}
	}
}

func (p *parser) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return newError(p.file, pe.Line, ErrCorrupt, "malformed csv", fmt.Sprintf("第 %d 行 CSV 格式错误", pe.Line))
	}
	return newError(p.file, 0, ErrCorrupt, "read csv", "无法读取 CSV")
}

// unixTime reads Unix seconds within a plausible range (1990–2100).
func (p *parser) unixTime(s string) (time.Time, bool) {
	sec, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || sec < 631152000 || sec > 4102444800 {
		return time.Time{}, false
	}
	return time.Unix(sec, 0).In(p.cst), true
}

// parseWeChatCSV parses a WeChatMsg/MemoTrace CSV export.
func (p *parser) parseWeChatCSV(text string) error {
	p.log.Format, p.log.Label = FormatWeChatMsgCSV, labelWeChatCSV
	fallback := 0
	err := p.csvTable(text, func(line int, get func(string) string) error {
		m := Message{Line: line, Self: strings.TrimSpace(get("IsSender")) == "1"}
		if t, ok := p.unixTime(get("CreateTime")); ok {
			m.Time, m.HasTime = t, true
		} else if st, n, ok := scanStrict(strings.TrimSpace(get("StrTime"))); ok && n == len(strings.TrimSpace(get("StrTime"))) {
			fallback++
			p.setTime(&m, st)
		} else {
			p.warn("no-time", line, "no usable CreateTime or StrTime", "该条消息没有可用的时间")
		}
		switch {
		case m.Self:
			m.Sender = "我"
		case get("Sender") != "":
			m.Sender = get("Sender")
		case get("Remark") != "":
			m.Sender = get("Remark")
		default:
			m.Sender = get("NickName")
		}
		typ, _ := strconv.Atoi(strings.TrimSpace(get("Type")))
		sub, _ := strconv.Atoi(strings.TrimSpace(get("SubType")))
		content := get("StrContent")
		switch typ {
		case 1:
			m.Text = content
		case 3:
			m.Text = "[图片]"
		case 34:
			m.Text = "[语音]"
		case 43:
			m.Text = "[视频]"
		case 47:
			m.Text = "[表情包]"
		case 10000:
			m.System, m.Text = true, cleanSystem(content)
		case 49:
			switch sub {
			case 6:
				m.Text = "[文件]"
			case 57:
				m.Text = "[引用消息]"
				if content != "" && !strings.HasPrefix(content, "<") {
					m.Text = content
				}
			case 5:
				m.Text = "[链接]"
			case 2000:
				m.Text = "[转账]"
			default:
				m.Text = "[分享]"
			}
		default:
			m.Text = fmt.Sprintf("[消息类型 %d]", typ)
		}
		if tr := parseTransfer(m.Text, p.cst); tr != nil {
			m.Transfer = tr
		}
		return p.add(m)
	})
	switch {
	case fallback > 0:
		p.log.TimeNote = "CreateTime（Unix 时间）换算为北京时间（UTC+8）；缺少 CreateTime 的消息改用 StrTime（导出电脑的本地时间，按北京时间理解）"
		p.warn("strtime-fallback", 0, fmt.Sprintf("%d messages use StrTime instead of CreateTime", fallback),
			fmt.Sprintf("%d 条消息缺少 CreateTime，改用 StrTime（导出电脑的本地时间）", fallback))
	default:
		p.log.TimeNote = "CreateTime（Unix 时间）换算为北京时间（UTC+8）；未采用 StrTime（导出电脑的本地时间）"
	}
	return err
}

// cleanSystem removes the markup WeChat leaves in recall notices.
func cleanSystem(s string) string {
	s = strings.ReplaceAll(s, "<![CDATA[", "")
	s = strings.ReplaceAll(s, `<a href="weixin://revoke_edit_click">重新编辑</a>`, "")
	s = strings.ReplaceAll(s, "]]>", "")
	return strings.TrimSpace(s)
}

// parsePyWxDumpCSV parses a PyWxDump CSV export.
func (p *parser) parsePyWxDumpCSV(text string) error {
	p.log.Format, p.log.Label = FormatPyWxDumpCSV, labelPyWxDump
	p.log.TimeNote = "CreateTime 为导出电脑本地时间的文本，按北京时间（UTC+8）理解"
	epoch := false
	err := p.csvTable(text, func(line int, get func(string) string) error {
		talker := strings.TrimSpace(get("talker"))
		m := Message{Line: line, Sender: talker, Self: talker == "我" || strings.TrimSpace(get("is_sender")) == "1"}
		if m.Self && m.Sender == "" {
			m.Sender = "我"
		}
		if isWxid(talker) {
			m.SenderID = talker
		}
		ct := strings.TrimSpace(get("CreateTime"))
		if t, ok := p.unixTime(ct); ok {
			m.Time, m.HasTime, epoch = t, true, true
		} else if st, n, ok := scanStrict(ct); ok && n == len(ct) {
			p.setTime(&m, st)
		} else {
			p.warn("no-time", line, "no usable CreateTime", "该条消息没有可用的时间")
		}
		msg, typ := get("msg"), strings.TrimSpace(get("type_name"))
		switch {
		case strings.Contains(typ, "系统") || strings.Contains(typ, "撤回"):
			m.System, m.Text = true, cleanSystem(msg)
		case typ == "图片", typ == "语音", typ == "视频", typ == "文件", typ == "动画表情", typ == "表情":
			m.Text = "[" + strings.TrimPrefix(typ, "动画") + "]"
		case msg != "":
			m.Text = msg
		case typ != "":
			m.Text = "[" + typ + "]"
		}
		if tr := parseTransfer(msg, p.cst); tr != nil {
			m.Transfer = tr
			if m.Text == "" {
				m.Text = msg
			}
		}
		return p.add(m)
	})
	if epoch {
		p.log.TimeNote = "CreateTime 按 Unix 时间换算为北京时间（UTC+8）；文本形式的 CreateTime 按北京时间理解"
	}
	return err
}

func isWxid(s string) bool {
	if len(s) < 6 || len(s) > 64 {
		return false
	}
	if !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isWordByte(c) && c != '-' && c != '@' && c != '.' {
			return false
		}
	}
	return true
}

// parseTransfer reads a WeChat transfer rendered as
// "转账：￥12.50\n转账说明：…\n转账时间：2024-01-02 15:04:05".
func parseTransfer(s string, loc *time.Location) *Transfer {
	var tr Transfer
	found := false
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		k, v, ok := cutColon(line)
		if !ok {
			continue
		}
		switch k {
		case "转账", "转账金额":
			c, ok := parseCents(v)
			if !ok {
				return nil
			}
			tr.Cents, found = c, true
		case "转账说明", "转账备注":
			tr.Note = v
		case "转账时间":
			if st, n, ok := scanLoose(v); ok && n == len(v) {
				if t, ok := st.time(loc); ok {
					tr.Time, tr.HasTime = t, true
				}
			}
		}
	}
	if !found {
		return nil
	}
	return &tr
}

func cutColon(s string) (string, string, bool) {
	if k, v, ok := strings.Cut(s, "："); ok {
		return strings.TrimSpace(k), strings.TrimSpace(v), true
	}
	if k, v, ok := strings.Cut(s, ":"); ok {
		return strings.TrimSpace(k), strings.TrimSpace(v), true
	}
	return "", "", false
}

// parseCents reads an amount such as "￥1,234.5" or "12.50元" into fen
// without floating point. More than two decimals is rejected.
func parseCents(s string) (int64, bool) {
	r := strings.NewReplacer("¥", "", "￥", "", ",", "", "，", "", " ", "", "元", "", "(CN)", "")
	s = r.Replace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > 2 || !allDigits(whole) || (frac != "" && !allDigits(frac)) {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi(frac)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + int64(f), true
}
