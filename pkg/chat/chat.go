// Package chat parses chat exports that consumers attach as evidence: the QQ
// 消息管理器 TXT and MHT exports, the WeChatMsg/MemoTrace (留痕) TXT and CSV
// exports, PyWxDump CSV and, as a last resort, plain text with timestamps.
//
// Formats are detected by content, never by file name alone. Every parser is
// bounded (see the Max constants) and returns *ParseError for malformed or
// unsupported input, so callers can tell bad input from IO failures.
//
// Times are read as Beijing time (UTC+8) unless the format carries an epoch,
// in which case the instant is kept and displayed in UTC+8. Log.TimeNote says
// in Chinese how the times were read.
package chat

import (
	"errors"
	"fmt"
	"time"
)

// Limits applied to every input.
const (
	MaxInput    = 64 << 20  // bytes of raw input
	MaxMessages = 2_000_000 // messages in one log
	MaxLine     = 1 << 20   // bytes in one line of a text export
	MaxParts    = 10_000    // MIME parts in an MHT file
	MaxDecoded  = 256 << 20 // decoded bytes of all MHT parts together
	maxWarnings = 1000
)

// Format identifiers stored in Log.Format.
const (
	FormatQQTXT        = "qq-txt"
	FormatQQMHT        = "qq-mht"
	FormatWeChatMsgTXT = "wechatmsg-txt"
	FormatWeChatMsgCSV = "wechatmsg-csv"
	FormatPyWxDumpCSV  = "pywxdump-csv"
	FormatPlain        = "plain"
)

// Sentinel errors, wrapped in *ParseError.
var (
	ErrNotChat         = errors.New("not a recognised chat export")
	ErrTooLarge        = errors.New("input too large")
	ErrTooManyMessages = errors.New("too many messages")
	ErrLineTooLong     = errors.New("line too long")
	ErrTooManyParts    = errors.New("too many mime parts")
	ErrCorrupt         = errors.New("corrupt export")
)

// Message is one chat message.
type Message struct {
	Line     int       // 1-based line in the decoded original where the message starts
	Time     time.Time // in UTC+8; only meaningful when HasTime
	HasTime  bool
	Sender   string // display name
	SenderID string // QQ number, email or wxid when known
	Role     string // e.g. 管理员, from a 【…】 prefix
	Self     bool   // sent by the exporting user, when the format says so
	System   bool
	Text     string // content with placeholders such as [图片]; newlines kept
	Quote    *Quote
	Transfer *Transfer
	Images   []int // indices into Log.Images
}

// Quote is the message a reply quotes.
type Quote struct {
	Sender string
	Text   string
}

// Transfer is a WeChat money transfer found in a message.
type Transfer struct {
	Cents   int64 // amount in fen; never a float
	Note    string
	Time    time.Time // zero when the export did not give one
	HasTime bool
}

// Image is an embedded image (QQ MHT only).
type Image struct {
	Name        string // Content-Location of the part
	ContentType string
	Data        []byte
}

// Warning is a non-fatal problem found while parsing.
type Warning struct {
	Code string // stable identifier, e.g. "bad-time"
	Line int    // 1-based line, 0 when not tied to a line
	Msg  string // English, lowercase
	Zh   string // Simplified Chinese for the report
}

// Log is a parsed chat export.
type Log struct {
	Format   string // one of the Format constants
	Label    string // Chinese description of the format
	Encoding string // e.g. "UTF-8 (BOM)", "GB18030"
	Group    string // 消息分组
	Peer     string // 消息对象
	Lines    int    // number of lines in the decoded original
	Messages []Message
	Images   []Image
	TimeNote string // Chinese note on how times were read
	Warnings []Warning
}

// ParseError reports malformed or unsupported input.
type ParseError struct {
	File string
	Line int // 0 when the error is not tied to a line
	Msg  string
	Zh   string
	Err  error
}

func (e *ParseError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	s := "parse chat " + loc + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ParseError) Unwrap() error { return e.Err }

func newError(file string, line int, err error, msg, zh string) *ParseError {
	return &ParseError{File: file, Line: line, Msg: msg, Zh: zh, Err: err}
}

// limits are the bounds a parse runs under; tests shrink them.
type limits struct {
	input, messages, line, parts, decoded int
}

