package tsa

import (
	"crypto"
	"encoding/asn1"
)

// Object identifiers written into or read from tokens. They are functions
// rather than package variables so that no caller can alter them.

// oidSignedData is id-signedData (RFC 5652 §5.1).
func oidSignedData() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2} }

// oidTSTInfo is id-ct-TSTInfo, the eContentType of a token (RFC 3161 §2.4.2).
func oidTSTInfo() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
}

// oidContentType is the content-type signed attribute (RFC 5652 §11.1).
func oidContentType() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3} }

// oidMessageDigest is the message-digest signed attribute (RFC 5652 §11.2).
func oidMessageDigest() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
}

// oidSigningCertificate is the ESS signing-certificate attribute, the SHA-1
// form (RFC 2634 §5.4) still sent by some TSAs.
func oidSigningCertificate() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
}

// oidSigningCertificateV2 is the ESS signing-certificate-v2 attribute
// (RFC 5035 §3, required for SHA-2 by RFC 5816 §2.2.1).
func oidSigningCertificateV2() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
}

// oidExtKeyUsage is the certificate extension of RFC 5280 §4.2.1.12.
func oidExtKeyUsage() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{2, 5, 29, 37} }

// oidRSAEncryption is rsaEncryption, the signatureAlgorithm RFC 3370 §3.2
// recommends for RSA PKCS #1 v1.5 in CMS.
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
