package letters

// The citation check: every legal citation evipack prints must be on the
// "safe to print" list of ../shared/LEGAL.md §7 (iv), quoted verbatim where
// quoted. Documents are checked before they are written (pack refuses a
// document that fails), and the tests grep every generated text with it.

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// safeArticles is the list "Citations safe to print" of LEGAL.md §7 (iv),
// by the short name used there.
var safeArticles = map[string][]int{
	"消保法":         {24, 25, 26, 39, 44, 46, 52, 53, 55},
	"电商法":         {17, 49, 51, 62},
	"民法典":         {153, 157, 188, 195, 201, 496, 497, 498, 509, 511, 512, 563, 566, 577, 583, 584},
	"证据规定":        {14, 15, 19, 90, 93, 94},
	"互联网法院规定":     {2, 10, 11},
	"在线诉讼规则":      {11, 12, 13, 14, 15, 16, 17, 18, 19},
	"电子签名法":       {4, 5, 6, 7, 8},
	"民诉法":         {66, 122, 123, 124, 165},
	"民诉法解释":       {20, 116},
	"网络消费纠纷规定（一）": {1, 2, 9},
	"诉讼时效规定":      {8, 12},
	"合同编通则解释":     {10},
}

// lawNames maps every way a document may name a law (《full name》 or a short
// form) to the short name of the safe list. Names that may be printed only
// without an article number map to "".
var lawNames = map[string]string{
	"中华人民共和国消费者权益保护法": "消保法", "消费者权益保护法": "消保法", "消保法": "消保法",
	"中华人民共和国电子商务法": "电商法", "电子商务法": "电商法", "电商法": "电商法",
	"中华人民共和国民法典": "民法典", "民法典": "民法典",
	"最高人民法院关于民事诉讼证据的若干规定": "证据规定", "证据规定": "证据规定",
	"最高人民法院关于互联网法院审理案件若干问题的规定": "互联网法院规定", "互联网法院规定": "互联网法院规定",
	"人民法院在线诉讼规则": "在线诉讼规则", "在线诉讼规则": "在线诉讼规则",
	"中华人民共和国电子签名法": "电子签名法", "电子签名法": "电子签名法",
	"中华人民共和国民事诉讼法": "民诉法", "民事诉讼法": "民诉法", "民诉法": "民诉法",
	"最高人民法院关于适用《中华人民共和国民事诉讼法》的解释": "民诉法解释", "民诉法解释": "民诉法解释",
	"网络消费纠纷规定（一）": "网络消费纠纷规定（一）",
	"最高人民法院关于审理网络消费纠纷案件适用法律若干问题的规定（一）": "网络消费纠纷规定（一）",
	"最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定":    "诉讼时效规定",
	"诉讼时效规定":  "诉讼时效规定",
	"合同编通则解释": "合同编通则解释",
	// by name only: the article numbers may have changed or are unverified
	"中华人民共和国仲裁法": "", "仲裁法": "",
}

// verbatim are the texts LEGAL.md quotes for the articles the letters quote;
// a quotation after "规定：" must be a part of one of them, word for word.
var verbatim = map[string]string{
	"电商法49":  "电子商务经营者发布的商品或者服务信息符合要约条件的，用户选择该商品或者服务并提交订单成功，合同成立。当事人另有约定的，从其约定。电子商务经营者不得以格式条款等方式约定消费者支付价款后合同不成立；格式条款等含有该内容的，其内容无效。",
	"民法典577": "当事人一方不履行合同义务或者履行合同义务不符合约定的，应当承担继续履行、采取补救措施或者赔偿损失等违约责任。",
	"消保法53":  "经营者以预收款方式提供商品或者服务的，应当按照约定提供。未按照约定提供的，应当按照消费者的要求履行约定或者退回预付款；并应当承担预付款的利息、消费者必须支付的合理费用。",
	"消保法55":  "经营者提供商品或者服务有欺诈行为的，应当按照消费者的要求增加赔偿其受到的损失，增加赔偿的金额为消费者购买商品的价款或者接受服务的费用的三倍；增加赔偿的金额不足五百元的，为五百元。法律另有规定的，依照其规定。",
}

