package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/pack"
	"github.com/evipack/evipack/pkg/render"
	"github.com/evipack/evipack/templates"
)

// manifestDoc is the part of evipack.json the tests read; it is decoded
// independently of pack.Manifest so a renamed field fails the tests.
type manifestDoc struct {
	Case struct {
		Folder      string `json:"folder"`
		Complainant string `json:"complainant"`
		Respondent  string `json:"respondent"`
		Item        string `json:"item"`
		OrderNo     string `json:"order_no"`
	} `json:"case"`
	RootHash struct {
		SHA256 string `json:"sha256"`
	} `json:"root_hash"`
	Report struct {
		Path  string `json:"path"`
		Pages int    `json:"pages"`
	} `json:"report"`
	Items []struct {
		Path     string `json:"path"`
		BagPath  string `json:"bag_path"`
		SHA256   string `json:"sha256"`
		Proves   string `json:"proves"`
		Warnings []struct {
			Code string `json:"code"`
			Path string `json:"path"`
			Msg  string `json:"message"`
			Zh   string `json:"message_zh"`
		} `json:"warnings"`
	} `json:"items"`
	Skipped []struct {
		Path string `json:"path"`
		Code string `json:"code"`
		Msg  string `json:"message"`
	} `json:"skipped"`
}

func readManifest(t *testing.T, bundleDir string) *manifestDoc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(bundleDir, pack.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m manifestDoc
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("evipack.json does not parse: %v", err)
	}
	return &m
}

