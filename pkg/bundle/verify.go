package bundle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Status is the verification result of one file.
type Status string

// File statuses. StatusUntracked is informational: a tag file that no tag
// manifest lists (RFC 8493 allows it); it does not make a report fail.
const (
	StatusOK        Status = "ok"
	StatusChanged   Status = "changed"
	StatusMissing   Status = "missing"
	StatusExtra     Status = "extra"
	StatusUntracked Status = "untracked"
)

// FileResult is the result for one file of the bag.
type FileResult struct {
	Path   string `json:"path"`
	Tag    bool   `json:"tag,omitempty"` // a tag file (outside data/)
	Status Status `json:"status"`
	// Detail says what differs, e.g. the expected and actual hashes.
	Detail string `json:"detail,omitempty"`
}

// Problem is a failure that is not a single file's status: a malformed tag
// file, an insecure path, a file missing from one of several manifests, a
// wrong Payload-Oxum or root hash. Err is typed (*ManifestError, *PathError,
// or wraps ErrUnlisted, ErrHashMismatch …).
type Problem struct {
	File string `json:"file,omitempty"`
	Msg  string `json:"msg"`
	Err  error  `json:"-"`
}

// Oxum is the Payload-Oxum check.
type Oxum struct {
	Declared string `json:"declared"`
	Octets   int64  `json:"octets"` // found in data/
	Count    int64  `json:"count"`
	Match    bool   `json:"match"`
}

// RootHashResult is the evidence root hash check. Computed is empty when
// the bag has no manifest-sha256.txt; Checked is false when nothing to
// compare with was given (no External-Identifier that is a SHA-256 hex, no
// caller value).
type RootHashResult struct {
	Computed string `json:"computed,omitempty"`
	Expected string `json:"expected,omitempty"`
	Source   string `json:"source,omitempty"` // "caller" or "bag-info"
	Checked  bool   `json:"checked"`
	Match    bool   `json:"match"`
}

// Report is the complete result of Verify.
type Report struct {
	Dir           string         `json:"dir,omitempty"`
	Version       string         `json:"version"`
	Encoding      string         `json:"encoding"`
	Algorithms    []string       `json:"algorithms"`     // payload manifests checked
	TagAlgorithms []string       `json:"tag_algorithms"` // tag manifests checked
	Files         []FileResult   `json:"files"`
	BagInfo       []Field        `json:"bag_info,omitempty"`
	PayloadOxum   *Oxum          `json:"payload_oxum,omitempty"`
	RootHash      RootHashResult `json:"root_hash"`
	Problems      []Problem      `json:"problems,omitempty"`
	Notes         []string       `json:"notes,omitempty"`
}

// OK reports whether the bag is valid: no problems and every file ok (or an
// untracked tag file).
func (r *Report) OK() bool {
	if len(r.Problems) > 0 {
		return false
	}
	for _, f := range r.Files {
		if f.Status != StatusOK && f.Status != StatusUntracked {
			return false
		}
	}
	return true
}

// File returns the result for path, if the report has one.
func (r *Report) File(path string) (FileResult, bool) {
	for _, f := range r.Files {
		if f.Path == path {
			return f, true
		}
	}
	return FileResult{}, false
}

func (r *Report) problem(file string, err error) {
	r.Problems = append(r.Problems, Problem{File: file, Msg: err.Error(), Err: err})
}

// VerifyOptions configures VerifyWith.
type VerifyOptions struct {
	// ExpectedRootHash, if set, is compared with the recomputed evidence
	// root hash instead of bag-info's External-Identifier.
	ExpectedRootHash string
	// MaxZipEntries and MaxZipBytes bound the entry count and the total
	// declared uncompressed size of a zip given to VerifyZip; zero means
	// DefaultMaxZipEntries and DefaultMaxZipBytes.
	MaxZipEntries int
	MaxZipBytes   int64
}

// Verify checks the bag in dir. See VerifyFS.
func Verify(ctx context.Context, dir string) (*Report, error) {
	return VerifyWith(ctx, dir, VerifyOptions{})
}

// VerifyWith checks the bag in dir through an os.Root, so that no path can
// leave dir. See VerifyFS.
func VerifyWith(ctx context.Context, dir string, opts VerifyOptions) (*Report, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	defer root.Close()
	rep, err := VerifyFS(ctx, root.FS(), opts)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	rep.Dir = dir
	return rep, nil
}

var manifestName = regexp.MustCompile(`^(tag)?manifest-([A-Za-z0-9]+)\.txt$`)

