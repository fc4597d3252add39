package cms

import (
	"crypto"
	"crypto/rsa"
	_ "crypto/sha1" // SHA-1 of old signatures and ESS signing-certificate v1
	_ "crypto/sha256"
	_ "crypto/sha3"
	_ "crypto/sha512"
	"encoding/asn1"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// hashByOID names the digest algorithm behind a DigestAlgorithmIdentifier
// (RFC 5652 §10.1.1). ok is false for OIDs this package cannot compute (MD5
// on purpose: it has practical collisions and no legitimate signer uses it;
// SHAKE because crypto.Hash has no fixed-length SHAKE).
func hashByOID(oid asn1.ObjectIdentifier) (h crypto.Hash, ok bool) {
	switch oid.String() {
	case "1.3.14.3.2.26":
		return crypto.SHA1, true
	case "2.16.840.1.101.3.4.2.4":
		return crypto.SHA224, true
	case "2.16.840.1.101.3.4.2.1":
		return crypto.SHA256, true
	case "2.16.840.1.101.3.4.2.2":
		return crypto.SHA384, true
	case "2.16.840.1.101.3.4.2.3":
		return crypto.SHA512, true
	case "2.16.840.1.101.3.4.2.7":
		return crypto.SHA3_224, true
	case "2.16.840.1.101.3.4.2.8":
		return crypto.SHA3_256, true
	case "2.16.840.1.101.3.4.2.9":
		return crypto.SHA3_384, true
	case "2.16.840.1.101.3.4.2.10":
		return crypto.SHA3_512, true
	// Signature OIDs in digestAlgorithm: a known mistake of some signers
	// (DSS and Bouncy Castle accept it too). The hash they name is
	// unambiguous, so they are read as that hash; DigestAlgorithmOID keeps
	// what was written for a validator that wants to warn.
	case "1.2.840.113549.1.1.5":
		return crypto.SHA1, true
	case "1.2.840.113549.1.1.14":
		return crypto.SHA224, true
	case "1.2.840.113549.1.1.11":
		return crypto.SHA256, true
	case "1.2.840.113549.1.1.12":
		return crypto.SHA384, true
	case "1.2.840.113549.1.1.13":
		return crypto.SHA512, true
	}
	return 0, false
}

// hashOID returns the OID of a hash this package signs with, or nil.
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

// scheme is how a signature value is computed and encoded.
type scheme int

const (
	schemeUnknown    scheme = iota
	schemeRSA               // RSASSA-PKCS1-v1_5 (RFC 8017 §8.2)
	schemeRSAPSS            // RSASSA-PSS (RFC 8017 §8.1, RFC 4056)
	schemeECDSA             // ECDSA, Ecdsa-Sig-Value DER (RFC 5753 §7.2)
	schemeECDSAPlain        // ECDSA, r‖s (BSI TR-03111 §5.2.1)
	schemeDSA               // DSA, Dss-Sig-Value DER (RFC 3370 §3.1)
	schemeEd25519           // PureEdDSA over the signed attributes (RFC 8419)
	schemeEd448             // recognised only, to name it in errors
)

// sigAlg is a parsed signatureAlgorithm (RFC 5652 §10.1.2).
type sigAlg struct {
	scheme scheme
	// hash is the hash the OID names (sha256WithRSAEncryption, ...), or 0
	// when it names none (rsaEncryption, id-ecPublicKey, id-dsa).
	hash crypto.Hash
	pss  *rsa.PSSOptions // RSASSA-PSS parameters
}

// signatureAlgorithm interprets a signatureAlgorithm. Unknown OIDs give
// schemeUnknown, not an error: Parse records them and VerifyDetached says
// ErrUnsupported.
func signatureAlgorithm(oid asn1.ObjectIdentifier, params []byte) (sigAlg, error) {
	switch oid.String() {
	// RFC 3370 §3.2 and RFC 5754 §3.2: rsaEncryption leaves the hash to
	// digestAlgorithm; the others name it.
	case "1.2.840.113549.1.1.1":
		return sigAlg{scheme: schemeRSA}, nil
	case "1.2.840.113549.1.1.5", "1.3.14.3.2.29":
		return sigAlg{scheme: schemeRSA, hash: crypto.SHA1}, nil
	case "1.2.840.113549.1.1.14":
		return sigAlg{scheme: schemeRSA, hash: crypto.SHA224}, nil
	case "1.2.840.113549.1.1.11":
		return sigAlg{scheme: schemeRSA, hash: crypto.SHA256}, nil
	case "1.2.840.113549.1.1.12":
		return sigAlg{scheme: schemeRSA, hash: crypto.SHA384}, nil
	case "1.2.840.113549.1.1.13":
		return sigAlg{scheme: schemeRSA, hash: crypto.SHA512}, nil
	// RFC 8702 §3.3 (NIST CSOR): id-rsassa-pkcs1-v1_5-with-sha3-*.
	case "2.16.840.1.101.3.4.3.13":
		return sigAlg{scheme: schemeRSA, hash: crypto.SHA3_224}, nil
	case "2.16.840.1.101.3.4.3.14":
		return sigAlg{scheme: schemeRSA, hash: crypto.SHA3_256}, nil
	case "2.16.840.1.101.3.4.3.15":
		return sigAlg{scheme: schemeRSA, hash: crypto.SHA3_384}, nil
	case "2.16.840.1.101.3.4.3.16":
		return sigAlg{scheme: schemeRSA, hash: crypto.SHA3_512}, nil
	case "1.2.840.113549.1.1.10":
		opts, err := pssParams(params)
		if err != nil {
			return sigAlg{}, err
		}
		return sigAlg{scheme: schemeRSAPSS, hash: opts.Hash, pss: opts}, nil
	// Some signers put the key's algorithm, id-ecPublicKey, here.
	case "1.2.840.10045.2.1":
		return sigAlg{scheme: schemeECDSA}, nil
	// RFC 5753 §7.1.3, RFC 5758 §3.2.
	case "1.2.840.10045.4.1":
		return sigAlg{scheme: schemeECDSA, hash: crypto.SHA1}, nil
	case "1.2.840.10045.4.3.1":
		return sigAlg{scheme: schemeECDSA, hash: crypto.SHA224}, nil
	case "1.2.840.10045.4.3.2":
		return sigAlg{scheme: schemeECDSA, hash: crypto.SHA256}, nil
	case "1.2.840.10045.4.3.3":
		return sigAlg{scheme: schemeECDSA, hash: crypto.SHA384}, nil
	case "1.2.840.10045.4.3.4":
		return sigAlg{scheme: schemeECDSA, hash: crypto.SHA512}, nil
	// RFC 8702 §3.3: id-ecdsa-with-sha3-*.
	case "2.16.840.1.101.3.4.3.9":
		return sigAlg{scheme: schemeECDSA, hash: crypto.SHA3_224}, nil
	case "2.16.840.1.101.3.4.3.10":
		return sigAlg{scheme: schemeECDSA, hash: crypto.SHA3_256}, nil
	case "2.16.840.1.101.3.4.3.11":
		return sigAlg{scheme: schemeECDSA, hash: crypto.SHA3_384}, nil
	case "2.16.840.1.101.3.4.3.12":
		return sigAlg{scheme: schemeECDSA, hash: crypto.SHA3_512}, nil
	// BSI TR-03111 §5.2.1: ecdsa-plain-* (r‖s), used by German signers.
	case "0.4.0.127.0.7.1.1.4.1.1":
		return sigAlg{scheme: schemeECDSAPlain, hash: crypto.SHA1}, nil
	case "0.4.0.127.0.7.1.1.4.1.2":
		return sigAlg{scheme: schemeECDSAPlain, hash: crypto.SHA224}, nil
	case "0.4.0.127.0.7.1.1.4.1.3":
		return sigAlg{scheme: schemeECDSAPlain, hash: crypto.SHA256}, nil
	case "0.4.0.127.0.7.1.1.4.1.4":
		return sigAlg{scheme: schemeECDSAPlain, hash: crypto.SHA384}, nil
	case "0.4.0.127.0.7.1.1.4.1.5":
		return sigAlg{scheme: schemeECDSAPlain, hash: crypto.SHA512}, nil
	case "0.4.0.127.0.7.1.1.4.1.8":
		return sigAlg{scheme: schemeECDSAPlain, hash: crypto.SHA3_224}, nil
	case "0.4.0.127.0.7.1.1.4.1.9":
		return sigAlg{scheme: schemeECDSAPlain, hash: crypto.SHA3_256}, nil
	case "0.4.0.127.0.7.1.1.4.1.10":
		return sigAlg{scheme: schemeECDSAPlain, hash: crypto.SHA3_384}, nil
	case "0.4.0.127.0.7.1.1.4.1.11":
		return sigAlg{scheme: schemeECDSAPlain, hash: crypto.SHA3_512}, nil
	// RFC 3370 §3.1, RFC 5754 §3.1.
	case "1.2.840.10040.4.1":
		return sigAlg{scheme: schemeDSA}, nil
	case "1.2.840.10040.4.3":
		return sigAlg{scheme: schemeDSA, hash: crypto.SHA1}, nil
	case "2.16.840.1.101.3.4.3.1":
		return sigAlg{scheme: schemeDSA, hash: crypto.SHA224}, nil
	case "2.16.840.1.101.3.4.3.2":
		return sigAlg{scheme: schemeDSA, hash: crypto.SHA256}, nil
	// RFC 8419 §2.
	case "1.3.101.112":
		return sigAlg{scheme: schemeEd25519}, nil
	case "1.3.101.113":
		return sigAlg{scheme: schemeEd448}, nil
	}
	return sigAlg{}, nil
}

// pssParams parses RSASSA-PSS-params (RFC 8017 Appendix A.2.3, RFC 4055 §3.1):
//
//	RSASSA-PSS-params ::= SEQUENCE {
//	    hashAlgorithm    [0] HashAlgorithm    DEFAULT sha1,
//	    maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
//	    saltLength       [2] INTEGER          DEFAULT 20,
//	    trailerField     [3] TrailerField     DEFAULT trailerFieldBC }
//
// crypto/rsa only implements MGF1 with the signature's own hash and the
// 0xbc trailer, so other choices are ErrUnsupported.
func pssParams(params []byte) (*rsa.PSSOptions, error) {
	in := cryptobyte.String(params)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() {
		return nil, fmt.Errorf("%w: RSASSA-PSS parameters", ErrMalformed)
	}
	hash, mgfHash, salt, trailer := crypto.SHA1, crypto.SHA1, int64(20), int64(1)
	var hashAlg, mgf, ints cryptobyte.String
	var present bool
	if !seq.ReadOptionalASN1(&hashAlg, &present, casn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, fmt.Errorf("%w: RSASSA-PSS hashAlgorithm", ErrMalformed)
	}
	if present {
		oid, _, ok := readAlgorithm(&hashAlg)
		if !ok {
			return nil, fmt.Errorf("%w: RSASSA-PSS hashAlgorithm", ErrMalformed)
		}
		if hash, ok = hashByOID(oid); !ok {
			return nil, fmt.Errorf("%w: RSASSA-PSS with hash %v", ErrUnsupported, oid)
		}
	}
	if !seq.ReadOptionalASN1(&mgf, &present, casn1.Tag(1).Constructed().ContextSpecific()) {
		return nil, fmt.Errorf("%w: RSASSA-PSS maskGenAlgorithm", ErrMalformed)
	}
	if present {
		oid, p, ok := readAlgorithm(&mgf)
		if !ok {
			return nil, fmt.Errorf("%w: RSASSA-PSS maskGenAlgorithm", ErrMalformed)
		}
		if !oid.Equal(oidMGF1()) {
			return nil, fmt.Errorf("%w: RSASSA-PSS mask generation %v", ErrUnsupported, oid)
		}
		ps := cryptobyte.String(p)
		moid, _, ok := readAlgorithm(&ps)
		if !ok {
			return nil, fmt.Errorf("%w: RSASSA-PSS MGF1 hash", ErrMalformed)
		}
		if mgfHash, ok = hashByOID(moid); !ok {
			return nil, fmt.Errorf("%w: RSASSA-PSS MGF1 with hash %v", ErrUnsupported, moid)
		}
	}
	for i, v := range []*int64{&salt, &trailer} {
		if !seq.ReadOptionalASN1(&ints, &present, casn1.Tag(2+i).Constructed().ContextSpecific()) {
			return nil, fmt.Errorf("%w: RSASSA-PSS parameters", ErrMalformed)
		}
		if present && (!ints.ReadASN1Integer(v) || !ints.Empty()) {
			return nil, fmt.Errorf("%w: RSASSA-PSS parameters", ErrMalformed)
		}
	}
	if !seq.Empty() {
		return nil, fmt.Errorf("%w: RSASSA-PSS parameters: trailing data", ErrMalformed)
	}
	if mgfHash != hash {
		return nil, fmt.Errorf("%w: RSASSA-PSS with MGF1-%v under %v", ErrUnsupported, mgfHash, hash)
	}
	if trailer != 1 || salt < 0 || salt > 1<<16 {
		return nil, fmt.Errorf("%w: RSASSA-PSS salt length %d, trailer field %d", ErrUnsupported, salt, trailer)
	}
	return &rsa.PSSOptions{SaltLength: int(salt), Hash: hash}, nil
}

// readAlgorithm reads an AlgorithmIdentifier (RFC 5280 §4.1.1.2) and returns
// its OID and the DER of its parameters, nil when absent.
func readAlgorithm(s *cryptobyte.String) (asn1.ObjectIdentifier, []byte, bool) {
	var seq cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&seq, casn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&oid) {
		return nil, nil, false
	}
	var params cryptobyte.String
	if !seq.Empty() && (!seq.ReadAnyASN1Element(&params, nil) || !seq.Empty()) {
		return nil, nil, false
	}
	if len(params) == 0 {
		return oid, nil, true
	}
	return oid, params, true
}

// HashByOID names the hash of a digest AlgorithmIdentifier, for callers that
// check hashes CMS structures carry (a time-stamp token's message imprint,
// an ESSCertIDv2), by the same rules as the digestAlgorithm of Parse.
func HashByOID(oid asn1.ObjectIdentifier) (crypto.Hash, bool) { return hashByOID(oid) }
