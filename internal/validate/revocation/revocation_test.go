package revocation_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	kysoocsp "github.com/kyso-vn/kyso/internal/ocsp"
	"github.com/kyso-vn/kyso/internal/testpki"
	"github.com/kyso-vn/kyso/internal/validate/path"
	"github.com/kyso-vn/kyso/internal/validate/revocation"
)

// source is the responder's view of the CA's database.
type source struct {
	mu sync.Mutex
	m  map[string]kysoocsp.Entry
}

func (s *source) Lookup(_ context.Context, serial *big.Int) (kysoocsp.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[serial.Text(16)]; ok {
		return e, nil
	}
	return kysoocsp.Entry{Status: kysoocsp.Unknown}, nil
}

type world struct {
	root, leaf *x509.Certificate
	rootKey    crypto.Signer
	src        *source
	responder  *kysoocsp.Responder
	ocspHits   atomic.Int64
	ocspDown   atomic.Bool
	crl        atomic.Value // []byte
	ocspURL    string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{src: &source{m: map[string]kysoocsp.Entry{}}}
	ocspSrv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.ocspHits.Add(1)
		if w.ocspDown.Load() {
			http.Error(rw, "down", http.StatusServiceUnavailable)
			return
		}
		w.responder.ServeHTTP(rw, r)
	}))
	t.Cleanup(ocspSrv.Close)
	crlSrv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := w.crl.Load().([]byte)
		if b == nil {
			http.NotFound(rw, r)
			return
		}
		rw.Write(b)
	}))
	t.Cleanup(crlSrv.Close)
	w.ocspURL = ocspSrv.URL
	w.rootKey = testpki.Key(t, "p256")
	w.root = testpki.Issue(t, nil, nil, w.rootKey, "CA gốc", testpki.CA)
	respKey := testpki.Key(t, "p256")
	resp := testpki.Issue(t, w.root, w.rootKey, respKey, "OCSP", func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
		c.ExtraExtensions = []pkix.Extension{{Id: []int{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}, Value: []byte{5, 0}}}
	})
	leafKey := testpki.Key(t, "p256")
	w.leaf = testpki.Issue(t, w.root, w.rootKey, leafKey, "Nguyễn Văn An", func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		c.OCSPServer = []string{ocspSrv.URL}
		c.CRLDistributionPoints = []string{crlSrv.URL}
	})
	var err error
	w.responder, err = kysoocsp.NewResponder([]kysoocsp.Issuer{{Cert: w.root, ResponderCert: resp, Signer: respKey, Source: w.src}})
	if err != nil {
		t.Fatal(err)
	}
	w.src.m[w.leaf.SerialNumber.Text(16)] = kysoocsp.Entry{Status: kysoocsp.Good, NotAfter: w.leaf.NotAfter}
	return w
}

func (w *world) revoke(t *testing.T, at time.Time) {
	w.src.mu.Lock()
	w.src.m[w.leaf.SerialNumber.Text(16)] = kysoocsp.Entry{Status: kysoocsp.Revoked, RevokedAt: at, Reason: 1, NotAfter: w.leaf.NotAfter}
	w.src.mu.Unlock()
	if err := w.responder.Invalidate(context.Background(), w.leaf.SerialNumber); err != nil {
		t.Fatal(err)
	}
}

func (w *world) setCRL(t *testing.T, revoked bool) {
	tmpl := &x509.RevocationList{Number: big.NewInt(time.Now().UnixNano()), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour)}
	if revoked {
		tmpl.RevokedCertificateEntries = []x509.RevocationListEntry{{SerialNumber: w.leaf.SerialNumber, RevocationTime: time.Now().Add(-30 * time.Second), ReasonCode: 3}}
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, w.root, w.rootKey)
	if err != nil {
		t.Fatal(err)
	}
	w.crl.Store(der)
}

func (w *world) req(at time.Time) path.RevocationRequest {
	return path.RevocationRequest{Cert: w.leaf, Issuer: w.root, Time: at}
}

