package pdfnorm

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
)

// Read-only support for cross-reference streams and object streams
// (PDF 1.5), used by Attachments and Info so that a report re-saved by
// another program (qpdf, pdfcpu, Acrobat) can still be verified.
// Canonicalize keeps refusing such files: it writes the objects it read,
// and does not rewrite compressed ones.

const (
	maxDecodedStream = 64 << 20  // one decoded xref or object stream
	maxDecodedTotal  = 256 << 20 // all xref and object streams of one document
	maxObjStmObjects = 1 << 16   // objects declared in one object stream
)

// compressedRef locates an object stored in an object stream.
type compressedRef struct {
	stm, idx int
}

// readDocStreams reads buf like readDoc, also accepting cross-reference
// streams, hybrid files and object streams.
func readDocStreams(buf []byte) (*doc, error) {
	return readDocOpts(buf, true)
}

// readXRefStream reads the cross-reference stream object at off and
// returns its dictionary, which serves as the trailer.
func (d *doc) readXRefStream(off int) (value, error) {
	l := &lexer{buf: d.buf, pos: off}
	l.skipSpace()
	num, ok1 := unsignedInt(l.token())
	l.skipSpace()
	_, ok2 := unsignedInt(l.token())
	l.skipSpace()
	if !ok1 || !ok2 || !l.keyword("obj") {
		return value{}, &syntaxError{off: off, msg: "startxref does not point at an xref table or stream"}
	}
	l.pos += len("obj")
	v, err := l.parseValue(0)
	if err != nil {
		return value{}, err
	}
	l.skipSpace()
	if v.k != kindDict || !l.keyword("stream") {
		return value{}, l.errorf("cross-reference stream object %d is not a stream", num)
	}
	if t, _ := v.get("Type"); t.k != kindName || string(t.b) != "XRef" {
		return value{}, l.errorf("object %d is not a cross-reference stream", num)
	}
	if _, ok := v.get("Encrypt"); ok {
		return value{}, fmt.Errorf("encrypted document: %w", ErrUnsupported)
	}
	raw, err := d.streamData(num, v, skipEOL(d.buf, l.pos+len("stream")))
	if err != nil {
		return value{}, err
	}
	if d.decoded >= maxDecodedTotal {
		return value{}, fmt.Errorf("streams decode to more than %d bytes: %w", maxDecodedTotal, ErrTooLarge)
	}
	data, err := d.decodeDirect(&object{val: v, isStream: true, stream: raw}, min(maxDecodedStream, maxDecodedTotal-d.decoded))
	if err != nil {
		return value{}, fmt.Errorf("cross-reference stream %d: %w", num, err)
	}
	d.decoded += len(data)

	var w [3]int
	wv, _ := v.get("W")
	if wv.k != kindArray || len(wv.arr) != 3 {
		return value{}, l.errorf("cross-reference stream %d: invalid /W", num)
	}
	for i, e := range wv.arr {
		n, ok := unsignedInt(e.b)
		if e.k != kindNumber || !ok || n > 8 {
			return value{}, l.errorf("cross-reference stream %d: invalid /W", num)
		}
		w[i] = n
	}
	width := w[0] + w[1] + w[2]
	if width == 0 {
		return value{}, l.errorf("cross-reference stream %d: /W is all zero", num)
	}
	sv, _ := v.get("Size")
	size, ok := unsignedInt(sv.b)
	if sv.k != kindNumber || !ok || size > maxObjects {
		return value{}, l.errorf("cross-reference stream %d: invalid /Size", num)
	}
	index := []int{0, size}
	if iv, ok := v.get("Index"); ok {
		if iv.k != kindArray || len(iv.arr)%2 != 0 {
			return value{}, l.errorf("cross-reference stream %d: invalid /Index", num)
		}
		index = index[:0]
		for _, e := range iv.arr {
			n, ok := unsignedInt(e.b)
			if e.k != kindNumber || !ok || n > maxObjects {
				return value{}, l.errorf("cross-reference stream %d: invalid /Index", num)
			}
			index = append(index, n)
		}
	}
	field := func(b []byte) int {
		n := 0
		for _, c := range b {
			n = n<<8 | int(c)
		}
		return n
	}
	pos := 0
	for i := 0; i < len(index); i += 2 {
		start, count := index[i], index[i+1]
		if len(d.xref)+len(d.compressed)+count > maxObjects {
			return value{}, l.errorf("more than %d objects", maxObjects)
		}
		for j := 0; j < count; j++ {
			if pos+width > len(data) {
				return value{}, l.errorf("cross-reference stream %d: shorter than its /Index", num)
			}
			e := data[pos : pos+width]
			pos += width
			typ := 1
			if w[0] > 0 {
				typ = field(e[:w[0]])
			}
			f2, f3 := field(e[w[0]:w[0]+w[1]]), field(e[w[0]+w[1]:])
			n := start + j
			if _, known := d.xref[n]; known || n == 0 {
				continue
			}
			if _, known := d.compressed[n]; known {
				continue
			}
			switch typ {
			case 1:
				if f2 >= 0 && f2 < len(d.buf) {
					d.xref[n] = f2
				}
			case 2:
				d.compressed[n] = compressedRef{stm: f2, idx: f3}
			}
		}
	}
	return v, nil
}

