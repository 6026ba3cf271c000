package cli

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"github.com/evipack/evipack/pkg/bundle"
	"github.com/evipack/evipack/pkg/pack"
	"github.com/evipack/evipack/pkg/tsa"
)

// localTSA is a throw-away PKI and RFC 3161 authority made with the openssl
// CLI in a temp folder:
//
//	ca.pem, ca.key          test root CA
//	other-ca.pem            an unrelated root CA
//	tsa.key                 the TSA key
//	tsa.pem                 ca-signed, extendedKeyUsage=critical,timeStamping
//	tsa-other.pem           other-ca-signed, critical timeStamping
//	tsa-server.pem          ca-signed, extendedKeyUsage=critical,serverAuth (no timeStamping)
type localTSA struct{ dir string }

// newLocalTSA skips without openssl, except under CI=true.
func newLocalTSA(t *testing.T) *localTSA {
	t.Helper()
	needTool(t, "openssl")
	l := &localTSA{dir: t.TempDir()}
	ec := []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"}
	for _, ca := range []struct{ name, cn string }{{"ca", "evipack 测试根证书"}, {"other-ca", "Unrelated Root CA"}} {
		l.openssl(t, append(append([]string{"req", "-x509", "-utf8"}, ec...), "-keyout", ca.name+".key", "-out", ca.name+".pem",
			"-days", "3650", "-subj", "/CN="+ca.cn, "-addext", "basicConstraints=critical,CA:TRUE",
			"-addext", "keyUsage=critical,keyCertSign,cRLSign")...)
	}
	l.openssl(t, append(append([]string{"req", "-new"}, ec...), "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/O=evipack test/CN=Local Test TSA")...)
	for _, c := range []struct{ name, ca, eku string }{
		{"tsa", "ca", "critical,timeStamping"},
		{"tsa-other", "other-ca", "critical,timeStamping"},
		{"tsa-server", "ca", "critical,serverAuth"},
	} {
		l.write(t, c.name+".ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage="+c.eku+"\n")
		l.openssl(t, "x509", "-req", "-in", "tsa.csr", "-CA", c.ca+".pem", "-CAkey", c.ca+".key", "-CAcreateserial",
			"-days", "365", "-extfile", c.name+".ext", "-out", c.name+".pem")
	}
	l.write(t, "tsa.cnf", `[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = ./serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_alg = sha256
`)
	l.write(t, "serial", "29\n") // openssl issues the next: 0x2A = 42
	return l
}

func (l *localTSA) path(name string) string { return filepath.Join(l.dir, name) }

