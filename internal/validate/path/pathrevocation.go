package path

import (
	"context"
	"crypto/x509"
	"errors"
)

// checkRevocation is §6.1.3 (a)(3) for every certificate below the anchor,
// asked from the anchor down. Every certificate is asked even after a
// failure, so that a revoked certificate is reported in preference to an
// unknown status elsewhere. It returns the statuses in Path order, or the
// Error for the first revoked (else first unknown) certificate.
func (v *validator) checkRevocation(ctx context.Context, p Path) ([]RevocationStatus, error) {
	n := len(p) - 1
	statuses := make([]RevocationStatus, n)
	var revoked, unknown *Error
	for depth := n - 1; depth >= 0; depth-- {
		st, err := v.in.Revocation.Check(ctx, v.revocationRequest(p, depth))
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, errorf("revocation check: %w", ctxErr)
		}
		if err != nil {
			st = RevocationStatus{State: StatusUnknown, Detail: err.Error()}
		}
		statuses[depth] = st
		switch st.State {
		case StatusRevoked:
			if revoked == nil {
				revoked = failAt(Revoked, p, depth, "revoked at %s (reason %d) per %s", st.RevokedAt.UTC().Format(timeFormat), st.ReasonCode, st.Source)
				revoked.Revocation = &statuses[depth]
			}
		case StatusUnknown:
			if unknown == nil {
				unknown = failAt(RevocationUnknown, p, depth, "%s", st.Detail)
				unknown.Revocation = &statuses[depth]
				unknown.Err = err
			}
		}
	}
	if revoked != nil {
		return nil, revoked
	}
	if unknown != nil {
		return nil, unknown
	}
	return statuses, nil
}

// revocationRequest asks about p[depth], issued by p[depth+1].
func (v *validator) revocationRequest(p Path, depth int) RevocationRequest {
	cands := make([]*x509.Certificate, 0, len(v.in.Intermediates)+len(v.in.Anchors)+len(p))
	cands = append(cands, p...)
	cands = append(cands, v.in.Intermediates...)
	cands = append(cands, v.in.Anchors...)
	return RevocationRequest{
		Cert:         p[depth],
		Issuer:       p[depth+1],
		Time:         v.in.Time,
		Candidates:   cands,
		VerifySigner: v.signerVerifier(p),
	}
}

// refineOutOfBounds marks an expired or not-yet-valid certificate that the
// revocation checker confirms good, which EN 319 102-1 reports as
// OUT_OF_BOUNDS_NOT_REVOKED rather than OUT_OF_BOUNDS_NO_POE.
func (v *validator) refineOutOfBounds(ctx context.Context, e *Error) *Error {
	if v.in.Revocation == nil || (e.Reason != Expired && e.Reason != NotYetValid) || e.Depth < 0 || e.Depth >= len(e.Path)-1 {
		return e
	}
	st, err := v.in.Revocation.Check(ctx, v.revocationRequest(e.Path, e.Depth))
	if err == nil && st.State == StatusGood {
		e.NotRevoked = true
	}
	return e
}

// signerVerifier returns RevocationRequest.VerifySigner for p: a nested
// validation of the signer to p's anchor (RFC 5280 §6.3.3 (f)), building
// from p and the intermediates, in the same session so that caches and
// limits are shared.
//
// A signer whose validation is already under way up the stack is taken as
// valid: an indirect CRL issuer may vouch for its own certificate on its own
// CRL (PKITS 4.14.30), and without this the question never ends. The outer
// validation of that signer still decides.
func (v *validator) signerVerifier(p Path) func(context.Context, *x509.Certificate) error {
	anchor := p[len(p)-1]
	pool := append(append([]*x509.Certificate{}, p[:len(p)-1]...), v.in.Intermediates...)
	return func(ctx context.Context, signer *x509.Certificate) error {
		if signer == nil {
			return errors.New("path: nil signer")
		}
		s := v.s
		if s.signerBusy[string(signer.Raw)] {
			return nil
		}
		key := string(anchor.Raw) + "\x00" + string(signer.Raw)
		if err, ok := s.signerDone[key]; ok {
			return err
		}
		if s.signerNest >= maxSignerDepth {
			return errors.New("path: signer validation nested too deeply")
		}
		s.signerBusy[string(signer.Raw)] = true
		s.signerNest++
		defer func() {
			delete(s.signerBusy, string(signer.Raw))
			s.signerNest--
		}()
		in := Inputs{
			Time:                      v.in.Time,
			Anchors:                   []*x509.Certificate{anchor},
			EnforceAnchorConstraints:  v.in.EnforceAnchorConstraints,
			Intermediates:             pool,
			HandledCriticalExtensions: v.in.HandledCriticalExtensions,
			Revocation:                v.in.Revocation,
			MaxDepth:                  v.in.MaxDepth,
		}
		nested := &validator{in: in, s: s}
		_, err := nested.validate(ctx, signer)
		if ctx.Err() == nil {
			s.signerDone[key] = err
		}
		return err
	}
}
