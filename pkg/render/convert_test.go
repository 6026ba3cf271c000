package render

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// predictReference is a PNG filter's prediction of a byte from the one
// to its left (a), above (b) and above-left (c), as the specification
// states it: the reference for unfilter and the test encoder rawPNG.
func predictReference(ft byte, a, b, c int) int {
	switch ft {
	case 1:
		return a
	case 2:
		return b
	case 3:
		return (a + b) / 2
	case 4:
		p := a + b - c
		pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
		switch {
		case pa <= pb && pa <= pc:
			return a
		case pb <= pc:
			return b
		}
		return c
	}
	return 0
}

// unfilterReference reverses a PNG row filter byte by byte.
func unfilterReference(ft byte, cur, prev []byte, bpp int) {
	for i := range cur {
		var a, c int
		if i >= bpp {
			a, c = int(cur[i-bpp]), int(prev[i-bpp])
		}
		cur[i] += uint8(predictReference(ft, a, int(prev[i]), c))
	}
}

// FuzzUnfilter: every filter, at every pixel size a PNG can have, gives
// what the byte-by-byte reference gives (the four-byte paths, the eight-
// byte Up and the tails after them included).
func FuzzUnfilter(f *testing.F) {
	f.Add(byte(4), byte(4), []byte("0123456789abcdefghijklmnopqrstuvwxyz!?"))
	f.Add(byte(1), byte(4), []byte{255, 255, 255, 255, 1, 1, 1, 1, 200, 100, 50, 0, 7})
	f.Add(byte(2), byte(3), []byte{250, 9, 128, 127, 129, 0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add(byte(3), byte(4), []byte{255, 254, 0, 1, 128, 129, 3, 3, 3, 200, 201, 202, 203, 204, 205, 206})
	f.Add(byte(4), byte(2), []byte{10, 200, 30, 40, 250, 60, 70, 80, 90, 0, 1, 2})
	// Paeth ties: left and upper-left equally near (a=30, b=0, c=10);
	// the left byte wins.
	f.Add(byte(4), byte(0), []byte{10, 0, 20, 5})
	f.Add(byte(4), byte(3), []byte{10, 10, 10, 10, 0, 0, 0, 0, 20, 20, 20, 20, 5, 5, 5, 5})
	f.Fuzz(func(t *testing.T, ft, size byte, data []byte) {
		bpp := []int{1, 2, 3, 4, 6, 8}[int(size)%6]
		ft %= 5
		// data holds the row above, then the row.
		n := len(data) / 2
		prev, cur := data[:n], data[n:2*n]
		want := bytes.Clone(cur)
		unfilterReference(ft, want, prev, bpp)
		got := bytes.Clone(cur)
		if err := unfilter(ft, got, bytes.Clone(prev), bpp); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("filter %d, %d bytes per pixel:\nprev %v\ncur  %v\ngot  %v\nwant %v", ft, bpp, prev, cur, got, want)
		}
	})
}

// FuzzSubRGBA: the one-pass composite and Sub filter gives what
// compositeRow8 followed by rowWriter.write gives.
func FuzzSubRGBA(f *testing.F) {
	f.Add([]byte{255, 0, 0, 255, 0, 255, 0, 0, 10, 20, 30, 128, 9, 9, 9, 255, 200, 100, 50, 1})
	f.Add([]byte{0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255})
	f.Fuzz(func(t *testing.T, px []byte) {
		px = px[:len(px)/4*4]
		w := len(px) / 4
		if w == 0 {
			return // an image is at least one pixel wide
		}
		row := make([]byte, 3*w)
		compositeRow8(row, px, 4, 3)
		var ref bytes.Buffer
		rw, err := newRowWriter(io.Discard, w, 3)
		if err != nil {
			t.Fatal(err)
		}
		rw.zw.Reset(&ref)
		if err := rw.write(row); err != nil {
			t.Fatal(err)
		}
		want := bytes.Clone(rw.line)
		line := make([]byte, 1+3*w)
		subRGBA(line, px)
		if !bytes.Equal(line, want) {
			t.Fatalf("pixels %v:\ngot  %v\nwant %v", px, line, want)
		}
	})
}

// BenchmarkConvertPNG streams a screenshot-sized RGBA PNG (1080×2400,
// every filter type, opaque but for rounded corners) through
// flattenPNGRows: inflate, unfilter, composite over white, Sub filter and
// deflate.
func BenchmarkConvertPNG(b *testing.B) {
	const w, h = 1080, 2400
	data := rawPNG(b, w, h, 6, 8, func(x, y, c int) uint16 {
		if c == 3 {
			if (x < 30 || x >= w-30) && (y < 30 || y >= h-30) {
				return uint16((x + y) % 256) // the corners
			}
			return 255
		}
		// Bands of flat colour with text-like detail, as a chat shows.
		if (y/120)%3 == 1 && (x/6+y/9)%5 == 0 {
			return uint16((x*y + c*40) % 256)
		}
		return uint16(240 - (y/120%4)*30 + c*5)
	})
	b.SetBytes(w * h * 4)
	for b.Loop() {
		err := flattenPNGRows(bytes.NewReader(data), maxFlattenPixels, nil, func(w, h, bpp int) (*rowWriter, error) {
			return newRowWriter(io.Discard, w, bpp)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// flattenAndCompare converts a PNG with flattenPNGRows and compares every
// pixel of the result (inflated, each row's Sub filter reversed) with the
// standard library's decoding composited over white; tol is the largest
// difference allowed (rounding of the compositing).
func flattenAndCompare(t *testing.T, data []byte, tol int) {
	t.Helper()
	var out bytes.Buffer
	var w, h, bpp int
	err := flattenPNGRows(bytes.NewReader(data), maxFlattenPixels, newWeighted(1<<20), func(width, height, b int) (*rowWriter, error) {
		w, h, bpp = width, height, b
		return newRowWriter(&out, width, b)
	})
	if err != nil {
		t.Fatalf("flattenPNGRows: %v", err)
	}
	zr, err := zlib.NewReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("output: %v", err)
	}
	if len(raw) != h*(1+w*bpp) {
		t.Fatalf("output has %d bytes, want %d rows of %d", len(raw), h, 1+w*bpp)
	}
	want := overWhite(t, data)
	if want.Rect.Dx() != w || want.Rect.Dy() != h {
		t.Fatalf("size %d×%d, want %v", w, h, want.Rect)
	}
	prev := make([]byte, w*bpp)
	for y := range h {
		line := raw[y*(1+w*bpp) : (y+1)*(1+w*bpp)]
		if line[0] != 1 {
			t.Fatalf("row %d has filter %d, want Sub", y, line[0])
		}
		row := line[1:]
		unfilterReference(1, row, prev, bpp)
		for x := range w {
			for c := range 3 {
				got := row[x*bpp+min(c, bpp-1)]
				if d := abs(int(got) - int(want.Pix[y*want.Stride+4*x+c])); d > tol {
					t.Fatalf("pixel (%d,%d) channel %d is %d, want %d", x, y, c, got, want.Pix[y*want.Stride+4*x+c])
				}
			}
		}
		prev = row
	}
}

// TestFlattenInterlaced converts Adam7 images of every 8-bit colour type
// the PDF cannot carry as they are, at sizes where passes are empty or one
// pixel wide, and compares them with image/png's decoding.
func TestFlattenInterlaced(t *testing.T) {
	for _, ct := range []byte{0, 2, 4, 6} {
		for _, sz := range [][2]int{{1, 1}, {1, 9}, {9, 1}, {2, 2}, {3, 5}, {5, 3}, {8, 8}, {13, 17}, {33, 7}, {64, 40}} {
			w, h := sz[0], sz[1]
			t.Run(fmt.Sprintf("ct%d-%dx%d", ct, w, h), func(t *testing.T) {
				channels := map[byte]int{0: 1, 2: 3, 4: 2, 6: 4}[ct]
				data := interlacedPNG(t, w, h, ct, func(x, y, c int) uint8 {
					if ct >= 4 && c == channels-1 {
						return []uint8{255, 0, 128, 255, 1, 254, 255}[(x+2*y)%7]
					}
					return uint8(x*37 + y*101 + c*59 + x*y)
				})
				tol := 0
				if ct >= 4 {
					tol = 1
				}
				flattenAndCompare(t, data, tol)
			})
		}
	}
}

// FuzzFlattenInterlaced compares the Adam7 path with image/png on images
// of any small size, colour type and content.
func FuzzFlattenInterlaced(f *testing.F) {
	f.Add(uint8(7), uint8(5), uint8(6), uint32(1))
	f.Add(uint8(1), uint8(1), uint8(0), uint32(2))
	f.Add(uint8(16), uint8(9), uint8(4), uint32(3))
	f.Fuzz(func(t *testing.T, w, h, ctSel uint8, seed uint32) {
		if w == 0 || h == 0 || w > 70 || h > 70 {
			return
		}
		ct := []byte{0, 2, 4, 6}[ctSel%4]
		rnd := rand.New(rand.NewPCG(uint64(seed), uint64(w)<<8|uint64(h)))
		data := interlacedPNG(t, int(w), int(h), ct, func(x, y, c int) uint8 { return uint8(rnd.UintN(256)) })
		tol := 0
		if ct >= 4 {
			tol = 1
		}
		flattenAndCompare(t, data, tol)
	})
}
