package pki

import "github.com/kyso-vn/kyso/internal/apperr"

// Reason is an RFC 5280 §5.3.1 CRLReason code.
type Reason int

// Reasons kyso accepts for revocation. certificateHold (6) is used only by
// suspension, and removeFromCRL (8) only inside delta CRLs, which kyso does
// not issue.
var reasons = map[string]Reason{
	"unspecified":          0,
	"keyCompromise":        1,
	"cACompromise":         2,
	"affiliationChanged":   3,
	"superseded":           4,
	"cessationOfOperation": 5,
	"privilegeWithdrawn":   9,
}

// ReasonHold is certificateHold, the reason of a suspension.
const ReasonHold Reason = 6

// ParseReason reads a reason by its RFC 5280 name.
func ParseReason(s string) (Reason, error) {
	if r, ok := reasons[s]; ok {
		return r, nil
	}
	return 0, apperr.InvalidField("reason", "pki.reason_unknown", s)
}

// ReasonNames lists the names ParseReason accepts.
func ReasonNames() []string {
	return []string{"unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn"}
}

// String returns the RFC 5280 name.
func (r Reason) String() string {
	for n, v := range reasons {
		if v == r {
			return n
		}
	}
	if r == ReasonHold {
		return "certificateHold"
	}
	return "unspecified"
}
