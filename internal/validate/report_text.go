package validate

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/i18n"
)

// vietnam is the time zone reports show times in (UTC+7, no daylight
// saving): the zone of the signers and readers, as Decree 30 asks of
// signature times.
var vietnam = time.FixedZone("+07", 7*3600)

// WriteText writes the report for people, in lang.
func (r *Report) WriteText(w io.Writer, lang i18n.Lang) error {
	r.Localize(lang)
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	var b strings.Builder
	name := r.FileName
	if name == "" {
		name = "-"
	}
	fmt.Fprintf(&b, "%s: %s (%d bytes, SHA-256 %s)\n", t("verify.label.file"), name, r.Size, r.SHA256)
	fmt.Fprintf(&b, "%s: %s (%s)\n  %s\n", t("verify.label.result"), IndicationWord(lang, r.Indication), r.Indication, r.Message)
	fmt.Fprintf(&b, "%s: %s\n", t("verify.label.validated_at"), FormatTime(r.ValidatedAt))
	for _, s := range r.Signatures {
		b.WriteString("\n")
		fmt.Fprintf(&b, "%s %d — %s", t("verify.label.signature"), s.Index, t("verify.kind."+s.Kind))
		if s.Field != "" {
			fmt.Fprintf(&b, " (%s %q", t("verify.label.field"), s.Field)
			if s.Page > 0 {
				fmt.Fprintf(&b, ", %s %d", t("verify.label.page"), s.Page)
			}
			b.WriteString(")")
		}
		b.WriteString("\n")
		line := func(label, value string) {
			if value != "" {
				fmt.Fprintf(&b, "  %s: %s\n", label, value)
			}
		}
		if s.Signer != nil {
			v := s.Signer.Name
			if s.Signer.Organization != "" && s.Signer.Organization != s.Signer.Name {
				v += " — " + s.Signer.Organization
			}
			line(t("verify.label.signer"), v)
			line(t("verify.label.issuer"), s.Signer.Issuer)
			line(t("verify.label.cert_validity"), FormatTime(s.Signer.NotBefore)+" → "+FormatTime(s.Signer.NotAfter))
		}
		if !s.SigningTime.IsZero() {
			line(t("verify.label.signing_time"), FormatTime(s.SigningTime)+" ("+t("verify.time_source."+s.SigningTimeSource)+")")
		}
		for _, ts := range s.TimeStamps {
			v := FormatTime(ts.Time)
			if ts.TSA != "" {
				v += ", " + ts.TSA
			}
			if !ts.Valid {
				v += " — " + t("verify.timestamp_invalid") + ": " + ts.Problem
			}
			line(t("verify.label.timestamp"), v)
		}
		line(t("verify.label.reason"), s.Reason)
		line(t("verify.label.location"), s.Location)
		for i, c := range s.Chain {
			label := t("verify.label.chain")
			if i > 0 {
				label = strings.Repeat(" ", len([]rune(label)))
			}
			v := c.Subject
			if c.Revocation != "" {
				v += " [" + t("verify.revocation."+c.Revocation)
				if c.Source != "" {
					v += ": " + c.Source
				}
				v += "]"
			}
			line(label, v)
		}
		if !s.CoversWholeDocument {
			if len(s.Changes) == 0 {
				line(t("verify.label.changes"), t("verify.changes.none"))
			}
			for _, c := range s.Changes {
				v := c.Text(lang)
				if c.Page > 0 {
					v += fmt.Sprintf(" (%s %d)", t("verify.label.page"), c.Page)
				}
				if c.Allowed {
					v = t("verify.changes.allowed") + ": " + v
				} else {
					v = t("verify.changes.not_allowed") + ": " + v
				}
				line(t("verify.label.changes"), v)
			}
		}
		res := IndicationWord(lang, s.Indication) + " (" + string(s.Indication)
		if s.SubIndication != "" {
			res += " / " + s.SubIndication
		}
		line(t("verify.label.result"), res+")")
		line(t("verify.label.explanation"), s.Message)
		for _, d := range s.Details {
			line(t("verify.label.detail"), d)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// IndicationWord is the indication in one word a clerk understands.
func IndicationWord(lang i18n.Lang, ind Indication) string {
	return i18n.T(lang, "verify.word."+string(ind))
}

// FormatTime shows a time in Vietnam's zone with its offset (ISO 8601).
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format("2006-01-02 15:04:05 -07:00")
}
