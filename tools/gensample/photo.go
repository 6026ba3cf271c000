package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// Photo geometry: the phone was held upright, so the sensor image is stored
// landscape (storedW×storedH) with EXIF Orientation 6 and a viewer shows it
// portrait (storedH×storedW) after rotating 90° clockwise.
const (
	storedW = 1600
	storedH = 1200
)

// buildPhoto renders the camera photo of the laptop screen with the
// redeem error and wraps it in a JPEG carrying a hand-written EXIF segment.
func buildPhoto(f *fontSet) ([]byte, error) {
	view := renderPhotoScene(f)
	stored := rotateForOrientation6(view)
	jpg, err := encodeJPEG(stored, 85)
	if err != nil {
		return nil, err
	}
	app1, err := exifAPP1()
	if err != nil {
		return nil, err
	}
	return insertAPP1(jpg, app1)
}

// renderScreen draws what the laptop showed: the video site's redeem page.
func renderScreen(f *fontSet) *image.RGBA {
	const W, H = 1280, 800
	c := newCanvas(W, H, rgb(0xF4F5F7), f)
	// Browser chrome.
	c.rect(0, 0, W, 46, rgb(0xDEE1E6))
	c.roundRect(14, 8, 360, 52, 10, colWhite)
	c.text(36, 38, "VIP会员兑换 - 腾讯视频", 18, false, colText)
	c.text(332, 38, "×", 18, false, colGrey)
	c.rect(0, 46, W, 96, colWhite)
	c.circle(30, 71, 9, colLight)
	c.circle(62, 71, 9, colLight)
	c.roundRect(96, 54, W-60, 88, 17, rgb(0xF1F3F4))
	c.text(124, 78, "v.qq.com", 18, false, rgb(0x5F6368))
	// Site header.
	c.rect(0, 96, W, 170, rgb(0x1C1D21))
	c.text(60, 146, "腾讯视频", 30, true, rgb(0xFF9A1F))
	c.text(220, 144, "首页    电视剧    电影    综艺    动漫    VIP会员", 20, false, rgb(0xC9CBD1))
	// Card.
	c.roundRect(290, 210, 990, 720, 16, colWhite)
	c.textCenter(640, 280, "兑换VIP会员", 34, true, colText)
	c.text(360, 350, "请输入兑换码 / 卡密", 20, false, colGrey)
	c.roundRect(360, 370, 920, 430, 8, colWhite)
	c.roundRectOutline(360, 370, 920, 430, 8, 2, colRed)
	c.text(384, 410, invalidCode, 24, false, colText)
	c.circle(374, 466, 11, colRed)
	c.rect(372, 458, 376, 469, colWhite)
	c.rect(372, 472, 376, 476, colWhite)
	c.text(394, 475, redeemError, 24, false, colRed)
	c.roundRect(360, 510, 920, 574, 32, rgb(0xFF8A1F))
	c.textCenter(640, 552, "立即兑换", 26, true, colWhite)
	c.text(360, 630, "兑换说明：", 18, true, colGrey)
	c.text(360, 662, "1. 每个兑换码仅可使用一次，兑换成功后立即生效。", 18, false, colGrey)
	c.text(360, 692, "2. 请通过官方渠道购买兑换码，谨防上当受骗。", 18, false, colGrey)
	return c.img
}

// renderPhotoScene draws the photo as a viewer shows it (1200×1600):
// a laptop on a desk, its screen in perspective, with sensor noise.
func renderPhotoScene(f *fontSet) *image.RGBA {
	const W, H = storedH, storedW
	c := newCanvas(W, H, rgb(0x3A3632), f)
	// Wall and desk.
	c.gradientRect(0, 0, W, 700, rgb(0x4A4440), rgb(0x2E2A27), true)
	c.gradientRect(0, 700, W, H, rgb(0x7A5C40), rgb(0x5A4030), true)

	// Laptop lid (bezel) and keyboard deck as perspective quads.
	lid := [4][2]float64{{70, 150}, {1150, 190}, {1135, 905}, {55, 890}}
	fillQuad(c, lid, rgb(0x17181A))
	deck := [4][2]float64{{55, 905}, {1135, 920}, {1290, 1700}, {-110, 1700}}
	fillQuad(c, deck, rgb(0xA9ADB3))
	keys := renderKeyboard()
	mapTexture(c.img, keys, [4][2]float64{{95, 960}, {1095, 972}, {1200, 1560}, {-10, 1545}}, 1)

	screen := renderScreen(f)
	quad := [4][2]float64{{105, 190}, {1115, 228}, {1100, 860}, {92, 846}}
	mapTexture(c.img, screen, quad, 0.93)

	photoEffects(c.img)
	return c.img
}

