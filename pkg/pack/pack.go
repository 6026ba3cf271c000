// Package pack runs the whole pipeline for one case folder: discover and
// ingest the evidence, read case.yaml, render the PDF and write the BagIt
// bundle atomically. It prints nothing; the CLI reports the Outcome.
package pack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/evipack/evipack/pkg/bundle"
	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/payment"
	"github.com/evipack/evipack/pkg/pdfnorm"
	"github.com/evipack/evipack/pkg/render"
)

// Names inside the bag.
const (
	ReportPath   = "data/report/证据材料.pdf"
	CaseCopyPath = "data/case/case.yaml"
	ManifestName = "evipack.json"
	GuideName    = "核验说明.txt"
	EvidenceDir  = "data/evidence"
)

// Options configure Build.
type Options struct {
	OutDir    string    // bundles go to OutDir/<case folder name>
	Packaging time.Time // packaging time (SOURCE_DATE_EPOCH or the clock)
	// PackagingSource says where Packaging came from: "SOURCE_DATE_EPOCH" or "clock".
	PackagingSource string
	Version         string
	// Jobs bounds the files ingested, images converted and volumes laid
	// out or written at once (0 = number of CPUs).
	Jobs int
	// Redact masks phone, 身份证 and bank card numbers in the PDF's text.
	Redact bool
	// Target overrides case.yaml's target: 12315, payment, arbitration or
	// merchant.
	Target string
	// Strict refuses to build a case whose checklist is incomplete.
	Strict bool
	// MaxPDFSize splits the PDF into volumes of about this many bytes of
	// embedded files (0 = DefaultMaxPDFSize, negative = never split).
	MaxPDFSize int64
	// Progress, if set, hears how far the build is: stage "hash" per file,
	// "render" per exhibit.
	Progress func(stage string, done, total int)
	// Flushing, if set, is called once the bundle's files are all written
	// and only waiting for the disk remains (fsync, then the rename into
	// place): a batch starts its next case then.
	Flushing func()
}

// jobs is Jobs with 0 meaning the number of CPUs.
func (o Options) jobs() int {
	if o.Jobs > 0 {
		return o.Jobs
	}
	return runtime.GOMAXPROCS(0)
}

func (o Options) progress(stage string) func(done, total int) {
	if o.Progress == nil {
		return nil
	}
	return func(done, total int) { o.Progress(stage, done, total) }
}

// DefaultMaxPDFSize keeps each volume within common upload limits (the
// complaint channels publish none; LEGAL.md advises a few MB per file).
// Memory does not depend on it: image bytes are streamed into the PDF.
const DefaultMaxPDFSize = 16 << 20

// ReportVolumePath is the bag path of volume n of nvol.
func ReportVolumePath(n, nvol int) string {
	if nvol <= 1 {
		return ReportPath
	}
	return fmt.Sprintf("data/report/证据材料-%d.pdf", n)
}

// IncompleteError is returned by Build with Strict when the checklist is
// not complete; nothing is written.
type IncompleteError struct {
	Result *checklist.Result
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("the evidence chain is incomplete (%d required item(s) missing, %d problem(s)); run 'evipack check' for what to add",
		len(e.Result.Missing()), len(e.Result.Errors()))
}

// Outcome is the result of building one case.
type Outcome struct {
	Case     string              `json:"case"`
	Bundle   string              `json:"bundle"`
	Zip      string              `json:"zip,omitempty"`
	RootHash string              `json:"root_hash"`
	Items    int                 `json:"items"`
	Pages    int                 `json:"pages"`
	Warnings []evidence.Warning  `json:"warnings"`
	Skipped  []evidence.Skipped  `json:"skipped"`
	Manifest *Manifest           `json:"-"`
	CaseFile *casefile.Case      `json:"-"`
	Problems casefile.Errors     `json:"-"`
	Result   *render.Result      `json:"-"`
	Extra    map[string]struct{} `json:"-"`
}

