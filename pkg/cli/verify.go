package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/evipack/evipack/internal/parallel"
	"github.com/evipack/evipack/pkg/bundle"
	"github.com/evipack/evipack/pkg/pack"
)

// VerifyOptions are the parsed flags of `evipack verify`.
type VerifyOptions struct {
	Env       *Env
	Bundles   []string
	JSON      bool
	CA        string
	Originals string
	Jobs      int
}

// NewCmdVerify builds `evipack verify`.
func NewCmdVerify(env *Env, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "verify BUNDLE... [--json]",
		Short: "核验证据包 / verify bundles",
		Long: `重新计算证据包中每个文件的哈希值，逐一报告 ok（一致）/ changed（被改动）/
missing（缺失）/ extra（多出），并核对证据根哈希。也接受任何使用 SHA-256 或
SHA-512 的 BagIt 1.0 证据包。全部一致时退出码为 0，否则为 3。

Re-hashes every file of each bundle and reports it as ok / changed / missing /
extra, and the root hash as ok / mismatch. Any valid BagIt 1.0 bag with
SHA-256 or SHA-512 manifests is accepted.
` + exitStatusHelp,
		Args: usageArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bundles = args
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON report per bundle on stdout")
	cmd.Flags().StringVar(&opts.Originals, "originals", "", "for a PDF: the case folder or bag holding the originals to re-hash")
	cmd.Flags().StringVar(&opts.CA, "ca", "", "PEM file with the CA certificate(s) trusted for an attached timestamp")
	cmd.Flags().IntVar(&opts.Jobs, "jobs", 0, "bundles verified at once, on at most that many CPUs (0 = number of CPUs)")
	return cmd
}

type verifyResult struct {
	Bundle    string           `json:"bundle"`
	OK        bool             `json:"ok"`
	Error     string           `json:"error,omitempty"`
	Report    *bundle.Report   `json:"report,omitempty"`
	Timestamp *TimestampResult `json:"timestamp,omitempty"`
	PDF       *PDFReport       `json:"pdf,omitempty"`
}

func verifyRun(ctx context.Context, opts *VerifyOptions) error {
	defer limitCPUs(opts.Jobs)()
	var t tally
	parallel.For(ctx, len(opts.Bundles), opts.Jobs, func(i int) {
		env, done := t.buffered(opts.Env)
		code, err := verifyOne(ctx, env, opts, opts.Bundles[i])
		if err != nil && ctx.Err() != nil {
			return // interrupted: no line for a bundle not verified
		}
		done(code)
	})
	return t.finish(ctx, opts.Env, opts.JSON, "bundles", len(opts.Bundles))
}

// verifyOne verifies one bundle folder, zip or PDF, prints the outcome to
// env and returns its exit code and the error that kept it from being
// verified, if any.
func verifyOne(ctx context.Context, env *Env, opts *VerifyOptions, dir string) (int, error) {
	res := verifyResult{Bundle: dir}
	var print func()
	var err error
	if isPDF(dir) {
		var prep *PDFReport
		prep, err = verifyPDF(ctx, dir, opts.Originals)
		res.PDF = prep
		if err == nil {
			res.OK = prep.OK
			print = func() { printPDFVerify(env, prep) }
		}
	} else {
		var rep *bundle.Report
		rep, err = verifyAny(ctx, dir)
		res.Report = rep
		if err == nil {
			// The timestamp's lines come before the bundle's.
			if isDir(dir) {
				res.Timestamp = verifyTimestamp(env, dir, opts.CA, rep)
			} else {
				res.Timestamp = zipTimestamp(env, dir, opts.CA, rep)
			}
			tsBad := res.Timestamp != nil && res.Timestamp.Present && !res.Timestamp.OK
			res.OK = rep.OK() && !tsBad
			print = func() { printVerify(env, dir, rep) }
		}
	}
	code := ExitOK
	switch {
	case err != nil:
		res.Error = err.Error()
		code = ExitError
		fmt.Fprintf(env.ErrOut, "✗ %s: %s\n", dir, err)
	case !res.OK:
		code = ExitFailed
	}
	if print != nil {
		print()
	}
	printJSON(env, opts.JSON, res)
	return code, err
}

