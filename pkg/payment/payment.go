package payment

import (
	"errors"
	"fmt"
	"time"
)

// CST is the fixed UTC+8 zone every bill time is read in. A fixed zone keeps
// the offline binary independent of tzdata.
var cst = time.FixedZone("CST", 8*3600)

// CST returns the UTC+8 zone used for every Txn.Time.
func CST() *time.Location { return cst }

// Limits applied to every input. Exceeding one gives a *ParseError wrapping
// ErrLimit.
const (
	MaxInputBytes    = 64 << 20 // 64 MiB of raw input
	MaxRows          = 1_000_000
	MaxFieldsPerRow  = 200
	MaxLineBytes     = 1 << 20 // 1 MiB per line
	maxTotalLines    = MaxRows + 10_000
	maxUnzippedBytes = 256 << 20 // whole XLSX, uncompressed
	maxUnzippedXML   = 16 << 20  // larger parts are streamed from a temp file by excelize
	maxZipEntries    = 1_000
	headerSearchRows = 80 // the header must appear within this many rows
)

// Sentinel errors. Parse returns ErrNotStatement as is; every other failure is
// a *ParseError whose Err is one of these (or a lower-level cause).
var (
	// ErrNotStatement means the input is not a bill or statement this
	// package recognises.
	ErrNotStatement = errors.New("not a payment statement")
	// ErrLimit means a size, row, field or line limit was exceeded.
	ErrLimit = errors.New("limit exceeded")
	// ErrUnsupported means the file is recognised but its container cannot
	// be read (legacy .xls, encrypted workbook).
	ErrUnsupported = errors.New("unsupported file format")
	// ErrColumns means a data row has the wrong number of columns.
	ErrColumns = errors.New("wrong column count")
	// ErrAmount means an amount cell is not a valid decimal amount.
	ErrAmount = errors.New("bad amount")
	// ErrTime means a date or time cell cannot be read.
	ErrTime = errors.New("bad date or time")
	// ErrCorrupt means the container (zip/XLSX) is damaged.
	ErrCorrupt = errors.New("corrupt file")
)

// ParseError reports a recognised but unreadable statement. Line is 1-based
// (CSV line or XLSX row) and 0 when the problem concerns the whole file.
type ParseError struct {
	File string
	Line int
	Msg  string // English, lowercase, for logs
	Zh   string // Simplified Chinese, for the consumer
	Err  error  // one of the sentinels above, or a lower-level cause
}

func (e *ParseError) Error() string {
	loc := e.File
	if loc == "" {
		loc = "input"
	}
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
	}
	if e.Err != nil {
		return fmt.Sprintf("parse %s: %s: %v", loc, e.Msg, e.Err)
	}
	return fmt.Sprintf("parse %s: %s", loc, e.Msg)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Direction is the money flow of a row as seen by the statement holder.
type Direction string

const (
	Out     Direction = "out"     // 支出
	In      Direction = "in"      // 收入
	Neutral Direction = "neutral" // 中性交易 / 不计收支 / 其他
)

// Txn is one row of a bill or bank statement.
type Txn struct {
	Line                int       // 1-based line (CSV) or row (XLSX) in the original file
	Time                time.Time // in CST (UTC+8); zero when unknown
	DateOnly            bool      // the source gives no time of day
	Type                string    // 交易类型 / 交易分类 / 摘要
	Counterparty        string    // 交易对方 / 对方户名 / 对手信息
	CounterpartyAccount string    // 对方账号 when stated
	Item                string    // 商品 / 商品说明
	Method              string    // 支付方式 / 收/付款方式
	Status              string    // 当前状态 / 交易状态
	Note                string    // 备注 / 附言
	Direction           Direction
	Cents               int64 // amount in fen, always ≥ 0
	RefundedCents       int64 // from 已退款(¥x) / 已全额退款 / 成功退款, or paired refund rows
	TxnNo               string
	MerchantNo          string
	IsRefund            bool
	RefundOf            int // index in Statement.Txns of the purchase this refund belongs to, or -1
}

// Group is a count and a sum in fen.
type Group struct {
	Count int
	Cents int64
}

// Declared holds the self-check figures stated in a bill's preamble. A nil
// group was not stated; Records is -1 when 共N笔记录 is absent.
type Declared struct {
	Records int
	Income  *Group // 收入
	Expense *Group // 支出
	Neutral *Group // 中性交易 / 不计收支
}

// Warning is a non-fatal finding about the file.
type Warning struct {
	Code string // stable identifier, e.g. "count-mismatch"
	Line int    // 0 when it concerns the whole file
	Msg  string // English
	Zh   string // Simplified Chinese
}

// Statement is a parsed bill or bank statement.
type Statement struct {
	Format   string // wechat-csv, wechat-xlsx, alipay-csv, alipay-web, icbc, cmb-debit, cmb-credit, bank-generic
	Label    string // Chinese label, e.g. 微信支付账单（CSV）
	Holder   string // 微信昵称 / 姓名 when stated
	Account  string // 支付宝账户 / 卡号 when stated
	From, To time.Time
	Txns     []Txn
	Declared *Declared
	Warnings []Warning
	Lines    int // number of lines (CSV) or rows (XLSX) read
}

func (s *Statement) warn(code string, line int, msg, zh string) {
	s.Warnings = append(s.Warnings, Warning{Code: code, Line: line, Msg: msg, Zh: zh})
}
