package cli

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/evipack/evipack/pkg/bundle"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/pack"
	"github.com/evipack/evipack/pkg/tsa"
)

// Tag files written by `evipack stamp`.
const (
	TimestampRequestName = "evipack-timestamp.tsq"
	TimestampTokenName   = "evipack-timestamp.tsr"
	TimestampChainName   = "evipack-timestamp-chain.pem"
)

// maxManifestJSON bounds the evipack.json read by stamp and verify.
const maxManifestJSON = 64 << 20

// StampOptions are the parsed flags of `evipack stamp`.
type StampOptions struct {
	Env    *Env
	Bundle string
	Attach string // response file; empty: write the request
	CA     string // PEM file of trusted TSA root certificates
}

// NewCmdStamp builds `evipack stamp`. runF, when set, receives the parsed
// options instead of running (for tests of flag parsing).
func NewCmdStamp(env *Env, runF func(*StampOptions) error) *cobra.Command {
	opts := &StampOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "stamp BUNDLE [--attach RESPONSE.tsr [--ca CA.pem]]",
		Short: "申请并附加可信时间戳（RFC 3161）/ request and attach a trusted timestamp",
		Long: `不带 --attach：核验证据包后，为其根哈希生成 RFC 3161 时间戳申请文件
evipack-timestamp.tsq（存入证据包），并说明如何发给时间戳服务机构（TSA）。
evipack 不会联网；同一证据包每次生成的申请文件逐字节相同。

带 --attach：核对机构返回的应答文件（状态、哈希值、随机数、签名、签名证书的
时间戳用途、证书链），通过后把时间戳令牌和证书链存入证据包，并把 TSA 时间写入
evipack.json。--ca 指定所信任的机构根证书（PEM）；不指定时只能核对到应答自带的
根证书，该机构本身未经独立信任。

Without --attach: verifies the bundle and writes an RFC 3161 request for its
root hash into it (evipack-timestamp.tsq), with instructions for sending it
to a time-stamping authority. evipack never goes online.

With --attach: checks the TSA's response and, if it is valid, stores the
token and certificate chain in the bundle and records the TSA time in
evipack.json. --ca names the trusted TSA root certificate(s) in PEM.
` + exitStatusHelp,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bundle = args[0]
			if opts.CA != "" && opts.Attach == "" {
				return &FlagError{errors.New("--ca needs --attach")}
			}
			if runF != nil {
				return runF(opts)
			}
			return stampRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Attach, "attach", "", "check the TSA response file and store its token in the bundle")
	cmd.Flags().StringVar(&opts.CA, "ca", "", "PEM file with the TSA's root CA certificate(s) to trust")
	return cmd
}

func stampRun(ctx context.Context, opts *StampOptions) error {
	env := opts.Env
	dir := opts.Bundle
	root, err := stampableRoot(ctx, env, dir)
	if err != nil {
		return err
	}
	if opts.Attach == "" {
		return stampRequest(env, dir, root)
	}
	return stampAttach(env, dir, root, opts)
}

// stampableRoot verifies the bag in dir and returns its root hash, refusing
// a damaged bag (exit 3) and one whose bag-info.txt and evipack.json disagree.
func stampableRoot(ctx context.Context, env *Env, dir string) (string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("stamp %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("stamp %s: not a folder (stamp works on an unzipped bundle folder)", dir)
	}
	rep, err := bundle.Verify(ctx, dir)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("stamp %s: %w", dir, err)
	}
	if !rep.OK() {
		printVerify(env, dir, rep)
		return "", &exitError{ExitFailed, env.msg(
			"the bundle does not verify; a damaged bundle is not stamped",
			"证据包核验未通过，不能为已损坏或被改动的证据包申请时间戳")}
	}
	var ext string
	for _, f := range rep.BagInfo {
		if strings.EqualFold(f.Label, "External-Identifier") {
			ext = strings.ToLower(f.Value)
			break
		}
	}
	if ext == "" || !rep.RootHash.Checked || !rep.RootHash.Match {
		return "", fmt.Errorf("stamp %s: bag-info.txt has no External-Identifier with the evidence root hash: not an evipack bundle", dir)
	}
	m, err := readManifestJSON(dir)
	if err != nil {
		return "", fmt.Errorf("stamp %s: %w", dir, err)
	}
	var doc struct {
		RootHash struct {
			SHA256 string `json:"sha256"`
		} `json:"root_hash"`
	}
	if err := json.Unmarshal(m, &doc); err != nil {
		return "", fmt.Errorf("stamp %s: %s: %w", dir, pack.ManifestName, err)
	}
	if !strings.EqualFold(doc.RootHash.SHA256, ext) {
		return "", &exitError{ExitFailed, env.msg(
			fmt.Sprintf("stamp %s: root hash in %s (%q) differs from bag-info.txt External-Identifier (%s); refusing to stamp", dir, pack.ManifestName, doc.RootHash.SHA256, ext),
			fmt.Sprintf("stamp %s: %s 中的根哈希（%q）与 bag-info.txt 的 External-Identifier（%s）不一致，拒绝申请时间戳", dir, pack.ManifestName, doc.RootHash.SHA256, ext))}
	}
	return ext, nil
}

