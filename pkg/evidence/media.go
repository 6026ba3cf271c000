package evidence

// Screen recordings (MP4, MOV, M4A, 3GP) and voice messages (SILK v3, AMR).
//
// Only metadata is read: the ISO base media box tree is walked by its
// headers, and the sample data (mdat) is always seeked over, never read.
// Voice files are streamed frame by frame and never loaded whole.
//
// HEIC: as of this writing there is no HEIC decoder that is at once pure Go,
// mature and usable here. github.com/gen2brain/h265 (MIT) claims a pure-Go
// HEVC/HEIC decoder but is only weeks old and not served by the module proxy
// this project builds from; the other Go HEIC packages wrap libheif/libde265
// (LGPL C) through cgo, purego or a WASM runtime. HEIC photos are therefore
// hashed and carried in the bag but not decoded; revisit when a pure-Go
// decoder has matured.

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Codes of FormatError for recordings and voice files.
const (
	CodeMediaTruncated = "media-truncated" // cut off before the metadata needed
	CodeMediaCorrupt   = "media-corrupt"   // structure damaged or hostile
	CodeMediaInvalid   = "media-invalid"   // not the claimed format at all
)

// Limits of the box walker.
const (
	maxBoxDepth   = 8      // nesting depth of boxes read
	maxBoxes      = 10_000 // box headers read in one file
	maxBrands     = 32     // compatible brands kept from ftyp
	maxKeysBytes  = 64 << 10
	maxMetaItems  = 64  // ilst items remembered per meta box
	maxMetaValue  = 128 // longest metadata string read
	mp4Epoch1970  = 2082844800
	mp4MaxUnixSec = 4102444800 // 2100-01-01 UTC: later creation times are junk
)

// Creation time sources of MP4Info.CreatedSource.
const (
	CreatedFromMvhd  = "mvhd"
	CreatedFromApple = "com.apple.quicktime.creationdate"
)

// MP4Info is what ReadMP4 learns from an ISO base media file.
type MP4Info struct {
	Brand      string   // ftyp major brand, e.g. "isom", "qt  ", "M4A ", "3gp4"; "" without ftyp
	Compatible []string // ftyp compatible brands
	QuickTime  bool     // a QuickTime movie (brand "qt  ", or an old file without ftyp)
	HasVideo   bool     // a track with handler "vide"
	HasAudio   bool     // a track with handler "soun"
	Duration   float64  // seconds, from mvhd; 0 when unknown

	// Created is the recording time: com.apple.quicktime.creationdate
	// (local time with its offset) when present and valid, else the mvhd
	// creation_time (UTC). CreatedSet is false when neither holds a real
	// time: mvhd values of 0 (1904-01-01) and 2082844800 (1970-01-01) are
	// placeholders, not times.
	Created       time.Time
	CreatedSet    bool
	CreatedSource string // CreatedFromApple or CreatedFromMvhd
	HasOffset     bool   // Created carries the recorder's UTC offset

	Width, Height int // of the first video track (tkhd), 0 when unknown

	// Truncated is set when boxes claim more bytes than the file has: the
	// file was cut off (in transfer, or the recording was interrupted).
	// The header fields above were still read.
	Truncated bool
}

// AudioOnly reports whether the file is a sound recording (M4A) rather
// than a video: it has an audio track and no video track.
func (m *MP4Info) AudioOnly() bool { return m.HasAudio && !m.HasVideo }

const zhNoDuration = "无法读取时长；" + zhKept

func mediaCorrupt(op, en, zh string) *FormatError {
	return &FormatError{
		Code: CodeMediaCorrupt,
		Msg:  op + ": file structure is damaged: " + en,
		Zh:   mediaNoun(op) + "文件结构损坏（" + zh + "），" + zhNoDuration,
	}
}

func mediaTruncated(op string, cause error) *FormatError {
	return &FormatError{
		Code: CodeMediaTruncated,
		Msg:  op + ": file is incomplete (probably cut off in transfer or while recording)",
		Zh:   mediaNoun(op) + "文件不完整（可能在传输或录制中被截断），" + zhNoDuration,
		Err:  cause,
	}
}

