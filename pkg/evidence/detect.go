package evidence

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// SniffLen is how many leading bytes Detect looks at. A PDF header may start
// anywhere in the first 1024 bytes; every other signature is in the first 512.
const SniffLen = 1024

// Text encodings reported by DetectText and accepted by DecodeText.
const (
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncUTF16LE = "utf-16le"
	EncUTF16BE = "utf-16be"
	EncGB18030 = "gb18030"
)

// Media types that have no IANA registration; the closest common usage is
// returned instead.
const (
	mediaEmpty   = "application/x-empty"
	mediaOctet   = "application/octet-stream"
	mediaSILK    = "audio/x-silk"
	mediaQTMovie = "video/quicktime"
)

// Detect returns the type and IANA media type of a file from its first bytes
// (pass up to SniffLen of them). The file name is never consulted.
func Detect(head []byte) (Type, string) {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	switch {
	case len(head) == 0:
		return TypeEmpty, mediaEmpty
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG, "image/jpeg"
	case bytes.HasPrefix(head, []byte(pngSignature)):
		return TypePNG, "image/png"
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return TypeGIF, "image/gif"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return TypeWebP, "image/webp"
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF, "application/pdf"
	case bytes.HasPrefix(head, []byte("#!AMR\n")):
		return TypeAMR, "audio/amr"
	case bytes.HasPrefix(head, []byte("#!AMR-WB\n")):
		return TypeAMR, "audio/amr-wb"
	case bytes.HasPrefix(head, []byte("\x02#!SILK_V3")), bytes.HasPrefix(head, []byte("#!SILK_V3")):
		return TypeSILK, mediaSILK
	}
	if t, mt, ok := detectBMFF(head); ok {
		return t, mt
	}
	// PDF readers accept the header anywhere in the first 1024 bytes, but a
	// text file that merely mentions "%PDF-" must stay text, and neither may a
	// ZIP archive that stores a PDF uncompressed.
	if i := bytes.Index(head, []byte("%PDF-")); i > 0 && !bytes.HasPrefix(head, []byte("PK\x03\x04")) && !textPrefix(head[:i]) {
		return TypePDF, "application/pdf"
	}
	if _, ok := DetectText(head); ok {
		return TypeText, "text/plain"
	}
	return TypeOther, mediaOctet
}

// textPrefix reports whether b, the bytes before a "%PDF-" that is not at
// offset 0, is text of its own (at least 8 bytes of it).
func textPrefix(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	_, ok := DetectText(b)
	return ok
}

// detectBMFF recognises ISO base media files (MP4, MOV, M4A, HEIF) by their
// ftyp box, and old QuickTime files that start with another top-level atom.
func detectBMFF(head []byte) (Type, string, bool) {
	if len(head) < 8 {
		return "", "", false
	}
	size := binary.BigEndian.Uint32(head[:4])
	box := string(head[4:8])
	if box != "ftyp" {
		// Old QuickTime files start with another atom. A size made of four
		// printable characters (≥ 512 MiB) is far likelier to be text such
		// as "Get free …".
		switch box {
		case "moov", "mdat", "wide", "free", "skip", "pnot":
			if (size == 0 || size == 1 || size >= 8) && !printableASCII(head[:4]) {
				return TypeMP4, mediaQTMovie, true
			}
		}
		return "", "", false
	}
	if size < 16 || len(head) < 12 {
		return "", "", false
	}
	end := int(min(size, uint32(len(head))))
	brands := []string{string(head[8:12])}
	for i := 16; i+4 <= end; i += 4 {
		brands = append(brands, string(head[i:i+4]))
	}
	// The major brand decides; compatible brands break ties for generic
	// HEIF (mif1/msf1), which AVIF files also list.
	has := func(set ...string) bool {
		for _, b := range brands[1:] {
			for _, s := range set {
				if b == s {
					return true
				}
			}
		}
		return false
	}
	switch brands[0] {
	case "heic", "heix", "heim", "heis":
		return TypeHEIC, "image/heic", true
	case "hevc", "hevx":
		return TypeHEIC, "image/heic-sequence", true
	case "avif":
		return TypeOther, "image/avif", true
	case "avis":
		return TypeOther, "image/avif-sequence", true
	case "mif1", "msf1":
		if has("avif", "avis") && !has("heic", "heix", "hevc", "hevx") {
			return TypeOther, "image/avif", true
		}
		if brands[0] == "msf1" {
			return TypeHEIC, "image/heif-sequence", true
		}
		return TypeHEIC, "image/heif", true
	case "qt  ":
		return TypeMP4, mediaQTMovie, true
	case "M4A ", "M4B ", "M4P ", "F4A ", "F4B ":
		return TypeMP4, "audio/mp4", true
	case "3gp4", "3gp5", "3gp6", "3gp7", "3ge6", "3ge7", "3gg6", "3gs7":
		return TypeMP4, "video/3gpp", true
	case "3g2a", "3g2b", "3g2c":
		return TypeMP4, "video/3gpp2", true
	}
	if isMP4Brand(brands[0]) {
		return TypeMP4, "video/mp4", true
	}
	for _, b := range brands[1:] {
		if isMP4Brand(b) {
			return TypeMP4, "video/mp4", true
		}
	}
	return TypeOther, mediaOctet, true
}

