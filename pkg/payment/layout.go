package payment

import "strings"

// Format identifiers reported in Statement.Format.
const (
	FormatWeChatCSV   = "wechat-csv"
	FormatWeChatXLSX  = "wechat-xlsx"
	FormatAlipayCSV   = "alipay-csv"
	FormatAlipayWeb   = "alipay-web"
	FormatICBC        = "icbc"
	FormatCMBDebit    = "cmb-debit"
	FormatCMBCredit   = "cmb-credit"
	FormatBankGeneric = "bank-generic"
)

// kind selects the row rules of a layout.
type kind int

const (
	kindWeChat kind = iota
	kindAlipay
	kindAlipayWeb
	kindICBC
	kindCMBDebit
	kindCMBCredit
	kindGeneric
)

// layout maps the columns of a detected header row. Every index is -1 when
// the column is absent.
type layout struct {
	kind      kind
	format    string
	label     string
	headerLen int // index of the last non-empty header cell + 1

	time, date, date2, clock   int // date2: fallback date column (CMB 记账日)
	typ, cp, cpFallback, item  int
	cpAcct, dir, amount        int
	income, expense            int
	income2, expense2          int // fallback amount columns (ICBC 交易金额)
	method, status, note       int
	txnNo, merchNo, refunded   int
	drcr                       int // 借贷 column (BOCOM 借 Dr / 贷 Cr)
	paidTime                   int // alipay-web 付款时间 (preferred over 交易创建时间)
	merge                      bool
	creditCard                 bool // positive amounts are spending
	requireTime, requireAmount bool
}

// headerIndex maps normalised header names to their first column.
type headerIndex map[string]int

func indexHeader(cells []string) (headerIndex, int) {
	m := make(headerIndex, len(cells))
	last := 0
	for i, c := range cells {
		h := normHeader(c)
		if h == "" {
			continue
		}
		last = i + 1
		if _, dup := m[h]; !dup {
			m[h] = i
		}
	}
	return m, last
}

// col returns the column of the first name present, or -1.
func (m headerIndex) col(names ...string) int {
	for _, n := range names {
		if i, ok := m[n]; ok {
			return i
		}
	}
	return -1
}

func (m headerIndex) has(names ...string) bool {
	for _, n := range names {
		if _, ok := m[n]; !ok {
			return false
		}
	}
	return true
}

func blankLayout() layout {
	return layout{
		time: -1, date: -1, date2: -1, clock: -1, typ: -1, cp: -1, cpFallback: -1, item: -1,
		cpAcct: -1, dir: -1, amount: -1, income: -1, expense: -1, income2: -1, expense2: -1,
		method: -1, status: -1, note: -1, txnNo: -1, merchNo: -1, refunded: -1, drcr: -1, paidTime: -1,
	}
}

// detectSpecific recognises the header row of a known export by content.
func detectSpecific(cells []string, xlsx bool) (layout, bool) {
	m, n := indexHeader(cells)
	if len(m) < 4 {
		return layout{}, false
	}
	l := blankLayout()
	l.headerLen = n
	switch {
	case m.has("交易时间", "交易类型", "交易对方", "收/支", "金额(元)") && m["交易时间"] == firstNonEmpty(cells):
		l.kind, l.format, l.label = kindWeChat, FormatWeChatCSV, "微信支付账单（CSV）"
		if xlsx {
			l.format, l.label = FormatWeChatXLSX, "微信支付账单（Excel）"
		}
		l.time, l.typ, l.cp, l.item = m.col("交易时间"), m.col("交易类型"), m.col("交易对方"), m.col("商品")
		l.dir, l.amount, l.method, l.status = m.col("收/支"), m.col("金额(元)"), m.col("支付方式"), m.col("当前状态")
		l.txnNo, l.merchNo, l.note = m.col("交易单号"), m.col("商户单号"), m.col("备注")
		l.merge, l.requireTime, l.requireAmount = true, true, true
	case m.has("交易时间", "交易分类", "交易对方", "收/支", "金额") && m.has("交易订单号"):
		l.kind, l.format, l.label = kindAlipay, FormatAlipayCSV, "支付宝交易明细（CSV）"
		l.time, l.typ, l.cp, l.cpAcct, l.item = m.col("交易时间"), m.col("交易分类"), m.col("交易对方"), m.col("对方账号"), m.col("商品说明")
		l.dir, l.amount, l.method, l.status = m.col("收/支"), m.col("金额"), m.col("收/付款方式"), m.col("交易状态")
		l.txnNo, l.merchNo, l.note = m.col("交易订单号"), m.col("商家订单号"), m.col("备注")
		l.merge, l.requireTime, l.requireAmount = true, true, true
	case m.has("交易号", "交易创建时间", "交易对方", "金额(元)", "收/支"):
		l.kind, l.format, l.label = kindAlipayWeb, FormatAlipayWeb, "支付宝交易记录明细（网页版导出）"
		l.time, l.paidTime, l.typ, l.cp, l.item = m.col("交易创建时间"), m.col("付款时间"), m.col("类型"), m.col("交易对方"), m.col("商品名称")
		l.dir, l.amount, l.status, l.refunded = m.col("收/支"), m.col("金额(元)"), m.col("交易状态"), m.col("成功退款(元)")
		l.txnNo, l.merchNo, l.note, l.method = m.col("交易号"), m.col("商家订单号"), m.col("备注"), m.col("资金状态")
		l.merge, l.requireTime, l.requireAmount = true, true, true
	case m.has("交易日期") && (m.has("记账金额(收入)", "记账金额(支出)") || m.has("交易金额(收入)", "交易金额(支出)")):
		l.kind, l.format, l.label = kindICBC, FormatICBC, "工商银行账户明细"
		l.date, l.date2, l.typ, l.cp, l.cpFallback = m.col("交易日期"), m.col("记账日期"), m.col("摘要"), m.col("对方户名"), m.col("交易场所")
		l.item, l.cpAcct, l.note = m.col("交易场所"), m.col("对方账户"), m.col("交易详情")
		l.income, l.expense = m.col("记账金额(收入)"), m.col("记账金额(支出)")
		l.income2, l.expense2 = m.col("交易金额(收入)"), m.col("交易金额(支出)")
		l.merge, l.requireAmount = true, true
	case m.has("记账日期", "交易金额", "联机余额", "对手信息"):
		l.kind, l.format, l.label = kindCMBDebit, FormatCMBDebit, "招商银行借记卡交易流水"
		l.date, l.amount, l.typ, l.cp, l.note = m.col("记账日期"), m.col("交易金额"), m.col("交易摘要"), m.col("对手信息"), m.col("客户摘要")
		l.requireAmount = true
	case m.has("交易日", "记账日", "交易摘要", "人民币金额"):
		l.kind, l.format, l.label = kindCMBCredit, FormatCMBCredit, "招商银行信用卡对账单"
		l.date, l.date2, l.amount, l.cp, l.typ = m.col("交易日"), m.col("记账日"), m.col("人民币金额"), m.col("交易摘要"), -1
		l.requireAmount, l.creditCard = true, true
	default:
		return layout{}, false
	}
	return l, true
}

