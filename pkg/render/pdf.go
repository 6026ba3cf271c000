// Package render lays out the evidence bundle's Chinese PDF: cover, 证据目录,
// one exhibit per file and the 完整性说明, with a header, "第 x 页 / 共 y 页"
// and the short root hash on every page.
//
// The document is produced in two passes over the same code: a dry pass that
// only measures (so the index can print every exhibit's page number and the
// footer the page total), then the real pass, one volume at a time and
// volumes in parallel. The fpdf output is rewritten by pdfnorm.Canonicalize
// so that the same input always gives the same bytes, and images reach the
// file only when a volume is written, streamed by Result.Expand (see
// images.go and docs/libraries.md for the library defects worked around
// here).
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/letters"
	"github.com/evipack/evipack/pkg/payment"
	"github.com/evipack/evipack/pkg/pdfnorm"
	"github.com/evipack/evipack/templates"
)

// CaseInfo is what the cover and the headers say about the case. The caller
// fills it from case.yaml; every field may be empty.
type CaseInfo struct {
	Title       string   // e.g. "张小明 诉 星辰卡盟"
	Complainant []Field  // 投诉人 lines
	Respondent  []Field  // 被投诉人 lines
	Order       []Field  // 商品、订单号、金额、付款时间 …
	Problem     string   // 问题概述
	Demands     []string // 投诉请求
}

// Field is one labelled value.
type Field struct{ Label, Value string }

// Report is everything the PDF shows.
type Report struct {
	Case      CaseInfo
	Items     []*evidence.Item
	Skipped   []evidence.Skipped
	RootHash  string
	Packaged  time.Time
	Version   string
	KindLabel func(kind string) string
	// Open returns the original bytes of an item for embedding.
	Open func(it *evidence.Item) (io.ReadCloser, error)
	// MaxTextPages caps the pages a single text exhibit may take (0 = 60).
	MaxTextPages int
	// Criteria select the rows of payment records that concern the case.
	Criteria payment.Criteria
	// ChatFilter selects the messages of chat exports shown in transcripts.
	ChatFilter chat.Filter
	// SelfNames are the complainant's names and account ids: their chat
	// messages are shown as "self".
	SelfNames []string
	// Redact masks phone, 身份证 and bank card numbers in printed text.
	Redact bool

	// Letter is the document for the target (投诉书 …); LetterRefusal says
	// why there is none (e.g. no arbitration clause).
	Letter        *letters.Doc
	LetterRefusal string
	// Form is the 12315 web form, field by field.
	Form []letters.FormField
	// Timeline is 事实经过.
	Timeline []letters.Event
	// Checklist is the 证据链核查 result.
	Checklist *checklist.Result

	// MaxVolumeBytes splits the exhibits into volumes whose embedded files
	// add up to at most this many bytes (0 = one volume), for upload forms
	// with size limits.
	MaxVolumeBytes int64
	// Jobs bounds the images converted and the volumes laid out at once
	// (0 = number of CPUs).
	Jobs int
	// Scratch is the folder for converted images ("" = the system's
	// temporary folder); Result.Close removes what Render put there.
	Scratch string
	// Images, if set, is the preparation of the image exhibits started
	// earlier by PrepareImages with the same Items and Open; Render then
	// owns it (Result.Close, or Render failing, closes it). Nil: Render
	// starts it itself.
	Images *Images
	// Progress, if set, is called after each exhibit of the final pass is
	// laid out, with the number done and the total.
	Progress func(done, total int)
}

func (rep *Report) jobs() int {
	if rep.Jobs > 0 {
		return rep.Jobs
	}
	return runtime.GOMAXPROCS(0)
}

// Volume is one PDF file of a report split into volumes. Page numbers run
// on across volumes.
type Volume struct {
	Number    int   `json:"number"`     // 1-based
	FirstPage int   `json:"first_page"` // global page number of its first page
	Pages     int   `json:"pages"`
	Items     []int `json:"exhibits"` // exhibit indices in this volume
	// Draft is the volume's PDF with image placeholders (see Render).
	Draft []byte `json:"-"`
}

// Attach embeds files (evipack.json, 核验说明.txt) into a finished report
// PDF. fpdf's own attachments break bookmarks and links, so this works on
// the canonical output instead.
func Attach(pdf []byte, files []pdfnorm.File) ([]byte, error) {
	out, err := pdfnorm.Attach(pdf, files)
	if err != nil {
		return nil, fmt.Errorf("render: attach: %w", err)
	}
	return out, nil
}

// Result describes the PDF that was written.
type Result struct {
	Volumes      []Volume                   // one or more PDF files
	Redacted     Redactor                   // what --redact masked
	Pages        int                        // total page count
	ExhibitPages map[int]int                // exhibit index → first page
	Warnings     map[int][]evidence.Warning // render-time problems, by exhibit index

	images *Images
}

// Page geometry in millimetres.
const (
	marginL   = 15.0
	marginR   = 15.0
	marginTop = 20.0
	marginBot = 18.0
	headerY   = 9.0
	fontName  = "noto"
)

