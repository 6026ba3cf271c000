package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/evipack/evipack/internal/parallel"
)

// CaseFileName is the name of the case description inside a case folder. It
// is read by the caller, never treated as evidence.
const CaseFileName = "case.yaml"

// junkNames are operating-system droppings that are never evidence.
var junkNames = map[string]bool{
	".DS_Store":   true,
	"Thumbs.db":   true,
	"desktop.ini": true,
	"Desktop.ini": true,
	"__MACOSX":    true,
	"ehthumbs.db": true,
}

// Options tune Collect.
type Options struct {
	// Exclude lists absolute folders inside the case folder that are not
	// evidence (the output folder when it lies inside the case).
	Exclude []string
	// Packaging is the packaging time recorded for every item.
	Packaging time.Time
	// PackagingDetail says where the packaging time came from.
	PackagingDetail string
	// Jobs bounds the number of files ingested at once (0 = number of CPUs).
	Jobs int
	// Progress, if set, is called after each file is hashed with the number
	// done and the total. It may be called from several goroutines.
	Progress func(done, total int)
	// Copy, if set, is called for each file about to be read, with its
	// slash-separated path relative to the case folder, and every byte of
	// the pass that hashes the file is also written to the writer it
	// returns, which is closed right after that pass — also when reading
	// failed, in which case the Item has no SHA256 and the copy is
	// incomplete. A copy that fails (Copy, Write or Close returns an error)
	// fails Collect: a file must not go missing from the copies because the
	// destination is full. Copy is called from several goroutines at once.
	// A writer that hashes what it receives itself — one with a
	// "Sum() string" method giving the hex SHA-256 after Close — saves the
	// second hash: Collect takes the file's SHA256 from it.
	Copy func(p string) (io.WriteCloser, error)
}

// Skipped is a path found in the case folder that is not carried as
// evidence, with the reason.
type Skipped struct {
	Path string `json:"path"`
	Warning
}

// Result is what Collect found in a case folder.
type Result struct {
	Items   []*Item   `json:"items"`
	Skipped []Skipped `json:"skipped,omitempty"`
	HasCase bool      `json:"-"` // the folder holds a case.yaml
}

