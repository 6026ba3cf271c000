package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"

	"codeberg.org/go-pdf/fpdf"

	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/pdfnorm"
)

// Limits that keep one hostile file from taking the machine.
const (
	maxImageBytes = 256 << 20
	maxPDFBytes   = 256 << 20
	maxTextBytes  = 64 << 20
	// longRatio is the height/width ratio above which an image is a
	// "long screenshot" shown at reading width over several pages.
	longRatio = 2.3
	// longWidth is the printed width of a long screenshot (mm).
	longWidth = 110.0
	// overlap is how much of the previous slice each slice repeats (mm).
	overlap = 12.0
)

func (r *renderer) exhibit(it *evidence.Item) {
	r.section = it.ID()
	r.addPage("P")
	r.exhibitPage[it.Index] = r.page()
	r.caption(it)
	switch {
	case it.Type == evidence.TypeJPEG || it.Type == evidence.TypePNG || it.Type == evidence.TypeGIF || it.Type == evidence.TypeWebP:
		if it.Image == nil || !r.image(it) {
			r.card(it)
		}
	case it.Statement != nil:
		r.statement(it, it.Statement)
	case it.Chat != nil:
		r.transcript(it, it.Chat)
	case it.Type == evidence.TypeText:
		if !r.text(it) {
			r.card(it)
		}
	case it.Type == evidence.TypePDF:
		if !r.importPDF(it) {
			r.card(it)
		}
	default:
		r.card(it)
	}
}

// caption opens every exhibit: id, title, file, hash, times and their
// sources, purpose and any problems.
func (r *renderer) caption(it *evidence.Item) {
	r.font("B", 14)
	title := it.ID() + "　" + it.Title
	r.pdf.Bookmark(r.s(title), 0, -1)
	for _, l := range r.wrap(title, r.contentWidth()) {
		r.cellFormat(0, 7.5, l, "", 1, "L", false, 0, "")
	}
	r.pdf.Ln(1)
	fields := []Field{
		{"文件名", it.Path},
		{"证据类型", r.rep.KindLabel(it.Kind) + "（" + it.MediaType + "，" + humanSize(it.Size) + dims(it) + "）"},
		{"SHA-256", it.SHA256},
		{"证据包位置", it.BagPath},
	}
	for _, t := range it.Times {
		v := t.Time.In(evidence.CST).Format("2006-01-02 15:04:05 -07:00") + "　" + t.Detail
		if t.Note != "" {
			v += "（" + t.Note + "）"
		}
		fields = append(fields, Field{timeSourceLabel(t.Source), v})
	}
	fields = append(fields, Field{"证明目的", orDash(it.Proves)})
	for _, w := range append(append([]evidence.Warning{}, it.Warnings...), r.warnings[it.Index]...) {
		fields = append(fields, Field{"提示", w.Zh})
	}
	r.pdf.SetFillColor(246, 247, 250)
	r.kv(fields, 24, 8.5, 4.4)
	r.pdf.Ln(1)
	r.pdf.SetDrawColor(150, 150, 150)
	y := r.pdf.GetY()
	r.pdf.Line(marginL, y, marginL+r.contentWidth(), y)
	r.pdf.SetDrawColor(0, 0, 0)
	r.pdf.Ln(3)
}

func dims(it *evidence.Item) string {
	if it.Image == nil || it.Image.Width == 0 {
		return ""
	}
	return fmt.Sprintf("，%d×%d 像素", it.Image.Width, it.Image.Height)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}

// ---- images -------------------------------------------------------------------

