package tsa

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

var update = flag.Bool("update", false, "regenerate testdata/fixture with openssl")

const (
	rootA = "3f5b1c0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"
	rootB = "0000000000000000000000000000000000000000000000000000000000000001"
)

var kinds = []error{ErrMalformed, ErrNotGranted, ErrImprintMismatch, ErrNonceMismatch, ErrBadSignature,
	ErrNoTimestampingEKU, ErrEKUNotCritical, ErrUntrustedChain, ErrOutsideValidity}

// checkTyped asserts err is an *Error with a known Kind and a Chinese message.
func checkTyped(t testing.TB, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not *tsa.Error", err, err)
	}
	known := false
	for _, k := range kinds {
		if e.Kind == k {
			known = true
		}
	}
	if !known {
		t.Fatalf("error %v has unknown kind %v", err, e.Kind)
	}
	if Zh(err) == "" {
		t.Fatalf("error %v has no Chinese message", err)
	}
}

func mustRequest(t testing.TB, root string, nonce *big.Int) []byte {
	t.Helper()
	req, err := NewRequest(root, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestNewRequest(t *testing.T) {
	req := mustRequest(t, rootA, nil)
	r, err := timestamp.ParseRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(rootA))
	if !bytes.Equal(r.HashedMessage, want[:]) {
		t.Errorf("imprint = %x, want sha256 of the ASCII root hash %x", r.HashedMessage, want)
	}
	if !r.Certificates {
		t.Error("certReq is false, want true")
	}
	if r.Nonce == nil || r.Nonce.Cmp(Nonce(rootA)) != 0 {
		t.Errorf("nonce = %v, want derived %v", r.Nonce, Nonce(rootA))
	}
	sum := sha256.Sum256([]byte("evipack-nonce" + rootA))
	if got := hex.EncodeToString(Nonce(rootA).FillBytes(make([]byte, 8))); got != hex.EncodeToString(sum[:8]) {
		t.Errorf("Nonce = %s, want first 8 bytes of sha256 %x", got, sum[:8])
	}
	if !bytes.Equal(req, mustRequest(t, rootA, nil)) {
		t.Error("two requests for the same root hash differ")
	}
	if bytes.Equal(req, mustRequest(t, rootB, nil)) {
		t.Error("requests for different root hashes are equal")
	}
	r2, err := timestamp.ParseRequest(mustRequest(t, rootA, big.NewInt(42)))
	if err != nil || r2.Nonce.Int64() != 42 {
		t.Errorf("explicit nonce not used: %v %v", r2, err)
	}

	bad := []struct {
		name, root string
		nonce      *big.Int
	}{
		{"upper case", strings.ToUpper(rootA), nil},
		{"short", rootA[:63], nil},
		{"newline", rootA[:63] + "\n", nil},
		{"empty", "", nil},
		{"zero nonce", rootA, big.NewInt(0)},
		{"negative nonce", rootA, big.NewInt(-5)},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewRequest(tc.root, tc.nonce); err == nil {
				t.Fatal("want error")
			}
		})
	}
}

// TestNewRequestMatchesOpenSSL checks the documented reproduction: openssl
// over the ASCII root hash yields the same imprint as NewRequest.
func TestNewRequestMatchesOpenSSL(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "root.txt"), []byte(rootA), 0o600); err != nil {
		t.Fatal(err)
	}
	openssl(t, dir, "ts", "-query", "-data", "root.txt", "-sha256", "-cert", "-out", "o.tsq")
	b, err := os.ReadFile(filepath.Join(dir, "o.tsq"))
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := timestamp.ParseRequest(b)
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := timestamp.ParseRequest(mustRequest(t, rootA, nil))
	if !bytes.Equal(theirs.HashedMessage, ours.HashedMessage) || theirs.HashAlgorithm != ours.HashAlgorithm {
		t.Errorf("openssl imprint %x, ours %x", theirs.HashedMessage, ours.HashedMessage)
	}
}

