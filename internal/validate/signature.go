package validate

import (
	"bytes"
	"context"
	"crypto"
	"fmt"
	"time"

	"github.com/kyso-vn/kyso/internal/cms"
	"github.com/kyso-vn/kyso/internal/validate/path"
)

// signedData is one signature to judge: its CMS and a way to hash what it
// signed.
type signedData struct {
	der []byte
	// digest returns the hash of the signed content with h.
	digest func(h crypto.Hash) []byte
	// subFilter is the PDF SubFilter; empty for a .p7s.
	subFilter string
	// claimed is a signing time from outside the CMS (a PDF's /M).
	claimed time.Time
	// laterPOE is the earliest valid document time-stamp over this
	// signature: it existed by then.
	laterPOE time.Time
	// encapsulated allows a CMS that carries its content (.p7m).
	encapsulated bool
}

// judge fills rep with the verdict on one CMS signature (EN 319 102-1 §5.3
// basic validation, with proof of existence from time-stamps).
func (v *Validator) judge(ctx context.Context, in signedData, ev *evidence, rep *SignatureReport) *cms.Signed {
	s, err := cms.Parse(in.der)
	if err != nil {
		rep.setVerdict(cryptoVerdict(err))
		return nil
	}
	findSigner(s, ev)
	rep.Signer = certInfo(s.Signer)
	rep.DigestAlgorithm = s.DigestAlgorithm.String()
	rep.ClaimedSigningTime = firstNonZero(s.SigningTime, in.claimed).UTC()
	if s.SignerInfos > 1 {
		rep.Details = append(rep.Details, fmt.Sprintf("the CMS has %d SignerInfos; only the first is checked", s.SignerInfos))
	}
	if vd, ok := checkCrypto(s, in); !ok {
		rep.setVerdict(vd)
		return s
	}

	var poe time.Time
	for _, tok := range s.SignatureTimeStamps {
		info, _, _ := v.timeStamp(ctx, tok, func(h crypto.Hash) []byte { return sum(h, s.Signature) }, ev)
		rep.TimeStamps = append(rep.TimeStamps, info)
		if info.Valid && (poe.IsZero() || info.Time.Before(poe)) {
			poe = info.Time
			rep.SigningTime, rep.SigningTimeSource = info.Time, "timestamp"
		}
	}
	if poe.IsZero() && !in.laterPOE.IsZero() {
		poe = in.laterPOE
		rep.SigningTime, rep.SigningTimeSource = poe, "document_timestamp"
	}
	if poe.IsZero() && !rep.ClaimedSigningTime.IsZero() {
		rep.SigningTime, rep.SigningTimeSource = rep.ClaimedSigningTime, "claimed"
	}

	cr := v.checkCertificate(ctx, certCheck{
		leaf:    s.Signer,
		pool:    pool(s, ev),
		usage:   path.DocumentSigning(),
		rc:      v.checker(ev, s),
		poe:     poe,
		claimed: rep.ClaimedSigningTime,
	})
	rep.Chain = cr.chain
	rep.setVerdict(cr.verdict)
	if w := weakCrypto(s); w != "" {
		rep.worsen(verdict{Indeterminate, CryptoConstraintsFailureNoPOE, w})
	}
	return s
}

// checkCrypto checks the signature value and the digest of what it covers,
// the way the SubFilter defines it (ISO 32000-1 §12.8.3.3, ETSI EN 319
// 142-1 §5.1).
func checkCrypto(s *cms.Signed, in signedData) (verdict, bool) {
	if s.Content != nil && in.encapsulated {
		if err := s.Verify(); err != nil {
			return cryptoVerdict(err), false
		}
		return verdict{}, true
	}
	if s.Content != nil {
		// Encapsulated content: adbe.pkcs7.sha1 signs the SHA-1 of the
		// byte range; anything else encapsulating data signs something
		// other than the document.
		if in.subFilter != "adbe.pkcs7.sha1" {
			return verdict{TotalFailed, FormatFailure, fmt.Sprintf("the CMS encapsulates %d bytes of content instead of signing the document", len(s.Content))}, false
		}
		if err := s.Verify(); err != nil {
			return cryptoVerdict(err), false
		}
		if !bytes.Equal(s.Content, in.digest(crypto.SHA1)) {
			return verdict{TotalFailed, HashFailure, "the signed SHA-1 is not the SHA-1 of the byte range"}, false
		}
		return verdict{}, true
	}
	h := s.DigestAlgorithm
	if h == 0 || !h.Available() {
		return cryptoVerdict(fmt.Errorf("%w: digest algorithm %v", cms.ErrUnsupported, s.DigestAlgorithmOID)), false
	}
	if err := s.VerifyDetached(in.digest(h)); err != nil {
		return cryptoVerdict(err), false
	}
	return verdict{}, true
}

func sum(h crypto.Hash, b []byte) []byte {
	w := h.New()
	w.Write(b)
	return w.Sum(nil)
}

// setVerdict records vd as the signature's verdict.
func (r *SignatureReport) setVerdict(vd verdict) {
	r.Indication, r.SubIndication = vd.ind, vd.sub
	if r.Indication == "" {
		r.Indication = TotalPassed
	}
	if vd.detail != "" {
		r.Details = append(r.Details, vd.detail)
	}
}

// worsen replaces the verdict by vd if vd is worse: TOTAL-FAILED over
// INDETERMINATE over TOTAL-PASSED.
func (r *SignatureReport) worsen(vd verdict) {
	if vd.detail != "" {
		r.Details = append(r.Details, vd.detail)
	}
	if rank(vd.ind) > rank(r.Indication) {
		r.Indication, r.SubIndication = vd.ind, vd.sub
	}
}

func rank(i Indication) int {
	switch i {
	case TotalFailed:
		return 2
	case Indeterminate:
		return 1
	}
	return 0
}
