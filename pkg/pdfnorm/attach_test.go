package pdfnorm

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
)

// buildLinked renders pages pages with the UTF-8 font (or the core font
// when font is nil), a bookmark on each page, a table of contents on page 1
// linking to every page, a "back" link on every page to page 1 and a
// "next" link to the following page. The title, subject and keywords are
// set the way the report sets the root hash.
func buildLinked(tb testing.TB, font []byte, pages int, subject string) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(fixedTime)
	pdf.SetModificationDate(fixedTime)
	family := "Helvetica"
	if font != nil {
		family = "noto"
		pdf.AddUTF8FontFromBytes(family, "", font)
	}
	pdf.SetFont(family, "", 12)
	pdf.SetTitle("evipack report", false)
	pdf.SetSubject(subject, true)
	pdf.SetKeywords("evipack "+subject, true)

	links := make([]int, pages)
	for i := range links {
		links[i] = pdf.AddLink()
	}
	for p := range pages {
		pdf.AddPage()
		pdf.SetLink(links[p], 0, p+1)
		pdf.Bookmark(fmt.Sprintf("Page %d", p+1), 0, -1)
		if p == 0 {
			for i := range pages {
				pdf.CellFormat(0, 8, fmt.Sprintf("Go to page %d", i+1), "", 1, "L", false, links[i], "")
			}
		}
		pdf.CellFormat(0, 8, "Back to contents", "", 1, "L", false, links[0], "")
		if p+1 < pages {
			pdf.CellFormat(0, 8, "Next page", "", 1, "L", false, links[p+1], "")
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		tb.Fatalf("fpdf output: %v", err)
	}
	return buf.Bytes()
}

func canonical(tb testing.TB, b []byte) []byte {
	tb.Helper()
	c, err := Canonicalize(b)
	if err != nil {
		tb.Fatalf("Canonicalize: %v", err)
	}
	return c
}

var modTime = time.Date(2026, 5, 2, 9, 15, 30, 0, time.FixedZone("CST", 8*3600))

// testFiles returns thirteen files: evipack.json, the Chinese notes, ten
// exhibits (so the name tree holds more than nine keys), a manifest and an
// empty file. incompressible adds random bytes to one exhibit.
func testFiles() []File {
	rng := rand.New(rand.NewPCG(3, 4))
	noise := make([]byte, 5000)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	files := []File{
		{Name: "evipack.json", Data: []byte(`{"root":"sha256:0f1e","exhibits":["证据1"]}` + "\n"), MIME: "application/json", Description: "证据包清单", ModTime: modTime},
		{Name: "核验说明.txt", Data: []byte("核验说明\r\n请用 sha256sum 核对。\n"), MIME: "text/plain; charset=utf-8", Description: "How to verify", ModTime: modTime.UTC()},
		{Name: "manifest-sha256.txt", Data: []byte("0f1e  data/a.jpg\n"), MIME: "text/plain"},
		{Name: "empty.bin", Data: nil},
	}
	for i := 10; i >= 1; i-- { // given out of order on purpose
		data := bytes.Repeat([]byte{byte(i)}, 100*i)
		if i == 7 {
			data = noise
		}
		files = append(files, File{Name: fmt.Sprintf("exhibit-%02d.jpg", i), Data: data, MIME: "image/jpeg", ModTime: modTime.Add(time.Duration(i) * time.Hour)})
	}
	return files
}

// wantOrder is the order of testFiles in the name tree: keys sorted as
// byte strings, ASCII names before UTF-16BE ones (which start with 0xFE).
var wantOrder = []string{
	"empty.bin", "evipack.json",
	"exhibit-01.jpg", "exhibit-02.jpg", "exhibit-03.jpg", "exhibit-04.jpg", "exhibit-05.jpg",
	"exhibit-06.jpg", "exhibit-07.jpg", "exhibit-08.jpg", "exhibit-09.jpg", "exhibit-10.jpg",
	"manifest-sha256.txt", "核验说明.txt",
}

func attached(tb testing.TB, font []byte) (before, after []byte) {
	tb.Helper()
	before = canonical(tb, buildLinked(tb, font, 12, "根哈希 sha256:0f1e"))
	after, err := Attach(before, testFiles())
	if err != nil {
		tb.Fatalf("Attach: %v", err)
	}
	return before, after
}

