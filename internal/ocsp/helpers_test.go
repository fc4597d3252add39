package ocsp

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"
)

// fixture is a responder over a test PKI whose leaves are all good.
type fixture struct {
	pki   *testPKI
	src   *memSource
	clock *fakeClock
	r     *Responder
}

func newFixture(t testing.TB, kind string, opts ...Option) *fixture {
	t.Helper()
	p := newTestPKI(t, kind)
	src := newMemSource()
	for _, l := range p.leaves {
		src.set(l.SerialNumber, Entry{Status: Good, NotAfter: l.NotAfter})
	}
	clock := newFakeClock()
	r, err := NewResponder([]Issuer{p.issuer(src)}, append([]Option{WithClock(clock.now)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{pki: p, src: src, clock: clock, r: r}
}

// post sends der to h as an OCSP POST and returns the recorded answer.
func post(h http.Handler, der []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(der))
	req.Header.Set("Content-Type", contentTypeRequest)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// mustParse parses a successful response, checking its signature and
// that its embedded responder certificate is issued by ca.
func mustParse(t testing.TB, der []byte, ca *x509.Certificate) *xocsp.Response {
	t.Helper()
	resp, err := xocsp.ParseResponse(der, ca)
	if err != nil {
		t.Fatalf("parse response: %v", err)
	}
	return resp
}

// responseExtensions returns the responseExtensions of a successful
// response, which x/crypto/ocsp does not expose.
func responseExtensions(t testing.TB, der []byte) []pkix.Extension {
	t.Helper()
	var outer struct {
		Status asn1.Enumerated
		Bytes  struct {
			Type     asn1.ObjectIdentifier
			Response []byte
		} `asn1:"explicit,tag:0"`
	}
	if _, err := asn1.Unmarshal(der, &outer); err != nil {
		t.Fatal(err)
	}
	var basic struct {
		TBS struct {
			Version     int `asn1:"optional,explicit,tag:0,default:0"`
			ResponderID asn1.RawValue
			ProducedAt  time.Time `asn1:"generalized"`
			Responses   asn1.RawValue
			Extensions  []pkix.Extension `asn1:"explicit,tag:1,optional"`
		}
		SigAlg pkix.AlgorithmIdentifier
		Sig    asn1.BitString
		Certs  []asn1.RawValue `asn1:"explicit,tag:0,optional"`
	}
	if _, err := asn1.Unmarshal(outer.Bytes.Response, &basic); err != nil {
		t.Fatal(err)
	}
	return basic.TBS.Extensions
}

// cachedBytes returns the full cached response for serial, or nil.
func (f *fixture) cachedBytes(serial []byte, alg hashAlg) []byte {
	is := f.r.issuers[0]
	e := f.r.cache.get(appendKey(nil, is.index, alg, serial))
	if e == nil {
		return nil
	}
	return append([]byte(e.head), is.certs...)
}

// waitFor polls cond every few milliseconds for at most d.
func waitFor(t testing.TB, d time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return cond()
}