func (l *localTSA) write(t *testing.T, name, s string) {
	t.Helper()
	if err := os.WriteFile(l.path(name), []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (l *localTSA) openssl(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("openssl", args...)
	cmd.Dir = l.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// reply answers the request file reqPath with `openssl ts -reply`, signed
// with signer (a .pem here), embedding chain ("" for none), and returns the
// path of the response.
func (l *localTSA) reply(t *testing.T, reqPath, signer, chain string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "resp.tsr")
	args := []string{"ts", "-reply", "-config", "tsa.cnf", "-queryfile", reqPath, "-signer", signer, "-inkey", "tsa.key", "-out", out}
	if chain != "" {
		args = append(args, "-chain", chain)
	}
	l.openssl(t, args...)
	return out
}

// goReply answers reqPath in Go, for signer certificates openssl refuses to
// sign with (no timeStamping usage). The CA is embedded.
func (l *localTSA) goReply(t *testing.T, reqPath, signer string) string {
	t.Helper()
	reqDER, err := os.ReadFile(reqPath)
	if err != nil {
		t.Fatal(err)
	}
	req, err := timestamp.ParseRequest(reqDER)
	if err != nil {
		t.Fatal(err)
	}
	keyBlock, _ := pem.Decode(readFile(t, l.path("tsa.key")))
	key, err := x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ts := timestamp.Timestamp{
		HashAlgorithm:     req.HashAlgorithm,
		HashedMessage:     req.HashedMessage,
		Time:              time.Now().UTC().Truncate(time.Second),
		Nonce:             req.Nonce,
		Policy:            []int{1, 2, 3, 4, 1},
		SerialNumber:      big.NewInt(99),
		AddTSACertificate: true,
		Certificates:      []*x509.Certificate{l.cert(t, "ca.pem")},
	}
	resp, err := ts.CreateResponseWithOpts(l.cert(t, signer), key.(crypto.Signer), crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "resp.tsr")
	if err := os.WriteFile(out, resp, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func (l *localTSA) cert(t *testing.T, name string) *x509.Certificate {
	t.Helper()
	blk, _ := pem.Decode(readFile(t, l.path(name)))
	if blk == nil {
		t.Fatalf("%s: no PEM", name)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, p string, b []byte) string {
	t.Helper()
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// rootHashOf reads the evidence root hash a bundle declares.
func rootHashOf(t *testing.T, dir string) string {
	t.Helper()
	h := manifestRootHash(dir)
	if len(h) != 64 {
		t.Fatalf("%s: no root hash in evipack.json", dir)
	}
	return h
}

// sha256sumCheck runs `sha256sum -c --strict tagmanifest-sha256.txt` in dir.
func sha256sumCheck(t *testing.T, dir string) {
	t.Helper()
	needTool(t, "sha256sum")
	cmd := exec.Command("sha256sum", "-c", "--strict", "tagmanifest-sha256.txt")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c tagmanifest-sha256.txt: %v\n%s", err, out)
	}
}

// stamped returns a fresh copy of the sample bundle with a request written.
func stamped(t *testing.T) (dir, tsq string) {
	t.Helper()
	dir = bundleCopy(t)
	r := run(t, "stamp", dir)
	if r.code != ExitOK {
		t.Fatalf("stamp: exit %d\n%s", r.code, r.errOut)
	}
	return dir, filepath.Join(dir, TimestampRequestName)
}

func TestNewCmdStamp(t *testing.T) {
	tests := []struct {
		args    []string
		want    StampOptions
		wantErr bool
	}{
		{args: []string{"b"}, want: StampOptions{Bundle: "b"}},
		{args: []string{"b", "--attach", "r.tsr"}, want: StampOptions{Bundle: "b", Attach: "r.tsr"}},
		{args: []string{"--attach", "r.tsr", "--ca", "ca.pem", "b"}, want: StampOptions{Bundle: "b", Attach: "r.tsr", CA: "ca.pem"}},
		{args: []string{"b", "--ca", "ca.pem"}, wantErr: true},
		{args: []string{}, wantErr: true},
		{args: []string{"a", "b"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			env, _, _ := testEnv(nil)
			var got *StampOptions
			cmd := NewCmdStamp(env, func(o *StampOptions) error { got = o; return nil })
			cmd.SetArgs(tc.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tc.wantErr {
				var fe *FlagError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.Env = nil
			if *got != tc.want {
				t.Errorf("options %+v, want %+v", *got, tc.want)
			}
		})
	}
}

// TestStampRequest: stamp writes the deterministic request as a tag file,
// prints instructions and the path, and is idempotent.
func TestStampRequest(t *testing.T) {
	dir := bundleCopy(t)
	root := rootHashOf(t, dir)
	r := run(t, "stamp", dir)
	if r.code != ExitOK {
		t.Fatalf("stamp: exit %d\n%s", r.code, r.errOut)
	}
	tsq := filepath.Join(dir, TimestampRequestName)
	if r.out != tsq+"\n" {
		t.Errorf("stdout %q, want the request path", r.out)
	}
	if want := tsa.Instructions(tsq); r.errOut != want {
		t.Errorf("stderr is not tsa.Instructions:\n%s", r.errOut)
	}
	want, err := tsa.NewRequest(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, tsq); !bytes.Equal(got, want) {
		t.Error("request is not tsa.NewRequest(root hash, derived nonce)")
	}
	rep, err := bundle.Verify(context.Background(), dir)
	if err != nil || !rep.OK() {
		t.Fatalf("bundle does not verify after stamp: %v %+v", err, rep)
	}
	if f, ok := rep.File(TimestampRequestName); !ok || f.Status != bundle.StatusOK {
		t.Errorf("%s is not listed in the tag manifest: %+v", TimestampRequestName, f)
	}
	sha256sumCheck(t, dir)

	// openssl reads the request and sees the imprint of the root hash.
	if _, err := exec.LookPath("openssl"); err == nil {
		out, err := exec.Command("openssl", "ts", "-query", "-in", tsq, "-text").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl ts -query -in: %v\n%s", err, out)
		}
		imprint, _ := tsa.Imprint(root)
		hexSpaced := strings.ToLower(strings.Join(splitHex(imprint), " "))
		if !strings.Contains(strings.ToLower(string(out)), hexSpaced[:23]) {
			t.Errorf("openssl shows no imprint %s:\n%s", hexSpaced, out)
		}
	}

	before := snapshot(t, dir)
	if r2 := run(t, "stamp", dir); r2.code != ExitOK || r2.out != r.out || r2.errOut != r.errOut {
		t.Errorf("second stamp differs: exit %d\n%s", r2.code, r2.errOut)
	}
	if d := diffTrees(before, snapshot(t, dir)); len(d) > 0 {
		t.Errorf("second stamp changed the bundle: %v", d)
	}
}

// splitHex formats b as "aa bb cc …" pieces, as openssl prints dumps.
func splitHex(b []byte) []string {
	const digits = "0123456789abcdef"
	var out []string
	for _, c := range b {
		out = append(out, string([]byte{digits[c>>4], digits[c&15]}))
	}
	return out
}

// TestStampRefusesBundle: a damaged bundle, a bundle whose evipack.json
// disagrees with bag-info.txt and a missing request are refused, and nothing
// is written.
func TestStampRefusesBundle(t *testing.T) {
	tests := []struct {
		name   string
		prep   func(t *testing.T, dir string)
		args   func(dir string) []string
		code   int
		stderr []string
	}{
		{
			name: "damaged payload",
			prep: func(t *testing.T, dir string) {
				flipByte(t, filepath.Join(dir, "data/evidence/05/与星辰客服的聊天记录.txt"))
			},
			args:   func(dir string) []string { return []string{"stamp", dir} },
			code:   ExitFailed,
			stderr: []string{"data/evidence/05/与星辰客服的聊天记录.txt", "damaged bundle is not stamped"},
		},
		{
			name: "root hashes disagree",
			prep: func(t *testing.T, dir string) {
				m := readFile(t, filepath.Join(dir, pack.ManifestName))
				root := rootHashOf(t, dir)
				m = bytes.Replace(m, []byte(root), []byte(strings.Repeat("0", 64)), 1)
				// Keep the bag itself valid: only the cross-check can catch it.
				if err := bundle.UpdateTags(dir, map[string][]byte{pack.ManifestName: m}); err != nil {
					t.Fatal(err)
				}
			},
			args:   func(dir string) []string { return []string{"stamp", dir} },
			code:   ExitFailed,
			stderr: []string{"differs from bag-info.txt External-Identifier"},
		},
		{
			name:   "attach before stamp",
			args:   func(dir string) []string { return []string{"stamp", dir, "--attach", filepath.Join(dir, "bagit.txt")} },
			code:   ExitError,
			stderr: []string{"has no " + TimestampRequestName, "evipack stamp " + "DIR"},
		},
		{
			name: "not a bundle",
			prep: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "bagit.txt")); err != nil {
					t.Fatal(err)
				}
			},
			args:   func(dir string) []string { return []string{"stamp", dir} },
			code:   ExitError,
			stderr: []string{"not a bagit bag"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := bundleCopy(t)
			if tc.prep != nil {
				tc.prep(t, dir)
			}
			before := snapshot(t, dir)
			r := run(t, tc.args(dir)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tc.code, r.errOut)
			}
			for _, s := range tc.stderr {
				s = strings.ReplaceAll(s, "DIR", dir)
				if !strings.Contains(r.errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.errOut)
				}
			}
			if d := diffTrees(before, snapshot(t, dir)); len(d) > 0 {
				t.Errorf("refused stamp changed the bundle: %v", d)
			}
		})
	}
}

func flipByte(t *testing.T, p string) {
	t.Helper()
	b := readFile(t, p)
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStampAttachAndVerify is the whole trusted-time path with a real local
// TSA: stamp, answer with openssl, attach, verify offline, check with
// openssl ts -verify, then damage the payload.
func TestStampAttachAndVerify(t *testing.T) {
	l := newLocalTSA(t)
	dir, tsq := stamped(t)
	root := rootHashOf(t, dir)
	origJSON := readFile(t, filepath.Join(dir, pack.ManifestName))
	resp := l.reply(t, tsq, "tsa.pem", "")
	start := time.Now()

	r := run(t, "stamp", dir, "--attach", resp, "--ca", l.path("ca.pem"))
	if r.code != ExitOK {
		t.Fatalf("attach: exit %d\n%s", r.code, r.errOut)
	}
	if r.out != filepath.Join(dir, TimestampTokenName)+"\n" {
		t.Errorf("stdout %q, want the token path", r.out)
	}
	for _, s := range []string{"TSA 时间（可信）: ", "+08:00", "CN=Local Test TSA", "serial 42", "given CA CN=evipack 测试根证书"} {
		if !strings.Contains(r.errOut, s) {
			t.Errorf("attach stderr lacks %q:\n%s", s, r.errOut)
		}
	}
	sha256sumCheck(t, dir)

	// evipack.json: the old members byte for byte, then "timestamp".
	newJSON := readFile(t, filepath.Join(dir, pack.ManifestName))
	keys, vals, err := decodeObject(newJSON)
	if err != nil {
		t.Fatal(err)
	}
	if keys[len(keys)-1] != "timestamp" {
		t.Fatalf("last key %q, want timestamp", keys[len(keys)-1])
	}
	stripped, err := encodeObject(keys[:len(keys)-1], vals[:len(vals)-1])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stripped, origJSON) {
		t.Error("evipack.json without timestamp differs from the original")
	}
	var rec timestampRecord
	if err := json.Unmarshal(vals[len(vals)-1], &rec); err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse(time.RFC3339, rec.Time)
	if err != nil || !strings.HasSuffix(rec.Time, "+08:00") {
		t.Errorf("time %q is not RFC 3339 in UTC+8: %v", rec.Time, err)
	}
	if d := at.Sub(start); d < -time.Minute || d > time.Minute {
		t.Errorf("TSA time %s is not now (%s)", at, start)
	}
	wantRec := timestampRecord{Time: rec.Time, TSA: "O=evipack test,CN=Local Test TSA", Serial: "42", Policy: "1.2.3.4.1",
		TrustedRoot: true, Token: TimestampTokenName, Chain: TimestampChainName, VerifyCommand: TimestampVerifyCommand(root, false)}
	if strings.Contains(rec.TSA, "CN=Local Test TSA") {
		wantRec.TSA = rec.TSA // the DN's rendering order is Go's; the name is what matters
	}
	if rec != wantRec {
		t.Errorf("timestamp record\n%+v, want\n%+v", rec, wantRec)
	}
	chain, err := parsePEMCerts(readFile(t, filepath.Join(dir, TimestampChainName)))
	if err != nil || len(chain) != 2 || !chain[0].Equal(l.cert(t, "tsa.pem")) || !chain[1].Equal(l.cert(t, "ca.pem")) {
		t.Errorf("chain file holds %d certificates (%v), want the TSA then the CA", len(chain), err)
	}

	// verify: with --ca, without --ca, --json.
	t.Run("verify", func(t *testing.T) {
		r := run(t, "verify", dir, "--ca", l.path("ca.pem"))
		if r.code != ExitOK {
			t.Fatalf("verify: exit %d\n%s", r.code, r.errOut)
		}
		for _, s := range []string{"TSA 时间（可信）: " + rec.Time, "given CA", "matches the evidence root hash " + root} {
			if !strings.Contains(r.errOut, s) {
				t.Errorf("verify stderr lacks %q:\n%s", s, r.errOut)
			}
		}
		r = run(t, "verify", dir)
		if r.code != ExitOK || !strings.Contains(r.errOut, "NOT independently trusted") {
			t.Errorf("verify without --ca: exit %d, want 0 and a note that the CA was not trusted\n%s", r.code, r.errOut)
		}
		r = run(t, "verify", "--json", dir)
		var res struct {
			OK        bool            `json:"ok"`
			Timestamp TimestampResult `json:"timestamp"`
		}
		if err := json.Unmarshal([]byte(r.out), &res); err != nil {
			t.Fatalf("--json output: %v\n%s", err, r.out)
		}
		if ts := res.Timestamp; !res.OK || !ts.Present || !ts.OK || ts.Time != rec.Time || ts.TrustedRoot || ts.RootHash != root {
			t.Errorf("--json timestamp %+v", res)
		}
		r = run(t, "verify", dir, "--ca", l.path("other-ca.pem"))
		if r.code != ExitFailed || !strings.Contains(r.errOut, "untrusted certificate chain") {
			t.Errorf("verify with the wrong CA: exit %d, want 3 and an untrusted chain\n%s", r.code, r.errOut)
		}
	})

	// What 核验说明.txt and evipack.json tell people works with openssl.
	t.Run("openssl ts -verify", func(t *testing.T) {
		work := t.TempDir()
		rootFile := writeFile(t, filepath.Join(work, "root.txt"), []byte(root))
		out := l.openssl(t, "ts", "-verify", "-in", filepath.Join(dir, TimestampTokenName), "-token_in",
			"-data", rootFile, "-CAfile", l.path("ca.pem"))
		if !strings.Contains(out, "Verification: OK") {
			t.Errorf("openssl ts -verify: %s", out)
		}
		copyDir := filepath.Join(work, "bundle")
		copyTree(t, dir, copyDir)
		writeFile(t, filepath.Join(copyDir, "tsa-ca.pem"), readFile(t, l.path("ca.pem")))
		cmd := exec.Command("sh", "-c", rec.VerifyCommand)
		cmd.Dir = copyDir
		b, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(b), "Verification: OK") {
			t.Errorf("verify_command %q: %v\n%s", rec.VerifyCommand, err, b)
		}
		// The variant with the stored chain, for TSAs with intermediates.
		cmd = exec.Command("sh", "-c", TimestampVerifyCommand(root, true))
		cmd.Dir = copyDir
		if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "Verification: OK") {
			t.Errorf("verify command with -untrusted: %v\n%s", err, b)
		}
		// Another root hash fails.
		writeFile(t, rootFile, []byte(strings.Repeat("a", 64)))
		cmd = exec.Command("openssl", "ts", "-verify", "-in", filepath.Join(dir, TimestampTokenName), "-token_in",
			"-data", rootFile, "-CAfile", l.path("ca.pem"))
		if b, err := cmd.CombinedOutput(); err == nil {
			t.Errorf("openssl accepted the token for another root hash:\n%s", b)
		}
	})

	// Damage after attaching: the file is named and the token no longer matches.
	t.Run("payload changed", func(t *testing.T) {
		d := filepath.Join(t.TempDir(), "sample")
		copyTree(t, dir, d)
		changed := "data/evidence/07/微信支付账单(20260901-20260907).csv"
		flipByte(t, filepath.Join(d, changed))
		r := run(t, "verify", d, "--ca", l.path("ca.pem"))
		if r.code != ExitFailed {
			t.Fatalf("exit %d, want 3\n%s", r.code, r.errOut)
		}
		for _, s := range []string{changed, "the token no longer matches the bundle", "时间戳令牌与证据包内容不再相符"} {
			if !strings.Contains(r.errOut, s) {
				t.Errorf("stderr lacks %q:\n%s", s, r.errOut)
			}
		}
	})

	// A forger who changes an original and rewrites every manifest,
	// bag-info.txt and evipack.json still cannot move the token.
	t.Run("rehashed forgery", func(t *testing.T) {
		d := filepath.Join(t.TempDir(), "sample")
		copyTree(t, dir, d)
		changed := "data/evidence/05/与星辰客服的聊天记录.txt"
		flipByte(t, filepath.Join(d, changed))
		forgeManifests(t, d, changed)
		r := run(t, "verify", d, "--ca", l.path("ca.pem"))
		if r.code != ExitFailed {
			t.Fatalf("exit %d, want 3\n%s", r.code, r.errOut)
		}
		for _, s := range []string{"message imprint mismatch", "不再相符"} {
			if !strings.Contains(r.errOut, s) {
				t.Errorf("stderr lacks %q:\n%s", s, r.errOut)
			}
		}
	})

	// A token replaced inside the bag (tag manifest updated too) fails on
	// its own signature.
	t.Run("token tampered in bag", func(t *testing.T) {
		d := filepath.Join(t.TempDir(), "sample")
		copyTree(t, dir, d)
		tok := tamperTime(t, readFile(t, filepath.Join(d, TimestampTokenName)))
		if err := bundle.UpdateTags(d, map[string][]byte{TimestampTokenName: tok}); err != nil {
			t.Fatal(err)
		}
		r := run(t, "verify", d, "--ca", l.path("ca.pem"))
		if r.code != ExitFailed || !strings.Contains(r.errOut, "bad time-stamp signature") || !strings.Contains(r.errOut, "令牌已被改动或伪造") {
			t.Errorf("exit %d, want 3 and a bad signature\n%s", r.code, r.errOut)
		}
	})

	// evipack.json claiming an earlier time than the token is caught.
	t.Run("recorded time edited", func(t *testing.T) {
		d := filepath.Join(t.TempDir(), "sample")
		copyTree(t, dir, d)
		m := bytes.Replace(readFile(t, filepath.Join(d, pack.ManifestName)), []byte(rec.Time), []byte("2020-01-01T00:00:00+08:00"), 1)
		if err := bundle.UpdateTags(d, map[string][]byte{pack.ManifestName: m}); err != nil {
			t.Fatal(err)
		}
		r := run(t, "verify", d)
		if r.code != ExitFailed || !strings.Contains(r.errOut, "records TSA time") {
			t.Errorf("exit %d, want 3 and the time mismatch\n%s", r.code, r.errOut)
		}
	})
}

