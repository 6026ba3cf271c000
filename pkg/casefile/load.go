package casefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxSize is the largest case.yaml Load reads, in bytes.
const MaxSize = 1 << 20

// LoadFile reads and checks the case.yaml at path. Problems in the file are
// returned as Errors whose File is the base name of path; failing to read
// the file is returned as "load path: cause".
func LoadFile(path string) (*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	defer f.Close()
	return Load(f, filepath.Base(path))
}

// Load reads and checks a case.yaml from r; name is used in messages (for
// example "case.yaml"). Every problem in the document is collected and
// returned together as Errors, sorted by line. A read error from r is
// returned wrapped as "load name: cause".
func Load(r io.Reader, name string) (*Case, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	d := &decoder{file: name}
	c := d.load(data)
	if len(d.errs) > 0 {
		for _, e := range d.errs {
			e.File = name
		}
		d.errs.sort()
		return nil, d.errs
	}
	for _, w := range d.warns {
		w.File = name
	}
	d.warns.sort()
	c.Warnings = d.warns
	return c, nil
}

type decoder struct {
	file  string
	errs  Errors
	warns Errors
}

func (d *decoder) add(line int, key, msg, zh string) {
	d.errs = append(d.errs, &Error{Line: line, Key: key, Msg: msg, Zh: zh})
}

// fail records an *Error returned by an UnmarshalYAML method, naming the key.
func (d *decoder) fail(key string, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Msg: err.Error(), Zh: err.Error()}
	}
	d.add(e.Line, key, key+": "+e.Msg, "“"+key+"”："+e.Zh)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (d *decoder) load(data []byte) *Case {
	if len(data) > MaxSize {
		d.add(0, "", fmt.Sprintf("file is larger than %d bytes", MaxSize), "文件超过 1 MiB，不像是案件说明文件（case.yaml 只需写文字说明，证据文件请直接放在案件文件夹里）")
		return nil
	}
	utf16 := bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF})
	if !utf16 && !utf8.Valid(data) {
		line := len(splitLines(data[:invalidUTF8At(data)]))
		d.add(line, "", "file is not valid UTF-8 (perhaps GBK); save it as UTF-8",
			"文件不是 UTF-8 编码（可能是 GBK）：请用记事本打开，选择“另存为”，编码选 UTF-8 后保存")
		return nil
	}
	doc, err := parse(data)
	if err != nil {
		d.syntax(data, err)
		return nil
	}
	if doc == nil || len(doc.Content) == 0 {
		d.add(0, "version", `missing "version: 1"`, "文件是空的：第一行请写 version: 1")
		return nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		if top.Kind == yaml.ScalarNode && isNull(top) {
			d.add(0, "version", `missing "version: 1"`, "文件是空的：第一行请写 version: 1")
			return nil
		}
		d.add(top.Line, "", "expected keys like \"version: 1\" at the top level, found "+nodeKind(top),
			"文件内容应是“字段: 值”的形式，第一行请写 version: 1")
		return nil
	}
	c := New()
	c.Version = 0
	d.topLevel(top, c)
	c.byPath = make(map[string]int, len(c.Files))
	for i, f := range c.Files {
		c.byPath[f.Path] = i
	}
	return c
}

// parse decodes exactly one YAML document into a node tree. Aliases are not
// expanded by the node decoder; they are refused later.
func parse(data []byte) (doc *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("yaml: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var first yaml.Node
	if err := dec.Decode(&first); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, err
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case err == io.EOF:
	case err != nil:
		return nil, err
	default:
		return nil, &extraDocError{line: second.Line}
	}
	return &first, nil
}

type extraDocError struct{ line int }

func (e *extraDocError) Error() string { return "more than one YAML document" }

