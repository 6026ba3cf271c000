package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/evipack/evipack/internal/leftover"
)

// BagItDeclaration is the exact bagit.txt the Writer writes.
const BagItDeclaration = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

// Options configures a Writer. The zero value is valid.
type Options struct {
	// ModTime is set on every written file and directory so that copies
	// and zips of the bag are deterministic. Zero means 1980-01-01 UTC (the
	// earliest time a zip file can hold).
	ModTime time.Time
	// Replace allows Commit to replace an existing bundle at the
	// destination. The old one is removed only after the new one is in place.
	Replace bool
}

// BagInfo holds the bag-info.txt fields. The Writer writes, in this order,
// Bag-Software-Agent, Bagging-Date (YYYY-MM-DD in BaggingDate's location),
// Payload-Oxum (computed), External-Identifier (the evidence root hash) and
// then Extra in the order given.
type BagInfo struct {
	Software    string
	BaggingDate time.Time
	// RootHash, when set, must equal the evidence root hash of the files
	// added; when empty it is computed.
	RootHash string
	Extra    [][2]string
}

// Writer stages a bag in a temporary folder beside its destination and
// renames it into place on Commit. Use:
//
//	w, err := bundle.Create(out, name, bundle.Options{ModTime: t})
//	if err != nil { … }
//	defer w.Abort()
//	… w.AddFile(…) …
//	dir, err := w.Commit(info)
//
// A Writer is not safe for concurrent use, except Stage, which several
// goroutines may call at once (see Stage).
//
// Files are not fsynced one by one as they are written: each one's
// write-back is started when it is finished, and Commit fsyncs them all, a
// few at a time, before it fsyncs the folders and renames the bag into place.
type Writer struct {
	outDir, name string
	dest, tmp    string
	modTime      time.Time
	replace      bool

	payload map[string]string // bag path → sha256 hex
	octets  int64
	tags    map[string]string // root tag file name → sha256 hex
	files   map[string]string // folded path → path, for collisions
	dirs    map[string]string // folded dir → dir
	written []string          // files written into the staging folder, fsynced by Commit
	done    bool

	mu       sync.Mutex // guards the fields below, and done and tmp against Stage
	sealed   bool       // Commit has begun: Stage refuses
	stageSeq int
	staged   map[*Staged]struct{} // staged files not yet placed or discarded
}

// Create starts a bag that Commit will place at outDir/name. It creates
// outDir if needed and the staging folder
// outDir/.name.evipack-tmp-<owner tag><random> (see package leftover).
func Create(outDir, name string, opts Options) (*Writer, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." || !filepath.IsLocal(name) {
		return nil, fmt.Errorf("create bundle %q: %w", name, &PathError{Path: name, Msg: "bundle name must be one path component", Err: ErrInsecurePath})
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("create bundle %s: %w", outDir, err)
	}
	dest := filepath.Join(outDir, name)
	if !opts.Replace {
		if _, err := os.Lstat(dest); err == nil {
			return nil, fmt.Errorf("create bundle %s: %w", dest, ErrExists)
		}
	}
	tmp, err := os.MkdirTemp(outDir, "."+name+leftover.Tmp+leftover.Tag())
	if err != nil {
		return nil, fmt.Errorf("create bundle %s: %w", dest, err)
	}
	mt := opts.ModTime
	if mt.IsZero() {
		mt = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return &Writer{
		outDir: outDir, name: name, dest: dest, tmp: tmp,
		modTime: mt, replace: opts.Replace,
		payload: map[string]string{}, tags: map[string]string{},
		files: map[string]string{}, dirs: map[string]string{},
	}, nil
}

// Dir returns the staging folder (for diagnostics; it vanishes on Commit or Abort).
func (w *Writer) Dir() string { return w.tmp }

// fold maps a path to the key under which case-insensitive, normalising
// file systems would store it.
func fold(p string) string { return strings.ToLower(norm.NFC.String(p)) }