// renderKeyboard draws a simple key grid texture.
func renderKeyboard() *image.RGBA {
	const W, H = 1000, 520
	c := newCanvas(W, H, rgb(0xA9ADB3), nil)
	for row := 0; row < 6; row++ {
		n := 14
		kw := float64(W-20)/float64(n) - 8
		for k := 0; k < n; k++ {
			x := 10 + float64(k)*(kw+8)
			y := 10 + float64(row)*58
			c.roundRect(x, y, x+kw, y+50, 6, rgb(0x2B2C2F))
		}
	}
	c.roundRect(340, 380, 660, 510, 10, rgb(0x9EA2A8))
	return c.img
}

func fillQuad(c *canvas, q [4][2]float64, col color.Color) {
	var p path
	p.moveTo(q[0][0], q[0][1])
	for i := 1; i < 4; i++ {
		p.lineTo(q[i][0], q[i][1])
	}
	p.close()
	minX, minY, maxX, maxY := q[0][0], q[0][1], q[0][0], q[0][1]
	for _, v := range q {
		minX, maxX = math.Min(minX, v[0]), math.Max(maxX, v[0])
		minY, maxY = math.Min(minY, v[1]), math.Max(maxY, v[1])
	}
	c.fill(minX, minY, maxX, maxY, col, &p)
}

// homography returns h such that (x,y) in the quad maps to texture
// coordinates (u,v) = ((h0 x + h1 y + h2)/(h6 x + h7 y + 1), …).
func homography(quad [4][2]float64, tw, th float64) ([8]float64, bool) {
	tex := [4][2]float64{{0, 0}, {tw, 0}, {tw, th}, {0, th}}
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y := quad[i][0], quad[i][1]
		u, v := tex[i][0], tex[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	// Gaussian elimination with partial pivoting.
	for col := 0; col < 8; col++ {
		p := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-12 {
			return [8]float64{}, false
		}
		a[col], a[p] = a[p], a[col]
		for r := 0; r < 8; r++ {
			if r == col {
				continue
			}
			k := a[r][col] / a[col][col]
			for j := col; j < 9; j++ {
				a[r][j] -= k * a[col][j]
			}
		}
	}
	var h [8]float64
	for i := range h {
		h[i] = a[i][8] / a[i][i]
	}
	return h, true
}

// mapTexture draws tex into dst inside quad (clockwise from top-left),
// sampling bilinearly, scaled in brightness by gain.
func mapTexture(dst *image.RGBA, tex *image.RGBA, quad [4][2]float64, gain float64) {
	tw, th := float64(tex.Bounds().Dx()), float64(tex.Bounds().Dy())
	h, ok := homography(quad, tw, th)
	if !ok {
		return
	}
	minX, minY, maxX, maxY := quad[0][0], quad[0][1], quad[0][0], quad[0][1]
	for _, v := range quad {
		minX, maxX = math.Min(minX, v[0]), math.Max(maxX, v[0])
		minY, maxY = math.Min(minY, v[1]), math.Max(maxY, v[1])
	}
	b := dst.Bounds()
	for y := max(int(minY), b.Min.Y); y < min(int(maxY)+1, b.Max.Y); y++ {
		for x := max(int(minX), b.Min.X); x < min(int(maxX)+1, b.Max.X); x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			w := h[6]*fx + h[7]*fy + 1
			u := (h[0]*fx + h[1]*fy + h[2]) / w
			v := (h[3]*fx + h[4]*fy + h[5]) / w
			if u < 0 || v < 0 || u >= tw || v >= th {
				continue
			}
			r, g, bl := bilinear(tex, u-0.5, v-0.5)
			dst.SetRGBA(x, y, color.RGBA{clamp8(r * gain), clamp8(g * gain), clamp8(bl * gain), 0xff})
		}
	}
}

func bilinear(img *image.RGBA, u, v float64) (r, g, b float64) {
	bd := img.Bounds()
	x0, y0 := int(math.Floor(u)), int(math.Floor(v))
	ax, ay := u-float64(x0), v-float64(y0)
	at := func(x, y int) color.RGBA {
		x = min(max(x, bd.Min.X), bd.Max.X-1)
		y = min(max(y, bd.Min.Y), bd.Max.Y-1)
		return img.RGBAAt(x, y)
	}
	c00, c10, c01, c11 := at(x0, y0), at(x0+1, y0), at(x0, y0+1), at(x0+1, y0+1)
	mix := func(a, b, c, d uint8) float64 {
		top := float64(a)*(1-ax) + float64(b)*ax
		bot := float64(c)*(1-ax) + float64(d)*ax
		return top*(1-ay) + bot*ay
	}
	return mix(c00.R, c10.R, c01.R, c11.R), mix(c00.G, c10.G, c01.G, c11.G), mix(c00.B, c10.B, c01.B, c11.B)
}

