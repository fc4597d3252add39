package web

import (
	"encoding/csv"
	"encoding/pem"
	"net/http"
	"strconv"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/ra"
)

// certFilter reads list filters from the query.
func certFilter(r *http.Request) (pki.Filter, error) {
	q := r.URL.Query()
	f := pki.Filter{AgencyID: q.Get("agency_id"), Status: pki.Status(q.Get("status")), Limit: 1000}
	switch f.Status {
	case "", pki.StatusActive, pki.StatusSuspended, pki.StatusRevoked:
	default:
		return f, apperr.InvalidField("status", "error.query_invalid", "status")
	}
	if v := q.Get("profile"); v != "" {
		p, err := pki.ParseProfile(v)
		if err != nil {
			return f, err
		}
		f.Profile = p
	}
	if v := q.Get("expiring_days"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < 1 || d > 3650 {
			return f, apperr.InvalidField("expiring_days", "error.query_invalid", "expiring_days")
		}
		f.ExpiringWithin = time.Duration(d) * 24 * time.Hour
	}
	return f, nil
}

// certJSON is a certificate with its PEM, for API callers.
type certJSON struct {
	*pki.Certificate
	PEM string `json:"pem"`
}

func withPEM(c *pki.Certificate) certJSON {
	return certJSON{Certificate: c, PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER}))}
}

type caJSON struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Name     string    `json:"name"`
	Subject  string    `json:"subject"`
	NotAfter time.Time `json:"not_after"`
	PEM      string    `json:"pem"`
}

func (s *Server) apiCA(w http.ResponseWriter, r *http.Request) error {
	var out []caJSON
	for _, k := range []string{pki.KindRoot, pki.KindIssuing, pki.KindOCSP, pki.KindTSA} {
		if id := s.app.PKI.Identity(k); id != nil {
			out = append(out, caJSON{ID: id.ID, Kind: id.Kind, Name: id.Name, Subject: id.Cert.Subject.String(), NotAfter: id.Cert.NotAfter,
				PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Cert.Raw}))})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"identities": nonNil(out)})
	return nil
}

func (s *Server) apiCertificates(w http.ResponseWriter, r *http.Request) error {
	f, err := certFilter(r)
	if err != nil {
		return err
	}
	list, err := s.app.RA.Certificates(r.Context(), actorOf(r), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"certificates": nonNil(list)})
	return nil
}

func (s *Server) apiCertificate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.app.RA.Certificate(r.Context(), actorOf(r), r.PathValue("serial"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, withPEM(c))
	return nil
}

func (s *Server) apiInventory(w http.ResponseWriter, r *http.Request) error {
	inv, err := s.app.RA.Inventory(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inv)
	return nil
}

func (s *Server) apiCertRequests(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.RA.List(r.Context(), actorOf(r), ra.State(r.URL.Query().Get("state")))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": nonNil(list)})
	return nil
}

func (s *Server) apiFileCertRequest(w http.ResponseWriter, r *http.Request) error {
	var in ra.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	req, err := s.app.RA.File(r.Context(), actorOf(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, req)
	return nil
}

func (s *Server) apiCertRequest(w http.ResponseWriter, r *http.Request) error {
	req, err := s.app.RA.Get(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

type decision struct {
	Note string `json:"note"`
}

func (s *Server) apiDecideCertRequest(approve bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in decision
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		var req *ra.Request
		var err error
		if approve {
			req, err = s.app.RA.Approve(r.Context(), actorOf(r), r.PathValue("id"), in.Note)
		} else {
			req, err = s.app.RA.Reject(r.Context(), actorOf(r), r.PathValue("id"), in.Note)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, req)
		return nil
	}
}

// Pages.

type certificatesData struct {
	Inventory *pki.Inventory
	Certs     []*pki.Certificate
	Filter    pki.Filter
	Query     string
}

func (s *Server) certificatesPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	f, err := certFilter(r)
	if err != nil {
		return err
	}
	d := certificatesData{Filter: f, Query: r.URL.RawQuery}
	if a.HasAny(org.RoleCertManager, org.RoleCertApprover, org.RoleAdmin, org.RoleInspector, org.RoleCAOperator) {
		if d.Inventory, err = s.app.RA.Inventory(r.Context(), a); err != nil {
			return err
		}
	}
	if d.Certs, err = s.app.RA.Certificates(r.Context(), a, f); err != nil {
		return err
	}
	s.render(w, r, "certificates", "page.certificates", d)
	return nil
}

// certificatesCSV exports the list the page shows, for the spreadsheets
// agencies report with. The BOM makes Excel read the Vietnamese as UTF-8.
func (s *Server) certificatesCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := certFilter(r)
	if err != nil {
		return err
	}
	f.Limit = 10000
	list, err := s.app.RA.Certificates(r.Context(), actorOf(r), f)
	if err != nil {
		return err
	}
	l := i18n.FromRequest(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="chung-thu-so.csv"`)
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{i18n.T(l, "cert.serial"), i18n.T(l, "cert.profile"), i18n.T(l, "cert.status"), i18n.T(l, "cert.holder"),
		i18n.T(l, "cert.subject"), i18n.T(l, "cert.not_before"), i18n.T(l, "cert.not_after"), i18n.T(l, "cert.revoked_at"), "SHA-256"})
	for _, c := range list {
		revoked := ""
		if !c.RevokedAt.IsZero() {
			revoked = c.RevokedAt.In(vietnam).Format(time.DateTime)
		}
		_ = cw.Write([]string{c.Serial, i18n.T(l, "profile."+string(c.Profile)), i18n.T(l, "status."+string(c.Status)), c.CommonName, c.Subject,
			c.NotBefore.In(vietnam).Format(time.DateOnly), c.NotAfter.In(vietnam).Format(time.DateOnly), revoked, c.SHA256})
	}
	cw.Flush()
	return cw.Error()
}

type certificateData struct {
	Cert    *pki.Certificate
	Manager bool // may file requests about it
}

func (s *Server) certificatePage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	c, err := s.app.RA.Certificate(r.Context(), a, r.PathValue("serial"))
	if err != nil {
		return err
	}
	d := certificateData{Cert: c, Manager: a.Has(org.RoleCertManager) && c.AgencyID == a.AgencyID}
	s.render(w, r, "certificate", "page.certificate", d)
	return nil
}

func (s *Server) certificateDownload(w http.ResponseWriter, r *http.Request) error {
	c, err := s.app.RA.Certificate(r.Context(), actorOf(r), r.PathValue("serial"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.Serial+`.pem"`)
	return pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: c.DER})
}

