package pdfnorm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"codeberg.org/go-pdf/fpdf/contrib/gofpdi"
	"github.com/pdfcpu/pdfcpu/pkg/api"
)

// pdfcpuRewrite rewrites src with pdfcpu the way pdfcpu writes by default:
// object streams and a cross-reference stream.
func pdfcpuRewrite(tb testing.TB, src []byte) []byte {
	tb.Helper()
	conf := newConfig()
	conf.WriteObjectStream, conf.WriteXRefStream = true, true
	var buf bytes.Buffer
	if err := api.Optimize(bytes.NewReader(src), &buf, conf); err != nil {
		tb.Fatalf("pdfcpu optimize: %v", err)
	}
	return buf.Bytes()
}

func pdfcpuEncrypt(tb testing.TB, src []byte, userPW string, aes bool, keyLen int) []byte {
	tb.Helper()
	conf := newConfig()
	conf.UserPW, conf.OwnerPW = userPW, "owner-secret"
	conf.EncryptUsingAES, conf.EncryptKeyLength = aes, keyLen
	var buf bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(src), &buf, conf); err != nil {
		tb.Fatalf("pdfcpu encrypt: %v", err)
	}
	return buf.Bytes()
}

func pdfcpuRotate(tb testing.TB, src []byte, page string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := api.Rotate(bytes.NewReader(src), &buf, 90, []string{page}, newConfig()); err != nil {
		tb.Fatalf("pdfcpu rotate: %v", err)
	}
	return buf.Bytes()
}

// rawImport imports page 1 with gofpdi directly, without normalisation, and
// reports whether it panicked.
func rawImport(src []byte) (panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	pdf := fpdf.New("P", "mm", "A4", "")
	rs := io.ReadSeeker(bytes.NewReader(src))
	gofpdi.NewImporter().ImportPageFromStream(pdf, &rs, 1, "/MediaBox")
	return false
}

const (
	a4W, a4H = 595.28, 841.89
	a5W, a5H = 419.53, 595.28
)

func TestPrepareImport(t *testing.T) {
	font := loadFont(t)
	exhibit := buildExhibit(t, font)
	rng := rand.New(rand.NewPCG(3, 4))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	type size struct{ w, h float64 }
	tests := []struct {
		name  string
		src   []byte
		want  error  // nil: import must work
		sizes []size // displayed page sizes in points, when want is nil
		rot   []int  // page rotations, when want is nil
	}{
		{"fpdf", exhibit, nil, []size{{a4W, a4H}, {a4W, a5W}}, []int{0, 0}},
		{"pdfcpu object streams", pdfcpuRewrite(t, exhibit), nil, []size{{a4W, a4H}, {a4W, a5W}}, []int{0, 0}},
		{"pdfcpu rotated page", pdfcpuRotate(t, exhibit, "1"), nil, []size{{a4H, a4W}, {a4W, a5W}}, []int{90, 0}},
		{"encrypted AES-256 empty user password", pdfcpuEncrypt(t, exhibit, "", true, 256), nil, []size{{a4W, a4H}, {a4W, a5W}}, []int{0, 0}},
		{"encrypted RC4-128 empty user password", pdfcpuEncrypt(t, exhibit, "", false, 128), nil, []size{{a4W, a4H}, {a4W, a5W}}, []int{0, 0}},
		{"encrypted with user password", pdfcpuEncrypt(t, exhibit, "1234", true, 256), ErrEncrypted, nil, nil},
		{"truncated", exhibit[:len(exhibit)/3], ErrMalformed, nil, nil},
		{"zero bytes", []byte{}, ErrMalformed, nil, nil},
		{"random bytes", random, ErrMalformed, nil, nil},
		{"header only", []byte("%PDF-1.7\n%%EOF\n"), ErrMalformed, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil || tt.want == ErrEncrypted {
				// Not on broken input: gofpdi loops forever in findXref on
				// an empty file, which recover cannot stop.
				t.Logf("gofpdi without normalisation panics: %v", rawImport(tt.src))
			}
			norm, pages, err := PrepareImport(tt.src)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("PrepareImport error = %v, want %v", err, tt.want)
				}
				if norm != nil || pages != 0 {
					t.Errorf("PrepareImport returned data with an error")
				}
				if Reason(err) == "" {
					t.Errorf("Reason(%v) is empty", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("PrepareImport: %v", err)
			}
			if pages != len(tt.sizes) {
				t.Fatalf("pages = %d, want %d", pages, len(tt.sizes))
			}
			if rawImport(norm) {
				t.Errorf("gofpdi still panics on the normalised PDF")
			}
			pdf := fpdf.New("P", "pt", "A4", "")
			pdf.SetCatalogSort(true)
			pdf.SetCreationDate(fixedTime)
			pdf.SetModificationDate(fixedTime)
			im := NewImporter(pdf)
			src, err := im.Open(norm)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			for n := 1; n <= pages; n++ {
				p, err := im.ImportPage(src, n)
				if err != nil {
					t.Fatalf("ImportPage(%d): %v", n, err)
				}
				w, h := p.Size()
				if want := tt.sizes[n-1]; math.Abs(w-want.w) > 0.5 || math.Abs(h-want.h) > 0.5 || p.Rotate != tt.rot[n-1] {
					t.Errorf("page %d: size %.2f×%.2f rot %d, want %.2f×%.2f rot %d", n, w, h, p.Rotate, want.w, want.h, tt.rot[n-1])
				}
				pdf.AddPageFormat("P", fpdf.SizeType{Wd: w, Ht: h})
				if err := im.Draw(p, 0, 0, w, h); err != nil {
					t.Fatalf("Draw: %v", err)
				}
			}
			var out bytes.Buffer
			if err := pdf.Output(&out); err != nil {
				t.Fatalf("fpdf output: %v", err)
			}
			canon, err := Canonicalize(out.Bytes())
			if err != nil {
				t.Fatalf("Canonicalize: %v", err)
			}
			// gofpdi sizes every page by page 1's box unless ImportPage
			// works around it: each form's BBox must match its own page.
			var wantBoxes []string
			for n := range pages {
				g, _ := src.Geometry(n + 1)
				wantBoxes = append(wantBoxes, fmt.Sprintf("%.2f %.2f", g.Box[2]-g.Box[0], g.Box[3]-g.Box[1]))
			}
			if got := formBoxes(t, canon); strings.Join(got, ";") != strings.Join(wantBoxes, ";") {
				t.Errorf("form BBox sizes = %v, want %v", got, wantBoxes)
			}
			validate(t, canon)
			text := pdfText(t, canon)
			for _, want := range []string{"电子发票 第一页 EXHIBITONE", "电子发票 第二页 EXHIBITTWO"} {
				if !strings.Contains(text, want) {
					t.Errorf("imported text lacks %q:\n%s", want, text)
				}
			}
			if strings.Index(text, "EXHIBITONE") > strings.Index(text, "EXHIBITTWO") {
				t.Errorf("pages imported out of order:\n%s", text)
			}
		})
	}
}

