package path

import (
	"crypto/x509"
	"encoding/asn1"
	"time"
)

// DefaultMaxDepth is the MaxDepth used when Inputs.MaxDepth is zero.
const DefaultMaxDepth = 10

// Inputs are the RFC 5280 §6.1.1 inputs plus what kyso asks of the end
// entity and how to check revocation.
type Inputs struct {
	// Time is the validation time (the signing time, a time-stamp time, or
	// now). It must be set: nothing in this package reads the clock.
	Time time.Time
	// Anchors are the trust anchors: name and key of each certificate.
	Anchors []*x509.Certificate
	// EnforceAnchorConstraints also applies the anchor certificate's own
	// validity, basicConstraints, keyUsage, critical extensions,
	// pathLenConstraint, name constraints and policy constraints (RFC 5937
	// style). Off, only the anchor's name and key count (RFC 5914 style).
	EnforceAnchorConstraints bool
	// Intermediates is the untrusted pool that Validate builds paths from.
	Intermediates []*x509.Certificate
	// InitialPolicies is the user-initial-policy-set; empty means {anyPolicy}.
	InitialPolicies []asn1.ObjectIdentifier
	// InitialExplicitPolicy requires a valid policy for the whole path.
	InitialExplicitPolicy bool
	// InitialPolicyMappingInhibit forbids policy mapping.
	InitialPolicyMappingInhibit bool
	// InitialAnyPolicyInhibit makes anyPolicy in certificates not count.
	InitialAnyPolicyInhibit bool
	// Usage is what the end-entity certificate must allow.
	Usage Usage
	// HandledCriticalExtensions are extensions the caller processes itself
	// (for example QcStatements in a qualification layer); a critical one is
	// then not an unhandled critical extension here.
	HandledCriticalExtensions []asn1.ObjectIdentifier
	// Revocation checks each certificate of the path; nil means no check.
	Revocation RevocationChecker
	// MaxDepth bounds the number of certificates below the anchor, the leaf
	// included and self-issued intermediates not counted (as with
	// pathLenConstraint); zero means DefaultMaxDepth. A leaf signed directly
	// by the anchor has depth 1.
	MaxDepth int
}

// Usage is what the end-entity certificate must allow. A certificate without
// keyUsage or extKeyUsage extension allows every usage of that kind (RFC 5280
// §4.2.1.3, §4.2.1.12).
type Usage struct {
	// KeyUsage lists keyUsage bits of which the leaf must assert at least
	// one; zero means no requirement.
	KeyUsage x509.KeyUsage
	// AllKeyUsage requires every bit of KeyUsage instead of any one.
	AllKeyUsage bool
	// ExtKeyUsage lists acceptable purposes; the leaf must list one of them
	// or anyExtendedKeyUsage. Empty means no requirement.
	ExtKeyUsage []asn1.ObjectIdentifier
}

// DocumentSigning is the usage of a certificate that signs documents:
// digitalSignature or nonRepudiation (contentCommitment).
func DocumentSigning() Usage {
	return Usage{KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
}

// maxDepth returns MaxDepth or its default.
func (in *Inputs) maxDepth() int {
	if in.MaxDepth > 0 {
		return in.MaxDepth
	}
	return DefaultMaxDepth
}

// initialPolicySet returns the user-initial-policy-set as dotted strings.
func (in *Inputs) initialPolicySet() []string {
	if len(in.InitialPolicies) == 0 {
		return []string{anyPolicy}
	}
	out := make([]string, 0, len(in.InitialPolicies))
	for _, p := range in.InitialPolicies {
		out = append(out, p.String())
	}
	return out
}
