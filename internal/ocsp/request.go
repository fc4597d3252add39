package ocsp

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
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

// maxNonce is the longest nonce RFC 9654 (which updates RFC 6960 §4.4.1) allows.
const maxNonce = 128

// The ASN.1 of RFC 6960 §4.1.1. We parse requests ourselves rather than
// with x/crypto/ocsp.ParseRequest because that drops requestExtensions,
// where the nonce lives, and rejects signed requests outright.
type (
	ocspRequestASN1 struct {
		TBSRequest tbsRequestASN1
		// optionalSignature is accepted and ignored: RFC 6960 §4.1.2 lets
		// a responder not require signed requests.
		Signature asn1.RawValue `asn1:"explicit,tag:0,optional"`
	}
	tbsRequestASN1 struct {
		Version       int           `asn1:"explicit,tag:0,default:0,optional"`
		RequestorName asn1.RawValue `asn1:"explicit,tag:1,optional"`
		RequestList   []singleRequestASN1
		Extensions    []pkix.Extension `asn1:"explicit,tag:2,optional"`
	}
	singleRequestASN1 struct {
		CertID     certIDASN1
		Extensions asn1.RawValue `asn1:"explicit,tag:0,optional"`
	}
	certIDASN1 struct {
		HashAlgorithm  pkix.AlgorithmIdentifier
		IssuerNameHash []byte
		IssuerKeyHash  []byte
		SerialNumber   asn1.RawValue
	}
)

// request is the part of an OCSPRequest the responder acts on.
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

// parseRequest parses a DER OCSPRequest. Only the first of several
// requests in requestList is answered: the cache holds one SingleResponse
// per serial, and clients in practice ask about one certificate at a time.
func parseRequest(der []byte) (request, error) {
	var raw ocspRequestASN1
	rest, err := asn1.Unmarshal(der, &raw)
	if err != nil {
		return request{}, fmt.Errorf("ocsp: parse request: %w", err)
	}
	if len(rest) != 0 {
		return request{}, errors.New("ocsp: parse request: trailing data")
	}
	tbs := raw.TBSRequest
	if tbs.Version != 0 {
		return request{}, fmt.Errorf("ocsp: parse request: version %d", tbs.Version)
	}
	if len(tbs.RequestList) == 0 {
		return request{}, errors.New("ocsp: parse request: empty requestList")
	}
	id := tbs.RequestList[0].CertID
	serial, err := integerContent(id.SerialNumber)
	if err != nil {
		return request{}, fmt.Errorf("ocsp: parse request: serialNumber: %w", err)
	}
	req := request{
		alg:      hashUnsupported,
		nameHash: id.IssuerNameHash,
		keyHash:  id.IssuerKeyHash,
		serial:   serial,
	}
	switch {
	case id.HashAlgorithm.Algorithm.Equal(oidSHA1):
		req.alg = hashSHA1
	case id.HashAlgorithm.Algorithm.Equal(oidSHA256):
		req.alg = hashSHA256
	}
	for _, ext := range tbs.Extensions {
		if !ext.Id.Equal(oidOCSPNonce) {
			continue // RFC 6960 §4.4: unrecognized extensions are ignored
		}
		if req.nonce != nil {
			return request{}, errors.New("ocsp: parse request: nonce extension repeated")
		}
		if err := checkNonce(ext.Value); err != nil {
			return request{}, fmt.Errorf("ocsp: parse request: %w", err)
		}
		req.nonce = ext.Value
	}
	return req, nil
}

// checkNonce enforces RFC 9654 §2.1: the nonce is 1 to 128 octets and a
// request outside that range is malformed. The extnValue holds a DER
// OCTET STRING; older clients put the raw bytes there instead, so a value
// that is not an OCTET STRING is taken as the nonce itself.
func checkNonce(extnValue []byte) error {
	nonce := extnValue
	var inner []byte
	if rest, err := asn1.Unmarshal(extnValue, &inner); err == nil && len(rest) == 0 {
		nonce = inner
	}
	if len(nonce) < 1 || len(nonce) > maxNonce {
		return fmt.Errorf("nonce of %d octets (want 1 to %d)", len(nonce), maxNonce)
	}
	return nil
}

// integerContent checks that v is a DER INTEGER and returns its content octets.
func integerContent(v asn1.RawValue) ([]byte, error) {
	if v.Class != asn1.ClassUniversal || v.Tag != asn1.TagInteger || v.IsCompound {
		return nil, errors.New("not an INTEGER")
	}
	b := v.Bytes
	if len(b) == 0 {
		return nil, errors.New("empty INTEGER")
	}
	if len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
		return nil, errors.New("INTEGER not minimally encoded")
	}
	return b, nil
}