// readManifestJSON reads the bag's evipack.json, bounded.
func readManifestJSON(dir string) ([]byte, error) {
	b, err := readBagFile(dir, pack.ManifestName, maxManifestJSON)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no %s: not an evipack bundle", pack.ManifestName)
	}
	return b, err
}

// readBagFile reads name inside dir without following it out of dir, and
// refuses files larger than max.
func readBagFile(dir, name string, max int64) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return readFSLimited(root.FS(), name, max)
}

// readLimitedFile reads a file outside the bag (a response, a CA), bounded.
func readLimitedFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, max)
	}
	return b, nil
}

// stampRequest writes the request for rootHash into the bag.
func stampRequest(env *Env, dir, rootHash string) error {
	req, err := tsa.NewRequest(rootHash, nil)
	if err != nil {
		return fmt.Errorf("stamp %s: %w", dir, err)
	}
	old, err := readBagFile(dir, TimestampRequestName, tsa.MaxSize)
	if err != nil || !bytes.Equal(old, req) {
		if err := bundle.UpdateTags(dir, map[string][]byte{TimestampRequestName: req}); err != nil {
			return fmt.Errorf("stamp %s: %w", dir, err)
		}
	}
	p := filepath.Join(dir, TimestampRequestName)
	fmt.Fprint(env.ErrOut, tsa.Instructions(p))
	fmt.Fprintln(env.Out, p)
	return nil
}

// timestampRecord is the "timestamp" member stamp adds to evipack.json.
type timestampRecord struct {
	Time          string `json:"time"`
	TSA           string `json:"tsa"`
	Serial        string `json:"serial"`
	Policy        string `json:"policy"`
	TrustedRoot   bool   `json:"trusted_root"`
	Token         string `json:"token"`
	Chain         string `json:"chain"`
	VerifyCommand string `json:"verify_command"`
}

// TimestampVerifyCommand is the shell command, run in the bundle folder,
// that checks the attached token with openssl against the root hash.
// tsa-ca.pem is the TSA's root certificate, obtained from the TSA itself.
// untrusted adds the stored chain for building the path to it, needed when
// the TSA has intermediate CAs (openssl then warns that the TSA's own
// certificate in that file "is not a CA cert", which is harmless).
func TimestampVerifyCommand(rootHash string, untrusted bool) string {
	cmd := "printf %s " + rootHash + " > roothash.txt && openssl ts -verify -in " + TimestampTokenName +
		" -token_in -data roothash.txt -CAfile tsa-ca.pem"
	if untrusted {
		cmd += " -untrusted " + TimestampChainName
	}
	return cmd
}

// tsaTime formats a TSA time for people and evipack.json: RFC 3339 in UTC+8.
func tsaTime(t time.Time) string { return t.In(evidence.CST).Format(time.RFC3339Nano) }

// stampAttach checks the response at opts.Attach against the bag's request
// and stores the token.
func stampAttach(env *Env, dir, rootHash string, opts *StampOptions) error {
	req, err := readBagFile(dir, TimestampRequestName, tsa.MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return &exitError{ExitError, env.msg(
			fmt.Sprintf("stamp %s: the bundle has no %s; run 'evipack stamp %s' first and send that request to the TSA", dir, TimestampRequestName, dir),
			fmt.Sprintf("stamp %s: 证据包中没有时间戳申请文件 %s；请先运行 evipack stamp %s，把生成的申请文件发给时间戳机构", dir, TimestampRequestName, dir))}
	}
	if err != nil {
		return fmt.Errorf("stamp %s: %w", dir, err)
	}
	want, err := tsa.NewRequest(rootHash, nil)
	if err != nil {
		return fmt.Errorf("stamp %s: %w", dir, err)
	}
	if !bytes.Equal(req, want) {
		return &exitError{ExitFailed, env.msg(
			fmt.Sprintf("stamp %s: %s was not made for this bundle's root hash; run 'evipack stamp %s' again", dir, TimestampRequestName, dir),
			fmt.Sprintf("stamp %s: %s 不是为本证据包的根哈希生成的；请重新运行 evipack stamp %s", dir, TimestampRequestName, dir))}
	}
	resp, err := readLimitedFile(opts.Attach, tsa.MaxSize)
	if err != nil {
		return fmt.Errorf("stamp %s: %w", dir, err)
	}
	var roots *x509.CertPool
	if opts.CA != "" {
		if roots, _, err = loadCAFile(opts.CA); err != nil {
			return fmt.Errorf("stamp %s: %w", dir, err)
		}
	}
	tok, err := tsa.Verify(req, resp, roots, tsa.VerifyOptions{})
	if err != nil {
		fmt.Fprintf(env.ErrOut, "✗ %s: 时间戳应答未通过核验，证据包未作改动 / timestamp response refused, bundle unchanged\n", opts.Attach)
		if zh := tsa.Zh(err); zh != "" {
			fmt.Fprintf(env.ErrOut, "  原因：%s\n", zh)
		}
		fmt.Fprintf(env.ErrOut, "  reason: %s\n", err)
		return &exitError{ExitFailed, ""}
	}

	// The verified chain, signer first; with --ca it ends in the given CA.
	chainPEM := encodeCerts(tok.Chain)
	m, err := readManifestJSON(dir)
	if err != nil {
		return fmt.Errorf("stamp %s: %w", dir, err)
	}
	rec := timestampRecord{
		Time:          tsaTime(tok.Time),
		TSA:           tok.TSAName,
		Serial:        tok.Serial.String(),
		Policy:        tok.Policy,
		TrustedRoot:   tok.TrustedRoot,
		Token:         TimestampTokenName,
		Chain:         TimestampChainName,
		VerifyCommand: TimestampVerifyCommand(rootHash, len(tok.Chain) > 2),
	}
	m, err = setJSONMember(m, "timestamp", rec)
	if err != nil {
		return fmt.Errorf("stamp %s: %s: %w", dir, pack.ManifestName, err)
	}
	err = bundle.UpdateTags(dir, map[string][]byte{
		TimestampTokenName: tok.DER,
		TimestampChainName: chainPEM,
		pack.ManifestName:  m,
	})
	if err != nil {
		return fmt.Errorf("stamp %s: %w", dir, err)
	}
	fmt.Fprintf(env.ErrOut, "✓ %s: %s\n", dir, env.msg("timestamp verified and attached", "可信时间戳已核验并存入证据包"))
	var res TimestampResult
	res.setToken(tok)
	printTSALines(env, &res)
	fmt.Fprintln(env.Out, filepath.Join(dir, TimestampTokenName))
	return nil
}

