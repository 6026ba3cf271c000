package evidence

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// --- MP4 builders: every test file is made here, byte by byte. ---

func mp4U32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func mp4U64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// mp4Box returns a box with a 32-bit size.
func mp4Box(typ string, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	return append(append(mp4U32(uint32(8+len(body))), typ...), body...)
}

// mp4FullBox returns a box with version and flags.
func mp4FullBox(typ string, version byte, parts ...[]byte) []byte {
	return mp4Box(typ, append([][]byte{{version, 0, 0, 0}}, parts...)...)
}

func mp4Ftyp(major string, compat ...string) []byte {
	return mp4Box("ftyp", []byte(major), mp4U32(0x200), []byte(strings.Join(compat, "")))
}

// since1904 converts a time to MP4 seconds since 1904-01-01 UTC, computed
// with the time package rather than a constant.
func since1904(t time.Time) uint64 {
	return uint64(t.Unix() - time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
}

// mp4Mvhd0 is a version-0 movie header (100-byte payload, as written by
// ffmpeg and iOS).
func mp4Mvhd0(created, timescale, duration uint32) []byte {
	return mp4FullBox("mvhd", 0, mp4U32(created), mp4U32(created), mp4U32(timescale), mp4U32(duration),
		mp4U32(0x10000), []byte{1, 0}, make([]byte, 10), make([]byte, 36), make([]byte, 24), mp4U32(3))
}

// mp4Mvhd1 is a version-1 movie header with 64-bit times (112-byte payload).
func mp4Mvhd1(created uint64, timescale uint32, duration uint64) []byte {
	return mp4FullBox("mvhd", 1, mp4U64(created), mp4U64(created), mp4U32(timescale), mp4U64(duration),
		mp4U32(0x10000), []byte{1, 0}, make([]byte, 10), make([]byte, 36), make([]byte, 24), mp4U32(3))
}

// mp4Tkhd is a track header; width and height are 16.16 fixed point.
func mp4Tkhd(version byte, w, h uint32) []byte {
	times := make([]byte, 20) // creation, modification, track id, reserved, duration
	if version == 1 {
		times = make([]byte, 32)
	}
	return mp4FullBox("tkhd", version, times, make([]byte, 8), make([]byte, 8), make([]byte, 36), mp4U32(w<<16), mp4U32(h<<16))
}

func mp4Hdlr(handler string) []byte {
	return mp4FullBox("hdlr", 0, mp4U32(0), []byte(handler), make([]byte, 12), []byte("Handler\x00"))
}

func mp4Trak(handler string, w, h uint32) []byte {
	return mp4Box("trak", mp4Tkhd(0, w, h), mp4Box("mdia", mp4FullBox("mdhd", 0, make([]byte, 20)), mp4Hdlr(handler)))
}

// mp4AppleMeta is an Apple metadata box: hdlr mdta, keys, ilst. iso makes
// it a full box (as in udta); otherwise it is QuickTime's plain container.
func mp4AppleMeta(iso bool, keys []string, values map[int]string, ilstFirst bool) []byte {
	var entries [][]byte
	for _, k := range keys {
		entries = append(entries, mp4U32(uint32(8+len(k))), []byte("mdta"), []byte(k))
	}
	keysBox := mp4FullBox("keys", 0, append([][]byte{mp4U32(uint32(len(keys)))}, entries...)...)
	var items [][]byte
	for i := 1; i <= len(keys); i++ {
		if v, ok := values[i]; ok {
			data := mp4Box("data", mp4U32(1), mp4U32(0), []byte(v))
			items = append(items, mp4Box(string(mp4U32(uint32(i))), data))
		}
	}
	ilst := mp4Box("ilst", items...)
	children := [][]byte{mp4Hdlr("mdta"), keysBox, ilst}
	if ilstFirst {
		children = [][]byte{mp4Hdlr("mdta"), ilst, keysBox}
	}
	if iso {
		return mp4FullBox("meta", 0, children...)
	}
	return mp4Box("meta", children...)
}

// mp4Large returns a box with a 64-bit largesize.
func mp4Large(typ string, body []byte) []byte {
	return append(append(append(mp4U32(1), typ...), mp4U64(uint64(16+len(body)))...), body...)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// mp4Movie is a plain phone recording: ftyp, mdat, moov with one video and
// one audio track.
func mp4Movie(mvhd []byte, extra ...[]byte) []byte {
	moov := mp4Box("moov", append([][]byte{mvhd, mp4Trak("vide", 1080, 2340), mp4Trak("soun", 0, 0)}, extra...)...)
	return cat(mp4Ftyp("isom", "isom", "iso2", "avc1", "mp41"), mp4Box("mdat", make([]byte, 100)), moov)
}

const appleKey = "com.apple.quicktime.creationdate"

func fixedZoneOffset(t time.Time) int { _, off := t.Zone(); return off }

// mp4Want lists the fields a case checks; nil pointers are not checked.
type mp4Want struct {
	duration   float64
	created    time.Time // compared with Equal; zero means CreatedSet false
	source     string
	offset     *int // seconds east of UTC of Created, when HasOffset
	video      bool
	audio      bool
	w, h       int
	quickTime  bool
	brand      string
	truncated  bool
	errCode    string // "" no error
	infoWithEr bool   // info expected alongside the error
}

func intp(v int) *int { return &v }

func TestReadMP4Generated(t *testing.T) {
	real := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
	v1time := time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)
	apple := time.Date(2019, 1, 12, 10, 1, 30, 0, time.UTC) // 21:01:30+11:00
	mvhd := mp4Mvhd0(uint32(since1904(real)), 600, 600*95)
	moovWith := func(parts ...[]byte) []byte { return mp4Box("moov", parts...) }
	tiny := bytes.Repeat(mp4Box("free"), 100_000)

	tests := []struct {
		name string
		data []byte
		want mp4Want
	}{
		{"v0 mvhd with a real creation time", mp4Movie(mvhd),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, video: true, audio: true, w: 1080, h: 2340, brand: "isom"}},
		{"v1 mvhd with 64-bit fields", mp4Movie(mp4Mvhd1(since1904(v1time), 90000, 90000*3600*3)),
			mp4Want{duration: 3 * 3600, created: v1time, source: CreatedFromMvhd, video: true, audio: true, w: 1080, h: 2340, brand: "isom"}},
		{"creation time 0 (1904) is unset", mp4Movie(mp4Mvhd0(0, 1000, 12345)),
			mp4Want{duration: 12.345, video: true, audio: true, w: 1080, h: 2340, brand: "isom"}},
		{"creation time 2082844800 (1970) is unset", mp4Movie(mp4Mvhd0(uint32(since1904(time.Unix(0, 0))), 1000, 1000)),
			mp4Want{duration: 1, video: true, audio: true, w: 1080, h: 2340, brand: "isom"}},
		{"v1 creation time 1970 is unset", mp4Movie(mp4Mvhd1(since1904(time.Unix(0, 0)), 1000, 1000)),
			mp4Want{duration: 1, video: true, audio: true, w: 1080, h: 2340, brand: "isom"}},
		{"duration all ones is unknown", mp4Movie(mp4Mvhd0(0, 1000, math.MaxUint32)),
			mp4Want{duration: 0, video: true, audio: true, w: 1080, h: 2340, brand: "isom"}},
		{"apple creationdate in moov/meta, QuickTime style, +1100",
			cat(mp4Ftyp("qt  ", "qt  "), moovWith(mvhd, mp4Trak("vide", 886, 1920), mp4Trak("soun", 0, 0),
				mp4AppleMeta(false, []string{"com.apple.quicktime.make", appleKey}, map[int]string{1: "Apple", 2: "2019-01-12T21:01:30+1100"}, false))),
			mp4Want{duration: 95, created: apple, source: CreatedFromApple, offset: intp(11 * 3600), video: true, audio: true, w: 886, h: 1920, quickTime: true, brand: "qt  "}},
		{"apple creationdate in udta/meta, ISO style, exif form",
			cat(mp4Ftyp("qt  ", "qt  "), moovWith(mvhd, mp4Trak("vide", 1, 1),
				mp4Box("udta", mp4AppleMeta(true, []string{appleKey}, map[int]string{1: "2019:01:12 21:01:30+11:00"}, false)))),
			mp4Want{duration: 95, created: apple, source: CreatedFromApple, offset: intp(11 * 3600), video: true, w: 1, h: 1, quickTime: true, brand: "qt  "}},
		{"apple creationdate with fraction and negative offset",
			cat(mp4Ftyp("qt  "), moovWith(mvhd,
				mp4AppleMeta(false, []string{appleKey}, map[int]string{1: "2019-01-12T21:01:30.500-0700"}, false))),
			mp4Want{duration: 95, created: time.Date(2019, 1, 13, 4, 1, 30, 5e8, time.UTC), source: CreatedFromApple, offset: intp(-7 * 3600), quickTime: true, brand: "qt  "}},
		{"apple creationdate in UTC (Z)",
			cat(mp4Ftyp("qt  "), moovWith(mvhd,
				mp4AppleMeta(false, []string{appleKey}, map[int]string{1: "2019-01-12T10:01:30Z"}, false))),
			mp4Want{duration: 95, created: apple, source: CreatedFromApple, offset: intp(0), quickTime: true, brand: "qt  "}},
		{"apple creationdate without offset reads as UTC+8",
			cat(mp4Ftyp("qt  "), moovWith(mvhd,
				mp4AppleMeta(false, []string{appleKey}, map[int]string{1: "2019-01-12T18:01:30"}, false))),
			mp4Want{duration: 95, created: apple, source: CreatedFromApple, quickTime: true, brand: "qt  "}},
		{"ilst before keys still resolves",
			cat(mp4Ftyp("qt  "), moovWith(mvhd,
				mp4AppleMeta(false, []string{"x.other", appleKey}, map[int]string{1: "junk", 2: "2019-01-12T21:01:30+11:00"}, true))),
			mp4Want{duration: 95, created: apple, source: CreatedFromApple, offset: intp(11 * 3600), quickTime: true, brand: "qt  "}},
		{"invalid apple date falls back to mvhd",
			cat(mp4Ftyp("qt  "), moovWith(mvhd,
				mp4AppleMeta(false, []string{appleKey}, map[int]string{1: "2019-02-30T21:01:30+11:00"}, false))),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, quickTime: true, brand: "qt  "}},
		{"other keys only (android version)",
			cat(mp4Ftyp("qt  "), moovWith(mvhd,
				mp4Box("udta", mp4AppleMeta(true, []string{"com.android.version"}, map[int]string{1: "2019-01-12T21:01:30+11:00"}, false)))),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, quickTime: true, brand: "qt  "}},
		{"audio-only M4A", cat(mp4Ftyp("M4A ", "M4A ", "mp42", "isom"), moovWith(mp4Mvhd0(0, 44100, 44100*60), mp4Trak("soun", 0, 0))),
			mp4Want{duration: 60, audio: true, brand: "M4A "}},
		{"3GP", cat(mp4Ftyp("3gp4", "isom", "3gp4"), moovWith(mp4Mvhd0(0, 1000, 2000), mp4Trak("soun", 0, 0), mp4Trak("vide", 176, 144))),
			mp4Want{duration: 2, audio: true, video: true, w: 176, h: 144, brand: "3gp4"}},
		{"old QuickTime without ftyp", cat(mp4Box("wide"), mp4Box("mdat", make([]byte, 10)), moovWith(mvhd)),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, quickTime: true}},
		{"tkhd version 1", cat(mp4Ftyp("isom"), moovWith(mvhd, mp4Box("trak", mp4Tkhd(1, 720, 1280), mp4Box("mdia", mp4Hdlr("vide"))))),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, video: true, w: 720, h: 1280, brand: "isom"}},
		{"64-bit largesize mdat before moov", cat(mp4Ftyp("isom"), mp4Large("mdat", make([]byte, 5000)), moovWith(mvhd)),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, brand: "isom"}},
		{"size-0 mdat runs to the end", cat(mp4Ftyp("isom"), moovWith(mvhd), mp4U32(0), []byte("mdat"), make([]byte, 300)),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, brand: "isom"}},
		{"cut inside mdat after moov", cat(mp4Ftyp("isom"), moovWith(mvhd), mp4U32(1<<20), []byte("mdat"), make([]byte, 300)),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, brand: "isom", truncated: true}},
		{"box claiming 2^62 bytes after moov", cat(mp4Ftyp("isom"), moovWith(mvhd), mp4U32(1), []byte("mdat"), mp4U64(1<<62), make([]byte, 64)),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, brand: "isom", truncated: true}},
		{"largesize of 2^64-1", cat(mp4Ftyp("isom"), moovWith(mvhd), mp4U32(1), []byte("mdat"), mp4U64(math.MaxUint64)),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, brand: "isom", truncated: true}},
		{"depth bomb of nested udta", cat(mp4Ftyp("isom"), moovWith(mvhd, nest("udta", 5000))),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, brand: "isom"}},
		{"depth bomb of nested moov", cat(mp4Ftyp("isom"), moovWith(mvhd, nest("moov", 5000))),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, brand: "isom"}},
		{"100,000 tiny boxes after moov", cat(mp4Ftyp("isom"), moovWith(mvhd), tiny),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, brand: "isom"}},
		{"quicktime terminator in udta", cat(mp4Ftyp("qt  "), moovWith(mvhd, mp4Box("udta", mp4Box("\xa9enc", []byte("x")), mp4U32(0)))),
			mp4Want{duration: 95, created: real, source: CreatedFromMvhd, quickTime: true, brand: "qt  "}},

		// Errors.
		{"100,000 tiny boxes before moov", cat(mp4Ftyp("isom"), tiny, moovWith(mvhd)),
			mp4Want{errCode: CodeMediaCorrupt}},
		{"cut inside mdat before moov", cat(mp4Ftyp("isom"), mp4U32(1<<20), []byte("mdat"), make([]byte, 300)),
			mp4Want{errCode: CodeMediaTruncated}},
		{"cut inside mvhd", cat(mp4Ftyp("isom"), mp4Box("moov", mvhd)[:30]),
			mp4Want{errCode: CodeMediaTruncated}},
		{"cut inside a box header", cat(mp4Ftyp("isom"), mp4Box("free"), []byte{0, 0, 0}),
			mp4Want{errCode: CodeMediaCorrupt}},
		{"interrupted recording: size-0 mdat, no moov", cat(mp4Ftyp("isom"), mp4U32(0), []byte("mdat"), make([]byte, 300)),
			mp4Want{errCode: CodeMediaCorrupt}},
		{"child claiming 2^62 bytes inside moov", cat(mp4Ftyp("isom"), moovWith(mp4U32(1), []byte("trak"), mp4U64(1<<62)), mp4Box("free")),
			mp4Want{errCode: CodeMediaCorrupt}},
		{"child overrunning moov after mvhd", cat(mp4Ftyp("isom"), moovWith(mvhd, mp4U32(500), []byte("trak")), make([]byte, 600)),
			mp4Want{errCode: CodeMediaCorrupt, infoWithEr: true, duration: 95, created: real, source: CreatedFromMvhd, brand: "isom"}},
		{"box smaller than its header", cat(mp4Ftyp("isom"), mp4U32(4), []byte("free"), moovWith(mvhd)),
			mp4Want{errCode: CodeMediaCorrupt}},
		{"mvhd version 2", cat(mp4Ftyp("isom"), moovWith(mp4FullBox("mvhd", 2, make([]byte, 96)))),
			mp4Want{errCode: CodeMediaCorrupt}},
		{"mvhd too short", cat(mp4Ftyp("isom"), moovWith(mp4FullBox("mvhd", 0, make([]byte, 8)))),
			mp4Want{errCode: CodeMediaCorrupt}},
		{"mvhd timescale zero", cat(mp4Ftyp("isom"), moovWith(mp4Mvhd0(0, 0, 100))),
			mp4Want{errCode: CodeMediaCorrupt, infoWithEr: true, brand: "isom"}},
		{"text file", []byte("hello, this is not a movie at all, just some text\n"),
			mp4Want{errCode: CodeMediaInvalid}},
		{"empty", nil, mp4Want{errCode: CodeMediaInvalid}},
		{"ftyp only", mp4Ftyp("isom"), mp4Want{errCode: CodeMediaCorrupt}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			info, err := ReadMP4(bytes.NewReader(tt.data), int64(len(tt.data)))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			checkMP4(t, info, err, tt.want)
		})
	}
}

