package bundle

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

var tagManifestName = regexp.MustCompile(`^tagmanifest-([A-Za-z0-9]+)\.txt$`)

// maxUpdateTagSize bounds one tag file given to UpdateTags.
const maxUpdateTagSize = maxTagFileSize

// UpdateTags adds, replaces or removes tag files at the root of the committed
// bag in dir and rewrites every tagmanifest-<alg>.txt to match. files maps a
// tag file name to its new bytes; nil bytes remove the file (a missing file
// is not an error), an empty non-nil slice writes an empty file.
//
// Names must be single, local path components that are valid UTF-8; the
// files BagIt reserves (bagit.txt, fetch.txt, manifest-*.txt,
// tagmanifest-*.txt) and "data" are refused with ErrInsecurePath, and a name
// equal to another root entry after NFC normalisation and case folding with
// ErrCollision.
//
// UpdateTags never launders a change: every file a tag manifest lists and
// that is not being replaced must still hash as listed, or nothing is
// written and the error matches ErrHashMismatch (ErrMissing for a listed
// file that is gone). Tag files no tag manifest lists stay unlisted. A bag
// without a tag manifest gets tagmanifest-sha256.txt listing bagit.txt,
// bag-info.txt, fetch.txt, the payload manifests and the new files.
//
// Every file is first written in full to a temporary file in the bag and
// fsynced, then renamed over its name; removals follow, and the tag
// manifests are renamed into place last, so that an interruption leaves at
// worst a bag whose tag manifest is stale, never a half-written file. New
// files get the modification time of bagit.txt (the bag's packaging time),
// and the folder keeps its own. The bag must use BagIt 1.0 or later with
// UTF-8 tag files.
func UpdateTags(dir string, files map[string][]byte) error {
	if err := updateTags(dir, files); err != nil {
		return fmt.Errorf("update tags %s: %w", dir, err)
	}
	return nil
}

// tagManifest is one tag manifest being rewritten.
type tagManifest struct {
	file    string
	alg     algorithm
	entries []ManifestEntry
}

func updateTags(dir string, files map[string][]byte) (err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	fsys := root.FS()

	if fi, err := root.Lstat("bagit.txt"); err != nil || !fi.Mode().IsRegular() {
		return ErrNotBag
	}
	var decl Report
	version, enc := readDeclaration(fsys, &decl)
	if len(decl.Problems) > 0 {
		return decl.Problems[0].Err
	}
	if !strings.EqualFold(enc, "UTF-8") || !versionAtLeast(version, 1, 0) {
		return fmt.Errorf("bag is BagIt %s with %s tag files; only BagIt 1.0 or later with UTF-8 can be updated", version, enc)
	}

	rootEntries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return err
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	})
	for _, name := range names {
		if err := checkTagName(name); err != nil {
			return err
		}
		if len(files[name]) > maxUpdateTagSize {
			return &PathError{Path: name, Msg: fmt.Sprintf("larger than %d bytes", maxUpdateTagSize), Err: ErrInsecurePath}
		}
		for _, e := range rootEntries {
			if e.Name() == name {
				if !e.Type().IsRegular() {
					return &PathError{Path: name, Msg: "exists and is not a regular file (" + e.Type().String() + ")", Err: ErrInsecurePath}
				}
			} else if fold(e.Name()) == fold(name) {
				return &PathError{Path: name, Msg: fmt.Sprintf("collides with %q", e.Name()), Err: ErrCollision}
			}
		}
	}

	// The tag manifests to rewrite, each with its entries re-checked.
	var tms []tagManifest
	for _, e := range rootEntries {
		m := tagManifestName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		if !e.Type().IsRegular() {
			return &PathError{Path: e.Name(), Msg: "not a regular file", Err: ErrInsecurePath}
		}
		alg, ok := lookupAlgorithm(m[1])
		if !ok {
			return fmt.Errorf("%s: algorithm %q is not supported, so it cannot be rewritten", e.Name(), m[1])
		}
		f, err := root.Open(e.Name())
		if err != nil {
			return err
		}
		entries, err := ParseManifest(f, e.Name(), alg.name)
		f.Close()
		if err != nil {
			return err
		}
		tms = append(tms, tagManifest{file: e.Name(), alg: alg, entries: entries})
	}
	if len(tms) == 0 {
		alg, _ := lookupAlgorithm("sha256")
		tm := tagManifest{file: "tagmanifest-sha256.txt", alg: alg}
		for _, e := range rootEntries {
			n := e.Name()
			if _, touched := files[n]; touched || !e.Type().IsRegular() {
				continue
			}
			if n == "bagit.txt" || n == "bag-info.txt" || n == "fetch.txt" || manifestName.MatchString(n) {
				tm.entries = append(tm.entries, ManifestEntry{Path: n, Sum: "-"}) // hashed below
			}
		}
		tms = append(tms, tm)
	}
	manifests := make(map[string][]byte, len(tms))
	for i := range tms {
		b, err := tms[i].rewrite(fsys, files)
		if err != nil {
			return err
		}
		manifests[tms[i].file] = b
	}

	modTime := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	if fi, err := root.Stat("bagit.txt"); err == nil {
		modTime = fi.ModTime()
	}
	dirInfo, err := os.Stat(dir)
	if err != nil {
		return err
	}

	// Stage every new file, then rename them into place, tag manifests last.
	type staged struct{ tmp, name string }
	var pending []staged
	defer func() {
		for _, s := range pending {
			root.Remove(s.tmp)
		}
	}()
	stage := func(name string, b []byte) error {
		tmp, err := writeTemp(root, name, b, modTime)
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		pending = append(pending, staged{tmp, name})
		return nil
	}
	for _, name := range names {
		if b := files[name]; b != nil {
			if err := stage(name, b); err != nil {
				return err
			}
		}
	}
	for _, tm := range tms {
		if err := stage(tm.file, manifests[tm.file]); err != nil {
			return err
		}
	}
	commit := func(s staged) error {
		if err := root.Rename(s.tmp, s.name); err != nil {
			return fmt.Errorf("rename %s: %w", s.name, err)
		}
		return nil
	}
	for len(pending) > len(tms) {
		if err := commit(pending[0]); err != nil {
			return err
		}
		pending = pending[1:]
	}
	for _, name := range names {
		if files[name] == nil {
			if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove %s: %w", name, err)
			}
		}
	}
	for len(pending) > 0 {
		if err := commit(pending[0]); err != nil {
			return err
		}
		pending = pending[1:]
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	// Renames touch the folder's time; keep it as it was, so copies and
	// zips of the bag stay deterministic.
	return os.Chtimes(dir, dirInfo.ModTime(), dirInfo.ModTime())
}

