package main

import (
	"fmt"
	"image"
	"image/draw"
	"time"
)

// qqLabel formats the centred time label the way QQ does relative to the
// moment the screenshot was taken.
func qqLabel(t, now time.Time) string {
	ty, tm, td := t.Date()
	ny, nm, nd := now.Date()
	switch {
	case ty == ny && tm == nm && td == nd:
		return t.Format("15:04")
	case ty == ny && tm == nm && td == nd-1:
		return "昨天 " + t.Format("15:04")
	default:
		return fmt.Sprintf("%d月%d日 %s", int(t.Month()), t.Day(), t.Format("15:04"))
	}
}

// renderChat draws the whole QQ conversation as a Huawei long screenshot
// taken at 21:30 on 2026-09-06: 1080 px wide, as tall as the content.
func renderChat(f *fontSet, msgs []chatMsg, shotAt time.Time) *image.RGBA {
	const (
		W        = 1080
		maxH     = 12000
		fontSize = 46.0
		lineH    = 68.0
		padX     = 38.0
		padY     = 28.0
		avatarR  = 58.0
		margin   = 36.0
		maxTextW = 620.0
	)
	bg := rgb(0xF2F3F5)
	c := newCanvas(W, maxH, bg, f)
	c.statusBar(shotAt.Format("15:04"), rgb(0xF7F7F9), colBlack, 58)

	// Title bar.
	c.rect(0, 100, W, 250, rgb(0xF7F7F9))
	c.chevronLeft(52, 176, 30, 6, colText)
	c.roundRect(92, 150, 158, 202, 26, rgb(0xE3E5EA))
	c.textCenter(125, 189, "12", 32, true, colText)
	c.textCenter(W/2, 192, sellerName, 50, true, colText)
	for i := 0; i < 3; i++ {
		y := 154 + i*22
		c.roundRect(950, float64(y), 1016, float64(y+6), 3, colText)
	}
	c.rect(0, 249, W, 251, rgb(0xE3E5EA))

	avatar := func(x, y float64, from sender) {
		if from == fromSeller {
			c.circle(x, y, avatarR, rgb(0xFF9F43))
			c.textCenter(x, y+20, "星", 54, true, colWhite)
			return
		}
		c.circle(x, y, avatarR, rgb(0x4A90E2))
		c.textCenter(x, y+20, "明", 54, true, colWhite)
	}

	y := 300.0
	var last time.Time
	for _, m := range msgs {
		t := m.time()
		if last.IsZero() || t.Sub(last) > 5*time.Minute {
			label := qqLabel(t, shotAt)
			y += 20
			c.textCenter(W/2, y+34, label, 34, false, colGrey)
			y += 34 + 46
		}
		last = t

		var bw, bh float64
		var lines []string
		if m.image {
			bw, bh = 330, 610
		} else {
			lines = c.wrap(m.text, fontSize, false, maxTextW)
			for _, l := range lines {
				bw = max(bw, c.textWidth(l, fontSize, false))
			}
			bw += 2 * padX
			bh = float64(len(lines))*lineH + 2*padY - 6
		}
		left := m.from == fromSeller
		var bx float64
		if left {
			avatar(margin+avatarR, y+avatarR, m.from)
			bx = margin + 2*avatarR + 24
		} else {
			avatar(W-margin-avatarR, y+avatarR, m.from)
			bx = W - margin - 2*avatarR - 24 - bw
		}
		switch {
		case m.image:
			drawRedeemThumb(c, bx, y, bw, bh)
		case left:
			c.roundRect(bx, y, bx+bw, y+bh, 30, colWhite)
		default:
			c.roundRect(bx, y, bx+bw, y+bh, 30, rgb(0x0099FF))
		}
		if !m.image {
			col := colText
			if !left {
				col = colWhite
			}
			if m.link {
				col = rgb(0x1F6FD6)
			}
			ty := y + padY + 48
			for _, l := range lines {
				adv := c.text(bx+padX, ty, l, fontSize, false, col)
				if m.link {
					c.rect(int(bx+padX), int(ty+8), int(bx+padX+adv), int(ty+11), col)
				}
				ty += lineH
			}
		}
		if m.reject {
			cx, cy := bx-40, y+bh/2
			c.circle(cx, cy, 22, colRed)
			c.rect(int(cx-3), int(cy-13), int(cx+3), int(cy+5), colWhite)
			c.circle(cx, cy+11, 3.5, colWhite)
		}
		y += max(bh, 2*avatarR) + 38
		if m.reject {
			tw := c.textWidth(rejectNotice, 34, false)
			c.roundRect(W/2-tw/2-28, y-4, W/2+tw/2+28, y+62, 14, rgb(0xE6E7EB))
			c.textCenter(W/2, y+42, rejectNotice, 34, false, colGrey)
			y += 110
		}
	}

	// Input bar.
	y += 20
	c.rect(0, int(y), W, int(y)+300, rgb(0xF7F7F9))
	c.rect(0, int(y), W, int(y)+2, rgb(0xE3E5EA))
	c.roundRect(36, y+26, W-36, y+116, 14, colWhite)
	for i := 0; i < 6; i++ {
		cx := 90 + float64(i)*180
		c.roundRectOutline(cx-30, y+150, cx+30, y+210, 14, 5, rgb(0x5A5F6B))
	}
	y += 300
	c.rect(0, int(y)-60, W, int(y), rgb(0xF7F7F9))
	out := image.NewRGBA(image.Rect(0, 0, W, int(y)))
	draw.Draw(out, out.Bounds(), c.img, image.Point{}, draw.Src)
	oc := &canvas{img: out, fonts: f}
	oc.gestureBar(rgb(0x222222))
	return out
}

// drawRedeemThumb draws the small screenshot the buyer sent: the video
// app's redeem page with the error message.
func drawRedeemThumb(c *canvas, x, y, w, h float64) {
	c.roundRect(x, y, x+w, y+h, 20, rgb(0xD9DBE0))
	c.roundRect(x+3, y+3, x+w-3, y+h-3, 18, colWhite)
	c.rect(int(x+3), int(y+20), int(x+w-3), int(y+70), rgb(0x202124))
	c.roundRect(x+3, y+3, x+w-3, y+40, 18, rgb(0x202124))
	c.text(x+24, y+58, "兑换VIP会员", 24, true, rgb(0xFF9A1F))
	c.text(x+24, y+130, "请输入卡密", 22, false, colGrey)
	c.roundRect(x+20, y+150, x+w-20, y+206, 8, rgb(0xF4F5F7))
	c.text(x+32, y+186, invalidCode, 20, false, colText)
	c.circle(x+36, y+246, 12, colRed)
	c.rect(int(x+34), int(y+238), int(x+38), int(y+249), colWhite)
	c.rect(int(x+34), int(y+252), int(x+38), int(y+256), colWhite)
	c.text(x+56, y+255, redeemError, 24, false, colRed)
	c.roundRect(x+20, y+290, x+w-20, y+350, 30, rgb(0xFF8A1F))
	c.textCenter(x+w/2, y+329, "立即兑换", 24, true, colWhite)
	for i := 0; i < 5; i++ {
		ly := y + 400 + float64(i)*36
		c.roundRect(x+20, ly, x+w-20-float64(i%3)*50, ly+14, 7, rgb(0xEEEFF2))
	}
}
