// Package path builds certification paths and validates them with the
// RFC 5280 §6.1 algorithm, for judging certificates from any CA (the
// government CA, public CAs) in a signature validation report.
//
// # Boundary
//
// In: a leaf certificate, trust anchors, an untrusted pool of intermediates,
// the validation time and the RFC 5280 §6.1.1 inputs (initial policy set,
// initial-explicit-policy, the two inhibit flags), what the end entity must
// allow (key usage, extended key usage), and optionally a RevocationChecker.
//
// Out: the path that validated (leaf first, anchor last), the
// user-constrained policy set and the revocation status of each certificate;
// or an *Error whose Reason says which check failed on which certificate, and
// whose SubIndication maps it to ETSI EN 319 102-1 vocabulary.
//
// Not here: fetching anything (AIA, CRL or OCSP download), OCSP itself, the
// cryptographic-strength policy of ETSI TS 119 312, proof-of-existence
// reasoning (whether a revoked or expired certificate was still good when a
// signature was made), qualified-certificate (QcStatements) checks and TLS
// host-name matching. The validator's later layers do those; they plug in
// through RevocationChecker and by reading Result and Error.
//
// # Why not crypto/x509.Verify
//
// Verify cannot take CRLs, cannot set initial-explicit-policy or the inhibit
// inputs, does not return the user-constrained policy set and does not say
// which check failed on which certificate. This package uses crypto/x509 for
// parsing and for signature checks only, and runs the §6.1 state machine
// itself (policy processing uses the policy graph of RFC 9618, which bounds
// the work that the RFC 5280 tree can blow up on).
//
// # Trust anchors
//
// Anchors are RFC 5914 style: a name and a key taken from a certificate. The
// anchor certificate's own validity, extensions and constraints are not
// enforced unless Inputs.EnforceAnchorConstraints is set (RFC 5937 style);
// then its validity, basicConstraints, keyUsage, critical extensions,
// pathLenConstraint, name constraints and policy constraints apply.
//
// # Time
//
// Nothing here reads the clock: Inputs.Time is the validation time (the
// signing time, a time-stamp time, or now as the caller decides).
package path
