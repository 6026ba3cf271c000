package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"time"
)

// Camera geometry: photos are stored landscape; portrait shots carry EXIF
// Orientation 6, as phones write them.
const (
	photoW       = 4000
	photoH       = 3000
	photoQuality = 90
)

// basePhoto is one encoded camera picture the case's photos derive from.
type basePhoto struct {
	jpeg        []byte // as encoded: SOI, tables, scan, EOI (no APPn)
	orientation uint16
}

// renderPhoto draws a photo of a laptop screen on a desk with sensor noise,
// sized so that JPEG quality 90 gives a realistic 2–4 MB.
func renderPhoto(r *rand.Rand) *image.NRGBA {
	c := newCanvas(photoW, photoH, 0x8A8378, r)
	wall := uint32(r.Uint32()&0x3F3F3F | 0x808080)
	c.noise(0, 0, photoW, photoH*11/20, wall, wall^0x202020, 12)
	c.noise(0, photoH*11/20, photoW, photoH, 0x5A4636, 0x3A2A1E, 14)
	// Laptop lid and screen.
	c.noise(700, 400, 3300, 2000, 0x2A2A2E, 0x1E1E22, 5)
	c.noise(780, 470, 3220, 1930, 0xF2F3F5, 0xE4E6EA, 9)
	c.rect(780, 470, 3220, 560, 0xDEE1E6)
	for y := 700; y < 1850; y += 90 {
		c.text(900+r.IntN(80), y, 10+r.IntN(25), 56, 0x303030)
	}
	// Keyboard deck.
	c.noise(500, 2000, 3500, 2700, 0xB8B8BC, 0x9A9AA0, 12)
	for y := 2080; y < 2600; y += 110 {
		for x := 620; x < 3380; x += 115 {
			c.noise(x, y, x+95, y+90, 0x2C2C30, 0x222226, 6)
		}
	}
	return c.img
}

// makeBasePhoto renders and encodes base photo i.
func makeBasePhoto(i int) (*basePhoto, error) {
	r := rand.New(rand.NewPCG(seedBase, seedOf(rolePhotoBase, i)))
	var buf bytes.Buffer
	buf.Grow(4 << 20)
	if err := jpeg.Encode(&buf, renderPhoto(r), &jpeg.Options{Quality: photoQuality}); err != nil {
		return nil, fmt.Errorf("encode photo %d: %w", i, err)
	}
	o := uint16(1)
	if i%2 == 1 {
		o = 6
	}
	return &basePhoto{jpeg: buf.Bytes(), orientation: o}, nil
}

// derivePhoto returns base with its own EXIF APP1 (capture time t) and a
// unique COM segment inserted after SOI, so every file differs without
// re-encoding the picture.
func derivePhoto(base *basePhoto, n int, t time.Time) ([]byte, error) {
	j := base.jpeg
	if len(j) < 4 || j[0] != 0xFF || j[1] != 0xD8 {
		return nil, errors.New("derive photo: base is not a JPEG")
	}
	app1 := exifPayload(t, base.orientation)
	com := fmt.Appendf(nil, "genbench photo %d", n)
	out := make([]byte, 0, len(j)+len(app1)+len(com)+8)
	out = append(out, 0xFF, 0xD8)
	out = appendSegment(out, 0xE1, app1)
	out = appendSegment(out, 0xFE, com)
	return append(out, j[2:]...), nil
}

func appendSegment(b []byte, marker byte, payload []byte) []byte {
	b = append(b, 0xFF, marker)
	b = binary.BigEndian.AppendUint16(b, uint16(len(payload)+2)) // payload < 64 KiB by construction
	return append(b, payload...)
}

// ifdEntry is one TIFF tag with its value already encoded little-endian.
type ifdEntry struct {
	tag   uint16
	typ   uint16 // 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 7 UNDEFINED
	count uint32
	value []byte
}

func asciiTag(tag uint16, s string) ifdEntry {
	return ifdEntry{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

func shortTag(tag, v uint16) ifdEntry {
	return ifdEntry{tag, 3, 1, binary.LittleEndian.AppendUint16(nil, v)}
}

func longTag(tag uint16, v uint32) ifdEntry {
	return ifdEntry{tag, 4, 1, binary.LittleEndian.AppendUint32(nil, v)}
}

func ratTag(tag uint16, num, den uint32) ifdEntry {
	return ifdEntry{tag, 5, 1, binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, num), den)}
}

// ifdLen is the size of an IFD with its out-of-line values.
func ifdLen(es []ifdEntry) uint32 {
	n := uint32(2 + 12*len(es) + 4)
	for _, e := range es {
		if len(e.value) > 4 {
			n += uint32(len(e.value)+1) &^ 1
		}
	}
	return n
}

// appendIFD appends an IFD that starts at TIFF offset off.
func appendIFD(b []byte, es []ifdEntry, off uint32) []byte {
	b = binary.LittleEndian.AppendUint16(b, uint16(len(es)))
	data := off + uint32(2+12*len(es)+4)
	var tail []byte
	for _, e := range es {
		b = binary.LittleEndian.AppendUint16(b, e.tag)
		b = binary.LittleEndian.AppendUint16(b, e.typ)
		b = binary.LittleEndian.AppendUint32(b, e.count)
		if len(e.value) <= 4 {
			var v [4]byte
			copy(v[:], e.value)
			b = append(b, v[:]...)
			continue
		}
		b = binary.LittleEndian.AppendUint32(b, data+uint32(len(tail)))
		tail = append(tail, e.value...)
		if len(tail)%2 == 1 {
			tail = append(tail, 0)
		}
	}
	b = binary.LittleEndian.AppendUint32(b, 0) // no next IFD
	return append(b, tail...)
}

// exifPayload builds an APP1 payload: "Exif\0\0" and a little-endian TIFF
// with IFD0 (camera, orientation, time) and an Exif IFD (capture time with
// its offset, exposure, pixel size).
func exifPayload(t time.Time, orientation uint16) []byte {
	ts := t.Format("2006:01:02 15:04:05")
	exif := []ifdEntry{
		ratTag(0x829A, 1, 60),
		ratTag(0x829D, 18, 10),
		shortTag(0x8827, 200),
		{0x9000, 7, 4, []byte("0232")},
		asciiTag(0x9003, ts),
		asciiTag(0x9004, ts),
		asciiTag(0x9011, "+08:00"),
		longTag(0xA002, photoW),
		longTag(0xA003, photoH),
	}
	ifd0 := []ifdEntry{
		asciiTag(0x010F, "Xiaomi"),
		asciiTag(0x0110, "Redmi K70"),
		shortTag(0x0112, orientation),
		ratTag(0x011A, 72, 1),
		ratTag(0x011B, 72, 1),
		shortTag(0x0128, 2),
		asciiTag(0x0131, "genbench"),
		asciiTag(0x0132, ts),
		longTag(0x8769, 0), // patched below
	}
	exifOff := 8 + ifdLen(ifd0)
	ifd0[len(ifd0)-1] = longTag(0x8769, exifOff)
	b := []byte("Exif\x00\x00II*\x00")
	b = binary.LittleEndian.AppendUint32(b, 8)
	// Offsets count from the TIFF header, 6 bytes into the payload.
	b = appendIFD(b, ifd0, 8)
	return appendIFD(b, exif, exifOff)
}
