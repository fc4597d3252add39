package ocsp

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"
)

func TestNewResponderRejects(t *testing.T) {
	p := newTestPKI(t, "ecdsa")
	other := newTestPKI(t, "ecdsa")
	src := newMemSource()
	good := p.issuer(src)

	// A certificate from the right CA but without id-kp-OCSPSigning.
	noEKUTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(99),
		Subject:      pkix.Name{CommonName: "not a responder"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, noEKUTmpl, p.ca, p.respKey.Public(), p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	noEKU, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}

	with := func(f func(*Issuer)) []Issuer { in := good; f(&in); return []Issuer{in} }
	tests := []struct {
		name    string
		issuers []Issuer
		opts    []Option
		want    string
	}{
		{"no issuers", nil, nil, "no issuers"},
		{"nil signer", with(func(i *Issuer) { i.Signer = nil }), nil, "required"},
		{"nil source", with(func(i *Issuer) { i.Source = nil }), nil, "required"},
		{"responder of another CA", with(func(i *Issuer) { i.ResponderCert = other.responder }), nil, "not issued by the CA"},
		{"no OCSPSigning", with(func(i *Issuer) { i.ResponderCert = noEKU }), nil, "id-kp-OCSPSigning"},
		{"wrong key", with(func(i *Issuer) { i.Signer = other.respKey }), nil, "does not match"},
		{"issuer twice", []Issuer{good, good}, nil, "given twice"},
		{"short validity", []Issuer{good}, []Option{WithValidity(time.Minute)}, "too short"},
		{"zero cache", []Issuer{good}, []Option{WithMaxCache(0)}, "cache size"},
		{"zero refresh", []Issuer{good}, []Option{WithRefreshInterval(0)}, "refresh interval"},
		{"nil clock", []Issuer{good}, []Option{WithClock(nil)}, "nil clock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewResponder(tt.issuers, tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "ocsp: ") {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestResponses(t *testing.T) {
	for _, kind := range []string{"ecdsa", "rsa"} {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, kind)
			other := newTestPKI(t, "ecdsa")
			leaf, revoked, held := f.pki.leaves[0], f.pki.leaves[1], randomSerial(t)
			revokedAt := f.clock.now().Add(-2 * time.Hour).Truncate(time.Second)
			f.src.set(revoked.SerialNumber, Entry{Status: Revoked, RevokedAt: revokedAt, Reason: xocsp.KeyCompromise})
			f.src.set(held, Entry{Status: Revoked, RevokedAt: revokedAt, Reason: xocsp.CertificateHold})
			unspecified := randomSerial(t)
			f.src.set(unspecified, Entry{Status: Revoked, RevokedAt: revokedAt})
			sha384, err := xocsp.CreateRequest(leaf, f.pki.ca, &xocsp.RequestOptions{Hash: crypto.SHA384})
			if err != nil {
				t.Fatal(err)
			}

			tests := []struct {
				name       string
				der        []byte
				wantBody   []byte // for unsigned answers
				wantStatus int
				wantReason int
				wantHash   crypto.Hash
			}{
				{"good sha1", ocspRequest(t, leaf.SerialNumber, f.pki.ca, hashSHA1, nil), nil, xocsp.Good, 0, crypto.SHA1},
				{"good sha256", ocspRequest(t, leaf.SerialNumber, f.pki.ca, hashSHA256, nil), nil, xocsp.Good, 0, crypto.SHA256},
				{"revoked", ocspRequest(t, revoked.SerialNumber, f.pki.ca, hashSHA1, nil), nil, xocsp.Revoked, xocsp.KeyCompromise, crypto.SHA1},
				{"on hold", ocspRequest(t, held, f.pki.ca, hashSHA256, nil), nil, xocsp.Revoked, xocsp.CertificateHold, crypto.SHA256},
				{"revoked unspecified", ocspRequest(t, unspecified, f.pki.ca, hashSHA1, nil), nil, xocsp.Revoked, xocsp.Unspecified, crypto.SHA1},
				{"unknown serial", ocspRequest(t, randomSerial(t), f.pki.ca, hashSHA1, nil), nil, xocsp.Unknown, 0, crypto.SHA1},
				{"serial 1", ocspRequest(t, big.NewInt(1), f.pki.ca, hashSHA1, nil), nil, xocsp.Unknown, 0, crypto.SHA1},
				{"foreign issuer", ocspRequest(t, leaf.SerialNumber, other.ca, hashSHA1, nil), xocsp.UnauthorizedErrorResponse, 0, 0, 0},
				{"foreign issuer sha256", ocspRequest(t, leaf.SerialNumber, other.ca, hashSHA256, nil), xocsp.UnauthorizedErrorResponse, 0, 0, 0},
				{"unsupported hash", sha384, xocsp.UnauthorizedErrorResponse, 0, 0, 0},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					w := post(f.r, tt.der)
					if w.Code != http.StatusOK {
						t.Fatalf("HTTP %d", w.Code)
					}
					if ct := w.Header().Get("Content-Type"); ct != contentTypeResponse {
						t.Errorf("Content-Type %q", ct)
					}
					if tt.wantBody != nil {
						if !bytes.Equal(w.Body.Bytes(), tt.wantBody) {
							t.Fatalf("body %x, want %x", w.Body.Bytes(), tt.wantBody)
						}
						return
					}
					resp := mustParse(t, w.Body.Bytes(), f.pki.ca)
					now := f.clock.now()
					switch {
					case resp.Status != tt.wantStatus:
						t.Errorf("status %d, want %d", resp.Status, tt.wantStatus)
					case resp.Status == xocsp.Revoked && (resp.RevocationReason != tt.wantReason || !resp.RevokedAt.Equal(revokedAt)):
						t.Errorf("revoked %v reason %d, want %v reason %d", resp.RevokedAt, resp.RevocationReason, revokedAt, tt.wantReason)
					case resp.IssuerHash != tt.wantHash:
						t.Errorf("CertID hash %v, want %v", resp.IssuerHash, tt.wantHash)
					case !resp.ProducedAt.Equal(now):
						t.Errorf("producedAt %v, want %v", resp.ProducedAt, now)
					case !resp.ThisUpdate.Equal(now.Add(-clockSkew)):
						t.Errorf("thisUpdate %v, want %v", resp.ThisUpdate, now.Add(-clockSkew))
					case !resp.NextUpdate.Equal(resp.ThisUpdate.Add(DefaultValidity)):
						t.Errorf("nextUpdate %v, want thisUpdate+24h", resp.NextUpdate)
					case resp.Certificate == nil || !resp.Certificate.Equal(f.pki.responder):
						t.Errorf("response does not carry the responder certificate")
					}
					wantAlg := x509.ECDSAWithSHA256
					if kind == "rsa" {
						wantAlg = x509.SHA256WithRSA
					}
					if resp.SignatureAlgorithm != wantAlg {
						t.Errorf("signature algorithm %v, want %v", resp.SignatureAlgorithm, wantAlg)
					}
				})
			}
		})
	}
}

