package tsa

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

// testPKI is a throw-away PKI and RFC 3161 TSA made with the openssl CLI.
type testPKI struct {
	dir string
}

// needOpenSSL skips the test when the openssl CLI is missing, except under
// CI=true where that is a failure.
func needOpenSSL(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("openssl CLI required under CI=true: %v", err)
		}
		t.Skip("openssl CLI not found")
	}
}

func openssl(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

const tsaConf = `[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = ./serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500, microsecs:100
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`

// newTestPKI creates, in a temp dir:
//
//	ca.pem/ca.key         test root CA
//	ca2.pem/ca2.key       a different root CA
//	tsa.key               the TSA key (shared by all TSA certificates)
//	tsa.pem               CA-signed, extendedKeyUsage=critical,timeStamping
//	tsa-ca2.pem           CA2-signed, extendedKeyUsage=critical,timeStamping
//	tsa-noncrit.pem       CA-signed, extendedKeyUsage=timeStamping (not critical)
//	tsa-noeku.pem         CA-signed, no extended key usage at all
//	tsa-server.pem        CA-signed, extendedKeyUsage=critical,serverAuth
//	tsa-extra.pem         CA-signed, extendedKeyUsage=critical,timeStamping,serverAuth
//	tsa.cnf, serial       openssl ts -reply configuration
func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	needOpenSSL(t)
	dir := t.TempDir()
	p := &testPKI{dir: dir}
	ec := []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"}
	for _, ca := range []struct{ name, cn string }{{"ca", "evipack Test Root CA"}, {"ca2", "Other Root CA"}} {
		args := append([]string{"req", "-x509"}, ec...)
		args = append(args, "-keyout", ca.name+".key", "-out", ca.name+".pem", "-days", "3650",
			"-subj", "/CN="+ca.cn, "-addext", "basicConstraints=critical,CA:TRUE",
			"-addext", "keyUsage=critical,keyCertSign,cRLSign")
		openssl(t, dir, args...)
	}
	openssl(t, dir, append(append([]string{"req", "-new"}, ec...), "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/O=evipack test/CN=Test TSA")...)
	certs := []struct{ name, ca, ext string }{
		{"tsa", "ca", "extendedKeyUsage=critical,timeStamping"},
		{"tsa-ca2", "ca2", "extendedKeyUsage=critical,timeStamping"},
		{"tsa-noncrit", "ca", "extendedKeyUsage=timeStamping"},
		{"tsa-noeku", "ca", ""},
		{"tsa-server", "ca", "extendedKeyUsage=critical,serverAuth"},
		{"tsa-extra", "ca", "extendedKeyUsage=critical,timeStamping,serverAuth"},
	}
	for _, c := range certs {
		ext := "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n" + c.ext + "\n"
		p.write(t, c.name+".ext", []byte(ext))
		openssl(t, dir, "x509", "-req", "-in", "tsa.csr", "-CA", c.ca+".pem", "-CAkey", c.ca+".key",
			"-CAcreateserial", "-days", "365", "-extfile", c.name+".ext", "-out", c.name+".pem")
	}
	p.write(t, "tsa.cnf", []byte(tsaConf))
	p.write(t, "serial", []byte("01\n"))
	return p
}

func (p *testPKI) path(name string) string { return filepath.Join(p.dir, name) }

func (p *testPKI) write(t testing.TB, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p.path(name), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func (p *testPKI) read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(p.path(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reply answers req with `openssl ts -reply`, signed by signer (a .pem in the
// PKI dir) with tsa.key, embedding chain (a .pem, or "" for none) and
// optionally extra arguments.
func (p *testPKI) reply(t testing.TB, req []byte, signer, chain string) []byte {
	t.Helper()
	p.write(t, "req.tsq", req)
	args := []string{"ts", "-reply", "-config", "tsa.cnf", "-queryfile", "req.tsq",
		"-signer", signer, "-inkey", "tsa.key", "-out", "resp.tsr"}
	if chain != "" {
		args = append(args, "-chain", chain)
	}
	openssl(t, p.dir, args...)
	return p.read(t, "resp.tsr")
}

func (p *testPKI) cert(t testing.TB, name string) *x509.Certificate {
	t.Helper()
	blk, _ := pem.Decode(p.read(t, name))
	if blk == nil {
		t.Fatalf("%s: no PEM", name)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (p *testPKI) pool(t testing.TB, names ...string) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	for _, n := range names {
		pool.AddCert(p.cert(t, n))
	}
	return pool
}

// goReply builds a granted response in Go (github.com/digitorus/timestamp),
// for signer certificates openssl refuses to sign with (wrong or
// non-critical EKU) and for times openssl cannot fake.
func (p *testPKI) goReply(t testing.TB, req []byte, signer string, at time.Time) []byte {
	t.Helper()
	r, err := timestamp.ParseRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(p.read(t, "tsa.key"))
	key, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ts := timestamp.Timestamp{
		HashAlgorithm:     r.HashAlgorithm,
		HashedMessage:     r.HashedMessage,
		Time:              at,
		Nonce:             r.Nonce,
		Policy:            []int{1, 2, 3, 4, 1},
		SerialNumber:      big.NewInt(7),
		AddTSACertificate: true,
		Certificates:      []*x509.Certificate{p.cert(t, "ca.pem")},
	}
	resp, err := ts.CreateResponseWithOpts(p.cert(t, signer), key.(crypto.Signer), crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
