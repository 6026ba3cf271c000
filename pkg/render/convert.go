package render

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zlib"
)

// Converted images are written as the data of a PDF image stream with
// /FlateDecode and the PNG predictor — a non-interlaced 8-bit RGB or gray
// PNG's IDAT data, every row with filter "Sub" — so that fpdf's image
// dictionary for a PNG placeholder of that kind describes them.

// rowWriter filters and compresses rows of 8-bit samples.
type rowWriter struct {
	zw   *zlib.Writer
	bpp  int    // bytes per pixel: 3 (RGB) or 1 (gray)
	line []byte // filter byte + filtered row
}

func newRowWriter(w io.Writer, width, bpp int) (*rowWriter, error) {
	zw, err := zlib.NewWriterLevel(w, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	return &rowWriter{zw: zw, bpp: bpp, line: make([]byte, 1+width*bpp)}, nil
}

// write adds one row of width*bpp samples.
func (rw *rowWriter) write(row []byte) error {
	out := rw.line
	out[0] = 1 // Sub
	bpp := rw.bpp
	copy(out[1:1+bpp], row[:bpp])
	for i := bpp; i < len(row); i++ {
		out[1+i] = row[i] - row[i-bpp]
	}
	_, err := rw.zw.Write(out)
	return err
}

// writeRGBA adds one row of 8-bit RGBA pixels, composited over white as
// RGB (a writer made with bpp 3). Compositing and the Sub filter are one
// pass over the row.
func (rw *rowWriter) writeRGBA(px []byte) error {
	subRGBA(rw.line, px)
	_, err := rw.zw.Write(rw.line)
	return err
}

func (rw *rowWriter) close() error { return rw.zw.Close() }

// subRGBA writes a row of 8-bit non-premultiplied RGBA pixels px to line as
// a PNG row of RGB with filter Sub, each pixel composited over white first:
// line[0] is the filter byte, then len(px)/4 pixels of 3 bytes. It is
// compositeRow8 followed by rowWriter.write, in one pass. Screenshots are
// opaque but for their corners, so opaque and fully transparent pixels
// skip the arithmetic.
func subRGBA(line, px []byte) {
	line[0] = 1 // Sub
	n := min(len(px)/4, (len(line)-1)/3)
	out := line[1 : 1+3*n]
	px = px[:4*n]
	var pr, pg, pb byte // the pixel before, composited
	for x := 0; x < n; x++ {
		p := px[4*x : 4*x+4 : 4*x+4]
		r, g, b := p[0], p[1], p[2]
		switch a := uint32(p[3]); a {
		case 255:
		case 0:
			r, g, b = 255, 255, 255
		default:
			r = uint8((uint32(r)*a + 255*(255-a) + 127) / 255)
			g = uint8((uint32(g)*a + 255*(255-a) + 127) / 255)
			b = uint8((uint32(b)*a + 255*(255-a) + 127) / 255)
		}
		o := out[3*x : 3*x+3 : 3*x+3]
		o[0], o[1], o[2] = r-pr, g-pg, b-pb
		pr, pg, pb = r, g, b
	}
}

// pngChunks walks the chunks of a PNG: the one chunk reader of the image
// path (scanPNG records where IDAT data lies, idatReader streams it).
type pngChunks struct {
	br      *bufio.Reader
	pos     int64 // offset in the file of the next byte br yields
	rest    int64 // bytes of the current chunk's data not yet read
	inChunk bool
}

// newPNGChunks checks the signature.
func newPNGChunks(r io.Reader, bufSize int) (*pngChunks, error) {
	br := bufio.NewReaderSize(r, bufSize)
	var sig [8]byte
	if _, err := io.ReadFull(br, sig[:]); err != nil || string(sig[:]) != pngSignature {
		return nil, newProblem("不是有效的 PNG 文件：文件开头的签名不符", "bad signature")
	}
	return &pngChunks{br: br, pos: 8}, nil
}

func (c *pngChunks) discard(n int64) error {
	d, err := c.br.Discard(int(n))
	c.pos += int64(d)
	return err
}

// next skips the rest of the current chunk and its CRC and reads the next
// chunk's header; its data starts at c.pos.
func (c *pngChunks) next() (typ string, n int64, err error) {
	if c.inChunk {
		if err := c.discard(c.rest + 4); err != nil {
			return "", 0, truncated("truncated at byte %d", c.pos)
		}
	}
	var hdr [8]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		return "", 0, truncated("truncated at byte %d", c.pos)
	}
	c.pos += 8
	n = int64(binary.BigEndian.Uint32(hdr[:4]))
	typ = string(hdr[4:])
	if n > 1<<31-1 {
		return "", 0, newProblem("PNG 数据块的长度不合理，文件已损坏", "chunk %q of %d bytes", typ, n)
	}
	c.inChunk, c.rest = true, n
	return typ, n, nil
}