func defaultLimits() limits {
	return limits{input: MaxInput, messages: MaxMessages, line: MaxLine, parts: MaxParts, decoded: MaxDecoded}
}

// parser holds the state shared by all formats during one parse.
type parser struct {
	file string
	lim  limits
	cst  *time.Location
	log  *Log
}

func newParser(name string, lim limits) *parser {
	return &parser{file: name, lim: lim, cst: time.FixedZone("CST", 8*3600), log: &Log{}}
}

func (p *parser) warn(code string, line int, msg, zh string) {
	switch n := len(p.log.Warnings); {
	case n < maxWarnings:
		p.log.Warnings = append(p.log.Warnings, Warning{Code: code, Line: line, Msg: msg, Zh: zh})
	case n == maxWarnings:
		p.log.Warnings = append(p.log.Warnings, Warning{Code: "too-many-warnings", Msg: "further warnings omitted", Zh: "警告过多，其余警告已省略"})
	}
}

func (p *parser) add(m Message) error {
	if len(p.log.Messages) >= p.lim.messages {
		return newError(p.file, m.Line, ErrTooManyMessages, fmt.Sprintf("more than %d messages", p.lim.messages), fmt.Sprintf("消息超过 %d 条，无法处理", p.lim.messages))
	}
	p.log.Messages = append(p.log.Messages, m)
	return nil
}

// Parse detects the format of a chat export by its content and parses it.
// It returns a *ParseError wrapping ErrNotChat when the data is not one of the
// structured formats; callers may then fall back to ParsePlain.
func Parse(name string, data []byte) (*Log, error) {
	return parseWith(name, data, defaultLimits())
}

// ParsePlain reads data as plain text: lines that start with a recognisable
// date and time start messages; without any, the whole text is one undated
// message. It fails only on limits and never returns ErrNotChat.
func ParsePlain(name string, data []byte) (*Log, error) {
	return parsePlainWith(name, data, defaultLimits())
}

func parseWith(name string, data []byte, lim limits) (*Log, error) {
	if len(data) > lim.input {
		return nil, newError(name, 0, ErrTooLarge, fmt.Sprintf("%d bytes exceeds %d", len(data), lim.input), "聊天记录文件过大，超过 64 MiB")
	}
	p := newParser(name, lim)
	if looksMHT(data) {
		if err := p.parseMHT(data); err != nil {
			return nil, err
		}
		return p.log, nil
	}
	text, enc := decodeText(data)
	p.log.Encoding = enc
	lines, err := p.splitLines(text)
	if err != nil {
		return nil, err
	}
	p.log.Lines = len(lines)
	switch detectText(lines) {
	case FormatWeChatMsgCSV:
		err = p.parseWeChatCSV(text)
	case FormatPyWxDumpCSV:
		err = p.parsePyWxDumpCSV(text)
	case FormatQQTXT:
		err = p.parseQQTXT(lines)
	case FormatWeChatMsgTXT:
		err = p.parseWeChatTXT(lines)
	default:
		return nil, newError(name, 0, ErrNotChat, "no chat export layout found", "未识别出聊天记录格式")
	}
	if err != nil {
		return nil, err
	}
	return p.log, nil
}

func parsePlainWith(name string, data []byte, lim limits) (*Log, error) {
	if len(data) > lim.input {
		return nil, newError(name, 0, ErrTooLarge, fmt.Sprintf("%d bytes exceeds %d", len(data), lim.input), "聊天记录文件过大，超过 64 MiB")
	}
	p := newParser(name, lim)
	text, enc := decodeText(data)
	p.log.Encoding = enc
	lines, err := p.splitLines(text)
	if err != nil {
		return nil, err
	}
	p.log.Lines = len(lines)
	if err := p.parsePlain(lines); err != nil {
		return nil, err
	}
	return p.log, nil
}

// Sniff reports whether head, the first bytes of a file, looks like one of the
// structured chat exports Parse understands. It is cheap and may be fooled;
// Parse has the final word.
func Sniff(name string, head []byte) bool {
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	if looksMHT(head) {
		return true
	}
	text, _ := decodeText(head)
	lines := splitAll(text, 200)
	// The last line of a truncated head may be cut; drop it unless it is all we have.
	if len(lines) > 1 && len(head) == 64<<10 {
		lines = lines[:len(lines)-1]
	}
	return detectText(lines) != ""
}