func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

func isMP4Brand(b string) bool {
	switch b {
	case "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9",
		"mp41", "mp42", "mp71", "avc1", "M4V ", "M4VH", "M4VP", "F4V ", "F4P ",
		"dash", "MSNV", "NDAS", "mmp4", "XAVC", "kddi", "CAEP":
		return true
	}
	return false
}

// DetectText reports whether sample (the start of a file, possibly cut in the
// middle of a character) is text, and in which encoding: EncUTF8,
// EncUTF8BOM, EncUTF16LE, EncUTF16BE or EncGB18030.
func DetectText(sample []byte) (encoding string, ok bool) {
	switch {
	case len(sample) == 0:
		return "", false
	case bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}):
		if isUTF8Text(sample[3:]) {
			return EncUTF8BOM, true
		}
		return "", false
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}):
		if bytes.HasPrefix(sample, []byte{0xFF, 0xFE, 0, 0}) {
			return "", false // UTF-32LE: not supported
		}
		if isUTF16Text(sample[2:], binary.LittleEndian) {
			return EncUTF16LE, true
		}
		return "", false
	case bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		if isUTF16Text(sample[2:], binary.BigEndian) {
			return EncUTF16BE, true
		}
		return "", false
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		if enc, ok := sniffUTF16(sample); ok {
			return enc, true
		}
		return "", false
	}
	if isUTF8Text(sample) {
		return EncUTF8, true
	}
	if isGB18030Text(sample) {
		return EncGB18030, true
	}
	return "", false
}

