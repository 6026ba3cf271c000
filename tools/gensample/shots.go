package main

import (
	"image"
	"image/color"
)

// gradient returns a full-canvas-sized image source that is a linear
// gradient between (x0,y0) and (x1,y1).
type gradient struct {
	x0, y0, x1, y1 float64
	from, to       color.RGBA
}

func (g gradient) ColorModel() color.Model { return color.RGBAModel }
func (g gradient) Bounds() image.Rectangle {
	return image.Rect(-1e6, -1e6, 1e6, 1e6)
}
func (g gradient) At(x, y int) color.Color {
	dx, dy := g.x1-g.x0, g.y1-g.y0
	t := ((float64(x)-g.x0)*dx + (float64(y)-g.y0)*dy) / (dx*dx + dy*dy)
	t = min(max(t, 0), 1)
	return lerpRGBA(g.from, g.to, t)
}

func (c *canvas) gradRoundRect(x0, y0, x1, y1, r float64, g gradient) {
	var p path
	p.roundRect(x0, y0, x1, y1, r)
	c.fillSrc(x0, y0, x1, y1, g, &p)
}

// renderListing draws the card shop's product page as seen in QQ's built-in
// browser at 20:12 on 2026-09-03 (MIUI screenshot, 1080×2400).
func renderListing(f *fontSet) *image.RGBA {
	const W = 1080
	c := newCanvas(W, 2400, rgb(0xF4F5F7), f)
	c.statusBar("20:12", colWhite, colBlack, 76)

	// QQ browser title bar.
	c.rect(0, 100, W, 250, colWhite)
	c.line(52, 150, 98, 196, 5, colText)
	c.line(98, 150, 52, 196, 5, colText)
	c.textCenter(W/2, 184, shopName+" - "+itemName, 46, true, colText)
	for i := 0; i < 3; i++ {
		c.circle(960+float64(i)*26, 174, 6, colText)
	}
	c.rect(0, 249, W, 251, colDivider)

	// Shop banner.
	c.gradRoundRect(0, 251, W, 431, 0, gradient{0, 251, W, 431, rgb(0x1E3C8C), rgb(0x3B74E0)})
	c.circle(110, 341, 56, colWhite)
	c.textCenter(110, 362, "星", 58, true, rgb(0x2A56C6))
	c.text(196, 330, shopName, 54, true, colWhite)
	c.text(196, 392, "24小时自动发卡 · 全网低价 · 正品保障", 32, false, rgb(0xDCE6FF))

	// Notice ticker.
	c.rect(0, 431, W, 511, rgb(0xFFF7E0))
	c.roundRect(40, 449, 140, 493, 8, rgb(0xFF8A00))
	c.textCenter(90, 483, "公告", 30, true, colWhite)
	c.text(160, 484, "本站所有商品均为自动发卡，付款后5分钟内到账，不到账全额退款；卡密请在订单查", 34, false, rgb(0xA8640A))

	// Product card.
	c.roundRect(24, 535, W-24, 1680, 28, colWhite)
	c.gradRoundRect(60, 560, W-60, 990, 24, gradient{60, 560, W - 60, 990, rgb(0xFF9A1F), rgb(0xFF4D2E)})
	c.text(110, 680, "腾讯视频", 96, true, colWhite)
	c.text(110, 785, "VIP会员 年卡", 78, true, colWhite)
	c.text(112, 852, "12个月 · 卡密兑换 · 全平台通用", 38, false, rgb(0xFFF1E0))
	c.roundRect(110, 890, 330, 956, 33, colWhite)
	c.textCenter(220, 936, "自动发卡", 36, true, rgb(0xFF5A26))
	c.circle(860, 735, 120, color.NRGBA{0xff, 0xff, 0xff, 0x33})
	c.circle(860, 735, 80, color.NRGBA{0xff, 0xff, 0xff, 0x40})
	// A "play" triangle.
	var tri path
	tri.moveTo(830, 685)
	tri.lineTo(910, 760)
	tri.lineTo(830, 785)
	tri.close()
	c.fill(830, 685, 910, 785, colWhite, &tri)

	y := 1066.0
	for _, l := range c.wrap("腾讯视频VIP会员年卡 12个月【卡密】自动发货 秒到账", 48, true, W-140) {
		c.text(64, y, l, 48, true, colText)
		y += 68
	}
	y += 40
	c.text(64, y, "¥", 44, true, colRed)
	adv := c.text(96, y, "128.00", 76, true, colRed)
	ox := 96 + adv + 24
	c.text(ox, y, "¥253.00", 36, false, colLight)
	c.rect(int(ox), int(y-13), int(ox+c.textWidth("¥253.00", 36, false)), int(y-10), colLight)
	c.textRight(W-64, y, "已售 3862  库存 充足", 34, false, colGrey)
	y += 70
	tx := 64.0
	for _, tag := range []string{"自动发卡", "极速到账", "售后无忧", "7×24小时"} {
		tw := c.textWidth(tag, 32, false)
		c.roundRectOutline(tx, y-40, tx+tw+36, y+14, 10, 2.5, rgb(0xFF7A45))
		c.text(tx+18, y, tag, 32, false, rgb(0xFF5A26))
		tx += tw + 60
	}
	y += 60
	// Purchase notice with the promise.
	c.roundRect(64, y, W-64, y+300, 18, rgb(0xFFF1F0))
	c.roundRectOutline(64, y, W-64, y+300, 18, 2.5, rgb(0xFFA39E))
	c.text(96, y+70, "【购买须知】", 42, true, rgb(0xCF1322))
	notes := []string{
		"1. " + promiseText + "！",
		"2. 卡密在“订单查询”页面查看，请妥善保存。",
		"3. 售后请联系客服QQ：" + sellerQQ + "（" + sellerName + "）",
	}
	ny := y + 130
	for i, n := range notes {
		col, bold := rgb(0x5C0011), false
		if i == 0 {
			col, bold = rgb(0xCF1322), true
		}
		c.text(96, ny, n, 36, bold, col)
		ny += 70
	}

	// Order form.
	c.roundRect(24, 1736, W-24, 2212, 28, colWhite)
	c.text(64, 1818, "购买数量", 40, false, colText)
	c.roundRectOutline(700, 1772, 1016, 1842, 12, 2.5, colDivider)
	c.textCenter(748, 1822, "−", 44, false, colGrey)
	c.textCenter(858, 1822, "1", 40, false, colText)
	c.textCenter(968, 1822, "+", 44, false, colText)
	c.rect(796, 1772, 798, 1842, colDivider)
	c.rect(918, 1772, 920, 1842, colDivider)
	c.rect(64, 1872, W-64, 1874, colDivider)
	c.text(64, 1950, "联系方式", 40, false, colText)
	c.roundRect(260, 1904, 1016, 1974, 12, rgb(0xF4F5F7))
	c.text(290, 1952, "手机号或QQ号，用于查询订单", 34, false, colLight)
	c.rect(64, 2004, W-64, 2006, colDivider)
	c.text(64, 2082, "支付方式", 40, false, colText)
	c.roundRect(300, 2032, 640, 2112, 14, rgb(0xE8F8EF))
	c.roundRectOutline(300, 2032, 640, 2112, 14, 3, colWxGreen)
	c.circle(350, 2072, 24, colWxGreen)
	c.check(350, 2074, 24, 5, colWhite)
	c.text(392, 2086, "微信支付", 38, true, rgb(0x067A3E))
	c.roundRectOutline(676, 2032, 1016, 2112, 14, 2.5, colDivider)
	c.circle(726, 2072, 24, rgb(0x1677FF))
	c.textCenter(726, 2085, "支", 30, true, colWhite)
	c.text(768, 2086, "支付宝", 38, false, colText)

	// Fixed bottom bar.
	c.rect(0, 2230, W, 2400, colWhite)
	c.rect(0, 2229, W, 2231, colDivider)
	c.circle(110, 2285, 30, rgb(0x5B8FF9))
	c.textCenter(110, 2296, "客", 30, true, colWhite)
	c.textCenter(110, 2350, "客服", 28, false, colGrey)
	c.gradRoundRect(220, 2252, W-40, 2352, 50, gradient{220, 0, W - 40, 0, rgb(0xFF8A00), rgb(0xFF3B30)})
	c.textCenter((220+W-40)/2, 2318, "立即购买  ¥128.00", 46, true, colWhite)
	c.gestureBar(rgb(0x222222))
	return c.img
}

