package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/evipack/evipack/pkg/letters"
)

var blank = regexp.MustCompile(`\s+`)

// reportText is the pdftotext output of a bundle's PDF, whitespace removed.
func reportText(t *testing.T, bag string) string {
	t.Helper()
	bin := needTool(t, "pdftotext")
	out, err := exec.Command(bin, "-enc", "UTF-8", filepath.Join(bag, "data", "report", "证据材料.pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return blank.ReplaceAllString(string(out), "")
}

// TestDocumentsInPDF: the 投诉书 (default target) and the 仲裁申请书 (a case
// with an arbitration clause), read back from the PDF, carry the parties,
// the amount to the cent, the dates and exhibit references, and no citation
// outside LEGAL.md's safe list.
func TestDocumentsInPDF(t *testing.T) {
	tests := []struct {
		name, target, title string
		clause              bool
	}{
		{"12315", "", "投诉书", false},
		{"arbitration", "arbitration", "仲裁申请书", true},
		{"merchant", "merchant", "催告函", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			caseDir := sampleCase(t)
			if tt.clause {
				y := filepath.Join(caseDir, "case.yaml")
				b, _ := os.ReadFile(y)
				b = append(b, []byte("arbitration_clause: 因本合同引起的争议，提交杭州仲裁委员会仲裁。\n")...)
				os.WriteFile(y, b, 0o644)
			}
			args := []string{"build", caseDir, "-o", filepath.Join(t.TempDir(), "out")}
			if tt.target != "" {
				args = append(args, "--target", tt.target)
			}
			r := run(t, args...)
			if r.code != ExitOK {
				t.Fatalf("build: exit %d\n%s", r.code, r.errOut)
			}
			bag := strings.TrimSpace(r.out)
			text := reportText(t, bag)
			i := strings.Index(text, tt.title)
			if i < 0 {
				t.Fatalf("PDF has no %s", tt.title)
			}
			for _, want := range []string{"张小明", "星辰卡盟", "128.00元", "2026年9月3日", "证据2", "证据7", "KM202609032015370042"} {
				if !strings.Contains(text[i:], want) {
					t.Errorf("%s lacks %q", tt.title, want)
				}
			}
			// The documents and 证据链核查 run up to the evidence index; the
			// exhibits after it are the user's own words.
			end := strings.Index(text, "证据目录序号")
			if end < i {
				t.Fatalf("no evidence index after the %s", tt.title)
			}
			if !strings.Contains(text[i:end], "证据链核查") {
				t.Error("no 证据链核查 before the index")
			}
			if bad := letters.CheckCitations(text[i:end]); len(bad) > 0 {
				t.Errorf("citations outside the safe list: %q", bad)
			}
			if _, err := os.Stat(filepath.Join(bag, "data", "report", tt.title+".txt")); err != nil {
				t.Errorf("no %s.txt beside the PDF: %v", tt.title, err)
			}
		})
	}

	// Without a clause there is no 仲裁申请书, and the PDF says why.
	r := run(t, "build", sampleCase(t), "-o", filepath.Join(t.TempDir(), "out"), "--target", "arbitration")
	if r.code != ExitOK {
		t.Fatalf("build --target arbitration: exit %d\n%s", r.code, r.errOut)
	}
	text := reportText(t, strings.TrimSpace(r.out))
	if !strings.Contains(text, "不生成仲裁申请书") {
		t.Error("the refusal is not in the PDF")
	}
}

// TestRedactSample: with --redact the sample's PDF text shows no phone or
// 身份证 number, and the bundle (originals) still verifies.
func TestRedactSample(t *testing.T) {
	caseDir := sampleCase(t)
	// Put real-looking numbers where the PDF prints them.
	y := filepath.Join(caseDir, "case.yaml")
	b, _ := os.ReadFile(y)
	b = []byte(strings.Replace(string(b), `phone: "138****5678"`, `phone: "13812345678"`, 1))
	os.WriteFile(y, b, 0o644)
	r := run(t, "build", caseDir, "-o", filepath.Join(t.TempDir(), "out"), "--redact")
	if r.code != ExitOK {
		t.Fatalf("build --redact: exit %d\n%s", r.code, r.errOut)
	}
	bag := strings.TrimSpace(r.out)
	text := reportText(t, bag)
	phone := regexp.MustCompile(`(?:^|[^0-9A-Za-z])1[3-9][0-9]{9}(?:$|[^0-9A-Za-z])`)
	id := regexp.MustCompile(`(?:^|[^0-9A-Za-z])[0-9]{17}[0-9Xx](?:$|[^0-9A-Za-z])`)
	if m := phone.FindString(text); m != "" {
		t.Errorf("unmasked phone number in the PDF: %q", m)
	}
	if m := id.FindString(text); m != "" {
		t.Errorf("unmasked 身份证号 in the PDF: %q", m)
	}
	if !strings.Contains(text, "138****5678") || !strings.Contains(text, "信息遮盖") {
		t.Error("the PDF does not show the masked number or say what was masked")
	}
	if r := run(t, "verify", bag); r.code != ExitOK {
		t.Fatalf("redacted bundle does not verify: %s", r.errOut)
	}
	orig, _ := os.ReadFile(filepath.Join(bag, "data", "case", "case.yaml"))
	if !strings.Contains(string(orig), "13812345678") {
		t.Error("the case.yaml carried in the bag was changed")
	}
}