func mediaInvalid(op, en, zh string) *FormatError {
	return &FormatError{
		Code: CodeMediaInvalid,
		Msg:  op + ": " + en,
		Zh:   mediaNoun(op) + "文件格式无效（" + zh + "），" + zhNoDuration,
	}
}

func mediaNoun(op string) string {
	if op == opVoice {
		return "语音"
	}
	return "视频"
}

const (
	opMP4   = "read mp4"
	opVoice = "read voice"
)

// Internal sentinels that end a walk early.
var (
	errCut    = errors.New("unexpected end of file") // a read ran out of data
	errEnough = errors.New("box limit after moov")   // nothing more to learn
)

// ReadMP4 reads the metadata of an MP4, MOV, M4A or 3GP file of size bytes
// (a negative size is found by seeking to the end).
//
// A file that is cut off after its movie header gives a result with
// Truncated set and no error. A malformed or hostile file gives a
// *FormatError (CodeMediaTruncated, CodeMediaCorrupt or CodeMediaInvalid);
// when the movie header had already been read, the *MP4Info is returned
// with that error so its duration and time can still be used. IO failures
// are returned as they are, wrapped.
func ReadMP4(r io.ReadSeeker, size int64) (*MP4Info, error) {
	if size < 0 {
		n, err := r.Seek(0, io.SeekEnd)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", opMP4, err)
		}
		size = n
	}
	w := &mp4Walker{r: r, size: size}
	err := w.walk(0, size, math.MaxInt64, nil)
	switch {
	case errors.Is(err, errCut):
		w.info.Truncated, err = true, nil
	case errors.Is(err, errEnough):
		err = nil
	}
	var fe *FormatError
	switch {
	case errors.As(err, &fe):
		if w.mvhd {
			// The duration was read: say only that something is missing.
			fe.Zh = strings.Replace(fe.Zh, zhNoDuration, "部分信息可能缺失；"+zhKept, 1)
			w.finish()
			return &w.info, fe
		}
		return nil, fe
	case err != nil:
		return nil, fmt.Errorf("%s: %w", opMP4, err)
	case w.mvhd:
		w.finish()
		return &w.info, nil
	case !w.ftyp && !w.moov:
		return nil, mediaInvalid(opMP4, "no ftyp or moov box: not an MP4 or QuickTime file", "未找到 ftyp 或 moov 数据块，不是 MP4/MOV 文件")
	case w.info.Truncated:
		return nil, mediaTruncated(opMP4, io.ErrUnexpectedEOF)
	}
	return nil, mediaCorrupt(opMP4, "no movie header (moov/mvhd); the recording may have been interrupted",
		"缺少 moov/mvhd 索引，可能录制时被中断")
}

// mp4Walker holds the state of one ReadMP4 call.
type mp4Walker struct {
	r     io.ReadSeeker
	size  int64
	boxes int
	info  MP4Info

	ftyp, moov, mvhd bool
	moovDone         bool      // the first moov was read whole
	mvhdCreated      time.Time // zero when unset
	apple            time.Time // com.apple.quicktime.creationdate
	appleSet         bool
	appleOffset      bool

	track trackState
	meta  metaState

	buf [8 + 4*maxBrands]byte
}

type trackState struct {
	handler       string
	width, height int
}

type metaState struct {
	keyIndex uint32            // 1-based index of the creation date key, 0 if none
	values   map[uint32]string // ilst values by key index
}

// readAt reads len(p) bytes at off. Running out of data gives errCut.
func (w *mp4Walker) readAt(off int64, p []byte) error {
	if _, err := w.r.Seek(off, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.ReadFull(w.r, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errCut
		}
		return err
	}
	return nil
}

// payload reads up to max bytes of the box payload [start, end).
func (w *mp4Walker) payload(start, end int64, max int) ([]byte, error) {
	n := min(end-start, int64(max))
	var p []byte
	if n <= int64(len(w.buf)) {
		p = w.buf[:n]
	} else {
		p = make([]byte, n)
	}
	return p, w.readAt(start, p)
}