// reserve checks p against earlier paths for case-insensitive collisions,
// including a file colliding with a directory. It does not record p.
func (w *Writer) reserve(p string) error {
	collide := func(other string) error {
		return &PathError{Path: p, Msg: fmt.Sprintf("collides with %q", other), Err: ErrCollision}
	}
	k := fold(p)
	if other, ok := w.files[k]; ok {
		return collide(other)
	}
	if other, ok := w.dirs[k]; ok {
		return collide(other + "/")
	}
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		dk := fold(d)
		if other, ok := w.files[dk]; ok {
			return collide(other)
		}
		if other, ok := w.dirs[dk]; ok && other != d {
			return collide(other + "/")
		}
	}
	return nil
}

func (w *Writer) record(p string) {
	w.files[fold(p)] = p
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		w.dirs[fold(d)] = d
	}
}

// checkPayloadPath validates a payload bag path for writing.
func checkPayloadPath(p string) error {
	if err := checkBagPath(p); err != nil {
		return err
	}
	if !strings.HasPrefix(p, "data/") {
		return &PathError{Path: p, Msg: "payload must be under data/", Err: ErrInsecurePath}
	}
	if !strings.HasPrefix(p, EvidencePrefix) && strings.Contains(p, "  "+EvidencePrefix) {
		// Would be picked up by the grep in RootHashCommand.
		return &PathError{Path: p, Msg: "contains \"  " + EvidencePrefix + "\"", Err: ErrInsecurePath}
	}
	return nil
}

// AddFile streams src into the bag at bagPath (which must start with
// "data/") while hashing it with SHA-256. If wantSHA256 is not empty and the
// content hashes differently — the original changed since it was catalogued —
// the staged copy is removed and a *HashMismatchError is returned. Paths that
// are not local, contain "..", or collide with an earlier path (also
// case-insensitively) are refused with a *PathError.
func (w *Writer) AddFile(bagPath string, src io.Reader, wantSHA256 string) error {
	if w.done {
		return fmt.Errorf("add %s: %w", bagPath, ErrCommitted)
	}
	if err := checkPayloadPath(bagPath); err != nil {
		return fmt.Errorf("add %s: %w", bagPath, err)
	}
	want := strings.ToLower(wantSHA256)
	if want != "" && (len(want) != sha256.Size*2 || !isHex(want)) {
		return fmt.Errorf("add %s: expected sha256 %q is not 64 hex digits", bagPath, wantSHA256)
	}
	if err := w.reserve(bagPath); err != nil {
		return fmt.Errorf("add %s: %w", bagPath, err)
	}
	sum, n, err := w.writeFile(bagPath, src, want)
	if err != nil {
		return fmt.Errorf("add %s: %w", bagPath, err)
	}
	w.record(bagPath)
	w.payload[bagPath] = sum
	w.octets += n
	return nil
}

// AddBytes adds b to the payload at bagPath (see AddFile).
func (w *Writer) AddBytes(bagPath string, b []byte) error {
	return w.AddFile(bagPath, bytes.NewReader(b), "")
}

// AddTagFile adds a tag file at the bag root, such as evipack.json. It is
// listed in tagmanifest-sha256.txt. The names the Writer writes itself
// (bagit.txt, bag-info.txt, fetch.txt, manifest-*.txt, tagmanifest-*.txt) and
// "data" are refused.
func (w *Writer) AddTagFile(name string, b []byte) error {
	if w.done {
		return fmt.Errorf("add tag file %s: %w", name, ErrCommitted)
	}
	if err := checkBagPath(name); err != nil {
		return fmt.Errorf("add tag file %s: %w", name, err)
	}
	lower := fold(name)
	if strings.Contains(name, "/") || lower == "data" || lower == "bagit.txt" || lower == "bag-info.txt" ||
		lower == "fetch.txt" || strings.HasPrefix(lower, "manifest-") || strings.HasPrefix(lower, "tagmanifest-") {
		return fmt.Errorf("add tag file %s: %w", name, &PathError{Path: name, Msg: "reserved or not at the bag root", Err: ErrInsecurePath})
	}
	if lower == stagedDir {
		return fmt.Errorf("add tag file %s: %w", name, &PathError{Path: name, Msg: "reserved for the writer's scratch files", Err: ErrInsecurePath})
	}
	if err := w.reserve(name); err != nil {
		return fmt.Errorf("add tag file %s: %w", name, err)
	}
	if err := w.putTag(name, b); err != nil {
		return err
	}
	w.record(name)
	return nil
}

