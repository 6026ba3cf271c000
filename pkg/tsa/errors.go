package tsa

import "errors"

// Sentinel error kinds. Every error returned by Verify and VerifyToken is an
// *Error whose Kind is one of these, so callers branch with errors.Is.
var (
	// ErrMalformed: the request, response or token cannot be parsed, or is
	// not a well-formed RFC 3161 structure.
	ErrMalformed = errors.New("malformed time-stamp data")
	// ErrNotGranted: the TSA answered with a PKIStatus other than granted (0)
	// or grantedWithMods (1).
	ErrNotGranted = errors.New("time-stamp request not granted")
	// ErrImprintMismatch: the token covers a different hash (or hash
	// algorithm) than the request or the bundle's root hash.
	ErrImprintMismatch = errors.New("message imprint mismatch")
	// ErrNonceMismatch: the token's nonce differs from the request's.
	ErrNonceMismatch = errors.New("nonce mismatch")
	// ErrBadSignature: the CMS signature over the token does not verify, or
	// the signer certificate is missing.
	ErrBadSignature = errors.New("bad time-stamp signature")
	// ErrNoTimestampingEKU: the signer certificate does not carry
	// id-kp-timeStamping as its only extended key usage.
	ErrNoTimestampingEKU = errors.New("signer certificate lacks the timeStamping extended key usage")
	// ErrEKUNotCritical: the extended key usage extension is not marked
	// critical, as RFC 3161 §2.3 requires.
	ErrEKUNotCritical = errors.New("timeStamping extended key usage not critical")
	// ErrUntrustedChain: the signer certificate does not chain to a trusted
	// root at genTime.
	ErrUntrustedChain = errors.New("untrusted certificate chain")
	// ErrOutsideValidity: genTime is outside the signer certificate's
	// validity period.
	ErrOutsideValidity = errors.New("time-stamp time outside signer certificate validity")
)

// Error is the error type of this package. Kind is one of the sentinel
// errors; Reason says precisely what was found; Zh is the same message in
// Simplified Chinese for the user; Err is the underlying cause, if any.
type Error struct {
	Kind   error
	Reason string
	Zh     string
	Err    error
}

func (e *Error) Error() string {
	msg := e.Kind.Error()
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the kind and the cause so that errors.Is matches both.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Zh returns the Chinese message of err if it is (or wraps) an *Error, and
// "" otherwise.
func Zh(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Zh
	}
	return ""
}

func newErr(kind error, reason, zh string, cause error) *Error {
	return &Error{Kind: kind, Reason: reason, Zh: zh, Err: cause}
}
