package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyPDF: a lone report PDF declares its root hash and exhibits;
// with the originals at hand verify re-hashes them.
func TestVerifyPDF(t *testing.T) {
	bag := bundleCopy(t)
	pdf := filepath.Join(bag, "data", "report", "证据材料.pdf")
	if r := run(t, "verify", pdf); r.code != ExitOK || !strings.Contains(r.errOut, "root hash ok") {
		t.Fatalf("PDF inside its bag: exit %d\n%s", r.code, r.errOut)
	}
	lone := filepath.Join(t.TempDir(), "lone.pdf")
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(lone, b, 0o644)
	r := run(t, "verify", lone)
	if r.code != ExitOK || !strings.Contains(r.errOut, "--originals") {
		t.Fatalf("lone PDF: exit %d\n%s", r.code, r.errOut)
	}
	caseDir := sampleCase(t)
	if r := run(t, "verify", lone, "--originals", caseDir); r.code != ExitOK {
		t.Fatalf("lone PDF with the case folder: exit %d\n%s", r.code, r.errOut)
	}
	// A changed original is named.
	target := filepath.Join(caseDir, "聊天记录", "与星辰客服的聊天记录.txt")
	data, _ := os.ReadFile(target)
	data[len(data)/2] ^= 1
	os.WriteFile(target, data, 0o644)
	r = run(t, "verify", lone, "--originals", caseDir)
	if r.code != ExitFailed || !strings.Contains(r.errOut, "与星辰客服的聊天记录.txt  changed") {
		t.Fatalf("changed original: exit %d\n%s", r.code, r.errOut)
	}
	// A PDF evipack did not make carries no manifest: an error, not a pass.
	if r := run(t, "verify", filepath.Join(sampleDir, "订单", "订单详情.pdf")); r.code != ExitError || !strings.Contains(r.errOut, "evipack.json") {
		t.Fatalf("foreign PDF: exit %d\n%s", r.code, r.errOut)
	}
	// A swapped PDF (another bundle's report) fails the bag's manifest.
	swapped := bundleCopy(t)
	other := filepath.Join(swapped, "data", "report", "证据材料.pdf")
	os.WriteFile(other, append(b[:len(b):len(b)], '\n'), 0o644)
	if r := run(t, "verify", swapped); r.code != ExitFailed || !strings.Contains(r.errOut, "证据材料.pdf") {
		t.Fatalf("swapped PDF: exit %d\n%s", r.code, r.errOut)
	}
}
