package render

import (
	"strings"
	"unicode"
)

// Redactor masks personal numbers in text printed in the PDF: mobile phone
// numbers, 身份证号 (with a valid check character) and bank card numbers
// (with a valid Luhn digit). A number counts only when no letter or digit
// touches it, so order numbers, transaction numbers and hashes are left
// alone. The originals in the bag are never changed.
type Redactor struct {
	Phones, IDs, Cards int // how many distinct numbers of each kind were masked
	seen               map[string]bool
}

func (rd *Redactor) count(n string, c *int) {
	if rd.seen == nil {
		rd.seen = map[string]bool{}
	}
	if !rd.seen[n] {
		rd.seen[n] = true
		*c++
	}
}

// Redact returns s with personal numbers masked.
func (rd *Redactor) Redact(s string) string {
	if rd == nil || !strings.ContainsAny(s, "0123456789") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) || (i > 0 && isAlnum(rs[i-1])) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isDigit(rs[j]) {
			j++
		}
		// An ID number may end in X.
		end := j
		if j-i == 17 && j < len(rs) && (rs[j] == 'X' || rs[j] == 'x') {
			end = j + 1
		}
		if end < len(rs) && isAlnum(rs[end]) {
			b.WriteString(string(rs[i:end]))
			i = end
			continue
		}
		run := string(rs[i:end])
		switch {
		case len(run) == 11 && run[0] == '1' && run[1] >= '3' && run[1] <= '9':
			rd.count(run, &rd.Phones)
			b.WriteString(run[:3] + "****" + run[7:])
		case len(run) == 18 && validID(run):
			rd.count(run, &rd.IDs)
			b.WriteString(run[:6] + "********" + run[14:])
		case len(run) >= 16 && len(run) <= 19 && luhn(run):
			rd.count(run, &rd.Cards)
			b.WriteString(strings.Repeat("*", len(run)-4) + run[len(run)-4:])
		default:
			b.WriteString(run)
		}
		i = end
	}
	return b.String()
}

// Total is the number of masked numbers.
func (rd *Redactor) Total() int {
	if rd == nil {
		return 0
	}
	return rd.Phones + rd.IDs + rd.Cards
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isAlnum(r rune) bool {
	return r < unicode.MaxASCII && (isDigit(r) || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}

// validID checks the GB 11643 check character of an 18-character 身份证号.
func validID(s string) bool {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * weights[i]
	}
	check := "10X98765432"[sum%11]
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	return last == check
}

// luhn checks the Luhn digit of a bank card number.
func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