func TestAttachRoundTrip(t *testing.T) {
	_, pdf := attached(t, nil)
	got, err := Attachments(pdf)
	if err != nil {
		t.Fatalf("Attachments: %v", err)
	}
	var names []string
	for _, f := range got {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, wantOrder) {
		t.Fatalf("names =\n%q\nwant\n%q", names, wantOrder)
	}
	byName := map[string]File{}
	for _, f := range got {
		byName[f.Name] = f
	}
	for _, w := range testFiles() {
		g := byName[w.Name]
		if !bytes.Equal(g.Data, w.Data) {
			t.Errorf("%s: data differs (%d bytes, want %d)", w.Name, len(g.Data), len(w.Data))
		}
		if g.MIME != w.MIME || g.Description != w.Description {
			t.Errorf("%s: MIME %q desc %q, want %q %q", w.Name, g.MIME, g.Description, w.MIME, w.Description)
		}
		if !g.ModTime.Equal(w.ModTime) {
			t.Errorf("%s: ModTime %v, want %v", w.Name, g.ModTime, w.ModTime)
		}
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.7\n")) {
		t.Errorf("header %q, want %%PDF-1.7", lineAt(pdf, 0))
	}
	for _, want := range []string{"/Subtype /application#2Fjson", "/AF [", "/Type /EmbeddedFile", "/ModDate (D:20260502091530+08'00')", "/ModDate (D:20260502011530Z00'00')"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("output lacks %s", want)
		}
	}
}

// TestPrecompress: files compressed once and attached to many documents
// give the same bytes as files Attach compresses itself.
func TestPrecompress(t *testing.T) {
	before, want := attached(t, nil)
	files, err := Precompress(testFiles())
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got, err := Attach(before, files)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatal("Attach of precompressed files differs from Attach")
		}
	}
	for _, f := range files {
		if f.deflated == nil {
			t.Errorf("%s: not precompressed", f.Name)
		}
	}
}

func TestAttachCanonicalAndDeterministic(t *testing.T) {
	before, pdf := attached(t, nil)
	if again := canonical(t, pdf); !bytes.Equal(again, pdf) {
		t.Errorf("Canonicalize changed the output of Attach")
	}
	// Same files in another order give the same bytes.
	files := testFiles()
	slices.Reverse(files)
	other, err := Attach(bytes.Clone(before), files)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(other, pdf) {
		t.Errorf("Attach output depends on the order of files (%s vs %s)", digest(other), digest(pdf))
	}
	if _, pdf2 := attached(t, nil); !bytes.Equal(pdf2, pdf) {
		t.Errorf("two runs differ")
	}
	none, err := Attach(before, nil)
	if err != nil || !bytes.Equal(none, before) {
		t.Errorf("Attach with no files changed the document (err %v)", err)
	}
}

// dests returns, for every outline item (in outline order) and every link
// annotation (in page order), the index of the page its /Dest points at,
// or -1 when it points at no page.
func dests(t *testing.T, pdf []byte) (outline, links []int) {
	t.Helper()
	d, err := readDoc(pdf)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := d.catalog()
	if err != nil {
		t.Fatal(err)
	}
	index := map[int]int{}
	var pageNums []int
	var walk func(v value, depth int)
	walk = func(v value, depth int) {
		node, err := d.resolve(v)
		if err != nil || depth > 16 {
			t.Fatalf("page tree: %v", err)
		}
		if typ, _ := node.get("Type"); string(typ.b) == "Page" {
			index[v.ref.num] = len(pageNums)
			pageNums = append(pageNums, v.ref.num)
			return
		}
		kids, _ := node.get("Kids")
		for _, k := range kids.arr {
			walk(k, depth+1)
		}
	}
	pages, _ := cat.val.get("Pages")
	walk(pages, 0)
	pageOf := func(dict value) int {
		dest, _ := dict.get("Dest")
		dest, _ = d.resolve(dest)
		if dest.k != kindArray || len(dest.arr) == 0 || dest.arr[0].k != kindRef {
			return -1
		}
		if i, ok := index[dest.arr[0].ref.num]; ok {
			return i
		}
		return -1
	}
	ol, _ := cat.val.get("Outlines")
	ol, _ = d.resolve(ol)
	item, ok := ol.get("First")
	for n := 0; ok && n < 1000; n++ {
		it, _ := d.resolve(item)
		outline = append(outline, pageOf(it))
		item, ok = it.get("Next")
	}
	for _, num := range pageNums {
		pg, _ := d.resolve(value{k: kindRef, ref: ref{num: num}})
		annots, _ := pg.get("Annots")
		annots, _ = d.resolve(annots)
		for _, a := range annots.arr {
			a, _ = d.resolve(a)
			if st, _ := a.get("Subtype"); string(st.b) == "Link" {
				links = append(links, pageOf(a))
			}
		}
	}
	return outline, links
}

