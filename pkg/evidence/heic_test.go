package evidence

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/image/webp"
)

// --- HEIF builders -------------------------------------------------------

func hU16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func hU32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// hN is v as an n-byte big-endian field, n in {0, 4, 8}.
func hN(n int, v uint64) []byte {
	switch n {
	case 4:
		return hU32(uint32(v))
	case 8:
		return binary.BigEndian.AppendUint64(nil, v)
	}
	return nil
}

func hBox(typ string, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	return append(append(hU32(uint32(8+len(body))), typ...), body...)
}

func hFull(typ string, version byte, flags uint32, parts ...[]byte) []byte {
	vf := hU32(flags)
	vf[0] = version
	return hBox(typ, append([][]byte{vf}, parts...)...)
}

func hInfe(version byte, id uint32, typ string) []byte {
	idb := hU16(uint16(id))
	if version == 3 {
		idb = hU32(id)
	}
	return hFull("infe", version, 0, idb, hU16(0), []byte(typ), []byte{0})
}

func hIinf(entries ...[]byte) []byte {
	return hFull("iinf", 0, 0, append([][]byte{hU16(uint16(len(entries)))}, entries...)...)
}

type ilocExt struct{ off, length uint64 }

type ilocItem struct {
	id      uint32
	method  uint16
	dataRef uint16
	base    uint64
	ext     []ilocExt
}

type ilocSpec struct {
	version                           byte
	offSize, lenSize, baseSize, index int
	items                             []ilocItem
}

func (s ilocSpec) box() []byte {
	b := []byte{byte(s.offSize<<4 | s.lenSize), byte(s.baseSize<<4 | s.index)}
	if s.version < 2 {
		b = append(b, hU16(uint16(len(s.items)))...)
	} else {
		b = append(b, hU32(uint32(len(s.items)))...)
	}
	for _, it := range s.items {
		if s.version < 2 {
			b = append(b, hU16(uint16(it.id))...)
		} else {
			b = append(b, hU32(it.id)...)
		}
		if s.version >= 1 {
			b = append(b, hU16(it.method)...)
		}
		b = append(b, hU16(it.dataRef)...)
		b = append(b, hN(s.baseSize, it.base)...)
		b = append(b, hU16(uint16(len(it.ext)))...)
		for i, e := range it.ext {
			if s.version >= 1 {
				b = append(b, hN(s.index, uint64(i+1))...)
			}
			b = append(b, hN(s.offSize, e.off)...)
			b = append(b, hN(s.lenSize, e.length)...)
		}
	}
	return hFull("iloc", s.version, 0, b)
}

func hIspe(w, h uint32) []byte { return hFull("ispe", 0, 0, hU32(w), hU32(h)) }

// hIprp associates properties with items: assoc maps an item ID to 1-based
// property indices; wide selects ipma version 1 with 16-bit indices.
func hIprp(props [][]byte, assoc [][2]uint32, wide bool) []byte {
	var body []byte
	var v byte
	var flags uint32
	if wide {
		v, flags = 1, 1
	}
	body = append(body, hU32(uint32(len(assoc)))...)
	for _, a := range assoc {
		if wide {
			body = append(body, hU32(a[0])...)
			body = append(body, 1)
			body = append(body, hU16(uint16(a[1])|0x8000)...)
		} else {
			body = append(body, hU16(uint16(a[0]))...)
			body = append(body, 1, byte(a[1])|0x80)
		}
	}
	return hBox("iprp", hBox("ipco", props...), hFull("ipma", v, flags, body))
}

// heifOpts describes a generated HEIC file: item 1 is the primary image
// (an hvc1 item of fake coded data in mdat), item 3 a thumbnail, and the
// EXIF item holds payload.
type heifOpts struct {
	major     string // ftyp major brand; "heic" when empty
	ilocVer   byte
	wide      bool   // 8-byte offsets and lengths, a base offset and (v1/v2) 4-byte extent indices
	idat      bool   // EXIF item in idat (construction method 1); needs ilocVer ≥ 1
	infeVer   byte   // 2 or 3
	exifID    uint32 // 2 when 0
	payload   []byte // the EXIF item; none when nil
	split     bool   // EXIF item in two extents
	zeroLen   bool   // EXIF item extent of length 0: to the end of the data
	mdatSize0 bool   // mdat box of size 0 (to the end of the file)
	ipmaWide  bool
	noPitm    bool
	metaExtra [][]byte // more boxes appended to meta
	handler   string   // "pict" when empty
}

