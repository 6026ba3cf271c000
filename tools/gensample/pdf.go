package main

import (
	"bytes"
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// buildOrderPDF writes the shop's order page as a browser would print it
// to PDF (A4, the browser's date/title header and URL/page footer). Every
// string is a single line: fpdf's MultiCell drops characters when it wraps
// Han text, so nothing here relies on it.
func buildOrderPDF(fonts *fontSet, printed time.Time) ([]byte, error) {
	const family = "NotoSansSC"
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(printed)
	pdf.SetModificationDate(printed)
	pdf.SetCatalogSort(true)
	pdf.AddUTF8FontFromBytes(family, "", fonts.regularTTF)
	pdf.AddUTF8FontFromBytes(family, "B", fonts.boldTTF)
	pdf.SetTitle("订单详情 - "+shopName, true)
	pdf.SetCreator("evipack gensample (fictional sample case)", true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.AddPage()

	const pageW = 210.0
	url := shopURL + "/order/detail?no=" + orderNo
	grey := func() { pdf.SetTextColor(0x55, 0x55, 0x55) }
	dark := func() { pdf.SetTextColor(0x22, 0x22, 0x22) }

	// Browser print header and footer.
	pdf.SetFont(family, "", 8)
	dark()
	pdf.Text(8, 7, fmt.Sprintf("%d/%d/%d %s", printed.Year(), int(printed.Month()), printed.Day(), printed.Format("15:04")))
	title := "订单详情 - " + shopName
	pdf.Text((pageW-pdf.GetStringWidth(title))/2, 7, title)
	pdf.Text(8, 292, url)
	pdf.Text(pageW-8-pdf.GetStringWidth("1/1"), 292, "1/1")

	// Site header.
	const left, right = 15.0, 195.0
	pdf.SetFillColor(0x1E, 0x3C, 0x8C)
	pdf.Rect(left, 14, right-left, 16, "F")
	pdf.SetFont(family, "B", 15)
	pdf.SetTextColor(0xFF, 0xFF, 0xFF)
	pdf.Text(left+5, 24.5, shopName)
	pdf.SetFont(family, "", 9)
	pdf.SetTextColor(0xDC, 0xE6, 0xFF)
	pdf.Text(left+32, 24.3, "24小时自动发卡平台")
	nav := "首页    全部商品    订单查询    联系客服"
	pdf.Text(right-5-pdf.GetStringWidth(nav), 24.3, nav)

	pdf.SetFont(family, "", 8.5)
	grey()
	pdf.Text(left, 38, "首页 > 订单查询 > 订单详情")

	pdf.SetFont(family, "B", 14)
	dark()
	pdf.Text(left, 49, "订单详情")
	pdf.SetDrawColor(0xE0, 0xE0, 0xE0)
	pdf.SetLineWidth(0.3)
	pdf.Line(left, 53, right, 53)

	rows := [][2]string{
		{"订单号", orderNo},
		{"商品名称", itemName + "（卡密）"},
		{"商品单价", amount + " 元"},
		{"购买数量", "1"},
		{"订单金额", amount + " 元"},
		{"支付方式", "微信支付"},
		{"支付流水号", wxTxnNo},
		{"下单时间", "2026-09-03 20:15:02"},
		{"付款时间", paidAt},
		{"订单状态", "已付款 / 待发卡"},
		{"发货方式", "自动发卡"},
		{"联系方式", "138****5678"},
	}
	y := 58.0
	const rowH, labelW = 10.0, 38.0
	for _, r := range rows {
		pdf.SetFillColor(0xF5, 0xF6, 0xF8)
		pdf.Rect(left, y, labelW, rowH, "FD")
		pdf.Rect(left+labelW, y, right-left-labelW, rowH, "D")
		pdf.SetFont(family, "", 10)
		grey()
		pdf.Text(left+4, y+6.6, r[0])
		dark()
		if r[0] == "订单状态" {
			pdf.SetFont(family, "B", 10)
			pdf.SetTextColor(0xCF, 0x13, 0x22)
		}
		if r[0] == "订单金额" {
			pdf.SetFont(family, "B", 10)
			pdf.SetTextColor(0xE5, 0x4D, 0x26)
		}
		pdf.Text(left+labelW+4, y+6.6, r[1])
		y += rowH
	}

	// Card code block.
	y += 8
	pdf.SetFont(family, "B", 12)
	dark()
	pdf.Text(left, y+5, "卡密信息")
	y += 9
	pdf.SetFillColor(0xFA, 0xFA, 0xFA)
	pdf.Rect(left, y, right-left, 18, "FD")
	pdf.SetFont(family, "", 10)
	grey()
	pdf.Text(left+5, y+7.5, "卡密尚未发放。订单处于“待发卡”状态，请耐心等待或联系客服。")
	pdf.Text(left+5, y+13.5, "发货数量：0 / 1")
	y += 26

	// Shop notice with the promise.
	pdf.SetFillColor(0xFF, 0xF1, 0xF0)
	pdf.SetDrawColor(0xFF, 0xA3, 0x9E)
	pdf.Rect(left, y, right-left, 26, "FD")
	pdf.SetFont(family, "B", 10.5)
	pdf.SetTextColor(0xCF, 0x13, 0x22)
	pdf.Text(left+5, y+7.5, "温馨提示")
	pdf.SetFont(family, "", 10)
	pdf.Text(left+5, y+14, "本站商品均为"+promiseText+"。")
	pdf.Text(left+5, y+20.5, "如有疑问请联系客服QQ："+sellerQQ+"（"+sellerName+"）。")
	y += 36

	pdf.SetFont(family, "", 8.5)
	grey()
	foot := "© 2026 " + shopName + "  " + shopURL
	pdf.Text((pageW-pdf.GetStringWidth(foot))/2, y+4, foot)

	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return b.Bytes(), nil
}