// manifest is one parsed (tag)manifest file.
type manifest struct {
	file    string
	alg     algorithm
	tag     bool
	entries []ManifestEntry
}

// VerifyFS checks the BagIt bag at the root of fsys (a directory, os.Root or
// zip.Reader) and returns a full report: every file ok, changed, missing,
// extra or untracked; malformed tag files; Payload-Oxum; the evidence root
// hash. It accepts BagIt 0.93–1.0, every manifest algorithm of md5, sha1,
// sha224, sha256, sha384 and sha512 (all present manifests are checked;
// manifests of other algorithms are skipped with a note; a bag whose
// manifests are all md5 or sha1 verifies, with a note that they are weak),
// tag files in UTF-8 (a BOM is tolerated except in bagit.txt), UTF-16 or any
// WHATWG-known encoding, and LF, CR or CRLF line ends.
//
// Files are hashed streaming, one read per file for all algorithms, and ctx
// is checked between files. An error is returned only when the bag cannot be
// examined at all: ErrNotBag without bagit.txt, a read failure, or ctx done.
func VerifyFS(ctx context.Context, fsys fs.FS, opts VerifyOptions) (*Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if fi, err := fs.Stat(fsys, "bagit.txt"); err != nil || !fi.Mode().IsRegular() {
		return nil, ErrNotBag
	}
	rep := &Report{Algorithms: []string{}, TagAlgorithms: []string{}, Files: []FileResult{}}

	// Inventory of regular files; anything else is refused.
	files := map[string]int64{}
	n := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		switch {
		case d.IsDir():
			return nil
		case d.Type().IsRegular():
			fi, err := d.Info()
			if err != nil {
				return err
			}
			files[p] = fi.Size()
		default:
			rep.problem(p, &PathError{Path: p, Msg: "not a regular file (" + d.Type().String() + ")", Err: ErrInsecurePath})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk: %w", err)
	}

	// bagit.txt
	version, enc := readDeclaration(fsys, rep)
	rep.Version, rep.Encoding = version, enc
	decode := versionAtLeast(version, 1, 0)

	// Manifests.
	var manifests []manifest
	for p := range files {
		m := manifestName.FindStringSubmatch(p)
		if m == nil {
			continue
		}
		alg, ok := lookupAlgorithm(m[2])
		if !ok {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s: algorithm %q is not supported; not checked", p, m[2]))
			continue
		}
		text, err := readTagText(fsys, p, enc)
		if err != nil {
			if !recordTagError(rep, p, err) {
				return nil, err
			}
			continue
		}
		entries, errs := parseManifestText(text, p, alg.name, decode)
		for _, e := range errs {
			rep.problem(p, e)
		}
		manifests = append(manifests, manifest{file: p, alg: alg, tag: m[1] != "", entries: entries})
	}
	slices.SortFunc(manifests, func(a, b manifest) int { return strings.Compare(a.file, b.file) })

	// What each file must hash to.
	type want struct {
		alg      algorithm
		sum      string
		manifest string
	}
	wants := map[string][]want{}
	var payloadManifests []manifest
	weakOnly := true
	for _, m := range manifests {
		if m.tag {
			rep.TagAlgorithms = append(rep.TagAlgorithms, m.alg.name)
		} else {
			rep.Algorithms = append(rep.Algorithms, m.alg.name)
			payloadManifests = append(payloadManifests, m)
			weakOnly = weakOnly && m.alg.weak
		}
		for _, e := range m.entries {
			if !m.tag && !strings.HasPrefix(e.Path, "data/") {
				rep.problem(m.file, &ManifestError{File: m.file, Line: e.Line,
					Msg: (&PathError{Path: e.Path, Msg: "payload manifest entry outside data/", Err: ErrInsecurePath}).Error()})
				continue
			}
			wants[e.Path] = append(wants[e.Path], want{m.alg, e.Sum, m.file})
		}
	}
	if len(payloadManifests) == 0 {
		rep.problem("", fmt.Errorf("no payload manifest (manifest-<algorithm>.txt) with a supported algorithm: %w", ErrMissing))
	} else if weakOnly {
		rep.Notes = append(rep.Notes, "payload manifests use only md5/sha1, which detect accidental change but not deliberate forgery")
	}

	// Check every listed file.
	byNFC := map[string][]string{} // NFC name → names in the bag
	for p := range files {
		k := norm.NFC.String(p)
		byNFC[k] = append(byNFC[k], p)
	}
	aliased := map[string]bool{} // files found under a differently normalised name
	listed := slices.Sorted(maps.Keys(wants))
	// Resolve names first, then hash every file in parallel (hashing is
	// the whole cost of verify), then report in manifest order.
	type job struct {
		res    FileResult
		actual string
		algs   []algorithm
		got    map[string]string
		err    error
		skip   bool
	}
	jobs := make([]job, len(listed))
	for i, p := range listed {
		j := &jobs[i]
		j.res = FileResult{Path: p, Tag: !strings.HasPrefix(p, "data/")}
		j.actual = p
		if _, ok := files[p]; !ok {
			// Names are compared in NFC: a copy through a normalising file
			// system (macOS) changes the bytes of a name, not the file.
			if c := byNFC[norm.NFC.String(p)]; len(c) == 1 {
				j.actual = c[0]
				aliased[j.actual] = true
				rep.Notes = append(rep.Notes, fmt.Sprintf("%q is listed as %q: the names differ only in Unicode normalisation", j.actual, p))
			} else {
				j.res.Status = StatusMissing
				j.res.Detail = fmt.Sprintf("listed in %s", joinManifests(wants[p], func(w want) string { return w.manifest }))
				j.skip = true
				continue
			}
		}
		for _, w := range wants[p] {
			if !slices.ContainsFunc(j.algs, func(a algorithm) bool { return a.name == w.alg.name }) {
				j.algs = append(j.algs, w.alg)
			}
		}
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				jobs[i].got, _, jobs[i].err = hashFile(ctx, fsys, jobs[i].actual, jobs[i].algs)
			}
		}()
	}
	for i := range jobs {
		if !jobs[i].skip && ctx.Err() == nil {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, p := range listed {
		j := &jobs[i]
		res := j.res
		if j.skip {
			rep.Files = append(rep.Files, res)
			continue
		}
		if err := j.err; err != nil {
			if errors.Is(err, ErrBadZip) {
				// Damaged zip entry: its content cannot be what was hashed.
				res.Status = StatusChanged
				res.Detail = err.Error()
				rep.Files = append(rep.Files, res)
				continue
			}
			return nil, fmt.Errorf("hash %s: %w", p, err)
		}
		res.Status = StatusOK
		var diffs []string
		for _, w := range wants[p] {
			if !strings.EqualFold(w.sum, j.got[w.alg.name]) {
				res.Status = StatusChanged
				diffs = append(diffs, (&HashMismatchError{Path: p, Algorithm: w.alg.name, Want: strings.ToLower(w.sum), Got: j.got[w.alg.name]}).Error())
			}
		}
		res.Detail = strings.Join(diffs, "; ")
		rep.Files = append(rep.Files, res)
	}

	// Every payload file must be in every payload manifest.
	for _, m := range payloadManifests {
		in := make(map[string]bool, len(m.entries))
		for _, e := range m.entries {
			in[e.Path] = true
		}
		for p := range files {
			if strings.HasPrefix(p, "data/") && !in[p] && wants[p] != nil {
				rep.problem(p, fmt.Errorf("%s: %w %s", p, ErrUnlisted, m.file))
			}
		}
	}

	// Files on disk no manifest lists.
	for p := range files {
		if wants[p] != nil || aliased[p] {
			continue
		}
		if strings.HasPrefix(p, "data/") {
			rep.Files = append(rep.Files, FileResult{Path: p, Status: StatusExtra, Detail: "not in any payload manifest"})
		} else if m := manifestName.FindStringSubmatch(p); m == nil || m[1] == "" {
			rep.Files = append(rep.Files, FileResult{Path: p, Tag: true, Status: StatusUntracked, Detail: "not in any tag manifest"})
		}
	}
	slices.SortFunc(rep.Files, func(a, b FileResult) int { return strings.Compare(a.Path, b.Path) })

	if _, ok := files["fetch.txt"]; ok {
		checkFetch(fsys, rep, enc, decode)
	}
	if _, ok := files["bag-info.txt"]; ok {
		checkBagInfo(fsys, rep, enc, files)
	}
	if err := checkRootHash(fsys, rep, files, opts); err != nil {
		return nil, err
	}
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int { return strings.Compare(a.File, b.File) })
	return rep, nil
}

