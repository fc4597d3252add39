package path

import (
	"crypto/x509"
	"encoding/asn1"
)

// Path is a certification path, leaf first and trust anchor last (the order
// of crypto/x509 chains). A path of one certificate is a leaf that is itself
// a trust anchor.
type Path []*x509.Certificate

// Leaf returns the end-entity certificate, or nil for an empty path.
func (p Path) Leaf() *x509.Certificate {
	if len(p) == 0 {
		return nil
	}
	return p[0]
}

// Anchor returns the trust anchor certificate, or nil for an empty path.
func (p Path) Anchor() *x509.Certificate {
	if len(p) == 0 {
		return nil
	}
	return p[len(p)-1]
}

// Result is a path that validated and what §6.1.5 outputs for it.
type Result struct {
	// Path is the validated path, leaf first, anchor last.
	Path Path
	// UserPolicies is the user-constrained-policy-set (§6.1.5 (g)), sorted;
	// empty when no policy is valid (allowed unless explicit policy was
	// required). It holds anyPolicy when every policy is acceptable.
	UserPolicies []asn1.ObjectIdentifier
	// AuthorityPolicies is the authorities-constrained-policy-set: the
	// policies valid for the path before intersecting with the initial set.
	AuthorityPolicies []asn1.ObjectIdentifier
	// ExplicitPolicy reports that explicit_policy reached 0: the path had to
	// carry an acceptable policy.
	ExplicitPolicy bool
	// Revocation holds each certificate's revocation status, in Path order
	// without the anchor; nil when Inputs.Revocation is nil.
	Revocation []RevocationStatus
}