// shell runs a command in dir and returns its stdout; a non-zero exit fails.
func shell(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// noSpace removes all white space.
func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestBuildSample(t *testing.T) {
	bag := builtSample(t)
	m := readManifest(t, bag)
	pdf := filepath.Join(bag, filepath.FromSlash(pack.ReportPath))

	t.Run("stdout names the bundle", func(t *testing.T) {
		if got := strings.TrimSpace(sampleBundle.res.out); got != bag {
			t.Errorf("stdout %q, want the bundle path %q", got, bag)
		}
		if !strings.Contains(sampleBundle.res.errOut, "✓") {
			t.Errorf("stderr has no success line:\n%s", sampleBundle.res.errOut)
		}
	})

	t.Run("layout", func(t *testing.T) {
		for _, name := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
			pack.ManifestName, pack.GuideName, pack.ReportPath, pack.CaseCopyPath} {
			if _, err := os.Stat(filepath.Join(bag, filepath.FromSlash(name))); err != nil {
				t.Errorf("bundle lacks %s: %v", name, err)
			}
		}
		c := loadSampleCase(t)
		if len(m.Items) != len(c.Files) {
			t.Errorf("%d items in evipack.json, %d files in case.yaml", len(m.Items), len(c.Files))
		}
		re := regexp.MustCompile(`^data/evidence/\d\d/[^/]+$`)
		for _, it := range m.Items {
			if !re.MatchString(it.BagPath) || filepath.Base(it.BagPath) != filepath.Base(it.Path) {
				t.Errorf("item %s has bag path %q", it.Path, it.BagPath)
			}
			orig, err := os.ReadFile(filepath.Join(sampleDir, filepath.FromSlash(it.Path)))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(bag, filepath.FromSlash(it.BagPath)))
			if err != nil || !bytes.Equal(orig, got) {
				t.Errorf("%s is not a byte copy of %s (err %v)", it.BagPath, it.Path, err)
			}
		}
	})

	t.Run("sha256sum -c", func(t *testing.T) {
		needTool(t, "sha256sum")
		for _, mf := range []string{"manifest-sha256.txt", "tagmanifest-sha256.txt"} {
			out := shell(t, bag, "sha256sum", "-c", "--strict", mf)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			want := countLines(t, filepath.Join(bag, mf))
			if len(lines) != want {
				t.Errorf("sha256sum -c %s checked %d files, the manifest has %d lines", mf, len(lines), want)
			}
		}
	})

	t.Run("root hash pipeline", func(t *testing.T) {
		needTool(t, "sh")
		needTool(t, "sha256sum")
		out := shell(t, bag, "sh", "-c", "grep '  data/evidence/' manifest-sha256.txt | LC_ALL=C sort | sha256sum")
		got := strings.TrimSuffix(strings.TrimSpace(out), "  -")
		if len(got) != 64 {
			t.Fatalf("pipeline printed %q", out)
		}
		if got != m.RootHash.SHA256 {
			t.Errorf("pipeline %s, evipack.json root_hash %s", got, m.RootHash.SHA256)
		}
		info, err := os.ReadFile(filepath.Join(bag, "bag-info.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(info), "External-Identifier: "+got+"\n") {
			t.Errorf("bag-info.txt has no External-Identifier %s:\n%s", got, info)
		}
		guide, err := os.ReadFile(filepath.Join(bag, pack.GuideName))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(guide), got) {
			t.Errorf("%s does not state the root hash", pack.GuideName)
		}
	})

	t.Run("qpdf --check", func(t *testing.T) {
		needTool(t, "qpdf")
		out := shell(t, bag, "qpdf", "--check", pdf)
		if !strings.Contains(out, "No syntax or stream encoding errors") {
			t.Errorf("qpdf --check:\n%s", out)
		}
	})

	t.Run("pdfcpu validate strict", func(t *testing.T) {
		needTool(t, "pdfcpu")
		out, err := exec.Command("pdfcpu", "validate", "-m", "strict", pdf).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "validation ok") {
			t.Errorf("pdfcpu validate: %v\n%s", err, out)
		}
	})

	t.Run("pdfinfo pages", func(t *testing.T) {
		needTool(t, "pdfinfo")
		out := shell(t, bag, "pdfinfo", pdf)
		mm := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(out)
		if mm == nil {
			t.Fatalf("pdfinfo printed no page count:\n%s", out)
		}
		n, _ := strconv.Atoi(mm[1])
		if n != m.Report.Pages || n < 1+len(m.Items) {
			t.Errorf("pdfinfo says %d pages, evipack.json report.pages %d, %d items", n, m.Report.Pages, len(m.Items))
		}
	})

	t.Run("pdftotext has the case text", func(t *testing.T) {
		needTool(t, "pdftotext")
		text := noSpace(shell(t, bag, "pdftotext", "-enc", "UTF-8", pdf, "-"))
		c := loadSampleCase(t)
		want := map[string]string{
			"complainant":  c.Complainant.Name,
			"respondent":   c.Respondent.Name,
			"item":         c.Order.Item,
			"order number": c.Order.OrderNo,
		}
		for _, f := range c.Files {
			want["title of "+f.Path] = f.Title
			want["proves of "+f.Path] = f.Proves
		}
		for what, s := range want {
			if s == "" {
				t.Errorf("sample case.yaml has no %s", what)
				continue
			}
			if !strings.Contains(text, noSpace(s)) {
				t.Errorf("PDF text lacks the %s %q", what, s)
			}
		}
	})

	t.Run("font covers every character", func(t *testing.T) {
		needTool(t, "pdftotext")
		ttf := templates.FontRegularTTF
		cov, err := render.NewCoverage(ttf)
		if err != nil {
			t.Fatal(err)
		}
		missing := map[rune]bool{}
		for _, r := range shell(t, bag, "pdftotext", "-enc", "UTF-8", pdf, "-") {
			if !unicode.IsSpace(r) && !cov.Has(r) {
				missing[r] = true
			}
		}
		for r := range missing {
			t.Errorf("PDF shows %q (U+%04X), which the font has no glyph for", r, r)
		}
	})
}

func loadSampleCase(t *testing.T) *casefile.Case {
	t.Helper()
	c, err := casefile.LoadFile(filepath.Join(sampleDir, "case.yaml"))
	if err != nil {
		t.Fatalf("load sample case.yaml: %v", err)
	}
	if len(c.Files) == 0 {
		t.Fatal("sample case.yaml lists no files")
	}
	return c
}

func countLines(t *testing.T, p string) int {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\n"))
}