// data reads the whole current chunk, refusing one longer than limit.
func (c *pngChunks) data(typ string, limit int64) ([]byte, error) {
	if c.rest > limit {
		return nil, newProblem("PNG 的 "+typ+" 数据块过长，文件已损坏", "%s chunk of %d bytes", typ, c.rest)
	}
	b := make([]byte, c.rest)
	if _, err := io.ReadFull(c, b); err != nil {
		return nil, truncated("truncated %s chunk", typ)
	}
	return b, nil
}

// Read reads the current chunk's data; io.EOF at its end.
func (c *pngChunks) Read(p []byte) (int, error) {
	if c.rest == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.rest {
		p = p[:c.rest]
	}
	n, err := c.br.Read(p)
	c.pos += int64(n)
	c.rest -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// idatReader yields the concatenated IDAT data of a PNG, reading its IHDR
// on the way.
type idatReader struct {
	c       *pngChunks
	ihdr    []byte
	started bool
	done    bool
}

// next moves to the next IDAT chunk, or marks the end of the image data.
func (r *idatReader) next() error {
	for {
		typ, n, err := r.c.next()
		if err != nil {
			return err
		}
		if r.ihdr == nil && typ != "IHDR" {
			return errBadIHDR("first chunk is not IHDR")
		}
		switch typ {
		case "IHDR":
			if n != 13 || r.ihdr != nil {
				return errBadIHDR("bad IHDR")
			}
			if r.ihdr, err = r.c.data(typ, 13); err != nil {
				return err
			}
		case "IDAT":
			r.started = true
			return nil
		case "IEND":
			r.done = true
			return nil
		default:
			if r.started {
				r.done = true // image data ends at the first other chunk
				return nil
			}
		}
	}
}

func (r *idatReader) Read(p []byte) (int, error) {
	for r.c.rest == 0 {
		if r.done {
			return 0, io.EOF
		}
		if err := r.next(); err != nil {
			return 0, err
		}
	}
	return r.c.Read(p)
}

// flattenPNGRows converts a PNG the PDF cannot carry as it is: one with an
// alpha channel (gray or RGB, 8 or 16 bits), composited over white, or an
// interlaced one of 8-bit gray, RGB, gray+alpha or RGBA samples. A
// non-interlaced image is streamed row by row, never holding more than two
// rows; an interlaced one is gathered whole from its seven passes first,
// holding its pixels from pixels (nil: unbounded). Anything else (palette,
// fewer than 8 bits, 16-bit interlaced) is errConvert, for image/png.
//
// The zlib stream's Adler-32 checksum is not verified, as PDF viewers do
// not verify it in the PNG data carried as is (nor do browsers); a damaged
// stream still fails to inflate or ends short.
func flattenPNGRows(r io.Reader, maxPixels int64, pixels *weighted, out func(width, height, bpp int) (*rowWriter, error)) error {
	c, err := newPNGChunks(r, 64<<10)
	if err != nil {
		return err
	}
	ir := &idatReader{c: c}
	if err := ir.next(); err != nil {
		return err
	}
	if ir.ihdr == nil || !ir.started {
		return errNoImageData
	}
	w := int(binary.BigEndian.Uint32(ir.ihdr[0:4]))
	h := int(binary.BigEndian.Uint32(ir.ihdr[4:8]))
	depth, ct, interlace := ir.ihdr[8], ir.ihdr[9], ir.ihdr[12]
	if w <= 0 || h <= 0 || int64(w)*int64(h) > maxPixels || w > 1<<20 || h > 1<<20 {
		return newProblem(fmt.Sprintf("图像尺寸不合理：%d×%d 像素", w, h), "size %d×%d", w, h)
	}
	var channels int
	switch ct {
	case 0:
		channels = 1
	case 2:
		channels = 3
	case 4:
		channels = 2
	case 6:
		channels = 4
	default:
		return errConvert
	}
	alpha := ct == 4 || ct == 6
	switch {
	case interlace == 0 && alpha && (depth == 8 || depth == 16):
	case interlace == 1 && depth == 8:
		if int64(w)*int64(h) > maxDecodePixels {
			return errTooLarge(w, h)
		}
	default:
		return errConvert // not for this path
	}
	outBpp := 1
	if ct == 2 || ct == 6 {
		outBpp = 3
	}
	bpp := channels * int(depth) / 8
	stride := w * bpp
	zr, err := inflateZlib(ir)
	if err != nil {
		return fmt.Errorf("image data: %w", err)
	}
	zbr := bufio.NewReaderSize(zr, 64<<10)
	rw, err := out(w, h, outBpp)
	if err != nil {
		return err
	}
	row := make([]byte, w*outBpp)
	// emit writes one unfiltered row of the source's samples.
	emit := func(px []byte) error {
		switch {
		case !alpha:
			return rw.write(px)
		case depth == 8 && channels == 4:
			return rw.writeRGBA(px)
		case depth == 8:
			compositeRow8(row, px, channels, outBpp)
		default:
			for x, o := 0, 0; x < len(px); x += 2 * channels {
				a := uint32(px[x+2*channels-2])<<8 | uint32(px[x+2*channels-1])
				for c := range outBpp {
					v := uint32(px[x+2*c])<<8 | uint32(px[x+2*c+1])
					row[o+c] = uint8(((uint64(v)*uint64(a) + 65535*uint64(65535-a) + 32767) / 65535) >> 8)
				}
				o += outBpp
			}
		}
		return rw.write(row)
	}
	if interlace == 1 {
		if pixels != nil {
			n := int64(w) * int64(h)
			pixels.acquire(n)
			defer pixels.release(n)
		}
		img := make([]byte, h*stride)
		if err := deinterlace(zbr, img, w, h, bpp); err != nil {
			return err
		}
		for y := range h {
			if err := emit(img[y*stride : (y+1)*stride]); err != nil {
				return err
			}
		}
		return rw.close()
	}
	cur := make([]byte, 1+stride)
	prev := make([]byte, 1+stride)
	for y := 0; y < h; y++ {
		if _, err := io.ReadFull(zbr, cur); err != nil {
			return rowsEnd(err, fmt.Sprintf("图像数据不完整：共 %d 行，只读到 %d 行", h, y), "row %d of %d", y, h)
		}
		if err := unfilter(cur[0], cur[1:], prev[1:], bpp); err != nil {
			return fmt.Errorf("row %d: %w", y, err)
		}
		if err := emit(cur[1:]); err != nil {
			return err
		}
		cur, prev = prev, cur
	}
	return rw.close()
}

// maxDecodePixels bounds an image decoded whole (an interlaced PNG, a GIF,
// a WebP): 64 Mpx, 256 MB of RGBA, a scrolling screenshot 1080 pixels wide
// and 60 000 high.
const maxDecodePixels = 64 << 20

// errTooLarge refuses an image that would be decoded whole but is larger
// than maxDecodePixels.
func errTooLarge(w, h int) error {
	return newProblem(fmt.Sprintf("图像为 %d×%d 像素，超过可转换的上限", w, h),
		"image of %d×%d pixels is larger than can be converted", w, h)
}

// inflateZlib returns the inflated data of a zlib stream, without checking
// its trailing Adler-32 checksum.
func inflateZlib(r io.Reader) (io.Reader, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, truncated("no zlib header")
	}
	if hdr[0]&0x0f != 8 || hdr[0]>>4 > 7 || (uint16(hdr[0])<<8|uint16(hdr[1]))%31 != 0 {
		return nil, newProblem("图像的压缩数据已损坏", "bad zlib header")
	}
	if hdr[1]&0x20 != 0 {
		return nil, newProblem("图像的压缩数据使用了 PNG 不允许的预设字典", "zlib preset dictionary")
	}
	return flate.NewReader(r), nil
}