// PDF renders rep as a single PDF to w; it fails if rep asks for volumes.
func PDF(ctx context.Context, w io.Writer, rep *Report) (*Result, error) {
	if rep.MaxVolumeBytes > 0 {
		return nil, errors.New("render: PDF writes one volume; use Render for volumes")
	}
	res, err := Render(ctx, rep)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	if err := res.Expand(w, res.Volumes[0].Draft); err != nil {
		return nil, err
	}
	return res, nil
}

// Render lays out the report, split into volumes when rep.MaxVolumeBytes is
// set. Each volume's Draft is a complete canonical PDF in which every image
// stream is a small placeholder; Expand writes it out with the images'
// bytes. Close removes the converted images once every volume is written.
// Drafts are small (text, fonts, imported pages), so a report's memory does
// not grow with its images.
func Render(ctx context.Context, rep *Report) (res *Result, err error) {
	fonts, err := loadFonts()
	if err != nil {
		return nil, err
	}
	if rep.KindLabel == nil {
		rep.KindLabel = func(k string) string { return k }
	}
	im := rep.Images
	if im == nil {
		im = PrepareImages(ctx, rep.Items, rep.Open, rep.Scratch, rep.jobs())
	}
	defer func() {
		if err != nil {
			im.Close()
		}
	}()
	images := im.set
	plan := &plan{exhibitPage: map[int]int{}, warnings: map[int][]evidence.Warning{}, imports: map[int]*pdfImport{}, images: images}
	plan.volumes = partition(rep.Items, rep.MaxVolumeBytes)
	// Images are prepared while the measuring pass runs over the whole
	// document (or since PrepareImages was called); an image that cannot be
	// shown changes the layout, so the measuring pass is repeated then. A
	// failure that only the real pass finds (an image fpdf rejects) also
	// changes the layout, so the real pass is repeated until stable.
	_, err = run(ctx, rep, fonts, plan, true, nil, nil)
	failures, perr := im.wait()
	if err != nil {
		return nil, err
	}
	if perr != nil {
		return nil, perr
	}
	if warnFailed(rep.Items, failures, plan) > 0 {
		if _, err := run(ctx, rep, fonts, plan, true, nil, nil); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		before := plan.warningCount()
		if err := layoutVolumes(ctx, rep, fonts, plan); err != nil {
			return nil, err
		}
		if plan.warningCount() != before && attempt < 2 {
			if _, err := run(ctx, rep, fonts, plan, true, nil, nil); err != nil {
				return nil, err
			}
			continue
		}
		return &Result{Pages: plan.total, ExhibitPages: plan.exhibitPage, Warnings: plan.warnings, Redacted: plan.redacted, Volumes: plan.volumes, images: im}, nil
	}
}

// errOutsideSubset fails a volume's pass that drew a rune its subset fonts
// lack; the volume is laid out again with the whole fonts.
var errOutsideSubset = errors.New("render: rune outside the subset fonts")

// layoutVolumes lays out every volume, rep.Jobs at a time, and merges
// what each learnt about its own exhibits into the plan in volume order.
func layoutVolumes(ctx context.Context, rep *Report, fonts *fontSet, pl *plan) error {
	n := len(pl.volumes)
	pl.laidOut.Store(0)
	learnt := make([]learnt, n)
	errs := make([]error, n)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	// Longest first, by the measuring pass's page counts: a volume of a
	// thousand pages of chat laid out last would run alone at the end.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return pl.volumes[b].Pages - pl.volumes[a].Pages })
	next := make(chan int, n)
	for _, i := range order {
		next <- i
	}
	close(next)
	sub := fonts.subset(&pl.glyphs)
	for range min(rep.jobs(), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				v := &pl.volumes[i]
				buf, err := run(ctx, rep, sub, pl, false, v, &learnt[i])
				if err != nil && ctx.Err() == nil {
					// errOutsideSubset, or anything the cut fonts
					// caused: the whole fonts decide.
					pl.wholeFonts.Add(1)
					// Its exhibits are counted again as they are laid out
					// again.
					pl.laidOut.Add(-learnt[i].reported)
					learnt[i].warnings, learnt[i].exhibitPage, learnt[i].reported = nil, nil, 0
					buf, err = run(ctx, rep, fonts, pl, false, v, &learnt[i])
				}
				if err == nil {
					v.Draft, err = pdfnorm.Canonicalize(buf)
					if err != nil {
						err = fmt.Errorf("render: canonicalize: %w", err)
					}
				}
				if err != nil {
					errs[i] = err
					cancel()
				}
			}
		}()
	}
	wg.Wait()
	// The first real failure, not the cancellations it caused.
	var first error
	for _, e := range errs {
		if e != nil && !errors.Is(e, context.Canceled) {
			return e
		}
		if first == nil {
			first = e
		}
	}
	if first != nil {
		return first
	}
	for i, v := range pl.volumes {
		for _, idx := range v.Items {
			if w, ok := learnt[i].warnings[idx]; ok {
				pl.warnings[idx] = w
			}
			if p, ok := learnt[i].exhibitPage[idx]; ok {
				pl.exhibitPage[idx] = p
			}
		}
	}
	return nil
}

