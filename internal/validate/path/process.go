package path

import "crypto/x509"

// processCertificate is §6.1.3, basic certificate processing, for
// certificate i (1 = the one the anchor issued, n = the leaf). Revocation,
// step (a)(3), runs after the whole path passed (validate.go).
func (v *validator) processCertificate(st *state, p Path, i int) *Error {
	depth := st.n - i
	c, issuer := p[depth], p[depth+1]
	info := v.s.infos.get(c)

	// (a)(4): the issuer name is the working_issuer_name. An empty name
	// never chains.
	if info.issuerKey == "" || info.issuerKey != v.s.infos.get(issuer).subjectKey {
		return failAt(NameChaining, p, depth, "issuer %q does not match the subject of the next certificate %q", c.Issuer.String(), issuer.Subject.String())
	}
	// (a)(1): the signature verifies with working_public_key.
	if err := v.s.checkSig(c, issuer); err != nil {
		return signatureError(p, depth, err)
	}
	// (a)(2): validity at the validation time.
	if e := v.validity(p, depth); e != nil {
		return e
	}
	// §6.1.4 (o) / §6.1.5 (f), checked early so that an unrecognised
	// extension is reported before what it might have changed.
	if e := v.criticalExtensions(p, depth); e != nil {
		return e
	}
	// (b), (c): name constraints, except on self-issued intermediates.
	if !info.selfIssued || i == st.n {
		names, err := certNames(c, info)
		if err != nil {
			e := failAt(Malformed, p, depth, "subjectAltName")
			e.Err = err
			return e
		}
		if err := st.names.check(names); err != nil {
			return failAt(NameConstraintViolation, p, depth, "%v", err)
		}
	}
	// (d), (e): policies.
	if st.policy != nil {
		if findExtension(c, oidExtCertPolicies) != nil {
			anyAllowed := st.inhibitAnyPolicy > 0 || (i < st.n && info.selfIssued)
			st.policy = st.policy.addCertificate(policyStrings(c), anyAllowed)
		} else {
			st.policy = nil
		}
	}
	// (f): a valid policy is needed once explicit_policy is 0.
	if st.explicitPolicy == 0 && st.policy == nil {
		return failAt(PolicyFailure, p, depth, "no valid certificate policy and an explicit policy is required")
	}
	return nil
}

// policyStrings returns the certificate's policy OIDs in dotted form.
func policyStrings(c *x509.Certificate) []string {
	out := make([]string, 0, len(c.Policies))
	for _, oid := range c.Policies {
		out = append(out, oid.String())
	}
	return out
}
