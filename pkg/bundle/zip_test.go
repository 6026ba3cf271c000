package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// unicodePayload has names intake must survive: Chinese, NFD, spaces, "%",
// CR and LF, plus stored (PNG, PDF) and deflated (text) content.
func unicodePayload() []payloadFile {
	return []payloadFile{
		{"data/evidence/E01/微信支付截图.png", []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("png", 50))},
		{"data/evidence/E02/" + norm.NFD.String("Núñez 账单.csv"), []byte("交易时间,金额\n2025-03-01 10:00:00,88.00\n")},
		{"data/evidence/E03/chat log 聊天记录.txt", []byte(strings.Repeat("卖家: 马上发货\n", 40))},
		{"data/evidence/E04/100% 退款.txt", []byte("退款 100%\n")},
		{"data/evidence/E05/line\nbreak\rname.txt", []byte("x")},
		{"data/evidence/E06/empty.txt", nil},
		{"data/report/complaint.pdf", []byte("%PDF-1.7\n%%EOF\n")},
	}
}

// writeUnicodeBag writes unicodePayload as a committed bag and returns its folder.
func writeUnicodeBag(t testing.TB, outDir string) string {
	t.Helper()
	w, err := Create(outDir, "case", Options{ModTime: packTime})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, f := range unicodePayload() {
		if err := w.AddBytes(f.path, f.data); err != nil {
			t.Fatalf("AddBytes %q: %v", f.path, err)
		}
	}
	if err := w.AddTagFile("evipack.json", []byte(`{"schema":1}`+"\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTagFile("核验说明.txt", []byte("请用 evipack verify 核验。\n")); err != nil {
		t.Fatal(err)
	}
	dir, err := w.Commit(BagInfo{Software: "evipack test", BaggingDate: packTime})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func zipBytes(t testing.TB, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteZip(context.Background(), &buf, dir, "case", packTime); err != nil {
		t.Fatalf("WriteZip: %v", err)
	}
	return buf.Bytes()
}

func verifyZipBytes(b []byte, opts VerifyOptions) (*Report, error) {
	return VerifyZip(context.Background(), bytes.NewReader(b), int64(len(b)), opts)
}

func TestWriteZipDeterministic(t *testing.T) {
	a := zipBytes(t, writeUnicodeBag(t, t.TempDir()))
	again := zipBytes(t, writeUnicodeBag(t, t.TempDir()))
	if !bytes.Equal(a, again) {
		t.Fatalf("two zips of equal bags differ (%d vs %d bytes)", len(a), len(again))
	}

	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		wantMode := fs.FileMode(0o644)
		if strings.HasSuffix(f.Name, "/") {
			wantMode = fs.ModeDir | 0o755
		}
		if f.Mode() != wantMode {
			t.Errorf("%q: mode %v, want %v", f.Name, f.Mode(), wantMode)
		}
		if !f.Modified.Equal(packTime) {
			t.Errorf("%q: modified %v, want %v", f.Name, f.Modified, packTime)
		}
		if got := f.ModTime(); got.Hour() != packTime.Hour() || got.Minute() != packTime.Minute() {
			t.Errorf("%q: MS-DOS time %v, want wall clock of %v", f.Name, got, packTime)
		}
		wantMethod := zip.Deflate
		switch ext := strings.ToLower(filepath.Ext(f.Name)); {
		case strings.HasSuffix(f.Name, "/"), ext == ".png", ext == ".pdf":
			wantMethod = zip.Store
		}
		if f.Method != wantMethod {
			t.Errorf("%q: method %d, want %d", f.Name, f.Method, wantMethod)
		}
		if f.Method == zip.Store && f.Flags&0x8 != 0 {
			t.Errorf("%q: stored entry with a data descriptor", f.Name)
		}
	}
	want := []string{
		"case/",
		"case/bagit.txt",
		"case/bag-info.txt",
		"case/manifest-sha256.txt",
		"case/tagmanifest-sha256.txt",
		"case/evipack.json",
		"case/核验说明.txt",
		"case/data/",
		"case/data/evidence/",
		"case/data/evidence/E01/",
		"case/data/evidence/E01/微信支付截图.png",
		"case/data/evidence/E02/",
		"case/data/evidence/E02/" + norm.NFD.String("Núñez 账单.csv"),
		"case/data/evidence/E03/",
		"case/data/evidence/E03/chat log 聊天记录.txt",
		"case/data/evidence/E04/",
		"case/data/evidence/E04/100% 退款.txt",
		"case/data/evidence/E05/",
		"case/data/evidence/E05/line\nbreak\rname.txt",
		"case/data/evidence/E06/",
		"case/data/evidence/E06/empty.txt",
		"case/data/report/",
		"case/data/report/complaint.pdf",
	}
	if !slices.Equal(names, want) {
		t.Errorf("entries\n%q\nwant\n%q", names, want)
	}
	// The content is the bag's, byte for byte.
	for _, p := range unicodePayload() {
		f, err := zr.Open("case/" + p.path)
		if err != nil {
			t.Errorf("open %q: %v", p.path, err)
			continue
		}
		got, err := io.ReadAll(f)
		f.Close()
		if err != nil || !bytes.Equal(got, p.data) {
			t.Errorf("%q: content %q (%v), want %q", p.path, got, err, p.data)
		}
	}
}

// rawZipFlags parses the central directory and the local headers of a zip
// directly and returns the general purpose flags of each entry by name
// (central and local).
func rawZipFlags(t *testing.T, b []byte) map[string][2]uint16 {
	t.Helper()
	le := binary.LittleEndian
	eocd := bytes.LastIndex(b, []byte("PK\x05\x06"))
	if eocd < 0 || eocd+22 > len(b) {
		t.Fatal("no end of central directory record")
	}
	count := int(le.Uint16(b[eocd+10:]))
	off := int(le.Uint32(b[eocd+16:]))
	out := map[string][2]uint16{}
	for range count {
		if off+46 > len(b) || string(b[off:off+4]) != "PK\x01\x02" {
			t.Fatalf("bad central header at %d", off)
		}
		flags := le.Uint16(b[off+8:])
		nameLen, extraLen, commentLen := int(le.Uint16(b[off+28:])), int(le.Uint16(b[off+30:])), int(le.Uint16(b[off+32:]))
		local := int(le.Uint32(b[off+42:]))
		name := string(b[off+46 : off+46+nameLen])
		if local+30 > len(b) || string(b[local:local+4]) != "PK\x03\x04" {
			t.Fatalf("bad local header for %q", name)
		}
		out[name] = [2]uint16{flags, le.Uint16(b[local+6:])}
		off += 46 + nameLen + extraLen + commentLen
	}
	return out
}

func TestWriteZipUTF8Flag(t *testing.T) {
	b := zipBytes(t, writeUnicodeBag(t, t.TempDir()))
	flags := rawZipFlags(t, b)
	nonASCII := 0
	for name, fl := range flags {
		if !utf8.ValidString(name) {
			t.Errorf("%q: name is not UTF-8", name)
		}
		for i, where := range []string{"central", "local"} {
			if fl[i]&0x800 == 0 {
				t.Errorf("%q: UTF-8 flag (bit 11) not set in the %s header (flags %#04x)", name, where, fl[i])
			}
		}
		if strings.ContainsFunc(name, func(r rune) bool { return r >= utf8.RuneSelf }) {
			nonASCII++
		}
	}
	if len(flags) != 23 || nonASCII < 5 {
		t.Errorf("%d entries, %d non-ASCII; the test bag should have 23 and at least 5", len(flags), nonASCII)
	}
}

func TestWriteZipTime(t *testing.T) {
	dir := writeUnicodeBag(t, t.TempDir())
	for _, mt := range []time.Time{{}, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)} {
		var buf bytes.Buffer
		if err := WriteZip(context.Background(), &buf, dir, "case", mt); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if !f.Modified.Equal(minZipTime) {
				t.Fatalf("time %v: %q modified %v, want 1980-01-01", mt, f.Name, f.Modified)
			}
		}
	}
}

