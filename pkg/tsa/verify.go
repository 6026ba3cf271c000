package tsa

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// MaxSize bounds every request, response and token this package reads. Real
// tokens are a few kilobytes; a certificate chain rarely exceeds 20 KB.
const MaxSize = 1 << 20

var (
	oidSignedData     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidTSTInfo        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidExtKeyUsage    = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidKPTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
)

// ekuName names the common extended key usages for error messages.
func ekuName(p asn1.ObjectIdentifier) string {
	names := map[string]string{
		"2.5.29.37.0":       "anyExtendedKeyUsage",
		"1.3.6.1.5.5.7.3.1": "serverAuth",
		"1.3.6.1.5.5.7.3.2": "clientAuth",
		"1.3.6.1.5.5.7.3.3": "codeSigning",
		"1.3.6.1.5.5.7.3.4": "emailProtection",
		"1.3.6.1.5.5.7.3.9": "OCSPSigning",
	}
	if n, ok := names[p.String()]; ok {
		return n
	}
	return p.String()
}

// Token is a verified RFC 3161 time-stamp token.
type Token struct {
	// Time is the TSA's genTime, in UTC.
	Time time.Time
	// Accuracy is the TSA's declared accuracy of Time; 0 when not stated.
	Accuracy time.Duration
	// Serial is the token's serial number, unique per TSA.
	Serial *big.Int
	// TSAName is the tsa field of TSTInfo when present (a directory name
	// rendered as an RFC 2253 string), else the signer's subject.
	TSAName string
	// Policy is the TSA policy OID in dotted form.
	Policy string
	// Signer is the certificate that signed the token.
	Signer *x509.Certificate
	// Chain is the verified chain from Signer to the root, Signer first.
	Chain []*x509.Certificate
	// DER is the TimeStampToken (a CMS ContentInfo) exactly as received.
	DER []byte
	// HashAlgorithm and HashedMessage are the message imprint.
	HashAlgorithm crypto.Hash
	HashedMessage []byte
	// Nonce is the token's nonce, nil when absent.
	Nonce *big.Int
	// TrustedRoot is true when the chain ends in a root the caller supplied,
	// and false when it ends in a certificate taken from the token itself —
	// then the TSA was not independently trusted.
	TrustedRoot bool

	embedded []*x509.Certificate // certificates carried by the token
}

// VerifyOptions tunes Verify. The zero value is the normal case.
type VerifyOptions struct {
	// Certificates are extra certificates used to find the signer and to
	// build the chain (for instance the chain stored beside a token), in
	// addition to those embedded in the token. They are never trust anchors.
	Certificates []*x509.Certificate
}

// pkiStatusInfo and timeStampResp mirror RFC 3161 §2.4.2; they are parsed
// here rather than through timestamp.ParseResponse so that a refusal yields a
// typed error with the status and failure information.
type pkiStatusInfo struct {
	Status       int
	StatusString []string       `asn1:"optional,utf8"`
	FailInfo     asn1.BitString `asn1:"optional"`
}

type timeStampResp struct {
	Status         pkiStatusInfo
	TimeStampToken asn1.RawValue `asn1:"optional"`
}

// Structures read only to check the CMS envelope; trailing fields are ignored
// by encoding/asn1.
type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
}

type signedDataHead struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo encapContentInfo
}

// tstInfoTail reads the tsa name, which timestamp.Timestamp does not expose.
type tstInfoTSA struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint asn1.RawValue
	SerialNumber   *big.Int
	Time           asn1.RawValue
	Accuracy       asn1.RawValue `asn1:"optional"`
	Ordering       bool          `asn1:"optional,default:false"`
	Nonce          *big.Int      `asn1:"optional"`
	TSA            asn1.RawValue `asn1:"tag:0,optional,explicit"`
}

