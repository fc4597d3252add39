package validate

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/validate/changes"
)

// Indication is the main result of a validation (ETSI EN 319 102-1 §5.1.3).
type Indication string

// The three indications.
const (
	TotalPassed   Indication = "TOTAL-PASSED"
	TotalFailed   Indication = "TOTAL-FAILED"
	Indeterminate Indication = "INDETERMINATE"
)

// Sub-indications produced at the signature level, beside those of path
// validation (path.SubIndication) (EN 319 102-1 §5.1.3, Table 5 and 6).
const (
	FormatFailure                 = "FORMAT_FAILURE"
	HashFailure                   = "HASH_FAILURE"
	SigCryptoFailure              = "SIG_CRYPTO_FAILURE"
	RevokedSub                    = "REVOKED"
	NoSigningCertificateFound     = "NO_SIGNING_CERTIFICATE_FOUND"
	SigConstraintsFailure         = "SIG_CONSTRAINTS_FAILURE"
	CryptoConstraintsFailureNoPOE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
	NotYetValidSub                = "NOT_YET_VALID"
)

// Report is the validation report of one file: a PDF with its signatures and
// document time-stamps, or a CMS signature.
type Report struct {
	// Format is "pdf" or "cms".
	Format   string `json:"format"`
	FileName string `json:"file_name,omitempty"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
	// Indication is the worst indication of the signatures: TOTAL-FAILED if
	// any failed, else INDETERMINATE if any is, else TOTAL-PASSED.
	Indication Indication `json:"indication"`
	// Message says it in a sentence, in the report's language.
	Message     string             `json:"message"`
	Signatures  []*SignatureReport `json:"signatures"`
	ValidatedAt time.Time          `json:"validated_at"`
	Lang        string             `json:"lang"`
}

// SignatureReport is the verdict on one signature or document time-stamp,
// with what it rests on.
type SignatureReport struct {
	// Index counts signatures in the order they were applied, from 1.
	Index int `json:"index"`
	// Kind is "signature", "certification" (a signature with DocMDP
	// permissions) or "document_timestamp".
	Kind      string `json:"kind"`
	Field     string `json:"field,omitempty"`
	Page      int    `json:"page,omitempty"`
	SubFilter string `json:"sub_filter,omitempty"`
	// Revision is the revision the signature covers, from 1.
	Revision            int      `json:"revision,omitempty"`
	ByteRange           [4]int64 `json:"byte_range,omitzero"`
	CoversWholeDocument bool     `json:"covers_whole_document"`

	Signer   *CertInfo `json:"signer,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Location string    `json:"location,omitempty"`

	// ClaimedSigningTime is what the signer says (signing-time attribute
	// or the signature dictionary's /M); nothing proves it.
	ClaimedSigningTime time.Time `json:"claimed_signing_time,omitzero"`
	// SigningTime is the best known time of signing and SigningTimeSource
	// where it comes from: "timestamp" (a signature time-stamp: proof of
	// existence), "document_timestamp" (a later document time-stamp: the
	// signature existed by then) or "claimed".
	SigningTime       time.Time        `json:"signing_time,omitzero"`
	SigningTimeSource string           `json:"signing_time_source,omitempty"`
	TimeStamps        []TimeStampInfo  `json:"timestamps,omitempty"`
	DigestAlgorithm   string           `json:"digest_algorithm,omitempty"`
	DocMDP            int              `json:"docmdp,omitempty"`
	Chain             []PathEntry      `json:"chain,omitempty"`
	Changes           []changes.Change `json:"changes,omitempty"`
	ChangesPermitted  bool             `json:"changes_permitted"`

	Indication    Indication `json:"indication"`
	SubIndication string     `json:"sub_indication,omitempty"`
	// Message explains the verdict in the report's language.
	Message string `json:"message"`
	// Details are the technical findings behind the verdict, in English,
	// for logs and specialists.
	Details []string `json:"details,omitempty"`
}

// CertInfo names a certificate as a person reads it.
type CertInfo struct {
	// Name is the common name as written in the certificate (Vietnamese
	// names keep their diacritics).
	Name         string    `json:"name"`
	Organization string    `json:"organization,omitempty"`
	Subject      string    `json:"subject"`
	Issuer       string    `json:"issuer"`
	Serial       string    `json:"serial"`
	NotBefore    time.Time `json:"not_before"`
	NotAfter     time.Time `json:"not_after"`
}