func TestVerify(t *testing.T) {
	p := newTestPKI(t)
	ca := p.pool(t, "ca.pem")
	reqA := mustRequest(t, rootA, nil)
	reqB := mustRequest(t, rootB, nil)
	okResp := p.reply(t, reqA, "tsa.pem", "ca.pem")
	now := time.Now()

	flip := func(b []byte, i int) []byte {
		c := append([]byte(nil), b...)
		c[i] ^= 0x01
		return c
	}
	// Index of the imprint inside the signed TSTInfo, and of a byte in the
	// signature value at the very end of the response.
	imprint, _ := Imprint(rootA)
	inTST := bytes.Index(okResp, imprint) + 5
	if inTST < 5 {
		t.Fatal("imprint not found in response")
	}

	tests := []struct {
		name    string
		req     []byte
		resp    []byte
		roots   *x509.CertPool
		want    error
		msg     string // must appear in the error text
		trusted bool
	}{
		{name: "granted", req: reqA, resp: okResp, roots: ca, trusted: true},
		{name: "embedded root only", req: reqA, resp: okResp, roots: nil, trusted: false},
		{name: "go-built control", req: reqA, resp: p.goReply(t, reqA, "tsa.pem", now), roots: ca, trusted: true},
		{name: "response for another bundle", req: reqA, resp: p.reply(t, reqB, "tsa.pem", "ca.pem"), roots: ca, want: ErrImprintMismatch},
		{name: "nonce mismatch", req: reqA, resp: p.reply(t, mustRequest(t, rootA, big.NewInt(99)), "tsa.pem", "ca.pem"), roots: ca, want: ErrNonceMismatch},
		{name: "tampered tstinfo", req: reqA, resp: flip(okResp, inTST), roots: ca, want: ErrBadSignature, msg: "altered"},
		{name: "tampered signature", req: reqA, resp: flip(okResp, len(okResp)-3), roots: ca, want: ErrBadSignature},
		{name: "truncated", req: reqA, resp: okResp[:len(okResp)-10], roots: ca, want: ErrMalformed},
		{name: "empty response", req: reqA, resp: nil, roots: ca, want: ErrMalformed},
		{name: "garbage request", req: []byte("not a request"), resp: okResp, roots: ca, want: ErrMalformed},
		{name: "no timeStamping eku", req: reqA, resp: p.goReply(t, reqA, "tsa-noeku.pem", now), roots: ca, want: ErrNoTimestampingEKU, msg: "no extended key usage"},
		{name: "serverAuth eku", req: reqA, resp: p.goReply(t, reqA, "tsa-server.pem", now), roots: ca, want: ErrNoTimestampingEKU, msg: "allows only serverAuth"},
		{name: "extra eku", req: reqA, resp: p.goReply(t, reqA, "tsa-extra.pem", now), roots: ca, want: ErrNoTimestampingEKU, msg: "also allows serverAuth"},
		{name: "eku not critical", req: reqA, resp: p.goReply(t, reqA, "tsa-noncrit.pem", now), roots: ca, want: ErrEKUNotCritical},
		{name: "chain to other ca", req: reqA, resp: p.reply(t, reqA, "tsa-ca2.pem", "ca2.pem"), roots: ca, want: ErrUntrustedChain, msg: "Other Root CA"},
		{name: "no ca and no embedded root", req: reqA, resp: p.reply(t, reqA, "tsa.pem", ""), roots: nil, want: ErrUntrustedChain, msg: "no self-signed root"},
		{name: "time after certificate expiry", req: reqA, resp: p.goReply(t, reqA, "tsa.pem", now.AddDate(2, 0, 0)), roots: ca, want: ErrOutsideValidity},
		{name: "time before certificate", req: reqA, resp: p.goReply(t, reqA, "tsa.pem", now.AddDate(-1, 0, 0)), roots: ca, want: ErrOutsideValidity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Verify(tc.req, tc.resp, tc.roots, VerifyOptions{})
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				checkTyped(t, err)
				if !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("error %q does not say %q", err, tc.msg)
				}
				if tok != nil {
					t.Fatal("token returned with error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if d := tok.Time.Sub(now); d < -time.Minute || d > time.Minute {
				t.Errorf("TSA time %v not within a minute of %v", tok.Time, now)
			}
			if tok.TrustedRoot != tc.trusted {
				t.Errorf("TrustedRoot = %v, want %v", tok.TrustedRoot, tc.trusted)
			}
			if len(tok.Chain) != 2 || tok.Chain[0].Subject.CommonName != "Test TSA" || tok.Chain[1].Subject.CommonName != "evipack Test Root CA" {
				t.Errorf("chain = %v", tok.Chain)
			}
			if tok.Signer == nil || !tok.Signer.Equal(p.cert(t, "tsa.pem")) {
				t.Error("signer is not tsa.pem")
			}
			if tok.Serial == nil || tok.Policy != "1.2.3.4.1" {
				t.Errorf("serial %v policy %q", tok.Serial, tok.Policy)
			}
			if !strings.Contains(tok.TSAName, "Test TSA") {
				t.Errorf("TSAName = %q", tok.TSAName)
			}
			if !bytes.Equal(tok.HashedMessage, imprint) {
				t.Errorf("HashedMessage = %x", tok.HashedMessage)
			}
			// DER is the token itself: it verifies on its own.
			if _, err := VerifyToken(tok.DER, rootA, tc.roots); err != nil {
				t.Errorf("VerifyToken(DER): %v", err)
			}
		})
	}

	t.Run("openssl accuracy and policy", func(t *testing.T) {
		tok, err := Verify(reqA, okResp, ca, VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tok.Accuracy != 1500100*time.Microsecond {
			t.Errorf("Accuracy = %v, want 1.5001s", tok.Accuracy)
		}
	})

	t.Run("not granted", func(t *testing.T) {
		// openssl refuses a request for an unsupported policy with status
		// rejection / unacceptedPolicy.
		p.write(t, "root.txt", []byte(rootA))
		openssl(t, p.dir, "ts", "-query", "-data", "root.txt", "-sha256", "-cert", "-tspolicy", "1.9.9", "-out", "pol.tsq")
		openssl(t, p.dir, "ts", "-reply", "-config", "tsa.cnf", "-queryfile", "pol.tsq", "-signer", "tsa.pem", "-inkey", "tsa.key", "-out", "rej.tsr")
		_, err := Verify(p.read(t, "pol.tsq"), p.read(t, "rej.tsr"), ca, VerifyOptions{})
		if !errors.Is(err, ErrNotGranted) {
			t.Fatalf("err = %v, want ErrNotGranted", err)
		}
		checkTyped(t, err)
		if !strings.Contains(err.Error(), "rejection") || !strings.Contains(err.Error(), "unacceptedPolicy") {
			t.Errorf("reason lacks status and failure info: %v", err)
		}
		if !strings.Contains(Zh(err), "不接受所请求的策略") {
			t.Errorf("Zh lacks the reason: %s", Zh(err))
		}
	})

	t.Run("stored chain supplies missing signer certificate", func(t *testing.T) {
		// A TSA that ignores certReq: strip the signer by asking openssl
		// without -cert, then supply the certificates through options.
		p.write(t, "root.txt", []byte(rootA))
		resp := p.reply(t, reqA, "tsa.pem", "")
		tokDER := tokenOf(t, resp)
		if _, err := VerifyToken(tokDER, rootA, ca); err != nil {
			t.Fatalf("with embedded signer: %v", err)
		}
		opts := VerifyOptions{Certificates: []*x509.Certificate{p.cert(t, "tsa.pem")}}
		if _, err := VerifyTokenWithOptions(tokDER, rootA, ca, opts); err != nil {
			t.Fatalf("with options: %v", err)
		}
	})

	t.Run("openssl cross-check", func(t *testing.T) {
		p.write(t, "ok.tsr", okResp)
		p.write(t, "a.tsq", reqA)
		out := openssl(t, p.dir, "ts", "-verify", "-in", "ok.tsr", "-queryfile", "a.tsq", "-CAfile", "ca.pem")
		if !strings.Contains(out, "Verification: OK") {
			t.Errorf("openssl ts -verify: %s", out)
		}
		// The documented reproduction from the root hash alone.
		p.write(t, "root.txt", []byte(rootA))
		out = openssl(t, p.dir, "ts", "-verify", "-data", "root.txt", "-in", "ok.tsr", "-CAfile", "ca.pem")
		if !strings.Contains(out, "Verification: OK") {
			t.Errorf("openssl ts -verify -data: %s", out)
		}
		// openssl agrees the other bundle's response does not match.
		p.write(t, "b.tsr", p.reply(t, reqB, "tsa.pem", "ca.pem"))
		cmd := []string{"ts", "-verify", "-in", "b.tsr", "-queryfile", "a.tsq", "-CAfile", "ca.pem"}
		if out, err := runOpenSSL(p.dir, cmd...); err == nil || !strings.Contains(out, "imprint mismatch") {
			t.Errorf("openssl accepted another bundle's response: %v %s", err, out)
		}
	})
}

