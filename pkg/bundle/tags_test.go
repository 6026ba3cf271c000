package bundle

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// treeBytes reads every regular file under dir by slash path.
func treeBytes(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// tagEntries returns the paths listed in the bag's tagmanifest-<alg>.txt.
func tagEntries(t *testing.T, dir, alg string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "tagmanifest-"+alg+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ParseManifest(f, "tagmanifest-"+alg+".txt", alg)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Path)
	}
	slices.Sort(out)
	return out
}

func TestUpdateTags(t *testing.T) {
	base := []string{"bag-info.txt", "bagit.txt", "evipack.json", "manifest-sha256.txt", "核验说明.txt"}
	tests := []struct {
		name   string
		prep   func(t *testing.T, dir string) // optional changes before UpdateTags
		files  map[string][]byte
		listed []string // tagmanifest-sha256.txt paths afterwards
		algs   []string // tag manifests afterwards
	}{
		{
			name:   "add",
			files:  map[string][]byte{"evipack-timestamp.tsq": []byte("\x30\x03\x02\x01\x01")},
			listed: append(slices.Clone(base), "evipack-timestamp.tsq"),
		},
		{
			name:   "replace",
			files:  map[string][]byte{"evipack.json": []byte("{\n  \"schema\": 2\n}\n")},
			listed: base,
		},
		{
			name:   "remove",
			files:  map[string][]byte{"核验说明.txt": nil},
			listed: []string{"bag-info.txt", "bagit.txt", "evipack.json", "manifest-sha256.txt"},
		},
		{
			name:   "remove absent and write empty",
			files:  map[string][]byte{"gone.txt": nil, "empty.txt": {}},
			listed: append(slices.Clone(base), "empty.txt"),
		},
		{
			name:   "unicode name",
			files:  map[string][]byte{"时间戳 说明.txt": []byte("可信时间\n")},
			listed: append(slices.Clone(base), "时间戳 说明.txt"),
		},
		{
			name:   "nothing",
			files:  nil,
			listed: base,
		},
		{
			name: "untracked file stays untracked",
			prep: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "note.txt"), []byte("later\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			files:  map[string][]byte{"a.txt": []byte("a")},
			listed: append(slices.Clone(base), "a.txt"),
		},
		{
			name: "second tag manifest",
			prep: func(t *testing.T, dir string) {
				var b strings.Builder
				for _, n := range base {
					data, err := os.ReadFile(filepath.Join(dir, n))
					if err != nil {
						t.Fatal(err)
					}
					s := sha512.Sum512(data)
					b.WriteString(FormatManifestLine(hex.EncodeToString(s[:]), n))
				}
				if err := os.WriteFile(filepath.Join(dir, "tagmanifest-sha512.txt"), []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			files:  map[string][]byte{"evipack.json": []byte("{}\n"), "b.txt": []byte("b")},
			listed: append(slices.Clone(base), "b.txt"),
			algs:   []string{"sha256", "sha512"},
		},
		{
			name: "no tag manifest yet",
			prep: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "tagmanifest-sha256.txt")); err != nil {
					t.Fatal(err)
				}
			},
			files: map[string][]byte{"evipack.json": []byte("{}\n")},
			// 核验说明.txt is not a BagIt file and was never listed.
			listed: []string{"bag-info.txt", "bagit.txt", "evipack.json", "manifest-sha256.txt"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeBag(t, t.TempDir(), "case", Options{ModTime: packTime})
			if tc.prep != nil {
				tc.prep(t, dir)
			}
			before := treeBytes(t, dir)
			dirInfo, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := UpdateTags(dir, tc.files); err != nil {
				t.Fatalf("UpdateTags: %v", err)
			}
			after := treeBytes(t, dir)

			for name, b := range tc.files {
				got, ok := after[name]
				switch {
				case b == nil && ok:
					t.Errorf("%s still present", name)
				case b != nil && got != string(b):
					t.Errorf("%s = %q, want %q", name, got, b)
				}
			}
			// Nothing else changed, no temporary file is left.
			for p, old := range before {
				if _, touched := tc.files[p]; touched || strings.HasPrefix(p, "tagmanifest-") {
					continue
				}
				if after[p] != old {
					t.Errorf("%s changed", p)
				}
			}
			for p := range after {
				if strings.Contains(p, "evipack-tmp") {
					t.Errorf("temporary file left: %s", p)
				}
			}
			if got := tagEntries(t, dir, "sha256"); !slices.Equal(got, slices.Sorted(slices.Values(tc.listed))) {
				t.Errorf("tagmanifest-sha256.txt lists %q, want %q", got, tc.listed)
			}
			rep, err := Verify(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Errorf("bag does not verify after UpdateTags: %+v %+v", rep.Problems, bad(rep))
			}
			algs := tc.algs
			if algs == nil {
				algs = []string{"sha256"}
			}
			if !slices.Equal(rep.TagAlgorithms, algs) {
				t.Errorf("tag algorithms %v, want %v", rep.TagAlgorithms, algs)
			}
			// Times: new files carry the bag's time, the folder keeps its own.
			for name, b := range tc.files {
				if b == nil {
					continue
				}
				fi, err := os.Stat(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if !fi.ModTime().Equal(packTime) || fi.Mode().Perm() != 0o644 {
					t.Errorf("%s: time %v mode %v, want %v 0644", name, fi.ModTime(), fi.Mode(), packTime)
				}
			}
			if fi, err := os.Stat(dir); err != nil || !fi.ModTime().Equal(dirInfo.ModTime()) {
				t.Errorf("bag folder time changed: %v → %v", dirInfo.ModTime(), fi.ModTime())
			}
		})
	}
}

