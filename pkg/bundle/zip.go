package bundle

import (
	"archive/zip"
	"bufio"
	"cmp"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/evipack/evipack/internal/leftover"
)

// Zip form of a bag.
//
// WriteZip stores a committed bag folder as one zip: every entry under one
// top folder (the bag's name), in a fixed order (bagit.txt, bag-info.txt,
// manifest-*.txt, tagmanifest-*.txt, other tag files, then data/, each
// group sorted bytewise, every folder entry just before its first content),
// with one modification time, modes 0644/0755, the UTF-8 flag (general
// purpose bit 11) on every entry, Deflate at a fixed level for everything
// except already-compressed payloads (JPEG, PNG, PDF, MP4, zip …), which
// are stored with sizes and CRC in the local header. The same bag and time
// give the same bytes (with the same Go version, whose Deflate is fixed).
//
// VerifyZip checks a bag inside a zip without extracting it: it refuses
// unsafe entry names, symlinks, encrypted or unusually compressed entries
// and archives beyond the limits before reading any content, then runs
// VerifyFS over the entries.

// Default limits for VerifyZip; VerifyOptions can change them.
const (
	DefaultMaxZipEntries = 100_000
	DefaultMaxZipBytes   = int64(256) << 30 // total uncompressed size declared
	// maxZipRatio bounds uncompressed/compressed size for entries larger
	// than zipRatioFloor: real evidence never compresses 200:1, bombs do.
	maxZipRatio   = 200
	zipRatioFloor = 1 << 20
	// zipDeflateLevel is the fixed Deflate level of WriteZip.
	zipDeflateLevel = 6
	// zipUTF8Flag is general purpose bit 11: names are UTF-8.
	zipUTF8Flag = 0x800
)

// minZipTime is the earliest time an MS-DOS zip timestamp can hold.
var minZipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// storedExt lists extensions of formats that are already compressed; they
// are stored, not deflated, in zips.
var storedExt = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true,
	".heic": true, ".heif": true, ".pdf": true, ".mp4": true, ".mov": true,
	".m4a": true, ".mp3": true, ".aac": true, ".amr": true, ".silk": true,
	".ogg": true, ".opus": true, ".zip": true, ".xlsx": true, ".docx": true,
	".gz": true, ".7z": true, ".rar": true, ".tsr": true,
}

// zipItem is one file or folder of the bag to be zipped.
type zipItem struct {
	path  string // slash-separated, relative to the bag root
	dir   bool
	group int
}

// zipGroup orders the top level of a bag in a zip.
func zipGroup(p string) int {
	first, _, _ := strings.Cut(p, "/")
	switch {
	case first == "bagit.txt":
		return 0
	case first == "bag-info.txt":
		return 1
	case strings.HasPrefix(first, "manifest-"):
		return 2
	case strings.HasPrefix(first, "tagmanifest-"):
		return 3
	case first == "data":
		return 5
	}
	return 4
}

// WriteZip writes the bag in bagDir to w as a zip whose entries all lie
// under the folder rootName/ (one path component, normally the bag's name).
// modTime is stored on every entry; times before 1980 (and the zero time)
// become 1980-01-01 00:00 UTC. The MS-DOS time fields hold modTime's wall
// clock in its own location, so pass a time in a fixed location for
// reproducible output. Symlinks and other non-regular files in the bag are
// refused with ErrInsecurePath; a folder without bagit.txt with ErrNotBag.
// ctx is checked between reads.
func WriteZip(ctx context.Context, w io.Writer, bagDir, rootName string, modTime time.Time) error {
	if err := writeZip(ctx, w, bagDir, rootName, modTime); err != nil {
		return fmt.Errorf("zip %s: %w", bagDir, err)
	}
	return nil
}