// Expand writes a volume's draft — or that draft after Attach — to w with
// the real bytes of every image.
func (res *Result) Expand(w io.Writer, draft []byte) error {
	if err := pdfnorm.Expand(w, draft, res.images.set.resolve); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

// Close removes the scratch files of converted images.
func (res *Result) Close() { res.images.Close() }

// partition groups exhibits into volumes of at most max embedded bytes
// (an exhibit larger than max gets a volume of its own).
func partition(items []*evidence.Item, max int64) []Volume {
	vols := []Volume{{Number: 1}}
	var size int64
	for _, it := range items {
		est := embedSize(it)
		cur := &vols[len(vols)-1]
		if max > 0 && len(cur.Items) > 0 && size+est > max {
			vols = append(vols, Volume{Number: len(vols) + 1})
			cur, size = &vols[len(vols)-1], 0
		}
		cur.Items = append(cur.Items, it.Index)
		size += est
	}
	return vols
}

// embedSize estimates how many bytes an exhibit puts into the PDF.
func embedSize(it *evidence.Item) int64 {
	switch {
	case it.Type.IsImage() && it.Type != evidence.TypeHEIC, it.Type == evidence.TypePDF, it.Chat != nil && len(it.Chat.Images) > 0:
		return it.Size
	}
	return min(it.Size, 256<<10)
}

type fontSet struct {
	regular, bold []byte
	cov           *Coverage
	only          *glyphSet // the runes a subset holds; nil for the whole fonts
}

// loadFonts reads the embedded fonts' coverage table once per process; the
// fonts are used in place (fpdf only reads the font bytes), so every
// document shares them.
var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	table, err := templates.FS.ReadFile(templates.FontCoverage)
	if err != nil {
		return nil, fmt.Errorf("render: font: %w", err)
	}
	cov := &Coverage{}
	if err := cov.UnmarshalBinary(table); err != nil {
		return nil, fmt.Errorf("render: font: %w", err)
	}
	return &fontSet{regular: templates.FontRegularTTF, bold: templates.FontBoldTTF, cov: cov}, nil
})

// plan carries what the dry pass learnt into the real pass.
type plan struct {
	total       int
	exhibitPage map[int]int
	warnings    map[int][]evidence.Warning
	imports     map[int]*pdfImport
	redacted    Redactor // counts of the measuring pass (the whole report)
	volumes     []Volume
	images      *imageSet
	glyphs      glyphSet     // the runes the measuring passes drew or measured
	wholeFonts  atomic.Int64 // volumes laid out again with the whole fonts
	laidOut     atomic.Int64 // exhibits laid out by the volumes' passes, for Progress
}

// volumeOf returns the volume holding exhibit index, or nil.
func (p *plan) volumeOf(index int) *Volume {
	for i := range p.volumes {
		for _, n := range p.volumes[i].Items {
			if n == index {
				return &p.volumes[i]
			}
		}
	}
	return nil
}

func (p *plan) warningCount() int {
	n := 0
	for _, w := range p.warnings {
		n += len(w)
	}
	return n
}

func (p *plan) warn(it *evidence.Item, code, msg, zh string) {
	addWarning(p.warnings, it, code, msg, zh)
}

// warn records a render-time problem with an exhibit (once per code).
func (r *renderer) warn(it *evidence.Item, code, msg, zh string) {
	addWarning(r.warnings, it, code, msg, zh)
}

func addWarning(m map[int][]evidence.Warning, it *evidence.Item, code, msg, zh string) {
	for _, w := range m[it.Index] {
		if w.Code == code {
			return
		}
	}
	m[it.Index] = append(m[it.Index], evidence.Warning{Code: code, Path: it.Path, Msg: msg, Zh: zh})
}

type renderer struct {
	ctx     context.Context
	pdf     *fpdf.Fpdf
	rep     *Report
	fonts   *fontSet
	plan    *plan
	dry     bool
	section string
	widths  map[widthKey]float64
	style   string
	size    float64
	// importer imports exhibit PDF pages; one per fpdf document.
	importer *pdfnorm.Importer
	redactor *Redactor
	// vol is the volume being written; nil in the measuring pass, which
	// lays out the whole document.
	vol *Volume
	// pageOffset is the number of pages in earlier volumes.
	pageOffset int
	// warnings and exhibitPage are the plan's in the measuring pass; a
	// volume's pass works on copies (volumes are laid out in parallel), and
	// Render merges what each learnt about its own exhibits.
	warnings    map[int][]evidence.Warning
	exhibitPage map[int]int
	// outside is set when a pass with subset fonts meets a rune the
	// subset lacks; the volume is then laid out with the whole fonts.
	outside bool
}

// page is the global page number of the current page.
func (r *renderer) page() int { return r.pageOffset + r.pdf.PageNo() }

type widthKey struct {
	style string
	r     rune
}

// learnt is what a volume's pass found out: its own copies of the plan's
// warnings and exhibit pages.
type learnt struct {
	warnings    map[int][]evidence.Warning
	exhibitPage map[int]int
	reported    int64 // exhibits counted in plan.laidOut for Progress
}

