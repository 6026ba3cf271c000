package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evipack/evipack/internal/parallel"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/pack"
)

// CheckOptions are the parsed flags of `evipack check`.
type CheckOptions struct {
	Env    *Env
	Cases  []string
	JSON   bool
	Strict bool
	Jobs   int
}

// NewCmdCheck builds `evipack check`.
func NewCmdCheck(env *Env, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "check CASE_DIR... [--json] [--strict]",
		Short: "检查证据链是否完整 / check the evidence chain",
		Long: `按“交易—违约—损失”三个环节检查案件证据：每项要求由哪些证据满足、还缺什么、
应当如何补充；并核对金额、事件先后、催告期限、诉讼时效和风险（如刷赞类
合同可能无效）。不写任何文件。缺少必需证据时退出码为 3；--strict 时有警告
也返回 3。

Checks the case against the evidence chain (交易 / 违约 / 损失) and the
cross-checks, writing nothing. Exit 3 when a required link is missing (with
--strict, also on warnings).
` + exitStatusHelp,
		Args: usageArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Cases = args
			if runF != nil {
				return runF(opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON document per case on stdout")
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "fail (exit 3) on warnings too")
	cmd.Flags().IntVar(&opts.Jobs, "jobs", 0, "cases checked at once, on at most that many CPUs (0 = number of CPUs)")
	return cmd
}

type checkResult struct {
	Case   string            `json:"case"`
	OK     bool              `json:"ok"`
	Error  string            `json:"error,omitempty"`
	Result *checklist.Result `json:"result,omitempty"`
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	when, _, err := opts.Env.Packaging()
	if err != nil {
		return err
	}
	defer limitCPUs(opts.Jobs)()
	var t tally
	parallel.For(ctx, len(opts.Cases), opts.Jobs, func(i int) {
		dir := opts.Cases[i]
		c, res, err := pack.Load(ctx, dir, pack.Options{Packaging: when})
		var cr *checklist.Result
		if err == nil {
			cr, err = checklist.Run(c, res.Items, when)
		}
		if err != nil && ctx.Err() != nil {
			return // interrupted: no line for a case that did not finish
		}
		env, done := t.buffered(opts.Env)
		code := ExitOK
		out := checkResult{Case: dir, Result: cr}
		switch {
		case err != nil:
			out.Error = err.Error()
			code = ExitError
			fmt.Fprintf(env.ErrOut, "✗ %s: %s\n", dir, errText(env, err))
		default:
			out.OK = Passes(cr, opts.Strict)
			if !out.OK {
				code = ExitFailed
			}
			PrintChecklist(env.ErrOut, dir, cr)
		}
		printJSON(env, opts.JSON, out)
		done(code)
	})
	return t.finish(ctx, opts.Env, opts.JSON, "cases", len(opts.Cases))
}

// Passes reports whether a checklist result lets a case through: every
// required link met and no error finding; with strict, no warning either.
func Passes(r *checklist.Result, strict bool) bool {
	if !r.Complete || len(r.Missing()) > 0 || len(r.Errors()) > 0 {
		return false
	}
	if strict {
		for _, f := range r.Findings {
			if f.Severity == checklist.SeverityWarning {
				return false
			}
		}
	}
	return true
}

// PrintChecklist writes the checklist for people (it is Chinese: the hints
// are what the user must capture, in the language of the complaint).
func PrintChecklist(w io.Writer, name string, r *checklist.Result) {
	fmt.Fprintf(w, "案件 %s（规则集 %s）\n", name, r.RuleSet)
	for _, link := range []string{checklist.LinkTransaction, checklist.LinkBreach, checklist.LinkLoss} {
		fmt.Fprintf(w, "%s\n", link)
		for _, q := range r.Requirements {
			if q.Link != link {
				continue
			}
			mark := "✓"
			switch {
			case !q.Met && q.Required:
				mark = "✗"
			case !q.Met:
				mark = "·"
			}
			line := fmt.Sprintf("  %s %s", mark, q.Title)
			if len(q.Exhibits) > 0 {
				line += " — " + exhibitList(q.Exhibits)
			}
			fmt.Fprintln(w, line)
			if !q.Met && q.Hint != "" {
				fmt.Fprintf(w, "      提示：%s\n", q.Hint)
			}
		}
	}
	if len(r.Findings) > 0 {
		fmt.Fprintln(w, "核对")
		for _, f := range r.Findings {
			fmt.Fprintf(w, "  [%s] %s\n", severityLabel(f.Severity), f.Title)
			if f.Detail != "" {
				fmt.Fprintf(w, "      %s\n", f.Detail)
			}
			if f.Fix != "" {
				fmt.Fprintf(w, "      处理：%s\n", f.Fix)
			}
		}
	}
	for _, d := range r.Deadlines {
		fmt.Fprintf(w, "期限  %s：%s %s\n", d.Title, d.Due.Format("2006-01-02"), d.Note)
	}
	if missing := r.Missing(); len(missing) > 0 {
		fmt.Fprintf(w, "结论：缺少 %d 项必需证据，补齐后再投诉。\n", len(missing))
	} else if len(r.Errors()) > 0 {
		fmt.Fprintf(w, "结论：有 %d 个问题需要先处理。\n", len(r.Errors()))
	} else {
		fmt.Fprintln(w, "结论：证据链完整。")
	}
}

func exhibitList(idx []int) string {
	parts := make([]string, len(idx))
	for i, n := range idx {
		parts[i] = fmt.Sprintf("证据%d", n)
	}
	return strings.Join(parts, "、")
}

func severityLabel(s checklist.Severity) string {
	switch s {
	case checklist.SeverityError:
		return "错误"
	case checklist.SeverityWarning:
		return "警告"
	}
	return "提示"
}
