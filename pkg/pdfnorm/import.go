package pdfnorm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
	"codeberg.org/go-pdf/fpdf/contrib/gofpdi"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Import limits.
const (
	// MaxImportPages is the most pages PrepareImport accepts.
	MaxImportPages = 500
	// MaxImportBytes is the largest exhibit PrepareImport accepts.
	MaxImportBytes = 256 << 20
)

// newConfig returns a pdfcpu configuration built here rather than with
// model.NewDefaultConfiguration, which creates a config directory under the
// user's home unless the process-wide api.DisableConfigDir was called.
func newConfig() *model.Configuration {
	return &model.Configuration{
		Version:                   model.VersionStr,
		Reader15:                  true,
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceSkip,
		Eol:                       types.EolLF,
		WriteObjectStream:         false,
		WriteXRefStream:           false,
		EncryptUsingAES:           true,
		EncryptKeyLength:          256,
		Permissions:               model.PermissionsPrint,
		TimestampFormat:           "2006-01-02 15:04",
		DateFormat:                "2006-01-02",
		Optimize:                  true,
		OptimizeBeforeWriting:     true,
		OptimizeResourceDicts:     true,
		Offline:                   true,
		Limits:                    model.DefaultResourceLimits(),
		Cmd:                       model.OPTIMIZE,
		RemoveEncryption:          true, // decrypted with the empty user password, written in clear
	}
}

// PrepareImport normalises an exhibit PDF so that gofpdi can import its
// pages: pdfcpu reads it (decrypting with the empty user password when it is
// encrypted), validates it in relaxed mode, copies inherited page attributes
// (MediaBox, CropBox, Rotate, Resources) into every page (gofpdi does not
// follow inheritance), optimises it and writes it without object streams or
// cross-reference streams. It returns the normalised bytes and the page
// count.
//
// Errors wrap ErrEncrypted (a user password is needed), ErrTooManyPages,
// ErrTooLarge or ErrMalformed (with the cause). It never panics.
func PrepareImport(src []byte) (normalized []byte, pages int, err error) {
	const op = "prepare import"
	defer func() {
		if r := recover(); r != nil {
			normalized, pages = nil, 0
			err = fmt.Errorf("%s: %w: panic: %v", op, ErrMalformed, r)
		}
	}()
	switch {
	case len(src) == 0:
		return nil, 0, fmt.Errorf("%s: %w: empty file", op, ErrMalformed)
	case len(src) > MaxImportBytes:
		return nil, 0, fmt.Errorf("%s: %w: %d bytes, limit %d", op, ErrTooLarge, len(src), MaxImportBytes)
	}
	ctx, err := api.ReadContext(bytes.NewReader(src), newConfig())
	if err != nil {
		if errors.Is(err, pdfcpu.ErrWrongPassword) {
			return nil, 0, fmt.Errorf("%s: %w", op, ErrEncrypted)
		}
		return nil, 0, fmt.Errorf("%s: %w: %w", op, ErrMalformed, err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		return nil, 0, fmt.Errorf("%s: %w: %w", op, ErrMalformed, err)
	}
	pages = ctx.PageCount
	switch {
	case pages <= 0:
		return nil, 0, fmt.Errorf("%s: %w: no pages", op, ErrMalformed)
	case pages > MaxImportPages:
		return nil, 0, fmt.Errorf("%s: %w: %d pages, limit %d", op, ErrTooManyPages, pages, MaxImportPages)
	}
	if _, err := materialisePages(ctx); err != nil {
		return nil, 0, fmt.Errorf("%s: %w: %w", op, ErrMalformed, err)
	}
	if err := api.OptimizeContext(ctx); err != nil {
		return nil, 0, fmt.Errorf("%s: %w: %w", op, ErrMalformed, err)
	}
	var buf bytes.Buffer
	if err := api.WriteContext(ctx, &buf); err != nil {
		return nil, 0, fmt.Errorf("%s: %w: %w", op, ErrMalformed, err)
	}
	return buf.Bytes(), pages, nil
}

// PageGeometry is the size of one page as gofpdi imports it.
type PageGeometry struct {
	// Box is the page's CropBox, or its MediaBox when it has none:
	// lower-left x, lower-left y, upper-right x, upper-right y, in points.
	Box [4]float64
	// Rotate is the page's /Rotate normalised to 0, 90, 180 or 270.
	Rotate int
}

// Size returns the displayed width and height in points (after rotation).
func (g PageGeometry) Size() (w, h float64) {
	w, h = math.Abs(g.Box[2]-g.Box[0]), math.Abs(g.Box[3]-g.Box[1])
	if g.Rotate == 90 || g.Rotate == 270 {
		w, h = h, w
	}
	return w, h
}

// materialisePages writes inherited attributes into each page dictionary and
// returns every page's geometry.
func materialisePages(ctx *model.Context) ([]PageGeometry, error) {
	geo := make([]PageGeometry, ctx.PageCount)
	for i := 1; i <= ctx.PageCount; i++ {
		d, _, inh, err := ctx.PageDict(i, false)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", i, err)
		}
		if inh.MediaBox == nil {
			return nil, fmt.Errorf("page %d: no MediaBox", i)
		}
		// Every page gets an explicit CropBox (the MediaBox when it has
		// none): gofpdi takes an absent box as all zeros and draws with an
		// infinite scale ("Inf Inf cm").
		box := inh.MediaBox
		if inh.CropBox != nil {
			box = inh.CropBox
		}
		d["MediaBox"] = inh.MediaBox.Array()
		d["CropBox"] = box.Array()
		if box.Width() <= 0 || box.Height() <= 0 {
			return nil, fmt.Errorf("page %d: empty page box", i)
		}
		rot := ((inh.Rotate % 360) + 360) % 360 / 90 * 90 // gofpdi only handles right angles
		if rot != 0 {
			d["Rotate"] = types.Integer(rot)
		} else {
			delete(d, "Rotate")
		}
		if _, ok := d["Resources"]; !ok && inh.Resources != nil {
			d["Resources"] = inh.Resources
		}
		geo[i-1] = PageGeometry{Box: [4]float64{box.LL.X, box.LL.Y, box.UR.X, box.UR.Y}, Rotate: rot}
	}
	return geo, nil
}

