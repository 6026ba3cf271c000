// Package cli is evipack's command line: cobra commands that parse flags into
// option structs and call the library packages. It is the only package that
// prints or chooses exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// Version is the tool version printed in every bundle.
const Version = "0.1.0"

// Exit codes, documented in every command's help.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitFailed      = 3
	ExitInterrupted = 130
)

const exitStatusHelp = `
退出码 / EXIT STATUS:
  0    成功 / success
  1    出错（文件无法读取、case.yaml 有误等）/ error
  2    用法错误 / usage error
  3    核验或检查未通过 / checks or verification failed
  130  被中断（^C）/ interrupted`

// Env holds the process's streams, environment and clock, so tests can run
// commands against buffers and a fixed time.
type Env struct {
	Out    io.Writer
	ErrOut io.Writer
	Getenv func(string) string
	Now    func() time.Time
	// IsTerminal reports whether w is an interactive terminal (progress
	// is shown only there). Nil means never.
	IsTerminal func(w io.Writer) bool
}

// System returns the Env of the running process.
func System() *Env {
	return &Env{Out: os.Stdout, ErrOut: os.Stderr, Getenv: os.Getenv, Now: time.Now, IsTerminal: isTerminal}
}

// Chinese reports whether messages for people should be in Chinese.
func (e *Env) Chinese() bool {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := e.Getenv(k); v != "" {
			return strings.HasPrefix(strings.ToLower(v), "zh")
		}
	}
	return false
}

// msg picks the message for the user's locale.
func (e *Env) msg(en, zh string) string {
	if e.Chinese() {
		return zh
	}
	return en
}

// Packaging returns the packaging time: SOURCE_DATE_EPOCH when set (for
// reproducible bundles), else the clock, and which of the two it is.
func (e *Env) Packaging() (time.Time, string, error) {
	if v := e.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, "", &FlagError{fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", v)}
		}
		return time.Unix(n, 0).UTC(), "SOURCE_DATE_EPOCH", nil
	}
	return e.Now().UTC().Truncate(time.Second), "clock", nil
}

// FlagError is a usage error: the command prints its usage and exits 2.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// exitError ends a command with a given exit code; its details were already
// printed, msg (if any) is a last summary line.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// NewRootCmd builds the command tree.
func NewRootCmd(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "evipack",
		Short: "把消费纠纷证据整理成可核验的证据包 / package consumer-dispute evidence into a verifiable bundle",
		Long: `evipack 把一个案件文件夹（截图、账单、聊天记录、PDF、录屏……）整理成
一份可提交 12315、支付平台或仲裁机构的中文 PDF 证据材料，连同原件一起
打包为可独立核验的 BagIt 证据包。完全离线运行。

evipack turns a folder of consumer-dispute evidence into a complaint-ready
Chinese PDF plus the untouched originals, as a verifiable BagIt bag. Offline.
` + exitStatusHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(env.Out)
	root.SetErr(env.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &FlagError{err} })
	root.AddCommand(NewCmdBuild(env, nil), NewCmdCheck(env, nil), NewCmdStamp(env, nil), NewCmdVerify(env, nil), NewCmdInit(env, nil), NewCmdInspect(env, nil), NewCmdVersion(env))
	return root
}

// Main runs evipack with args and returns the exit code.
func Main(ctx context.Context, args []string, env *Env) int {
	root := NewRootCmd(env)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(env.ErrOut, "evipack: "+env.msg("interrupted; no partial bundle was left", "已中断，未留下不完整的证据包"))
		return ExitInterrupted
	}
	var fe *FlagError
	var xe *exitError
	switch {
	case errors.As(err, &fe):
		fmt.Fprintf(env.ErrOut, "evipack: %s\n", err)
		fmt.Fprintln(env.ErrOut, env.msg("hint: run 'evipack --help' for usage", "提示：运行 'evipack --help' 查看用法"))
		return ExitUsage
	case errors.As(err, &xe):
		if xe.msg != "" {
			fmt.Fprintf(env.ErrOut, "evipack: %s\n", xe.msg)
		}
		return xe.code
	case strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "accepts ") || strings.HasPrefix(err.Error(), "requires "):
		fmt.Fprintf(env.ErrOut, "evipack: %s\n", err)
		return ExitUsage
	}
	fmt.Fprintf(env.ErrOut, "evipack: error: %s\n", err)
	return ExitError
}

func usageArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return &FlagError{fmt.Errorf("%s needs at least %d path argument(s)", cmd.Name(), n)}
		}
		return nil
	}
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return &FlagError{fmt.Errorf("%s takes exactly %d path argument(s), got %d", cmd.Name(), n, len(args))}
		}
		return nil
	}
}

// NewCmdVersion prints the version.
func NewCmdVersion(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "显示版本 / print the version",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(env.Out, "evipack "+Version)
			return nil
		},
	}
}

// isTerminal reports whether w is a character device (a terminal), without
// cgo or a terminal library.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
