package pdfnorm

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrAttachment: a File given to Attach cannot be embedded (empty or
// invalid name, duplicate name, too large).
var ErrAttachment = errors.New("invalid attachment")

// Attachment limits. Attachments and Info also read PDFs not made by
// evipack, so every structure they follow is bounded.
const (
	// MaxAttachmentBytes is the largest decoded embedded file Attach
	// writes and Attachments reads.
	MaxAttachmentBytes = 64 << 20
	// MaxAttachmentsBytes bounds the decoded size of all embedded files
	// Attachments returns together.
	MaxAttachmentsBytes = 256 << 20
	// MaxAttachments is the most embedded files Attach writes and
	// Attachments reads.
	MaxAttachments = 4096

	maxNameTreeNodes = 1 << 16 // nodes visited in one name tree
	maxNameTreeDepth = 32      // levels of /Kids
	maxResolve       = 16      // references followed to reach one value
)

// File is one embedded file of a PDF.
type File struct {
	// Name is the file name shown by PDF viewers (/UF, UTF-8 here).
	Name string
	// Data is the file's content, uncompressed.
	Data []byte
	// MIME is the media type, written as the stream's /Subtype
	// (e.g. "application/json"); empty for none.
	MIME string
	// Description is the /Desc text; empty for none.
	Description string
	// ModTime is /Params /ModDate; the zero time writes none.
	ModTime time.Time

	deflated []byte // Data compressed by Precompress; nil = compress on Attach
}

// Precompress returns copies of files that carry their data already
// compressed, for attaching the same files to many documents (the volumes
// of one report): Attach then writes the same bytes it would have
// compressed itself, without compressing them again. Data must not change
// afterwards.
func Precompress(files []File) ([]File, error) {
	out := slices.Clone(files)
	for i := range out {
		z, err := deflate(out[i])
		if err != nil {
			return nil, fmt.Errorf("attach: %w", err)
		}
		out[i].deflated = z
	}
	return out, nil
}

// deflate compresses f.Data as every attachment's stream is compressed.
func deflate(f File) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if _, err := zw.Write(f.Data); err != nil {
		return nil, fmt.Errorf("%s: compress: %w", f.Name, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("%s: compress: %w", f.Name, err)
	}
	return buf.Bytes(), nil
}

// Attach embeds files in pdf, a PDF as produced by Canonicalize, and returns
// the result, again in canonical form (Canonicalize on it changes nothing).
//
// Each file becomes an /EmbeddedFile stream (FlateDecode, /Subtype from
// MIME, /Params with /Size, /ModDate and the MD5 /CheckSum) and a
// /Filespec (/F and /UF with the name as a text string, /Desc, /EF). The
// catalog gets /Names /EmbeddedFiles, a name tree whose keys are the file
// names sorted as byte strings (entries already there are kept), and the
// files are appended to the catalog's /AF array (associated files, PDF 2.0
// and PDF/A-3; PDF 1.7 readers ignore it). The header is raised to
// %PDF-1.7, the lowest version in which strict validators accept the name
// tree.
//
// The file specifications carry no /AFRelationship: pdfcpu v0.15.0 in
// strict mode rejects that key in a PDF older than 2.0, and rejects any
// catalog /AF in a PDF 2.0 file ("associated files not supported"), so the
// document stays at 1.7, where pdfcpu skips /AF.
//
// Unlike fpdf's SetAttachments, which shifts every page object and so
// breaks bookmarks and links, Attach works on the parsed object graph:
// references are renumbered together with the objects they point at.
// The same inputs give the same bytes.
func Attach(pdf []byte, files []File) ([]byte, error) {
	out, err := attach(pdf, files)
	if err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	return out, nil
}

func attach(pdf []byte, files []File) ([]byte, error) {
	if len(files) > MaxAttachments {
		return nil, fmt.Errorf("%d files, at most %d: %w", len(files), MaxAttachments, ErrAttachment)
	}
	for _, f := range files {
		if f.Name == "" || !utf8.ValidString(f.Name) {
			return nil, fmt.Errorf("file name %q: empty or not UTF-8: %w", f.Name, ErrAttachment)
		}
		if !utf8.ValidString(f.Description) || !utf8.ValidString(f.MIME) {
			return nil, fmt.Errorf("%s: description or MIME type not UTF-8: %w", f.Name, ErrAttachment)
		}
		if len(f.Data) > MaxAttachmentBytes {
			return nil, fmt.Errorf("%s: %d bytes, at most %d: %w", f.Name, len(f.Data), MaxAttachmentBytes, ErrAttachment)
		}
	}
	d, err := readDoc(pdf)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return d.canonical()
	}
	cat, err := d.catalog()
	if err != nil {
		return nil, err
	}

	// The existing /Names dictionary, direct or indirect, and its tree.
	namesDict := &value{k: kindDict, dict: []entry{}}
	namesSlot := func(v value) { setKey(&cat.val, "Names", v) }
	if nv, ok := cat.val.get("Names"); ok {
		if nv.k == kindRef {
			o, err := d.load(nv.ref.num)
			if err != nil {
				return nil, err
			}
			if o != nil && !o.isStream && o.val.k == kindDict {
				namesDict = &o.val
				namesSlot = func(value) {}
			}
		} else if nv.k == kindDict {
			*namesDict = nv
		}
	}
	var pairs []namePair
	if ef, ok := namesDict.get("EmbeddedFiles"); ok {
		pairs, err = d.nameTree(ef)
		if err != nil {
			return nil, fmt.Errorf("existing embedded files: %w", err)
		}
	}

	// Objects are made in key order, so the order of files does not matter.
	files = slices.Clone(files)
	slices.SortStableFunc(files, func(a, b File) int { return bytes.Compare(textString(a.Name), textString(b.Name)) })
	next := d.nextNum()
	var afRefs []value
	for _, f := range files {
		stream, err := embeddedStream(f)
		if err != nil {
			return nil, err
		}
		streamNum, specNum := next, next+1
		next += 2
		d.objs[streamNum] = stream
		d.objs[specNum] = &object{val: filespec(f, ref{num: streamNum})}
		specRef := value{k: kindRef, ref: ref{num: specNum}}
		pairs = append(pairs, namePair{key: textString(f.Name), val: specRef})
		afRefs = append(afRefs, specRef)
	}
	sort.SliceStable(pairs, func(i, j int) bool { return bytes.Compare(pairs[i].key, pairs[j].key) < 0 })
	for i := 1; i < len(pairs); i++ {
		if bytes.Equal(pairs[i-1].key, pairs[i].key) {
			return nil, fmt.Errorf("file name %q used twice: %w", decodeText(pairs[i].key), ErrAttachment)
		}
	}
	arr := make([]value, 0, 2*len(pairs))
	for _, p := range pairs {
		arr = append(arr, value{k: kindString, b: p.key}, p.val)
	}
	setKey(namesDict, "EmbeddedFiles", dictOf(entry{key: []byte("Names"), val: value{k: kindArray, arr: arr}}))
	namesSlot(*namesDict)

	// /AF: append to an existing array (direct or indirect), or create one.
	af, hasAF := cat.val.get("AF")
	switch {
	case hasAF && af.k == kindRef:
		o, err := d.load(af.ref.num)
		if err != nil {
			return nil, err
		}
		if o != nil && !o.isStream && o.val.k == kindArray {
			o.val.arr = append(o.val.arr, afRefs...)
		} else {
			setKey(&cat.val, "AF", value{k: kindArray, arr: afRefs})
		}
	case hasAF && af.k == kindArray:
		setKey(&cat.val, "AF", value{k: kindArray, arr: append(af.arr, afRefs...)})
	default:
		setKey(&cat.val, "AF", value{k: kindArray, arr: afRefs})
	}

	d.header = raiseVersion(d.header, "1.7")
	return d.canonical()
}