// TestUpdateTagsIdempotent: the same update twice leaves the same bytes.
func TestUpdateTagsIdempotent(t *testing.T) {
	dir := writeBag(t, t.TempDir(), "case", Options{ModTime: packTime})
	files := map[string][]byte{"evipack-timestamp.tsq": []byte("req"), "evipack.json": []byte("{}\n")}
	if err := UpdateTags(dir, files); err != nil {
		t.Fatal(err)
	}
	first := treeBytes(t, dir)
	if err := UpdateTags(dir, files); err != nil {
		t.Fatal(err)
	}
	if second := treeBytes(t, dir); !maps.Equal(first, second) {
		t.Error("second identical UpdateTags changed the bag")
	}
}

func TestUpdateTagsRefuses(t *testing.T) {
	tests := []struct {
		name  string
		prep  func(t *testing.T, dir string)
		files map[string][]byte
		want  error
	}{
		{name: "bagit.txt", files: map[string][]byte{"bagit.txt": []byte("x")}, want: ErrInsecurePath},
		{name: "fetch.txt", files: map[string][]byte{"fetch.txt": []byte("x")}, want: ErrInsecurePath},
		{name: "manifest", files: map[string][]byte{"manifest-sha256.txt": nil}, want: ErrInsecurePath},
		{name: "tag manifest", files: map[string][]byte{"tagmanifest-sha256.txt": []byte("x")}, want: ErrInsecurePath},
		{name: "upper-case tag manifest", files: map[string][]byte{"TagManifest-sha512.txt": []byte("x")}, want: ErrInsecurePath},
		{name: "data", files: map[string][]byte{"data": []byte("x")}, want: ErrInsecurePath},
		{name: "sub folder", files: map[string][]byte{"meta/x.txt": []byte("x")}, want: ErrInsecurePath},
		{name: "payload", files: map[string][]byte{"data/evidence/x": []byte("x")}, want: ErrInsecurePath},
		{name: "dot dot", files: map[string][]byte{"../x.txt": []byte("x")}, want: ErrInsecurePath},
		{name: "absolute", files: map[string][]byte{"/tmp/x.txt": []byte("x")}, want: ErrInsecurePath},
		{name: "empty name", files: map[string][]byte{"": []byte("x")}, want: ErrInsecurePath},
		{name: "backslash", files: map[string][]byte{`a\b`: []byte("x")}, want: ErrInsecurePath},
		{name: "percent", files: map[string][]byte{"100%.txt": []byte("x")}, want: ErrInsecurePath},
		{name: "newline", files: map[string][]byte{"a\nb": []byte("x")}, want: ErrInsecurePath},
		{name: "invalid utf-8", files: map[string][]byte{"a\xff": []byte("x")}, want: ErrInsecurePath},
		{name: "case collision", files: map[string][]byte{"EVIPACK.json": []byte("x")}, want: ErrCollision},
		{name: "case collision with bag-info", files: map[string][]byte{"核验说明.txt": []byte("x"), "Bag-Info.TXT": []byte("x")}, want: ErrCollision},
		{
			name: "normalisation collision",
			prep: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "caf\u00e9.txt"), []byte("nfc"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			files: map[string][]byte{"cafe\u0301.txt": []byte("nfd")},
			want:  ErrCollision,
		},
		{
			name: "changed tag file is not laundered",
			prep: func(t *testing.T, dir string) {
				editFile(t, filepath.Join(dir, "bag-info.txt"), func(s string) string {
					return strings.Replace(s, "case-1", "case-2", 1)
				})
			},
			files: map[string][]byte{"evipack-timestamp.tsq": []byte("x")},
			want:  ErrHashMismatch,
		},
		{
			name: "changed payload manifest is not laundered",
			prep: func(t *testing.T, dir string) {
				editFile(t, filepath.Join(dir, "manifest-sha256.txt"), func(s string) string { return s + "\n" })
			},
			files: map[string][]byte{"evipack.json": []byte("{}")},
			want:  ErrHashMismatch,
		},
		{
			name: "listed tag file deleted",
			prep: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "核验说明.txt")); err != nil {
					t.Fatal(err)
				}
			},
			files: map[string][]byte{"evipack.json": []byte("{}")},
			want:  ErrMissing,
		},
		{
			name: "not a bag",
			prep: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "bagit.txt")); err != nil {
					t.Fatal(err)
				}
			},
			files: map[string][]byte{"evipack.json": []byte("{}")},
			want:  ErrNotBag,
		},
		{
			name: "existing folder",
			prep: func(t *testing.T, dir string) {
				if err := os.Mkdir(filepath.Join(dir, "extra"), 0o755); err != nil {
					t.Fatal(err)
				}
			},
			files: map[string][]byte{"extra": []byte("x")},
			want:  ErrInsecurePath,
		},
		{
			name: "symlinked tag file",
			prep: func(t *testing.T, dir string) {
				if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link.txt")); err != nil {
					t.Skip("symlinks unsupported:", err)
				}
			},
			files: map[string][]byte{"link.txt": []byte("x")},
			want:  ErrInsecurePath,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeBag(t, t.TempDir(), "case", Options{ModTime: packTime})
			if tc.prep != nil {
				tc.prep(t, dir)
			}
			before := treeBytes(t, dir)
			err := UpdateTags(dir, tc.files)
			if !errors.Is(err, tc.want) {
				t.Fatalf("UpdateTags = %v, want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "update tags "+dir+": ") {
				t.Errorf("error %q does not name the operation and bag", err)
			}
			if after := treeBytes(t, dir); !maps.Equal(before, after) {
				t.Error("a refused UpdateTags changed the bag")
			}
		})
	}
}

