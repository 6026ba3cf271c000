package pdfnorm

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// Canonicalize rewrites a complete PDF with a classic cross-reference table
// (as written by fpdf, including objects imported through gofpdi) so that its
// bytes depend only on its content:
//
//   - objects are renumbered in breadth-first order from the trailer's /Root,
//     then /Info, following references in dictionaries by sorted key and in
//     arrays in order; objects that cannot be reached are dropped;
//   - dictionaries are written with sorted keys, names and strings in one
//     canonical escaping, numbers as they were written;
//   - stream bytes are kept exactly, except that a stream with no /Filter
//     (fpdf's page contents, written uncompressed) is compressed with
//     /FlateDecode, metadata streams excepted; /Length is set to the real
//     length;
//   - a fresh cross-reference table and trailer (/ID kept when present,
//     none added) are written after the original header and binary-comment
//     lines.
//
// Encrypted documents are refused with ErrUnsupported: their strings and
// streams are keyed to the object numbers Canonicalize changes. Malformed
// input yields an error wrapping ErrMalformed; nothing panics.
func Canonicalize(pdf []byte) ([]byte, error) {
	d, err := readDoc(pdf)
	if err != nil {
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	d.deflatePlain = true
	out, err := d.canonical()
	if err != nil {
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	return out, nil
}

type object struct {
	val      value
	isStream bool
	stream   []byte // slice of the input, never copied
}

type doc struct {
	buf     []byte
	header  []byte // "%PDF-1.x"
	binary  []byte // the comment line of high bytes, if any
	xref    map[int]int
	trailer value
	objs    map[int]*object
	loading map[int]bool

	// Read-only documents (readDocStreams) may use cross-reference and
	// object streams; see xrefstream.go.
	streams    bool
	compressed map[int]compressedRef
	objStm     map[int]*objStream // decoded object streams
	decoded    int                // bytes decoded into objStm

	deflatePlain bool // Canonicalize compresses unfiltered streams
}

func lineAt(buf []byte, pos int) []byte {
	end := pos
	for end < len(buf) && buf[end] != '\n' && buf[end] != '\r' {
		end++
	}
	return buf[pos:end]
}

func skipEOL(buf []byte, pos int) int {
	if pos < len(buf) && buf[pos] == '\r' {
		pos++
	}
	if pos < len(buf) && buf[pos] == '\n' {
		pos++
	}
	return pos
}

func readDoc(buf []byte) (*doc, error) {
	return readDocOpts(buf, false)
}

func readDocOpts(buf []byte, streams bool) (*doc, error) {
	d := &doc{buf: buf, xref: map[int]int{}, objs: map[int]*object{}, loading: map[int]bool{},
		streams: streams, compressed: map[int]compressedRef{}, objStm: map[int]*objStream{}}
	if !bytes.HasPrefix(buf, []byte("%PDF-")) {
		return nil, &syntaxError{off: 0, msg: "no %PDF- header"}
	}
	d.header = lineAt(buf, 0)
	next := skipEOL(buf, len(d.header))
	if next < len(buf) && buf[next] == '%' {
		d.binary = lineAt(buf, next)
	}

	i := bytes.LastIndex(buf, []byte("startxref"))
	if i < 0 {
		return nil, &syntaxError{off: len(buf), msg: "no startxref"}
	}
	l := &lexer{buf: buf, pos: i + len("startxref")}
	l.skipSpace()
	off, ok := unsignedInt(l.token())
	if !ok || off >= len(buf) {
		return nil, l.errorf("invalid startxref offset")
	}
	seen := map[int]bool{}
	for n := 0; ; n++ {
		if n >= maxPrevXRef || seen[off] {
			return nil, &syntaxError{off: off, msg: "cross-reference sections loop or chain too long"}
		}
		seen[off] = true
		trailer, err := d.readXRef(off)
		if err != nil {
			return nil, err
		}
		if xs, ok := trailer.get("XRefStm"); ok && d.streams {
			// Hybrid file: the table lists the objects older readers
			// need, the stream the compressed ones.
			xo, ok := unsignedInt(xs.b)
			if xs.k != kindNumber || !ok || xo >= len(buf) {
				return nil, &syntaxError{off: off, msg: "invalid /XRefStm"}
			}
			if _, err := d.readXRefStream(xo); err != nil {
				return nil, err
			}
		}
		if n == 0 {
			d.trailer = trailer
		}
		prev, ok := trailer.get("Prev")
		if !ok {
			break
		}
		p, ok := unsignedInt(prev.b)
		if prev.k != kindNumber || !ok || p >= len(buf) {
			return nil, &syntaxError{off: off, msg: "invalid /Prev"}
		}
		off = p
	}
	if _, ok := d.trailer.get("Encrypt"); ok {
		return nil, fmt.Errorf("encrypted document: %w", ErrUnsupported)
	}
	return d, nil
}

// readXRef reads one classic cross-reference section and its trailer.
// Entries already known (from a newer section) are kept.
func (d *doc) readXRef(off int) (value, error) {
	l := &lexer{buf: d.buf, pos: off}
	l.skipSpace()
	if !l.keyword("xref") {
		if d.streams {
			return d.readXRefStream(off)
		}
		if _, ok := unsignedInt(l.token()); ok {
			return value{}, fmt.Errorf("offset %d: cross-reference stream: %w", off, ErrUnsupported)
		}
		return value{}, &syntaxError{off: off, msg: "startxref does not point at an xref table"}
	}
	l.pos += len("xref")
	for {
		l.skipSpace()
		if l.keyword("trailer") {
			l.pos += len("trailer")
			t, err := l.parseValue(0)
			if err != nil {
				return value{}, err
			}
			if t.k != kindDict {
				return value{}, l.errorf("trailer is not a dictionary")
			}
			return t, nil
		}
		start, ok1 := unsignedInt(l.token())
		l.skipSpace()
		count, ok2 := unsignedInt(l.token())
		if !ok1 || !ok2 {
			return value{}, l.errorf("invalid xref subsection header")
		}
		if count > maxObjects || start > maxObjects || len(d.xref)+count > maxObjects {
			return value{}, l.errorf("more than %d objects", maxObjects)
		}
		for i := 0; i < count; i++ {
			l.skipSpace()
			o, ok1 := unsignedInt(l.token())
			l.skipSpace()
			_, ok2 := unsignedInt(l.token())
			l.skipSpace()
			typ := l.token()
			if !ok1 || !ok2 || (string(typ) != "n" && string(typ) != "f") {
				return value{}, l.errorf("invalid xref entry")
			}
			num := start + i
			if num == 0 || string(typ) != "n" {
				continue
			}
			if _, known := d.xref[num]; !known {
				d.xref[num] = o
			}
		}
	}
}

// load parses object num; it returns nil for an object that does not exist.
func (d *doc) load(num int) (*object, error) {
	if o, ok := d.objs[num]; ok {
		return o, nil
	}
	off, ok := d.xref[num]
	if !ok {
		if c, ok := d.compressed[num]; ok {
			return d.loadCompressed(num, c)
		}
		return nil, nil
	}
	if d.loading[num] {
		return nil, &syntaxError{off: off, msg: fmt.Sprintf("object %d: /Length refers to itself", num)}
	}
	if off >= len(d.buf) {
		return nil, &syntaxError{off: off, msg: fmt.Sprintf("object %d: offset beyond end of file", num)}
	}
	l := &lexer{buf: d.buf, pos: off}
	l.skipSpace()
	n, ok1 := unsignedInt(l.token())
	l.skipSpace()
	_, ok2 := unsignedInt(l.token())
	l.skipSpace()
	if !ok1 || !ok2 || !l.keyword("obj") || n != num {
		return nil, l.errorf("xref entry for object %d does not point at \"%d 0 obj\"", num, num)
	}
	l.pos += len("obj")
	v, err := l.parseValue(0)
	if err != nil {
		return nil, fmt.Errorf("object %d: %w", num, err)
	}
	o := &object{val: v}
	l.skipSpace()
	if l.keyword("stream") {
		if v.k != kindDict {
			return nil, l.errorf("object %d: stream without dictionary", num)
		}
		start := skipEOL(d.buf, l.pos+len("stream"))
		data, err := d.streamData(num, v, start)
		if err != nil {
			return nil, err
		}
		o.isStream, o.stream = true, data
	}
	d.objs[num] = o
	return o, nil
}

// streamData finds the bytes of the stream that starts at start. It trusts
// /Length (direct or indirect) when "endstream" follows it, and otherwise
// falls back to searching for "endstream".
func (d *doc) streamData(num int, dict value, start int) ([]byte, error) {
	length := -1
	if lv, ok := dict.get("Length"); ok {
		if lv.k == kindRef {
			d.loading[num] = true
			lo, err := d.load(lv.ref.num)
			delete(d.loading, num)
			if err != nil {
				return nil, fmt.Errorf("object %d: /Length: %w", num, err)
			}
			if lo != nil && !lo.isStream {
				lv = lo.val
			}
		}
		if lv.k == kindNumber {
			if n, ok := unsignedInt(lv.b); ok {
				length = n
			}
		}
	}
	if length >= 0 && length <= len(d.buf)-start {
		l := &lexer{buf: d.buf, pos: start + length}
		l.skipSpace()
		if l.keyword("endstream") {
			return d.buf[start : start+length], nil
		}
	}
	i := bytes.Index(d.buf[start:], []byte("endstream"))
	if i < 0 {
		return nil, &syntaxError{off: start, msg: fmt.Sprintf("object %d: stream without endstream", num)}
	}
	end := start + i
	switch {
	case end-2 >= start && d.buf[end-2] == '\r' && d.buf[end-1] == '\n':
		end -= 2
	case end-1 >= start && (d.buf[end-1] == '\n' || d.buf[end-1] == '\r'):
		end--
	}
	return d.buf[start:end], nil
}

// canonical renumbers, orders and writes the document.
func (d *doc) canonical() ([]byte, error) {
	return d.write(nil, nil)
}

// write renumbers, orders and writes the document. With out nil it returns
// the whole output; otherwise it writes to out and returns nil, and every
// stream resolve recognises is written by its External instead of from the
// input (resolve may be nil).
func (d *doc) write(out io.Writer, resolve func(stream []byte) (External, bool)) ([]byte, error) {
	newNum := map[int]int{}
	var order []int
	visit := func(r ref) error {
		if _, seen := newNum[r.num]; seen {
			return nil
		}
		o, err := d.load(r.num)
		if err != nil || o == nil {
			return err
		}
		order = append(order, r.num)
		newNum[r.num] = len(order)
		return nil
	}
	root, ok := d.trailer.get("Root")
	if !ok || root.k != kindRef {
		return nil, &syntaxError{off: len(d.buf), msg: "trailer has no /Root reference"}
	}
	if err := visit(root.ref); err != nil {
		return nil, err
	}
	if len(order) == 0 || d.objs[root.ref.num].val.k != kindDict {
		return nil, &syntaxError{off: len(d.buf), msg: "/Root is not a dictionary object"}
	}
	info, hasInfo := d.trailer.get("Info")
	if hasInfo && info.k == kindRef {
		if err := visit(info.ref); err != nil {
			return nil, err
		}
	}
	next := d.nextNum()
	for i := 0; i < len(order); i++ {
		o := d.objs[order[i]]
		next = d.indirectAnnots(o, next)
		if err := walkRefs(o.val, o.isStream, visit); err != nil {
			return nil, err
		}
	}

	d.fixOutlineCounts(root.ref.num)

	w := &writer{}
	size := len(d.buf) + len(order)*40 + 1024
	w.Grow(size)
	// base is the number of bytes already flushed to out; the offset of
	// what is buffered is base + w.Len().
	var base int64
	flush := func() error {
		if out == nil {
			return nil
		}
		n, err := out.Write(w.Bytes())
		base += int64(n)
		w.Reset()
		return err
	}
	w.Write(d.header)
	w.WriteByte('\n')
	if d.binary != nil {
		w.Write(d.binary)
		w.WriteByte('\n')
	}
	offsets := make([]int64, len(order)+1)
	for i, num := range order {
		o := d.objs[num]
		offsets[i+1] = base + int64(w.Len())
		w.WriteString(strconv.Itoa(i + 1))
		w.WriteString(" 0 obj\n")
		ext, external := External{}, false
		if o.isStream && out != nil && resolve != nil {
			ext, external = resolve(o.stream)
		}
		switch {
		case external:
			if ext.Length < 0 || ext.WriteTo == nil {
				return nil, fmt.Errorf("object %d: external stream without length or writer", num)
			}
			w.value(o.val, newNum, ext.Length)
			w.WriteString("\nstream\n")
			if err := flush(); err != nil {
				return nil, err
			}
			cw := &countingWriter{w: out}
			if err := ext.WriteTo(cw); err != nil {
				return nil, fmt.Errorf("object %d: %w", num, err)
			}
			if cw.n != ext.Length {
				return nil, fmt.Errorf("object %d: external stream wrote %d bytes, announced %d", num, cw.n, ext.Length)
			}
			base += cw.n
			w.WriteString("\nendstream")
		case o.isStream:
			val, data := o.val, o.stream
			if d.deflatePlain && out == nil {
				val, data = deflatePlain(val, data)
			}
			w.value(val, newNum, int64(len(data)))
			w.WriteString("\nstream\n")
			w.Write(data)
			w.WriteString("\nendstream")
		default:
			w.value(o.val, newNum, -1)
		}
		w.WriteString("\nendobj\n")
	}
	xrefOff := base + int64(w.Len())
	fmt.Fprintf(w, "xref\n0 %d\n0000000000 65535 f \n", len(order)+1)
	for _, off := range offsets[1:] {
		fmt.Fprintf(w, "%010d 00000 n \n", off)
	}
	trailer := value{k: kindDict}
	if id, ok := d.trailer.get("ID"); ok {
		trailer.dict = append(trailer.dict, entry{key: []byte("ID"), val: id})
	}
	if hasInfo && info.k == kindRef {
		if _, ok := newNum[info.ref.num]; ok {
			trailer.dict = append(trailer.dict, entry{key: []byte("Info"), val: info})
		}
	}
	trailer.dict = append(trailer.dict,
		entry{key: []byte("Root"), val: root},
		entry{key: []byte("Size"), val: value{k: kindNumber, b: []byte(strconv.Itoa(len(order) + 1))}})
	w.WriteString("trailer\n")
	w.value(trailer, newNum, -1)
	fmt.Fprintf(w, "\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	if out == nil {
		return w.Bytes(), nil
	}
	return nil, flush()
}

// External supplies the bytes of a stream that is not held in memory.
type External struct {
	Length  int64                 // exact number of bytes WriteTo writes
	WriteTo func(io.Writer) error // writes the stream's bytes
}

// Expand writes pdf to w canonically (see Canonicalize), except that each
// stream for which resolve returns ok is written by the External it returns
// instead of from pdf: a document can carry small placeholders for large
// image streams and have them filled in only when it is written out, so
// the large bytes pass through once and are never held in memory. An
// External that writes other than its Length fails the call.
func Expand(w io.Writer, pdf []byte, resolve func(stream []byte) (External, bool)) error {
	d, err := readDoc(pdf)
	if err != nil {
		return fmt.Errorf("expand: %w", err)
	}
	if _, err := d.write(w, resolve); err != nil {
		return fmt.Errorf("expand: %w", err)
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// nextNum returns an object number used by no object of the input and by
// no object added to d.objs since (Attach adds objects before canonical
// runs, and indirectAnnots must not reuse their numbers).
func (d *doc) nextNum() int {
	next := 1
	for num := range d.xref {
		next = max(next, num+1)
	}
	for num := range d.objs {
		next = max(next, num+1)
	}
	return next
}

// walkRefs calls visit for every reference in v in canonical order:
// dictionary entries by sorted key, array items in order. The /Length of a
// stream is skipped because it is rewritten as a direct number.
func walkRefs(v value, isStream bool, visit func(ref) error) error {
	switch v.k {
	case kindRef:
		return visit(v.ref)
	case kindArray:
		for _, e := range v.arr {
			if err := walkRefs(e, false, visit); err != nil {
				return err
			}
		}
	case kindDict:
		for _, e := range v.dict {
			if isStream && string(e.key) == "Length" {
				continue
			}
			if err := walkRefs(e.val, false, visit); err != nil {
				return err
			}
		}
	}
	return nil
}

// fixOutlineCounts repairs a defect of fpdf: it writes /Count 0 on outline
// items that have children, which PDF 32000-1 §12.3.3 forbids (strict
// validators reject it). Such an item gets the count of its direct children,
// negated: the item is shown closed, as viewers showed the zero count.
// Items are reached from /Outlines through /First and /Next; the walk is
// bounded by the number of objects.
func (d *doc) fixOutlineCounts(rootNum int) {
	outlines, ok := d.objs[rootNum].val.get("Outlines")
	if !ok || outlines.k != kindRef {
		return
	}
	seen := map[int]bool{outlines.ref.num: true}
	// children returns the objects of the /First … /Next chain of o.
	children := func(o *object) []int {
		var kids []int
		c, ok := o.val.get("First")
		for ok && c.k == kindRef && !seen[c.ref.num] {
			ko := d.objs[c.ref.num]
			if ko == nil || ko.val.k != kindDict {
				break
			}
			seen[c.ref.num] = true
			kids = append(kids, c.ref.num)
			c, ok = ko.val.get("Next")
		}
		return kids
	}
	root := d.objs[outlines.ref.num]
	if root == nil || root.val.k != kindDict {
		return
	}
	stack := children(root)
	for len(stack) > 0 {
		num := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		o := d.objs[num]
		kids := children(o)
		stack = append(stack, kids...)
		if len(kids) == 0 {
			continue
		}
		for i := range o.val.dict {
			e := &o.val.dict[i]
			if string(e.key) == "Count" && e.val.k == kindNumber && string(e.val.b) == "0" {
				e.val.b = []byte(strconv.Itoa(-len(kids)))
			}
		}
	}
}

// indirectAnnots repairs another fpdf defect: link annotations are written
// as direct dictionaries inside a page's /Annots array, where PDF 32000-1
// §12.5.2 requires indirect objects (strict validators reject them). Each
// direct annotation becomes an object numbered from next; numbering is then
// redone by the traversal, so the result stays deterministic.
func (d *doc) indirectAnnots(o *object, next int) int {
	if t, ok := o.val.get("Type"); o.isStream || !ok || t.k != kindName || string(t.b) != "Page" {
		return next
	}
	for i := range o.val.dict {
		e := &o.val.dict[i]
		if string(e.key) != "Annots" || e.val.k != kindArray {
			continue
		}
		for j := range e.val.arr {
			if a := e.val.arr[j]; a.k == kindDict && next < maxObjects*2 {
				d.objs[next] = &object{val: a}
				e.val.arr[j] = value{k: kindRef, ref: ref{num: next}}
				next++
			}
		}
	}
	return next
}

// zlibWriters are reused: a compressor's state is over half a megabyte,
// and a volume has a content stream per page.
var zlibWriters = sync.Pool{New: func() any {
	zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed) // a valid level
	return zw
}}

// deflatePlain compresses the data of a stream that has no /Filter, and
// is not metadata (which stays readable to tools that look for XMP), and
// returns its dictionary with /Filter /FlateDecode. Anything else is
// returned as it is.
func deflatePlain(dict value, data []byte) (value, []byte) {
	if dict.k != kindDict || len(data) == 0 {
		return dict, data
	}
	if _, ok := dict.get("Filter"); ok {
		return dict, data
	}
	if t, ok := dict.get("Type"); ok && t.k == kindName && string(t.b) == "Metadata" {
		return dict, data
	}
	var buf bytes.Buffer
	buf.Grow(len(data)/3 + 64)
	zw := zlibWriters.Get().(*zlib.Writer)
	defer zlibWriters.Put(zw)
	zw.Reset(&buf)
	// Writes to a bytes.Buffer cannot fail.
	zw.Write(data)
	zw.Close()
	out := value{k: kindDict, dict: make([]entry, 0, len(dict.dict)+1)}
	filter := entry{key: []byte("Filter"), val: value{k: kindName, b: []byte("FlateDecode")}}
	added := false
	for _, e := range dict.dict {
		if !added && string(e.key) > "Filter" {
			out.dict = append(out.dict, filter)
			added = true
		}
		out.dict = append(out.dict, e)
	}
	if !added {
		out.dict = append(out.dict, filter)
	}
	return out, buf.Bytes()
}