func TestCacheServesWithoutLookup(t *testing.T) {
	f := newFixture(t, "ecdsa")
	serial := f.pki.leaves[0].SerialNumber
	sha1Req := ocspRequest(t, serial, f.pki.ca, hashSHA1, nil)
	first := post(f.r, sha1Req).Body.Bytes()
	for range 5 {
		if got := post(f.r, sha1Req).Body.Bytes(); !bytes.Equal(got, first) {
			t.Fatal("cached response changed")
		}
	}
	if n := f.src.lookups.Load(); n != 1 {
		t.Fatalf("%d lookups for six identical requests, want 1", n)
	}
	// The SHA-256 CertID is answered with its own response.
	if resp := mustParse(t, post(f.r, ocspRequest(t, serial, f.pki.ca, hashSHA256, nil)).Body.Bytes(), f.pki.ca); resp.IssuerHash != crypto.SHA256 {
		t.Fatalf("CertID hash %v", resp.IssuerHash)
	}
	if n := f.src.lookups.Load(); n != 2 {
		t.Fatalf("%d lookups, want 2", n)
	}
}

func TestConcurrentMissesSignOnce(t *testing.T) {
	f := newFixture(t, "ecdsa")
	block := make(chan struct{})
	f.src.block = block
	der := ocspRequest(t, f.pki.leaves[0].SerialNumber, f.pki.ca, hashSHA1, nil)
	const n = 20
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { bodies[i] = post(f.r, der).Body.Bytes() })
	}
	if !waitFor(t, 5*time.Second, func() bool { return f.src.lookups.Load() == 1 }) {
		t.Fatal("no lookup started")
	}
	time.Sleep(20 * time.Millisecond) // let the others queue behind it
	close(block)
	wg.Wait()
	if got := f.src.lookups.Load(); got != 1 {
		t.Fatalf("%d lookups for %d concurrent misses, want 1", got, n)
	}
	for i := range bodies {
		if !bytes.Equal(bodies[i], bodies[0]) {
			t.Fatalf("request %d got different bytes", i)
		}
	}
	mustParse(t, bodies[0], f.pki.ca)
}

