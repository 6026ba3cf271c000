package letters

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/<TestName>.golden, rewriting it with -update.
func golden(t *testing.T, got string) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(t.Name())+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update and review the diff)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// dump is a Doc as its text followed by its metadata.
func dump(d *Doc) string {
	var b strings.Builder
	b.WriteString(d.Text())
	b.WriteString("\n==== target: " + d.Target + "\n")
	b.WriteString("==== attachments:\n")
	for _, a := range d.Attachments {
		b.WriteString("  " + a + "\n")
	}
	b.WriteString("==== warnings:\n")
	for _, w := range d.Warnings {
		b.WriteString("  " + w + "\n")
	}
	return b.String()
}

func TestGoldens(t *testing.T) {
	ts := loadTemplates(t)
	arb := fixtureCase(t)
	arb.ArbitrationClause = "因本合同引起的或与本合同有关的任何争议，均提交广州仲裁委员会，按照其网络仲裁规则进行仲裁。"
	arbItems := append(fixtureItems(), clauseItem())
	tests := []struct {
		name string
		run  func() (*Doc, error)
	}{
		{"complaint12315", func() (*Doc, error) {
			return ts.Complaint12315(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow)
		}},
		{"arbitration", func() (*Doc, error) { return ts.Arbitration(arb, arbItems, fixtureResult(), fixedNow) }},
		{"demand", func() (*Doc, error) {
			return ts.DemandLetter(fixtureCase(t), fixtureItems(), fixtureResult(), fixedNow)
		}},
		{"payment", func() (*Doc, error) { return ts.PaymentComplaint(fixtureCase(t), fixtureItems(), fixtureResult()) }},
		{"void", func() (*Doc, error) {
			res := fixtureResult()
			res.Flags.VoidContract = true
			c := fixtureCase(t)
			c.Type = "engagement-service"
			return ts.Complaint12315(c, fixtureItems(), res, fixedNow)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, dump(d))
		})
	}
	t.Run("form", func(t *testing.T) {
		var b strings.Builder
		for _, f := range FormFields12315(fixtureCase(t), fixtureItems(), fixtureResult()) {
			b.WriteString(f.Name + "（" + itoaTest(f.Runes) + "字）：" + f.Value + "\n")
		}
		golden(t, b.String())
	})
	t.Run("timeline", func(t *testing.T) {
		var b strings.Builder
		for _, e := range Timeline(fixtureCase(t), fixtureItems()) {
			b.WriteString(e.Source + "\t" + e.Sentence() + "\n")
		}
		golden(t, b.String())
	})
}
