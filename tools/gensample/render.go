package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/evipack/evipack/templates"
)

// emojiSmile is the one emoji the sample chat uses. Noto Sans SC has no
// glyph for it, so the screenshots draw it as a small picture instead.
const emojiSmile = '😊'

// fontSet holds the parsed Noto Sans SC fonts and a cache of faces by size.
type fontSet struct {
	regular, bold *opentype.Font
	faces         map[faceKey]font.Face
	// Raw font files, reused by the PDF writer.
	regularTTF, boldTTF []byte
}

type faceKey struct {
	size float64
	bold bool
}

func loadFonts() (*fontSet, error) {
	reg, bold := templates.FontRegularTTF, templates.FontBoldTTF
	fr, err := opentype.Parse(reg)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", templates.FontRegular, err)
	}
	fb, err := opentype.Parse(bold)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", templates.FontBold, err)
	}
	return &fontSet{regular: fr, bold: fb, faces: make(map[faceKey]font.Face), regularTTF: reg, boldTTF: bold}, nil
}

// face returns a face whose size is given in pixels.
func (fs *fontSet) face(size float64, bold bool) font.Face {
	k := faceKey{size, bold}
	if f, ok := fs.faces[k]; ok {
		return f
	}
	src := fs.regular
	if bold {
		src = fs.bold
	}
	f, err := opentype.NewFace(src, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		// NewFace only fails on invalid options; the self-check would
		// notice the wrong glyphs.
		f = basicfont.Face7x13
	}
	fs.faces[k] = f
	return f
}

// canvas is an RGBA image with drawing helpers; coordinates are pixels.
type canvas struct {
	img   *image.RGBA
	fonts *fontSet
}

func newCanvas(w, h int, bg color.Color, fonts *fontSet) *canvas {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	return &canvas{img: img, fonts: fonts}
}

func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 0xff}
}

func (c *canvas) rect(x0, y0, x1, y1 int, col color.Color) {
	draw.Draw(c.img, image.Rect(x0, y0, x1, y1), image.NewUniform(col), image.Point{}, draw.Over)
}

// path records a shape for the anti-aliasing rasterizer.
type path struct {
	ops []func(z *vector.Rasterizer, ox, oy float64)
}

func (p *path) moveTo(x, y float64) {
	p.ops = append(p.ops, func(z *vector.Rasterizer, ox, oy float64) { z.MoveTo(float32(x-ox), float32(y-oy)) })
}
func (p *path) lineTo(x, y float64) {
	p.ops = append(p.ops, func(z *vector.Rasterizer, ox, oy float64) { z.LineTo(float32(x-ox), float32(y-oy)) })
}
func (p *path) cubeTo(x1, y1, x2, y2, x, y float64) {
	p.ops = append(p.ops, func(z *vector.Rasterizer, ox, oy float64) {
		z.CubeTo(float32(x1-ox), float32(y1-oy), float32(x2-ox), float32(y2-oy), float32(x-ox), float32(y-oy))
	})
}
func (p *path) close() {
	p.ops = append(p.ops, func(z *vector.Rasterizer, _, _ float64) { z.ClosePath() })
}

const kappa = 0.5522847498

func (p *path) circle(cx, cy, r float64) {
	k := r * kappa
	p.moveTo(cx+r, cy)
	p.cubeTo(cx+r, cy+k, cx+k, cy+r, cx, cy+r)
	p.cubeTo(cx-k, cy+r, cx-r, cy+k, cx-r, cy)
	p.cubeTo(cx-r, cy-k, cx-k, cy-r, cx, cy-r)
	p.cubeTo(cx+k, cy-r, cx+r, cy-k, cx+r, cy)
	p.close()
}

func (p *path) roundRect(x0, y0, x1, y1, r float64) {
	r = math.Min(r, math.Min((x1-x0)/2, (y1-y0)/2))
	k := r * kappa
	p.moveTo(x0+r, y0)
	p.lineTo(x1-r, y0)
	p.cubeTo(x1-r+k, y0, x1, y0+r-k, x1, y0+r)
	p.lineTo(x1, y1-r)
	p.cubeTo(x1, y1-r+k, x1-r+k, y1, x1-r, y1)
	p.lineTo(x0+r, y1)
	p.cubeTo(x0+r-k, y1, x0, y1-r+k, x0, y1-r)
	p.lineTo(x0, y0+r)
	p.cubeTo(x0, y0+r-k, x0+r-k, y0, x0+r, y0)
	p.close()
}