// nest returns n boxes of typ, each inside the previous one.
func nest(typ string, n int) []byte {
	b := mp4Box(typ)
	for i := 1; i < n; i++ {
		b = mp4Box(typ, b)
	}
	return b
}

func checkMP4(t *testing.T, info *MP4Info, err error, want mp4Want) {
	t.Helper()
	if want.errCode != "" {
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Code != want.errCode {
			t.Fatalf("err = %v, want a FormatError %q", err, want.errCode)
		}
		if !strings.HasPrefix(fe.Msg, "read mp4: ") || !strings.Contains(fe.Zh, "视频文件") || !strings.Contains(fe.Zh, zhKept) {
			t.Errorf("messages %q / %q", fe.Msg, fe.Zh)
		}
		if !want.infoWithEr {
			if info != nil {
				t.Errorf("info = %+v, want nil with the error", info)
			}
			return
		}
		if info == nil {
			t.Fatal("info = nil, want the header read before the damage")
		}
		if strings.Contains(fe.Zh, "无法读取时长") {
			t.Errorf("Zh = %q claims no duration, but the header was read", fe.Zh)
		}
	} else if err != nil {
		t.Fatalf("err = %v", err)
	}
	if math.Abs(info.Duration-want.duration) > 1e-9 {
		t.Errorf("Duration = %v, want %v", info.Duration, want.duration)
	}
	if want.created.IsZero() {
		if info.CreatedSet || !info.Created.IsZero() || info.CreatedSource != "" {
			t.Errorf("Created = %v (%v, %q), want unset", info.Created, info.CreatedSet, info.CreatedSource)
		}
	} else if !info.CreatedSet || !info.Created.Equal(want.created) || info.CreatedSource != want.source {
		t.Errorf("Created = %v (%v, %q), want %v from %q", info.Created, info.CreatedSet, info.CreatedSource, want.created, want.source)
	}
	if info.HasOffset != (want.offset != nil) {
		t.Errorf("HasOffset = %v, want %v", info.HasOffset, want.offset != nil)
	} else if want.offset != nil && fixedZoneOffset(info.Created) != *want.offset {
		t.Errorf("offset = %d, want %d", fixedZoneOffset(info.Created), *want.offset)
	}
	if info.HasVideo != want.video || info.HasAudio != want.audio || info.AudioOnly() != (want.audio && !want.video) {
		t.Errorf("video/audio = %v/%v, want %v/%v", info.HasVideo, info.HasAudio, want.video, want.audio)
	}
	if info.Width != want.w || info.Height != want.h {
		t.Errorf("size = %d×%d, want %d×%d", info.Width, info.Height, want.w, want.h)
	}
	if info.QuickTime != want.quickTime || info.Brand != want.brand {
		t.Errorf("brand %q QuickTime %v, want %q %v", info.Brand, info.QuickTime, want.brand, want.quickTime)
	}
	if info.Truncated != want.truncated {
		t.Errorf("Truncated = %v, want %v", info.Truncated, want.truncated)
	}
}