// objStream is a decoded object stream with its header parsed.
type objStream struct {
	data []byte
	offs map[int]int // object number → offset of its value in data
}

// loadCompressed parses object num from its object stream.
func (d *doc) loadCompressed(num int, c compressedRef) (*object, error) {
	s, ok := d.objStm[c.stm]
	if !ok {
		var err error
		if s, err = d.readObjStream(c.stm); err != nil {
			return nil, err
		}
		d.objStm[c.stm] = s
	}
	off, ok := s.offs[num]
	if !ok {
		return nil, nil
	}
	l := &lexer{buf: s.data, pos: off}
	v, err := l.parseValue(0)
	if err != nil {
		return nil, fmt.Errorf("object %d in object stream %d: %w", num, c.stm, err)
	}
	o := &object{val: v}
	d.objs[num] = o
	return o, nil
}

// readObjStream decodes object stream stm and parses its header.
func (d *doc) readObjStream(stm int) (*objStream, error) {
	if _, inStm := d.compressed[stm]; inStm {
		return nil, &syntaxError{off: len(d.buf), msg: fmt.Sprintf("object stream %d is itself compressed", stm)}
	}
	so, err := d.load(stm)
	if err != nil {
		return nil, fmt.Errorf("object stream %d: %w", stm, err)
	}
	if so == nil || !so.isStream {
		return nil, &syntaxError{off: len(d.buf), msg: fmt.Sprintf("object stream %d missing", stm)}
	}
	if d.decoded >= maxDecodedTotal {
		return nil, fmt.Errorf("object streams decode to more than %d bytes: %w", maxDecodedTotal, ErrTooLarge)
	}
	data, err := d.decodeDirect(so, min(maxDecodedStream, maxDecodedTotal-d.decoded))
	if err != nil {
		return nil, fmt.Errorf("object stream %d: %w", stm, err)
	}
	d.decoded += len(data)
	fv, _ := so.val.get("First")
	first, ok1 := unsignedInt(fv.b)
	nv, _ := so.val.get("N")
	n, ok2 := unsignedInt(nv.b)
	if fv.k != kindNumber || nv.k != kindNumber || !ok1 || !ok2 || first > len(data) || n > maxObjStmObjects {
		return nil, &syntaxError{off: len(d.buf), msg: fmt.Sprintf("object stream %d: invalid /First or /N", stm)}
	}
	s := &objStream{data: data, offs: map[int]int{}}
	l := &lexer{buf: data[:first]}
	for i := 0; i < n; i++ {
		l.skipSpace()
		on, ok1 := unsignedInt(l.token())
		l.skipSpace()
		off, ok2 := unsignedInt(l.token())
		if !ok1 || !ok2 || first+off >= len(data) {
			return nil, &syntaxError{off: len(d.buf), msg: fmt.Sprintf("object stream %d: invalid header", stm)}
		}
		if _, dup := s.offs[on]; !dup {
			s.offs[on] = first + off
		}
	}
	return s, nil
}

