package render

import (
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// fpdf parses the whole 10 MB CJK font of every document it builds (≈ 12 ms
// a style) and cuts the glyphs it used out of it again when it writes the
// document (≈ 9 ms a style): most of the fixed cost of a volume. The
// measuring pass records every rune it draws or measures, per style, and
// the volumes are laid out with a font cut down once to those runes. The
// cut keeps each glyph's advance width and the font's metrics, so the
// layout and the rendering are the same; a volume that meets a rune
// outside the cut (none should) is laid out again with the whole font.

// runeBits is a set of runes of the Basic Multilingual Plane, the only
// runes the renderer draws (see Coverage).
type runeBits [0x10000 / 64]uint64

func (b *runeBits) add(r rune) {
	if r >= 0 && r <= 0xFFFF {
		b[r>>6] |= 1 << (uint(r) & 63)
	}
}

func (b *runeBits) has(r rune) bool {
	return r >= 0 && r <= 0xFFFF && b[r>>6]&(1<<(uint(r)&63)) != 0
}

// glyphSet is the runes drawn or measured in each font style.
type glyphSet struct {
	regular, bold runeBits
}

func (g *glyphSet) style(style string) *runeBits {
	if strings.Contains(style, "B") {
		return &g.bold
	}
	return &g.regular
}

// note adds the runes of s in style to g.
func (g *glyphSet) note(style string, s string) {
	bits := g.style(style)
	for _, c := range s {
		bits.add(c)
	}
}

// covers reports whether every rune of s in style is in g.
func (g *glyphSet) covers(style string, s string) bool {
	bits := g.style(style)
	for _, c := range s {
		if !bits.has(c) {
			return false
		}
	}
	return true
}

// subset returns the fonts cut down to the runes of used that the font
// covers, plus printable ASCII (page numbers and totals differ between
// the measuring pass and the volumes).
func (fs *fontSet) subset(used *glyphSet) *fontSet {
	only := &glyphSet{}
	cut := func(font []byte, bits, keep *runeBits) []byte {
		var set strings.Builder
		for c := rune(0x20); c <= 0xFFFF; c++ {
			if (bits.has(c) || c < 0x7F) && fs.cov.Has(c) {
				set.WriteRune(c)
				keep.add(c)
			}
		}
		return fpdf.UTF8CutFont(font, set.String())
	}
	return &fontSet{
		regular: cut(fs.regular, &used.regular, &only.regular),
		bold:    cut(fs.bold, &used.bold, &only.bold),
		cov:     fs.cov,
		only:    only,
	}
}
