package payment

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Parse reads a payment bill or bank statement. name is used for messages,
// for the year of CMB credit-card dates when the file states none, and to
// tell a legacy .xls apart from other OLE files. It returns ErrNotStatement
// when data is not a format this package knows, and a *ParseError for a
// recognised but broken or unsupported file.
func Parse(name string, data []byte) (*Statement, error) {
	if len(data) > MaxInputBytes {
		return nil, &ParseError{File: name, Msg: "input larger than 64 MiB", Zh: "文件超过 64 MiB 上限，请按时间段分批导出", Err: ErrLimit}
	}
	switch {
	case bytes.HasPrefix(data, zipMagic):
		return parseXLSX(name, data)
	case bytes.HasPrefix(data, oleMagic):
		return nil, parseOLE(name, data)
	}
	text, _ := decodeText(data)
	if strings.IndexByte(text, 0) >= 0 {
		return nil, ErrNotStatement
	}
	st, err := parseTable(name, newCSVSource(text), false)
	if errors.Is(err, ErrNotStatement) && strings.Contains(text, "\t") {
		src := newCSVSource(text)
		src.delim = '\t'
		if st2, err2 := parseTable(name, src, false); !errors.Is(err2, ErrNotStatement) {
			st, err = st2, err2
		}
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// parseOLE refuses compound-document files precisely: an encrypted OOXML
// workbook, or a legacy BIFF .xls.
func parseOLE(name string, data []byte) error {
	if bytes.Contains(data, utf16le("EncryptionInfo")) {
		return &ParseError{File: name, Msg: "workbook is password-protected", Zh: "表格文件已加密，请先用密码打开并另存为未加密的 .xlsx 后再提交", Err: ErrUnsupported}
	}
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".xls") || strings.HasSuffix(lower, ".et") ||
		bytes.Contains(data, utf16le("Workbook")) || bytes.Contains(data, utf16le("Book")) {
		return &ParseError{File: name, Msg: "legacy excel .xls (biff) is not supported", Zh: "旧版 Excel（.xls）格式暂不支持，请在网银导出 CSV 或另存为 .xlsx", Err: ErrUnsupported}
	}
	return ErrNotStatement
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// Preamble markers that identify a wallet bill even when its header row is
// missing (a truncated download).
var billMarkers = []string{"微信支付账单明细", "支付宝交易明细", "电子客户回单", "交易记录明细查询", "明细查询文件下载"}

// parseTable detects the header of a row source by content and parses the
// rows under it.
func parseTable(name string, src rowSource, xlsx bool) (*Statement, error) {
	fail := func(err error) error {
		var pe *ParseError
		if errors.As(err, &pe) {
			if pe.File == "" {
				pe.File = name
			}
			return pe
		}
		return err
	}
	var (
		buf     []row
		lay     layout
		found   bool
		hdr     = -1
		generic = -1
		genLay  layout
		eof     bool
	)
	for len(buf) < headerSearchRows {
		r, err := src.next()
		if err == io.EOF {
			eof = true
			break
		}
		if err != nil {
			return nil, fail(err)
		}
		buf = append(buf, r)
		if r.blank() {
			continue
		}
		if l, ok := detectSpecific(r.cells, xlsx); ok {
			lay, found, hdr = l, true, len(buf)-1
			break
		}
		if generic < 0 {
			if l, ok := detectGeneric(r.cells); ok {
				generic, genLay = len(buf)-1, l
			}
		}
	}
	if !found && generic >= 0 {
		lay, found, hdr = genLay, true, generic
	}
	if !found {
		for _, r := range buf {
			j := r.joined()
			for _, mk := range billMarkers {
				if strings.Contains(j, mk) {
					return nil, &ParseError{File: name, Msg: "bill header row not found", Zh: "识别到账单开头，但找不到表头行（交易时间、金额等），文件可能不完整", Err: ErrColumns}
				}
			}
		}
		return nil, ErrNotStatement
	}
	st := &Statement{Format: lay.format, Label: lay.label, Declared: &Declared{Records: -1}}
	p := &tableParser{st: st, lay: lay, xlsx: xlsx, name: name}
	if xlsx && len(buf) > 0 && isPowerQueryRow(buf[0].cells) {
		st.warn("reexported", buf[0].line, "row 1 holds Column1..ColumnN: the workbook was rebuilt with excel power query, not exported by the payment app",
			"第 1 行为 Column1、Column2……，该表格是用 Excel Power Query 重新生成的，并非支付平台导出的原始账单，请尽量提交原始文件")
	}
	for _, r := range buf[:hdr] {
		p.preamble(r)
	}
	p.prepare()
	done := false
	for _, r := range buf[hdr+1:] {
		if done = p.dataRow(r); done {
			break
		}
		if p.err != nil {
			return nil, fail(p.err)
		}
	}
	for !eof {
		r, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fail(err)
		}
		if done {
			p.footer(r)
			st.Lines = r.line
			continue
		}
		if done = p.dataRow(r); p.err != nil {
			return nil, fail(p.err)
		}
		st.Lines = r.line
	}
	if n := len(buf); n > 0 && buf[n-1].line > st.Lines {
		st.Lines = buf[n-1].line
	}
	p.finish()
	return st, nil
}

func isPowerQueryRow(cells []string) bool {
	if len(cells) < 2 {
		return false
	}
	for i, c := range cells {
		if clean(c) != "Column"+strconv.Itoa(i+1) {
			return false
		}
	}
	return true
}

// tableParser turns data rows into Txns for one layout.
type tableParser struct {
	st   *Statement
	lay  layout
	xlsx bool
	name string
	err  error

	stmtYear, stmtMonth int // CMB credit: statement period
	yearSource          string
	yearWarned          bool
}

var (
	reRange    = regexp.MustCompile(`起始(?:时间|日期)[:：]\s*\[([^\]]*)\]\s*终止(?:时间|日期)[:：]\s*\[([^\]]*)\]`)
	reRecords  = regexp.MustCompile(`^共\s*(\d{1,9})\s*笔记录`)
	reGroup    = regexp.MustCompile(`^(收入|支出|中性交易|不计收支|已收入|已支出)[:：]\s*(\d{1,9})\s*笔[,，\s]*([\d,]+(?:\.\d+)?)\s*元`)
	reNick     = regexp.MustCompile(`^微信昵称[:：]\s*\[(.*)\]`)
	reName     = regexp.MustCompile(`^姓名[:：]\s*(.*)$`)
	reAccount  = regexp.MustCompile(`^(?:支付宝账户|账号|卡号|账户)[:：]\s*\[?([^\],]*)\]?`)
	rePeriod   = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月`)
	reNameYear = regexp.MustCompile(`(20\d{2})(0[1-9]|1[0-2])?`)
	reRefunded = regexp.MustCompile(`已退款\s*[(（]?\s*[¥￥]?\s*([\d,]+(?:\.\d{1,2})?)`)
)

// preamble reads the lines above the header.
func (p *tableParser) preamble(r row) {
	st := p.st
	for _, c := range r.cells {
		text := clean(c)
		if text == "" {
			continue
		}
		p.preambleText(text, r.line)
	}
	// Lines that were split at commas (e.g. "卡号: 1,…") also count as a whole.
	if j := r.joined(); strings.Contains(j, ",") {
		if m := reRange.FindStringSubmatch(j); m != nil && st.From.IsZero() {
			p.preambleText(j, r.line)
		}
	}
}

func (p *tableParser) preambleText(text string, line int) {
	st := p.st
	if m := reRange.FindStringSubmatch(text); m != nil {
		if t, _, ok := parseDateTime(m[1]); ok {
			st.From = t
		}
		if t, dateOnly, ok := parseDateTime(m[2]); ok {
			if dateOnly {
				t = t.Add(24*time.Hour - time.Second)
			}
			st.To = t
		}
		return
	}
	if m := reRecords.FindStringSubmatch(text); m != nil {
		st.Declared.Records, _ = strconv.Atoi(m[1])
		return
	}
	if m := reGroup.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[2])
		c, err := parseAmountText(m[3])
		if err != nil {
			st.warn("bad-preamble", line, "unreadable total in preamble", "账单开头的汇总金额无法识别")
			return
		}
		g := &Group{Count: n, Cents: c}
		switch m[1] {
		case "收入", "已收入":
			st.Declared.Income = g
		case "支出", "已支出":
			st.Declared.Expense = g
		default:
			st.Declared.Neutral = g
		}
		return
	}
	if m := reNick.FindStringSubmatch(text); m != nil {
		st.Holder = clean(m[1])
		return
	}
	if m := reName.FindStringSubmatch(text); m != nil {
		st.Holder = clean(m[1])
		return
	}
	if m := reAccount.FindStringSubmatch(text); m != nil && st.Account == "" {
		st.Account = clean(m[1])
		return
	}
	if p.lay.kind == kindCMBCredit {
		if m := rePeriod.FindStringSubmatch(text); m != nil {
			p.stmtYear, _ = strconv.Atoi(m[1])
			p.stmtMonth, _ = strconv.Atoi(m[2])
			p.yearSource = fmt.Sprintf("账单周期 %s年%s月", m[1], m[2])
		}
	}
}

// footer reads lines after the data (alipay-web summary).
func (p *tableParser) footer(r row) {
	j := r.joined()
	if m := reRecords.FindStringSubmatch(j); m != nil && p.st.Declared.Records < 0 {
		p.st.Declared.Records, _ = strconv.Atoi(m[1])
	}
}

// prepare runs once after the preamble: CMB credit dates need a year.
func (p *tableParser) prepare() {
	if p.lay.kind != kindCMBCredit || p.stmtYear != 0 {
		return
	}
	if m := reNameYear.FindStringSubmatch(p.name); m != nil {
		p.stmtYear, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			p.stmtMonth, _ = strconv.Atoi(m[2])
		} else {
			p.stmtMonth = 12
		}
		p.yearSource = "文件名中的年份 " + m[0]
	}
}

func (p *tableParser) rowErr(line int, sentinel error, msg, zh string) {
	p.err = &ParseError{File: p.name, Line: line, Msg: msg, Zh: zh, Err: sentinel}
}

// dataRow parses one row under the header. It returns true at a footer.
func (p *tableParser) dataRow(r row) bool {
	if r.blank() {
		return false
	}
	if endOfData(r) {
		return true
	}
	if len(p.st.Txns) >= MaxRows {
		p.rowErr(r.line, ErrLimit, "more than 1000000 rows", "账单超过 100 万行上限，请按时间段分批导出")
		return false
	}
	cells, ok := p.fitColumns(r)
	if !ok {
		return false
	}
	t, ok := p.txn(r.line, cells)
	if !ok {
		return false
	}
	p.st.Txns = append(p.st.Txns, t)
	return false
}

// fitColumns checks the column count. Surplus fields come from unquoted
// commas inside a name (WeChat: "WALMART HONG KONG CO.,LIMITED"); they are
// merged back into the counterparty column, or else the item column,
// whichever makes the amount and direction columns valid again.
func (p *tableParser) fitColumns(r row) ([]string, bool) {
	cells := r.cells
	eff := len(cells)
	for eff > 0 && clean(cells[eff-1]) == "" {
		eff--
	}
	hl := p.lay.headerLen
	if !p.xlsx && len(cells) < hl && eff < hl && !p.shortRowOK(r) {
		p.rowErr(r.line, ErrColumns, fmt.Sprintf("row has %d fields, header has %d", len(cells), hl),
			fmt.Sprintf("该行只有 %d 列，表头有 %d 列，文件可能被截断或损坏", len(cells), hl))
		return nil, false
	}
	if eff <= hl {
		if len(cells) < hl {
			padded := make([]string, hl)
			copy(padded, cells)
			cells = padded
		}
		return cells, true
	}
	extra := eff - hl
	if p.lay.merge {
		for _, at := range []int{p.lay.cp, p.lay.item, p.lay.cpFallback} {
			if at < 0 || at+extra+1 > eff {
				continue
			}
			merged := make([]string, 0, hl)
			merged = append(merged, cells[:at]...)
			merged = append(merged, strings.Join(cells[at:at+extra+1], ","))
			merged = append(merged, cells[at+extra+1:eff]...)
			if p.plausible(merged) {
				p.st.warn("merged-fields", r.line, fmt.Sprintf("merged %d unquoted commas into one column", extra),
					fmt.Sprintf("该行有 %d 个未加引号的逗号，已并回同一列", extra))
				return merged, true
			}
		}
	}
	p.rowErr(r.line, ErrColumns, fmt.Sprintf("row has %d fields, header has %d", eff, hl),
		fmt.Sprintf("该行有 %d 列，表头只有 %d 列，无法确定各列内容", eff, hl))
	return nil, false
}

// shortRowOK accepts a bank row that lacks trailing columns (PDF→CSV
// conversions drop empty trailing cells) as long as the date, amount and
// counterparty columns are present. Wallet bills are never short: a short
// row there means a truncated file.
func (p *tableParser) shortRowOK(r row) bool {
	l := p.lay
	switch l.kind {
	case kindWeChat, kindAlipay, kindAlipayWeb:
		return false
	}
	need := max(l.date, l.amount, l.income, l.expense, l.cp, l.drcr) + 1
	if len(r.cells) < need {
		return false
	}
	p.st.warn("short-row", r.line, fmt.Sprintf("row has %d fields, header has %d; missing trailing fields read as empty", len(r.cells), l.headerLen),
		fmt.Sprintf("该行只有 %d 列（表头 %d 列），缺少的末尾各列按空白处理", len(r.cells), l.headerLen))
	return true
}

// plausible reports whether a candidate column split has a valid amount and
// direction.
func (p *tableParser) plausible(cells []string) bool {
	l := p.lay
	get := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return clean(cells[i])
	}
	if l.dir >= 0 {
		if _, ok := walletDirection(get(l.dir)); !ok {
			return false
		}
	}
	for _, c := range []int{l.amount, l.income, l.expense} {
		if c < 0 {
			continue
		}
		if _, err := parseAmountText(get(c)); err != nil && !errors.Is(err, errEmptyAmount) {
			return false
		}
	}
	return true
}

// walletDirection maps 收/支 values.
func walletDirection(s string) (Direction, bool) {
	switch s {
	case "支出", "已支出":
		return Out, true
	case "收入", "已收入":
		return In, true
	case "/", "", "不计收支", "其他", "中性交易":
		return Neutral, true
	}
	return Neutral, false
}

// txn maps one row to a Txn.
func (p *tableParser) txn(line int, cells []string) (Txn, bool) {
	l := p.lay
	get := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return clean(cells[i])
	}
	t := Txn{
		Line: line, RefundOf: -1,
		Type: get(l.typ), Counterparty: get(l.cp), CounterpartyAccount: get(l.cpAcct),
		Item: get(l.item), Method: get(l.method), Status: get(l.status), Note: get(l.note),
		TxnNo: get(l.txnNo), MerchantNo: get(l.merchNo),
	}
	if t.Counterparty == "" {
		if fb := get(l.cpFallback); !isPlaceholder(fb) {
			t.Counterparty = fb
		}
	} else if isPlaceholder(t.Counterparty) && l.kind != kindWeChat && l.kind != kindAlipay {
		t.Counterparty = ""
	}
	if l.kind == kindGeneric && t.Item == "" {
		t.Item = get(l.note)
	}
	for _, s := range []*string{&t.CounterpartyAccount, &t.TxnNo, &t.MerchantNo, &t.Note, &t.Item} {
		if isPlaceholder(*s) && *s != "" {
			*s = ""
		}
	}
	if !p.readTime(line, cells, get, &t) {
		return t, false
	}
	if !p.readAmount(line, get, &t) {
		return t, false
	}
	p.classify(&t)
	if l.refunded >= 0 && !t.IsRefund {
		if c, err := parseAmountText(get(l.refunded)); err == nil && c > 0 {
			t.RefundedCents = min(c, t.Cents)
		}
	}
	return t, true
}

func (p *tableParser) readTime(line int, cells []string, get func(int) string, t *Txn) bool {
	l := p.lay
	switch {
	case l.time >= 0:
		raw := get(l.time)
		if l.paidTime >= 0 && get(l.paidTime) != "" {
			raw = get(l.paidTime)
		}
		tm, dateOnly, ok := p.parseCellTime(raw)
		if !ok {
			p.rowErr(line, ErrTime, fmt.Sprintf("bad time %q", truncate(raw)), fmt.Sprintf("交易时间“%s”无法识别", truncate(raw)))
			return false
		}
		t.Time, t.DateOnly = tm, dateOnly
	case l.date >= 0:
		raw := get(l.date)
		if raw == "" && l.date2 >= 0 {
			raw = get(l.date2)
		}
		if l.kind == kindCMBCredit {
			return p.cmbCreditDate(line, raw, t)
		}
		tm, dateOnly, ok := p.parseCellTime(raw)
		if !ok {
			p.rowErr(line, ErrTime, fmt.Sprintf("bad date %q", truncate(raw)), fmt.Sprintf("日期“%s”无法识别", truncate(raw)))
			return false
		}
		t.Time, t.DateOnly = tm, dateOnly
		if dateOnly && l.clock >= 0 {
			if h, m, s, ok := parseClock(get(l.clock)); ok {
				t.Time = time.Date(tm.Year(), tm.Month(), tm.Day(), h, m, s, 0, cst)
				t.DateOnly = false
			}
		}
	}
	return true
}

// parseCellTime accepts text times, and Excel serial numbers in XLSX cells.
func (p *tableParser) parseCellTime(raw string) (time.Time, bool, bool) {
	if tm, dateOnly, ok := parseDateTime(raw); ok {
		return tm, dateOnly, true
	}
	if p.xlsx && isNumeric(raw) {
		if tm, ok := parseExcelSerial(raw); ok {
			dateOnly := tm.Hour() == 0 && tm.Minute() == 0 && tm.Second() == 0 && !strings.Contains(raw, ".")
			return tm, dateOnly, true
		}
	}
	return time.Time{}, false, false
}

// cmbCreditDate reads "MM/DD" and infers the year from the statement period
// (a month later than the statement month belongs to the previous year) or
// from the file name.
func (p *tableParser) cmbCreditDate(line int, raw string, t *Txn) bool {
	t.DateOnly = true
	if tm, _, ok := parseDateTime(raw); ok {
		t.Time = tm
		return true
	}
	mm, dd, ok := strings.Cut(raw, "/")
	if !ok || len(mm) == 0 || len(mm) > 2 || len(dd) == 0 || len(dd) > 2 || !allDigits(mm+dd) {
		p.rowErr(line, ErrTime, fmt.Sprintf("bad date %q", truncate(raw)), fmt.Sprintf("日期“%s”无法识别", truncate(raw)))
		return false
	}
	m, _ := strconv.Atoi(mm)
	d, _ := strconv.Atoi(dd)
	if p.stmtYear == 0 {
		if _, ok := mkTime(2000, m, d, 0, 0, 0); !ok {
			p.rowErr(line, ErrTime, fmt.Sprintf("bad date %q", raw), fmt.Sprintf("日期“%s”无法识别", raw))
			return false
		}
		if !p.yearWarned {
			p.yearWarned = true
			p.st.warn("year-unknown", line, "dates have no year and the statement states none", "招商银行信用卡账单的日期不含年份，且账单和文件名中都找不到年份，交易时间无法确定")
		}
		return true
	}
	y := p.stmtYear
	if p.stmtMonth > 0 && m > p.stmtMonth {
		y--
	}
	tm, ok := mkTime(y, m, d, 0, 0, 0)
	if !ok {
		p.rowErr(line, ErrTime, fmt.Sprintf("bad date %q", raw), fmt.Sprintf("日期“%s”无法识别", raw))
		return false
	}
	t.Time = tm
	if !p.yearWarned {
		p.yearWarned = true
		p.st.warn("year-inferred", line, "dates have no year; inferred from "+p.yearSource,
			"招商银行信用卡账单的日期不含年份，已按"+p.yearSource+"推断年份")
	}
	return true
}

// amountCell parses an amount cell: raw numeric XLSX values may be rounded
// (with a warning); text must be exact.
func (p *tableParser) amountCell(line int, raw string) (int64, error) {
	if p.xlsx && isNumeric(raw) {
		c, rounded, err := parseAmountRaw(raw)
		if err == nil && rounded {
			p.st.warn("rounded-amount", line, fmt.Sprintf("amount %s rounded to %s", raw, formatCents(c)),
				fmt.Sprintf("金额 %s 超过两位小数，已四舍五入为 %s 元", raw, formatCents(c)))
		}
		return c, err
	}
	return parseAmountText(raw)
}

func (p *tableParser) badAmount(line int, raw string) bool {
	p.rowErr(line, ErrAmount, fmt.Sprintf("bad amount %q", truncate(raw)), fmt.Sprintf("金额“%s”无法识别", truncate(raw)))
	return false
}

func (p *tableParser) readAmount(line int, get func(int) string, t *Txn) bool {
	l := p.lay
	if l.amount >= 0 {
		raw := get(l.amount)
		c, err := p.amountCell(line, raw)
		if err != nil {
			if errors.Is(err, errEmptyAmount) && (l.income >= 0 || l.expense >= 0) {
				goto pair
			}
			return p.badAmount(line, raw)
		}
		switch {
		case l.dir >= 0:
			d, ok := walletDirection(get(l.dir))
			if !ok {
				p.st.warn("unknown-direction", line, fmt.Sprintf("unknown direction %q", truncate(get(l.dir))),
					fmt.Sprintf("收/支栏“%s”无法识别，按中性交易处理", truncate(get(l.dir))))
			}
			t.Direction = d
			if c < 0 {
				c = -c
			}
		case l.drcr >= 0:
			t.Direction = drcrDirection(get(l.drcr), c)
			if c < 0 {
				c = -c
			}
		case l.creditCard:
			// Credit card: positive is spending, negative is repayment or refund.
			t.Direction = Out
			if c < 0 {
				t.Direction, c = In, -c
			}
		default:
			t.Direction = In
			if c < 0 {
				t.Direction, c = Out, -c
			}
		}
		t.Cents = c
		return true
	}
pair:
	inc, incErr := p.pairCell(line, get, l.income, l.income2)
	exp, expErr := p.pairCell(line, get, l.expense, l.expense2)
	if incErr != nil {
		return p.badAmount(line, get(l.income))
	}
	if expErr != nil {
		return p.badAmount(line, get(l.expense))
	}
	switch {
	case inc != 0 && exp == 0:
		t.Direction, t.Cents = In, abs(inc)
	case exp != 0 && inc == 0:
		t.Direction, t.Cents = Out, abs(exp)
	case inc == 0 && exp == 0:
		t.Direction = Neutral
	default:
		// Both sides filled: keep the net movement.
		net := abs(inc) - abs(exp)
		t.Direction, t.Cents = In, net
		if net < 0 {
			t.Direction, t.Cents = Out, -net
		}
	}
	return true
}

// pairCell reads an income or expense column, falling back to a second
// column when the first is a placeholder.
func (p *tableParser) pairCell(line int, get func(int) string, col, fallback int) (int64, error) {
	if col < 0 && fallback < 0 {
		return 0, nil
	}
	c, err := p.amountCell(line, get(col))
	if errors.Is(err, errEmptyAmount) && fallback >= 0 {
		c, err = p.amountCell(line, get(fallback))
	}
	if errors.Is(err, errEmptyAmount) {
		return 0, nil
	}
	return c, err
}

func abs(c int64) int64 {
	if c < 0 {
		return -c
	}
	return c
}

func drcrDirection(s string, signed int64) Direction {
	switch {
	case strings.Contains(s, "借"), strings.Contains(s, "Dr"), strings.Contains(s, "支"), strings.EqualFold(s, "D"):
		return Out
	case strings.Contains(s, "贷"), strings.Contains(s, "Cr"), strings.Contains(s, "收"), strings.EqualFold(s, "C"):
		return In
	}
	if signed < 0 {
		return Out
	}
	return In
}

// classify sets IsRefund and RefundedCents from the row's own text.
func (p *tableParser) classify(t *Txn) {
	switch p.lay.kind {
	case kindWeChat:
		t.IsRefund = strings.HasSuffix(t.Type, "-退款") || t.Type == "退款"
	case kindAlipay:
		t.IsRefund = t.Type == "退款" || strings.HasPrefix(t.Item, "退款-") || t.Status == "退款成功"
	case kindAlipayWeb:
		t.IsRefund = strings.Contains(t.Type, "退款")
	default:
		t.IsRefund = strings.Contains(t.Type, "退款") && t.Direction == In
	}
	if t.IsRefund {
		return
	}
	if m := reRefunded.FindStringSubmatch(t.Status); m != nil {
		if c, err := parseAmountText(m[1]); err == nil && c > 0 {
			t.RefundedCents = min(c, t.Cents)
		}
	} else if strings.Contains(t.Status, "全额退款") {
		t.RefundedCents = t.Cents
	}
}

func truncate(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