func writeZip(ctx context.Context, w io.Writer, bagDir, rootName string, modTime time.Time) error {
	if err := checkBagPath(rootName); err != nil || strings.Contains(rootName, "/") {
		return &PathError{Path: rootName, Msg: "zip folder name must be one path component", Err: ErrInsecurePath}
	}
	if modTime.Before(minZipTime) {
		modTime = minZipTime
	}
	root, err := os.OpenRoot(bagDir)
	if err != nil {
		return err
	}
	defer root.Close()
	fsys := root.FS()
	if fi, err := fs.Stat(fsys, "bagit.txt"); err != nil || !fi.Mode().IsRegular() {
		return ErrNotBag
	}

	var items []zipItem
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if err := checkBagPath(p); err != nil {
			return err
		}
		switch {
		case d.IsDir():
			items = append(items, zipItem{path: p, dir: true, group: zipGroup(p)})
		case d.Type().IsRegular():
			items = append(items, zipItem{path: p, group: zipGroup(p)})
		default:
			return &PathError{Path: p, Msg: "not a regular file (" + d.Type().String() + ")", Err: ErrInsecurePath}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// A folder sorts as "name/" so that it comes right before its content.
	key := func(it zipItem) string {
		if it.dir {
			return it.path + "/"
		}
		return it.path
	}
	slices.SortFunc(items, func(a, b zipItem) int {
		return cmp.Or(cmp.Compare(a.group, b.group), strings.Compare(key(a), key(b)))
	})

	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, zipDeflateLevel)
	})
	zc := &zipCreator{ctx: ctx, zw: zw, fsys: fsys, root: rootName, modTime: modTime, done: map[string]bool{}}
	if err := zc.dir("."); err != nil {
		return err
	}
	for _, it := range items {
		if it.dir {
			if err := zc.dir(it.path); err != nil {
				return err
			}
			continue
		}
		if err := zc.dir(path.Dir(it.path)); err != nil {
			return err
		}
		if err := zc.file(it.path); err != nil {
			return err
		}
	}
	return zw.Close()
}

// zipCreator writes entries of one zip.
type zipCreator struct {
	ctx     context.Context
	zw      *zip.Writer
	fsys    fs.FS
	root    string
	modTime time.Time
	done    map[string]bool // folders written
	buf     []byte
}

func (z *zipCreator) name(p string) string {
	if p == "." {
		return z.root
	}
	return z.root + "/" + p
}

// dir writes the folder entry for p and its parents, once each.
func (z *zipCreator) dir(p string) error {
	if z.done[p] {
		return nil
	}
	if p != "." {
		if err := z.dir(path.Dir(p)); err != nil {
			return err
		}
	}
	z.done[p] = true
	fh := z.header(z.name(p)+"/", fs.ModeDir|0o755)
	fh.Method = zip.Store
	_, err := z.zw.CreateHeader(fh)
	return err
}

func (z *zipCreator) header(name string, mode fs.FileMode) *zip.FileHeader {
	fh := &zip.FileHeader{Name: name, Modified: z.modTime, Flags: zipUTF8Flag}
	fh.SetMode(mode)
	return fh
}

func (z *zipCreator) file(p string) error {
	if z.buf == nil {
		z.buf = make([]byte, copyBufSize)
	}
	fh := z.header(z.name(p), 0o644)
	if !storedExt[strings.ToLower(path.Ext(p))] {
		fh.Method = zip.Deflate
		dst, err := z.zw.CreateHeader(fh)
		if err != nil {
			return err
		}
		_, _, err = z.copy(dst, p)
		return err
	}
	// Stored: sizes and CRC go into the local header (no data descriptor,
	// which some readers refuse on stored entries), so hash first.
	size, sum, err := z.copy(io.Discard, p)
	if err != nil {
		return err
	}
	fh.Method = zip.Store
	if size >= 1<<32-1 {
		// Zip64: archive/zip writes the sizes in a zip64 data descriptor.
		dst, err := z.zw.CreateHeader(fh)
		if err != nil {
			return err
		}
		_, _, err = z.copy(dst, p)
		return err
	}
	fh.CRC32 = sum
	fh.CompressedSize64, fh.UncompressedSize64 = uint64(size), uint64(size)
	// CreateRaw leaves these to the caller; CreateHeader would set them so.
	fh.CreatorVersion = fh.CreatorVersion&0xff00 | 20
	fh.ReaderVersion = 20
	//lint:ignore SA1019 CreateRaw writes these MS-DOS fields as given; setting them directly keeps the bytes independent of the local time zone
	fh.ModifiedDate, fh.ModifiedTime = msDosTime(z.modTime)
	fh.Extra = extTime(z.modTime)
	dst, err := z.zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	n, got, err := z.copy(dst, p)
	if err != nil {
		return err
	}
	if n != size || got != sum {
		return fmt.Errorf("%s changed while being zipped", p)
	}
	return nil
}

