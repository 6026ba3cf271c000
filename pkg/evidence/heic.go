package evidence

// EXIF in HEIF (HEIC, AVIF) and WebP files.
//
// HEIF (ISO/IEC 23008-12) keeps its metadata in the top-level 'meta' box:
// 'iinf' names the items ('infe' entries; the EXIF block is the item of type
// "Exif"), 'iloc' says where each item's bytes are (file offsets, or offsets
// into the 'idat' box of the same 'meta'), 'pitm' names the primary image
// and 'iprp' associates properties such as 'ispe' (the image size) with
// items. The meta box is read into memory (at most maxHEIFMeta bytes) and
// parsed from there; nothing else of the file is read except the EXIF
// item's extents, so the coded image data is never touched.
//
// WebP is a RIFF file: the EXIF chunk holds a TIFF block, sometimes behind
// an "Exif\0\0" prefix. Chunks are walked by their headers and skipped by
// seeking.
//
// The TIFF block found either way goes through decodeEXIF, the same guarded
// path ReadEXIF uses for JPEG and PNG (walkTIFF before goexif).

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Limits of the HEIF and WebP readers.
const (
	maxHEIFMeta       = 2 << 20 // bytes of the meta box read into memory
	maxHEIFTopBoxes   = 4096    // top-level boxes looked at before meta
	maxHEIFMetaBoxes  = 4096    // boxes inside meta (and inside iinf, ipco)
	maxHEIFItems      = 4096    // items claimed by iinf, iloc or ipma
	maxHEIFExtents    = 256     // extents of the EXIF item
	maxHEIFAssoc      = 255     // property associations per item (u8 count)
	maxWebPChunks     = 100_000 // animated WebP has one ANMF chunk per frame
	maxEXIFItemHeader = 4 << 10 // bytes an EXIF item may hold before its TIFF header
)

const (
	opHEIF = "read heif"
	opWebP = "read webp"
)

const zhNoEXIF = "无法读取拍摄时间等信息；" + zhKept

// imageStructErr reports a damaged HEIF or WebP container.
func imageStructErr(op, en, zh string) *FormatError {
	noun := "HEIF/HEIC"
	if op == opWebP {
		noun = "WebP"
	}
	return &FormatError{
		Code: CodeImageCorrupt,
		Msg:  op + ": file structure is damaged: " + en,
		Zh:   noun + " 图片文件结构损坏（" + zh + "），" + zhNoEXIF,
	}
}

// exifItemErr reports an EXIF item or chunk that cannot be used although the
// container is sound.
func exifItemErr(op, en, zh string) *FormatError {
	return exifErr(CodeEXIFInvalid, op+": "+en, "图片的 EXIF 信息无法读取（"+zh+"）；图片本身不受影响，"+zhKept, nil)
}

func exifTooLarge(op string, n uint64) *FormatError {
	return exifErr(CodeEXIFTooLarge, fmt.Sprintf("%s: EXIF block of %d bytes exceeds the %d-byte limit", op, n, maxEXIFBytes),
		"图片的 EXIF 信息过大，未读取；图片本身不受影响，"+zhKept, nil)
}

// ReadImageEXIF reads the EXIF block of an image file of size bytes (a
// negative size is found by seeking to the end). r is read from offset 0
// whatever its current position.
//
// HEIC/HEIF and AVIF files (TypeHEIC, or TypeOther whose header Detect
// reports as image/avif) and WebP files are read here; every other type is
// handed to ReadEXIF. As with ReadEXIF, the result is (nil, nil) when the
// file has no EXIF block, and a *FormatError (CodeImageCorrupt for a
// damaged container, CodeEXIFInvalid or CodeEXIFTooLarge for the EXIF
// block) when it cannot be read. IO failures are returned wrapped. At most
// a few MiB are read whatever the input.
func ReadImageEXIF(r io.ReadSeeker, size int64, t Type) (*EXIFInfo, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read exif: %w", err)
	}
	if t == TypeOther {
		var head [SniffLen]byte
		n, err := io.ReadFull(r, head[:])
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("read exif: %w", err)
		}
		if _, mt := Detect(head[:n]); strings.HasPrefix(mt, "image/avif") {
			t = TypeHEIC
		}
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("read exif: %w", err)
		}
	}
	switch t {
	case TypeHEIC, TypeWebP:
	default:
		return ReadEXIF(r, t)
	}
	if size < 0 {
		n, err := r.Seek(0, io.SeekEnd)
		if err != nil {
			return nil, fmt.Errorf("read exif: %w", err)
		}
		size = n
	}
	f := &seekFile{r: r, size: size}
	var (
		raw []byte
		err error
	)
	if t == TypeWebP {
		raw, err = webpEXIF(f)
	} else {
		raw, err = heifEXIF(f)
	}
	if err != nil || raw == nil {
		return nil, err
	}
	return decodeEXIF(raw)
}

