package evidence

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// samplesDir returns the shared sample folder, skipping the test when it is
// absent (failing instead under CI=true).
func samplesDir(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "samples", sub)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("samples missing under CI: %v", err)
		}
		t.Skipf("samples not present: %v", err)
	}
	return dir
}

// tiffEntry is one IFD entry of a generated TIFF block.
type tiffEntry struct {
	tag   uint16
	typ   uint16
	count uint32 // 0: derived from val
	val   []byte // raw value bytes in the block's byte order
}

func asciiEntry(tag uint16, s string) tiffEntry {
	return tiffEntry{tag: tag, typ: 2, val: append([]byte(s), 0)}
}

func shortEntry(order binary.ByteOrder, tag, v uint16) tiffEntry {
	b := make([]byte, 2)
	order.PutUint16(b, v)
	return tiffEntry{tag: tag, typ: 3, val: b}
}

// buildTIFF writes IFD0 with ifd0 entries and, when exifEntries is not nil,
// an Exif sub-IFD. Values longer than 4 bytes go after the IFDs.
func buildTIFF(order binary.ByteOrder, ifd0, exifEntries []tiffEntry) []byte {
	var hdr []byte
	if order == binary.LittleEndian {
		hdr = []byte("II*\x00")
	} else {
		hdr = []byte("MM\x00*")
	}
	if exifEntries != nil {
		ifd0 = append(ifd0, tiffEntry{tag: tagExifIFD, typ: 4, count: 1, val: make([]byte, 4)})
	}
	ifdSize := func(n int) int { return 2 + 12*n + 4 }
	ifd0Off := 8
	exifOff := ifd0Off + ifdSize(len(ifd0))
	dataOff := exifOff
	if exifEntries != nil {
		dataOff += ifdSize(len(exifEntries))
		order.PutUint32(ifd0[len(ifd0)-1].val, uint32(exifOff))
	}
	buf := make([]byte, dataOff)
	copy(buf, hdr)
	order.PutUint32(buf[4:], uint32(ifd0Off))
	writeIFD := func(off int, es []tiffEntry) {
		order.PutUint16(buf[off:], uint16(len(es)))
		for i, e := range es {
			p := off + 2 + 12*i
			count := e.count
			if count == 0 {
				count = uint32(len(e.val)) / uint32(tiffTypeSize(e.typ))
			}
			order.PutUint16(buf[p:], e.tag)
			order.PutUint16(buf[p+2:], e.typ)
			order.PutUint32(buf[p+4:], count)
			if len(e.val) <= 4 {
				copy(buf[p+8:p+12], e.val)
			} else {
				order.PutUint32(buf[p+8:], uint32(len(buf)))
				buf = append(buf, e.val...)
			}
		}
	}
	writeIFD(ifd0Off, ifd0)
	if exifEntries != nil {
		writeIFD(exifOff, exifEntries)
	}
	return buf
}

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 16, 8))
	for x := range 16 {
		for y := range 8 {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 32), 128, 255})
		}
	}
	return img
}

func plainJPEG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func plainPNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegWithEXIF inserts an APP1 Exif segment right after SOI.
func jpegWithEXIF(t testing.TB, tiff []byte) []byte {
	j := plainJPEG(t)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+6+len(tiff)))
	seg = append(seg, "Exif\x00\x00"...)
	seg = append(seg, tiff...)
	return append(append(append([]byte{}, j[:2]...), seg...), j[2:]...)
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngWithEXIF inserts an eXIf chunk right after IHDR.
func pngWithEXIF(t testing.TB, tiff []byte) []byte {
	p := plainPNG(t)
	const afterIHDR = 8 + 8 + 13 + 4
	out := append([]byte{}, p[:afterIHDR]...)
	out = append(out, pngChunk("eXIf", tiff)...)
	return append(out, p[afterIHDR:]...)
}

