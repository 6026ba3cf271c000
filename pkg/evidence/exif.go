package evidence

// EXIF is decoded with github.com/rwcarlsen/goexif, guarded, because of the
// defects measured in /work/shared/LIBRARIES.md §EXIF:
//
//   - A tag whose typeSize×Count overflows uint32 passes goexif's length
//     check and then makes it allocate Count int64s (tens of GiB): the
//     process dies with "fatal error: runtime: out of memory", which recover()
//     cannot catch. Before goexif sees any bytes, walkTIFF below checks every
//     IFD entry (64-bit arithmetic), follows the next-IFD chain and the
//     Exif/GPS/Interop pointers with loop detection and caps on IFDs,
//     entries and total value bytes, and rejects the block otherwise.
//   - goexif panics on some malformed input: Decode runs under recover(), and
//     only raw TIFF bytes are handed to it (we find the APP1 segment or the
//     PNG eXIf chunk ourselves), and the maker-note parsers (mknote) are never
//     registered.
//   - goexif's DateTime() ignores OffsetTimeOriginal and uses time.Local: the
//     raw tags are parsed here, with the offset when present, else UTC+8.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/rwcarlsen/goexif/exif"
)

// Limits on EXIF input.
const (
	maxEXIFBytes      = 1 << 20 // TIFF block read into memory
	maxEXIFIFDs       = 16      // IFD0, IFD1, Exif, GPS, Interop and a margin
	maxEXIFEntries    = 1024    // per IFD
	maxEXIFValueBytes = 1 << 20 // what goexif allocates for tag values, over all IFDs
	maxJPEGSegments   = 4096
	maxPNGChunks      = 100_000
)

// EXIFInfo is what ReadEXIF extracts from an image's EXIF block.
type EXIFInfo struct {
	Time        time.Time // zero when no valid date tag was found
	TimeTag     string    // "DateTimeOriginal", "DateTimeDigitized" or "DateTime"
	HasOffset   bool      // Time carries the tag's OffsetTime*; else it is read as UTC+8
	Note        string    // Chinese, e.g. why a fallback tag was used
	Orientation int       // 1..8, 0 when absent or invalid
	Make        string
	Model       string
	Software    string
}

func exifErr(code, msg, zh string, err error) *FormatError {
	return &FormatError{Code: code, Msg: msg, Zh: zh, Err: err}
}

func exifInvalid(err error) *FormatError {
	return exifErr(CodeEXIFInvalid, "read exif: malformed EXIF data",
		"图片的 EXIF 信息已损坏，无法读取拍摄时间等信息；图片本身不受影响，"+zhKept, err)
}

// ReadEXIF reads the EXIF block of a JPEG, a PNG (eXIf chunk) or raw TIFF
// data (t = TypeOther; an "Exif\0\0" prefix is accepted) from r. It returns
// (nil, nil) when there is no EXIF block, and a *FormatError when the block
// is malformed. At most about 1 MiB is held in memory whatever the input.
func ReadEXIF(r io.Reader, t Type) (*EXIFInfo, error) {
	var (
		raw []byte
		err error
	)
	br := bufio.NewReader(r)
	switch t {
	case TypeJPEG:
		raw, err = jpegEXIF(br)
	case TypePNG:
		raw, err = pngEXIF(br)
	default:
		raw, err = rawEXIF(br)
	}
	if err != nil || raw == nil {
		return nil, err
	}
	return decodeEXIF(raw)
}

// jpegEXIF walks JPEG markers to the first APP1 "Exif\0\0" segment and returns
// its TIFF payload, or nil when the markers end (SOS, EOI) without one.
func jpegEXIF(r *bufio.Reader) ([]byte, error) {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:2]); err != nil || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, nil
	}
	for range maxJPEGSegments {
		c, err := r.ReadByte()
		if err != nil {
			return nil, nil
		}
		if c != 0xFF {
			continue // extraneous byte; keep looking for a marker
		}
		m, err := r.ReadByte()
		for err == nil && m == 0xFF {
			m, err = r.ReadByte()
		}
		if err != nil {
			return nil, nil
		}
		switch {
		case m == 0xDA || m == 0xD9: // scan or end: no EXIF before the image data
			return nil, nil
		case m == 0x01 || m == 0x00 || (m >= 0xD0 && m <= 0xD8):
			continue
		}
		if _, err := io.ReadFull(r, b[:2]); err != nil {
			return nil, nil
		}
		n := int(binary.BigEndian.Uint16(b[:2])) - 2
		if n < 0 {
			return nil, nil
		}
		if m == 0xE1 && n >= 6 {
			hdr, err := r.Peek(6)
			if err == nil && string(hdr) == "Exif\x00\x00" {
				seg := make([]byte, n) // at most 65533 bytes
				if _, err := io.ReadFull(r, seg); err != nil {
					return nil, exifInvalid(fmt.Errorf("exif segment: %w", unexpected(err)))
				}
				return seg[6:], nil
			}
		}
		if _, err := r.Discard(n); err != nil {
			return nil, nil
		}
	}
	return nil, nil
}