// TestBuildDeterministic builds the same case into different folders, in
// separate runs and in one run, and compares the whole trees byte by byte.
func TestBuildDeterministic(t *testing.T) {
	caseDir := sampleCase(t)
	first := snapshot(t, builtSample(t))

	outA, outB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "deeper", "b")
	if r := run(t, "build", caseDir, "-o", outA); r.code != ExitOK {
		t.Fatalf("build: exit %d\n%s", r.code, r.errOut)
	}
	if r := run(t, "build", caseDir, "-o", outB, "--jobs", "1"); r.code != ExitOK {
		t.Fatalf("build: exit %d\n%s", r.code, r.errOut)
	}
	for name, dir := range map[string]string{"a": outA, "b": outB} {
		if d := diffTrees(first, snapshot(t, filepath.Join(dir, "sample"))); len(d) > 0 {
			t.Errorf("bundle %s differs from the first build:\n%s", name, strings.Join(d, "\n"))
		}
	}

	// Two different -o folders in the same process run.
	outC := filepath.Join(t.TempDir(), "c")
	otherCase := filepath.Join(t.TempDir(), "sample")
	copyTree(t, sampleDir, otherCase)
	if r := run(t, "build", caseDir, "-o", outC); r.code != ExitOK {
		t.Fatalf("build: exit %d\n%s", r.code, r.errOut)
	}
	if d := diffTrees(first, snapshot(t, filepath.Join(outC, "sample"))); len(d) > 0 {
		t.Errorf("bundle c differs from the first build:\n%s", strings.Join(d, "\n"))
	}

	// Rebuilding over an existing bundle replaces it with the same bytes.
	if r := run(t, "build", otherCase, "-o", outA); r.code != ExitOK {
		t.Fatalf("rebuild: exit %d\n%s", r.code, r.errOut)
	}
	if d := diffTrees(first, snapshot(t, filepath.Join(outA, "sample"))); len(d) > 0 {
		t.Errorf("rebuilt bundle differs:\n%s", strings.Join(d, "\n"))
	}
	if names, _ := readDirNames(outA); len(names) != 1 {
		t.Errorf("output folder holds %v, want only the bundle", names)
	}
}

// TestBuildJSON checks --json: one parseable document per case on stdout,
// human messages on stderr only.
func TestBuildJSON(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "one"), filepath.Join(root, "two")
	copyTree(t, sampleDir, a)
	copyTree(t, sampleDir, b)
	missing := filepath.Join(root, "absent")
	out := filepath.Join(root, "out")

	r := run(t, "build", a, missing, b, "-o", out, "--json")
	if r.code != ExitError {
		t.Errorf("exit %d with one missing case folder, want %d", r.code, ExitError)
	}
	dec := json.NewDecoder(strings.NewReader(r.out))
	var docs []map[string]any
	for dec.More() {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("stdout is not a stream of JSON documents: %v\n%s", err, r.out)
		}
		docs = append(docs, d)
	}
	// One line per case, in the order the cases finished, then a summary.
	if got := strings.Count(strings.TrimSpace(r.out), "\n") + 1; got != 4 || len(docs) != 4 {
		t.Fatalf("%d lines / %d documents on stdout, want 3 cases + a summary:\n%s", got, len(docs), r.out)
	}
	sum, _ := docs[3]["summary"].(map[string]any)
	if sum == nil || sum["cases"] != 3.0 || sum["ok"] != 2.0 || sum["failed"] != 1.0 || sum["exit_code"] != float64(ExitError) {
		t.Errorf("summary line %v", docs[3])
	}
	byCase := map[any]map[string]any{}
	for _, d := range docs[:3] {
		byCase[d["case"]] = d
	}
	for i, want := range []struct {
		dir string
		ok  bool
	}{{a, true}, {missing, false}, {b, true}} {
		d := byCase[want.dir]
		if d == nil {
			t.Errorf("no document about %s", want.dir)
			continue
		}
		if d["ok"] != want.ok {
			t.Errorf("document %d ok=%v, want %v", i, d["ok"], want.ok)
		}
		if want.ok {
			if h, _ := d["root_hash"].(string); len(h) != 64 {
				t.Errorf("document %d has root_hash %v", i, d["root_hash"])
			}
			if bdir, _ := d["bundle"].(string); bdir != filepath.Join(out, filepath.Base(want.dir)) {
				t.Errorf("document %d has bundle %v", i, d["bundle"])
			}
		} else if e, _ := d["error"].(string); !strings.Contains(e, "absent") {
			t.Errorf("document %d error %q does not name the folder", i, e)
		}
	}
	for _, want := range []string{"✓", "✗", "absent"} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
		}
	}
	if strings.Contains(r.out, "✓") || strings.Contains(r.out, "✗") {
		t.Errorf("human messages leaked to stdout:\n%s", r.out)
	}
}