func (w *Writer) putTag(name string, b []byte) error {
	sum, _, err := w.writeFile(name, bytes.NewReader(b), "")
	if err != nil {
		return fmt.Errorf("add tag file %s: %w", name, err)
	}
	w.tags[name] = sum
	return nil
}

// writeFile creates bagPath in the staging folder from src, starts its
// write-back (Commit fsyncs it) and sets its mode and time. On any error the
// staged file is removed.
func (w *Writer) writeFile(bagPath string, src io.Reader, want string) (sum string, n int64, err error) {
	dst := filepath.Join(w.tmp, filepath.FromSlash(bagPath))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", 0, err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(dst)
		}
	}()
	h := sha256.New()
	n, err = io.CopyBuffer(io.MultiWriter(f, h), src, make([]byte, copyBufSize))
	if err != nil {
		return "", n, err
	}
	sum = hex.EncodeToString(h.Sum(nil))
	if want != "" && sum != want {
		return "", n, &HashMismatchError{Path: bagPath, Algorithm: "sha256", Want: want, Got: sum}
	}
	startWriteback(f)
	if err = f.Close(); err != nil {
		return "", n, err
	}
	if err = os.Chmod(dst, 0o644); err != nil {
		return "", n, err
	}
	if err = os.Chtimes(dst, w.modTime, w.modTime); err != nil {
		return "", n, err
	}
	w.written = append(w.written, dst)
	return sum, n, nil
}