// Verify checks a TimeStampResp against the TimeStampReq it answers and
// returns the verified token. roots are the trusted TSA root certificates;
// when nil, the chain may end in a self-signed certificate embedded in the
// token and Token.TrustedRoot is false. Every failure is an *Error.
func Verify(req []byte, resp []byte, roots *x509.CertPool, opts VerifyOptions) (*Token, error) {
	if len(req) > MaxSize {
		return nil, newErr(ErrMalformed, "request larger than 1 MiB", "时间戳申请文件超过 1 MiB，不是有效的申请", nil)
	}
	r, err := parseRequest(req)
	if err != nil {
		return nil, err
	}
	tokenDER, err := tokenFromResponse(resp)
	if err != nil {
		return nil, err
	}
	tok, err := verifyToken(tokenDER, roots, opts)
	if err != nil {
		return nil, err
	}
	if err := checkImprint(tok, r.HashAlgorithm, r.HashedMessage, "the request"); err != nil {
		return nil, err
	}
	if r.Nonce != nil {
		if tok.Nonce == nil {
			return nil, newErr(ErrNonceMismatch,
				fmt.Sprintf("the request has nonce %d, the token has none", r.Nonce),
				"时间戳申请带有随机数（nonce），但应答中没有：该应答不是针对本申请签发的", nil)
		}
		if tok.Nonce.Cmp(r.Nonce) != 0 {
			return nil, newErr(ErrNonceMismatch,
				fmt.Sprintf("the request has nonce %d, the token has %d", r.Nonce, tok.Nonce),
				"应答中的随机数（nonce）与申请不一致：该应答不是针对本申请签发的", nil)
		}
	}
	if err := checkSignerAndChain(tok, roots, opts); err != nil {
		return nil, err
	}
	return tok, nil
}

// VerifyToken checks a stored TimeStampToken (a CMS ContentInfo, as in
// Token.DER) for the bundle whose root hash is rootHash. No request is
// needed: the imprint must equal Imprint(rootHash) with SHA-256. The nonce is
// not checked. roots as in Verify.
func VerifyToken(tokenDER []byte, rootHash string, roots *x509.CertPool) (*Token, error) {
	return VerifyTokenWithOptions(tokenDER, rootHash, roots, VerifyOptions{})
}

// VerifyTokenWithOptions is VerifyToken with extra certificates, for tokens
// whose TSA did not embed its whole chain.
func VerifyTokenWithOptions(tokenDER []byte, rootHash string, roots *x509.CertPool, opts VerifyOptions) (*Token, error) {
	imprint, err := Imprint(rootHash)
	if err != nil {
		return nil, err
	}
	tok, err := verifyToken(tokenDER, roots, opts)
	if err != nil {
		return nil, err
	}
	if err := checkImprint(tok, crypto.SHA256, imprint, "the bundle root hash"); err != nil {
		return nil, err
	}
	if err := checkSignerAndChain(tok, roots, opts); err != nil {
		return nil, err
	}
	return tok, nil
}

func parseRequest(req []byte) (r *timestamp.Request, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, newErr(ErrMalformed, fmt.Sprintf("request: parser failure: %v", p), "时间戳申请文件无法解析", nil)
		}
	}()
	r, err = timestamp.ParseRequest(req)
	if err != nil {
		return nil, newErr(ErrMalformed, "cannot parse the request", "时间戳申请文件（.tsq）无法解析，文件可能已损坏", err)
	}
	return r, nil
}

// tokenFromResponse parses a TimeStampResp, checks its status and returns the
// embedded TimeStampToken.
func tokenFromResponse(resp []byte) ([]byte, error) {
	if len(resp) > MaxSize {
		return nil, newErr(ErrMalformed, "response larger than 1 MiB", "时间戳应答文件超过 1 MiB，不是有效的应答", nil)
	}
	var rs timeStampResp
	rest, err := asn1.Unmarshal(resp, &rs)
	if err != nil {
		return nil, newErr(ErrMalformed, "cannot parse the response", "时间戳应答文件（.tsr）无法解析，文件可能已损坏或不是时间戳应答", err)
	}
	if len(rest) > 0 {
		return nil, newErr(ErrMalformed, fmt.Sprintf("%d bytes of trailing data after the response", len(rest)),
			"时间戳应答文件末尾有多余数据", nil)
	}
	if s := rs.Status.Status; s != 0 && s != 1 {
		return nil, notGranted(rs.Status)
	}
	if len(rs.TimeStampToken.FullBytes) == 0 {
		return nil, newErr(ErrMalformed, "granted response carries no token", "时间戳应答显示已批准，但其中没有时间戳令牌", nil)
	}
	return rs.TimeStampToken.FullBytes, nil
}

