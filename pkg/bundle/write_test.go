package bundle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var packTime = time.Date(2025, 3, 14, 9, 26, 53, 0, time.FixedZone("CST", 8*3600))

// payloadFile is one file of the test bag.
type payloadFile struct {
	path string
	data []byte
}

func testPayload() []payloadFile {
	return []payloadFile{
		{"data/evidence/E01/微信支付截图.png", []byte("\x89PNG\r\n\x1a\nfake png bytes")},
		{"data/evidence/E02/bill.csv", []byte("交易时间,金额\n2025-03-01 10:00:00,88.00\n")},
		{"data/evidence/E03/chat log.txt", []byte("卖家: 马上发货\n")},
		{"data/report/complaint.pdf", []byte("%PDF-1.7\n%%EOF\n")},
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// writeBag writes the test bag to outDir/name and returns its path.
func writeBag(t *testing.T, outDir, name string, opts Options) string {
	t.Helper()
	w, err := Create(outDir, name, opts)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	defer w.Abort()
	for _, f := range testPayload() {
		if err := w.AddFile(f.path, bytes.NewReader(f.data), sha(f.data)); err != nil {
			t.Fatalf("AddFile %s: %v", f.path, err)
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
	return dir
}

func TestWriteLayout(t *testing.T) {
	out := t.TempDir()
	dir := writeBag(t, out, "case-1", Options{ModTime: packTime})
	if dir != filepath.Join(out, "case-1") {
		t.Fatalf("Commit returned %q", dir)
	}

	// The root hash, computed independently of EvidenceRootHash.
	var evLines []string
	for _, f := range testPayload() {
		if strings.HasPrefix(f.path, "data/evidence/") {
			evLines = append(evLines, sha(f.data)+"  "+f.path+"\n")
		}
	}
	slices.Sort(evLines)
	root := sha([]byte(strings.Join(evLines, "")))

	octets := 0
	for _, f := range testPayload() {
		octets += len(f.data)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := read("bagit.txt"); got != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Errorf("bagit.txt = %q", got)
	}
	wantInfo := "Bag-Software-Agent: evipack 0.1.0\n" +
		"Bagging-Date: 2025-03-14\n" +
		"Payload-Oxum: " + strconv.Itoa(octets) + ".4\n" +
		"External-Identifier: " + root + "\n" +
		"Source-Organization: 个人\n" +
		"Bag-Group-Identifier: case-1\n"
	if got := read("bag-info.txt"); got != wantInfo {
		t.Errorf("bag-info.txt =\n%s\nwant\n%s", got, wantInfo)
	}
	p := testPayload()
	wantManifest := sha(p[0].data) + "  data/evidence/E01/微信支付截图.png\n" +
		sha(p[1].data) + "  data/evidence/E02/bill.csv\n" +
		sha(p[2].data) + "  data/evidence/E03/chat log.txt\n" +
		sha(p[3].data) + "  data/report/complaint.pdf\n"
	if got := read("manifest-sha256.txt"); got != wantManifest {
		t.Errorf("manifest-sha256.txt =\n%s\nwant\n%s", got, wantManifest)
	}
	var wantTag strings.Builder
	for _, name := range []string{"bag-info.txt", "bagit.txt", "evipack.json", "manifest-sha256.txt", "核验说明.txt"} {
		wantTag.WriteString(sha([]byte(read(name))) + "  " + name + "\n")
	}
	if got := read("tagmanifest-sha256.txt"); got != wantTag.String() {
		t.Errorf("tagmanifest-sha256.txt =\n%s\nwant\n%s", got, wantTag.String())
	}

	// Modes and times.
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o644)
		if d.IsDir() {
			want = fs.ModeDir | 0o755
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
		if !fi.ModTime().Equal(packTime) {
			t.Errorf("%s: mtime %v, want %v", p, fi.ModTime(), packTime)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Verify agrees, and the root hash matches External-Identifier.
	rep, err := Verify(context.Background(), dir)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("fresh bag not OK: problems %v files %v", rep.Problems, bad(rep))
	}
	if !rep.RootHash.Checked || !rep.RootHash.Match || rep.RootHash.Computed != root || rep.RootHash.Source != "bag-info" {
		t.Errorf("root hash result %+v, want checked match of %s", rep.RootHash, root)
	}
	if rep.PayloadOxum == nil || !rep.PayloadOxum.Match {
		t.Errorf("payload oxum %+v", rep.PayloadOxum)
	}
	if rep.Version != "1.0" || strings.Join(rep.Algorithms, ",") != "sha256" || strings.Join(rep.TagAlgorithms, ",") != "sha256" {
		t.Errorf("version %q algorithms %v tag %v", rep.Version, rep.Algorithms, rep.TagAlgorithms)
	}
	if len(rep.Files) != 9 { // 4 payload + 5 tag files
		t.Errorf("report has %d files, want 9: %+v", len(rep.Files), rep.Files)
	}
	// A caller-provided root hash is used instead of bag-info's.
	rep, err = VerifyWith(context.Background(), dir, VerifyOptions{ExpectedRootHash: strings.Repeat("0", 64)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.RootHash.Match || rep.RootHash.Source != "caller" {
		t.Errorf("wrong expected root hash accepted: %+v", rep.RootHash)
	}
}

func TestEvidenceRootHash(t *testing.T) {
	a := Entry{Path: "data/evidence/b.txt", SHA256: strings.Repeat("a", 64)}
	b := Entry{Path: "data/evidence/a.txt", SHA256: strings.Repeat("B", 64)} // upper case is normalised
	r := Entry{Path: "data/report/x.pdf", SHA256: strings.Repeat("c", 64)}
	p := Entry{Path: "data/evidence/100%.txt", SHA256: strings.Repeat("d", 64)}
	// Lines sorted bytewise as whole lines ("aaa…" < "bbb…" < "ddd…"), not by path.
	want := sha([]byte(strings.Repeat("a", 64) + "  data/evidence/b.txt\n" +
		strings.Repeat("b", 64) + "  data/evidence/a.txt\n" +
		strings.Repeat("d", 64) + "  data/evidence/100%25.txt\n"))
	if got := EvidenceRootHash([]Entry{r, a, p, b}); got != want {
		t.Errorf("EvidenceRootHash = %s, want %s", got, want)
	}
	if got := EvidenceRootHash([]Entry{b, p, a}); got != want {
		t.Errorf("order-dependent: %s", got)
	}
	if got := EvidenceRootHash(nil); got != sha(nil) {
		t.Errorf("empty set = %s, want sha256 of nothing", got)
	}
}

// TestStandardTools checks the bag with plain sha256sum and the documented
// root-hash pipeline.
func TestStandardTools(t *testing.T) {
	for _, tool := range []string{"sha256sum", "grep", "sort", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not found under CI", tool)
			}
			t.Skipf("%s not found", tool)
		}
	}
	dir := writeBag(t, t.TempDir(), "case", Options{ModTime: packTime})
	for _, m := range []string{"manifest-sha256.txt", "tagmanifest-sha256.txt"} {
		cmd := exec.Command("sha256sum", "-c", "--strict", m)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c %s: %v\n%s", m, err, out)
		}
	}
	cmd := exec.Command("sh", "-c", RootHashCommand)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", RootHashCommand, err)
	}
	got, _, _ := strings.Cut(string(out), " ")
	rep, err := Verify(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if got != rep.RootHash.Expected || got != rep.RootHash.Computed {
		t.Errorf("shell root hash %s, bag-info %s, recomputed %s", got, rep.RootHash.Expected, rep.RootHash.Computed)
	}

	// A tampered evidence file is caught by sha256sum too.
	if err := os.WriteFile(filepath.Join(dir, "data/evidence/E02/bill.csv"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command("sha256sum", "-c", "--quiet", "manifest-sha256.txt")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "bill.csv: FAILED") {
		t.Errorf("sha256sum did not flag the change: %v\n%s", err, out)
	}
}

type failingReader struct {
	n   int
	err error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, r.err
	}
	k := min(len(p), r.n)
	for i := range p[:k] {
		p[i] = 'x'
	}
	r.n -= k
	return k, nil
}

// assertClean checks that outDir holds exactly the names in want (no temp dirs).
func assertClean(t *testing.T, outDir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s holds %v, want %v", outDir, got, want)
	}
}

func TestAtomicity(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name string
		run  func(w *Writer) error
		is   error
	}{
		{"reader fails midway", func(w *Writer) error {
			if err := w.AddBytes("data/evidence/a.txt", []byte("ok")); err != nil {
				return err
			}
			return w.AddFile("data/evidence/b.bin", &failingReader{n: 1 << 20, err: errBoom}, "")
		}, errBoom},
		{"original changed during packaging", func(w *Writer) error {
			return w.AddFile("data/evidence/a.txt", strings.NewReader("changed"), sha([]byte("original")))
		}, ErrHashMismatch},
		{"commit refuses bad bag-info", func(w *Writer) error {
			if err := w.AddBytes("data/evidence/a.txt", []byte("ok")); err != nil {
				return err
			}
			_, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime, Extra: [][2]string{{"Bad:Label", "x"}}})
			return err
		}, nil},
		{"commit with wrong root hash", func(w *Writer) error {
			if err := w.AddBytes("data/evidence/a.txt", []byte("ok")); err != nil {
				return err
			}
			_, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime, RootHash: strings.Repeat("0", 64)})
			return err
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			w, err := Create(out, "case", Options{})
			if err != nil {
				t.Fatal(err)
			}
			err = tt.run(w)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v, want %v", err, tt.is)
			}
			if tt.is == ErrHashMismatch {
				var he *HashMismatchError
				if !errors.As(err, &he) || he.Path != "data/evidence/a.txt" || he.Want != sha([]byte("original")) {
					t.Errorf("error %#v, want *HashMismatchError for a.txt", err)
				}
			}
			w.Abort()
			w.Abort() // idempotent
			assertClean(t, out)
		})
	}
}