// Load reads and checks a case folder without writing anything: the evidence
// items with their kinds, titles and purposes, and the case description.
func Load(ctx context.Context, caseDir string, opts Options) (*casefile.Case, *evidence.Result, error) {
	abs, err := filepath.Abs(caseDir)
	if err != nil {
		return nil, nil, err
	}
	c, err := loadCase(abs)
	if err != nil {
		return nil, nil, err
	}
	res, err := collect(ctx, abs, c, opts, nil)
	if err != nil {
		return nil, nil, err
	}
	return c, res, nil
}

// loadCase reads case.yaml of the case folder abs, if there is one.
func loadCase(abs string) (*casefile.Case, error) {
	yamlPath := filepath.Join(abs, evidence.CaseFileName)
	if st, err := os.Lstat(yamlPath); err == nil && st.Mode().IsRegular() {
		return casefile.LoadFile(yamlPath)
	}
	return casefile.New(), nil
}

// collect ingests the evidence of the case folder abs and numbers, names
// and describes the items (see Load). copyFn is evidence.Options.Copy.
func collect(ctx context.Context, abs string, c *casefile.Case, opts Options, copyFn func(p string) (io.WriteCloser, error)) (*evidence.Result, error) {
	var exclude []string
	if opts.OutDir != "" {
		if out, err := filepath.Abs(opts.OutDir); err == nil {
			exclude = append(exclude, out)
		}
	}
	res, err := evidence.Collect(ctx, abs, evidence.Options{
		Exclude:         exclude,
		Packaging:       opts.Packaging,
		PackagingDetail: packagingDetail(opts.PackagingSource),
		Jobs:            opts.Jobs,
		Progress:        opts.progress("hash"),
		Copy:            copyFn,
	})
	if err != nil {
		return nil, err
	}
	// Files that could not be read at all cannot be carried; they are
	// reported as skipped, never silently dropped.
	kept := res.Items[:0]
	for _, it := range res.Items {
		if it.SHA256 == "" {
			for _, w := range it.Warnings {
				res.Skipped = append(res.Skipped, evidence.Skipped{Path: it.Path, Warning: w})
			}
			continue
		}
		kept = append(kept, it)
	}
	res.Items = kept
	width := max(2, len(fmt.Sprint(len(res.Items))))
	for i, it := range res.Items {
		it.Index = i + 1
		it.BagPath = fmt.Sprintf("%s/%0*d/%s", EvidenceDir, width, it.Index, path.Base(it.Path))
		it.Kind = evidence.GuessKind(it)
		it.Title = evidence.DefaultTitle(it)
		if note, ok := c.File(it.Path); ok {
			if note.Kind != "" {
				it.Kind = note.Kind
			}
			if note.Title != "" {
				it.Title = note.Title
			}
			it.Proves = note.Proves
		}
	}
	return res, nil
}

// stager keeps the copies evidence.Collect makes into the bundle's staging
// folder, by case path, until Build places them at their bag paths.
type stager struct {
	w      *bundle.Writer
	mu     sync.Mutex
	staged map[string]*bundle.Staged
}

// copy is the evidence.Options.Copy of Build. It is called from several
// goroutines.
func (s *stager) copy(p string) (io.WriteCloser, error) {
	st, err := s.w.Stage()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.staged[p]; old != nil {
		s.w.Discard(old)
	}
	s.staged[p] = st
	return st, nil
}

// place moves the copy of every item to its bag path, checking that it holds
// the bytes that were hashed, and discards the copies of files that were
// not kept (unreadable ones, whose copies are incomplete).
func (s *stager) place(items []*evidence.Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		st := s.staged[it.Path]
		if st == nil {
			return fmt.Errorf("%s: %s was not copied", it.Path, it.BagPath)
		}
		delete(s.staged, it.Path)
		if err := s.w.Place(st, it.BagPath, it.SHA256); err != nil {
			return fmt.Errorf("%s: %w", it.Path, err)
		}
	}
	for p, st := range s.staged {
		s.w.Discard(st)
		delete(s.staged, p)
	}
	return nil
}

func packagingDetail(src string) string {
	if src == "SOURCE_DATE_EPOCH" {
		return "打包时间（取自 SOURCE_DATE_EPOCH）"
	}
	return "打包时间（本机时钟）"
}

