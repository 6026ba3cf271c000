package main

import (
	"image/color"
	"math"
)

// Colours shared by the phone screenshots.
var (
	colBlack   = rgb(0x111111)
	colText    = rgb(0x1A1A1A)
	colGrey    = rgb(0x8A8A8A)
	colLight   = rgb(0xB8B8B8)
	colDivider = rgb(0xE6E6E6)
	colWhite   = rgb(0xFFFFFF)
	colWxGreen = rgb(0x07C160)
	colRed     = rgb(0xF5222D)
)

// arc draws a circular arc of width w from angle a0 to a1 (radians,
// 0 = east, counter-clockwise on screen means negative y).
func (c *canvas) arc(cx, cy, r, a0, a1, w float64, col color.Color) {
	const steps = 24
	pts := make([]float64, 0, 2*(steps+1))
	for i := 0; i <= steps; i++ {
		a := a0 + (a1-a0)*float64(i)/steps
		pts = append(pts, cx+r*math.Cos(a), cy-r*math.Sin(a))
	}
	c.polyline(w, col, pts...)
	c.circle(pts[0], pts[1], w/2, col)
	c.circle(pts[len(pts)-2], pts[len(pts)-1], w/2, col)
}

// statusBar draws an Android status bar (100 px high) with the clock,
// signal, Wi-Fi and battery.
func (c *canvas) statusBar(clock string, bg, fg color.Color, battery int) {
	w := float64(c.img.Bounds().Dx())
	c.rect(0, 0, int(w), 100, bg)
	c.text(64, 66, clock, 38, true, fg)
	x := w - 64
	// Battery.
	bw, bh := 66.0, 32.0
	c.roundRect(x-4, 42, x+2, 56, 2, fg)
	c.roundRectOutline(x-4-bw, 33, x-4, 33+bh, 8, 3.5, fg)
	lvl := (bw - 12) * float64(battery) / 100
	c.roundRect(x-4-bw+6, 39, x-4-bw+6+lvl, 33+bh-6, 4, fg)
	x -= bw + 24
	// Wi-Fi: a dot and two arcs.
	cx, cy := x-28, 64.0
	c.circle(cx, cy-2, 5, fg)
	c.arc(cx, cy, 20, math.Pi/4, 3*math.Pi/4, 5.5, fg)
	c.arc(cx, cy, 34, math.Pi/4, 3*math.Pi/4, 5.5, fg)
	x -= 70
	// Signal bars.
	for i := 0; i < 4; i++ {
		h := 10 + float64(i)*7
		bx := x - 4*11 + float64(i)*11
		c.roundRect(bx, 66-h, bx+7, 66, 1.5, fg)
	}
	c.text(x-4*11-62, 64, "5G", 28, true, fg)
}

// gestureBar draws the navigation handle at the bottom of the screen.
func (c *canvas) gestureBar(col color.Color) {
	b := c.img.Bounds()
	cx := float64(b.Dx()) / 2
	y := float64(b.Dy()) - 28
	c.roundRect(cx-110, y-6, cx+110, y+6, 6, col)
}

// chevronLeft draws a "back" arrow.
func (c *canvas) chevronLeft(x, y, size, w float64, col color.Color) {
	c.polyline(w, col, x+size/2, y-size, x, y, x+size/2, y+size)
	c.circle(x+size/2, y-size, w/2, col)
	c.circle(x+size/2, y+size, w/2, col)
}

// check draws a tick mark.
func (c *canvas) check(x, y, size, w float64, col color.Color) {
	c.polyline(w, col, x-size*0.5, y, x-size*0.12, y+size*0.38, x+size*0.55, y-size*0.35)
	c.circle(x-size*0.5, y, w/2, col)
	c.circle(x+size*0.55, y-size*0.35, w/2, col)
}

// gradientRect fills a rectangle with a vertical or horizontal gradient.
func (c *canvas) gradientRect(x0, y0, x1, y1 int, from, to color.RGBA, vertical bool) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			var t float64
			if vertical {
				t = float64(y-y0) / float64(max(y1-y0-1, 1))
			} else {
				t = float64(x-x0) / float64(max(x1-x0-1, 1))
			}
			c.img.SetRGBA(x, y, lerpRGBA(from, to, t))
		}
	}
}

func lerpRGBA(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}
