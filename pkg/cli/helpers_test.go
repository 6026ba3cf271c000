package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Fixed inputs that make bundles reproducible.
const (
	testEpoch   = "1790000000" // 2026-09-21T14:13:20Z
	sampleDir   = "../../testdata/cases/sample"
	buildBudget = 30 * time.Second // a build that takes longer has hung
)

// inputModTime is set on every file of a copied case so the modification
// times recorded in evipack.json are the same on every machine.
var inputModTime = time.Date(2026, 9, 7, 10, 0, 0, 0, time.UTC)

// testEnv returns an Env writing to buffers, with the given environment
// (nothing else is visible) and a fixed clock.
func testEnv(vars map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &Env{
		Out:    &out,
		ErrOut: &errOut,
		Getenv: func(k string) string { return vars[k] },
		Now:    func() time.Time { return time.Date(2026, 9, 10, 8, 0, 0, 0, time.UTC) },
	}, &out, &errOut
}

// result is one run of Main.
type result struct {
	code        int
	out, errOut string
}

// run runs evipack with args, SOURCE_DATE_EPOCH fixed, and a timeout so a
// hang fails the test instead of stalling it.
func run(t *testing.T, args ...string) result {
	t.Helper()
	return runCtx(t, context.Background(), map[string]string{"SOURCE_DATE_EPOCH": testEpoch}, args...)
}

func runCtx(t *testing.T, ctx context.Context, vars map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, buildBudget)
	defer cancel()
	env, out, errOut := testEnv(vars)
	done := make(chan int, 1)
	go func() { done <- Main(ctx, args, env) }()
	var code int
	select {
	case code = <-done:
	case <-time.After(buildBudget + 10*time.Second):
		// Main ignores its context: a hang. The goroutine is leaked.
		t.Fatalf("evipack %s hung: no return %s after its context expired", strings.Join(args, " "), 10*time.Second)
	}
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("evipack %s did not finish within %s", strings.Join(args, " "), buildBudget)
	}
	return result{code: code, out: out.String(), errOut: errOut.String()}
}

// copyTree copies the regular files and folders of src into dst and sets
// every file's modification time to inputModTime.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, b, 0o644); err != nil {
			return err
		}
		return os.Chtimes(target, inputModTime, inputModTime)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// sampleCase copies the sample case into a fresh folder named "sample".
func sampleCase(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sample")
	copyTree(t, sampleDir, dir)
	return dir
}

// sampleBundle is the sample case built once per test binary; tests copy it
// before changing anything.
var sampleBundle struct {
	once sync.Once
	dir  string // the bundle
	res  result
	err  error
}

// builtSample returns the path of the shared sample bundle (read only).
func builtSample(t *testing.T) string {
	t.Helper()
	sampleBundle.once.Do(func() {
		sampleBundle.res.code = -1 // stays so if this helper fails half-way
		tmp, err := os.MkdirTemp("", "evipack-cli-test-")
		if err != nil {
			sampleBundle.err = err
			return
		}
		caseDir := filepath.Join(tmp, "case", "sample")
		copyTree(t, sampleDir, caseDir)
		out := filepath.Join(tmp, "out")
		sampleBundle.res = run(t, "build", caseDir, "-o", out)
		sampleBundle.dir = filepath.Join(out, "sample")
	})
	if sampleBundle.err != nil {
		t.Fatal(sampleBundle.err)
	}
	if r := sampleBundle.res; r.code != ExitOK {
		t.Fatalf("build sample: exit %d\nstderr:\n%s", r.code, r.errOut)
	}
	return sampleBundle.dir
}

// bundleCopy returns a private copy of the sample bundle.
func bundleCopy(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "sample")
	copyTree(t, builtSample(t), dst)
	return dst
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if sampleBundle.dir != "" {
		os.RemoveAll(filepath.Dir(filepath.Dir(sampleBundle.dir)))
	}
	os.Exit(code)
}

// fileState is what a test remembers of one file.
type fileState struct {
	sha256  string
	modTime time.Time
	mode    fs.FileMode
}

// snapshot records every entry under dir by slash-separated relative path.
func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	m := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		st := fileState{modTime: info.ModTime(), mode: info.Mode()}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			st.sha256 = hex.EncodeToString(sum[:])
		}
		m[filepath.ToSlash(rel)] = st
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot %s: %v", dir, err)
	}
	return m
}

// diffTrees compares two trees by names, types and bytes (not times).
func diffTrees(a, b map[string]fileState) []string {
	var diffs []string
	for p, sa := range a {
		sb, ok := b[p]
		switch {
		case !ok:
			diffs = append(diffs, "only in first: "+p)
		case sa.sha256 != sb.sha256 || sa.mode.Type() != sb.mode.Type():
			diffs = append(diffs, "differs: "+p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			diffs = append(diffs, "only in second: "+p)
		}
	}
	sort.Strings(diffs)
	return diffs
}

// needTool returns the path of an external program. It skips the test when
// the program is absent, except on CI (CI=true), where that is a failure.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required on CI: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return p
}

// golden compares got with testdata/<TestName>.golden, rewriting it with -update.
func golden(t *testing.T, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", strings.ReplaceAll(t.Name(), "/", "_")+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update and review the diff)\n--- got ---\n%s", p, got)
	}
}

// readDirNames lists the names in dir.
func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, err
}
