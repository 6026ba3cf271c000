package evidence

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"io"

	"golang.org/x/image/webp"
)

// Limits for images whose header is believed. Larger claims are treated as
// decompression bombs and never decoded.
const (
	MaxImageSide   = 30000
	MaxImagePixels = 150_000_000
)

// Codes of FormatError, stable for scripts (they become Warning.Code).
const (
	CodeTruncatedImage = "truncated-image"
	CodeImageTooLarge  = "image-too-large"
	CodeImageCorrupt   = "image-corrupt"
	CodeImageInvalid   = "image-invalid"
	CodeEXIFInvalid    = "exif-invalid"
	CodeEXIFTooLarge   = "exif-too-large"
)

// FormatError reports a malformed file: the file is still evidence and is
// carried in the bag, but part of it could not be read. Msg is English, Zh is
// Simplified Chinese for the PDF; Err, when set, is the underlying cause.
type FormatError struct {
	Path string // may be empty when a reader was checked
	Code string // one of the Code* constants
	Msg  string
	Zh   string
	Err  error
}

func (e *FormatError) Error() string {
	s := e.Msg
	if e.Path != "" {
		s = e.Path + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FormatError) Unwrap() error { return e.Err }

// Warning converts e into the warning recorded on an Item.
func (e *FormatError) Warning() Warning {
	return Warning{Code: e.Code, Path: e.Path, Msg: e.Msg, Zh: e.Zh}
}

const zhKept = "原件已保存在证据包中"

func truncatedErr(format string, cause error) *FormatError {
	return &FormatError{
		Code: CodeTruncatedImage,
		Msg:  "check " + format + ": image file is incomplete (probably cut off in transfer)",
		Zh:   "图片文件不完整（可能在传输中被截断），无法显示，" + zhKept,
		Err:  cause,
	}
}

// corruptErr is a damaged image: what says how in English, zh in Chinese.
func corruptErr(format, what, zh string) *FormatError {
	return &FormatError{
		Code: CodeImageCorrupt,
		Msg:  "check " + format + ": image file is damaged: " + what,
		Zh:   "图片文件已损坏（" + zh + "），可能无法正常显示，" + zhKept,
	}
}

// invalidErr is a file that is not a valid image: what says why in
// English, zh in Chinese.
func invalidErr(format, what, zh string) *FormatError {
	return &FormatError{
		Code: CodeImageInvalid,
		Msg:  "check " + format + ": not a valid image: " + what,
		Zh:   "图片格式无效（" + zh + "），无法显示，" + zhKept,
	}
}

// checkDimensions rejects empty images and decompression bombs.
func checkDimensions(format string, w, h int) error {
	if w <= 0 || h <= 0 {
		return invalidErr(format, fmt.Sprintf("zero dimension %d×%d", w, h), "宽或高为 0")
	}
	if w > MaxImageSide || h > MaxImageSide || int64(w)*int64(h) > MaxImagePixels {
		return &FormatError{
			Code: CodeImageTooLarge,
			Msg:  fmt.Sprintf("check %s: image claims %d×%d pixels, more than the limit of %d×%d or %d pixels; not decoded", format, w, h, MaxImageSide, MaxImageSide, MaxImagePixels),
			Zh:   fmt.Sprintf("图片声明的尺寸为 %d×%d 像素，超出安全上限（单边 %d 像素、总计 1.5 亿像素），可能是恶意构造的文件，未予解码显示；%s", w, h, MaxImageSide, zhKept),
		}
	}
	return nil
}

// ImageDetail is what CheckImageDetail learns from an image's structure.
type ImageDetail struct {
	ImageInfo
	BitDepth    int  // PNG bit depth, JPEG sample precision
	ColorType   int  // PNG colour type (0, 2, 3, 4, 6); -1 for other formats
	Components  int  // JPEG colour components
	Interlaced  bool // PNG Adam7 interlacing
	Progressive bool // progressive JPEG (SOF2 and friends)
	Frames      int  // GIF image count
}

// CheckImage validates the structure of an image without decoding pixels
// and returns its dimensions. r is read from its start; size is its length
// in bytes (negative when unknown). Malformed images give a *FormatError.
// HEIC is not checked and returns zero dimensions and no error.
func CheckImage(r io.ReadSeeker, size int64, t Type) (ImageInfo, error) {
	d, err := CheckImageDetail(r, size, t)
	return d.ImageInfo, err
}

// CheckImageDetail is CheckImage with the format details.
func CheckImageDetail(r io.ReadSeeker, size int64, t Type) (ImageDetail, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return ImageDetail{}, fmt.Errorf("check image: %w", err)
	}
	br := bufio.NewReaderSize(r, 32<<10)
	switch t {
	case TypePNG:
		return checkPNG(br, size)
	case TypeJPEG:
		return checkJPEG(br)
	case TypeGIF:
		return checkGIF(br)
	case TypeWebP:
		return checkWebP(br, size)
	case TypeHEIC:
		return ImageDetail{ColorType: -1}, nil
	}
	return ImageDetail{}, fmt.Errorf("check image: type %q is not an image", t)
}

