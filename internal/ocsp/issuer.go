package ocsp

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"log/slog"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Issuer is one CA the responder answers for.
//
// Responses are signed by a delegated responder (RFC 6960 §4.2.2.2):
// ResponderCert has id-kp-OCSPSigning, is issued by Cert, and Signer holds
// its private key. The CA key itself never signs responses, so it can stay
// offline or in a token that would be too slow for OCSP.
type Issuer struct {
	// Cert is the CA certificate whose certificates this issuer answers for.
	Cert *x509.Certificate
	// ResponderCert is the delegated responder certificate, included in every response.
	ResponderCert *x509.Certificate
	// Signer is the private key of ResponderCert; it must be RSA or ECDSA.
	Signer crypto.Signer
	// Source answers for certificates issued by Cert.
	Source Source
}

// maxIssuers is the most issuers a cache key can name (two bytes).
const maxIssuers = 1 << 16

var (
	oidOCSPNoCheck     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}
	oidSHA256WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
)

// issuer is an Issuer with everything the hot path and the signer need
// computed once.
type issuer struct {
	Issuer
	index int
	// nameHash and keyHash are indexed by hashAlg (RFC 6960 §4.1.1).
	nameHash [numHashAlgs][]byte
	keyHash  [numHashAlgs][]byte
	// responderID is the DER of ResponderID byKey (RFC 6960 §4.2.2.3).
	responderID []byte
	// sigAlg is the DER of the signature AlgorithmIdentifier.
	sigAlg []byte
	// certs is the DER of the trailing "certs [0] EXPLICIT SEQUENCE OF
	// Certificate" field of BasicOCSPResponse (RFC 6960 §4.2.1). Every
	// response of this issuer ends with these bytes, so the cache keeps
	// them once here rather than once per serial.
	certs []byte
}

func newIssuer(index int, in Issuer, log *slog.Logger) (*issuer, error) {
	if in.Cert == nil || in.ResponderCert == nil || in.Signer == nil || in.Source == nil {
		return nil, fmt.Errorf("ocsp: issuer %d: Cert, ResponderCert, Signer and Source are all required", index)
	}
	name := in.Cert.Subject.String()
	// RFC 6960 §4.2.2.2: a delegated responder certificate is issued
	// directly by the CA and carries id-kp-OCSPSigning.
	if !bytes.Equal(in.ResponderCert.RawIssuer, in.Cert.RawSubject) {
		return nil, fmt.Errorf("ocsp: issuer %q: responder certificate is not issued by the CA: issuer is %q", name, in.ResponderCert.Issuer)
	}
	if err := in.ResponderCert.CheckSignatureFrom(in.Cert); err != nil {
		return nil, fmt.Errorf("ocsp: issuer %q: responder certificate is not issued by the CA: %w", name, err)
	}
	if !hasOCSPSigning(in.ResponderCert) {
		return nil, fmt.Errorf("ocsp: issuer %q: responder certificate lacks id-kp-OCSPSigning", name)
	}
	pub, ok := in.Signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(in.ResponderCert.PublicKey) {
		return nil, fmt.Errorf("ocsp: issuer %q: signer key does not match the responder certificate", name)
	}
	sigAlg, err := signatureAlgorithm(in.Signer.Public())
	if err != nil {
		return nil, fmt.Errorf("ocsp: issuer %q: %w", name, err)
	}
	if !hasExtension(in.ResponderCert, oidOCSPNoCheck) {
		// RFC 6960 §4.2.2.2.1: without id-pkix-ocsp-nocheck clients may
		// try to check the responder certificate's own revocation status.
		log.Warn("ocsp: responder certificate lacks id-pkix-ocsp-nocheck", "issuer", name)
	}

	caKey, err := subjectPublicKeyBits(in.Cert.RawSubjectPublicKeyInfo)
	if err != nil {
		return nil, fmt.Errorf("ocsp: issuer %q: ca public key: %w", name, err)
	}
	respKey, err := subjectPublicKeyBits(in.ResponderCert.RawSubjectPublicKeyInfo)
	if err != nil {
		return nil, fmt.Errorf("ocsp: issuer %q: responder public key: %w", name, err)
	}

	is := &issuer{Issuer: in, index: index, sigAlg: sigAlg}
	// RFC 6960 §4.1.1: issuerNameHash is the hash of the issuer's DN, and
	// issuerKeyHash the hash of its public key BIT STRING value.
	s1n, s1k := sha1.Sum(in.Cert.RawSubject), sha1.Sum(caKey)
	s2n, s2k := sha256.Sum256(in.Cert.RawSubject), sha256.Sum256(caKey)
	is.nameHash[hashSHA1], is.keyHash[hashSHA1] = s1n[:], s1k[:]
	is.nameHash[hashSHA256], is.keyHash[hashSHA256] = s2n[:], s2k[:]

	// RFC 6960 §4.2.2.3: KeyHash is the SHA-1 of the responder's public key.
	rk := sha1.Sum(respKey)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.Tag(2).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
		b.AddASN1OctetString(rk[:])
	})
	if is.responderID, err = b.Bytes(); err != nil {
		return nil, fmt.Errorf("ocsp: issuer %q: responder id: %w", name, err)
	}
	b = cryptobyte.Builder{}
	b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(in.ResponderCert.Raw)
		})
	})
	if is.certs, err = b.Bytes(); err != nil {
		return nil, fmt.Errorf("ocsp: issuer %q: certs field: %w", name, err)
	}
	return is, nil
}

// matches reports whether a request's CertID names this issuer.
func (is *issuer) matches(alg hashAlg, nameHash, keyHash []byte) bool {
	return bytes.Equal(is.keyHash[alg], keyHash) && bytes.Equal(is.nameHash[alg], nameHash)
}

func hasOCSPSigning(c *x509.Certificate) bool {
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageOCSPSigning {
			return true
		}
	}
	return false
}

func hasExtension(c *x509.Certificate, oid asn1.ObjectIdentifier) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(oid) {
			return true
		}
	}
	return false
}

// subjectPublicKeyBits returns the value of the subjectPublicKey BIT STRING,
// the input of issuerKeyHash and of ResponderID byKey.
func subjectPublicKeyBits(spki []byte) ([]byte, error) {
	in := cryptobyte.String(spki)
	var seq cryptobyte.String
	var bits asn1.BitString
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.SkipASN1(cbasn1.SEQUENCE) || !seq.ReadASN1BitString(&bits) {
		return nil, errors.New("malformed subjectPublicKeyInfo")
	}
	return bits.RightAlign(), nil
}

// signatureAlgorithm returns the DER AlgorithmIdentifier for a SHA-256
// signature by this key.
func signatureAlgorithm(pub crypto.PublicKey) ([]byte, error) {
	var b cryptobyte.Builder
	switch pub.(type) {
	case *rsa.PublicKey:
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidSHA256WithRSA)
			b.AddASN1NULL()
		})
	case *ecdsa.PublicKey:
		// RFC 5758 §3.2: ecdsa-with-SHA256 has no parameters.
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidECDSAWithSHA256)
		})
	default:
		return nil, fmt.Errorf("responder key type %T is not supported (want RSA or ECDSA)", pub)
	}
	return b.Bytes()
}
