package ocsp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync/atomic"
	"time"
)

const (
	// clockSkew backdates thisUpdate so that clients whose clocks run a
	// little slow do not reject a fresh response as not yet valid.
	clockSkew = time.Minute
	// lookupTimeout bounds one Source lookup plus signature. A cache miss
	// signs on behalf of every waiting request, so it must not hang on
	// the first requester's context alone.
	lookupTimeout = 30 * time.Second
)

// Responder is an RFC 6960 OCSP responder for one or more issuers. It is
// safe for concurrent use.
type Responder struct {
	issuers  []*issuer
	cache    *cache
	flight   flight
	seq      atomic.Uint64
	now      func() time.Time
	validity time.Duration
	refresh  time.Duration
	log      *slog.Logger
	hdr      headerValues
}

// NewResponder returns a responder for issuers.
func NewResponder(issuers []Issuer, opts ...Option) (*Responder, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	switch {
	case len(issuers) == 0:
		return nil, errors.New("ocsp: new responder: no issuers")
	case len(issuers) > maxIssuers:
		return nil, fmt.Errorf("ocsp: new responder: %d issuers (at most %d)", len(issuers), maxIssuers)
	case cfg.now == nil || cfg.logger == nil:
		return nil, errors.New("ocsp: new responder: nil clock or logger")
	case cfg.validity <= 2*clockSkew:
		return nil, fmt.Errorf("ocsp: new responder: validity %v is too short", cfg.validity)
	case cfg.maxCache < 1:
		return nil, fmt.Errorf("ocsp: new responder: cache size %d", cfg.maxCache)
	case cfg.refreshInterval <= 0:
		return nil, fmt.Errorf("ocsp: new responder: refresh interval %v", cfg.refreshInterval)
	}
	r := &Responder{
		cache:    newCache(cfg.maxCache),
		now:      cfg.now,
		validity: cfg.validity,
		refresh:  cfg.refreshInterval,
		log:      cfg.logger,
		hdr:      newHeaderValues(),
	}
	for i, in := range issuers {
		is, err := newIssuer(i, in, cfg.logger)
		if err != nil {
			return nil, err
		}
		for _, prev := range r.issuers {
			if prev.matches(hashSHA256, is.nameHash[hashSHA256], is.keyHash[hashSHA256]) {
				return nil, fmt.Errorf("ocsp: new responder: issuer %q given twice", in.Cert.Subject)
			}
		}
		if now := cfg.now(); now.Add(cfg.validity).After(in.ResponderCert.NotAfter) {
			// Clients reject a response whose signer has expired, even
			// if the response itself is still valid.
			r.log.Warn("ocsp: responder certificate expires before responses signed now",
				"issuer", in.Cert.Subject.String(), "not_after", in.ResponderCert.NotAfter)
		}
		r.issuers = append(r.issuers, is)
	}
	return r, nil
}

// findIssuer returns the issuer a request's CertID names, or nil.
func (r *Responder) findIssuer(req request) *issuer {
	if req.alg >= numHashAlgs {
		return nil
	}
	for _, is := range r.issuers {
		if is.matches(req.alg, req.nameHash, req.keyHash) {
			return is
		}
	}
	return nil
}

// sourceError marks a failure of the Source, which the client sees as
// tryLater (RFC 6960 §2.3) rather than internalError.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// lookup asks the issuer's Source and checks the answer.
func (r *Responder) lookup(ctx context.Context, is *issuer, serial []byte) (Entry, error) {
	n := serialInt(serial)
	e, err := is.Source.Lookup(ctx, n)
	if err != nil {
		return Entry{}, &sourceError{fmt.Errorf("ocsp: lookup serial %x: %w", n, err)}
	}
	switch e.Status {
	case Good, Unknown:
	case Revoked:
		if e.RevokedAt.IsZero() {
			return Entry{}, &sourceError{fmt.Errorf("ocsp: lookup serial %x: revoked without a revocation time", n)}
		}
		if !validReason(e.Reason) {
			// The status matters more than the reason, which is optional
			// (RFC 6960 §4.2.1): answer revoked, without a reason.
			r.log.Warn("ocsp: invalid revocation reason, omitted", "serial", fmt.Sprintf("%x", n), "reason", e.Reason)
		}
	default:
		return Entry{}, &sourceError{fmt.Errorf("ocsp: lookup serial %x: invalid status %d", n, e.Status)}
	}
	return e, nil
}

// times returns producedAt, thisUpdate and nextUpdate for a response
// signed now (RFC 6960 §4.2.2.1).
func (r *Responder) times() (produced, this, next time.Time) {
	produced = r.now().UTC().Truncate(time.Second)
	this = produced.Add(-clockSkew)
	return produced, this, this.Add(r.validity)
}

// signFresh signs a response that is not cached: the answer to a request
// with a nonce, whose bytes are unique to that request.
func (r *Responder) signFresh(ctx context.Context, is *issuer, req request) ([]byte, error) {
	e, err := r.lookup(ctx, is, req.serial)
	if err != nil {
		return nil, err
	}
	produced, this, next := r.times()
	return is.sign(response{alg: req.alg, serial: req.serial, entry: e,
		producedAt: produced, thisUpdate: this, nextUpdate: next, nonce: req.nonce})
}

