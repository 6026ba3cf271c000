package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/evipack/evipack/internal/leftover"
	"github.com/evipack/evipack/internal/parallel"
	"github.com/evipack/evipack/pkg/bundle"
	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/pack"
)

// BuildOptions are the parsed flags of `evipack build`.
type BuildOptions struct {
	Env    *Env
	Cases  []string
	OutDir string
	JSON   bool
	Jobs   int
	Quiet  bool
	Redact bool
	Target string
	Strict bool
	Zip    bool
	MaxPDF int64
}

// progress reports whether to show progress lines: on a terminal, unless
// --quiet.
func (o *BuildOptions) progress(env *Env) bool {
	return !o.Quiet && env.IsTerminal != nil && env.IsTerminal(env.ErrOut)
}

// NewCmdBuild builds `evipack build`. runF, when set, receives the parsed
// options instead of running (for tests of flag parsing).
func NewCmdBuild(env *Env, runF func(*BuildOptions) error) *cobra.Command {
	opts := &BuildOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "build CASE_DIR... [-o OUT_DIR] [--json]",
		Short: "生成证据包 / build a bundle for each case folder",
		Long: `为每个案件文件夹生成一个证据包，写到 OUT_DIR/<案件文件夹名>/（默认 ./evipack-out）。
证据包先写在目标旁的临时文件夹里，完整写好后才改名就位：出错或按 ^C 时不会留下半成品。
原件只读取，不会被修改。设置 SOURCE_DATE_EPOCH 可得到逐字节相同的证据包。

Builds one bundle per case folder into OUT_DIR/<case folder name>/.
` + exitStatusHelp,
		Args: usageArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Cases = args
			if opts.Target != "" && !slices.Contains(casefile.Targets(), opts.Target) {
				return &FlagError{fmt.Errorf("--target %q: must be one of %s", opts.Target, strings.Join(casefile.Targets(), ", "))}
			}
			if runF != nil {
				return runF(opts)
			}
			return buildRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.OutDir, "out", "o", "evipack-out", "output folder for the bundles")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON document per case on stdout")
	cmd.Flags().IntVar(&opts.Jobs, "jobs", 0, "cases built at once, on at most that many CPUs (0 = number of CPUs)")
	cmd.Flags().StringVar(&opts.Target, "target", "", "document to write: 12315 (投诉书), payment (支付平台投诉), arbitration (仲裁申请书) or merchant (催告函); default from case.yaml")
	cmd.Flags().Int64Var(&opts.MaxPDF, "max-pdf-size", pack.DefaultMaxPDFSize, "split the PDF into volumes of about this many bytes, for upload size limits (0 = never split)")
	cmd.Flags().BoolVar(&opts.Zip, "zip", false, "also write the bag as OUT_DIR/<case>.zip (one file, deterministic)")
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "refuse to build a case whose evidence chain is incomplete (exit 3)")
	cmd.Flags().BoolVar(&opts.Redact, "redact", false, "mask phone, 身份证 and bank card numbers in the PDF text (originals stay intact)")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress or per-case details on stderr (errors are still printed)")
	return cmd
}