// catalog returns the document catalog object.
func (d *doc) catalog() (*object, error) {
	root, ok := d.trailer.get("Root")
	if !ok || root.k != kindRef {
		return nil, &syntaxError{off: len(d.buf), msg: "trailer has no /Root reference"}
	}
	o, err := d.load(root.ref.num)
	if err != nil {
		return nil, err
	}
	if o == nil || o.isStream || o.val.k != kindDict {
		return nil, &syntaxError{off: len(d.buf), msg: "/Root is not a dictionary object"}
	}
	return o, nil
}

// embeddedStream builds the /EmbeddedFile stream object of f.
func embeddedStream(f File) (*object, error) {
	z := f.deflated
	if z == nil {
		var err error
		if z, err = deflate(f); err != nil {
			return nil, err
		}
	}
	sum := md5.Sum(f.Data)
	params := []entry{
		{key: []byte("CheckSum"), val: value{k: kindHex, b: sum[:]}},
		{key: []byte("Size"), val: number(len(f.Data))},
	}
	if !f.ModTime.IsZero() {
		params = append(params, entry{key: []byte("ModDate"), val: value{k: kindString, b: []byte(pdfDate(f.ModTime))}})
	}
	dict := []entry{
		{key: []byte("Filter"), val: name("FlateDecode")},
		{key: []byte("Params"), val: dictOf(params...)},
		{key: []byte("Type"), val: name("EmbeddedFile")},
	}
	if f.MIME != "" {
		dict = append(dict, entry{key: []byte("Subtype"), val: name(f.MIME)})
	}
	return &object{val: dictOf(dict...), isStream: true, stream: z}, nil
}

