package cms

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"time"
)

// MaxSize bounds the input of Parse, AddUnsignedAttribute and
// SignatureValue. A PAdES signature with its chain, a time-stamp token and
// embedded revocation data is tens of kilobytes; 2 MiB leaves room for long
// CRLs while keeping hostile input cheap.
const MaxSize = 2 << 20

// Signed is a parsed CMS SignedData (RFC 5652 §5) and its first SignerInfo.
// Parse fills it from untrusted bytes; nothing in it is verified until
// VerifyDetached (or Verify) returns nil, and even then only the signature:
// whether the signer's certificate is trustworthy is the validator's
// question.
type Signed struct {
	// ContentType is eContentType (RFC 5652 §5.2): id-data for PDF and
	// .p7s signatures, id-ct-TSTInfo for RFC 3161 time-stamp tokens.
	ContentType asn1.ObjectIdentifier
	// Content is eContent when encapsulated (adbe.pkcs7.sha1, time-stamp
	// tokens), nil when the signature is detached.
	Content []byte
	// Certificates are the certificates of the certificates field that
	// Go's crypto/x509 parses, in their order.
	Certificates []*x509.Certificate
	// RevocationInfo holds the DER of each RevocationInfoChoice of the crls
	// field (RFC 5652 §10.2.1): CRLs and other formats such as OCSP.
	RevocationInfo [][]byte
	// SignerInfos is the number of SignerInfos; only the first is
	// interpreted. A PDF signature is expected to have one, and a
	// validator should not accept a second that it does not check.
	SignerInfos int
	// SignerID is the first SignerInfo's sid (RFC 5652 §5.3).
	SignerID SignerID
	// Signer is the certificate matching SignerID, or nil when none of
	// Certificates does; a caller that finds it elsewhere may set it after
	// checking IsSigner.
	Signer *x509.Certificate
	// DigestAlgorithm is the SignerInfo's digestAlgorithm, 0 when this
	// package cannot compute it (see DigestAlgorithmOID).
	DigestAlgorithm crypto.Hash
	// DigestAlgorithmOID is the digestAlgorithm as found.
	DigestAlgorithmOID asn1.ObjectIdentifier
	// SignatureAlgorithm is the signatureAlgorithm OID as found.
	SignatureAlgorithm asn1.ObjectIdentifier
	// SignatureAlgorithmParams is the DER of its parameters, nil if absent.
	SignatureAlgorithmParams []byte
	// SignedAttrs are the signed attributes in their order, nil if absent.
	SignedAttrs []Attribute
	// RawSignedAttrs is the DER SET OF Attribute that the signature covers
	// (RFC 5652 §5.4: the [0] IMPLICIT tag replaced by SET), nil if absent.
	RawSignedAttrs []byte
	// UnsignedAttrs are the unsigned attributes, nil if absent.
	UnsignedAttrs []Attribute
	// MessageDigest is the message-digest attribute (RFC 5652 §11.2).
	MessageDigest []byte
	// SigningTime is the signing-time attribute (RFC 5652 §11.3), zero if
	// absent.
	SigningTime time.Time
	// SigningCertificateV2 is the first ESSCertIDv2 of the
	// signing-certificate-v2 attribute (RFC 5035 §3), nil if absent.
	SigningCertificateV2 *ESSCertIDv2
	// SigningCertificate is the first ESSCertID of the older
	// signing-certificate attribute (RFC 2634 §5.4), with HashAlgorithm
	// SHA-1, nil if absent.
	SigningCertificate *ESSCertIDv2
	// SignatureTimeStamp is the first signature-time-stamp (ETSI EN 319
	// 122-1 §5.3), a TimeStampToken ContentInfo, nil if absent.
	SignatureTimeStamp []byte
	// SignatureTimeStamps are all of them, in order.
	SignatureTimeStamps [][]byte
	// Signature is the signature value.
	Signature []byte
	// BER reports input that DER forbids (indefinite or long-form lengths,
	// constructed OCTET STRINGs); Parse normalized it. ISO 32000-1
	// §12.8.3.3.1 asks for DER in a PDF.
	BER bool
	// TrailingData is the number of bytes after the ContentInfo, unless
	// they were all zero padding. They are not signed; a validator may
	// warn about them.
	TrailingData int
	// UnsortedSignedAttrs reports signed attributes out of DER SET OF order
	// (X.690 §11.6); VerifyDetached accepts a signature over either order.
	UnsortedSignedAttrs bool

	sig         sigAlg
	sigAlgErr   error                 // why signatureAlgorithm could not be interpreted
	attrContent asn1.ObjectIdentifier // the content-type attribute
	signerErr   error                 // why no certificate matched sid
	certErrs    []error               // why crypto/x509 refused certificates, in order
	sortedAttrs []byte                // RawSignedAttrs in DER order, if different
}

// SignerID identifies the signer's certificate (RFC 5652 §5.3): by issuer
// and serial number (SignerInfo version 1) or by subject key identifier
// (version 3).
type SignerID struct {
	Issuer       []byte   // DER Name; nil for a subjectKeyIdentifier sid
	SerialNumber *big.Int // nil for a subjectKeyIdentifier sid
	SubjectKeyID []byte   // nil for an issuerAndSerialNumber sid
}

// Attribute is a CMS Attribute (RFC 5652 §5.3) with the DER of each value.
type Attribute struct {
	Type   asn1.ObjectIdentifier
	Values [][]byte
}

// ESSCertIDv2 identifies a certificate by hash and, optionally, by issuer and
// serial number (RFC 5035 §4; RFC 2634 §5.4.1 for the SHA-1 ESSCertID).
type ESSCertIDv2 struct {
	HashAlgorithm crypto.Hash // SHA-256 when the DEFAULT is used; 0 if not computable
	HashOID       asn1.ObjectIdentifier
	CertHash      []byte
	// Issuer is the DER Name of the directoryName in issuerSerial, nil when
	// issuerSerial is absent or names the issuer otherwise.
	Issuer []byte
	// SerialNumber is issuerSerial's serialNumber, nil when absent.
	SerialNumber *big.Int
}
