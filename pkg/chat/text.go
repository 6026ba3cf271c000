package chat

import (
	"strings"
)

const (
	qqHeaderTitle = "消息记录（此消息记录为文本格式"
	labelQQTXT    = "QQ 消息管理器导出（TXT）"
	labelWeChatTX = "WeChatMsg（留痕）导出（TXT）"
	labelPlain    = "纯文本聊天记录"
)

// sender is a parsed QQ sender field.
type sender struct {
	name, id, role string
}

// parseSender splits a QQ sender field such as "【管理员】小明(大号)(12345)" or
// "小明<a@example.com>". Leading 【…】 prefixes become the role. Only the
// last (…) group is taken as the number, and only when it holds digits, so
// a private-chat nickname like "小明(大号)" stays whole.
func parseSender(s string) sender {
	var out sender
	s = strings.TrimSpace(s)
	var roles []string
	for strings.HasPrefix(s, "【") {
		end := strings.Index(s, "】")
		if end < 0 {
			break
		}
		if r := strings.TrimSpace(s[len("【"):end]); r != "" {
			roles = append(roles, r)
		}
		s = strings.TrimSpace(s[end+len("】"):])
	}
	out.role = strings.Join(roles, " ")
	switch {
	case strings.HasSuffix(s, ">"):
		if i := strings.LastIndex(s, "<"); i >= 0 && strings.Contains(s[i:], "@") {
			out.id = s[i+1 : len(s)-1]
			s = s[:i]
		}
	case strings.HasSuffix(s, ")"):
		if i := strings.LastIndex(s, "("); i >= 0 && allDigits(s[i+1:len(s)-1]) {
			out.id = s[i+1 : len(s)-1]
			s = s[:i]
		}
	}
	out.name = strings.TrimSpace(s)
	if out.name == "" {
		out.name = out.id
	}
	return out
}

func allDigits(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// isSystemSender reports QQ's system pseudo-accounts.
func isSystemSender(sd sender) bool {
	return sd.id == "10000" || sd.id == "1000000" || sd.name == "系统消息"
}

// isRecall reports a one-line "X撤回了一条消息" notice.
func isRecall(text string) bool {
	return !strings.Contains(text, "\n") && strings.HasSuffix(text, "撤回了一条消息") && runeLen(text) <= 64
}

// qqHeader parses a QQ message header line.
func qqHeader(line string) (stamp, string, bool) {
	st, n, ok := scanStrict(line)
	if !ok || n >= len(line) || (line[n] != ' ' && line[n] != '\t') {
		return st, "", false
	}
	rest := strings.TrimSpace(line[n:])
	if rest == "" {
		return st, "", false
	}
	return st, rest, true
}

// detectText guesses the text format from its lines; "" means none.
func detectText(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	if f := detectCSV(lines[0]); f != "" {
		return f
	}
	headers, qq := 0, false
	n := len(lines)
	if n > 400 {
		n = 400
	}
	for i := 0; i < n; i++ {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, qqHeaderTitle) || strings.HasPrefix(l, "消息对象:") || strings.HasPrefix(l, "消息分组:") {
			qq = true
			continue
		}
		st, rest, ok := qqHeader(lines[i])
		if !ok || (i > 0 && strings.TrimSpace(lines[i-1]) != "" && headers > 0) {
			continue
		}
		headers++
		sd := parseSender(rest)
		if sd.id != "" || sd.role != "" || st.ampm != 0 || st.shortHour {
			// A number, an email, a 【role】 prefix, a 12-hour clock or an
			// hour without its leading zero are QQ traits.
			qq = true
		}
	}
	switch {
	case qq && headers > 0:
		return FormatQQTXT
	case headers > 0:
		return FormatWeChatMsgTXT
	}
	return ""
}

// addBody adds message m of a text or MHT export with its body lines as the
// text; a recall notice ("撤回了一条消息") is a system message.
func (p *parser) addBody(m *Message, body []string) error {
	m.Text = joinBody(body)
	if isRecall(m.Text) {
		m.System = true
	}
	return p.add(*m)
}

// parseQQTXT parses a QQ 消息管理器 TXT export.
func (p *parser) parseQQTXT(lines []string) error {
	p.log.Format, p.log.Label = FormatQQTXT, labelQQTXT
	p.log.TimeNote = "消息时间按导出文件所写的北京时间（UTC+8）读取"
	var cur *Message
	var body []string
	flush := func() error {
		if cur == nil {
			return nil
		}
		err := p.addBody(cur, body)
		cur, body = nil, body[:0]
		return err
	}
	prevBlank := true
	for i, line := range lines {
		if prevBlank || cur == nil {
			if st, rest, ok := qqHeader(line); ok {
				if err := flush(); err != nil {
					return err
				}
				sd := parseSender(rest)
				cur = &Message{Line: i + 1, Sender: sd.name, SenderID: sd.id, Role: sd.role, System: isSystemSender(sd)}
				p.setTime(cur, st)
				prevBlank = false
				continue
			}
		}
		blank := strings.TrimSpace(line) == ""
		if cur == nil {
			l := strings.TrimSpace(line)
			if v, ok := cutLabel(l, "消息分组"); ok {
				p.log.Group = v
			} else if v, ok := cutLabel(l, "消息对象"); ok {
				p.log.Peer = v
			}
			prevBlank = blank || isRule(l)
			continue
		}
		body = append(body, line)
		prevBlank = blank
	}
	return flush()
}