// unexpected maps a premature end of the stream to io.ErrUnexpectedEOF so
// callers can tell truncation from IO failure.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// ioFailure wraps a read error: truncation becomes a FormatError, anything
// else (a real IO error) is returned as is.
func ioFailure(format string, err error) error {
	err = unexpected(err)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return truncatedErr(format, err)
	}
	return fmt.Errorf("check %s: %w", format, err)
}

const pngSignature = "\x89PNG\r\n\x1a\n"

func checkPNG(r *bufio.Reader, size int64) (ImageDetail, error) {
	d := ImageDetail{}
	var sig [8]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil {
		return d, ioFailure("png", err)
	}
	if string(sig[:]) != pngSignature {
		return d, invalidErr("png", "bad signature", "文件开头的 PNG 签名不符")
	}
	pos := int64(8)
	var hdr [8]byte
	seenIHDR, seenIDAT := false, false
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return d, ioFailure("png", err)
		}
		length := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		pos += 8
		if length > 1<<31-1 {
			return d, invalidErr("png", "chunk length out of range", "数据块长度超出范围")
		}
		if size >= 0 && length+4 > size-pos {
			return d, truncatedErr("png", fmt.Errorf("chunk %q claims %d bytes, %d left", typ, length, max(size-pos, 0)))
		}
		for _, c := range hdr[4:8] {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				return d, invalidErr("png", "bad chunk type", "数据块类型无效")
			}
		}
		if !seenIHDR && typ != "IHDR" {
			return d, invalidErr("png", "first chunk is not IHDR", "缺少 PNG 文件头")
		}
		crc := crc32.NewIEEE()
		crc.Write(hdr[4:8])
		switch typ {
		case "IHDR":
			if seenIHDR || length != 13 {
				return d, invalidErr("png", "bad IHDR chunk", "PNG 文件头无效")
			}
			var ihdr [13]byte
			if _, err := io.ReadFull(r, ihdr[:]); err != nil {
				return d, ioFailure("png", err)
			}
			crc.Write(ihdr[:])
			seenIHDR = true
			w, h := binary.BigEndian.Uint32(ihdr[0:4]), binary.BigEndian.Uint32(ihdr[4:8])
			if w > 1<<31-1 || h > 1<<31-1 {
				return d, invalidErr("png", "dimension out of range", "图像尺寸超出范围")
			}
			d.Width, d.Height = int(w), int(h)
			d.BitDepth, d.ColorType = int(ihdr[8]), int(ihdr[9])
			if !validPNGDepth(d.ColorType, d.BitDepth) || ihdr[10] != 0 || ihdr[11] != 0 || ihdr[12] > 1 {
				return d, invalidErr("png", "bad IHDR fields", "PNG 文件头无效")
			}
			d.Interlaced = ihdr[12] == 1
			if err := checkDimensions("png", d.Width, d.Height); err != nil {
				return d, err
			}
		default:
			if typ == "IDAT" {
				seenIDAT = true
			}
			if _, err := io.CopyN(crc, r, length); err != nil {
				return d, ioFailure("png", err)
			}
		}
		pos += length
		var sum [4]byte
		if _, err := io.ReadFull(r, sum[:]); err != nil {
			return d, ioFailure("png", err)
		}
		pos += 4
		if binary.BigEndian.Uint32(sum[:]) != crc.Sum32() {
			return d, corruptErr("png", "CRC mismatch in chunk "+typ, typ+" 数据块的 CRC 校验值不符")
		}
		if typ == "IEND" {
			if !seenIDAT {
				return d, invalidErr("png", "no image data", "没有图像数据")
			}
			return d, nil
		}
	}
}

