package casefile

import (
	"errors"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Money is an amount in integer fen (cents of a yuan). It is parsed from the
// text of the YAML node, never through float64.
type Money int64

// maxYuanDigits bounds the integer part so cents never overflow int64.
const maxYuanDigits = 15

var errMoney = errors.New("not an amount in yuan with at most 2 decimals")

// ParseMoney reads an amount in yuan: "128", "128.5", "128.00", "¥128.00",
// "￥1,280.00" or "128元". More than two decimals, a sign, an exponent or
// anything else is an error. The empty string is 0.
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	for _, p := range []string{"¥", "￥"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimSuffix(s, "元")
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errMoney
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, errMoney
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, errMoney
			}
		}
		intPart = strings.Join(groups, "")
	}
	if intPart == "" || len(intPart) > maxYuanDigits || !digits(intPart) {
		return 0, errMoney
	}
	if hasDot && (frac == "" || len(frac) > 2 || !digits(frac)) {
		return 0, errMoney
	}
	yuan, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return 0, errMoney
	}
	var fen int64
	switch len(frac) {
	case 1:
		fen = int64(frac[0]-'0') * 10
	case 2:
		fen = int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	return Money(yuan*100 + fen), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// String formats the amount with two decimals and no unit: "128.00".
func (m Money) String() string {
	neg := m < 0
	v := uint64(m)
	if neg {
		v = -v // two's complement: correct for every negative int64
	}
	s := strconv.FormatUint(v/100, 10) + "." + strconv.FormatUint(v%100/10, 10) + strconv.FormatUint(v%10, 10)
	if neg {
		s = "-" + s
	}
	return s
}

// Yuan formats the amount for Chinese text: "128.00 元".
func (m Money) Yuan() string { return m.String() + " 元" }

// UnmarshalYAML reads the amount from the node's text. A null node is 0.
func (m *Money) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && (isNull(n) || strings.TrimSpace(n.Value) == "") {
		*m = 0
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return &Error{Line: n.Line, Msg: "expected an amount in yuan, found " + nodeKind(n), Zh: "这里应填写金额（以元为单位，例如 128.00）"}
	}
	v, err := ParseMoney(n.Value)
	if err != nil {
		return &Error{Line: n.Line, Msg: strconv.Quote(n.Value) + " is " + err.Error(), Zh: moneyZh(n.Value)}
	}
	*m = v
	return nil
}

func moneyZh(v string) string {
	return "“" + v + "”不是有效的金额：请以元为单位填写，最多两位小数，例如 128 或 128.00"
}
