package cms

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// maxCertificates bounds the certificates field: each one costs a full X.509
// parse, and no real signature carries more than a few dozen.
const maxCertificates = 500

// Context-specific tags of SignedData and SignerInfo (RFC 5652 §5.1, §5.3).
var (
	tagCons0      = casn1.Tag(0).Constructed().ContextSpecific() // [0] constructed
	tagCons1      = casn1.Tag(1).Constructed().ContextSpecific() // [1] constructed
	tagSubjectKey = casn1.Tag(0).ContextSpecific()               // [0] primitive
)

// Parse reads a DER ContentInfo holding a CMS SignedData (RFC 5652 §3, §5):
// a detached .p7s, or the /Contents of a PDF signature.
//
// What is accepted. The input may be BER in the ways that real signers emit
// (indefinite and long-form lengths, constructed OCTET STRINGs; see
// normalize), and may be followed by zero bytes, the padding of a PDF's
// /Contents (ISO 32000-1 §12.8.1). Other bytes after the ContentInfo, which
// some tools leave when they reuse a larger placeholder, are outside the
// signature and ignored, but counted in TrailingData. After that, reading is
// DER-strict through cryptobyte, with two leniencies for values other
// implementations do not check either: the SignedData and SignerInfo
// versions are not checked against their contents (RFC 5652 §5.1, §5.3),
// and the sid serial number may be a non-minimal INTEGER. Certificates that
// crypto/x509 refuses (unsupported curves, malformed serial numbers) are
// left out of Certificates rather than failing the parse; only the first
// SignerInfo is interpreted.
//
// The signed attributes that decide what was signed and by whom
// (content-type, message-digest, signing-time, signing-certificate and
// -v2) must be well-formed and appear once with one value, as RFC 5652
// §11.1–§11.3 requires of the first three: with two message-digests, a
// signer and a validator could disagree about which one is vouched for.
// Parse never panics, and its work is bounded by MaxSize, maxDepth and
// maxCertificates. Errors wrap ErrTooLarge or ErrMalformed.
func Parse(der []byte) (*Signed, error) {
	if len(der) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, len(der), MaxSize)
	}
	buf, ber, trailing, err := toDER(der)
	if err != nil {
		return nil, err
	}
	s := &Signed{BER: ber, TrailingData: trailing}
	if err := s.parseContentInfo(buf); err != nil {
		return nil, err
	}
	return s, nil
}

