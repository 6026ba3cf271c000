package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
)

// TestInit writes a case.yaml for the sample files, loads it, builds with
// it, and checks that a second init refuses and leaves the file alone.
func TestInit(t *testing.T) {
	caseDir := sampleCase(t)
	written := filepath.Join(caseDir, "case.yaml")
	mustRemove(t, written)
	var evidence []string
	for p, st := range snapshot(t, caseDir) {
		if st.mode.IsRegular() {
			evidence = append(evidence, p)
		}
	}
	if len(evidence) == 0 {
		t.Fatal("the sample case holds no files")
	}

	r := run(t, "init", caseDir)
	if r.code != ExitOK {
		t.Fatalf("init: exit %d\n%s", r.code, r.errOut)
	}
	if strings.TrimSpace(r.out) != written {
		t.Errorf("stdout %q, want the path of case.yaml", r.out)
	}
	if !strings.Contains(r.errOut, "build") {
		t.Errorf("stderr does not tell what to do next:\n%s", r.errOut)
	}

	c, err := casefile.LoadFile(written)
	if err != nil {
		t.Fatalf("the written case.yaml does not load: %v", err)
	}
	for _, p := range evidence {
		note, ok := c.File(p)
		switch {
		case !ok:
			t.Errorf("case.yaml does not list %s", p)
		case !casefile.ValidKind(note.Kind):
			t.Errorf("%s: guessed kind %q is not one of %v", p, note.Kind, casefile.Kinds())
		}
	}
	if len(c.Files) != len(evidence) {
		t.Errorf("case.yaml lists %d files, the folder holds %d", len(c.Files), len(evidence))
	}
	if c.Order.Item != "" || c.Complainant.Name != "" {
		t.Errorf("the template invents facts: item %q, complainant %q", c.Order.Item, c.Complainant.Name)
	}

	before, err := os.ReadFile(written)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(written, old, old); err != nil {
		t.Fatal(err)
	}

	t.Run("build with it", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		r := run(t, "build", caseDir, "-o", out)
		if r.code != ExitOK {
			t.Fatalf("build: exit %d\n%s", r.code, r.errOut)
		}
		m := readManifest(t, filepath.Join(out, "sample"))
		if len(m.Items) != len(evidence) {
			t.Errorf("bundle has %d items, want %d", len(m.Items), len(evidence))
		}
		if v := run(t, "verify", filepath.Join(out, "sample")); v.code != ExitOK {
			t.Errorf("verify: exit %d\n%s", v.code, v.errOut)
		}
	})

	t.Run("second init refuses", func(t *testing.T) {
		r := run(t, "init", caseDir)
		if r.code == ExitOK {
			t.Fatalf("second init: exit 0, want a refusal\n%s", r.errOut)
		}
		if !strings.Contains(r.errOut, "case.yaml") || !strings.Contains(r.errOut, "exists") {
			t.Errorf("stderr does not say case.yaml exists:\n%s", r.errOut)
		}
		after, err := os.ReadFile(written)
		if err != nil || !bytes.Equal(after, before) {
			t.Errorf("case.yaml changed (err %v)", err)
		}
		if st, err := os.Stat(written); err != nil || !st.ModTime().Equal(old) {
			t.Errorf("case.yaml was touched: %v %v", st.ModTime(), err)
		}
	})

	t.Run("refuses a symlink named case.yaml", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "linked")
		copyTree(t, filepath.Join(caseDir, "截图"), dir)
		target := filepath.Join(t.TempDir(), "elsewhere.yaml")
		if err := os.Symlink(target, filepath.Join(dir, "case.yaml")); err != nil {
			t.Fatal(err)
		}
		if r := run(t, "init", dir); r.code == ExitOK {
			t.Errorf("init wrote through a symlink: exit 0")
		}
		if _, err := os.Lstat(target); err == nil {
			t.Errorf("init created the symlink's target %s", target)
		}
	})

	t.Run("missing folder", func(t *testing.T) {
		r := run(t, "init", filepath.Join(t.TempDir(), "absent"))
		if r.code != ExitError {
			t.Errorf("exit %d, want %d\n%s", r.code, ExitError, r.errOut)
		}
	})
}