func TestCommitReplace(t *testing.T) {
	out := t.TempDir()
	writeBag(t, out, "case", Options{ModTime: packTime})

	if _, err := Create(out, "case", Options{}); !errors.Is(err, ErrExists) {
		t.Fatalf("Create over existing bundle: %v, want ErrExists", err)
	}
	assertClean(t, out, "case")

	w, err := Create(out, "case", Options{ModTime: packTime, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.AddBytes("data/evidence/only.txt", []byte("new")); err != nil {
		t.Fatal(err)
	}
	// Until Commit the old bundle is untouched.
	if _, err := os.Stat(filepath.Join(out, "case", "data/report/complaint.pdf")); err != nil {
		t.Fatalf("old bundle disturbed before commit: %v", err)
	}
	dir, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime})
	if err != nil {
		t.Fatal(err)
	}
	w.Abort() // after Commit: no-op
	assertClean(t, out, "case")
	if _, err := os.Stat(filepath.Join(dir, "data/report/complaint.pdf")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old file survived replacement: %v", err)
	}
	rep, err := Verify(context.Background(), dir)
	if err != nil || !rep.OK() {
		t.Fatalf("replaced bundle: %v %+v", err, rep)
	}
	if len(rep.Files) != 1+3 { // only.txt + bagit.txt, bag-info.txt, manifest-sha256.txt
		t.Errorf("files %+v", rep.Files)
	}
	if _, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime}); !errors.Is(err, ErrCommitted) {
		t.Errorf("second Commit: %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	a := writeBag(t, t.TempDir(), "case", Options{ModTime: packTime})
	b := writeBag(t, t.TempDir(), "case", Options{ModTime: packTime})
	sameTree(t, a, b)
}

// snapTree maps every path under root to its mode, time and content hash.
func snapTree(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		v := fi.Mode().String() + " " + fi.ModTime().UTC().Format(time.RFC3339Nano)
		if !d.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += " " + sha(data)
		}
		m[rel] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sameTree fails unless the trees a and b hold the same paths with the same
// modes, times and contents.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	sa, sb := snapTree(t, a), snapTree(t, b)
	if len(sa) != len(sb) || len(sa) < 10 {
		t.Fatalf("trees differ in size: %d vs %d", len(sa), len(sb))
	}
	for k, v := range sa {
		if sb[k] != v {
			t.Errorf("%s: %q vs %q", k, v, sb[k])
		}
	}
}