// recordTagError turns a tag-file error into a problem; it returns false
// for errors that stop verification (read failures).
func recordTagError(rep *Report, file string, err error) bool {
	var me *ManifestError
	if errors.As(err, &me) {
		rep.problem(file, me)
		return true
	}
	if errors.Is(err, ErrBadZip) {
		rep.problem(file, err)
		return true
	}
	return false
}

func joinManifests[T any](ws []T, name func(T) string) string {
	var names []string
	for _, w := range ws {
		names = append(names, name(w))
	}
	return strings.Join(names, ", ")
}

var (
	declVersion  = regexp.MustCompile(`^BagIt-Version: ([0-9]+)\.([0-9]+)$`)
	declEncoding = regexp.MustCompile(`^Tag-File-Character-Encoding: ([^ \t].*[^ \t]|[^ \t])$`)
)

// readDeclaration parses bagit.txt strictly (RFC 8493 §2.1.1): UTF-8
// without BOM, exactly the two lines "BagIt-Version: M.N" and
// "Tag-File-Character-Encoding: ENC" with one space after each colon. On any
// fault it records a problem and falls back to 1.0 / UTF-8 to keep going.
func readDeclaration(fsys fs.FS, rep *Report) (version, enc string) {
	version, enc = "1.0", "UTF-8"
	const file = "bagit.txt"
	fail := func(line int, msg string) {
		rep.problem(file, &ManifestError{File: file, Line: line, Msg: msg})
	}
	b, err := readLimited(fsys, file, 4096)
	if err != nil {
		fail(0, err.Error())
		return
	}
	if bytes.HasPrefix(b, []byte("\uFEFF")) {
		fail(1, "starts with a byte-order mark")
		return
	}
	if !utf8.Valid(b) {
		fail(0, "not valid UTF-8")
		return
	}
	lines := splitLines(string(b))
	if len(lines) != 2 {
		fail(0, fmt.Sprintf("has %d lines, want exactly 2", len(lines)))
	}
	if len(lines) > 0 {
		if m := declVersion.FindStringSubmatch(lines[0]); m != nil {
			version = m[1] + "." + m[2]
		} else {
			fail(1, fmt.Sprintf("want \"BagIt-Version: M.N\", got %q", truncate(lines[0])))
		}
	}
	if len(lines) > 1 {
		if m := declEncoding.FindStringSubmatch(lines[1]); m != nil {
			enc = m[1]
		} else {
			fail(2, fmt.Sprintf("want \"Tag-File-Character-Encoding: ENCODING\", got %q", truncate(lines[1])))
		}
	}
	return version, enc
}