// HEICSize returns the width and height of the primary image of a HEIF file
// (HEIC or AVIF) of size bytes, from the 'ispe' property of the item named
// by 'pitm'. For an iPhone photo, whose primary item is a grid of tiles,
// this is the size of the whole picture. It returns a *FormatError
// (CodeImageCorrupt) when the file has no readable size.
func HEICSize(r io.ReadSeeker, size int64) (width, height int, err error) {
	if size < 0 {
		n, err := r.Seek(0, io.SeekEnd)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", opHEIF, err)
		}
		size = n
	}
	m, err := readHEIFMeta(&seekFile{r: r, size: size})
	if err != nil {
		return 0, 0, err
	}
	if m.primary == 0 {
		return 0, 0, imageStructErr(opHEIF, "no primary item (pitm)", "缺少主图像项 pitm")
	}
	w, h, ok, err := m.ispe(m.primary)
	if err != nil {
		return 0, 0, err
	}
	if !ok {
		return 0, 0, imageStructErr(opHEIF, fmt.Sprintf("primary item %d has no ispe property", m.primary), "主图像缺少尺寸属性 ispe")
	}
	return w, h, nil
}

// seekFile reads ranges of a file of known size.
type seekFile struct {
	r    io.ReadSeeker
	size int64
}

// errShort marks a read that found less data than the file size promised
// (the file shrank, or size was wrong).
var errShort = errors.New("file shorter than its size")

func (f *seekFile) readAt(off int64, p []byte) error {
	if off < 0 || off > f.size || int64(len(p)) > f.size-off {
		return errShort
	}
	if _, err := f.r.Seek(off, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.ReadFull(f.r, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errShort
		}
		return err
	}
	return nil
}

// readFail turns a failed read into the error returned to the caller.
func readFail(op string, err error) error {
	if errors.Is(err, errShort) {
		return imageStructErr(op, "data ends before the end the file size promised", "文件数据比声明的短，可能不完整")
	}
	return fmt.Errorf("%s: %w", op, err)
}

// heifMeta holds the raw child boxes of a HEIF meta box.
type heifMeta struct {
	primary uint32 // pitm item, 0 when absent
	iinf    []byte // payloads (after the box header), nil when absent
	iloc    []byte
	idat    []byte
	iprp    []byte
	hasIdat bool
}

