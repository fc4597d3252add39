package path

import (
	"context"
	"crypto/x509"
	"time"
)

// RevocationChecker says whether a certificate of a path was revoked at the
// validation time (RFC 5280 §6.1.3 (a)(3)). CRLChecker is one; the
// validator's OCSP/CRL layer is another.
type RevocationChecker interface {
	// Check answers for req.Cert. An error means no answer (the path then
	// fails with RevocationUnknown); "not known" is a status, not an error.
	Check(ctx context.Context, req RevocationRequest) (RevocationStatus, error)
}

// RevocationRequest is one question to a RevocationChecker.
type RevocationRequest struct {
	// Cert is the certificate whose status is asked.
	Cert *x509.Certificate
	// Issuer is Cert's issuer in the path (the anchor for the first
	// certificate below it); it has been validated with the path.
	Issuer *x509.Certificate
	// Time is the validation time.
	Time time.Time
	// Candidates are certificates that may have signed CRLs or OCSP responses
	// other than Issuer (CRL signing keys, indirect CRL issuers): the
	// intermediates and anchors of the validation. They are untrusted: use
	// VerifySigner before relying on one.
	Candidates []*x509.Certificate
	// VerifySigner validates a certification path for a signer that is not
	// Issuer to the same trust anchor, at the same time, with the same
	// revocation checking (RFC 5280 §6.3.3 (f)). It returns nil when the
	// signer is valid. It is nil when no such validation is possible.
	VerifySigner func(ctx context.Context, signer *x509.Certificate) error
}

// RevocationState is the outcome of a revocation check.
type RevocationState int

// Revocation states. The zero value is StatusUnknown, so that a forgotten
// assignment never reads as good.
const (
	// StatusUnknown: no usable revocation information covers the certificate.
	StatusUnknown RevocationState = iota
	// StatusGood: the certificate is not revoked.
	StatusGood
	// StatusRevoked: the certificate is revoked (or on hold).
	StatusRevoked
)

// String names the state.
func (s RevocationState) String() string {
	switch s {
	case StatusGood:
		return "good"
	case StatusRevoked:
		return "revoked"
	default:
		return "unknown"
	}
}

// RevocationStatus is a checker's answer about one certificate.
type RevocationStatus struct {
	// State is good, revoked or unknown.
	State RevocationState
	// RevokedAt is the revocation date when State is StatusRevoked.
	RevokedAt time.Time
	// ReasonCode is the RFC 5280 §5.3.1 CRLReason when revoked (0 when the
	// entry had none; 6 is certificateHold).
	ReasonCode int
	// Source names the information used (for example the CRL's issuer and
	// number).
	Source string
	// Detail says why the state is unknown.
	Detail string
}