// forgeManifests rewrites manifest-sha256.txt for the changed file, then
// bag-info.txt, evipack.json and the tag manifest, so that the bag itself
// verifies again.
func forgeManifests(t *testing.T, dir, changed string) {
	t.Helper()
	sum := func(p string) string { return testFileSHA256(t, filepath.Join(dir, p)) }
	mp := filepath.Join(dir, "manifest-sha256.txt")
	var lines []string
	for _, l := range strings.SplitAfter(string(readFile(t, mp)), "\n") {
		if strings.HasSuffix(l, "  "+changed+"\n") {
			l = sum(changed) + "  " + changed + "\n"
		}
		lines = append(lines, l)
	}
	writeFile(t, mp, []byte(strings.Join(lines, "")))
	rep, err := bundle.Verify(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	oldRoot, newRoot := rootHashOf(t, dir), rep.RootHash.Computed
	for _, name := range []string{"bag-info.txt", pack.ManifestName} {
		p := filepath.Join(dir, name)
		writeFile(t, p, bytes.ReplaceAll(readFile(t, p), []byte(oldRoot), []byte(newRoot)))
	}
	var tm strings.Builder
	for _, name := range []string{"bag-info.txt", "bagit.txt", pack.ManifestName, TimestampChainName, TimestampRequestName, TimestampTokenName, "manifest-sha256.txt", pack.GuideName} {
		tm.WriteString(sum(name) + "  " + name + "\n")
	}
	writeFile(t, filepath.Join(dir, "tagmanifest-sha256.txt"), []byte(tm.String()))
	if rep, err := bundle.Verify(context.Background(), dir); err != nil || !rep.OK() {
		t.Fatalf("forged bag does not verify as a bag: %v %+v", err, rep.Problems)
	}
}

func testFileSHA256(t *testing.T, p string) string {
	t.Helper()
	return bundleSHA256(readFile(t, p))
}

// tamperTime changes one digit of the token's genTime (the only
// GeneralizedTime in it: certificates use UTCTime until 2050).
func tamperTime(t *testing.T, der []byte) []byte {
	t.Helper()
	year := []byte(time.Now().UTC().Format("2006"))
	i := bytes.Index(der, append([]byte{0x18, 0x0f}, year...))
	if i < 0 {
		t.Fatal("no GeneralizedTime in the token")
	}
	out := slices.Clone(der)
	out[i+2+3] = '0' + (out[i+2+3]-'0'+9)%10 // a year earlier, still a digit
	return out
}

// TestStampAttachRefuses: responses that must not be attached, each with
// its reason in English and Chinese, and the bundle unchanged.
func TestStampAttachRefuses(t *testing.T) {
	l := newLocalTSA(t)
	tests := []struct {
		name   string
		resp   func(t *testing.T, dir, tsq string) string
		ca     string // "" for none
		kind   error
		stderr []string
	}{
		{
			name: "response for another bundle",
			resp: func(t *testing.T, dir, tsq string) string {
				req, err := tsa.NewRequest(strings.Repeat("ab", 32), nil)
				if err != nil {
					t.Fatal(err)
				}
				return l.reply(t, writeFile(t, filepath.Join(t.TempDir(), "other.tsq"), req), "tsa.pem", "")
			},
			ca:     "ca.pem",
			stderr: []string{"message imprint mismatch", "这是为其他文件或其他证据包签发的时间戳"},
		},
		{
			name: "other nonce",
			resp: func(t *testing.T, dir, tsq string) string {
				req, err := tsa.NewRequest(rootHashOf(t, dir), big.NewInt(7))
				if err != nil {
					t.Fatal(err)
				}
				return l.reply(t, writeFile(t, filepath.Join(t.TempDir(), "other.tsq"), req), "tsa.pem", "")
			},
			ca:     "ca.pem",
			stderr: []string{"nonce mismatch", "随机数（nonce）"},
		},
		{
			name: "tampered token",
			resp: func(t *testing.T, dir, tsq string) string {
				p := l.reply(t, tsq, "tsa.pem", "")
				return writeFile(t, p, tamperTime(t, readFile(t, p)))
			},
			ca:     "ca.pem",
			stderr: []string{"bad time-stamp signature", "令牌已被改动或伪造"},
		},
		{
			name: "certificate without timeStamping usage",
			resp: func(t *testing.T, dir, tsq string) string {
				return l.goReply(t, tsq, "tsa-server.pem")
			},
			ca:     "ca.pem",
			stderr: []string{"lacks the timeStamping extended key usage", "serverAuth", "没有“时间戳”（timeStamping）扩展密钥用法"},
		},
		{
			name: "signed under another CA",
			resp: func(t *testing.T, dir, tsq string) string {
				return l.reply(t, tsq, "tsa-other.pem", "other-ca.pem")
			},
			ca:     "ca.pem",
			stderr: []string{"untrusted certificate chain", "无法追溯到所信任的根证书"},
		},
		{
			name: "no CA anywhere",
			resp: func(t *testing.T, dir, tsq string) string {
				return l.reply(t, tsq, "tsa.pem", "")
			},
			stderr: []string{"untrusted certificate chain", "请用 --ca 指定该机构的根证书"},
		},
		{
			name: "not a response",
			resp: func(t *testing.T, dir, tsq string) string {
				return writeFile(t, filepath.Join(t.TempDir(), "resp.tsr"), []byte("<html>502 Bad Gateway</html>"))
			},
			stderr: []string{"malformed time-stamp data", "无法解析"},
		},
		{
			name:   "the request itself",
			resp:   func(t *testing.T, dir, tsq string) string { return tsq },
			stderr: []string{"malformed time-stamp data"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, tsq := stamped(t)
			resp := tc.resp(t, dir, tsq)
			before := snapshot(t, dir)
			args := []string{"stamp", dir, "--attach", resp}
			if tc.ca != "" {
				args = append(args, "--ca", l.path(tc.ca))
			}
			r := run(t, args...)
			if r.code != ExitFailed {
				t.Fatalf("exit %d, want 3\n%s", r.code, r.errOut)
			}
			for _, s := range append([]string{"timestamp response refused", "原因："}, tc.stderr...) {
				if !strings.Contains(r.errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.errOut)
				}
			}
			if r.out != "" {
				t.Errorf("stdout %q, want nothing", r.out)
			}
			if d := diffTrees(before, snapshot(t, dir)); len(d) > 0 {
				t.Errorf("refused attach changed the bundle: %v", d)
			}
		})
	}
}

