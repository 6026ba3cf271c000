package cli

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/evipack/evipack/pkg/bundle"
	"github.com/evipack/evipack/pkg/pack"
	"github.com/evipack/evipack/pkg/tsa"
)

// TimestampResult is what verify reports about an attached RFC 3161 token.
// Present is false when the bundle has no token; then nothing else is set.
type TimestampResult struct {
	Present bool   `json:"present"`
	OK      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
	// ErrorZh is Error for people, in Chinese.
	ErrorZh string `json:"error_zh,omitempty"`
	// Time is the TSA's time in RFC 3339, UTC+8; set when the token's
	// signature and chain verified, even if it no longer matches the
	// bundle's contents.
	Time   string `json:"time,omitempty"`
	TSA    string `json:"tsa,omitempty"`
	Serial string `json:"serial,omitempty"`
	Policy string `json:"policy,omitempty"`
	// TrustedRoot is true when the chain ends in a CA given with --ca, false
	// when only in the CA stored with the token (not independently trusted).
	TrustedRoot bool `json:"trusted_root"`
	// Root is the subject of the CA the chain ends in.
	Root string `json:"root,omitempty"`
	// RootHash is the evidence root hash the token was checked against.
	RootHash string `json:"root_hash,omitempty"`
	Token    string `json:"token,omitempty"`
}

// verifyTimestamp checks the RFC 3161 token attached to the bag in dir, if
// any, against the bag's recomputed root hash, prints its lines to
// env.ErrOut and returns the result. dir that is not a folder (a zip, a PDF)
// yields Present false; use verifyTimestampFS for those.
func verifyTimestamp(env *Env, dir string, caFile string, rep *bundle.Report) *TimestampResult {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return &TimestampResult{}
	}
	defer root.Close()
	return verifyTimestampFS(env, root.FS(), caFile, rep)
}

// verifyTimestampFS is verifyTimestamp over the bag's files in fsys (a
// folder, or a zip opened as an fs.FS).
func verifyTimestampFS(env *Env, fsys fs.FS, caFile string, rep *bundle.Report) *TimestampResult {
	res := checkTimestamp(fsys, caFile, rep)
	if !res.Present {
		return res
	}
	if res.Time != "" {
		printTSALines(env, res)
	}
	if res.OK {
		fmt.Fprintf(env.ErrOut, "  ✓ %s\n", env.msg(
			"the timestamp token matches the evidence root hash "+res.RootHash,
			"时间戳令牌与证据根哈希 "+res.RootHash+" 相符"))
		return res
	}
	fmt.Fprintf(env.ErrOut, "  ✗ %s: 可信时间戳未通过核验 / timestamp failed\n", TimestampTokenName)
	if res.ErrorZh != "" {
		fmt.Fprintf(env.ErrOut, "    原因：%s\n", res.ErrorZh)
	}
	fmt.Fprintf(env.ErrOut, "    reason: %s\n", res.Error)
	return res
}

// setToken copies what people need to know of a verified token.
func (r *TimestampResult) setToken(tok *tsa.Token) {
	r.Time, r.TSA, r.Serial, r.Policy = tsaTime(tok.Time), tok.TSAName, tok.Serial.String(), tok.Policy
	r.TrustedRoot = tok.TrustedRoot
	if n := len(tok.Chain); n > 0 {
		r.Root = tok.Chain[n-1].Subject.String()
	}
}

// printTSALines prints the trusted time of a verified token, who vouches for
// it and whether its CA was independently trusted.
func printTSALines(env *Env, r *TimestampResult) {
	fmt.Fprintf(env.ErrOut, "  TSA 时间（可信）: %s\n", r.Time)
	fmt.Fprintf(env.ErrOut, "  %s: %s; %s %s\n", env.msg("TSA", "时间戳机构"), r.TSA, env.msg("serial", "序列号"), r.Serial)
	if r.TrustedRoot {
		fmt.Fprintf(env.ErrOut, "  %s\n", env.msg("certificate chain ends in the given CA "+r.Root,
			"证书链可追溯到所指定的根证书 "+r.Root))
		return
	}
	fmt.Fprintf(env.ErrOut, "  %s\n", env.msg(
		"note: no --ca given: the chain was checked only up to the root "+r.Root+" that came with the timestamp; the CA was NOT independently trusted",
		"注意：未用 --ca 指定根证书，证书链只核对到随时间戳提供的根证书 "+r.Root+"，该机构本身未经独立信任"))
}

