package path

import (
	"crypto/x509"
	"fmt"
)

// Reason says which check of path building or RFC 5280 §6.1 failed; callers
// branch on it (like x509.CertificateInvalidError.Reason).
type Reason int

// Reasons a path fails. SubIndication maps each to ETSI EN 319 102-1.
const (
	// NoChain: no path from the leaf to a trust anchor could be built, or the
	// path given to ValidatePath does not end at a trust anchor.
	NoChain Reason = iota + 1
	// BadSignature: a certificate's signature does not verify with its
	// issuer's key (§6.1.3 (a)(1)).
	BadSignature
	// UnsupportedAlgorithm: the signature or key algorithm cannot be checked
	// (DSA, unknown algorithms).
	UnsupportedAlgorithm
	// Expired: the validation time is after notAfter (§6.1.3 (a)(2)).
	Expired
	// NotYetValid: the validation time is before notBefore (§6.1.3 (a)(2)).
	NotYetValid
	// Revoked: the revocation checker found the certificate revoked
	// (§6.1.3 (a)(3)).
	Revoked
	// RevocationUnknown: the revocation status could not be determined.
	RevocationUnknown
	// NameChaining: the issuer name does not match the subject of the
	// certificate before it (§6.1.3 (a)(4)).
	NameChaining
	// NotCA: an intermediate is not a CA certificate (§6.1.4 (k)).
	NotCA
	// PathLenExceeded: a pathLenConstraint is exceeded (§6.1.4 (l)).
	PathLenExceeded
	// CAKeyUsage: an intermediate's keyUsage lacks keyCertSign (§6.1.4 (n)).
	CAKeyUsage
	// LeafKeyUsage: the end entity's keyUsage does not allow what
	// Inputs.Usage asks for.
	LeafKeyUsage
	// LeafExtKeyUsage: the end entity's extKeyUsage does not allow what
	// Inputs.Usage asks for.
	LeafExtKeyUsage
	// NameConstraintViolation: a name is outside the permitted subtrees or
	// inside the excluded ones (§6.1.3 (b), (c)).
	NameConstraintViolation
	// PolicyFailure: certificate policy processing failed (§6.1.3 (f),
	// §6.1.4 (a), §6.1.5 (g)).
	PolicyFailure
	// UnhandledCriticalExtension: a critical extension is not recognised
	// (§6.1.4 (o), §6.1.5 (f)).
	UnhandledCriticalExtension
	// Malformed: an extension this package must read could not be parsed, or
	// the inputs are unusable.
	Malformed
	// DepthExceeded: the path is longer than Inputs.MaxDepth.
	DepthExceeded
)

var reasonNames = map[Reason]string{
	NoChain:                    "no certification path",
	BadSignature:               "bad signature",
	UnsupportedAlgorithm:       "unsupported algorithm",
	Expired:                    "expired",
	NotYetValid:                "not yet valid",
	Revoked:                    "revoked",
	RevocationUnknown:          "revocation status unknown",
	NameChaining:               "name chaining",
	NotCA:                      "not a CA",
	PathLenExceeded:            "path length constraint exceeded",
	CAKeyUsage:                 "CA key usage lacks keyCertSign",
	LeafKeyUsage:               "end entity key usage",
	LeafExtKeyUsage:            "end entity extended key usage",
	NameConstraintViolation:    "name constraints",
	PolicyFailure:              "certificate policy",
	UnhandledCriticalExtension: "unhandled critical extension",
	Malformed:                  "malformed",
	DepthExceeded:              "path too long",
}

// String names the reason in words.
func (r Reason) String() string {
	if s, ok := reasonNames[r]; ok {
		return s
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// SubIndication is an ETSI EN 319 102-1 sub-indication.
type SubIndication string

// The sub-indications this package produces (EN 319 102-1 §5.2.6.4, X.509
// certificate validation at the validation time).
const (
	NoCertificateChainFound        SubIndication = "NO_CERTIFICATE_CHAIN_FOUND"
	OutOfBoundsNoPOE               SubIndication = "OUT_OF_BOUNDS_NO_POE"
	OutOfBoundsNotRevoked          SubIndication = "OUT_OF_BOUNDS_NOT_REVOKED"
	RevokedNoPOE                   SubIndication = "REVOKED_NO_POE"
	RevokedCANoPOE                 SubIndication = "REVOKED_CA_NO_POE"
	TryLater                       SubIndication = "TRY_LATER"
	ChainConstraintsFailure        SubIndication = "CHAIN_CONSTRAINTS_FAILURE"
	CertificateChainGeneralFailure SubIndication = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
)

// Error is why a path did not validate: the check (Reason), the certificate
// it failed on and where that certificate sits in Path.
type Error struct {
	// Reason is the failed check.
	Reason Reason
	// Cert is the certificate the check failed on; nil when no path was
	// built.
	Cert *x509.Certificate
	// Depth is Cert's index in Path: 0 is the leaf, len(Path)-1 the anchor;
	// -1 when there is no such certificate.
	Depth int
	// Path is the candidate path the failure was found on (leaf first),
	// possibly incomplete for NoChain; nil when nothing was built.
	Path Path
	// Detail says more, for people.
	Detail string
	// NotRevoked is set on Expired and NotYetValid when the revocation
	// checker confirmed Cert good at the validation time.
	NotRevoked bool
	// Revocation is the checker's answer for Revoked and RevocationUnknown.
	Revocation *RevocationStatus
	// Err is the underlying error (a signature error, the checker's error).
	Err error
}

// Error describes the failure on one line.
func (e *Error) Error() string {
	s := "path: " + e.Reason.String()
	if e.Cert != nil {
		s += fmt.Sprintf(" at depth %d (%s)", e.Depth, e.Cert.Subject.String())
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// SubIndication maps Reason to the EN 319 102-1 §5.2.6.4 sub-indication at
// the validation time. Revocation maps to the *_NO_POE forms: only the
// signature layer, which knows about proof of existence, may turn them into
// REVOKED. A bad certificate signature is CERTIFICATE_CHAIN_GENERAL_FAILURE,
// not SIG_CRYPTO_FAILURE, which EN 319 102-1 keeps for the signature value of
// the signed data itself.
func (e *Error) SubIndication() SubIndication {
	switch e.Reason {
	case NoChain:
		return NoCertificateChainFound
	case Expired, NotYetValid:
		if e.NotRevoked {
			return OutOfBoundsNotRevoked
		}
		return OutOfBoundsNoPOE
	case Revoked:
		if e.Depth > 0 {
			return RevokedCANoPOE
		}
		return RevokedNoPOE
	case RevocationUnknown:
		return TryLater
	case NotCA, PathLenExceeded, CAKeyUsage, LeafKeyUsage, LeafExtKeyUsage,
		NameConstraintViolation, PolicyFailure, DepthExceeded:
		return ChainConstraintsFailure
	default:
		return CertificateChainGeneralFailure
	}
}

// failAt builds an Error for the certificate at index depth of p.
func failAt(r Reason, p Path, depth int, format string, args ...any) *Error {
	e := &Error{Reason: r, Depth: depth, Path: p, Detail: fmt.Sprintf(format, args...)}
	if depth >= 0 && depth < len(p) {
		e.Cert = p[depth]
	}
	return e
}
