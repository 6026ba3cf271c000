package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// stagedDir is the folder inside the staging folder that holds payload
// files written before their bag path is known. Commit removes it.
const stagedDir = ".staged"

// Staged is a payload file being written into the staging folder before its
// bag path is known (see Writer.Stage). It hashes what is written to it with
// SHA-256. One goroutine writes and closes it; Place or Discard then hands it
// back to the Writer.
type Staged struct {
	w      *Writer
	path   string   // absolute path under <staging>/.staged/
	f      *os.File // closed by Close, or by Abort and Commit for leftovers
	h      hash.Hash
	n      int64
	sum    string
	err    error // first write or close error
	closed bool
	spent  bool // placed or discarded
}

// Write writes p to the staged file and to its hash.
func (s *Staged) Write(p []byte) (int, error) {
	if s.closed {
		return 0, fmt.Errorf("staged file %s: %w", s.path, os.ErrClosed)
	}
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.f.Write(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	if err != nil {
		s.err = err
	}
	return n, err
}

// Close finishes the staged file: it starts write-back to disk (the fsync
// happens in Commit) and fixes Sum and Size. It returns the first error seen
// writing the file. Calling it again returns the same result.
func (s *Staged) Close() error {
	if s.closed {
		return s.err
	}
	s.closed = true
	if s.err == nil {
		startWriteback(s.f)
	}
	if err := s.f.Close(); err != nil && s.err == nil {
		s.err = err
	}
	if s.err == nil {
		s.sum = hex.EncodeToString(s.h.Sum(nil))
	}
	return s.err
}

// Sum returns the lower-case hex SHA-256 of what was written, or "" before a
// successful Close.
func (s *Staged) Sum() string { return s.sum }

// Size returns the number of bytes written so far.
func (s *Staged) Size() int64 { return s.n }

// Stage creates a scratch file in the staging folder for a payload file
// whose bag path is not known yet, so that a caller can copy a file into
// the bag in the same pass that catalogues it. Write the content to it,
// Close it, and then either Place it at its bag path or Discard it. Staged
// files neither placed nor discarded by Commit are dropped and never listed.
//
// Stage is safe to call from several goroutines at once, also while the
// goroutine that owns the Writer calls Place or Discard; each *Staged is
// used by one goroutine at a time.
func (w *Writer) Stage() (*Staged, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done || w.sealed {
		return nil, fmt.Errorf("stage: %w", ErrCommitted)
	}
	dir := filepath.Join(w.tmp, stagedDir)
	if w.staged == nil {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, fmt.Errorf("stage: %w", err)
		}
		w.staged = map[*Staged]struct{}{}
	}
	w.stageSeq++
	p := filepath.Join(dir, strconv.Itoa(w.stageSeq))
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	s := &Staged{w: w, path: p, f: f, h: sha256.New()}
	w.staged[s] = struct{}{}
	return s, nil
}

// Place moves a staged file to bagPath, which must start with "data/". It
// checks bagPath exactly like AddFile does. If wantSHA256 is not empty and
// the staged content hashes differently, a *HashMismatchError is returned.
// Place closes s if needed. Whatever the outcome, s is spent: on any error
// the staged file is removed and nothing is added to the bag.
func (w *Writer) Place(s *Staged, bagPath, wantSHA256 string) (err error) {
	if s == nil || s.w != w {
		return fmt.Errorf("place %s: staged file of another writer", bagPath)
	}
	if s.spent {
		return fmt.Errorf("place %s: staged file already placed or discarded", bagPath)
	}
	defer func() {
		if err != nil {
			w.Discard(s)
			err = fmt.Errorf("place %s: %w", bagPath, err)
		}
	}()
	if w.done {
		return ErrCommitted
	}
	if err := s.Close(); err != nil {
		return err
	}
	if err := checkPayloadPath(bagPath); err != nil {
		return err
	}
	want := strings.ToLower(wantSHA256)
	if want != "" && (len(want) != sha256.Size*2 || !isHex(want)) {
		return fmt.Errorf("expected sha256 %q is not 64 hex digits", wantSHA256)
	}
	if err := w.reserve(bagPath); err != nil {
		return err
	}
	if want != "" && s.sum != want {
		return &HashMismatchError{Path: bagPath, Algorithm: "sha256", Want: want, Got: s.sum}
	}
	dst := filepath.Join(w.tmp, filepath.FromSlash(bagPath))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	// reserve rules out every path placed so far; this guards against
	// silently replacing anything else that might be there.
	if _, err := os.Lstat(dst); !errors.Is(err, os.ErrNotExist) {
		return &PathError{Path: bagPath, Msg: "already exists in the staging folder", Err: ErrCollision}
	}
	if err := os.Rename(s.path, dst); err != nil {
		return err
	}
	s.path = dst // so that Discard on a later error removes the placed file
	if err := os.Chmod(dst, 0o644); err != nil {
		return err
	}
	if err := os.Chtimes(dst, w.modTime, w.modTime); err != nil {
		return err
	}
	w.mu.Lock()
	delete(w.staged, s)
	w.mu.Unlock()
	s.spent = true
	w.record(bagPath)
	w.payload[bagPath] = s.sum
	w.octets += s.n
	w.written = append(w.written, dst)
	return nil
}

// Discard closes s if needed and removes the staged file. It does nothing
// for a file already placed or discarded.
func (w *Writer) Discard(s *Staged) {
	if s == nil || s.w != w || s.spent {
		return
	}
	s.Close()
	s.spent = true
	os.Remove(s.path)
	w.mu.Lock()
	delete(w.staged, s)
	w.mu.Unlock()
}

// PathOf returns where payload file bagPath is in the staging folder, for a
// caller that wants to read back what was written; "" if bagPath was not
// added or placed, or after Commit or Abort.
func (w *Writer) PathOf(bagPath string) string {
	if _, ok := w.payload[bagPath]; !ok || w.tmp == "" || w.done {
		return ""
	}
	return filepath.Join(w.tmp, filepath.FromSlash(bagPath))
}

// seal stops Stage and closes staged files that were neither placed nor
// discarded (they are dropped with the folder that holds them). It returns
// whether anything was ever staged.
func (w *Writer) seal() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sealed = true
	for s := range w.staged {
		s.f.Close() // os.File.Close is safe against a concurrent Write
	}
	w.staged = nil
	return w.stageSeq > 0
}

// dropStaged removes the folder of staged files before the manifests are
// written, so that what was staged and not placed is never part of the bag.
func (w *Writer) dropStaged() error {
	if !w.seal() {
		return nil
	}
	return os.RemoveAll(filepath.Join(w.tmp, stagedDir))
}

// syncWorkers is how many files Commit fsyncs at once: enough to keep a
// disk's queue busy, few enough not to swamp it.
const syncWorkers = 4

// syncFile fsyncs the file at p. A variable so tests can make it fail.
var syncFile = func(p string) error {
	// Opened for writing: Windows refuses to flush a read-only handle.
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", p, err)
	}
	return f.Close()
}

// syncFiles fsyncs every file written into the staging folder, a few at a
// time, and returns the first error.
func (w *Writer) syncFiles() error {
	paths := w.written
	next := make(chan string)
	errs := make(chan error, syncWorkers)
	var wg sync.WaitGroup
	for range min(syncWorkers, max(len(paths), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var first error
			for p := range next {
				if first != nil {
					continue // drain
				}
				first = syncFile(p)
			}
			errs <- first
		}()
	}
	for _, p := range paths {
		next <- p
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