func clamp8(v float64) uint8 {
	return uint8(math.Round(min(max(v, 0), 255)))
}

// photoEffects adds what makes a rendering look photographed: a slight
// blur, a warm cast, vignetting, faint screen moiré and sensor noise from a
// fixed seed.
func photoEffects(img *image.RGBA) {
	b := img.Bounds()
	src := image.NewRGBA(b)
	copy(src.Pix, img.Pix)
	rng := rand.New(rand.NewPCG(20260905, 101530))
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	maxD := math.Hypot(cx, cy)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			var sr, sg, sb float64
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					wgt := 1.0
					if dx == 0 && dy == 0 {
						wgt = 4
					} else if dx == 0 || dy == 0 {
						wgt = 2
					}
					px := src.RGBAAt(min(max(x+dx, b.Min.X), b.Max.X-1), min(max(y+dy, b.Min.Y), b.Max.Y-1))
					sr += wgt * float64(px.R)
					sg += wgt * float64(px.G)
					sb += wgt * float64(px.B)
				}
			}
			sr, sg, sb = sr/16, sg/16, sb/16
			d := math.Hypot(float64(x)-cx, float64(y)-cy) / maxD
			vig := 1 - 0.35*d*d
			moire := 1 + 0.012*math.Sin(float64(x)*0.045+float64(y)*0.11+0.002*float64(x*y)/16)
			n := rng.NormFloat64() * 4
			img.SetRGBA(x, y, color.RGBA{
				clamp8((sr*1.03)*vig*moire + n),
				clamp8(sg*vig*moire + n),
				clamp8((sb*0.94)*vig*moire + n),
				0xff,
			})
		}
	}
}

// rotateForOrientation6 returns the stored (sensor) image for a viewed
// image: a viewer applying Orientation 6 rotates the stored image 90°
// clockwise, so the stored one is the view rotated 90° counter-clockwise.
func rotateForOrientation6(view *image.RGBA) *image.RGBA {
	vw, vh := view.Bounds().Dx(), view.Bounds().Dy()
	out := image.NewRGBA(image.Rect(0, 0, vh, vw))
	for sy := 0; sy < vw; sy++ {
		for sx := 0; sx < vh; sx++ {
			// Rotating stored (sx,sy) clockwise lands on view (vw-1-sy, sx).
			out.SetRGBA(sx, sy, view.RGBAAt(vw-1-sy, sx))
		}
	}
	return out
}

// EXIF field types.
const (
	tByte      = 1
	tASCII     = 2
	tShort     = 3
	tLong      = 4
	tRational  = 5
	tUndefined = 7
)

type ifdEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte // the value, already encoded in the file's byte order
}

func asciiEntry(tag uint16, s string) ifdEntry {
	return ifdEntry{tag: tag, typ: tASCII, count: uint32(len(s) + 1), data: append([]byte(s), 0)}
}