func versionAtLeast(v string, major, minor int) bool {
	a, b, ok := strings.Cut(v, ".")
	if !ok {
		return true
	}
	ma, err1 := strconv.Atoi(a)
	mi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return true
	}
	return ma > major || ma == major && mi >= minor
}

// readLimited reads at most max bytes of name, failing if it is longer.
func readLimited(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &ManifestError{File: name, Msg: fmt.Sprintf("larger than %d bytes", max)}
	}
	return b, nil
}

// readTagText reads a tag file and decodes it from enc to UTF-8. A UTF-8 BOM
// is dropped. Read failures are returned as is; content faults as
// *ManifestError.
func readTagText(fsys fs.FS, name, enc string) (string, error) {
	b, err := readLimited(fsys, name, maxTagFileSize)
	if err != nil {
		var me *ManifestError
		if errors.As(err, &me) {
			return "", err
		}
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	return decodeTag(b, name, enc)
}

func decodeTag(b []byte, name, enc string) (string, error) {
	norm := strings.ToLower(strings.ReplaceAll(enc, "_", "-"))
	switch norm {
	case "utf-8", "utf8":
		b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		if !utf8.Valid(b) {
			return "", &ManifestError{File: name, Msg: "not valid UTF-8"}
		}
		return string(b), nil
	case "utf-16", "utf16", "utf-16be", "utf-16le":
		e := unicode.BigEndian
		if norm == "utf-16le" {
			e = unicode.LittleEndian
		}
		out, _, err := transform.Bytes(unicode.BOMOverride(unicode.UTF16(e, unicode.IgnoreBOM).NewDecoder()), b)
		if err != nil {
			return "", &ManifestError{File: name, Msg: "cannot decode " + enc + ": " + err.Error()}
		}
		return string(out), nil
	}
	e, err := htmlindex.Get(enc)
	if err != nil {
		return "", &ManifestError{File: name, Msg: fmt.Sprintf("unsupported Tag-File-Character-Encoding %q", enc)}
	}
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return "", &ManifestError{File: name, Msg: "cannot decode " + enc + ": " + err.Error()}
	}
	return string(out), nil
}