func TestNonce(t *testing.T) {
	f := newFixture(t, "ecdsa")
	serial := f.pki.leaves[0].SerialNumber
	tests := []struct {
		name string
		size int
		ok   bool
	}{
		{"1 octet", 1, true},
		{"16 octets", 16, true},
		{"32 octets", 32, true},
		{"128 octets", 128, true},
		{"129 octets", 129, false},
		{"empty", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nonce := make([]byte, tt.size)
			_, _ = rand.Read(nonce)
			before := f.src.lookups.Load()
			der := ocspRequest(t, serial, f.pki.ca, hashSHA1, nonce)
			w := post(f.r, der)
			if !tt.ok {
				if w.Code != http.StatusBadRequest || !bytes.Equal(w.Body.Bytes(), xocsp.MalformedRequestErrorResponse) {
					t.Fatalf("HTTP %d %x, want 400 malformedRequest", w.Code, w.Body.Bytes())
				}
				return
			}
			if w.Code != http.StatusOK {
				t.Fatalf("HTTP %d", w.Code)
			}
			if resp := mustParse(t, w.Body.Bytes(), f.pki.ca); resp.Status != xocsp.Good {
				t.Fatalf("status %d", resp.Status)
			}
			exts := responseExtensions(t, w.Body.Bytes())
			req, err := parseRequest(der)
			if err != nil {
				t.Fatal(err)
			}
			if len(exts) != 1 || !exts[0].Id.Equal(oidOCSPNonce) || !bytes.Equal(exts[0].Value, req.nonce) {
				t.Fatalf("responseExtensions %v, want the request's nonce", exts)
			}
			if got := f.src.lookups.Load() - before; got != 1 {
				t.Fatalf("%d lookups, want 1 (nonce responses are signed fresh)", got)
			}
			if n := f.r.cache.len(); n != 0 {
				t.Fatalf("%d cached entries after nonce requests, want 0", n)
			}
			// The second identical request is signed again, not replayed.
			if post(f.r, der).Code != http.StatusOK || f.src.lookups.Load()-before != 2 {
				t.Fatal("second nonce request was not looked up again")
			}
		})
	}
}

func TestSourceErrorIsTryLater(t *testing.T) {
	f := newFixture(t, "ecdsa")
	serial := f.pki.leaves[0].SerialNumber
	f.src.fail(errTestSource)
	for _, nonce := range [][]byte{nil, []byte("0123456789abcdef")} {
		w := post(f.r, ocspRequest(t, serial, f.pki.ca, hashSHA1, nonce))
		if w.Code != http.StatusServiceUnavailable || !bytes.Equal(w.Body.Bytes(), xocsp.TryLaterErrorResponse) {
			t.Fatalf("HTTP %d %x, want 503 tryLater", w.Code, w.Body.Bytes())
		}
	}
	if n := f.r.cache.len(); n != 0 {
		t.Fatalf("failure cached: %d entries", n)
	}
	f.src.fail(nil)
	if w := post(f.r, ocspRequest(t, serial, f.pki.ca, hashSHA1, nil)); w.Code != http.StatusOK {
		t.Fatalf("HTTP %d after recovery", w.Code)
	}
}