// parseWeChatTXT parses a WeChatMsg/MemoTrace TXT export:
// "{StrTime} {name}\n{content}\n\n", system lines "{StrTime} {text}\n\n", and
// reply quotes as a trailing "引用:{name}:{content}" line.
func (p *parser) parseWeChatTXT(lines []string) error {
	p.log.Format, p.log.Label = FormatWeChatMsgTXT, labelWeChatTX
	p.log.TimeNote = "StrTime 为导出电脑的本地时间，按北京时间（UTC+8）理解"
	var cur *Message
	var body []string
	flush := func() error {
		if cur == nil {
			return nil
		}
		cur.Quote, body = cutQuote(body)
		err := p.addBody(cur, body)
		cur, body = nil, body[:0]
		return err
	}
	prevBlank := true
	for i, line := range lines {
		if prevBlank || cur == nil {
			if st, rest, ok := qqHeader(line); ok {
				if err := flush(); err != nil {
					return err
				}
				m := Message{Line: i + 1}
				p.setTime(&m, st)
				if i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) == "" {
					m.System, m.Text = true, rest
					if err := p.add(m); err != nil {
						return err
					}
					prevBlank = false
					continue
				}
				m.Sender = rest
				cur = &m
				prevBlank = false
				continue
			}
		}
		blank := strings.TrimSpace(line) == ""
		if cur != nil {
			body = append(body, line)
		}
		prevBlank = blank
	}
	return flush()
}

// cutQuote removes a trailing "引用:name:content" block from body.
func cutQuote(body []string) (*Quote, []string) {
	for i := len(body) - 1; i >= 0; i-- {
		rest, ok := strings.CutPrefix(body[i], "引用:")
		if !ok {
			rest, ok = strings.CutPrefix(body[i], "引用：")
		}
		if !ok {
			continue
		}
		tail := strings.Join(append([]string{rest}, body[i+1:]...), "\n")
		tail = strings.TrimRight(tail, " \t\n")
		q := &Quote{Text: tail}
		if j := strings.IndexAny(tail, ":："); j >= 0 {
			q.Sender = tail[:j]
			q.Text = strings.TrimPrefix(strings.TrimPrefix(tail[j:], ":"), "：")
		}
		return q, body[:i]
	}
	return nil, body
}

// joinBody joins content lines, dropping blank lines at either end.
func joinBody(body []string) string {
	start, end := 0, len(body)
	for start < end && strings.TrimSpace(body[start]) == "" {
		start++
	}
	for end > start && strings.TrimSpace(body[end-1]) == "" {
		end--
	}
	return strings.Join(body[start:end], "\n")
}

func cutLabel(s, label string) (string, bool) {
	rest, ok := strings.CutPrefix(s, label)
	if !ok {
		return "", false
	}
	if v, ok := strings.CutPrefix(rest, ":"); ok {
		return strings.TrimSpace(v), true
	}
	if v, ok := strings.CutPrefix(rest, "："); ok {
		return strings.TrimSpace(v), true
	}
	return "", false
}

func isRule(s string) bool {
	return len(s) >= 3 && strings.Trim(s, "=") == ""
}

// setTime stores st in m, warning when it is not a real date and time.
func (p *parser) setTime(m *Message, st stamp) {
	t, ok := st.time(p.cst)
	if !ok {
		p.warn("bad-time", m.Line, "invalid date or time", "日期或时间无效，已按无时间处理")
		return
	}
	m.Time, m.HasTime = t, true
}

// parsePlain reads plain text: lines starting with a timestamp start
// messages; "name: text" or "name：text" after the stamp gives the sender.
func (p *parser) parsePlain(lines []string) error {
	p.log.Format, p.log.Label = FormatPlain, labelPlain
	var cur *Message
	var body []string
	flush := func() error {
		if cur == nil {
			return nil
		}
		cur.Text = joinBody(body)
		var err error
		if cur.Text != "" || cur.HasTime {
			err = p.add(*cur)
		}
		cur, body = nil, body[:0]
		return err
	}
	stamped := 0
	for i, line := range lines {
		if st, n, ok := scanLoose(strings.TrimLeft(line, " \t")); ok {
			if err := flush(); err != nil {
				return err
			}
			stamped++
			cur = &Message{Line: i + 1}
			p.setTime(cur, st)
			rest := strings.TrimSpace(strings.TrimLeft(line, " \t")[n:])
			if j := strings.IndexAny(rest, ":："); j > 0 && runeLen(rest[:j]) <= 20 && !strings.ContainsAny(rest[:j], " \t") {
				cur.Sender = rest[:j]
				rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(rest[j:], ":"), "："))
			}
			body = append(body, rest)
			continue
		}
		if cur == nil {
			if strings.TrimSpace(line) == "" {
				continue
			}
			cur = &Message{Line: i + 1}
		}
		body = append(body, line)
	}
	if err := flush(); err != nil {
		return err
	}
	if stamped > 0 {
		p.log.TimeNote = "行首时间按北京时间（UTC+8）读取"
	} else {
		p.log.TimeNote = "文本中没有可识别的时间"
	}
	return nil
}
