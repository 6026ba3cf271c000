package casefile

import (
	"errors"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLoadFull(t *testing.T) {
	c, err := LoadFile("testdata/full.yaml")
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	cst := China()
	want := &Case{
		Version: 1,
		Type:    TypeVirtualGoods,
		Target:  Target12315,
		Complainant: Party{
			Name: "张三", Phone: "13800138000", IDNumber: "11010519491231002X", Address: "北京市朝阳区某街道1号",
			Accounts: []Account{{Platform: "微信", ID: "zhangsan_wx", Name: "张三"}},
		},
		Respondent: Party{
			Name: "星辰卡盟", Platform: "独立网站", URL: "https://xingchen.example/shop", CreditCode: "91440300708461136T",
			Accounts: []Account{{Platform: "QQ", ID: "123456", Name: "客服小星"}},
		},
		Order: Order{
			Item:          "腾讯视频VIP年卡",
			OrderNo:       "20260903201501000123",
			Amount:        12800,
			PaidAt:        Time{time.Date(2026, 9, 3, 20, 15, 0, 0, cst), PrecisionMinute},
			PaymentMethod: "微信支付",
			Promised:      "付款后24小时内自动发货",
			PromisedBy:    Time{time.Date(2026, 9, 4, 12, 15, 0, 0, time.UTC), PrecisionRFC3339},
		},
		Problem: "9月3日在星辰卡盟购买腾讯视频VIP年卡，付款128元。\n商家承诺24小时内自动发货，至今未发货。",
		Demands: []string{"退还货款128元"},
		Events: []Event{
			{At: Time{time.Date(2026, 9, 5, 10, 0, 0, 0, cst), PrecisionMinute}, What: "向卖家发出退款要求", Evidence: []string{"chat/qq.txt"}, Line: 35},
			{At: Time{time.Date(2026, 9, 6, 0, 0, 0, 0, cst), PrecisionDay}, What: "卖家拒绝退款", Evidence: []string{"chat/qq.txt"}, Line: 38},
		},
		Files: []FileNote{
			{Path: "截图/Screenshot_2026-09-03-20-16-01-123_com.tencent.mm.jpg", Kind: KindPayment, Title: "微信支付凭证", Proves: "证明投诉人于2026年9月3日向被投诉人支付128元", Line: 43},
			{Path: "chat/qq.txt", Kind: KindChat, Line: 47},
			{Path: "notes.txt", Line: 49},
		},
	}
	// Times compare by instant; the rest field by field.
	if !c.Order.PaidAt.Equal(want.Order.PaidAt.Time) || c.Order.PaidAt.Precision != want.Order.PaidAt.Precision {
		t.Errorf("paid_at = %v (%d), want %v", c.Order.PaidAt, c.Order.PaidAt.Precision, want.Order.PaidAt)
	}
	if !c.Order.PromisedBy.Equal(want.Order.PromisedBy.Time) || c.Order.PromisedBy.Precision != PrecisionRFC3339 {
		t.Errorf("promised_by = %v, want %v", c.Order.PromisedBy, want.Order.PromisedBy)
	}
	for i := range want.Events {
		if i < len(c.Events) && (!c.Events[i].At.Equal(want.Events[i].At.Time) || c.Events[i].At.Precision != want.Events[i].At.Precision) {
			t.Errorf("events[%d].at = %v, want %v", i, c.Events[i].At, want.Events[i].At)
		}
	}
	norm := func(c *Case) Case {
		v := *c
		v.Order.PaidAt, v.Order.PromisedBy = Time{}, Time{}
		v.Events = append([]Event(nil), v.Events...)
		for i := range v.Events {
			v.Events[i].At = Time{}
		}
		v.byPath = nil
		return v
	}
	if got, w := norm(c), norm(want); !reflect.DeepEqual(got, w) {
		t.Errorf("Load mismatch\n got: %+v\nwant: %+v", got, w)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings = %v, want none (valid credit code and ID number)", c.Warnings)
	}
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(strings.NewReader("version: 1\n"), "case.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != TypeVirtualGoods || c.Target != Target12315 || c.Version != 1 {
		t.Errorf("defaults = %q %q %d", c.Type, c.Target, c.Version)
	}
	n := New()
	if n.Type != c.Type || n.Target != c.Target || n.Version != c.Version {
		t.Errorf("New() = %+v, want the same defaults as an empty case.yaml", n)
	}
}

func TestLoadAccepts(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		check func(t *testing.T, c *Case)
	}{
		{"quoted version", "version: \"1\"\n", func(t *testing.T, c *Case) {}},
		{"target quoted", "version: 1\ntarget: \"12315\"\n", func(t *testing.T, c *Case) {
			if c.Target != Target12315 {
				t.Errorf("target = %q", c.Target)
			}
		}},
		{"target arbitration", "version: 1\ntarget: arbitration\ntype: engagement-service\n", func(t *testing.T, c *Case) {
			if c.Target != TargetArbitration || c.Type != TypeEngagementService {
				t.Errorf("target, type = %q, %q", c.Target, c.Type)
			}
		}},
		{"chinese labels", "version: 1\ntype: 刷量服务\nfiles:\n  a.jpg: {kind: 付款记录}\n", func(t *testing.T, c *Case) {
			if c.Type != TypeEngagementService || c.Files[0].Kind != KindPayment {
				t.Errorf("type, kind = %q, %q", c.Type, c.Files[0].Kind)
			}
		}},
		{"order no digits kept as text", "version: 1\norder:\n  order_no: 4200001234567890123456789\n", func(t *testing.T, c *Case) {
			if c.Order.OrderNo != "4200001234567890123456789" {
				t.Errorf("order_no = %q", c.Order.OrderNo)
			}
		}},
		{"order no leading zero", "version: 1\norder:\n  order_no: 000123\n", func(t *testing.T, c *Case) {
			if c.Order.OrderNo != "000123" {
				t.Errorf("order_no = %q", c.Order.OrderNo)
			}
		}},
		{"amount forms", "version: 1\norder:\n  amount: \"￥1,280.50\"\n", func(t *testing.T, c *Case) {
			if c.Order.Amount != 128050 {
				t.Errorf("amount = %d", c.Order.Amount)
			}
		}},
		{"amount float that floats would break", "version: 1\norder:\n  amount: 0.29\n", func(t *testing.T, c *Case) {
			if c.Order.Amount != 29 {
				t.Errorf("amount = %d", c.Order.Amount)
			}
		}},
		{"empty amount and times", "version: 1\norder:\n  amount:\n  paid_at: \"\"\n  promised_by: ~\n", func(t *testing.T, c *Case) {
			if c.Order.Amount != 0 || !c.Order.PaidAt.IsZero() || !c.Order.PromisedBy.IsZero() {
				t.Errorf("order = %+v", c.Order)
			}
		}},
		{"single demand as text", "version: 1\ndemands: 退还货款128元\n", func(t *testing.T, c *Case) {
			if !reflect.DeepEqual(c.Demands, []string{"退还货款128元"}) {
				t.Errorf("demands = %q", c.Demands)
			}
		}},
		{"null sections", "version: 1\ncomplainant:\nrespondent:\norder:\nevents:\nfiles:\n", func(t *testing.T, c *Case) {
			if len(c.Files) != 0 || len(c.Events) != 0 {
				t.Errorf("case = %+v", c)
			}
		}},
		{"respondent phone", "version: 1\nrespondent:\n  phone: 4001234567\n", func(t *testing.T, c *Case) {
			if c.Respondent.Phone != "4001234567" {
				t.Errorf("phone = %q", c.Respondent.Phone)
			}
		}},
		{"comments and BOM", "\ufeff# 说明\nversion: 1 # 版本\n", func(t *testing.T, c *Case) {}},
		{"anchor without alias", "version: 1\nproblem: &p 没有发货\n", func(t *testing.T, c *Case) {
			if c.Problem != "没有发货" {
				t.Errorf("problem = %q", c.Problem)
			}
		}},
		{"document end marker", "---\nversion: 1\n...\n", func(t *testing.T, c *Case) {}},
		{"windows line endings", "version: 1\r\nproblem: 未发货\r\n", func(t *testing.T, c *Case) {
			if c.Problem != "未发货" {
				t.Errorf("problem = %q", c.Problem)
			}
		}},
		{"utf-16 with BOM", utf16LE("version: 1\nproblem: 未发货\n"), func(t *testing.T, c *Case) {
			if c.Problem != "未发货" {
				t.Errorf("problem = %q", c.Problem)
			}
		}},
		{"bad credit code is a warning", "version: 1\nrespondent:\n  credit_code: 91440300708461136A\n", func(t *testing.T, c *Case) {
			if len(c.Warnings) != 1 || c.Warnings[0].Line != 3 || c.Warnings[0].Key != "respondent.credit_code" || c.Warnings[0].File != "case.yaml" {
				t.Errorf("warnings = %v", c.Warnings)
			}
		}},
		{"bad id number is a warning", "version: 1\ncomplainant:\n  id_number: \"110105194912310021\"\n", func(t *testing.T, c *Case) {
			if len(c.Warnings) != 1 || c.Warnings[0].Key != "complainant.id_number" {
				t.Errorf("warnings = %v", c.Warnings)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(strings.NewReader(tt.doc), "case.yaml")
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func utf16LE(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, r := range s {
		if r > 0xFFFF {
			panic("bmp only")
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

type wantErr struct {
	line int
	key  string
	msg  string // the exact Error() text without "case.yaml:line: "
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []wantErr
	}{
		{"empty file", "", []wantErr{{0, "version", `missing "version: 1"`}}},
		{"comments only", "# nothing\n", []wantErr{{0, "version", `missing "version: 1"`}}},
		{"missing version", "type: virtual-goods\n", []wantErr{{1, "version", `missing "version: 1"`}}},
		{"version 2", "version: 2\n", []wantErr{{1, "version", "version: unsupported version 2 (this evipack reads version 1)"}}},
		{"version text", "version: one\n", []wantErr{{1, "version", `version: "one" is not a number (write "version: 1")`}}},
		{"version list", "version: [1]\n", []wantErr{{1, "version", "version: expected the number 1, found a list"}}},
		{"top level list", "- version: 1\n", []wantErr{{1, "", `expected keys like "version: 1" at the top level, found a list`}}},
		{"top level text", "hello\n", []wantErr{{1, "", `expected keys like "version: 1" at the top level, found text "hello"`}}},
		{"unknown top key with suggestion", "version: 1\nrespondant:\n  name: x\n",
			[]wantErr{{2, "respondant", `unknown key "respondant" (did you mean "respondent"?)`}}},
		{"unknown nested key with suggestion", "version: 1\nrespondent:\n  nmae: x\n",
			[]wantErr{{3, "respondent.nmae", `unknown key "nmae" in respondent (did you mean "name"?)`}}},
		{"key at wrong level", "version: 1\namount: 128\n",
			[]wantErr{{2, "amount", `unknown key "amount" (it belongs under "order")`}}},
		{"top key indented", "version: 1\norder:\n  problem: x\n",
			[]wantErr{{3, "order.problem", `unknown key "problem" in order (it belongs at the top level, not indented)`}}},
		{"unknown key lists allowed", "version: 1\naccounts_x:\n",
			[]wantErr{{2, "accounts_x", `unknown key "accounts_x" (allowed: version, type, target, complainant, respondent, order, problem, demands, events, arbitration_clause, files)`}}},
		{"id_number not for respondent", "version: 1\nrespondent:\n  id_number: x\n",
			[]wantErr{{3, "respondent.id_number", `unknown key "id_number" in respondent (it belongs under "complainant")`}}},
		{"unknown key in files entry", "version: 1\nfiles:\n  a.jpg:\n    kind: payment\n    kidn: chat\n",
			[]wantErr{{5, `files["a.jpg"].kidn`, `unknown key "kidn" in files["a.jpg"] (did you mean "kind"?)`}}},
		{"unknown key in account", "version: 1\ncomplainant:\n  accounts:\n    - platform: 微信\n      nick: x\n",
			[]wantErr{{5, "complainant.accounts[0].nick", `unknown key "nick" in complainant.accounts[0] (allowed: platform, id, name)`}}},
		{"unknown key in event", "version: 1\nevents:\n  - at: 2026-09-05\n    waht: x\n",
			[]wantErr{{4, "events[0].waht", `unknown key "waht" in events[0] (did you mean "what"?)`}}},
		{"bad amount", "version: 1\norder:\n  item: x\n  amount: 12.345\n",
			[]wantErr{{4, "order.amount", `order.amount: "12.345" is not an amount in yuan with at most 2 decimals`}}},
		{"negative amount", "version: 1\norder:\n  amount: -5\n",
			[]wantErr{{3, "order.amount", `order.amount: "-5" is not an amount in yuan with at most 2 decimals`}}},
		{"amount exponent", "version: 1\norder:\n  amount: 1e3\n",
			[]wantErr{{3, "order.amount", `order.amount: "1e3" is not an amount in yuan with at most 2 decimals`}}},
		{"amount list", "version: 1\norder:\n  amount: [1]\n",
			[]wantErr{{3, "order.amount", `order.amount: expected an amount in yuan, found a list`}}},
		{"bad time", "version: 1\norder:\n  paid_at: 2026/09/03\n",
			[]wantErr{{3, "order.paid_at", `order.paid_at: "2026/09/03" is not a time like "2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05" or RFC 3339`}}},
		{"impossible date", "version: 1\nevents:\n  - at: 2026-02-30\n",
			[]wantErr{{3, "events[0].at", `events[0].at: "2026-02-30" is not a time like "2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05" or RFC 3339`}}},
		{"bad type", "version: 1\ntype: goods\n",
			[]wantErr{{2, "type", `type: "goods" is not a case type (allowed: virtual-goods, engagement-service, online-service)`}}},
		{"bad target", "version: 1\ntarget: 12306\n",
			[]wantErr{{2, "target", `target: "12306" is not a complaint target (allowed: 12315, payment, arbitration, merchant)`}}},
		{"bad kind", "version: 1\nfiles:\n  a.jpg:\n    kind: receipt\n",
			[]wantErr{{4, `files["a.jpg"].kind`, `files["a.jpg"].kind: "receipt" is not a kind of evidence (allowed: payment, chat, listing, promise, result, demand, refusal, identity, screenshot, photo, document, recording, voice, other)`}}},
		{"text given a mapping", "version: 1\nproblem:\n  a: b\n",
			[]wantErr{{3, "problem", `problem: expected text, found keys and values`}}},
		{"section given text", "version: 1\norder: 腾讯视频\n",
			[]wantErr{{2, "order", `order: expected keys and values, found text "腾讯视频"`}}},
		{"events given a mapping", "version: 1\nevents:\n  at: 2026-09-05\n",
			[]wantErr{{3, "events", `events: expected a list, found keys and values`}}},
		{"files given a list", "version: 1\nfiles:\n  - a.jpg\n",
			[]wantErr{{3, "files", `files: expected file paths with kind, title and proves, found a list`}}},
		{"duplicate key", "version: 1\ncomplainant:\n  name: a\n  name: b\n",
			[]wantErr{{4, "complainant.name", `duplicate key "name" in complainant (first at line 3)`}}},
		{"duplicate top key", "version: 1\nversion: 1\n",
			[]wantErr{{2, "version", `duplicate key "version" (first at line 1)`}}},
		{"duplicate file", "version: 1\nfiles:\n  a/b.jpg: {}\n  \"a\\\\b.jpg\": {}\n",
			[]wantErr{{4, `files["a\\b.jpg"]`, `duplicate file "a\\b.jpg" in files (first at line 3)`}}},
		{"path escapes", "version: 1\nfiles:\n  ../secret.txt:\n    kind: other\n",
			[]wantErr{{3, `files["../secret.txt"]`, `files["../secret.txt"]: "../secret.txt" is not a path inside the case folder (write it relative to the folder, with /, e.g. "截图/付款.jpg")`}}},
		{"absolute path", "version: 1\nfiles:\n  /etc/passwd: {}\n",
			[]wantErr{{3, `files["/etc/passwd"]`, `files["/etc/passwd"]: "/etc/passwd" is not a path inside the case folder (write it relative to the folder, with /, e.g. "截图/付款.jpg")`}}},
		{"drive path", "version: 1\nevents:\n  - evidence: [\"C:\\\\a.jpg\"]\n",
			[]wantErr{{3, "events[0].evidence[0]", `events[0].evidence[0]: "C:\\a.jpg" is not a path inside the case folder (write it relative to the folder, with /, e.g. "截图/付款.jpg")`}}},
		{"alias", "version: 1\nproblem: &a x\ndemands: [*a]\n",
			[]wantErr{{3, "demands[0]", "demands[0]: YAML aliases (*name) are not supported"}}},
		{"alias as value", "version: 1\ncomplainant: &c {name: a}\nrespondent: *c\n",
			[]wantErr{{3, "respondent", "respondent: YAML aliases (*name) are not supported"}}},
		{"merge key", "version: 1\norder:\n  <<: {item: x}\n",
			[]wantErr{{3, "order.<<", `unknown key "<<" in order (allowed: item, order_no, amount, paid_at, payment_method, promised, promised_by)`}}},
		{"non-text key", "version: 1\n[a]: b\n",
			[]wantErr{{2, "", `key is a list, not text`}}},
		{"two documents", "version: 1\n---\nversion: 1\n",
			[]wantErr{{2, "", `more than one YAML document (remove the extra "---")`}}},
		{"syntax error", "version: 1\norder:\n  item: \"x\n",
			[]wantErr{{3, "", "invalid YAML: found unexpected end of stream"}}},
		{"tab indentation", "version: 1\norder:\n\titem: x\n",
			[]wantErr{{3, "", "tab used for indentation; indent with spaces"}}},
		{"gbk", "version: 1\nproblem: \xce\xb4\xb7\xa2\xbb\xf5\n",
			[]wantErr{{2, "", "file is not valid UTF-8 (perhaps GBK); save it as UTF-8"}}},
		{"all problems, sorted by line", "type: nope\norder:\n  amount: abc\n  colour: red\nfiles:\n  x.jpg: {kind: bad}\n",
			[]wantErr{
				{1, "version", `missing "version: 1"`},
				{1, "type", `type: "nope" is not a case type (allowed: virtual-goods, engagement-service, online-service)`},
				{3, "order.amount", `order.amount: "abc" is not an amount in yuan with at most 2 decimals`},
				{4, "order.colour", `unknown key "colour" in order (allowed: item, order_no, amount, paid_at, payment_method, promised, promised_by)`},
				{6, `files["x.jpg"].kind`, `files["x.jpg"].kind: "bad" is not a kind of evidence (allowed: payment, chat, listing, promise, result, demand, refusal, identity, screenshot, photo, document, recording, voice, other)`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(strings.NewReader(tt.doc), "case.yaml")
			if c != nil {
				t.Errorf("Load returned a case along with the error")
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("Load error = %v (%T), want Errors", err, err)
			}
			var got []wantErr
			for _, e := range es {
				if e.File != "case.yaml" {
					t.Errorf("File = %q", e.File)
				}
				if e.Zh == "" {
					t.Errorf("%v: no Chinese message", e)
				}
				got = append(got, wantErr{e.Line, e.Key, e.Msg})
				prefix := "case.yaml: "
				if e.Line > 0 {
					prefix = "case.yaml:" + itoa(e.Line) + ": "
				}
				if e.Error() != prefix+e.Msg {
					t.Errorf("Error() = %q, want %q", e.Error(), prefix+e.Msg)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors\n got: %#v\nwant: %#v", got, tt.want)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestErrorsFormat(t *testing.T) {
	_, err := Load(strings.NewReader("version: 1\nrespondant: x\norder:\n  amount: 12.345\n"), "case.yaml")
	want := "case.yaml:2: unknown key \"respondant\" (did you mean \"respondent\"?)\n" +
		"case.yaml:4: order.amount: \"12.345\" is not an amount in yuan with at most 2 decimals"
	if err == nil || err.Error() != want {
		t.Fatalf("error =\n%v\nwant\n%s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 {
		t.Errorf("errors.As(*Error) = %v, want the first problem", e)
	}
	if got := e.Chinese(); got != "case.yaml 第 2 行：不认识的字段“respondant”，是不是“respondent”？" {
		t.Errorf("Chinese() = %q", got)
	}
}

func TestLoadFileErrors(t *testing.T) {
	_, err := LoadFile("testdata/does-not-exist.yaml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile(missing) = %v, want os.ErrNotExist", err)
	}
	if err == nil || !strings.HasPrefix(err.Error(), "load testdata/does-not-exist.yaml: ") {
		t.Errorf("error %q does not name the op and path", err)
	}
	_, err = Load(errReader{}, "case.yaml")
	if !errors.Is(err, errBoom) {
		t.Errorf("Load(failing reader) = %v, want the read error wrapped", err)
	}
	var es Errors
	if errors.As(err, &es) {
		t.Errorf("a read failure must not look like a malformed file")
	}
}

var errBoom = errors.New("boom")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

func TestLoadTooLarge(t *testing.T) {
	doc := "version: 1\nproblem: \"" + strings.Repeat("a", MaxSize) + "\"\n"
	_, err := Load(strings.NewReader(doc), "case.yaml")
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || !strings.Contains(es[0].Msg, "larger than") {
		t.Fatalf("Load(>1 MiB) = %v, want one size error", err)
	}
	// The reader is not drained past the limit.
	r := &countingReader{r: strings.NewReader(doc + strings.Repeat("#\n", MaxSize))}
	_, _ = Load(r, "case.yaml")
	if r.n > MaxSize+1 {
		t.Errorf("read %d bytes, want at most %d", r.n, MaxSize+1)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestLoadBillionLaughs(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [")
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("*a" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	b.WriteString("demands: *a9\n")
	start := time.Now()
	_, err := Load(strings.NewReader(b.String()), "case.yaml")
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("err = %v, want Errors", err)
	}
	last := es[len(es)-1]
	if last.Key != "demands" || !strings.Contains(last.Msg, "aliases") {
		t.Errorf("last error = %v, want the alias in demands refused", last)
	}
}

func TestLoadDeepNesting(t *testing.T) {
	doc := "version: 1\nproblem: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"
	_, err := Load(strings.NewReader(doc), "case.yaml")
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("err = %v, want Errors", err)
	}
}

func TestLoadLineBreaks(t *testing.T) {
	tests := []struct {
		name, doc string
		line      int
	}{
		{"lf", "version: 1\nbad: x\n", 2},
		{"crlf", "version: 1\r\n\r\nbad: x\r\n", 3},
		{"cr", "version: 1\r\rbad: x\r", 3},
		{"invalid utf-8 after cr", "version: 1\rproblem: \xff\r", 2},
		{"tab after crlf", "version: 1\r\norder:\r\n\titem: x\r\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.doc), "case.yaml")
			var es Errors
			if !errors.As(err, &es) || len(es) != 1 || es[0].Line != tt.line {
				t.Errorf("Load = %v, want one error at line %d", err, tt.line)
			}
		})
	}
}