func TestReadEXIFGenerated(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name      string
		file      []byte
		typ       Type
		wantTime  time.Time
		wantTag   string
		hasOffset bool
		orient    int
		make      string
		model     string
		software  string
	}{
		{
			name: "jpeg DateTimeOriginal with +08:00",
			file: jpegWithEXIF(t, buildTIFF(be,
				[]tiffEntry{asciiEntry(0x010F, "Xiaomi"), asciiEntry(0x0110, "23127PN0CC"), shortEntry(be, 0x0112, 1)},
				[]tiffEntry{asciiEntry(0x9003, "2024:03:05 14:30:00"), asciiEntry(tagOffsetTimeOrig, "+08:00")})),
			typ: TypeJPEG, wantTime: utc("2024-03-05T06:30:00Z"), wantTag: "DateTimeOriginal", hasOffset: true,
			orient: 1, make: "Xiaomi", model: "23127PN0CC",
		},
		{
			name: "jpeg offset -07:00 little endian",
			file: jpegWithEXIF(t, buildTIFF(le, nil,
				[]tiffEntry{asciiEntry(0x9003, "2023:12:31 23:59:59"), asciiEntry(tagOffsetTimeOrig, "-07:00")})),
			typ: TypeJPEG, wantTime: utc("2024-01-01T06:59:59Z"), wantTag: "DateTimeOriginal", hasOffset: true,
		},
		{
			name: "no offset means UTC+8",
			file: jpegWithEXIF(t, buildTIFF(le, nil, []tiffEntry{asciiEntry(0x9003, "2024:03:05 14:30:00")})),
			typ:  TypeJPEG, wantTime: utc("2024-03-05T06:30:00Z"), wantTag: "DateTimeOriginal",
		},
		{
			name: "offset of another tag is not used",
			file: jpegWithEXIF(t, buildTIFF(le, nil, []tiffEntry{asciiEntry(0x9003, "2024:03:05 14:30:00"), asciiEntry(tagOffsetTime, "+00:00")})),
			typ:  TypeJPEG, wantTime: utc("2024-03-05T06:30:00Z"), wantTag: "DateTimeOriginal",
		},
		{
			name: "fallback to DateTime",
			file: jpegWithEXIF(t, buildTIFF(le, []tiffEntry{asciiEntry(0x0132, "2020:02:29 08:00:00")}, nil)),
			typ:  TypeJPEG, wantTime: utc("2020-02-29T00:00:00Z"), wantTag: "DateTime",
		},
		{
			name: "impossible DateTimeOriginal falls back to DateTimeDigitized",
			file: jpegWithEXIF(t, buildTIFF(le, nil, []tiffEntry{
				asciiEntry(0x9003, "2024:13:05 14:30:00"), asciiEntry(0x9004, "2024:02:05 10:00:00"), asciiEntry(tagOffsetTimeDigitz, "+09:00")})),
			typ: TypeJPEG, wantTime: utc("2024-02-05T01:00:00Z"), wantTag: "DateTimeDigitized", hasOffset: true,
		},
		{
			name: "zero placeholder date gives no time",
			file: jpegWithEXIF(t, buildTIFF(le, []tiffEntry{shortEntry(le, 0x0112, 8)}, []tiffEntry{asciiEntry(0x9003, "0000:00:00 00:00:00")})),
			typ:  TypeJPEG, orient: 8,
		},
		{
			name: "png eXIf chunk as written by AOSP",
			file: pngWithEXIF(t, buildTIFF(be,
				[]tiffEntry{asciiEntry(0x0131, "Android UP1A.231005.007"), shortEntry(be, 0x0112, 6)},
				[]tiffEntry{asciiEntry(0x9003, "2025:10:28 19:07:16"), asciiEntry(tagOffsetTimeOrig, "+08:00")})),
			typ: TypePNG, wantTime: utc("2025-10-28T11:07:16Z"), wantTag: "DateTimeOriginal", hasOffset: true,
			orient: 6, software: "Android UP1A.231005.007",
		},
		{
			name: "raw tiff with Exif prefix",
			file: append([]byte("Exif\x00\x00"), buildTIFF(le, nil, []tiffEntry{asciiEntry(0x9003, "2019:06:23 20:13:58")})...),
			typ:  TypeOther, wantTime: utc("2019-06-23T12:13:58Z"), wantTag: "DateTimeOriginal",
		},
		{
			name: "orientation out of range is dropped",
			file: jpegWithEXIF(t, buildTIFF(le, []tiffEntry{shortEntry(le, 0x0112, 9)}, nil)),
			typ:  TypeJPEG,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadEXIF(bytes.NewReader(tt.file), tt.typ)
			if err != nil {
				t.Fatalf("ReadEXIF: %v", err)
			}
			if got == nil {
				t.Fatal("ReadEXIF returned no EXIF")
			}
			if !got.Time.Equal(tt.wantTime) || got.TimeTag != tt.wantTag || got.HasOffset != tt.hasOffset {
				t.Errorf("time = %v %q offset=%v, want %v %q offset=%v", got.Time, got.TimeTag, got.HasOffset, tt.wantTime, tt.wantTag, tt.hasOffset)
			}
			if !got.Time.IsZero() {
				_, off := got.Time.Zone()
				if !tt.hasOffset && off != 8*3600 {
					t.Errorf("zone offset = %d, want UTC+8", off)
				}
			}
			if got.Orientation != tt.orient || got.Make != tt.make || got.Model != tt.model || got.Software != tt.software {
				t.Errorf("got orientation %d make %q model %q software %q", got.Orientation, got.Make, got.Model, got.Software)
			}
		})
	}
}

