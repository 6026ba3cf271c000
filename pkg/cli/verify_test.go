package cli

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/evipack/evipack/pkg/pack"
)

// verifyDoc is one --json document of `evipack verify`.
type verifyDoc struct {
	Bundle string `json:"bundle"`
	OK     bool   `json:"ok"`
	Error  string `json:"error"`
	Report *struct {
		Files []struct {
			Path   string `json:"path"`
			Status string `json:"status"`
		} `json:"files"`
		RootHash struct {
			Checked bool `json:"checked"`
			Match   bool `json:"match"`
		} `json:"root_hash"`
		Problems []struct {
			File string `json:"file"`
			Msg  string `json:"msg"`
		} `json:"problems"`
	} `json:"report"`
}

func verifyJSON(t *testing.T, bag string) (result, []verifyDoc) {
	t.Helper()
	r := run(t, "verify", bag, "--json")
	var docs []verifyDoc
	dec := json.NewDecoder(strings.NewReader(r.out))
	for dec.More() {
		var d verifyDoc
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("verify --json stdout does not parse: %v\n%s", err, r.out)
		}
		docs = append(docs, d)
	}
	return r, docs
}

// status returns the status of path in the report, or "" when not listed.
func (d verifyDoc) status(path string) string {
	if d.Report == nil {
		return ""
	}
	for _, f := range d.Report.Files {
		if f.Path == path {
			return f.Status
		}
	}
	return ""
}

func TestVerifyFresh(t *testing.T) {
	bag := builtSample(t)
	r := run(t, "verify", bag)
	if r.code != ExitOK {
		t.Fatalf("verify fresh bundle: exit %d\n%s", r.code, r.errOut)
	}
	if !strings.Contains(r.errOut, "✓") || r.out != "" {
		t.Errorf("stdout %q stderr %q: want only a ✓ line on stderr", r.out, r.errOut)
	}
	r, docs := verifyJSON(t, bag)
	if r.code != ExitOK || len(docs) != 1 || !docs[0].OK || docs[0].Report == nil {
		t.Fatalf("verify --json: exit %d, %+v", r.code, docs)
	}
	d := docs[0]
	if !d.Report.RootHash.Checked || !d.Report.RootHash.Match {
		t.Errorf("root hash not checked or not matching: %+v", d.Report.RootHash)
	}
	for _, f := range d.Report.Files {
		if f.Status != "ok" {
			t.Errorf("%s: %s on a fresh bundle", f.Path, f.Status)
		}
	}
	if d.status(pack.ReportPath) != "ok" || d.status("bag-info.txt") != "ok" {
		t.Errorf("report does not list the PDF and bag-info.txt as ok: %+v", d.Report.Files)
	}
}