// signEntry signs a cacheable response for a status already looked up.
func (r *Responder) signEntry(is *issuer, alg hashAlg, serial []byte, e Entry, seq uint64) (*entry, error) {
	produced, this, next := r.times()
	der, err := is.sign(response{alg: alg, serial: serial, entry: e,
		producedAt: produced, thisUpdate: this, nextUpdate: next})
	if err != nil {
		return nil, err
	}
	ent := &entry{
		// A copy, so the cache does not pin the certs tail of der.
		head:       string(der[:len(der)-len(is.certs)]),
		producedAt: produced.Unix(),
		nextUpdate: next.Unix(),
		seq:        seq,
	}
	if !e.NotAfter.IsZero() {
		ent.notAfter = e.NotAfter.Unix()
	}
	return ent, nil
}

// resign looks the serial up again and stores a new response under key.
// The seq is taken before the lookup: see entry.seq.
func (r *Responder) resign(ctx context.Context, is *issuer, alg hashAlg, serial []byte, key string) (*entry, error) {
	seq := r.seq.Add(1)
	e, err := r.lookup(ctx, is, serial)
	if err != nil {
		return nil, err
	}
	ent, err := r.signEntry(is, alg, serial, e, seq)
	if err != nil {
		return nil, err
	}
	return r.cache.put(key, ent), nil
}

// cached returns the response for a request without a nonce, signing it
// on a miss. Concurrent misses for one key sign once.
func (r *Responder) cached(ctx context.Context, is *issuer, req request) (*entry, error) {
	var buf [64]byte
	key := appendKey(buf[:0], is.index, req.alg, req.serial)
	if e := r.cache.get(key); e != nil && r.now().Unix() < e.nextUpdate {
		return e, nil
	}
	k := string(key)
	return r.flight.do(k, func() (*entry, error) {
		// The flight outlives the request that started it, since other
		// requests wait on it too.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupTimeout)
		defer cancel()
		return r.resign(ctx, is, req.alg, req.serial, k)
	})
}

// Invalidate re-signs the cached responses for serial at once, so the next
// query sees the status the Source now reports. Call it right after a
// revocation, suspension or resumption is committed, and after issuing a
// certificate whose serial may have been queried (and cached as unknown)
// before.
//
// Every issuer's Source is asked, since a serial is only unique per CA.
// Where the Source knows the serial, responses for both CertID hash
// algorithms are signed and cached; where it cannot answer, the cached
// responses are dropped so that no stale status is served, and the error
// is returned.
func (r *Responder) Invalidate(ctx context.Context, serial *big.Int) error {
	if serial == nil {
		return errors.New("ocsp: invalidate: nil serial")
	}
	content, err := serialContent(serial)
	if err != nil {
		return fmt.Errorf("ocsp: invalidate serial %x: %w", serial, err)
	}
	var errs []error
	for _, is := range r.issuers {
		if err := r.invalidate(ctx, is, content); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("ocsp: invalidate serial %x: %w", serial, err)
	}
	return nil
}

func (r *Responder) invalidate(ctx context.Context, is *issuer, serial []byte) error {
	var keys [numHashAlgs]string
	cached := false
	for alg := range numHashAlgs {
		keys[alg] = string(appendKey(nil, is.index, alg, serial))
		cached = cached || r.cache.peek(keys[alg]) != nil
	}
	seq := r.seq.Add(1)
	e, err := r.lookup(ctx, is, serial)
	if err == nil && e.Status == Unknown && !cached {
		return nil // not this issuer's certificate, and nothing to correct
	}
	for alg := range numHashAlgs {
		var ent *entry
		if err == nil {
			ent, err = r.signEntry(is, alg, serial, e, seq)
		}
		if err != nil {
			// A tombstone (see entry.tombstone), dated for its expiry.
			ent = &entry{seq: seq, producedAt: r.now().Unix()}
		}
		r.cache.put(keys[alg], ent)
	}
	return err
}

// Prime signs and caches responses for serials, so that the first queries
// after start-up are served from the cache. For each serial, every issuer
// whose Source knows it gets a response for SHA-1 CertIDs, which is what
// OpenSSL, Windows and most browsers send; SHA-256 CertIDs are signed on
// their first query. Signing runs on all CPUs. Prime stops early only if
// ctx ends; failed serials are logged and counted in the returned error.
func (r *Responder) Prime(ctx context.Context, serials []*big.Int) error {
	var failed, done atomic.Int64
	var firstErr atomic.Pointer[error]
	work := func(serial *big.Int) {
		if err := r.prime(ctx, serial); err != nil {
			failed.Add(1)
			firstErr.CompareAndSwap(nil, &err)
			r.log.Warn("ocsp: prime failed", "serial", fmt.Sprintf("%x", serial), "err", err)
		}
		done.Add(1)
	}
	parallel(ctx, len(serials), func(i int) { work(serials[i]) })
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ocsp: prime: stopped after %d of %d serials: %w", done.Load(), len(serials), err)
	}
	if p := firstErr.Load(); p != nil {
		return fmt.Errorf("ocsp: prime: %d of %d serials failed, first: %w", failed.Load(), len(serials), *p)
	}
	r.log.Info("ocsp: primed", "serials", len(serials), "cached", r.cache.len())
	return nil
}

func (r *Responder) prime(ctx context.Context, serial *big.Int) error {
	if serial == nil {
		return errors.New("ocsp: prime: nil serial")
	}
	content, err := serialContent(serial)
	if err != nil {
		return fmt.Errorf("ocsp: prime serial %x: %w", serial, err)
	}
	for _, is := range r.issuers {
		seq := r.seq.Add(1)
		e, err := r.lookup(ctx, is, content)
		if err != nil {
			return err
		}
		if e.Status == Unknown {
			continue
		}
		ent, err := r.signEntry(is, hashSHA1, content, e, seq)
		if err != nil {
			return err
		}
		r.cache.put(string(appendKey(nil, is.index, hashSHA1, content)), ent)
	}
	return nil
}