// readHEIFMeta finds the top-level meta box, reads it into memory and
// splits it into the boxes used here.
func readHEIFMeta(f *seekFile) (*heifMeta, error) {
	var hdr [16]byte
	var pos int64
	for n := 0; ; n++ {
		if n >= maxHEIFTopBoxes {
			return nil, imageStructErr(opHEIF, fmt.Sprintf("no meta box in the first %d boxes", maxHEIFTopBoxes),
				fmt.Sprintf("前 %d 个数据块中没有 meta 数据块", maxHEIFTopBoxes))
		}
		if f.size-pos < 8 {
			if n == 0 {
				return nil, imageStructErr(opHEIF, "no ftyp box", "缺少 ftyp 数据块")
			}
			return nil, imageStructErr(opHEIF, "no meta box", "缺少 meta 数据块")
		}
		if err := f.readAt(pos, hdr[:8]); err != nil {
			return nil, readFail(opHEIF, err)
		}
		size := uint64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		hl := uint64(8)
		switch size {
		case 1:
			if f.size-pos < 16 {
				return nil, imageStructErr(opHEIF, fmt.Sprintf("box %q: 64-bit size cut short", printableBrand(hdr[4:8])), "数据块长度字段不完整")
			}
			if err := f.readAt(pos+8, hdr[8:16]); err != nil {
				return nil, readFail(opHEIF, err)
			}
			size, hl = binary.BigEndian.Uint64(hdr[8:16]), 16
		case 0:
			size = uint64(f.size - pos)
		}
		if size < hl {
			return nil, imageStructErr(opHEIF, fmt.Sprintf("box %q declares %d bytes, less than its header", printableBrand(hdr[4:8]), size),
				"数据块声明的长度小于其头部")
		}
		if size > uint64(f.size-pos) {
			return nil, imageStructErr(opHEIF, fmt.Sprintf("box %q of %d bytes at offset %d runs past the end of the file (%d bytes)", printableBrand(hdr[4:8]), size, pos, f.size),
				"数据块超出文件末尾，文件可能不完整")
		}
		if n == 0 && typ != "ftyp" {
			return nil, imageStructErr(opHEIF, "file does not start with an ftyp box", "文件开头不是 ftyp 数据块")
		}
		if typ == "meta" {
			body := size - hl
			if body > maxHEIFMeta {
				return nil, imageStructErr(opHEIF, fmt.Sprintf("meta box of %d bytes exceeds the %d-byte limit", body, maxHEIFMeta),
					"meta 数据块过大，可能是恶意构造的文件")
			}
			p := make([]byte, body)
			if err := f.readAt(pos+int64(hl), p); err != nil {
				return nil, readFail(opHEIF, err)
			}
			return parseHEIFMeta(p)
		}
		pos += int64(size)
	}
}

// heifBox is one box inside a byte slice.
type heifBox struct {
	typ  string
	body []byte
}

// splitBoxes splits b into boxes, at most max of them.
func splitBoxes(b []byte, parent string, max int) ([]heifBox, error) {
	var out []heifBox
	for len(b) > 0 {
		if len(out) >= max {
			return nil, imageStructErr(opHEIF, fmt.Sprintf("more than %d boxes in %s", max, parent),
				fmt.Sprintf("%s 中的数据块超过 %d 个", parent, max))
		}
		if len(b) < 8 {
			return nil, imageStructErr(opHEIF, fmt.Sprintf("%d stray bytes at the end of %s", len(b), parent),
				fmt.Sprintf("%s 末尾有残缺的数据块", parent))
		}
		size := uint64(binary.BigEndian.Uint32(b))
		typ := printableBrand(b[4:8])
		hl := uint64(8)
		switch size {
		case 1:
			if len(b) < 16 {
				return nil, imageStructErr(opHEIF, fmt.Sprintf("box %q in %s: 64-bit size cut short", typ, parent), "数据块长度字段不完整")
			}
			size, hl = binary.BigEndian.Uint64(b[8:16]), 16
		case 0:
			size = uint64(len(b))
		}
		if size < hl || size > uint64(len(b)) {
			return nil, imageStructErr(opHEIF, fmt.Sprintf("box %q in %s declares %d bytes, %d available", typ, parent, size, len(b)),
				fmt.Sprintf("%s 中的 %s 数据块长度无效", parent, typ))
		}
		out = append(out, heifBox{typ: typ, body: b[hl:size]})
		b = b[size:]
	}
	return out, nil
}

