package cms

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// IsSigner reports whether c is the certificate the SignerInfo's sid names
// (RFC 5652 §5.3): same issuer and serial number, or same subject key
// identifier.
func (s *Signed) IsSigner(c *x509.Certificate) bool {
	if c == nil {
		return false
	}
	id := s.SignerID
	if id.SubjectKeyID != nil {
		return len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, id.SubjectKeyID)
	}
	return id.SerialNumber != nil && id.SerialNumber.Cmp(c.SerialNumber) == 0 && sameName(id.Issuer, c.RawIssuer)
}

// findSigner sets Signer to the first certificate that IsSigner accepts.
// When none does but a certificate crypto/x509 refused has the sid's issuer
// and serial number, the reason is kept for VerifyDetached to report as
// ErrUnsupported: the signer is there, this package cannot read its key.
func (s *Signed) findSigner(refused [][]byte) {
	for _, c := range s.Certificates {
		if s.IsSigner(c) {
			s.Signer = c
			return
		}
	}
	if s.SignerID.SerialNumber == nil {
		return
	}
	for i, raw := range refused {
		issuer, serial, ok := issuerAndSerial(raw)
		if ok && serial.Cmp(s.SignerID.SerialNumber) == 0 && sameName(issuer, s.SignerID.Issuer) {
			s.signerErr = fmt.Errorf("%w: the signer's certificate: %w", ErrUnsupported, s.certErrs[i])
			return
		}
	}
}

// issuerAndSerial reads the serial number and issuer of a certificate that
// crypto/x509 would not parse (RFC 5280 §4.1).
func issuerAndSerial(der []byte) ([]byte, *big.Int, bool) {
	in := cryptobyte.String(der)
	var cert, tbs, issuer cryptobyte.String
	if !in.ReadASN1(&cert, casn1.SEQUENCE) || !cert.ReadASN1(&tbs, casn1.SEQUENCE) ||
		!tbs.SkipOptionalASN1(casn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, nil, false
	}
	serial, ok := readSerial(&tbs)
	if !ok || !tbs.SkipASN1(casn1.SEQUENCE) || !tbs.ReadASN1Element(&issuer, casn1.SEQUENCE) {
		return nil, nil, false
	}
	return issuer, serial, true
}

// sameName compares two DER Names: byte for byte, or else as parsed
// RDNSequences, for signers that re-encode the issuer name with other
// string types than the certificate's (RFC 5280 §7.1 compares names after
// normalization; this is a lenient approximation of it).
func sameName(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var ra, rb pkix.RDNSequence
	if rest, err := asn1.Unmarshal(a, &ra); err != nil || len(rest) != 0 {
		return false
	}
	if rest, err := asn1.Unmarshal(b, &rb); err != nil || len(rest) != 0 {
		return false
	}
	return ra.String() == rb.String()
}

// describe names the sid in error messages.
func (id SignerID) describe() string {
	if id.SubjectKeyID != nil {
		return fmt.Sprintf("subject key identifier %x", id.SubjectKeyID)
	}
	var name pkix.RDNSequence
	issuer := "?"
	if _, err := asn1.Unmarshal(id.Issuer, &name); err == nil {
		issuer = name.String()
	}
	return fmt.Sprintf("issuer %q, serial number %v", issuer, id.SerialNumber)
}
