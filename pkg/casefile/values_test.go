package casefile

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		ok   bool
	}{
		{"128", 12800, true},
		{"128.5", 12850, true},
		{"128.00", 12800, true},
		{"0.29", 29, true},
		{"0.1", 10, true},
		{"¥128.00", 12800, true},
		{"￥1,280.00", 128000, true},
		{"1,234,567.89", 123456789, true},
		{"128元", 12800, true},
		{" 128.05 ", 12805, true},
		{"999999999999999.99", 99999999999999999, true},
		{"12.345", 0, false},
		{"128.", 0, false},
		{".5", 0, false},
		{"-5", 0, false},
		{"+5", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{"1,28", 0, false},
		{"1234,567", 0, false},
		{",123", 0, false},
		{"1.2.3", 0, false},
		{"NaN", 0, false},
		{"", 0, false},
		{"¥", 0, false},
		{"1000000000000000", 0, false}, // 16 digits of yuan
		{"１２８", 0, false},              // full-width digits
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestMoneyString(t *testing.T) {
	tests := []struct {
		m         Money
		str, yuan string
	}{
		{12800, "128.00", "128.00 元"},
		{5, "0.05", "0.05 元"},
		{10, "0.10", "0.10 元"},
		{0, "0.00", "0.00 元"},
		{-150, "-1.50", "-1.50 元"},
		{-9223372036854775808, "-92233720368547758.08", "-92233720368547758.08 元"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.str {
			t.Errorf("Money(%d).String() = %q, want %q", int64(tt.m), got, tt.str)
		}
		if got := tt.m.Yuan(); got != tt.yuan {
			t.Errorf("Money(%d).Yuan() = %q, want %q", int64(tt.m), got, tt.yuan)
		}
	}
}

// TestMoneyUnmarshalYAML decodes through yaml.v3 itself, so the amount must
// come from the node text and not from a float.
func TestMoneyUnmarshalYAML(t *testing.T) {
	var v struct {
		A Money `yaml:"a"`
		B Money `yaml:"b"`
		C Money `yaml:"c"`
	}
	if err := yaml.Unmarshal([]byte("a: 0.29\nb: 1.10\nc:\n"), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 29 || v.B != 110 || v.C != 0 {
		t.Errorf("got %d %d %d", v.A, v.B, v.C)
	}
	err := yaml.Unmarshal([]byte("\n\na: 1.005\n"), &v)
	var e *Error
	if !errors.As(err, &e) || e.Line != 3 {
		t.Errorf("err = %v, want *Error at line 3", err)
	}
}

func TestParseTime(t *testing.T) {
	cst := China()
	tests := []struct {
		in   string
		want time.Time
		prec Precision
		back string // String() of the result
		zh   string
	}{
		{"2026-09-03", time.Date(2026, 9, 3, 0, 0, 0, 0, cst), PrecisionDay, "2026-09-03", "2026年9月3日"},
		{"2026-09-03 20:15", time.Date(2026, 9, 3, 20, 15, 0, 0, cst), PrecisionMinute, "2026-09-03 20:15", "2026年9月3日 20:15"},
		{"2026-09-03 20:15:07", time.Date(2026, 9, 3, 20, 15, 7, 0, cst), PrecisionSecond, "2026-09-03 20:15:07", "2026年9月3日 20:15:07"},
		{"2026-09-03T12:15:07Z", time.Date(2026, 9, 3, 12, 15, 7, 0, time.UTC), PrecisionRFC3339, "2026-09-03T12:15:07Z", "2026年9月3日 20:15:07"},
		{"2026-09-03T20:15:07.5+08:00", time.Date(2026, 9, 3, 12, 15, 7, 5e8, time.UTC), PrecisionRFC3339, "2026-09-03T20:15:07.5+08:00", "2026年9月3日 20:15:07"},
		{"2026-09-03t20:15:07z", time.Date(2026, 9, 3, 20, 15, 7, 0, time.UTC), PrecisionRFC3339, "2026-09-03T20:15:07Z", "2026年9月4日 04:15:07"},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Precision != tt.prec {
			t.Errorf("ParseTime(%q) = %v (%d), want %v (%d)", tt.in, got.Time, got.Precision, tt.want, tt.prec)
		}
		if s := got.String(); s != tt.back {
			t.Errorf("ParseTime(%q).String() = %q, want %q", tt.in, s, tt.back)
		}
		if s := got.Chinese(); s != tt.zh {
			t.Errorf("ParseTime(%q).Chinese() = %q, want %q", tt.in, s, tt.zh)
		}
	}
	for _, bad := range []string{"", "2026/09/03", "2026-9-3", "2026-09-03 20", "2026-09-03 25:00", "2026-13-01", "2026-09-03T20:15", "2026-09-03 20:15:07+08:00", "yesterday", "2026-09-03x20:15:00", "2026-09-03 20:15:07.123"} {
		if got, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", bad, got)
		}
	}
	if s := (Time{}).String(); s != "" {
		t.Errorf("zero Time String() = %q", s)
	}
	if !(Time{}).IsZero() {
		t.Errorf("zero Time not IsZero")
	}
}

func TestTimeEncodings(t *testing.T) {
	var v struct {
		A Time `yaml:"a" json:"a"`
		B Time `yaml:"b" json:"b"`
		C Time `yaml:"c" json:"c"`
	}
	if err := yaml.Unmarshal([]byte("a: 2026-09-03 20:15\nb: 2026-09-03\nc:\n"), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.String() != "2026-09-03 20:15" || v.B.Precision != PrecisionDay || !v.C.IsZero() {
		t.Errorf("yaml: %v %v %v", v.A, v.B, v.C)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(j) != `{"a":"2026-09-03 20:15","b":"2026-09-03","c":null}` {
		t.Errorf("json = %s", j)
	}
	var back struct {
		A Time `json:"a"`
		B Time `json:"b"`
		C Time `json:"c"`
	}
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if !back.A.Equal(v.A.Time) || back.A.Precision != v.A.Precision || back.B.Precision != PrecisionDay || !back.C.IsZero() {
		t.Errorf("json round trip = %+v", back)
	}
	y, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(y) != "a: 2026-09-03 20:15\nb: \"2026-09-03\"\nc: null\n" {
		t.Errorf("yaml = %q", y)
	}
	err = yaml.Unmarshal([]byte("a: [x]\n"), &v)
	var e *Error
	if !errors.As(err, &e) || e.Line != 1 {
		t.Errorf("err = %v, want *Error at line 1", err)
	}
}

func TestValidCreditCode(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"91440300708461136T", true}, // 深圳市腾讯计算机系统有限公司, published on its licence
		{"91440300708461136t", true},
		{"91440300708461136A", false},
		{"9144030070846113", false},
		{"91440300708461136TT", false},
		{"9144030070846113IT", false}, // I is not in the alphabet
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidCreditCode(tt.in); got != tt.want {
			t.Errorf("ValidCreditCode(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidIDNumber(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"11010519491231002X", true}, // the example in GB 11643-1999
		{"11010519491231002x", true},
		{"110105194912310021", false},
		{"11010519491231002", false},
		{"1101051949123100XX", false},
	}
	for _, tt := range tests {
		if got := ValidIDNumber(tt.in); got != tt.want {
			t.Errorf("ValidIDNumber(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestKinds(t *testing.T) {
	want := []string{"payment", "chat", "listing", "promise", "result", "demand", "refusal", "identity", "screenshot", "photo", "document", "recording", "voice", "other"}
	if got := Kinds(); !reflect.DeepEqual(got, want) {
		t.Errorf("Kinds() = %q", got)
	}
	Kinds()[0] = "changed"
	if Kinds()[0] != "payment" {
		t.Errorf("Kinds() shares its backing array")
	}
	labels := map[string]string{"payment": "付款记录", "listing": "商品页面/宣传承诺", "refusal": "卖家拒绝/拖延", "recording": "录屏/录像", "other": "其他"}
	for k, l := range labels {
		if got := KindLabel(k); got != l {
			t.Errorf("KindLabel(%q) = %q, want %q", k, got, l)
		}
	}
	for _, k := range want {
		if KindLabel(k) == "" || !ValidKind(k) {
			t.Errorf("kind %q has no label", k)
		}
	}
	if KindLabel("receipt") != "" || ValidKind("") {
		t.Errorf("unknown kinds must have no label")
	}
	if TargetLabel("arbitration") != "仲裁申请" || CaseTypeLabel("engagement-service") != "刷量服务" {
		t.Errorf("labels: %q %q", TargetLabel("arbitration"), CaseTypeLabel("engagement-service"))
	}
}

func TestFileAndUnknownFiles(t *testing.T) {
	doc := "version: 1\n" +
		"files:\n" +
		"  截图/付款.jpg: {kind: payment}\n" +
		"  \"chat\\\\qq.txt\": {kind: chat}\n" +
		"  gone.png: {kind: photo}\n" +
		"  截图/付款1.jpg: {}\n" +
		"events:\n" +
		"  - at: 2026-09-05\n" +
		"    evidence: [chat/qq.txt, 旧/付款.jpg, missing.txt]\n"
	c, err := Load(strings.NewReader(doc), "case.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := c.File("截图/付款.jpg"); !ok || f.Kind != KindPayment || f.Line != 3 {
		t.Errorf("File(截图/付款.jpg) = %+v, %v", f, ok)
	}
	if f, ok := c.File("chat/qq.txt"); !ok || f.Kind != KindChat {
		t.Errorf("File(chat/qq.txt) = %+v, %v; a backslash entry must match", f, ok)
	}
	if _, ok := c.File("nothing.jpg"); ok {
		t.Errorf("File(nothing.jpg) found")
	}
	existing := []string{"截图/付款.jpg", "chat/qq.txt", "截图/付款2.jpg"}
	want := []string{"gone.png", "missing.txt", "截图/付款1.jpg", "旧/付款.jpg"}
	if got := c.UnknownFiles(existing); !reflect.DeepEqual(got, want) {
		t.Errorf("UnknownFiles = %q, want %q", got, want)
	}
	errs := c.CheckPaths(existing)
	type row struct {
		line      int
		key, hint string
	}
	var got []row
	for _, e := range errs {
		got = append(got, row{e.Line, e.Key, e.Msg})
	}
	wantRows := []row{
		{5, "gone.png", `no file "gone.png" in the case folder (named in files)`},
		{6, "截图/付款1.jpg", `no file "截图/付款1.jpg" in the case folder (named in files) (did you mean "截图/付款.jpg"?)`},
		{8, "旧/付款.jpg", `no file "旧/付款.jpg" in the case folder (named in events) (did you mean "截图/付款.jpg"?)`},
		{8, "missing.txt", `no file "missing.txt" in the case folder (named in events)`},
	}
	if !reflect.DeepEqual(got, wantRows) {
		t.Errorf("CheckPaths\n got %+v\nwant %+v", got, wantRows)
	}
	// A Case built by hand (no index) still finds its files.
	hand := &Case{Files: []FileNote{{Path: "a.jpg", Kind: KindPhoto}}}
	if f, ok := hand.File("a.jpg"); !ok || f.Kind != KindPhoto {
		t.Errorf("hand-built File = %+v, %v", f, ok)
	}
}
