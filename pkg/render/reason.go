package render

import (
	"bufio"
	stdflate "compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"strings"

	"github.com/klauspost/compress/flate"

	"github.com/evipack/evipack/pkg/evidence"
)

// problem is a fault in an exhibit's file: Error is the English detail
// for the manifest and the log, zh what the PDF's card says, as a
// consumer or an official reads it.
type problem struct {
	zh  string
	err error
}

func (p *problem) Error() string { return p.err.Error() }
func (p *problem) Unwrap() error { return p.err }

// newProblem returns a problem told in Chinese by zh and in English by
// format and args (%w keeps a cause).
func newProblem(zh, format string, args ...any) error {
	return &problem{zh: zh, err: fmt.Errorf(format, args...)}
}

// truncated is the problem of a file that ends before its data does.
func truncated(format string, args ...any) error {
	return newProblem("文件不完整，内容在结尾之前中断", format, args...)
}

// zhReason says in Chinese why err kept an exhibit out of the PDF: the
// problem's own text, or a plain description of what the decoders and
// the file system report.
func zhReason(err error) string {
	var p *problem
	if errors.As(err, &p) {
		return p.zh
	}
	var (
		pngFormat   png.FormatError
		pngUnsup    png.UnsupportedError
		jpegFormat  jpeg.FormatError
		jpegUnsup   jpeg.UnsupportedError
		flateBad    flate.CorruptInputError
		stdFlateBad stdflate.CorruptInputError
		pathErr     *fs.PathError
	)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), shortData(err):
		return "文件不完整，内容在结尾之前中断"
	case errors.Is(err, bufio.ErrTooLong):
		return "其中一行超过 1 MB"
	case errors.Is(err, image.ErrFormat):
		return "无法识别的图像格式"
	case errors.As(err, &pngUnsup), errors.As(err, &jpegUnsup):
		return "图像使用了不支持的编码方式"
	case errors.As(err, &flateBad), errors.As(err, &stdFlateBad),
		errors.Is(err, zlib.ErrHeader), errors.Is(err, zlib.ErrChecksum):
		return "图像的压缩数据已损坏"
	case errors.As(err, &pngFormat), errors.As(err, &jpegFormat):
		return "图像文件已损坏"
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.As(err, &pathErr):
		return evidence.ZhIOError(err)
	}
	return "文件已损坏或格式无法识别"
}

// shortData recognises the standard decoders' errors for data that ends
// early where they do not wrap io.ErrUnexpectedEOF (image/gif formats its
// causes into the text).
func shortData(err error) bool {
	msg := err.Error()
	return strings.HasSuffix(msg, io.ErrUnexpectedEOF.Error()) ||
		strings.HasSuffix(msg, "not enough image data") || strings.HasSuffix(msg, "not enough pixel data")
}
