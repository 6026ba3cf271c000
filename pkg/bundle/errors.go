package bundle

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers branch on them with errors.Is; the typed errors
// below wrap or match them.
var (
	// ErrHashMismatch means a file's content does not match its recorded hash.
	ErrHashMismatch = errors.New("hash mismatch")
	// ErrMissing means a file named by a manifest is not in the bag.
	ErrMissing = errors.New("file missing")
	// ErrUnlisted means a payload file is absent from a payload manifest.
	ErrUnlisted = errors.New("file not listed in manifest")
	// ErrInsecurePath means a path is not local to the bag (absolute, "..",
	// backslashes, drive letters), is a symlink or other non-regular file, or
	// lies outside the directory it must be in.
	ErrInsecurePath = errors.New("insecure path")
	// ErrNotBag means the directory has no bagit.txt: it is not a bag at all.
	ErrNotBag = errors.New("not a bagit bag (no bagit.txt)")
	// ErrExists means the destination bundle exists and replacing was not asked for.
	ErrExists = errors.New("destination already exists")
	// ErrCollision means two bag paths would name the same file on a
	// case-insensitive or normalising file system (Windows, macOS).
	ErrCollision = errors.New("path collides with another path")
	// ErrCommitted means the Writer was already committed or aborted.
	ErrCommitted = errors.New("bundle writer already finished")
	// ErrBadZip means a zip is damaged (bad CRC, sizes or Deflate data, not
	// a zip at all) or uses what VerifyZip does not accept (encryption,
	// compression methods other than Store and Deflate).
	ErrBadZip = errors.New("damaged or unsupported zip")
	// ErrZipLimit means a zip has more entries, more declared bytes or a
	// higher compression ratio than VerifyZip accepts.
	ErrZipLimit = errors.New("zip exceeds limits")
)

// ManifestError reports malformed content in a tag file (bagit.txt,
// bag-info.txt, a manifest, fetch.txt). Line is 1-based; 0 means the whole file.
type ManifestError struct {
	File string
	Line int
	Msg  string
}

func (e *ManifestError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// HashMismatchError reports a file whose content hash differs from the
// expected one. It matches ErrHashMismatch with errors.Is.
type HashMismatchError struct {
	Path      string
	Algorithm string
	Want, Got string
}

func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("%s: %s %s: want %s, got %s", e.Path, e.Algorithm, ErrHashMismatch, e.Want, e.Got)
}

// Is reports whether target is ErrHashMismatch.
func (e *HashMismatchError) Is(target error) bool { return target == ErrHashMismatch }

// PathError reports a rejected bag path; Err is ErrInsecurePath or ErrCollision.
type PathError struct {
	Path string
	Msg  string
	Err  error
}

func (e *PathError) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("%q: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("%q: %v: %s", e.Path, e.Err, e.Msg)
}

func (e *PathError) Unwrap() error { return e.Err }
