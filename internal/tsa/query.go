package tsa

import (
	"crypto"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// query is a TimeStampReq (RFC 3161 §2.4.1) as the Authority needs it:
//
//	TimeStampReq ::= SEQUENCE {
//	    version        INTEGER { v1(1) },
//	    messageImprint MessageImprint,
//	    reqPolicy      TSAPolicyId OPTIONAL,
//	    nonce          INTEGER OPTIONAL,
//	    certReq        BOOLEAN DEFAULT FALSE,
//	    extensions     [0] IMPLICIT Extensions OPTIONAL }
//
// It records what was asked, readable or not; Authority.check decides what
// the TSA grants.
type query struct {
	version    int64
	hash       crypto.Hash // zero when the OID names no hash kyso knows
	hashName   string      // for messages: "SHA-1", or the OID
	hashOK     bool        // hash is one the TSA accepts
	paramsOK   bool        // hash parameters absent or NULL
	algID      []byte      // AlgorithmIdentifier as sent, echoed in TSTInfo
	digest     []byte
	policy     []byte // DER OBJECT IDENTIFIER; nil when none was requested
	nonce      *big.Int
	certReq    bool
	extensions []string // OIDs of the requested extensions
}

// parseQuery decodes a DER TimeStampReq. An error means the bytes are not
// one, which the TSA answers with badDataFormat.
func parseQuery(der []byte) (*query, error) {
	var q query
	in := cryptobyte.String(der)
	var req cryptobyte.String
	if !in.ReadASN1(&req, casn1.SEQUENCE) {
		return nil, errors.New("not a DER SEQUENCE")
	}
	if !in.Empty() {
		return nil, errors.New("trailing bytes after the TimeStampReq")
	}
	if !req.ReadASN1Integer(&q.version) {
		return nil, errors.New("version is not an INTEGER")
	}
	var imprint, alg cryptobyte.String
	if !req.ReadASN1(&imprint, casn1.SEQUENCE) ||
		!imprint.ReadASN1Element(&alg, casn1.SEQUENCE) ||
		!imprint.ReadASN1Bytes(&q.digest, casn1.OCTET_STRING) || !imprint.Empty() {
		return nil, errors.New("messageImprint is not a SEQUENCE of AlgorithmIdentifier and OCTET STRING")
	}
	q.algID = alg
	if err := q.parseAlgorithm(alg); err != nil {
		return nil, err
	}
	if req.PeekASN1Tag(casn1.OBJECT_IDENTIFIER) {
		var policy cryptobyte.String
		if !req.ReadASN1Element(&policy, casn1.OBJECT_IDENTIFIER) || !validOID(policy) {
			return nil, errors.New("reqPolicy is not a valid OBJECT IDENTIFIER")
		}
		q.policy = policy
	}
	if req.PeekASN1Tag(casn1.INTEGER) {
		q.nonce = new(big.Int)
		if !req.ReadASN1Integer(q.nonce) {
			return nil, errors.New("nonce is not a DER INTEGER")
		}
	}
	// certReq FALSE should be absent (DER omits DEFAULT values), but a
	// BER encoder may write it; accepting it harms no one.
	if req.PeekASN1Tag(casn1.BOOLEAN) && !req.ReadASN1Boolean(&q.certReq) {
		return nil, errors.New("certReq is not a DER BOOLEAN")
	}
	if tag := casn1.Tag(0).Constructed().ContextSpecific(); req.PeekASN1Tag(tag) {
		var exts cryptobyte.String
		if !req.ReadASN1(&exts, tag) {
			return nil, errors.New("extensions are malformed")
		}
		for !exts.Empty() {
			var ext cryptobyte.String
			var oid asn1.ObjectIdentifier
			if !exts.ReadASN1(&ext, casn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&oid) {
				return nil, errors.New("extensions are malformed")
			}
			q.extensions = append(q.extensions, oid.String())
		}
	}
	if !req.Empty() {
		return nil, errors.New("unexpected fields after the last known one")
	}
	return &q, nil
}

// parseAlgorithm reads the hash AlgorithmIdentifier of the messageImprint.
// An OID kyso does not know is not malformed: the TSA answers it with badAlg.
func (q *query) parseAlgorithm(alg cryptobyte.String) error {
	var body, oidDER cryptobyte.String
	if !alg.ReadASN1(&body, casn1.SEQUENCE) || !body.ReadASN1Element(&oidDER, casn1.OBJECT_IDENTIFIER) {
		return errors.New("hashAlgorithm is not an AlgorithmIdentifier")
	}
	var oid asn1.ObjectIdentifier
	if !oidDER.ReadASN1ObjectIdentifier(&oid) {
		q.hashName = "an unknown algorithm"
		return nil
	}
	q.hash, q.hashName, q.hashOK = hashByOID(oid)
	// RFC 5754 §2: SHA-2 parameters are absent or NULL; anything else is
	// not the algorithm kyso knows under that OID.
	q.paramsOK = body.Empty() || (body.SkipASN1(casn1.NULL) && body.Empty())
	return nil
}

// validOID reports whether der is a DER OBJECT IDENTIFIER with minimal
// sub-identifiers, so that comparing encodings compares the OIDs.
func validOID(der cryptobyte.String) bool {
	var content cryptobyte.String
	if !der.ReadASN1(&content, casn1.OBJECT_IDENTIFIER) || len(content) == 0 || content[len(content)-1]&0x80 != 0 {
		return false
	}
	start := true
	for _, c := range content {
		if start && c == 0x80 {
			return false
		}
		start = c&0x80 == 0
	}
	return true
}

// queryFromRequest converts a request built or parsed by digitorus/timestamp
// for Stamp. A request that cannot be converted is refused.
func queryFromRequest(req *timestamp.Request) (*query, *rejection) {
	if req == nil {
		return nil, &rejection{timestamp.BadRequest, "no request"}
	}
	q := &query{version: 1, hash: req.HashAlgorithm, hashName: req.HashAlgorithm.String(),
		paramsOK: true, digest: req.HashedMessage, nonce: req.Nonce, certReq: req.Certificates}
	if oid := hashOID(req.HashAlgorithm); oid != nil {
		q.hashOK = true
		// NULL parameters, as digitorus/timestamp and OpenSSL send them.
		algID, err := encode(func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oid)
				b.AddASN1NULL()
			})
		})
		if err != nil {
			return nil, &rejection{timestamp.BadAlgorithm, err.Error()}
		}
		q.algID = algID
	}
	if req.TSAPolicyOID != nil {
		policy, err := asn1.Marshal(req.TSAPolicyOID)
		if err != nil {
			return nil, &rejection{timestamp.UnacceptedPolicy, fmt.Sprintf("reqPolicy %v is not a valid OID", req.TSAPolicyOID)}
		}
		q.policy = policy
	}
	for _, e := range append(req.Extensions, req.ExtraExtensions...) {
		q.extensions = append(q.extensions, e.Id.String())
	}
	return q, nil
}

// encodeQuery builds the DER TimeStampReq that Request sends: v1, the
// imprint, the nonce, and certReq only when TRUE. The hash parameters are
// NULL, as OpenSSL sends them; RFC 5754 §2 obliges receivers to accept both
// NULL and absent.
func encodeQuery(hash crypto.Hash, digest []byte, nonce *big.Int, certReq bool) ([]byte, error) {
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(1)
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(hashOID(hash))
					b.AddASN1NULL()
				})
				b.AddASN1OctetString(digest)
			})
			b.AddASN1BigInt(nonce)
			if certReq {
				b.AddASN1Boolean(true)
			}
		})
	})
}