// adam7 holds the seven passes of PNG interlacing: the first column and
// row of each pass and its steps across and down.
var adam7 = [7]struct{ x, y, dx, dy int }{
	{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2},
}

// deinterlace reads the seven passes of an interlaced image of w×h pixels
// of bpp bytes from r (filtered rows, inflated) and puts every pixel in
// its place in img (h rows of w*bpp bytes).
func deinterlace(r io.Reader, img []byte, w, h, bpp int) error {
	stride := w * bpp
	cur := make([]byte, 1+stride)
	prev := make([]byte, 1+stride)
	for p, a := range adam7 {
		pw := (w - a.x + a.dx - 1) / a.dx
		ph := (h - a.y + a.dy - 1) / a.dy
		if pw <= 0 || ph <= 0 {
			continue // an empty pass has no rows, not even filter bytes
		}
		n := pw * bpp
		clear(prev[:1+n])
		for y := range ph {
			line := cur[:1+n]
			if _, err := io.ReadFull(r, line); err != nil {
				return rowsEnd(err, fmt.Sprintf("图像数据不完整，在隔行扫描共 7 遍中的第 %d 遍中断", p+1), "pass %d, row %d of %d", p+1, y, ph)
			}
			if err := unfilter(line[0], line[1:], prev[1:1+n], bpp); err != nil {
				return fmt.Errorf("pass %d, row %d: %w", p+1, y, err)
			}
			dst := img[(a.y+y*a.dy)*stride : (a.y+y*a.dy+1)*stride]
			src := line[1:]
			step := a.dx * bpp
			switch {
			case a.dx == 1:
				copy(dst, src)
			case bpp == 4:
				for i, o := 0, a.x*4; i < n; i, o = i+4, o+step {
					binary.LittleEndian.PutUint32(dst[o:o+4], binary.LittleEndian.Uint32(src[i:i+4]))
				}
			case bpp == 3:
				for i, o := 0, a.x*3; i < n; i, o = i+3, o+step {
					d, s := dst[o:o+3:o+3], src[i:i+3:i+3]
					d[0], d[1], d[2] = s[0], s[1], s[2]
				}
			default:
				for i, o := 0, a.x*bpp; i < n; i, o = i+bpp, o+step {
					copy(dst[o:o+bpp], src[i:i+bpp])
				}
			}
			cur, prev = prev, cur
		}
	}
	return nil
}