// copy streams p into dst and returns its size and CRC-32.
func (z *zipCreator) copy(dst io.Writer, p string) (int64, uint32, error) {
	f, err := z.fsys.Open(p)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	h := crc32.NewIEEE()
	n, err := io.CopyBuffer(io.MultiWriter(dst, h), ctxReader{z.ctx, f}, z.buf)
	if err != nil {
		return n, 0, fmt.Errorf("read %s: %w", p, err)
	}
	return n, h.Sum32(), nil
}

// msDosTime is t's wall clock as MS-DOS date and time, as archive/zip writes it.
func msDosTime(t time.Time) (date, tm uint16) {
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	tm = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, tm
}

// extTime is the Info-ZIP extended timestamp extra field (0x5455) holding
// t as the modification time, as archive/zip writes it.
func extTime(t time.Time) []byte {
	b := make([]byte, 9)
	binary.LittleEndian.PutUint16(b[0:], 0x5455)
	binary.LittleEndian.PutUint16(b[2:], 5)
	b[4] = 1
	binary.LittleEndian.PutUint32(b[5:], uint32(t.Unix()))
	return b
}

// WriteZipFile writes the zip of the bag in bagDir (see WriteZip) to
// zipPath atomically: to a temporary file beside it, fsynced, then renamed
// over zipPath, replacing an existing file. On error or cancellation nothing
// is left at zipPath that was not there before. The file gets mode 0644 and
// modTime.
func WriteZipFile(ctx context.Context, zipPath, bagDir, rootName string, modTime time.Time) (err error) {
	dir, base := filepath.Split(zipPath)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+leftover.Tmp+leftover.Tag()+"*")
	if err != nil {
		return fmt.Errorf("zip %s: %w", zipPath, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, copyBufSize)
	if err := WriteZip(ctx, bw, bagDir, rootName, modTime); err != nil {
		return fmt.Errorf("write %s: %w", zipPath, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", zipPath, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", zipPath, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", zipPath, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", zipPath, err)
	}
	mt := modTime
	if mt.Before(minZipTime) {
		mt = minZipTime
	}
	if err := os.Chtimes(tmp.Name(), mt, mt); err != nil {
		return fmt.Errorf("write %s: %w", zipPath, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write %s: %w", zipPath, err)
	}
	if err := os.Rename(tmp.Name(), zipPath); err != nil {
		return fmt.Errorf("write %s: %w", zipPath, err)
	}
	return syncDir(dir)
}

// ZipError reports a zip that cannot be verified as a bag: damaged, using
// an unsupported feature, beyond a limit, or not holding exactly one bag.
// Entry is the entry's name as stored ("" for the archive as a whole). Err
// is ErrBadZip, ErrZipLimit or ErrNotBag, possibly wrapping an archive/zip
// error.
type ZipError struct {
	Entry string
	Msg   string
	Err   error
}

func (e *ZipError) Error() string {
	if e.Entry == "" {
		return fmt.Sprintf("zip: %s: %v", e.Msg, e.Err)
	}
	return fmt.Sprintf("zip entry %q: %s: %v", e.Entry, e.Msg, e.Err)
}

func (e *ZipError) Unwrap() error { return e.Err }

// VerifyZipFile opens the zip at zipPath and verifies the bag in it; see
// VerifyZip. The report's Dir is zipPath.
func VerifyZipFile(ctx context.Context, zipPath string, opts VerifyOptions) (*Report, error) {
	f, err := os.Open(zipPath)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", zipPath, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", zipPath, err)
	}
	rep, err := VerifyZip(ctx, f, fi.Size(), opts)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", zipPath, err)
	}
	rep.Dir = zipPath
	return rep, nil
}