func TestReadMP4Brands(t *testing.T) {
	data := cat(mp4Ftyp("M4A ", "M4A ", "\x00\x00\x00\x00", "mp42", "isom"), mp4Box("moov", mp4Mvhd0(0, 1, 1)))
	info, err := ReadMP4(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(info.Compatible, ","); got != "M4A ,mp42,isom" {
		t.Errorf("Compatible = %q", got)
	}
	// A second ftyp (as in go-mp4-sample_qt.mp4) and a second moov are ignored.
	data = cat(mp4Ftyp("qt  ", "qt  "), mp4Ftyp("isom"), mp4Box("moov", mp4Mvhd0(0, 1, 7)), mp4Box("moov", mp4Mvhd0(0, 1, 9)))
	info, err = ReadMP4(bytes.NewReader(data), int64(len(data)))
	if err != nil || info.Brand != "qt  " || !info.QuickTime || info.Duration != 7 {
		t.Errorf("info = %+v, err = %v", info, err)
	}
}

// sparseFile is a ReadSeeker over head, a gap of zeros that must never be
// read (the mdat payload), then tail; it fails the test on a read in the gap.
type sparseFile struct {
	t          *testing.T
	head, tail []byte
	gap        int64
	pos        int64
	read       int64
}

func (s *sparseFile) size() int64 { return int64(len(s.head)) + s.gap + int64(len(s.tail)) }

func (s *sparseFile) Read(p []byte) (int, error) {
	if s.pos >= s.size() {
		return 0, io.EOF
	}
	gapStart, gapEnd := int64(len(s.head)), int64(len(s.head))+s.gap
	var n int
	switch {
	case s.pos < gapStart:
		n = copy(p, s.head[s.pos:])
	case s.pos < gapEnd:
		s.t.Errorf("read at %d, inside the media payload [%d, %d)", s.pos, gapStart, gapEnd)
		return 0, errors.New("payload read")
	default:
		n = copy(p, s.tail[s.pos-gapEnd:])
	}
	s.pos += int64(n)
	s.read += int64(n)
	return n, nil
}

func (s *sparseFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += s.pos
	case io.SeekEnd:
		off += s.size()
	}
	if off < 0 {
		return 0, errors.New("negative seek")
	}
	s.pos = off
	return off, nil
}