// TestUpdateTagsSha256sum: the rewritten tag manifest checks with plain
// sha256sum, as 核验说明.txt tells people to do.
func TestUpdateTagsSha256sum(t *testing.T) {
	if _, err := exec.LookPath("sha256sum"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("sha256sum not found under CI")
		}
		t.Skip("sha256sum not found")
	}
	dir := writeBag(t, t.TempDir(), "case", Options{ModTime: time.Unix(1790000000, 0)})
	err := UpdateTags(dir, map[string][]byte{
		"evipack-timestamp.tsr":       []byte("\x30\x00token"),
		"evipack-timestamp-chain.pem": []byte("-----BEGIN CERTIFICATE-----\n"),
		"evipack.json":                []byte("{\n  \"timestamp\": {}\n}\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sha256sum", "-c", "--strict", "tagmanifest-sha256.txt")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sha256sum -c: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), ": OK"); n != 7 {
		t.Errorf("sha256sum checked %d files, want 7:\n%s", n, out)
	}
	// And it notices a later change to a new tag file.
	if err := os.WriteFile(filepath.Join(dir, "evipack-timestamp.tsr"), []byte("forged"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command("sha256sum", "-c", "--quiet", "tagmanifest-sha256.txt")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("sha256sum did not notice the changed token:\n%s", out)
	}
}