// run lays out the whole document (dry, vol nil) or one volume. A volume's
// pass only reads the plan, so volumes can be laid out in parallel.
func run(ctx context.Context, rep *Report, fonts *fontSet, pl *plan, dry bool, vol *Volume, learnt *learnt) (buf []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("render: internal error: %v", p)
		}
	}()
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	pdf.SetCatalogSort(true)
	// Page contents are compressed by pdfnorm.Canonicalize, with a
	// reused compressor; fpdf would allocate one per page.
	pdf.SetCompression(false)
	pdf.SetCreationDate(rep.Packaged)
	pdf.SetModificationDate(rep.Packaged)
	pdf.SetMargins(marginL, marginTop, marginR)
	pdf.SetAutoPageBreak(true, marginBot)
	pdf.AddUTF8FontFromBytes(fontName, "", fonts.regular)
	pdf.AddUTF8FontFromBytes(fontName, "B", fonts.bold)
	pdf.SetTitle("证据材料 "+rep.Case.Title, true)
	pdf.SetCreator("evipack "+rep.Version, true)
	pdf.SetProducer("evipack "+rep.Version, true)
	pdf.SetLang("zh-CN")
	// The root hash in the metadata lets anyone holding only the PDF see
	// which evidence set it belongs to (verify FILE.pdf reads it back).
	pdf.SetSubject("evipack 证据材料；证据包根哈希 SHA-256 "+rep.RootHash, true)
	pdf.SetKeywords("evipack root-hash:"+rep.RootHash, true)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("render: setup: %w", err)
	}
	r := &renderer{ctx: ctx, pdf: pdf, rep: rep, fonts: fonts, plan: pl, dry: dry, widths: map[widthKey]float64{}, vol: vol,
		warnings: pl.warnings, exhibitPage: pl.exhibitPage}
	if vol != nil {
		r.pageOffset = vol.FirstPage - 1
		r.warnings = map[int][]evidence.Warning{}
		for k, v := range pl.warnings {
			r.warnings[k] = slices.Clone(v)
		}
		r.exhibitPage = maps.Clone(pl.exhibitPage)
		defer func() { learnt.warnings, learnt.exhibitPage = r.warnings, r.exhibitPage }()
	}
	if rep.Redact {
		r.redactor = &Redactor{}
		if vol == nil {
			// Only the measuring pass sees the whole document; a volume
			// sees its own part, and the counts printed on the integrity
			// page are those of the whole report.
			defer func() { pl.redacted = *r.redactor }()
		}
	}
	pdf.SetHeaderFuncMode(r.header, false)
	pdf.SetFooterFunc(r.footer)

	first := vol == nil || vol.Number == 1
	last := vol == nil || vol.Number == len(pl.volumes)
	if first {
		r.cover()
		r.letter()
		r.formPage()
		r.timeline()
		r.checklistPage()
		r.index()
	}
	for _, it := range rep.Items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if vol != nil && pl.volumeOf(it.Index) != vol {
			continue
		}
		if vol == nil {
			// Volumes start where their first exhibit starts.
			if v := pl.volumeOf(it.Index); v != nil && v.Items[0] == it.Index {
				v.FirstPage = pdf.PageNo() + 1
				if v.Number == 1 {
					v.FirstPage = 1
				}
			}
		}
		r.exhibit(it)
		if !dry && rep.Progress != nil {
			learnt.reported++
			rep.Progress(int(pl.laidOut.Add(1)), len(rep.Items))
		}
	}
	if last {
		r.integrity()
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if r.outside {
		return nil, errOutsideSubset
	}
	if dry {
		pl.total = pdf.PageNo()
		for i := range pl.volumes {
			end := pl.total
			if i+1 < len(pl.volumes) {
				end = pl.volumes[i+1].FirstPage - 1
			}
			pl.volumes[i].Pages = end - pl.volumes[i].FirstPage + 1
		}
		return nil, nil
	}
	var out bytes.Buffer
	out.Grow(1 << 20) // drafts hold no image data
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("render: output: %w", err)
	}
	return out.Bytes(), nil
}

// ---- text primitives -------------------------------------------------------

// cellFormat is the one way text is drawn.
func (r *renderer) cellFormat(w, h float64, txt, border string, ln int, align string, fill bool, link int, linkStr string) {
	r.glyphs(r.pdf.GetFontStyle(), txt)
	r.pdf.CellFormat(w, h, txt, border, ln, align, fill, link, linkStr)
}

// glyphs records the runes of s in the measuring pass, and checks them
// against the subset fonts of a volume's pass.
func (r *renderer) glyphs(style, s string) {
	switch {
	case r.fonts.only != nil:
		if !r.outside && !r.fonts.only.covers(style, s) {
			r.outside = true
		}
	case r.dry:
		r.plan.glyphs.note(style, s)
	}
}

// s is the one gate every string passes before fpdf sees it.
func (r *renderer) s(str string) string {
	return Sanitize(r.redactor.Redact(str), r.fonts.cov.Has)
}

func (r *renderer) font(style string, size float64) {
	r.style, r.size = style, size
	r.pdf.SetFont(fontName, style, size)
}