func TestReadMP4NeverReadsPayload(t *testing.T) {
	const gap = 8 << 30 // an 8 GiB recording
	mvhd := mp4Mvhd0(0, 600, 600*3600)
	f := &sparseFile{t: t,
		head: cat(mp4Ftyp("isom"), mp4U32(1), []byte("mdat"), mp4U64(16+gap)),
		gap:  gap,
		tail: mp4Box("moov", mvhd, mp4Trak("vide", 1920, 1080)),
	}
	info, err := ReadMP4(f, -1) // size found by seeking
	if err != nil {
		t.Fatal(err)
	}
	if info.Duration != 3600 || !info.HasVideo || info.Truncated {
		t.Errorf("info = %+v", info)
	}
	if max := int64(len(f.head) + len(f.tail)); f.read > max {
		t.Errorf("read %d bytes, more than the %d outside the payload", f.read, max)
	}
}

func TestReadMP4IOError(t *testing.T) {
	data := mp4Movie(mp4Mvhd0(0, 1, 1))
	_, err := ReadMP4(&failingReader{bytes.NewReader(data), 50}, int64(len(data)))
	var fe *FormatError
	if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "disk on fire") || !strings.HasPrefix(err.Error(), "read mp4: ") {
		t.Fatalf("err = %v, want the wrapped IO error, not a FormatError", err)
	}
}

