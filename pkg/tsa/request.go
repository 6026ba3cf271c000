package tsa

import (
	"crypto"
	"crypto/sha256"
	"fmt"
	"math/big"
	"strings"

	"github.com/digitorus/timestamp"
)

// Imprint returns the message imprint evipack time-stamps for a bundle:
// SHA-256 over the root hash as ASCII (64 lowercase hex characters, no
// newline). It equals `printf %s ROOTHASH | sha256sum`.
func Imprint(rootHash string) ([]byte, error) {
	if err := checkRootHash(rootHash); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(rootHash))
	return sum[:], nil
}

// Nonce derives the request nonce from the root hash: the first 8 bytes of
// SHA-256("evipack-nonce" + rootHash) read as a big-endian unsigned integer
// (never zero in practice; 1 is used if it were). Deriving it makes the
// request for a bundle reproducible byte for byte.
func Nonce(rootHash string) *big.Int {
	sum := sha256.Sum256([]byte("evipack-nonce" + rootHash))
	n := new(big.Int).SetBytes(sum[:8])
	if n.Sign() == 0 {
		n.SetInt64(1)
	}
	return n
}

// NewRequest returns a DER TimeStampReq (version 1, SHA-256 imprint over the
// root hash as ASCII, certReq true, no policy) carrying nonce. A nil nonce
// means Nonce(rootHash). rootHash must be 64 lowercase hex characters.
func NewRequest(rootHash string, nonce *big.Int) ([]byte, error) {
	imprint, err := Imprint(rootHash)
	if err != nil {
		return nil, fmt.Errorf("tsa: new request: %w", err)
	}
	if nonce == nil {
		nonce = Nonce(rootHash)
	}
	if nonce.Sign() <= 0 {
		return nil, fmt.Errorf("tsa: new request: nonce must be positive")
	}
	req := &timestamp.Request{
		HashAlgorithm: crypto.SHA256,
		HashedMessage: imprint,
		Certificates:  true,
		Nonce:         new(big.Int).Set(nonce),
	}
	der, err := req.Marshal()
	if err != nil {
		return nil, fmt.Errorf("tsa: new request: %w", err)
	}
	return der, nil
}

func checkRootHash(rootHash string) error {
	if len(rootHash) != 64 {
		return newErr(ErrMalformed,
			fmt.Sprintf("root hash must be 64 lowercase hex characters, got %d characters", len(rootHash)),
			fmt.Sprintf("根哈希值应为64位小写十六进制字符，实际为%d位", len(rootHash)), nil)
	}
	for i := 0; i < len(rootHash); i++ {
		c := rootHash[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return newErr(ErrMalformed,
				fmt.Sprintf("root hash must be 64 lowercase hex characters, found %q at position %d", c, i+1),
				fmt.Sprintf("根哈希值应为64位小写十六进制字符，第%d位不符合要求", i+1), nil)
		}
	}
	return nil
}

// Instructions returns plain Simplified Chinese instructions (with commands)
// for sending the request at tsqPath to any RFC 3161 time-stamping authority
// and for checking the answer with openssl. evipack itself never goes online.
func Instructions(tsqPath string) string {
	q := shellQuote(tsqPath)
	var b strings.Builder
	fmt.Fprintf(&b, `可信时间戳申请文件已生成：%s

evipack 不会联网。请在一台能上网的电脑上，把这个申请文件发给任何一家支持 RFC 3161 协议的时间戳服务机构（TSA），取回应答文件（.tsr），再交给 evipack 核对并保存。

第一步：发送申请，取回应答（任选一种）

  用 curl（把 TSA地址 换成所选机构公布的服务地址）：
    curl -H 'Content-Type: application/timestamp-query' --data-binary @%s TSA地址 -o resp.tsr

  例如（境外免费服务，仅作示例）：
    curl -H 'Content-Type: application/timestamp-query' --data-binary @%s https://freetsa.org/tsr -o resp.tsr

  也可以使用机构提供的客户端或网页上传该 .tsq 文件，再下载 .tsr 应答文件。
  同时请从该机构官网下载其根证书（CA 证书，PEM 格式），例如 tsa-ca.pem。

第二步：查看和核验应答（可选，需要 openssl）

  查看时间戳内容（时间、序列号、机构名称）：
    openssl ts -reply -in resp.tsr -text

  核验应答与本申请相符、签名有效、证书链可信（应显示 Verification: OK）：
    openssl ts -verify -in resp.tsr -queryfile %s -CAfile tsa-ca.pem

第三步：把应答交给 evipack 核对并存入证据包

    evipack stamp 证据包目录 --attach resp.tsr --ca tsa-ca.pem

evipack 会检查：应答状态为“已批准”、哈希值与申请一致、随机数（nonce）一致、签名有效、签名证书具有关键的“时间戳”用途、证书链可追溯到所给根证书。任何一项不符都会拒绝并说明原因。

说明：可信时间戳只能证明“证据包在该时间之前已经以现在的内容存在”，不能证明文件由谁制作、内容是否真实。
`, tsqPath, q, q, q)
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it contains anything beyond a
// conservative set of safe characters.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./+:@", r) || r > 0x7f) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