// walk reads the boxes in [start, end) inside a box of the given path;
// claimed is where the parent says it ends (beyond end when the file is
// cut off).
func (w *mp4Walker) walk(start, end, claimed int64, path []string) error {
	if len(path) > maxBoxDepth {
		return mediaCorrupt(opMP4, fmt.Sprintf("boxes nested deeper than %d levels", maxBoxDepth),
			fmt.Sprintf("数据块嵌套超过 %d 层", maxBoxDepth))
	}
	var hdr [16]byte
	for pos := start; end-pos >= 8; {
		w.boxes++
		if w.boxes > maxBoxes {
			if w.moovDone {
				// Past the movie: only looking for a cut-off file, and
				// long fragmented recordings have many moof/mdat pairs.
				return errEnough
			}
			return mediaCorrupt(opMP4, fmt.Sprintf("more than %d boxes", maxBoxes),
				fmt.Sprintf("数据块超过 %d 个", maxBoxes))
		}
		if err := w.readAt(pos, hdr[:8]); err != nil {
			return err
		}
		size := uint64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		hl := int64(8)
		switch size {
		case 1: // 64-bit largesize follows the type
			if end-pos < 16 {
				if claimed > end {
					return errCut
				}
				return mediaCorrupt(opMP4, fmt.Sprintf("box %q: 64-bit size cut short", typ),
					fmt.Sprintf("%q 数据块的长度字段不完整", typ))
			}
			if err := w.readAt(pos+8, hdr[8:16]); err != nil {
				return err
			}
			size, hl = binary.BigEndian.Uint64(hdr[8:16]), 16
		case 0: // to the end of the file (or of the parent)
			lim := claimed
			if len(path) == 0 {
				lim = w.size
			}
			size = uint64(lim - pos)
		}
		if size < uint64(hl) {
			return mediaCorrupt(opMP4, fmt.Sprintf("box %q declares %d bytes, less than its header", typ, size),
				fmt.Sprintf("%q 数据块声明的长度 %d 小于其头部", typ, size))
		}
		boxClaimed := int64(math.MaxInt64)
		if size <= uint64(math.MaxInt64-pos) {
			boxClaimed = pos + int64(size)
		}
		if boxClaimed > claimed {
			parent := "file"
			if len(path) > 0 {
				parent = fmt.Sprintf("%q", path[len(path)-1])
			}
			return mediaCorrupt(opMP4, fmt.Sprintf("box %q overruns its parent %s", typ, parent),
				fmt.Sprintf("%q 数据块超出上级数据块的范围", typ))
		}
		boxEnd := boxClaimed
		if boxEnd > w.size {
			boxEnd = w.size
			w.info.Truncated = true
		}
		if err := w.box(typ, pos+hl, boxEnd, boxClaimed, path); err != nil {
			return err
		}
		pos = boxEnd
	}
	// Fewer than 8 bytes left: QuickTime ends some lists with a 32-bit zero.
	return nil
}

// under reports whether path is exactly want.
func under(path []string, want ...string) bool {
	if len(path) != len(want) {
		return false
	}
	for i := range want {
		if path[i] != want[i] {
			return false
		}
	}
	return true
}

