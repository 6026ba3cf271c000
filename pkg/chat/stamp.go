package chat

import (
	"strings"
	"time"
	"unicode/utf8"
)

// stamp is a wall-clock date and time read from text.
type stamp struct {
	y, mo, d   int
	h, mi, s   int
	hasDate    bool
	hasSeconds bool
	ampm       byte // 0, 'A' or 'P'
	shortHour  bool // the hour was written with one digit
}

// time converts st to a time in loc. ok is false when a field is out of range
// (2023-02-30, 25:00, 13 PM …).
func (st stamp) time(loc *time.Location) (time.Time, bool) {
	h := st.h
	switch st.ampm {
	case 'A', 'P':
		if h < 1 || h > 12 {
			return time.Time{}, false
		}
		if h == 12 {
			h = 0
		}
		if st.ampm == 'P' {
			h += 12
		}
	}
	if !st.hasDate || st.y < 1 || st.mo < 1 || st.mo > 12 || st.d < 1 || h > 23 || st.mi > 59 || st.s > 59 {
		return time.Time{}, false
	}
	t := time.Date(st.y, time.Month(st.mo), st.d, h, st.mi, st.s, 0, loc)
	if t.Day() != st.d || t.Month() != time.Month(st.mo) {
		return time.Time{}, false
	}
	return t, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// readNum reads between minD and maxD ASCII digits at s[i:]. It fails when
// more digits follow, so "2024" is never read as a two-digit field.
func readNum(s string, i, minD, maxD int) (int, int, bool) {
	v, j := 0, i
	for j < len(s) && isDigit(s[j]) {
		if j-i == maxD {
			return 0, i, false
		}
		v = v*10 + int(s[j]-'0')
		j++
	}
	if j-i < minD {
		return 0, i, false
	}
	return v, j, true
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// scanClock reads H:MM or H:MM:SS at s[i:]; seconds are required when
// needSeconds is set.
func scanClock(s string, i int, needSeconds bool, st *stamp) (int, bool) {
	var ok bool
	start := i
	if st.h, i, ok = readNum(s, i, 1, 2); !ok {
		return i, false
	}
	st.shortHour = i-start == 1
	if i >= len(s) || s[i] != ':' {
		return i, false
	}
	if st.mi, i, ok = readNum(s, i+1, 2, 2); !ok {
		return i, false
	}
	if i < len(s) && s[i] == ':' {
		if st.s, i, ok = readNum(s, i+1, 2, 2); !ok {
			return i, false
		}
		st.hasSeconds = true
	} else if needSeconds {
		return i, false
	}
	return i, true
}

// scanAMPM reads an optional " AM"/" PM" (any case) after a clock whose
// hour is 1–12; after 0:xx or 13:xx it is left alone (a nickname "PM").
func scanAMPM(s string, i int, st *stamp) int {
	if st.h < 1 || st.h > 12 {
		return i
	}
	j := skipSpaces(s, i)
	if j+2 <= len(s) {
		a, m := s[j]|0x20, s[j+1]|0x20
		if (a == 'a' || a == 'p') && m == 'm' && (j+2 == len(s) || !isWordByte(s[j+2])) {
			st.ampm = a - 0x20
			return j + 2
		}
	}
	return i
}

func isWordByte(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// scanStrict reads "YYYY-M-D H:MM:SS[ AM|PM]" at the start of s, the layout
// of QQ and WeChatMsg headers. n is the byte length consumed.
func scanStrict(s string) (st stamp, n int, ok bool) {
	i := 0
	if st.y, i, ok = readNum(s, i, 4, 4); !ok {
		return st, 0, false
	}
	if i >= len(s) || s[i] != '-' {
		return st, 0, false
	}
	if st.mo, i, ok = readNum(s, i+1, 1, 2); !ok {
		return st, 0, false
	}
	if i >= len(s) || s[i] != '-' {
		return st, 0, false
	}
	if st.d, i, ok = readNum(s, i+1, 1, 2); !ok {
		return st, 0, false
	}
	j := skipSpaces(s, i)
	if j == i {
		return st, 0, false
	}
	if i, ok = scanClock(s, j, true, &st); !ok {
		return st, 0, false
	}
	st.hasDate = true
	return st, scanAMPM(s, i, &st), true
}

// scanLoose reads a timestamp at the start of s in any of the layouts plain
// text commonly uses:
//
//	2024-01-02 15:04[:05]   2024/1/2 15:04   2024.01.02 15:04
//	2024年1月2日 15:04       2024-01-02T15:04:05
//	[2024-01-02 15:04:05]   【2024-01-02 15:04】
//	2024-01-02 下午3:04      2024-01-02 3:04 PM
func scanLoose(s string) (st stamp, n int, ok bool) {
	i, closer := 0, ""
	switch {
	case strings.HasPrefix(s, "["):
		i, closer = 1, "]"
	case strings.HasPrefix(s, "【"):
		i, closer = len("【"), "】"
	case strings.HasPrefix(s, "("):
		i, closer = 1, ")"
	}
	if st.y, i, ok = readNum(s, i, 4, 4); !ok {
		return st, 0, false
	}
	var sep string
	switch {
	case i < len(s) && (s[i] == '-' || s[i] == '/' || s[i] == '.'):
		sep = s[i : i+1]
		i++
	case strings.HasPrefix(s[i:], "年"):
		sep = "年"
		i += len(sep)
	default:
		return st, 0, false
	}
	if st.mo, i, ok = readNum(s, i, 1, 2); !ok {
		return st, 0, false
	}
	if sep == "年" {
		if !strings.HasPrefix(s[i:], "月") {
			return st, 0, false
		}
		i += len("月")
	} else if !strings.HasPrefix(s[i:], sep) {
		return st, 0, false
	} else {
		i += len(sep)
	}
	if st.d, i, ok = readNum(s, i, 1, 2); !ok {
		return st, 0, false
	}
	if sep == "年" {
		switch {
		case strings.HasPrefix(s[i:], "日"):
			i += len("日")
		case strings.HasPrefix(s[i:], "号"):
			i += len("号")
		default:
			return st, 0, false
		}
	}
	j := i
	if j < len(s) && s[j] == 'T' {
		j++
	} else {
		j = skipSpaces(s, j)
	}
	var pm string
	for _, w := range []string{"上午", "下午", "晚上", "凌晨", "中午", "早上"} {
		if strings.HasPrefix(s[j:], w) {
			pm, j = w, j+len(w)
			break
		}
	}
	if j == i && pm == "" {
		return st, 0, false
	}
	if i, ok = scanClock(s, j, false, &st); !ok {
		return st, 0, false
	}
	switch pm {
	case "上午", "凌晨", "早上":
		st.ampm = 'A'
	case "下午", "晚上":
		st.ampm = 'P'
	case "中午":
		if st.h < 11 {
			st.ampm = 'P'
		}
	}
	if pm == "" {
		i = scanAMPM(s, i, &st)
	}
	if closer != "" {
		if !strings.HasPrefix(s[i:], closer) {
			return st, 0, false
		}
		i += len(closer)
	}
	// The stamp must end at a boundary: end of line, space or punctuation.
	if i < len(s) && isDigit(s[i]) {
		return st, 0, false
	}
	st.hasDate = true
	return st, i, true
}

// isClockOnly reports whether s is just "H:MM:SS" with an optional AM/PM,
// the way QQ MHT rows show a message's time.
func isClockOnly(s string) (stamp, bool) {
	var st stamp
	i, ok := scanClock(s, 0, true, &st)
	if !ok {
		return st, false
	}
	i = scanAMPM(s, i, &st)
	return st, i == len(s)
}

// runeLen is utf8.RuneCountInString, named for readability at call sites.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
