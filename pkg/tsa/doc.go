// Package tsa creates RFC 3161 time-stamp requests for an evipack bundle and
// verifies the responses and tokens offline.
//
// # What a token proves, and what it does not
//
// A time-stamp token is a statement signed by a time-stamping authority (TSA):
// "this hash value existed no later than genTime". For evipack the hash value
// is SHA-256 of the bundle's root hash, so a verified token proves that the
// bundle — every original file, the manifests and the report, all covered by
// the root hash — existed in exactly this form no later than the TSA time. It
// is the only time in a bundle that does not come from the user's own
// machine: event times (what the evidence says), file times (EXIF, file
// system) and the packaging time are all unverified claims.
//
// A token does NOT prove who made the files, that they are authentic or true,
// that they did not exist long before, or that the person who packaged them
// is the person named in them. It proves existence-before-a-time, nothing more.
//
// # What is hashed
//
// The message imprint is SHA-256 over the 64-character lowercase hexadecimal
// root hash as ASCII bytes, with no trailing newline. Anyone can reproduce it
// with standard tools:
//
//	printf %s ROOTHASH > root.txt
//	sha256sum root.txt                       # the imprint
//	openssl ts -query -data root.txt -sha256 -cert -out req.tsq
//	openssl ts -verify -data root.txt -in resp.tsr -CAfile tsa-ca.pem
//
// The ASCII form was chosen over the raw 32 bytes because the root hash is
// printed in evipack.json and in the PDF, and `printf %s` turns it into the
// hashed data without any hex-decoding step.
//
// The nonce is derived from the root hash (see [Nonce]) so that the same
// bundle always yields the same request bytes. Its purpose here is to bind a
// response to this request, not freshness: replaying an older token for the
// same root hash would only prove an earlier, still true, time.
//
// # What Verify checks, and why it does more than the library
//
// ASN.1 handling comes from github.com/digitorus/timestamp (and its
// dependency github.com/digitorus/pkcs7 for the CMS signature). That library
// verifies the signature only when the token carries certificates, and never
// checks the certificate chain or the extended key usage
// (digitorus/timestamp#10). This package therefore adds, in order:
// PKIStatus granted (0 or 1); the token is CMS SignedData with exactly one
// signer and eContentType id-ct-TSTInfo; the CMS signature; message imprint
// (algorithm and hash) and nonce against the request; the signer certificate
// carries id-kp-timeStamping as its only extended key usage and that
// extension is critical (RFC 3161 §2.3); genTime lies inside the signer
// certificate's validity; and the chain builds, at genTime, to the given
// roots — or, when no roots are given, to a self-signed certificate embedded
// in the token, in which case [Token.TrustedRoot] is false because the CA was
// not independently trusted.
//
// Revocation (CRL, OCSP) is not checked: evipack works offline. The chain is
// validated at genTime, the usual long-term rule for time-stamps.
package tsa