func TestWriteZipRefuses(t *testing.T) {
	dir := writeUnicodeBag(t, t.TempDir())
	for _, root := range []string{"", "a/b", "..", `a\b`, "C:x"} {
		if err := WriteZip(context.Background(), io.Discard, dir, root, packTime); !errors.Is(err, ErrInsecurePath) {
			t.Errorf("root %q: %v, want ErrInsecurePath", root, err)
		}
	}
	if err := WriteZip(context.Background(), io.Discard, t.TempDir(), "case", packTime); !errors.Is(err, ErrNotBag) {
		t.Errorf("empty folder: %v, want ErrNotBag", err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "data", "link")); err != nil {
		t.Skip("no symlinks:", err)
	}
	err := WriteZip(context.Background(), io.Discard, dir, "case", packTime)
	if !errors.Is(err, ErrInsecurePath) || !strings.Contains(err.Error(), "data/link") {
		t.Errorf("symlink in bag: %v, want ErrInsecurePath naming data/link", err)
	}
}

func TestWriteZipFile(t *testing.T) {
	dir := writeUnicodeBag(t, t.TempDir())
	out := t.TempDir()
	zp := filepath.Join(out, "case.zip")
	if err := WriteZipFile(context.Background(), zp, dir, "case", packTime); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(zp)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, zipBytes(t, dir)) {
		t.Error("WriteZipFile and WriteZip differ")
	}
	fi, _ := os.Stat(zp)
	if fi.Mode() != 0o644 || !fi.ModTime().Equal(packTime) {
		t.Errorf("zip file mode %v time %v", fi.Mode(), fi.ModTime())
	}
	rep, err := VerifyZipFile(context.Background(), zp, VerifyOptions{})
	if err != nil || !rep.OK() || rep.Dir != zp {
		t.Fatalf("VerifyZipFile: %v %+v", err, rep)
	}

	// Cancelled: the old file stays as it was, no temporary file is left.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteZipFile(ctx, zp, dir, "case", packTime.Add(time.Hour)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if after, _ := os.ReadFile(zp); !bytes.Equal(after, got) {
		t.Error("cancelled write changed the existing zip")
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	if err := WriteZipFile(ctx, filepath.Join(out, "new.zip"), dir, "case", packTime); err == nil {
		t.Error("cancelled write succeeded")
	}
	if _, err := os.Stat(filepath.Join(out, "new.zip")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("cancelled write left new.zip: %v", err)
	}
}