// toDER normalizes a ContentInfo and measures what follows it: trailing is
// the number of bytes after it unless they are all zero padding. The result
// never aliases in, so that a Signed does not change with the caller's
// buffer.
func toDER(in []byte) (out []byte, ber bool, trailing int, err error) {
	if len(in) == 0 {
		return nil, false, 0, fmt.Errorf("%w: empty input", ErrMalformed)
	}
	if in[0] == 0 && len(bytes.Trim(in, "\x00")) == 0 {
		return nil, false, 0, fmt.Errorf("%w: only zero bytes (an unfilled signature placeholder?)", ErrMalformed)
	}
	out, n, ber, err := normalize(in)
	if err != nil {
		return nil, false, 0, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if len(bytes.TrimRight(in[n:], "\x00")) > 0 {
		trailing = len(in) - n
	}
	if !ber {
		out = bytes.Clone(out)
	}
	return out, ber, trailing, nil
}

// malformed wraps ErrMalformed with what could not be read.
func malformed(what string) error { return fmt.Errorf("%w: %s", ErrMalformed, what) }

// parseContentInfo reads ContentInfo and SignedData (RFC 5652 §3, §5.1):
//
//	ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY }
//	SignedData ::= SEQUENCE {
//	    version CMSVersion, digestAlgorithms SET OF DigestAlgorithmIdentifier,
//	    encapContentInfo EncapsulatedContentInfo,
//	    certificates [0] IMPLICIT CertificateSet OPTIONAL,
//	    crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//	    signerInfos SET OF SignerInfo }
func (s *Signed) parseContentInfo(der []byte) error {
	in := cryptobyte.String(der)
	var ci, content, sd cryptobyte.String
	var ctype asn1.ObjectIdentifier
	if !in.ReadASN1(&ci, casn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&ctype) {
		return malformed("not a ContentInfo")
	}
	if !ctype.Equal(oidSignedData()) {
		return fmt.Errorf("%w: content type %v is not signed-data", ErrMalformed, ctype)
	}
	if !ci.ReadASN1(&content, tagCons0) || !ci.Empty() || !content.ReadASN1(&sd, casn1.SEQUENCE) || !content.Empty() {
		return malformed("ContentInfo content")
	}
	var version int64
	var digestAlgs cryptobyte.String
	if !sd.ReadASN1Integer(&version) || !sd.ReadASN1(&digestAlgs, casn1.SET) {
		return malformed("SignedData version or digestAlgorithms")
	}
	if err := s.parseEncapContent(&sd); err != nil {
		return err
	}
	var certs, crls, signerInfos cryptobyte.String
	var hasCerts, hasCRLs bool
	if !sd.ReadOptionalASN1(&certs, &hasCerts, tagCons0) || !sd.ReadOptionalASN1(&crls, &hasCRLs, tagCons1) {
		return malformed("SignedData certificates or crls")
	}
	if !sd.ReadASN1(&signerInfos, casn1.SET) || !sd.Empty() {
		return malformed("SignedData signerInfos")
	}
	var raw [][]byte
	if hasCerts {
		var err error
		if raw, err = s.parseCertificates(certs); err != nil {
			return err
		}
	}
	for !crls.Empty() {
		var rev cryptobyte.String
		if !crls.ReadAnyASN1Element(&rev, nil) {
			return malformed("RevocationInfoChoice")
		}
		s.RevocationInfo = append(s.RevocationInfo, rev)
	}
	var first cryptobyte.String
	for !signerInfos.Empty() {
		var si cryptobyte.String
		if !signerInfos.ReadASN1Element(&si, casn1.SEQUENCE) {
			return malformed("SignerInfo")
		}
		if s.SignerInfos == 0 {
			first = si
		}
		s.SignerInfos++
	}
	if s.SignerInfos == 0 {
		return malformed("no SignerInfo")
	}
	if err := s.parseSignerInfo(first); err != nil {
		return err
	}
	s.findSigner(raw)
	return nil
}

// parseEncapContent reads EncapsulatedContentInfo (RFC 5652 §5.2):
//
//	EncapsulatedContentInfo ::= SEQUENCE {
//	    eContentType ContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
func (s *Signed) parseEncapContent(sd *cryptobyte.String) error {
	var eci, econtent cryptobyte.String
	var present bool
	if !sd.ReadASN1(&eci, casn1.SEQUENCE) || !eci.ReadASN1ObjectIdentifier(&s.ContentType) ||
		!eci.ReadOptionalASN1(&econtent, &present, tagCons0) || !eci.Empty() {
		return malformed("EncapsulatedContentInfo")
	}
	if present {
		var octets cryptobyte.String
		if !econtent.ReadASN1(&octets, casn1.OCTET_STRING) || !econtent.Empty() {
			return malformed("eContent")
		}
		s.Content = append([]byte{}, octets...)
	}
	return nil
}

// parseCertificates reads the CertificateSet (RFC 5652 §10.2.3), keeping the
// certificates crypto/x509 accepts. Other CertificateChoices (attribute
// certificates, other formats) play no part in finding the signer and are
// skipped. It returns the DER of the certificates x509 refused.
func (s *Signed) parseCertificates(set cryptobyte.String) (refused [][]byte, err error) {
	n := 0
	for !set.Empty() {
		var el cryptobyte.String
		var tag casn1.Tag
		if !set.ReadAnyASN1Element(&el, &tag) {
			return nil, malformed("CertificateChoices")
		}
		if n++; n > maxCertificates {
			return nil, fmt.Errorf("%w: more than %d certificates", ErrMalformed, maxCertificates)
		}
		if tag != casn1.SEQUENCE {
			continue
		}
		c, err := x509.ParseCertificate(el)
		if err != nil {
			refused = append(refused, el)
			s.certErrs = append(s.certErrs, err)
			continue
		}
		s.Certificates = append(s.Certificates, c)
	}
	return refused, nil
}

// parseSignerInfo reads the first SignerInfo (RFC 5652 §5.3):
//
//	SignerInfo ::= SEQUENCE {
//	    version CMSVersion, sid SignerIdentifier,
//	    digestAlgorithm DigestAlgorithmIdentifier,
//	    signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
//	    signatureAlgorithm SignatureAlgorithmIdentifier,
//	    signature SignatureValue,
//	    unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
//	SignerIdentifier ::= CHOICE {
//	    issuerAndSerialNumber IssuerAndSerialNumber,
//	    subjectKeyIdentifier [0] SubjectKeyIdentifier }
func (s *Signed) parseSignerInfo(der cryptobyte.String) error {
	var si cryptobyte.String
	var version int64
	if !der.ReadASN1(&si, casn1.SEQUENCE) || !si.ReadASN1Integer(&version) {
		return malformed("SignerInfo version")
	}
	switch {
	case si.PeekASN1Tag(casn1.SEQUENCE):
		var ias, issuer cryptobyte.String
		if !si.ReadASN1(&ias, casn1.SEQUENCE) || !ias.ReadASN1Element(&issuer, casn1.SEQUENCE) {
			return malformed("IssuerAndSerialNumber")
		}
		serial, ok := readSerial(&ias)
		if !ok || !ias.Empty() {
			return malformed("IssuerAndSerialNumber serial number")
		}
		s.SignerID = SignerID{Issuer: issuer, SerialNumber: serial}
	case si.PeekASN1Tag(tagSubjectKey):
		var ski cryptobyte.String
		if !si.ReadASN1(&ski, tagSubjectKey) || len(ski) == 0 {
			return malformed("SignerInfo subjectKeyIdentifier")
		}
		s.SignerID = SignerID{SubjectKeyID: ski}
	default:
		return malformed("SignerInfo sid")
	}
	var ok bool
	if s.DigestAlgorithmOID, _, ok = readAlgorithm(&si); !ok {
		return malformed("SignerInfo digestAlgorithm")
	}
	s.DigestAlgorithm, _ = hashByOID(s.DigestAlgorithmOID)

	var signed, unsigned cryptobyte.String
	var hasSigned, hasUnsigned bool
	if !si.ReadOptionalASN1(&signed, &hasSigned, tagCons0) {
		return malformed("SignerInfo signedAttrs")
	}
	if s.SignatureAlgorithm, s.SignatureAlgorithmParams, ok = readAlgorithm(&si); !ok {
		return malformed("SignerInfo signatureAlgorithm")
	}
	s.sig, s.sigAlgErr = signatureAlgorithm(s.SignatureAlgorithm, s.SignatureAlgorithmParams)
	var sig cryptobyte.String
	if !si.ReadASN1(&sig, casn1.OCTET_STRING) || len(sig) == 0 {
		return malformed("SignerInfo signature")
	}
	s.Signature = sig
	if !si.ReadOptionalASN1(&unsigned, &hasUnsigned, tagCons1) || !si.Empty() {
		return malformed("SignerInfo unsignedAttrs")
	}
	if hasSigned {
		if err := s.parseSignedAttrs(signed); err != nil {
			return err
		}
	}
	if hasUnsigned {
		if err := s.parseUnsignedAttrs(unsigned); err != nil {
			return err
		}
	}
	return nil
}

// parseSignedAttrs keeps the signed attributes, the bytes the signature
// covers, and the values of those Signed interprets.
func (s *Signed) parseSignedAttrs(content cryptobyte.String) error {
	// RFC 5652 §5.4: the signature covers the DER of the SET OF with its
	// own tag, not the [0] IMPLICIT tag it carries in SignerInfo.
	var err error
	if s.RawSignedAttrs, err = encodeSet(content); err != nil {
		return err
	}
	attrs, elems, err := parseAttributes(content)
	if err != nil {
		return fmt.Errorf("%w (signed attributes)", err)
	}
	if len(attrs) == 0 {
		return malformed("empty signedAttrs") // SIZE (1..MAX), RFC 5652 §5.3
	}
	s.SignedAttrs = attrs
	if !slices.IsSortedFunc(elems, bytes.Compare) {
		s.UnsortedSignedAttrs = true
		slices.SortFunc(elems, bytes.Compare)
		if s.sortedAttrs, err = encodeSet(bytes.Join(elems, nil)); err != nil {
			return err
		}
	}
	return s.interpretSignedAttrs()
}

// parseAttributes reads the content of a SET OF Attribute (RFC 5652 §5.3):
//
//	Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
//
// It returns the attributes and the DER of each.
func parseAttributes(content cryptobyte.String) ([]Attribute, [][]byte, error) {
	var attrs []Attribute
	var elems [][]byte
	for !content.Empty() {
		var elem, attr, values cryptobyte.String
		var a Attribute
		if !content.ReadASN1Element(&elem, casn1.SEQUENCE) {
			return nil, nil, malformed("Attribute")
		}
		e := elem
		if !e.ReadASN1(&attr, casn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&a.Type) ||
			!attr.ReadASN1(&values, casn1.SET) || !attr.Empty() {
			return nil, nil, malformed("Attribute")
		}
		for !values.Empty() {
			var v cryptobyte.String
			if !values.ReadAnyASN1Element(&v, nil) {
				return nil, nil, fmt.Errorf("%w: value of attribute %v", ErrMalformed, a.Type)
			}
			a.Values = append(a.Values, v)
		}
		attrs = append(attrs, a)
		elems = append(elems, elem)
	}
	return attrs, elems, nil
}

// parseUnsignedAttrs keeps the unsigned attributes and the signature
// time-stamps among them (ETSI EN 319 122-1 §5.3; several are allowed).
func (s *Signed) parseUnsignedAttrs(content cryptobyte.String) error {
	attrs, _, err := parseAttributes(content)
	if err != nil {
		return fmt.Errorf("%w (unsigned attributes)", err)
	}
	s.UnsignedAttrs = attrs
	for _, a := range attrs {
		if !a.Type.Equal(OIDSignatureTimeStampToken()) {
			continue
		}
		for _, v := range a.Values {
			if len(v) == 0 || v[0] != 0x30 {
				return malformed("signature-time-stamp is not a ContentInfo")
			}
			s.SignatureTimeStamps = append(s.SignatureTimeStamps, v)
		}
	}
	if len(s.SignatureTimeStamps) > 0 {
		s.SignatureTimeStamp = s.SignatureTimeStamps[0]
	}
	return nil
}

// readSerial reads an INTEGER as a certificate serial number. Unlike
// cryptobyte's ReadASN1Integer it accepts a non-minimal encoding: some CAs
// issued such serials, and the SignerInfo repeats them as issued.
func readSerial(s *cryptobyte.String) (*big.Int, bool) {
	var b cryptobyte.String
	if !s.ReadASN1(&b, casn1.INTEGER) || len(b) == 0 {
		return nil, false
	}
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 { // two's complement negative
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
	}
	return n, true
}

// encodeSet wraps content in a SET tag and length.
func encodeSet(content []byte) ([]byte, error) {
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(content) })
	})
}
