package tsa

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// tokenSigner wraps a TSTInfo into a time-stamp token: a CMS SignedData
// (RFC 5652 §5) with eContentType id-ct-TSTInfo and a single signer, the TSA
// (RFC 3161 §2.4.2). Everything that does not depend on the TSTInfo is
// encoded once, in newTokenSigner.
type tokenSigner struct {
	signer    crypto.Signer
	hash      crypto.Hash
	digestAlg []byte // AlgorithmIdentifier of hash
	sigAlg    []byte // AlgorithmIdentifier of the signature
	sid       []byte // IssuerAndSerialNumber of the TSA certificate
	essAttr   []byte // the signing-certificate-v2 Attribute
	certs     []byte // CertificateSet content: TSA certificate and chain
}

// newTokenSigner prepares signing with signer under cert, hashing with hash.
func newTokenSigner(cert *x509.Certificate, chain []*x509.Certificate, signer crypto.Signer, hash crypto.Hash) (*tokenSigner, error) {
	s := &tokenSigner{signer: signer, hash: hash}
	var err error
	// RFC 5754 §2: implementations MUST generate SHA-2
	// AlgorithmIdentifiers with absent parameters.
	if s.digestAlg, err = encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(hashOID(hash)) })
	}); err != nil {
		return nil, err
	}
	if s.sigAlg, err = encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			if _, isRSA := cert.PublicKey.(*rsa.PublicKey); isRSA {
				// RFC 3370 §3.2: rsaEncryption with NULL parameters.
				b.AddASN1ObjectIdentifier(oidRSAEncryption())
				b.AddASN1NULL()
				return
			}
			// RFC 5758 §3.2: ecdsa-with-SHA*, parameters absent.
			b.AddASN1ObjectIdentifier(oidECDSAWithSHA(hash))
		})
	}); err != nil {
		return nil, err
	}
	if s.sid, err = encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(cert.RawIssuer)
			b.AddASN1BigInt(cert.SerialNumber)
		})
	}); err != nil {
		return nil, err
	}
	if s.essAttr, err = essAttribute(cert); err != nil {
		return nil, err
	}
	// The CertificateSet is a SET OF, so DER (X.690 §11.6) wants its
	// elements sorted by encoding; verifiers find the signer by issuer and
	// serial number, not by position.
	ders := [][]byte{cert.Raw}
	for _, c := range chain {
		ders = append(ders, c.Raw)
	}
	slices.SortFunc(ders, bytes.Compare)
	s.certs = bytes.Join(ders, nil)
	return s, nil
}

// essAttribute encodes the signed attribute that binds the token to the TSA
// certificate (RFC 5816 §2.2.1, RFC 5035 §3):
//
//	SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
//	ESSCertIDv2 ::= SEQUENCE {
//	    hashAlgorithm AlgorithmIdentifier DEFAULT {algorithm id-sha256},
//	    certHash      OCTET STRING,
//	    issuerSerial  IssuerSerial }
//
// hashAlgorithm is SHA-256 and therefore omitted, as DER requires of a
// DEFAULT value.
func essAttribute(cert *x509.Certificate) ([]byte, error) {
	sum := sha256.Sum256(cert.Raw)
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // Attribute
			b.AddASN1ObjectIdentifier(oidSigningCertificateV2())
			b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // SigningCertificateV2
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // certs
						b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // ESSCertIDv2
							b.AddASN1OctetString(sum[:])
							b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerSerial
								b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // GeneralNames
									// directoryName [4] is EXPLICIT: Name is a CHOICE.
									b.AddASN1(casn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
										b.AddBytes(cert.RawIssuer)
									})
								})
								b.AddASN1BigInt(cert.SerialNumber)
							})
						})
					})
				})
			})
		})
	})
}

// sign returns the time-stamp token over tstInfo, with the TSA certificate
// and its chain when withCerts (the requester's certReq, RFC 3161 §2.4.1).
func (s *tokenSigner) sign(tstInfo []byte, withCerts bool) ([]byte, error) {
	h := s.hash.New()
	h.Write(tstInfo)
	digest := h.Sum(nil)

	// Signed attributes (RFC 5652 §5.3, §11): contentType must match
	// eContentType; messageDigest covers the TSTInfo; the ESS attribute
	// names the certificate.
	contentType, err := attribute(oidContentType(), func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidTSTInfo()) })
	if err != nil {
		return nil, err
	}
	messageDigest, err := attribute(oidMessageDigest(), func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest) })
	if err != nil {
		return nil, err
	}
	attrs := [][]byte{contentType, messageDigest, s.essAttr}
	slices.SortFunc(attrs, bytes.Compare) // SET OF, DER order
	attrContent := bytes.Join(attrs, nil)

	// The signature covers the attributes encoded as a SET, not with the
	// [0] IMPLICIT tag they carry inside SignerInfo (RFC 5652 §5.4).
	attrSet, err := encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(attrContent) })
	})
	if err != nil {
		return nil, err
	}
	h = s.hash.New()
	h.Write(attrSet)
	sig, err := s.signer.Sign(rand.Reader, h.Sum(nil), s.hash)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}

	implicit0 := casn1.Tag(0).Constructed().ContextSpecific()
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
			b.AddASN1ObjectIdentifier(oidSignedData())
			b.AddASN1(implicit0, func(b *cryptobyte.Builder) { // [0] EXPLICIT
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
					// Version 3 because eContentType is not id-data
					// (RFC 5652 §5.1).
					b.AddASN1Int64(3)
					b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(s.digestAlg) })
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // EncapsulatedContentInfo
						b.AddASN1ObjectIdentifier(oidTSTInfo())
						b.AddASN1(implicit0, func(b *cryptobyte.Builder) { b.AddASN1OctetString(tstInfo) })
					})
					if withCerts {
						b.AddASN1(implicit0, func(b *cryptobyte.Builder) { b.AddBytes(s.certs) })
					}
					b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) {
						b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
							b.AddASN1Int64(1) // sid is IssuerAndSerialNumber
							b.AddBytes(s.sid)
							b.AddBytes(s.digestAlg)
							b.AddASN1(implicit0, func(b *cryptobyte.Builder) { b.AddBytes(attrContent) })
							b.AddBytes(s.sigAlg)
							b.AddASN1OctetString(sig)
						})
					})
				})
			})
		})
	})
}

// attribute encodes a CMS Attribute with a single value.
func attribute(oid asn1.ObjectIdentifier, value cryptobyte.BuilderContinuation) ([]byte, error) {
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1(casn1.SET, value)
		})
	})
}

// encode runs a cryptobyte builder and returns its bytes.
func encode(f cryptobyte.BuilderContinuation) ([]byte, error) {
	b := cryptobyte.NewBuilder(nil)
	f(b)
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encoding: %w", err)
	}
	return out, nil
}
