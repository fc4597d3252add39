package path

import (
	"encoding/asn1"
	"strconv"
	"strings"
)

// wrapUp is §6.1.5 for the leaf (p[0]), plus the end-entity usage that
// Inputs.Usage asks for.
func (v *validator) wrapUp(st *state, p Path) (*Result, *Error) {
	leaf := p[0]
	// (a), (b): explicit_policy.
	decrement(&st.explicitPolicy)
	if leaf.RequireExplicitPolicyZero {
		st.explicitPolicy = 0
	}
	// (c)-(e) output the working key, which the caller reads from the leaf;
	// (f) ran with §6.1.3 (process.go).
	// (g): the user-constrained policy set.
	authority := st.policy.authoritySet()
	user := userConstrained(authority, v.in.initialPolicySet())
	if st.explicitPolicy == 0 && len(user) == 0 {
		return nil, failAt(PolicyFailure, p, 0, "no acceptable certificate policy and an explicit policy is required")
	}
	if e := v.leafUsage(p); e != nil {
		return nil, e
	}
	return &Result{
		Path:              p,
		UserPolicies:      toOIDs(user),
		AuthorityPolicies: toOIDs(authority),
		ExplicitPolicy:    st.explicitPolicy == 0,
	}, nil
}

// toOIDs converts dotted policy OIDs; an OID with an arc too large for
// asn1.ObjectIdentifier is left out.
func toOIDs(dotted []string) []asn1.ObjectIdentifier {
	out := make([]asn1.ObjectIdentifier, 0, len(dotted))
next:
	for _, s := range dotted {
		parts := strings.Split(s, ".")
		oid := make(asn1.ObjectIdentifier, len(parts))
		for i, part := range parts {
			n, err := strconv.Atoi(part)
			if err != nil {
				continue next
			}
			oid[i] = n
		}
		out = append(out, oid)
	}
	return out
}