func (d *decoder) syntax(data []byte, err error) {
	var extra *extraDocError
	if errors.As(err, &extra) {
		d.add(extra.line, "", "more than one YAML document (remove the extra \"---\")",
			"文件里有多于一份内容（出现了单独一行的“---”）：case.yaml 只能有一份，请删掉“---”及其后多余的内容")
		return
	}
	line, msg := 0, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if tl := tabLine(data); tl > 0 {
		d.add(tl, "", "tab used for indentation; indent with spaces",
			"这一行用 Tab 键缩进了：YAML 只能用空格缩进，请把 Tab 换成空格")
		return
	}
	d.add(line, "", "invalid YAML: "+msg,
		"YAML 格式有误：请检查这一行及上一行的缩进（只能用空格，同级字段要对齐）、冒号后是否有空格、引号是否成对")
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// splitLines splits data at "\r\n", "\r" and "\n", as YAML counts lines.
func splitLines(data []byte) [][]byte {
	var out [][]byte
	start := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			out = append(out, data[start:i])
			start = i + 1
		case '\r':
			out = append(out, data[start:i])
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	return append(out, data[start:])
}

// tabLine returns the first line indented with a tab, or 0.
func tabLine(data []byte) int {
	for i, l := range splitLines(data) {
		t := bytes.TrimLeft(l, " ")
		if len(t) > 0 && t[0] == '\t' && len(bytes.TrimSpace(t)) > 0 {
			return i + 1
		}
	}
	return 0
}

// field is one key a mapping accepts.
type field struct {
	name string
	set  func(v *yaml.Node, key string)
}

// mapping walks the mapping node n found at path where ("" for the top
// level), reporting unknown, duplicate and non-text keys and aliases, and
// calls set for each known key.
func (d *decoder) mapping(n *yaml.Node, where string, fields []field) {
	seen := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name, ok := d.key(k, where)
		if !ok {
			continue
		}
		key := join(where, name)
		if first, dup := seen[name]; dup {
			d.add(k.Line, key, fmt.Sprintf("duplicate key %q%s (first at line %d)", name, in(where), first),
				fmt.Sprintf("字段“%s”重复出现（第 %d 行已经写过），请删掉其中一个", key, first))
			continue
		}
		seen[name] = k.Line
		var f *field
		for j := range fields {
			if fields[j].name == name {
				f = &fields[j]
			}
		}
		if f == nil {
			d.unknown(k, where, name, fields)
			continue
		}
		if d.alias(v, key) {
			continue
		}
		f.set(v, key)
	}
}

// key returns the text of a mapping key, reporting keys that are not plain text.
func (d *decoder) key(k *yaml.Node, where string) (string, bool) {
	if k.Kind == yaml.AliasNode {
		d.alias(k, where)
		return "", false
	}
	if k.Kind != yaml.ScalarNode {
		d.add(k.Line, where, "key"+in(where)+" is "+nodeKind(k)+", not text",
			"字段名必须是文字"+zhIn(where))
		return "", false
	}
	return k.Value, true
}

func (d *decoder) unknown(k *yaml.Node, where, name string, fields []field) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	msg := fmt.Sprintf("unknown key %q%s", name, in(where))
	zh := fmt.Sprintf("不认识的字段“%s”%s", name, zhIn(where))
	if s := suggest(name, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
		zh += fmt.Sprintf("，是不是“%s”？", s)
	} else if home := homeOf(name); home == "." && where != "" {
		msg += " (it belongs at the top level, not indented)"
		zh += "，它应写在最外层（不缩进）"
	} else if home != "" && home != "." && home != where {
		msg += fmt.Sprintf(" (it belongs under %q)", home)
		zh += fmt.Sprintf("，它应写在“%s”下面", home)
	} else {
		msg += " (allowed: " + strings.Join(names, ", ") + ")"
		zh += "，这里可用的字段有：" + strings.Join(names, "、")
	}
	d.add(k.Line, join(where, name), msg, zh)
}

// alias reports an alias node; aliases are refused so that a small file can
// never expand into a huge one.
func (d *decoder) alias(v *yaml.Node, key string) bool {
	if v.Kind != yaml.AliasNode {
		return false
	}
	d.add(v.Line, key, keyPrefix(key)+"YAML aliases (*name) are not supported",
		"不支持 YAML 别名（*名称）：请把内容直接写出来")
	return true
}

func (d *decoder) wrongType(v *yaml.Node, key, want, wantZh string) {
	d.add(v.Line, key, fmt.Sprintf("%s: expected %s, found %s", key, want, nodeKind(v)),
		fmt.Sprintf("“%s”这里应填写%s，但写成了%s", key, wantZh, nodeKindZh(v)))
}

// text reads a scalar as written (never converted to a number); null is "".
func (d *decoder) text(v *yaml.Node, key string) string {
	if v.Kind != yaml.ScalarNode {
		d.wrongType(v, key, "text", "文字")
		return ""
	}
	if isNull(v) {
		return ""
	}
	return strings.TrimSpace(v.Value)
}