// Build packages one case folder into OutDir/<name>. Nothing exists at the
// destination unless the whole bundle was written.
func Build(ctx context.Context, caseDir string, opts Options) (*Outcome, error) {
	abs, err := filepath.Abs(caseDir)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	name := filepath.Base(abs)
	// A case.yaml with mistakes or a folder that is not there is reported
	// before anything is created in the output folder.
	c, err := loadCase(abs)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	if st, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("build %s: collect %s: %w", caseDir, abs, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("build %s: collect %s: not a folder", caseDir, abs)
	}
	// The bundle is started before the evidence is read: each file is
	// copied into the staging folder in the same pass that hashes it, and
	// the report is rendered from those copies, so each file is hashed
	// once and the PDF shows exactly the bytes that were hashed.
	w, err := bundle.Create(opts.OutDir, name, bundle.Options{ModTime: opts.Packaging, Replace: true})
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	defer w.Abort()
	stage := &stager{w: w, staged: map[string]*bundle.Staged{}}
	res, err := collect(ctx, abs, c, opts, stage.copy)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	if err := stage.place(res.Items); err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	// The renderer reads the copies in the bag, not the originals.
	open := func(it *evidence.Item) (io.ReadCloser, error) {
		p := w.PathOf(it.BagPath)
		if p == "" {
			return nil, fmt.Errorf("%s is not in the bundle", it.BagPath)
		}
		return os.Open(p)
	}
	// Images are read and converted while the checklist and the letters
	// are worked out; converted images go to a scratch folder beside the
	// output (the staging folder is on the same file system), removed with
	// the build.
	images := render.PrepareImages(ctx, res.Items, open, opts.OutDir, opts.jobs())
	defer images.Close()
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	defer root.Close()

	var paths []string
	entries := make([]bundle.Entry, 0, len(res.Items))
	for _, it := range res.Items {
		paths = append(paths, it.Path)
		entries = append(entries, bundle.Entry{Path: it.BagPath, SHA256: it.SHA256})
	}
	problems := c.CheckPaths(paths)
	rootHash := bundle.EvidenceRootHash(entries)

	if opts.Target != "" {
		c.Target = opts.Target
	}
	check, err := checklist.Run(c, res.Items, opts.Packaging)
	if err != nil {
		return nil, fmt.Errorf("build %s: checklist: %w", caseDir, err)
	}
	if opts.Strict && (!check.Complete || len(check.Missing()) > 0 || len(check.Errors()) > 0) {
		return nil, fmt.Errorf("build %s: %w", caseDir, &IncompleteError{Result: check})
	}
	docs, err := documents(c, res.Items, check, opts.Packaging)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}

	maxVol := opts.MaxPDFSize
	if maxVol == 0 {
		maxVol = DefaultMaxPDFSize
	}
	if maxVol < 0 {
		maxVol = 0
	}
	rres, err := render.Render(ctx, &render.Report{
		Case:       caseInfo(c),
		Items:      res.Items,
		Skipped:    res.Skipped,
		RootHash:   rootHash,
		Packaged:   opts.Packaging,
		Version:    opts.Version,
		KindLabel:  kindLabel,
		Open:       open,
		Criteria:   criteria(c),
		ChatFilter: chatFilter(c),
		SelfNames:  selfNames(c),
		Redact:     opts.Redact,

		Letter:        docs.letter,
		LetterRefusal: docs.refusal,
		Form:          docs.form,
		Timeline:      docs.timeline,
		Checklist:     check,

		MaxVolumeBytes: maxVol,
		Jobs:           opts.Jobs,
		Scratch:        opts.OutDir,
		Images:         images,
		Progress:       opts.progress("render"),
	})
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	defer rres.Close()
	for _, it := range res.Items {
		it.Warnings = append(it.Warnings, rres.Warnings[it.Index]...)
	}

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if rc, err := root.Open(evidence.CaseFileName); err == nil {
		err = w.AddFile(CaseCopyPath, rc, "")
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", caseDir, err)
		}
	}

	m := newManifest(name, c, res, rootHash, opts, rres, problems)
	m.Checklist = check
	for _, f := range docs.texts {
		m.Report.Texts = append(m.Report.Texts, f.path)
	}
	mj, err := m.JSON()
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	if err := w.AddTagFile(ManifestName, mj); err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	guideText := guide(name, rootHash, res.Items, opts)
	if err := w.AddTagFile(GuideName, guideText); err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	// The PDF carries the manifest and the guide, so a lone PDF still
	// says which originals it stands for (evipack verify FILE.pdf).
	// Each volume's draft gets them attached and is then written into the
	// bag with the images' bytes streamed in, opts.Jobs volumes at a time.
	attach := []pdfnorm.File{
		{Name: ManifestName, Data: mj, MIME: "application/json", Description: "evipack 证据清单（根哈希、每份原件的 SHA-256）", ModTime: opts.Packaging},
		{Name: GuideName, Data: guideText, MIME: "text/plain", Description: "核验说明", ModTime: opts.Packaging},
	}
	// Every volume carries the same files: compress them once.
	if attach, err = pdfnorm.Precompress(attach); err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	if err := writeVolumes(ctx, w, rres, m.Report.Volumes, attach, opts.Jobs); err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	for _, f := range docs.texts {
		if err := w.AddBytes(f.path, f.data); err != nil {
			return nil, fmt.Errorf("build %s: %w", caseDir, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Flushing != nil {
		opts.Flushing()
	}
	dest, err := w.Commit(bundle.BagInfo{
		Software:    "evipack " + opts.Version,
		BaggingDate: opts.Packaging,
		RootHash:    rootHash,
		Extra: [][2]string{
			{"External-Description", "消费纠纷证据包：" + name},
			{"Bag-Count", "1 of 1"},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", caseDir, err)
	}
	out := &Outcome{Case: name, Bundle: dest, RootHash: rootHash, Items: len(res.Items), Pages: rres.Pages,
		Skipped: res.Skipped, Manifest: m, CaseFile: c, Problems: problems, Result: rres}
	for _, it := range res.Items {
		out.Warnings = append(out.Warnings, it.Warnings...)
	}
	return out, nil
}

// writeVolumes attaches files to every volume's draft and writes it, with
// its images streamed in, into the bag. Volumes are written in parallel
// into staged files and placed in order.
func writeVolumes(ctx context.Context, w *bundle.Writer, rres *render.Result, vols []VolumeInfo, attach []pdfnorm.File, jobs int) error {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	staged := make([]*bundle.Staged, len(rres.Volumes))
	errs := make([]error, len(rres.Volumes))
	next := make(chan int, len(rres.Volumes))
	for i := range rres.Volumes {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(jobs, len(rres.Volumes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if ctx.Err() != nil {
					errs[i] = ctx.Err()
					continue
				}
				staged[i], errs[i] = writeVolume(w, rres, &rres.Volumes[i], attach)
			}
		}()
	}
	wg.Wait()
	var err error
	for i := range staged {
		if err == nil && errs[i] != nil {
			err = fmt.Errorf("%s: %w", vols[i].Path, errs[i])
		}
		if err != nil {
			if staged[i] != nil {
				w.Discard(staged[i])
			}
			continue
		}
		if err = w.Place(staged[i], vols[i].Path, ""); err != nil {
			err = fmt.Errorf("%s: %w", vols[i].Path, err)
		}
	}
	return err
}

func writeVolume(w *bundle.Writer, rres *render.Result, vol *render.Volume, attach []pdfnorm.File) (*bundle.Staged, error) {
	draft, err := render.Attach(vol.Draft, attach)
	if err != nil {
		return nil, err
	}
	vol.Draft = nil // no longer needed; volumes can be many
	st, err := w.Stage()
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(st, 1<<20)
	err = rres.Expand(bw, draft)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		w.Discard(st)
		return nil, err
	}
	return st, nil
}

// criteria are what a payment row must match to concern the case: the
// respondent's names and accounts, the order number, the amount near the
// payment time.
func criteria(c *casefile.Case) payment.Criteria {
	var cr payment.Criteria
	rp := c.Respondent
	for _, n := range []string{rp.Name, rp.Shop} {
		if strings.TrimSpace(n) != "" {
			cr.Names = append(cr.Names, n)
		}
	}
	for _, a := range rp.Accounts {
		for _, n := range []string{a.ID, a.Name} {
			if strings.TrimSpace(n) != "" {
				cr.Names = append(cr.Names, n)
			}
		}
	}
	cr.OrderNo = strings.TrimSpace(c.Order.OrderNo)
	cr.Cents = int64(c.Order.Amount)
	if !c.Order.PaidAt.IsZero() {
		cr.From = c.Order.PaidAt.Add(-72 * time.Hour)
		cr.To = c.Order.PaidAt.Add(72 * time.Hour)
	}
	return cr
}

// chatFilter keeps a transcript to the case: from a week before the payment
// (or the first event) to 90 days after the last event. Participants are not
// filtered: in a two-party chat everyone concerns the case, and a nickname
// seldom equals the name written in case.yaml.
func chatFilter(c *casefile.Case) chat.Filter {
	var first, last time.Time
	note := func(t casefile.Time) {
		if t.IsZero() {
			return
		}
		if first.IsZero() || t.Before(first) {
			first = t.Time
		}
		if last.IsZero() || t.After(last) {
			last = t.Time
		}
	}
	note(c.Order.PaidAt)
	note(c.Order.PromisedBy)
	for _, e := range c.Events {
		note(e.At)
	}
	if first.IsZero() {
		return chat.Filter{}
	}
	return chat.Filter{From: first.Add(-7 * 24 * time.Hour), To: last.Add(90 * 24 * time.Hour)}
}

func selfNames(c *casefile.Case) []string {
	names := []string{c.Complainant.Name}
	for _, a := range c.Complainant.Accounts {
		names = append(names, a.ID, a.Name)
	}
	return names
}

func kindLabel(k string) string {
	if l := casefile.KindLabel(k); l != "" {
		return l
	}
	return k
}

// caseInfo turns case.yaml into what the cover shows.
func caseInfo(c *casefile.Case) render.CaseInfo {
	var ci render.CaseInfo
	party := func(p casefile.Party, complainant bool) []render.Field {
		f := []render.Field{{Label: "名称", Value: p.Name}}
		if complainant {
			f[0].Label = "姓名"
		}
		f = append(f,
			render.Field{Label: "平台", Value: p.Platform},
			render.Field{Label: "店铺", Value: p.Shop},
			render.Field{Label: "网址", Value: p.URL},
			render.Field{Label: "统一社会信用代码", Value: p.CreditCode},
			render.Field{Label: "电话", Value: p.Phone},
			render.Field{Label: "地址", Value: p.Address},
		)
		for _, a := range p.Accounts {
			v := a.ID
			if a.Name != "" {
				v += "（" + a.Name + "）"
			}
			f = append(f, render.Field{Label: a.Platform + " 账号", Value: v})
		}
		return f
	}
	ci.Complainant = party(c.Complainant, true)
	ci.Respondent = party(c.Respondent, false)
	o := c.Order
	amount := ""
	if o.Amount != 0 {
		amount = o.Amount.Yuan()
	}
	ci.Order = []render.Field{
		{Label: "商品/服务", Value: o.Item},
		{Label: "订单号", Value: o.OrderNo},
		{Label: "金额", Value: amount},
		{Label: "付款时间", Value: timeStr(o.PaidAt)},
		{Label: "支付方式", Value: o.PaymentMethod},
		{Label: "卖家承诺", Value: o.Promised},
		{Label: "承诺期限", Value: timeStr(o.PromisedBy)},
	}
	ci.Problem = c.Problem
	ci.Demands = c.Demands
	switch {
	case c.Complainant.Name != "" && c.Respondent.Name != "":
		ci.Title = c.Complainant.Name + " 诉 " + c.Respondent.Name
	case c.Respondent.Name != "":
		ci.Title = "投诉 " + c.Respondent.Name
	}
	return ci
}

func timeStr(t casefile.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.String()
}

// IsCaseError reports whether err is a problem with case.yaml (a user error
// naming a key and a line) rather than a failure of the tool.
func IsCaseError(err error) bool {
	var e *casefile.Error
	var es casefile.Errors
	return errors.As(err, &e) || errors.As(err, &es)
}

func guide(name, rootHash string, items []*evidence.Item, opts Options) []byte {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("证据包核验说明")
	p("================")
	p("")
	p("案件：%s", name)
	p("生成工具：evipack %s", opts.Version)
	p("打包时间：%s（%s，未经第三方验证）", opts.Packaging.In(evidence.CST).Format("2006-01-02 15:04:05 -07:00"), packagingDetail(opts.PackagingSource))
	p("证据数量：%d", len(items))
	p("证据根哈希（SHA-256）：%s", rootHash)
	p("")
	p("一、这个文件夹是什么")
	p("本文件夹是一个 BagIt 1.0 格式（RFC 8493）的证据包：")
	p("  data/evidence/   证据原件，与投诉人提供的文件逐字节相同")
	p("  data/report/     证据材料 PDF（封面、证据目录、逐份证据、完整性说明）")
	p("  manifest-sha256.txt     data/ 下每个文件的 SHA-256 哈希值")
	p("  tagmanifest-sha256.txt  清单和说明文件自身的哈希值")
	p("  evipack.json     机器可读的证据清单（文件、时间及其来源、根哈希）")
	p("")
	p("二、如何核验")
	p("1. Linux / macOS：在本文件夹中运行")
	p("     sha256sum -c manifest-sha256.txt")
	p("     sha256sum -c tagmanifest-sha256.txt")
	p("   每一行都显示“成功”或“OK”，即表示文件未被改动。")
	p("2. Windows：对单个文件运行")
	p("     certutil -hashfile \"data\\evidence\\01\\文件名\" SHA256")
	p("   并与 manifest-sha256.txt 中对应的行比对。")
	p("3. 重新计算根哈希：")
	p("     %s", bundle.RootHashCommand)
	p("   结果应为：%s", rootHash)
	p("4. 使用 evipack：evipack verify <本文件夹>，一次核验全部文件与根哈希。")
	p("")
	p("三、能证明什么，不能证明什么")
	p("能证明：证据原件自打包以来没有被修改、替换或删减。")
	p("不能证明：文件在打包之前是否真实、内容是否属实、形成于何时。")
	p("")
	p("四、四种时间")
	p("事件时间：文件内容中记载的时间（账单交易时间、聊天消息时间）。")
	p("文件时间：EXIF 拍摄时间、截图文件名中的时间、文件修改时间；由设备记录，可被修改。")
	p("打包时间：生成本证据包的电脑时钟，未经验证。")
	p("可信时间：第三方时间戳机构（RFC 3161）签发的时间，可独立核验；本证据包附有时间戳时，")
	p("可用 openssl ts -verify 核验，evipack verify 也会单独列出。")
	p("")
	p("五、可信时间戳（如已附加）")
	p("若本文件夹中有 evipack-timestamp.tsr，即附有第三方时间戳机构（RFC 3161）签发的时间戳，它证明")
	p("全部证据原件（证据根哈希）在时间戳时间之前已经以现在的内容存在。核验方法（需要 openssl，并从该")
	p("时间戳机构官网取得其根证书，存为 tsa-ca.pem），在本文件夹中运行：")
	p("     printf %%s %s > roothash.txt", rootHash)
	p("     openssl ts -verify -in evipack-timestamp.tsr -token_in -data roothash.txt -CAfile tsa-ca.pem")
	p("   应显示“Verification: OK”。若该机构使用中间证书，在命令末尾加上")
	p("     -untrusted evipack-timestamp-chain.pem")
	p("   查看时间和机构名称：openssl ts -reply -in evipack-timestamp.tsr -token_in -text")
	p("   evipack verify <本文件夹> --ca tsa-ca.pem 会单独列出“TSA 时间（可信）”。")
	p("   还没有时间戳时：evipack stamp <本文件夹> 生成申请文件 evipack-timestamp.tsq，按提示发给时间戳机构。")
	p("")
	p("六、原件清单")
	for _, it := range items {
		p("%s  %s  %s", it.ID(), it.SHA256, it.BagPath)
	}
	return []byte(b.String())
}
