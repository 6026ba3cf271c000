package render

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

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

func (rw *rowWriter) close() error { return rw.zw.Close() }

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
		return nil, errors.New("bad signature")
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
			return "", 0, fmt.Errorf("truncated at byte %d", c.pos)
		}
	}
	var hdr [8]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		return "", 0, fmt.Errorf("truncated at byte %d", c.pos)
	}
	c.pos += 8
	n = int64(binary.BigEndian.Uint32(hdr[:4]))
	typ = string(hdr[4:])
	if n > 1<<31-1 {
		return "", 0, fmt.Errorf("chunk %q of %d bytes", typ, n)
	}
	c.inChunk, c.rest = true, n
	return typ, n, nil
}

// data reads the whole current chunk, refusing one longer than limit.
func (c *pngChunks) data(typ string, limit int64) ([]byte, error) {
	if c.rest > limit {
		return nil, fmt.Errorf("%s chunk of %d bytes", typ, c.rest)
	}
	b := make([]byte, c.rest)
	if _, err := io.ReadFull(c, b); err != nil {
		return nil, fmt.Errorf("truncated %s chunk", typ)
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
			return errors.New("first chunk is not IHDR")
		}
		switch typ {
		case "IHDR":
			if n != 13 || r.ihdr != nil {
				return errors.New("bad IHDR")
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

// flattenPNGRows streams a non-interlaced PNG with an alpha channel (gray
// or RGB, 8 or 16 bits) row by row: unfilter, composite over white, and
// hand each row to rw. It never holds more than two rows.
func flattenPNGRows(r io.Reader, maxPixels int64, out func(width, height, bpp int) (*rowWriter, error)) error {
	c, err := newPNGChunks(r, 64<<10)
	if err != nil {
		return err
	}
	ir := &idatReader{c: c}
	if err := ir.next(); err != nil {
		return err
	}
	if ir.ihdr == nil || !ir.started {
		return errors.New("no image data")
	}
	w := int(binary.BigEndian.Uint32(ir.ihdr[0:4]))
	h := int(binary.BigEndian.Uint32(ir.ihdr[4:8]))
	depth, ct, interlace := ir.ihdr[8], ir.ihdr[9], ir.ihdr[12]
	if w <= 0 || h <= 0 || int64(w)*int64(h) > maxPixels || w > 1<<20 || h > 1<<20 {
		return fmt.Errorf("size %d×%d", w, h)
	}
	if interlace != 0 || (ct != 4 && ct != 6) || (depth != 8 && depth != 16) {
		return errConvert // not for this path
	}
	channels := 2
	outBpp := 1
	if ct == 6 {
		channels, outBpp = 4, 3
	}
	bpp := channels * int(depth) / 8
	stride := w * bpp
	zr, err := zlib.NewReader(ir)
	if err != nil {
		return fmt.Errorf("image data: %v", err)
	}
	defer zr.Close()
	rw, err := out(w, h, outBpp)
	if err != nil {
		return err
	}
	cur := make([]byte, 1+stride)
	prev := make([]byte, 1+stride)
	row := make([]byte, w*outBpp)
	zbr := bufio.NewReaderSize(zr, 64<<10)
	for y := 0; y < h; y++ {
		if _, err := io.ReadFull(zbr, cur); err != nil {
			return fmt.Errorf("image data ends at row %d of %d", y, h)
		}
		if err := unfilter(cur[0], cur[1:], prev[1:], bpp); err != nil {
			return fmt.Errorf("row %d: %v", y, err)
		}
		px := cur[1:]
		if depth == 8 {
			compositeRow8(row, px, channels, outBpp)
		} else {
			for x, o := 0, 0; x < len(px); x += 2 * channels {
				a := uint32(px[x+2*channels-2])<<8 | uint32(px[x+2*channels-1])
				for c := range outBpp {
					v := uint32(px[x+2*c])<<8 | uint32(px[x+2*c+1])
					row[o+c] = uint8(((uint64(v)*uint64(a) + 65535*uint64(65535-a) + 32767) / 65535) >> 8)
				}
				o += outBpp
			}
		}
		if err := rw.write(row); err != nil {
			return err
		}
		cur, prev = prev, cur
	}
	return rw.close()
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

// unfilter reverses a PNG row filter in place.
func unfilter(ft byte, cur, prev []byte, bpp int) error {
	switch ft {
	case 0:
	case 1:
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2:
		for i := range cur {
			cur[i] += prev[i]
		}
	case 3:
		for i := range bpp {
			cur[i] += prev[i] / 2
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += uint8((int(cur[i-bpp]) + int(prev[i])) / 2)
		}
	case 4:
		for i := range bpp {
			cur[i] += prev[i]
		}
		for i := bpp; i < len(cur); i++ {
			a, b, c := int(cur[i-bpp]), int(prev[i]), int(prev[i-bpp])
			p := a + b - c
			pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
			switch {
			case pa <= pb && pa <= pc:
				cur[i] += uint8(a)
			case pb <= pc:
				cur[i] += uint8(b)
			default:
				cur[i] += uint8(c)
			}
		}
	default:
		return fmt.Errorf("unknown filter %d", ft)
	}
	return nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// writeRGBARows writes the rows of opaque 8-bit RGBA pixels as RGB.
func writeRGBARows(pix []byte, stride, w, h int, rows func(w, h, bpp int) (*rowWriter, error)) error {
	rw, err := rows(w, h, 3)
	if err != nil {
		return err
	}
	row := make([]byte, 3*w)
	for y := range h {
		px := pix[y*stride : y*stride+4*w]
		for x := range w {
			row[3*x], row[3*x+1], row[3*x+2] = px[4*x], px[4*x+1], px[4*x+2]
		}
		if err := rw.write(row); err != nil {
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