func TestAttachKeepsDestinations(t *testing.T) {
	const pages = 12
	before, after := attached(t, nil)
	ob, lb := dests(t, before)
	oa, la := dests(t, after)

	// The checker itself: before attaching, bookmark i is on page i, the
	// contents page links to every page, and each page links back and on.
	wantOutline := make([]int, pages)
	var wantLinks []int
	for i := range pages {
		wantOutline[i] = i
		wantLinks = append(wantLinks, i)
	}
	for p := range pages {
		wantLinks = append(wantLinks, 0)
		if p+1 < pages {
			wantLinks = append(wantLinks, p+1)
		}
	}
	if !slices.Equal(ob, wantOutline) || !slices.Equal(lb, wantLinks) {
		t.Fatalf("before attaching: outline %v links %v, want %v %v", ob, lb, wantOutline, wantLinks)
	}
	if !slices.Equal(oa, ob) {
		t.Errorf("outline destinations after Attach %v, want %v", oa, ob)
	}
	if !slices.Equal(la, lb) {
		t.Errorf("link destinations after Attach %v, want %v", la, lb)
	}

	// Control: fpdf's own SetAttachments breaks them, and the checker sees it.
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetAttachments([]fpdf.Attachment{{Content: []byte("x"), Filename: "a.txt"}, {Content: []byte("y"), Filename: "b.txt"}})
	pdf.SetFont("Helvetica", "", 12)
	l := pdf.AddLink()
	for p := range 3 {
		pdf.AddPage()
		if p == 2 {
			pdf.SetLink(l, 0, 3)
		}
		pdf.Bookmark(fmt.Sprintf("Page %d", p+1), 0, -1)
		pdf.CellFormat(0, 8, "to page 3", "", 1, "L", false, l, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if fo, fl := dests(t, canonical(t, buf.Bytes())); slices.Equal(fo, []int{0, 1, 2}) && slices.Equal(fl, []int{2, 2, 2}) {
		t.Errorf("fpdf SetAttachments kept destinations (outline %v, links %v): the checker misses the defect, or fpdf fixed it (then Attach may be unnecessary)", fo, fl)
	} else {
		t.Logf("control: fpdf SetAttachments gives outline %v links %v, want [0 1 2] [2 2 2]", fo, fl)
	}
}

func TestAttachExternalTools(t *testing.T) {
	before, pdf := attached(t, loadFont(t))
	validate(t, pdf)
	if got, want := pdfText(t, pdf), pdfText(t, before); got != want {
		t.Errorf("pdftotext differs after Attach")
	}
	files := map[string][]byte{}
	for _, f := range testFiles() {
		files[f.Name] = f.Data
	}

	pdfdetach := tool(t, "pdfdetach")
	p := writeTemp(t, "a.pdf", pdf)
	out, err := exec.Command(pdfdetach, "-enc", "UTF-8", "-list", p).Output()
	if err != nil {
		t.Fatalf("pdfdetach -list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if lines[0] != fmt.Sprintf("%d embedded files", len(wantOrder)) {
		t.Errorf("pdfdetach: %q", lines[0])
	}
	var listed []string
	for i, ln := range lines[1:] {
		prefix := strconv.Itoa(i+1) + ": "
		if !strings.HasPrefix(ln, prefix) {
			t.Fatalf("pdfdetach line %q", ln)
		}
		listed = append(listed, strings.TrimPrefix(ln, prefix))
		dst := filepath.Join(t.TempDir(), "out")
		if out, err := exec.Command(pdfdetach, "-save", strconv.Itoa(i+1), "-o", dst, p).CombinedOutput(); err != nil {
			t.Fatalf("pdfdetach -save %d: %v\n%s", i+1, err, out)
		}
		got, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		if name := listed[i]; !bytes.Equal(got, files[name]) {
			t.Errorf("pdfdetach -save %s: %d bytes differ from the %d attached", name, len(got), len(files[name]))
		}
	}
	if !slices.Equal(listed, wantOrder) {
		t.Errorf("pdfdetach -list =\n%q\nwant\n%q", listed, wantOrder)
	}

	// pdfcpu's reader agrees on ids, file names and descriptions.
	aa, err := api.Attachments(bytes.NewReader(pdf), newConfig())
	if err != nil {
		t.Fatalf("pdfcpu attachments: %v", err)
	}
	var ids []string
	for _, a := range aa {
		ids = append(ids, a.FileName)
		if a.ID != a.FileName {
			t.Errorf("pdfcpu: id %q, file name %q", a.ID, a.FileName)
		}
	}
	slices.Sort(ids)
	want := slices.Sorted(slices.Values(wantOrder))
	if !slices.Equal(ids, want) {
		t.Errorf("pdfcpu attachments = %q, want %q", ids, want)
	}
	cmd := exec.Command(tool(t, "pdfcpu"), "attachments", "list", p)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	cli, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pdfcpu attachments list: %v\n%s", err, cli)
	}
	for _, n := range wantOrder {
		if !bytes.Contains(cli, []byte(n)) {
			t.Errorf("pdfcpu attachments list lacks %q:\n%s", n, cli)
		}
	}
}

// TestAttachmentsForeign reads files embedded by other writers: fpdf's
// SetAttachments and pdfcpu's AddAttachments.
func TestAttachmentsForeign(t *testing.T) {
	want := []File{{Name: "a.txt", Data: []byte("alpha\n")}, {Name: "数据.csv", Data: []byte("x,y\n1,2\n")}}

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetAttachments([]fpdf.Attachment{{Content: want[0].Data, Filename: want[0].Name}, {Content: want[1].Data, Filename: want[1].Name}})
	pdf.AddPage()
	var fp bytes.Buffer
	if err := pdf.Output(&fp); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	var paths []string
	for _, f := range want {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var pc bytes.Buffer
	if err := api.AddAttachments(bytes.NewReader(canonical(t, buildLinked(t, nil, 1, "x"))), &pc, paths, false, newConfig()); err != nil {
		t.Fatalf("pdfcpu add attachments: %v", err)
	}

	for _, tt := range []struct {
		name string
		pdf  []byte
	}{{"fpdf", fp.Bytes()}, {"pdfcpu", pc.Bytes()}} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Attachments(tt.pdf)
			if err != nil {
				t.Fatalf("Attachments: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d files, want %d", len(got), len(want))
			}
			slices.SortFunc(got, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
			for i := range want {
				if got[i].Name != want[i].Name || !bytes.Equal(got[i].Data, want[i].Data) {
					t.Errorf("file %d: %q %q, want %q %q", i, got[i].Name, got[i].Data, want[i].Name, want[i].Data)
				}
			}
		})
	}
}

// TestAttachmentsObjectStreams reads a report that another program saved
// again with a cross-reference stream and object streams.
func TestAttachmentsObjectStreams(t *testing.T) {
	const subject = "根哈希 sha256:0f1e"
	_, pdf := attached(t, nil)
	variants := []struct {
		name string
		pdf  func(t *testing.T) []byte
	}{
		{"pdfcpu", func(t *testing.T) []byte { return pdfcpuRewrite(t, pdf) }},
		{"qpdf", func(t *testing.T) []byte {
			in, out := writeTemp(t, "in.pdf", pdf), filepath.Join(t.TempDir(), "out.pdf")
			if b, err := exec.Command(tool(t, "qpdf"), "--object-streams=generate", "--compress-streams=y", in, out).CombinedOutput(); err != nil {
				t.Fatalf("qpdf: %v\n%s", err, b)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{"qpdf linearized", func(t *testing.T) []byte {
			in, out := writeTemp(t, "in.pdf", pdf), filepath.Join(t.TempDir(), "out.pdf")
			if b, err := exec.Command(tool(t, "qpdf"), "--object-streams=generate", "--linearize", in, out).CombinedOutput(); err != nil {
				t.Fatalf("qpdf: %v\n%s", err, b)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			b := v.pdf(t)
			if _, err := Canonicalize(b); !errors.Is(err, ErrUnsupported) {
				t.Fatalf("rewritten file is not one with a cross-reference stream (Canonicalize: %v)", err)
			}
			got, err := Attachments(b)
			if err != nil {
				t.Fatalf("Attachments: %v", err)
			}
			files := map[string][]byte{}
			for _, f := range testFiles() {
				files[f.Name] = f.Data
			}
			var names []string
			for _, f := range got {
				names = append(names, f.Name)
				if !bytes.Equal(f.Data, files[f.Name]) {
					t.Errorf("%s: data differs", f.Name)
				}
			}
			if !slices.Equal(names, wantOrder) {
				t.Errorf("names %q, want %q", names, wantOrder)
			}
			m, err := Info(b)
			if err != nil || m["Subject"] != subject {
				t.Errorf("Info Subject = %q, %v", m["Subject"], err)
			}
		})
	}
}

func TestUnpredict(t *testing.T) {
	parms := dictOf(entry{key: []byte("Predictor"), val: number(12)}, entry{key: []byte("Columns"), val: number(3)})
	// Rows 1 2 3 / 1 1 1 (Up) / 5 5 5 (Sub: 5 0 0) / avg / paeth.
	in := []byte{
		0, 1, 2, 3,
		2, 1, 1, 1, // up: 2 3 4
		1, 5, 0, 0, // sub: 5 5 5
		3, 1, 1, 1, // average: 1+5/2=3 → 3+... computed below
		4, 0, 0, 0, // paeth
	}
	got, err := unpredict(bytes.Clone(in), parms)
	if err != nil {
		t.Fatal(err)
	}
	// average row: x0 = 1 + (0+5)/2 = 3; x1 = 1 + (3+5)/2 = 5; x2 = 1 + (5+5)/2 = 6
	// paeth row (a=left, b=up, c=up-left): x0: a=0,b=3,c=0 → b=3; x1: a=3,b=5,c=3 → p=5 → b=5; x2: a=5,b=6,c=5 → p=6 → b=6
	want := []byte{1, 2, 3, 2, 3, 4, 5, 5, 5, 3, 5, 6, 3, 5, 6}
	if !bytes.Equal(got, want) {
		t.Errorf("unpredict = %v, want %v", got, want)
	}
	if _, err := unpredict([]byte{9, 0, 0, 0}, parms); !errors.Is(err, ErrMalformed) {
		t.Errorf("bad filter type: %v", err)
	}
	if _, err := unpredict([]byte{0, 1}, parms); !errors.Is(err, ErrMalformed) {
		t.Errorf("short row: %v", err)
	}
	tiff := dictOf(entry{key: []byte("Predictor"), val: number(2)})
	if _, err := unpredict([]byte{1}, tiff); !errors.Is(err, ErrUnsupported) {
		t.Errorf("tiff predictor: %v", err)
	}
}

func TestAttachmentsNone(t *testing.T) {
	got, err := Attachments(canonical(t, buildLinked(t, nil, 2, "x")))
	if err != nil || len(got) != 0 {
		t.Errorf("Attachments = %v, %v; want none", got, err)
	}
}

// TestAttachmentsKids reads a name tree split into /Kids with /Limits, as
// other writers make for many files, from a hand-written PDF.
func TestAttachmentsKids(t *testing.T) {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
		"<< /Kids [5 0 R 6 0 R] >>",
		"<< /Limits [(a) (b)] /Names [(a) 7 0 R (b) << /Type /Filespec /F (b.txt) /EF << /F 9 0 R >> >>] >>",
		"<< /Limits [(c) (c)] /Kids [<< /Names [(c) 8 0 R] >>] >>",
		"<< /Type /Filespec /F (ignored) /UF <FEFF4E2D6587002E007400780074> /Desc (d\\351j\\340) /EF << /F 9 0 R >> >>",
		"<< /Type /Filespec /F (http://example.com/x) >>", // external: skipped
		"<< /Params << /Size 5 /CheckSum <5D41402ABC4B2A76B9719D911017C592> /ModDate (D:2026) >> >>\nstream\nhello\nendstream",
	}
	pdf := handPDF(objs, "")
	got, err := Attachments(pdf)
	if err != nil {
		t.Fatalf("Attachments: %v", err)
	}
	var names []string
	for _, f := range got {
		names = append(names, f.Name)
		if string(f.Data) != "hello" {
			t.Errorf("%s: data %q", f.Name, f.Data)
		}
	}
	if want := []string{"中文.txt", "b.txt"}; !slices.Equal(names, want) {
		t.Fatalf("names %q, want %q", names, want)
	}
	if got[0].Description != "déjà" || !got[0].ModTime.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("desc %q time %v", got[0].Description, got[0].ModTime)
	}
}

// handPDF writes objs as objects 1… with a classic xref table.
func handPDF(objs []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailerExtra, x)
	return b.Bytes()
}

func TestAttachmentsErrors(t *testing.T) {
	_, pdf := attached(t, nil)
	sum := regexp.MustCompile(`/CheckSum <[0-9A-F]{32}>`).FindIndex(pdf)
	if sum == nil {
		t.Fatal("no /CheckSum in output")
	}
	badSum := bytes.Clone(pdf)
	badSum[sum[0]+len("/CheckSum <")] ^= 1 // '0'↔'1', 'A'↔'@'…: a hex digit changes
	if badSum[sum[0]+len("/CheckSum <")] == '@' {
		badSum[sum[0]+len("/CheckSum <")] = 'B'
	}
	badFlate := bytes.Clone(pdf)
	i := bytes.Index(badFlate, []byte("/Type /EmbeddedFile"))
	j := bytes.Index(badFlate[i:], []byte("stream\n")) + i + len("stream\n")
	copy(badFlate[j:], "XX") // zlib header destroyed

	tests := []struct {
		name string
		pdf  []byte
		want error
	}{
		{"checksum mismatch", badSum, ErrMalformed},
		{"broken flate", badFlate, ErrMalformed},
		{"not a pdf", []byte("hello"), ErrMalformed},
		{"lzw", handPDF([]string{
			"<< /Type /Catalog /Names << /EmbeddedFiles << /Names [(a) << /EF << /F 2 0 R >> >>] >> >> >>",
			"<< /Filter /LZWDecode >>\nstream\nxx\nendstream",
		}, ""), ErrUnsupported},
		{"cyclic kids", handPDF([]string{
			"<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>",
			"<< /Kids [2 0 R] >>",
		}, ""), ErrMalformed},
		{"size mismatch", handPDF([]string{
			"<< /Type /Catalog /Names << /EmbeddedFiles << /Names [(a) << /EF << /F 2 0 R >> >>] >> >> >>",
			"<< /Params << /Size 9 >> >>\nstream\nxx\nendstream",
		}, ""), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Attachments(tt.pdf); !errors.Is(err, tt.want) {
				t.Errorf("Attachments error = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestAttachmentsTotalLimit: many names sharing one small stream that
// decodes to 1 MiB cannot make Attachments decode more than its total
// budget (MaxAttachmentsBytes; 4 MiB here to keep the test fast).
func TestAttachmentsTotalLimit(t *testing.T) {
	pdf, err := Attach(canonical(t, buildLinked(t, nil, 1, "x")), []File{{Name: "zeros", Data: make([]byte, 1<<20)}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := readDoc(pdf)
	if err != nil {
		t.Fatal(err)
	}
	var zeros []byte
	for num := range d.xref {
		if o, _ := d.load(num); o != nil && o.isStream {
			if typ, _ := o.val.get("Type"); string(typ.b) == "EmbeddedFile" {
				zeros = o.stream
			}
		}
	}
	var names strings.Builder
	for i := range 5 {
		fmt.Fprintf(&names, "(f%d) 2 0 R ", i)
	}
	bomb := handPDF([]string{
		"<< /Type /Catalog /Names << /EmbeddedFiles << /Names [" + names.String() + "] >> >> >>",
		"<< /EF << /F 3 0 R >> >>",
		"<< /Filter /FlateDecode >>\nstream\n" + string(zeros) + "\nendstream",
	}, "")
	if files, err := attachments(bomb, 1<<20, 5<<20); err != nil || len(files) != 5 {
		t.Fatalf("within budget: %d files, %v", len(files), err)
	}
	if _, err := attachments(bomb, 1<<20, 4<<20); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the total budget: %v, want ErrTooLarge", err)
	}
	if _, err := attachments(bomb, 1<<20-1, 8<<20); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the per-file limit: %v, want ErrTooLarge", err)
	}
}

func TestDecodeStreamLimit(t *testing.T) {
	files := []File{{Name: "zeros", Data: make([]byte, 1<<20)}}
	pdf, err := Attach(canonical(t, buildLinked(t, nil, 1, "x")), files)
	if err != nil {
		t.Fatal(err)
	}
	d, err := readDoc(pdf)
	if err != nil {
		t.Fatal(err)
	}
	for num := range d.xref {
		o, err := d.load(num)
		if err != nil || !o.isStream {
			continue
		}
		if typ, _ := o.val.get("Type"); string(typ.b) != "EmbeddedFile" {
			continue
		}
		if len(o.stream) > 4096 {
			t.Errorf("1 MiB of zeros compressed to %d bytes", len(o.stream))
		}
		if _, err := d.decodeDirect(o, 1<<20-1); !errors.Is(err, ErrTooLarge) {
			t.Errorf("decode with limit below size: %v, want ErrTooLarge", err)
		}
		if b, err := d.decodeDirect(o, 1<<20); err != nil || len(b) != 1<<20 {
			t.Errorf("decode with limit = size: %d bytes, %v", len(b), err)
		}
		return
	}
	t.Fatal("no embedded file stream found")
}

func TestAttachErrors(t *testing.T) {
	base := canonical(t, buildLinked(t, nil, 1, "x"))
	once, err := Attach(base, []File{{Name: "evipack.json", Data: []byte("{}")}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		pdf   []byte
		files []File
		want  error
	}{
		{"empty name", base, []File{{Name: ""}}, ErrAttachment},
		{"invalid utf-8", base, []File{{Name: "a\xff"}}, ErrAttachment},
		{"duplicate", base, []File{{Name: "a"}, {Name: "a"}}, ErrAttachment},
		{"already attached", once, []File{{Name: "evipack.json"}}, ErrAttachment},
		{"too many", base, make([]File, MaxAttachments+1), ErrAttachment},
		{"not a pdf", []byte("%PDF-1.4\nnothing"), []File{{Name: "a"}}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Attach(tt.pdf, tt.files); !errors.Is(err, tt.want) {
				t.Errorf("Attach error = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestAttachTwice adds files to a PDF that already has some: both sets are
// listed, in key order.
func TestAttachTwice(t *testing.T) {
	base := canonical(t, buildLinked(t, nil, 1, "x"))
	once, err := Attach(base, []File{{Name: "b", Data: []byte("B")}})
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Attach(once, []File{{Name: "a", Data: []byte("A")}, {Name: "c", Data: []byte("C")}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Attachments(twice)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, f := range got {
		s = append(s, f.Name+"="+string(f.Data))
	}
	if want := []string{"a=A", "b=B", "c=C"}; !slices.Equal(s, want) {
		t.Errorf("got %q, want %q", s, want)
	}
	if n := bytes.Count(twice, []byte("/Type /Filespec")); n != 3 {
		t.Errorf("%d file specifications, want 3", n)
	}
	if !regexp.MustCompile(`/AF \[\d+ 0 R \d+ 0 R \d+ 0 R\]`).Match(twice) {
		t.Errorf("catalog /AF does not list three files")
	}
}

func TestInfo(t *testing.T) {
	const subject = "根哈希 sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	doc, err := Attach(canonical(t, buildLinked(t, nil, 1, subject)), testFiles()[:1])
	if err != nil {
		t.Fatal(err)
	}
	m, err := Info(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Title": "evipack report", "Subject": subject, "Keywords": "evipack " + subject}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("Info[%s] = %q, want %q", k, m[k], v)
		}
	}
	if !strings.HasPrefix(m["CreationDate"], "D:20260501") {
		t.Errorf("CreationDate %q", m["CreationDate"])
	}
	none, err := Info(handPDF([]string{"<< /Type /Catalog >>"}, ""))
	if err != nil || len(none) != 0 {
		t.Errorf("Info without /Info = %v, %v", none, err)
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"ascii", []byte("abc"), "abc"},
		{"pdfdoc high", []byte{0x80, 0x84, 0x92, 0xa0, 0xe9, 0x18}, "•—™€é˘"},
		{"pdfdoc undefined", []byte{0x9f, 0xad}, "\ufffd\ufffd"},
		{"utf-16be", []byte{0xfe, 0xff, 0x4e, 0x2d, 0xd8, 0x3d, 0xde, 0x0a}, "中😊"},
		{"utf-16 language escape", []byte{0xfe, 0xff, 0, 0x1b, 0, 'z', 0, 'h', 0, 0x1b, 0x4e, 0x2d}, "中"},
		{"utf-16 odd length", []byte{0xfe, 0xff, 0, 'a', 0}, "a"},
		{"utf-8 bom", []byte("\xef\xbb\xbf中\xff"), "中\ufffd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeText(tt.in); got != tt.want {
				t.Errorf("decodeText(% x) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	for _, s := range []string{"evipack.json", "核验说明.txt", "tab\there", "é"} {
		if got := decodeText(textString(s)); got != s {
			t.Errorf("textString round trip %q → %q", s, got)
		}
	}
}

func TestPDFDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"D:20260502091530+08'00'", modTime, true},
		{"D:20260502011530Z", modTime, true},
		{"D:20260502011530", modTime, true},
		{"20260502011530Z00'00'", modTime, true},
		{"D:20260501203000-04'30", time.Date(2026, 5, 2, 1, 0, 0, 0, time.UTC), true},
		{"D:2026", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"D:202613", time.Time{}, false},
		{"D:20260502251530Z", time.Time{}, false},
		{"D:20265", time.Time{}, false},
		{"D:2026+99", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parsePDFDate(tt.in)
		if ok != tt.ok || ok && !got.Equal(tt.want) {
			t.Errorf("parsePDFDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	for _, tm := range []time.Time{modTime, modTime.UTC(), modTime.In(time.FixedZone("", -(3*3600 + 30*60)))} {
		if got, ok := parsePDFDate(pdfDate(tm)); !ok || !got.Equal(tm) {
			t.Errorf("pdfDate round trip %v → %q → %v", tm, pdfDate(tm), got)
		}
	}
}

func FuzzAttachments(f *testing.F) {
	small := canonical(f, buildLinked(f, nil, 2, "根"))
	withFiles, err := Attach(small, []File{
		{Name: "evipack.json", Data: []byte(`{"a":1}`), MIME: "application/json", ModTime: modTime},
		{Name: "核验说明.txt", Data: []byte("说明"), Description: "说明"},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(withFiles)
	f.Add(small)
	f.Add(pdfcpuRewrite(f, withFiles)) // cross-reference and object streams
	f.Add(handPDF([]string{
		"<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>",
		"<< /Kids [3 0 R] >>",
		"<< /Names [(a) << /EF << /F 4 0 R >> >>] >>",
		"<< /Filter [/FlateDecode] /DecodeParms [<< /Predictor 1 >>] /Length 5 >>\nstream\nx\x9c\x03\x00\x00\nendstream",
	}, "/Info << /Title <FEFF4E2D> >>"))
	f.Fuzz(func(t *testing.T, in []byte) {
		files, err := Attachments(in)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
		} else {
			total := 0
			for _, f := range files {
				if len(f.Data) > MaxAttachmentBytes {
					t.Fatalf("%s: %d bytes", f.Name, len(f.Data))
				}
				total += len(f.Data)
			}
			if len(files) > MaxAttachments || total > MaxAttachmentsBytes {
				t.Fatalf("%d files, %d bytes", len(files), total)
			}
			// Canonicalize keeps what is embedded.
			if canon, err := Canonicalize(in); err == nil {
				again, err := Attachments(canon)
				if err != nil {
					t.Fatalf("Attachments after Canonicalize: %v", err)
				}
				if len(again) != len(files) {
					t.Fatalf("%d files after Canonicalize, %d before", len(again), len(files))
				}
				for i := range files {
					if again[i].Name != files[i].Name || !bytes.Equal(again[i].Data, files[i].Data) {
						t.Fatalf("file %d changed by Canonicalize", i)
					}
				}
			}
		}
		if m, err := Info(in); err == nil {
			for k, v := range m {
				if !utf8Valid(k) || !utf8Valid(v) {
					t.Fatalf("Info entry %q=%q not UTF-8", k, v)
				}
			}
		} else if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("Info error wraps no sentinel: %v", err)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
