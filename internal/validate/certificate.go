// Package validate judges signatures and certificates from any CA and
// explains the verdict in the vocabulary of ETSI EN 319 102-1. Its
// subpackages build and check certification paths (path) and find
// revocation information (revocation).
package validate

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/validate/path"
)

// CertificateReport is the status of a certificate at a time, with how it
// was established: other software's answer to "may I rely on this now?".
type CertificateReport struct {
	// Indication and SubIndication are the result of the X.509 certificate
	// validation building block (EN 319 102-1 §5.2.6): PASSED, or
	// INDETERMINATE with a sub-indication.
	Indication    string `json:"indication"`
	SubIndication string `json:"sub_indication,omitempty"`
	// Status says it in one word: good, revoked, expired, not_yet_valid,
	// untrusted, unknown (no revocation source answered) or invalid.
	Status    string      `json:"status"`
	Message   string      `json:"message"`
	Subject   string      `json:"subject"`
	Serial    string      `json:"serial"`
	NotBefore time.Time   `json:"not_before"`
	NotAfter  time.Time   `json:"not_after"`
	Path      []PathEntry `json:"path"`
	CheckedAt time.Time   `json:"checked_at"`
}

// PathEntry is one certificate of the path, leaf first, with what the
// revocation check found.
type PathEntry struct {
	Subject    string `json:"subject"`
	Serial     string `json:"serial"`
	Revocation string `json:"revocation,omitempty"`
	Source     string `json:"source,omitempty"`
}

// Certificate validates certs[0] at t, with certs[1:] and extra as
// untrusted intermediates, against anchors, checking revocation with rc.
func Certificate(ctx context.Context, certs []*x509.Certificate, anchors []*x509.Certificate, rc path.RevocationChecker, t time.Time, lang i18n.Lang) *CertificateReport {
	leaf := certs[0]
	rep := &CertificateReport{Subject: leaf.Subject.String(), Serial: strings.ToLower(leaf.SerialNumber.Text(16)),
		NotBefore: leaf.NotBefore, NotAfter: leaf.NotAfter, CheckedAt: t.UTC()}
	in := path.Inputs{Time: t, Anchors: anchors, Intermediates: certs[1:], Revocation: rc}
	res, err := path.Validate(ctx, leaf, in)
	var p path.Path
	var statuses []path.RevocationStatus
	if err == nil {
		rep.Indication, rep.Status = "PASSED", "good"
		p, statuses = res.Path, res.Revocation
	} else {
		rep.Indication = "INDETERMINATE"
		var pe *path.Error
		if errors.As(err, &pe) {
			rep.SubIndication = string(pe.SubIndication())
			p = pe.Path
			rep.Status = statusWord(pe)
		} else {
			rep.SubIndication, rep.Status = string(path.CertificateChainGeneralFailure), "invalid"
		}
	}
	for i, c := range p {
		e := PathEntry{Subject: c.Subject.String(), Serial: strings.ToLower(c.SerialNumber.Text(16))}
		if i < len(statuses) {
			e.Revocation, e.Source = statuses[i].State.String(), statuses[i].Source
		}
		rep.Path = append(rep.Path, e)
	}
	rep.Message = i18n.T(lang, "validate.cert."+rep.Status)
	return rep
}

func statusWord(e *path.Error) string {
	switch e.Reason {
	case path.Revoked:
		return "revoked"
	case path.Expired:
		return "expired"
	case path.NotYetValid:
		return "not_yet_valid"
	case path.NoChain:
		return "untrusted"
	case path.RevocationUnknown:
		return "unknown"
	}
	return "invalid"
}
