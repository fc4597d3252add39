package validate

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/kyso-vn/kyso/internal/cms"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/validate/path"
	"github.com/kyso-vn/kyso/internal/validate/revocation"
)

// ErrNoSignature: the file is readable but carries no signature.
var ErrNoSignature = errors.New("validate: the file has no signature")

// ErrUnreadable: the file is neither a readable PDF nor a CMS signature.
var ErrUnreadable = errors.New("validate: not a readable PDF or CMS signature")

// MaxFileSize bounds a file handed to the validator.
const MaxFileSize = 256 << 20

// Options configure a Validator.
type Options struct {
	// Anchors are the trusted CA certificates: this kyso's root and those
	// the operator configured.
	Anchors []*x509.Certificate
	// Client fetches OCSP responses and CRLs named in certificates; nil
	// means offline (only revocation data embedded in the file counts).
	Client *http.Client
	// Cache keeps fetched revocation data between validations.
	Cache *revocation.Cache
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// Lang is the language of the report's messages.
	Lang i18n.Lang
}

// Validator checks signatures. It is safe for concurrent use.
type Validator struct{ opts Options }

// New returns a Validator.
func New(o Options) *Validator {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Lang == "" {
		o.Lang = i18n.Default
	}
	return &Validator{opts: o}
}

// evidence is what a file offers beside a signature's own CMS: certificates
// and revocation data (a PDF's DSS).
type evidence struct {
	certs []*x509.Certificate
	ocsps [][]byte
	crls  []*x509.RevocationList
}

// checker returns the revocation checker for one signature: the file's
// evidence and the signature's own revocation values first, then the
// network.
func (v *Validator) checker(ev *evidence, s *cms.Signed) *revocation.Checker {
	c := &revocation.Checker{Client: v.opts.Client, Cache: v.opts.Cache, Now: v.opts.Now}
	if ev != nil {
		c.EmbeddedOCSP = append(c.EmbeddedOCSP, ev.ocsps...)
		c.EmbeddedCRLs = append(c.EmbeddedCRLs, ev.crls...)
	}
	if s != nil {
		for _, der := range s.RevocationInfo {
			if crl, err := x509.ParseRevocationList(der); err == nil {
				c.EmbeddedCRLs = append(c.EmbeddedCRLs, crl)
			}
		}
		crls, ocsps := adobeRevocationValues(s)
		c.EmbeddedCRLs = append(c.EmbeddedCRLs, crls...)
		c.EmbeddedOCSP = append(c.EmbeddedOCSP, ocsps...)
	}
	return c
}

// verdict is a signature's or a certificate's indication with its
// sub-indication and the finding behind it.
type verdict struct {
	ind    Indication
	sub    string
	detail string
}

// cryptoVerdict maps an error of cms verification to EN 319 102-1 terms.
func cryptoVerdict(err error) verdict {
	switch {
	case errors.Is(err, cms.ErrDigestMismatch):
		return verdict{TotalFailed, HashFailure, err.Error()}
	case errors.Is(err, cms.ErrSignatureInvalid):
		return verdict{TotalFailed, SigCryptoFailure, err.Error()}
	case errors.Is(err, cms.ErrSignerNotFound), errors.Is(err, cms.ErrSigningCertMismatch):
		return verdict{Indeterminate, NoSigningCertificateFound, err.Error()}
	case errors.Is(err, cms.ErrUnsupported):
		return verdict{Indeterminate, SigConstraintsFailure, err.Error()}
	}
	return verdict{TotalFailed, FormatFailure, err.Error()}
}

// weakCrypto reports algorithms that no longer protect a signature made
// today: SHA-1 digests (collisions since 2017) and RSA keys under 2048 bits
// (ETSI TS 119 312). A time-stamp before the cut-off would save them; kyso
// does not keep a table of algorithm expiry dates, so they are INDETERMINATE
// without further thought.
func weakCrypto(s *cms.Signed) string {
	if s.DigestAlgorithm.String() == "SHA-1" {
		return "the signature uses SHA-1, which is no longer collision-resistant"
	}
	if s.Signer != nil {
		if k, ok := s.Signer.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < 2048 {
			return fmt.Sprintf("the signer's RSA key has %d bits, fewer than 2048", k.N.BitLen())
		}
	}
	return ""
}

// oidTimeStamping is id-kp-timeStamping (RFC 5280 §4.2.1.12).
var oidTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}

// certCheck is one certificate's validation for a signature: at the current
// time first and, when that fails for a reason a proof of existence can
// cure (expiry, revocation after the fact), at the time of that proof.
type certCheck struct {
	leaf    *x509.Certificate
	pool    []*x509.Certificate
	usage   path.Usage
	rc      path.RevocationChecker
	poe     time.Time // proven existence; zero when none
	claimed time.Time // the signer's own word; zero when none
}