func TestReadEXIFAbsent(t *testing.T) {
	tests := []struct {
		name string
		file []byte
		typ  Type
	}{
		{"plain jpeg", plainJPEG(t), TypeJPEG},
		{"plain png", plainPNG(t), TypePNG},
		{"empty", nil, TypeEmpty},
		{"text", []byte("hello"), TypeText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadEXIF(bytes.NewReader(tt.file), tt.typ)
			if got != nil || err != nil {
				t.Fatalf("ReadEXIF = %+v, %v; want nil, nil", got, err)
			}
		})
	}
}

func TestReadEXIFMalformed(t *testing.T) {
	le := binary.LittleEndian
	// A LONG tag whose count×4 overflows uint32 to 4: goexif would allocate
	// ~8 GiB of int64s for it.
	overflow := buildTIFF(le, []tiffEntry{{tag: 0x0112, typ: 4, count: 0x40000001, val: []byte{1, 0, 0, 0}}}, nil)
	// Value beyond the data.
	beyond := buildTIFF(le, []tiffEntry{{tag: 0x010F, typ: 2, count: 100, val: []byte("abcdefgh")}}, nil)
	le.PutUint32(beyond[8+2+8:], 5000)
	// IFD0 → IFD1 → IFD0.
	loop := buildTIFF(le, []tiffEntry{shortEntry(le, 0x0112, 1)}, nil)
	ifd1 := len(loop)
	le.PutUint32(loop[8+2+12:], uint32(ifd1))
	loop = append(loop, 1, 0)
	loop = append(loop, shortEntryBytes(le, 0x0112, 1)...)
	loop = le.AppendUint32(loop, 8)
	// Many IFDs pointing at one large value: amplification.
	big := make([]byte, 60000)
	var many []tiffEntry
	for range 40 {
		many = append(many, tiffEntry{tag: 0x9286, typ: 1, val: big})
	}
	amplified := buildTIFF(le, many, nil)
	for i := range 40 { // point every entry at the first copy
		p := 8 + 2 + 12*i
		le.PutUint32(amplified[p+8:], le.Uint32(amplified[8+2+8:]))
	}
	amplified = amplified[:len(amplified)-39*60000]
	// A sub-IFD pointer into the void.
	badPtr := buildTIFF(le, []tiffEntry{{tag: tagExifIFD, typ: 4, val: le.AppendUint32(nil, 0x7fffffff)}}, nil)
	// Truncated APP1 segment.
	cut := jpegWithEXIF(t, buildTIFF(le, nil, []tiffEntry{asciiEntry(0x9003, "2024:03:05 14:30:00")}))[:40]

	tests := []struct {
		name string
		file []byte
		typ  Type
		code string
	}{
		{"count overflow", jpegWithEXIF(t, overflow), TypeJPEG, CodeEXIFInvalid},
		{"count overflow in png", pngWithEXIF(t, overflow), TypePNG, CodeEXIFInvalid},
		{"value beyond data", jpegWithEXIF(t, beyond), TypeJPEG, CodeEXIFInvalid},
		{"ifd loop", jpegWithEXIF(t, loop), TypeJPEG, CodeEXIFInvalid},
		{"value amplification", append([]byte("Exif\x00\x00"), amplified...), TypeOther, CodeEXIFInvalid},
		{"sub-IFD pointer out of range", jpegWithEXIF(t, badPtr), TypeJPEG, CodeEXIFInvalid},
		{"truncated segment", cut, TypeJPEG, CodeEXIFInvalid},
		{"bad byte order", jpegWithEXIF(t, []byte("XX*\x00\x08\x00\x00\x00")), TypeJPEG, CodeEXIFInvalid},
		{"huge eXIf chunk", append(plainPNG(t)[:33], 0x10, 0, 0, 0, 'e', 'X', 'I', 'f'), TypePNG, CodeEXIFTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadEXIF(bytes.NewReader(tt.file), tt.typ)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("ReadEXIF = %+v, %v; want *FormatError", got, err)
			}
			if fe.Code != tt.code || fe.Zh == "" {
				t.Errorf("code = %q zh = %q, want %q", fe.Code, fe.Zh, tt.code)
			}
		})
	}
}