// Entries returns the payload files added so far, sorted by path.
func (w *Writer) Entries() []Entry {
	out := make([]Entry, 0, len(w.payload))
	for p, s := range w.payload {
		out = append(out, Entry{Path: p, SHA256: s})
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// RootHash returns the evidence root hash of the files added so far; the PDF
// can show it before Commit.
func (w *Writer) RootHash() string { return EvidenceRootHash(w.Entries()) }

// Commit drops staged files that were neither placed nor discarded, writes
// bagit.txt, bag-info.txt, manifest-sha256.txt and, last,
// tagmanifest-sha256.txt, fsyncs files and folders, and renames the staging
// folder to outDir/name, replacing an existing bundle only if Options.Replace
// was set (the old one is moved aside first and removed after). It returns
// the bundle's path. On error the staging folder is removed and nothing is
// left at the destination that was not there before.
func (w *Writer) Commit(info BagInfo) (string, error) {
	if w.done {
		return "", fmt.Errorf("commit %s: %w", w.dest, ErrCommitted)
	}
	dest, err := w.commit(info)
	if err != nil {
		w.Abort()
		return "", fmt.Errorf("commit %s: %w", w.dest, err)
	}
	return dest, nil
}

func (w *Writer) commit(info BagInfo) (string, error) {
	if err := w.dropStaged(); err != nil {
		return "", err
	}
	bagInfo, err := w.bagInfo(info)
	if err != nil {
		return "", err
	}
	if err := w.putTag("bagit.txt", []byte(BagItDeclaration)); err != nil {
		return "", err
	}
	if err := w.putTag("bag-info.txt", bagInfo); err != nil {
		return "", err
	}
	if err := w.putTag("manifest-sha256.txt", manifestBytes(w.payload)); err != nil {
		return "", err
	}
	tm := manifestBytes(w.tags)
	if _, _, err := w.writeFile("tagmanifest-sha256.txt", bytes.NewReader(tm), ""); err != nil {
		return "", fmt.Errorf("write tagmanifest-sha256.txt: %w", err)
	}
	if err := w.syncFiles(); err != nil {
		return "", err
	}
	if err := w.finishDirs(); err != nil {
		return "", err
	}
	if err := w.rename(); err != nil {
		return "", err
	}
	w.mu.Lock()
	w.tmp = "" // renamed: nothing left to clean up
	w.done = true
	w.mu.Unlock()
	return w.dest, nil
}

func (w *Writer) bagInfo(info BagInfo) ([]byte, error) {
	root := w.RootHash()
	if info.RootHash != "" && !strings.EqualFold(info.RootHash, root) {
		return nil, fmt.Errorf("bag-info: root hash %s given, files added give %s", info.RootHash, root)
	}
	if info.Software == "" {
		return nil, errors.New("bag-info: software agent is empty")
	}
	if info.BaggingDate.IsZero() {
		return nil, errors.New("bag-info: bagging date is zero")
	}
	fields := []Field{
		{"Bag-Software-Agent", info.Software},
		{"Bagging-Date", info.BaggingDate.Format(time.DateOnly)},
		{"Payload-Oxum", strconv.FormatInt(w.octets, 10) + "." + strconv.Itoa(len(w.payload))},
		{"External-Identifier", root},
	}
	// The labels the Writer sets itself.
	reserved := []string{"bag-software-agent", "bagging-date", "payload-oxum", "external-identifier"}
	for _, kv := range info.Extra {
		if slices.Contains(reserved, strings.ToLower(kv[0])) {
			return nil, fmt.Errorf("bag-info field %q is set by the writer", kv[0])
		}
		fields = append(fields, Field{Label: kv[0], Value: kv[1]})
	}
	return FormatBagInfo(fields)
}

// manifestBytes formats a path → sha256 map as manifest lines sorted by
// encoded path.
func manifestBytes(m map[string]string) []byte {
	entries := make([]ManifestEntry, 0, len(m))
	for p, s := range m {
		entries = append(entries, ManifestEntry{Path: p, Sum: s})
	}
	return FormatManifest(entries)
}

// finishDirs sets mode, time and fsyncs every staged folder, deepest first,
// the staging root last.
func (w *Writer) finishDirs() error {
	var dirs []string
	err := filepath.WalkDir(w.tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		d := dirs[i]
		if err := os.Chmod(d, 0o755); err != nil {
			return err
		}
		if err := syncDir(d); err != nil {
			return err
		}
		if err := os.Chtimes(d, w.modTime, w.modTime); err != nil {
			return err
		}
	}
	return nil
}

// rename moves the staging folder into place.
func (w *Writer) rename() error {
	var old string
	if _, err := os.Lstat(w.dest); err == nil {
		if !w.replace {
			return fmt.Errorf("%s: %w", w.dest, ErrExists)
		}
		aside, err := os.MkdirTemp(w.outDir, "."+w.name+leftover.Old+leftover.Tag())
		if err != nil {
			return err
		}
		old = filepath.Join(aside, w.name)
		if err := os.Rename(w.dest, old); err != nil {
			os.Remove(aside)
			return err
		}
		defer os.RemoveAll(aside)
	}
	if err := os.Rename(w.tmp, w.dest); err != nil {
		if old != "" {
			os.Rename(old, w.dest) // put the old bundle back
		}
		return err
	}
	return syncDir(w.outDir)
}

// syncDir fsyncs a directory so that renames and new entries are durable.
// File systems that cannot sync directories are tolerated.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Abort removes the staging folder, staged files included. It is safe to
// call at any time, also after Commit (then it does nothing); use it with
// defer.
func (w *Writer) Abort() {
	w.seal()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.tmp != "" {
		os.RemoveAll(w.tmp)
		w.tmp = ""
	}
	w.done = true
}