// sameResults compares the file results of two reports.
func sameResults(t *testing.T, a, b *Report) {
	t.Helper()
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d vs %d file results:\n%+v\n%+v", len(a.Files), len(b.Files), a.Files, b.Files)
	}
	for i := range a.Files {
		if a.Files[i].Path != b.Files[i].Path || a.Files[i].Status != b.Files[i].Status {
			t.Errorf("result %d: %+v vs %+v", i, a.Files[i], b.Files[i])
		}
	}
	if a.RootHash != b.RootHash {
		t.Errorf("root hash %+v vs %+v", a.RootHash, b.RootHash)
	}
}

func TestVerifyZip(t *testing.T) {
	dir := writeUnicodeBag(t, t.TempDir())
	b := zipBytes(t, dir)
	rep, err := verifyZipBytes(b, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("zip not OK: problems %v files %v", rep.Problems, bad(rep))
	}
	if !rep.RootHash.Checked || !rep.RootHash.Match {
		t.Errorf("root hash %+v", rep.RootHash)
	}
	folder, err := Verify(context.Background(), dir)
	if err != nil || !folder.OK() {
		t.Fatalf("folder: %v %+v", err, folder)
	}
	sameResults(t, folder, rep)
	// Names come back as written: NFD stays NFD, encoded names decoded.
	for _, p := range unicodePayload() {
		if r, ok := rep.File(p.path); !ok || r.Status != StatusOK {
			t.Errorf("%q: %+v %v", p.path, r, ok)
		}
	}
	if !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, `zip folder "case"`) }) {
		t.Errorf("notes %q lack the zip folder", rep.Notes)
	}
	// The manifest keeps the original (NFD) bytes and percent-encodes
	// "%", CR and LF, but not spaces.
	m, err := os.ReadFile(filepath.Join(dir, "manifest-sha256.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  data/evidence/E02/" + norm.NFD.String("Núñez 账单.csv") + "\n",
		"  data/evidence/E04/100%25 退款.txt\n",
		"  data/evidence/E05/line%0Abreak%0Dname.txt\n",
	} {
		if !strings.Contains(string(m), want) {
			t.Errorf("manifest lacks %q:\n%s", want, m)
		}
	}
}