func (r *renderer) runeWidth(c rune) float64 {
	k := widthKey{r.style, c}
	w, ok := r.widths[k]
	if !ok {
		r.glyphs(r.style, string(c))
		r.pdf.SetFontSize(1)
		w = r.pdf.GetStringWidth(string(c))
		r.pdf.SetFontSize(r.size)
		r.widths[k] = w
	}
	return w * r.size
}

func (r *renderer) wrap(str string, width float64) []string {
	return Wrap(r.s(str), width, r.runeWidth)
}

func (r *renderer) contentWidth() float64 {
	w, _ := r.pdf.GetPageSize()
	return w - marginL - marginR
}

func (r *renderer) pageBottom() float64 {
	_, h := r.pdf.GetPageSize()
	return h - marginBot
}

// para writes wrapped text at the left margin, breaking pages as needed.
func (r *renderer) para(str string, size, lineH float64, style string) {
	r.paraAt(marginL, r.contentWidth(), str, size, lineH, style)
}

func (r *renderer) paraAt(x, width float64, str string, size, lineH float64, style string) {
	r.font(style, size)
	for _, line := range r.wrap(str, width) {
		r.ensure(lineH)
		r.pdf.SetX(x)
		r.cellFormat(width, lineH, line, "", 1, "L", false, 0, "")
	}
}

// ensure starts a new page when less than h millimetres are left.
func (r *renderer) ensure(h float64) {
	if r.pdf.GetY()+h > r.pageBottom() {
		r.addPage("P")
	}
}

func (r *renderer) addPage(orientation string) {
	r.pdf.AddPageFormat(orientation, r.pdf.GetPageSizeStr("A4"))
}

func (r *renderer) heading(title string, level int) {
	r.font("B", 16)
	r.pdf.Bookmark(r.s(title), level, -1)
	r.cellFormat(0, 10, r.s(title), "", 1, "L", false, 0, "")
	r.pdf.Ln(2)
}

func (r *renderer) shortHash() string {
	if len(r.rep.RootHash) >= 16 {
		return r.rep.RootHash[:16]
	}
	return r.rep.RootHash
}

func (r *renderer) header() {
	pw, _ := r.pdf.GetPageSize()
	r.pdf.SetFont(fontName, "", 8)
	r.pdf.SetTextColor(110, 110, 110)
	left := "证据材料"
	if r.rep.Case.Title != "" {
		left += " · " + r.rep.Case.Title
	}
	if n := len(r.plan.volumes); n > 1 {
		v := 1
		if r.vol != nil {
			v = r.vol.Number
		}
		left += fmt.Sprintf(" · 第 %d 册 / 共 %d 册", v, n)
	}
	r.pdf.SetXY(marginL, headerY-4)
	r.cellFormat(pw-marginL-marginR, 5, r.s(left), "", 0, "L", false, 0, "")
	r.pdf.SetXY(marginL, headerY-4)
	r.cellFormat(pw-marginL-marginR, 5, r.s(r.section), "", 0, "R", false, 0, "")
	r.pdf.SetDrawColor(170, 170, 170)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Line(marginL, headerY+2, pw-marginR, headerY+2)
	r.pdf.SetTextColor(0, 0, 0)
	r.pdf.SetDrawColor(0, 0, 0)
	r.pdf.SetXY(marginL, marginTop)
	if r.style != "" || r.size != 0 {
		r.pdf.SetFont(fontName, r.style, r.size)
	}
}

func (r *renderer) footer() {
	pw, ph := r.pdf.GetPageSize()
	r.pdf.SetFont(fontName, "", 8)
	r.pdf.SetTextColor(110, 110, 110)
	total := "?"
	if r.plan.total > 0 {
		total = fmt.Sprint(r.plan.total)
	}
	y := ph - marginBot + 6
	r.pdf.SetXY(marginL, y)
	r.cellFormat(pw-marginL-marginR, 5, fmt.Sprintf("第 %d 页 / 共 %s 页", r.page(), total), "", 0, "C", false, 0, "")
	r.pdf.SetXY(marginL, y)
	r.cellFormat(pw-marginL-marginR, 5, "根哈希 "+r.shortHash(), "", 0, "R", false, 0, "")
	r.pdf.SetTextColor(0, 0, 0)
	if r.style != "" || r.size != 0 {
		r.pdf.SetFont(fontName, r.style, r.size)
	}
}

// ---- tables -----------------------------------------------------------------

type column struct {
	title string
	width float64
	align string
}

