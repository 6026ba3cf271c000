package main

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// writeOrderPDF writes a browser-printed order page: a few A4 pages with a
// header bar, a table of order lines and, on the first page, a product
// picture (JPEG). Text is ASCII in a core font: no font is embedded.
func writeOrderPDF(w io.Writer, idx, pages int, created time.Time, r *rand.Rand) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetProducer("genbench", false)
	pdf.SetCompression(true)

	// Product picture: 1200×900 noise photo, quality 85.
	pic := newCanvas(1200, 900, 0xFFFFFF, r)
	pic.noise(0, 0, 1200, 900, r.Uint32()&0xFFFFFF, r.Uint32()&0xFFFFFF, 18)
	pic.text(100, 380, 8, 90, 0xFFFFFF)
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, pic.img, &jpeg.Options{Quality: 85}); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	opt := fpdf.ImageOptions{ImageType: "JPG"}
	pdf.RegisterImageOptionsReader("product", opt, &jb)

	for p := range pages {
		pdf.AddPage()
		pdf.SetFillColor(0x1C, 0x1D, 0x21)
		pdf.Rect(0, 0, 210, 24, "F")
		pdf.SetTextColor(0xFF, 0x9A, 0x1F)
		pdf.SetFont("Helvetica", "B", 16)
		pdf.Text(12, 15, "xingchen-km.example")
		pdf.SetTextColor(0x20, 0x20, 0x20)
		pdf.SetFont("Helvetica", "", 10)
		pdf.Text(12, 34, fmt.Sprintf("Order %s  -  page %d/%d  -  document %d", orderNo, p+1, pages, idx+1))
		y := 42.0
		if p == 0 {
			pdf.ImageOptions("product", 12, y, 80, 60, false, opt, 0, "")
			pdf.SetFont("Helvetica", "B", 12)
			pdf.Text(100, y+8, "Tencent Video VIP, 12 months (card code)")
			pdf.SetFont("Helvetica", "", 10)
			pdf.Text(100, y+16, "Price: CNY 128.00   Paid: 2026-09-03 20:15:37")
			pdf.Text(100, y+24, "Status: paid / awaiting delivery   Delivered: 0")
			y += 70
		}
		pdf.SetDrawColor(0xC0, 0xC0, 0xC0)
		for y < 280 {
			pdf.Line(12, y, 198, y)
			pdf.Text(14, y+5, fmt.Sprintf("%s  item %04d  qty %d  CNY %d.%02d  ref %08X",
				created.Add(time.Duration(r.IntN(86400))*time.Second).Format("2006-01-02 15:04:05"),
				r.IntN(10000), 1+r.IntN(3), r.IntN(500), r.IntN(100), r.Uint32()))
			y += 7
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}
