package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"sort"
	"strings"
	"sync"

	zx509 "github.com/zmap/zcrypto/x509"
	"github.com/zmap/zlint/v3"
	"github.com/zmap/zlint/v3/lint"
)

// linter signs a to-be-signed certificate with a throwaway key and runs
// zlint over the result, so that the CA key never signs a certificate with
// a defect zlint knows about.
type linter struct {
	mu       sync.Mutex
	throw    map[string]crypto.Signer // by key type of the issuer
	registry lint.Registry            // RFC 5280 and ETSI lints
	initErr  error
	initOnce sync.Once
}

func (l *linter) init() error {
	l.initOnce.Do(func() {
		l.throw = map[string]crypto.Signer{}
		// kyso runs a private government PKI. The CA/Browser Forum's
		// rules govern publicly trusted TLS (public TLDs, 200-day
		// lifetimes, no internal IPs) and do not apply even to its service
		// certificates, which serve mutual TLS between agencies' systems;
		// RFC 5280 and ETSI do.
		l.registry, l.initErr = lint.GlobalRegistry().Filter(lint.FilterOptions{IncludeSources: lint.SourceList{lint.RFC5280, lint.EtsiEsi}})
	})
	return l.initErr
}

// throwaway returns a key of the same kind as pub, made once.
func (l *linter) throwaway(pub crypto.PublicKey) (crypto.Signer, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var kind string
	switch k := pub.(type) {
	case *rsa.PublicKey:
		kind = fmt.Sprintf("rsa%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		kind = "ec" + k.Curve.Params().Name
	default:
		return nil, fmt.Errorf("pki: lint: unsupported issuer key %T", pub)
	}
	if s, ok := l.throw[kind]; ok {
		return s, nil
	}
	var s crypto.Signer
	var err error
	switch k := pub.(type) {
	case *rsa.PublicKey:
		s, err = rsa.GenerateKey(rand.Reader, k.N.BitLen())
	case *ecdsa.PublicKey:
		s, err = ecdsa.GenerateKey(k.Curve, rand.Reader)
	}
	if err != nil {
		return nil, err
	}
	l.throw[kind] = s
	return s, nil
}

// check lints tmpl as issuer would sign it.
func (l *linter) check(tmpl *x509.Certificate, issuer *x509.Certificate, pub crypto.PublicKey) error {
	if err := l.init(); err != nil {
		return fmt.Errorf("pki: lint registry: %w", err)
	}
	key, err := l.throwaway(issuer.PublicKey)
	if err != nil {
		return err
	}
	parent := *issuer
	parent.PublicKey = key.Public()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, &parent, pub, key)
	if err != nil {
		return fmt.Errorf("pki: lint certificate: %w", err)
	}
	zc, err := zx509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("pki: lint parse: %w", err)
	}
	res := zlint.LintCertificateEx(zc, l.registry)
	var bad []string
	for name, r := range res.Results {
		if r.Status == lint.Error || r.Status == lint.Fatal {
			bad = append(bad, name)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("pki: the certificate fails lints %s", strings.Join(bad, ", "))
	}
	return nil
}