// texts reads a list of text; a single text is taken as a list of one.
func (d *decoder) texts(v *yaml.Node, key string) []string {
	switch v.Kind {
	case yaml.ScalarNode:
		if s := d.text(v, key); s != "" {
			return []string{s}
		}
		return nil
	case yaml.SequenceNode:
		var out []string
		for i, it := range v.Content {
			k := fmt.Sprintf("%s[%d]", key, i)
			if d.alias(it, k) {
				continue
			}
			if s := d.text(it, k); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	d.wrongType(v, key, "a list of text", "一项或多项文字（每项一行，以“- ”开头）")
	return nil
}

// items calls each for every element of a sequence (null is an empty list).
func (d *decoder) items(v *yaml.Node, key string, each func(it *yaml.Node, key string)) {
	if v.Kind == yaml.ScalarNode && isNull(v) {
		return
	}
	if v.Kind != yaml.SequenceNode {
		d.wrongType(v, key, "a list", "列表（每项以“- ”开头）")
		return
	}
	for i, it := range v.Content {
		k := fmt.Sprintf("%s[%d]", key, i)
		if d.alias(it, k) {
			continue
		}
		each(it, k)
	}
}

// object checks that v is a mapping (null counts as empty) and walks it.
func (d *decoder) object(v *yaml.Node, key string, fields []field) {
	if v.Kind == yaml.ScalarNode && isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		d.wrongType(v, key, "keys and values", "“字段: 值”形式的若干行（下一行起缩进两个空格）")
		return
	}
	d.mapping(v, key, fields)
}

// choice reads a value from a fixed vocabulary; the Chinese label is accepted
// too. Empty means def.
func (d *decoder) choice(v *yaml.Node, key string, ts []term, def, what, whatZh string) string {
	s := d.text(v, key)
	if s == "" {
		return def
	}
	for _, t := range ts {
		if s == t.id || s == t.zh {
			return t.id
		}
	}
	var en, zh []string
	for _, t := range ts {
		en = append(en, t.id)
		zh = append(zh, t.id+"（"+t.zh+"）")
	}
	d.add(v.Line, key, fmt.Sprintf("%s: %q is not a %s (allowed: %s)", key, s, what, strings.Join(en, ", ")),
		fmt.Sprintf("“%s”不是可用的%s，可选：%s", s, whatZh, strings.Join(zh, "、")))
	return def
}

func (d *decoder) money(v *yaml.Node, key string) Money {
	var m Money
	if err := m.UnmarshalYAML(v); err != nil {
		d.fail(key, err)
	}
	return m
}

func (d *decoder) time(v *yaml.Node, key string) Time {
	var t Time
	if err := t.UnmarshalYAML(v); err != nil {
		d.fail(key, err)
	}
	return t
}

func (d *decoder) checkPath(p string, line int, key string) bool {
	if validRel(p) {
		return true
	}
	d.add(line, key, fmt.Sprintf("%s: %q is not a path inside the case folder (write it relative to the folder, with /, e.g. \"截图/付款.jpg\")", key, p),
		fmt.Sprintf("“%s”不是案件文件夹里的路径：请写相对于案件文件夹的路径，用 / 分隔，例如“截图/付款.jpg”，不要以 / 或盘符开头，也不要含“..”", p))
	return false
}

// validRel reports whether p names a file inside the case folder. Windows
// backslashes are read as separators.
func validRel(p string) bool {
	s := slashed(p)
	if len(s) >= 2 && s[1] == ':' {
		return false // C:/...
	}
	return fs.ValidPath(s) && s != "." && !strings.ContainsRune(s, 0)
}

func (d *decoder) topLevel(top *yaml.Node, c *Case) {
	sawVersion := false
	for i := 0; i+1 < len(top.Content); i += 2 {
		if k := top.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "version" {
			sawVersion = true
		}
	}
	if !sawVersion {
		d.add(top.Line, "version", `missing "version: 1"`, "缺少版本号：请在文件第一行写 version: 1")
	}
	d.mapping(top, "", []field{
		{"version", func(v *yaml.Node, key string) { d.version(v, c) }},
		{"type", func(v *yaml.Node, key string) {
			c.Type = d.choice(v, key, caseTypes(), TypeVirtualGoods, "case type", "案件类型")
		}},
		{"target", func(v *yaml.Node, key string) {
			c.Target = d.choice(v, key, targets(), Target12315, "complaint target", "投诉去向")
		}},
		{"complainant", func(v *yaml.Node, key string) { d.party(v, key, &c.Complainant, false) }},
		{"respondent", func(v *yaml.Node, key string) { d.party(v, key, &c.Respondent, true) }},
		{"order", func(v *yaml.Node, key string) { d.order(v, key, &c.Order) }},
		{"problem", func(v *yaml.Node, key string) { c.Problem = d.text(v, key) }},
		{"demands", func(v *yaml.Node, key string) { c.Demands = d.texts(v, key) }},
		{"events", func(v *yaml.Node, key string) {
			d.items(v, key, func(it *yaml.Node, key string) { c.Events = append(c.Events, d.event(it, key)) })
		}},
		{"arbitration_clause", func(v *yaml.Node, key string) { c.ArbitrationClause = d.text(v, key) }},
		{"files", func(v *yaml.Node, key string) { d.files(v, key, c) }},
	})
}

func (d *decoder) version(v *yaml.Node, c *Case) {
	if v.Kind != yaml.ScalarNode {
		d.wrongType(v, "version", "the number 1", "数字 1")
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.Value))
	switch {
	case err != nil:
		d.add(v.Line, "version", fmt.Sprintf("version: %q is not a number (write \"version: %d\")", v.Value, Version),
			fmt.Sprintf("版本号“%s”不是数字：请写 version: %d", v.Value, Version))
	case n != Version:
		d.add(v.Line, "version", fmt.Sprintf("version: unsupported version %d (this evipack reads version %d)", n, Version),
			fmt.Sprintf("不支持版本 %d：本版 evipack 只能读取 version: %d 的 case.yaml", n, Version))
	default:
		c.Version = n
	}
}