// checkTimestamp does the work of verifyTimestampFS without printing.
func checkTimestamp(fsys fs.FS, caFile string, rep *bundle.Report) *TimestampResult {
	res := &TimestampResult{}
	fail := func(en, zh string) *TimestampResult {
		res.OK, res.Error, res.ErrorZh = false, en, zh
		return res
	}
	der, err := readFSLimited(fsys, TimestampTokenName, tsa.MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return res
	}
	res.Present, res.Token = true, TimestampTokenName
	if err != nil {
		return fail(fmt.Sprintf("read %s: %v", TimestampTokenName, err), "无法读取时间戳令牌文件 "+TimestampTokenName)
	}
	var opts tsa.VerifyOptions
	if b, err := readFSLimited(fsys, TimestampChainName, tsa.MaxSize); err == nil {
		certs, err := parsePEMCerts(b)
		if err != nil {
			return fail(fmt.Sprintf("%s: %v", TimestampChainName, err), "证书链文件 "+TimestampChainName+" 无法解析")
		}
		opts.Certificates = certs
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fail(fmt.Sprintf("read %s: %v", TimestampChainName, err), "无法读取证书链文件 "+TimestampChainName)
	}
	var roots *x509.CertPool
	if caFile != "" {
		if roots, _, err = loadCAFile(caFile); err != nil {
			return fail(err.Error(), "无法读取 --ca 指定的根证书文件："+err.Error())
		}
	}
	if rep == nil || rep.RootHash.Computed == "" {
		return fail("the bundle has no manifest-sha256.txt to compute the root hash the token must cover",
			"证据包缺少 manifest-sha256.txt，无法计算时间戳所证明的根哈希")
	}
	res.RootHash = rep.RootHash.Computed
	tok, err := tsa.VerifyTokenWithOptions(der, rep.RootHash.Computed, roots, opts)
	if err != nil {
		zh := tsa.Zh(err)
		if errors.Is(err, tsa.ErrImprintMismatch) {
			zh = "时间戳令牌与证据包现在的根哈希 " + rep.RootHash.Computed + " 不再相符：证据清单在加盖时间戳之后被改动，或令牌属于其他证据包"
		}
		return fail(err.Error(), zh)
	}
	res.setToken(tok)

	// The token covers the root hash listed in manifest-sha256.txt; the
	// originals must still hash as listed for it to cover them.
	var changed, changedZh []string
	for _, f := range rep.Files {
		if strings.HasPrefix(f.Path, bundle.EvidencePrefix) && f.Status != bundle.StatusOK {
			zh := map[bundle.Status]string{bundle.StatusChanged: "已被改动", bundle.StatusMissing: "缺失",
				bundle.StatusExtra: "多出"}[f.Status]
			changed = append(changed, f.Path+" ("+string(f.Status)+")")
			changedZh = append(changedZh, f.Path+"（"+zh+"）")
		}
	}
	if len(changed) > 0 {
		return fail(
			fmt.Sprintf("the token no longer matches the bundle: it covers root hash %s, which the originals no longer have: %s", res.RootHash, strings.Join(changed, ", ")),
			fmt.Sprintf("时间戳令牌与证据包内容不再相符：令牌证明的是根哈希 %s，但证据原件已与之不符：%s", res.RootHash, strings.Join(changedZh, "、")))
	}
	if rep.RootHash.Checked && !rep.RootHash.Match {
		return fail(
			fmt.Sprintf("the token no longer matches the bundle: recorded root hash %s differs from the computed %s", rep.RootHash.Expected, rep.RootHash.Computed),
			fmt.Sprintf("时间戳令牌与证据包不再相符：记录的根哈希 %s 与重新计算的 %s 不一致", rep.RootHash.Expected, rep.RootHash.Computed))
	}

	// evipack.json must not claim another time than the token's.
	if b, err := readFSLimited(fsys, pack.ManifestName, maxManifestJSON); err == nil {
		var doc struct {
			Timestamp *struct {
				Time string `json:"time"`
			} `json:"timestamp"`
		}
		if json.Unmarshal(b, &doc) == nil && doc.Timestamp != nil {
			t, err := time.Parse(time.RFC3339Nano, doc.Timestamp.Time)
			if err != nil || !t.Equal(tok.Time) {
				return fail(
					fmt.Sprintf("%s records TSA time %q, but the token says %s", pack.ManifestName, doc.Timestamp.Time, res.Time),
					fmt.Sprintf("%s 中记载的 TSA 时间 %q 与时间戳令牌中的时间 %s 不一致", pack.ManifestName, doc.Timestamp.Time, res.Time))
			}
		}
	}
	res.OK = true
	return res
}

// readFSLimited reads name from fsys, refusing files larger than max.
func readFSLimited(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, max)
	}
	return b, nil
}