func firstNonEmpty(cells []string) int {
	for i, c := range cells {
		if clean(c) != "" {
			return i
		}
	}
	return -1
}

// Synonyms for the header-detecting fallback.
var (
	synDate    = []string{"交易日期", "记账日期", "日期", "记账日", "交易日", "入账日期", "交易时间"}
	synClock   = []string{"交易时间", "记账时间", "时间"}
	synAmount  = []string{"交易金额", "金额", "发生额", "人民币金额", "交易额", "金额(元)"}
	synIncome  = []string{"收入", "收入金额", "收入金额(元)", "贷方", "贷方金额", "贷方发生额", "存入", "存入金额"}
	synExpense = []string{"支出", "支出金额", "支出金额(元)", "借方", "借方金额", "借方发生额", "支取", "支取金额"}
	synDrCr    = []string{"借贷", "借贷标志", "借贷方向", "收支", "收/支", "收支标志"}
	synCP      = []string{"对方户名", "对方账户名", "对方名称", "交易对方", "对手信息", "对方", "收(付)款人", "对方账户名称"}
	synCPFall  = []string{"摘要", "交易摘要", "附言"}
	synType    = []string{"交易摘要", "交易类型", "交易名称", "业务摘要", "摘要"}
	synCPAcct  = []string{"对方账号", "对方卡号/账号", "对方账户", "对方卡号", "对方账户账号"}
	synNote    = []string{"附言", "交易附言", "客户摘要", "备注", "用途"}
	synTxnNo   = []string{"流水号", "交易流水号", "日志号", "交易序号"}
	synPlace   = []string{"交易地点", "交易场所", "网点名称", "商户名称"}
)

// detectGeneric finds a bank-statement header by synonyms: a date column,
// an amount column (or an income/expense pair) and a counterparty column
// (or a 摘要 column standing in for it).
func detectGeneric(cells []string) (layout, bool) {
	m, n := indexHeader(cells)
	l := blankLayout()
	l.headerLen = n
	l.kind, l.format, l.label = kindGeneric, FormatBankGeneric, "银行账户明细"
	l.date = m.col(synDate...)
	if l.date < 0 {
		return layout{}, false
	}
	if c := m.col(synClock...); c >= 0 && c != l.date {
		l.clock = c
	}
	l.amount = m.col(synAmount...)
	l.income, l.expense = m.col(synIncome...), m.col(synExpense...)
	if l.amount < 0 && (l.income < 0 || l.expense < 0) {
		return layout{}, false
	}
	l.cp, l.cpFallback = m.col(synCP...), m.col(synCPFall...)
	if l.cp < 0 && l.cpFallback < 0 {
		return layout{}, false
	}
	l.typ, l.cpAcct, l.note = m.col(synType...), m.col(synCPAcct...), m.col(synNote...)
	if l.note < 0 {
		if c := m.col("摘要"); c != l.typ {
			l.note = c
		}
	}
	l.txnNo, l.item = m.col(synTxnNo...), m.col(synPlace...)
	if d := m.col(synDrCr...); d >= 0 && d != l.amount {
		l.drcr = d
	}
	l.merge, l.requireAmount = true, true
	return l, true
}

// endOfData reports whether a row is a footer that ends the data: a dashed
// rule, a 合计 line or a bank's closing note.
func endOfData(r row) bool {
	first := ""
	for _, c := range r.cells {
		if first = clean(c); first != "" {
			break
		}
	}
	switch {
	case strings.HasPrefix(first, "------"):
		return true
	case strings.Contains(first, "合计"), strings.HasPrefix(first, "以上数据"), strings.HasPrefix(first, "总计"):
		return true
	}
	return false
}