// parseHEIFMeta checks the meta box (a full box) and keeps the children
// this file reads.
func parseHEIFMeta(p []byte) (*heifMeta, error) {
	if len(p) < 4 {
		return nil, imageStructErr(opHEIF, "meta box too short", "meta 数据块过短")
	}
	if p[0] != 0 {
		return nil, imageStructErr(opHEIF, fmt.Sprintf("meta box version %d", p[0]), "meta 数据块版本不受支持")
	}
	boxes, err := splitBoxes(p[4:], "meta", maxHEIFMetaBoxes)
	if err != nil {
		return nil, err
	}
	m := &heifMeta{}
	seen := map[string]bool{}
	handler := ""
	for _, b := range boxes {
		switch b.typ {
		case "hdlr", "pitm", "iinf", "iloc", "idat", "iprp":
		default:
			continue
		}
		if seen[b.typ] {
			return nil, imageStructErr(opHEIF, fmt.Sprintf("more than one %s box", b.typ),
				fmt.Sprintf("重复的 %s 数据块", b.typ))
		}
		seen[b.typ] = true
		switch b.typ {
		case "hdlr":
			// version/flags, pre_defined, handler_type, reserved, name
			if len(b.body) < 12 {
				return nil, imageStructErr(opHEIF, "hdlr box too short", "hdlr 数据块过短")
			}
			handler = string(b.body[8:12])
		case "pitm":
			r := byteReader{b: b.body}
			v := r.u8()
			r.skip(3)
			if v == 0 {
				m.primary = uint32(r.u16())
			} else {
				m.primary = r.u32()
			}
			if r.bad {
				return nil, imageStructErr(opHEIF, "pitm box too short", "pitm 数据块过短")
			}
		case "iinf":
			m.iinf = b.body
		case "iloc":
			m.iloc = b.body
		case "idat":
			m.idat, m.hasIdat = b.body, true
		case "iprp":
			m.iprp = b.body
		}
	}
	if handler != "pict" {
		return nil, imageStructErr(opHEIF, fmt.Sprintf("meta handler is %q, not \"pict\"", printableBrand([]byte(handler))),
			"meta 数据块的处理类型不是图像（pict）")
	}
	return m, nil
}

// byteReader reads big-endian fields from a slice; reading past the end
// sets bad and yields zeros.
type byteReader struct {
	b   []byte
	bad bool
}

func (r *byteReader) take(n int) []byte {
	if r.bad || n > len(r.b) {
		r.bad = true
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *byteReader) skip(n int) { r.take(n) }

func (r *byteReader) u8() uint8 {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *byteReader) u16() uint16 {
	if p := r.take(2); p != nil {
		return binary.BigEndian.Uint16(p)
	}
	return 0
}

func (r *byteReader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.BigEndian.Uint32(p)
	}
	return 0
}

// uint reads an n-byte unsigned integer, n in {0, 4, 8}.
func (r *byteReader) uint(n int) uint64 {
	switch n {
	case 4:
		return uint64(r.u32())
	case 8:
		if p := r.take(8); p != nil {
			return binary.BigEndian.Uint64(p)
		}
	}
	return 0
}

// exifItem returns the ID of the first item of type "Exif" in iinf, 0 when
// there is none.
func (m *heifMeta) exifItem() (uint32, error) {
	if m.iinf == nil {
		return 0, nil
	}
	r := byteReader{b: m.iinf}
	v := r.u8()
	r.skip(3)
	var count uint32
	if v == 0 {
		count = uint32(r.u16())
	} else {
		count = r.u32()
	}
	if r.bad {
		return 0, imageStructErr(opHEIF, "iinf box too short", "iinf 数据块过短")
	}
	if count > maxHEIFItems {
		return 0, imageStructErr(opHEIF, fmt.Sprintf("iinf claims %d items, more than %d", count, maxHEIFItems),
			fmt.Sprintf("iinf 声明 %d 个数据项，超过上限 %d", count, maxHEIFItems))
	}
	boxes, err := splitBoxes(r.b, "iinf", maxHEIFMetaBoxes)
	if err != nil {
		return 0, err
	}
	if uint32(len(boxes)) < count {
		return 0, imageStructErr(opHEIF, fmt.Sprintf("iinf claims %d items but holds %d boxes", count, len(boxes)),
			"iinf 中的数据项少于其声明的数量")
	}
	for _, b := range boxes[:count] {
		if b.typ != "infe" {
			continue
		}
		e := byteReader{b: b.body}
		ev := e.u8()
		e.skip(3)
		var id uint32
		switch ev {
		case 2:
			id = uint32(e.u16())
		case 3:
			id = e.u32()
		default:
			continue // versions 0 and 1 have no item_type
		}
		e.skip(2) // item_protection_index
		typ := e.take(4)
		if e.bad {
			return 0, imageStructErr(opHEIF, "infe box too short", "infe 数据块过短")
		}
		if string(typ) == "Exif" && id != 0 {
			return id, nil
		}
	}
	return 0, nil
}

