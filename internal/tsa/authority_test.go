package tsa

import (
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestNewRefusesUnfitCertificates(t *testing.T) {
	p := newTestPKI(t, "p256")
	other := newKey(t, "p256")
	small := newKey(t, "rsa1024")
	serverAuth := asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	timeStamping := asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
	tsaCert := func(key crypto.Signer, edit func(*x509.Certificate)) *x509.Certificate {
		return issue(t, p.root, p.rootKey, key, "TSA", edit)
	}
	tests := []struct {
		name   string
		cert   *x509.Certificate
		chain  []*x509.Certificate
		signer crypto.Signer
		opts   []Option
		want   string
	}{
		{"no EKU", tsaCert(p.tsaKey, func(c *x509.Certificate) { c.ExtraExtensions = nil }), nil, p.tsaKey, nil,
			"no extended key usage"},
		{"EKU not critical", tsaCert(p.tsaKey, func(c *x509.Certificate) {
			c.ExtraExtensions = []pkix.Extension{timeStampingEKU(false)}
		}), nil, p.tsaKey, nil, "not critical"},
		{"EKU with serverAuth too", tsaCert(p.tsaKey, func(c *x509.Certificate) {
			c.ExtraExtensions = []pkix.Extension{timeStampingEKU(true, timeStamping, serverAuth)}
		}), nil, p.tsaKey, nil, "id-kp-timeStamping only"},
		{"EKU serverAuth only", tsaCert(p.tsaKey, func(c *x509.Certificate) {
			c.ExtraExtensions = []pkix.Extension{timeStampingEKU(true, serverAuth)}
		}), nil, p.tsaKey, nil, "id-kp-timeStamping only"},
		{"no digitalSignature", tsaCert(p.tsaKey, func(c *x509.Certificate) {
			c.KeyUsage = x509.KeyUsageContentCommitment
		}), nil, p.tsaKey, nil, "digitalSignature"},
		{"signer of another key", p.tsa, nil, other, nil, "not the certificate's"},
		{"RSA-1024", tsaCert(small, nil), nil, small, nil, "at least 2048"},
		{"chain that did not issue it", p.tsa, []*x509.Certificate{p.tsa}, p.tsaKey, nil, "did not issue"},
		{"expired", tsaCert(p.tsaKey, func(c *x509.Certificate) {
			c.NotBefore, c.NotAfter = testEpoch().Add(-48*time.Hour), testEpoch().Add(-24*time.Hour)
		}), nil, p.tsaKey, nil, "not now"},
		{"negative accuracy", p.tsa, nil, p.tsaKey, []Option{WithAccuracy(-time.Second)}, "negative accuracy"},
		{"policy with a 2.25 UUID arc", p.tsa, nil, p.tsaKey, []Option{WithPolicy(asn1.ObjectIdentifier{2, 25, 1 << 40})}, "cannot be read back"},
		{"invalid policy", p.tsa, nil, p.tsaKey, []Option{WithPolicy(asn1.ObjectIdentifier{7})}, "policy"},
		{"nil certificate", nil, nil, p.tsaKey, nil, "no certificate"},
		{"nil signer", p.tsa, nil, nil, nil, "no signer"},
		{"nil clock", p.tsa, nil, p.tsaKey, []Option{WithClock(nil)}, "nil clock"},
		{"nil serials", p.tsa, nil, p.tsaKey, []Option{WithSerials(nil)}, "nil serial source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := New(tt.cert, tt.chain, tt.signer, tt.opts...)
			if err == nil {
				t.Fatalf("New accepted it: %v", a)
			}
			if !strings.HasPrefix(err.Error(), "tsa: new: ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want one starting \"tsa: new: \" and containing %q", err, tt.want)
			}
		})
	}
}

func TestNewAcceptsSupportedKeys(t *testing.T) {
	for _, kind := range []string{"rsa2048", "p256", "p384"} {
		t.Run(kind, func(t *testing.T) {
			p := newTestPKI(t, kind)
			a := p.newAuthority(t)
			if !a.Policy().Equal(DefaultPolicy()) {
				t.Errorf("policy %v, want the default %v", a.Policy(), DefaultPolicy())
			}
			if !a.Certificate().Equal(p.tsa) {
				t.Error("Certificate() is not the TSA certificate")
			}
		})
	}
}

// The default policy must survive the Go ASN.1 stack that verifies tokens;
// this is why it is not under 2.25 (see DefaultPolicy).
func TestDefaultPolicyReadableByEncodingASN1(t *testing.T) {
	der, err := asn1.Marshal(DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	var back asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(der, &back); err != nil || !back.Equal(DefaultPolicy()) {
		t.Fatalf("round trip: %v, %v", back, err)
	}
	const want = "1.2.840.113556.1.8000.2554.14743.14525.40838.18529.40922.2062134.4451272"
	if got := DefaultPolicy().String(); got != want {
		t.Fatalf("DefaultPolicy changed to %s; issued tokens name %s", got, want)
	}
	// Callers must not be able to alter it.
	DefaultPolicy()[0] = 0
	if DefaultPolicy().String() != want {
		t.Fatal("DefaultPolicy is shared state")
	}
}

func TestRandomSerials(t *testing.T) {
	s := RandomSerials()
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for range 1000 {
		n, err := s.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n.Sign() <= 0 || n.Cmp(limit) >= 0 {
			t.Fatalf("serial %v not in (0, 2^128)", n)
		}
	}
}
