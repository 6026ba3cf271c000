package bundle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// stageAll stages every content from its own goroutine, writing it in
// small pieces, and returns the staged files in the order given.
func stageAll(t *testing.T, w *Writer, contents [][]byte) []*Staged {
	t.Helper()
	out := make([]*Staged, len(contents))
	errs := make([]error, len(contents))
	var wg sync.WaitGroup
	for i, c := range contents {
		wg.Go(func() {
			s, err := w.Stage()
			if err != nil {
				errs[i] = err
				return
			}
			out[i] = s
			for b := c; len(b) > 0; {
				k := min(len(b), 1000+i)
				if _, err := s.Write(b[:k]); err != nil {
					errs[i] = err
					return
				}
				b = b[k:]
			}
			errs[i] = s.Close()
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("staging file %d: %v", i, err)
		}
	}
	return out
}

// writeStagedBag writes the same bag as writeBag, its payload through
// Stage and Place.
func writeStagedBag(t *testing.T, outDir, name string, opts Options) string {
	t.Helper()
	w, err := Create(outDir, name, opts)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	defer w.Abort()
	var contents [][]byte
	for _, f := range testPayload() {
		contents = append(contents, f.data)
	}
	for i, s := range stageAll(t, w, contents) {
		f := testPayload()[i]
		if s.Sum() != sha(f.data) || s.Size() != int64(len(f.data)) {
			t.Errorf("staged %s: sum %s size %d, want %s %d", f.path, s.Sum(), s.Size(), sha(f.data), len(f.data))
		}
		if err := w.Place(s, f.path, sha(f.data)); err != nil {
			t.Fatalf("Place %s: %v", f.path, err)
		}
		if p := w.PathOf(f.path); p == "" {
			t.Errorf("PathOf(%s) is empty", f.path)
		} else if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, f.data) {
			t.Errorf("PathOf(%s) = %s holds %q, %v", f.path, p, b, err)
		}
	}
	if err := w.AddTagFile("evipack.json", []byte(`{"schema":1}`+"\n")); err != nil {
		t.Fatalf("AddTagFile: %v", err)
	}
	if err := w.AddTagFile("核验说明.txt", []byte("请用 sha256sum -c manifest-sha256.txt 核验。\n")); err != nil {
		t.Fatalf("AddTagFile: %v", err)
	}
	dir, err := w.Commit(BagInfo{
		Software:    "evipack 0.1.0",
		BaggingDate: packTime,
		Extra:       [][2]string{{"Source-Organization", "个人"}, {"Bag-Group-Identifier", "case-1"}},
	})
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if p := w.PathOf(testPayload()[0].path); p != "" {
		t.Errorf("PathOf after Commit = %q, want empty", p)
	}
	return dir
}

// TestStagedBagMatches: a bag whose payload was staged and placed is the
// same, byte for byte, mode for mode and time for time, as one written with
// AddFile, so everything TestWriteLayout checks holds for it too; Verify
// and sha256sum accept it.
func TestStagedBagMatches(t *testing.T) {
	want := writeBag(t, t.TempDir(), "case", Options{ModTime: packTime})
	got := writeStagedBag(t, t.TempDir(), "case", Options{ModTime: packTime})
	sameTree(t, want, got)
	rep, err := Verify(context.Background(), got)
	if err != nil || !rep.OK() {
		t.Fatalf("Verify: %v %+v", err, rep)
	}
	if len(rep.Files) != 9 {
		t.Errorf("report has %d files, want 9", len(rep.Files))
	}
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "-c", "--strict", "manifest-sha256.txt")
		cmd.Dir = got
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c: %v\n%s", err, out)
		}
	}
}