// VerifyZip verifies the bag in the zip r of size bytes without extracting
// it. The bag is either the zip's root (bagit.txt at the top) or its only
// top-level folder; entries under "__MACOSX/" (macOS Finder metadata) are
// ignored with a note. Before any content is read it refuses, with a
// *PathError matching ErrInsecurePath that names the entry: absolute names,
// "..", backslashes, drive letters, NUL, names that are not UTF-8, symlinks
// and other special files, and two names that are equal after Unicode
// normalisation (NFC) and case folding, or a name used as both file and
// folder. It refuses with a *ZipError: more entries than
// opts.MaxZipEntries or a declared total size over opts.MaxZipBytes
// (ErrZipLimit), an entry compressing better than 200:1, encryption,
// compression methods other than Store and Deflate, a damaged archive
// (ErrBadZip), and a zip with more than one top-level folder or file
// (ErrNotBag). Then VerifyFS checks the bag. An entry whose content is
// damaged (CRC or size wrong, corrupt Deflate data) is reported as changed.
func VerifyZip(ctx context.Context, r io.ReaderAt, size int64, opts VerifyOptions) (*Report, error) {
	zfs, notes, err := openZipBag(r, size, opts)
	if err != nil {
		return nil, fmt.Errorf("verify zip: %w", err)
	}
	rep, err := VerifyFS(ctx, zfs, opts)
	if err != nil {
		return nil, fmt.Errorf("verify zip: %w", err)
	}
	rep.Notes = append(rep.Notes, notes...)
	return rep, nil
}

// OpenZip returns the bag inside a zip as a read-only fs.FS, after the same
// safety checks as VerifyZip, so its tag files (an attached timestamp) can
// be read without extracting anything.
func OpenZip(r io.ReaderAt, size int64, opts VerifyOptions) (fs.FS, error) {
	zfs, _, err := openZipBag(r, size, opts)
	if err != nil {
		return nil, fmt.Errorf("open zip: %w", err)
	}
	return zfs, nil
}

// zipFS is a read-only fs.FS over the checked entries of a zip, rooted at
// the bag's folder.
type zipFS struct {
	files map[string]*zip.File
	dirs  map[string][]string // folder → sorted base names of its children
}