// rezip rewrites the zip b entry by entry. edit returns the new name and
// content, or ok=false to drop the entry; extra entries are appended.
func rezip(t *testing.T, b []byte, edit func(name string, data []byte) (string, []byte, bool), extra ...payloadFile) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte, mode fs.FileMode) {
		fh := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: packTime}
		fh.SetMode(mode)
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		name := f.Name
		if edit != nil {
			var ok bool
			if name, data, ok = edit(name, data); !ok {
				continue
			}
		}
		add(name, data, f.Mode())
	}
	for _, e := range extra {
		add(e.path, e.data, 0o644)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestVerifyZipTampered is the tamper matrix on the zip form: each damage is
// detected and the report names the damaged file.
func TestVerifyZipTampered(t *testing.T) {
	const ev = "data/evidence/E03/chat log 聊天记录.txt"
	dir := writeUnicodeBag(t, t.TempDir())
	orig := zipBytes(t, dir)
	only := func(target string, f func([]byte) []byte) func(string, []byte) (string, []byte, bool) {
		return func(name string, data []byte) (string, []byte, bool) {
			if name == "case/"+target {
				data = f(slices.Clone(data))
			}
			return name, data, true
		}
	}
	tests := []struct {
		name      string
		zip       func() []byte
		file      string // file whose status is checked
		status    Status
		problemIn string // a problem must name this file ("" for none required)
	}{
		{"byte flip", func() []byte {
			return rezip(t, orig, only(ev, func(b []byte) []byte { b[5] ^= 1; return b }))
		}, ev, StatusChanged, ""},
		{"truncation", func() []byte {
			return rezip(t, orig, only(ev, func(b []byte) []byte { return b[:len(b)/2] }))
		}, ev, StatusChanged, "bag-info.txt"},
		{"deletion", func() []byte {
			return rezip(t, orig, func(n string, d []byte) (string, []byte, bool) { return n, d, n != "case/"+ev })
		}, ev, StatusMissing, "bag-info.txt"},
		{"addition", func() []byte {
			return rezip(t, orig, nil, payloadFile{"case/data/evidence/E03/新增.txt", []byte("added")})
		}, "data/evidence/E03/新增.txt", StatusExtra, "bag-info.txt"},
		{"rename", func() []byte {
			return rezip(t, orig, func(n string, d []byte) (string, []byte, bool) {
				if n == "case/"+ev {
					n = "case/data/evidence/E03/renamed.txt"
				}
				return n, d, true
			})
		}, ev, StatusMissing, ""},
		{"manifest edit", func() []byte {
			return rezip(t, orig, only("manifest-sha256.txt", func(b []byte) []byte {
				return []byte(strings.Replace(string(b), sha(unicodePayload()[2].data), strings.Repeat("0", 64), 1))
			}))
		}, "manifest-sha256.txt", StatusChanged, "manifest-sha256.txt"},
		{"tag-manifest edit", func() []byte {
			return rezip(t, orig, only("tagmanifest-sha256.txt", func(b []byte) []byte {
				s := string(b)
				i := strings.Index(s, "  evipack.json")
				return []byte(s[:i-1] + flipHex(s[i-1:i]) + s[i:])
			}))
		}, "evipack.json", StatusChanged, ""},
		{"raw byte flip (CRC)", func() []byte {
			b := slices.Clone(orig)
			i := bytes.Index(b, []byte("\x89PNG"))
			b[i+20] ^= 1
			return b
		}, "data/evidence/E01/微信支付截图.png", StatusChanged, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := verifyZipBytes(tt.zip(), VerifyOptions{})
			if err != nil {
				t.Fatalf("VerifyZip: %v", err)
			}
			if rep.OK() {
				t.Fatal("tampered zip verified OK")
			}
			r, ok := rep.File(tt.file)
			if !ok || r.Status != tt.status {
				t.Errorf("%q: %+v (found %v), want %s; files %+v", tt.file, r, ok, tt.status, bad(rep))
			}
			if tt.problemIn != "" && !slices.ContainsFunc(rep.Problems, func(p Problem) bool { return p.File == tt.problemIn }) {
				t.Errorf("no problem names %s: %+v", tt.problemIn, rep.Problems)
			}
		})
	}
	// The rename is also seen from the other side.
	rep, _ := verifyZipBytes(tests[4].zip(), VerifyOptions{})
	if r, _ := rep.File("data/evidence/E03/renamed.txt"); r.Status != StatusExtra {
		t.Errorf("renamed file: %+v", r)
	}
}