// TestStageConcurrent stages many files at once, of sizes from empty to a
// few hundred kilobytes, mixed with AddFile, and checks the manifest and
// Payload-Oxum.
func TestStageConcurrent(t *testing.T) {
	out := t.TempDir()
	w, err := Create(out, "case", Options{ModTime: packTime})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	var contents [][]byte
	for i := range 40 {
		contents = append(contents, bytes.Repeat([]byte{byte(i)}, i*i*173))
	}
	staged := stageAll(t, w, contents)
	if err := w.AddBytes("data/report/r.txt", []byte("report")); err != nil {
		t.Fatal(err)
	}
	var lines []string
	octets := int64(len("report"))
	lines = append(lines, sha([]byte("report"))+"  data/report/r.txt\n")
	// Placed in reverse order of staging: the order must not matter.
	for i := len(staged) - 1; i >= 0; i-- {
		p := fmt.Sprintf("data/evidence/%02d/f%d.bin", i, i)
		if err := w.Place(staged[i], p, ""); err != nil {
			t.Fatalf("Place %s: %v", p, err)
		}
		lines = append(lines, sha(contents[i])+"  "+p+"\n")
		octets += int64(len(contents[i]))
	}
	dir, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	m, err := os.ReadFile(filepath.Join(dir, "manifest-sha256.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if string(m) != strings.Join(lines, "") {
		t.Errorf("manifest-sha256.txt =\n%s\nwant\n%s", m, strings.Join(lines, ""))
	}
	info, err := os.ReadFile(filepath.Join(dir, "bag-info.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Payload-Oxum: " + strconv.FormatInt(octets, 10) + ".41\n"; !strings.Contains(string(info), want) {
		t.Errorf("bag-info.txt lacks %q:\n%s", want, info)
	}
	rep, err := Verify(context.Background(), dir)
	if err != nil || !rep.OK() || rep.PayloadOxum == nil || !rep.PayloadOxum.Match {
		t.Fatalf("Verify: %v %+v", err, rep)
	}
	assertNoStaged(t, dir)
	assertClean(t, out, "case")
}

// assertNoStaged fails if anything of the staging area is left in the bag.
func assertNoStaged(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == stagedDir {
			t.Errorf("%s left in the bag", p)
		}
		return nil
	})
}

// stagedNames lists the scratch files in the staging folder.
func stagedNames(t *testing.T, w *Writer) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(w.Dir(), stagedDir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestPlaceRefused(t *testing.T) {
	tests := []struct {
		name, path, want string
		is               error
	}{
		{"content changed", "data/evidence/a.txt", sha([]byte("original")), ErrHashMismatch},
		{"not under data", "evidence/a.txt", "", ErrInsecurePath},
		{"escape", "data/../a.txt", "", ErrInsecurePath},
		{"collides with an added file", "data/evidence/B.TXT", "", ErrCollision},
		{"bad want", "data/evidence/a.txt", "xyz", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			w, err := Create(out, "case", Options{ModTime: packTime})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			if err := w.AddBytes("data/evidence/b.txt", []byte("b")); err != nil {
				t.Fatal(err)
			}
			s := stageAll(t, w, [][]byte{[]byte("changed")})[0]
			err = w.Place(s, tt.path, tt.want)
			if err == nil {
				t.Fatal("Place succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Place: %v, want %v", err, tt.is)
			}
			if tt.is == ErrHashMismatch {
				var he *HashMismatchError
				if !errors.As(err, &he) || he.Path != tt.path || he.Want != tt.want || he.Got != sha([]byte("changed")) {
					t.Errorf("error %#v, want *HashMismatchError", err)
				}
			}
			// Nothing is left: not the scratch file, not the bag file.
			if names := stagedNames(t, w); len(names) != 0 {
				t.Errorf("staged files left: %v", names)
			}
			if _, err := os.Lstat(filepath.Join(w.Dir(), "data/evidence/a.txt")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("refused file is in the bag: %v", err)
			}
			if w.PathOf(tt.path) != "" {
				t.Errorf("PathOf a refused file = %q", w.PathOf(tt.path))
			}
			// A spent staged file cannot be placed again.
			if err := w.Place(s, "data/evidence/c.txt", ""); err == nil {
				t.Error("second Place of a refused staged file succeeded")
			}
			dir, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime})
			if err != nil {
				t.Fatal(err)
			}
			m, _ := os.ReadFile(filepath.Join(dir, "manifest-sha256.txt"))
			if want := sha([]byte("b")) + "  data/evidence/b.txt\n"; string(m) != want {
				t.Errorf("manifest %q, want %q", m, want)
			}
			if rep, err := Verify(context.Background(), dir); err != nil || !rep.OK() || len(rep.Files) != 4 {
				t.Errorf("Verify: %v %+v", err, rep)
			}
		})
	}
}

