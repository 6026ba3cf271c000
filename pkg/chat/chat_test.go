package chat

import (
	"encoding/base64"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// want describes the fields of one message a test checks.
type want struct {
	line     int
	time     time.Time // zero: HasTime must be false
	sender   string
	id       string
	role     string
	self     bool
	system   bool
	text     string
	quote    *Quote
	transfer *Transfer
	images   []int
}

func checkMessage(t *testing.T, i int, got Message, w want) {
	t.Helper()
	if got.Line != w.line {
		t.Errorf("message %d: Line = %d, want %d", i, got.Line, w.line)
	}
	if w.time.IsZero() {
		if got.HasTime {
			t.Errorf("message %d: HasTime = true (%v), want false", i, got.Time)
		}
	} else {
		if !got.HasTime || !got.Time.Equal(w.time) {
			t.Errorf("message %d: Time = %v (HasTime %v), want %v", i, got.Time, got.HasTime, w.time)
		}
		if _, off := got.Time.Zone(); off != 8*3600 {
			t.Errorf("message %d: zone offset = %d, want +8h", i, off)
		}
	}
	if got.Sender != w.sender || got.SenderID != w.id || got.Role != w.role {
		t.Errorf("message %d: sender = %q/%q/%q, want %q/%q/%q", i, got.Sender, got.SenderID, got.Role, w.sender, w.id, w.role)
	}
	if got.Self != w.self || got.System != w.system {
		t.Errorf("message %d: Self/System = %v/%v, want %v/%v", i, got.Self, got.System, w.self, w.system)
	}
	if got.Text != w.text {
		t.Errorf("message %d: Text = %q, want %q", i, got.Text, w.text)
	}
	if !reflect.DeepEqual(got.Quote, w.quote) {
		t.Errorf("message %d: Quote = %+v, want %+v", i, got.Quote, w.quote)
	}
	if !reflect.DeepEqual(got.Transfer, w.transfer) {
		t.Errorf("message %d: Transfer = %+v, want %+v", i, got.Transfer, w.transfer)
	}
	if !reflect.DeepEqual(got.Images, w.images) {
		t.Errorf("message %d: Images = %v, want %v", i, got.Images, w.images)
	}
}

func checkAll(t *testing.T, log *Log, ws []want) {
	t.Helper()
	if len(log.Messages) != len(ws) {
		for i, m := range log.Messages {
			t.Logf("got %d: %+v", i, m)
		}
		t.Fatalf("got %d messages, want %d", len(log.Messages), len(ws))
	}
	for i, w := range ws {
		checkMessage(t, i, log.Messages[i], w)
	}
}

var qqWant = []want{
	{line: 8, time: at(2024, 1, 2, 9, 5, 7), sender: "小明(大号)", id: "12345678", role: "管理员", text: "第一行\n第二行"},
	{line: 12, time: at(2024, 1, 2, 9, 6, 0), sender: "小红", id: "red@example.com",
		text: "[图片]\n\n空行之后还是同一条消息\n2024-01-02 09:06:30 这一行没有空行在前所以是内容"},
	{line: 18, time: at(2024, 1, 2, 21, 0, 0), sender: "系统消息", id: "10000", system: true, text: "小红撤回了一条消息"},
	{line: 21, time: at(2024, 1, 3, 8, 0, 0), sender: "张三", text: "私聊没有号码"},
}

func TestParseQQTXTEncodings(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		enc  string
	}{
		{"utf8", []byte(qqFixture), "UTF-8"},
		{"utf8-crlf", []byte(crlf(qqFixture)), "UTF-8"},
		{"utf8-bom", append([]byte("\xEF\xBB\xBF"), crlf(qqFixture)...), "UTF-8 (BOM)"},
		{"utf16le-bom", utf16Bytes(crlf(qqFixture), false, true), "UTF-16LE (BOM)"},
		{"utf16be-bom", utf16Bytes(qqFixture, true, true), "UTF-16BE (BOM)"},
		{"utf16le", utf16Bytes(crlf(qqFixture), false, false), "UTF-16LE"},
		{"utf16be", utf16Bytes(qqFixture, true, false), "UTF-16BE"},
		{"gb18030", gb18030(t, crlf(qqFixture)), "GB18030"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, err := Parse("qq.txt", tt.data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if log.Format != FormatQQTXT || log.Label != "QQ 消息管理器导出（TXT）" {
				t.Errorf("Format/Label = %q/%q", log.Format, log.Label)
			}
			if log.Encoding != tt.enc {
				t.Errorf("Encoding = %q, want %q", log.Encoding, tt.enc)
			}
			if log.Group != "我的群聊" || log.Peer != "维权群" {
				t.Errorf("Group/Peer = %q/%q", log.Group, log.Peer)
			}
			if log.Lines != 22 {
				t.Errorf("Lines = %d, want 22", log.Lines)
			}
			checkAll(t, log, qqWant)
		})
	}
}

