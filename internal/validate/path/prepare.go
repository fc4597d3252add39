package path

import (
	"crypto/x509"
)

// prepareNext is §6.1.4, preparation for certificate i+1, run on every
// certificate but the leaf. Steps (c)-(f), the working key and name, need no
// code: the next certificate's issuer is p[depth].
func (v *validator) prepareNext(st *state, p Path, i int) *Error {
	depth := st.n - i
	c := p[depth]
	info := v.s.infos.get(c)

	// (a), (b): policy mappings.
	if e := v.policyMappings(st, p, depth); e != nil {
		return e
	}
	// (g): name constraints narrow the subtrees.
	if ext := findExtension(c, oidExtNameConstraints); ext != nil {
		nc, err := parseNameConstraints(ext.Value)
		if err != nil {
			e := failAt(Malformed, p, depth, "name constraints")
			e.Err = err
			return e
		}
		st.names.add(nc)
	}
	// (h): counters run down, except across self-issued certificates.
	if !info.selfIssued {
		decrement(&st.explicitPolicy)
		decrement(&st.policyMapping)
		decrement(&st.inhibitAnyPolicy)
	}
	// (i), (j): policyConstraints and inhibitAnyPolicy can only lower them.
	applyPolicyConstraints(st, c)
	// (k): a CA certificate.
	if c.Version < 3 {
		return failAt(NotCA, p, depth, "version %d certificate cannot be shown to be a CA", c.Version)
	}
	if !c.BasicConstraintsValid || !c.IsCA {
		return failAt(NotCA, p, depth, "basicConstraints does not assert cA")
	}
	// (l): room left under max_path_length, which self-issued
	// certificates do not use up.
	if !info.selfIssued {
		if st.maxPathLength <= 0 {
			return failAt(PathLenExceeded, p, depth, "a pathLenConstraint above allows no further CA certificate")
		}
		st.maxPathLength--
	}
	// (m): this certificate's pathLenConstraint.
	if c.MaxPathLen >= 0 && c.MaxPathLen < st.maxPathLength {
		st.maxPathLength = c.MaxPathLen
	}
	// (n): keyCertSign, when keyUsage is present.
	if findExtension(c, oidExtKeyUsage) != nil && c.KeyUsage&x509.KeyUsageCertSign == 0 {
		return failAt(CAKeyUsage, p, depth, "keyUsage lacks keyCertSign")
	}
	// (o) ran with §6.1.3 (process.go).
	return nil
}

// policyMappings is §6.1.4 (a) and (b).
func (v *validator) policyMappings(st *state, p Path, depth int) *Error {
	c := p[depth]
	if len(c.PolicyMappings) == 0 {
		return nil
	}
	mappings := map[string][]string{}
	var order []string
	for _, m := range c.PolicyMappings {
		idp, sdp := m.IssuerDomainPolicy.String(), m.SubjectDomainPolicy.String()
		// (a): anyPolicy may not be mapped or mapped to.
		if idp == anyPolicy || sdp == anyPolicy {
			return failAt(PolicyFailure, p, depth, "policy mapping involves anyPolicy")
		}
		if _, seen := mappings[idp]; !seen {
			order = append(order, idp)
		}
		mappings[idp] = append(mappings[idp], sdp)
	}
	if st.policy != nil {
		st.policy = st.policy.applyMappings(mappings, order, st.policyMapping > 0)
	}
	return nil
}

// applyPolicyConstraints is §6.1.4 (i) and (j).
func applyPolicyConstraints(st *state, c *x509.Certificate) {
	if (c.RequireExplicitPolicy > 0 || c.RequireExplicitPolicyZero) && c.RequireExplicitPolicy < st.explicitPolicy {
		st.explicitPolicy = c.RequireExplicitPolicy
	}
	if (c.InhibitPolicyMapping > 0 || c.InhibitPolicyMappingZero) && c.InhibitPolicyMapping < st.policyMapping {
		st.policyMapping = c.InhibitPolicyMapping
	}
	if (c.InhibitAnyPolicy > 0 || c.InhibitAnyPolicyZero) && c.InhibitAnyPolicy < st.inhibitAnyPolicy {
		st.inhibitAnyPolicy = c.InhibitAnyPolicy
	}
}

// decrement lowers a counter that has not reached 0.
func decrement(x *int) {
	if *x > 0 {
		*x--
	}
}