func openZipBag(r io.ReaderAt, size int64, opts VerifyOptions) (*zipFS, []string, error) {
	maxEntries, maxBytes := opts.MaxZipEntries, opts.MaxZipBytes
	if maxEntries <= 0 {
		maxEntries = DefaultMaxZipEntries
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxZipBytes
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, nil, &ZipError{Msg: "cannot read the archive", Err: fmt.Errorf("%w: %w", ErrBadZip, err)}
	}
	if len(zr.File) > maxEntries {
		return nil, nil, &ZipError{Msg: fmt.Sprintf("%d entries, more than %d", len(zr.File), maxEntries), Err: ErrZipLimit}
	}

	type seenEntry struct {
		name string
		dir  bool
	}
	var (
		notes   []string
		ignored int
		total   uint64
		seen    = map[string]seenEntry{} // folded path → first spelling
		entries []*zip.File
		tops    []string
		hasDecl bool
	)
	for _, f := range zr.File {
		name := f.Name
		if strings.HasPrefix(name, "__MACOSX/") {
			ignored++
			continue
		}
		isDir := strings.HasSuffix(name, "/")
		p := strings.TrimSuffix(name, "/")
		if err := checkBagPath(p); err != nil {
			var pe *PathError
			if errors.As(err, &pe) {
				pe.Path = name
			}
			return nil, nil, err
		}
		insecure := func(msg string) error { return &PathError{Path: name, Msg: msg, Err: ErrInsecurePath} }
		mode := f.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			return nil, nil, insecure("symlink")
		case mode.Type()&^fs.ModeDir != 0:
			return nil, nil, insecure("not a regular file (" + mode.Type().String() + ")")
		case mode.IsDir() != isDir:
			return nil, nil, insecure("folder flag and name disagree")
		case isDir && f.UncompressedSize64 != 0:
			return nil, nil, insecure("folder entry with content")
		}
		bad := func(msg string, err error) error { return &ZipError{Entry: name, Msg: msg, Err: err} }
		if !isDir {
			switch {
			case f.Flags&0x1 != 0:
				return nil, nil, bad("encrypted", ErrBadZip)
			case f.Method != zip.Store && f.Method != zip.Deflate:
				return nil, nil, bad(fmt.Sprintf("compression method %d", f.Method), ErrBadZip)
			case f.UncompressedSize64 > uint64(maxBytes) || total+f.UncompressedSize64 > uint64(maxBytes):
				return nil, nil, bad(fmt.Sprintf("declared sizes add up to more than %d bytes", maxBytes), ErrZipLimit)
			case f.UncompressedSize64 > zipRatioFloor && f.UncompressedSize64/max(f.CompressedSize64, 1) > maxZipRatio:
				return nil, nil, bad(fmt.Sprintf("compresses %d:1, more than %d:1 (zip bomb?)",
					f.UncompressedSize64/max(f.CompressedSize64, 1), maxZipRatio), ErrZipLimit)
			}
			total += f.UncompressedSize64
		}
		// Collisions: this path and every folder above it.
		k := fold(p)
		if prev, ok := seen[k]; ok && !(prev.dir && isDir && prev.name == p) {
			return nil, nil, insecure(fmt.Sprintf("collides with %q (equal after Unicode normalisation and case folding)", prev.name))
		}
		seen[k] = seenEntry{p, isDir}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			dk := fold(d)
			if prev, ok := seen[dk]; ok {
				if !prev.dir {
					return nil, nil, insecure(fmt.Sprintf("lies under %q, which is a file", prev.name))
				}
				if prev.name != d {
					return nil, nil, insecure(fmt.Sprintf("folder %q collides with %q", d, prev.name))
				}
				continue
			}
			seen[dk] = seenEntry{d, true}
		}
		first, _, _ := strings.Cut(p, "/")
		if !slices.Contains(tops, first) {
			tops = append(tops, first)
		}
		if p == "bagit.txt" && !isDir {
			hasDecl = true
		}
		entries = append(entries, f)
	}
	if ignored > 0 {
		notes = append(notes, fmt.Sprintf("ignored %d macOS metadata entries (__MACOSX/) in the zip", ignored))
	}

	root := ""
	switch {
	case hasDecl:
		notes = append(notes, "bag at the root of the zip, verified without extracting")
	case len(tops) == 1 && seen[fold(tops[0])].dir:
		root = tops[0]
		notes = append(notes, fmt.Sprintf("bag in zip folder %q, verified without extracting", root))
	case len(tops) == 0:
		return nil, nil, &ZipError{Msg: "no entries", Err: ErrNotBag}
	default:
		slices.Sort(tops)
		shown := tops[:min(len(tops), 5)]
		return nil, nil, &ZipError{Msg: fmt.Sprintf("%d top-level entries (%s); want one bag folder", len(tops), strings.Join(shown, ", ")), Err: ErrNotBag}
	}

	z := &zipFS{files: map[string]*zip.File{}, dirs: map[string][]string{".": nil}}
	addDir := func(d string) {
		for d != "." {
			if _, ok := z.dirs[d]; ok {
				return
			}
			z.dirs[d] = nil
			parent := path.Dir(d)
			z.dirs[parent] = append(z.dirs[parent], path.Base(d))
			d = parent
		}
	}
	for _, f := range entries {
		p := strings.TrimSuffix(f.Name, "/")
		if root != "" {
			if p == root {
				continue // the bag folder itself
			}
			p = strings.TrimPrefix(p, root+"/")
			if err := checkBagPath(p); err != nil {
				return nil, nil, err
			}
		}
		if strings.HasSuffix(f.Name, "/") {
			addDir(p)
			continue
		}
		addDir(path.Dir(p))
		z.files[p] = f
		parent := path.Dir(p)
		z.dirs[parent] = append(z.dirs[parent], path.Base(p))
	}
	for d := range z.dirs {
		slices.Sort(z.dirs[d])
	}
	return z, notes, nil
}

