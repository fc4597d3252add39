package web

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/pki"
)

// apiSign signs an uploaded PDF with a key kyso holds (remote signing):
// as=person uses the caller's own personal certificate; as=agency uses
// the caller's agency's organization certificate and needs the clerk role
// (the agency's signature is the clerk's to apply, Decree 30/2020 Art. 14).
// The signed PDF is the response; nothing is kept but the audit event.
func (s *Server) apiSign(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "sign.form")
	}
	defer r.MultipartForm.RemoveAll()
	upload, hdr, err := r.FormFile("file")
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "sign.no_file").WithField("file")
	}
	defer upload.Close()
	var c *pki.Certificate
	switch as := r.FormValue("as"); as {
	case "", "person":
		c, err = s.app.PKI.SigningCertificate(r.Context(), pki.ProfilePersonal, a.UserID, "")
	case "agency":
		if !a.Has(org.RoleClerk) {
			return apperr.New(apperr.Forbidden, "sign.agency_needs_clerk")
		}
		c, err = s.app.PKI.SigningCertificate(r.Context(), pki.ProfileOrganization, "", a.AgencyID)
	default:
		return apperr.InvalidField("as", "error.query_invalid", "as")
	}
	if err != nil {
		return err
	}
	lvl, err := pades.ParseLevel(strings.ToUpper(orDefault(r.FormValue("level"), "B-B")))
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "sign.level").WithField("level")
	}
	o := pades.Options{Level: lvl, Reason: r.FormValue("reason"), Location: r.FormValue("location")}
	if lvl != pades.LevelBB {
		if s.app.TSA == nil {
			return apperr.New(apperr.Conflict, "sign.no_tsa")
		}
		o.TSA = pades.HTTPTimeStamper(s.app.Config.PublicURL+"/tsa", nil)
	}
	if v := r.FormValue("visible"); v != "" {
		rect, page, err := parseVisible(v)
		if err != nil {
			return err
		}
		o.Appearance = &pades.Appearance{Kind: pades.KindSigner, Page: page, Rect: rect, Lines: []string{c.CommonName}}
	}
	id, err := s.app.PKI.SubscriberSigner(r.Context(), c)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kyso-sign-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in, err := os.Create(filepath.Join(dir, "in.pdf"))
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := io.Copy(in, upload); err != nil {
		return err
	}
	out := filepath.Join(dir, "signed.pdf")
	if err := pades.Sign(r.Context(), in, out, id, o); err != nil {
		if strings.Contains(err.Error(), "pades: input") || strings.Contains(err.Error(), "pades: image") {
			return apperr.Wrap(err, apperr.Invalid, "sign.input", err.Error()).WithField("file")
		}
		return err
	}
	signed, err := os.Open(out)
	if err != nil {
		return err
	}
	defer signed.Close()
	st, _ := signed.Stat()
	ev := a.Event("document.sign", "certificate", c.Serial)
	ev.Details = map[string]any{"file": filepath.Base(hdr.Filename), "bytes": st.Size(), "level": string(lvl), "profile": string(c.Profile)}
	if err := audit.Record(r.Context(), s.app.DB, ev); err != nil {
		return err
	}
	name := strings.TrimSuffix(filepath.Base(hdr.Filename), filepath.Ext(hdr.Filename)) + ".signed.pdf"
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	_, err = io.Copy(w, signed)
	return err
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// parseVisible reads PAGE:X,Y,W,H.
func parseVisible(v string) (pades.Rect, int, error) {
	bad := apperr.InvalidField("visible", "sign.visible", v)
	page, rest, ok := strings.Cut(v, ":")
	p, err := strconv.Atoi(page)
	nums := strings.Split(rest, ",")
	if !ok || err != nil || p < 1 || len(nums) != 4 {
		return pades.Rect{}, 0, bad
	}
	var f [4]float64
	for i, n := range nums {
		if f[i], err = strconv.ParseFloat(strings.TrimSpace(n), 64); err != nil || f[i] < 0 || f[i] > 14400 {
			return pades.Rect{}, 0, bad
		}
	}
	return pades.Rect{X: f[0], Y: f[1], W: f[2], H: f[3]}, p, nil
}