func TestReadMP4SizeLargerThanData(t *testing.T) {
	// The caller's size is believed for bounds, but running out of data is
	// truncation, not an IO failure.
	data := cat(mp4Ftyp("isom"), mp4Box("moov", mp4Mvhd0(0, 10, 50)), mp4U32(1000), []byte("mdat"))
	info, err := ReadMP4(bytes.NewReader(data), int64(len(data))+1000)
	if err != nil || !info.Truncated || info.Duration != 5 {
		t.Fatalf("info = %+v, err = %v", info, err)
	}
}

// TestReadMP4Samples reads the shared samples. Expected values were
// obtained independently with ffprobe 5.1 (Debian ffmpeg package):
//
//	ffprobe -v error -show_entries format=duration:format_tags:stream=codec_type,width,height -of compact FILE
//
// go-mp4-sample.mp4:    video 320×180, audio, format duration=1.024000
// go-mp4-sample_qt.mp4: video 424×240, audio, duration=596.458000,
// major_brand "qt  ", creation_time 1970-01-01T00:00:00Z (the placeholder).
// ffprobe also reports "partial file" for it: the file has no mdat and its
// chunk offsets point past the end. Its boxes themselves are whole, and
// ReadMP4 reads no sample tables, so Truncated stays false.
// exiftool 12.57 agrees (Duration 1.024 / 596.458, CreateDate 0000:00:00).
func TestReadMP4Samples(t *testing.T) {
	dir := samplesDir(t, "media")
	tests := []struct {
		file string
		want mp4Want
	}{
		{"go-mp4-sample.mp4", mp4Want{duration: 1.024, video: true, audio: true, w: 320, h: 180, brand: "isom"}},
		{"go-mp4-sample_qt.mp4", mp4Want{duration: 596.458, video: true, audio: true, w: 424, h: 240, brand: "qt  ", quickTime: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			info, err := ReadMP4(f, st.Size())
			checkMP4(t, info, err, tt.want)
		})
	}
}