// line adds a segment of width w as a closed quadrilateral.
func (p *path) line(x0, y0, x1, y1, w float64) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	p.moveTo(x0+nx, y0+ny)
	p.lineTo(x1+nx, y1+ny)
	p.lineTo(x1-nx, y1-ny)
	p.lineTo(x0-nx, y0-ny)
	p.close()
}

// fill rasterizes p, which must lie within the box (x0,y0)-(x1,y1).
func (c *canvas) fill(x0, y0, x1, y1 float64, col color.Color, p *path) {
	b := image.Rect(int(math.Floor(x0))-1, int(math.Floor(y0))-1, int(math.Ceil(x1))+1, int(math.Ceil(y1))+1).Intersect(c.img.Bounds())
	if b.Empty() {
		return
	}
	z := vector.NewRasterizer(b.Dx(), b.Dy())
	z.DrawOp = draw.Over
	for _, op := range p.ops {
		op(z, float64(b.Min.X), float64(b.Min.Y))
	}
	z.Draw(c.img, b, image.NewUniform(col), image.Point{})
}

// fillSrc is fill with an image source aligned to canvas coordinates.
func (c *canvas) fillSrc(x0, y0, x1, y1 float64, src image.Image, p *path) {
	b := image.Rect(int(math.Floor(x0))-1, int(math.Floor(y0))-1, int(math.Ceil(x1))+1, int(math.Ceil(y1))+1).Intersect(c.img.Bounds())
	if b.Empty() {
		return
	}
	z := vector.NewRasterizer(b.Dx(), b.Dy())
	z.DrawOp = draw.Over
	for _, op := range p.ops {
		op(z, float64(b.Min.X), float64(b.Min.Y))
	}
	z.Draw(c.img, b, src, b.Min)
}

func (c *canvas) circle(cx, cy, r float64, col color.Color) {
	var p path
	p.circle(cx, cy, r)
	c.fill(cx-r, cy-r, cx+r, cy+r, col, &p)
}

func (c *canvas) roundRect(x0, y0, x1, y1, r float64, col color.Color) {
	var p path
	p.roundRect(x0, y0, x1, y1, r)
	c.fill(x0, y0, x1, y1, col, &p)
}

// roundRectOutline draws a rounded rectangle border of width w.
func (c *canvas) roundRectOutline(x0, y0, x1, y1, r, w float64, col color.Color) {
	var p path
	p.roundRect(x0, y0, x1, y1, r)
	// The inner contour runs the other way round, so its signed area
	// cancels the outer one and leaves a hole.
	ir := math.Max(r-w, 0)
	ix0, iy0, ix1, iy1 := x0+w, y0+w, x1-w, y1-w
	k := ir * kappa
	p.moveTo(ix0+ir, iy0)
	p.cubeTo(ix0+ir-k, iy0, ix0, iy0+ir-k, ix0, iy0+ir)
	p.lineTo(ix0, iy1-ir)
	p.cubeTo(ix0, iy1-ir+k, ix0+ir-k, iy1, ix0+ir, iy1)
	p.lineTo(ix1-ir, iy1)
	p.cubeTo(ix1-ir+k, iy1, ix1, iy1-ir+k, ix1, iy1-ir)
	p.lineTo(ix1, iy0+ir)
	p.cubeTo(ix1, iy0+ir-k, ix1-ir+k, iy0, ix1-ir, iy0)
	p.close()
	c.fill(x0, y0, x1, y1, col, &p)
}

func (c *canvas) line(x0, y0, x1, y1, w float64, col color.Color) {
	var p path
	p.line(x0, y0, x1, y1, w)
	c.fill(math.Min(x0, x1)-w, math.Min(y0, y1)-w, math.Max(x0, x1)+w, math.Max(y0, y1)+w, col, &p)
}