// printJSON prints v as one line of JSON on env's stdout if asked to.
func printJSON(env *Env, asJSON bool, v any) {
	if asJSON {
		b, _ := json.Marshal(v)
		fmt.Fprintln(env.Out, string(b))
	}
}

// verifyAny verifies a bag folder or a zip of one.
func verifyAny(ctx context.Context, path string) (*bundle.Report, error) {
	if isDir(path) {
		return bundle.VerifyWith(ctx, path, bundle.VerifyOptions{ExpectedRootHash: manifestRootHash(path)})
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	f.Close()
	switch {
	case n >= 4 && string(head[:4]) == "PK\x03\x04":
		return bundle.VerifyZipFile(ctx, path, bundle.VerifyOptions{})
	}
	return nil, fmt.Errorf("verify %s: not a bundle folder, a zip of one, or an evipack PDF", path)
}

// zipTimestamp checks a timestamp attached to the bag inside a zip.
func zipTimestamp(env *Env, path, caFile string, rep *bundle.Report) *TimestampResult {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	fsys, err := bundle.OpenZip(f, st.Size(), bundle.VerifyOptions{})
	if err != nil {
		return nil
	}
	return verifyTimestampFS(env, fsys, caFile, rep)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// isPDF reports whether path is a file that starts like a PDF.
func isPDF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 5)
	n, _ := io.ReadFull(f, head)
	return n == 5 && string(head) == "%PDF-"
}

// manifestRootHash reads the root hash recorded in an evipack bundle's
// evipack.json, or "" for other bags.
func manifestRootHash(dir string) string {
	f, err := os.Open(filepath.Join(dir, pack.ManifestName))
	if err != nil {
		return ""
	}
	defer f.Close()
	var m struct {
		RootHash struct {
			SHA256 string `json:"sha256"`
		} `json:"root_hash"`
	}
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		return ""
	}
	return m.RootHash.SHA256
}

func printVerify(env *Env, dir string, rep *bundle.Report) {
	bad := 0
	for _, f := range rep.Files {
		if f.Status == bundle.StatusOK {
			continue
		}
		if f.Status != bundle.StatusUntracked {
			bad++
		}
		label := map[bundle.Status]string{
			bundle.StatusChanged:   env.msg("changed", "已被改动"),
			bundle.StatusMissing:   env.msg("missing", "缺失"),
			bundle.StatusExtra:     env.msg("extra (not in the manifest)", "多出（清单中没有）"),
			bundle.StatusUntracked: env.msg("not listed in a tag manifest", "未列入标签清单"),
		}[f.Status]
		fmt.Fprintf(env.ErrOut, "  %s: %s %s\n", f.Path, label, f.Detail)
	}
	for _, p := range rep.Problems {
		if p.File != "" {
			fmt.Fprintf(env.ErrOut, "  %s: %s\n", p.File, p.Msg)
		} else {
			fmt.Fprintf(env.ErrOut, "  %s\n", p.Msg)
		}
	}
	root := env.msg("not checked", "未核对")
	if rep.RootHash.Checked {
		if rep.RootHash.Match {
			root = "ok " + rep.RootHash.Computed
		} else {
			root = env.msg("MISMATCH", "不一致") + fmt.Sprintf(" (%s ≠ %s)", rep.RootHash.Computed, rep.RootHash.Expected)
		}
	}
	if rep.OK() {
		fmt.Fprintf(env.ErrOut, "✓ %s: %s\n", dir, env.msg(
			fmt.Sprintf("%d files ok, root hash %s", len(rep.Files), root),
			fmt.Sprintf("%d 个文件全部一致，根哈希 %s", len(rep.Files), root)))
		return
	}
	fmt.Fprintf(env.ErrOut, "✗ %s: %s\n", dir, env.msg(
		fmt.Sprintf("verification failed: %d file(s) and %d problem(s); root hash %s", bad, len(rep.Problems), root),
		fmt.Sprintf("核验未通过：%d 个文件、%d 个问题；根哈希 %s", bad, len(rep.Problems), root)))
}
