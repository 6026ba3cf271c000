package payment

import (
	"bytes"
	"path/filepath"
	"strings"
)

// sniffMarkers are strings found near the top of every bill and statement
// this package reads (preamble lines or header cells).
var sniffMarkers = []string{
	"微信支付账单", "交易时间,交易类型", "支付宝", "交易记录明细", "电子客户回单",
	"明细查询文件下载", "交易日期", "记账日期", "记账日", "交易日,", "对账单", "交易明细",
	"交易流水", "金额", "对方户名", "对手信息",
}

// Sniff cheaply reports whether a file could be a bill or statement that
// Parse understands, from its name and first bytes (a few KiB are enough).
// It may return true for files Parse then rejects; it never returns false
// for a file Parse accepts with its full head.
func Sniff(name string, head []byte) bool {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(head, zipMagic):
		return ext == ".xlsx" || ext == ".xlsm" || bytes.Contains(head, []byte("xl/"))
	case bytes.HasPrefix(head, oleMagic):
		return ext == ".xls" || ext == ".et" || ext == ".xlsx"
	}
	if len(head) > 8192 {
		head = head[:8192]
	}
	text, _ := decodeText(head)
	if strings.IndexByte(text, 0) >= 0 {
		return false
	}
	text = strings.ReplaceAll(text, "\t", "")
	for _, m := range sniffMarkers {
		if strings.Contains(text, m) {
			return true
		}
	}
	return false
}