// filespec builds the /Filespec dictionary of f.
func filespec(f File, stream ref) value {
	fname := value{k: kindString, b: textString(f.Name)}
	sref := value{k: kindRef, ref: stream}
	es := []entry{
		{key: []byte("EF"), val: dictOf(entry{key: []byte("F"), val: sref}, entry{key: []byte("UF"), val: sref})},
		{key: []byte("F"), val: fname},
		{key: []byte("Type"), val: name("Filespec")},
		{key: []byte("UF"), val: fname},
	}
	if f.Description != "" {
		es = append(es, entry{key: []byte("Desc"), val: value{k: kindString, b: textString(f.Description)}})
	}
	return dictOf(es...)
}

func name(s string) value { return value{k: kindName, b: []byte(s)} }
func number(n int) value  { return value{k: kindNumber, b: []byte(strconv.Itoa(n))} }

// dictOf returns a dictionary of es with keys sorted.
func dictOf(es ...entry) value { return value{k: kindDict, dict: sortEntries(es)} }

// setKey sets key in the dictionary v, keeping the keys sorted.
func setKey(v *value, key string, val value) {
	i := sort.Search(len(v.dict), func(i int) bool { return string(v.dict[i].key) >= key })
	if i < len(v.dict) && string(v.dict[i].key) == key {
		v.dict[i].val = val
		return
	}
	v.dict = append(v.dict, entry{})
	copy(v.dict[i+1:], v.dict[i:])
	v.dict[i] = entry{key: []byte(key), val: val}
}

// raiseVersion returns the header line "%PDF-x.y" raised to at least min.
func raiseVersion(header []byte, min string) []byte {
	v := strings.TrimSpace(strings.TrimPrefix(string(header), "%PDF-"))
	if major, minor, ok := strings.Cut(v, "."); ok {
		ma, err1 := strconv.Atoi(major)
		mi, err2 := strconv.Atoi(minor)
		wantMa, _ := strconv.Atoi(min[:1])
		wantMi, _ := strconv.Atoi(min[2:])
		if err1 == nil && err2 == nil && (ma > wantMa || ma == wantMa && mi >= wantMi) {
			return header
		}
	}
	return []byte("%PDF-" + min)
}

// textString encodes s as a PDF text string: the bytes themselves when s
// is printable ASCII (where PDFDocEncoding and ASCII agree), otherwise
// UTF-16BE with a byte order mark.
func textString(s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		return []byte(s)
	}
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = 0xfe, 0xff
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return b
}