func TestInvalidate(t *testing.T) {
	f := newFixture(t, "ecdsa")
	ctx := context.Background()
	serial := f.pki.leaves[0].SerialNumber
	content, _ := serialContent(serial)
	der := ocspRequest(t, serial, f.pki.ca, hashSHA1, nil)
	goodBytes := post(f.r, der).Body.Bytes()

	revokedAt := f.clock.now().Truncate(time.Second)
	f.src.set(serial, Entry{Status: Revoked, RevokedAt: revokedAt, Reason: xocsp.KeyCompromise})
	if !bytes.Equal(post(f.r, der).Body.Bytes(), goodBytes) {
		t.Fatal("cache changed before Invalidate")
	}
	if err := f.r.Invalidate(ctx, serial); err != nil {
		t.Fatal(err)
	}
	if got := f.cachedBytes(content, hashSHA1); got == nil || bytes.Equal(got, goodBytes) {
		t.Fatal("Invalidate did not replace the cached bytes")
	}
	lookups := f.src.lookups.Load()
	for _, alg := range []hashAlg{hashSHA1, hashSHA256} {
		resp := mustParse(t, post(f.r, ocspRequest(t, serial, f.pki.ca, alg, nil)).Body.Bytes(), f.pki.ca)
		if resp.Status != xocsp.Revoked || resp.RevocationReason != xocsp.KeyCompromise || !resp.RevokedAt.Equal(revokedAt) {
			t.Fatalf("alg %d: status %d reason %d at %v", alg, resp.Status, resp.RevocationReason, resp.RevokedAt)
		}
	}
	if f.src.lookups.Load() != lookups {
		t.Fatal("responses after Invalidate were not served from the cache")
	}

	// Resume (suspension lifted): good again.
	f.src.set(serial, Entry{Status: Good})
	if err := f.r.Invalidate(ctx, serial); err != nil {
		t.Fatal(err)
	}
	if resp := mustParse(t, post(f.r, der).Body.Bytes(), f.pki.ca); resp.Status != xocsp.Good {
		t.Fatalf("status %d after resume", resp.Status)
	}

	// If the Source fails, the stale response must go.
	f.src.set(serial, Entry{Status: Revoked, RevokedAt: revokedAt, Reason: xocsp.CertificateHold})
	f.src.fail(errTestSource)
	if err := f.r.Invalidate(ctx, serial); !errors.Is(err, errTestSource) {
		t.Fatalf("Invalidate with failing source: %v", err)
	}
	if w := post(f.r, der); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("HTTP %d: stale response served after failed Invalidate", w.Code)
	}
	f.src.fail(nil)
	if resp := mustParse(t, post(f.r, der).Body.Bytes(), f.pki.ca); resp.Status != xocsp.Revoked {
		t.Fatalf("status %d, want revoked", resp.Status)
	}

	// A serial no issuer knows leaves nothing behind.
	if err := f.r.Invalidate(ctx, randomSerial(t)); err != nil {
		t.Fatal(err)
	}
	if err := f.r.Invalidate(ctx, nil); err == nil {
		t.Fatal("Invalidate(nil) succeeded")
	}
}

