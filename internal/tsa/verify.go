package tsa

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// expectation is what a requester asked for and must find in the token.
type expectation struct {
	hash   crypto.Hash
	digest []byte
	nonce  *big.Int
	cert   *x509.Certificate // the TSA certificate, if the caller knows it
}

// verifyToken checks a time-stamp token against the request that asked for
// it (RFC 3161 §2.4.2, RFC 5816 §2.2.1) and returns it parsed.
func verifyToken(token []byte, want expectation) (*timestamp.Timestamp, error) {
	p7, err := pkcs7.Parse(token)
	if err != nil {
		return nil, fmt.Errorf("token is not CMS SignedData: %w", err)
	}
	// "The time-stamp token MUST NOT contain any signatures other than the
	// signature of the TSA" (§2.4.2).
	if len(p7.Signers) != 1 {
		return nil, fmt.Errorf("token has %d signers, not one", len(p7.Signers))
	}
	if len(p7.Certificates) == 0 {
		if want.cert == nil {
			return nil, errors.New("token carries no certificate to verify it with")
		}
		p7.Certificates = []*x509.Certificate{want.cert}
	}
	signer := p7.GetOnlySigner()
	if signer == nil {
		return nil, errors.New("token carries no certificate matching its signer")
	}
	if want.cert != nil && !signer.Equal(want.cert) {
		return nil, fmt.Errorf("token signed by %q, not by the expected TSA certificate", signer.Subject)
	}
	if err := checkPeerCert(signer); err != nil {
		return nil, fmt.Errorf("token signed by %q: %w", signer.Subject, err)
	}
	if err := p7.Verify(); err != nil {
		return nil, fmt.Errorf("token signature: %w", err)
	}
	var contentType asn1.ObjectIdentifier
	if err := p7.UnmarshalSignedAttribute(oidContentType(), &contentType); err != nil || !contentType.Equal(oidTSTInfo()) {
		return nil, fmt.Errorf("token content type is %v, not id-ct-TSTInfo", contentType)
	}
	if err := checkSigningCertificate(p7, signer); err != nil {
		return nil, err
	}
	ts, err := timestamp.Parse(token)
	if err != nil {
		return nil, fmt.Errorf("token TSTInfo: %w", err)
	}
	if ts.HashAlgorithm != want.hash || !bytes.Equal(ts.HashedMessage, want.digest) {
		return nil, errors.New("token time-stamps another message imprint than the one requested")
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(want.nonce) != 0 {
		return nil, errors.New("token nonce is not the request's: a replayed or foreign answer")
	}
	if ts.Time.Before(signer.NotBefore) || ts.Time.After(signer.NotAfter) {
		return nil, fmt.Errorf("token genTime %s is outside the validity of %q", ts.Time.Format(time.RFC3339), signer.Subject)
	}
	return ts, nil
}

// checkSigningCertificate checks that the token's ESS signing-certificate
// attribute names signer: signing-certificate-v2 (RFC 5816 §2.2.1, RFC 5035
// §3), or the SHA-1 signing-certificate of RFC 2634 §5.4 that older TSAs send.
// Without it, another certificate for the same key could be substituted for
// the TSA's (the attack RFC 2634 §5 introduces the attribute against).
func checkSigningCertificate(p7 *pkcs7.PKCS7, signer *x509.Certificate) error {
	var attr asn1.RawValue
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificateV2(), &attr); err == nil {
		if err := matchESSCertID(attr.FullBytes, signer, true); err != nil {
			return fmt.Errorf("token signing-certificate-v2: %w", err)
		}
		return nil
	}
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificate(), &attr); err == nil {
		if err := matchESSCertID(attr.FullBytes, signer, false); err != nil {
			return fmt.Errorf("token signing-certificate: %w", err)
		}
		return nil
	}
	return errors.New("token has no ESS signing-certificate attribute (RFC 5816 §2.2.1)")
}

// matchESSCertID checks that the first certificate identified by a
// SigningCertificate(V2) is signer, as RFC 5035 §3 requires of the first:
//
//	SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, ... }
//	ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT sha256,
//	                           certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }
//	ESSCertID   ::= SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial IssuerSerial OPTIONAL }
//	IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }
func matchESSCertID(der []byte, signer *x509.Certificate, v2 bool) error {
	in := cryptobyte.String(der)
	var sc, certs, id cryptobyte.String
	if !in.ReadASN1(&sc, casn1.SEQUENCE) || !sc.ReadASN1(&certs, casn1.SEQUENCE) || !certs.ReadASN1(&id, casn1.SEQUENCE) {
		return errors.New("malformed")
	}
	hash := crypto.SHA1
	if v2 {
		hash = crypto.SHA256
		if id.PeekASN1Tag(casn1.SEQUENCE) {
			var alg cryptobyte.String
			var oid asn1.ObjectIdentifier
			if !id.ReadASN1(&alg, casn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
				return errors.New("malformed hashAlgorithm")
			}
			h, name, ok := hashByOID(oid)
			if !ok {
				return fmt.Errorf("certificate hashed with %s, which is not accepted", name)
			}
			hash = h
		}
	}
	var certHash []byte
	if !id.ReadASN1Bytes(&certHash, casn1.OCTET_STRING) {
		return errors.New("malformed certHash")
	}
	h := hash.New()
	h.Write(signer.Raw)
	if !bytes.Equal(certHash, h.Sum(nil)) {
		return fmt.Errorf("names another certificate than the signer %q", signer.Subject)
	}
	if id.Empty() {
		return nil
	}
	var is, names, name cryptobyte.String
	serial := new(big.Int)
	if !id.ReadASN1(&is, casn1.SEQUENCE) || !is.ReadASN1(&names, casn1.SEQUENCE) ||
		!names.ReadASN1(&name, casn1.Tag(4).Constructed().ContextSpecific()) || !is.ReadASN1Integer(serial) {
		return errors.New("malformed issuerSerial")
	}
	if !bytes.Equal(name, signer.RawIssuer) || serial.Cmp(signer.SerialNumber) != 0 {
		return fmt.Errorf("issuerSerial names another certificate than the signer %q", signer.Subject)
	}
	return nil
}