// pdfDocEncoding maps the bytes of PDFDocEncoding that differ from
// ISO-8859-1 (PDF 32000-1 Annex D.2); 0 marks an undefined code.
var pdfDocHigh = [...]rune{
	0x18: 0x02d8, 0x02c7, 0x02c6, 0x02d9, 0x02dd, 0x02db, 0x02da, 0x02dc,
	0x80: 0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044,
	0x2039, 0x203a, 0x2212, 0x2030, 0x201e, 0x201c, 0x201d, 0x2018,
	0x2019, 0x201a, 0x2122, 0xfb01, 0xfb02, 0x0141, 0x0152, 0x0160,
	0x0178, 0x017d, 0x0131, 0x0142, 0x0153, 0x0161, 0x017e, 0,
	0x20ac,
}

// decodeText decodes a PDF text string: UTF-16BE or UTF-8 with a byte
// order mark, otherwise PDFDocEncoding. Language escapes (ESC … ESC) in
// UTF-16 are dropped; undefined codes become U+FFFD.
func decodeText(b []byte) string {
	switch {
	case len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff:
		u := make([]uint16, 0, (len(b)-2)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		var sb strings.Builder
		esc := false
		for _, r := range utf16.Decode(u) {
			if r == 0x1b {
				esc = !esc
				continue
			}
			if !esc {
				sb.WriteRune(r)
			}
		}
		return sb.String()
	case len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf:
		return strings.ToValidUTF8(string(b[3:]), "\ufffd")
	}
	var sb strings.Builder
	for _, c := range b {
		r := rune(c)
		switch {
		case c == 0xad:
			r = utf8.RuneError
		case int(c) < len(pdfDocHigh) && (c >= 0x18 && c <= 0x1f || c >= 0x80):
			r = pdfDocHigh[c]
			if r == 0 {
				r = utf8.RuneError
			}
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// pdfDate formats t as a PDF date string (PDF 32000-1 §7.9.4).
func pdfDate(t time.Time) string {
	s := t.Format("D:20060102150405")
	_, off := t.Zone()
	if off == 0 {
		// "Z" alone is valid too, but pdfcpu rejects it at the end.
		return s + "Z00'00'"
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s%c%02d'%02d'", s, sign, off/3600, off%3600/60)
}

// parsePDFDate parses a PDF date string; fields after the year are
// optional. It reports false for anything else.
func parsePDFDate(s string) (time.Time, bool) {
	s = strings.TrimPrefix(s, "D:")
	n := 0
	for n < len(s) && n < 14 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n < 4 || n%2 != 0 {
		return time.Time{}, false
	}
	digits, rest := s[:n], s[n:]
	field := func(i, def int) int {
		if i+2 > len(digits) {
			return def
		}
		v, _ := strconv.Atoi(digits[i : i+2]) // digits only: cannot fail
		return v
	}
	y, _ := strconv.Atoi(digits[:4])
	mo, dd, hh, mm, ss := field(4, 1), field(6, 1), field(8, 0), field(10, 0), field(12, 0)
	if mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	loc := time.UTC
	if rest != "" && rest[0] != 'Z' {
		if rest[0] != '+' && rest[0] != '-' {
			return time.Time{}, false
		}
		tz := strings.ReplaceAll(rest[1:], "'", "")
		if len(tz) != 2 && len(tz) != 4 {
			return time.Time{}, false
		}
		oh, err1 := strconv.ParseUint(tz[:2], 10, 8)
		om, err2 := uint64(0), error(nil)
		if len(tz) == 4 {
			om, err2 = strconv.ParseUint(tz[2:], 10, 8)
		}
		if err1 != nil || err2 != nil || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off := int(oh*3600 + om*60)
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	return time.Date(y, time.Month(mo), dd, hh, mm, ss, 0, loc), true
}

// namePair is one key and value of a name tree leaf.
type namePair struct {
	key []byte
	val value
}

// resolve follows references until v is not one. A missing object is null;
// a stream yields its dictionary.
func (d *doc) resolve(v value) (value, error) {
	for i := 0; v.k == kindRef; i++ {
		if i >= maxResolve {
			return value{}, &syntaxError{off: len(d.buf), msg: "reference chain too long"}
		}
		o, err := d.load(v.ref.num)
		if err != nil {
			return value{}, err
		}
		if o == nil {
			return value{k: kindNull}, nil
		}
		v = o.val
	}
	return v, nil
}

// nameTree returns the leaf entries of the name tree rooted at v, in tree
// order. Kids are followed depth-first with a bound on depth and nodes;
// an indirect node reached twice is an error (a cycle or a shared node).
func (d *doc) nameTree(v value) ([]namePair, error) {
	var pairs []namePair
	seen := map[int]bool{}
	nodes := 0
	var walk func(v value, depth int) error
	walk = func(v value, depth int) error {
		if depth > maxNameTreeDepth {
			return &syntaxError{off: len(d.buf), msg: "name tree deeper than " + strconv.Itoa(maxNameTreeDepth)}
		}
		if nodes++; nodes > maxNameTreeNodes {
			return &syntaxError{off: len(d.buf), msg: "name tree has too many nodes"}
		}
		if v.k == kindRef {
			if seen[v.ref.num] {
				return &syntaxError{off: len(d.buf), msg: fmt.Sprintf("name tree node %d reached twice", v.ref.num)}
			}
			seen[v.ref.num] = true
		}
		node, err := d.resolve(v)
		if err != nil {
			return err
		}
		if node.k != kindDict {
			return nil
		}
		if names, ok := node.get("Names"); ok {
			if names, err = d.resolve(names); err != nil {
				return err
			}
			for i := 0; i+1 < len(names.arr) && names.k == kindArray; i += 2 {
				key, err := d.resolve(names.arr[i])
				if err != nil {
					return err
				}
				if key.k != kindString && key.k != kindHex {
					continue
				}
				if len(pairs) >= MaxAttachments {
					return fmt.Errorf("more than %d embedded files: %w", MaxAttachments, ErrTooLarge)
				}
				pairs = append(pairs, namePair{key: key.b, val: names.arr[i+1]})
			}
		}
		if kids, ok := node.get("Kids"); ok {
			if kids, err = d.resolve(kids); err != nil {
				return err
			}
			if kids.k == kindArray {
				for _, k := range kids.arr {
					if err := walk(k, depth+1); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	if err := walk(v, 0); err != nil {
		return nil, err
	}
	return pairs, nil
}

// Attachments returns the embedded files listed in the catalog's
// /Names /EmbeddedFiles name tree of pdf (including /Kids), in tree order,
// decoded. A PDF without embedded files gives none and no error.
//
// It reads PDFs not made by evipack too, read-only and bounded, including
// cross-reference streams and object streams (PDF 1.5): one file may
// decode to at most MaxAttachmentBytes, all to MaxAttachmentsBytes
// (ErrTooLarge beyond). Streams must be unfiltered or FlateDecode (PNG
// predictors allowed), otherwise ErrUnsupported; a /CheckSum or /Size that
// does not match the decoded bytes gives ErrMalformed. File specifications
// that refer to external files (no /EF) are skipped. Encrypted documents
// are ErrUnsupported.
func Attachments(pdf []byte) ([]File, error) {
	files, err := attachments(pdf, MaxAttachmentBytes, MaxAttachmentsBytes)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	return files, nil
}

// attachments reads the embedded files, each decoded to at most perFile
// bytes and all to at most total bytes.
func attachments(pdf []byte, perFile, total int) ([]File, error) {
	d, err := readDocStreams(pdf)
	if err != nil {
		return nil, err
	}
	cat, err := d.catalog()
	if err != nil {
		return nil, err
	}
	nv, ok := cat.val.get("Names")
	if !ok {
		return nil, nil
	}
	names, err := d.resolve(nv)
	if err != nil {
		return nil, err
	}
	ef, ok := names.get("EmbeddedFiles")
	if !ok {
		return nil, nil
	}
	pairs, err := d.nameTree(ef)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, p := range pairs {
		f, ok, err := d.embeddedFile(p, min(perFile, total))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", decodeText(p.key), err)
		}
		if ok {
			total -= len(f.Data)
			files = append(files, f)
		}
	}
	return files, nil
}

// embeddedFile reads the file specification p.val. ok is false when it
// embeds no file.
func (d *doc) embeddedFile(p namePair, limit int) (f File, ok bool, err error) {
	spec, err := d.resolve(p.val)
	if err != nil || spec.k != kindDict {
		return File{}, false, err
	}
	f.Name = decodeText(p.key)
	for _, k := range []string{"F", "UF"} { // /UF wins over /F
		if v, ok := spec.get(k); ok {
			if v, err = d.resolve(v); err != nil {
				return File{}, false, err
			}
			if (v.k == kindString || v.k == kindHex) && len(v.b) > 0 {
				f.Name = decodeText(v.b)
			}
		}
	}
	if v, ok := spec.get("Desc"); ok {
		if v, err = d.resolve(v); err != nil {
			return File{}, false, err
		}
		if v.k == kindString || v.k == kindHex {
			f.Description = decodeText(v.b)
		}
	}
	efv, ok := spec.get("EF")
	if !ok {
		return File{}, false, nil
	}
	efd, err := d.resolve(efv)
	if err != nil {
		return File{}, false, err
	}
	sv, ok := efd.get("UF")
	if !ok || sv.k != kindRef {
		sv, ok = efd.get("F")
	}
	if !ok || sv.k != kindRef {
		return File{}, false, nil
	}
	o, err := d.load(sv.ref.num)
	if err != nil {
		return File{}, false, err
	}
	if o == nil || !o.isStream {
		return File{}, false, nil
	}
	f.Data, err = d.decodeDirect(o, limit)
	if err != nil {
		return File{}, false, err
	}
	if st, ok := o.val.get("Subtype"); ok && st.k == kindName {
		f.MIME = strings.ToValidUTF8(string(st.b), "\ufffd")
	}
	params, _ := o.val.get("Params")
	if params, err = d.resolve(params); err != nil {
		return File{}, false, err
	}
	if v, ok := params.get("CheckSum"); ok && (v.k == kindString || v.k == kindHex) && len(v.b) == md5.Size {
		if sum := md5.Sum(f.Data); !bytes.Equal(sum[:], v.b) {
			return File{}, false, &syntaxError{off: len(d.buf), msg: fmt.Sprintf("object %d: /CheckSum does not match the content", sv.ref.num)}
		}
	}
	if v, ok := params.get("Size"); ok && v.k == kindNumber {
		if n, ok := unsignedInt(v.b); ok && n != len(f.Data) {
			return File{}, false, &syntaxError{off: len(d.buf), msg: fmt.Sprintf("object %d: /Size %d but %d bytes", sv.ref.num, n, len(f.Data))}
		}
	}
	if v, ok := params.get("ModDate"); ok && (v.k == kindString || v.k == kindHex) {
		if t, ok := parsePDFDate(decodeText(v.b)); ok {
			f.ModTime = t
		}
	}
	return f, true, nil
}

// Info returns the text strings of pdf's document information dictionary
// (/Title, /Subject, /Keywords, …) decoded from PDFDocEncoding or UTF-16BE,
// keyed by their names without the slash. A PDF without one gives an empty
// map. Values that are not strings (/Trapped) are left out.
func Info(pdf []byte) (map[string]string, error) {
	m, err := info(pdf)
	if err != nil {
		return nil, fmt.Errorf("info: %w", err)
	}
	return m, nil
}

func info(pdf []byte) (map[string]string, error) {
	d, err := readDocStreams(pdf)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	iv, ok := d.trailer.get("Info")
	if !ok {
		return m, nil
	}
	dict, err := d.resolve(iv)
	if err != nil {
		return nil, err
	}
	for _, e := range dict.dict {
		v, err := d.resolve(e.val)
		if err != nil {
			return nil, err
		}
		if v.k == kindString || v.k == kindHex {
			m[strings.ToValidUTF8(string(e.key), "\ufffd")] = decodeText(v.b)
		}
	}
	return m, nil
}
