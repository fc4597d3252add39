package web

import (
	"crypto/x509"
	"net/http"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/validate"
	"github.com/kyso-vn/kyso/internal/validate/revocation"
)

type certValidateRequest struct {
	PEM string `json:"pem"`
}

// apiValidateCertificate answers other software's "may I rely on this
// certificate now?": the path to kyso's root, each certificate's
// revocation status and where it came from. The answer is live: OCSP and
// CRLs are asked every time, not taken from the cache that document
// validation uses (which keeps answers until nextUpdate, up to a day), so
// a revocation shows at once.
func (s *Server) apiValidateCertificate(w http.ResponseWriter, r *http.Request) error {
	var in certValidateRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	certs, err := keys.ParseCertificates([]byte(in.PEM))
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "validate.cert_input").WithField("pem")
	}
	var anchors []*x509.Certificate
	if chain := s.app.PKI.Chain(); len(chain) > 0 {
		anchors = chain[len(chain)-1:]
		certs = append(certs, chain[:len(chain)-1]...)
	}
	rc := &revocation.Checker{Client: &http.Client{Timeout: 10 * time.Second}}
	writeJSON(w, http.StatusOK, validate.Certificate(r.Context(), certs, anchors, rc, time.Now(), i18n.FromRequest(r)))
	return nil
}