// loadCAFile reads one or more PEM certificates.
func loadCAFile(path string) (*x509.CertPool, []*x509.Certificate, error) {
	b, err := readLimitedFile(path, tsa.MaxSize)
	if err != nil {
		return nil, nil, fmt.Errorf("--ca: %w", err)
	}
	certs, err := parsePEMCerts(b)
	if err != nil {
		return nil, nil, fmt.Errorf("--ca %s: %w", path, err)
	}
	if len(certs) == 0 {
		return nil, nil, fmt.Errorf("--ca %s: no PEM CERTIFICATE found", path)
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, certs, nil
}

// parsePEMCerts returns the CERTIFICATE blocks of b; other blocks are skipped.
func parsePEMCerts(b []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for len(b) > 0 {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	return certs, nil
}

// encodeCerts writes certs as PEM, each once, in order.
func encodeCerts(certs []*x509.Certificate) []byte {
	var b bytes.Buffer
	seen := map[string]bool{}
	for _, c := range certs {
		if seen[string(c.Raw)] {
			continue
		}
		seen[string(c.Raw)] = true
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// setJSONMember sets member key of the JSON object doc to value and returns
// the document re-encoded like evipack.json is written: 2-space indentation,
// no HTML escaping, a final newline. The other members keep their order and
// their values' bytes (only whitespace is re-indented); key is replaced
// where it is, or appended at the end. Duplicate keys are refused.
func setJSONMember(doc []byte, key string, value any) ([]byte, error) {
	keys, vals, err := decodeObject(doc)
	if err != nil {
		return nil, err
	}
	raw, err := marshalNoEscape(value)
	if err != nil {
		return nil, err
	}
	found := false
	for i, k := range keys {
		if k == key {
			vals[i], found = raw, true
		}
	}
	if !found {
		keys, vals = append(keys, key), append(vals, raw)
	}
	return encodeObject(keys, vals)
}

// decodeObject splits a JSON object into its keys, in order, and raw values.
func decodeObject(doc []byte) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	t, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, nil, errors.New("not a JSON object")
	}
	var keys []string
	var vals []json.RawMessage
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, ok := t.(string)
		if !ok {
			return nil, nil, errors.New("object key is not a string")
		}
		if seen[k] {
			return nil, nil, fmt.Errorf("key %q appears twice", k)
		}
		seen[k] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("data after the JSON object")
	}
	return keys, vals, nil
}

// encodeObject writes keys and values as an indented JSON object.
func encodeObject(keys []string, vals []json.RawMessage) ([]byte, error) {
	if len(keys) == 0 {
		return []byte("{}\n"), nil
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, k := range keys {
		kb, err := marshalNoEscape(k)
		if err != nil {
			return nil, err
		}
		b.WriteString("  ")
		b.Write(kb)
		b.WriteString(": ")
		if err := json.Indent(&b, vals[i], "  ", "  "); err != nil {
			return nil, fmt.Errorf("value of %s: %w", kb, err)
		}
		if i < len(keys)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

// marshalNoEscape is json.Marshal without HTML escaping.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
