package keys

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// Identity is what a person or an agency signs with: a key, its
// certificate, and the chain above it (without the root, usually).
type Identity struct {
	Signer crypto.Signer
	Cert   *x509.Certificate
	Chain  []*x509.Certificate
}

// ErrNotPKCS12 means the file is not a PKCS#12 (.p12, .pfx) archive.
var ErrNotPKCS12 = errors.New("keys: not a PKCS#12 file")

// ErrNotForSigning means the certificate's key usage does not allow signing
// documents.
var ErrNotForSigning = errors.New("keys: certificate not for signing")

// ErrKeyMismatch means the key is not the certificate's.
var ErrKeyMismatch = errors.New("keys: key does not match certificate")

// maxIdentityFile bounds a PKCS#12 or PEM file: real ones are a few KB.
const maxIdentityFile = 1 << 20

// LoadPKCS12 opens a PKCS#12 archive (as exported by Windows, browsers and
// token tools) with its password.
func LoadPKCS12(data []byte, password string) (*Identity, error) {
	if len(data) > maxIdentityFile {
		return nil, fmt.Errorf("%w: larger than 1 MiB", ErrNotPKCS12)
	}
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		return nil, fmt.Errorf("%w: the PKCS#12 password is wrong", ErrWrongPassphrase)
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrNotPKCS12, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("keys: the PKCS#12 key (%T) cannot sign", key)
	}
	return newIdentity(signer, cert, chain)
}

// LoadPEM reads a key (PKCS#8, PKCS#1 or SEC 1; encrypted or not) and a
// certificate file that may hold the chain after the certificate.
// Unencrypted keys are accepted here: they are the user's own files, read
// for one signature, not kept.
func LoadPEM(keyPEM, certPEM []byte, opts ...Option) (*Identity, error) {
	if len(keyPEM) > maxIdentityFile || len(certPEM) > maxIdentityFile {
		return nil, errors.New("keys: key or certificate file larger than 1 MiB")
	}
	signer, err := parseKeyFile("key file", keyPEM, collect(append(opts, AllowUnencrypted())))
	if err != nil {
		return nil, err
	}
	certs, err := ParseCertificates(certPEM)
	if err != nil {
		return nil, err
	}
	return newIdentity(signer, certs[0], certs[1:])
}

// NewIdentity assembles an identity from a signer and certificates, for
// keys opened another way (PKCS#11, kyso's own keystore).
func NewIdentity(signer crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate) (*Identity, error) {
	return newIdentity(signer, cert, chain)
}

func newIdentity(signer crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate) (*Identity, error) {
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("%w: the key is not the one certified for %s", ErrKeyMismatch, cert.Subject.CommonName)
	}
	return &Identity{Signer: signer, Cert: cert, Chain: chain}, nil
}

// CheckSigning refuses a certificate whose key usage allows neither
// digitalSignature nor nonRepudiation (RFC 5280 §4.2.1.3): signatures made
// with it would not validate anywhere.
func (id *Identity) CheckSigning() error {
	ku := id.Cert.KeyUsage
	if ku != 0 && ku&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return fmt.Errorf("%w: %s has neither digitalSignature nor nonRepudiation in its key usage", ErrNotForSigning, id.Cert.Subject.CommonName)
	}
	return nil
}

// ParseCertificates reads the PEM CERTIFICATE blocks of a file, in order.
func ParseCertificates(b []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("keys: certificate file: %w", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("keys: the certificate file holds no PEM CERTIFICATE")
	}
	return certs, nil
}
