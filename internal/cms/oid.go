package cms

import (
	"crypto"
	"encoding/asn1"
)

// Object identifiers written into or read from SignedData. They are
// functions rather than package variables so that no caller can alter them.

// OIDData is id-data (RFC 5652 §4), the eContentType of a detached PDF or
// .p7s signature and the default of Options.ContentType.
func OIDData() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1} }

// OIDSignatureTimeStampToken is id-aa-signatureTimeStampToken (RFC 3161
// Appendix A, ETSI EN 319 122-1 §5.3), the unsigned attribute that raises a
// CAdES or PAdES signature to level B-T.
func OIDSignatureTimeStampToken() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
}

// oidSignedData is id-signedData (RFC 5652 §5.1).
func oidSignedData() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2} }

// oidContentType is the content-type attribute (RFC 5652 §11.1).
func oidContentType() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3} }

// oidMessageDigest is the message-digest attribute (RFC 5652 §11.2).
func oidMessageDigest() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
}

// oidSigningTime is the signing-time attribute (RFC 5652 §11.3).
func oidSigningTime() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5} }

// oidSigningCertificate is the ESS signing-certificate attribute with SHA-1
// certificate hashes (RFC 2634 §5.4), still sent by older signers.
func oidSigningCertificate() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
}

// oidSigningCertificateV2 is the ESS signing-certificate-v2 attribute
// (RFC 5035 §3), which ETSI EN 319 122-1 §5.2.2.3 requires of CAdES and
// therefore of PAdES baseline signatures.
func oidSigningCertificateV2() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
}

// oidMGF1 is the mask generation function of RSASSA-PSS (RFC 8017 §B.2.1).
func oidMGF1() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8} }

// oidRSAEncryption is rsaEncryption, the RSA signatureAlgorithm this package
// writes (RFC 3370 §3.2; see addSignatureAlgorithm).
func oidRSAEncryption() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
}

// oidECDSAWithSHA returns ecdsa-with-SHA256, -SHA384 or -SHA512 (RFC 5758
// §3.2) for the matching hash.
func oidECDSAWithSHA(h crypto.Hash) asn1.ObjectIdentifier {
	n := 2
	switch h {
	case crypto.SHA384:
		n = 3
	case crypto.SHA512:
		n = 4
	}
	return asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, n}
}