func flipHex(s string) string {
	if s == "0" {
		return "1"
	}
	return "0"
}

// miniBag returns the entries of a small valid bag under prefix.
func miniBag(prefix string) []payloadFile {
	data := []byte("hello")
	manifest := sha(data) + "  data/a.txt\n"
	return []payloadFile{
		{prefix + "bagit.txt", []byte(BagItDeclaration)},
		{prefix + "manifest-sha256.txt", []byte(manifest)},
		{prefix + "data/a.txt", data},
	}
}

// buildZip writes entries with the given names as they are (no checks).
// A name ending in "/" is a folder; mode overrides the file mode when set.
func buildZip(t testing.TB, entries []payloadFile, modes map[string]fs.FileMode) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.path, Method: zip.Deflate}
		if m, ok := modes[e.path]; ok {
			fh.SetMode(m)
		} else if strings.HasSuffix(e.path, "/") {
			fh.SetMode(fs.ModeDir | 0o755)
		} else {
			fh.SetMode(0o644)
		}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVerifyZipLayout(t *testing.T) {
	for _, prefix := range []string{"", "bag/"} {
		rep, err := verifyZipBytes(buildZip(t, miniBag(prefix), nil), VerifyOptions{})
		if err != nil || !rep.OK() {
			t.Errorf("mini bag at %q: %v %+v", prefix, err, rep)
		}
	}
	// macOS Finder metadata beside the bag folder is ignored with a note.
	mac := append(miniBag("bag/"), payloadFile{"__MACOSX/bag/._a.txt", []byte("x")})
	rep, err := verifyZipBytes(buildZip(t, mac, nil), VerifyOptions{})
	if err != nil || !rep.OK() || !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, "__MACOSX") }) {
		t.Errorf("__MACOSX: %v %+v", err, rep)
	}
	for name, entries := range map[string][]payloadFile{
		"two top folders": append(miniBag("a/"), miniBag("b/")...),
		"folder and file": append(miniBag("a/"), payloadFile{"README", nil}),
		"empty":           nil,
	} {
		_, err := verifyZipBytes(buildZip(t, entries, nil), VerifyOptions{})
		var ze *ZipError
		if !errors.Is(err, ErrNotBag) || !errors.As(err, &ze) {
			t.Errorf("%s: %v, want *ZipError ErrNotBag", name, err)
		}
	}
	if _, err := verifyZipBytes(buildZip(t, []payloadFile{{"bag/x", nil}}, nil), VerifyOptions{}); !errors.Is(err, ErrNotBag) {
		t.Errorf("folder without bagit.txt: %v", err)
	}
	if _, err := verifyZipBytes([]byte("not a zip at all"), VerifyOptions{}); !errors.Is(err, ErrBadZip) {
		t.Errorf("not a zip: %v, want ErrBadZip", err)
	}
}

