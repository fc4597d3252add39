// Package revocation answers "was this certificate revoked at time t?" for
// the validator, from OCSP responses and CRLs: first those embedded in the
// document (DSS, CMS revocation values), then the services named in the
// certificate (OCSP from AIA, then CRLs from distribution points), with a
// cache shared across validations that keeps each answer until its
// nextUpdate. When no source answers, the status is unknown, never good:
// the validator then says INDETERMINATE/TRY_LATER (ETSI EN 319 102-1).
package revocation

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/kyso-vn/kyso/internal/fetch"
	"github.com/kyso-vn/kyso/internal/validate/path"
)

// Checker implements path.RevocationChecker.
type Checker struct {
	// EmbeddedOCSP and EmbeddedCRLs come with the document; they are used
	// first and need no network.
	EmbeddedOCSP [][]byte
	EmbeddedCRLs []*x509.RevocationList
	// Client fetches from the certificate's services; nil means offline.
	Client *http.Client
	// Cache is shared between validations; nil means no caching.
	Cache *Cache
	// Now is the clock for cache expiry; time.Now by default.
	Now func() time.Time
}

// maxFetch bounds a downloaded OCSP response or CRL.
const maxFetch = 32 << 20

// Check answers for req.Cert at req.Time.
func (c *Checker) Check(ctx context.Context, req path.RevocationRequest) (path.RevocationStatus, error) {
	var notes []string
	for _, der := range c.EmbeddedOCSP {
		if st, ok := c.fromOCSP(der, req, "embedded OCSP response"); ok {
			return st, nil
		}
	}
	if c.Client != nil {
		for _, url := range req.Cert.OCSPServer {
			der, err := c.fetchOCSP(ctx, url, req)
			if err != nil {
				notes = append(notes, fmt.Sprintf("OCSP %s: %v", url, err))
				continue
			}
			if st, ok := c.fromOCSP(der, req, "OCSP "+url); ok {
				return st, nil
			}
			notes = append(notes, "OCSP "+url+": no usable answer")
		}
	}
	crls := append([]*x509.RevocationList(nil), c.EmbeddedCRLs...)
	if c.Client != nil {
		for _, url := range req.Cert.CRLDistributionPoints {
			crl, err := c.fetchCRL(ctx, url)
			if err != nil {
				notes = append(notes, fmt.Sprintf("CRL %s: %v", url, err))
				continue
			}
			crls = append(crls, crl)
		}
	}
	if len(crls) > 0 {
		st, err := (&path.CRLChecker{CRLs: crls}).Check(ctx, req)
		if err == nil && st.State != path.StatusUnknown {
			return st, nil
		}
		if later, ok := laterCRLs(ctx, crls, req); ok {
			return later, nil
		}
		if err != nil {
			notes = append(notes, err.Error())
		} else if st.Detail != "" {
			notes = append(notes, st.Detail)
		}
	}
	if len(notes) == 0 {
		notes = append(notes, "no OCSP response or CRL is embedded, and the certificate names no service (or checking is offline)")
	}
	return path.RevocationStatus{State: path.StatusUnknown, Detail: strings.Join(notes, "; ")}, nil
}