func validPNGDepth(ct, depth int) bool {
	switch ct {
	case 0:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16
	case 3:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8
	case 2, 4, 6:
		return depth == 8 || depth == 16
	}
	return false
}

// isSOF reports whether JPEG marker m starts a frame.
func isSOF(m byte) bool {
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC
}

func checkJPEG(r *bufio.Reader) (ImageDetail, error) {
	d := ImageDetail{ColorType: -1}
	var b [2]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return d, ioFailure("jpeg", err)
	}
	if b[0] != 0xFF || b[1] != 0xD8 {
		return d, invalidErr("jpeg", "no SOI marker", "缺少 JPEG 起始标记")
	}
	seenSOF, seenSOS := false, false
	var pending byte // a marker already read by skipEntropy
	for {
		m := pending
		pending = 0
		if m == 0 {
			// Like libjpeg, tolerate extraneous bytes before a marker.
			for {
				c, err := r.ReadByte()
				if err != nil {
					return d, ioFailure("jpeg", err)
				}
				if c == 0xFF {
					break
				}
			}
			var err error
			m = 0xFF
			for m == 0xFF { // fill bytes
				if m, err = r.ReadByte(); err != nil {
					return d, ioFailure("jpeg", err)
				}
			}
		}
		switch {
		case m == 0xD9:
			if !seenSOS {
				return d, invalidErr("jpeg", "no image data", "没有图像数据")
			}
			return d, nil
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			continue
		case m == 0x00 || m == 0xD8:
			return d, corruptErr("jpeg", fmt.Sprintf("unexpected marker FF%02X", m), fmt.Sprintf("出现了意外的标记 FF%02X", m))
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return d, ioFailure("jpeg", err)
		}
		n := int64(binary.BigEndian.Uint16(b[:])) - 2
		if n < 0 {
			return d, corruptErr("jpeg", "bad segment length", "数据段长度无效")
		}
		switch {
		case isSOF(m):
			if seenSOF || n < 6 {
				return d, corruptErr("jpeg", "bad frame header", "帧头无效")
			}
			var sof [6]byte
			if _, err := io.ReadFull(r, sof[:]); err != nil {
				return d, ioFailure("jpeg", err)
			}
			n -= 6
			seenSOF = true
			d.BitDepth = int(sof[0])
			d.Height = int(binary.BigEndian.Uint16(sof[1:3]))
			d.Width = int(binary.BigEndian.Uint16(sof[3:5]))
			d.Components = int(sof[5])
			d.Progressive = m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE
			if d.Components == 0 || int64(d.Components)*3 != n {
				return d, corruptErr("jpeg", "bad frame header", "帧头无效")
			}
			if err := checkDimensions("jpeg", d.Width, d.Height); err != nil {
				return d, err
			}
		case m == 0xDA:
			if !seenSOF {
				return d, corruptErr("jpeg", "scan before frame header", "图像数据出现在帧头之前")
			}
			seenSOS = true
		}
		if _, err := r.Discard(int(n)); err != nil {
			return d, ioFailure("jpeg", err)
		}
		if m == 0xDA {
			var err error
			if pending, err = skipEntropy(r); err != nil {
				return d, ioFailure("jpeg", err)
			}
		}
	}
}

// skipEntropy reads entropy-coded data up to the next marker, consumes it
// and returns its code.
func skipEntropy(r *bufio.Reader) (byte, error) {
	for {
		// Jump to the next 0xFF in what is buffered (entropy data is most
		// of a JPEG; scanning it byte by byte was the cost of this check).
		if r.Buffered() == 0 {
			if _, err := r.Peek(1); err != nil {
				return 0, err
			}
		}
		buf, _ := r.Peek(r.Buffered())
		i := bytes.IndexByte(buf, 0xFF)
		if i < 0 {
			r.Discard(len(buf))
			continue
		}
		r.Discard(i + 1)
		c := byte(0xFF)
		for c == 0xFF { // fill bytes
			var err error
			if c, err = r.ReadByte(); err != nil {
				return 0, err
			}
		}
		if c == 0x00 || (c >= 0xD0 && c <= 0xD7) {
			continue // stuffed byte or restart marker: still entropy data
		}
		return c, nil
	}
}