func TestVerifyZipUnsafeNames(t *testing.T) {
	tests := []struct {
		name  string
		extra []payloadFile
		modes map[string]fs.FileMode
		entry string // the error must name this entry
	}{
		{"parent", []payloadFile{{"bag/../x", nil}}, nil, "bag/../x"},
		{"leading parent", []payloadFile{{"../x", nil}}, nil, "../x"},
		{"absolute", []payloadFile{{"/etc/x", nil}}, nil, "/etc/x"},
		{"backslash", []payloadFile{{`bag/data/a\b`, nil}}, nil, `bag/data/a\b`},
		{"drive letter", []payloadFile{{"C:x", nil}}, nil, "C:x"},
		{"drive letter in bag", []payloadFile{{"bag/C:x", nil}}, nil, "C:x"},
		{"NUL", []payloadFile{{"bag/data/a\x00b", nil}}, nil, "bag/data/a\x00b"},
		{"not UTF-8", []payloadFile{{"bag/data/\xb0\xa1.txt", nil}}, nil, "bag/data/\xb0\xa1.txt"},
		{"exact duplicate", []payloadFile{{"bag/data/a.txt", []byte("evil")}}, nil, "bag/data/a.txt"},
		{"case duplicate", []payloadFile{{"bag/data/A.TXT", nil}}, nil, "bag/data/A.TXT"},
		{"normalisation duplicate", []payloadFile{{"bag/data/caf\u00e9", nil}, {"bag/data/cafe\u0301", nil}}, nil, "bag/data/cafe\u0301"},
		{"file and folder", []payloadFile{{"bag/data/a.txt/x", nil}}, nil, "bag/data/a.txt/x"},
		{"symlink", []payloadFile{{"bag/data/link", []byte("/etc/passwd")}}, map[string]fs.FileMode{"bag/data/link": fs.ModeSymlink | 0o777}, "bag/data/link"},
		{"device", []payloadFile{{"bag/data/dev", nil}}, map[string]fs.FileMode{"bag/data/dev": fs.ModeDevice | 0o644}, "bag/data/dev"},
		{"folder mode without slash", []payloadFile{{"bag/data/d", nil}}, map[string]fs.FileMode{"bag/data/d": fs.ModeDir | 0o755}, "bag/data/d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verifyZipBytes(buildZip(t, append(miniBag("bag/"), tt.extra...), tt.modes), VerifyOptions{})
			var pe *PathError
			if !errors.Is(err, ErrInsecurePath) || !errors.As(err, &pe) {
				t.Fatalf("%v, want *PathError ErrInsecurePath", err)
			}
			if !strings.Contains(pe.Path, tt.entry) {
				t.Errorf("error names %q, want %q", pe.Path, tt.entry)
			}
		})
	}
}

func TestVerifyZipLimits(t *testing.T) {
	mini := buildZip(t, miniBag("bag/"), nil)
	if _, err := verifyZipBytes(mini, VerifyOptions{MaxZipEntries: 2}); !errors.Is(err, ErrZipLimit) {
		t.Errorf("entry count: %v, want ErrZipLimit", err)
	}
	if _, err := verifyZipBytes(mini, VerifyOptions{MaxZipBytes: 10}); !errors.Is(err, ErrZipLimit) {
		t.Errorf("declared bytes: %v, want ErrZipLimit", err)
	}
	if rep, err := verifyZipBytes(mini, VerifyOptions{MaxZipEntries: 3, MaxZipBytes: 1000}); err != nil || !rep.OK() {
		t.Errorf("within limits: %v", err)
	}
	bomb := buildZip(t, append(miniBag("bag/"), payloadFile{"bag/data/zeros", make([]byte, 4<<20)}), nil)
	var ze *ZipError
	if _, err := verifyZipBytes(bomb, VerifyOptions{}); !errors.Is(err, ErrZipLimit) || !errors.As(err, &ze) || ze.Entry != "bag/data/zeros" {
		t.Errorf("ratio bomb: %v, want *ZipError ErrZipLimit naming bag/data/zeros", err)
	}
	// An encrypted entry (flag bit 0) is refused.
	enc := slices.Clone(mini)
	le := binary.LittleEndian
	for off := bytes.Index(enc, []byte("PK\x01\x02")); off >= 0; {
		le.PutUint16(enc[off+8:], le.Uint16(enc[off+8:])|1)
		next := bytes.Index(enc[off+4:], []byte("PK\x01\x02"))
		if next < 0 {
			break
		}
		off += 4 + next
	}
	if _, err := verifyZipBytes(enc, VerifyOptions{}); !errors.Is(err, ErrBadZip) {
		t.Errorf("encrypted: %v, want ErrBadZip", err)
	}
}