// trimPartialUTF8 drops an incomplete multi-byte sequence at the end of b.
func trimPartialUTF8(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b // ASCII: nothing cut
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// tooManyControls reports whether the count of control characters (other
// than tab, newline, carriage return, form feed and escape) marks binary data.
func tooManyControls(ctrl, total int) bool {
	return total > 0 && ctrl*50 > total
}

func isControl(r rune) bool {
	switch r {
	case '\t', '\n', '\r', '\f', 0x1b:
		return false
	}
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

func isUTF8Text(b []byte) bool {
	b = trimPartialUTF8(b)
	if !utf8.Valid(b) {
		return false
	}
	ctrl, total := 0, 0
	for _, r := range string(b) {
		total++
		if r == 0 {
			return false
		}
		if isControl(r) {
			ctrl++
		}
	}
	return !tooManyControls(ctrl, total)
}

func isUTF16Text(b []byte, order binary.ByteOrder) bool {
	b = b[:len(b)&^1]
	ctrl, total := 0, 0
	for i := 0; i+1 < len(b); i += 2 {
		u := rune(order.Uint16(b[i:]))
		total++
		switch {
		case u >= 0xD800 && u < 0xDC00: // high surrogate: need a low one
			if i+3 >= len(b) {
				return !tooManyControls(ctrl, total) // cut at the end
			}
			lo := rune(order.Uint16(b[i+2:]))
			if lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			i += 2
		case u >= 0xDC00 && u <= 0xDFFF:
			return false
		case u == 0 || u == 0xFFFE || u == 0xFFFF:
			return false
		case isControl(u):
			ctrl++
		}
	}
	return !tooManyControls(ctrl, total)
}

// sniffUTF16 detects BOM-less UTF-16 from its NUL pattern: mostly-ASCII text
// has a zero high byte in nearly every code unit.
func sniffUTF16(b []byte) (string, bool) {
	n := len(b) / 2
	if n < 2 {
		return "", false
	}
	var evenZero, oddZero int
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 {
			evenZero++
		}
		if b[i+1] == 0 {
			oddZero++
		}
	}
	switch {
	case oddZero*10 >= n*6 && evenZero*10 < n:
		if isUTF16Text(b, binary.LittleEndian) {
			return EncUTF16LE, true
		}
	case evenZero*10 >= n*6 && oddZero*10 < n:
		if isUTF16Text(b, binary.BigEndian) {
			return EncUTF16BE, true
		}
	}
	return "", false
}

// gb18030Len returns the length of the GB18030 sequence at the start of b,
// 0 when it is invalid and -1 when b ends inside it.
func gb18030Len(b []byte) int {
	c := b[0]
	switch {
	case c < 0x80:
		return 1
	case c == 0x80 || c == 0xFF:
		return 0
	}
	if len(b) < 2 {
		return -1
	}
	c2 := b[1]
	if (c2 >= 0x40 && c2 <= 0x7E) || (c2 >= 0x80 && c2 <= 0xFE) {
		return 2
	}
	if c2 < 0x30 || c2 > 0x39 {
		return 0
	}
	if len(b) < 4 {
		if len(b) == 3 && (b[2] < 0x81 || b[2] > 0xFE) {
			return 0
		}
		return -1
	}
	if b[2] >= 0x81 && b[2] <= 0xFE && b[3] >= 0x30 && b[3] <= 0x39 {
		return 4
	}
	return 0
}

// isGB18030Text reports whether b is well-formed GB18030 that decodes to
// mostly printable Chinese and ASCII text.
func isGB18030Text(b []byte) bool {
	valid := b[:0]
	for i := 0; i < len(b); {
		n := gb18030Len(b[i:])
		if n == 0 {
			return false
		}
		if n < 0 { // cut at the end of the sample
			break
		}
		i += n
		valid = b[:i]
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(valid)
	if err != nil {
		return false
	}
	good, total := 0, 0
	for _, r := range string(dec) {
		total++
		switch {
		case r == utf8.RuneError:
		case r < 0x80 && !isControl(r):
			good++
		case unicode.Is(unicode.Han, r),
			r >= 0x3000 && r <= 0x303F, // CJK punctuation
			r >= 0xFF00 && r <= 0xFFEF, // full-width forms
			r >= 0x2000 && r <= 0x206F, // general punctuation
			r >= 0x20A0 && r <= 0x20CF, // currency symbols
			r >= 0x2460 && r <= 0x24FF, // circled numbers
			r == 0xA5 || r == 0xB7 || r == 0xD7:
			good++
		}
	}
	return total > 0 && good*10 >= total*9
}

// DecodeText returns a reader that yields r's content as valid UTF-8,
// decoding it from encoding (as reported by DetectText; "gbk" and "gb2312"
// are read as GB18030), dropping a leading BOM and replacing invalid bytes
// with U+FFFD. The conversion streams: memory use does not grow with the input.
func DecodeText(r io.Reader, encoding string) (io.Reader, error) {
	switch encoding {
	case EncUTF8, EncUTF8BOM, "":
		// Strips a BOM and replaces invalid bytes with U+FFFD.
		return transform.NewReader(r, xunicode.UTF8BOM.NewDecoder()), nil
	case EncUTF16LE:
		return transform.NewReader(r, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewDecoder()), nil
	case EncUTF16BE:
		return transform.NewReader(r, xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewDecoder()), nil
	case EncGB18030, "gbk", "gb2312":
		return transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder()), nil
	}
	return nil, fmt.Errorf("decode text: unknown encoding %q", encoding)
}
