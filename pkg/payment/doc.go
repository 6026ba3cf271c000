// Package payment reads Chinese payment bills and bank statements: WeChat
// Pay (old CSV, 2025 and 2026 XLSX), Alipay (app CSV in the 2023 padded and
// 2025 layouts, old PC web export), ICBC, CMB debit and credit, and other
// bank CSVs through a header-detecting fallback.
//
// It imports no other evipack package; pkg/evidence calls Sniff and Parse.
//
// # Detection
//
// Formats are recognised by content, never by line number: the header row is
// searched for within the first 80 rows (CSV lines or worksheet rows) by its
// column names, and the columns are mapped by name, so reordered, extra and
// trailing empty columns are tolerated. Text is decoded from UTF-8 (BOM
// optional), UTF-16 (BOM or guessed) or GB18030 (a superset of GBK).
// Legacy .xls and password-protected workbooks are refused with a precise
// Chinese reason (ErrUnsupported).
//
// # Amounts and times
//
// Amounts are int64 fen, always ≥ 0, with Direction giving the flow. Decimal
// text is parsed digit by digit (never via float64); ¥ (U+00A5), ￥ (U+FFE5),
// thousands separators, blanks and a trailing "(CN)" are accepted; text with
// more than two decimals is an error. Numeric XLSX cells are parsed from
// their raw text ("28.16", "2.816E1") and rounded half up to the fen only if
// they carry more decimals, with a "rounded-amount" warning.
//
// Times are wall-clock UTC+8 (time.FixedZone("CST", 8*3600)). Excel serial
// dates go through excelize.ExcelDateToTime, are rounded to the second and
// reinterpreted as UTC+8. CMB credit-card dates (MM/DD) take their year from
// the statement period in the title (months after the statement month belong
// to the previous year) or else from the file name, with a warning either
// way; when neither states a year, Time stays zero.
//
// # Self-checks and refunds
//
// Preamble figures (共N笔记录, 收入/支出/中性交易/不计收支：N笔 X元) are kept in
// Statement.Declared and compared with the parsed rows; any difference in
// count or total (to the fen) becomes a warning. Refund rows stay separate
// rows; pairRefunds links them to the purchase (RefundOf) and the purchase's
// RefundedCents records what came back.
//
// # Limits
//
// Input ≤ 64 MiB, ≤ 1,000,000 data rows, ≤ 200 fields per row, ≤ 1 MiB per
// line; XLSX ≤ 1,000 zip entries and ≤ 256 MiB uncompressed. Each limit
// gives a *ParseError wrapping ErrLimit.
package payment