var statusNames = map[int][2]string{
	2: {"rejection", "拒绝"},
	3: {"waiting", "等待处理"},
	4: {"revocationWarning", "证书即将吊销"},
	5: {"revocationNotification", "证书已吊销"},
}

var failNames = []struct {
	bit    int
	en, zh string
}{
	{0, "badAlg", "不支持的哈希算法"},
	{2, "badRequest", "请求不被允许或不受支持"},
	{5, "badDataFormat", "数据格式错误"},
	{14, "timeNotAvailable", "TSA 的时间源不可用"},
	{15, "unacceptedPolicy", "不接受所请求的策略"},
	{16, "unacceptedExtension", "不接受所请求的扩展"},
	{17, "addInfoNotAvailable", "所请求的附加信息不可用"},
	{25, "systemFailure", "TSA 系统故障"},
}

func notGranted(s pkiStatusInfo) *Error {
	name, ok := statusNames[s.Status]
	if !ok {
		name = [2]string{fmt.Sprintf("unknown status %d", s.Status), fmt.Sprintf("未知状态 %d", s.Status)}
	}
	en := []string{"status " + name[0]}
	zh := "时间戳服务机构未批准申请（状态：" + name[1]
	var fen, fzh []string
	for _, f := range failNames {
		if f.bit < s.FailInfo.BitLength && s.FailInfo.At(f.bit) == 1 {
			fen = append(fen, f.en)
			fzh = append(fzh, f.zh)
		}
	}
	if len(fen) > 0 {
		en = append(en, "failure "+strings.Join(fen, ","))
		zh += "；原因：" + strings.Join(fzh, "、")
	}
	if len(s.StatusString) > 0 {
		text := strings.Join(s.StatusString, "; ")
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		en = append(en, fmt.Sprintf("text %q", text))
		zh += fmt.Sprintf("；说明：%q", text)
	}
	zh += "）"
	return newErr(ErrNotGranted, strings.Join(en, ", "), zh, nil)
}

