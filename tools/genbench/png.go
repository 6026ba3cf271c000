package main

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
)

// Screenshot geometry (a 1080p-wide phone).
const (
	shotW     = 1080
	shotH     = 2400
	longShotH = 8000
)

// shotKind says how a screenshot PNG is stored.
type shotKind int

const (
	shotRGB        shotKind = iota // colour type 2, what most phones write
	shotRGBA                       // colour type 6 with transparent rounded corners
	shotInterlaced                 // colour type 2, Adam7
)

// canvas is an RGBA picture with the few drawing operations a chat
// screenshot needs. Pixels stay opaque unless punched out explicitly.
type canvas struct {
	img *image.NRGBA
	r   *rand.Rand
}

func newCanvas(w, h int, bg uint32, r *rand.Rand) *canvas {
	c := &canvas{img: image.NewNRGBA(image.Rect(0, 0, w, h)), r: r}
	c.rect(0, 0, w, h, bg)
	return c
}

// rect fills [x0,x1)×[y0,y1) with an opaque 0xRRGGBB colour, clipped.
func (c *canvas) rect(x0, y0, x1, y1 int, col uint32) {
	b := c.img.Bounds()
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, b.Dx()), min(y1, b.Dy())
	if x0 >= x1 || y0 >= y1 {
		return
	}
	r, g, bl := uint8(col>>16), uint8(col>>8), uint8(col)
	row := c.img.Pix[y0*c.img.Stride+x0*4 : y0*c.img.Stride+x1*4]
	for i := 0; i < len(row); i += 4 {
		row[i], row[i+1], row[i+2], row[i+3] = r, g, bl, 0xFF
	}
	for y := y0 + 1; y < y1; y++ {
		copy(c.img.Pix[y*c.img.Stride+x0*4:], row)
	}
}

// noise fills a rectangle with a photo-like texture: a smooth gradient
// between two colours plus per-pixel noise of the given amplitude.
func (c *canvas) noise(x0, y0, x1, y1 int, from, to uint32, amp int) {
	b := c.img.Bounds()
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, b.Dx()), min(y1, b.Dy())
	if x0 >= x1 || y0 >= y1 || amp < 1 {
		return
	}
	h := y1 - y0
	for y := y0; y < y1; y++ {
		t := (y - y0) * 256 / h
		base := [3]int{}
		for k := range 3 {
			sh := uint(16 - 8*k)
			a, z := int(from>>sh&0xFF), int(to>>sh&0xFF)
			base[k] = a + (z-a)*t/256
		}
		p := c.img.Pix[y*c.img.Stride+x0*4 : y*c.img.Stride+x1*4]
		var bits uint64
		for i := 0; i < len(p); i += 4 {
			if i%8 == 0 {
				bits = c.r.Uint64()
			}
			n := int(bits>>(uint(i%8)*8)&0xFF)%(2*amp+1) - amp
			p[i] = clamp8(base[0] + n)
			p[i+1] = clamp8(base[1] + n/2 + int(bits>>56)%3 - 1)
			p[i+2] = clamp8(base[2] + n)
			p[i+3] = 0xFF
		}
	}
}

func clamp8(v int) uint8 {
	return uint8(min(max(v, 0), 255))
}

// text draws n glyph-like marks of size sz starting at (x,y): each glyph is
// a few random strokes, which compresses about like anti-alias-free CJK text.
func (c *canvas) text(x, y, n, sz int, col uint32) int {
	th := max(sz/9, 2)
	for range n {
		strokes := 3 + c.r.IntN(4)
		for range strokes {
			if c.r.IntN(2) == 0 {
				yy := y + c.r.IntN(sz-th)
				x0 := x + c.r.IntN(sz/2)
				c.rect(x0, yy, x0+sz/3+c.r.IntN(sz/2), yy+th, col)
			} else {
				xx := x + c.r.IntN(sz-th)
				y0 := y + c.r.IntN(sz/2)
				c.rect(xx, y0, xx+th, y0+sz/3+c.r.IntN(sz/2), col)
			}
		}
		x += sz + sz/8
	}
	return x
}