// image places an image exhibit; false means it could not be shown and the
// caller falls back to a metadata card.
func (r *renderer) image(it *evidence.Item) bool {
	name := fmt.Sprintf("ex%d", it.Index)
	sw, sh := float64(it.Image.Width), float64(it.Image.Height)
	o := it.Image.Orientation
	dw, dh := sw, sh
	if o >= 5 && o <= 8 {
		dw, dh = sh, sw
	}
	if dw <= 0 || dh <= 0 {
		return false
	}
	if !r.dry {
		if !r.register(it, name) {
			return false
		}
	} else if _, failed := r.failedImage(it); failed {
		return false
	}
	cw := r.contentWidth()
	top := r.pdf.GetY()
	fullH := r.pageBottom() - marginTop
	if dh/dw <= longRatio {
		// Fit on one page: on this one if at least 60 % of a page is left.
		availH := r.pageBottom() - top
		if availH < 0.6*fullH {
			r.addPage("P")
			top, availH = r.pdf.GetY(), fullH
		}
		w := cw
		h := w * dh / dw
		if h > availH {
			h = availH
			w = h * dw / dh
		}
		x := marginL + (cw-w)/2
		r.drawImage(name, x, top, w, h, o)
		r.pdf.SetY(top + h + 2)
		return true
	}
	// A long screenshot: print it at reading width and split it over pages,
	// each slice repeating the bottom of the previous one.
	w := min(cw, longWidth)
	h := w * dh / dw
	x := marginL + (cw-w)/2
	slices := r.sliceCount(h, top)
	done := 0.0 // mm of the image already shown
	for k := 1; ; k++ {
		if k > 1 {
			r.addPage("P")
		}
		r.font("", 7.5)
		r.pdf.SetTextColor(110, 110, 110)
		r.cellFormat(cw, 4, fmt.Sprintf("长截图 第 %d / %d 段（每段与上一段重叠约 %.0f 毫米，原图 %d×%d 像素）", k, slices, overlap, it.Image.Width, it.Image.Height), "", 1, "C", false, 0, "")
		r.pdf.SetTextColor(0, 0, 0)
		y := r.pdf.GetY() + 1
		avail := r.pageBottom() - y - 1
		start := 0.0
		if k > 1 {
			start = done - overlap
		}
		end := min(h, start+avail)
		r.pdf.ClipRect(x, y, w, end-start, false)
		r.drawImage(name, x, y-start, w, h, o)
		r.pdf.ClipEnd()
		r.pdf.SetDrawColor(200, 200, 200)
		r.pdf.Rect(x, y, w, end-start, "D")
		r.pdf.SetDrawColor(0, 0, 0)
		r.pdf.SetY(y + end - start + 2)
		done = end
		if end >= h || k > 500 || r.pdf.Err() {
			return true
		}
	}
}

// sliceCount predicts how many pages a long image of printed height h takes
// when it starts at y on the current page (the first slice shares its page
// with the caption).
func (r *renderer) sliceCount(h, y float64) int {
	label := 5.0
	first := r.pageBottom() - (y + label) - 1
	full := r.pageBottom() - marginTop - label - 1
	n := 1
	done := first
	for done < h && n < 500 {
		done += full - overlap
		n++
	}
	return n
}

// drawImage draws a registered image into the display box (x, y, w, h),
// applying the EXIF orientation with a transform so the original JPEG bytes
// stay untouched.
func (r *renderer) drawImage(name string, x, y, w, h float64, o int) {
	if r.dry {
		return // nothing is registered in the measuring pass
	}
	opts := fpdf.ImageOptions{}
	if o <= 1 || o > 8 {
		r.pdf.ImageOptions(name, x, y, w, h, false, opts, 0, "")
		return
	}
	cx, cy := x+w/2, y+h/2
	iw, ih := w, h // size of the stored image on the page before rotation
	if o >= 5 {
		iw, ih = h, w
	}
	r.pdf.TransformBegin()
	switch o {
	case 2:
		r.pdf.TransformMirrorHorizontal(cx)
	case 3:
		r.pdf.TransformRotate(180, cx, cy)
	case 4:
		r.pdf.TransformMirrorVertical(cy)
	case 5:
		r.pdf.TransformRotate(-90, cx, cy)
		r.pdf.TransformMirrorHorizontal(cx)
	case 6:
		r.pdf.TransformRotate(-90, cx, cy)
	case 7:
		r.pdf.TransformRotate(90, cx, cy)
		r.pdf.TransformMirrorHorizontal(cx)
	case 8:
		r.pdf.TransformRotate(90, cx, cy)
	}
	r.pdf.ImageOptions(name, cx-iw/2, cy-ih/2, iw, ih, false, opts, 0, "")
	r.pdf.TransformEnd()
}

func (r *renderer) failedImage(it *evidence.Item) (evidence.Warning, bool) {
	for _, w := range r.warnings[it.Index] {
		if w.Code == "image-embed" {
			return w, true
		}
	}
	return evidence.Warning{}, false
}

