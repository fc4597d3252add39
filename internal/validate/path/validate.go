package path

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// validator runs §6.1 with one set of inputs inside a session.
type validator struct {
	in Inputs
	s  *session
}

// newValidator checks the inputs that cannot be defaulted.
func newValidator(in Inputs, s *session) (*validator, error) {
	if in.Time.IsZero() {
		return nil, errors.New("path: Inputs.Time is not set")
	}
	if s == nil {
		s = newSession()
	}
	return &validator{in: in, s: s}, nil
}

// state is the §6.1.2 state variables. working_public_key,
// working_public_key_algorithm, working_public_key_parameters and
// working_issuer_name are not copied out: they are always the certificate
// before the one being processed (or the anchor), which the path holds.
type state struct {
	n                int
	policy           *policyGraph // valid_policy_graph; nil is NULL
	names            nameState    // permitted_subtrees, excluded_subtrees
	explicitPolicy   int
	inhibitAnyPolicy int
	policyMapping    int
	maxPathLength    int
}

// ValidatePath runs RFC 5280 §6.1 on a given path (leaf first, a trust
// anchor of in.Anchors last), then checks revocation of every certificate
// below the anchor. It builds nothing: use Validate for that.
func ValidatePath(ctx context.Context, p Path, in Inputs) (*Result, error) {
	v, err := newValidator(in, nil)
	if err != nil {
		return nil, err
	}
	return v.validatePath(ctx, p)
}

// validatePath is ValidatePath inside a session.
func (v *validator) validatePath(ctx context.Context, p Path) (*Result, error) {
	if len(p) == 0 {
		return nil, &Error{Reason: Malformed, Depth: -1, Detail: "empty path"}
	}
	for i, c := range p {
		if c == nil {
			return nil, failAt(Malformed, p, i, "nil certificate")
		}
	}
	n := len(p) - 1
	if !v.isAnchor(p[n]) {
		return nil, failAt(NoChain, p, n, "path does not end at a trust anchor")
	}
	if n == 0 {
		return v.directlyTrusted(ctx, p)
	}
	if e := v.checkDepth(p); e != nil {
		return nil, e
	}
	st := v.initialState(n)
	if v.in.EnforceAnchorConstraints {
		if e := v.anchorConstraints(st, p); e != nil {
			return nil, e
		}
	}
	for i := 1; i <= n; i++ {
		if e := v.processCertificate(st, p, i); e != nil {
			return nil, v.refineOutOfBounds(ctx, e)
		}
		if i < n {
			if e := v.prepareNext(st, p, i); e != nil {
				return nil, e
			}
		}
	}
	res, e := v.wrapUp(st, p)
	if e != nil {
		return nil, e
	}
	// Revocation last: whether the path validates does not depend on the
	// order of the §6.1.3 checks, and a path that fails structurally should
	// cost no CRL or OCSP work.
	if v.in.Revocation != nil {
		statuses, err := v.checkRevocation(ctx, p)
		if err != nil {
			return nil, err
		}
		res.Revocation = statuses
	}
	return res, nil
}

// initialState is §6.1.2: counters at n+1 unless the inputs set them to 0.
func (v *validator) initialState(n int) *state {
	st := &state{n: n, policy: newPolicyGraph(), maxPathLength: n}
	st.explicitPolicy, st.inhibitAnyPolicy, st.policyMapping = n+1, n+1, n+1
	if v.in.InitialExplicitPolicy {
		st.explicitPolicy = 0
	}
	if v.in.InitialAnyPolicyInhibit {
		st.inhibitAnyPolicy = 0
	}
	if v.in.InitialPolicyMappingInhibit {
		st.policyMapping = 0
	}
	return st
}

// isAnchor reports whether c is one of the trust anchors: the same
// certificate, or the same name and key (RFC 5914: an anchor is a name and a
// key, so a re-issued anchor certificate is the same anchor).
func (v *validator) isAnchor(c *x509.Certificate) bool {
	info := v.s.infos.get(c)
	for _, a := range v.in.Anchors {
		if a == nil {
			continue
		}
		if a == c || bytes.Equal(a.Raw, c.Raw) {
			return true
		}
		if info.subjectKey != "" && v.s.infos.get(a).subjectKey == info.subjectKey &&
			bytes.Equal(a.RawSubjectPublicKeyInfo, c.RawSubjectPublicKeyInfo) {
			return true
		}
	}
	return false
}

// checkDepth enforces MaxDepth: the leaf plus the intermediates that are
// not self-issued.
func (v *validator) checkDepth(p Path) *Error {
	count := 1
	for d := 1; d < len(p)-1; d++ {
		if !v.s.infos.get(p[d]).selfIssued {
			count++
		}
		if count > v.in.maxDepth() {
			return failAt(DepthExceeded, p, d, "more than %d certificates below the anchor", v.in.maxDepth())
		}
	}
	return nil
}

// directlyTrusted handles a leaf that is itself a trust anchor: nothing
// chains, but the end entity's own validity and usage still matter to a
// signature.
func (v *validator) directlyTrusted(ctx context.Context, p Path) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, errorf("validating: %w", err)
	}
	if e := v.validity(p, 0); e != nil {
		return nil, e
	}
	if e := v.leafUsage(p); e != nil {
		return nil, e
	}
	return &Result{Path: p}, nil
}

// validity is §6.1.3 (a)(2): notBefore ≤ time ≤ notAfter, both inclusive
// (RFC 5280 §4.1.2.5). The time is floored to the second, the granularity
// of the encoded validity (x509-limbo rfc5280::validity::*-fractional).
func (v *validator) validity(p Path, depth int) *Error {
	c := p[depth]
	t := v.in.Time.Truncate(time.Second)
	switch {
	case t.Before(c.NotBefore):
		return failAt(NotYetValid, p, depth, "valid from %s, validation time %s", c.NotBefore.UTC().Format(timeFormat), v.in.Time.UTC().Format(timeFormat))
	case t.After(c.NotAfter):
		return failAt(Expired, p, depth, "valid until %s, validation time %s", c.NotAfter.UTC().Format(timeFormat), v.in.Time.UTC().Format(timeFormat))
	}
	return nil
}

// timeFormat is how times appear in details.
const timeFormat = "2006-01-02T15:04:05Z"

// criticalExtensions is §6.1.4 (o) / §6.1.5 (f) for the certificate at
// depth.
func (v *validator) criticalExtensions(p Path, depth int) *Error {
	if oid, ok := unhandledCritical(p[depth], v.in.HandledCriticalExtensions); ok {
		return failAt(UnhandledCriticalExtension, p, depth, "critical extension %s", oid)
	}
	return nil
}

// errorf is a small helper for wrapped, prefixed errors.
func errorf(format string, args ...any) error {
	return fmt.Errorf("path: "+format, args...)
}