// certResult is what certCheck found.
type certResult struct {
	verdict
	chain []PathEntry
}

func (v *Validator) checkCertificate(ctx context.Context, c certCheck) certResult {
	now := v.opts.Now()
	res, err := v.pathAt(ctx, c, now)
	if err == nil {
		out := certResult{verdict: verdict{ind: TotalPassed}, chain: entries(res.Path, res.Revocation)}
		if t := firstNonZero(c.poe, c.claimed); !t.IsZero() && t.Before(c.leaf.NotBefore) {
			out.verdict = verdict{Indeterminate, NotYetValidSub, fmt.Sprintf("signed at %s, before the certificate's notBefore %s", t.UTC().Format(time.RFC3339), c.leaf.NotBefore.UTC().Format(time.RFC3339))}
		}
		return out
	}
	var pe *path.Error
	if !errors.As(err, &pe) {
		return certResult{verdict: verdict{Indeterminate, string(path.CertificateChainGeneralFailure), err.Error()}}
	}
	out := certResult{verdict: verdict{Indeterminate, string(pe.SubIndication()), pe.Error()}, chain: entries(pe.Path, nil)}
	switch pe.Reason {
	case path.Revoked:
		st := pe.Revocation
		if st == nil {
			return out
		}
		when := st.RevokedAt.UTC().Format(time.RFC3339)
		if st.ReasonCode == 6 && (c.poe.IsZero() || !c.poe.Before(st.RevokedAt)) {
			// On hold: it may come back; EN 319 102-1 says try later.
			out.verdict = verdict{Indeterminate, string(path.TryLater), pe.Error() + " (certificate on hold since " + when + ")"}
			return out
		}
		switch {
		case !c.poe.IsZero() && c.poe.Before(st.RevokedAt):
			return v.atPOE(ctx, c, "revoked on "+when+", after the proven signing time")
		case !c.poe.IsZero():
			out.verdict = verdict{TotalFailed, RevokedSub, fmt.Sprintf("%s: revoked on %s, before the proven signing time %s", pe.Error(), when, c.poe.UTC().Format(time.RFC3339))}
		case !c.claimed.IsZero() && !c.claimed.Before(st.RevokedAt) && pe.Depth == 0:
			// The signer's own claimed time is after the revocation: no
			// proof could make it earlier.
			out.verdict = verdict{TotalFailed, RevokedSub, fmt.Sprintf("%s: revoked on %s, before the claimed signing time %s", pe.Error(), when, c.claimed.UTC().Format(time.RFC3339))}
		}
		return out
	case path.Expired, path.NotYetValid:
		if !c.poe.IsZero() {
			return v.atPOE(ctx, c, pe.Error()+" now")
		}
	}
	return out
}

// atPOE validates at the proven time of existence.
func (v *Validator) atPOE(ctx context.Context, c certCheck, note string) certResult {
	res, err := v.pathAt(ctx, c, c.poe)
	if err == nil {
		return certResult{verdict: verdict{TotalPassed, "", note}, chain: entries(res.Path, res.Revocation)}
	}
	var pe *path.Error
	if errors.As(err, &pe) {
		vd := verdict{Indeterminate, string(pe.SubIndication()), pe.Error() + " (at the proven signing time)"}
		if pe.Reason == path.Revoked && pe.Revocation != nil && pe.Revocation.ReasonCode != 6 {
			vd.ind, vd.sub = TotalFailed, RevokedSub
		}
		return certResult{verdict: vd, chain: entries(pe.Path, nil)}
	}
	return certResult{verdict: verdict{Indeterminate, string(path.CertificateChainGeneralFailure), err.Error()}}
}

func (v *Validator) pathAt(ctx context.Context, c certCheck, t time.Time) (*path.Result, error) {
	return path.Validate(ctx, c.leaf, path.Inputs{
		Time:          t,
		Anchors:       v.opts.Anchors,
		Intermediates: c.pool,
		Usage:         c.usage,
		Revocation:    c.rc,
	})
}

func entries(p path.Path, statuses []path.RevocationStatus) []PathEntry {
	var out []PathEntry
	for i, c := range p {
		e := PathEntry{Subject: dn(c.Subject), Serial: c.SerialNumber.Text(16)}
		if i < len(statuses) {
			e.Revocation, e.Source = statuses[i].State.String(), statuses[i].Source
		}
		out = append(out, e)
	}
	return out
}

func firstNonZero(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