func TestOnlineOCSPAndCache(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := &revocation.Checker{Client: http.DefaultClient, Cache: &revocation.Cache{}}
	for i := 0; i < 3; i++ {
		st, err := c.Check(ctx, w.req(time.Now()))
		if err != nil || st.State != path.StatusGood {
			t.Fatalf("check %d: %+v, %v", i, st, err)
		}
	}
	if n := w.ocspHits.Load(); n != 1 {
		t.Errorf("%d requests to the responder for 3 checks, want 1 (cached until nextUpdate)", n)
	}
}

func TestRevokedBeforeOrAfterTheTime(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	revokedAt := time.Now().Add(-time.Hour).Truncate(time.Second)
	w.revoke(t, revokedAt)
	c := &revocation.Checker{Client: http.DefaultClient}
	st, err := c.Check(ctx, w.req(time.Now()))
	if err != nil || st.State != path.StatusRevoked || !st.RevokedAt.Equal(revokedAt) {
		t.Fatalf("after the revocation: %+v, %v", st, err)
	}
	// A signature made (proven by a time-stamp) before the revocation.
	st, err = c.Check(ctx, w.req(revokedAt.Add(-time.Hour)))
	if err != nil || st.State != path.StatusGood {
		t.Fatalf("before the revocation: %+v, %v", st, err)
	}
}

func TestFallbackToCRLAndUnknown(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.ocspDown.Store(true)
	c := &revocation.Checker{Client: http.DefaultClient}
	// Neither the responder nor a CRL answers: unknown, never good.
	st, err := c.Check(ctx, w.req(time.Now()))
	if err != nil || st.State != path.StatusUnknown || st.Detail == "" {
		t.Fatalf("nothing answers: %+v, %v", st, err)
	}
	w.setCRL(t, true)
	st, _ = c.Check(ctx, w.req(time.Now()))
	if st.State != path.StatusRevoked || st.ReasonCode != 3 {
		t.Fatalf("CRL lists the serial: %+v", st)
	}
	w.setCRL(t, false)
	st, _ = c.Check(ctx, w.req(time.Now()))
	if st.State != path.StatusGood {
		t.Fatalf("CRL without the serial: %+v", st)
	}
}

func TestEmbeddedResponsesOffline(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// Fetch one response as a signer would embed it in the DSS.
	online := &revocation.Checker{Client: http.DefaultClient}
	if st, _ := online.Check(ctx, w.req(time.Now())); st.State != path.StatusGood {
		t.Fatal("setup")
	}
	body, _ := x509OCSPRequest(t, w)
	res, err := http.Post(w.ocspURL, "application/ocsp-request", body)
	if err != nil {
		t.Fatal(err)
	}
	der, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	hits := w.ocspHits.Load()
	off := &revocation.Checker{EmbeddedOCSP: [][]byte{der}}
	if st, err := off.Check(ctx, w.req(time.Now())); err != nil || st.State != path.StatusGood {
		t.Fatalf("embedded response: %+v, %v", st, err)
	}
	if w.ocspHits.Load() != hits {
		t.Error("an offline check reached the network")
	}
	// An embedded response about another certificate is not used.
	other := newWorld(t)
	if st, _ := (&revocation.Checker{EmbeddedOCSP: [][]byte{der}}).Check(ctx, other.req(time.Now())); st.State != path.StatusUnknown {
		t.Fatalf("a response for another certificate was used: %+v", st)
	}
	if st, _ := (&revocation.Checker{}).Check(ctx, w.req(time.Now())); st.State != path.StatusUnknown {
		t.Fatalf("offline with nothing embedded: %+v", st)
	}
}

// TestPathValidation plugs the checker into path validation: a good
// certificate validates; with every source down the path fails with
// TRY_LATER.
func TestPathValidation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := path.Inputs{Time: time.Now(), Anchors: []*x509.Certificate{w.root}, Usage: path.DocumentSigning(), Revocation: &revocation.Checker{Client: http.DefaultClient}}
	if _, err := path.Validate(ctx, w.leaf, in); err != nil {
		t.Fatalf("good certificate: %v", err)
	}
	w.ocspDown.Store(true)
	in.Revocation = &revocation.Checker{Client: http.DefaultClient}
	_, err := path.Validate(ctx, w.leaf, in)
	var pe *path.Error
	if !errors.As(err, &pe) || pe.SubIndication() != path.TryLater {
		t.Fatalf("no source answers: %v, want TRY_LATER", err)
	}
}