// pngEXIF returns the payload of the eXIf chunk that precedes the image data,
// or nil when there is none.
func pngEXIF(r *bufio.Reader) ([]byte, error) {
	var sig [8]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil || string(sig[:]) != pngSignature {
		return nil, nil
	}
	var hdr [8]byte
	for range maxPNGChunks {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return nil, nil
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		switch string(hdr[4:8]) {
		case "IDAT", "IEND":
			return nil, nil
		case "eXIf":
			if n > maxEXIFBytes {
				return nil, exifErr(CodeEXIFTooLarge, fmt.Sprintf("read exif: eXIf chunk of %d bytes exceeds the %d-byte limit", n, maxEXIFBytes),
					"图片的 EXIF 信息过大，未读取；图片本身不受影响，"+zhKept, nil)
			}
			data := make([]byte, n)
			if _, err := io.ReadFull(r, data); err != nil {
				return nil, exifInvalid(fmt.Errorf("eXIf chunk: %w", unexpected(err)))
			}
			return data, nil
		}
		if _, err := io.CopyN(io.Discard, r, n+4); err != nil {
			return nil, nil
		}
	}
	return nil, nil
}

// rawEXIF reads a bare TIFF block, optionally prefixed "Exif\0\0".
func rawEXIF(r *bufio.Reader) ([]byte, error) {
	if p, err := r.Peek(6); err == nil && string(p) == "Exif\x00\x00" {
		_, _ = r.Discard(6)
	}
	p, err := r.Peek(4)
	if err != nil || (string(p) != "II*\x00" && string(p) != "MM\x00*") {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(r, maxEXIFBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read exif: %w", err)
	}
	if len(data) > maxEXIFBytes {
		return nil, exifErr(CodeEXIFTooLarge, fmt.Sprintf("read exif: TIFF data larger than %d bytes", maxEXIFBytes),
			"EXIF 信息过大，未读取；"+zhKept, nil)
	}
	return data, nil
}

// TIFF tags read here.
const (
	tagExifIFD          = 0x8769
	tagGPSIFD           = 0x8825
	tagInteropIFD       = 0xA005
	tagOffsetTime       = 0x9010
	tagOffsetTimeOrig   = 0x9011
	tagOffsetTimeDigitz = 0x9012
)

// tiffTypeSize is the byte size of each TIFF field type (0: unknown).
func tiffTypeSize(typ uint16) uint64 {
	switch typ {
	case 1, 2, 6, 7: // BYTE, ASCII, SBYTE, UNDEFINED
		return 1
	case 3, 8: // SHORT, SSHORT
		return 2
	case 4, 9, 11: // LONG, SLONG, FLOAT
		return 4
	case 5, 10, 12: // RATIONAL, SRATIONAL, DOUBLE
		return 8
	}
	return 0
}

// convCost is what goexif allocates to convert count values of type typ:
// int64 or float64 slices, a [2]int64 slice per rational, a string copy.
func convCost(typ uint16, count uint64) uint64 {
	switch typ {
	case 7: // UNDEFINED stays as bytes
		return 0
	case 2:
		return count
	case 5, 10:
		return count * 48
	}
	return count * 8
}

// tiffWalk is the result of validating a TIFF block before goexif sees it.
type tiffWalk struct {
	data    []byte
	order   binary.ByteOrder
	ifds    int
	entries int
	values  uint64            // sum of out-of-line value bytes, counting re-reads
	cost    map[uint32]uint64 // value bytes of each IFD, by offset
	ascii   map[uint16]string // ASCII values of the OffsetTime* tags
}

var errTIFF = errors.New("malformed tiff structure")

func tiffErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errTIFF}, args...)...)
}

// walkTIFF validates the structure goexif will decode: every IFD of the
// next-IFD chain and every IFD named by an Exif, GPS or Interop pointer.
func walkTIFF(data []byte) (*tiffWalk, error) {
	if len(data) < 8 {
		return nil, tiffErrorf("header too short")
	}
	w := &tiffWalk{data: data, cost: map[uint32]uint64{}, ascii: map[uint16]string{}}
	switch string(data[:2]) {
	case "II":
		w.order = binary.LittleEndian
	case "MM":
		w.order = binary.BigEndian
	default:
		return nil, tiffErrorf("bad byte order")
	}
	if w.order.Uint16(data[2:4]) != 42 {
		return nil, tiffErrorf("bad magic number")
	}
	var subs []uint32
	for off := w.order.Uint32(data[4:8]); off != 0; {
		if _, seen := w.cost[off]; seen {
			return nil, tiffErrorf("IFD chain loops at offset %d", off)
		}
		next, ptrs, err := w.walkIFD(off)
		if err != nil {
			return nil, err
		}
		subs = append(subs, ptrs...)
		off = next
	}
	for len(subs) > 0 {
		off := subs[0]
		subs = subs[1:]
		if c, seen := w.cost[off]; seen {
			// goexif decodes a shared sub-IFD once per pointer: charge it again.
			w.values += c
			if w.values > maxEXIFValueBytes {
				return nil, tiffErrorf("values exceed %d bytes", maxEXIFValueBytes)
			}
			continue
		}
		_, ptrs, err := w.walkIFD(off)
		if err != nil {
			return nil, err
		}
		subs = append(subs, ptrs...)
	}
	return w, nil
}

