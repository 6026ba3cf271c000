package render

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
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

// idatReader yields the concatenated IDAT data of a PNG whose chunk
// stream is positioned just after the signature.
type idatReader struct {
	br        *bufio.Reader
	remaining int64
	started   bool
	done      bool
	ihdr      []byte
}

func (r *idatReader) next() error {
	var hdr [8]byte
	for {
		if _, err := io.ReadFull(r.br, hdr[:]); err != nil {
			return errors.New("truncated")
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:])
		if n > 1<<31-1 {
			return fmt.Errorf("chunk %q of %d bytes", typ, n)
		}
		if r.ihdr == nil && typ != "IHDR" {
			return errors.New("first chunk is not IHDR")
		}
		switch typ {
		case "IHDR":
			if n != 13 || r.ihdr != nil {
				return errors.New("bad IHDR")
			}
			r.ihdr = make([]byte, 13)
			if _, err := io.ReadFull(r.br, r.ihdr); err != nil {
				return errors.New("truncated")
			}
			n = 0
		case "IDAT":
			r.started = true
			r.remaining = n
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
		if _, err := r.br.Discard(int(n) + 4); err != nil {
			return errors.New("truncated")
		}
	}
}

func (r *idatReader) Read(p []byte) (int, error) {
	for r.remaining == 0 {
		if r.done {
			return 0, io.EOF
		}
		if r.started {
			if _, err := r.br.Discard(4); err != nil { // CRC of the last IDAT
				return 0, io.ErrUnexpectedEOF
			}
		}
		if err := r.next(); err != nil {
			return 0, err
		}
	}
	if int64(len(p)) > r.remaining {
		p = p[:r.remaining]
	}
	n, err := r.br.Read(p)
	r.remaining -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// flattenPNGRows streams a non-interlaced PNG with an alpha channel (gray
// or RGB, 8 or 16 bits) row by row: unfilter, composite over white, and
// hand each row to rw. It never holds more than two rows.
func flattenPNGRows(r io.Reader, maxPixels int64, out func(width, height, bpp int) (*rowWriter, error)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var sig [8]byte
	if _, err := io.ReadFull(br, sig[:]); err != nil || string(sig[:]) != pngSignature {
		return errors.New("bad signature")
	}
	ir := &idatReader{br: br}
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
			for x, o := 0, 0; x < len(px); x += channels {
				a := uint32(px[x+channels-1])
				for c := range outBpp {
					row[o+c] = uint8((uint32(px[x+c])*a + 255*(255-a) + 127) / 255)
				}
				o += outBpp
			}
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

// writeRGBARows writes an opaque RGBA image's rows as RGB.
func writeRGBARows(img *image.RGBA, rw *rowWriter) error {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	row := make([]byte, 3*w)
	for y := range h {
		px := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := range w {
			row[3*x], row[3*x+1], row[3*x+2] = px[4*x], px[4*x+1], px[4*x+2]
		}
		if err := rw.write(row); err != nil {
			return err
		}
	}
	return rw.close()
}
