package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/templates"
)

// InitOptions are the parsed flags of `evipack init`.
type InitOptions struct {
	Env  *Env
	Dir  string
	JSON bool
}

// NewCmdInit builds `evipack init`.
func NewCmdInit(env *Env, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "init CASE_DIR",
		Short: "生成带注释的 case.yaml / write a commented case.yaml",
		Long: `在案件文件夹中写一个带中文注释的 case.yaml：列出找到的每个文件、
它的类型和推测的证据种类，供填写当事人、订单和证明目的。已有 case.yaml
时不会覆盖。

Writes a commented case.yaml listing every file found with its detected type
and a guessed kind. Never overwrites an existing one.
` + exitStatusHelp,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if runF != nil {
				return runF(opts)
			}
			return initRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func initRun(ctx context.Context, opts *InitOptions) error {
	env := opts.Env
	target := filepath.Join(opts.Dir, evidence.CaseFileName)
	if _, err := os.Lstat(target); err == nil {
		return fmt.Errorf("init %s: %s", target, env.msg("case.yaml already exists; not overwritten", "case.yaml 已存在，未覆盖"))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("init %s: %w", target, err)
	}
	res, err := evidence.Collect(ctx, opts.Dir, evidence.Options{})
	if err != nil {
		return fmt.Errorf("init %s: %w", opts.Dir, err)
	}
	files := make([]casefile.TemplateFile, 0, len(res.Items))
	for _, it := range res.Items {
		files = append(files, casefile.TemplateFile{
			Path:      it.Path,
			TypeLabel: typeLabel(it),
			Kind:      evidence.GuessKind(it),
			Title:     evidence.DefaultTitle(it),
		})
	}
	// What the evidence chain still needs, as commented prompts: the user
	// has not described anything yet, so this is the checklist of a case
	// with only the guessed kinds.
	guessed := casefile.New()
	for _, it := range res.Items {
		it.Kind = evidence.GuessKind(it)
		it.Title = evidence.DefaultTitle(it)
	}
	var prompts []string
	if rs, err := checklist.Load(templates.FS, guessed.Type); err == nil {
		cr := checklist.Evaluate(rs, guessed, res.Items, env.Now())
		for _, p := range checklist.Prompts(rs, cr) {
			prompts = append(prompts, p.Comment())
		}
	}
	body := casefile.Template(files, env.Now())
	if len(prompts) > 0 {
		body = append(body, []byte("\n# ---- 证据链还缺什么（按“交易—违约—损失”检查当前文件的结果）----\n# 补充对应的截图或文件后，在上面 files 中写明它的证明目的（proves），再运行 evipack check。\n"+strings.Join(prompts, "\n")+"\n")...)
	}
	// O_EXCL: never overwrite, even if one appeared since the check above.
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("init %s: %w", target, err)
	}
	if _, err := f.Write(body); err != nil {
		f.Close()
		os.Remove(target)
		return fmt.Errorf("init %s: %w", target, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(target)
		return fmt.Errorf("init %s: %w", target, err)
	}
	fmt.Fprintln(env.Out, target)
	fmt.Fprintln(env.ErrOut, env.msg(
		fmt.Sprintf("wrote %s listing %d file(s); fill in the parties, the order and each file's 证明目的, then run 'evipack build %s'", target, len(files), opts.Dir),
		fmt.Sprintf("已写入 %s，列出 %d 个文件；请填写当事人、订单信息和每份证据的证明目的，然后运行 'evipack build %s'", target, len(files), opts.Dir)))
	return nil
}

// typeLabel describes a detected type in Chinese for the template comments.
func typeLabel(it *evidence.Item) string {
	switch it.Type {
	case evidence.TypeJPEG:
		return "JPEG 图片"
	case evidence.TypePNG:
		return "PNG 图片"
	case evidence.TypeGIF:
		return "GIF 图片"
	case evidence.TypeWebP:
		return "WebP 图片"
	case evidence.TypeHEIC:
		return "HEIC 图片"
	case evidence.TypePDF:
		return "PDF 文档"
	case evidence.TypeText:
		return "文本（" + it.Encoding + "）"
	case evidence.TypeMP4:
		return "视频/音频（" + it.MediaType + "）"
	case evidence.TypeAMR, evidence.TypeSILK:
		return "语音"
	case evidence.TypeEmpty:
		return "空文件"
	}
	return "其他文件（" + it.MediaType + "）"
}
