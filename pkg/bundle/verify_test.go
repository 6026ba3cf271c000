package bundle

import (
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func editFile(t *testing.T, p string, f func(string) string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(f(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyTampered damages a fresh bag in one way per case and checks
// that the report fails and names the file with the right status or the
// right typed problem.
func TestVerifyTampered(t *testing.T) {
	const ev = "data/evidence/E02/bill.csv"
	tests := []struct {
		name       string
		damage     func(t *testing.T, dir string)
		file       string // file whose status is checked
		status     Status
		problemIn  string // file a problem must name ("" for none expected)
		problemIs  error  // error the problem must match (errors.Is), or nil
		problemAs  bool   // the problem must be a *ManifestError
		rootBroken bool
	}{
		{
			name: "payload byte flipped",
			damage: func(t *testing.T, dir string) {
				editFile(t, filepath.Join(dir, ev), func(s string) string {
					b := []byte(s)
					b[3] ^= 0x01
					return string(b)
				})
			},
			file: ev, status: StatusChanged,
		},
		{
			name:   "payload deleted",
			damage: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, ev)) },
			file:   ev, status: StatusMissing, problemIn: "bag-info.txt", // Payload-Oxum no longer matches
		},
		{
			name: "file added under data",
			damage: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "data/evidence/E02/extra.png"), []byte("x"), 0o644)
			},
			file: "data/evidence/E02/extra.png", status: StatusExtra, problemIn: "bag-info.txt",
		},
		{
			name: "manifest line edited",
			damage: func(t *testing.T, dir string) {
				editFile(t, filepath.Join(dir, "manifest-sha256.txt"), func(s string) string {
					return strings.Replace(s, sha([]byte("交易时间,金额\n2025-03-01 10:00:00,88.00\n")), strings.Repeat("0", 64), 1)
				})
			},
			file: "manifest-sha256.txt", status: StatusChanged, rootBroken: true,
		},
		{
			name: "tag file edited",
			damage: func(t *testing.T, dir string) {
				editFile(t, filepath.Join(dir, "evipack.json"), func(s string) string { return strings.Replace(s, "1", "2", 1) })
			},
			file: "evipack.json", status: StatusChanged,
		},
		{
			name: "bag-info root hash edited",
			damage: func(t *testing.T, dir string) {
				editFile(t, filepath.Join(dir, "bag-info.txt"), func(s string) string {
					i := strings.Index(s, "External-Identifier: ") + len("External-Identifier: ")
					return s[:i] + strings.Repeat("f", 64) + s[i+64:]
				})
			},
			file: "bag-info.txt", status: StatusChanged, rootBroken: true,
		},
		{
			name: "tagmanifest hash edited",
			damage: func(t *testing.T, dir string) {
				editFile(t, filepath.Join(dir, "tagmanifest-sha256.txt"), func(s string) string {
					lines := strings.SplitAfter(s, "\n")
					lines[0] = strings.Repeat("e", 64) + lines[0][64:] // bag-info.txt
					return strings.Join(lines, "")
				})
			},
			file: "bag-info.txt", status: StatusChanged,
		},
		{
			name: "tagmanifest garbage line",
			damage: func(t *testing.T, dir string) {
				editFile(t, filepath.Join(dir, "tagmanifest-sha256.txt"), func(s string) string { return s + "not a manifest line\n" })
			},
			problemIn: "tagmanifest-sha256.txt", problemAs: true,
		},
		{
			name: "tagmanifest escapes bag",
			damage: func(t *testing.T, dir string) {
				editFile(t, filepath.Join(dir, "tagmanifest-sha256.txt"), func(s string) string {
					return s + strings.Repeat("0", 64) + "  ../../etc/passwd\n"
				})
			},
			problemIn: "tagmanifest-sha256.txt", problemIs: ErrInsecurePath, problemAs: true,
		},
		{
			name: "payload listed in one manifest only",
			damage: func(t *testing.T, dir string) {
				// A second payload manifest that forgets bill.csv; listed in the tag manifest so only the omission fails.
				var b strings.Builder
				for _, f := range testPayload() {
					if f.path != ev {
						s := sha512.Sum512(f.data)
						b.WriteString(hex.EncodeToString(s[:]) + "  " + f.path + "\n")
					}
				}
				os.WriteFile(filepath.Join(dir, "manifest-sha512.txt"), []byte(b.String()), 0o644)
			},
			problemIn: ev, problemIs: ErrUnlisted,
		},
		{
			name: "symlink in payload",
			damage: func(t *testing.T, dir string) {
				if err := os.Symlink("/etc/passwd", filepath.Join(dir, "data/evidence/link")); err != nil {
					t.Skipf("symlink: %v", err)
				}
			},
			problemIn: "data/evidence/link", problemIs: ErrInsecurePath,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeBag(t, t.TempDir(), "case", Options{ModTime: packTime})
			tt.damage(t, dir)
			rep, err := Verify(context.Background(), dir)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if rep.OK() {
				t.Fatalf("damaged bag verified OK: %+v", rep)
			}
			if tt.file != "" {
				got, ok := rep.File(tt.file)
				if !ok || got.Status != tt.status {
					t.Errorf("%s: got %+v (found %v), want status %s", tt.file, got, ok, tt.status)
				}
			}
			// Nothing else may be reported as changed/missing/extra.
			for _, f := range bad(rep) {
				if f.Path != tt.file && !(tt.name == "manifest line edited" && f.Path == ev) {
					t.Errorf("unexpected %s: %+v", f.Status, f)
				}
			}
			if tt.problemIn != "" {
				found := false
				for _, p := range rep.Problems {
					if p.File != tt.problemIn {
						continue
					}
					if tt.problemIs != nil && !errors.Is(p.Err, tt.problemIs) &&
						!(tt.problemAs && strings.Contains(p.Msg, tt.problemIs.Error())) {
						continue
					}
					var me *ManifestError
					if tt.problemAs && !errors.As(p.Err, &me) {
						continue
					}
					found = true
				}
				if !found {
					t.Errorf("no matching problem in %s: %+v", tt.problemIn, rep.Problems)
				}
			}
			if tt.rootBroken != (rep.RootHash.Checked && !rep.RootHash.Match) {
				t.Errorf("root hash result %+v, broken want %v", rep.RootHash, tt.rootBroken)
			}
		})
	}
}