// TestInvalidateBeatsInflightSign checks that a miss that read the old
// status before a revocation cannot overwrite Invalidate's response.
func TestInvalidateBeatsInflightSign(t *testing.T) {
	f := newFixture(t, "ecdsa")
	serial := f.pki.leaves[0].SerialNumber
	der := ocspRequest(t, serial, f.pki.ca, hashSHA1, nil)
	block := make(chan struct{})
	f.src.block = block
	done := make(chan []byte)
	go func() { done <- post(f.r, der).Body.Bytes() }()
	if !waitFor(t, 5*time.Second, func() bool { return f.src.lookups.Load() == 1 }) {
		t.Fatal("miss did not start")
	}
	f.src.set(serial, Entry{Status: Revoked, RevokedAt: f.clock.now(), Reason: xocsp.KeyCompromise})
	if err := f.r.Invalidate(context.Background(), serial); err != nil {
		t.Fatal(err)
	}
	close(block)
	// The in-flight request read "good", but by the time its signature is
	// ready the cache holds a later answer, which it gets instead.
	if resp := mustParse(t, <-done, f.pki.ca); resp.Status != xocsp.Revoked {
		t.Fatalf("in-flight request: status %d, want revoked", resp.Status)
	}
	if resp := mustParse(t, post(f.r, der).Body.Bytes(), f.pki.ca); resp.Status != xocsp.Revoked {
		t.Fatalf("status %d after Invalidate: a stale signature won", resp.Status)
	}
}

