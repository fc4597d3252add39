package ocsp

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// hashAlg is a CertID hash algorithm the responder can match.
type hashAlg uint8

const (
	hashSHA1 hashAlg = iota
	hashSHA256
	numHashAlgs
	// hashUnsupported marks a well-formed CertID whose hash algorithm we
	// cannot match to any issuer; it earns "unauthorized", not "malformed".
	hashUnsupported hashAlg = 0xff
)

var (
	oidSHA1      = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidOCSPNonce = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}
)

// The content octets of those OIDs, which the parser compares without
// decoding them.
var (
	rawSHA1      = []byte{0x2b, 0x0e, 0x03, 0x02, 0x1a}
	rawSHA256    = []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}
	rawOCSPNonce = []byte{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02}
)

// maxNonce is the longest nonce RFC 9654 (which updates RFC 6960 §4.4.1) allows.
const maxNonce = 128

var (
	tagExplicit0 = cbasn1.Tag(0).Constructed().ContextSpecific()
	tagExplicit1 = cbasn1.Tag(1).Constructed().ContextSpecific()
	tagExplicit2 = cbasn1.Tag(2).Constructed().ContextSpecific()
)

// request is the part of an OCSPRequest the responder acts on. Its slices
// point into the DER it was parsed from.
type request struct {
	alg      hashAlg
	nameHash []byte
	keyHash  []byte
	// serial is the content octets of the serialNumber INTEGER: a compact,
	// canonical (DER is minimal) cache key that needs no big.Int.
	serial []byte
	// nonce is the extnValue of the nonce extension, echoed verbatim; nil
	// when the request has none.
	nonce []byte
}

// errMalformed is the cause of every parse failure: the details do not
// matter to a client, which gets malformedRequest whatever they are.
var errMalformed = errors.New("ocsp: malformed request")

func malformed(what string) error { return fmt.Errorf("%w: %s", errMalformed, what) }

// parseRequest parses a DER OCSPRequest (RFC 6960 §4.1.1).
//
// We parse it ourselves because x/crypto/ocsp.ParseRequest drops
// requestExtensions, where the nonce lives, and rejects signed requests.
// cryptobyte rather than encoding/asn1 keeps this, the one piece of ASN.1
// on the hot path, free of reflection and allocations; like encoding/asn1
// it accepts DER only.
//
// Only the first of several requests in requestList is answered: the
// cache holds one SingleResponse per serial, and clients in practice ask
// about one certificate at a time. The others are checked for form only.
func parseRequest(der []byte) (request, error) {
	in := cryptobyte.String(der)
	var outer, tbs cryptobyte.String
	if !in.ReadASN1(&outer, cbasn1.SEQUENCE) || !in.Empty() {
		return request{}, malformed("not a single DER SEQUENCE")
	}
	if !outer.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		// optionalSignature: accepted and ignored, since RFC 6960 §4.1.2
		// lets a responder not require signed requests.
		!outer.SkipOptionalASN1(tagExplicit0) || !outer.Empty() {
		return request{}, malformed("OCSPRequest")
	}

	var version cryptobyte.String
	var hasVersion bool
	if !tbs.ReadOptionalASN1(&version, &hasVersion, tagExplicit0) {
		return request{}, malformed("version")
	}
	if hasVersion {
		var v int64
		if !version.ReadASN1Integer(&v) || !version.Empty() || v != 0 {
			return request{}, malformed("version is not v1")
		}
	}
	var list, first, certID cryptobyte.String
	if !tbs.SkipOptionalASN1(tagExplicit1) || // requestorName
		!tbs.ReadASN1(&list, cbasn1.SEQUENCE) ||
		!list.ReadASN1(&first, cbasn1.SEQUENCE) {
		return request{}, malformed("requestList")
	}
	for !list.Empty() {
		if !list.SkipASN1(cbasn1.SEQUENCE) {
			return request{}, malformed("requestList")
		}
	}
	if !first.ReadASN1(&certID, cbasn1.SEQUENCE) ||
		!first.SkipOptionalASN1(tagExplicit0) || !first.Empty() { // singleRequestExtensions
		return request{}, malformed("Request")
	}
	req, err := parseCertID(certID)
	if err != nil {
		return request{}, err
	}

	var extsField cryptobyte.String
	var hasExts bool
	if !tbs.ReadOptionalASN1(&extsField, &hasExts, tagExplicit2) || !tbs.Empty() {
		return request{}, malformed("TBSRequest")
	}
	if hasExts {
		if req.nonce, err = parseNonce(extsField); err != nil {
			return request{}, err
		}
	}
	return req, nil
}

