package main

import (
	"context"
	"errors"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/evipack/evipack/pkg/bundle"
)

// TestInterruptBatch sends SIGINT to a real evipack process building a
// batch of cases, at pseudo-random moments (fixed seed, so a failure can be
// replayed). Whatever the moment, the process exits 130 (or 0 if it had
// finished), every bundle in the output is complete and verifies, and no
// staging folder is left behind.
func TestInterruptBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and several bundles")
	}
	bin := buildBinary(t)
	cases := filepath.Join(t.TempDir(), "cases")
	var args []string
	for _, name := range []string{"a", "b", "c", "d"} {
		dst := filepath.Join(cases, name)
		copySample(t, dst)
		args = append(args, dst)
	}
	rng := rand.New(rand.NewSource(6))
	for trial := range 6 {
		delay := time.Duration(20+rng.Intn(900)) * time.Millisecond
		out := filepath.Join(t.TempDir(), "out")
		cmd := exec.Command(bin, append(append([]string{"build"}, args...), "-o", out, "--jobs", "2", "--quiet")...)
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1790000000")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("trial %d: evipack did not stop within 60 s of SIGINT", trial)
		}
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		// A SIGINT that lands before main has installed its handler (the
		// runtime is still starting) ends the process by the default action;
		// that is fine as long as nothing was written yet.
		if ws, ok := waitStatus(ee); ok && ws.Signaled() && ws.Signal() == syscall.SIGINT {
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("trial %d: killed by SIGINT before start-up but %s exists", trial, out)
			}
			t.Logf("trial %d: SIGINT after %v arrived before start-up; nothing written", trial, delay)
			continue
		}
		if code != 130 && code != 0 {
			t.Fatalf("trial %d (SIGINT after %v): exit %d, want 130 or 0", trial, delay, code)
		}
		entries, _ := os.ReadDir(out)
		complete := 0
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("trial %d: staging entry %s left behind", trial, e.Name())
				continue
			}
			rep, err := bundle.Verify(context.Background(), filepath.Join(out, e.Name()))
			if err != nil || !rep.OK() {
				t.Errorf("trial %d: %s is not a complete bundle: %v", trial, e.Name(), err)
			}
			complete++
		}
		if code == 0 && complete != len(args) {
			t.Errorf("trial %d: exit 0 but %d of %d bundles", trial, complete, len(args))
		}
		t.Logf("trial %d: SIGINT after %v → exit %d, %d complete bundle(s)", trial, delay, code, complete)
	}
}

// buildBinary builds evipack into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "evipack")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// copySample copies the bundled sample case to dst.
func copySample(t *testing.T, dst string) {
	t.Helper()
	if err := copyDir(filepath.Join("..", "..", "testdata", "cases", "sample"), dst); err != nil {
		t.Fatal(err)
	}
}

func waitStatus(ee *exec.ExitError) (syscall.WaitStatus, bool) {
	if ee == nil {
		return 0, false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ws, ok
}

// TestKilledBuildSweptNextTime kills (SIGKILL: no clean-up possible) a
// real evipack process while its staging folder exists, then builds again
// into the same output folder: the second build clears what the first
// left, says so, and leaves only the complete bundle.
func TestKilledBuildSweptNextTime(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and a bundle")
	}
	bin := buildBinary(t)
	caseDir := filepath.Join(t.TempDir(), "sample")
	copySample(t, caseDir)
	out := filepath.Join(t.TempDir(), "out")
	hidden := func() []string {
		entries, _ := os.ReadDir(out)
		var names []string
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
		return names
	}
	var left []string
	for trial := 0; trial < 20 && len(left) == 0; trial++ {
		cmd := exec.Command(bin, "build", caseDir, "-o", out, "--quiet")
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1790000000")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Microsecond) {
			if len(hidden()) > 0 {
				break
			}
		}
		cmd.Process.Kill()
		cmd.Wait()
		left = hidden()
	}
	if len(left) == 0 {
		t.Fatal("no build was killed while its staging folder existed")
	}
	t.Logf("left behind: %v", left)
	cmd := exec.Command(bin, "build", caseDir, "-o", out)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1790000000", "LC_ALL=C")
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("second build: %v\n%s", err, msg)
	}
	if !strings.Contains(string(msg), "left in "+out+" by interrupted runs") {
		t.Errorf("the second build does not say it cleared leftovers:\n%s", msg)
	}
	if h := hidden(); len(h) != 0 {
		t.Errorf("still left behind: %v", h)
	}
	rep, err := bundle.Verify(context.Background(), filepath.Join(out, "sample"))
	if err != nil || !rep.OK() {
		t.Errorf("the bundle does not verify: %v", err)
	}
}