func TestParseAppleDate(t *testing.T) {
	e11 := time.FixedZone("", 11*3600)
	tests := []struct {
		in     string
		want   time.Time
		offset bool
		ok     bool
	}{
		{"2019-01-12T21:01:30+1100", time.Date(2019, 1, 12, 21, 1, 30, 0, e11), true, true},
		{"2019-01-12T21:01:30+11:00", time.Date(2019, 1, 12, 21, 1, 30, 0, e11), true, true},
		{"2019:01:12 21:01:30+11:00", time.Date(2019, 1, 12, 21, 1, 30, 0, e11), true, true},
		{"2019-01-12T21:01:30+11", time.Date(2019, 1, 12, 21, 1, 30, 0, e11), true, true},
		{"2019-01-12 21:01:30 +0800\x00", time.Date(2019, 1, 12, 13, 1, 30, 0, time.UTC), true, true},
		{"2019-01-12T21:01:30.25Z", time.Date(2019, 1, 12, 21, 1, 30, 25e7, time.UTC), true, true},
		{"2019-01-12T21:01:30", time.Date(2019, 1, 12, 13, 1, 30, 0, time.UTC), false, true},
		{"2019-01-12T21:01:30+2500", time.Time{}, false, false},
		{"2019-13-12T21:01:30+0800", time.Time{}, false, false},
		{"2019-01-12T21:01:30.+0800", time.Time{}, false, false},
		{"2019-01-12", time.Time{}, false, false},
		{"0000:00:00 00:00:00", time.Time{}, false, false},
		{"2019-01:12T21:01:30Z", time.Time{}, false, false},
		{"2019-01-12T21:01:30 PST", time.Time{}, false, false},
	}
	for _, tt := range tests {
		got, off, ok := parseAppleDate(tt.in)
		if ok != tt.ok || off != tt.offset || (ok && !got.Equal(tt.want)) {
			t.Errorf("parseAppleDate(%q) = %v, %v, %v; want %v, %v, %v", tt.in, got, off, ok, tt.want, tt.offset, tt.ok)
		}
	}
}

func FuzzReadMP4(f *testing.F) {
	real := since1904(time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC))
	mvhd := mp4Mvhd0(uint32(real), 600, 600*95)
	f.Add(mp4Movie(mvhd))
	f.Add(mp4Movie(mp4Mvhd1(real, 1000, 1000)))
	f.Add(cat(mp4Ftyp("qt  ", "qt  "), mp4Box("moov", mvhd, mp4Trak("vide", 8, 8),
		mp4AppleMeta(false, []string{"com.apple.quicktime.make", appleKey}, map[int]string{1: "Apple", 2: "2019-01-12T21:01:30+1100"}, false),
		mp4Box("udta", mp4AppleMeta(true, []string{appleKey}, map[int]string{1: "2019:01:12 21:01:30+11:00"}, true)))))
	f.Add(cat(mp4Ftyp("isom"), mp4Large("mdat", make([]byte, 40)), mp4Box("moov", mvhd)))
	f.Add(cat(mp4Ftyp("isom"), mp4Box("moov", mvhd), mp4U32(0), []byte("mdat"), make([]byte, 30)))
	f.Add(cat(mp4Ftyp("isom"), mp4U32(1), []byte("mdat"), mp4U64(1<<62)))
	f.Add(cat(mp4Ftyp("isom"), mp4Box("moov", mvhd, nest("udta", 20))))
	f.Add([]byte("not a movie"))
	if dir := filepath.Join("..", "..", "..", "shared", "samples", "media"); dirExists(dir) {
		for _, name := range []string{"go-mp4-sample.mp4", "go-mp4-sample_qt.mp4"} {
			if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(b) < 1<<20 {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &countingReadSeeker{r: bytes.NewReader(data)}
		info, err := ReadMP4(r, int64(len(data)))
		var fe *FormatError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("err %v is not a *FormatError", err)
		}
		if err != nil && (fe.Code == "" || fe.Msg == "" || fe.Zh == "") {
			t.Fatalf("incomplete FormatError %#v", fe)
		}
		if info == nil && err == nil {
			t.Fatal("nil info without an error")
		}
		// Each byte is read at most twice (a meta box's first word is
		// peeked), so the walker never loops over the same data.
		if r.read > 2*int64(len(data))+16 {
			t.Fatalf("read %d bytes of a %d-byte file", r.read, len(data))
		}
		if info == nil {
			return
		}
		if info.Duration < 0 || math.IsNaN(info.Duration) || math.IsInf(info.Duration, 0) {
			t.Fatalf("Duration = %v", info.Duration)
		}
		if info.Width < 0 || info.Height < 0 || len(info.Compatible) > maxBrands {
			t.Fatalf("info = %+v", info)
		}
		if info.CreatedSet {
			if y := info.Created.Year(); y < 1970 || y > 2100 {
				t.Fatalf("Created = %v", info.Created)
			}
			if info.CreatedSource != CreatedFromMvhd && info.CreatedSource != CreatedFromApple {
				t.Fatalf("CreatedSource = %q", info.CreatedSource)
			}
		} else if !info.Created.IsZero() || info.HasOffset {
			t.Fatalf("unset Created = %v, HasOffset %v", info.Created, info.HasOffset)
		}
	})
}

type countingReadSeeker struct {
	r    io.ReadSeeker
	read int64
}

func (c *countingReadSeeker) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