// exifAPP1 writes the APP1 segment payload ("Exif\0\0" + little-endian
// TIFF) byte by byte: IFD0 with Make, Model, Orientation and a pointer to
// the Exif IFD, which holds the capture time and its UTC offset.
func exifAPP1() ([]byte, error) {
	le := binary.LittleEndian
	short := func(tag uint16, v uint16) ifdEntry {
		return ifdEntry{tag: tag, typ: tShort, count: 1, data: le.AppendUint16(nil, v)}
	}
	long := func(tag uint16, v uint32) ifdEntry {
		return ifdEntry{tag: tag, typ: tLong, count: 1, data: le.AppendUint32(nil, v)}
	}
	rat := func(tag uint16, num, den uint32) ifdEntry {
		return ifdEntry{tag: tag, typ: tRational, count: 1, data: le.AppendUint32(le.AppendUint32(nil, num), den)}
	}
	ifd0 := []ifdEntry{
		short(0x0100, storedW), // ImageWidth
		short(0x0101, storedH), // ImageLength
		asciiEntry(0x010F, "Xiaomi"),
		asciiEntry(0x0110, "Redmi K60"),
		short(0x0112, 6), // Orientation: rotate 90° CW to view
		rat(0x011A, 72, 1),
		rat(0x011B, 72, 1),
		short(0x0128, 2), // ResolutionUnit: inch
		asciiEntry(0x0132, "2026:09:05 10:15:30"),
		short(0x0213, 1), // YCbCrPositioning: centred
		long(0x8769, 0),  // ExifIFD pointer, patched below
	}
	exifIFD := []ifdEntry{
		rat(0x829A, 1, 50),    // ExposureTime
		rat(0x829D, 188, 100), // FNumber
		short(0x8827, 320),    // ISO
		{tag: 0x9000, typ: tUndefined, count: 4, data: []byte("0232")},
		asciiEntry(0x9003, "2026:09:05 10:15:30"), // DateTimeOriginal
		asciiEntry(0x9004, "2026:09:05 10:15:30"), // DateTimeDigitized
		asciiEntry(0x9010, "+08:00"),              // OffsetTime
		asciiEntry(0x9011, "+08:00"),              // OffsetTimeOriginal
		asciiEntry(0x9012, "+08:00"),              // OffsetTimeDigitized
		rat(0x920A, 555, 100),                     // FocalLength
		asciiEntry(0x9291, "518"),                 // SubSecTimeOriginal
		{tag: 0xA000, typ: tUndefined, count: 4, data: []byte("0100")},
		short(0xA001, 1), // ColorSpace: sRGB
		long(0xA002, storedW),
		long(0xA003, storedH),
	}
	const tiffHeader = 8
	ifd0Off := uint32(tiffHeader)
	exifOff := ifd0Off + ifdSize(ifd0)
	for i := range ifd0 {
		if ifd0[i].tag == 0x8769 {
			ifd0[i].data = le.AppendUint32(nil, exifOff)
		}
	}
	var t bytes.Buffer
	t.WriteString("II")
	t.Write(le.AppendUint16(nil, 42))
	t.Write(le.AppendUint32(nil, ifd0Off))
	if err := writeIFD(&t, ifd0, ifd0Off); err != nil {
		return nil, err
	}
	if uint32(t.Len()) != exifOff {
		return nil, fmt.Errorf("exif: IFD0 ends at %d, want %d", t.Len(), exifOff)
	}
	if err := writeIFD(&t, exifIFD, exifOff); err != nil {
		return nil, err
	}
	return append([]byte("Exif\x00\x00"), t.Bytes()...), nil
}

// ifdSize is the size of an IFD including its out-of-line values.
func ifdSize(es []ifdEntry) uint32 {
	n := uint32(2 + 12*len(es) + 4)
	for _, e := range es {
		if len(e.data) > 4 {
			n += uint32(len(e.data)+1) &^ 1
		}
	}
	return n
}

// writeIFD appends an IFD that starts at offset off (relative to the TIFF
// header); values longer than four bytes follow the IFD, word-aligned.
// The next-IFD offset is 0: there is no thumbnail IFD.
func writeIFD(w *bytes.Buffer, es []ifdEntry, off uint32) error {
	le := binary.LittleEndian
	for i := 1; i < len(es); i++ {
		if es[i].tag <= es[i-1].tag {
			return errors.New("exif: IFD tags not in ascending order")
		}
	}
	data := off + uint32(2+12*len(es)+4)
	var extra []byte
	w.Write(le.AppendUint16(nil, uint16(len(es))))
	for _, e := range es {
		w.Write(le.AppendUint16(nil, e.tag))
		w.Write(le.AppendUint16(nil, e.typ))
		w.Write(le.AppendUint32(nil, e.count))
		if len(e.data) <= 4 {
			v := make([]byte, 4)
			copy(v, e.data)
			w.Write(v)
			continue
		}
		w.Write(le.AppendUint32(nil, data+uint32(len(extra))))
		extra = append(extra, e.data...)
		if len(extra)%2 == 1 {
			extra = append(extra, 0)
		}
	}
	w.Write(le.AppendUint32(nil, 0))
	w.Write(extra)
	return nil
}

// insertAPP1 puts an APP1 segment right after the JPEG SOI marker.
func insertAPP1(jpg, payload []byte) ([]byte, error) {
	if len(jpg) < 2 || jpg[0] != 0xFF || jpg[1] != 0xD8 {
		return nil, errors.New("insert exif: not a JPEG stream")
	}
	if len(payload)+2 > 0xFFFF {
		return nil, errors.New("insert exif: APP1 segment too large")
	}
	out := make([]byte, 0, len(jpg)+len(payload)+4)
	out = append(out, 0xFF, 0xD8, 0xFF, 0xE1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
	out = append(out, payload...)
	return append(out, jpg[2:]...), nil
}
