package casefile

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Precision says how a Time was written, so it can be written back the same
// way and a reader knows how exact it is.
type Precision int

// The precisions, from none (the zero Time) to a full RFC 3339 time.
const (
	PrecisionNone    Precision = iota
	PrecisionDay               // 2006-01-02
	PrecisionMinute            // 2006-01-02 15:04
	PrecisionSecond            // 2006-01-02 15:04:05
	PrecisionRFC3339           // 2006-01-02T15:04:05+08:00 (any offset, optional fraction)
)

// Layouts of the naive forms; they are read in China Standard Time (UTC+8).
const (
	layoutDay    = "2006-01-02"
	layoutMinute = "2006-01-02 15:04"
	layoutSecond = "2006-01-02 15:04:05"
)

// Time is a time written in case.yaml together with its precision. The zero
// value means "not stated".
type Time struct {
	time.Time
	Precision Precision
}

var errTime = errors.New(`not a time like "2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05" or RFC 3339`)

// China returns the fixed UTC+8 zone in which naive times are read.
func China() *time.Location { return time.FixedZone("UTC+8", 8*60*60) }

// ParseTime reads "2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05"
// (all in UTC+8) or an RFC 3339 time with its own offset.
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	var p Precision
	layout := ""
	switch {
	case len(s) == len(layoutDay):
		p, layout = PrecisionDay, layoutDay
	case len(s) == len(layoutMinute) && s[10] == ' ':
		p, layout = PrecisionMinute, layoutMinute
	case len(s) == len(layoutSecond) && s[10] == ' ':
		p, layout = PrecisionSecond, layoutSecond
	case len(s) > len(layoutSecond) && (s[10] == 'T' || s[10] == 't') && len(s) <= 40:
		t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
		if err != nil {
			return Time{}, errTime
		}
		return Time{Time: t, Precision: PrecisionRFC3339}, nil
	default:
		return Time{}, errTime
	}
	t, err := time.ParseInLocation(layout, s, China())
	if err != nil {
		return Time{}, errTime
	}
	return Time{Time: t, Precision: p}, nil
}

// String writes the time back in the form it was read: naive forms in UTC+8,
// RFC 3339 with its own offset. The zero Time is "".
func (t Time) String() string {
	switch t.Precision {
	case PrecisionDay:
		return t.In(China()).Format(layoutDay)
	case PrecisionMinute:
		return t.In(China()).Format(layoutMinute)
	case PrecisionSecond:
		return t.In(China()).Format(layoutSecond)
	case PrecisionRFC3339:
		return t.Format(time.RFC3339Nano)
	}
	return ""
}

// Chinese writes the time for Chinese text in UTC+8, to the precision it was
// given: "2026年9月3日", "2026年9月3日 20:15", "2026年9月3日 20:15:00".
func (t Time) Chinese() string {
	if t.Precision == PrecisionNone {
		return ""
	}
	c := t.In(China())
	s := strconv.Itoa(c.Year()) + "年" + strconv.Itoa(int(c.Month())) + "月" + strconv.Itoa(c.Day()) + "日"
	switch t.Precision {
	case PrecisionMinute:
		s += c.Format(" 15:04")
	case PrecisionSecond, PrecisionRFC3339:
		s += c.Format(" 15:04:05")
	}
	return s
}

// MarshalJSON writes the time as String() does, or null when it is zero.
// It replaces the method promoted from time.Time, which would lose the
// precision.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(t.String())), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return errTime
	}
	if s == "" {
		*t = Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalYAML writes the time as String() does.
func (t Time) MarshalYAML() (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	return t.String(), nil
}

// IsZero reports whether no time was stated.
func (t Time) IsZero() bool { return t.Precision == PrecisionNone }

// UnmarshalYAML reads the time from the node's text. A null or empty node is
// the zero Time.
func (t *Time) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && (isNull(n) || strings.TrimSpace(n.Value) == "") {
		*t = Time{}
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return &Error{Line: n.Line, Msg: "expected a time, found " + nodeKind(n), Zh: timeZh("")}
	}
	v, err := ParseTime(n.Value)
	if err != nil {
		return &Error{Line: n.Line, Msg: strconv.Quote(n.Value) + " is " + err.Error(), Zh: timeZh(n.Value)}
	}
	*t = v
	return nil
}

func timeZh(v string) string {
	const formats = "“2026-09-03”、“2026-09-03 20:15”或“2026-09-03 20:15:00”（北京时间）"
	if v == "" {
		return "这里应填写时间，格式为" + formats
	}
	return "“" + v + "”不是有效的时间，应写成" + formats
}
