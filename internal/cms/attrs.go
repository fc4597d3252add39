package cms

import (
	"crypto"
	"encoding/asn1"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// interpretSignedAttrs reads the signed attributes that Signed exposes. Each
// may appear once, with one value: RFC 5652 §11.1–§11.3 says so of
// content-type, message-digest and signing-time, and the ESS attributes are
// held to the same rule, since two of them could name two certificates.
func (s *Signed) interpretSignedAttrs() error {
	seen := map[string]bool{}
	for _, a := range s.SignedAttrs {
		var parse func(v []byte) error
		switch {
		case a.Type.Equal(oidContentType()):
			parse = func(v []byte) error {
				in := cryptobyte.String(v)
				if !in.ReadASN1ObjectIdentifier(&s.attrContent) || !in.Empty() {
					return malformed("content-type attribute")
				}
				return nil
			}
		case a.Type.Equal(oidMessageDigest()):
			parse = func(v []byte) error {
				in := cryptobyte.String(v)
				var d cryptobyte.String
				if !in.ReadASN1(&d, casn1.OCTET_STRING) || !in.Empty() {
					return malformed("message-digest attribute")
				}
				s.MessageDigest = append([]byte{}, d...)
				return nil
			}
		case a.Type.Equal(oidSigningTime()):
			parse = func(v []byte) (err error) {
				s.SigningTime, err = parseTime(v)
				return err
			}
		case a.Type.Equal(oidSigningCertificateV2()):
			parse = func(v []byte) (err error) {
				s.SigningCertificateV2, err = parseSigningCertificate(v, true)
				return err
			}
		case a.Type.Equal(oidSigningCertificate()):
			parse = func(v []byte) (err error) {
				s.SigningCertificate, err = parseSigningCertificate(v, false)
				return err
			}
		default:
			continue
		}
		key := a.Type.String()
		if seen[key] {
			return fmt.Errorf("%w: signed attribute %v appears twice", ErrMalformed, a.Type)
		}
		seen[key] = true
		if len(a.Values) != 1 {
			return fmt.Errorf("%w: signed attribute %v has %d values, not one", ErrMalformed, a.Type, len(a.Values))
		}
		if err := parse(a.Values[0]); err != nil {
			return err
		}
	}
	return nil
}

// parseTime reads a signing-time value: UTCTime or GeneralizedTime (RFC 5652
// §11.3). encoding/asn1 is used rather than cryptobyte because it also
// reads the fractional seconds that some signers write.
func parseTime(v []byte) (time.Time, error) {
	var t time.Time
	rest, err := asn1.Unmarshal(v, &t)
	if err != nil || len(rest) != 0 {
		return time.Time{}, malformed("signing-time attribute")
	}
	return t, nil
}

// parseSigningCertificate reads the first certificate identifier of a
// signing-certificate-v2 (v2) or signing-certificate attribute; RFC 5035 §3
// says the first one identifies the signer's certificate, the others are
// for path building and this package does not use them:
//
//	SigningCertificateV2 ::= SEQUENCE {
//	    certs SEQUENCE OF ESSCertIDv2, policies SEQUENCE OF PolicyInformation OPTIONAL }
//	ESSCertIDv2 ::= SEQUENCE {
//	    hashAlgorithm AlgorithmIdentifier DEFAULT {algorithm id-sha256},
//	    certHash Hash, issuerSerial IssuerSerial OPTIONAL }
//	ESSCertID ::= SEQUENCE { certHash Hash, issuerSerial IssuerSerial OPTIONAL }
//	IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
func parseSigningCertificate(v []byte, v2 bool) (*ESSCertIDv2, error) {
	name := "signing-certificate"
	if v2 {
		name = "signing-certificate-v2"
	}
	bad := func(what string) error { return fmt.Errorf("%w: %s attribute: %s", ErrMalformed, name, what) }
	in := cryptobyte.String(v)
	var sc, certs, id cryptobyte.String
	if !in.ReadASN1(&sc, casn1.SEQUENCE) || !in.Empty() || !sc.ReadASN1(&certs, casn1.SEQUENCE) {
		return nil, bad("not a SEQUENCE of certificate identifiers")
	}
	if !certs.ReadASN1(&id, casn1.SEQUENCE) {
		return nil, bad("no certificate identifier")
	}
	e := &ESSCertIDv2{HashAlgorithm: crypto.SHA1, HashOID: asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}}
	if v2 {
		e.HashAlgorithm, e.HashOID = crypto.SHA256, hashOID(crypto.SHA256)
		if id.PeekASN1Tag(casn1.SEQUENCE) {
			oid, _, ok := readAlgorithm(&id)
			if !ok {
				return nil, bad("hashAlgorithm")
			}
			e.HashOID = oid
			e.HashAlgorithm, _ = hashByOID(oid)
		}
	}
	var hash cryptobyte.String
	if !id.ReadASN1(&hash, casn1.OCTET_STRING) {
		return nil, bad("certHash")
	}
	e.CertHash = append([]byte{}, hash...)
	if id.Empty() {
		return e, nil
	}
	var is, names cryptobyte.String
	if !id.ReadASN1(&is, casn1.SEQUENCE) || !id.Empty() || !is.ReadASN1(&names, casn1.SEQUENCE) {
		return nil, bad("issuerSerial")
	}
	serial, ok := readSerial(&is)
	if !ok || !is.Empty() {
		return nil, bad("issuerSerial serialNumber")
	}
	e.SerialNumber = serial
	for !names.Empty() {
		var gn cryptobyte.String
		var tag casn1.Tag
		if !names.ReadAnyASN1(&gn, &tag) {
			return nil, bad("issuerSerial issuer")
		}
		// directoryName [4] is EXPLICIT, Name being a CHOICE (RFC 5280
		// §4.2.1.6).
		if tag == casn1.Tag(4).Constructed().ContextSpecific() && e.Issuer == nil {
			var n cryptobyte.String
			if !gn.ReadASN1Element(&n, casn1.SEQUENCE) || !gn.Empty() {
				return nil, bad("issuerSerial directoryName")
			}
			e.Issuer = n
		}
	}
	return e, nil
}