// compositeRow8 composites one row of 8-bit gray+alpha or RGBA samples
// over white. Screenshots are opaque but for their corners, so opaque and
// fully transparent pixels skip the arithmetic.
func compositeRow8(row, px []byte, channels, outBpp int) {
	for x, o := 0, 0; x+channels <= len(px) && o+outBpp <= len(row); x, o = x+channels, o+outBpp {
		switch a := uint32(px[x+channels-1]); a {
		case 255:
			copy(row[o:o+outBpp], px[x:x+outBpp])
		case 0:
			for c := range outBpp {
				row[o+c] = 255
			}
		default:
			for c := range outBpp {
				row[o+c] = uint8((uint32(px[x+c])*a + 255*(255-a) + 127) / 255)
			}
		}
	}
}

// unfilter reverses a PNG row filter in place. prev is the row above,
// unfiltered (zeros for the first row), at least as long as cur.
func unfilter(ft byte, cur, prev []byte, bpp int) error {
	prev = prev[:len(cur)]
	// The four-byte paths take whole pixels; PNG rows always are.
	px4 := bpp == 4 && len(cur)%4 == 0
	switch ft {
	case 0:
	case 1:
		if px4 {
			// Four bytes at a time: a pixel depends on the one before.
			for i := 4; i+4 <= len(cur); i += 4 {
				binary.LittleEndian.PutUint32(cur[i:], addBytes32(binary.LittleEndian.Uint32(cur[i:]), binary.LittleEndian.Uint32(cur[i-4:])))
			}
			break
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2:
		// Eight independent bytes at a time.
		i := 0
		for ; i+8 <= len(cur); i += 8 {
			binary.LittleEndian.PutUint64(cur[i:], addBytes64(binary.LittleEndian.Uint64(cur[i:]), binary.LittleEndian.Uint64(prev[i:])))
		}
		for ; i < len(cur); i++ {
			cur[i] += prev[i]
		}
	case 3:
		if px4 {
			avg4(cur, prev)
			break
		}
		// One channel at a time, the byte to the left kept in a register;
		// the left of the first pixel is 0.
		for ch := range min(bpp, len(cur)) {
			var a int
			for i := ch; i < len(cur); i += bpp {
				a = int(cur[i]+uint8((a+int(prev[i]))/2)) & 0xff
				cur[i] = uint8(a)
			}
		}
	case 4:
		if px4 {
			paeth4(cur, prev)
			break
		}
		// One channel at a time: a is the byte to the left, c the one
		// above it (both 0 left of the first pixel).
		for ch := range min(bpp, len(cur)) {
			var a, c uint8
			for i := ch; i < len(cur); i += bpp {
				b := prev[i]
				a = cur[i] + paeth(a, b, c)
				cur[i] = a
				c = b
			}
		}
	default:
		return newProblem(fmt.Sprintf("图像数据已损坏：未知的行滤波类型 %d", ft), "unknown filter %d", ft)
	}
	return nil
}

// paeth is the PNG Paeth predictor of a byte from the one to its left
// (a), above (b) and above-left (c).
func paeth(a, b, c uint8) uint8 {
	pa := int(b) - int(c) // |p - a| with p = a + b - c
	pb := int(a) - int(c) // |p - b|
	pc := pa + pb         // |p - c|
	pa, pb, pc = max(pa, -pa), max(pb, -pb), max(pc, -pc)
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

// paeth4 reverses the Paeth filter on a row of 4-byte pixels. The four
// channels are four independent chains, interleaved so the processor can
// work on them at once.
func paeth4(cur, prev []byte) {
	var a0, a1, a2, a3, c0, c1, c2, c3 uint8
	for i := 0; i+4 <= len(cur); i += 4 {
		p, q := cur[i:i+4:i+4], prev[i:i+4:i+4]
		b0, b1, b2, b3 := q[0], q[1], q[2], q[3]
		a0 = p[0] + paeth(a0, b0, c0)
		a1 = p[1] + paeth(a1, b1, c1)
		a2 = p[2] + paeth(a2, b2, c2)
		a3 = p[3] + paeth(a3, b3, c3)
		p[0], p[1], p[2], p[3] = a0, a1, a2, a3
		c0, c1, c2, c3 = b0, b1, b2, b3
	}
}

// avg4 reverses the Average filter on a row of 4-byte pixels, the four
// channels interleaved as in paeth4.
func avg4(cur, prev []byte) {
	var a0, a1, a2, a3 uint8
	for i := 0; i+4 <= len(cur); i += 4 {
		p, q := cur[i:i+4:i+4], prev[i:i+4:i+4]
		a0 = p[0] + uint8((uint(a0)+uint(q[0]))/2)
		a1 = p[1] + uint8((uint(a1)+uint(q[1]))/2)
		a2 = p[2] + uint8((uint(a2)+uint(q[2]))/2)
		a3 = p[3] + uint8((uint(a3)+uint(q[3]))/2)
		p[0], p[1], p[2], p[3] = a0, a1, a2, a3
	}
}

// addBytes64 adds the eight bytes of x and y lane by lane, modulo 256.
func addBytes64(x, y uint64) uint64 {
	const hi = 0x8080808080808080
	return ((x &^ hi) + (y &^ hi)) ^ ((x ^ y) & hi)
}

// addBytes32 adds the four bytes of x and y lane by lane, modulo 256.
func addBytes32(x, y uint32) uint32 {
	const hi = 0x80808080
	return ((x &^ hi) + (y &^ hi)) ^ ((x ^ y) & hi)
}

// writeRGBARows writes the rows of opaque 8-bit RGBA pixels as RGB.
func writeRGBARows(pix []byte, stride, w, h int, rows func(w, h, bpp int) (*rowWriter, error)) error {
	rw, err := rows(w, h, 3)
	if err != nil {
		return err
	}
	for y := range h {
		if err := rw.writeRGBA(pix[y*stride : y*stride+4*w]); err != nil {
			return err
		}
	}
	return rw.close()
}

// writeGrayRows writes the rows of 8-bit gray pixels.
func writeGrayRows(pix []byte, stride, w, h int, rows func(w, h, bpp int) (*rowWriter, error)) error {
	rw, err := rows(w, h, 1)
	if err != nil {
		return err
	}
	for y := range h {
		if err := rw.write(pix[y*stride : y*stride+w]); err != nil {
			return err
		}
	}
	return rw.close()
}

// errBadIHDR is a PNG whose header chunk is missing or malformed.
func errBadIHDR(what string) error {
	return newProblem("PNG 文件头损坏", "%s", what)
}

// errNoImageData is a PNG without image data (no IDAT chunk).
var errNoImageData = newProblem("PNG 文件中没有图像数据", "no image data")

// rowsEnd is the error of image data that stopped at the row named by
// format and args: short data (told by zh), or a cause of its own, such
// as corrupt compressed data.
func rowsEnd(err error, zh, format string, args ...any) error {
	where := fmt.Sprintf(format, args...)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return newProblem(zh, "image data ends at %s", where)
	}
	return fmt.Errorf("image data, %s: %w", where, err)
}
