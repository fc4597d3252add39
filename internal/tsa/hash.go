package tsa

import (
	"crypto"
	_ "crypto/sha1" // SHA-1 ESSCertIDs of older TSAs (verify.go)
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/asn1"
)

// hashByOID names the hash algorithm behind a message imprint OID. ok is true
// only for the algorithms the TSA accepts: SHA-256, SHA-384 and SHA-512. MD5
// and SHA-1 are recognised so that the rejection can name them; both have
// practical collisions, and a token over a colliding imprint would vouch for
// two documents at once (RFC 3161 §2.1 item 6 asks for a collision-resistant
// hash).
func hashByOID(oid asn1.ObjectIdentifier) (h crypto.Hash, name string, ok bool) {
	switch oid.String() {
	case "2.16.840.1.101.3.4.2.1":
		return crypto.SHA256, "SHA-256", true
	case "2.16.840.1.101.3.4.2.2":
		return crypto.SHA384, "SHA-384", true
	case "2.16.840.1.101.3.4.2.3":
		return crypto.SHA512, "SHA-512", true
	case "1.3.14.3.2.26":
		return crypto.SHA1, "SHA-1", false
	case "1.2.840.113549.2.5":
		return crypto.MD5, "MD5", false
	}
	return 0, oid.String(), false
}

// hashOID returns the OID of an accepted hash algorithm, or nil.
func hashOID(h crypto.Hash) asn1.ObjectIdentifier {
	switch h {
	case crypto.SHA256:
		return asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	case crypto.SHA384:
		return asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	case crypto.SHA512:
		return asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	}
	return nil
}