// box handles one box. Only the paths that hold what ReadMP4 reports are
// entered; everything else (mdat above all) is skipped without reading.
func (w *mp4Walker) box(typ string, start, end, claimed int64, path []string) error {
	child := append(path[:len(path):len(path)], typ)
	switch {
	case len(path) == 0 && typ == "ftyp":
		if w.ftyp {
			return nil
		}
		w.ftyp = true
		return w.readFtyp(start, end)
	case len(path) == 0 && typ == "moov":
		if w.moov {
			return nil // only the first movie counts
		}
		w.moov = true
		err := w.walk(start, end, claimed, child)
		w.moovDone = err == nil
		return err
	case under(path, "moov") && typ == "mvhd":
		if w.mvhd {
			return nil
		}
		return w.readMvhd(start, end, claimed)
	case under(path, "moov") && typ == "trak":
		w.track = trackState{}
		if err := w.walk(start, end, claimed, child); err != nil {
			return err
		}
		w.endTrack()
	case under(path, "moov", "trak") && typ == "tkhd":
		return w.readTkhd(start, end)
	case under(path, "moov", "trak") && typ == "mdia":
		return w.walk(start, end, claimed, child)
	case under(path, "moov", "trak", "mdia") && typ == "hdlr":
		p, err := w.payload(start, end, 12)
		if err != nil {
			return err
		}
		if len(p) == 12 {
			w.track.handler = string(p[8:12])
		}
	case under(path, "moov") && typ == "udta":
		return w.walk(start, end, claimed, child)
	case (under(path, "moov") || under(path, "moov", "udta")) && typ == "meta":
		return w.readMeta(start, end, claimed, child)
	case isMeta(path) && typ == "keys":
		return w.readKeys(start, end)
	case isMeta(path) && typ == "ilst":
		return w.walk(start, end, claimed, child)
	case len(path) > 0 && path[len(path)-1] == "ilst" && isMeta(path[:len(path)-1]):
		return w.walk(start, end, claimed, child) // an item: its type is the key index
	case typ == "data" && len(path) > 1 && path[len(path)-2] == "ilst":
		return w.readData(start, end, path[len(path)-1])
	}
	return nil
}

func isMeta(path []string) bool {
	return under(path, "moov", "meta") || under(path, "moov", "udta", "meta")
}

func printableBrand(b []byte) string {
	s := []byte(string(b))
	for i, c := range s {
		if c < 0x20 || c > 0x7e {
			s[i] = '?'
		}
	}
	return string(s)
}

func (w *mp4Walker) readFtyp(start, end int64) error {
	p, err := w.payload(start, end, 8+4*maxBrands)
	if err != nil {
		return err
	}
	if len(p) < 8 {
		return mediaCorrupt(opMP4, "ftyp box too short", "ftyp 数据块过短")
	}
	w.info.Brand = printableBrand(p[:4])
	for i := 8; i+4 <= len(p); i += 4 {
		if string(p[i:i+4]) == "\x00\x00\x00\x00" {
			continue
		}
		w.info.Compatible = append(w.info.Compatible, printableBrand(p[i:i+4]))
	}
	return nil
}

func (w *mp4Walker) readMvhd(start, end, claimed int64) error {
	p, err := w.payload(start, end, 32)
	if err != nil {
		return err
	}
	var created, timescale, duration uint64
	var unknown bool
	switch {
	case len(p) >= 4 && p[0] == 0 && len(p) >= 20:
		created = uint64(binary.BigEndian.Uint32(p[4:]))
		timescale = uint64(binary.BigEndian.Uint32(p[12:]))
		duration = uint64(binary.BigEndian.Uint32(p[16:]))
		unknown = duration == math.MaxUint32
	case len(p) >= 4 && p[0] == 1 && len(p) >= 32:
		created = binary.BigEndian.Uint64(p[4:])
		timescale = uint64(binary.BigEndian.Uint32(p[20:]))
		duration = binary.BigEndian.Uint64(p[24:])
		unknown = duration == math.MaxUint64
	case len(p) >= 4 && p[0] > 1:
		return mediaCorrupt(opMP4, fmt.Sprintf("unknown mvhd version %d", p[0]),
			fmt.Sprintf("未知的 mvhd 版本 %d", p[0]))
	default:
		if claimed > end { // clipped by the end of the file
			return errCut
		}
		return mediaCorrupt(opMP4, "mvhd box too short", "mvhd 数据块过短")
	}
	w.mvhd = true
	if timescale == 0 {
		return mediaCorrupt(opMP4, "mvhd timescale is zero", "mvhd 时间刻度为 0")
	}
	if !unknown {
		w.info.Duration = float64(duration) / float64(timescale)
	}
	if created > mp4Epoch1970 && created-mp4Epoch1970 < mp4MaxUnixSec {
		w.mvhdCreated = time.Unix(int64(created-mp4Epoch1970), 0).UTC()
	}
	return nil
}