func (c *countingReadSeeker) Seek(off int64, whence int) (int64, error) {
	return c.r.Seek(off, whence)
}

// --- Voice ---

func silkFile(wechat bool, lens []int, terminator bool) []byte {
	b := []byte("#!SILK_V3")
	if wechat {
		b = append([]byte{0x02}, b...)
	}
	for i, n := range lens {
		b = binary.LittleEndian.AppendUint16(b, uint16(n))
		b = append(b, bytes.Repeat([]byte{byte(i + 1)}, n)...)
	}
	if terminator {
		b = append(b, 0xFF, 0xFF)
	}
	return b
}

// AMR speech bits per frame type from RFC 4867 §3.6 / 3GPP TS 26.101 and
// TS 26.201 (last entry: SID). Payload bytes are the bits rounded up.
// Cross-checked once with ffprobe 5.1 -show_packets: its AMR demuxer split
// amrFile streams of every frame type into the same packets (sizes 13…32,
// SID 6, NO_DATA 1 for NB; 18…61, SID 6, 1 for WB), 20 ms each.
var (
	amrNBBits = []int{95, 103, 118, 134, 148, 159, 204, 244, 39}
	amrWBBits = []int{132, 177, 253, 285, 317, 365, 397, 461, 477, 40}
)

// amrFile writes frames of the given types; fill makes the padding bits of
// each header byte non-zero when set.
func amrFile(wb bool, types []int) []byte {
	b := []byte("#!AMR\n")
	bits := amrNBBits
	if wb {
		b, bits = []byte("#!AMR-WB\n"), amrWBBits
	}
	for _, ft := range types {
		b = append(b, byte(ft<<3)|0x04) // Q bit set: a good frame
		if ft < len(bits) {
			b = append(b, make([]byte, (bits[ft]+7)/8)...)
		}
	}
	return b
}

func TestReadVoice(t *testing.T) {
	allNB := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 15}
	allWB := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15}
	tests := []struct {
		name      string
		data      []byte
		t         Type
		codec     string
		frames    int
		truncated bool
		errCode   string
	}{
		{"wechat silk with terminator", silkFile(true, []int{30, 40, 0, 55}, true), TypeSILK, CodecSILKWeChat, 4, false, ""},
		{"qq silk to EOF", silkFile(false, []int{30, 40, 50}, false), TypeSILK, CodecSILKQQ, 3, false, ""},
		{"silk data after the terminator is ignored", append(silkFile(true, []int{10}, true), 0x05, 0x00, 1, 2), TypeSILK, CodecSILKWeChat, 1, false, ""},
		{"silk header only", silkFile(true, nil, false), TypeSILK, CodecSILKWeChat, 0, false, ""},
		{"silk cut inside a payload", silkFile(true, []int{30, 40, 50}, false)[:10+2+30+2+40+2+10], TypeSILK, CodecSILKWeChat, 2, true, ""},
		{"silk cut inside a length", silkFile(false, []int{30, 40}, false)[:9+2+30+2+40+1], TypeSILK, CodecSILKQQ, 2, true, ""},
		{"silk frame too long", silkFile(true, []int{30, 5000}, false), TypeSILK, "", 0, false, CodeMediaCorrupt},
		{"amr-nb every frame type", amrFile(false, allNB), TypeAMR, CodecAMRNB, len(allNB), false, ""},
		{"amr-nb 12.2 kbit/s one second", amrFile(false, repeatInt(7, 50)), TypeAMR, CodecAMRNB, 50, false, ""},
		{"amr-nb cut inside a frame", amrFile(false, []int{7, 7, 7})[:6+32*2+10], TypeAMR, CodecAMRNB, 2, true, ""},
		{"amr-nb reserved frame type", append(amrFile(false, []int{7, 7}), 12<<3, 1, 2, 3), TypeAMR, "", 0, false, CodeMediaCorrupt},
		{"amr-nb garbage", append([]byte("#!AMR\n"), 0x4c, 0x6f, 0x72, 0x65, 0x6d, 0x20, 0x69, 0x70, 0x73, 0x75, 0x6d), TypeAMR, "", 0, false, CodeMediaCorrupt},
		{"amr-wb every frame type", amrFile(true, allWB), TypeAMR, CodecAMRWB, len(allWB), false, ""},
		{"amr-wb cut inside a frame", amrFile(true, []int{8, 8})[:9+61+30], TypeAMR, CodecAMRWB, 1, true, ""},
		{"amr-wb reserved frame type", amrFile(true, []int{2, 10}), TypeAMR, "", 0, false, CodeMediaCorrupt},
		{"silk header read as amr", silkFile(true, []int{1}, false), TypeAMR, "", 0, false, CodeMediaInvalid},
		{"amr header read as silk", amrFile(false, []int{1}), TypeSILK, "", 0, false, CodeMediaInvalid},
		{"cut inside the header", []byte("#!SIL"), TypeSILK, "", 0, false, CodeMediaInvalid},
		{"empty", nil, TypeAMR, "", 0, false, CodeMediaInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := ReadVoice(bytes.NewReader(tt.data), tt.t)
			if tt.errCode != "" {
				var fe *FormatError
				if !errors.As(err, &fe) || fe.Code != tt.errCode || info != nil {
					t.Fatalf("info %+v, err = %v, want FormatError %q", info, err, tt.errCode)
				}
				if !strings.HasPrefix(fe.Msg, "read voice: ") || !strings.Contains(fe.Zh, "语音文件") || !strings.Contains(fe.Zh, zhKept) {
					t.Errorf("messages %q / %q", fe.Msg, fe.Zh)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := VoiceInfo{Codec: tt.codec, Frames: tt.frames, Duration: float64(tt.frames) / 50, Truncated: tt.truncated}
			if *info != want {
				t.Errorf("info = %+v, want %+v", *info, want)
			}
		})
	}
}

