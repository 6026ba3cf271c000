package payment

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// parseDateTime reads a wall-clock time in UTC+8. Accepted shapes:
// "2006-01-02 15:04:05", "2006/1/2 15:04", "2006.01.02", "2006年1月2日 15:04:05",
// "20060102" and "20060102 150405". The date part alone gives dateOnly.
// Impossible dates (Feb 30) are rejected, not normalised.
func parseDateTime(s string) (t time.Time, dateOnly bool, ok bool) {
	s = clean(s)
	if s == "" || len(s) > 40 {
		return time.Time{}, false, false
	}
	datePart, timePart, _ := strings.Cut(s, " ")
	if i := strings.IndexByte(datePart, 'T'); i > 0 && timePart == "" {
		datePart, timePart = datePart[:i], datePart[i+1:]
	}
	timePart = clean(timePart)
	var y, m, d int
	if len(datePart) == 8 && allDigits(datePart) {
		y, _ = strconv.Atoi(datePart[:4])
		m, _ = strconv.Atoi(datePart[4:6])
		d, _ = strconv.Atoi(datePart[6:])
	} else {
		f := strings.FieldsFunc(datePart, func(r rune) bool {
			return r == '-' || r == '/' || r == '.' || r == '年' || r == '月' || r == '日'
		})
		if len(f) != 3 || len(f[0]) != 4 || len(f[1]) > 2 || len(f[2]) > 2 || !allDigits(f[0]+f[1]+f[2]) {
			return time.Time{}, false, false
		}
		y, _ = strconv.Atoi(f[0])
		m, _ = strconv.Atoi(f[1])
		d, _ = strconv.Atoi(f[2])
	}
	if timePart == "" {
		t, ok := mkTime(y, m, d, 0, 0, 0)
		return t, ok, ok
	}
	h, mi, sec, ok := parseClock(timePart)
	if !ok {
		return time.Time{}, false, false
	}
	t, ok = mkTime(y, m, d, h, mi, sec)
	return t, false, ok
}

// parseClock reads "15:04:05", "15:04", "9:05:07" or "150405".
func parseClock(s string) (h, m, sec int, ok bool) {
	s = clean(s)
	if len(s) == 6 && allDigits(s) {
		h, _ = strconv.Atoi(s[:2])
		m, _ = strconv.Atoi(s[2:4])
		sec, _ = strconv.Atoi(s[4:])
	} else {
		f := strings.Split(s, ":")
		if len(f) < 2 || len(f) > 3 {
			return 0, 0, 0, false
		}
		for _, p := range f {
			if p == "" || len(p) > 2 || !allDigits(p) {
				return 0, 0, 0, false
			}
		}
		h, _ = strconv.Atoi(f[0])
		m, _ = strconv.Atoi(f[1])
		if len(f) == 3 {
			sec, _ = strconv.Atoi(f[2])
		}
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, 0, 0, false
	}
	return h, m, sec, true
}

func mkTime(y, m, d, h, mi, s int) (time.Time, bool) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, h, mi, s, 0, cst)
	if t.Day() != d || t.Month() != time.Month(m) {
		return time.Time{}, false
	}
	return t, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseExcelSerial converts the raw text of a numeric XLSX date cell
// ("46283.79487268518") to a time: excelize.ExcelDateToTime, rounded to the
// second, with the wall clock reinterpreted as UTC+8.
func parseExcelSerial(s string) (time.Time, bool) {
	s = clean(s)
	if s == "" || len(s) > 32 {
		return time.Time{}, false
	}
	v, err := strconv.ParseFloat(s, 64)
	// 1 = 1900-01-01; 2958465 = 9999-12-31. Bills are far inside this.
	if err != nil || math.IsNaN(v) || v < 1 || v > 2958465 {
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(v, false)
	if err != nil {
		return time.Time{}, false
	}
	t = t.Round(time.Second)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, cst), true
}

// isNumeric reports whether s is a plain number as stored in a numeric XLSX
// cell.
func isNumeric(s string) bool {
	s = clean(s)
	if s == "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXpP_") && !strings.EqualFold(s, "inf") && !strings.EqualFold(s, "infinity") && !strings.EqualFold(s, "nan") && !strings.HasPrefix(strings.ToLower(strings.TrimLeft(s, "+-")), "inf")
}
