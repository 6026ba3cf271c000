package bundle

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// conformanceDir is the BagIt conformance suite shared with the project (not
// copied into the repository).
const conformanceDir = "../../../shared/bagit-conformance"

func requireShared(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing under CI: %v", dir, err)
		}
		t.Skipf("%s not present: %v", dir, err)
	}
}

// TestConformance runs Verify on every bag of the suite: bags in valid/ must
// verify, bags in invalid/ and in the OS-specific invalid folders must not.
// Bags in warning/ are valid-with-warnings for bagit-python; we only require
// that Verify does not fail as a tool on them.
func TestConformance(t *testing.T) {
	requireShared(t, conformanceDir)
	versions, err := filepath.Glob(filepath.Join(conformanceDir, "v*"))
	if err != nil || len(versions) == 0 {
		t.Fatalf("no versions in suite: %v", err)
	}
	ctx := context.Background()
	count := map[string]int{}
	for _, v := range versions {
		for _, kind := range []string{"valid", "invalid", "linux-only", "windows-only", "warning"} {
			bags, _ := filepath.Glob(filepath.Join(v, kind, "*"))
			for _, bag := range bags {
				if fi, err := os.Stat(bag); err != nil || !fi.IsDir() {
					continue
				}
				name := filepath.Base(v) + "/" + kind + "/" + filepath.Base(bag)
				count[kind]++
				t.Run(name, func(t *testing.T) {
					rep, err := Verify(ctx, bag)
					switch kind {
					case "valid":
						if err != nil {
							t.Fatalf("Verify: %v", err)
						}
						if !rep.OK() {
							t.Errorf("valid bag failed: problems %v, files %v", rep.Problems, bad(rep))
						}
					case "invalid", "linux-only", "windows-only":
						if kind == "linux-only" && runtime.GOOS == "windows" {
							t.Skip("linux-only case")
						}
						if err == nil && rep.OK() {
							t.Errorf("invalid bag verified OK: %+v", rep)
						}
						if err != nil {
							t.Logf("error (counts as invalid): %v", err)
						} else {
							t.Logf("problems %v, files %v", rep.Problems, bad(rep))
						}
					case "warning":
						if err != nil {
							t.Errorf("Verify failed as a tool: %v", err)
						} else {
							t.Logf("ok=%v problems %v notes %v", rep.OK(), rep.Problems, rep.Notes)
						}
					}
				})
			}
		}
	}
	if count["valid"] == 0 || count["invalid"] == 0 {
		t.Fatalf("suite incomplete: %v", count)
	}
}

func bad(rep *Report) []FileResult {
	var out []FileResult
	for _, f := range rep.Files {
		if f.Status != StatusOK && f.Status != StatusUntracked {
			out = append(out, f)
		}
	}
	return out
}