// heifExtent is one extent of an item, already resolved to file offsets
// (construction method 0) or idat offsets (method 1).
type heifExtent struct{ off, length uint64 }

// itemLocation finds item id in iloc and returns its construction method
// and extents. found is false when iloc does not list it.
func (m *heifMeta) itemLocation(id uint32) (method int, extents []heifExtent, found bool, err error) {
	short := imageStructErr(opHEIF, "iloc box too short", "iloc 数据块过短")
	if m.iloc == nil {
		return 0, nil, false, nil
	}
	r := byteReader{b: m.iloc}
	v := r.u8()
	r.skip(3)
	if v > 2 {
		return 0, nil, false, imageStructErr(opHEIF, fmt.Sprintf("iloc version %d", v), "iloc 数据块版本不受支持")
	}
	b1, b2 := r.u8(), r.u8()
	offSize, lenSize, baseSize := int(b1>>4), int(b1&15), int(b2>>4)
	idxSize := 0
	if v >= 1 {
		idxSize = int(b2 & 15)
	}
	for _, s := range []int{offSize, lenSize, baseSize, idxSize} {
		if s != 0 && s != 4 && s != 8 {
			return 0, nil, false, imageStructErr(opHEIF, fmt.Sprintf("iloc field size %d", s), "iloc 字段长度无效")
		}
	}
	var count uint32
	if v < 2 {
		count = uint32(r.u16())
	} else {
		count = r.u32()
	}
	if r.bad {
		return 0, nil, false, short
	}
	if count > maxHEIFItems {
		return 0, nil, false, imageStructErr(opHEIF, fmt.Sprintf("iloc claims %d items, more than %d", count, maxHEIFItems),
			fmt.Sprintf("iloc 声明 %d 个数据项，超过上限 %d", count, maxHEIFItems))
	}
	for range count {
		var item uint32
		if v < 2 {
			item = uint32(r.u16())
		} else {
			item = r.u32()
		}
		cm := 0
		if v >= 1 {
			cm = int(r.u16() & 15)
		}
		dataRef := r.u16()
		base := r.uint(baseSize)
		n := int(r.u16())
		if r.bad {
			return 0, nil, false, short
		}
		mine := item == id && !found
		if mine {
			if n > maxHEIFExtents {
				return 0, nil, false, imageStructErr(opHEIF, fmt.Sprintf("item %d has %d extents, more than %d", id, n, maxHEIFExtents),
					fmt.Sprintf("数据项的分段数 %d 超过上限 %d", n, maxHEIFExtents))
			}
			if dataRef != 0 {
				return 0, nil, false, exifItemErr(opHEIF, fmt.Sprintf("EXIF item %d is stored in another file (data_reference_index %d)", id, dataRef),
					"EXIF 数据存放在其他文件中")
			}
			if cm != 0 && cm != 1 {
				return 0, nil, false, exifItemErr(opHEIF, fmt.Sprintf("EXIF item %d uses construction method %d, which is not supported", id, cm),
					"EXIF 数据的存放方式不受支持")
			}
			method, found = cm, true
		}
		for range n {
			if idxSize > 0 {
				r.skip(idxSize)
			}
			off, length := r.uint(offSize), r.uint(lenSize)
			if r.bad {
				return 0, nil, false, short
			}
			if mine {
				if off > math.MaxUint64-base {
					return 0, nil, false, imageStructErr(opHEIF, fmt.Sprintf("item %d: extent offset overflows", id), "数据项的偏移量溢出")
				}
				extents = append(extents, heifExtent{off: base + off, length: length})
			}
		}
	}
	return method, extents, found, nil
}