// checkFetch validates fetch.txt: "URL LENGTH PATH" with PATH a local path
// under data/. Files it lists must still be present (evipack never fetches),
// which the manifest checks already enforce.
func checkFetch(fsys fs.FS, rep *Report, enc string, decode bool) {
	const file = "fetch.txt"
	text, err := readTagText(fsys, file, enc)
	if err != nil {
		rep.problem(file, err)
		return
	}
	for i, line := range splitLines(text) {
		if strings.Trim(line, " \t") == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			rep.problem(file, &ManifestError{File: file, Line: i + 1, Msg: "want \"URL LENGTH PATH\""})
			continue
		}
		// The path is everything after the second field.
		rest := strings.TrimLeft(line, " \t")
		for range 2 {
			rest = strings.TrimLeft(rest[strings.IndexAny(rest, " \t"):], " \t")
		}
		p := rest
		if decode {
			p = DecodePath(p)
		}
		p = strings.TrimPrefix(p, "./")
		if err := checkBagPath(p); err != nil {
			rep.problem(file, &ManifestError{File: file, Line: i + 1, Msg: err.Error()})
		} else if !strings.HasPrefix(p, "data/") {
			rep.problem(file, &ManifestError{File: file, Line: i + 1,
				Msg: (&PathError{Path: p, Msg: "fetch entry outside data/", Err: ErrInsecurePath}).Error()})
		}
	}
	rep.Notes = append(rep.Notes, "bag has fetch.txt; listed files were checked where present")
}

// checkBagInfo parses bag-info.txt and checks Payload-Oxum.
func checkBagInfo(fsys fs.FS, rep *Report, enc string, files map[string]int64) {
	const file = "bag-info.txt"
	text, err := readTagText(fsys, file, enc)
	if err != nil {
		rep.problem(file, err)
		return
	}
	fields, errs := parseBagInfoText(text, file)
	for _, e := range errs {
		rep.problem(file, e)
	}
	rep.BagInfo = fields
	for _, f := range fields {
		if !strings.EqualFold(f.Label, "Payload-Oxum") {
			continue
		}
		ox := &Oxum{Declared: f.Value}
		for p, size := range files {
			if strings.HasPrefix(p, "data/") {
				ox.Octets += size
				ox.Count++
			}
		}
		ox.Match = f.Value == strconv.FormatInt(ox.Octets, 10)+"."+strconv.FormatInt(ox.Count, 10)
		rep.PayloadOxum = ox
		if !ox.Match {
			rep.problem(file, fmt.Errorf("Payload-Oxum %q, but data/ holds %d octets in %d files", f.Value, ox.Octets, ox.Count))
		}
		break
	}
}

// checkRootHash recomputes the evidence root hash from manifest-sha256.txt
// and compares it with the caller's value or a SHA-256-shaped
// External-Identifier.
func checkRootHash(fsys fs.FS, rep *Report, files map[string]int64, opts VerifyOptions) error {
	rh := &rep.RootHash
	if _, ok := files["manifest-sha256.txt"]; ok {
		b, err := readLimited(fsys, "manifest-sha256.txt", maxTagFileSize)
		if err != nil {
			var me *ManifestError
			if !errors.As(err, &me) && !errors.Is(err, ErrBadZip) {
				return fmt.Errorf("read manifest-sha256.txt: %w", err)
			}
		} else {
			rh.Computed = rootHashOfManifest(b)
		}
	}
	switch {
	case opts.ExpectedRootHash != "":
		rh.Expected, rh.Source = strings.ToLower(opts.ExpectedRootHash), "caller"
	default:
		for _, f := range rep.BagInfo {
			if strings.EqualFold(f.Label, "External-Identifier") && len(f.Value) == 64 && isHex(f.Value) {
				rh.Expected, rh.Source = strings.ToLower(f.Value), "bag-info"
				break
			}
		}
	}
	if rh.Expected == "" {
		return nil
	}
	rh.Checked = true
	rh.Match = rh.Computed != "" && rh.Computed == rh.Expected
	if !rh.Match {
		got := rh.Computed
		if got == "" {
			got = "none (no manifest-sha256.txt)"
		}
		rep.problem("manifest-sha256.txt", fmt.Errorf("evidence root hash: %w: want %s (%s), got %s", ErrHashMismatch, rh.Expected, rh.Source, got))
	}
	return nil
}
