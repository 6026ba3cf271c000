package casefile

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// TemplateFile is one evidence file found by `evipack init`.
type TemplateFile struct {
	Path      string // slash-separated, relative to the case folder
	TypeLabel string // detected type for people, e.g. "JPEG 图片"
	Kind      string // guessed kind; "" or a value outside Kinds() leaves kind empty
	Title     string // default 证据名称; "" picks one from the kind or the file name
}

// Template returns a commented case.yaml in Chinese that lists every file
// under files with its detected type, guessed kind and a default title, and
// leaves everything a consumer must state empty. The output always loads
// without error and depends only on its arguments: files are sorted by path,
// and now (when not zero) only dates the header. Files whose path cannot be
// written in case.yaml (not valid UTF-8, or not inside the case folder) are
// counted in a comment instead of listed.
func Template(files []TemplateFile, now time.Time) []byte {
	var b strings.Builder
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	w("# evipack 案件说明（case.yaml）")
	if !now.IsZero() {
		w("# 由 evipack init 于 " + now.In(China()).Format("2006-01-02") + " 生成。")
	}
	w(
		"#",
		"# 这里填写证据文件本身看不出来的信息：你是谁、商家是谁、买了什么、",
		"# 出了什么问题、希望得到什么结果。",
		"# 填写规则：",
		"#   - “#”后面是说明文字，evipack 不读取，可以保留也可以删除；",
		"#   - 冒号后面要有一个空格；缩进只能用空格，不能用 Tab 键；",
		"#   - 不知道或不想填的项保持 \"\" 即可；",
		"#   - 文字里有冒号、# 号，或以 - [ { * & ! 等符号开头时，请用英文双引号 \"\" 括起来。",
		"# 改完后运行 evipack build 打包证据；格式有误时会指出是哪一行。",
		"",
		"version: 1  # 格式版本，请勿修改",
		"",
		"# 案件类型，可选：",
	)
	for _, t := range caseTypes() {
		w(fmt.Sprintf("#   %-20s %s%s", t.id, t.zh, caseTypeHint(t.id)))
	}
	w(
		"type: "+TypeVirtualGoods,
		"",
		"# 材料准备交给谁，可选：",
	)
	for _, t := range targets() {
		w(fmt.Sprintf("#   %-13s %s%s", t.id, t.zh, targetHint(t.id)))
	}
	w(
		`target: "12315"`,
		"",
		"# 投诉人（你自己）",
		"complainant:",
		`  name: ""       # 姓名，与身份证一致`,
		`  phone: ""      # 手机号，例如 "13800138000"`,
		`  id_number: ""  # 身份证号（实名投诉时需要，可不填）`,
		`  address: ""    # 联系地址`,
		"  # 你付款、聊天用的账号，每个一项，例如：",
		"  #   accounts:",
		"  #     - {platform: 微信, id: zhangsan_wx, name: 张三}",
		"  accounts: []",
		"",
		"# 被投诉人（商家）",
		"respondent:",
		`  name: ""         # 商家或店铺名称，例如 星辰卡盟`,
		`  platform: ""     # 在哪里交易：独立网站 / 微信 / QQ / 淘宝 / 闲鱼 …`,
		`  shop: ""         # 店铺名（在平台内开店时）`,
		`  url: ""          # 网站或店铺链接`,
		`  phone: ""        # 商家电话（如有）`,
		`  credit_code: ""  # 统一社会信用代码，18 位，见营业执照或“国家企业信用信息公示系统”`,
		`  address: ""      # 商家地址（如有）`,
		"  # 商家的客服、收款账号，例如：",
		"  #   accounts:",
		`  #     - {platform: QQ, id: "123456", name: 客服小星}`,
		"  accounts: []",
		"",
		"# 订单",
		"order:",
		`  item: ""            # 买了什么，例如 腾讯视频VIP年卡`,
		`  order_no: ""        # 订单号，请加英文双引号，例如 "KM20260903201501"`,
		`  amount: ""          # 实付金额（元），例如 128.00`,
		`  paid_at: ""         # 付款时间（北京时间），例如 2026-09-03 20:15`,
		`  payment_method: ""  # 付款方式，例如 微信支付`,
		`  promised: ""        # 商家承诺了什么，例如 付款后24小时内自动发货`,
		`  promised_by: ""     # 按承诺最晚应在何时履行，例如 2026-09-04 20:15`,
		"",
		"# 问题描述：用自己的话写清楚发生了什么。写多行时，在冒号后写“|”，",
		"# 下一行起每行缩进两个空格，例如：",
		"#   problem: |",
		"#     9月3日我在星辰卡盟购买腾讯视频VIP年卡，付款128元。",
		"#     商家承诺24小时内发货，至今未发货，客服也不再回复。",
		`problem: ""`,
		"",
		"# 投诉请求：你希望得到什么结果，每条一行，以“- ”开头，例如：",
		"#   demands:",
		"#     - 退还货款128元",
		"demands: []",
		"",
		"# 事实经过（可选）：按时间写下关键事件，evidence 写能证明它的文件路径，例如：",
		"#   events:",
		"#     - at: 2026-09-05 10:00",
		"#       what: 向卖家发出退款要求",
		"#       evidence: [chat/qq.txt]",
		"events: []",
		"",
		"# 合同里的仲裁条款原文（如有；没有就留空）",
		`arbitration_clause: ""`,
		"",
		"# 证据文件：下面列出了案件文件夹里找到的每个文件，路径相对于案件文件夹。",
		"#   kind    证据类型，已按文件名和内容猜了一个，请核对，可选：",
	)
	ks := kinds()
	for i := 0; i < len(ks); i += 4 {
		var parts []string
		for _, k := range ks[i:min(i+4, len(ks))] {
			parts = append(parts, k.id+" "+k.zh)
		}
		w("#             " + strings.Join(parts, "、"))
	}
	w(
		"#   title   证据名称，会出现在证据目录里，可以改得更具体",
		"#   proves  证明目的：这份材料证明什么，例如“证明投诉人于2026年9月3日向被投诉人支付128元”",
		"# 在这里删掉某一项不会删除文件，evipack 会自行判断它的类型。",
	)

	list, skipped := templateEntries(files)
	if len(list) == 0 {
		w("files: {}")
	} else {
		w("files:")
	}
	for i, f := range list {
		if i > 0 {
			w("")
		}
		if f.TypeLabel != "" {
			w("  # 文件类型：" + commentText(f.TypeLabel))
		}
		w("  " + yamlQuote(f.Path) + ":")
		if f.Kind != "" {
			w("    kind: " + f.Kind + "  # " + KindLabel(f.Kind))
		} else {
			w(`    kind: ""  # 未能判断，请从上面的类型中选一个`)
		}
		w("    title: " + yamlQuote(f.Title))
		w(`    proves: ""  # 证明目的` + provesHint(f.Kind))
	}
	if skipped > 0 {
		w(fmt.Sprintf("# 另有 %d 个文件的文件名无法写在这里（含无法识别的字符），它们仍会作为证据打包。", skipped))
	}
	return []byte(b.String())
}