// heifEXIF returns the TIFF block of the EXIF item of a HEIF file, or nil
// when the file has none.
func heifEXIF(f *seekFile) ([]byte, error) {
	m, err := readHEIFMeta(f)
	if err != nil {
		return nil, err
	}
	id, err := m.exifItem()
	if err != nil || id == 0 {
		return nil, err
	}
	method, extents, found, err := m.itemLocation(id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, exifItemErr(opHEIF, fmt.Sprintf("EXIF item %d has no location in iloc", id), "找不到 EXIF 数据的存放位置")
	}
	if len(extents) == 0 {
		return nil, exifItemErr(opHEIF, fmt.Sprintf("EXIF item %d has no extents", id), "EXIF 数据为空")
	}
	// The extents' end: the file, or idat.
	limit := uint64(f.size)
	where, whereZh := "file", "文件"
	if method == 1 {
		if !m.hasIdat {
			return nil, imageStructErr(opHEIF, fmt.Sprintf("EXIF item %d is in idat but meta has no idat box", id), "EXIF 数据应在 idat 中，但缺少 idat 数据块")
		}
		limit, where, whereZh = uint64(len(m.idat)), "idat box", "idat 数据块"
	}
	var total uint64
	for i := range extents {
		e := &extents[i]
		if e.length == 0 && len(extents) == 1 && e.off <= limit {
			e.length = limit - e.off // 0: to the end of the data
		}
		if e.off > limit || e.length > limit-e.off {
			return nil, imageStructErr(opHEIF, fmt.Sprintf("EXIF item %d: extent %d+%d lies beyond the end of the %s (%d bytes)", id, e.off, e.length, where, limit),
				"EXIF 数据的位置超出"+whereZh+"末尾，文件可能不完整")
		}
		total += e.length // cannot overflow: each is at most limit, and there are few
		if total > maxEXIFBytes+maxEXIFItemHeader {
			return nil, exifTooLarge(opHEIF, total)
		}
	}
	item := make([]byte, 0, total)
	for _, e := range extents {
		if method == 1 {
			item = append(item, m.idat[e.off:e.off+e.length]...)
			continue
		}
		n := len(item)
		item = item[:n+int(e.length)]
		if err := f.readAt(int64(e.off), item[n:]); err != nil {
			return nil, readFail(opHEIF, err)
		}
	}
	return tiffFromEXIFItem(opHEIF, item)
}

// tiffFromEXIFItem strips what precedes the TIFF header in a HEIF EXIF item
// or WebP EXIF chunk: the HEIF 4-byte exif_tiff_header_offset (usually 6,
// over "Exif\0\0"), or a bare "Exif\0\0" prefix.
func tiffFromEXIFItem(op string, p []byte) ([]byte, error) {
	isTIFF := func(b []byte) bool {
		return len(b) >= 4 && (string(b[:4]) == "II*\x00" || string(b[:4]) == "MM\x00*")
	}
	switch {
	case isTIFF(p):
	case bytes.HasPrefix(p, []byte("Exif\x00\x00")):
		p = p[6:]
	case op == opHEIF && len(p) >= 4:
		off := uint64(binary.BigEndian.Uint32(p))
		if off > uint64(len(p)-4) {
			return nil, exifItemErr(op, fmt.Sprintf("TIFF header offset %d beyond the %d-byte EXIF item", off, len(p)), "EXIF 数据头的偏移量无效")
		}
		p = p[4+off:]
		if !isTIFF(p) && bytes.HasPrefix(p, []byte("Exif\x00\x00")) {
			p = p[6:] // an offset of 0 in front of "Exif\0\0"
		}
	}
	if !isTIFF(p) {
		return nil, exifItemErr(op, "EXIF block does not start with a TIFF header", "EXIF 数据缺少 TIFF 头")
	}
	if len(p) > maxEXIFBytes {
		return nil, exifTooLarge(op, uint64(len(p)))
	}
	return p, nil
}