// walkIFD checks the IFD at off and returns the next-IFD offset and the
// sub-IFD pointers it holds.
func (w *tiffWalk) walkIFD(off uint32) (next uint32, subs []uint32, err error) {
	w.ifds++
	if w.ifds > maxEXIFIFDs {
		return 0, nil, tiffErrorf("more than %d IFDs", maxEXIFIFDs)
	}
	d := w.data
	if uint64(off)+2 > uint64(len(d)) {
		return 0, nil, tiffErrorf("IFD offset %d beyond data", off)
	}
	n := int(w.order.Uint16(d[off:]))
	if n > maxEXIFEntries {
		return 0, nil, tiffErrorf("IFD at %d has %d entries", off, n)
	}
	w.entries += n
	if w.entries > maxEXIFEntries*2 {
		return 0, nil, tiffErrorf("more than %d entries", maxEXIFEntries*2)
	}
	end := uint64(off) + 2 + 12*uint64(n)
	if end+4 > uint64(len(d)) {
		return 0, nil, tiffErrorf("IFD at %d runs past the data", off)
	}
	var cost uint64
	for i := range n {
		e := d[uint64(off)+2+12*uint64(i):]
		tag, typ := w.order.Uint16(e[0:]), w.order.Uint16(e[2:])
		count := uint64(w.order.Uint32(e[4:]))
		size := tiffTypeSize(typ)
		if size == 0 {
			return 0, nil, tiffErrorf("tag 0x%04X has unknown type %d", tag, typ)
		}
		if count == 0 {
			return 0, nil, tiffErrorf("tag 0x%04X has no value", tag)
		}
		length := count * size // cannot overflow: both are < 2^32
		if length > uint64(len(d)) {
			return 0, nil, tiffErrorf("tag 0x%04X: %d values of %d bytes exceed the data", tag, count, size)
		}
		val := e[8:12]
		if length > 4 {
			voff := uint64(w.order.Uint32(e[8:]))
			if voff+length > uint64(len(d)) {
				return 0, nil, tiffErrorf("tag 0x%04X: value at %d+%d beyond data", tag, voff, length)
			}
			val = d[voff : voff+length]
			cost += length
		}
		cost += convCost(typ, count)
		switch tag {
		case tagExifIFD, tagGPSIFD, tagInteropIFD:
			if p, ok := w.pointer(typ, val); ok {
				subs = append(subs, p)
			}
		case tagOffsetTime, tagOffsetTimeOrig, tagOffsetTimeDigitz:
			if typ == 2 {
				w.ascii[tag] = cString(val)
			}
		}
	}
	w.cost[off] = cost
	w.values += cost
	if w.values > maxEXIFValueBytes {
		return 0, nil, tiffErrorf("values exceed %d bytes", maxEXIFValueBytes)
	}
	return w.order.Uint32(d[end:]), subs, nil
}

// pointer reads the first value of an integer-typed entry the way goexif
// does when it follows a sub-IFD pointer (tag.Int64(0)); goexif ignores
// other types and fails to seek to negative offsets.
func (w *tiffWalk) pointer(typ uint16, val []byte) (uint32, bool) {
	var v int64
	switch typ {
	case 1:
		v = int64(val[0])
	case 6:
		v = int64(int8(val[0]))
	case 3:
		v = int64(w.order.Uint16(val))
	case 8:
		v = int64(int16(w.order.Uint16(val)))
	case 4:
		v = int64(w.order.Uint32(val))
	case 9:
		v = int64(int32(w.order.Uint32(val)))
	default:
		return 0, false
	}
	if v < 0 {
		return 0, false
	}
	return uint32(v), true
}

// cString returns b up to its first NUL, without surrounding spaces.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return strings.TrimSpace(string(b))
}

// safeDecode runs goexif on data that walkTIFF accepted, turning a panic
// into an error.
func safeDecode(data []byte) (x *exif.Exif, err error) {
	defer func() {
		if p := recover(); p != nil {
			x, err = nil, fmt.Errorf("goexif panic: %v", p)
		}
	}()
	return exif.Decode(bytes.NewReader(data))
}