func shortEntryBytes(order binary.AppendByteOrder, tag, v uint16) []byte {
	b := order.AppendUint16(nil, tag)
	b = order.AppendUint16(b, 3)
	b = order.AppendUint32(b, 1)
	b = order.AppendUint16(b, v)
	return append(b, 0, 0)
}

func TestReadEXIFSamples(t *testing.T) {
	dir := samplesDir(t, "exif")
	cst := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04:05", s, CST)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		file    string
		wantErr bool
		time    time.Time // zero: not checked
		orient  int       // -1: not checked
		model   string
	}{
		{file: "ianare/Canon_40D.jpg", time: cst("2008-05-30 15:56:01"), orient: 1, model: "Canon EOS 40D"},
		{file: "ianare/portrait_6.jpg", orient: 6},
		{file: "ianare/DSCN0010.jpg", orient: -1},
		{file: "ianare/BlueSquare.jpg", orient: -1},
		{file: "goexif/f1-exif.jpg", orient: 1},
		{file: "goexif/f6-exif.jpg", orient: 6},
		{file: "goexif/f8-exif.jpg", orient: 8},
		{file: "goexif/2099-08-12-19-59-29-sep-2099-08-12-19-59-29a.jpg", orient: -1, time: cst("2099-08-12 19:59:29")},
		{file: "goexif/raw.exif", orient: -1},
		{file: "goexif/geodegrees_as_string.jpg", orient: -1},
		{file: "goexif/2012-12-21-11-15-19-sep-IMG_0001.jpg", orient: -1, time: cst("2012-12-21 11:15:19")},
		{file: "goexif/FailedHash-NoDate-sep-remembory.jpg", orient: -1},
		{file: "goexif-corrupt/overflow-count-oom.jpg", wantErr: true},
		{file: "goexif-corrupt/huge_tag_exif.jpg", wantErr: true},
		{file: "goexif-corrupt/infinite_loop_exif.jpg", wantErr: true},
		{file: "goexif-corrupt/max_uint32_exif.jpg", wantErr: true},
		{file: "ianare-invalid/image01137.jpg", orient: -1},
		{file: "ianare-invalid/image01551.jpg", orient: -1},
		{file: "ianare-invalid/image02206.jpg", orient: -1},
		{file: "ianare/samplefilehub.heif", orient: -1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			typ, _ := Detect(data[:min(len(data), SniffLen)])
			got, err := ReadEXIF(bytes.NewReader(data), typ)
			t.Logf("%s: %+v, %v", typ, got, err)
			if tt.wantErr {
				var fe *FormatError
				if !errors.As(err, &fe) || fe.Code != CodeEXIFInvalid {
					t.Fatalf("err = %v, want *FormatError %s", err, CodeEXIFInvalid)
				}
				return
			}
			var fe *FormatError
			if err != nil && !errors.As(err, &fe) {
				t.Fatalf("err = %v, want nil or *FormatError", err)
			}
			if !tt.time.IsZero() {
				if got == nil || !got.Time.Equal(tt.time) || got.TimeTag != "DateTimeOriginal" {
					t.Errorf("time = %+v, want %v from DateTimeOriginal", got, tt.time)
				}
			}
			if tt.orient >= 0 && (got == nil || got.Orientation != tt.orient) {
				t.Errorf("orientation = %+v, want %d", got, tt.orient)
			}
			if tt.model != "" && (got == nil || got.Model != tt.model) {
				t.Errorf("model = %+v, want %q", got, tt.model)
			}
		})
	}
}