// checkTagName validates a tag file name for UpdateTags.
func checkTagName(name string) error {
	if err := checkBagPath(name); err != nil {
		return err
	}
	lower := fold(name)
	switch {
	case strings.Contains(name, "/"):
		return &PathError{Path: name, Msg: "must be a single name at the bag root", Err: ErrInsecurePath}
	case lower == "data" || lower == "bagit.txt" || lower == "fetch.txt" ||
		strings.HasPrefix(lower, "manifest-") || strings.HasPrefix(lower, "tagmanifest-"):
		return &PathError{Path: name, Msg: "reserved by BagIt", Err: ErrInsecurePath}
	case strings.ContainsAny(name, "%\r\n"):
		// Encoded in manifests, which plain sha256sum -c cannot read.
		return &PathError{Path: name, Msg: `contains "%", CR or LF`, Err: ErrInsecurePath}
	}
	return nil
}

// rewrite returns the new text of tm: its entries that are not being
// replaced or removed, each checked against the file as it is, plus the new
// files, hashed with tm's algorithm. A "-" sum means "not recorded: hash the
// file as it is".
func (tm *tagManifest) rewrite(fsys fs.FS, files map[string][]byte) ([]byte, error) {
	var out []ManifestEntry
	for _, e := range tm.entries {
		if _, replaced := files[e.Path]; replaced {
			continue
		}
		if tagManifestName.MatchString(e.Path) {
			continue // tag manifests change; none lists another
		}
		sums, _, err := hashFile(context.Background(), fsys, e.Path, []algorithm{tm.alg})
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s lists %s: %w", tm.file, e.Path, ErrMissing)
			}
			return nil, err
		}
		got := sums[tm.alg.name]
		if e.Sum != "-" && !strings.EqualFold(got, e.Sum) {
			return nil, fmt.Errorf("%s lists %s: %w", tm.file, e.Path,
				&HashMismatchError{Path: e.Path, Algorithm: tm.alg.name, Want: strings.ToLower(e.Sum), Got: got})
		}
		if e.Sum == "-" {
			e.Sum = got
		}
		out = append(out, ManifestEntry{Path: e.Path, Sum: e.Sum})
	}
	for name, b := range files {
		if b == nil {
			continue
		}
		h := tm.alg.new()
		h.Write(b)
		out = append(out, ManifestEntry{Path: name, Sum: fmt.Sprintf("%x", h.Sum(nil))})
	}
	return FormatManifest(out), nil
}

// writeTemp writes b to a new temporary file beside name inside root, fsyncs
// it, sets mode 0644 and modTime, and returns its name.
func writeTemp(root *os.Root, name string, b []byte, modTime time.Time) (tmp string, err error) {
	for range 10 {
		tmp = "." + name + ".evipack-tmp-" + rand.Text()[:12]
		f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = bytes.NewReader(b).WriteTo(f)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = root.Chmod(tmp, 0o644)
		}
		if err == nil {
			err = root.Chtimes(tmp, modTime, modTime)
		}
		if err != nil {
			root.Remove(tmp)
			return "", err
		}
		return tmp, nil
	}
	return "", fmt.Errorf("cannot create a temporary file for %s", name)
}