// parseCertID parses a CertID (RFC 6960 §4.1.1).
func parseCertID(certID cryptobyte.String) (request, error) {
	var algID, oid, nameHash, keyHash, serial cryptobyte.String
	if !certID.ReadASN1(&algID, cbasn1.SEQUENCE) ||
		!algID.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) {
		return request{}, malformed("hashAlgorithm")
	}
	// The parameters are NULL or absent; be lenient, and take any single element.
	var params cryptobyte.String
	var paramsTag cbasn1.Tag
	if !algID.Empty() && (!algID.ReadAnyASN1(&params, &paramsTag) || !algID.Empty()) {
		return request{}, malformed("hashAlgorithm parameters")
	}
	if !certID.ReadASN1(&nameHash, cbasn1.OCTET_STRING) ||
		!certID.ReadASN1(&keyHash, cbasn1.OCTET_STRING) ||
		!certID.ReadASN1(&serial, cbasn1.INTEGER) || !certID.Empty() {
		return request{}, malformed("CertID")
	}
	if err := checkInteger(serial); err != nil {
		return request{}, malformed("serialNumber: " + err.Error())
	}
	req := request{alg: hashUnsupported, nameHash: nameHash, keyHash: keyHash, serial: serial}
	switch {
	case bytes.Equal(oid, rawSHA1):
		req.alg = hashSHA1
	case bytes.Equal(oid, rawSHA256):
		req.alg = hashSHA256
	}
	return req, nil
}

// parseNonce reads requestExtensions and returns the nonce's extnValue,
// or nil if there is none. Other extensions are ignored (RFC 6960 §4.4).
func parseNonce(extsField cryptobyte.String) ([]byte, error) {
	var exts cryptobyte.String
	if !extsField.ReadASN1(&exts, cbasn1.SEQUENCE) || !extsField.Empty() {
		return nil, malformed("requestExtensions")
	}
	var nonce []byte
	for !exts.Empty() {
		var ext, oid, value cryptobyte.String
		if !exts.ReadASN1(&ext, cbasn1.SEQUENCE) ||
			!ext.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) ||
			!ext.SkipOptionalASN1(cbasn1.BOOLEAN) || // critical
			!ext.ReadASN1(&value, cbasn1.OCTET_STRING) || !ext.Empty() {
			return nil, malformed("Extension")
		}
		if !bytes.Equal(oid, rawOCSPNonce) {
			continue
		}
		if nonce != nil {
			// RFC 5280 §4.2: an extension appears at most once.
			return nil, malformed("nonce repeated")
		}
		if err := checkNonce(value); err != nil {
			return nil, malformed(err.Error())
		}
		nonce = value
	}
	return nonce, nil
}

// checkNonce enforces RFC 9654 §2.1: the nonce is 1 to 128 octets and a
// request outside that range is malformed. The extnValue holds a DER
// OCTET STRING; older clients put the raw bytes there instead, so a value
// that is not an OCTET STRING is taken as the nonce itself.
func checkNonce(extnValue []byte) error {
	nonce := extnValue
	v := cryptobyte.String(extnValue)
	var inner cryptobyte.String
	if v.ReadASN1(&inner, cbasn1.OCTET_STRING) && v.Empty() {
		nonce = inner
	}
	if len(nonce) < 1 || len(nonce) > maxNonce {
		return fmt.Errorf("nonce of %d octets (want 1 to %d)", len(nonce), maxNonce)
	}
	return nil
}

// checkInteger checks that b is the content of a DER INTEGER.
func checkInteger(b []byte) error {
	if len(b) == 0 {
		return errors.New("empty INTEGER")
	}
	if len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
		return errors.New("INTEGER not minimally encoded")
	}
	return nil
}
