package cms

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"slices"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// signedAttributes encodes the signed attributes of a new signature as the
// DER SET OF Attribute that gets signed (RFC 5652 §5.4), in DER order
// (X.690 §11.6): content-type and message-digest, which RFC 5652 §5.3
// requires whenever there are signed attributes; signing-certificate-v2
// naming essCert, which ETSI EN 319 122-1 §5.2.2.3 requires of CAdES
// (and so of PAdES); and signing-time when o asks for it.
func signedAttributes(digest []byte, essCert *x509.Certificate, o Options) ([]byte, error) {
	contentType, err := attribute(oidContentType(), func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(o.ContentType) })
	if err != nil {
		return nil, err
	}
	messageDigest, err := attribute(oidMessageDigest(), func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest) })
	if err != nil {
		return nil, err
	}
	ess, err := essAttribute(essCert)
	if err != nil {
		return nil, err
	}
	attrs := [][]byte{contentType, messageDigest, ess}
	if !o.SigningTime.IsZero() {
		t := o.SigningTime.UTC().Truncate(time.Second)
		st, err := attribute(oidSigningTime(), func(b *cryptobyte.Builder) {
			// RFC 5652 §11.3: UTCTime for 1950 through 2049,
			// GeneralizedTime otherwise.
			if y := t.Year(); y >= 1950 && y < 2050 {
				b.AddASN1UTCTime(t)
			} else {
				b.AddASN1GeneralizedTime(t)
			}
		})
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, st)
	}
	slices.SortFunc(attrs, bytes.Compare)
	return encodeSet(bytes.Join(attrs, nil))
}

// essAttribute encodes the signing-certificate-v2 attribute naming cert
// (RFC 5035 §3):
//
//	SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
//	ESSCertIDv2 ::= SEQUENCE {
//	    hashAlgorithm AlgorithmIdentifier DEFAULT {algorithm id-sha256},
//	    certHash      OCTET STRING,
//	    issuerSerial  IssuerSerial }
//
// hashAlgorithm is SHA-256 and therefore omitted, as DER requires of a
// DEFAULT value. issuerSerial is optional (RFC 5035 §4) and included: it
// lets a validator find the certificate by issuer and serial number before
// hashing candidates, and binds them into the signature as well.
func essAttribute(cert *x509.Certificate) ([]byte, error) {
	sum := sha256.Sum256(cert.Raw)
	return attribute(oidSigningCertificateV2(), func(b *cryptobyte.Builder) {
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
}

// attribute encodes a CMS Attribute with a single value (RFC 5652 §5.3).
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
		return nil, fmt.Errorf("cms: encoding: %w", err)
	}
	return out, nil
}
