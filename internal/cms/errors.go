package cms

import "errors"

// Sentinel errors. Every error this package returns that a caller may act
// on wraps one of them; test with errors.Is. The texts after the sentinel say
// what exactly was wrong and are meant for logs and validation reports.
var (
	// ErrTooLarge: the input exceeds MaxSize.
	ErrTooLarge = errors.New("cms: input too large")
	// ErrMalformed: the input is not a well-formed ContentInfo holding a
	// SignedData with at least one SignerInfo (RFC 5652 §3, §5), or a
	// signed attribute that this package interprets is malformed or
	// repeated (RFC 5652 §11).
	ErrMalformed = errors.New("cms: malformed SignedData")
	// ErrUnsupported: an algorithm, key or option that this package does
	// not implement (Ed448, SHAKE256, brainpool curves, MD5, RSA-PSS with a
	// different MGF1 hash, ...). The signature may be fine; it cannot be
	// checked here.
	ErrUnsupported = errors.New("cms: unsupported")
	// ErrSignerNotFound: no certificate in the SignedData matches the
	// SignerInfo's sid (RFC 5652 §5.3); the validator may still find it
	// elsewhere (a PDF's DSS) and set Signed.Signer.
	ErrSignerNotFound = errors.New("cms: signer certificate not found")
	// ErrMissingAttribute: a signed attribute that RFC 5652 §5.3 requires
	// (content-type, message-digest) is absent, or content-type differs
	// from eContentType (§11.1).
	ErrMissingAttribute = errors.New("cms: required signed attribute missing or inconsistent")
	// ErrDigestMismatch: the message-digest attribute (RFC 5652 §11.2) is
	// not the digest of the content: the document was changed after signing.
	ErrDigestMismatch = errors.New("cms: message digest mismatch")
	// ErrSignatureInvalid: the signature value does not verify with the
	// signer's public key (RFC 5652 §5.6).
	ErrSignatureInvalid = errors.New("cms: signature invalid")
	// ErrSigningCertMismatch: the ESS signing-certificate(-v2) attribute
	// names another certificate than the signer's (RFC 5035 §3, ETSI EN
	// 319 122-1 §5.2.2.3): a certificate substitution.
	ErrSigningCertMismatch = errors.New("cms: signing certificate attribute does not match the signer")
)
