package ocsp

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"github.com/kyso-vn/kyso/internal/testpki"
	"math/big"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testPKI is a root, an issuing CA, a delegated OCSP responder and two
// leaf certificates, with PEM files in dir for OpenSSL.
type testPKI struct {
	root, ca, responder *x509.Certificate
	caKey, respKey      crypto.Signer
	leaves              []*x509.Certificate
	dir                 string
}

// PEM file names in testPKI.dir.
const (
	fileRoot      = "root.pem"
	fileCA        = "ca.pem"
	fileChain     = "root-and-ca.pem"
	fileResponder = "resp.pem"
	fileRespKey   = "resp.key"
)

func leafFile(i int) string { return "leaf" + string(rune('1'+i)) + ".pem" }

// newTestPKI builds the PKI with keys of kind "rsa" (RSA-2048) or "ecdsa" (P-256).
func newTestPKI(t testing.TB, kind string) *testPKI {
	t.Helper()
	p := &testPKI{dir: t.TempDir()}
	// Every certificate gets a serial from randomSerial, which the tests
	// also use for serials the responder has never seen.
	serial := func(c *x509.Certificate) { c.SerialNumber = randomSerial(t) }
	rootKey := testpki.Key(t, kind)
	p.root = testpki.Issue(t, nil, nil, rootKey, "kyso test root", serial, testpki.CA)
	p.caKey = testpki.Key(t, kind)
	p.ca = testpki.Issue(t, p.root, rootKey, p.caKey, "kyso test issuing CA", serial, testpki.CA, func(c *x509.Certificate) {
		c.MaxPathLenZero = true
	})
	p.respKey = testpki.Key(t, kind)
	p.responder = testpki.Issue(t, p.ca, p.caKey, p.respKey, "kyso test OCSP responder", serial, func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
		// RFC 6960 §4.2.2.2.1: id-pkix-ocsp-nocheck, value NULL.
		c.ExtraExtensions = []pkix.Extension{{Id: oidOCSPNoCheck, Value: []byte{0x05, 0x00}}}
	})
	for i := range 2 {
		p.leaves = append(p.leaves, testpki.Issue(t, p.ca, p.caKey, testpki.Key(t, "p256"), "Nguyễn Văn "+string(rune('A'+i)), serial, func(c *x509.Certificate) {
			c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
			c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
		}))
	}

	p.writePEM(t, fileRoot, p.root)
	p.writePEM(t, fileCA, p.ca)
	p.writePEM(t, fileChain, p.root, p.ca)
	p.writePEM(t, fileResponder, p.responder)
	for i, l := range p.leaves {
		p.writePEM(t, leafFile(i), l)
	}
	testpki.WriteKey(t, p.path(fileRespKey), p.respKey)
	return p
}

func (p *testPKI) writePEM(t testing.TB, name string, certs ...*x509.Certificate) {
	testpki.WritePEM(t, filepath.Join(p.dir, name), certs...)
}

func (p *testPKI) path(name string) string { return filepath.Join(p.dir, name) }

// issuer returns the Issuer of this PKI answering from src.
func (p *testPKI) issuer(src Source) Issuer {
	return Issuer{Cert: p.ca, ResponderCert: p.responder, Signer: p.respKey, Source: src}
}

func randomSerial(t testing.TB) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatal(err)
	}
	return n.Add(n, big.NewInt(1))
}

// memSource is the in-memory Source of the tests.
type memSource struct {
	mu      sync.Mutex
	m       map[string]Entry
	err     error
	block   chan struct{} // when set, the next Lookup reads, then waits for it to close
	lookups atomic.Int64
}

func newMemSource() *memSource { return &memSource{m: make(map[string]Entry)} }

func (s *memSource) set(serial *big.Int, e Entry) {
	s.mu.Lock()
	s.m[serial.String()] = e
	s.mu.Unlock()
}

func (s *memSource) fail(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
}

func (s *memSource) Lookup(ctx context.Context, serial *big.Int) (Entry, error) {
	s.lookups.Add(1)
	s.mu.Lock()
	block, err := s.block, s.err
	s.block = nil
	e, ok := s.m[serial.String()]
	s.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return Entry{}, ctx.Err()
		}
	}
	if err != nil {
		return Entry{}, err
	}
	if !ok {
		return Entry{Status: Unknown}, nil
	}
	return e, nil
}

// fakeClock is an injected clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Now().UTC().Truncate(time.Second)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var errTestSource = errors.New("database unavailable")

// ocspRequest returns a DER OCSPRequest for serial under issuerCert with
// the given CertID hash, and with a nonce extension when nonce is not nil.
func ocspRequest(t testing.TB, serial *big.Int, issuerCert *x509.Certificate, alg hashAlg, nonce []byte) []byte {
	t.Helper()
	der, err := asn1.Marshal(serial)
	if err != nil {
		t.Fatal(err)
	}
	var raw asn1.RawValue
	if _, err := asn1.Unmarshal(der, &raw); err != nil {
		t.Fatal(err)
	}
	return ocspRequestRaw(t, raw, issuerCert, alg, nonce)
}

// ocspRequestRaw is ocspRequest with the serialNumber given as raw ASN.1,
// so that tests can build invalid ones.
func ocspRequestRaw(t testing.TB, serial asn1.RawValue, issuerCert *x509.Certificate, alg hashAlg, nonce []byte) []byte {
	t.Helper()
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(issuerCert.RawSubjectPublicKeyInfo, &spki); err != nil {
		t.Fatal(err)
	}
	h, oid := crypto.SHA1, oidSHA1
	if alg == hashSHA256 {
		h, oid = crypto.SHA256, oidSHA256
	}
	hash := func(b []byte) []byte { d := h.New(); d.Write(b); return d.Sum(nil) }
	type certID struct {
		HashAlgorithm  pkix.AlgorithmIdentifier
		IssuerNameHash []byte
		IssuerKeyHash  []byte
		SerialNumber   asn1.RawValue
	}
	type single struct{ CertID certID }
	type tbs struct {
		RequestList []single
		Extensions  []pkix.Extension `asn1:"explicit,tag:2,optional"`
	}
	type req struct{ TBS tbs }
	r := req{TBS: tbs{RequestList: []single{{certID{
		HashAlgorithm:  pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue},
		IssuerNameHash: hash(issuerCert.RawSubject),
		IssuerKeyHash:  hash(spki.PublicKey.RightAlign()),
		SerialNumber:   serial,
	}}}}}
	if nonce != nil {
		v, err := asn1.Marshal(nonce)
		if err != nil {
			t.Fatal(err)
		}
		r.TBS.Extensions = []pkix.Extension{{Id: oidOCSPNonce, Value: v}}
	}
	der, err := asn1.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return der
}
