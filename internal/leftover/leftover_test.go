package leftover

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// deadPID returns the process ID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if alive(cmd.Process.Pid) {
		t.Skip("the child's process ID is in use again")
	}
	return cmd.Process.Pid
}

// livePID starts a process that runs until the test ends.
func livePID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWait$")
	cmd.Env = append(os.Environ(), "LEFTOVER_HELPER=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Wait()
	})
	return cmd.Process.Pid
}

// TestHelperWait is the process livePID starts: it waits for its input
// to close.
func TestHelperWait(t *testing.T) {
	if os.Getenv("LEFTOVER_HELPER") != "1" {
		t.Skip("helper process")
	}
	io.Copy(io.Discard, os.Stdin)
}

func TestOwner(t *testing.T) {
	tag := Tag()
	tests := []struct {
		name   string
		marker string
		ok     bool
	}{
		{".case" + Tmp + tag + "123456", Tmp, true},
		{".case.zip" + Tmp + tag + "99", Tmp, true},
		{".case" + Old + tag + "7", Old, true},
		{Img + tag + "42", Img, true},
		{".a.evipack-tmp-b" + Tmp + tag + "1", Tmp, true}, // the last marker counts
		{".case" + Tmp + "123456", "", false},             // no tag (older versions)
		{".case" + Tmp + "zz-1-2", "", false},             // not a host tag
		{".case" + Tmp + host() + "-x-1", "", false},      // not a pid
		{"case" + Tmp + tag + "1", "", false},             // not hidden
		{"case", "", false},
	}
	for _, tt := range tests {
		m, h, pid, ok := owner(tt.name)
		if ok != tt.ok || m != tt.marker {
			t.Errorf("owner(%q) = %q, %v; want %q, %v", tt.name, m, ok, tt.marker, tt.ok)
		}
		if ok && (h != host() || pid != os.Getpid()) {
			t.Errorf("owner(%q): host %s pid %d", tt.name, h, pid)
		}
	}
}

// TestSweep: the temporaries of a dead process of this host go, a bundle
// set aside comes back where nothing took its place; those of live
// processes, other hosts or without a tag stay, and so does everything
// else.
func TestSweep(t *testing.T) {
	dir := t.TempDir()
	dead := deadPID(t)
	deadTag := host() + "-" + strconv.Itoa(dead) + "-"
	otherHost := "0badc0de-" + strconv.Itoa(dead) + "-"
	if host() == "0badc0de" {
		otherHost = "0badc0df-" + strconv.Itoa(dead) + "-"
	}
	mkdir := func(name string, files ...string) string {
		p := filepath.Join(dir, name)
		for _, f := range append([]string{"x"}, files...) {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(p, f)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(p, f), []byte(f), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	gone := []string{
		mkdir(".case" + Tmp + deadTag + "1"),
		mkdir(Img + deadTag + "2"),
		mkdir(".kept"+Old+deadTag+"3", "kept/bagit.txt"), // kept exists: replaced
		mkdir(".lost"+Old+deadTag+"4", "lost/bagit.txt"), // lost does not: restored
	}
	zipTmp := filepath.Join(dir, ".case.zip"+Tmp+deadTag+"5")
	if err := os.WriteFile(zipTmp, []byte("zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	gone = append(gone, zipTmp)
	stay := []string{
		mkdir(".case" + Tmp + Tag() + "6"),                                     // this process
		mkdir(".case" + Tmp + host() + "-" + strconv.Itoa(livePID(t)) + "-10"), // a running process
		mkdir(".case" + Tmp + otherHost + "7"),                                 // another host
		mkdir(".case" + Tmp + "8"),                                             // no tag
		mkdir("kept", "bagit.txt"),
		mkdir("case" + Tmp + deadTag + "9"), // not hidden: not ours
	}
	res := Sweep(dir)
	for _, p := range gone {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s was not removed", filepath.Base(p))
		}
	}
	for _, p := range stay {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed", filepath.Base(p))
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "lost", "bagit.txt")); err != nil || string(b) != "lost/bagit.txt" {
		t.Errorf("the set-aside bundle was not put back: %q, %v", b, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "kept", "bagit.txt")); string(b) != "bagit.txt" {
		t.Errorf("the bundle in place was touched: %q", b)
	}
	if !slices.Equal(res.Restored, []string{filepath.Join(dir, "lost")}) {
		t.Errorf("Restored = %v", res.Restored)
	}
	slices.Sort(gone)
	slices.Sort(res.Removed)
	if !slices.Equal(res.Removed, gone) {
		t.Errorf("Removed = %v\nwant %v", res.Removed, gone)
	}
	if !strings.HasSuffix(Tag(), "-") {
		t.Error("Tag does not end in -")
	}
}
