package render

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/evipack/evipack/pkg/evidence"
)

// layOut runs the passes Render runs, with the volumes of at most one
// exhibit each; forget, if set, edits what the measuring pass recorded
// before the volumes are laid out. It returns the plan and the drafts.
func layOut(t *testing.T, rep *Report, forget func(*glyphSet)) (*plan, [][]byte) {
	t.Helper()
	ctx := context.Background()
	fonts, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	im := PrepareImages(ctx, rep.Items, rep.Open, t.TempDir(), 2)
	defer im.Close()
	pl := &plan{exhibitPage: map[int]int{}, warnings: map[int][]evidence.Warning{}, imports: map[int]*pdfImport{}, images: im.set}
	pl.volumes = partition(rep.Items, 1)
	if _, err := run(ctx, rep, fonts, pl, true, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := im.wait(); err != nil {
		t.Fatal(err)
	}
	if forget != nil {
		forget(&pl.glyphs)
	}
	if err := layoutVolumes(ctx, rep, fonts, pl); err != nil {
		t.Fatal(err)
	}
	var drafts [][]byte
	for _, v := range pl.volumes {
		drafts = append(drafts, v.Draft)
	}
	return pl, drafts
}

// TestSubsetFonts: volumes are laid out with fonts cut down to the runes
// the measuring pass met, and show the same text as with the whole fonts;
// a volume that meets a rune outside the cut is laid out again with the
// whole fonts instead of showing a missing glyph.
func TestSubsetFonts(t *testing.T) {
	fx := &fixture{}
	// 龘 and 鱻 appear only in these titles: the subset must hold them.
	fx.add(t, "a.png", evidence.TypePNG, pngBytes(t, 20, 10, false), "截图：龘字号客服", "证明卡密无效", &evidence.ImageInfo{Width: 20, Height: 10})
	fx.add(t, "b.png", evidence.TypePNG, pngBytes(t, 30, 10, false), "截图：鱻记商行", "证明已付款", &evidence.ImageInfo{Width: 30, Height: 10})
	rep := fx.report()
	rep.KindLabel = func(k string) string { return k }

	pl, drafts := layOut(t, rep, nil)
	if len(drafts) != 2 {
		t.Fatalf("%d volumes, want 2", len(drafts))
	}
	if n := pl.wholeFonts.Load(); n != 0 {
		t.Errorf("%d volumes fell back to the whole fonts, want 0", n)
	}
	if !pl.glyphs.regular.has('龘') && !pl.glyphs.bold.has('龘') {
		t.Error("the measuring pass did not record 龘")
	}

	// Forgetting the bold runes makes every volume meet runes (its
	// headings) outside the cut. The progress shown counts each exhibit
	// once, not once per attempt.
	var mu sync.Mutex
	var shown []int
	rep.Progress = func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if total != len(rep.Items) {
			t.Errorf("progress total %d, want %d", total, len(rep.Items))
		}
		shown = append(shown, done)
	}
	pl2, whole := layOut(t, rep, func(g *glyphSet) { g.bold = runeBits{} })
	rep.Progress = nil
	if n := pl2.wholeFonts.Load(); n != int64(len(whole)) {
		t.Errorf("%d of %d volumes fell back to the whole fonts", n, len(whole))
	}
	if len(shown) == 0 || slices.Max(shown) > len(rep.Items) || pl2.laidOut.Load() != int64(len(rep.Items)) {
		t.Errorf("progress went %v (ends at %d) for %d exhibits", shown, pl2.laidOut.Load(), len(rep.Items))
	}
	for i := range drafts {
		got, want := pdftext(t, drafts[i]), pdftext(t, whole[i])
		if got != want {
			t.Errorf("volume %d: text with subset fonts differs from the whole fonts:\n%s\nwant\n%s", i+1, got, want)
		}
		if want := []string{"龘字号客服", "鱻记商行"}[i]; !strings.Contains(spaceRE.ReplaceAllString(got, ""), want) {
			t.Errorf("volume %d lacks %q:\n%s", i+1, want, got)
		}
	}
}
