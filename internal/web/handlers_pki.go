package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/pki"
)

// caCert serves a CA certificate in DER at the AIA caIssuers URL
// (RFC 5280 §4.2.2.1: a single DER certificate, application/pkix-cert).
func (s *Server) caCert(w http.ResponseWriter, r *http.Request) error {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".crt")
	ident := s.app.PKI.IdentityByID(id)
	if !ok || ident == nil {
		return apperr.New(apperr.NotFound, "pki.ca_not_found")
	}
	w.Header().Set("Content-Type", "application/pkix-cert")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err := w.Write(ident.Cert.Raw)
	return err
}

// crl serves a CA's current CRL in DER at its distribution point
// (RFC 5280 §4.2.1.13, application/pkix-crl), cacheable until it is half
// way to nextUpdate: it is reissued on every revocation anyway.
func (s *Server) crl(w http.ResponseWriter, r *http.Request) error {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".crl")
	if !ok || s.app.PKI.IdentityByID(id) == nil {
		return apperr.New(apperr.NotFound, "pki.ca_not_found")
	}
	crl, err := s.app.PKI.LatestCRL(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pkix-crl")
	w.Header().Set("Last-Modified", crl.ThisUpdate.UTC().Format(http.TimeFormat))
	w.Header().Set("ETag", `"`+id+"-"+strconv.FormatInt(crl.Number, 10)+`"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	if crl.NextUpdate.Before(time.Now()) {
		w.Header().Set("Cache-Control", "no-cache")
	}
	_, err = w.Write(crl.DER)
	return err
}

type caPageData struct {
	Identities []caIdentityView
	PublicURL  string
}

type caIdentityView struct {
	*pki.Identity
	SHA256 string
	CRL    *pki.CRL
}

// caPage shows the hierarchy: who signs what, until when, and where relying
// parties fetch certificates, CRLs, OCSP answers and time-stamps.
func (s *Server) caPage(w http.ResponseWriter, r *http.Request) error {
	d := caPageData{PublicURL: s.app.Config.PublicURL}
	for _, k := range []string{pki.KindRoot, pki.KindIssuing, pki.KindOCSP, pki.KindTSA} {
		id := s.app.PKI.Identity(k)
		if id == nil {
			continue
		}
		sum := sha256.Sum256(id.Cert.Raw)
		v := caIdentityView{Identity: id, SHA256: hex.EncodeToString(sum[:])}
		if k == pki.KindRoot || k == pki.KindIssuing {
			crl, err := s.app.PKI.LatestCRL(r.Context(), id.ID)
			if err != nil {
				return err
			}
			v.CRL = crl
		}
		d.Identities = append(d.Identities, v)
	}
	s.render(w, r, "ca", "page.ca", d)
	return nil
}