func TestParseQQTXTVariants(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []want
		warn string
	}{
		{
			name: "twelve-hour",
			in:   "2019-09-23 8:43:38 PM 小明(123456)\n晚上好\n\n2019-09-24 12:05:00 AM 小明(123456)\n午夜\n\n2019-09-24 12:30:00 PM 小明(123456)\n中午\n",
			want: []want{
				{line: 1, time: at(2019, 9, 23, 20, 43, 38), sender: "小明", id: "123456", text: "晚上好"},
				{line: 4, time: at(2019, 9, 24, 0, 5, 0), sender: "小明", id: "123456", text: "午夜"},
				{line: 7, time: at(2019, 9, 24, 12, 30, 0), sender: "小明", id: "123456", text: "中午"},
			},
		},
		{
			name: "nested-parentheses-and-roles",
			in:   "2024-01-01 10:00:00 【LV2 群友】【管理员】A(b)(c)(10001)\nx\n\n2024-01-01 10:00:01 (20002)\ny\n\n2024-01-01 10:00:02 1000000 群(1000000)\nz\n",
			want: []want{
				{line: 1, time: at(2024, 1, 1, 10, 0, 0), sender: "A(b)(c)", id: "10001", role: "LV2 群友 管理员", text: "x"},
				{line: 4, time: at(2024, 1, 1, 10, 0, 1), sender: "20002", id: "20002", text: "y"},
				{line: 7, time: at(2024, 1, 1, 10, 0, 2), sender: "1000000 群", id: "1000000", system: true, text: "z"},
			},
		},
		{
			name: "nickname-pm",
			in:   "2024-01-01 14:00:00 PM(123)\nx\n",
			want: []want{{line: 1, time: at(2024, 1, 1, 14, 0, 0), sender: "PM", id: "123", text: "x"}},
		},
		{
			name: "invalid-date",
			in:   "2024-02-30 10:00:00 甲(1)\n坏日期\n\n2024-03-01 25:00:00 甲(1)\n坏时间\n",
			want: []want{
				{line: 1, sender: "甲", id: "1", text: "坏日期"},
				{line: 4, sender: "甲", id: "1", text: "坏时间"},
			},
			warn: "bad-time",
		},
		{
			name: "recall-by-user",
			in:   "2024-01-01 1:00:00 甲(1)\n甲撤回了一条消息\n",
			want: []want{{line: 1, time: at(2024, 1, 1, 1, 0, 0), sender: "甲", id: "1", system: true, text: "甲撤回了一条消息"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, err := Parse("v.txt", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if log.Format != FormatQQTXT {
				t.Errorf("Format = %q, want qq-txt", log.Format)
			}
			checkAll(t, log, tt.want)
			if tt.warn != "" && !hasWarning(log, tt.warn) {
				t.Errorf("no %q warning in %+v", tt.warn, log.Warnings)
			}
		})
	}
}

func hasWarning(l *Log, code string) bool {
	for _, w := range l.Warnings {
		if w.Code == code {
			return true
		}
	}
	return false
}

// TestParseProjectSample parses the realistic export in the sample case.
func TestParseProjectSample(t *testing.T) {
	data, err := os.ReadFile("../../testdata/cases/sample/聊天记录/与星辰客服的聊天记录.txt")
	if err != nil {
		t.Fatal(err)
	}
	log, err := Parse("与星辰客服的聊天记录.txt", data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if log.Format != FormatQQTXT || log.Encoding != "UTF-8 (BOM)" || log.Peer != "星辰客服-小星" || log.Group != "我的好友" {
		t.Errorf("Format/Encoding/Peer/Group = %q/%q/%q/%q", log.Format, log.Encoding, log.Peer, log.Group)
	}
	if len(log.Messages) != 21 {
		t.Fatalf("got %d messages, want 21", len(log.Messages))
	}
	checkMessage(t, 0, log.Messages[0], want{line: 8, time: at(2026, 9, 3, 20, 10, 22), sender: "张小明", id: "1234567890", text: "你好，腾讯视频VIP年卡还有货吗？"})
	checkMessage(t, 9, log.Messages[9], want{line: 35, time: at(2026, 9, 4, 9, 12, 20), sender: "星辰客服-小星", id: "2876543210",
		text: "亲，久等了，卡密给您补发了：TXVIP-8H3K-2M9Q-7XWD，在腾讯视频“兑换VIP”里兑换就可以"})
	checkMessage(t, 20, log.Messages[20], want{line: 68, time: at(2026, 9, 6, 21, 10, 53), sender: "系统消息", id: "10000", system: true, text: "消息已发出，但被对方拒收了。"})
	if len(log.Warnings) != 0 {
		t.Errorf("unexpected warnings: %+v", log.Warnings)
	}
}

// TestParseSharedSample parses the hikariyo test file from shared/samples.
func TestParseSharedSample(t *testing.T) {
	data, err := os.ReadFile("../../../shared/samples/chat/qq/hikariyo-tests-file.txt")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared sample missing: %v", err)
		}
		t.Skipf("shared sample missing: %v", err)
	}
	log, err := Parse("hikariyo-tests-file.txt", data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if log.Format != FormatQQTXT {
		t.Errorf("Format = %q", log.Format)
	}
	checkAll(t, log, []want{
		{line: 5, time: at(1883, 3, 7, 11, 22, 33), sender: "A", id: "123123", text: "A"},
		{line: 8, time: at(1883, 3, 7, 12, 34, 56), sender: "B", id: "456456", text: "B"},
	})
}

func TestParseQQMHT(t *testing.T) {
	brokenB64 := base64.StdEncoding.EncodeToString(pngBytes)
	brokenB64 = brokenB64[:20] + "!!**" + brokenB64[24:]
	full := goodMHT()
	cut := strings.Index(full, "Content-Location:{ABC-1}.dat") + 60
	imgWant := []int{0}
	tests := []struct {
		name    string
		in      string
		images  int
		imgData []byte
		msgImgs []int
		warn    string
	}{
		{name: "lf", in: full, images: 1, imgData: pngBytes, msgImgs: imgWant},
		{name: "crlf", in: crlf(full), images: 1, imgData: pngBytes, msgImgs: imgWant},
		{name: "no-final-boundary", in: mhtFixture(base64.StdEncoding.EncodeToString(pngBytes), false), images: 1, imgData: pngBytes, msgImgs: imgWant, warn: "truncated"},
		{name: "truncated-image", in: full[:cut], images: 1, msgImgs: imgWant, warn: "truncated"},
		{name: "broken-base64", in: mhtFixture(brokenB64, true), images: 0, warn: "bad-base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, err := Parse("chat.mht", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if log.Format != FormatQQMHT || log.Group != "我的好友" || log.Peer != "星辰客服" {
				t.Errorf("Format/Group/Peer = %q/%q/%q", log.Format, log.Group, log.Peer)
			}
			lines := splitAll(tt.in, 0)
			if log.Lines != len(lines) {
				t.Errorf("Lines = %d, want %d", log.Lines, len(lines))
			}
			if len(log.Images) != tt.images {
				t.Fatalf("got %d images, want %d", len(log.Images), tt.images)
			}
			if tt.imgData != nil {
				im := log.Images[0]
				if im.Name != "{ABC-1}.dat" || im.ContentType != "image/png" || string(im.Data) != string(tt.imgData) {
					t.Errorf("image = %q %q %q", im.Name, im.ContentType, im.Data)
				}
			}
			checkAll(t, log, []want{
				{line: 18, time: at(2024, 1, 2, 9, 5, 7), sender: "张小明", text: "你好&在吗\n第二行"},
				{line: 19, time: at(2024, 1, 2, 21, 0, 0), sender: "客服", id: "2876543210", role: "管理员", text: "看图[图片]", images: tt.msgImgs},
				{line: 21, time: at(2024, 1, 3, 8, 0, 0), sender: "系统消息", id: "10000", system: true, text: "张小明撤回了一条消息"},
			})
			for _, m := range log.Messages {
				if !strings.Contains(lines[m.Line-1], m.Sender) {
					t.Errorf("line %d %q does not show sender %q", m.Line, lines[m.Line-1], m.Sender)
				}
			}
			if tt.warn != "" && !hasWarning(log, tt.warn) {
				t.Errorf("no %q warning in %+v", tt.warn, log.Warnings)
			}
			if tt.warn == "" && len(log.Warnings) != 0 {
				t.Errorf("unexpected warnings %+v", log.Warnings)
			}
		})
	}
}