// register hands the image's placeholder to fpdf (see images.go). The
// original in the bag is never changed.
func (r *renderer) register(it *evidence.Item, name string) (ok bool) {
	fail := func(why, zh string) bool {
		r.warn(it, "image-embed", "image cannot be embedded in the PDF: "+why,
			"图片无法嵌入 PDF（"+zh+"），原件已保存在证据包中")
		return false
	}
	if _, failed := r.failedImage(it); failed {
		return false
	}
	src := r.plan.images.sources[imageKey(it)]
	if src == nil {
		return fail("not prepared", "未能读取")
	}
	defer func() {
		if p := recover(); p != nil {
			r.pdf.ClearError()
			ok = fail(fmt.Sprint(p), "PDF 生成库无法处理这张图片")
		}
	}()
	r.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: src.typ}, bytes.NewReader(src.placeholder))
	if err := r.pdf.Error(); err != nil {
		r.pdf.ClearError()
		return fail(err.Error(), "PDF 生成库无法处理这张图片")
	}
	return true
}

// ---- text -----------------------------------------------------------------------

func (r *renderer) text(it *evidence.Item) bool {
	maxPages := r.rep.MaxTextPages
	if maxPages <= 0 {
		maxPages = 60
	}
	if r.rep.Open == nil {
		return false
	}
	rc, err := r.rep.Open(it)
	if err != nil {
		r.warn(it, "text-read", "cannot read the text: "+err.Error(), "无法读取文本："+zhReason(err))
		return false
	}
	defer rc.Close()
	dec, err := evidence.DecodeText(io.LimitReader(rc, maxTextBytes), it.Encoding)
	if err != nil {
		r.warn(it, "text-read", "cannot decode the text: "+err.Error(), "无法解码文本："+zhReason(err))
		return false
	}
	sc := bufio.NewScanner(dec)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	const size, lineH = 9.0, 4.6
	startPage := r.pdf.PageNo()
	omitted := 0
	for sc.Scan() {
		if r.pdf.Err() {
			return true
		}
		if r.pdf.PageNo()-startPage >= maxPages {
			omitted++
			continue
		}
		line := sc.Text()
		r.font("", size)
		lines := r.wrap(line, r.contentWidth())
		if len(lines) == 0 {
			lines = []string{""}
		}
		for _, l := range lines {
			r.ensure(lineH)
			r.pdf.SetX(marginL)
			r.cellFormat(r.contentWidth(), lineH, l, "", 1, "L", false, 0, "")
		}
	}
	if err := sc.Err(); err != nil {
		r.warn(it, "text-read", "text only partly shown: "+err.Error(), "文本只显示了一部分（"+zhReason(err)+"），完整内容见原件")
	}
	if omitted > 0 || it.Size > maxTextBytes {
		r.pdf.Ln(2)
		r.para(fmt.Sprintf("（篇幅所限，其余 %d 行未打印；完整内容见证据包中的原件 %s）", omitted, it.BagPath), 9, 5, "B")
	}
	return true
}

// ---- PDF --------------------------------------------------------------------------

// pdfImport remembers what the measuring pass learnt about a PDF exhibit.
// The normalised bytes are not kept between passes, so memory stays bounded
// by one exhibit (the real pass normalises again).
type pdfImport struct {
	pages  int
	failed bool
}

// importPDF places every page of a PDF exhibit on a page of its own, scaled
// below our header, with our header and page number on it.
func (r *renderer) importPDF(it *evidence.Item) bool {
	imp, known := r.plan.imports[it.Index]
	var data []byte
	if !known || (!r.dry && !imp.failed) {
		raw, err := r.readAll(it, maxPDFBytes)
		pages := 0
		if err == nil {
			data, pages, err = pdfnorm.PrepareImport(raw)
		}
		if !known {
			imp = &pdfImport{pages: pages}
			r.plan.imports[it.Index] = imp
		}
		if err != nil {
			imp.failed = true
			r.warn(it, "pdf-import", "PDF pages cannot be imported: "+err.Error(), pdfReason(err))
		}
	}
	if imp.failed || imp.pages == 0 {
		return false
	}
	if r.dry {
		r.importedPages(it, imp, nil)
		return true
	}
	if r.importer == nil {
		r.importer = pdfnorm.NewImporter(r.pdf)
	}
	src, err := r.importer.Open(data)
	if err == nil {
		err = r.importedPages(it, imp, src)
	}
	if err != nil {
		r.pdf.ClearError()
		imp.failed = true
		r.warn(it, "pdf-import", "PDF pages cannot be imported: "+err.Error(), pdfReason(err))
		return false
	}
	return true
}