// table draws rows of wrapped cells; a row that does not fit moves to the
// next page and the column titles repeat there.
func (r *renderer) table(cols []column, rows [][]string, size, lineH float64, links []int) {
	drawHead := func() {
		r.font("B", size)
		r.pdf.SetFillColor(235, 238, 243)
		x := r.pdf.GetX()
		for _, c := range cols {
			r.cellFormat(c.width, lineH+2, r.s(c.title), "1", 0, "C", true, 0, "")
		}
		r.pdf.Ln(-1)
		r.pdf.SetX(x)
	}
	x0 := r.pdf.GetX()
	r.ensure(2*(lineH+2) + 2*lineH)
	drawHead()
	for ri, row := range rows {
		r.font("", size)
		cells := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			if i < len(row) {
				cells[i] = r.wrap(row[i], c.width-2)
			}
			n = max(n, len(cells[i]))
		}
		// Rows taller than a page are split at line boundaries.
		for start := 0; start < n; {
			if r.pdf.Err() {
				return // fpdf stopped; run reports its error
			}
			avail := int((r.pageBottom() - r.pdf.GetY() - 2) / lineH)
			if avail < 1 || (start == 0 && n <= 40 && avail < n) {
				r.addPage(r.orientation())
				r.pdf.SetX(x0)
				drawHead()
				r.font("", size)
				continue
			}
			end := min(n, start+avail)
			h := float64(end-start)*lineH + 2
			y := r.pdf.GetY()
			x := x0
			for i, c := range cols {
				r.pdf.Rect(x, y, c.width, h, "D")
				for li := start; li < end && li < len(cells[i]); li++ {
					r.pdf.SetXY(x+1, y+1+float64(li-start)*lineH)
					link := 0
					if links != nil && links[ri] != 0 && c.align == "link" {
						link = links[ri]
					}
					align := c.align
					if align == "link" {
						align = "C"
						r.pdf.SetTextColor(20, 70, 160)
					}
					r.cellFormat(c.width-2, lineH, cells[i][li], "", 0, align, false, link, "")
					r.pdf.SetTextColor(0, 0, 0)
				}
				x += c.width
			}
			r.pdf.SetXY(x0, y+h)
			start = end
		}
	}
	r.pdf.Ln(2)
}

func (r *renderer) orientation() string {
	w, h := r.pdf.GetPageSize()
	if w > h {
		return "L"
	}
	return "P"
}

// kv draws "label：value" rows with a fixed label column.
func (r *renderer) kv(fields []Field, labelW, size, lineH float64) {
	cw := r.contentWidth()
	for _, f := range fields {
		if strings.TrimSpace(f.Value) == "" {
			continue
		}
		r.font("", size)
		lines := r.wrap(f.Value, cw-labelW)
		r.ensure(lineH * float64(min(len(lines), 3)))
		r.font("B", size)
		r.pdf.SetX(marginL)
		r.cellFormat(labelW, lineH, r.s(f.Label), "", 0, "L", false, 0, "")
		r.font("", size)
		for i, line := range lines {
			if i > 0 {
				r.ensure(lineH)
			}
			r.pdf.SetX(marginL + labelW)
			r.cellFormat(cw-labelW, lineH, line, "", 1, "L", false, 0, "")
		}
	}
}

// ---- sections ---------------------------------------------------------------

func (r *renderer) cover() {
	r.section = "封面"
	r.addPage("P")
	r.font("B", 22)
	r.pdf.Bookmark("封面", 0, -1)
	r.pdf.Ln(2)
	r.cellFormat(0, 12, "消费纠纷证据材料", "", 1, "C", false, 0, "")
	r.font("", 12)
	if r.rep.Case.Title != "" {
		r.cellFormat(0, 8, r.s(r.rep.Case.Title), "", 1, "C", false, 0, "")
	}
	r.pdf.Ln(4)
	c := r.rep.Case
	block := func(title string, fields []Field) {
		if len(fields) == 0 {
			return
		}
		r.ensure(20)
		r.font("B", 11.5)
		r.cellFormat(0, 7, title, "B", 1, "L", false, 0, "")
		r.pdf.Ln(1)
		r.kv(fields, 32, 10, 5.3)
		r.pdf.Ln(2.5)
	}
	block("投诉人", c.Complainant)
	block("被投诉人", c.Respondent)
	block("交易", c.Order)
	if strings.TrimSpace(c.Problem) != "" {
		r.ensure(20)
		r.font("B", 11.5)
		r.cellFormat(0, 7, "问题概述", "B", 1, "L", false, 0, "")
		r.pdf.Ln(1)
		r.para(c.Problem, 10, 5.3, "")
		r.pdf.Ln(2.5)
	}
	if len(c.Demands) > 0 {
		r.ensure(20)
		r.font("B", 11.5)
		r.cellFormat(0, 7, "请求", "B", 1, "L", false, 0, "")
		r.pdf.Ln(1)
		for i, d := range c.Demands {
			r.para(fmt.Sprintf("%d. %s", i+1, d), 10, 5.3, "")
		}
		r.pdf.Ln(2.5)
	}
	nwarn := 0
	for _, it := range r.rep.Items {
		nwarn += len(it.Warnings) + len(r.warnings[it.Index])
	}
	r.ensure(30)
	r.font("B", 11.5)
	r.cellFormat(0, 7, "证据包", "B", 1, "L", false, 0, "")
	r.pdf.Ln(1)
	pack := []Field{
		{"证据数量", fmt.Sprintf("%d 份（原件逐字节保存在证据包 data/evidence/ 中）", len(r.rep.Items))},
		{"根哈希", r.rep.RootHash + "（SHA-256，标识全部证据原件，核验方法见“完整性说明”）"},
		{"打包时间", r.rep.Packaged.In(evidence.CST).Format("2006-01-02 15:04:05 -07:00") + "（打包电脑的时钟，未经第三方验证）"},
		{"生成工具", "evipack " + r.rep.Version},
	}
	if nwarn > 0 || len(r.rep.Skipped) > 0 {
		pack = append(pack, Field{"处理提示", fmt.Sprintf("%d 条文件提示、%d 个未纳入的路径，详见“证据目录”末尾", nwarn, len(r.rep.Skipped))})
	}
	r.kv(pack, 32, 10, 5.3)
}

