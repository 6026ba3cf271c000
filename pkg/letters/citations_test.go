package letters

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCNNumber(t *testing.T) {
	tests := map[string]int{"十五": 15, "五十五": 55, "一百五十七": 157, "五百零六": 506, "五百七十七": 577, "四十六": 46, "二百零一": 201, "十": 10, "一千二百三十四": 1234, "23": 23}
	for in, want := range tests {
		if got := cnNumber(in); got != want {
			t.Errorf("cnNumber(%q) = %d, want %d", in, got, want)
		}
	}
}

// TestCitationChecker shows that the checker catches what it must catch.
func TestCitationChecker(t *testing.T) {
	tests := []struct {
		text string
		ok   bool
	}{
		{"依照《中华人民共和国民法典》第五百七十七条", true},
		{"《中华人民共和国消费者权益保护法》第五十五条第一款的规定", true},
		{"依照《中华人民共和国民法典》第五百零六条", false},          // not on the list
		{"《中华人民共和国电子商务法》第十七条规定：“格式条款无效”", false}, // wrong quotation
		{"依照《中华人民共和国仲裁法》第二十三条", false},           // by name only
		{"依照《中华人民共和国仲裁法》", true},
		{"依照第二十三条的规定", false},                                      // no law named
		{"《市场监督管理投诉举报处理暂行办法》第九条", false},                           // replaced
		{"《某某条例》", false},                                          // unknown law
		{"《中华人民共和国民法典》第五百七十七条规定：“当事人一方不履行合同义务的，应当承担违约责任。”", false}, // not verbatim
	}
	for _, tt := range tests {
		got := CheckCitations(tt.text)
		if (len(got) == 0) != tt.ok {
			t.Errorf("CheckCitations(%q) = %q, want ok=%v", tt.text, got, tt.ok)
		}
	}
}

// TestCitationsSafe greps every citation in every generated document (over
// many flag combinations) and in every template file against the safe list.
func TestCitationsSafe(t *testing.T) {
	ts := loadTemplates(t)
	var texts []string
	for _, v := range variants(t) {
		for _, gen := range []func() (*Doc, error){
			func() (*Doc, error) { return ts.Complaint12315(v.c, v.items, v.res, fixedNow) },
			func() (*Doc, error) { return ts.DemandLetter(v.c, v.items, v.res, fixedNow) },
			func() (*Doc, error) { return ts.PaymentComplaint(v.c, v.items, v.res) },
			func() (*Doc, error) {
				c := *caseOrNew(v.c)
				c.ArbitrationClause = "争议提交广州仲裁委员会仲裁。"
				return ts.Arbitration(&c, v.items, v.res, fixedNow)
			},
		} {
			d, err := gen()
			if err != nil {
				t.Fatalf("%s: %v", v.name, err)
			}
			texts = append(texts, d.Text(), strings.Join(d.Warnings, "\n"))
		}
		for _, f := range FormFields12315(v.c, v.items, v.res) {
			texts = append(texts, f.Value)
		}
	}
	texts = append(texts, ErrNoArbitrationClause.Zh, ErrNoArbitrationClause.Msg)
	files, err := filepath.Glob("../../templates/letters/*.tmpl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no template files: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	cited := 0
	for _, text := range texts {
		cited += len(articleRe.FindAllString(text, -1))
		for _, p := range CheckCitations(text) {
			t.Errorf("%s", p)
		}
	}
	if cited == 0 {
		t.Fatal("no citation found at all: the check would pass vacuously")
	}
}
