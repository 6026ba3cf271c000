package casefile

import "strings"

// creditChars are the 31 characters of a unified social credit code
// (GB 32100-2015), in the order of their values; I, O, S, V and Z are unused.
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// ValidCreditCode reports whether s is a well-formed 统一社会信用代码: 18
// characters from the code's alphabet whose last character is the check
// character defined by GB 32100-2015. Lower-case letters are accepted.
func ValidCreditCode(s string) bool {
	s = strings.ToUpper(s)
	if len(s) != 18 {
		return false
	}
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditChars, s[i])
		if v < 0 {
			return false
		}
		sum += v * weights[i]
	}
	check := (31 - sum%31) % 31
	return s[17] == creditChars[check]
}

// ValidIDNumber reports whether s is a well-formed 18-digit resident identity
// card number (GB 11643-1999): 17 digits and a check character 0-9 or X.
func ValidIDNumber(s string) bool {
	if len(s) != 18 {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * weights[i]
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	return last == "10X98765432"[sum%11]
}