func repeatInt(v, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func TestReadVoiceNotVoice(t *testing.T) {
	_, err := ReadVoice(bytes.NewReader([]byte("#!AMR\n")), TypeMP4)
	var fe *FormatError
	if err == nil || errors.As(err, &fe) {
		t.Fatalf("err = %v, want a plain error", err)
	}
}

func TestReadVoiceIOError(t *testing.T) {
	data := amrFile(false, repeatInt(7, 100))
	_, err := ReadVoice(&failingReader{bytes.NewReader(data), 500}, TypeAMR)
	var fe *FormatError
	if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v, want the IO error", err)
	}
}

// frameStream generates an AMR-NB stream of n frames of type ft on the fly.
type frameStream struct {
	head  []byte
	frame []byte
	n     int
	cur   []byte
}

func (s *frameStream) Read(p []byte) (int, error) {
	if len(s.head) > 0 {
		k := copy(p, s.head)
		s.head = s.head[k:]
		return k, nil
	}
	if len(s.cur) == 0 {
		if s.n == 0 {
			return 0, io.EOF
		}
		s.n--
		s.cur = s.frame
	}
	k := copy(p, s.cur)
	s.cur = s.cur[k:]
	return k, nil
}

func TestReadVoiceStreams(t *testing.T) {
	// Two hours of AMR-NB 12.2 (about 11 MiB) without holding it.
	const frames = 2 * 3600 * 50
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	info, err := ReadVoice(&frameStream{head: []byte("#!AMR\n"), frame: amrFile(false, []int{7})[6:], n: frames}, TypeAMR)
	runtime.ReadMemStats(&after)
	if err != nil || info.Frames != frames || info.Duration != 7200 {
		t.Fatalf("info = %+v, err = %v", info, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("allocated %d bytes for a streamed file", alloc)
	}
}

func TestReadVoiceFrameCap(t *testing.T) {
	// NO_DATA frames are one byte each: a day of them is only 4 MiB.
	s := &frameStream{head: []byte("#!AMR\n"), frame: []byte{15 << 3}, n: maxVoiceFrames + 1}
	_, err := ReadVoice(s, TypeAMR)
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Code != CodeMediaCorrupt {
		t.Fatalf("err = %v, want media-corrupt for too many frames", err)
	}
	s = &frameStream{head: []byte("#!AMR\n"), frame: []byte{15 << 3}, n: maxVoiceFrames}
	if info, err := ReadVoice(s, TypeAMR); err != nil || info.Duration != 24*3600 {
		t.Fatalf("a day of frames: info %+v, err %v", info, err)
	}
}

func FuzzReadVoice(f *testing.F) {
	f.Add(silkFile(true, []int{30, 40, 0, 55}, true), true)
	f.Add(silkFile(false, []int{30, 40}, false)[:50], true)
	f.Add(amrFile(false, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 15}), false)
	f.Add(amrFile(true, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15}), false)
	f.Add(amrFile(false, []int{7, 7, 7})[:50], false)
	f.Add([]byte("#!AMR\n\xff\xff"), false)
	f.Fuzz(func(t *testing.T, data []byte, silk bool) {
		typ := TypeAMR
		if silk {
			typ = TypeSILK
		}
		info, err := ReadVoice(bytes.NewReader(data), typ)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || info != nil {
				t.Fatalf("info %+v, err %v: want nil and a *FormatError", info, err)
			}
			return
		}
		switch info.Codec {
		case CodecSILKWeChat, CodecSILKQQ, CodecAMRNB, CodecAMRWB:
		default:
			t.Fatalf("Codec = %q", info.Codec)
		}
		if info.Frames < 0 || info.Frames > len(data) {
			t.Fatalf("%d frames from %d bytes", info.Frames, len(data))
		}
		if d := info.Duration; d < 0 || math.IsNaN(d) || math.IsInf(d, 0) || math.Abs(d-float64(info.Frames)*0.02) > 1e-9 {
			t.Fatalf("Duration = %v for %d frames", d, info.Frames)
		}
	})
}

func ExampleReadVoice() {
	data := append([]byte("\x02#!SILK_V3"), 3, 0, 1, 2, 3, 0xFF, 0xFF)
	info, err := ReadVoice(bytes.NewReader(data), TypeSILK)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d frames, %.2f s\n", info.Codec, info.Frames, info.Duration)
	// Output: SILK v3 (微信): 1 frames, 0.02 s
}