func (w *mp4Walker) readTkhd(start, end int64) error {
	p, err := w.payload(start, end, 96)
	if err != nil {
		return err
	}
	off := 76 // version 0: width and height end the box
	if len(p) > 0 && p[0] == 1 {
		off = 88
	}
	if len(p) >= off+8 {
		w.track.width = int(binary.BigEndian.Uint32(p[off:]) >> 16)
		w.track.height = int(binary.BigEndian.Uint32(p[off+4:]) >> 16)
	}
	return nil
}

func (w *mp4Walker) endTrack() {
	switch w.track.handler {
	case "vide":
		if !w.info.HasVideo {
			w.info.Width, w.info.Height = w.track.width, w.track.height
		}
		w.info.HasVideo = true
	case "soun":
		w.info.HasAudio = true
	}
}

// readMeta reads a meta box: a full box in ISO files, a plain container in
// QuickTime ones. They differ in the 4 bytes of version and flags (zero)
// before the first child, whose size is never zero.
func (w *mp4Walker) readMeta(start, end, claimed int64, path []string) error {
	p, err := w.payload(start, end, 4)
	if err != nil {
		return err
	}
	if len(p) == 4 && binary.BigEndian.Uint32(p) == 0 {
		start += 4
	}
	w.meta = metaState{}
	if err := w.walk(start, end, claimed, path); err != nil {
		return err
	}
	if v, ok := w.meta.values[w.meta.keyIndex]; ok && w.meta.keyIndex != 0 && !w.appleSet {
		if t, off, ok := parseAppleDate(v); ok {
			w.apple, w.appleSet, w.appleOffset = t, true, off
		}
	}
	return nil
}

// readKeys finds the index of com.apple.quicktime.creationdate in a keys
// box: version and flags, a count, then entries of size, namespace and name.
func (w *mp4Walker) readKeys(start, end int64) error {
	if end-start > maxKeysBytes {
		return nil
	}
	p, err := w.payload(start, end, maxKeysBytes)
	if err != nil {
		return err
	}
	if len(p) < 8 {
		return nil
	}
	count := binary.BigEndian.Uint32(p[4:])
	p = p[8:]
	for i := uint32(1); i <= count && len(p) >= 8; i++ {
		n := binary.BigEndian.Uint32(p)
		if n < 8 || uint64(n) > uint64(len(p)) {
			break
		}
		if string(p[8:n]) == CreatedFromApple {
			w.meta.keyIndex = i
			break
		}
		p = p[n:]
	}
	return nil
}

// readData keeps the value of a short UTF-8 data box of an ilst item.
func (w *mp4Walker) readData(start, end int64, item string) error {
	if end-start > 8+maxMetaValue || len(w.meta.values) >= maxMetaItems {
		return nil
	}
	p, err := w.payload(start, end, 8+maxMetaValue)
	if err != nil {
		return err
	}
	if len(p) < 8 || binary.BigEndian.Uint32(p)&0xFFFFFF != 1 { // 1: UTF-8
		return nil
	}
	if w.meta.values == nil {
		w.meta.values = make(map[uint32]string)
	}
	idx := binary.BigEndian.Uint32([]byte(item))
	if _, dup := w.meta.values[idx]; !dup {
		w.meta.values[idx] = string(p[8:])
	}
	return nil
}

// finish settles the fields derived from several boxes.
func (w *mp4Walker) finish() {
	if w.info.Brand == "qt  " || (!w.ftyp && w.moov) {
		w.info.QuickTime = true
	}
	for _, b := range w.info.Compatible {
		if b == "qt  " {
			w.info.QuickTime = true
		}
	}
	switch {
	case w.appleSet:
		w.info.Created, w.info.CreatedSet, w.info.CreatedSource, w.info.HasOffset = w.apple, true, CreatedFromApple, w.appleOffset
	case !w.mvhdCreated.IsZero():
		w.info.Created, w.info.CreatedSet, w.info.CreatedSource = w.mvhdCreated, true, CreatedFromMvhd
	}
}