// TestBuildUnknownKey: a case.yaml with an unknown key stops the build with
// exit 1, a message naming the key and its line, and nothing written.
func TestBuildUnknownKey(t *testing.T) {
	caseDir := sampleCase(t)
	yamlPath := filepath.Join(caseDir, "case.yaml")
	b, err := os.ReadFile(yamlPath)
	if err != nil {
		t.Fatal(err)
	}
	// Insert the bad key after the first line that starts with "order:".
	lines := strings.Split(string(b), "\n")
	badLine := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "order:") {
			lines = append(lines[:i+1], append([]string{"  shiping_fee: \"10.00\""}, lines[i+1:]...)...)
			badLine = i + 2
			break
		}
	}
	if badLine == 0 {
		t.Fatal("sample case.yaml has no order: block")
	}
	if err := os.WriteFile(yamlPath, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, caseDir)
	out := filepath.Join(t.TempDir(), "out")

	r := run(t, "build", caseDir, "-o", out)
	if r.code != ExitError {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitError, r.errOut)
	}
	if !strings.Contains(r.errOut, "shiping_fee") {
		t.Errorf("stderr does not name the key:\n%s", r.errOut)
	}
	if !regexp.MustCompile(`\b` + strconv.Itoa(badLine) + `\b`).MatchString(r.errOut) {
		t.Errorf("stderr does not name line %d:\n%s", badLine, r.errOut)
	}
	if _, err := os.Lstat(out); err == nil {
		names, _ := readDirNames(out)
		if len(names) > 0 {
			t.Errorf("a failed build wrote %v", names)
		}
	}
	if r.out != "" {
		t.Errorf("stdout %q, want nothing", r.out)
	}
	if d := diffTrees(before, snapshot(t, caseDir)); len(d) > 0 {
		t.Errorf("the case folder changed: %v", d)
	}
}

// TestBuildCancelled cancels builds at increasing delays until one finishes
// before its cancellation. Every cancelled run must exit 130 and leave
// neither a bundle nor a staging folder, including runs cancelled after the
// staging folder was made (at least one must be).
func TestBuildCancelled(t *testing.T) {
	caseDir := sampleCase(t)
	before := snapshot(t, caseDir)
	midBuild, finished := 0, false
	for delay := 500 * time.Microsecond; delay < 20*time.Second; delay = delay * 3 / 2 {
		out := filepath.Join(t.TempDir(), "out")
		ctx, cancel := context.WithCancel(t.Context())
		env, _, errOut := testEnv(map[string]string{"SOURCE_DATE_EPOCH": testEpoch})
		// Progress lines tell a cancellation in the middle of the build.
		env.IsTerminal = func(io.Writer) bool { return true }
		timer := time.AfterFunc(delay, cancel)
		code := Main(ctx, []string{"build", caseDir, "-o", out}, env)
		timer.Stop()
		cancel()
		if code == ExitOK {
			// The build won the race: the bundle must be whole.
			if r := run(t, "verify", filepath.Join(out, "sample")); r.code != ExitOK {
				t.Errorf("build finished despite a cancel after %v, but its bundle does not verify:\n%s", delay, r.errOut)
			}
			finished = true
			break
		}
		if code != ExitInterrupted {
			t.Fatalf("cancelled after %v: exit %d, want %d\n%s", delay, code, ExitInterrupted, errOut)
		}
		if !strings.Contains(errOut.String(), "interrupted") {
			t.Errorf("cancelled after %v: stderr does not say interrupted:\n%s", delay, errOut)
		}
		if strings.Contains(errOut.String(), "哈希") {
			midBuild++ // files were being hashed into the staging folder
		}
		// The output folder did not exist before the build: it is gone.
		if names, err := readDirNames(out); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("cancelled after %v: output folder left behind, holding %v (%v)", delay, names, err)
		}
	}
	t.Logf("%d cancellations landed while files were hashed or later", midBuild)
	if midBuild == 0 {
		t.Error("no cancellation landed after hashing had started")
	}
	if !finished {
		t.Error("no build finished, however late the cancellation")
	}
	if d := diffTrees(before, snapshot(t, caseDir)); len(d) > 0 {
		t.Errorf("the case folder changed: %v", d)
	}
}

// TestStrictLeavesNoOutputFolder: a --strict build refused for missing
// evidence leaves no output folder it created, nor its new parents; an
// output folder that was there before stays.
func TestStrictLeavesNoOutputFolder(t *testing.T) {
	caseDir := filepath.Join(t.TempDir(), "thin")
	copyTree(t, filepath.Join(sampleDir, "照片"), caseDir)
	b, err := os.ReadFile(filepath.Join(sampleDir, "case.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(caseDir, "case.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	fresh := filepath.Join(root, "new", "deeper", "out")
	r := run(t, "build", caseDir, "-o", fresh, "--strict")
	if r.code != ExitFailed {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitFailed, r.errOut)
	}
	if names, err := readDirNames(root); err != nil || len(names) != 0 {
		t.Errorf("left in the output's parent: %v (%v)", names, err)
	}
	kept := filepath.Join(root, "kept")
	if err := os.Mkdir(kept, 0o755); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "build", caseDir, "-o", kept, "--strict"); r.code != ExitFailed {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitFailed, r.errOut)
	}
	if names, err := readDirNames(kept); err != nil || len(names) != 0 {
		t.Errorf("the existing output folder: %v (%v), want it kept, empty", names, err)
	}
}

