package path

import (
	"context"
	"crypto/x509"
	"errors"
)

// Validate builds certification paths from leaf to the trust anchors through
// the intermediates, best candidates first, and returns the first that
// passes ValidatePath. When none does it returns the most informative
// failure: a path that reached an anchor beats a broken signature link,
// which beats a depth limit, which beats finding no issuer.
//
// Building follows names (issuer to subject, RFC 5280 §7.1 matching) and
// uses authorityKeyIdentifier/subjectKeyIdentifier only to order
// candidates, so certificates without key identifiers still chain. A
// certificate is never used twice in a path, nor is a second certificate
// with the same subject and key (RFC 4158 loop detection), and the search
// is bounded (session.go), so cyclic or hostile pools end.
func Validate(ctx context.Context, leaf *x509.Certificate, in Inputs) (*Result, error) {
	v, err := newValidator(in, nil)
	if err != nil {
		return nil, err
	}
	return v.validate(ctx, leaf)
}

// Failure ranks for choosing the error to report.
const (
	rankNoIssuer = iota + 1
	rankDepth
	rankLink
	rankComplete
)

// builder is one depth-first path search.
type builder struct {
	v          *validator
	anchors    map[string][]*x509.Certificate // by canonical subject
	pool       map[string][]*x509.Certificate // by canonical subject
	expansions int
	paths      int
	stopped    bool
	best       *Error
	bestRank   int
}

// validate is Validate inside a session.
func (v *validator) validate(ctx context.Context, leaf *x509.Certificate) (*Result, error) {
	if leaf == nil {
		return nil, &Error{Reason: Malformed, Depth: -1, Detail: "nil leaf certificate"}
	}
	b := v.newBuilder()
	if v.isAnchor(leaf) {
		res, err := v.validatePath(ctx, Path{leaf})
		if err == nil {
			return res, nil
		}
		if !b.record(rankComplete, err) {
			return nil, err
		}
	}
	used := map[string]bool{v.identity(leaf): true}
	res, err := b.extend(ctx, Path{leaf}, used, 0)
	if res != nil || err != nil {
		return res, err
	}
	return nil, b.failure(leaf)
}

// newBuilder indexes anchors and intermediates by subject. An intermediate
// with an anchor's name and key is left out: the anchor stands for it.
func (v *validator) newBuilder() *builder {
	b := &builder{v: v, anchors: map[string][]*x509.Certificate{}, pool: map[string][]*x509.Certificate{}}
	seen := map[string]bool{}
	for _, a := range v.in.Anchors {
		if a == nil || seen[string(a.Raw)] {
			continue
		}
		seen[string(a.Raw)] = true
		if k := v.s.infos.get(a).subjectKey; k != "" {
			b.anchors[k] = append(b.anchors[k], a)
		}
	}
	for _, c := range v.in.Intermediates {
		if c == nil || seen[string(c.Raw)] || v.isAnchor(c) {
			continue
		}
		seen[string(c.Raw)] = true
		if k := v.s.infos.get(c).subjectKey; k != "" {
			b.pool[k] = append(b.pool[k], c)
		}
	}
	return b
}

// identity is a certificate's subject and key: two certificates with the
// same identity are the same CA for loop detection.
func (v *validator) identity(c *x509.Certificate) string {
	return v.s.infos.get(c).subjectKey + "\x00" + string(c.RawSubjectPublicKeyInfo)
}

// extend tries every issuer candidate of the last certificate of p. counted
// is the number of intermediates in p that count towards MaxDepth.
func (b *builder) extend(ctx context.Context, p Path, used map[string]bool, counted int) (*Result, error) {
	cur := p[len(p)-1]
	cands := b.candidates(cur)
	if len(cands) == 0 {
		b.record(rankNoIssuer, failAt(NoChain, p, len(p)-1, "no issuer of %q among the anchors and intermediates", cur.Issuer.String()))
		return nil, nil
	}
	for _, cand := range cands {
		if err := ctx.Err(); err != nil {
			return nil, errorf("building: %w", err)
		}
		if b.expansions >= maxExpansions || b.paths >= maxCompletePaths || b.v.s.sigChecks >= maxSignatureChecks {
			b.stopped = true
			return nil, nil
		}
		b.expansions++
		next := append(p[:len(p):len(p)], cand.cert)
		if err := b.v.s.checkSig(cur, cand.cert); err != nil {
			b.record(rankLink, signatureError(next, len(next)-2, err))
			continue
		}
		if cand.anchor {
			b.paths++
			res, err := b.v.validatePath(ctx, next)
			if err == nil {
				return res, nil
			}
			if !b.record(rankComplete, err) {
				return nil, err
			}
			continue
		}
		id := b.v.identity(cand.cert)
		if used[id] {
			continue
		}
		n := counted
		if !b.v.s.infos.get(cand.cert).selfIssued {
			n++
		}
		if 1+n > b.v.in.maxDepth() || len(next) > 2*b.v.in.maxDepth()+2 {
			b.record(rankDepth, failAt(DepthExceeded, next, len(next)-1, "more than %d certificates below the anchor", b.v.in.maxDepth()))
			continue
		}
		used[id] = true
		res, err := b.extend(ctx, next, used, n)
		delete(used, id)
		if res != nil || err != nil {
			return res, err
		}
	}
	return nil, nil
}

// record keeps err if it ranks above the failure kept so far (the first of
// the best rank wins; among no-issuer failures, the longest path). It
// reports false when err is not an *Error, which the caller returns as is.
func (b *builder) record(rank int, err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch {
	case rank > b.bestRank:
	case rank == rankNoIssuer && rank == b.bestRank && len(e.Path) > len(b.best.Path):
	default:
		return true
	}
	b.best, b.bestRank = e, rank
	return true
}

// failure is the error Validate returns when no path validated.
func (b *builder) failure(leaf *x509.Certificate) error {
	e := b.best
	if e == nil {
		e = failAt(NoChain, Path{leaf}, 0, "no issuer of %q among the anchors and intermediates", leaf.Issuer.String())
	}
	if b.stopped {
		e.Detail += " (path search stopped at its work limit)"
	}
	return e
}
