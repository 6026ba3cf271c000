package payment

import (
	"errors"
	"strconv"
	"strings"
)

// maxYuanDigits bounds the integer part of an amount (below 10^13 yuan), so
// cents always fit in an int64.
const maxYuanDigits = 13

var (
	errEmptyAmount = errors.New("empty amount")
	errTooPrecise  = errors.New("more than two decimals")
)

// parseAmountText parses an amount written as text, as found in CSV cells
// and string cells of older XLSX bills: an optional sign, optional ¥ (U+00A5)
// or ￥ (U+FFE5) or "元"/"RMB"/"CNY", thousands separators, blanks, an
// optional trailing currency tag such as "(CN)", and at most two decimals.
// It returns signed cents. Nothing goes through float64.
func parseAmountText(s string) (int64, error) {
	s = clean(s)
	// "-3.90(CN)": drop a trailing parenthesised tag of letters.
	if strings.HasSuffix(s, ")") {
		if open := strings.LastIndexByte(s, '('); open > 0 && isLetters(s[open+1:len(s)-1]) {
			s = s[:open]
		}
	}
	neg := false
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '.':
			b.WriteRune(r)
		case r == '-' || r == '−':
			if b.Len() > 0 || neg {
				return 0, ErrAmount
			}
			neg = true
		case r == '+':
			if b.Len() > 0 {
				return 0, ErrAmount
			}
		case r == ',' || r == '，' || r == ' ' || r == '\t' || r == '¥' || r == '￥' || r == '\u00A0':
		default:
			// Currency words around the number.
			continue
		}
	}
	digits := b.String()
	if digits == "" {
		if isPlaceholder(s) {
			return 0, errEmptyAmount
		}
		return 0, ErrAmount
	}
	if !validAmountWord(s) {
		return 0, ErrAmount
	}
	c, rounded, err := decimalToCents(digits, 0)
	if err != nil {
		return 0, err
	}
	if rounded {
		return 0, errTooPrecise
	}
	if neg {
		c = -c
	}
	return c, nil
}

// validAmountWord rejects text that has letters other than a currency word.
func validAmountWord(s string) bool {
	for _, w := range []string{"¥", "￥", "元", "RMB", "CNY", "rmb", "cny", ",", "，", " ", "\t", "+", "-", "−", ".", "\u00A0"} {
		s = strings.ReplaceAll(s, w, "")
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isPlaceholder reports whether s is empty or only a placeholder dash/slash.
func isPlaceholder(s string) bool {
	for _, r := range s {
		if r != '-' && r != '/' && r != ' ' && r != '—' && r != '–' {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// parseAmountRaw parses the raw text of a numeric XLSX cell ("28.16",
// "2.816E1", "-0.5"). Values with more than two decimals are rounded half
// up (away from zero) and reported through rounded.
func parseAmountRaw(s string) (cents int64, rounded bool, err error) {
	s = clean(s)
	if s == "" {
		return 0, false, errEmptyAmount
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, perr := strconv.Atoi(s[i+1:])
		if perr != nil || e > 30 || e < -30 {
			return 0, false, ErrAmount
		}
		exp = e
	}
	if mant == "" || strings.Count(mant, ".") > 1 {
		return 0, false, ErrAmount
	}
	for _, r := range mant {
		if (r < '0' || r > '9') && r != '.' {
			return 0, false, ErrAmount
		}
	}
	cents, rounded, err = decimalToCents(mant, exp)
	if neg {
		cents = -cents
	}
	return cents, rounded, err
}

// decimalToCents converts a plain decimal "123.456" times 10^exp to cents,
// rounding half up beyond two decimals.
func decimalToCents(d string, exp int) (int64, bool, error) {
	if strings.Count(d, ".") > 1 || d == "." {
		return 0, false, ErrAmount
	}
	ip, fp, _ := strings.Cut(d, ".")
	if ip == "" && fp == "" {
		return 0, false, ErrAmount
	}
	// Shift the decimal point by exp.
	digits := ip + fp
	point := len(ip) + exp
	if point < 0 {
		digits = strings.Repeat("0", -point) + digits
		point = 0
	}
	if point > len(digits) {
		digits += strings.Repeat("0", point-len(digits))
	}
	ip, fp = strings.TrimLeft(digits[:point], "0"), digits[point:]
	if len(ip) > maxYuanDigits {
		return 0, false, ErrAmount
	}
	var cents int64
	for _, r := range ip {
		cents = cents*10 + int64(r-'0')
	}
	frac := fp + "00"
	cents = cents*100 + int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	rounded := false
	if len(fp) > 2 {
		extra := fp[2:]
		if strings.Trim(extra, "0") != "" {
			rounded = true
			if extra[0] >= '5' {
				cents++
			}
		}
	}
	return cents, rounded, nil
}

// formatCents renders fen as yuan with two decimals, e.g. 2816 → "28.16".
func formatCents(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := strconv.FormatInt(c/100, 10) + "." + strconv.FormatInt(100+c%100, 10)[1:]
	if neg {
		return "-" + s
	}
	return s
}

// FormatYuan renders fen as a yuan amount with two decimals ("28.16").
func FormatYuan(c int64) string { return formatCents(c) }
