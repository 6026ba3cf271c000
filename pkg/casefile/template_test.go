package casefile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", t.Name()+".golden")
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update and review the diff)\n--- got ---\n%s", p, got)
	}
}

func templateFiles() []TemplateFile {
	return []TemplateFile{
		{Path: "截图/Screenshot_2026-09-03-20-16-01-123_com.tencent.mm.jpg", TypeLabel: "JPEG 图片", Kind: KindPayment, Title: "微信支付凭证"},
		{Path: "chat/qq.txt", TypeLabel: "文本（UTF-8）", Kind: KindChat},
		{Path: "录屏/无效卡密.mp4", TypeLabel: "MP4 视频", Kind: KindRecording, Title: "录屏：卡密提示无效"},
		{Path: "商品页面.png", TypeLabel: "PNG 图片", Kind: KindScreenshot},
		{Path: "unknown.bin", TypeLabel: "", Kind: "bogus"},
	}
}

func TestTemplate(t *testing.T) {
	now := time.Date(2026, 9, 5, 12, 0, 0, 0, China())
	out := Template(templateFiles(), now)
	golden(t, out)
	if !bytes.Equal(out, Template(templateFiles(), now)) {
		t.Errorf("Template is not deterministic")
	}
	// Input order does not matter.
	rev := templateFiles()
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if !bytes.Equal(out, Template(rev, now)) {
		t.Errorf("Template depends on the order of its input")
	}
}

func TestTemplateLoads(t *testing.T) {
	tests := []struct {
		name  string
		files []TemplateFile
	}{
		{"no files", nil},
		{"files", templateFiles()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Template(tt.files, time.Time{})
			c, err := Load(bytes.NewReader(out), "case.yaml")
			if err != nil {
				t.Fatalf("template does not load: %v\n%s", err, out)
			}
			if len(c.Warnings) != 0 {
				t.Errorf("warnings: %v", c.Warnings)
			}
			if c.Version != 1 || c.Type != TypeVirtualGoods || c.Target != Target12315 {
				t.Errorf("case = %+v", c)
			}
			if c.Complainant.Name != "" || c.Order.Amount != 0 || !c.Order.PaidAt.IsZero() || c.Problem != "" || len(c.Demands) != 0 {
				t.Errorf("template must leave facts empty: %+v", c)
			}
			if len(c.Files) != len(tt.files) {
				t.Fatalf("files = %d, want %d", len(c.Files), len(tt.files))
			}
			if strings.Contains(string(out), "生成") {
				t.Errorf("a zero now must not date the header")
			}
		})
	}
	c, _ := Load(bytes.NewReader(Template(templateFiles(), time.Time{})), "case.yaml")
	want := map[string]FileNote{
		"截图/Screenshot_2026-09-03-20-16-01-123_com.tencent.mm.jpg": {Kind: KindPayment, Title: "微信支付凭证"},
		"chat/qq.txt": {Kind: KindChat, Title: "聊天记录"},
		"录屏/无效卡密.mp4": {Kind: KindRecording, Title: "录屏：卡密提示无效"},
		"商品页面.png":    {Kind: KindScreenshot, Title: "商品页面"},
		"unknown.bin": {Kind: "", Title: "unknown"},
	}
	for p, w := range want {
		f, ok := c.File(p)
		if !ok || f.Kind != w.Kind || f.Title != w.Title || f.Proves != "" {
			t.Errorf("File(%q) = %+v, %v; want kind %q title %q", p, f, ok, w.Kind, w.Title)
		}
	}
}

// TestTemplateRoundTrip writes awkward paths and titles into the template
// and checks that Load reads back exactly what was written.
func TestTemplateRoundTrip(t *testing.T) {
	paths := []string{
		"with space.jpg",
		" leading and trailing space .jpg",
		"colon: here.png",
		"key:value",
		"截图/微信 聊天记录：2026年.png",
		`quote "double".txt`,
		"quote 'single'.txt",
		`back\slash.txt`,
		"# not a comment.txt",
		"- dash.txt",
		"? question.txt",
		"& amp.txt",
		"* star.txt",
		"! bang.txt",
		"% percent.txt",
		"@at.txt",
		"`tick.txt",
		"[brackets].txt",
		"{braces}.txt",
		"pipe |.txt",
		"> gt.txt",
		"tab\there.txt",
		"new\nline.txt",
		"null",
		"true",
		"123",
		"0x1F",
		"1e3",
		"~",
		"---",
		"...",
		"emoji 😀.png",
		"bom\ufeff.txt",
		"zero\u200bwidth.txt",
		"line\u2028sep.txt",
		"nel\u0085.txt",
		"bell\a.txt",
		"del\x7f.txt",
		"深/层/目/录/文件.pdf",
	}
	var files []TemplateFile
	for i, p := range paths {
		files = append(files, TemplateFile{Path: p, TypeLabel: "类型\n第二行 # 注释", Kind: Kinds()[i%len(Kinds())], Title: "标题 " + p})
	}
	out := Template(files, time.Time{})
	c, err := Load(bytes.NewReader(out), "case.yaml")
	if err != nil {
		t.Fatalf("Load: %v\n%s", err, out)
	}
	if len(c.Files) != len(paths) {
		t.Fatalf("files = %d, want %d", len(c.Files), len(paths))
	}
	for _, f := range files {
		got, ok := c.File(f.Path)
		if !ok {
			t.Errorf("path %q did not round-trip", f.Path)
			continue
		}
		if got.Kind != f.Kind || got.Title != strings.TrimSpace(f.Title) {
			t.Errorf("%q: kind %q title %q, want %q %q", f.Path, got.Kind, got.Title, f.Kind, strings.TrimSpace(f.Title))
		}
	}
}

func TestTemplateSkipsUnwritablePaths(t *testing.T) {
	files := []TemplateFile{
		{Path: "ok.jpg", Kind: KindPhoto},
		{Path: "gbk-\xd5\xc5\xc8\xfd.jpg", Kind: KindPhoto},
		{Path: "../outside.jpg", Kind: KindPhoto},
		{Path: "ok.jpg", Kind: KindPhoto}, // duplicate
	}
	out := Template(files, time.Time{})
	c, err := Load(bytes.NewReader(out), "case.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var got []string
	for _, f := range c.Files {
		got = append(got, f.Path)
	}
	if !reflect.DeepEqual(got, []string{"ok.jpg"}) {
		t.Errorf("files = %q", got)
	}
	if !strings.Contains(string(out), "另有 2 个文件") {
		t.Errorf("template does not mention the 2 skipped files:\n%s", out)
	}
}