// renderPayment draws WeChat Pay's "支付成功" page at 20:16 on 2026-09-03
// (ColorOS screenshot, 1080×2400).
func renderPayment(f *fontSet) *image.RGBA {
	const W = 1080
	c := newCanvas(W, 2400, colWhite, f)
	c.statusBar("20:16", colWhite, colBlack, 75)

	c.circle(W/2, 430, 92, colWxGreen)
	c.check(W/2, 432, 92, 14, colWhite)
	c.textCenter(W/2, 640, "支付成功", 54, false, colText)
	yen := c.textWidth("¥", 64, true)
	num := c.textWidth("128.00", 120, true)
	x := W/2 - (yen+8+num)/2
	c.text(x, 820, "¥", 64, true, colText)
	c.text(x+yen+8, 820, "128.00", 120, true, colText)
	c.textCenter(W/2, 910, shopName, 42, false, colGrey)

	c.rect(80, 1010, W-80, 1012, colDivider)
	rows := [][2]string{
		{"收款方", shopName},
		{"商品", itemName},
		{"支付方式", "零钱"},
		{"支付时间", paidAt},
		{"交易单号", wxTxnNo},
		{"商户单号", orderNo},
	}
	y := 1066.0
	for _, r := range rows {
		c.text(80, y, r[0], 40, false, colGrey)
		c.textRight(W-80, y, r[1], 40, false, colText)
		y += 104
	}
	c.rect(80, int(y-30), W-80, int(y-28), colDivider)
	c.text(80, y+60, "商户服务", 40, false, colText)
	c.chevronLeft(W-80, y+46, -14, 4, colLight)
	c.text(80, y+60+104, "账单详情", 40, false, colText)
	c.chevronLeft(W-80, y+46+104, -14, 4, colLight)

	c.roundRect(W/2-230, 2060, W/2+230, 2180, 16, colWxGreen)
	c.textCenter(W/2, 2138, "完成", 46, true, colWhite)
	c.gestureBar(rgb(0x333333))
	return c.img
}