func TestPathRules(t *testing.T) {
	tests := []struct {
		name  string
		first string // added before, "" for none
		path  string
		is    error
	}{
		{"parent escape", "", "data/../x", ErrInsecurePath},
		{"dotdot", "", "../x", ErrInsecurePath},
		{"absolute", "", "/data/x", ErrInsecurePath},
		{"backslash", "", `data\evidence\x`, ErrInsecurePath},
		{"not under data", "", "evidence/x", ErrInsecurePath},
		{"unclean", "", "data//x", ErrInsecurePath},
		{"dot component", "", "data/./x", ErrInsecurePath},
		{"trailing slash", "", "data/x/", ErrInsecurePath},
		{"NUL", "", "data/x\x00y", ErrInsecurePath},
		{"invalid UTF-8", "", "data/\xff", ErrInsecurePath},
		{"grep bait", "", "data/report/a  data/evidence/b", ErrInsecurePath},
		{"exact duplicate", "data/evidence/a.txt", "data/evidence/a.txt", ErrCollision},
		{"case duplicate", "data/evidence/a.txt", "data/evidence/A.TXT", ErrCollision},
		{"dir case differs", "data/evidence/E01/a.txt", "data/evidence/e01/b.txt", ErrCollision},
		{"unicode normalisation", "data/evidence/caf\u00e9.txt", "data/evidence/cafe\u0301.txt", ErrCollision},
		{"file vs dir", "data/evidence/x", "data/evidence/X/y", ErrCollision},
		{"dir vs file", "data/evidence/x/y", "data/evidence/X", ErrCollision},
		{"ok neighbour", "data/evidence/a.txt", "data/evidence/b.txt", nil},
		{"ok percent and newline", "", "data/evidence/100%\nx.txt", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Create(t.TempDir(), "case", Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			if tt.first != "" {
				if err := w.AddBytes(tt.first, []byte("1")); err != nil {
					t.Fatalf("first add: %v", err)
				}
			}
			err = w.AddBytes(tt.path, []byte("2"))
			if tt.is == nil {
				if err != nil {
					t.Fatalf("AddBytes(%q): %v", tt.path, err)
				}
				return
			}
			var pe *PathError
			if !errors.Is(err, tt.is) || !errors.As(err, &pe) {
				t.Errorf("AddBytes(%q) = %v, want *PathError %v", tt.path, err, tt.is)
			}
		})
	}

	w, err := Create(t.TempDir(), "case", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, name := range []string{"bagit.txt", "bag-info.txt", "Manifest-sha256.txt", "tagmanifest-md5.txt", "fetch.txt", "data", ".staged", ".Staged", "sub/x.txt", "../x"} {
		if err := w.AddTagFile(name, nil); !errors.Is(err, ErrInsecurePath) {
			t.Errorf("AddTagFile(%q) = %v, want ErrInsecurePath", name, err)
		}
	}
	if err := w.AddTagFile("evipack.json", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTagFile("EVIPACK.JSON", nil); !errors.Is(err, ErrCollision) {
		t.Errorf("case-colliding tag file: %v", err)
	}
	for _, name := range []string{"", ".", "..", "a/b", `a\b`} {
		if _, err := Create(t.TempDir(), name, Options{}); !errors.Is(err, ErrInsecurePath) {
			t.Errorf("Create name %q: %v", name, err)
		}
	}
}

// TestEncodedNames writes names RFC 8493 says must be percent-encoded and
// checks that they are encoded in the manifest and verify.
func TestEncodedNames(t *testing.T) {
	out := t.TempDir()
	w, err := Create(out, "case", Options{ModTime: packTime})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	name := "data/evidence/100%\nline\rx.txt"
	if err := w.AddBytes(name, []byte("x")); err != nil {
		t.Fatal(err)
	}
	dir, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime})
	if err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(filepath.Join(dir, "manifest-sha256.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if want := sha([]byte("x")) + "  data/evidence/100%25%0Aline%0Dx.txt\n"; string(m) != want {
		t.Errorf("manifest %q, want %q", m, want)
	}
	rep, err := Verify(context.Background(), dir)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	if _, ok := rep.File(name); !ok {
		t.Errorf("report lacks decoded name %q: %+v", name, rep.Files)
	}
}

var _ io.Reader = (*failingReader)(nil)