// parseAppleDate parses com.apple.quicktime.creationdate values:
// "2019-01-12T21:01:30+1100", "2019-01-12T21:01:30+11:00",
// "2019:01:12 21:01:30+11:00", with optional fractional seconds, "Z" for
// UTC, or no offset at all (then read as UTC+8, like other phone times
// without one, and reported without offset).
func parseAppleDate(s string) (t time.Time, hasOffset, ok bool) {
	s = strings.TrimRight(strings.TrimSpace(s), "\x00")
	if len(s) < 19 || (s[4] != '-' && s[4] != ':') || s[7] != s[4] ||
		(s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false, false
	}
	num := func(b string) int {
		v := 0
		for i := 0; i < len(b); i++ {
			if b[i] < '0' || b[i] > '9' {
				return -1
			}
			v = v*10 + int(b[i]-'0')
		}
		return v
	}
	rest := s[19:]
	ns := 0
	if strings.HasPrefix(rest, ".") {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		frac := rest[1:i]
		if frac == "" {
			return time.Time{}, false, false
		}
		frac = (frac + "000000000")[:9]
		ns = num(frac)
		rest = rest[i:]
	}
	loc := CST
	switch rest = strings.TrimSpace(rest); {
	case rest == "":
	case rest == "Z":
		loc, hasOffset = time.UTC, true
	default:
		if len(rest) == 3 { // "+11"
			rest += "00"
		}
		l, ok := parseOffset(rest)
		if !ok {
			return time.Time{}, false, false
		}
		loc, hasOffset = l, true
	}
	t, ok = validTime(num(s[0:4]), num(s[5:7]), num(s[8:10]), num(s[11:13]), num(s[14:16]), num(s[17:19]), ns, loc)
	return t, hasOffset && ok, ok
}

// Voice codecs reported in VoiceInfo.Codec.
const (
	CodecSILKWeChat = "SILK v3 (微信)"
	CodecSILKQQ     = "SILK v3 (QQ)"
	CodecAMRNB      = "AMR-NB"
	CodecAMRWB      = "AMR-WB"
)

// Limits on voice files.
const (
	voiceFrameMS    = 20
	maxVoiceFrames  = 24 * 3600 * 1000 / voiceFrameMS // a day
	maxSILKFrameLen = 1024                            // SILK's MAX_BYTES_PER_FRAME
)

// VoiceInfo is what ReadVoice learns from a voice message. The files hold
// no timestamps: take the time from the chat export or the file name.
type VoiceInfo struct {
	Codec     string  // one of the Codec* constants
	Frames    int     // complete frames
	Duration  float64 // seconds: Frames × 20 ms
	Truncated bool    // the file ends inside a frame; Duration counts the frames before it
}

// amrSizes returns the AMR frame payload sizes in bytes by frame type
// (header byte bits 6–3), from 3GPP TS 26.101 (NB) and TS 26.201 (WB); -1
// marks reserved types. The last types (NO_DATA, and SPEECH_LOST for WB)
// carry no payload.
func amrSizes(wb bool) [16]int {
	if wb {
		return [16]int{17, 23, 32, 36, 40, 46, 50, 58, 60, 5, -1, -1, -1, -1, 0, 0}
	}
	return [16]int{12, 13, 15, 17, 19, 20, 26, 31, 5, -1, -1, -1, -1, -1, -1, 0}
}

