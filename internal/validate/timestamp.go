package validate

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/kyso-vn/kyso/internal/cms"
	"github.com/kyso-vn/kyso/internal/validate/path"
)

// oidTSTInfo is id-ct-TSTInfo (RFC 3161 §2.4.2).
var oidTSTInfo = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}

// tstInfo is the part of a TSTInfo (RFC 3161 §2.4.2) a validator needs.
type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint struct {
		Algorithm struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue `asn1:"optional"`
		}
		HashedMessage []byte
	}
	SerialNumber *big.Int
	GenTime      time.Time       `asn1:"generalized"`
	Rest         []asn1.RawValue `asn1:"optional"`
}

// timeStamp checks an RFC 3161 token whose message imprint must be the hash
// of what imprintOf returns for the imprint's algorithm (a signature value,
// a document's byte range), and the TSA's certificate now. A time-stamp
// that does not hold gives no proof of existence; Problem says why, and the
// verdict says it in EN 319 102-1 terms (for a document time-stamp, which
// is judged like a signature).
func (v *Validator) timeStamp(ctx context.Context, token []byte, imprintOf func(crypto.Hash) []byte, ev *evidence) (TimeStampInfo, certResult, *cms.Signed) {
	var info TimeStampInfo
	fail := func(vd verdict) (TimeStampInfo, certResult, *cms.Signed) {
		info.Problem = vd.detail
		return info, certResult{verdict: vd}, nil
	}
	s, err := cms.Parse(token)
	if err != nil {
		return fail(cryptoVerdict(err))
	}
	if !s.ContentType.Equal(oidTSTInfo) || s.Content == nil {
		return fail(verdict{TotalFailed, FormatFailure, fmt.Sprintf("not a time-stamp token (content type %v)", s.ContentType)})
	}
	var tst tstInfo
	if rest, err := asn1.Unmarshal(s.Content, &tst); err != nil || len(rest) > 0 {
		return fail(verdict{TotalFailed, FormatFailure, fmt.Sprintf("unreadable TSTInfo: %v", err)})
	}
	info.Time = tst.GenTime.UTC()
	findSigner(s, ev)
	if s.Signer != nil {
		info.TSA = displayName(s.Signer)
	}
	if err := s.Verify(); err != nil {
		vd := cryptoVerdict(err)
		vd.detail = "the time-stamp's signature: " + vd.detail
		return fail(vd)
	}
	h, ok := cms.HashByOID(tst.MessageImprint.Algorithm.Algorithm)
	if !ok || !h.Available() {
		return fail(verdict{Indeterminate, SigConstraintsFailure, fmt.Sprintf("unsupported imprint hash %v", tst.MessageImprint.Algorithm.Algorithm)})
	}
	if !bytes.Equal(tst.MessageImprint.HashedMessage, imprintOf(h)) {
		return fail(verdict{TotalFailed, HashFailure, "the time-stamp is for other data (message imprint mismatch)"})
	}
	cr := v.checkCertificate(ctx, certCheck{
		leaf:  s.Signer,
		pool:  pool(s, ev),
		usage: path.Usage{ExtKeyUsage: []asn1.ObjectIdentifier{oidTimeStamping}},
		rc:    v.checker(ev, s),
	})
	if cr.ind != TotalPassed {
		info.Problem = "the time-stamping authority's certificate: " + cr.detail
		return info, cr, s
	}
	info.Valid = true
	return info, cr, s
}

// findSigner looks for the signer's certificate in the file's evidence
// when the CMS does not carry it (allowed by RFC 5652 and common in PDFs
// whose DSS holds the certificates).
func findSigner(s *cms.Signed, ev *evidence) {
	if s.Signer != nil || ev == nil {
		return
	}
	for _, c := range ev.certs {
		if s.IsSigner(c) {
			s.Signer = c
			return
		}
	}
}

// pool is the untrusted certificates available to build the signer's path.
func pool(s *cms.Signed, ev *evidence) []*x509.Certificate {
	out := append([]*x509.Certificate(nil), s.Certificates...)
	if ev != nil {
		out = append(out, ev.certs...)
	}
	return out
}

// oidAdobeRevocation is adbe-revocationInfoArchival, the signed attribute
// in which Acrobat and others embed CRLs and OCSP responses (ISO 32000-1
// §12.8.3.3.2).
var oidAdobeRevocation = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 8}

// adobeRevocationValues reads adbe-revocationInfoArchival:
//
//	RevocationInfoArchival ::= SEQUENCE {
//	  crl [0] EXPLICIT SEQUENCE of CRLs OPTIONAL,
//	  ocsp [1] EXPLICIT SEQUENCE of OCSPResponse OPTIONAL,
//	  otherRevInfo [2] EXPLICIT SEQUENCE of OtherRevInfo OPTIONAL }
//
// Unreadable parts are skipped: the data is only a hint, each CRL and OCSP
// response is verified where it is used.
func adobeRevocationValues(s *cms.Signed) (crls []*x509.RevocationList, ocsps [][]byte) {
	for _, a := range s.SignedAttrs {
		if !a.Type.Equal(oidAdobeRevocation) || len(a.Values) != 1 {
			continue
		}
		in := cryptobyte.String(a.Values[0])
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, casn1.SEQUENCE) {
			continue
		}
		for !seq.Empty() {
			var field cryptobyte.String
			var tag casn1.Tag
			if !seq.ReadAnyASN1(&field, &tag) {
				break
			}
			var list cryptobyte.String
			if !field.ReadASN1(&list, casn1.SEQUENCE) {
				continue
			}
			for !list.Empty() {
				var elem cryptobyte.String
				if !list.ReadASN1Element(&elem, casn1.SEQUENCE) {
					break
				}
				switch tag {
				case casn1.Tag(0).Constructed().ContextSpecific():
					if crl, err := x509.ParseRevocationList(elem); err == nil {
						crls = append(crls, crl)
					}
				case casn1.Tag(1).Constructed().ContextSpecific():
					ocsps = append(ocsps, bytes.Clone(elem))
				}
			}
		}
	}
	return crls, ocsps
}