// verifyToken parses the token, checks the CMS envelope and signature and
// fills a Token. It does not check imprint, EKU or chain.
func verifyToken(tokenDER []byte, roots *x509.CertPool, opts VerifyOptions) (tok *Token, err error) {
	defer func() {
		if p := recover(); p != nil {
			tok, err = nil, newErr(ErrMalformed, fmt.Sprintf("token: parser failure: %v", p), "时间戳令牌无法解析", nil)
		}
	}()
	if len(tokenDER) == 0 {
		return nil, newErr(ErrMalformed, "empty token", "时间戳令牌为空", nil)
	}
	if len(tokenDER) > MaxSize {
		return nil, newErr(ErrMalformed, "token larger than 1 MiB", "时间戳令牌超过 1 MiB，不是有效的令牌", nil)
	}
	malformed := func(reason string, cause error) *Error {
		return newErr(ErrMalformed, "token: "+reason, "时间戳令牌结构不正确，文件可能已损坏或被改动", cause)
	}
	// The envelope: ContentInfo(SignedData(eContentType id-ct-TSTInfo)).
	var ci contentInfo
	rest, err := asn1.Unmarshal(tokenDER, &ci)
	if err != nil {
		return nil, malformed("not a CMS ContentInfo", err)
	}
	if len(rest) > 0 {
		return nil, malformed("trailing data", nil)
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, malformed("content type "+ci.ContentType.String()+" is not SignedData", nil)
	}
	var sd signedDataHead
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, malformed("cannot parse SignedData", err)
	}
	if !sd.EncapContentInfo.EContentType.Equal(oidTSTInfo) {
		return nil, malformed("eContentType "+sd.EncapContentInfo.EContentType.String()+" is not id-ct-TSTInfo", nil)
	}

	p7, err := pkcs7.Parse(tokenDER)
	if err != nil {
		return nil, malformed("cannot parse SignedData", err)
	}
	if len(p7.Signers) != 1 {
		return nil, malformed(fmt.Sprintf("%d signers, RFC 3161 requires exactly one", len(p7.Signers)), nil)
	}
	embedded := p7.Certificates
	p7.Certificates = append(append([]*x509.Certificate(nil), embedded...), opts.Certificates...)
	signer := p7.GetOnlySigner()
	if signer == nil {
		return nil, newErr(ErrBadSignature, "the signer certificate is neither in the token nor among the given certificates",
			"时间戳令牌中没有签名者证书，无法核验签名", nil)
	}
	if err := p7.Verify(); err != nil {
		reason := "signature does not verify with the signer certificate " + signer.Subject.String()
		var mismatch *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mismatch) {
			// Its message spans several lines; say what it means instead.
			reason = "the signed time-stamp content was altered (message-digest attribute mismatch)"
			err = nil
		}
		return nil, newErr(ErrBadSignature, reason, "时间戳令牌的签名无效：令牌已被改动或伪造", err)
	}

	// The signature covers TSTInfo; now read it. timestamp.Parse checks the
	// signature again (when certificates are embedded) and decodes fields.
	ts, err := timestamp.Parse(tokenDER)
	if err != nil {
		return nil, malformed("cannot parse TSTInfo", err)
	}
	var tail tstInfoTSA
	if _, err := asn1.Unmarshal(p7.Content, &tail); err != nil {
		return nil, malformed("cannot parse TSTInfo", err)
	}
	tok = &Token{
		Time:          ts.Time.UTC(),
		Accuracy:      ts.Accuracy,
		Serial:        ts.SerialNumber,
		Policy:        ts.Policy.String(),
		Signer:        signer,
		DER:           append([]byte(nil), tokenDER...),
		HashAlgorithm: ts.HashAlgorithm,
		HashedMessage: ts.HashedMessage,
		Nonce:         ts.Nonce,
		TSAName:       tsaName(tail.TSA, signer),
		embedded:      embedded,
	}
	if tok.Serial == nil {
		return nil, malformed("no serial number", nil)
	}
	return tok, nil
}

// tsaName renders the TSTInfo tsa GeneralName when it is a directory name.
func tsaName(gn asn1.RawValue, signer *x509.Certificate) string {
	if gn.Class == asn1.ClassContextSpecific && gn.Tag == 4 && gn.IsCompound {
		var rdn pkix.RDNSequence
		if rest, err := asn1.Unmarshal(gn.Bytes, &rdn); err == nil && len(rest) == 0 {
			var n pkix.Name
			n.FillFromRDNSequence(&rdn)
			return n.String()
		}
	}
	return signer.Subject.String()
}

func checkImprint(tok *Token, alg crypto.Hash, want []byte, what string) error {
	if tok.HashAlgorithm != alg || !bytes.Equal(tok.HashedMessage, want) {
		return newErr(ErrImprintMismatch,
			fmt.Sprintf("the token covers %s %s, %s is %s %s", tok.HashAlgorithm, hex.EncodeToString(tok.HashedMessage),
				what, alg, hex.EncodeToString(want)),
			"时间戳所证明的哈希值与本证据包不一致：这是为其他文件或其他证据包签发的时间戳", nil)
	}
	return nil
}

