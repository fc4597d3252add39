package tsa

import (
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// tstInfo is the content a token signs (RFC 3161 §2.4.2):
//
//	TSTInfo ::= SEQUENCE {
//	    version        INTEGER { v1(1) },
//	    policy         TSAPolicyId,
//	    messageImprint MessageImprint,
//	    serialNumber   INTEGER,
//	    genTime        GeneralizedTime,
//	    accuracy       Accuracy OPTIONAL,
//	    ordering       BOOLEAN DEFAULT FALSE,
//	    nonce          INTEGER OPTIONAL,
//	    tsa            [0] GeneralName OPTIONAL,
//	    extensions     [1] IMPLICIT Extensions OPTIONAL }
//
// ordering is always FALSE and so, being the DEFAULT, never encoded; there are
// no extensions.
type tstInfo struct {
	policy   []byte // DER OBJECT IDENTIFIER
	algID    []byte // the requester's AlgorithmIdentifier, echoed
	digest   []byte
	serial   *big.Int
	genTime  time.Time
	accuracy time.Duration // zero: omitted
	nonce    *big.Int      // nil: omitted
	tsaName  []byte        // DER Name of the TSA, for the tsa field
}

// marshal returns the DER encoding of t.
func (t *tstInfo) marshal() ([]byte, error) {
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(1)
			b.AddBytes(t.policy)
			// "The messageImprint MUST have the same value as the
			// similar field in TimeStampReq" (§2.4.2): the
			// AlgorithmIdentifier is echoed byte for byte, parameters
			// (NULL or absent) included.
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddBytes(t.algID)
				b.AddASN1OctetString(t.digest)
			})
			b.AddASN1BigInt(t.serial)
			b.AddASN1(casn1.GeneralizedTime, func(b *cryptobyte.Builder) {
				b.AddBytes([]byte(genTimeString(t.genTime)))
			})
			if t.accuracy > 0 {
				addAccuracy(b, t.accuracy)
			}
			if t.nonce != nil {
				b.AddASN1BigInt(t.nonce)
			}
			if t.tsaName != nil {
				// tsa [0] GeneralName, directoryName [4] Name; both
				// tags EXPLICIT because GeneralName and Name are
				// CHOICEs.
				b.AddASN1(casn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1(casn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddBytes(t.tsaName)
					})
				})
			}
		})
	})
}

// genTimeString formats genTime as RFC 3161 §2.4.2 prescribes: UTC ("Z"),
// fraction of seconds allowed, trailing zeros and a bare decimal point
// omitted ("19990609001326.34352Z"). The ".999999" layout does exactly that,
// to the microsecond the Authority keeps.
func genTimeString(t time.Time) string {
	return t.UTC().Format("20060102150405.999999Z")
}

// addAccuracy encodes
//
//	Accuracy ::= SEQUENCE {
//	    seconds INTEGER           OPTIONAL,
//	    millis  [0] INTEGER (1..999) OPTIONAL,
//	    micros  [1] INTEGER (1..999) OPTIONAL }
//
// leaving out zero parts. d is rounded up to whole microseconds, so that the
// token never claims a better accuracy than it was given.
func addAccuracy(b *cryptobyte.Builder, d time.Duration) {
	if d%time.Microsecond != 0 {
		d = d.Truncate(time.Microsecond) + time.Microsecond
	}
	secs := int64(d / time.Second)
	millis := int64(d % time.Second / time.Millisecond)
	micros := int64(d % time.Millisecond / time.Microsecond)
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if secs > 0 {
			b.AddASN1Int64(secs)
		}
		if millis > 0 {
			b.AddASN1Int64WithTag(millis, casn1.Tag(0).ContextSpecific())
		}
		if micros > 0 {
			b.AddASN1Int64WithTag(micros, casn1.Tag(1).ContextSpecific())
		}
	})
}