// ispe returns the size from the ispe property associated with item id.
func (m *heifMeta) ispe(id uint32) (w, h int, ok bool, err error) {
	if m.iprp == nil {
		return 0, 0, false, nil
	}
	boxes, err := splitBoxes(m.iprp, "iprp", maxHEIFMetaBoxes)
	if err != nil {
		return 0, 0, false, err
	}
	var props []heifBox
	var ipma [][]byte
	for _, b := range boxes {
		switch b.typ {
		case "ipco":
			if props != nil {
				return 0, 0, false, imageStructErr(opHEIF, "more than one ipco box", "重复的 ipco 数据块")
			}
			if props, err = splitBoxes(b.body, "ipco", maxHEIFMetaBoxes); err != nil {
				return 0, 0, false, err
			}
			if props == nil {
				props = []heifBox{}
			}
		case "ipma":
			ipma = append(ipma, b.body)
		}
	}
	short := imageStructErr(opHEIF, "ipma box too short", "ipma 数据块过短")
	entries := 0
	for _, body := range ipma {
		r := byteReader{b: body}
		v := r.u8()
		r.skip(2)
		flags := r.u8()
		count := r.u32()
		if r.bad {
			return 0, 0, false, short
		}
		entries += int(min(count, maxHEIFItems+1))
		if entries > maxHEIFItems {
			return 0, 0, false, imageStructErr(opHEIF, fmt.Sprintf("ipma lists more than %d items", maxHEIFItems),
				fmt.Sprintf("ipma 列出的数据项超过上限 %d", maxHEIFItems))
		}
		for range count {
			var item uint32
			if v < 1 {
				item = uint32(r.u16())
			} else {
				item = r.u32()
			}
			n := int(r.u8())
			for range n {
				var idx int
				if flags&1 != 0 {
					idx = int(r.u16() & 0x7fff)
				} else {
					idx = int(r.u8() & 0x7f)
				}
				if r.bad {
					return 0, 0, false, short
				}
				if item != id || idx == 0 || idx > len(props) || props[idx-1].typ != "ispe" {
					continue
				}
				p := byteReader{b: props[idx-1].body}
				p.skip(4) // version, flags
				pw, ph := p.u32(), p.u32()
				if p.bad {
					return 0, 0, false, imageStructErr(opHEIF, "ispe box too short", "ispe 数据块过短")
				}
				if pw == 0 || ph == 0 || pw > math.MaxInt32 || ph > math.MaxInt32 {
					return 0, 0, false, imageStructErr(opHEIF, fmt.Sprintf("ispe gives %d×%d pixels", pw, ph), "图像尺寸无效")
				}
				return int(pw), int(ph), true, nil
			}
			if r.bad {
				return 0, 0, false, short
			}
		}
	}
	return 0, 0, false, nil
}

// webpEXIF returns the TIFF block of the EXIF chunk of a WebP file, or nil
// when it has none.
func webpEXIF(f *seekFile) ([]byte, error) {
	var hdr [12]byte
	if err := f.readAt(0, hdr[:]); err != nil {
		if errors.Is(err, errShort) {
			return nil, imageStructErr(opWebP, "file shorter than the RIFF header", "文件过短，缺少 RIFF 头")
		}
		return nil, readFail(opWebP, err)
	}
	if string(hdr[:4]) != "RIFF" || string(hdr[8:12]) != "WEBP" {
		return nil, imageStructErr(opWebP, "not a RIFF WEBP file", "不是 RIFF WEBP 文件")
	}
	end := int64(binary.LittleEndian.Uint32(hdr[4:8])) + 8
	if end > f.size {
		return nil, imageStructErr(opWebP, fmt.Sprintf("RIFF claims %d bytes, file has %d", end, f.size), "文件比 RIFF 头声明的短，可能不完整")
	}
	for pos, n := int64(12), 0; end-pos >= 8; n++ {
		if n >= maxWebPChunks {
			return nil, imageStructErr(opWebP, fmt.Sprintf("more than %d chunks", maxWebPChunks), fmt.Sprintf("数据块超过 %d 个", maxWebPChunks))
		}
		if err := f.readAt(pos, hdr[:8]); err != nil {
			return nil, readFail(opWebP, err)
		}
		typ := printableBrand(hdr[:4])
		size := int64(binary.LittleEndian.Uint32(hdr[4:8]))
		body := pos + 8
		if size > end-body {
			return nil, imageStructErr(opWebP, fmt.Sprintf("chunk %q of %d bytes at offset %d runs past the end of the RIFF data", typ, size, pos),
				fmt.Sprintf("%s 数据块超出文件末尾", typ))
		}
		if typ == "EXIF" {
			if size > maxEXIFBytes+6 {
				return nil, exifTooLarge(opWebP, uint64(size))
			}
			p := make([]byte, size)
			if err := f.readAt(body, p); err != nil {
				return nil, readFail(opWebP, err)
			}
			return tiffFromEXIFItem(opWebP, p)
		}
		pos = body + size + size&1 // chunks are padded to an even size
	}
	return nil, nil
}
