package tsa

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Stamp answers one time-stamp request with a DER TimeStampResp (RFC 3161
// §2.4.2), exactly as ServeHTTP would. A request the TSA refuses is answered
// with a rejection response and a nil error, since that response is the
// protocol's answer; an error means no response could be made at all (the
// serial source or the signer failed, or ctx ended), and over HTTP becomes a
// systemFailure.
func (a *Authority) Stamp(ctx context.Context, req *timestamp.Request) ([]byte, error) {
	q, rej := queryFromRequest(req)
	if rej != nil {
		return a.refuse(*rej)
	}
	return a.answer(ctx, q)
}

// answer checks q and issues a token, or a rejection.
func (a *Authority) answer(ctx context.Context, q *query) ([]byte, error) {
	if rej := a.check(q); rej != nil {
		return a.refuse(*rej)
	}
	token, err := a.issue(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("tsa: stamp: %w", err)
	}
	resp, err := grantedResponse(token)
	if err != nil {
		return nil, fmt.Errorf("tsa: stamp: %w", err)
	}
	return resp, nil
}

// refuse encodes a rejection.
func (a *Authority) refuse(r rejection) ([]byte, error) {
	a.log.Debug("tsa: request rejected", "failInfo", failureName(r.info), "reason", r.text)
	resp, err := rejectionResponse(r)
	if err != nil {
		return nil, fmt.Errorf("tsa: stamp: %w", err)
	}
	return resp, nil
}

// check returns why the TSA refuses q, or nil.
func (a *Authority) check(q *query) *rejection {
	switch {
	case q.version != 1:
		return &rejection{timestamp.BadRequest, fmt.Sprintf("TimeStampReq version %d is not supported; only v1 (RFC 3161 §2.4.1)", q.version)}
	case !q.hashOK:
		return &rejection{timestamp.BadAlgorithm, fmt.Sprintf("message imprints made with %s are not accepted; use SHA-256, SHA-384 or SHA-512", q.hashName)}
	case !q.paramsOK:
		return &rejection{timestamp.BadAlgorithm, fmt.Sprintf("%s parameters must be absent or NULL (RFC 5754 §2)", q.hashName)}
	case len(q.digest) != q.hash.Size():
		// RFC 3161 §2.1 item 7: check that the hash value length is
		// consistent with the hash algorithm.
		return &rejection{timestamp.BadDataFormat, fmt.Sprintf("a %s imprint is %d bytes, not %d", q.hashName, q.hash.Size(), len(q.digest))}
	case q.policy != nil && !bytes.Equal(q.policy, a.policy):
		return &rejection{timestamp.UnacceptedPolicy, fmt.Sprintf("this TSA issues tokens under policy %s only, not %s", oidText(a.policy), oidText(q.policy))}
	case len(q.extensions) > 0:
		// RFC 3161 §2.4.1: an extension the server does not recognise,
		// critical or not, must be refused with unacceptedExtension;
		// kyso recognises none.
		return &rejection{timestamp.UnacceptedExtension, fmt.Sprintf("extensions are not supported: %s", strings.Join(q.extensions, ", "))}
	}
	return nil
}

// issue makes the token for a query check accepted.
func (a *Authority) issue(ctx context.Context, q *query) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	serial, err := a.serials.Next(ctx)
	if err != nil {
		return nil, fmt.Errorf("serial number: %w", err)
	}
	if serial == nil || serial.Sign() <= 0 || serial.BitLen() > maxSerialBits {
		return nil, fmt.Errorf("serial source returned %v; serial numbers are positive and at most %d bits (RFC 3161 §2.4.2)", serial, maxSerialBits)
	}
	genTime, step := a.clock.next()
	if step > 0 {
		// The tokens keep their order, but genTime is now ahead of the
		// clock by up to step: if step exceeds the claimed accuracy, the
		// time source needs attention.
		a.log.Warn("tsa: clock went backwards; genTime follows the previous token until it catches up",
			"step", step, "accuracy", a.accuracy, "genTime", genTime.Format(time.RFC3339Nano))
	}
	if genTime.Before(a.cert.NotBefore) || genTime.After(a.cert.NotAfter) {
		return nil, fmt.Errorf("certificate %q is not valid at %s", a.cert.Subject, genTime.Format(time.RFC3339))
	}
	info := tstInfo{
		policy:   a.policy,
		algID:    q.algID,
		digest:   q.digest,
		serial:   serial,
		genTime:  genTime,
		accuracy: a.accuracy,
		nonce:    q.nonce,
		// RFC 3161 §2.4.2: the tsa field, if present, must match a
		// subject name of the certificate that verifies the token.
		tsaName: a.cert.RawSubject,
	}
	der, err := info.marshal()
	if err != nil {
		return nil, fmt.Errorf("TSTInfo: %w", err)
	}
	return a.tokens.sign(der, q.certReq)
}

// oidText renders a DER OBJECT IDENTIFIER in dotted form, whatever the size
// of its arcs.
func oidText(der []byte) string {
	in := cryptobyte.String(der)
	var content cryptobyte.String
	var oid x509.OID
	if !in.ReadASN1(&content, casn1.OBJECT_IDENTIFIER) || oid.UnmarshalBinary(content) != nil {
		return fmt.Sprintf("%x", der)
	}
	return oid.String()
}