func (r *renderer) index() {
	r.section = "证据目录"
	r.addPage("L")
	r.heading("证据目录", 0)
	cols := []column{
		{"序号", 11, "C"},
		{"证据名称", 36, "L"},
		{"证据类型", 19, "L"},
		{"证据来源", 24, "L"},
		{"形成时间", 27, "L"},
		{"证明目的", 56, "L"},
		{"页码", 11, "link"},
		{"文件名", 36, "L"},
		{"SHA-256", 47, "L"},
	}
	rows := make([][]string, 0, len(r.rep.Items))
	links := make([]int, 0, len(r.rep.Items))
	for _, it := range r.rep.Items {
		formed := "—"
		if t, ok := it.Formed(); ok {
			formed = t.Time.In(evidence.CST).Format("2006-01-02 15:04:05") + "\n（" + timeSourceLabel(t.Source) + "）"
		}
		page := "—"
		link := 0
		if p := r.exhibitPage[it.Index]; p > 0 {
			page = fmt.Sprint(p)
			v := r.plan.volumeOf(it.Index)
			if len(r.plan.volumes) > 1 && v != nil {
				page = fmt.Sprintf("第%d册\n%d", v.Number, p)
			}
			// Links work inside one file: only to exhibits of this volume.
			if v == nil || v.Number == 1 {
				link = r.pdf.AddLink()
				r.pdf.SetLink(link, 0, p-r.pageOffset)
			}
		}
		rows = append(rows, []string{
			fmt.Sprint(it.Index), it.Title, r.rep.KindLabel(it.Kind), sourceOf(it), formed,
			orDash(it.Proves), page, it.Path, it.SHA256,
		})
		links = append(links, link)
	}
	r.table(cols, rows, 7.5, 3.6, links)
	r.noticeList()
}

// noticeList prints every warning and every skipped path, so nothing that
// was in the folder silently disappears.
func (r *renderer) noticeList() {
	var lines []string
	for _, it := range r.rep.Items {
		for _, w := range append(append([]evidence.Warning{}, it.Warnings...), r.warnings[it.Index]...) {
			lines = append(lines, fmt.Sprintf("%s（%s）：%s", it.ID(), it.Path, w.Zh))
		}
	}
	for _, s := range r.rep.Skipped {
		lines = append(lines, fmt.Sprintf("未纳入：%s：%s", s.Path, s.Zh))
	}
	if len(lines) == 0 {
		return
	}
	r.ensure(20)
	r.font("B", 11)
	r.cellFormat(0, 7, "处理提示", "", 1, "L", false, 0, "")
	for _, l := range lines {
		r.para("· "+l, 8.5, 4.6, "")
	}
}