func FuzzReadEXIF(f *testing.F) {
	le, be := binary.LittleEndian, binary.BigEndian
	f.Add(jpegWithEXIF(f, buildTIFF(be, []tiffEntry{asciiEntry(0x010F, "Xiaomi"), shortEntry(be, 0x0112, 6)},
		[]tiffEntry{asciiEntry(0x9003, "2024:03:05 14:30:00"), asciiEntry(tagOffsetTimeOrig, "+08:00")})), uint8(0))
	f.Add(pngWithEXIF(f, buildTIFF(le, []tiffEntry{shortEntry(le, 0x0112, 3)}, []tiffEntry{asciiEntry(0x9003, "2024:03:05 14:30:00")})), uint8(1))
	f.Add(append([]byte("Exif\x00\x00"), buildTIFF(le, nil, []tiffEntry{asciiEntry(0x9004, "2024:03:05 14:30:00")})...), uint8(2))
	if dir := filepath.Join("..", "..", "..", "shared", "samples", "exif"); dirExists(dir) {
		for _, name := range []string{"goexif/f6-exif.jpg", "goexif/raw.exif", "ianare/Canon_40D.jpg", "goexif-corrupt/infinite_loop_exif.jpg"} {
			if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(b) < 64<<10 {
				f.Add(b, uint8(0))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		typ := []Type{TypeJPEG, TypePNG, TypeOther}[int(kind)%3]
		got, err := ReadEXIF(bytes.NewReader(data), typ)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not *FormatError: %v", err)
			}
			if got != nil {
				t.Fatal("both a result and an error")
			}
			return
		}
		if got == nil {
			return
		}
		if got.Orientation < 0 || got.Orientation > 8 {
			t.Fatalf("orientation %d", got.Orientation)
		}
		if !got.Time.IsZero() {
			if y := got.Time.Year(); y < 1969 || y > 2101 {
				t.Fatalf("year %d", y)
			}
			if got.TimeTag == "" {
				t.Fatal("time without tag")
			}
		}
		if len(got.Make) > 200 || len(got.Model) > 200 || len(got.Software) > 200 {
			t.Fatal("unbounded strings")
		}
	})
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// TestReadEXIFMemoryBound checks that hostile EXIF blocks cost at most a few
// MiB: the value budget must hold even when goexif would amplify them.
func TestReadEXIFMemoryBound(t *testing.T) {
	le := binary.LittleEndian
	// 1000 BYTE tags sharing one 900 KiB value: goexif would copy it and
	// expand it to int64s 1000 times (≈ 8 GiB).
	shared := make([]tiffEntry, 1000)
	for i := range shared {
		shared[i] = tiffEntry{tag: uint16(0x9000 + i), typ: 1, count: 900 << 10, val: []byte{0, 0, 0, 0}}
	}
	tiff := buildTIFF(le, shared, nil)
	valOff := len(tiff)
	for i := range shared {
		le.PutUint32(tiff[8+2+12*i+8:], uint32(valOff))
	}
	tiff = append(tiff, make([]byte, 900<<10)...)
	// Just under the budget: accepted, and must still be cheap.
	under := buildTIFF(le, []tiffEntry{{tag: 0x9286, typ: 1, val: make([]byte, 100<<10)}}, nil)
	inputs := map[string][]byte{
		"shared value":        append([]byte("Exif\x00\x00"), tiff...),
		"count overflow":      buildTIFF(le, []tiffEntry{{tag: 0x0112, typ: 4, count: 0x40000001, val: []byte{1, 0, 0, 0}}}, nil),
		"large but in budget": under,
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, _ = ReadEXIF(bytes.NewReader(in), TypeOther)
			runtime.ReadMemStats(&after)
			if d := after.TotalAlloc - before.TotalAlloc; d > 16<<20 {
				t.Fatalf("allocated %d MiB", d>>20)
			}
		})
	}
}