func TestRunRefreshesNearExpiry(t *testing.T) {
	f := newFixture(t, "ecdsa", WithRefreshInterval(2*time.Millisecond))
	serial := f.pki.leaves[0].SerialNumber
	content, _ := serialContent(serial)
	der := ocspRequest(t, serial, f.pki.ca, hashSHA1, nil)
	first := mustParse(t, post(f.r, der).Body.Bytes(), f.pki.ca)
	firstBytes := f.cachedBytes(content, hashSHA1)

	// With more than half the validity left nothing is re-signed.
	f.clock.advance(11 * time.Hour)
	f.r.refreshOnce(context.Background())
	if !bytes.Equal(f.cachedBytes(content, hashSHA1), firstBytes) {
		t.Fatal("re-signed with more than half of the validity left")
	}

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { f.r.Run(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()

	f.clock.advance(time.Hour + time.Second) // now less than half is left
	if !waitFor(t, 5*time.Second, func() bool { return !bytes.Equal(f.cachedBytes(content, hashSHA1), firstBytes) }) {
		t.Fatal("Run did not re-sign a response past half its validity")
	}
	lookups := f.src.lookups.Load()
	resp := mustParse(t, post(f.r, der).Body.Bytes(), f.pki.ca)
	if !resp.ThisUpdate.After(first.ThisUpdate) || !resp.NextUpdate.After(first.NextUpdate) {
		t.Fatalf("refreshed response dated %v–%v, first %v–%v", resp.ThisUpdate, resp.NextUpdate, first.ThisUpdate, first.NextUpdate)
	}
	if f.src.lookups.Load() != lookups {
		t.Fatal("refreshed response was not served from the cache")
	}
}

func TestRefreshDropsExpiredAndFailed(t *testing.T) {
	f := newFixture(t, "ecdsa")
	ctx := context.Background()
	expiring := randomSerial(t)
	f.src.set(expiring, Entry{Status: Good, NotAfter: f.clock.now().Add(time.Hour)})
	serial := f.pki.leaves[0].SerialNumber
	post(f.r, ocspRequest(t, expiring, f.pki.ca, hashSHA1, nil))
	post(f.r, ocspRequest(t, serial, f.pki.ca, hashSHA1, nil))

	f.clock.advance(2 * time.Hour)
	f.r.refreshOnce(ctx)
	ec, _ := serialContent(expiring)
	if f.cachedBytes(ec, hashSHA1) != nil {
		t.Fatal("response for an expired certificate kept")
	}

	// A response that cannot be refreshed stays while valid, then goes.
	content, _ := serialContent(serial)
	f.src.fail(errTestSource)
	f.clock.advance(11 * time.Hour)
	f.r.refreshOnce(ctx)
	if f.cachedBytes(content, hashSHA1) == nil {
		t.Fatal("still-valid response dropped when the source failed")
	}
	f.clock.advance(12 * time.Hour)
	f.r.refreshOnce(ctx)
	if f.cachedBytes(content, hashSHA1) != nil {
		t.Fatal("expired response kept")
	}
}

func TestPrime(t *testing.T) {
	f := newFixture(t, "ecdsa")
	ctx := context.Background()
	serials := []*big.Int{f.pki.leaves[0].SerialNumber, f.pki.leaves[1].SerialNumber, randomSerial(t)}
	if err := f.r.Prime(ctx, serials); err != nil {
		t.Fatal(err)
	}
	if n := f.r.cache.len(); n != 2 {
		t.Fatalf("%d cached after Prime, want 2 (unknown serials are not primed)", n)
	}
	lookups := f.src.lookups.Load()
	for _, l := range f.pki.leaves {
		if resp := mustParse(t, post(f.r, ocspRequest(t, l.SerialNumber, f.pki.ca, hashSHA1, nil)).Body.Bytes(), f.pki.ca); resp.Status != xocsp.Good {
			t.Fatalf("status %d", resp.Status)
		}
	}
	if f.src.lookups.Load() != lookups {
		t.Fatal("primed serials were looked up again")
	}

	f.src.fail(errTestSource)
	if err := f.r.Prime(ctx, serials); !errors.Is(err, errTestSource) {
		t.Fatalf("Prime with failing source: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := f.r.Prime(cctx, serials); !errors.Is(err, context.Canceled) {
		t.Fatalf("Prime with cancelled context: %v", err)
	}
}

func TestMaxCache(t *testing.T) {
	f := newFixture(t, "ecdsa", WithMaxCache(3))
	for range 10 {
		s := randomSerial(t)
		f.src.set(s, Entry{Status: Good})
		if resp := mustParse(t, post(f.r, ocspRequest(t, s, f.pki.ca, hashSHA1, nil)).Body.Bytes(), f.pki.ca); resp.Status != xocsp.Good {
			t.Fatalf("status %d", resp.Status)
		}
		if n := f.r.cache.len(); n > 3 {
			t.Fatalf("%d cached, bound is 3", n)
		}
	}
}

// TestConcurrentUse runs queries, invalidations and refreshes together;
// it is meant for go test -race.
func TestConcurrentUse(t *testing.T) {
	f := newFixture(t, "ecdsa", WithMaxCache(8))
	ctx := context.Background()
	serials := make([]*big.Int, 16)
	for i := range serials {
		serials[i] = randomSerial(t)
		f.src.set(serials[i], Entry{Status: Good})
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				s := serials[(g*7+i)%len(serials)]
				var nonce []byte
				if i%10 == 0 {
					nonce = []byte("nonce-nonce-1234")
				}
				if w := post(f.r, ocspRequest(t, s, f.pki.ca, hashAlg(i%2), nonce)); w.Code != http.StatusOK {
					t.Errorf("HTTP %d", w.Code)
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 20 {
			f.src.set(serials[i%len(serials)], Entry{Status: Revoked, RevokedAt: f.clock.now()})
			if err := f.r.Invalidate(ctx, serials[i%len(serials)]); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() {
		for range 5 {
			f.clock.advance(7 * time.Hour)
			f.r.refreshOnce(ctx)
		}
	})
	wg.Wait()
}

// TestTombstoneExpires checks that the marker a failed Invalidate leaves
// outlives any signature that was in flight, and then goes.
func TestTombstoneExpires(t *testing.T) {
	f := newFixture(t, "ecdsa")
	ctx := context.Background()
	serial := f.pki.leaves[0].SerialNumber
	post(f.r, ocspRequest(t, serial, f.pki.ca, hashSHA1, nil))
	f.src.fail(errTestSource)
	if err := f.r.Invalidate(ctx, serial); err == nil {
		t.Fatal("Invalidate with failing source succeeded")
	}
	content, _ := serialContent(serial)
	key := string(appendKey(nil, 0, hashSHA1, content))
	if e := f.r.cache.peek(key); e == nil || !e.tombstone() {
		t.Fatal("no tombstone after failed Invalidate")
	}
	f.r.refreshOnce(ctx)
	if f.r.cache.peek(key) == nil {
		t.Fatal("fresh tombstone removed")
	}
	f.clock.advance(tombstoneAge)
	f.r.refreshOnce(ctx)
	if f.r.cache.peek(key) != nil {
		t.Fatal("old tombstone kept")
	}
}