type certRequestsData struct {
	Requests []*ra.Request
	State    string
	Approver bool
	Manager  bool
}

func (s *Server) certRequestsPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	st := r.URL.Query().Get("state")
	list, err := s.app.RA.List(r.Context(), a, ra.State(st))
	if err != nil {
		return err
	}
	s.render(w, r, "cert_requests", "page.cert_requests", certRequestsData{Requests: list, State: st, Approver: a.Has(org.RoleCertApprover), Manager: a.Has(org.RoleCertManager)})
	return nil
}

type certRequestFormData struct {
	Input  ra.Input
	Users  []*org.User
	Agency *org.Agency
	Error  *formError
}

func (s *Server) renderCertRequestForm(w http.ResponseWriter, r *http.Request, status int, in ra.Input, fe *formError) error {
	a := actorOf(r)
	if !a.Has(org.RoleCertManager) {
		return apperr.New(apperr.Forbidden, "ra.not_manager")
	}
	ag, err := s.app.Org.GetAgency(r.Context(), a, a.AgencyID)
	if err != nil {
		return err
	}
	active := true
	users, err := s.app.Org.ListUsers(r.Context(), a, org.UserFilter{AgencyID: a.AgencyID, Active: &active})
	if err != nil {
		return err
	}
	if in.Kind == "" {
		in.Kind, in.Profile = ra.KindNew, pki.ProfilePersonal
	}
	s.renderStatus(w, r, status, "cert_request_new", certRequestFormData{Input: in, Users: users, Agency: ag, Error: fe}, "page.cert_request_new")
	return nil
}

func (s *Server) certRequestNewPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return s.renderCertRequestForm(w, r, http.StatusOK, ra.Input{Kind: ra.Kind(q.Get("kind")), TargetSerial: q.Get("serial")}, nil)
}

func (s *Server) certRequestSubmit(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	in := ra.Input{
		Kind: ra.Kind(r.PostFormValue("kind")), AgencyID: a.AgencyID, Profile: pki.Profile(r.PostFormValue("profile")),
		SubjectUserID: r.PostFormValue("subject_user_id"), TargetSerial: r.PostFormValue("target_serial"), CSR: r.PostFormValue("csr"),
		ServerKey: r.PostFormValue("key_mode") == "server", Reason: r.PostFormValue("reason"),
		IdentityNumber: r.PostFormValue("identity_number"), Note: r.PostFormValue("note"),
	}
	req, err := s.app.RA.File(r.Context(), a, in)
	if err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		return s.renderCertRequestForm(w, r, http.StatusBadRequest, in, fe)
	}
	return seeOther(w, r, "/cert-requests/"+req.ID, "created")
}

type certRequestData struct {
	Request  *ra.Request
	Approver bool
	Error    *formError
}

func (s *Server) renderCertRequest(w http.ResponseWriter, r *http.Request, status int, fe *formError) error {
	a := actorOf(r)
	req, err := s.app.RA.Get(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.renderStatus(w, r, status, "cert_request", certRequestData{Request: req, Approver: a.Has(org.RoleCertApprover) && req.RequestedBy != a.UserID, Error: fe}, "page.cert_request")
	return nil
}

func (s *Server) certRequestPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCertRequest(w, r, http.StatusOK, nil)
}

func (s *Server) certRequestDecide(approve bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var err error
		if approve {
			_, err = s.app.RA.Approve(r.Context(), actorOf(r), r.PathValue("id"), r.PostFormValue("note"))
		} else {
			_, err = s.app.RA.Reject(r.Context(), actorOf(r), r.PathValue("id"), r.PostFormValue("note"))
		}
		if err != nil {
			fe, err := formErr(r, err)
			if err != nil {
				return err
			}
			return s.renderCertRequest(w, r, http.StatusBadRequest, fe)
		}
		return seeOther(w, r, "/cert-requests/"+r.PathValue("id"), "saved")
	}
}
