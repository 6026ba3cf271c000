package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/templates"
)

// needTool returns the path of an external program, skipping the test when
// it is missing locally and failing it under CI=true.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI=true: %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

func pngBytes(t *testing.T, w, h int, alpha bool) []byte {
	t.Helper()
	var img image.Image
	if alpha {
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				m.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 200, uint8(128 + y%100)})
			}
		}
		img = m
	} else {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				// Horizontal bands every 100 px make the slices of a long
				// screenshot distinguishable.
				m.Set(x, y, color.RGBA{uint8((y / 100) * 37), uint8(x), 90, 255})
			}
		}
		img = m
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, color.RGBA{uint8(x), uint8(y), 40, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pdfBytes(t *testing.T, pages int) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("n", "", templates.FontRegularTTF)
	f.SetCreationDate(time.Unix(0, 0))
	f.SetModificationDate(time.Unix(0, 0))
	for i := 1; i <= pages; i++ {
		f.AddPage()
		f.SetFont("n", "", 14)
		f.Cell(0, 10, fmt.Sprintf("订单详情第%d页", i))
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type fixture struct {
	items []*evidence.Item
	data  map[int][]byte
}

func (fx *fixture) add(t *testing.T, name string, typ evidence.Type, data []byte, title, proves string, img *evidence.ImageInfo) *evidence.Item {
	sum := sha256.Sum256(data)
	it := &evidence.Item{
		Index: len(fx.items) + 1, Path: name, BagPath: fmt.Sprintf("data/evidence/%02d/%s", len(fx.items)+1, name),
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Type: typ, MediaType: "application/x-test",
		Kind: "screenshot", Title: title, Proves: proves, Image: img,
		Times: []evidence.TimeRecord{{Time: time.Date(2026, 9, 3, 20, 15, 37, 0, evidence.CST), Source: evidence.SourceFileName, Detail: "测试文件名"}},
	}
	if typ == evidence.TypeText {
		it.Encoding = "utf-8"
	}
	fx.items = append(fx.items, it)
	if fx.data == nil {
		fx.data = map[int][]byte{}
	}
	fx.data[it.Index] = data
	return it
}

func (fx *fixture) report() *Report {
	return &Report{
		Case: CaseInfo{
			Title:       "张小明 诉 星辰卡盟",
			Complainant: []Field{{"姓名", "张小明"}},
			Respondent:  []Field{{"名称", "星辰卡盟"}, {"QQ 账号", "2876543210（星辰客服-小星）"}},
			Order:       []Field{{"商品/服务", "腾讯视频VIP年卡"}, {"金额", "128.00 元"}},
			Problem:     "付款后卡密未发放，商家拖延并拉黑。😊",
			Demands:     []string{"退还货款128元"},
		},
		Items:    fx.items,
		RootHash: strings.Repeat("ab", 32),
		Packaged: time.Date(2026, 9, 7, 12, 0, 0, 0, time.UTC),
		Version:  "test",
		Open: func(it *evidence.Item) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(fx.data[it.Index])), nil
		},
	}
}

func render(t *testing.T, rep *Report) ([]byte, *Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := PDF(context.Background(), &buf, rep)
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	return buf.Bytes(), res
}