func (d *decoder) party(v *yaml.Node, key string, p *Party, respondent bool) {
	fields := []field{
		{"name", func(v *yaml.Node, key string) { p.Name = d.text(v, key) }},
		{"phone", func(v *yaml.Node, key string) { p.Phone = d.text(v, key) }},
	}
	if respondent {
		fields = append(fields,
			field{"platform", func(v *yaml.Node, key string) { p.Platform = d.text(v, key) }},
			field{"shop", func(v *yaml.Node, key string) { p.Shop = d.text(v, key) }},
			field{"url", func(v *yaml.Node, key string) { p.URL = d.text(v, key) }},
			field{"credit_code", func(v *yaml.Node, key string) {
				p.CreditCode = d.text(v, key)
				if p.CreditCode != "" && !ValidCreditCode(p.CreditCode) {
					d.warns = append(d.warns, &Error{Line: v.Line, Key: key,
						Msg: fmt.Sprintf("%s: %q does not look like a unified social credit code (18 characters with a valid check character)", key, p.CreditCode),
						Zh:  fmt.Sprintf("统一社会信用代码“%s”看起来不对（应为 18 位，最后一位是校验码），请对照营业执照或“国家企业信用信息公示系统”核对", p.CreditCode)})
				}
			}},
		)
	} else {
		fields = append(fields,
			field{"id_number", func(v *yaml.Node, key string) {
				p.IDNumber = d.text(v, key)
				if p.IDNumber != "" && !ValidIDNumber(p.IDNumber) {
					d.warns = append(d.warns, &Error{Line: v.Line, Key: key,
						Msg: fmt.Sprintf("%s: does not look like an 18-digit resident ID number", key),
						Zh:  "身份证号看起来不对（应为 18 位，最后一位是校验码，可能是 X），请核对"})
				}
			}},
		)
	}
	fields = append(fields,
		field{"address", func(v *yaml.Node, key string) { p.Address = d.text(v, key) }},
		field{"accounts", func(v *yaml.Node, key string) {
			d.items(v, key, func(it *yaml.Node, key string) {
				var a Account
				d.object(it, key, []field{
					{"platform", func(v *yaml.Node, key string) { a.Platform = d.text(v, key) }},
					{"id", func(v *yaml.Node, key string) { a.ID = d.text(v, key) }},
					{"name", func(v *yaml.Node, key string) { a.Name = d.text(v, key) }},
				})
				p.Accounts = append(p.Accounts, a)
			})
		}},
	)
	d.object(v, key, fields)
}

func (d *decoder) order(v *yaml.Node, key string, o *Order) {
	d.object(v, key, []field{
		{"item", func(v *yaml.Node, key string) { o.Item = d.text(v, key) }},
		{"order_no", func(v *yaml.Node, key string) { o.OrderNo = d.text(v, key) }},
		{"amount", func(v *yaml.Node, key string) { o.Amount = d.money(v, key) }},
		{"paid_at", func(v *yaml.Node, key string) { o.PaidAt = d.time(v, key) }},
		{"payment_method", func(v *yaml.Node, key string) { o.PaymentMethod = d.text(v, key) }},
		{"promised", func(v *yaml.Node, key string) { o.Promised = d.text(v, key) }},
		{"promised_by", func(v *yaml.Node, key string) { o.PromisedBy = d.time(v, key) }},
	})
}