// TimeStampInfo is one time-stamp over a signature.
type TimeStampInfo struct {
	Time  time.Time `json:"time"`
	TSA   string    `json:"tsa,omitempty"`
	Valid bool      `json:"valid"`
	// Problem says why the time-stamp gives no proof of existence.
	Problem string `json:"problem,omitempty"`
}

func certInfo(c *x509.Certificate) *CertInfo {
	if c == nil {
		return nil
	}
	return &CertInfo{
		Name:         displayName(c),
		Organization: strings.Join(c.Subject.Organization, ", "),
		Subject:      dn(c.Subject),
		Issuer:       dn(c.Issuer),
		Serial:       strings.ToLower(c.SerialNumber.Text(16)),
		NotBefore:    c.NotBefore.UTC(),
		NotAfter:     c.NotAfter.UTC(),
	}
}

// displayName is the name a person knows the certificate by: its common
// name, else its organization, else the whole subject.
func displayName(c *x509.Certificate) string {
	switch {
	case c.Subject.CommonName != "":
		return c.Subject.CommonName
	case len(c.Subject.Organization) > 0:
		return c.Subject.Organization[0]
	}
	return c.Subject.String()
}

// finish computes the overall indication and the messages in lang.
func (r *Report) finish(lang i18n.Lang) {
	r.Lang = string(lang)
	r.Indication = TotalPassed
	for _, s := range r.Signatures {
		switch {
		case s.Indication == TotalFailed:
			r.Indication = TotalFailed
		case s.Indication == Indeterminate && r.Indication != TotalFailed:
			r.Indication = Indeterminate
		}
	}
	r.Localize(lang)
}

// Localize (re)writes the report's messages in lang.
func (r *Report) Localize(lang i18n.Lang) {
	r.Lang = string(lang)
	n := len(r.Signatures)
	switch r.Indication {
	case TotalPassed:
		r.Message = i18n.T(lang, "verify.summary.passed", n)
	case TotalFailed:
		r.Message = i18n.T(lang, "verify.summary.failed", n)
	default:
		r.Message = i18n.T(lang, "verify.summary.indeterminate", n)
	}
	for _, s := range r.Signatures {
		s.Message = signatureMessage(lang, s)
	}
}

// signatureMessage explains a verdict: the indication, then why.
func signatureMessage(lang i18n.Lang, s *SignatureReport) string {
	key := "verify.sub." + s.SubIndication
	if s.SubIndication == "" || !i18n.Has(key) {
		key = "verify.ind." + string(s.Indication)
	}
	msg := i18n.T(lang, key)
	if s.Indication != TotalPassed && len(s.Changes) > 0 && !s.ChangesPermitted {
		msg += " " + i18n.T(lang, "verify.changed_after_signing")
	}
	return msg
}

// ExitCode is what `kyso verify` returns for the report: 0 when every
// signature passed, 1 when any failed, 2 when any is indeterminate.
func (r *Report) ExitCode() int {
	switch r.Indication {
	case TotalPassed:
		return 0
	case TotalFailed:
		return 1
	}
	return 2
}

// attrNames are the short names of distinguished-name attributes a report
// shows; crypto/x509 prints the ones it does not know as hex, which a clerk
// cannot read (title, organizationIdentifier, UID of Vietnamese CAs).
var attrNames = map[string]string{
	"2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
	"2.5.4.12": "T", "2.5.4.5": "serialNumber", "2.5.4.97": "organizationIdentifier",
	"0.9.2342.19200300.100.1.1": "UID", "1.2.840.113549.1.9.1": "E",
}

// dn writes a name most specific first, as people read it, with the
// attribute values as text.
func dn(n pkix.Name) string {
	// Names holds every attribute as parsed, in the certificate's order
	// (least specific first); the struct fields would drop the ones Go
	// does not name.
	atvs := n.Names
	if len(atvs) == 0 {
		for _, rdn := range n.ToRDNSequence() {
			atvs = append(atvs, rdn...)
		}
	}
	var parts []string
	for i := len(atvs) - 1; i >= 0; i-- {
		name, ok := attrNames[atvs[i].Type.String()]
		if !ok {
			name = atvs[i].Type.String()
		}
		parts = append(parts, name+"="+fmt.Sprint(atvs[i].Value))
	}
	return strings.Join(parts, ", ")
}