// importedPages lays out one page per source page; with src == nil (the
// measuring pass) it only reserves the pages.
func (r *renderer) importedPages(it *evidence.Item, imp *pdfImport, src *pdfnorm.Source) error {
	r.font("", 9)
	r.cellFormat(0, 5, fmt.Sprintf("本证据为 PDF 文件，共 %d 页，以下逐页附上原文件页面（缩放显示，页眉页脚为本材料所加）。", imp.pages), "", 1, "L", false, 0, "")
	for p := 1; p <= imp.pages; p++ {
		r.addPage("P")
		r.font("", 8)
		r.pdf.SetTextColor(110, 110, 110)
		r.cellFormat(0, 5, r.s(fmt.Sprintf("%s 原文件第 %d / %d 页 · %s", it.ID(), p, imp.pages, path.Base(it.Path))), "", 1, "C", false, 0, "")
		r.pdf.SetTextColor(0, 0, 0)
		if src == nil {
			continue
		}
		page, err := r.importer.ImportPage(src, p)
		if err != nil {
			return err
		}
		pw, ph := page.Size()
		if pw <= 0 || ph <= 0 {
			pw, ph = 595, 842
		}
		top := r.pdf.GetY() + 1
		availW, availH := r.contentWidth(), r.pageBottom()-top-1
		w := availW
		h := w * ph / pw
		if h > availH {
			h = availH
			w = h * pw / ph
		}
		x := marginL + (availW-w)/2
		if err := r.importer.Draw(page, x, top, w, h); err != nil {
			return err
		}
		r.pdf.SetDrawColor(200, 200, 200)
		r.pdf.Rect(x, top, w, h, "D")
		r.pdf.SetDrawColor(0, 0, 0)
		if err := r.pdf.Error(); err != nil {
			return err
		}
	}
	return nil
}

func pdfReason(err error) string {
	if reason := pdfnorm.Reason(err); reason != "" {
		return reason
	}
	return "PDF 文件无法读取（" + zhReason(err) + "），未导入页面；原件已保存在证据包中"
}

// ---- metadata card ------------------------------------------------------------------

func (r *renderer) card(it *evidence.Item) {
	r.ensure(50)
	r.font("B", 11)
	r.pdf.SetFillColor(246, 247, 250)
	r.cellFormat(0, 8, "文件信息卡", "", 1, "L", true, 0, "")
	r.pdf.Ln(1)
	fields := []Field{
		{"文件类型", describeType(it)},
		{"大小", humanSize(it.Size) + fmt.Sprintf("（%d 字节）", it.Size)},
	}
	if it.Duration > 0 {
		fields = append(fields, Field{"时长", fmt.Sprintf("%.1f 秒", it.Duration)})
	}
	fields = append(fields, Field{"说明", cardHint(it)})
	r.kv(fields, 24, 9.5, 5.4)
}

func describeType(it *evidence.Item) string {
	switch it.Type {
	case evidence.TypeMP4:
		return "视频/音频（" + it.MediaType + "）"
	case evidence.TypeAMR, evidence.TypeSILK:
		return "语音（" + it.MediaType + "）"
	case evidence.TypeHEIC:
		return "HEIC 图片"
	case evidence.TypeEmpty:
		return "空文件"
	case evidence.TypePDF:
		return "PDF 文档"
	}
	return it.MediaType
}

func cardHint(it *evidence.Item) string {
	where := "原件保存在证据包的 " + it.BagPath + "，可用上方 SHA-256 核对。"
	switch it.Type {
	case evidence.TypeMP4:
		return "录屏、视频和音频无法在 PDF 中播放。请用播放器打开原件查看；" + where
	case evidence.TypeAMR, evidence.TypeSILK:
		return "语音无法在 PDF 中播放，必要时可整理成文字说明。" + where
	case evidence.TypeHEIC:
		return "HEIC（iPhone 默认照片格式）无法在 PDF 中显示。请在手机上把照片导出为 JPEG（或在设置→相机→格式中选择“兼容性最佳”后重新截图/拍照）再加入案件文件夹。" + where
	case evidence.TypeEmpty:
		return "文件没有任何内容（0 字节），可能在复制或传输时出错，请重新导出。" + where
	case evidence.TypePDF:
		return "PDF 页面未能导入本材料（原因见上方提示）。" + where
	}
	if it.Type.IsImage() {
		return "图片未能显示（原因见上方提示）。" + where
	}
	return "该类型文件无法在 PDF 中显示内容。" + where
}
