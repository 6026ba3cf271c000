package render

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/image/font/sfnt"
)

// Coverage answers "does the font have a glyph for this rune?" for the Basic
// Multilingual Plane. It is built once per font by NewCoverage and is safe for
// concurrent use: Has only reads a precomputed bit table (8 KiB), because it
// is called for every rune of every string that goes into the PDF.
//
// Runes above U+FFFF are never covered, even when the font has a glyph for
// them: fpdf's UTF-8 font code indexes 16-bit tables and panics on them.
type Coverage struct {
	bits [0x10000 / 64]uint64
}

// NewCoverage reads the cmap of a TrueType/OpenType font and records which BMP
// runes map to a glyph other than .notdef (glyph 0).
func NewCoverage(ttf []byte) (*Coverage, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	c := &Coverage{}
	var buf sfnt.Buffer
	for r := rune(0); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue // surrogates are not characters
		}
		gi, err := f.GlyphIndex(&buf, r)
		if err != nil {
			return nil, fmt.Errorf("parse font: glyph index U+%04X: %w", r, err)
		}
		if gi != 0 {
			c.bits[r>>6] |= 1 << (uint(r) & 63)
		}
	}
	return c, nil
}

// Has reports whether the font has a glyph for r. It is false for every rune
// above U+FFFF, for surrogates and for negative runes. A nil *Coverage covers
// nothing.
func (c *Coverage) Has(r rune) bool {
	if c == nil || r < 0 || r > 0xFFFF {
		return false
	}
	return c.bits[r>>6]&(1<<(uint(r)&63)) != 0
}

// coverageSize is the length of a marshalled Coverage.
const coverageSize = 0x10000 / 8

// MarshalBinary writes the bit table, little-endian: bit r&7 of byte r>>3
// is set when rune r is covered. tools/gencoverage stores it beside the
// embedded font so that a build does not walk the font's cmap 65 536 times.
func (c *Coverage) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, coverageSize)
	for _, w := range c.bits {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return b, nil
}

// UnmarshalBinary reads what MarshalBinary wrote.
func (c *Coverage) UnmarshalBinary(b []byte) error {
	if len(b) != coverageSize {
		return errors.New("coverage table: wrong size")
	}
	for i := range c.bits {
		c.bits[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return nil
}