// TestStageLeftovers: staged files that were discarded, or neither placed
// nor discarded (closed or even still open), never reach the bag.
func TestStageLeftovers(t *testing.T) {
	out := t.TempDir()
	w, err := Create(out, "case", Options{ModTime: packTime})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	st := stageAll(t, w, [][]byte{[]byte("kept"), []byte("discarded"), []byte("forgotten")})
	open, err := w.Stage()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := open.Write([]byte("never closed")); err != nil {
		t.Fatal(err)
	}
	if err := w.Place(st[0], "data/evidence/kept.txt", sha([]byte("kept"))); err != nil {
		t.Fatal(err)
	}
	w.Discard(st[1])
	w.Discard(st[1]) // idempotent
	if names := stagedNames(t, w); len(names) != 2 {
		t.Errorf("staged files %v, want the forgotten and the open one", names)
	}
	if err := w.Place(st[1], "data/evidence/discarded.txt", ""); err == nil {
		t.Error("a discarded file was placed")
	}
	dir, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime})
	if err != nil {
		t.Fatal(err)
	}
	assertNoStaged(t, dir)
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(files)
	if want := "bag-info.txt bagit.txt data/evidence/kept.txt manifest-sha256.txt tagmanifest-sha256.txt"; strings.Join(files, " ") != want {
		t.Errorf("bag holds %v, want %s", files, want)
	}
	m, _ := os.ReadFile(filepath.Join(dir, "manifest-sha256.txt"))
	if want := sha([]byte("kept")) + "  data/evidence/kept.txt\n"; string(m) != want {
		t.Errorf("manifest %q, want %q", m, want)
	}
	if rep, err := Verify(context.Background(), dir); err != nil || !rep.OK() {
		t.Errorf("Verify: %v %+v", err, rep)
	}
	if _, err := w.Stage(); !errors.Is(err, ErrCommitted) {
		t.Errorf("Stage after Commit: %v, want ErrCommitted", err)
	}
	if err := w.Place(st[2], "data/evidence/late.txt", ""); !errors.Is(err, ErrCommitted) {
		t.Errorf("Place after Commit: %v, want ErrCommitted", err)
	}
	assertClean(t, out, "case")
}

// TestStageAbort: Abort removes staged files with the rest, whether placed,
// closed or still being written.
func TestStageAbort(t *testing.T) {
	out := t.TempDir()
	w, err := Create(out, "case", Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := stageAll(t, w, [][]byte{[]byte("a"), []byte("b"), bytes.Repeat([]byte("c"), 1<<20)})
	if err := w.Place(st[0], "data/evidence/a.txt", ""); err != nil {
		t.Fatal(err)
	}
	open, err := w.Stage()
	if err != nil {
		t.Fatal(err)
	}
	open.Write([]byte("partial"))
	w.Abort()
	assertClean(t, out)
	if _, err := w.Stage(); !errors.Is(err, ErrCommitted) {
		t.Errorf("Stage after Abort: %v, want ErrCommitted", err)
	}
	if _, err := open.Write([]byte("more")); err == nil {
		t.Error("writing a staged file after Abort succeeded")
	}
	if err := w.Place(st[1], "data/evidence/b.txt", ""); !errors.Is(err, ErrCommitted) {
		t.Errorf("Place after Abort: %v, want ErrCommitted", err)
	}
}

// withSyncFile replaces the fsync of Commit for one test.
func withSyncFile(t *testing.T, f func(p string) error) {
	t.Helper()
	orig := syncFile
	syncFile = func(p string) error {
		if err := f(p); err != nil {
			return err
		}
		return orig(p)
	}
	t.Cleanup(func() { syncFile = orig })
}

// TestCommitSyncsEveryFile: every file of the bag — added, placed, tag
// files and the ones Commit writes — is fsynced before the bag is renamed
// into place, and a failed fsync fails Commit and leaves nothing.
func TestCommitSyncsEveryFile(t *testing.T) {
	var mu sync.Mutex
	synced := map[string]bool{}
	var dest string
	withSyncFile(t, func(p string) error {
		mu.Lock()
		defer mu.Unlock()
		if _, err := os.Stat(dest); err == nil {
			t.Errorf("%s fsynced after the bag was renamed into place", p)
		}
		synced[p] = true
		return nil
	})
	out := t.TempDir()
	dest = filepath.Join(out, "case")
	w, err := Create(out, "case", Options{ModTime: packTime})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	tmp := w.Dir()
	if err := w.AddBytes("data/report/r.txt", []byte("r")); err != nil {
		t.Fatal(err)
	}
	st := stageAll(t, w, [][]byte{[]byte("a"), []byte("b"), []byte("c")})
	for i, s := range st {
		if err := w.Place(s, fmt.Sprintf("data/evidence/%d/x", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AddTagFile("evipack.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	dir, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			want = append(want, filepath.Join(tmp, rel))
		}
		return nil
	})
	var got []string
	for p := range synced {
		got = append(got, p)
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) != 9 || !slices.Equal(got, want) {
		t.Errorf("fsynced\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A failing fsync fails Commit, and nothing is left.
	errDisk := errors.New("disk on fire")
	withSyncFile(t, func(p string) error {
		if strings.HasSuffix(p, filepath.FromSlash("evidence/1/x")) {
			return errDisk
		}
		return nil
	})
	out = t.TempDir()
	mu.Lock()
	dest = filepath.Join(out, "case")
	mu.Unlock()
	w, err = Create(out, "case", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	st = stageAll(t, w, [][]byte{[]byte("a"), []byte("b"), []byte("c")})
	for i, s := range st {
		if err := w.Place(s, fmt.Sprintf("data/evidence/%d/x", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime}); !errors.Is(err, errDisk) {
		t.Errorf("Commit with a failing fsync: %v, want %v", err, errDisk)
	}
	assertClean(t, out)
}
