package tsa

import (
	"bytes"
	"crypto/x509"
	"os/exec"
	"testing"
)

func runOpenSSL(dir string, args ...string) (string, error) {
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// FuzzVerify feeds arbitrary bytes as the response to the fixture request:
// Verify must never panic, every error must be a typed *Error with a Chinese
// message, and anything accepted must cover the request's imprint and nonce.
func FuzzVerify(f *testing.F) {
	req, resp, ca := readFixture(f)
	f.Add(resp)
	f.Add(resp[:len(resp)/2])
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x02}) // status rejection, no token
	f.Add([]byte{})
	imprint, _ := Imprint(rootA)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, pool := range []*x509.CertPool{ca, nil} {
			tok, err := Verify(req, data, pool, VerifyOptions{})
			if err != nil {
				checkTyped(t, err)
				continue
			}
			if !bytes.Equal(tok.HashedMessage, imprint) || tok.Nonce.Cmp(Nonce(rootA)) != 0 {
				t.Fatalf("accepted a token for another request: %x", tok.HashedMessage)
			}
		}
	})
}

// FuzzVerifyToken feeds arbitrary bytes as a stored token.
func FuzzVerifyToken(f *testing.F) {
	_, resp, ca := readFixture(f)
	tok := tokenOf(f, resp)
	f.Add(tok)
	f.Add(tok[:len(tok)-1])
	f.Add(resp)
	imprint, _ := Imprint(rootA)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := VerifyToken(data, rootA, ca)
		if err != nil {
			checkTyped(t, err)
			return
		}
		if !bytes.Equal(got.HashedMessage, imprint) || !got.TrustedRoot || len(got.Chain) == 0 {
			t.Fatalf("accepted token %+v", got)
		}
	})
}