// Importer imports exhibit pages into one fpdf document. Use exactly one
// Importer per document: gofpdi names its templates by importer, so two
// importers writing into the same document collide.
type Importer struct {
	pdf *fpdf.Fpdf
	imp *gofpdi.Importer
	// keep holds every stream handed to gofpdi. gofpdi keys its readers by
	// the address of the *io.ReadSeeker; a collected and reused address
	// would make it read a different exhibit.
	keep []*io.ReadSeeker
}

// NewImporter returns an Importer writing into pdf.
func NewImporter(pdf *fpdf.Fpdf) *Importer {
	return &Importer{pdf: pdf, imp: gofpdi.NewImporter()}
}

// Source is one normalised exhibit opened for import.
type Source struct {
	data    []byte
	geo     []PageGeometry
	rs      *io.ReadSeeker
	perPage map[int]*io.ReadSeeker
}

// Pages returns the page count.
func (s *Source) Pages() int { return len(s.geo) }

// Geometry returns the geometry of page pageNo (1-based).
func (s *Source) Geometry(pageNo int) (PageGeometry, bool) {
	if pageNo < 1 || pageNo > len(s.geo) {
		return PageGeometry{}, false
	}
	return s.geo[pageNo-1], true
}

// Open reads the page geometry of a PDF returned by PrepareImport.
func (im *Importer) Open(normalized []byte) (s *Source, err error) {
	const op = "open import source"
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%s: %w: panic: %v", op, ErrMalformed, r)
		}
	}()
	ctx, err := api.ReadContext(bytes.NewReader(normalized), newConfig())
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", op, ErrMalformed, err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", op, ErrMalformed, err)
	}
	if ctx.PageCount <= 0 || ctx.PageCount > MaxImportPages {
		return nil, fmt.Errorf("%s: %w: %d pages", op, ErrMalformed, ctx.PageCount)
	}
	geo, err := materialisePages(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", op, ErrMalformed, err)
	}
	rs := io.ReadSeeker(bytes.NewReader(normalized))
	im.keep = append(im.keep, &rs)
	return &Source{data: normalized, geo: geo, rs: &rs, perPage: map[int]*io.ReadSeeker{}}, nil
}

// Page is an imported page ready to be drawn.
type Page struct {
	TplID int
	PageGeometry
}

// ImportPage imports page pageNo (1-based) of s as a template. A panic in
// gofpdi is returned as an error wrapping ErrImport.
//
// gofpdi v1.0.16 sizes every imported page by the boxes of page 1 of its
// source (writer.go, ImportPage calls getPageBoxes(1, …)). A page whose box
// or rotation differs from page 1 is therefore first cut into a one-page PDF
// of its own with pdfcpu.
func (im *Importer) ImportPage(s *Source, pageNo int) (p Page, err error) {
	op := "import page " + strconv.Itoa(pageNo)
	g, ok := s.Geometry(pageNo)
	if !ok {
		return Page{}, fmt.Errorf("%s: %w: source has %d pages", op, ErrImport, s.Pages())
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = Page{}, fmt.Errorf("%s: %w: panic: %v", op, ErrImport, r)
		}
	}()
	if err := im.pdf.Error(); err != nil {
		return Page{}, fmt.Errorf("%s: %w: document already failed: %w", op, ErrImport, err)
	}
	rs, n := s.rs, pageNo
	if g != s.geo[0] {
		rs = s.perPage[pageNo]
		if rs == nil {
			var buf bytes.Buffer
			if err := api.Trim(bytes.NewReader(s.data), &buf, []string{strconv.Itoa(pageNo)}, newConfig()); err != nil {
				return Page{}, fmt.Errorf("%s: %w: extract page: %w", op, ErrImport, err)
			}
			r := io.ReadSeeker(bytes.NewReader(buf.Bytes()))
			rs = &r
			im.keep = append(im.keep, rs)
			s.perPage[pageNo] = rs
		}
		n = 1
	}
	id := im.imp.ImportPageFromStream(im.pdf, rs, n, "/CropBox")
	if err := im.pdf.Error(); err != nil {
		return Page{}, fmt.Errorf("%s: %w: %w", op, ErrImport, err)
	}
	return Page{TplID: id, PageGeometry: g}, nil
}

// Draw places p on the current page at x, y (user units) scaled to w × h;
// when w or h is 0 it follows from the other and the page's aspect ratio.
func (im *Importer) Draw(p Page, x, y, w, h float64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("draw imported page: %w: panic: %v", ErrImport, r)
		}
	}()
	im.imp.UseImportedTemplate(im.pdf, p.TplID, x, y, w, h)
	if err := im.pdf.Error(); err != nil {
		return fmt.Errorf("draw imported page: %w: %w", ErrImport, err)
	}
	return nil
}