// TestStampAttachEmbeddedCA: without --ca a response carrying its CA is
// accepted, recorded as not independently trusted, and says so.
func TestStampAttachEmbeddedCA(t *testing.T) {
	l := newLocalTSA(t)
	dir, tsq := stamped(t)
	r := run(t, "stamp", dir, "--attach", l.reply(t, tsq, "tsa.pem", "ca.pem"))
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if !strings.Contains(r.errOut, "NOT independently trusted") {
		t.Errorf("no warning that the CA was not trusted:\n%s", r.errOut)
	}
	if !strings.Contains(string(readFile(t, filepath.Join(dir, pack.ManifestName))), `"trusted_root": false`) {
		t.Error("evipack.json does not record trusted_root false")
	}
	sha256sumCheck(t, dir)
	// Attaching again, now with the CA, replaces the record in place.
	r = run(t, "stamp", dir, "--attach", l.reply(t, tsq, "tsa.pem", ""), "--ca", l.path("ca.pem"))
	if r.code != ExitOK {
		t.Fatalf("re-attach: exit %d\n%s", r.code, r.errOut)
	}
	m := string(readFile(t, filepath.Join(dir, pack.ManifestName)))
	if strings.Count(m, `"timestamp"`) != 1 || !strings.Contains(m, `"trusted_root": true`) {
		t.Errorf("re-attach did not replace the record:\n%s", m[strings.Index(m, `"timestamp"`):])
	}
	if r := run(t, "verify", dir, "--ca", l.path("ca.pem")); r.code != ExitOK {
		t.Errorf("verify after re-attach: exit %d\n%s", r.code, r.errOut)
	}
}