// buildHEIF returns the file and the file offset of the EXIF payload
// (for method 0).
func buildHEIF(o heifOpts) ([]byte, int) {
	if o.major == "" {
		o.major = "heic"
	}
	if o.infeVer == 0 {
		o.infeVer = 2
	}
	if o.exifID == 0 {
		o.exifID = 2
	}
	if o.handler == "" {
		o.handler = "pict"
	}
	ftyp := hBox("ftyp", []byte(o.major), hU32(0), []byte("mif1"), []byte(o.major))
	image := []byte("fake hevc data!!") // 16 bytes
	const idatJunk = "junk"
	build := func(mdatStart uint64) []byte {
		spec := ilocSpec{version: o.ilocVer, offSize: 4, lenSize: 4}
		imgOff := mdatStart + 8
		var base uint64
		if o.wide {
			spec.offSize, spec.lenSize, spec.baseSize = 8, 8, 8
			if o.ilocVer >= 1 {
				spec.index = 4
			}
			base, imgOff = imgOff, 0
		}
		spec.items = []ilocItem{
			{id: 1, base: base, ext: []ilocExt{{imgOff, uint64(len(image))}}},
			{id: 3, base: base, ext: []ilocExt{{imgOff, 8}}},
		}
		var idat []byte
		if o.payload != nil {
			exif := ilocItem{id: o.exifID, base: base}
			off := imgOff + uint64(len(image))
			if o.idat {
				exif.method, exif.base, off = 1, 0, uint64(len(idatJunk))
				idat = hBox("idat", []byte(idatJunk), o.payload)
			}
			n := uint64(len(o.payload))
			switch {
			case o.split:
				exif.ext = []ilocExt{{off, 10}, {off + 10, n - 10}}
			case o.zeroLen:
				exif.ext = []ilocExt{{off, 0}}
			default:
				exif.ext = []ilocExt{{off, n}}
			}
			spec.items = append(spec.items, exif)
		}
		entries := [][]byte{hInfe(o.infeVer, 1, "hvc1"), hInfe(o.infeVer, 3, "hvc1")}
		if o.payload != nil {
			entries = append(entries, hInfe(o.infeVer, o.exifID, "Exif"))
		}
		hdlr := hFull("hdlr", 0, 0, hU32(0), []byte(o.handler), make([]byte, 12), []byte{0})
		pitm := hFull("pitm", 0, 0, hU16(1))
		if o.noPitm {
			pitm = nil
		}
		props := [][]byte{hBox("hvcC", make([]byte, 23)), hIspe(4032, 3024), hIspe(160, 120)}
		iprp := hIprp(props, [][2]uint32{{3, 3}, {1, 2}}, o.ipmaWide)
		// iloc before iinf, as in the camera files seen.
		children := [][]byte{hdlr, pitm, spec.box(), hIinf(entries...), iprp, idat}
		children = append(children, o.metaExtra...)
		meta := hFull("meta", 0, 0, children...)
		return append(append([]byte{}, ftyp...), meta...)
	}
	head := build(0)
	head = build(uint64(len(head))) // field sizes are fixed: same length
	mdatBody := append([]byte{}, image...)
	exifAt := len(head) + 8 + len(image)
	if o.payload != nil && !o.idat {
		mdatBody = append(mdatBody, o.payload...)
	}
	mdat := hBox("mdat", mdatBody)
	if o.mdatSize0 {
		copy(mdat, hU32(0))
	}
	return append(head, mdat...), exifAt
}

// heifPayload is an EXIF item: the 4-byte offset to the TIFF header, then
// "Exif\0\0" and the TIFF block.
func heifPayload(tiff []byte) []byte {
	return bytes.Join([][]byte{hU32(6), []byte("Exif\x00\x00"), tiff}, nil)
}

func phoneTIFF(order binary.ByteOrder, date, offset string) []byte {
	exifIFD := []tiffEntry{asciiEntry(0x9003, date)}
	if offset != "" {
		exifIFD = append(exifIFD, asciiEntry(tagOffsetTimeOrig, offset))
	}
	return buildTIFF(order, []tiffEntry{asciiEntry(0x010F, "Apple"), asciiEntry(0x0110, "iPhone 15 Pro"), shortEntry(order, 0x0112, 6)}, exifIFD)
}

// --- WebP builders -------------------------------------------------------

// bitWriter writes the LSB-first bit stream of VP8L.
type bitWriter struct {
	b     []byte
	nbits uint
}

func (w *bitWriter) put(v uint32, n uint) {
	for i := range n {
		if w.nbits%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>i&1 != 0 {
			w.b[len(w.b)-1] |= 1 << (w.nbits % 8)
		}
		w.nbits++
	}
}

// vp8l1x1 is a lossless 1×1 image of colour c, made by hand: every prefix
// code is a "simple" code of one symbol, so the pixel takes no bits.
func vp8l1x1(c color.NRGBA) []byte {
	var w bitWriter
	w.put(0x2f, 8) // signature
	w.put(0, 14)   // width - 1
	w.put(0, 14)   // height - 1
	w.put(1, 1)    // alpha used
	w.put(0, 3)    // version
	w.put(0, 1)    // no transform
	w.put(0, 1)    // no colour cache
	w.put(0, 1)    // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A, 0} {
		w.put(1, 1) // simple code
		w.put(0, 1) // one symbol
		w.put(1, 1) // 8-bit symbol
		w.put(uint32(sym), 8)
	}
	return w.b
}