func (r *renderer) integrity() {
	r.section = "完整性说明"
	r.addPage("P")
	r.heading("完整性说明", 0)
	p := func(s string) { r.para(s, 10, 5.6, ""); r.pdf.Ln(1.5) }
	sub := func(s string) {
		r.ensure(14)
		r.pdf.Ln(2)
		r.font("B", 11.5)
		r.cellFormat(0, 7, r.s(s), "", 1, "L", false, 0, "")
	}
	p("本材料由 evipack " + r.rep.Version + " 生成。证据原件逐字节保存在证据包（BagIt 1.0 格式）的 data/evidence/ 文件夹中，本 PDF 保存在 data/report/ 中。每份原件的 SHA-256 哈希值列于下表；任何一个字节被改动，哈希值都会完全不同。")
	sub("证据包根哈希")
	r.font("", 10)
	r.para(r.rep.RootHash, 10, 5.6, "B")
	p("根哈希是对 manifest-sha256.txt 中全部 data/evidence/ 行按字节排序后整体计算的 SHA-256，代表整套证据原件。在证据包文件夹中可用以下命令重新计算：")
	r.code("grep '  data/evidence/' manifest-sha256.txt | LC_ALL=C sort | sha256sum")
	sub("核验方法")
	p("1. Linux / macOS：在证据包文件夹中运行下列命令，每行显示“成功/OK”即表示文件未被改动：")
	r.code("sha256sum -c manifest-sha256.txt\nsha256sum -c tagmanifest-sha256.txt")
	p("2. Windows：在命令提示符中对单个文件计算哈希，并与下表比对：")
	r.code(`certutil -hashfile "data\evidence\01\文件名" SHA256`)
	p("3. 使用 evipack：一次核验全部文件、清单和根哈希：")
	r.code("evipack verify 证据包文件夹")
	sub("本材料能证明什么，不能证明什么")
	p("能证明：证据包中的原件与打包时完全一致，自打包以来未被修改、替换或删减（以哈希值核验为准）。")
	p("不能证明：文件在打包之前的真实性、截图内容是否属实、文件形成于何时。打包时间取自打包电脑的时钟，未经第三方验证，可被人为设置。文件中的拍摄时间、文件名时间和修改时间都可能被改动，仅供参考。若需证明证据在某一时间之前已经存在，可申请可信时间戳（RFC 3161）或办理公证。")
	if r.rep.Redact {
		sub("信息遮盖")
		rd := r.plan.redacted
		p(fmt.Sprintf("按投诉人的要求，本 PDF 的文字中已遮盖手机号 %d 处、身份证号 %d 处、银行卡号 %d 处（只保留前几位和后几位）。截图、照片和导入的 PDF 页面中的内容无法自动遮盖。证据包 data/evidence/ 中的原件未作任何改动，哈希值不受影响。", rd.Phones, rd.IDs, rd.Cards))
	}
	sub("四种时间")
	p("· 事件时间：文件内容中记载的时间（如账单中的交易时间、聊天记录中的消息时间）。")
	p("· 文件时间：照片 EXIF 拍摄时间、截图文件名中的时间、文件修改时间，均由设备记录，可被修改。")
	p("· 打包时间：生成本证据包的电脑时钟，未经验证。")
	p("· 可信时间：由第三方时间戳服务机构（RFC 3161）签发的时间戳，可独立核验；本证据包如附有时间戳，会在 evipack verify 的结果中单独列出。")
	sub("可信时间戳")
	p("打包之后，可运行 evipack stamp 证据包文件夹，生成时间戳申请文件 evipack-timestamp.tsq，发送给任一 RFC 3161 时间戳机构，再用 evipack stamp 证据包文件夹 --attach 应答文件.tsr --ca 机构根证书.pem 附加到证据包。核验时间戳（需要 openssl 和该机构的根证书）：")
	r.code("printf %s " + r.rep.RootHash + " > roothash.txt\nopenssl ts -verify -in evipack-timestamp.tsr -token_in -data roothash.txt -CAfile tsa-ca.pem")
	p("时间戳证明证据原件在时间戳时间之前已经以现在的内容存在；它不证明文件内容是否属实。")
	sub("原件哈希值")
	cols := []column{{"证据", 16, "C"}, {"证据包中的路径", 74, "L"}, {"SHA-256", 90, "L"}}
	rows := make([][]string, 0, len(r.rep.Items))
	for _, it := range r.rep.Items {
		rows = append(rows, []string{it.ID(), it.BagPath, it.SHA256})
	}
	r.table(cols, rows, 7.5, 3.8, nil)
}

// code prints a command in a shaded box.
func (r *renderer) code(s string) {
	r.font("", 9)
	lines := []string{}
	for _, l := range strings.Split(s, "\n") {
		lines = append(lines, r.wrap(l, r.contentWidth()-8)...)
	}
	h := float64(len(lines))*5 + 3
	r.ensure(h)
	y := r.pdf.GetY()
	r.pdf.SetFillColor(242, 242, 242)
	r.pdf.Rect(marginL+2, y, r.contentWidth()-4, h, "F")
	r.pdf.SetY(y + 1.5)
	for _, l := range lines {
		r.pdf.SetX(marginL + 4)
		r.cellFormat(r.contentWidth()-8, 5, l, "", 1, "L", false, 0, "")
	}
	r.pdf.SetY(y + h + 2)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "（未填写）"
	}
	return s
}

func timeSourceLabel(src string) string {
	switch src {
	case evidence.SourceEXIF:
		return "EXIF 拍摄时间"
	case evidence.SourceFileName:
		return "文件名"
	case evidence.SourceModTime:
		return "文件修改时间"
	case evidence.SourcePackaging:
		return "打包时间"
	case evidence.SourceContent:
		return "文件内容"
	}
	return src
}

// sourceOf is the 证据来源 column: which app or device produced the file.
func sourceOf(it *evidence.Item) string {
	for _, t := range it.Times {
		if t.Source == evidence.SourceFileName {
			if it.App != "" {
				return it.App + "（" + t.Detail + "）"
			}
			return t.Detail
		}
	}
	if it.App != "" {
		return it.App
	}
	for _, t := range it.Times {
		if t.Source == evidence.SourceEXIF {
			return "拍摄设备 " + strings.TrimPrefix(strings.TrimPrefix(t.Detail, "EXIF DateTimeOriginal"), "EXIF ")
		}
	}
	return "投诉人提供"
}

var errNoOpen = errors.New("no opener for originals")

// tooBig is the problem of a file larger than limit bytes.
func tooBig(limit int64) error {
	return newProblem(fmt.Sprintf("文件超过 %d MB，不嵌入 PDF", limit>>20), "larger than %d bytes", limit)
}

func (r *renderer) readAll(it *evidence.Item, limit int64) ([]byte, error) {
	if r.rep.Open == nil {
		return nil, errNoOpen
	}
	rc, err := r.rep.Open(it)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if it.Size > limit {
		return nil, tooBig(limit)
	}
	// The size is known from ingest: read into one buffer of that size
	// (plus one byte to notice a file that grew) instead of growing one.
	buf := bytes.NewBuffer(make([]byte, 0, it.Size+1))
	if _, err := io.Copy(buf, io.LimitReader(rc, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, tooBig(limit)
	}
	return buf.Bytes(), nil
}