func checkGIF(r *bufio.Reader) (ImageDetail, error) {
	d := ImageDetail{ColorType: -1}
	var hdr [13]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return d, ioFailure("gif", err)
	}
	if string(hdr[:6]) != "GIF87a" && string(hdr[:6]) != "GIF89a" {
		return d, invalidErr("gif", "bad signature", "文件开头的 GIF 签名不符")
	}
	d.Width = int(binary.LittleEndian.Uint16(hdr[6:8]))
	d.Height = int(binary.LittleEndian.Uint16(hdr[8:10]))
	if err := checkDimensions("gif", d.Width, d.Height); err != nil {
		return d, err
	}
	if hdr[10]&0x80 != 0 {
		if _, err := r.Discard(3 << (hdr[10]&7 + 1)); err != nil {
			return d, ioFailure("gif", err)
		}
	}
	for {
		c, err := r.ReadByte()
		if err != nil {
			return d, ioFailure("gif", err)
		}
		switch c {
		case 0x3B: // trailer
			if d.Frames == 0 {
				return d, invalidErr("gif", "no image data", "没有图像数据")
			}
			return d, nil
		case 0x21: // extension: label, then sub-blocks
			if _, err := r.ReadByte(); err != nil {
				return d, ioFailure("gif", err)
			}
		case 0x2C: // image descriptor
			var desc [9]byte
			if _, err := io.ReadFull(r, desc[:]); err != nil {
				return d, ioFailure("gif", err)
			}
			if desc[8]&0x80 != 0 {
				if _, err := r.Discard(3 << (desc[8]&7 + 1)); err != nil {
					return d, ioFailure("gif", err)
				}
			}
			if _, err := r.ReadByte(); err != nil { // LZW minimum code size
				return d, ioFailure("gif", err)
			}
			d.Frames++
		default:
			return d, corruptErr("gif", fmt.Sprintf("unknown block 0x%02X", c), fmt.Sprintf("未知的数据块 0x%02X", c))
		}
		for { // data sub-blocks
			n, err := r.ReadByte()
			if err != nil {
				return d, ioFailure("gif", err)
			}
			if n == 0 {
				break
			}
			if _, err := r.Discard(int(n)); err != nil {
				return d, ioFailure("gif", err)
			}
		}
	}
}

func checkWebP(r *bufio.Reader, size int64) (ImageDetail, error) {
	d := ImageDetail{ColorType: -1}
	hdr, err := r.Peek(12)
	if err != nil {
		return d, ioFailure("webp", err)
	}
	if string(hdr[:4]) != "RIFF" || string(hdr[8:12]) != "WEBP" {
		return d, invalidErr("webp", "bad signature", "文件开头的 WebP 签名不符")
	}
	riff := int64(binary.LittleEndian.Uint32(hdr[4:8])) + 8
	if size >= 0 && riff > size {
		return d, truncatedErr("webp", fmt.Errorf("RIFF claims %d bytes, file has %d", riff, size))
	}
	cfg, err := decodeConfig(webp.DecodeConfig, io.LimitReader(r, 1<<20))
	if err != nil {
		if errors.Is(unexpected(err), io.ErrUnexpectedEOF) {
			return d, truncatedErr("webp", err)
		}
		e := invalidErr("webp", "bad header", "WebP 文件头无效")
		e.Err = err
		return d, e
	}
	d.Width, d.Height = cfg.Width, cfg.Height
	return d, checkDimensions("webp", d.Width, d.Height)
}

// decodeConfig runs a standard-library style header decoder, turning a panic
// on hostile input into an error.
func decodeConfig(fn func(io.Reader) (image.Config, error), r io.Reader) (cfg image.Config, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("decoder panic: %v", p)
		}
	}()
	return fn(r)
}