// TestBuildLeavesOriginals checks that a build changes no byte, time or mode
// of the case folder.
func TestBuildLeavesOriginals(t *testing.T) {
	caseDir := sampleCase(t)
	before := snapshot(t, caseDir)
	if r := run(t, "build", caseDir, "-o", filepath.Join(t.TempDir(), "out")); r.code != ExitOK {
		t.Fatalf("build: exit %d\n%s", r.code, r.errOut)
	}
	after := snapshot(t, caseDir)
	if d := diffTrees(before, after); len(d) > 0 {
		t.Fatalf("the case folder changed: %v", d)
	}
	for p, b := range before {
		a := after[p]
		if b.mode.IsRegular() && (!a.modTime.Equal(b.modTime) || a.mode != b.mode) {
			t.Errorf("%s: mtime %v mode %v, was %v %v", p, a.modTime, a.mode, b.modTime, b.mode)
		}
	}
}

// TestBuildOutputInsideCase builds into a folder inside the case: the
// output must not be taken as evidence the second time.
func TestBuildOutputInsideCase(t *testing.T) {
	caseDir := sampleCase(t)
	out := filepath.Join(caseDir, "evipack-out")
	for range 2 {
		if r := run(t, "build", caseDir, "-o", out); r.code != ExitOK {
			t.Fatalf("build: exit %d\n%s", r.code, r.errOut)
		}
	}
	m := readManifest(t, filepath.Join(out, "sample"))
	for _, it := range m.Items {
		if strings.HasPrefix(it.Path, "evipack-out/") {
			t.Errorf("the previous bundle was packed as evidence: %s", it.Path)
		}
	}
	if d := diffTrees(snapshot(t, builtSample(t)), snapshot(t, filepath.Join(out, "sample"))); len(d) > 0 {
		t.Errorf("bundle differs from one built outside the case:\n%s", strings.Join(d, "\n"))
	}
}

// TestGolden compares the text files of the sample bundle with goldens.
func TestGolden(t *testing.T) {
	bag := builtSample(t)
	// Only text that does not embed the PDF's bytes: the PDF itself is
	// checked by parsing it back, and byte-compared in TestBuildDeterministic.
	for _, tt := range []struct{ name, file string }{
		{"guide", pack.GuideName},
		{"manifest", pack.ManifestName},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(bag, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, b)
		})
	}
}

// TestBuildErrors: cases that cannot be built fail with exit 1 and a message
// naming them, write no bundle for themselves and do not stop the others.
func TestBuildErrors(t *testing.T) {
	root := t.TempDir()
	good := filepath.Join(root, "good", "sample")
	copyTree(t, sampleDir, good)
	twin := filepath.Join(root, "twin", "sample") // same bundle name, other case
	copyTree(t, filepath.Join(sampleDir, "订单"), twin)
	upper := filepath.Join(root, "upper", "SAMPLE") // the same on macOS and Windows
	copyTree(t, filepath.Join(sampleDir, "订单"), upper)
	plainFile := filepath.Join(root, "file.txt")
	if err := os.WriteFile(plainFile, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		cases   []string
		out     string
		wantErr []string // pieces of stderr
		built   []string // bundles that must exist afterwards
		absent  []string // bundles that must not
	}{
		{"missing folder", []string{filepath.Join(root, "absent"), good}, "o1", []string{"✗ " + filepath.Join(root, "absent")}, []string{"sample"}, []string{"absent"}},
		{"case is a file", []string{plainFile}, "o2", []string{"not a folder"}, nil, []string{"file.txt"}},
		{"output is a file", []string{good}, "file.txt", []string{"file.txt"}, nil, nil},
		{"same bundle name twice", []string{good, twin}, "o3", []string{"same folder name", twin}, []string{"sample"}, nil},
		{"same name but for case", []string{good, upper}, "o4", []string{"same folder name", upper}, []string{"sample"}, []string{"SAMPLE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(root, tt.out)
			r := run(t, append(append([]string{"build"}, tt.cases...), "-o", out)...)
			if r.code != ExitError {
				t.Fatalf("exit %d, want %d\n%s", r.code, ExitError, r.errOut)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(r.errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.errOut)
				}
			}
			names, _ := readDirNames(out)
			for _, n := range names {
				if strings.Contains(n, ".evipack-tmp-") {
					t.Errorf("staging folder %s left behind", n)
				}
			}
			for _, b := range tt.built {
				if rr := run(t, "verify", filepath.Join(out, b)); rr.code != ExitOK {
					t.Errorf("bundle %s: verify exit %d\n%s", b, rr.code, rr.errOut)
				}
			}
			for _, b := range tt.absent {
				for _, n := range names {
					if n == b {
						t.Errorf("bundle %s was written", b)
					}
				}
			}
		})
	}
	// The first of two same-named cases keeps its bundle.
	for _, o := range []string{"o3", "o4"} {
		m := readManifest(t, filepath.Join(root, o, "sample"))
		if len(m.Items) != len(loadSampleCase(t).Files) {
			t.Errorf("%s: the same-named second case replaced the first bundle: %d items", o, len(m.Items))
		}
	}
}