func decodeEXIF(data []byte) (*EXIFInfo, error) {
	w, err := walkTIFF(data)
	if err != nil {
		return nil, exifInvalid(err)
	}
	x, err := safeDecode(data)
	if x == nil || (err != nil && exif.IsCriticalError(err)) {
		if err == nil {
			err = errTIFF
		}
		return nil, exifInvalid(err)
	}
	// A non-critical error means a GPS or Interop sub-IFD failed; IFD0 and
	// whatever else loaded are still usable.
	info := &EXIFInfo{
		Make:     tagString(x, exif.Make),
		Model:    tagString(x, exif.Model),
		Software: tagString(x, exif.Software),
	}
	if o, ok := tagInt(x, exif.Orientation); ok && o >= 1 && o <= 8 {
		info.Orientation = o
	}
	var notes []string
	for _, c := range []struct {
		name   exif.FieldName
		offset uint16
	}{
		{exif.DateTimeOriginal, tagOffsetTimeOrig},
		{exif.DateTimeDigitized, tagOffsetTimeDigitz},
		{exif.DateTime, tagOffsetTime},
	} {
		s := tagString(x, c.name)
		if s == "" {
			continue
		}
		t, hasOffset, ok := parseEXIFTime(s, w.ascii[c.offset])
		if !ok {
			notes = append(notes, fmt.Sprintf("%s 的值“%s”不是有效时间，已忽略", c.name, s))
			continue
		}
		info.Time, info.TimeTag, info.HasOffset = t, string(c.name), hasOffset
		if c.name != exif.DateTimeOriginal {
			notes = append(notes, "无有效的拍摄时间（DateTimeOriginal），改用 "+string(c.name))
		}
		if !hasOffset {
			notes = append(notes, "EXIF 未记录时区，按 UTC+8 计")
		}
		break
	}
	info.Note = strings.Join(notes, "；")
	return info, nil
}

func tagString(x *exif.Exif, name exif.FieldName) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	tag, err := x.Get(name)
	if err != nil {
		return ""
	}
	v, err := tag.StringVal()
	if err != nil {
		return ""
	}
	return sanitizeTag(v)
}

func tagInt(x *exif.Exif, name exif.FieldName) (n int, ok bool) {
	defer func() {
		if recover() != nil {
			n, ok = 0, false
		}
	}()
	tag, err := x.Get(name)
	if err != nil || tag.Count == 0 {
		return 0, false
	}
	v, err := tag.Int(0)
	return v, err == nil
}

// sanitizeTag keeps printable characters only and caps the length: EXIF
// strings end up in the PDF.
func sanitizeTag(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 128 {
			break
		}
		if r == '\uFFFD' || !unicode.IsPrint(r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// parseEXIFTime parses an EXIF date ("2006:01:02 15:04:05") with its
// OffsetTime* value ("+08:00"). Without a valid offset the time is read as
// UTC+8. Impossible dates and the all-zero or blank placeholders are rejected.
func parseEXIFTime(s, offset string) (time.Time, bool, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 19 {
		return time.Time{}, false, false
	}
	s = s[:19]
	num := func(i, n int) int {
		v := 0
		for _, c := range s[i : i+n] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	if (s[4] != ':' && s[4] != '-') || s[7] != s[4] || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false, false
	}
	y, mo, d, h, mi, sec := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	loc, hasOffset := CST, false
	if off, ok := parseOffset(offset); ok {
		loc, hasOffset = off, true
	}
	t, ok := validTime(y, mo, d, h, mi, sec, 0, loc)
	return t, hasOffset, ok
}

// parseOffset parses "+08:00" / "-07:00" (also "+0800") into a zone.
func parseOffset(s string) (*time.Location, bool) {
	s = strings.TrimSpace(s)
	s = strings.Replace(s, ":", "", 1)
	if len(s) != 5 || (s[0] != '+' && s[0] != '-') {
		return nil, false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return nil, false
		}
	}
	h := int(s[1]-'0')*10 + int(s[2]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 14 || m > 59 {
		return nil, false
	}
	secs := (h*60 + m) * 60
	if s[0] == '-' {
		secs = -secs
	}
	if secs == 8*3600 {
		return CST, true
	}
	return time.FixedZone("UTC"+s[:3]+":"+s[3:], secs), true
}

// validTime builds a time from calendar fields, rejecting any field out of
// range (month 13, February 30, hour 24 …) and years outside 1970..2100.
func validTime(y, mo, d, h, mi, s, ns int, loc *time.Location) (time.Time, bool) {
	if y < 1970 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
		h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ns < 0 || ns > 999_999_999 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, ns, loc)
	if t.Day() != d || int(t.Month()) != mo {
		return time.Time{}, false
	}
	return t, true
}