// randomName returns a random path component from pieces intake meets.
func randomName(r *rand.Rand) string {
	pieces := []string{"a", "B", "证据", "微信支付", "截图", " ", "%", "%25", "caf\u00e9", "cafe\u0301", "Ñ", "n\u0303", "-", "_", "(1)", "１", "x.txt", ".png", "聊天 记录"}
	var b strings.Builder
	for n := 1 + r.IntN(4); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	s := strings.TrimSpace(b.String())
	if s == "" || s == "." || s == ".." {
		s = "f"
	}
	return s
}

// TestZipRoundTripProperty builds bags from random small folders, writes
// them, zips them, and checks that folder and zip both verify with the same
// results, that the zip is reproducible, and that a flipped byte is found.
func TestZipRoundTripProperty(t *testing.T) {
	n := uint64(32)
	if testing.Short() {
		n = 6
	}
	for seed := range n {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed, 5))
			w, err := Create(t.TempDir(), "bag", Options{ModTime: packTime})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			var added []payloadFile
			for n := 1 + r.IntN(12); n > 0; n-- {
				p := "data/evidence"
				for d := r.IntN(3); d >= 0; d-- {
					p += "/" + randomName(r)
				}
				data := make([]byte, r.IntN(300))
				for i := range data {
					data[i] = byte(r.IntN(256))
				}
				err := w.AddBytes(p, data)
				if errors.Is(err, ErrCollision) {
					continue // a normalisation or case twin: refused, as it must be
				}
				if err != nil {
					t.Fatalf("AddBytes %q: %v", p, err)
				}
				added = append(added, payloadFile{p, data})
			}
			dir, err := w.Commit(BagInfo{Software: "t", BaggingDate: packTime})
			if err != nil {
				t.Fatal(err)
			}
			folder, err := Verify(context.Background(), dir)
			if err != nil || !folder.OK() {
				t.Fatalf("folder: %v %+v", err, folder)
			}
			var buf bytes.Buffer
			if err := WriteZip(context.Background(), &buf, dir, "bag", packTime); err != nil {
				t.Fatal(err)
			}
			z := buf.Bytes()
			rep, err := verifyZipBytes(z, VerifyOptions{})
			if err != nil || !rep.OK() {
				t.Fatalf("zip: %v problems %+v files %+v", err, rep.Problems, bad(rep))
			}
			sameResults(t, folder, rep)
			for _, a := range added {
				if res, ok := rep.File(a.path); !ok || res.Status != StatusOK {
					t.Errorf("%q: %+v %v", a.path, res, ok)
				}
			}
			var again bytes.Buffer
			if err := WriteZip(context.Background(), &again, dir, "bag", packTime); err != nil || !bytes.Equal(again.Bytes(), z) {
				t.Fatalf("second zip differs (%v)", err)
			}
			// One changed byte in one random payload is detected and named.
			victim := added[r.IntN(len(added))]
			if len(victim.data) == 0 {
				return
			}
			tampered := rezip(t, z, func(name string, d []byte) (string, []byte, bool) {
				if name == "bag/"+victim.path {
					d = slices.Clone(d)
					d[r.IntN(len(d))] ^= 0x80
				}
				return name, d, true
			})
			rep, err = verifyZipBytes(tampered, VerifyOptions{})
			if err != nil || rep.OK() {
				t.Fatalf("tampered zip: %v ok=%v", err, rep != nil && rep.OK())
			}
			if res, _ := rep.File(victim.path); res.Status != StatusChanged {
				t.Errorf("%q: %+v, want changed", victim.path, res)
			}
		})
	}
}

