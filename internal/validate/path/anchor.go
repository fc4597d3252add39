package path

import "crypto/x509"

// anchorConstraints applies the anchor certificate's own content, RFC 5937
// style, when Inputs.EnforceAnchorConstraints asks for it: the anchor must
// be valid at the validation time and fit to issue certificates, and its
// pathLenConstraint, name constraints and policy constraints set the
// initial state. Its certificatePolicies are not intersected with the
// initial policy set (RFC 5937 leaves that optional).
func (v *validator) anchorConstraints(st *state, p Path) *Error {
	depth := len(p) - 1
	a := p[depth]
	if e := v.validity(p, depth); e != nil {
		return e
	}
	if e := v.criticalExtensions(p, depth); e != nil {
		return e
	}
	// A version 1 anchor has no extensions to say it is a CA; being trusted
	// out of band is enough (RFC 5280 §6.1.4 (k)).
	if a.Version >= 3 && (!a.BasicConstraintsValid || !a.IsCA) {
		return failAt(NotCA, p, depth, "trust anchor's basicConstraints does not assert cA")
	}
	if findExtension(a, oidExtKeyUsage) != nil && a.KeyUsage&x509.KeyUsageCertSign == 0 {
		return failAt(CAKeyUsage, p, depth, "trust anchor's keyUsage lacks keyCertSign")
	}
	if a.MaxPathLen >= 0 && a.MaxPathLen < st.maxPathLength {
		st.maxPathLength = a.MaxPathLen
	}
	if ext := findExtension(a, oidExtNameConstraints); ext != nil {
		nc, err := parseNameConstraints(ext.Value)
		if err != nil {
			e := failAt(Malformed, p, depth, "trust anchor's name constraints")
			e.Err = err
			return e
		}
		st.names.add(nc)
	}
	applyPolicyConstraints(st, a)
	return nil
}
