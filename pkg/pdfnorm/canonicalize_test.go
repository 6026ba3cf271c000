package pdfnorm

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

func TestCanonicalizeReportDeterministic(t *testing.T) {
	font := loadFont(t)
	imgs := makeImages(t, 12, 120, 80, false)
	const runs = 20
	raw := map[string]int{}
	var first, firstRaw []byte
	for i := range runs {
		doc := buildReport(t, font, imgs)
		raw[digest(doc)]++
		canon, err := Canonicalize(doc)
		if err != nil {
			t.Fatalf("run %d: Canonicalize: %v", i, err)
		}
		if first == nil {
			first, firstRaw = canon, doc
			continue
		}
		if !bytes.Equal(canon, first) {
			t.Fatalf("run %d: canonical output differs from run 0 (%s vs %s)", i, digest(canon), digest(first))
		}
	}
	t.Logf("raw fpdf outputs: %d distinct in %d runs; canonical: 1", len(raw), runs)

	validate(t, first)
	if got, want := pdfText(t, first), pdfText(t, firstRaw); got != want {
		t.Errorf("pdftotext differs after Canonicalize:\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(pdfText(t, first), "证据 12 支付凭证") {
		t.Errorf("canonical text lacks the last exhibit caption")
	}
}

func TestCanonicalizeIdempotent(t *testing.T) {
	doc := buildReport(t, loadFont(t), makeImages(t, 4, 64, 32, false))
	once, err := Canonicalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Canonicalize(once)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(once, twice) {
		t.Errorf("Canonicalize is not idempotent")
	}
	if !bytes.HasPrefix(once, doc[:bytes.IndexByte(doc, '\n')+1]) {
		t.Errorf("header line not kept")
	}
}

// TestCanonicalizeSyntax checks that PDF syntax an imported object may carry
// survives with its meaning, that keys are sorted, unreachable objects are
// dropped, objects renumbered breadth-first, indirect /Length resolved and
// an unfiltered content stream compressed (metadata left readable).
func TestCanonicalizeSyntax(t *testing.T) {
	objs := []string{
		"<< /Type /Catalog /Pages 3 0 R /Extra 5 0 R >>",
		"<< /Producer (a \\(b\\) c\\\\ \\101\\n) /Title <FEFF 4E2D> >>",
		"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 10 10] /Contents 6 0 R /Resources << >> >>",
		"<< /Z#20name /A%comment\n /B [ (x) <00ff> << /K null >> 1.5 -2 +3 .5 ] /Missing 99 0 R >>",
		"<< /Length 7 0 R >>\nstream\nq Q\nendstream",
		"5",
		"<< /Unreachable true >>",
	}
	// The catalog's /Metadata: an XMP stream stays as it is.
	objs[0] = "<< /Type /Catalog /Pages 3 0 R /Extra 5 0 R /Metadata 9 0 R >>"
	const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>`
	objs = append(objs, "<< /Type /Metadata /Subtype /XML /Length "+itoa(len(xmp))+" >>\nstream\n"+xmp+"\nendstream")
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs)+1)
	for i, o := range objs {
		offs[i+1] = b.Len()
		b.WriteString(itoa(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	x := b.Len()
	b.WriteString("xref\n0 " + itoa(len(objs)+1) + "\n0000000000 65535 f \n")
	for _, o := range offs[1:] {
		b.WriteString(pad10(o) + " 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size " + itoa(len(objs)+1) + " /Info 2 0 R /Root 1 0 R >>\nstartxref\n" + itoa(x) + "\n%%EOF\n")

	got, err := Canonicalize(b.Bytes())
	if err != nil {
		t.Fatalf("Canonicalize: %v", err)
	}
	for _, want := range []string{
		"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
		"1 0 obj\n<</Extra 3 0 R /Metadata 4 0 R /Pages 5 0 R /Type /Catalog>>\nendobj\n",
		"2 0 obj\n<</Producer (a \\(b\\) c\\\\ A\n) /Title <FEFF4E2D>>>\nendobj\n",
		"3 0 obj\n<</B [(x) <00FF> <</K null>> 1.5 -2 +3 .5] /Missing null /Z#20name /A>>\nendobj\n",
		"4 0 obj\n<</Length 48 /Subtype /XML /Type /Metadata>>\nstream\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"></x:xmpmeta>\nendstream\nendobj\n",
		"5 0 obj\n<</Count 1 /Kids [6 0 R] /Type /Pages>>\nendobj\n",
		"7 0 obj\n<</Filter /FlateDecode /Length ",
		"trailer\n<</Info 2 0 R /Root 1 0 R /Size 8>>\n",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("output lacks %q\n--- output ---\n%s", want, got)
		}
	}
	// The content stream, compressed, still says "q Q".
	i := bytes.Index(got, []byte("7 0 obj\n"))
	j := bytes.Index(got[max(i, 0):], []byte("stream\n"))
	k := bytes.Index(got[max(i, 0):], []byte("\nendstream"))
	if i < 0 || j < 0 || k < j {
		t.Fatalf("no content stream in\n%s", got)
	}
	zr, err := zlib.NewReader(bytes.NewReader(got[i+j+len("stream\n") : i+k]))
	if err != nil {
		t.Fatalf("content stream: %v", err)
	}
	if plain, err := io.ReadAll(zr); err != nil || string(plain) != "q Q" {
		t.Errorf("content stream inflates to %q, %v; want \"q Q\"", plain, err)
	}
	if strings.Contains(string(got), "Unreachable") {
		t.Errorf("unreachable object kept")
	}
	validate(t, got)
}

func itoa(n int) string  { return strconv.Itoa(n) }
func pad10(n int) string { return fmt.Sprintf("%010d", n) }

func TestCanonicalizeErrors(t *testing.T) {
	valid := buildExhibit(t, loadFont(t))
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"not a pdf", []byte("hello"), ErrMalformed},
		{"truncated", valid[:len(valid)/2], ErrMalformed},
		{"no trailer", bytes.Replace(valid, []byte("trailer"), []byte("trailor"), 1), ErrMalformed},
		{"deep nesting", []byte("%PDF-1.4\n1 0 obj\n" + strings.Repeat("[", 1000) + "\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<</Root 1 0 R>>\nstartxref\n1017\n%%EOF\n"), ErrMalformed},
		{"xref stream", pdfcpuRewrite(t, valid), ErrUnsupported},
		{"encrypted", bytes.Replace(valid, []byte("/Root"), []byte("/Encrypt 1 0 R /Root"), 1), ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Canonicalize(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Canonicalize error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCanonicalizeImportedDeterministic(t *testing.T) {
	font := loadFont(t)
	norm, _, err := PrepareImport(buildExhibit(t, font))
	if err != nil {
		t.Fatal(err)
	}
	const runs = 10
	raw := map[string]int{}
	var first, firstRaw []byte
	for i := range runs {
		doc := buildWithImport(t, font, norm)
		raw[digest(doc)]++
		canon, err := Canonicalize(doc)
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if first == nil {
			first, firstRaw = canon, doc
		} else if !bytes.Equal(first, canon) {
			t.Fatalf("run %d: canonical output differs", i)
		}
	}
	t.Logf("raw outputs with an imported PDF: %d distinct in %d runs; canonical: 1", len(raw), runs)
	validate(t, first)
	text := pdfText(t, first)
	if text != pdfText(t, firstRaw) {
		t.Errorf("pdftotext differs after Canonicalize")
	}
	for _, want := range []string{"EXHIBITONE", "EXHIBITTWO", "附件"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// buildWithImport renders a report that places both pages of an exhibit
// below a header line.
func buildWithImport(tb testing.TB, font, norm []byte) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(fixedTime)
	pdf.SetModificationDate(fixedTime)
	pdf.AddUTF8FontFromBytes("noto", "", font)
	pdf.SetFont("noto", "", 12)
	im := NewImporter(pdf)
	src, err := im.Open(norm)
	if err != nil {
		tb.Fatal(err)
	}
	for n := 1; n <= src.Pages(); n++ {
		p, err := im.ImportPage(src, n)
		if err != nil {
			tb.Fatal(err)
		}
		pdf.AddPage()
		pdf.Bookmark("附件 第"+itoa(n)+"页", 0, -1)
		pdf.Cell(0, 10, "附件 第"+itoa(n)+"页")
		w, h := p.Size()
		scale := min(170/(w*25.4/72), 240/(h*25.4/72))
		if err := im.Draw(p, 20, 30, w*25.4/72*scale, h*25.4/72*scale); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func FuzzCanonicalize(f *testing.F) {
	font := loadFont(f)
	f.Add(buildExhibit(f, font))
	f.Add(buildReport(f, font, makeImages(f, 2, 16, 8, false)))
	f.Add([]byte("%PDF-1.4\n1 0 obj\n<</Type/Catalog/A (x\\) (y)) /B <41 4>>>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<</Root 1 0 R/Size 2>>\nstartxref\n69\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Canonicalize(in)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %v wraps neither ErrMalformed nor ErrUnsupported", err)
			}
			return
		}
		again, err := Canonicalize(out)
		if err != nil {
			t.Fatalf("canonical output does not parse: %v\n%q", err, out)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("not idempotent:\n%q\n%q", out, again)
		}
	})
}

func BenchmarkCanonicalize(b *testing.B) {
	font := loadFont(b)
	// 26 noisy 1000×1000 images: about 50 MB of incompressible image data.
	imgs := makeImages(b, 26, 1000, 1000, true)
	doc := buildReport(b, font, imgs)
	b.Logf("input: %.1f MB", float64(len(doc))/(1<<20))
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		out, err := Canonicalize(doc)
		if err != nil {
			b.Fatal(err)
		}
		io.Discard.Write(out)
	}
}