// FuzzVerifyZip feeds random and mutated zips to VerifyZip: it must never
// panic, every error must be typed (ErrBadZip, ErrZipLimit, ErrNotBag,
// ErrInsecurePath), and every file a report names must be a clean local path.
func FuzzVerifyZip(f *testing.F) {
	dir := writeUnicodeBag(f, f.TempDir())
	f.Add(zipBytes(f, dir))
	f.Add(buildZip(f, miniBag(""), nil))
	f.Add(buildZip(f, miniBag("bag/"), nil))
	f.Add(buildZip(f, append(miniBag("bag/"), payloadFile{"bag/../x", nil}), nil))
	f.Add(buildZip(f, append(miniBag("a/"), miniBag("b/")...), nil))
	f.Add(buildZip(f, append(miniBag("bag/"), payloadFile{"bag/data/zeros", make([]byte, 2<<20)}), nil))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := VerifyZip(context.Background(), bytes.NewReader(b), int64(len(b)),
			VerifyOptions{MaxZipEntries: 1000, MaxZipBytes: 64 << 20})
		if err != nil {
			if !errors.Is(err, ErrBadZip) && !errors.Is(err, ErrZipLimit) && !errors.Is(err, ErrNotBag) && !errors.Is(err, ErrInsecurePath) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if rep != nil {
				t.Fatal("report with error")
			}
			return
		}
		for _, fr := range rep.Files {
			if err := checkBagPath(fr.Path); err != nil {
				t.Fatalf("report names bad path: %v", err)
			}
		}
	})
}

// TestVerifyNormalisedNames renames a file to another Unicode normalisation
// of its name (as a copy through macOS may do), in the folder and in the
// zip: both still verify, with a note; a real rename does not.
func TestVerifyNormalisedNames(t *testing.T) {
	nfd := "data/evidence/E02/" + norm.NFD.String("Núñez 账单.csv")
	nfc := norm.NFC.String(nfd)
	if nfd == nfc {
		t.Fatal("test name has no NFD form")
	}
	dir := writeUnicodeBag(t, t.TempDir())
	z := zipBytes(t, dir)
	if err := os.Rename(filepath.Join(dir, nfd), filepath.Join(dir, nfc)); err != nil {
		t.Fatal(err)
	}
	folder, err := Verify(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	renamed := rezip(t, z, func(n string, d []byte) (string, []byte, bool) {
		if n == "case/"+nfd {
			n = "case/" + nfc
		}
		return n, d, true
	})
	inZip, err := verifyZipBytes(renamed, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for form, rep := range map[string]*Report{"folder": folder, "zip": inZip} {
		if !rep.OK() {
			t.Errorf("%s: not OK: %+v %+v", form, rep.Problems, bad(rep))
		}
		if r, ok := rep.File(nfd); !ok || r.Status != StatusOK {
			t.Errorf("%s: %q: %+v", form, nfd, r)
		}
		if _, ok := rep.File(nfc); ok {
			t.Errorf("%s: %q reported separately", form, nfc)
		}
		if !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, "normalisation") }) {
			t.Errorf("%s: no note on the normalisation: %q", form, rep.Notes)
		}
	}
	// A different name is not a normalisation.
	other := rezip(t, z, func(n string, d []byte) (string, []byte, bool) {
		if n == "case/"+nfd {
			n = "case/data/evidence/E02/Nunez 账单.csv"
		}
		return n, d, true
	})
	if rep, err := verifyZipBytes(other, VerifyOptions{}); err != nil || rep.OK() {
		t.Errorf("renamed without normalisation: %v ok=%v", err, rep != nil && rep.OK())
	}
}