// checkSignerAndChain applies RFC 3161 §2.3 to the signer certificate, checks
// genTime against its validity and builds the chain at genTime.
func checkSignerAndChain(tok *Token, roots *x509.CertPool, opts VerifyOptions) error {
	signer := tok.Signer
	if err := checkEKU(signer); err != nil {
		return err
	}
	if tok.Time.Before(signer.NotBefore) || tok.Time.After(signer.NotAfter) {
		return newErr(ErrOutsideValidity,
			fmt.Sprintf("genTime %s is outside %s .. %s", tok.Time.Format(time.RFC3339), signer.NotBefore.UTC().Format(time.RFC3339), signer.NotAfter.UTC().Format(time.RFC3339)),
			fmt.Sprintf("时间戳时间 %s 不在签名证书的有效期（%s 至 %s）内", tok.Time.Format(time.RFC3339),
				signer.NotBefore.UTC().Format(time.RFC3339), signer.NotAfter.UTC().Format(time.RFC3339)), nil)
	}

	all := append(append([]*x509.Certificate(nil), tok.embedded...), opts.Certificates...)
	inter := x509.NewCertPool()
	for _, c := range all {
		inter.AddCert(c)
	}
	trusted := roots != nil
	if roots == nil {
		roots = x509.NewCertPool()
		n := 0
		for _, c := range all {
			if bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil {
				roots.AddCert(c)
				n++
			}
		}
		if n == 0 {
			return newErr(ErrUntrustedChain, "no CA certificate was given and the token embeds no self-signed root",
				"未提供时间戳机构的根证书（CA），且令牌中也没有附带根证书，无法核验证书链；请用 --ca 指定该机构的根证书", nil)
		}
	}
	chains, err := signer.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   tok.Time,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	})
	if err != nil || len(chains) == 0 {
		return newErr(ErrUntrustedChain,
			fmt.Sprintf("signer %q (issuer %q) does not chain to a trusted root at %s", signer.Subject.String(), signer.Issuer.String(), tok.Time.Format(time.RFC3339)),
			"时间戳签名证书无法追溯到所信任的根证书：签发机构不可信，或所给的根证书不对", err)
	}
	tok.Chain = chains[0]
	tok.TrustedRoot = trusted
	return nil
}

// checkEKU enforces RFC 3161 §2.3: exactly one extended key usage extension,
// critical, whose only purpose is id-kp-timeStamping.
func checkEKU(c *x509.Certificate) error {
	var ext *pkix.Extension
	for i := range c.Extensions {
		if c.Extensions[i].Id.Equal(oidExtKeyUsage) {
			if ext != nil {
				return newErr(ErrNoTimestampingEKU, "the extended key usage extension appears twice",
					"时间戳签名证书的“扩展密钥用法”出现多次，不符合 RFC 3161", nil)
			}
			ext = &c.Extensions[i]
		}
	}
	if ext == nil {
		return newErr(ErrNoTimestampingEKU, "signer certificate "+c.Subject.String()+" has no extended key usage extension",
			"时间戳签名证书没有“时间戳”（timeStamping）扩展密钥用法：它不是时间戳服务机构的证书", nil)
	}
	var purposes []asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(ext.Value, &purposes); err != nil || len(rest) > 0 {
		return newErr(ErrNoTimestampingEKU, "cannot parse the extended key usage extension",
			"时间戳签名证书的扩展密钥用法无法解析", err)
	}
	has := false
	var others []string
	for _, p := range purposes {
		switch {
		case p.Equal(oidKPTimeStamping):
			has = true
		default:
			others = append(others, ekuName(p))
		}
	}
	if !has {
		return newErr(ErrNoTimestampingEKU,
			fmt.Sprintf("signer certificate %s allows only %s", c.Subject.String(), strings.Join(others, ", ")),
			"时间戳签名证书没有“时间戳”（timeStamping）扩展密钥用法：它不是时间戳服务机构的证书", nil)
	}
	if len(others) > 0 {
		return newErr(ErrNoTimestampingEKU,
			fmt.Sprintf("signer certificate %s also allows %s; RFC 3161 §2.3 requires timeStamping only", c.Subject.String(), strings.Join(others, ", ")),
			"时间戳签名证书除“时间戳”用途外还有其他用途，不符合 RFC 3161 第2.3节", nil)
	}
	if !ext.Critical {
		return newErr(ErrEKUNotCritical,
			fmt.Sprintf("signer certificate %s marks the extended key usage non-critical; RFC 3161 §2.3 requires critical", c.Subject.String()),
			"时间戳签名证书的“时间戳”用途未标记为关键（critical），不符合 RFC 3161 第2.3节", nil)
	}
	return nil
}