// TestBuildProgress: progress goes to stderr only on a terminal, never with
// --quiet, and never to stdout.
func TestBuildProgress(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		quiet    bool
		want     bool
	}{
		{"terminal", true, false, true},
		{"terminal, quiet", true, true, false},
		{"pipe", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errOut := testEnv(map[string]string{"SOURCE_DATE_EPOCH": "1790000000"})
			env.IsTerminal = func(io.Writer) bool { return tt.terminal }
			args := []string{"build", sampleCase(t), "-o", filepath.Join(t.TempDir(), "out")}
			if tt.quiet {
				args = append(args, "--quiet")
			}
			if code := Main(context.Background(), args, env); code != ExitOK {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			got := strings.Contains(errOut.String(), "哈希 7/7") && strings.Contains(errOut.String(), "排版 7/7")
			if got != tt.want {
				t.Errorf("progress shown = %v, want %v\nstderr:\n%q", got, tt.want, errOut.String())
			}
			if strings.Contains(out.String(), "哈希") {
				t.Error("progress on stdout")
			}
		})
	}
}

// TestShareJobs: --jobs N builds min(N, cases) cases at once, each free to
// use the N CPUs (at most the machine's); only a lone case gets more
// workers than CPUs, when it asks.
func TestShareJobs(t *testing.T) {
	tests := []struct {
		jobs, cases, cpus   int
		concurrent, perCase int
	}{
		{0, 1, 8, 1, 8},    // default: a lone case uses every CPU
		{0, 50, 8, 8, 8},   // default batch: one case per CPU, each may use all
		{0, 3, 8, 3, 8},    // fewer cases than CPUs
		{1, 50, 8, 1, 1},   // --jobs 1: one case, one worker
		{2, 50, 8, 2, 2},   // --jobs 2: two cases, each may use both CPUs
		{4, 1, 2, 1, 4},    // a lone case: more workers than CPUs if asked
		{16, 50, 2, 16, 2}, // a batch never gets more workers than CPUs per case
		{0, 0, 4, 1, 4},    // no cases: still sane
		{0, 5, 0, 1, 1},    // no CPU count
		{-3, 2, 2, 2, 2},   // negative is the default
	}
	for _, tt := range tests {
		c, p := shareJobs(tt.jobs, tt.cases, tt.cpus)
		if c != tt.concurrent || p != tt.perCase {
			t.Errorf("shareJobs(%d, %d, %d) = %d, %d; want %d, %d", tt.jobs, tt.cases, tt.cpus, c, p, tt.concurrent, tt.perCase)
		}
	}
}

// TestLimitCPUs: --jobs below the number of CPUs caps the runtime's CPUs
// for the build, and the cap is lifted afterwards.
func TestLimitCPUs(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	if before < 2 {
		t.Skip("one CPU")
	}
	restore := limitCPUs(1)
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("GOMAXPROCS under --jobs 1 = %d, want 1", got)
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("GOMAXPROCS after = %d, want %d", got, before)
	}
	for _, jobs := range []int{0, before, before + 3} {
		restore := limitCPUs(jobs)
		if got := runtime.GOMAXPROCS(0); got != before {
			t.Errorf("--jobs %d changed GOMAXPROCS to %d", jobs, got)
		}
		restore()
	}
}