// polyline draws connected segments with round joints.
func (c *canvas) polyline(w float64, col color.Color, pts ...float64) {
	for i := 0; i+3 < len(pts); i += 2 {
		c.line(pts[i], pts[i+1], pts[i+2], pts[i+3], w, col)
		if i > 0 {
			c.circle(pts[i], pts[i+1], w/2, col)
		}
	}
}

// textWidth measures s in pixels; the emoji counts as one em.
func (c *canvas) textWidth(s string, size float64, bold bool) float64 {
	f := c.fonts.face(size, bold)
	w := 0.0
	for _, r := range s {
		if r == emojiSmile {
			w += size * 1.1
			continue
		}
		adv, ok := f.GlyphAdvance(r)
		if !ok {
			adv, _ = f.GlyphAdvance('□')
		}
		w += float64(adv) / 64
	}
	return w
}

// text draws s with its baseline at y and returns the advance.
func (c *canvas) text(x, y float64, s string, size float64, bold bool, col color.Color) float64 {
	f := c.fonts.face(size, bold)
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: f}
	start := x
	for _, r := range s {
		if r == emojiSmile {
			c.smiley(x+size*0.55, y-size*0.36, size*0.5)
			x += size * 1.1
			continue
		}
		d.Dot = fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(y * 64))}
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		d.DrawString(string(buf[:n]))
		adv, _ := f.GlyphAdvance(r)
		x += float64(adv) / 64
	}
	return x - start
}

func (c *canvas) textCenter(cx, y float64, s string, size float64, bold bool, col color.Color) {
	c.text(cx-c.textWidth(s, size, bold)/2, y, s, size, bold, col)
}

func (c *canvas) textRight(rx, y float64, s string, size float64, bold bool, col color.Color) {
	c.text(rx-c.textWidth(s, size, bold), y, s, size, bold, col)
}

func (c *canvas) smiley(cx, cy, r float64) {
	c.circle(cx, cy, r, rgb(0xFFC83D))
	c.circle(cx-r*0.35, cy-r*0.2, r*0.12, rgb(0x6B3E00))
	c.circle(cx+r*0.35, cy-r*0.2, r*0.12, rgb(0x6B3E00))
	c.polyline(r*0.12, rgb(0x6B3E00), cx-r*0.5, cy+r*0.2, cx-r*0.25, cy+r*0.48, cx, cy+r*0.56, cx+r*0.25, cy+r*0.48, cx+r*0.5, cy+r*0.2)
	c.circle(cx-r*0.55, cy+r*0.25, r*0.15, color.NRGBA{0xF0, 0x80, 0x60, 0x90})
	c.circle(cx+r*0.55, cy+r*0.25, r*0.15, color.NRGBA{0xF0, 0x80, 0x60, 0x90})
}

// Characters that must not start or end a wrapped line.
const (
	noLineStart = "，。、；：？！）》】”’…,.;:?!)%"
	noLineEnd   = "（《【“‘￥¥("
)

func containsRune(set string, r rune) bool {
	for _, s := range set {
		if s == r {
			return true
		}
	}
	return false
}

// wrap breaks s into lines no wider than maxW. It breaks between any two
// runes except inside runs of ASCII letters and digits, and keeps closing
// punctuation off the line start and opening punctuation off the line end.
func (c *canvas) wrap(s string, size float64, bold bool, maxW float64) []string {
	var lines []string
	rs := []rune(s)
	for len(rs) > 0 {
		w := 0.0
		i := 0
		for i < len(rs) {
			cw := c.textWidth(string(rs[i]), size, bold)
			if w+cw > maxW && i > 0 {
				break
			}
			w += cw
			i++
		}
		if i < len(rs) {
			brk := i
			// Do not split ASCII words.
			for brk > 0 && isWordRune(rs[brk-1]) && isWordRune(rs[brk]) {
				brk--
			}
			if brk == 0 {
				brk = i
			}
			for brk > 1 && (containsRune(noLineStart, rs[brk]) || containsRune(noLineEnd, rs[brk-1])) {
				brk--
			}
			i = brk
		}
		lines = append(lines, string(rs[:i]))
		rs = rs[i:]
	}
	return lines
}

func isWordRune(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '/' || r == '.' || r == ':' || r == '?' || r == '=')
}
