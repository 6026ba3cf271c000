package checklist

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/templates"
)

const minimalHead = "version: 1\ncase_type: virtual-goods\nrequirements:\n"

func TestLoadEmbeddedRuleSets(t *testing.T) {
	for _, typ := range casefile.CaseTypes() {
		rs := loadEmbedded(t, typ)
		if rs.CaseType != typ || rs.Name != typ+".yaml" || rs.Title == "" || len(rs.Rules) == 0 {
			t.Errorf("%s: %+v", typ, rs)
		}
		for _, r := range rs.Rules {
			if r.Line == 0 || r.Hint == "" || r.Title == "" {
				t.Errorf("%s/%s: incomplete rule %+v", typ, r.ID, r)
			}
		}
	}
	if _, err := Load(templates.FS, "no-such-type"); !errors.Is(err, ErrNoRuleSet) {
		t.Errorf("unknown type: %v, want ErrNoRuleSet", err)
	}
	if _, err := Load(templates.FS, "../x"); !errors.Is(err, ErrNoRuleSet) {
		t.Errorf("bad name: %v, want ErrNoRuleSet", err)
	}
}

func TestLoadErrors(t *testing.T) {
	rule := func(when string) string {
		return minimalHead + "  - id: a\n    link: 交易\n    title: 甲\n    hint: 乙\n    when:\n" + when
	}
	tests := []struct {
		name, src string
		line      int
		key       string
		err       error
	}{
		{"unknown top key", "version: 1\ncase_type: virtual-goods\nrequirments: []\n", 3, "requirments", ErrUnknownKey},
		{"unknown rule key", minimalHead + "  - id: a\n    link: 交易\n    title: 甲\n    hint: 乙\n    requird: true\n    when: {kind: [payment]}\n", 8, "requird", ErrUnknownKey},
		{"unknown predicate", rule("      kinds: [payment]\n"), 9, "kinds", ErrUnknownPredicate},
		{"unknown fact", rule("      fact: seller-address\n"), 9, "seller-address", ErrUnknownPredicate},
		{"unknown kind", rule("      kind: [receipt]\n"), 9, "receipt", ErrUnknownPredicate},
		{"unknown text source", rule("      keyword: {in: [body], any: [x]}\n"), 9, "body", ErrUnknownPredicate},
		{"unknown keyword key", rule("      keyword:\n        in: [chat]\n        all: [x]\n"), 11, "all", ErrUnknownKey},
		{"unknown stage", rule("      time-order: [paid, shipped]\n"), 9, "shipped", ErrUnknownPredicate},
		{"unknown figure", rule("      amount: price > 0\n"), 9, "price", ErrUnknownPredicate},
		{"nested unknown predicate", rule("      any:\n        - kind: [payment]\n        - all:\n            - factt: promise\n"), 12, "factt", ErrUnknownPredicate},
		{"two predicates in one", rule("      kind: [payment]\n      fact: promise\n"), 9, "", ErrInvalid},
		{"bad link", minimalHead + "  - id: a\n    link: 履约\n    title: 甲\n    hint: 乙\n    when: {kind: [payment]}\n", 5, "link", ErrInvalid},
		{"missing hint", minimalHead + "  - id: a\n    link: 交易\n    title: 甲\n    when: {kind: [payment]}\n", 4, "hint", ErrInvalid},
		{"duplicate id", minimalHead + "  - {id: a, link: 交易, title: 甲, hint: 乙, when: {kind: [payment]}}\n  - {id: a, link: 交易, title: 甲, hint: 乙, when: {kind: [payment]}}\n", 5, "a", ErrInvalid},
		{"duplicate key", "version: 1\nversion: 1\n", 2, "version", ErrInvalid},
		{"wrong version", "version: 2\ncase_type: virtual-goods\nrequirements: []\n", 1, "version", ErrInvalid},
		{"required not bool", minimalHead + "  - {id: a, link: 交易, title: 甲, hint: 乙, required: yes, when: {kind: [payment]}}\n", 4, "required", ErrInvalid},
		{"alias", minimalHead + "  - &r {id: a, link: 交易, title: 甲, hint: 乙, when: {kind: [payment]}}\n  - *r\n", 5, "requirements", ErrInvalid},
		{"not a mapping", "- 1\n", 1, "", ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFile(strings.NewReader(tt.src), "rules.yaml")
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %v, want *LoadError", err)
			}
			if le.Line != tt.line || le.Key != tt.key || !errors.Is(err, tt.err) {
				t.Errorf("got line %d key %q err %v; want line %d key %q %v", le.Line, le.Key, le.Err, tt.line, tt.key, tt.err)
			}
			if !strings.HasPrefix(err.Error(), "load checklist rules.yaml") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestLoadLimits(t *testing.T) {
	deep := rule1(strings.Repeat("{any: [", 40) + "{kind: [payment]}" + strings.Repeat("]}", 40))
	if _, err := LoadFile(strings.NewReader(deep), "deep.yaml"); !errors.Is(err, ErrInvalid) {
		t.Errorf("deep nesting: %v", err)
	}
	big := strings.Repeat("#", MaxRuleFileBytes+1)
	if _, err := LoadFile(strings.NewReader(big), "big.yaml"); !errors.Is(err, ErrInvalid) {
		t.Errorf("big file: %v", err)
	}
	fsys := fstest.MapFS{"checklists/online-service.yaml": &fstest.MapFile{Data: []byte(rule1("{kind: [payment]}"))}}
	if _, err := Load(fsys, "online-service"); err == nil || !strings.Contains(err.Error(), "case_type") {
		t.Errorf("mismatched case_type: %v", err)
	}
}

func rule1(when string) string {
	return minimalHead + "  - {id: a, link: 交易, title: 甲, hint: 乙, when: " + when + "}\n"
}

// Safe-to-print citations, from LEGAL.md §7 (iv), hard-coded here on
// purpose: the test must not trust the package's own list.
var safeCitations = []struct {
	names    []string
	articles []int
}{
	{[]string{"消费者权益保护法", "消保法"}, []int{24, 25, 26, 39, 44, 46, 52, 53, 55}},
	{[]string{"电子商务法", "电商法"}, []int{17, 49, 51, 62}},
	{[]string{"民法典"}, []int{153, 157, 188, 195, 201, 496, 497, 498, 509, 511, 512, 563, 566, 577, 583, 584}},
	{[]string{"最高人民法院关于民事诉讼证据的若干规定", "证据规定"}, []int{14, 15, 19, 90, 93, 94}},
	{[]string{"最高人民法院关于互联网法院审理案件若干问题的规定", "互联网法院规定"}, []int{2, 10, 11}},
	{[]string{"人民法院在线诉讼规则", "在线诉讼规则"}, []int{11, 12, 13, 14, 15, 16, 17, 18, 19}},
	{[]string{"电子签名法"}, []int{4, 5, 6, 7, 8}},
	{[]string{"民事诉讼法", "民诉法"}, []int{66, 122, 123, 124, 165}},
	{[]string{"最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释", "民诉法解释"}, []int{20, 116}},
	{[]string{"最高人民法院关于审理网络消费纠纷案件适用法律若干问题的规定（一）", "网络消费纠纷规定（一）", "网络消费纠纷规定(一)"}, []int{1, 2, 9}},
	{[]string{"最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定", "诉讼时效规定"}, []int{8, 12}},
	{[]string{"合同编通则解释"}, []int{10}},
}

var reArticle = regexp.MustCompile(`第([一二三四五六七八九十百零〇]+|[0-9]+)条`)

// chineseNumber reads 一 … 九百九十九.
func chineseNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	digits := map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	total, cur := 0, 0
	for _, r := range s {
		switch r {
		case '百':
			if cur == 0 {
				cur = 1
			}
			total += cur * 100
			cur = 0
		case '十':
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
		default:
			cur = digits[r]
		}
	}
	return total + cur
}

// checkCitations reports every "…第N条" in text whose law and article are
// not on the safe list, and returns how many citations it saw.
func checkCitations(t *testing.T, where, text string) int {
	t.Helper()
	n, bad := badCitations(text)
	for _, b := range bad {
		t.Errorf("%s: citation not on the safe list: …%s", where, b)
	}
	return n
}

func badCitations(text string) (int, []string) {
	var bad []string
	n := 0
	for _, m := range reArticle.FindAllStringSubmatchIndex(text, -1) {
		n++
		before := strings.NewReplacer("《", "", "》", "", " ", "").Replace(text[:m[0]])
		num := chineseNumber(text[m[2]:m[3]])
		ok := false
		for _, law := range safeCitations {
			for _, name := range law.names {
				if strings.HasSuffix(before, name) {
					for _, a := range law.articles {
						if a == num {
							ok = true
						}
					}
				}
			}
		}
		if !ok {
			start := m[0] - 90
			if start < 0 {
				start = 0
			}
			for start > 0 && !utf8RuneStart(text[start]) {
				start--
			}
			bad = append(bad, text[start:m[1]])
		}
	}
	return n, bad
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// TestCitationsSafe greps every string the package can print — the Go
// string literals outside tests and every rule file — for legal citations
// and checks each against the safe list of LEGAL.md.
func TestCitationsSafe(t *testing.T) {
	if got := chineseNumber("一百八十八"); got != 188 {
		t.Fatalf("chineseNumber = %d", got)
	}
	total := 0
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, err := strconv.Unquote(lit.Value)
				if err == nil {
					total += checkCitations(t, fset.Position(lit.Pos()).String(), s)
				}
			}
			return true
		})
	}
	err = fs.WalkDir(templates.FS, Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		total += checkCitations(t, p, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total < 10 {
		t.Errorf("only %d citations found: the scan is not reading the package", total)
	}
	// The checker itself must reject what is not on the list.
	for _, probe := range []string{"电子商务法第十八条", "仲裁法第二十三条", "最高人民法院关于民事诉讼证据的若干规定第十六条", "依据第九条"} {
		if n, bad := badCitations(probe); n != 1 || len(bad) != 1 {
			t.Errorf("probe %q: %d found, %d rejected; want 1, 1", probe, n, len(bad))
		}
	}
	if n, bad := badCitations("依据《民法典》第一百五十七条和消保法第55条"); n != 2 || len(bad) != 0 {
		t.Errorf("safe probe: %d found, rejected %v", n, bad)
	}
}

// TestCitationsInResult checks every text of real results too.
func TestCitationsInResult(t *testing.T) {
	f := completeCase(t, casefile.TypeVirtualGoods)
	f.c.Problem = "购买点赞服务，商家虚假宣传"
	f.c.Demands = []string{"三倍赔偿"}
	f.c.Respondent = casefile.Party{}
	f.now = time.Date(2029, 8, 1, 0, 0, 0, 0, time.UTC)
	for _, typ := range casefile.CaseTypes() {
		res := Evaluate(loadEmbedded(t, typ), f.c, f.items, f.now)
		for _, x := range res.Findings {
			checkCitations(t, typ+"/"+x.ID, x.Title+x.Detail+x.Fix)
		}
		for _, d := range res.Deadlines {
			checkCitations(t, typ+"/"+d.ID, d.Title+d.Note)
		}
	}
}

var reQuoted = regexp.MustCompile(`条[：:]“([^”]+)”`)

// TestQuotesVerbatim checks that every article text the package quotes
// after a citation appears word for word in LEGAL.md.
func TestQuotesVerbatim(t *testing.T) {
	legal, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "LEGAL.md"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("LEGAL.md: %v", err)
		}
		t.Skipf("LEGAL.md not available: %v", err)
	}
	f := completeCase(t, casefile.TypeEngagementService)
	res := Evaluate(loadEmbedded(t, casefile.TypeEngagementService), f.c, f.items, f.now)
	n := 0
	for _, x := range res.Findings {
		for _, m := range reQuoted.FindAllStringSubmatch(x.Detail+x.Fix, -1) {
			n++
			if !strings.Contains(string(legal), m[1]) {
				t.Errorf("%s quotes text not in LEGAL.md: %q", x.ID, m[1])
			}
		}
	}
	if n == 0 {
		t.Error("no quoted article found; the void-contract finding quotes one")
	}
}
