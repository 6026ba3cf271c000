package payment

import (
	"errors"
	"testing"
	"time"
)

func TestParseAmountText(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  error
	}{
		{"¥28.16", 2816, nil},
		{"￥28.16", 2816, nil},
		{"\"1,234.56\"", 0, ErrAmount},
		{"1,234.56", 123456, nil},
		{"-1,000.00", -100000, nil},
		{"+10000.00", 1000000, nil},
		{"-3.90(CN)", -390, nil},
		{"8,000.00(CN)", 800000, nil},
		{"0.01                \t", 1, nil},
		{"50.0", 5000, nil},
		{"12", 1200, nil},
		{".5", 50, nil},
		{"12.345", 0, errTooPrecise},
		{"-", 0, errEmptyAmount},
		{"", 0, errEmptyAmount},
		{"xx,yyyy.zz", 0, ErrAmount},
		{"1.2.3", 0, ErrAmount},
		{"12-3", 0, ErrAmount},
		{"99999999999999.00", 0, ErrAmount},
		{"9999999999999.99", 999999999999999, nil},
	}
	for _, tt := range tests {
		got, err := parseAmountText(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("parseAmountText(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseAmountRaw(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		rounded bool
		bad     bool
	}{
		{"28.16", 2816, false, false},
		{"2.816E1", 2816, false, false},
		{"2816e-2", 2816, false, false},
		{"28.165", 2817, true, false},
		{"28.164999", 2816, true, false},
		{"28.160000000000004", 2816, true, false},
		{"-0.005", -1, true, false},
		{"1E-3", 0, true, false},
		{"1e40", 0, false, true},
		{"NaN", 0, false, true},
		{"0x10", 0, false, true},
	}
	for _, tt := range tests {
		got, rounded, err := parseAmountRaw(tt.in)
		if (err != nil) != tt.bad || got != tt.want || rounded != tt.rounded {
			t.Errorf("parseAmountRaw(%q) = %d, %v, %v; want %d, %v, bad=%v", tt.in, got, rounded, err, tt.want, tt.rounded, tt.bad)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in       string
		want     time.Time
		dateOnly bool
		ok       bool
	}{
		{"2019-09-26 12:45:27", cstTime(2019, 9, 26, 12, 45, 27), false, true},
		{"2023-02-12 21:32:14 ", cstTime(2023, 2, 12, 21, 32, 14), false, true},
		{"2023-05-02     \t", cstTime(2023, 5, 2, 0, 0, 0), true, true},
		{"2024/1/2 9:05", cstTime(2024, 1, 2, 9, 5, 0), false, true},
		{"20240101", cstTime(2024, 1, 1, 0, 0, 0), true, true},
		{"2024年01月05日 08:00:00", cstTime(2024, 1, 5, 8, 0, 0), false, true},
		{"2024-02-30", time.Time{}, false, false},
		{"2024-01-01 24:00:00", time.Time{}, false, false},
		{"01/02", time.Time{}, false, false},
		{"交易时间", time.Time{}, false, false},
	}
	for _, tt := range tests {
		got, dateOnly, ok := parseDateTime(tt.in)
		if ok != tt.ok || !got.Equal(tt.want) || dateOnly != tt.dateOnly {
			t.Errorf("parseDateTime(%q) = %v, %v, %v", tt.in, got, dateOnly, ok)
		}
	}
	// Excel serials: wall clock read as UTC+8, rounded to the second.
	for in, want := range map[string]time.Time{
		"46283.79487268518": cstTime(2026, 9, 18, 19, 4, 37),
		"46096.52135416667": cstTime(2026, 3, 15, 12, 30, 45),
		"45292":             cstTime(2024, 1, 1, 0, 0, 0),
	} {
		got, ok := parseExcelSerial(in)
		if !ok || !got.Equal(want) {
			t.Errorf("parseExcelSerial(%s) = %v, %v; want %v", in, got, ok, want)
		}
		if _, off := got.Zone(); off != 8*3600 {
			t.Errorf("zone offset %d", off)
		}
	}
}

func TestCMBCreditYearFromFileName(t *testing.T) {
	csv := "交易日,记账日,交易摘要,人民币金额,卡号末四位,交易地金额\n12/30,12/31,某商户,10.00,1234,10.00\n"
	st := mustParse(t, "cmb-credit-202412.csv", []byte(csv))
	if !st.Txns[0].Time.Equal(cstTime(2024, 12, 30, 0, 0, 0)) || warningCodes(st)["year-inferred"] != 1 {
		t.Errorf("time %v warnings %+v", st.Txns[0].Time, st.Warnings)
	}
	st = mustParse(t, "cmb.csv", []byte(csv))
	if !st.Txns[0].Time.IsZero() || warningCodes(st)["year-unknown"] != 1 {
		t.Errorf("without a year: time %v warnings %+v", st.Txns[0].Time, st.Warnings)
	}
}