// forbidden must never be printed (LEGAL.md "Do not print" and the
// replaced 20号令).
var forbidden = []string{"总局令", "暂行办法", "20号令", "第20号"}

var (
	articleRe = regexp.MustCompile(`第([零〇一二两三四五六七八九十百千0-9]+)条`)
	bookRe    = regexp.MustCompile(`《([^《》]*)》`)
	quoteRe   = regexp.MustCompile(`第([零〇一二两三四五六七八九十百千]+)条(?:第[一二三四五六七八九十]+款)?规定：“([^”]*)”`)
)

// CheckCitations lists every citation in text that is not on the safe
// list: an article number without a recognised law right before it, a law
// not on the list, an article number of a law that may be cited by name
// only, a quotation that is not verbatim, or a forbidden name.
func CheckCitations(text string) []string {
	var bad []string
	for _, f := range forbidden {
		if strings.Contains(text, f) {
			bad = append(bad, "forbidden "+f)
		}
	}
	for _, m := range bookRe.FindAllStringSubmatch(text, -1) {
		if _, ok := lawNames[m[1]]; !ok {
			bad = append(bad, "unknown law 《"+m[1]+"》")
		}
	}
	for _, loc := range articleRe.FindAllStringSubmatchIndex(text, -1) {
		before := text[:loc[0]]
		art := cnNumber(text[loc[2]:loc[3]])
		law, ok := lawBefore(before)
		switch {
		case !ok:
			bad = append(bad, "article without a known law: "+snippet(text, loc[0], loc[1]))
		case law == "":
			bad = append(bad, "article number of a law cited by name only: "+snippet(text, loc[0], loc[1]))
		case !containsInt(safeArticles[law], art):
			bad = append(bad, "not on the safe list: "+law+" "+text[loc[0]:loc[1]])
		}
	}
	for _, loc := range quoteRe.FindAllStringSubmatchIndex(text, -1) {
		law, _ := lawBefore(text[:loc[0]])
		key := law + strconv.Itoa(cnNumber(text[loc[2]:loc[3]]))
		q := text[loc[4]:loc[5]]
		if src, ok := verbatim[key]; !ok || !strings.Contains(src, q) {
			bad = append(bad, "quotation of "+key+" not verbatim: "+q)
		}
	}
	return bad
}

// lawBefore finds the law named immediately before an article number: a
// 《title》 or a short name, possibly followed by a paragraph reference of
// an earlier article ("第五十五条第一款" is one citation).
func lawBefore(before string) (string, bool) {
	if strings.HasSuffix(before, "》") {
		i := strings.LastIndex(before, "《")
		if i < 0 {
			return "", false
		}
		law, ok := lawNames[before[i+len("《"):len(before)-len("》")]]
		return law, ok
	}
	names := make([]string, 0, len(lawNames))
	for n := range lawNames {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, n := range names {
		if strings.HasSuffix(before, n) {
			return lawNames[n], true
		}
	}
	return "", false
}

func snippet(s string, i, j int) string {
	a, b := i, j
	for k := 0; k < 12 && a > 0; k++ {
		_, n := utf8.DecodeLastRuneInString(s[:a])
		a -= n
	}
	return s[a:b]
}

func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

// cnNumber reads a Chinese (or Arabic) article number below 10000.
func cnNumber(s string) int {
	digits := map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	units := map[rune]int{'十': 10, '百': 100, '千': 1000}
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		n := 0
		for _, r := range s {
			n = n*10 + int(r-'0')
		}
		return n
	}
	total, cur := 0, 0
	for _, r := range s {
		if d, ok := digits[r]; ok {
			cur = d
			continue
		}
		u := units[r]
		if cur == 0 && u == 10 {
			cur = 1 // 十五 = 15
		}
		total += cur * u
		cur = 0
	}
	return total + cur
}