// writeTree creates files (path → content) under a new temp dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func sha512hex(s string) string {
	h := sha512.Sum512([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestVerifyHandWritten checks bags written by hand: SHA-512 only, CRLF line
// ends with a BOM in bag-info.txt, md5 only, and broken declarations.
func TestVerifyHandWritten(t *testing.T) {
	const hello = "你好, bag\n"
	decl := "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
	sha512Bag := func() map[string]string {
		m := sha512hex(hello) + "  data/hello.txt\n"
		return map[string]string{
			"bagit.txt":              decl,
			"data/hello.txt":         hello,
			"manifest-sha512.txt":    m,
			"tagmanifest-sha512.txt": sha512hex(decl) + " bagit.txt\n" + sha512hex(m) + "\tmanifest-sha512.txt\n",
		}
	}
	tests := []struct {
		name   string
		files  func() map[string]string
		ok     bool
		check  func(t *testing.T, rep *Report)
		errIs  error
		result string
	}{
		{name: "sha512", files: sha512Bag, ok: true, check: func(t *testing.T, rep *Report) {
			if strings.Join(rep.Algorithms, ",") != "sha512" || rep.RootHash.Checked || rep.RootHash.Computed != "" {
				t.Errorf("algorithms %v root %+v", rep.Algorithms, rep.RootHash)
			}
		}},
		{name: "sha512 changed", files: func() map[string]string {
			m := sha512Bag()
			m["data/hello.txt"] = "hallo\n"
			return m
		}},
		{name: "CRLF and BOM in bag-info", ok: true, files: func() map[string]string {
			m := sha512Bag()
			m["bagit.txt"] = strings.ReplaceAll(decl, "\n", "\r\n")
			m["manifest-sha512.txt"] = strings.ReplaceAll(m["manifest-sha512.txt"], "\n", "\r\n")
			m["bag-info.txt"] = "\uFEFFBagging-Date: 2025-01-01\r\nPayload-Oxum: " + itoa(len(hello)) + ".1\r\nExternal-Description: a\r\n  folded value\r\n"
			delete(m, "tagmanifest-sha512.txt")
			return m
		}, check: func(t *testing.T, rep *Report) {
			if len(rep.BagInfo) != 3 || rep.BagInfo[0].Label != "Bagging-Date" || rep.BagInfo[2].Value != "a folded value" {
				t.Errorf("bag-info %+v", rep.BagInfo)
			}
			if rep.PayloadOxum == nil || !rep.PayloadOxum.Match {
				t.Errorf("oxum %+v", rep.PayloadOxum)
			}
			if f, _ := rep.File("bag-info.txt"); f.Status != StatusUntracked {
				t.Errorf("bag-info.txt %+v, want untracked", f)
			}
		}},
		{name: "md5 only", ok: true, files: func() map[string]string {
			return map[string]string{
				"bagit.txt":        decl,
				"data/hello.txt":   hello,
				"manifest-md5.txt": md5hex(hello) + "  data/hello.txt\n",
			}
		}, check: func(t *testing.T, rep *Report) {
			if len(rep.Notes) == 0 || !strings.Contains(rep.Notes[0], "md5") {
				t.Errorf("no weak-algorithm note: %v", rep.Notes)
			}
		}},
		{name: "unknown algorithm only", files: func() map[string]string {
			m := sha512Bag()
			m["manifest-blake3.txt"] = m["manifest-sha512.txt"]
			delete(m, "manifest-sha512.txt")
			delete(m, "tagmanifest-sha512.txt")
			return m
		}, check: func(t *testing.T, rep *Report) {
			if !errors.Is(rep.Problems[0].Err, ErrMissing) {
				t.Errorf("problems %+v", rep.Problems)
			}
		}},
		{name: "BOM in bagit.txt", files: func() map[string]string {
			m := sha512Bag()
			m["bagit.txt"] = "\uFEFF" + decl
			delete(m, "tagmanifest-sha512.txt")
			return m
		}},
		{name: "third line in bagit.txt", files: func() map[string]string {
			m := sha512Bag()
			m["bagit.txt"] = decl + "Extra: x\n"
			delete(m, "tagmanifest-sha512.txt")
			return m
		}},
		{name: "tab after colon in bagit.txt", files: func() map[string]string {
			m := sha512Bag()
			m["bagit.txt"] = "BagIt-Version:\t1.0\nTag-File-Character-Encoding: UTF-8\n"
			delete(m, "tagmanifest-sha512.txt")
			return m
		}},
		{name: "no bagit.txt", errIs: ErrNotBag, files: func() map[string]string {
			m := sha512Bag()
			delete(m, "bagit.txt")
			return m
		}},
		{name: "wrong checksum length", files: func() map[string]string {
			m := sha512Bag()
			m["manifest-sha512.txt"] = md5hex(hello) + "  data/hello.txt\n"
			delete(m, "tagmanifest-sha512.txt")
			return m
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files())
			rep, err := Verify(context.Background(), dir)
			if tt.errIs != nil {
				if !errors.Is(err, tt.errIs) {
					t.Fatalf("Verify error %v, want %v", err, tt.errIs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if rep.OK() != tt.ok {
				t.Errorf("OK() = %v, want %v; problems %+v files %+v", rep.OK(), tt.ok, rep.Problems, rep.Files)
			}
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

func TestVerifyCancelled(t *testing.T) {
	dir := writeBag(t, t.TempDir(), "case", Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Verify(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Errorf("Verify with cancelled ctx: %v", err)
	}
}

func TestVerifyNotADir(t *testing.T) {
	if _, err := Verify(context.Background(), filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("Verify of a missing dir succeeded")
	}
	if _, err := Verify(context.Background(), t.TempDir()); !errors.Is(err, ErrNotBag) {
		t.Errorf("Verify of an empty dir: %v, want ErrNotBag", err)
	}
}

// TestConformanceV1Reasons checks that the v1.0 invalid bags fail for the
// reason they were made for.
func TestConformanceV1Reasons(t *testing.T) {
	base := filepath.Join(conformanceDir, "v1.0", "invalid")
	requireShared(t, base)
	tests := []struct {
		bag  string
		want func(rep *Report) bool
	}{
		{"bagit-with-invalid-whitespace", func(rep *Report) bool { return hasManifestError(rep, "bagit.txt") }},
		{"same-filename-listed-twice-with-the-same-hash", func(rep *Report) bool { return hasManifestError(rep, "manifest-sha256.txt") }},
		{"same-filename-listed-twice-with-different-hashes", func(rep *Report) bool { return hasManifestError(rep, "manifest-sha256.txt") }},
		{"notAllManifestsListAllFiles", func(rep *Report) bool {
			f, _ := rep.File("data/missingFromManifest.txt")
			return f.Status == StatusExtra
		}},
	}
	for _, tt := range tests {
		t.Run(tt.bag, func(t *testing.T) {
			rep, err := Verify(context.Background(), filepath.Join(base, tt.bag))
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || !tt.want(rep) {
				t.Errorf("wrong verdict: problems %+v files %+v", rep.Problems, rep.Files)
			}
		})
	}
}

func hasManifestError(rep *Report, file string) bool {
	for _, p := range rep.Problems {
		var me *ManifestError
		if errors.As(p.Err, &me) && me.File == file {
			return true
		}
	}
	return false
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func itoa(n int) string { return strconv.Itoa(n) }
