package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evipack/evipack/internal/parallel"
	"github.com/evipack/evipack/pkg/evidence"
)

// InspectOptions are the parsed flags of `evipack inspect`.
type InspectOptions struct {
	Env   *Env
	Files []string
	JSON  bool
	Jobs  int
}

// NewCmdInspect builds `evipack inspect`.
func NewCmdInspect(env *Env, runF func(*InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "inspect FILE... [--json]",
		Short: "查看 evipack 从文件中识别出的内容 / show what evipack reads from files",
		Long: `显示 evipack 对每个文件的识别结果：类型、各个时间及其来源、截图所属应用、
解析出的账单行数或聊天消息数、以及无法读取的原因。志愿者可以用它弄清
某个文件为什么被这样处理。

Shows what evipack detects and extracts from each file: type, times with
their sources, app, parsed rows or messages, and warnings.
` + exitStatusHelp,
		Args: usageArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return inspectRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON document per file on stdout")
	cmd.Flags().IntVar(&opts.Jobs, "jobs", 0, "files read at once, on at most that many CPUs (0 = number of CPUs)")
	return cmd
}

type inspectResult struct {
	File  string         `json:"file"`
	OK    bool           `json:"ok"`
	Error string         `json:"error,omitempty"`
	Item  *evidence.Item `json:"item,omitempty"`
}

func inspectRun(ctx context.Context, opts *InspectOptions) error {
	defer limitCPUs(opts.Jobs)()
	var t tally
	parallel.For(ctx, len(opts.Files), opts.Jobs, func(i int) {
		f := opts.Files[i]
		it, err := evidence.InspectFile(ctx, f, evidence.Options{})
		if err != nil && ctx.Err() != nil {
			return // interrupted: no line for a file not read
		}
		env, done := t.buffered(opts.Env)
		code := ExitOK
		res := inspectResult{File: f, OK: err == nil, Item: it}
		if err != nil {
			code = ExitError
			res.Error = err.Error()
			fmt.Fprintf(env.ErrOut, "✗ %s\n", err)
		}
		if opts.JSON {
			printJSON(env, true, res)
		} else if it != nil {
			describe(env, env.Out, f, it)
		}
		done(code)
	})
	return t.finish(ctx, opts.Env, opts.JSON, "files", len(opts.Files))
}

// describe prints an item for people.
func describe(env *Env, w io.Writer, name string, it *evidence.Item) {
	p := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "  %-10s %s\n", label, value)
		}
	}
	fmt.Fprintln(w, name)
	p(env.msg("type", "类型"), fmt.Sprintf("%s (%s)", it.Type, it.MediaType))
	p(env.msg("size", "大小"), fmt.Sprintf("%d", it.Size))
	p("sha256", it.SHA256)
	p(env.msg("kind", "推测种类"), evidence.GuessKind(it))
	p(env.msg("app", "应用"), it.App)
	if it.Image != nil {
		p(env.msg("image", "图片"), fmt.Sprintf("%d×%d orientation %d", it.Image.Width, it.Image.Height, it.Image.Orientation))
	}
	if it.Duration > 0 {
		p(env.msg("duration", "时长"), fmt.Sprintf("%.1f s", it.Duration))
	}
	for _, t := range it.Times {
		v := t.Time.Format("2006-01-02 15:04:05 -07:00") + "  [" + t.Source + "] " + t.Detail
		if t.Note != "" {
			v += " — " + t.Note
		}
		p(env.msg("time", "时间"), v)
	}
	for _, f := range it.Facts() {
		p(env.msg("content", "内容"), f)
	}
	for _, wr := range it.Warnings {
		p(env.msg("warning", "提示"), strings.TrimSpace(env.msg(wr.Msg, wr.Zh)))
	}
}