// templateEntries sorts, de-duplicates and completes the files for the
// template, and counts those whose path cannot be written.
func templateEntries(files []TemplateFile) ([]TemplateFile, int) {
	var out []TemplateFile
	skipped := 0
	seen := make(map[string]bool)
	for _, f := range files {
		if !utf8.ValidString(f.Path) || !validRel(f.Path) {
			skipped++
			continue
		}
		if seen[slashed(f.Path)] {
			continue
		}
		seen[slashed(f.Path)] = true
		if !ValidKind(f.Kind) {
			f.Kind = ""
		}
		f.Title = strings.TrimSpace(strings.ToValidUTF8(f.Title, "\uFFFD"))
		if f.Title == "" {
			f.Title = defaultTitle(f)
		}
		f.TypeLabel = strings.ToValidUTF8(f.TypeLabel, "\uFFFD")
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, skipped
}

func defaultTitle(f TemplateFile) string {
	switch f.Kind {
	case "", KindOther, KindScreenshot, KindPhoto, KindDocument:
		base := path.Base(slashed(f.Path))
		if name := strings.TrimSpace(strings.TrimSuffix(base, path.Ext(base))); name != "" {
			return name
		}
		return base
	}
	return KindLabel(f.Kind)
}

// provesHint suggests a 证明目的 for a kind of evidence.
func provesHint(kind string) string {
	switch kind {
	case KindPayment:
		return "，例如：证明投诉人于某年某月某日向被投诉人支付某元"
	case KindChat:
		return "，例如：证明被投诉人承诺按时发货，后又拒绝退款"
	case KindListing:
		return "，例如：证明被投诉人宣传的商品内容和发货时间"
	case KindPromise:
		return "，例如：证明被投诉人承诺付款后24小时内发货"
	case KindResult:
		return "，例如：证明被投诉人未按约定履行（未发货、卡密无效等）"
	case KindDemand:
		return "，例如：证明投诉人已于某日向被投诉人提出退款要求"
	case KindRefusal:
		return "，例如：证明被投诉人拒绝退款或拖延不处理"
	case KindIdentity:
		return "，例如：证明被投诉人的名称、账号或经营者身份"
	}
	return "：这份材料证明什么？"
}

func caseTypeHint(id string) string {
	switch id {
	case TypeVirtualGoods:
		return "（游戏点卡、卡密、视频会员、QQ 绿钻等）"
	case TypeEngagementService:
		return "（刷赞、刷粉、刷播放量等）"
	}
	return ""
}

func targetHint(id string) string {
	switch id {
	case Target12315:
		return "（市场监管部门）"
	case TargetPayment:
		return "（微信支付、支付宝）"
	case TargetArbitration:
		return "（合同里有仲裁条款时）"
	case TargetMerchant:
		return "（先给商家发催告函）"
	}
	return ""
}

// commentText makes s safe to put after "# " on one line.
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
}

// yamlQuote writes s as a YAML double-quoted scalar that reads back as
// exactly s (s must be valid UTF-8).
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xFF:
			fmt.Fprintf(&b, `\x%02X`, r)
		case r <= 0xFFFF:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			fmt.Fprintf(&b, `\U%08X`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
