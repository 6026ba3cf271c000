package pdfnorm

import "errors"

// Sentinel errors. Every error returned by this package wraps exactly one of
// them, so callers branch with errors.Is and show Reason(err) to people.
var (
	// ErrEncrypted: the exhibit needs a password to open.
	ErrEncrypted = errors.New("pdf is encrypted and needs a password")
	// ErrMalformed: the bytes are not a PDF this package can read; the
	// wrapped cause says why.
	ErrMalformed = errors.New("malformed pdf")
	// ErrTooManyPages: the exhibit has more pages than MaxImportPages.
	ErrTooManyPages = errors.New("too many pages")
	// ErrTooLarge: the exhibit is larger than MaxImportBytes.
	ErrTooLarge = errors.New("pdf too large")
	// ErrUnsupported: a valid PDF using a feature this package does not
	// handle (Canonicalize: encryption or cross-reference streams).
	ErrUnsupported = errors.New("unsupported pdf feature")
	// ErrImport: gofpdi failed (or panicked) while importing a page.
	ErrImport = errors.New("page import failed")
)

// Reason returns a short Simplified Chinese explanation of err for the
// report, or "" when err is nil or not one of this package's errors.
func Reason(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrEncrypted):
		return "PDF 已加密，需要密码才能打开，无法导入页面；原件已保存在证据包中"
	case errors.Is(err, ErrTooManyPages):
		return "PDF 页数过多，未导入页面；原件已保存在证据包中"
	case errors.Is(err, ErrTooLarge):
		return "PDF 文件过大，未导入页面；原件已保存在证据包中"
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrUnsupported):
		return "PDF 文件已损坏或格式无法识别，无法导入页面；原件已保存在证据包中"
	case errors.Is(err, ErrImport):
		return "PDF 页面导入失败；原件已保存在证据包中"
	}
	return ""
}