// TestVerifyNoTimestamp: a bundle without a token reports Present false and
// prints nothing about it.
func TestVerifyNoTimestamp(t *testing.T) {
	dir := builtSample(t)
	r := run(t, "verify", "--json", dir)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	var res struct {
		Timestamp *TimestampResult `json:"timestamp"`
	}
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Timestamp == nil || res.Timestamp.Present || res.Timestamp.OK {
		t.Errorf("timestamp %+v, want present false", res.Timestamp)
	}
	if strings.Contains(r.errOut, "TSA") {
		t.Errorf("stderr mentions a TSA:\n%s", r.errOut)
	}
}

func TestSetJSONMember(t *testing.T) {
	tests := []struct {
		name, doc, want string
		value           any
		wantErr         bool
	}{
		{name: "append", doc: `{"b":1,"a":{"x":[1,2]}}`, value: map[string]int{"n": 1},
			want: "{\n  \"b\": 1,\n  \"a\": {\n    \"x\": [\n      1,\n      2\n    ]\n  },\n  \"timestamp\": {\n    \"n\": 1\n  }\n}\n"},
		{name: "replace in place", doc: `{"timestamp":0,"z":"<&>"}`, value: "t<>",
			want: "{\n  \"timestamp\": \"t<>\",\n  \"z\": \"<&>\"\n}\n"},
		{name: "empty object", doc: ` {} `, value: true, want: "{\n  \"timestamp\": true\n}\n"},
		{name: "value bytes kept", doc: `{"s":"\u00e9\n","f":1.50}`, value: 1,
			want: "{\n  \"s\": \"\\u00e9\\n\",\n  \"f\": 1.50,\n  \"timestamp\": 1\n}\n"},
		{name: "duplicate key", doc: `{"a":1,"a":2}`, wantErr: true},
		{name: "array", doc: `[1]`, wantErr: true},
		{name: "trailing data", doc: `{"a":1} {}`, wantErr: true},
		{name: "truncated", doc: `{"a":`, wantErr: true},
		{name: "empty", doc: ``, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := setJSONMember([]byte(tc.doc), "timestamp", tc.value)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error, got %q", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestSetJSONMemberManifest: re-encoding evipack.json as written by build
// changes nothing, so stamp only ever adds the timestamp member.
func TestSetJSONMemberManifest(t *testing.T) {
	orig := readFile(t, filepath.Join(builtSample(t), pack.ManifestName))
	keys, vals, err := decodeObject(orig)
	if err != nil {
		t.Fatal(err)
	}
	got, err := encodeObject(keys, vals)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, orig) {
		t.Error("decode/encode of evipack.json is not the identity")
	}
}

func FuzzSetJSONMember(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"timestamp":{"x":[]},"b":"<>"}`, `{"a":{"b":{"c":[1,{"d":null}]}}}`, `{"a":1,"a":2}`, `[]`, `{"\u2028":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := setJSONMember(doc, "timestamp", timestampRecord{Time: "t", Serial: "1"})
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON out: %q", out)
		}
		inKeys, inVals, err := decodeObject(doc)
		if err != nil {
			t.Fatalf("setJSONMember accepted what decodeObject refuses: %v", err)
		}
		outKeys, outVals, err := decodeObject(out)
		if err != nil {
			t.Fatalf("output does not decode: %v", err)
		}
		want := slices.Clone(inKeys)
		if !slices.Contains(want, "timestamp") {
			want = append(want, "timestamp")
		}
		if !slices.Equal(outKeys, want) {
			t.Fatalf("keys %q, want %q", outKeys, want)
		}
		for i, k := range inKeys {
			if k == "timestamp" {
				continue
			}
			var a, b bytes.Buffer
			json.Compact(&a, inVals[i])
			json.Compact(&b, outVals[i])
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatalf("value of %q changed: %s → %s", k, a.Bytes(), b.Bytes())
			}
		}
		again, err := setJSONMember(out, "timestamp", timestampRecord{Time: "t", Serial: "1"})
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %v\n%s\n%s", err, out, again)
		}
	})
}

func bundleSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestStampZip: a timestamp attached to a bag is checked in its zip form too.
func TestStampZip(t *testing.T) {
	l := newLocalTSA(t)
	dir, tsq := stamped(t)
	resp := l.reply(t, tsq, "tsa.pem", "")
	if r := run(t, "stamp", dir, "--attach", resp, "--ca", l.path("ca.pem")); r.code != ExitOK {
		t.Fatalf("attach: exit %d\n%s", r.code, r.errOut)
	}
	zipPath := filepath.Join(t.TempDir(), "sample.zip")
	if err := bundle.WriteZipFile(context.Background(), zipPath, dir, "sample", time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	r := run(t, "verify", zipPath, "--ca", l.path("ca.pem"))
	if r.code != ExitOK || !strings.Contains(r.errOut, "TSA 时间（可信）") {
		t.Fatalf("verify zip with a timestamp: exit %d\n%s", r.code, r.errOut)
	}
	// A CA that did not sign the TSA certificate: the token fails, exit 3.
	other := newLocalTSA(t)
	if r := run(t, "verify", zipPath, "--ca", other.path("ca.pem")); r.code != ExitFailed {
		t.Fatalf("verify zip with the wrong CA: exit %d\n%s", r.code, r.errOut)
	}
}