func riffChunk(typ string, body []byte) []byte {
	b := append([]byte(typ), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	b = append(b, body...)
	if len(body)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func riffWebP(chunks ...[]byte) []byte {
	body := append([]byte("WEBP"), bytes.Join(chunks, nil)...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// vp8x is the extended-format header chunk of a 1×1 canvas.
func vp8x(flags byte) []byte {
	return riffChunk("VP8X", []byte{flags, 0, 0, 0, 0, 0, 0, 0, 0, 0})
}

const vp8xEXIF, vp8xAlpha = 0x08, 0x10

var red = color.NRGBA{R: 255, A: 255}

// --- checks --------------------------------------------------------------

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// checkFormatErr asserts err is a *FormatError with code, an English
// message naming the operation and a Chinese message.
func checkFormatErr(t *testing.T, info *EXIFInfo, err error, code string) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want *FormatError %s", err, err, code)
	}
	if fe.Code != code {
		t.Fatalf("code = %s (%v), want %s", fe.Code, err, code)
	}
	if info != nil {
		t.Fatalf("info = %+v with an error", info)
	}
	if !strings.HasPrefix(fe.Msg, "read ") || !hasHan(fe.Zh) || !strings.Contains(fe.Zh, zhKept) {
		t.Fatalf("messages: %q / %q", fe.Msg, fe.Zh)
	}
}

func readImageEXIF(b []byte, typ Type) (*EXIFInfo, error) {
	return ReadImageEXIF(bytes.NewReader(b), int64(len(b)), typ)
}

// --- tests ---------------------------------------------------------------

func TestReadImageEXIFHEIF(t *testing.T) {
	be, le := binary.BigEndian, binary.LittleEndian
	shanghai := phoneTIFF(be, "2024:03:05 14:30:00", "+08:00")
	want0830 := time.Date(2024, 3, 5, 6, 30, 0, 0, time.UTC)
	tests := []struct {
		name      string
		o         heifOpts
		typ       Type
		wantTime  time.Time
		hasOffset bool
		wantTag   string
	}{
		{name: "iloc v0 file offset", o: heifOpts{payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "iloc v1 file offset", o: heifOpts{ilocVer: 1, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "iloc v2 file offset", o: heifOpts{ilocVer: 2, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "iloc v0 base offset 8-byte fields", o: heifOpts{wide: true, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "iloc v1 idat", o: heifOpts{ilocVer: 1, idat: true, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "iloc v2 idat wide with extent index", o: heifOpts{ilocVer: 2, wide: true, idat: true, infeVer: 3, exifID: 70000, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "iloc v2 file wide infe v3", o: heifOpts{ilocVer: 2, wide: true, infeVer: 3, exifID: 70000, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "two extents", o: heifOpts{ilocVer: 1, split: true, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "two extents in idat", o: heifOpts{ilocVer: 1, idat: true, split: true, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "length 0 runs to end of file", o: heifOpts{zeroLen: true, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "length 0 runs to end of idat", o: heifOpts{ilocVer: 1, idat: true, zeroLen: true, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{name: "mdat of size 0", o: heifOpts{mdatSize0: true, payload: heifPayload(shanghai)}, wantTime: want0830, hasOffset: true},
		{
			name:     "tiff header offset 0",
			o:        heifOpts{payload: append(hU32(0), phoneTIFF(le, "2023:12:31 23:59:59", "-07:00")...)},
			wantTime: time.Date(2024, 1, 1, 6, 59, 59, 0, time.UTC), hasOffset: true,
		},
		{
			name:     "offset 0 then Exif prefix",
			o:        heifOpts{payload: bytes.Join([][]byte{hU32(0), []byte("Exif\x00\x00"), shanghai}, nil)},
			wantTime: want0830, hasOffset: true,
		},
		{name: "bare Exif prefix without offset field", o: heifOpts{payload: append([]byte("Exif\x00\x00"), shanghai...)}, wantTime: want0830, hasOffset: true},
		{
			name:     "offset skips a vendor header",
			o:        heifOpts{payload: bytes.Join([][]byte{hU32(10), []byte("XXXX"), []byte("Exif\x00\x00"), shanghai}, nil)},
			wantTime: want0830, hasOffset: true,
		},
		{name: "no offset time means UTC+8", o: heifOpts{payload: heifPayload(phoneTIFF(le, "2024:03:05 14:30:00", ""))}, wantTime: want0830},
		{name: "avif passed as other", o: heifOpts{major: "avif", payload: heifPayload(shanghai)}, typ: TypeOther, wantTime: want0830, hasOffset: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file, _ := buildHEIF(tc.o)
			typ := tc.typ
			if typ == "" {
				typ = TypeHEIC
			}
			info, err := readImageEXIF(file, typ)
			if err != nil {
				t.Fatal(err)
			}
			if info == nil {
				t.Fatal("no EXIF found")
			}
			if !info.Time.Equal(tc.wantTime) || info.HasOffset != tc.hasOffset || info.TimeTag != "DateTimeOriginal" {
				t.Errorf("time = %v (%s, offset %v), want %v (offset %v)", info.Time, info.TimeTag, info.HasOffset, tc.wantTime, tc.hasOffset)
			}
			if info.Make != "Apple" || info.Model != "iPhone 15 Pro" || info.Orientation != 6 {
				t.Errorf("make/model/orientation = %q %q %d", info.Make, info.Model, info.Orientation)
			}
		})
	}
}

func TestReadImageEXIFHEIFAbsent(t *testing.T) {
	noExif, _ := buildHEIF(heifOpts{})
	mp4 := hBox("ftyp", []byte("isom"), hU32(0), []byte("isom"))
	for name, c := range map[string]struct {
		file []byte
		typ  Type
	}{
		"heic without Exif item": {noExif, TypeHEIC},
		"mp4 passed as other":    {mp4, TypeOther},
		"text passed as other":   {[]byte("hello"), TypeOther},
		"empty passed as other":  {nil, TypeOther},
	} {
		t.Run(name, func(t *testing.T) {
			info, err := readImageEXIF(c.file, c.typ)
			if info != nil || err != nil {
				t.Fatalf("got %+v, %v; want nil, nil", info, err)
			}
		})
	}
}

func TestReadImageEXIFHEIFMalformed(t *testing.T) {
	be := binary.BigEndian
	good := heifPayload(phoneTIFF(be, "2024:03:05 14:30:00", "+08:00"))
	build := func(o heifOpts) []byte { f, _ := buildHEIF(o); return f }
	// patch rewrites a generated file.
	patch := func(o heifOpts, fn func(f []byte, exifAt int) []byte) []byte {
		f, at := buildHEIF(o)
		return fn(f, at)
	}
	// withIloc builds a file whose iloc is replaced by spec.
	withIloc := func(spec ilocSpec, idat []byte, payload []byte) []byte {
		f := build(heifOpts{payload: payload, metaExtra: [][]byte{idat}})
		i := bytes.Index(f, []byte("iloc"))
		n := int(be.Uint32(f[i-4:]))
		out := bytes.Join([][]byte{f[:i-4], spec.box(), f[i-4+n:]}, nil)
		// fix the meta size
		m := bytes.Index(out, []byte("meta"))
		be.PutUint32(out[m-4:], be.Uint32(out[m-4:])+uint32(len(spec.box())-n))
		return out
	}
	exifItem := func(it ilocItem) ilocSpec {
		return ilocSpec{version: 1, offSize: 8, lenSize: 8, baseSize: 8, items: []ilocItem{it}}
	}
	// An IFD entry whose count × type size overflows uint32: goexif would
	// try to allocate tens of GiB. The guard must refuse it.
	overflow := buildTIFF(be, []tiffEntry{{tag: 0x0112, typ: 4, count: 0x40000001, val: []byte{0, 0, 0, 1}}}, nil)
	manyInfe := hFull("iinf", 1, 0, hU32(1_000_000), hInfe(2, 2, "Exif"))
	bigMeta := hBox("free", make([]byte, maxHEIFMeta))

	tests := []struct {
		name string
		file []byte
		typ  Type
		code string
	}{
		{"iloc beyond EOF", patch(heifOpts{payload: good}, func(f []byte, at int) []byte { return f[:at+20] }), TypeHEIC, CodeImageCorrupt},
		{"huge extent", withIloc(exifItem(ilocItem{id: 2, ext: []ilocExt{{100, 1 << 62}}}), nil, good), TypeHEIC, CodeImageCorrupt},
		{"extent offset overflow", withIloc(exifItem(ilocItem{id: 2, base: 1 << 63, ext: []ilocExt{{1 << 63, 10}}}), nil, good), TypeHEIC, CodeImageCorrupt},
		{"too many extents", withIloc(exifItem(ilocItem{id: 2, ext: make([]ilocExt, maxHEIFExtents+1)}), nil, good), TypeHEIC, CodeImageCorrupt},
		{"construction method 2", withIloc(exifItem(ilocItem{id: 2, method: 2, ext: []ilocExt{{0, 10}}}), nil, good), TypeHEIC, CodeEXIFInvalid},
		{"data in another file", withIloc(exifItem(ilocItem{id: 2, dataRef: 1, ext: []ilocExt{{0, 10}}}), nil, good), TypeHEIC, CodeEXIFInvalid},
		{"idat item without idat", withIloc(exifItem(ilocItem{id: 2, method: 1, ext: []ilocExt{{0, 10}}}), nil, good), TypeHEIC, CodeImageCorrupt},
		{"idat extent past idat", withIloc(exifItem(ilocItem{id: 2, method: 1, ext: []ilocExt{{4, 100}}}), hBox("idat", make([]byte, 50)), good), TypeHEIC, CodeImageCorrupt},
		{"exif item not in iloc", withIloc(exifItem(ilocItem{id: 9, ext: []ilocExt{{0, 10}}}), nil, good), TypeHEIC, CodeEXIFInvalid},
		{"exif item without extents", withIloc(exifItem(ilocItem{id: 2}), nil, good), TypeHEIC, CodeEXIFInvalid},
		{"iloc claims 1e6 items", withIloc(ilocSpec{version: 2, offSize: 4, lenSize: 4, items: nil}, nil, good), TypeHEIC, CodeImageCorrupt},
		{"iloc field size 3", withIloc(ilocSpec{version: 1, offSize: 3, lenSize: 4}, nil, good), TypeHEIC, CodeImageCorrupt},
		{"iloc version 3", withIloc(ilocSpec{version: 3, offSize: 4, lenSize: 4}, nil, good), TypeHEIC, CodeImageCorrupt},
		{"iinf claims 1e6 entries", patch(heifOpts{metaExtra: [][]byte{manyInfe}}, func(f []byte, _ int) []byte {
			// drop the real iinf by renaming it
			i := bytes.Index(f, []byte("iinf"))
			copy(f[i:], "skip")
			return f
		}), TypeHEIC, CodeImageCorrupt},
		{"duplicate iloc", build(heifOpts{payload: good, metaExtra: [][]byte{ilocSpec{offSize: 4, lenSize: 4}.box()}}), TypeHEIC, CodeImageCorrupt},
		{"overflowing EXIF count", build(heifOpts{payload: heifPayload(overflow)}), TypeHEIC, CodeEXIFInvalid},
		{"overflowing EXIF count in idat", build(heifOpts{ilocVer: 1, idat: true, payload: heifPayload(overflow)}), TypeHEIC, CodeEXIFInvalid},
		{"tiff offset beyond item", build(heifOpts{payload: append(hU32(1000), good[4:]...)}), TypeHEIC, CodeEXIFInvalid},
		{"item is not TIFF", build(heifOpts{payload: []byte("\x00\x00\x00\x00not a tiff block")}), TypeHEIC, CodeEXIFInvalid},
		{"exif item over 1 MiB", build(heifOpts{payload: heifPayload(append(phoneTIFF(be, "2024:03:05 14:30:00", ""), make([]byte, maxEXIFBytes)...))}), TypeHEIC, CodeEXIFTooLarge},
		{"meta over the limit", build(heifOpts{payload: good, metaExtra: [][]byte{bigMeta}}), TypeHEIC, CodeImageCorrupt},
		{"cut inside meta", build(heifOpts{payload: good})[:200], TypeHEIC, CodeImageCorrupt},
		{"ftyp only", hBox("ftyp", []byte("heic"), hU32(0)), TypeHEIC, CodeImageCorrupt},
		{"empty", nil, TypeHEIC, CodeImageCorrupt},
		{"no ftyp first", append(hFull("meta", 0, 0), build(heifOpts{payload: good})...), TypeHEIC, CodeImageCorrupt},
		{"handler not pict", build(heifOpts{payload: good, handler: "vide"}), TypeHEIC, CodeImageCorrupt},
		{"box shorter than its header", patch(heifOpts{payload: good}, func(f []byte, _ int) []byte {
			i := bytes.Index(f, []byte("pitm"))
			be.PutUint32(f[i-4:], 3)
			return f
		}), TypeHEIC, CodeImageCorrupt},
		{"child overruns meta", patch(heifOpts{payload: good}, func(f []byte, _ int) []byte {
			i := bytes.Index(f, []byte("hdlr"))
			be.PutUint32(f[i-4:], 1<<20)
			return f
		}), TypeHEIC, CodeImageCorrupt},
		{"top-level box with 64-bit size past EOF", append(hBox("ftyp", []byte("heic"), hU32(0)), 0, 0, 0, 1, 'f', 'r', 'e', 'e', 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), TypeHEIC, CodeImageCorrupt},
	}
	// iloc claims 1e6 items: rewrite the count of an empty v2 iloc.
	for i := range tests {
		if tests[i].name == "iloc claims 1e6 items" {
			f := tests[i].file
			j := bytes.Index(f, []byte("iloc"))
			be.PutUint32(f[j+4+4+2:], 1_000_000)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			info, err := readImageEXIF(tc.file, tc.typ)
			runtime.ReadMemStats(&after)
			t.Log(err)
			checkFormatErr(t, info, err, tc.code)
			if d := after.TotalAlloc - before.TotalAlloc; d > 16<<20 {
				t.Errorf("allocated %d MiB", d>>20)
			}
		})
	}
}

// TestReadImageEXIFHEIFPrefixes cuts a valid file at every length: each cut
// either still yields the full result (the cut is past the EXIF item) or a
// *FormatError, never a wrong time or a panic.
func TestReadImageEXIFHEIFPrefixes(t *testing.T) {
	for _, o := range []heifOpts{
		{payload: heifPayload(phoneTIFF(binary.BigEndian, "2024:03:05 14:30:00", "+08:00"))},
		{ilocVer: 1, idat: true, payload: heifPayload(phoneTIFF(binary.BigEndian, "2024:03:05 14:30:00", "+08:00"))},
	} {
		file, _ := buildHEIF(o)
		file = append(file, hBox("free", make([]byte, 64))...)
		want := time.Date(2024, 3, 5, 6, 30, 0, 0, time.UTC)
		ok := 0
		for n := range len(file) + 1 {
			info, err := readImageEXIF(file[:n], TypeHEIC)
			if err != nil {
				var fe *FormatError
				if !errors.As(err, &fe) || info != nil {
					t.Fatalf("cut at %d: %v", n, err)
				}
				continue
			}
			if info == nil || !info.Time.Equal(want) {
				t.Fatalf("cut at %d: info %+v", n, info)
			}
			ok++
		}
		if ok < 64 {
			t.Errorf("only %d cuts read; every cut in the trailing box should", ok)
		}
	}
}

// TestReadImageEXIFHEIFNeverReadsImageData puts 8 GiB of coded image data
// after meta and the EXIF item: only the header and the item are read.
func TestReadImageEXIFHEIFNeverReadsImageData(t *testing.T) {
	const gap = 8 << 30
	file, at := buildHEIF(heifOpts{payload: heifPayload(phoneTIFF(binary.BigEndian, "2024:03:05 14:30:00", "+08:00"))})
	// Cut the generated mdat after the EXIF item and let it claim the gap.
	head := file[:at+len(heifPayload(phoneTIFF(binary.BigEndian, "2024:03:05 14:30:00", "+08:00")))]
	f := &sparseFile{t: t, head: head, gap: gap}
	m := bytes.LastIndex(head, []byte("mdat"))
	binary.BigEndian.PutUint32(head[m-4:], 0) // mdat to the end of the file
	info, err := ReadImageEXIF(f, -1, TypeHEIC)
	if err != nil || info == nil || info.Time.IsZero() {
		t.Fatalf("info %+v, err %v", info, err)
	}
	if f.read > int64(len(head))+SniffLen {
		t.Errorf("read %d bytes", f.read)
	}
}

func TestReadImageEXIFIOError(t *testing.T) {
	file, _ := buildHEIF(heifOpts{payload: heifPayload(phoneTIFF(binary.BigEndian, "2024:03:05 14:30:00", ""))})
	webpFile := riffWebP(vp8x(vp8xEXIF), riffChunk("VP8L", vp8l1x1(red)), riffChunk("EXIF", phoneTIFF(binary.BigEndian, "2024:03:05 14:30:00", "")))
	for _, c := range []struct {
		file []byte
		typ  Type
		at   int64
	}{{file, TypeHEIC, 40}, {file, TypeHEIC, int64(len(file) - 10)}, {webpFile, TypeWebP, 20}} {
		_, err := ReadImageEXIF(&failingReader{bytes.NewReader(c.file), c.at}, int64(len(c.file)), c.typ)
		var fe *FormatError
		if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "disk on fire") || !strings.HasPrefix(err.Error(), "read ") {
			t.Errorf("%s cut at %d: err = %v, want the wrapped IO error", c.typ, c.at, err)
		}
	}
}

func TestHEICSize(t *testing.T) {
	for _, c := range []struct {
		name string
		o    heifOpts
	}{
		{"ipma v0", heifOpts{}},
		{"ipma v1 16-bit indices", heifOpts{ipmaWide: true}},
		{"with exif in idat", heifOpts{ilocVer: 1, idat: true, payload: heifPayload(phoneTIFF(binary.BigEndian, "2024:03:05 14:30:00", ""))}},
	} {
		t.Run(c.name, func(t *testing.T) {
			file, _ := buildHEIF(c.o)
			w, h, err := HEICSize(bytes.NewReader(file), -1)
			if err != nil || w != 4032 || h != 3024 {
				t.Fatalf("HEICSize = %d×%d, %v; want 4032×3024 (the primary item's ispe, not the thumbnail's)", w, h, err)
			}
		})
	}
	noIspe, _ := buildHEIF(heifOpts{})
	i := bytes.Index(noIspe, []byte("ipma"))
	// ipma v0 after its type: version/flags (4), count (4), item 3 → prop 3
	// (2+1+1), item 1 → prop 2 (2+1+1). Point item 1 at hvcC instead.
	if noIspe[i+4+4+4+4+3] != 0x82 {
		t.Fatalf("ipma layout: % x", noIspe[i:i+24])
	}
	noIspe[i+4+4+4+4+3] = 0x81
	noPitm, _ := buildHEIF(heifOpts{noPitm: true})
	for name, file := range map[string][]byte{
		"no ispe for primary": noIspe,
		"no pitm":             noPitm,
		"not heif":            []byte("RIFF\x00\x00\x00\x00WEBP"),
		"cut":                 noPitm[:60],
	} {
		t.Run(name, func(t *testing.T) {
			w, h, err := HEICSize(bytes.NewReader(file), int64(len(file)))
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Code != CodeImageCorrupt || w != 0 || h != 0 || !hasHan(fe.Zh) {
				t.Fatalf("HEICSize = %d×%d, %v; want a image-corrupt FormatError", w, h, err)
			}
		})
	}
}

func TestReadImageEXIFWebP(t *testing.T) {
	be, le := binary.BigEndian, binary.LittleEndian
	lossless := riffChunk("VP8L", vp8l1x1(red))
	// The hand-made VP8L stream must be a real image.
	for name, file := range map[string][]byte{
		"simple":   riffWebP(lossless),
		"extended": riffWebP(vp8x(vp8xEXIF|vp8xAlpha), lossless, riffChunk("EXIF", phoneTIFF(be, "2024:03:05 14:30:00", "+08:00"))),
	} {
		img, err := webp.Decode(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("%s: generated WebP does not decode: %v", name, err)
		}
		if got := color.NRGBAModel.Convert(img.At(0, 0)); got != red || img.Bounds().Dx() != 1 {
			t.Fatalf("%s: pixel %v, bounds %v", name, got, img.Bounds())
		}
	}
	want := time.Date(2024, 3, 5, 6, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		file   []byte
		noEXIF bool
	}{
		{"EXIF chunk raw TIFF", riffWebP(vp8x(vp8xEXIF), lossless, riffChunk("EXIF", phoneTIFF(be, "2024:03:05 14:30:00", "+08:00"))), false},
		{"EXIF chunk with Exif prefix", riffWebP(vp8x(vp8xEXIF), lossless, riffChunk("EXIF", append([]byte("Exif\x00\x00"), phoneTIFF(le, "2024:03:05 14:30:00", "+08:00")...))), false},
		{"after odd-sized chunks", riffWebP(vp8x(vp8xEXIF), riffChunk("ICCP", []byte{1, 2, 3}), lossless, riffChunk("XYZW", []byte{9}), riffChunk("EXIF", phoneTIFF(be, "2024:03:05 14:30:00", "+08:00"))), false},
		{"odd-sized EXIF chunk last", riffWebP(vp8x(vp8xEXIF), lossless, riffChunk("EXIF", append(phoneTIFF(be, "2024:03:05 14:30:00", "+08:00"), 0))), false},
		{"simple format", riffWebP(lossless), true},
		{"extended without EXIF", riffWebP(vp8x(vp8xAlpha), lossless), true},
		{"trailing bytes after RIFF", append(riffWebP(lossless), "junk!"...), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := readImageEXIF(tc.file, TypeWebP)
			if err != nil {
				t.Fatal(err)
			}
			if tc.noEXIF {
				if info != nil {
					t.Fatalf("info = %+v, want none", info)
				}
				return
			}
			if info == nil || !info.Time.Equal(want) || !info.HasOffset || info.Make != "Apple" || info.Orientation != 6 {
				t.Fatalf("info = %+v", info)
			}
		})
	}
}

func TestReadImageEXIFWebPMalformed(t *testing.T) {
	be := binary.BigEndian
	lossless := riffChunk("VP8L", vp8l1x1(red))
	tiff := phoneTIFF(be, "2024:03:05 14:30:00", "+08:00")
	good := riffWebP(vp8x(vp8xEXIF), lossless, riffChunk("EXIF", tiff))
	overlong := append([]byte{}, good...)
	binary.LittleEndian.PutUint32(overlong[bytes.LastIndex(overlong, []byte("EXIF"))+4:], 1<<30)
	var many [][]byte
	for range maxWebPChunks + 1 {
		many = append(many, riffChunk("ANMF", nil))
	}
	overflow := buildTIFF(be, []tiffEntry{{tag: 0x0112, typ: 4, count: 0x40000001, val: []byte{0, 0, 0, 1}}}, nil)
	tests := []struct {
		name string
		file []byte
		code string
	}{
		{"chunk past RIFF end", overlong, CodeImageCorrupt},
		{"file cut short", good[:len(good)-10], CodeImageCorrupt},
		{"header only", good[:8], CodeImageCorrupt},
		{"not RIFF", []byte("RIFX\x00\x00\x00\x00WEBPxxxx"), CodeImageCorrupt},
		{"too many chunks", riffWebP(append(many, riffChunk("EXIF", tiff))...), CodeImageCorrupt},
		{"EXIF over 1 MiB", riffWebP(vp8x(vp8xEXIF), lossless, riffChunk("EXIF", append(tiff, make([]byte, maxEXIFBytes)...))), CodeEXIFTooLarge},
		{"EXIF not TIFF", riffWebP(vp8x(vp8xEXIF), lossless, riffChunk("EXIF", []byte("garbage!"))), CodeEXIFInvalid},
		{"overflowing EXIF count", riffWebP(vp8x(vp8xEXIF), lossless, riffChunk("EXIF", overflow)), CodeEXIFInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := readImageEXIF(tc.file, TypeWebP)
			t.Log(err)
			checkFormatErr(t, info, err, tc.code)
		})
	}
}

func TestReadImageEXIFDelegates(t *testing.T) {
	tiff := phoneTIFF(binary.BigEndian, "2024:03:05 14:30:00", "+08:00")
	jpg := jpegWithEXIF(t, tiff)
	r := bytes.NewReader(jpg)
	if _, err := r.Seek(100, 0); err != nil { // ReadImageEXIF rewinds
		t.Fatal(err)
	}
	info, err := ReadImageEXIF(r, int64(len(jpg)), TypeJPEG)
	if err != nil || info == nil || info.Make != "Apple" {
		t.Fatalf("jpeg: %+v, %v", info, err)
	}
	info, err = readImageEXIF(pngWithEXIF(t, tiff), TypePNG)
	if err != nil || info == nil || info.Model != "iPhone 15 Pro" {
		t.Fatalf("png: %+v, %v", info, err)
	}
}

// TestReadImageEXIFSample reads the shared HEIF sample. What it holds was
// found with exiftool 12.57 (`exiftool -a -G1 -s samplefilehub.heif` and
// `exiftool -v3`): an Exif item (iloc v0, 4-byte offsets, payload starting
// 00 00 00 06 "Exif\0\0" MM) with IFD0 Orientation = 1 and no date tag at
// all, and ImageSpatialExtent 640x426 for primary item 1.
func TestReadImageEXIFSample(t *testing.T) {
	path := filepath.Join(samplesDir(t, "exif"), "ianare", "samplefilehub.heif")
	f, err := os.Open(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	info, err := ReadImageEXIF(f, st.Size(), TypeHEIC)
	if err != nil {
		t.Fatal(err)
	}
	if info == nil {
		t.Fatal("EXIF item not found")
	}
	if !info.Time.IsZero() || info.TimeTag != "" || info.Orientation != 1 {
		t.Errorf("info = %+v, want orientation 1 and no time", info)
	}
	w, h, err := HEICSize(f, -1)
	if err != nil || w != 640 || h != 426 {
		t.Errorf("HEICSize = %d×%d, %v; want 640×426", w, h, err)
	}
}

func FuzzReadImageEXIF(f *testing.F) {
	be, le := binary.BigEndian, binary.LittleEndian
	tiff := phoneTIFF(be, "2024:03:05 14:30:00", "+08:00")
	for _, o := range []heifOpts{
		{payload: heifPayload(tiff)},
		{ilocVer: 1, idat: true, split: true, payload: heifPayload(phoneTIFF(le, "2024:03:05 14:30:00", ""))},
		{ilocVer: 2, wide: true, infeVer: 3, exifID: 70000, ipmaWide: true, payload: heifPayload(tiff)},
		{major: "avif", zeroLen: true, mdatSize0: true, payload: heifPayload(tiff)},
	} {
		file, _ := buildHEIF(o)
		f.Add(file, uint8(0))
		f.Add(file, uint8(2))
	}
	// Hostile seeds: an EXIF count that overflows, and a cut file.
	overflow := buildTIFF(be, []tiffEntry{{tag: 0x0112, typ: 4, count: 0x40000001, val: []byte{0, 0, 0, 1}}}, nil)
	hostile, at := buildHEIF(heifOpts{ilocVer: 1, payload: heifPayload(overflow)})
	f.Add(hostile, uint8(0))
	f.Add(hostile[:at+8], uint8(0))
	lossless := riffChunk("VP8L", vp8l1x1(red))
	f.Add(riffWebP(vp8x(vp8xEXIF), riffChunk("ICCP", []byte{1, 2, 3}), lossless, riffChunk("EXIF", append([]byte("Exif\x00\x00"), tiff...))), uint8(1))
	f.Add(riffWebP(lossless), uint8(1))
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "samples", "exif", "ianare", "samplefilehub.heif")); err == nil {
		f.Add(b, uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		typ := []Type{TypeHEIC, TypeWebP, TypeOther, TypeJPEG}[int(kind)%4]
		info, err := readImageEXIF(data, typ)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not *FormatError: %v", err)
			}
			if info != nil {
				t.Fatal("both a result and an error")
			}
			if fe.Zh == "" || !strings.HasPrefix(fe.Msg, "read ") {
				t.Fatalf("messages %q / %q", fe.Msg, fe.Zh)
			}
		}
		if info != nil {
			if info.Orientation < 0 || info.Orientation > 8 {
				t.Fatalf("orientation %d", info.Orientation)
			}
			if !info.Time.IsZero() && (info.TimeTag == "" || info.Time.Year() < 1969 || info.Time.Year() > 2101) {
				t.Fatalf("time %v (%q)", info.Time, info.TimeTag)
			}
		}
		w, h, err := HEICSize(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || w != 0 || h != 0 {
				t.Fatalf("HEICSize = %d×%d, %v", w, h, err)
			}
		} else if w <= 0 || h <= 0 {
			t.Fatalf("HEICSize = %d×%d without error", w, h)
		}
	})
}