// payloadFiles lists every file under data/ of bag, slash-separated.
func payloadFiles(t *testing.T, bag string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(bag, "data"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(bag, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// editFile applies fn to the bytes of bag/rel.
func editFile(t *testing.T, bag, rel string, fn func([]byte) []byte) {
	t.Helper()
	p := filepath.Join(bag, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, fn(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceLine edits the manifest line that ends with "  "+path by fn.
func replaceLine(t *testing.T, bag, manifest, path string, fn func(line string) string) {
	t.Helper()
	editFile(t, bag, manifest, func(b []byte) []byte {
		lines := strings.Split(string(b), "\n")
		for i, l := range lines {
			if strings.HasSuffix(l, "  "+path) {
				lines[i] = fn(l)
				return []byte(strings.Join(lines, "\n"))
			}
		}
		t.Fatalf("%s has no line for %s", manifest, path)
		return nil
	})
}

// otherHex changes the first hex digit of a manifest line.
func otherHex(line string) string {
	c := byte('0')
	if line[0] == '0' {
		c = '1'
	}
	return string(c) + line[1:]
}

func TestVerifyTampered(t *testing.T) {
	type tamper struct {
		name   string
		change func(t *testing.T, bag string)
		// want maps a path that must be reported to its status.
		want map[string]string
	}
	tests := []tamper{}
	for _, p := range payloadFiles(t, builtSample(t)) {
		p := p
		tests = append(tests, tamper{
			name: "flip a byte of " + p,
			change: func(t *testing.T, bag string) {
				editFile(t, bag, p, func(b []byte) []byte { b[len(b)/2] ^= 0x01; return b })
			},
			want: map[string]string{p: "changed"},
		})
	}
	evidence1 := readManifest(t, builtSample(t)).Items[0].BagPath
	tests = append(tests,
		tamper{
			name:   "delete a payload file",
			change: func(t *testing.T, bag string) { mustRemove(t, filepath.Join(bag, filepath.FromSlash(evidence1))) },
			want:   map[string]string{evidence1: "missing"},
		},
		tamper{
			name: "truncate a payload file",
			change: func(t *testing.T, bag string) {
				p := filepath.Join(bag, filepath.FromSlash(evidence1))
				st, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Truncate(p, st.Size()/2); err != nil {
					t.Fatal(err)
				}
			},
			want: map[string]string{evidence1: "changed"},
		},
		tamper{
			name: "rename a payload file",
			change: func(t *testing.T, bag string) {
				p := filepath.Join(bag, filepath.FromSlash(evidence1))
				if err := os.Rename(p, p+".renamed"); err != nil {
					t.Fatal(err)
				}
			},
			want: map[string]string{evidence1: "missing", evidence1 + ".renamed": "extra"},
		},
		tamper{
			name: "delete the report",
			change: func(t *testing.T, bag string) {
				mustRemove(t, filepath.Join(bag, filepath.FromSlash(pack.ReportPath)))
			},
			want: map[string]string{pack.ReportPath: "missing"},
		},
		tamper{
			name: "add a file under data/evidence",
			change: func(t *testing.T, bag string) {
				dir := filepath.Join(bag, "data", "evidence", "07")
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "补充.txt"), []byte("后加的文件\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: map[string]string{"data/evidence/07/补充.txt": "extra"},
		},
		tamper{
			name: "add an empty file next to an exhibit",
			change: func(t *testing.T, bag string) {
				p := filepath.Join(bag, filepath.FromSlash(filepath.Dir(evidence1)), "x.jpg")
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: map[string]string{filepath.ToSlash(filepath.Dir(evidence1)) + "/x.jpg": "extra"},
		},
		tamper{
			name: "edit a hash in manifest-sha256.txt",
			change: func(t *testing.T, bag string) {
				replaceLine(t, bag, "manifest-sha256.txt", evidence1, otherHex)
			},
			want: map[string]string{evidence1: "changed", "manifest-sha256.txt": "changed"},
		},
		tamper{
			name: "edit a hash in tagmanifest-sha256.txt",
			change: func(t *testing.T, bag string) {
				replaceLine(t, bag, "tagmanifest-sha256.txt", pack.ManifestName, otherHex)
			},
			want: map[string]string{pack.ManifestName: "changed"},
		},
		tamper{
			name: "edit bag-info.txt",
			change: func(t *testing.T, bag string) {
				editFile(t, bag, "bag-info.txt", func(b []byte) []byte {
					return []byte(strings.Replace(string(b), "Bag-Count: 1 of 1", "Bag-Count: 1 of 2", 1))
				})
			},
			want: map[string]string{"bag-info.txt": "changed"},
		},
		tamper{
			name: "edit evipack.json",
			change: func(t *testing.T, bag string) {
				editFile(t, bag, pack.ManifestName, func(b []byte) []byte {
					return []byte(strings.Replace(string(b), "张小明", "李小明", 1))
				})
			},
			want: map[string]string{pack.ManifestName: "changed"},
		},
	)

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bag := bundleCopy(t)
			before := snapshot(t, bag)
			tt.change(t, bag)
			if len(diffTrees(before, snapshot(t, bag))) == 0 {
				t.Fatal("the tampering changed nothing")
			}

			r := run(t, "verify", bag)
			if r.code != ExitFailed {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, ExitFailed, r.errOut)
			}
			for p := range tt.want {
				if !strings.Contains(r.errOut, p) {
					t.Errorf("stderr does not name %s:\n%s", p, r.errOut)
				}
			}
			if !strings.Contains(r.errOut, "✗") {
				t.Errorf("stderr has no failure line:\n%s", r.errOut)
			}

			r, docs := verifyJSON(t, bag)
			if r.code != ExitFailed || len(docs) != 1 {
				t.Fatalf("--json: exit %d, %d documents", r.code, len(docs))
			}
			d := docs[0]
			if d.OK || d.Report == nil {
				t.Fatalf("--json says ok=%v report=%v", d.OK, d.Report != nil)
			}
			for p, want := range tt.want {
				if got := d.status(p); got != want {
					t.Errorf("--json status of %s is %q, want %q", p, got, want)
				}
			}
		})
	}
}

// TestVerifyErrors: what is not a bag is an error (exit 1), and the worst
// result of several bundles decides the exit code.
func TestVerifyErrors(t *testing.T) {
	good := builtSample(t)
	notBag := t.TempDir()
	tampered := bundleCopy(t)
	editFile(t, tampered, pack.GuideName, func(b []byte) []byte { return append(b, '!') })

	tests := []struct {
		name string
		args []string
		want int
	}{
		{"missing folder", []string{filepath.Join(notBag, "nope")}, ExitError},
		{"empty folder", []string{notBag}, ExitError},
		{"good and tampered", []string{good, tampered}, ExitFailed},
		{"good and not a bag", []string{good, notBag}, ExitError},
		// A failed verification outranks a folder that could not be read.
		{"tampered and not a bag", []string{tampered, notBag}, ExitFailed},
		{"two good", []string{good, good}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"verify", "--json"}, tt.args...)...)
			if r.code != tt.want {
				t.Errorf("exit %d, want %d\n%s", r.code, tt.want, r.errOut)
			}
			// One line per bundle, in the order they finish, then a
			// summary if there are several.
			lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
			want := len(tt.args)
			if want > 1 {
				want++
			}
			if len(lines) != want {
				t.Fatalf("%d lines for %d bundles:\n%s", len(lines), len(tt.args), r.out)
			}
			var got []string
			for _, l := range lines[:len(tt.args)] {
				var d verifyDoc
				if err := json.Unmarshal([]byte(l), &d); err != nil {
					t.Fatalf("line does not parse: %v\n%s", err, l)
				}
				got = append(got, d.Bundle)
			}
			names := slices.Clone(tt.args)
			slices.Sort(got)
			slices.Sort(names)
			if !slices.Equal(got, names) {
				t.Errorf("lines are about %v, want %v", got, names)
			}
			if len(tt.args) == 1 {
				return
			}
			var sum struct {
				Summary map[string]int `json:"summary"`
			}
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil || sum.Summary["bundles"] != len(tt.args) || sum.Summary["exit_code"] != tt.want {
				t.Errorf("summary line %s (%v); want %d bundles, exit code %d", lines[len(lines)-1], err, len(tt.args), tt.want)
			}
		})
	}
}

func mustRemove(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}