func TestParseCorrupt(t *testing.T) {
	full := goodMHT()
	tests := []struct {
		name string
		in   string
		line int
		err  error
	}{
		{"mht-no-boundary", strings.Replace(full, `boundary="----=_NextPart_TEST"`, `x="y"`, 1), 1, ErrCorrupt},
		{"mht-cut-in-header", full[:strings.Index(full, "<html")-30], 0, ErrCorrupt},
		{"mht-no-html", strings.Replace(full, "Content-Type:text/html", "Content-Type:text/plain", 1), 0, ErrCorrupt},
		{"csv-wrong-columns", wechatCSVHeader + "1,5,1,0,0,1704164645,2,a,b,c,d,\n2,5,1,0,0,1704164645,2,a,b\n", 3, ErrCorrupt},
		{"csv-bare-quote", wechatCSVHeader + "1,5,1,0,0,1704164645,2,a\"b,c,d,e,\n", 2, ErrCorrupt},
		{"pywxdump-wrong-columns", "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n1,2,文本,0,a,b,c,,2024-01-01 00:00:00,extra\n", 2, ErrCorrupt},
		{"plain-text", "今天去营业厅问了一下，说要等三天。\n没有任何时间。\n", 0, ErrNotChat},
		{"empty", "", 0, ErrNotChat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad", []byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want *ParseError", err, err)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("err = %v, want %v", err, tt.err)
			}
			if pe.Line != tt.line || pe.File != "bad" || pe.Zh == "" {
				t.Errorf("ParseError = %+v, want line %d", pe, tt.line)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	small := limits{input: 8192, messages: 2, line: 64, parts: 1, decoded: 1 << 20}
	three := "2024-01-01 1:00:00 a(1)\nx\n\n2024-01-01 1:00:01 a(1)\ny\n\n2024-01-01 1:00:02 a(1)\nz\n"
	tests := []struct {
		name string
		in   string
		err  error
		line int
	}{
		{"input", strings.Repeat("x", 9000), ErrTooLarge, 0},
		{"messages", three, ErrTooManyMessages, 7},
		{"line", "2024-01-01 1:00:00 a(1)\n" + strings.Repeat("长", 30) + "\n", ErrLineTooLong, 2},
		{"parts", goodMHT(), ErrTooManyParts, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseWith("f", []byte(tt.in), small)
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tt.err) || pe.Line != tt.line {
				t.Fatalf("err = %v, want %v at line %d", err, tt.err, tt.line)
			}
		})
	}
	t.Run("decoded", func(t *testing.T) {
		lim := defaultLimits()
		lim.decoded = 100
		_, err := parseWith("f", []byte(goodMHT()), lim)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("plain-messages", func(t *testing.T) {
		_, err := parsePlainWith("f", []byte(three), small)
		if !errors.Is(err, ErrTooManyMessages) {
			t.Fatalf("err = %v, want ErrTooManyMessages", err)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		if d := defaultLimits(); d.input != 64<<20 || d.messages != 2_000_000 || d.line != 1<<20 || d.parts != 10_000 || d.decoded != 256<<20 {
			t.Errorf("defaultLimits = %+v", d)
		}
	})
}

func TestParseWeChatTXT(t *testing.T) {
	for _, in := range []string{wechatTXTFixture, "\uFEFF" + crlf(wechatTXTFixture)} {
		log, err := Parse("wx.txt", []byte(in))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		if log.Format != FormatWeChatMsgTXT || !strings.Contains(log.TimeNote, "StrTime") {
			t.Errorf("Format/TimeNote = %q/%q", log.Format, log.TimeNote)
		}
		checkAll(t, log, []want{
			{line: 1, time: at(2024, 3, 1, 10, 0, 0), sender: "小王", text: "你好\n在吗"},
			{line: 5, time: at(2024, 3, 1, 10, 1, 0), sender: "我", text: "在的", quote: &Quote{Sender: "小王", Text: "你好"}},
			{line: 9, time: at(2024, 3, 1, 10, 2, 0), system: true, text: `"小王" 撤回了一条消息`},
			{line: 11, time: at(2024, 3, 1, 10, 3, 0), sender: "小王", text: "[图片]"},
		})
	}
}

func TestParseWeChatCSV(t *testing.T) {
	log, err := Parse("客服小李_utf8.csv", []byte(wechatCSVFixture()))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if log.Format != FormatWeChatMsgCSV || log.Encoding != "UTF-8 (BOM)" {
		t.Errorf("Format/Encoding = %q/%q", log.Format, log.Encoding)
	}
	if !strings.Contains(log.TimeNote, "CreateTime（Unix 时间）") || !hasWarning(log, "strtime-fallback") {
		t.Errorf("TimeNote = %q, warnings %+v", log.TimeNote, log.Warnings)
	}
	checkAll(t, log, []want{
		{line: 2, time: at(2024, 1, 2, 11, 4, 5), sender: "客服小李", text: "你好,在吗"},
		{line: 3, time: at(2024, 1, 2, 11, 5, 0), sender: "我", self: true, text: "[图片]"},
		{line: 4, time: at(2024, 1, 2, 11, 6, 40), sender: "客服小李", system: true, text: `"客服小李" 撤回了一条消息`},
		{line: 5, time: at(2024, 1, 2, 11, 10, 0), sender: "我", self: true, text: "好的"},
		{line: 6, time: at(2024, 1, 2, 11, 8, 20), sender: "客服小李", text: "第一行\n第二行"},
		{line: 8, time: at(2024, 1, 2, 11, 10, 0), sender: "客服小李", text: "[语音]"},
	})
}

func TestParsePyWxDumpCSV(t *testing.T) {
	log, err := Parse("wxid_abc123_0_100.csv", []byte(crlf(pyWxDumpFixture)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if log.Format != FormatPyWxDumpCSV || log.Encoding != "UTF-8" {
		t.Errorf("Format/Encoding = %q/%q", log.Format, log.Encoding)
	}
	checkAll(t, log, []want{
		{line: 2, time: at(2024, 5, 1, 8, 0, 0), sender: "wxid_abc123", id: "wxid_abc123", text: "你好"},
		{line: 3, time: at(2024, 5, 1, 8, 1, 2), sender: "我", self: true, text: "转账：￥1,288.50\n转账说明：VIP年卡\n转账时间：2024-05-01 08:01:02",
			transfer: &Transfer{Cents: 128850, Note: "VIP年卡", Time: at(2024, 5, 1, 8, 1, 2), HasTime: true}},
		{line: 6, time: at(2024, 5, 1, 8, 2, 0), sender: "wxid_abc123", id: "wxid_abc123", text: "[图片]"},
		{line: 7, time: at(2024, 5, 1, 8, 3, 0), system: true, text: "你已添加了客服，现在可以开始聊天了。"},
	})
}

func TestParseCents(t *testing.T) {
	tests := []struct {
		in    string
		cents int64
		ok    bool
	}{
		{"￥1,288.50", 128850, true},
		{"¥0.5", 50, true},
		{"12元", 1200, true},
		{"3.14159", 0, false},
		{"-5", 0, false},
		{"abc", 0, false},
		{"99999999999999", 0, false},
	}
	for _, tt := range tests {
		c, ok := parseCents(tt.in)
		if c != tt.cents || ok != tt.ok {
			t.Errorf("parseCents(%q) = %d, %v; want %d, %v", tt.in, c, ok, tt.cents, tt.ok)
		}
	}
}

func TestParsePlain(t *testing.T) {
	log, err := ParsePlain("notes.txt", []byte(crlf(plainFixture)))
	if err != nil {
		t.Fatalf("ParsePlain: %v", err)
	}
	if log.Format != FormatPlain {
		t.Errorf("Format = %q", log.Format)
	}
	checkAll(t, log, []want{
		{line: 1, text: "聊天截图转写（手工整理）"},
		{line: 3, time: at(2024, 1, 2, 15, 4, 0), sender: "客服", text: "明天一定发货\n好的"},
		{line: 5, time: at(2024, 1, 3, 10, 0, 0), sender: "我", text: "还没收到"},
		{line: 6, time: at(2024, 1, 4, 9, 30, 0), text: "对方已拉黑"},
	})

	log, err = ParsePlain("n.txt", gb18030(t, "\n\n客服说明天发货。\n\n我说好的。\n\n"))
	if err != nil {
		t.Fatalf("ParsePlain: %v", err)
	}
	if log.Encoding != "GB18030" || !strings.Contains(log.TimeNote, "没有") {
		t.Errorf("Encoding/TimeNote = %q/%q", log.Encoding, log.TimeNote)
	}
	checkAll(t, log, []want{{line: 3, text: "客服说明天发货。\n\n我说好的。"}})

	log, err = ParsePlain("empty.txt", nil)
	if err != nil || len(log.Messages) != 0 {
		t.Fatalf("ParsePlain(empty) = %v, %v", log, err)
	}
}

func TestScanLoose(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		n    int // 0: must fail
	}{
		{"2024-01-02 15:04:05 x", at(2024, 1, 2, 15, 4, 5), 19},
		{"2024/1/2 3:04 PM", at(2024, 1, 2, 15, 4, 0), 16},
		{"2024.01.02 15:04", at(2024, 1, 2, 15, 4, 0), 16},
		{"2024年1月2日 15:04", at(2024, 1, 2, 15, 4, 0), len("2024年1月2日 15:04")},
		{"2024-01-02T15:04:05", at(2024, 1, 2, 15, 4, 5), 19},
		{"【2024-01-02 凌晨1:00】", at(2024, 1, 2, 1, 0, 0), len("【2024-01-02 凌晨1:00】")},
		{"2024-01-02 中午12:10", at(2024, 1, 2, 12, 10, 0), len("2024-01-02 中午12:10")},
		{"[2024-01-02 15:04", time.Time{}, 0},
		{"2024-01-02", time.Time{}, 0},
		{"20240-01-02 15:04", time.Time{}, 0},
		{"2024-01-02 15:045", time.Time{}, 0},
		{"2024/01-02 15:04", time.Time{}, 0},
	}
	for _, tt := range tests {
		st, n, ok := scanLoose(tt.in)
		if tt.n == 0 {
			if ok {
				t.Errorf("scanLoose(%q) ok, want failure", tt.in)
			}
			continue
		}
		got, tok := st.time(cst())
		if !ok || n != tt.n || !tok || !got.Equal(tt.want) {
			t.Errorf("scanLoose(%q) = %v n=%d ok=%v; want %v n=%d", tt.in, got, n, ok, tt.want, tt.n)
		}
	}
}

func TestSniff(t *testing.T) {
	big := strings.Repeat(qqFixture, 4000) // > 64 KiB head
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"qq-txt", []byte(qqFixture), true},
		{"qq-txt-utf16", utf16Bytes(qqFixture, false, true), true},
		{"qq-txt-big-head", []byte(big), true},
		{"mht", []byte(goodMHT()[:300]), true},
		{"wechat-csv", []byte(wechatCSVFixture()), true},
		{"pywxdump", []byte(pyWxDumpFixture), true},
		{"wechat-txt", []byte(wechatTXTFixture), true},
		{"plain", []byte(plainFixture), false},
		{"notes", []byte("购买记录\n订单号 123\n"), false},
		{"binary", []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 13}, false},
	}
	for _, tt := range tests {
		if got := Sniff(tt.name, tt.head); got != tt.want {
			t.Errorf("Sniff(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSelect(t *testing.T) {
	log, err := Parse("qq.txt", []byte(qqFixture+"\n2024-02-30 10:00:00 路人(999)\n无效日期\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		f       Filter
		kept    []int
		omitted int
	}{
		{"all", Filter{}, []int{0, 1, 2, 3, 4}, 0},
		{"from", Filter{From: at(2024, 1, 2, 9, 6, 0)}, []int{1, 2, 3, 4}, 1},
		{"to-inclusive", Filter{To: at(2024, 1, 2, 9, 6, 0)}, []int{0, 1, 4}, 2},
		{"range", Filter{From: at(2024, 1, 2, 12, 0, 0), To: at(2024, 1, 2, 23, 0, 0)}, []int{2, 4}, 3},
		{"by-name", Filter{Participants: []string{" 张三 "}}, []int{2, 3}, 3},
		{"by-id-case", Filter{Participants: []string{"RED@example.com", "12345678"}}, []int{0, 1, 2}, 2},
		{"nobody", Filter{Participants: []string{"陌生人"}}, []int{2}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, omitted := log.Select(tt.f)
			if !reflect.DeepEqual(kept, tt.kept) || omitted != tt.omitted {
				t.Errorf("Select = %v, %d; want %v, %d", kept, omitted, tt.kept, tt.omitted)
			}
		})
	}
}

func TestHighlights(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"不到账全额退款", []string{"到账", "退款"}},
		{"我们不退款", []string{"不退款"}},
		{"包退包换，包到账", []string{"包退", "包换", "包到账"}},
		{"红包到账了", []string{"到账"}},
		{"面包过期了", nil},
		{"考试包过", []string{"包过"}},
		{"钱包被冻结", []string{"冻结"}},
		{"书包", nil},
		{"向12315投诉", []string{"12315", "投诉"}},
		{"电话123156", nil},
		{"卡密无效或已被使用", []string{"卡密", "无效", "已被使用"}},
		{"骗子！诈骗！骗人", []string{"骗子", "诈骗", "骗"}},
		{"", nil},
		{"hello", nil},
	}
	for _, tt := range tests {
		rs := []rune(tt.in)
		var got []string
		for _, r := range Highlights(tt.in) {
			got = append(got, string(rs[r[0]:r[1]]))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Highlights(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	k := Keywords()
	k[0] = "changed"
	if Keywords()[0] == "changed" {
		t.Error("Keywords returns shared storage")
	}
}