func (z *zipFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f, ok := z.files[name]; ok {
		rc, err := f.Open()
		if err != nil {
			return nil, &ZipError{Entry: f.Name, Msg: "cannot open", Err: fmt.Errorf("%w: %w", ErrBadZip, err)}
		}
		return &zipFile{f: f, rc: rc}, nil
	}
	if _, ok := z.dirs[name]; ok {
		return &zipDir{z: z, name: name}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (z *zipFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if f, ok := z.files[name]; ok {
		return zipFileInfo{f}, nil
	}
	if _, ok := z.dirs[name]; ok {
		return zipDirInfo(path.Base(name)), nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

func (z *zipFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	children, ok := z.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	out := make([]fs.DirEntry, 0, len(children))
	for _, c := range children {
		fi, err := z.Stat(path.Join(name, c))
		if err != nil {
			return nil, err
		}
		out = append(out, fs.FileInfoToDirEntry(fi))
	}
	return out, nil
}

// zipFileInfo describes a checked regular entry: always mode 0644, size as
// declared (archive/zip fails reads that deliver more or less).
type zipFileInfo struct{ f *zip.File }

func (i zipFileInfo) Name() string       { return path.Base(i.f.Name) }
func (i zipFileInfo) Size() int64        { return int64(i.f.UncompressedSize64) }
func (i zipFileInfo) Mode() fs.FileMode  { return 0o644 }
func (i zipFileInfo) ModTime() time.Time { return i.f.Modified }
func (i zipFileInfo) IsDir() bool        { return false }
func (i zipFileInfo) Sys() any           { return nil }

type zipDirInfo string

func (i zipDirInfo) Name() string       { return string(i) }
func (i zipDirInfo) Size() int64        { return 0 }
func (i zipDirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o755 }
func (i zipDirInfo) ModTime() time.Time { return time.Time{} }
func (i zipDirInfo) IsDir() bool        { return true }
func (i zipDirInfo) Sys() any           { return nil }

// zipFile reads one entry; read faults become a *ZipError matching ErrBadZip.
type zipFile struct {
	f  *zip.File
	rc io.ReadCloser
}

func (f *zipFile) Stat() (fs.FileInfo, error) { return zipFileInfo{f.f}, nil }
func (f *zipFile) Close() error               { return f.rc.Close() }
func (f *zipFile) Read(p []byte) (int, error) {
	n, err := f.rc.Read(p)
	if err != nil && err != io.EOF {
		err = &ZipError{Entry: f.f.Name, Msg: "damaged content", Err: fmt.Errorf("%w: %w", ErrBadZip, err)}
	}
	return n, err
}

type zipDir struct {
	z    *zipFS
	name string
	pos  int
}

func (d *zipDir) Stat() (fs.FileInfo, error) { return zipDirInfo(path.Base(d.name)), nil }
func (d *zipDir) Close() error               { return nil }
func (d *zipDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}

func (d *zipDir) ReadDir(n int) ([]fs.DirEntry, error) {
	all, err := d.z.ReadDir(d.name)
	if err != nil {
		return nil, err
	}
	rest := all[d.pos:]
	if n <= 0 {
		d.pos = len(all)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.pos += len(rest)
	return rest, nil
}