// ReadVoice reads the frame structure of a voice message detected as t
// (TypeSILK or TypeAMR) and returns its duration. The file is streamed and
// never loaded whole. A file cut inside a frame gives Truncated and the
// duration of the frames before the cut; a header of another format or a
// frame that cannot be valid gives a *FormatError.
func ReadVoice(r io.Reader, t Type) (*VoiceInfo, error) {
	if t != TypeSILK && t != TypeAMR {
		return nil, fmt.Errorf("%s: type %q is not a voice recording", opVoice, t)
	}
	br := bufio.NewReaderSize(r, 4096)
	head, err := br.Peek(10)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", opVoice, err)
	}
	hs := string(head)
	var info VoiceInfo
	var hl int
	switch {
	case t == TypeSILK && strings.HasPrefix(hs, "\x02#!SILK_V3"):
		info.Codec, hl = CodecSILKWeChat, 10
	case t == TypeSILK && strings.HasPrefix(hs, "#!SILK_V3"):
		info.Codec, hl = CodecSILKQQ, 9
	case t == TypeAMR && strings.HasPrefix(hs, "#!AMR\n"):
		info.Codec, hl = CodecAMRNB, 6
	case t == TypeAMR && strings.HasPrefix(hs, "#!AMR-WB\n"):
		info.Codec, hl = CodecAMRWB, 9
	default:
		want := "SILK v3"
		if t == TypeAMR {
			want = "AMR"
		}
		return nil, mediaInvalid(opVoice, "no "+want+" header", "缺少 "+want+" 文件头")
	}
	if _, err := br.Discard(hl); err != nil {
		return nil, fmt.Errorf("%s: %w", opVoice, err)
	}
	switch info.Codec {
	case CodecSILKWeChat, CodecSILKQQ:
		err = readSILK(br, &info)
	case CodecAMRNB:
		err = readAMR(br, &info, amrSizes(false))
	default:
		err = readAMR(br, &info, amrSizes(true))
	}
	if err != nil {
		return nil, err
	}
	info.Duration = float64(info.Frames) * voiceFrameMS / 1000
	return &info, nil
}

// voiceRead classifies a read error inside the frame stream: the end of
// the data marks the file truncated, anything else is an IO failure.
func voiceRead(err error, info *VoiceInfo) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		info.Truncated = true
		return nil
	}
	return fmt.Errorf("%s: %w", opVoice, err)
}

func tooManyFrames() *FormatError {
	return mediaCorrupt(opVoice, fmt.Sprintf("more than %d frames (24 hours)", maxVoiceFrames), "帧数超过 24 小时的上限")
}

// readSILK counts SILK packets: int16 little-endian length, payload; a
// negative length (0xFFFF) or the end of the file ends the stream. A zero
// length is a lost packet, still 20 ms of sound. The SILK encoder can pack
// several 20 ms frames per packet, but WeChat and QQ write one.
func readSILK(br *bufio.Reader, info *VoiceInfo) error {
	var lb [2]byte
	for {
		n, err := io.ReadFull(br, lb[:])
		if n == 0 && errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return voiceRead(err, info)
		}
		l := int16(binary.LittleEndian.Uint16(lb[:]))
		if l < 0 {
			return nil
		}
		if l > maxSILKFrameLen {
			return mediaCorrupt(opVoice, fmt.Sprintf("SILK frame %d declares %d bytes, more than %d", info.Frames+1, l, maxSILKFrameLen),
				fmt.Sprintf("第 %d 帧声明长度 %d 字节，超过 SILK 上限", info.Frames+1, l))
		}
		if _, err := br.Discard(int(l)); err != nil {
			return voiceRead(err, info)
		}
		if info.Frames >= maxVoiceFrames {
			return tooManyFrames()
		}
		info.Frames++
	}
}

// readAMR counts AMR storage-format frames (RFC 4867 §5): a header byte
// whose bits 6–3 give the frame type, then the payload of its size.
func readAMR(br *bufio.Reader, info *VoiceInfo, sizes [16]int) error {
	for {
		h, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return voiceRead(err, info)
		}
		ft := (h >> 3) & 0x0F
		n := sizes[ft]
		if n < 0 {
			return mediaCorrupt(opVoice, fmt.Sprintf("frame %d has reserved frame type %d", info.Frames+1, ft),
				fmt.Sprintf("第 %d 帧的帧类型 %d 无效", info.Frames+1, ft))
		}
		if _, err := br.Discard(n); err != nil {
			return voiceRead(err, info)
		}
		if info.Frames >= maxVoiceFrames {
			return tooManyFrames()
		}
		info.Frames++
	}
}
