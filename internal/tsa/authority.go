package tsa

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Authority is an RFC 3161 time-stamp authority: one certificate, one signing
// key, one policy. It is safe for concurrent use.
type Authority struct {
	cert     *x509.Certificate
	tokens   *tokenSigner
	policy   []byte // DER OBJECT IDENTIFIER
	accuracy time.Duration
	serials  SerialSource
	clock    *genClock
	log      *slog.Logger
}

// New returns an Authority that signs with signer under cert. chain holds the
// certificates above cert, issuer first, that tokens carry when a requester
// asks for certificates; it may be empty.
//
// New refuses a certificate that RFC 3161 §2.3 forbids a TSA to use (it must
// have exactly one, critical, extended key usage: id-kp-timeStamping) or
// whose key usage lacks digitalSignature, a signer whose key is not the
// certificate's, a chain that did not issue cert, and a certificate not valid
// now.
func New(cert *x509.Certificate, chain []*x509.Certificate, signer crypto.Signer, opts ...Option) (*Authority, error) {
	s := settings{
		policy:   DefaultPolicy(),
		accuracy: DefaultAccuracy,
		now:      time.Now,
		serials:  RandomSerials(),
		log:      slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(&s)
	}
	switch {
	case cert == nil:
		return nil, errors.New("tsa: new: no certificate")
	case signer == nil:
		return nil, errors.New("tsa: new: no signer")
	case s.now == nil:
		return nil, errors.New("tsa: new: nil clock")
	case s.serials == nil:
		return nil, errors.New("tsa: new: nil serial source")
	case s.log == nil:
		return nil, errors.New("tsa: new: nil logger")
	case s.accuracy < 0:
		return nil, fmt.Errorf("tsa: new: negative accuracy %v", s.accuracy)
	}
	if err := checkOwnCert(cert); err != nil {
		return nil, fmt.Errorf("tsa: new: certificate %q: %w", cert.Subject, err)
	}
	if err := checkChain(cert, chain); err != nil {
		return nil, fmt.Errorf("tsa: new: %w", err)
	}
	hash, err := signingHash(cert, signer)
	if err != nil {
		return nil, fmt.Errorf("tsa: new: certificate %q: %w", cert.Subject, err)
	}
	// Verifiers check the certificate at genTime: tokens signed outside
	// its validity would all fail, so refuse to start rather than issue
	// them.
	if now := s.now(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return nil, fmt.Errorf("tsa: new: certificate %q is valid from %s to %s, not now (%s)",
			cert.Subject, cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339),
			now.UTC().Format(time.RFC3339))
	}
	policy, err := asn1.Marshal(s.policy)
	if err != nil {
		return nil, fmt.Errorf("tsa: new: policy %v: %w", s.policy, err)
	}
	// An arc above 2^31-1 encodes, but encoding/asn1 cannot read it back,
	// and neither could any Go verifier of the tokens (see DefaultPolicy).
	if _, err := asn1.Unmarshal(policy, new(asn1.ObjectIdentifier)); err != nil {
		return nil, fmt.Errorf("tsa: new: policy %v cannot be read back by encoding/asn1: %w", s.policy, err)
	}
	tokens, err := newTokenSigner(cert, chain, signer, hash)
	if err != nil {
		return nil, fmt.Errorf("tsa: new: %w", err)
	}
	return &Authority{
		cert:     cert,
		tokens:   tokens,
		policy:   policy,
		accuracy: s.accuracy,
		serials:  s.serials,
		clock:    &genClock{now: s.now},
		log:      s.log,
	}, nil
}

// Certificate returns the certificate the Authority signs under, for clients
// that ask for tokens without certificates (certReq false).
func (a *Authority) Certificate() *x509.Certificate { return a.cert }

// Policy returns the TSA policy OID written into every token.
func (a *Authority) Policy() asn1.ObjectIdentifier {
	var oid asn1.ObjectIdentifier
	// a.policy came from asn1.Marshal of an ObjectIdentifier in New.
	_, _ = asn1.Unmarshal(a.policy, &oid)
	return oid
}
