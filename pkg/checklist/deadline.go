package checklist

import (
	"regexp"
	"strconv"
	"time"

	"github.com/evipack/evipack/pkg/evidence"
)

// Demand deadline patterns: an absolute date followed by 前/之前/以前/为止, a
// month and day without the year, or a number of days or hours "内".
var (
	reFullDate  = regexp.MustCompile(`(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?\s*(?:\d{1,2}[:：]\d{2}\s*)?(?:之前|以前|前|为止|止)`)
	reMonthDay  = regexp.MustCompile(`(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]\s*(?:\d{1,2}[:：]\d{2}\s*)?(?:之前|以前|前|为止|止)`)
	reRelative  = regexp.MustCompile(`([0-9]{1,3}|[一二两三四五六七八九十]{1,3})\s*(个工作日|个自然日|日|天|小时)\s*(?:之内|以内|内)`)
	maxDeadline = 10 * 365 * 24 * time.Hour
)

// parseDeadline finds the refund deadline a demand sets, relative to when the
// demand was sent. It returns the last moment of the deadline.
func parseDeadline(text string, sent time.Time) (time.Time, bool) {
	if len(text) > 4096 {
		text = text[:4096]
	}
	sentC := sent.In(evidence.CST)
	endOfDay := func(y, m, d int) (time.Time, bool) {
		if m < 1 || m > 12 || d < 1 || d > 31 {
			return time.Time{}, false
		}
		t := time.Date(y, time.Month(m), d, 23, 59, 59, 0, evidence.CST)
		if t.Day() != d { // 2月30日
			return time.Time{}, false
		}
		return t, true
	}
	if m := reFullDate.FindStringSubmatch(text); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if t, ok := endOfDay(y, mo, d); ok && sane(t, sent) {
			return t, true
		}
	}
	if m := reMonthDay.FindStringSubmatch(text); m != nil && !sent.IsZero() {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		if t, ok := endOfDay(sentC.Year(), mo, d); ok {
			if t.Before(sent) {
				t, ok = endOfDay(sentC.Year()+1, mo, d)
			}
			if ok {
				return t, true
			}
		}
	}
	if m := reRelative.FindStringSubmatch(text); m != nil && !sent.IsZero() {
		n := smallNumber(m[1])
		if n <= 0 {
			return time.Time{}, false
		}
		switch m[2] {
		case "小时":
			return sent.Add(time.Duration(n) * time.Hour), true
		case "个工作日":
			n = n + (n+4)/5*2 // weekends in between, roughly
		}
		// 民法典第二百零一条: the day of sending is not counted.
		d := sentC.AddDate(0, 0, n)
		t, _ := endOfDay(d.Year(), int(d.Month()), d.Day())
		return t, true
	}
	return time.Time{}, false
}

func sane(t, sent time.Time) bool {
	if sent.IsZero() {
		return t.Year() >= 2000 && t.Year() <= 2100
	}
	d := t.Sub(sent)
	return d > -48*time.Hour && d < maxDeadline
}

// smallNumber reads 1–999 written in digits or Chinese numerals up to 九十九.
func smallNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	digit := map[rune]int{'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return digit[rs[0]]
	case len(rs) == 2 && rs[0] == '十':
		return 10 + digit[rs[1]]
	case len(rs) == 2 && rs[1] == '十':
		return digit[rs[0]] * 10
	case len(rs) == 3 && rs[1] == '十':
		return digit[rs[0]]*10 + digit[rs[2]]
	}
	return 0
}