func TestPrepareImportTooManyPages(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A6", "")
	pdf.SetFont("Helvetica", "", 8)
	for i := range MaxImportPages + 1 {
		pdf.AddPage()
		pdf.Cell(0, 5, fmt.Sprint(i))
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	_, _, err := PrepareImport(buf.Bytes())
	if !errors.Is(err, ErrTooManyPages) {
		t.Fatalf("error = %v, want ErrTooManyPages", err)
	}
}

func TestReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New("other"), ""},
		{fmt.Errorf("prepare import: %w", ErrEncrypted), "PDF 已加密，需要密码才能打开，无法导入页面；原件已保存在证据包中"},
		{fmt.Errorf("x: %w", ErrMalformed), "PDF 文件已损坏或格式无法识别，无法导入页面；原件已保存在证据包中"},
		{fmt.Errorf("x: %w", ErrTooManyPages), "PDF 页数过多，未导入页面；原件已保存在证据包中"},
	}
	for _, tt := range tests {
		if got := Reason(tt.err); got != tt.want {
			t.Errorf("Reason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestImportPageOutOfRange(t *testing.T) {
	norm, _, err := PrepareImport(buildExhibit(t, loadFont(t)))
	if err != nil {
		t.Fatal(err)
	}
	im := NewImporter(fpdf.New("P", "mm", "A4", ""))
	src, err := im.Open(norm)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 3, -1} {
		if _, err := im.ImportPage(src, n); !errors.Is(err, ErrImport) {
			t.Errorf("ImportPage(%d) error = %v, want ErrImport", n, err)
		}
	}
}

func FuzzPrepareImport(f *testing.F) {
	font := loadFont(f)
	exhibit := buildExhibit(f, font)
	f.Add(exhibit)
	f.Add(pdfcpuRewrite(f, exhibit))
	f.Add(pdfcpuEncrypt(f, exhibit, "", false, 128))
	f.Add(exhibit[:len(exhibit)/2])
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	f.Fuzz(func(t *testing.T, in []byte) {
		start := time.Now()
		norm, pages, err := PrepareImport(in)
		if d := time.Since(start); d > 20*time.Second {
			t.Fatalf("PrepareImport took %v", d)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrEncrypted) && !errors.Is(err, ErrTooManyPages) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if pages < 1 || pages > MaxImportPages || !bytes.HasPrefix(norm, []byte("%PDF-")) {
			t.Fatalf("pages = %d, normalised prefix %q", pages, norm[:min(8, len(norm))])
		}
		pdf := fpdf.New("P", "pt", "A4", "")
		im := NewImporter(pdf)
		src, err := im.Open(norm)
		if err != nil {
			t.Fatalf("Open of PrepareImport output: %v", err)
		}
		if src.Pages() != pages {
			t.Fatalf("Open: %d pages, PrepareImport: %d", src.Pages(), pages)
		}
		for n := 1; n <= min(pages, 3); n++ {
			if _, err := im.ImportPage(src, n); err != nil && !errors.Is(err, ErrImport) {
				t.Fatalf("ImportPage error %v does not wrap ErrImport", err)
			}
		}
	})
}

// formBoxes returns "width height" of the /BBox of every form XObject in
// canonical object order (the order pages reference them).
func formBoxes(t *testing.T, pdf []byte) []string {
	t.Helper()
	d, err := readDoc(pdf)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for num := 1; ; num++ {
		o, err := d.load(num)
		if err != nil {
			t.Fatal(err)
		}
		if o == nil {
			return out
		}
		if st, ok := o.val.get("Subtype"); !ok || string(st.b) != "Form" {
			continue
		}
		bb, _ := o.val.get("BBox")
		if len(bb.arr) != 4 {
			t.Fatalf("object %d: BBox %v", num, bb)
		}
		var f [4]float64
		for i, v := range bb.arr {
			f[i], _ = strconv.ParseFloat(string(v.b), 64)
		}
		out = append(out, fmt.Sprintf("%.2f %.2f", f[2]-f[0], f[3]-f[1]))
	}
}