// decodeDirect decodes a stream with no filter or /FlateDecode, with PNG
// predictors, to at most limit bytes. Filter and parameters must be direct
// (they are inside cross-reference streams) or resolvable.
func (d *doc) decodeDirect(o *object, limit int) ([]byte, error) {
	filter, _ := o.val.get("Filter")
	filter, err := d.resolve(filter)
	if err != nil {
		return nil, err
	}
	parms, _ := o.val.get("DecodeParms")
	if parms, err = d.resolve(parms); err != nil {
		return nil, err
	}
	if filter.k == kindArray {
		switch len(filter.arr) {
		case 0:
			filter = value{k: kindNull}
		case 1:
			filter = filter.arr[0]
			if parms.k == kindArray && len(parms.arr) == 1 {
				if parms, err = d.resolve(parms.arr[0]); err != nil {
					return nil, err
				}
			}
		default:
			return nil, fmt.Errorf("%d chained filters: %w", len(filter.arr), ErrUnsupported)
		}
	}
	switch {
	case filter.k == kindNull:
		if len(o.stream) > limit {
			return nil, fmt.Errorf("stream larger than %d bytes: %w", limit, ErrTooLarge)
		}
		return bytes.Clone(o.stream), nil
	case filter.k == kindName && string(filter.b) == "FlateDecode":
	case filter.k == kindName:
		return nil, fmt.Errorf("filter /%s: %w", bytes.ToValidUTF8(truncate(filter.b), []byte("?")), ErrUnsupported)
	default:
		return nil, &syntaxError{off: len(d.buf), msg: "invalid /Filter"}
	}
	zr, err := zlib.NewReader(bytes.NewReader(o.stream))
	if err != nil {
		return nil, &syntaxError{off: len(d.buf), msg: "flate: " + err.Error()}
	}
	defer zr.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return nil, &syntaxError{off: len(d.buf), msg: "flate: " + err.Error()}
	}
	if n > int64(limit) {
		return nil, fmt.Errorf("stream larger than %d bytes: %w", limit, ErrTooLarge)
	}
	return unpredict(buf.Bytes(), parms)
}

// unpredict reverses a PNG predictor (/Predictor 10–15) in place; 1 or no
// predictor leaves data as it is; TIFF predictor 2 is unsupported.
func unpredict(data []byte, parms value) ([]byte, error) {
	num := func(key string, def int) (int, bool) {
		v, ok := parms.get(key)
		if !ok {
			return def, true
		}
		n, ok := unsignedInt(v.b)
		return n, v.k == kindNumber && ok
	}
	pred, ok := num("Predictor", 1)
	if !ok {
		return nil, &syntaxError{msg: "invalid /Predictor"}
	}
	switch {
	case pred == 1:
		return data, nil
	case pred < 10 || pred > 15:
		return nil, fmt.Errorf("predictor %d: %w", pred, ErrUnsupported)
	}
	colors, ok1 := num("Colors", 1)
	bpc, ok2 := num("BitsPerComponent", 8)
	columns, ok3 := num("Columns", 1)
	if !ok1 || !ok2 || !ok3 || colors < 1 || colors > 32 || columns < 1 || columns > 1<<20 ||
		(bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16) {
		return nil, &syntaxError{msg: "invalid predictor parameters"}
	}
	bpp := max(1, (colors*bpc+7)/8)
	row := (colors*bpc*columns + 7) / 8
	if len(data) == 0 {
		return data, nil
	}
	if row+1 > len(data) {
		return nil, &syntaxError{msg: "predicted data shorter than one row"}
	}
	out := data[:0]
	prev := make([]byte, row)
	for pos := 0; pos < len(data); pos += row + 1 {
		if pos+row+1 > len(data) {
			return nil, &syntaxError{msg: "predicted data ends inside a row"}
		}
		typ, cur := data[pos], data[pos+1:pos+1+row]
		for i := range cur {
			var a, b, c byte
			if i >= bpp {
				a, c = cur[i-bpp], prev[i-bpp]
			}
			b = prev[i]
			switch typ {
			case 0:
			case 1:
				cur[i] += a
			case 2:
				cur[i] += b
			case 3:
				cur[i] += byte((int(a) + int(b)) / 2)
			case 4:
				cur[i] += paeth(a, b, c)
			default:
				return nil, &syntaxError{msg: fmt.Sprintf("invalid PNG filter type %d", typ)}
			}
		}
		copy(prev, cur)
		out = append(out, cur...) // out never overtakes cur: it lags by one byte per row
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