func TestVerifyToken(t *testing.T) {
	p := newTestPKI(t)
	ca := p.pool(t, "ca.pem")
	tokDER := tokenOf(t, p.reply(t, mustRequest(t, rootA, nil), "tsa.pem", "ca.pem"))
	tests := []struct {
		name  string
		token []byte
		root  string
		roots *x509.CertPool
		want  error
	}{
		{"ok", tokDER, rootA, ca, nil},
		{"other root hash", tokDER, rootB, ca, ErrImprintMismatch},
		{"invalid root hash", tokDER, "XYZ", ca, ErrMalformed},
		{"other ca", tokDER, rootA, p.pool(t, "ca2.pem"), ErrUntrustedChain},
		{"empty token", nil, rootA, ca, ErrMalformed},
		{"response instead of token", p.read(t, "resp.tsr"), rootA, ca, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := VerifyToken(tc.token, tc.root, tc.roots)
			if tc.want == nil {
				if err != nil || !tok.TrustedRoot {
					t.Fatalf("VerifyToken: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			checkTyped(t, err)
		})
	}
}

// TestVerifyFixture verifies a committed request/response pair made by
// `openssl ts -reply` (regenerate with -update), so the verifier is tested
// even where openssl is absent.
func TestVerifyFixture(t *testing.T) {
	dir := filepath.Join("testdata", "fixture")
	if *update {
		p := newTestPKI(t)
		req := mustRequest(t, rootA, nil)
		resp := p.reply(t, req, "tsa.pem", "ca.pem")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{"req.tsq": req, "resp.tsr": resp, "ca.pem": p.read(t, "ca.pem")} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	req, resp, ca := readFixture(t)
	if !bytes.Equal(req, mustRequest(t, rootA, nil)) {
		t.Fatal("fixture request differs from NewRequest(rootA): the request format changed")
	}
	tok, err := Verify(req, resp, ca, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Time.IsZero() || !tok.TrustedRoot || tok.Nonce.Cmp(Nonce(rootA)) != 0 {
		t.Errorf("token %+v", tok)
	}
}

func readFixture(t testing.TB) (req, resp []byte, ca *x509.CertPool) {
	t.Helper()
	dir := filepath.Join("testdata", "fixture")
	var err error
	if req, err = os.ReadFile(filepath.Join(dir, "req.tsq")); err != nil {
		t.Fatal(err)
	}
	if resp, err = os.ReadFile(filepath.Join(dir, "resp.tsr")); err != nil {
		t.Fatal(err)
	}
	pemBytes, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	ca = x509.NewCertPool()
	if !ca.AppendCertsFromPEM(pemBytes) {
		t.Fatal("fixture ca.pem: no certificate")
	}
	return req, resp, ca
}

func tokenOf(t testing.TB, resp []byte) []byte {
	t.Helper()
	tok, err := tokenFromResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestInstructions(t *testing.T) {
	tests := []struct {
		path, quoted string
	}{
		{"bundle/evipack.tsq", "@bundle/evipack.tsq"},
		{"我的 证据/evipack.tsq", "@'我的 证据/evipack.tsq'"},
		{"it's.tsq", `@'it'\''s.tsq'`},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			s := Instructions(tc.path)
			for _, want := range []string{
				tc.quoted,
				"curl -H 'Content-Type: application/timestamp-query' --data-binary",
				"-o resp.tsr",
				"openssl ts -verify -in resp.tsr -queryfile",
				"RFC 3161",
				"不能证明文件由谁制作",
			} {
				if !strings.Contains(s, want) {
					t.Errorf("instructions lack %q:\n%s", want, s)
				}
			}
		})
	}
}