// fromOCSP uses an OCSP response if it is for req.Cert, signed by its
// issuer or a responder the issuer delegated to (x/crypto/ocsp checks the
// delegate's signature and id-kp-OCSPSigning), and says something about
// req.Time: a response produced after the time speaks for it (revocation
// is final, and holds carry their date); an older one only until its
// nextUpdate.
func (c *Checker) fromOCSP(der []byte, req path.RevocationRequest, source string) (path.RevocationStatus, bool) {
	resp, err := ocsp.ParseResponseForCert(der, req.Cert, req.Issuer)
	if err != nil || resp.SerialNumber.Cmp(req.Cert.SerialNumber) != 0 {
		return path.RevocationStatus{}, false
	}
	if resp.ThisUpdate.Before(req.Time) && !resp.NextUpdate.IsZero() && !req.Time.Before(resp.NextUpdate) {
		return path.RevocationStatus{}, false
	}
	source = fmt.Sprintf("%s, produced %s", source, resp.ProducedAt.UTC().Format(time.RFC3339))
	switch resp.Status {
	case ocsp.Good:
		if resp.ThisUpdate.Before(req.Time) && resp.NextUpdate.IsZero() {
			return path.RevocationStatus{}, false // says nothing about a later time
		}
		return path.RevocationStatus{State: path.StatusGood, Source: source}, true
	case ocsp.Revoked:
		if resp.RevokedAt.After(req.Time) {
			// Revoked after the time asked about: still good then.
			return path.RevocationStatus{State: path.StatusGood, Source: source + ", revoked only on " + resp.RevokedAt.UTC().Format(time.RFC3339)}, true
		}
		return path.RevocationStatus{State: path.StatusRevoked, RevokedAt: resp.RevokedAt, ReasonCode: resp.RevocationReason, Source: source}, true
	}
	return path.RevocationStatus{}, false
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Checker) fetchOCSP(ctx context.Context, url string, req path.RevocationRequest) ([]byte, error) {
	key := "ocsp|" + url + "|" + req.Cert.SerialNumber.Text(16) + "|" + string(req.Issuer.RawSubject)
	if der, ok := c.Cache.get(key, c.now()); ok {
		return der, nil
	}
	body, err := ocsp.CreateRequest(req.Cert, req.Issuer, &ocsp.RequestOptions{Hash: crypto.SHA256})
	if err != nil {
		return nil, err
	}
	der, err := c.do(ctx, http.MethodPost, url, "application/ocsp-request", body)
	if err != nil {
		return nil, err
	}
	if resp, err := ocsp.ParseResponseForCert(der, req.Cert, req.Issuer); err == nil {
		c.Cache.put(key, der, expiry(resp.ThisUpdate, resp.NextUpdate))
	}
	return der, nil
}

func (c *Checker) fetchCRL(ctx context.Context, url string) (*x509.RevocationList, error) {
	key := "crl|" + url
	der, ok := c.Cache.get(key, c.now())
	if !ok {
		var err error
		if der, err = c.do(ctx, http.MethodGet, url, "", nil); err != nil {
			return nil, err
		}
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("not a CRL: %w", err)
	}
	if !ok {
		c.Cache.put(key, der, expiry(crl.ThisUpdate, crl.NextUpdate))
	}
	return crl, nil
}

// expiry is when a cached answer must be asked again: its nextUpdate, or
// an hour after thisUpdate when it names none.
func expiry(this, next time.Time) time.Time {
	if next.IsZero() {
		return this.Add(time.Hour)
	}
	return next
}

func (c *Checker) do(ctx context.Context, method, url, ctype string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return fetch.Do(ctx, c.Client, method, url, ctype, body, maxFetch)
}

// Cache keeps fetched OCSP responses and CRLs until they must be renewed;
// it is safe for concurrent use and bounded in entries.
type Cache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
	// Max bounds the number of entries (default 100,000).
	Max int
}

type cacheEntry struct {
	der     []byte
	expires time.Time
}

func (c *Cache) get(key string, now time.Time) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.expires) {
		delete(c.entries, key)
		return nil, false
	}
	return e.der, true
}

func (c *Cache) put(key string, der []byte, expires time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cacheEntry{}
	}
	max := c.Max
	if max <= 0 {
		max = 100000
	}
	if len(c.entries) >= max {
		for k := range c.entries { // drop an arbitrary entry
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = cacheEntry{der: der, expires: expires}
}

// laterCRLs answers for a past time (a signature's proof of existence)
// from CRLs issued after it. A CRL only speaks for its own validity period,
// but revocation is final: a certificate a later CRL does not list, or
// lists as revoked after the time asked about, was not revoked then. The
// one exception is a hold that was later released, which leaves no trace;
// ETSI EN 319 102-1 accepts that risk in the same way.
func laterCRLs(ctx context.Context, crls []*x509.RevocationList, req path.RevocationRequest) (path.RevocationStatus, bool) {
	var newest time.Time
	for _, crl := range crls {
		if crl.ThisUpdate.After(req.Time) && crl.ThisUpdate.After(newest) {
			newest = crl.ThisUpdate
		}
	}
	if newest.IsZero() {
		return path.RevocationStatus{}, false
	}
	at := req
	at.Time = newest
	st, err := (&path.CRLChecker{CRLs: crls}).Check(ctx, at)
	if err != nil || st.State == path.StatusUnknown {
		return path.RevocationStatus{}, false
	}
	if st.State == path.StatusRevoked && st.RevokedAt.After(req.Time) {
		return path.RevocationStatus{State: path.StatusGood, Source: st.Source + ", issued later; revoked only on " + st.RevokedAt.UTC().Format(time.RFC3339)}, true
	}
	if st.State == path.StatusGood {
		st.Source += ", issued later"
	}
	return st, true
}