// renderChatShot draws a WeChat-like chat screen of w×h.
func renderChatShot(w, h int, r *rand.Rand) *image.NRGBA {
	c := newCanvas(w, h, 0xEDEDED, r)
	// Status bar and title bar.
	c.text(40, 28, 5, 30, 0x111111)
	c.rect(w-150, 32, w-60, 58, 0x222222)
	c.rect(0, 96, w, 230, 0xEDEDED)
	c.rect(0, 229, w, 231, 0xD6D6D6)
	c.rect(40, 140, 70, 190, 0x111111)
	c.text(w/2-150, 142, 6, 44, 0x111111)
	y := 260
	bottom := h - 200
	for y < bottom-120 {
		switch p := r.IntN(100); {
		case p < 10: // time pill
			c.text(w/2-110, y+10, 6, 28, 0xA0A0A0)
			y += 70
		case p < 24: // picture message
			pw, ph := 380+r.IntN(300), 300+r.IntN(420)
			x := 150
			if r.IntN(2) == 0 {
				x = w - 150 - pw
			}
			from, to := uint32(r.Uint32()&0xFFFFFF), uint32(r.Uint32()&0xFFFFFF)
			c.noise(x, y, x+pw, y+ph, from, to, 14+r.IntN(30))
			y += ph + 40
		case p < 30: // transfer card
			x := w - 150 - 620
			c.rect(x, y, x+620, y+220, 0xF79C42)
			c.text(x+130, y+40, 4, 40, 0xFFFFFF)
			c.text(x+130, y+110, 5, 30, 0xFFFFFF)
			c.rect(x, y+170, x+620, y+220, 0xFFFFFF)
			c.text(x+30, y+180, 4, 26, 0xB0B0B0)
			y += 260
		default: // text bubble with avatar
			lines := 1 + r.IntN(4)
			right := r.IntN(2) == 0
			bw := 0
			counts := make([]int, lines)
			for i := range counts {
				counts[i] = 3 + r.IntN(14)
				bw = max(bw, counts[i]*47+60)
			}
			bh := lines*58 + 44
			ax, bx, col := 30, 150, uint32(0xFFFFFF)
			if right {
				ax, bx, col = w-130, w-150-bw, 0x95EC69
			}
			avatar := uint32(r.Uint32() & 0xFFFFFF)
			c.noise(ax, y, ax+100, y+100, avatar, avatar^0x303030, 20)
			c.rect(bx, y, bx+bw, y+bh, col)
			for i, n := range counts {
				c.text(bx+30, y+24+i*58, n, 42, 0x191919)
			}
			y += bh + 44
		}
	}
	// Input bar.
	c.rect(0, h-170, w, h, 0xF7F7F7)
	c.rect(120, h-140, w-260, h-50, 0xFFFFFF)
	c.rect(30, h-125, 90, h-65, 0x333333)
	c.rect(w-230, h-125, w-170, h-65, 0x333333)
	c.rect(w-140, h-125, w-40, h-65, 0x07C160)
	return c.img
}

// roundCorners makes the corners outside a radius transparent, as some
// screenshot tools and framed screenshots do.
func roundCorners(img *image.NRGBA, radius int) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	for y := range radius {
		for x := range radius {
			dx, dy := radius-x, radius-y
			if dx*dx+dy*dy <= radius*radius {
				continue
			}
			for _, p := range [][2]int{{x, y}, {w - 1 - x, y}, {x, h - 1 - y}, {w - 1 - x, h - 1 - y}} {
				img.Pix[p[1]*img.Stride+p[0]*4+3] = 0
			}
		}
	}
}

// encodeShot encodes a rendered screenshot the way kind says.
func encodeShot(w io.Writer, img *image.NRGBA, kind shotKind) error {
	switch kind {
	case shotRGBA:
		roundCorners(img, 48)
		return (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, img)
	case shotInterlaced:
		return encodeInterlacedRGB(w, img)
	default:
		// Opaque NRGBA: image/png writes colour type 2 (RGB).
		return (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, img)
	}
}

// adam7 lists the passes of PNG interlacing: x0, y0, dx, dy.
var adam7 = [7][4]int{
	{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2},
}

// encodeInterlacedRGB writes img (alpha ignored) as an 8-bit RGB PNG with
// Adam7 interlacing, which image/png cannot write. Each scanline uses the
// cheaper of the Sub and Up filters.
func encodeInterlacedRGB(w io.Writer, img *image.NRGBA) error {
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()
	var raw bytes.Buffer
	zw, err := zlib.NewWriterLevel(&raw, zlib.DefaultCompression)
	if err != nil {
		return fmt.Errorf("encode png: %w", err)
	}
	for _, p := range adam7 {
		pw := (width - p[0] + p[2] - 1) / p[2]
		ph := (height - p[1] + p[3] - 1) / p[3]
		if pw <= 0 || ph <= 0 {
			continue
		}
		prev := make([]byte, pw*3)
		cur := make([]byte, pw*3)
		sub := make([]byte, 1+pw*3)
		up := make([]byte, 1+pw*3)
		for j := range ph {
			y := p[1] + j*p[3]
			for i := range pw {
				x := p[0] + i*p[2]
				o := y*img.Stride + x*4
				copy(cur[i*3:i*3+3], img.Pix[o:o+3])
			}
			sub[0], up[0] = 1, 2
			var sSub, sUp int
			for i := range cur {
				var left byte
				if i >= 3 {
					left = cur[i-3]
				}
				sub[i+1] = cur[i] - left
				up[i+1] = cur[i] - prev[i]
				sSub += absSigned(sub[i+1])
				sUp += absSigned(up[i+1])
			}
			line := sub
			if sUp < sSub {
				line = up
			}
			if _, err := zw.Write(line); err != nil {
				return fmt.Errorf("encode png: %w", err)
			}
			prev, cur = cur, prev
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("encode png: %w", err)
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12] = 8, 2, 0, 0, 1
	if _, err := w.Write([]byte("\x89PNG\r\n\x1a\n")); err != nil {
		return fmt.Errorf("encode png: %w", err)
	}
	if err := writeChunk(w, "IHDR", ihdr); err != nil {
		return err
	}
	data := raw.Bytes()
	for len(data) > 0 {
		n := min(len(data), 1<<16)
		if err := writeChunk(w, "IDAT", data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return writeChunk(w, "IEND", nil)
}

func absSigned(b byte) int {
	if v := int(int8(b)); v < 0 {
		return -v
	} else {
		return v
	}
}

// writeChunk writes one PNG chunk with its CRC.
func writeChunk(w io.Writer, typ string, data []byte) error {
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(data)))
	copy(hdr[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(hdr[4:])
	crc.Write(data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc.Sum32())
	for _, p := range [][]byte{hdr[:], data, tail[:]} {
		if _, err := w.Write(p); err != nil {
			return fmt.Errorf("encode png: %w", err)
		}
	}
	return nil
}
