// Package evidence discovers the files of a case folder, detects their type by
// content, hashes them while streaming and records every time known about each
// one together with the source of that time.
package evidence

import (
	"strconv"
	"time"

	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/payment"
)

// Type is a file type detected from content (magic bytes), never from the
// file name alone.
type Type string

// The detected types.
const (
	TypeJPEG  Type = "jpeg"
	TypePNG   Type = "png"
	TypeGIF   Type = "gif"
	TypeWebP  Type = "webp"
	TypeHEIC  Type = "heic"
	TypePDF   Type = "pdf"
	TypeText  Type = "text"
	TypeMP4   Type = "mp4" // MP4, M4A and QuickTime MOV (ISO base media)
	TypeAMR   Type = "amr"
	TypeSILK  Type = "silk"
	TypeEmpty Type = "empty"
	TypeOther Type = "other"
)

// IsImage reports whether t is a raster image type.
func (t Type) IsImage() bool {
	switch t {
	case TypeJPEG, TypePNG, TypeGIF, TypeWebP, TypeHEIC:
		return true
	}
	return false
}

// Time sources, recorded with every time so a reader knows how far to trust it.
const (
	SourceEXIF      = "exif"      // EXIF DateTimeOriginal (+ OffsetTimeOriginal)
	SourceFileName  = "filename"  // a screenshot / export file-name convention
	SourceModTime   = "mtime"     // the file system modification time
	SourcePackaging = "packaging" // this machine's clock or SOURCE_DATE_EPOCH; unverified
	SourceContent   = "content"   // a time written inside the file (bill row, chat line, mvhd)
)

// TimeRecord is one time known about a file, with where it came from.
type TimeRecord struct {
	Time   time.Time `json:"time"`
	Source string    `json:"source"`         // one of the Source* constants
	Detail string    `json:"detail"`         // e.g. "DateTimeOriginal", "MIUI 截图文件名"
	Note   string    `json:"note,omitempty"` // e.g. "无时区信息，按 UTC+8 计"
}

// ImageInfo holds what the image header says.
type ImageInfo struct {
	Width       int `json:"width"`
	Height      int `json:"height"`
	Orientation int `json:"orientation,omitempty"` // EXIF orientation 1..8, 0 when unknown
}

// Item is one evidence file of a case.
type Item struct {
	Index     int          `json:"index"`      // 1-based exhibit number: 证据<Index>
	Path      string       `json:"path"`       // slash-separated, relative to the case folder
	BagPath   string       `json:"bag_path"`   // path of the original inside the bag
	Size      int64        `json:"size"`       // bytes
	SHA256    string       `json:"sha256"`     // lower-case hex
	Type      Type         `json:"type"`       // detected from content
	MediaType string       `json:"media_type"` // IANA media type
	Encoding  string       `json:"encoding,omitempty"`
	Kind      string       `json:"kind"` // what it is as evidence (payment, chat, screenshot, …)
	Title     string       `json:"title"`
	Proves    string       `json:"proves,omitempty"` // 证明目的
	App       string       `json:"app,omitempty"`    // app named by a screenshot file name
	Image     *ImageInfo   `json:"image,omitempty"`
	Duration  float64      `json:"duration_seconds,omitempty"`
	Times     []TimeRecord `json:"times"`
	Content   *Content     `json:"content,omitempty"`
	Warnings  []Warning    `json:"warnings,omitempty"`
	ModTime   time.Time    `json:"-"`

	// Parsed content, kept out of evipack.json (a bill holds the user's
	// unrelated, private transactions; the original is in the bag).
	Statement *payment.Statement `json:"-"`
	Chat      *chat.Log          `json:"-"`
}

// ID is the exhibit label printed in the PDF and the letters.
func (it *Item) ID() string { return "证据" + strconv.Itoa(it.Index) }

// Formed returns the best time for the 形成时间 column: content, EXIF, file
// name, then modification time, and whether one was found.
func (it *Item) Formed() (TimeRecord, bool) {
	for _, src := range []string{SourceContent, SourceEXIF, SourceFileName, SourceModTime} {
		for _, t := range it.Times {
			if t.Source == src {
				return t, true
			}
		}
	}
	return TimeRecord{}, false
}

// CST is China Standard Time without a tz database: bills, chats and phones
// without an explicit offset mean UTC+8.
var CST = time.FixedZone("CST", 8*3600)

// Warning is a problem found with one file. The file is still evidence: it is
// hashed, listed and carried in the bag; the warning says what could not be
// read and why.
type Warning struct {
	Code string `json:"code"`       // stable, for scripts: "truncated-image", "exif-invalid", …
	Path string `json:"path"`       // slash-separated, relative to the case folder
	Msg  string `json:"message"`    // English, for people on a non-Chinese locale
	Zh   string `json:"message_zh"` // Simplified Chinese, for the PDF and Chinese locales
}

func (w Warning) Error() string { return w.Path + ": " + w.Msg }
