package render

import "testing"

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want     string
		phones, ids, cards int
	}{
		{"phone", "联系电话13812345678。", "联系电话138****5678。", 1, 0, 0},
		{"phone in sentence with +86", "+86 13912345678", "+86 139****5678", 1, 0, 0},
		{"not a phone: 10 digits", "1381234567", "1381234567", 0, 0, 0},
		{"not a phone: starts 12", "12812345678", "12812345678", 0, 0, 0},
		{"id number", "身份证110101199003077571", "身份证110101********7571", 0, 1, 0},
		{"id with X", "11010519491231002X号", "110105********002X号", 0, 1, 0},
		{"id with bad check digit stays", "110101199003077578", "110101199003077578", 0, 0, 0},
		{"bank card (Luhn)", "卡号6222021234567890128", "卡号***************0128", 0, 0, 1},
		{"16-digit card", "4111111111111111", "************1111", 0, 0, 1},
		{"order number with letters", "KM202609032015370042", "KM202609032015370042", 0, 0, 0},
		{"transaction number 28 digits", "4200002026090312345678901234", "4200002026090312345678901234", 0, 0, 0},
		{"hash hex", "a13812345678b0c", "a13812345678b0c", 0, 0, 0},
		{"masked already", "138****5678", "138****5678", 0, 0, 0},
		{"same number twice counts once", "13812345678/13812345678", "138****5678/138****5678", 1, 0, 0},
		{"dates untouched", "2026-09-03 20:15:37", "2026-09-03 20:15:37", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := &Redactor{}
			if got := rd.Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if rd.Phones != tt.phones || rd.IDs != tt.ids || rd.Cards != tt.cards {
				t.Errorf("counts %d/%d/%d, want %d/%d/%d", rd.Phones, rd.IDs, rd.Cards, tt.phones, tt.ids, tt.cards)
			}
		})
	}
	var nilRD *Redactor
	if nilRD.Redact("13812345678") != "13812345678" {
		t.Error("a nil Redactor must not mask")
	}
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"13812345678", "110101199003077578", "6222021234567890128", "KM2026", "a1b2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rd := &Redactor{}
		out := rd.Redact(s)
		if len([]rune(out)) != len([]rune(s)) {
			t.Fatalf("length changed: %q → %q", s, out)
		}
		if again := (&Redactor{}).Redact(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
	})
}