func pdftext(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := needTool(t, "pdftotext")
	f := t.TempDir() + "/r.pdf"
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

var spaceRE = regexp.MustCompile(`\s+`)

func squash(s string) string { return spaceRE.ReplaceAllString(s, "") }

func TestPDFExhibits(t *testing.T) {
	fx := &fixture{}
	fx.add(t, "shot.png", evidence.TypePNG, pngBytes(t, 360, 640, false), "普通截图", "证明付款成功", &evidence.ImageInfo{Width: 360, Height: 640})
	long := fx.add(t, "long.png", evidence.TypePNG, pngBytes(t, 300, 4000, false), "长截图", "证明商家承诺与拖延", &evidence.ImageInfo{Width: 300, Height: 4000})
	fx.add(t, "alpha.png", evidence.TypePNG, pngBytes(t, 200, 120, true), "透明背景图", "证明商品页面", &evidence.ImageInfo{Width: 200, Height: 120})
	fx.add(t, "photo.jpg", evidence.TypeJPEG, jpegBytes(t, 400, 300), "旋转照片", "证明卡密无效", &evidence.ImageInfo{Width: 400, Height: 300, Orientation: 6})
	fx.add(t, "chat.txt", evidence.TypeText, []byte("2026-09-03 20:14:05 张小明(123)\n你好 😊👨‍👩‍👧 🇨🇳\n\n卖家：系统维护，明天一定补发。\n"), "聊天记录", "证明卖家承诺", nil)
	doc := fx.add(t, "order.pdf", evidence.TypePDF, pdfBytes(t, 2), "订单详情", "证明订单未发货", nil)
	fx.add(t, "rec.mp4", evidence.TypeMP4, []byte("\x00\x00\x00\x18ftypisom"), "录屏", "证明兑换失败过程", nil)

	rep := fx.report()
	pdf, res := render(t, rep)

	// Every exhibit has a start page, in order, inside the document.
	prev := 0
	for _, it := range fx.items {
		p := res.ExhibitPages[it.Index]
		if p <= prev || p > res.Pages {
			t.Fatalf("exhibit %d starts on page %d (previous %d, total %d)", it.Index, p, prev, res.Pages)
		}
		prev = p
	}
	// The long screenshot spans several pages; the PDF exhibit one page
	// per source page after its caption page.
	if got := res.ExhibitPages[long.Index+1] - res.ExhibitPages[long.Index]; got < 3 {
		t.Errorf("long screenshot took %d page(s), want ≥ 3", got)
	}
	if got := res.ExhibitPages[doc.Index+1] - res.ExhibitPages[doc.Index]; got != 3 {
		t.Errorf("2-page PDF exhibit took %d pages, want 3 (caption + 2)", got)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("unexpected render warnings: %v", res.Warnings)
	}

	text := pdftext(t, pdf)
	flat := squash(text)
	for _, it := range fx.items {
		for _, want := range []string{it.ID() + it.Title, it.Proves, it.SHA256} {
			if !strings.Contains(flat, squash(want)) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
	}
	for _, want := range []string{"证据目录", "完整性说明", "第1页/共" + strconv.Itoa(res.Pages) + "页", "订单详情第2页", "[表情]", "[旗帜]", "系统维护，明天一定补发。", "长截图第1/"} {
		if !strings.Contains(flat, squash(want)) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if n := strings.Count(text, "\f"); n != res.Pages {
		t.Errorf("pdftotext saw %d pages, Result says %d", n, res.Pages)
	}
}

func TestPDFDeterministic(t *testing.T) {
	fx := &fixture{}
	// Equal widths: fpdf alone writes these in map order.
	for i := range 6 {
		fx.add(t, fmt.Sprintf("s%d.png", i), evidence.TypePNG, pngBytes(t, 120, 200+i, false), fmt.Sprintf("截图%d", i), "证明", &evidence.ImageInfo{Width: 120, Height: 200 + i})
	}
	fx.add(t, "order.pdf", evidence.TypePDF, pdfBytes(t, 2), "订单", "证明", nil)
	first, _ := render(t, fx.report())
	for range 4 {
		again, _ := render(t, fx.report())
		if !bytes.Equal(first, again) {
			t.Fatal("two renderings of the same report differ")
		}
	}
}

func TestPDFBadImagesFallBack(t *testing.T) {
	fx := &fixture{}
	// CheckImage would have caught these at ingest; the renderer must still
	// survive being handed them (a file changed between ingest and render,
	// or a format fpdf rejects).
	bad := fx.add(t, "bad.png", evidence.TypePNG, []byte("\x89PNG\r\n\x1a\nnot really"), "坏图片", "证明", &evidence.ImageInfo{Width: 100, Height: 100})
	good := fx.add(t, "good.png", evidence.TypePNG, pngBytes(t, 100, 100, false), "好图片", "证明", &evidence.ImageInfo{Width: 100, Height: 100})
	webp := fx.add(t, "fake.webp", evidence.TypeWebP, []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), "假WebP", "证明", &evidence.ImageInfo{Width: 10, Height: 10})
	enc := fx.add(t, "broken.pdf", evidence.TypePDF, []byte("%PDF-1.4\n1 0 obj\n<<"), "坏PDF", "证明", nil)
	pdf, res := render(t, fx.report())
	for _, it := range []*evidence.Item{bad, webp, enc} {
		if len(res.Warnings[it.Index]) == 0 {
			t.Errorf("%s: no warning", it.Path)
		}
	}
	if len(res.Warnings[good.Index]) != 0 {
		t.Errorf("good image warned: %v", res.Warnings[good.Index])
	}
	flat := squash(pdftext(t, pdf))
	if !strings.Contains(flat, "文件信息卡") || !strings.Contains(flat, squash(good.Title)) {
		t.Error("fallback card or later exhibit missing from the text")
	}
}

func TestSliceCountMatchesLayout(t *testing.T) {
	for _, h := range []int{1000, 2400, 5000, 12000} {
		fx := &fixture{}
		fx.add(t, "long.png", evidence.TypePNG, pngBytes(t, 200, h, false), "长图", "证明", &evidence.ImageInfo{Width: 200, Height: h})
		fx.add(t, "next.txt", evidence.TypeText, []byte("x"), "下一份", "证明", nil)
		pdf, res := render(t, fx.report())
		pages := res.ExhibitPages[2] - res.ExhibitPages[1]
		if h/200 > 2 { // a long screenshot: the label says how many slices
			want := fmt.Sprintf("第%d/%d段", pages, pages)
			if flat := squash(pdftext(t, pdf)); !strings.Contains(flat, want) {
				t.Errorf("height %d: %d pages but no label %q", h, pages, want)
			}
		}
	}
}

// BenchmarkPDF renders a report of 20 phone screenshots (RGB PNG passed
// through), 5 JPEG photos and a text exhibit.
func BenchmarkPDF(b *testing.B) {
	t := &testing.T{}
	fx := &fixture{}
	shot := pngBytes(t, 540, 1200, false)
	photo := jpegBytes(t, 800, 600)
	for i := range 20 {
		fx.add(t, fmt.Sprintf("s%02d.png", i), evidence.TypePNG, shot, "截图", "证明", &evidence.ImageInfo{Width: 540, Height: 1200})
	}
	for i := range 5 {
		fx.add(t, fmt.Sprintf("p%02d.jpg", i), evidence.TypeJPEG, photo, "照片", "证明", &evidence.ImageInfo{Width: 800, Height: 600})
	}
	fx.add(t, "chat.txt", evidence.TypeText, bytes.Repeat([]byte("2026-09-03 20:14:05 张小明\n卖家：系统维护，明天一定补发。\n"), 500), "聊天", "证明", nil)
	rep := fx.report()
	b.ResetTimer()
	for b.Loop() {
		var buf bytes.Buffer
		if _, err := PDF(context.Background(), &buf, rep); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}

// TestRenderVolumes: a report split into volumes numbers its pages across
// the volumes, lists in the index which volume holds each exhibit, and puts
// the front matter in the first volume and the integrity page in the last.
func TestRenderVolumes(t *testing.T) {
	fx := &fixture{}
	for i := range 6 {
		fx.add(t, fmt.Sprintf("p%d.jpg", i), evidence.TypeJPEG, jpegBytes(t, 300+i, 200), fmt.Sprintf("照片%d", i), "证明", &evidence.ImageInfo{Width: 300 + i, Height: 200})
	}
	size := fx.items[0].Size
	rep := fx.report()
	rep.MaxVolumeBytes = 2*size + size/2 // two photos per volume
	res, vols := renderVolumes(t, rep)
	if len(res.Volumes) != 3 || len(vols) != 3 {
		t.Fatalf("%d volumes (%d written), want 3", len(res.Volumes), len(vols))
	}
	pages := 0
	for _, v := range res.Volumes {
		if v.FirstPage != pages+1 {
			t.Errorf("volume %d starts on page %d, want %d", v.Number, v.FirstPage, pages+1)
		}
		pages += v.Pages
		text := squash(pdftext(t, vols[v.Number].Bytes()))
		if got := strings.Count(pdftext(t, vols[v.Number].Bytes()), "\f"); got != v.Pages {
			t.Errorf("volume %d has %d pages, Result says %d", v.Number, got, v.Pages)
		}
		if !strings.Contains(text, fmt.Sprintf("第%d页/共%d页", v.FirstPage, res.Pages)) {
			t.Errorf("volume %d: first page is not numbered %d of %d", v.Number, v.FirstPage, res.Pages)
		}
		if !strings.Contains(text, fmt.Sprintf("第%d册/共3册", v.Number)) {
			t.Errorf("volume %d does not say which volume it is", v.Number)
		}
		for _, idx := range v.Items {
			if !strings.Contains(text, fmt.Sprintf("证据%d照片%d", idx, idx-1)) {
				t.Errorf("volume %d lacks exhibit %d", v.Number, idx)
			}
		}
		hasIndex, hasIntegrity := strings.Contains(text, "证据目录序号"), strings.Contains(text, "本材料能证明什么")
		if hasIndex != (v.Number == 1) || hasIntegrity != (v.Number == 3) {
			t.Errorf("volume %d: index %v, integrity %v", v.Number, hasIndex, hasIntegrity)
		}
	}
	if pages != res.Pages {
		t.Errorf("volumes hold %d pages, Result says %d", pages, res.Pages)
	}
	if first := squash(pdftext(t, vols[1].Bytes())); !strings.Contains(first, "第3册") {
		t.Error("the index does not say which volume holds later exhibits")
	}
}

// TestRenderVolumesRedactCounts: the integrity page (last volume) reports
// what was masked in the whole report, not only in its own volume.
func TestRenderVolumesRedactCounts(t *testing.T) {
	fx := &fixture{}
	for i := range 6 {
		fx.add(t, fmt.Sprintf("p%d.jpg", i), evidence.TypeJPEG, jpegBytes(t, 300+i, 200), fmt.Sprintf("照片%d", i), "证明", &evidence.ImageInfo{Width: 300 + i, Height: 200})
	}
	fx.items[5].Title = "联系人13912345678的回复" // in the last volume
	rep := fx.report()
	rep.Case.Problem = "卖家电话13800001111" // on the cover, first volume
	rep.Redact = true
	size := fx.items[0].Size
	rep.MaxVolumeBytes = 2*size + size/2
	res, vols := renderVolumes(t, rep)
	if res.Redacted.Phones != 2 {
		t.Errorf("Result counts %d phone numbers, want 2", res.Redacted.Phones)
	}
	last := squash(pdftext(t, vols[len(res.Volumes)].Bytes()))
	if !strings.Contains(last, "手机号2处") {
		t.Error("the integrity page does not count the phone numbers of the whole report")
	}
	for v, buf := range vols {
		text := squash(pdftext(t, buf.Bytes()))
		if strings.Contains(text, "13912345678") || strings.Contains(text, "13800001111") {
			t.Errorf("volume %d shows an unmasked number", v)
		}
	}
}

// renderVolumes renders rep and expands every volume.
func renderVolumes(t *testing.T, rep *Report) (*Result, map[int]*bytes.Buffer) {
	t.Helper()
	res, err := Render(context.Background(), rep)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	vols := map[int]*bytes.Buffer{}
	for _, v := range res.Volumes {
		vols[v.Number] = &bytes.Buffer{}
		if err := res.Expand(vols[v.Number], v.Draft); err != nil {
			t.Fatal(err)
		}
	}
	return res, vols
}
