package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck: the complete sample passes; removing the exhibits behind a
// required link makes check exit 3 naming that requirement and its hint.
func TestCheck(t *testing.T) {
	caseDir := sampleCase(t)
	if r := run(t, "check", caseDir); r.code != ExitOK || !strings.Contains(r.errOut, "证据链完整") {
		t.Fatalf("sample: exit %d\n%s", r.code, r.errOut)
	}
	// Drop every payment record: the payment screenshot and the bill.
	for _, p := range []string{
		"截图/Screenshot_2026-09-03-20-16-02-77_e39d2c7de19156b0683cd93e8735f348.png",
		"账单/微信支付账单(20260901-20260907).csv",
	} {
		if err := os.Remove(filepath.Join(caseDir, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, "check", caseDir, "--json")
	if r.code != ExitFailed {
		t.Fatalf("without payment records: exit %d, want %d\n%s", r.code, ExitFailed, r.errOut)
	}
	var doc struct {
		OK     bool `json:"ok"`
		Result struct {
			Requirements []struct {
				ID, Title, Hint string
				Required, Met   bool
			} `json:"requirements"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.out)
	}
	var missing []string
	for _, q := range doc.Result.Requirements {
		if q.Required && !q.Met {
			missing = append(missing, q.ID)
			if !strings.Contains(r.errOut, q.Title) || !strings.Contains(r.errOut, q.Hint) {
				t.Errorf("stderr does not name %s with its hint", q.ID)
			}
		}
	}
	if len(missing) != 1 || missing[0] != "payment-record" {
		t.Errorf("missing %v, want exactly [payment-record]", missing)
	}
	// build --strict refuses the incomplete case and writes nothing.
	out := filepath.Join(t.TempDir(), "out")
	if r := run(t, "build", caseDir, "-o", out, "--strict"); r.code != ExitFailed {
		t.Fatalf("build --strict: exit %d\n%s", r.code, r.errOut)
	}
	if _, err := os.Stat(filepath.Join(out, filepath.Base(caseDir))); !os.IsNotExist(err) {
		t.Error("build --strict left a bundle behind")
	}
}