// buildResult is the JSON printed per case.
type buildResult struct {
	Case  string `json:"case"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	*pack.Outcome
}

func buildRun(ctx context.Context, opts *BuildOptions) error {
	env := opts.Env
	when, source, err := env.Packaging()
	if err != nil {
		return err
	}
	// Bundles are named after their case folder: a second case of the same
	// name would silently replace the first one's bundle of this run. Cases
	// sharing a name therefore go to the same worker, in argument order; the
	// first that builds claims the name.
	var groups [][]string
	byKey := map[string]int{}
	for _, dir := range opts.Cases {
		key := bundleKey(dir)
		if i, ok := byKey[key]; ok && key != "" {
			groups[i] = append(groups[i], dir)
			continue
		}
		byKey[key] = len(groups)
		groups = append(groups, []string{dir})
	}
	// Output folders this run creates are removed again if it leaves them
	// empty: a --strict refusal, a ^C or a failed case leaves no trace.
	defer removeEmpty(missingDirs(opts.OutDir))
	// What builds killed outright left in the output folder goes first.
	swept := leftover.Sweep(opts.OutDir)
	if !opts.Quiet {
		for _, p := range swept.Restored {
			fmt.Fprintf(env.ErrOut, "! %s\n", env.msg(
				fmt.Sprintf("restored %s, which an interrupted run had moved aside to replace it", p),
				fmt.Sprintf("已恢复 %s：此前一次中断的运行在替换它时把它移到了一旁", p)))
		}
		if n := len(swept.Removed); n > 0 {
			fmt.Fprintf(env.ErrOut, "! %s\n", env.msg(
				fmt.Sprintf("removed %d temporary file(s) or folder(s) left in %s by interrupted runs", n, opts.OutDir),
				fmt.Sprintf("已清理此前中断的运行在 %s 中留下的 %d 个临时文件或文件夹", opts.OutDir, n)))
		}
	}
	jobs, perCase := shareJobs(opts.Jobs, len(groups), runtime.GOMAXPROCS(0))
	defer limitCPUs(opts.Jobs)()
	var (
		mu     sync.Mutex
		failed int
		done   int
		code   = ExitOK
	)
	prog := &progressLine{w: env.ErrOut, state: map[string]string{}}
	report := func(dir string, out *pack.Outcome, err error) {
		prog.clear(filepath.Base(dir))
		mu.Lock()
		defer mu.Unlock()
		done++
		res := buildResult{Case: dir, OK: err == nil, Outcome: out}
		if err != nil {
			failed++
			res.Error = err.Error()
			fmt.Fprintf(env.ErrOut, "✗ %s: %s\n", dir, errText(env, err))
			var inc *pack.IncompleteError
			if errors.As(err, &inc) {
				PrintChecklist(env.ErrOut, dir, inc.Result)
				code = max(code, ExitFailed)
			} else {
				code = max(code, ExitError)
			}
		} else if !opts.Quiet {
			reportBuild(env, out)
		}
		if opts.JSON {
			b, _ := json.Marshal(res)
			fmt.Fprintln(env.Out, string(b))
		} else if err == nil {
			fmt.Fprintln(env.Out, out.Bundle)
		}
	}
	// jobs cases compute at once. A case whose bundle is only waiting for
	// the disk (fsync) gives its slot to the next case, unless it is still
	// to be zipped; so up to twice as many goroutines run.
	slots := make(chan struct{}, jobs)
	parallel.For(ctx, len(groups), 2*jobs, func(gi int) {
		first := ""
		for _, dir := range groups[gi] {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			var once sync.Once
			release := func() { once.Do(func() { <-slots }) }
			var flushing func()
			if !opts.Zip {
				flushing = release
			}
			var out *pack.Outcome
			var err error
			if first != "" {
				err = fmt.Errorf("build %s: %s", dir, env.msg(
					fmt.Sprintf("has the same folder name as %s, whose bundle this run already wrote; rename one of them or build them into different output folders", first),
					fmt.Sprintf("与 %s 的文件夹同名，本次已为其生成证据包；请改名，或分别输出到不同的文件夹", first)))
			} else {
				var progress func(string, int, int)
				if opts.progress(env) {
					progress = prog.update(filepath.Base(dir))
				}
				out, err = pack.Build(ctx, dir, pack.Options{
					Progress: progress, Jobs: perCase, Flushing: flushing,
					OutDir: opts.OutDir, Packaging: when, PackagingSource: source, Version: Version,
					Redact: opts.Redact, Target: opts.Target, Strict: opts.Strict, MaxPDFSize: maxPDF(opts.MaxPDF),
				})
			}
			if err == nil && opts.Zip {
				zipPath := out.Bundle + ".zip"
				if zerr := bundle.WriteZipFile(ctx, zipPath, out.Bundle, filepath.Base(out.Bundle), when.UTC()); zerr != nil {
					err = fmt.Errorf("build %s: zip: %w", dir, zerr)
				} else {
					out.Zip = zipPath
				}
			}
			release()
			if err != nil && ctx.Err() != nil {
				return // interrupted: no line for a case that did not finish
			}
			if err == nil {
				first = dir
			}
			report(dir, out, err)
		}
	})
	// Interrupted only if a case did not finish: a ^C that arrives after the
	// last bundle was renamed into place changes nothing.
	if err := ctx.Err(); err != nil && done < len(opts.Cases) {
		return err
	}
	if opts.JSON && len(opts.Cases) > 1 {
		b, _ := json.Marshal(map[string]any{"summary": map[string]int{
			"cases": len(opts.Cases), "ok": done - failed, "failed": failed, "exit_code": code}})
		fmt.Fprintln(env.Out, string(b))
	}
	if failed > 0 {
		return &exitError{code, env.msg(
			fmt.Sprintf("%d of %d case(s) failed", failed, len(opts.Cases)),
			fmt.Sprintf("%d 个案件（共 %d 个）失败", failed, len(opts.Cases)))}
	}
	return nil
}

// missingDirs returns dir and those of its parents that do not exist yet,
// dir first.
func missingDirs(dir string) []string {
	var out []string
	for d := filepath.Clean(dir); ; {
		if _, err := os.Lstat(d); !errors.Is(err, fs.ErrNotExist) {
			return out
		}
		out = append(out, d)
		parent := filepath.Dir(d)
		if parent == d {
			return out
		}
		d = parent
	}
}

// removeEmpty removes the folders dirs, innermost first, stopping at the
// first that is not empty.
func removeEmpty(dirs []string) {
	for _, d := range dirs {
		if st, err := os.Lstat(d); err != nil || !st.IsDir() || os.Remove(d) != nil {
			return
		}
	}
}

// bundleKey is the name of the bundle of case folder dir, folded as case-
// insensitive file systems (macOS, Windows) compare names; "" if unknown.
func bundleKey(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "" // pack.Build reports it
	}
	return strings.ToLower(filepath.Base(abs))
}

func reportBuild(env *Env, out *pack.Outcome) {
	fmt.Fprintf(env.ErrOut, "✓ %s → %s\n", out.Case, out.Bundle)
	fmt.Fprintf(env.ErrOut, "  %s\n", env.msg(
		fmt.Sprintf("%d exhibits, %d PDF pages, root hash %s", out.Items, out.Pages, out.RootHash),
		fmt.Sprintf("%d 份证据，PDF 共 %d 页，根哈希 %s", out.Items, out.Pages, out.RootHash)))
	for _, w := range out.Warnings {
		fmt.Fprintf(env.ErrOut, "  ! %s: %s\n", w.Path, env.msg(w.Msg, w.Zh))
	}
	for _, s := range out.Skipped {
		fmt.Fprintf(env.ErrOut, "  ! %s: %s\n", s.Path, env.msg(s.Msg, s.Zh))
	}
	for _, p := range out.Problems {
		fmt.Fprintf(env.ErrOut, "  ! case.yaml:%d: %s\n", p.Line, env.msg(p.Msg, p.Zh))
	}
}

// errText renders an error for people: case.yaml problems one per line, in
// Chinese on a Chinese locale.
func errText(env *Env, err error) string {
	var errs casefile.Errors
	var one *casefile.Error
	switch {
	case errors.As(err, &errs):
	case errors.As(err, &one):
		errs = casefile.Errors{one}
	default:
		return err.Error()
	}
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("\n  ")
		if env.Chinese() {
			b.WriteString(e.Chinese())
		} else {
			b.WriteString(e.Error())
		}
	}
	return env.msg("case.yaml has problems:", "case.yaml 有错误：") + b.String()
}

// maxPDF maps the flag (0 = never split) to pack's option (negative = never).
func maxPDF(n int64) int64 {
	if n <= 0 {
		return -1
	}
	return n
}

// progressLine keeps one status line on a terminal: for each case being
// built, how many files are hashed or exhibits rendered. It redraws at most
// every 100 ms.
type progressLine struct {
	mu    sync.Mutex
	w     io.Writer
	state map[string]string
	last  time.Time
	width int
}

func (p *progressLine) update(name string) func(stage string, done, total int) {
	return func(stage string, done, total int) {
		label := map[string]string{"hash": "哈希", "render": "排版"}[stage]
		p.mu.Lock()
		defer p.mu.Unlock()
		p.state[name] = fmt.Sprintf("%s %s %d/%d", name, label, done, total)
		if time.Since(p.last) < 100*time.Millisecond && done != total {
			return
		}
		p.last = time.Now()
		p.draw()
	}
}

func (p *progressLine) clear(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.state[name]; !ok {
		return
	}
	delete(p.state, name)
	p.draw()
}

func (p *progressLine) draw() {
	names := make([]string, 0, len(p.state))
	for n := range p.state {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = "[" + p.state[n] + "]"
	}
	line := strings.Join(parts, " ")
	pad := max(0, p.width-len(line))
	fmt.Fprintf(p.w, "\r%s%s\r", line, strings.Repeat(" ", pad))
	p.width = len(line)
}

// limitCPUs makes an explicit --jobs N below the number of CPUs a limit on
// the CPUs used, the runtime's own work (the garbage collector) included,
// and returns what undoes it.
func limitCPUs(jobs int) (restore func()) {
	if jobs <= 0 || jobs >= runtime.GOMAXPROCS(0) {
		return func() {}
	}
	old := runtime.GOMAXPROCS(jobs)
	return func() { runtime.GOMAXPROCS(old) }
}

// shareJobs turns --jobs into the number of cases built at once and the
// workers each of them may use (hashing, image conversion, layout,
// writing). jobs cases run at once, on at most jobs CPUs (limitCPUs caps
// the runtime below the machine's count). Each case may use all of those
// CPUs, not its share of them: a case spends part of its time in steps
// that run on one goroutine (placing, the letters, committing), and the
// other cases' workers fill the CPUs meanwhile. The runtime's CPU cap, not
// the worker count, keeps the total within jobs. More workers than CPUs
// are given only to a lone case that asks for them.
func shareJobs(jobs, cases, cpus int) (concurrent, perCase int) {
	cpus = max(cpus, 1)
	if jobs <= 0 {
		jobs = cpus
	}
	concurrent = max(1, min(jobs, cases))
	return concurrent, max(jobs/concurrent, min(jobs, cpus))
}
