package tsa

import (
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// rejection is why the TSA grants no token: a PKIFailureInfo bit and a text
// for PKIStatusInfo.statusString (RFC 3161 §2.4.2).
type rejection struct {
	info timestamp.FailureInfo
	text string
}

// grantedResponse wraps a token into a TimeStampResp with status granted:
//
//	TimeStampResp ::= SEQUENCE {
//	    status         PKIStatusInfo,
//	    timeStampToken TimeStampToken OPTIONAL }
func grantedResponse(token []byte) ([]byte, error) {
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(int64(timestamp.Granted))
			})
			b.AddBytes(token)
		})
	})
}

// rejectionResponse encodes a TimeStampResp with status rejection, the text
// and the failure bit:
//
//	PKIStatusInfo ::= SEQUENCE {
//	    status       PKIStatus,
//	    statusString PKIFreeText OPTIONAL,  -- SEQUENCE OF UTF8String
//	    failInfo     PKIFailureInfo OPTIONAL }  -- named BIT STRING
func rejectionResponse(r rejection) ([]byte, error) {
	// DER encodes a named BIT STRING without trailing zero bits (X.690
	// §11.2.2), so the string ends at the one bit set.
	bit := int(r.info)
	bits := make([]byte, bit/8+1)
	bits[bit/8] = 0x80 >> (bit % 8)
	unused := uint8(7 - bit%8)
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(int64(timestamp.Rejection))
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(casn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(r.text)) })
				})
				b.AddASN1(casn1.BIT_STRING, func(b *cryptobyte.Builder) {
					b.AddUint8(unused)
					b.AddBytes(bits)
				})
			})
		})
	})
}

// reply is a decoded TimeStampResp, as Request reads it.
type reply struct {
	status   timestamp.Status
	text     []string
	failInfo timestamp.FailureInfo
	token    []byte // nil when absent
}

// parseReply decodes a DER TimeStampResp.
func parseReply(der []byte) (*reply, error) {
	r := reply{failInfo: timestamp.UnknownFailureInfo}
	in := cryptobyte.String(der)
	var resp, status cryptobyte.String
	var code int64
	if !in.ReadASN1(&resp, casn1.SEQUENCE) || !in.Empty() ||
		!resp.ReadASN1(&status, casn1.SEQUENCE) || !status.ReadASN1Integer(&code) {
		return nil, errors.New("not a DER TimeStampResp")
	}
	r.status = timestamp.Status(code)
	if status.PeekASN1Tag(casn1.SEQUENCE) {
		var texts cryptobyte.String
		if !status.ReadASN1(&texts, casn1.SEQUENCE) {
			return nil, errors.New("malformed statusString")
		}
		for !texts.Empty() {
			var s cryptobyte.String
			if !texts.ReadASN1(&s, casn1.UTF8String) {
				return nil, errors.New("malformed statusString")
			}
			r.text = append(r.text, string(s))
		}
	}
	if status.PeekASN1Tag(casn1.BIT_STRING) {
		var bits asn1.BitString
		if !status.ReadASN1BitString(&bits) {
			return nil, errors.New("malformed failInfo")
		}
		for i := range bits.BitLength {
			if bits.At(i) == 1 {
				r.failInfo = timestamp.FailureInfo(i)
				break
			}
		}
	}
	if !status.Empty() {
		return nil, errors.New("malformed PKIStatusInfo")
	}
	if !resp.Empty() {
		var token cryptobyte.String
		if !resp.ReadASN1Element(&token, casn1.SEQUENCE) || !resp.Empty() {
			return nil, errors.New("malformed timeStampToken")
		}
		r.token = token
	}
	return &r, nil
}

// failureName returns the ASN.1 name of a PKIFailureInfo bit.
func failureName(f timestamp.FailureInfo) string {
	switch f {
	case timestamp.BadAlgorithm:
		return "badAlg"
	case timestamp.BadRequest:
		return "badRequest"
	case timestamp.BadDataFormat:
		return "badDataFormat"
	case timestamp.TimeNotAvailable:
		return "timeNotAvailable"
	case timestamp.UnacceptedPolicy:
		return "unacceptedPolicy"
	case timestamp.UnacceptedExtension:
		return "unacceptedExtension"
	case timestamp.AddInfoNotAvailable:
		return "addInfoNotAvailable"
	case timestamp.SystemFailure:
		return "systemFailure"
	case timestamp.UnknownFailureInfo:
		return "no failInfo"
	}
	return fmt.Sprintf("failInfo bit %d", int(f))
}