// Collect walks the case folder in a stable (byte-wise, depth-first) order,
// refuses symlinks and special files, skips hidden and system junk, and
// ingests every regular file: type by content, SHA-256 while streaming, and
// every time known about it with its source. Items are numbered in walk
// order. Errors about one file become warnings on that file; Collect returns
// an error only when the folder itself cannot be read, a copy (Options.Copy)
// fails, or ctx is cancelled.
func Collect(ctx context.Context, dir string, opts Options) (*Result, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("collect %s: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("collect %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("collect %s: not a folder", dir)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("collect %s: %w", dir, err)
	}
	defer root.Close()

	res := &Result{}
	var paths []string
	seenNFC := map[string]bool{}
	walkErr := fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			res.Skipped = append(res.Skipped, skip(p, "unreadable",
				"cannot be read: "+unwrapPathError(err), "无法读取："+ZhIOError(err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if p == "." {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if strings.HasPrefix(name, ".") || junkNames[name] || excluded(abs, p, opts.Exclude) {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || junkNames[name] || strings.HasPrefix(name, "~$") {
			return nil
		}
		if p == CaseFileName {
			res.HasCase = true
			return nil
		}
		switch typ := d.Type(); {
		case !utf8.ValidString(p):
			res.Skipped = append(res.Skipped, skip(strings.ToValidUTF8(p, "?"), "name-not-utf8",
				"the file name is not valid UTF-8 (often a name from an old Windows or zip tool); rename the file and build again",
				"文件名不是有效的 UTF-8 编码（常见于旧版 Windows 或压缩软件解压的文件），请重命名后重新打包"))
		case seenNFC[norm.NFC.String(p)]:
			res.Skipped = append(res.Skipped, skip(p, "name-duplicate",
				"another file has the same name after Unicode normalisation (NFC); the two cannot be told apart on every system, rename one",
				"与另一个文件的名称在 Unicode 规范化（NFC）后完全相同，在部分系统上无法区分，请将其中一个改名"))
		case typ&fs.ModeSymlink != 0:
			target, _ := os.Readlink(filepath.Join(abs, filepath.FromSlash(p)))
			res.Skipped = append(res.Skipped, skip(p, "symlink",
				fmt.Sprintf("symbolic link to %q refused: links may lead outside the case folder; copy the file itself into the folder", target),
				fmt.Sprintf("符号链接（指向 %q）已拒绝：链接可能指向案件文件夹以外；请把文件本身复制进文件夹", target)))
		case !typ.IsRegular():
			res.Skipped = append(res.Skipped, skip(p, "special-file",
				"not a regular file (device, pipe or socket); skipped",
				"不是普通文件（设备、管道或套接字），已跳过"))
		default:
			seenNFC[norm.NFC.String(p)] = true
			paths = append(paths, p)
		}
		return nil
	})
	if walkErr != nil {
		return nil, fmt.Errorf("collect %s: %w", dir, walkErr)
	}

	items := make([]*Item, len(paths))
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	// A failed copy stops the feeding like a cancellation does.
	feedCtx, stop := context.WithCancel(ctx)
	defer stop()
	var copyErr error
	var copyOnce sync.Once
	var hashed atomic.Int64
	parallel.For(feedCtx, len(paths), jobs, func(i int) {
		it, err := ingest(root, paths[i], opts)
		if err != nil {
			copyOnce.Do(func() { copyErr = err; stop() })
			return
		}
		items[i] = it
		if opts.Progress != nil {
			opts.Progress(int(hashed.Add(1)), len(paths))
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if copyErr != nil {
		return nil, fmt.Errorf("collect %s: %w", dir, copyErr)
	}
	for i, it := range items {
		it.Index = i + 1
	}
	res.Items = items
	sort.SliceStable(res.Skipped, func(i, j int) bool { return res.Skipped[i].Path < res.Skipped[j].Path })
	return res, nil
}

// InspectFile ingests a single file the way Collect would inside its folder.
func InspectFile(ctx context.Context, file string, opts Options) (*Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", file, err)
	}
	st, err := os.Lstat(abs)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", file, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("inspect %s: not a regular file (symlinks, folders and devices are not evidence)", file)
	}
	root, err := os.OpenRoot(filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", file, err)
	}
	defer root.Close()
	it, err := ingest(root, filepath.Base(abs), opts)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", file, err)
	}
	it.Index = 1
	return it, nil
}

func skip(p, code, msg, zh string) Skipped {
	return Skipped{Path: p, Warning: Warning{Code: code, Path: p, Msg: msg, Zh: zh}}
}

func excluded(abs, rel string, exclude []string) bool {
	full := filepath.Join(abs, filepath.FromSlash(rel))
	for _, e := range exclude {
		if filepath.Clean(e) == full {
			return true
		}
	}
	return false
}

// ZhIOError says in Chinese, for the PDF, what the file system reported
// when a file could not be read; the English detail stays in the warning's
// Msg.
func ZhIOError(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "没有读取权限"
	case errors.Is(err, fs.ErrNotExist):
		return "文件不存在，可能在打包期间被移走"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "文件在读取过程中变短，可能在打包期间被改动"
	}
	return "系统读取错误"
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// headSize is how much of each file is kept for type detection.
const headSize = 4096

// copyBufSize is the buffer of the streaming pass; buffers are reused so
// that a case of many files makes little garbage.
const copyBufSize = 256 << 10

var copyBufs = sync.Pool{New: func() any { return new([copyBufSize]byte) }}

// copySink wraps an Options.Copy writer and keeps its first error apart
// from read errors.
type copySink struct {
	w   io.WriteCloser
	err error
	sum func() string // the writer's own SHA-256, if it hashes
}

// hashingSink is a copy writer that hashes what it receives.
type hashingSink interface {
	io.WriteCloser
	Sum() string
}

func (c *copySink) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// readOnly hides *os.File's WriterTo so that io.CopyBuffer uses the buffer.
type readOnly struct{ io.Reader }

// ingest reads one file. Problems with the file become warnings; the error
// is only for a failed copy (Options.Copy).
func ingest(root *os.Root, p string, opts Options) (*Item, error) {
	it := &Item{Path: p, Type: TypeOther, MediaType: "application/octet-stream"}
	warn := func(code, msg, zh string) {
		it.Warnings = append(it.Warnings, Warning{Code: code, Path: p, Msg: msg, Zh: zh})
	}
	f, err := root.Open(filepath.FromSlash(p))
	if err != nil {
		warn("unreadable", "cannot be opened: "+unwrapPathError(err), "无法打开："+ZhIOError(err))
		return it, nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		warn("unreadable", "not a regular file", "不是普通文件")
		return it, nil
	}
	it.ModTime = st.ModTime()

	// One streaming pass: keep the head for detection, hash everything and
	// copy it to the sink if there is one.
	h := sha256.New()
	var dst io.Writer = h
	var sink *copySink
	if opts.Copy != nil {
		wc, err := opts.Copy(p)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", p, err)
		}
		sink = &copySink{w: wc}
		dst = io.MultiWriter(h, sink)
		if hs, ok := wc.(hashingSink); ok {
			sink.sum = hs.Sum
			dst = sink
		}
	}
	head := make([]byte, headSize)
	n, rerr := io.ReadFull(f, head)
	head = head[:n]
	if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
		rerr = nil
	}
	var rest int64
	if rerr == nil {
		_, rerr = dst.Write(head)
	}
	if rerr == nil {
		buf := copyBufs.Get().(*[copyBufSize]byte)
		rest, rerr = io.CopyBuffer(dst, readOnly{f}, buf[:])
		copyBufs.Put(buf)
	}
	if sink != nil {
		if err := sink.w.Close(); sink.err == nil {
			sink.err = err
		}
		if sink.err != nil {
			return nil, fmt.Errorf("copy %s: %w", p, sink.err)
		}
	}
	if rerr != nil {
		warn("unreadable", "read failed: "+rerr.Error(), "读取失败："+ZhIOError(rerr))
		return it, nil
	}
	it.Size = int64(n) + rest
	if sink != nil && sink.sum != nil {
		it.SHA256 = sink.sum()
	} else {
		it.SHA256 = hex.EncodeToString(h.Sum(nil))
	}

	it.Type, it.MediaType = Detect(head)
	if it.Type == TypeOther || it.Type == TypeText {
		if enc, ok := DetectText(head); ok {
			it.Type, it.MediaType, it.Encoding = TypeText, "text/plain; charset="+strings.TrimSuffix(enc, "-bom"), enc
		}
	}
	if it.Type == TypeEmpty {
		warn("empty-file", "the file is empty (0 bytes)", "文件为空（0 字节），没有可显示的内容")
	}

	base := path.Base(p)
	if nt, ok := ParseFileName(base); ok {
		it.App = nt.App
		if nt.HasTime {
			it.Times = append(it.Times, TimeRecord{Time: nt.Time, Source: SourceFileName, Detail: nt.Convention, Note: nt.Note})
		}
	}

	if it.Type.IsImage() {
		inspectImage(f, it, warn)
	} else {
		parseContent(f, it, head, warn)
	}
	it.Times = append(it.Times,
		TimeRecord{Time: it.ModTime.In(CST).Truncate(time.Second), Source: SourceModTime, Detail: "文件修改时间", Note: "可被复制、编辑改变，仅供参考"},
	)
	if !opts.Packaging.IsZero() {
		it.Times = append(it.Times, TimeRecord{Time: opts.Packaging, Source: SourcePackaging, Detail: opts.PackagingDetail, Note: "本机时钟，未经第三方验证"})
	}
	return it, nil
}

// inspectImage checks the image structure and reads its EXIF. f is rewound
// as needed.
func inspectImage(f *os.File, it *Item, warn func(code, msg, zh string)) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return
	}
	if it.Type == TypeHEIC {
		warn("heic", "HEIC images cannot be shown in the PDF; export the photo as JPEG to include it",
			"HEIC 格式图片无法在 PDF 中显示：请在手机上将照片导出为 JPEG 后加入案件文件夹；原件已保存在证据包中")
		if w, h, err := HEICSize(f, it.Size); err == nil {
			it.Image = &ImageInfo{Width: w, Height: h}
		}
	} else {
		info, err := CheckImage(f, it.Size, it.Type)
		if err != nil {
			var fe *FormatError
			if errors.As(err, &fe) {
				warn(fe.Code, fe.Msg, fe.Zh)
			} else {
				warn("image-invalid", "image cannot be read: "+err.Error(), "图片无法读取："+err.Error())
			}
			return
		}
		it.Image = &info
	}
	if it.Type == TypeGIF {
		return
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return
	}
	ex, err := ReadImageEXIF(f, it.Size, it.Type)
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			warn(fe.Code, fe.Msg, fe.Zh)
		} else {
			warn("exif-invalid", "EXIF data cannot be read: "+err.Error(), "EXIF 信息无法读取："+err.Error())
		}
		return
	}
	if ex == nil {
		return
	}
	if ex.Orientation >= 1 && ex.Orientation <= 8 && it.Image != nil {
		it.Image.Orientation = ex.Orientation
	}
	if !ex.Time.IsZero() {
		note := ""
		if !ex.HasOffset {
			note = "EXIF 未记录时区，按 UTC+8 计"
		}
		detail := "EXIF " + ex.TimeTag
		if ex.Make != "" || ex.Model != "" {
			detail += "（" + strings.TrimSpace(ex.Make+" "+ex.Model) + "）"
		}
		it.Times = append([]TimeRecord{{Time: ex.Time, Source: SourceEXIF, Detail: detail, Note: note}}, it.Times...)
	}
}