func (d *decoder) event(v *yaml.Node, key string) Event {
	ev := Event{Line: v.Line}
	d.object(v, key, []field{
		{"at", func(v *yaml.Node, key string) { ev.At = d.time(v, key) }},
		{"what", func(v *yaml.Node, key string) { ev.What = d.text(v, key) }},
		{"evidence", func(v *yaml.Node, key string) {
			for i, p := range d.texts(v, key) {
				line := v.Line
				if v.Kind == yaml.SequenceNode && i < len(v.Content) {
					line = v.Content[i].Line
				}
				if d.checkPath(p, line, fmt.Sprintf("%s[%d]", key, i)) {
					ev.Evidence = append(ev.Evidence, p)
				}
			}
		}},
	})
	return ev
}

func (d *decoder) files(v *yaml.Node, key string, c *Case) {
	if v.Kind == yaml.ScalarNode && isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		d.wrongType(v, key, "file paths with kind, title and proves", "以文件路径为字段名的若干项")
		return
	}
	seen := make(map[string]int)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		p, ok := d.key(k, key)
		if !ok {
			continue
		}
		fk := key + "[" + strconv.Quote(p) + "]"
		if !d.checkPath(p, k.Line, fk) {
			continue
		}
		if first, dup := seen[slashed(p)]; dup {
			d.add(k.Line, fk, fmt.Sprintf("duplicate file %q in files (first at line %d)", p, first),
				fmt.Sprintf("文件“%s”在 files 里重复出现（第 %d 行已经写过），请删掉其中一个", p, first))
			continue
		}
		seen[slashed(p)] = k.Line
		if d.alias(val, fk) {
			continue
		}
		note := FileNote{Path: p, Line: k.Line}
		d.object(val, fk, []field{
			{"kind", func(v *yaml.Node, key string) {
				note.Kind = d.choice(v, key, kinds(), "", "kind of evidence", "证据类型")
			}},
			{"title", func(v *yaml.Node, key string) { note.Title = d.text(v, key) }},
			{"proves", func(v *yaml.Node, key string) { note.Proves = d.text(v, key) }},
		})
		c.Files = append(c.Files, note)
	}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "keys and values"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return "text " + strconv.Quote(n.Value)
	}
	return "something else"
}

func nodeKindZh(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "“字段: 值”的形式"
	case yaml.SequenceNode:
		return "列表"
	case yaml.AliasNode:
		return "别名"
	case yaml.ScalarNode:
		return "文字“" + n.Value + "”"
	}
	return "其他内容"
}

func join(where, name string) string {
	if where == "" {
		return name
	}
	return where + "." + name
}

func in(where string) string {
	if where == "" {
		return ""
	}
	return " in " + where
}

func zhIn(where string) string {
	if where == "" {
		return ""
	}
	return "（在“" + where + "”下）"
}

func keyPrefix(key string) string {
	if key == "" {
		return ""
	}
	return key + ": "
}

func quote(s string) string { return strconv.Quote(s) }

// homeOf names the section a key belongs in, for keys written at the wrong
// level: "." for the top level, "" when the key is unknown everywhere.
func homeOf(name string) string {
	switch name {
	case "version", "type", "target", "complainant", "respondent", "order", "problem", "demands", "events", "arbitration_clause", "files":
		return "."
	case "item", "order_no", "amount", "paid_at", "payment_method", "promised", "promised_by":
		return "order"
	case "id_number":
		return "complainant"
	case "shop", "url", "credit_code", "platform":
		return "respondent"
	case "kind", "title", "proves":
		return "files"
	case "at", "what", "evidence":
		return "events"
	}
	return ""
}

// suggest returns the allowed name closest to name, if it is close enough to
// be a typo.
func suggest(name string, allowed []string) string {
	best, bestD := "", 3
	if utf8.RuneCountInString(name) <= 4 {
		bestD = 2
	}
	for _, a := range allowed {
		if d := distance(strings.ToLower(name), a, bestD); d < bestD {
			best, bestD = a, d
		}
	}
	return best
}

// distance is the optimal-string-alignment distance between a and b in
// runes (edits and swaps of neighbours each cost 1), or limit when it is at
// least limit or the strings are too long to compare cheaply.
func distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 256 || len(rb) > 256 {
		return limit
	}
	if diff := len(ra) - len(rb); diff >= limit || -diff >= limit {
		return limit
	}
	w := len(rb) + 1
	m := make([]int, (len(ra)+1)*w)
	for j := 0; j <= len(rb); j++ {
		m[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		m[i*w] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(m[(i-1)*w+j]+1, m[i*w+j-1]+1, m[(i-1)*w+j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, m[(i-2)*w+j-2]+1)
			}
			m[i*w+j] = v
		}
	}
	return min(m[len(ra)*w+len(rb)], limit)
}
