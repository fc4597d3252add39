package web

import (
	"crypto/rsa"
	"errors"
	"time"

	"fmt"
	"github.com/kyso-vn/kyso/internal/keys"
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
	o, err := s.signOptions(r, c.CommonName)
	if err != nil {
		return err
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
	ev.Details = map[string]any{"file": filepath.Base(hdr.Filename), "bytes": st.Size(), "level": string(o.Level), "profile": string(c.Profile)}
	if err := audit.Record(r.Context(), s.app.DB, ev); err != nil {
		return err
	}
	return sendPDF(w, signed, st.Size(), hdr.Filename)
}

// sendPDF streams a signed PDF as the response.
func sendPDF(w http.ResponseWriter, f io.Reader, size int64, uploadName string) error {
	name := strings.TrimSuffix(filepath.Base(uploadName), filepath.Ext(uploadName)) + ".signed.pdf"
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	_, err := io.Copy(w, f)
	return err
}

// signOptions reads level, visible, reason and location from the form.
func (s *Server) signOptions(r *http.Request, name string) (pades.Options, error) {
	lvl, err := pades.ParseLevel(strings.ToUpper(orDefault(r.FormValue("level"), "B-B")))
	if err != nil {
		return pades.Options{}, apperr.Wrap(err, apperr.Invalid, "sign.level").WithField("level")
	}
	o := pades.Options{Level: lvl, Reason: r.FormValue("reason"), Location: r.FormValue("location")}
	if lvl != pades.LevelBB {
		if s.app.TSA == nil {
			return o, apperr.New(apperr.Conflict, "sign.no_tsa")
		}
		o.TSA = s.timeStamper()
	}
	if v := r.FormValue("visible"); v != "" {
		rect, page, err := parseVisible(v)
		if err != nil {
			return o, err
		}
		o.Appearance = &pades.Appearance{Kind: pades.KindSigner, Page: page, Rect: rect, Lines: []string{name}, ShowTime: true}
	}
	return o, nil
}

func (s *Server) timeStamper() pades.TimeStamper {
	return pades.HTTPTimeStamper(s.app.Config.PublicURL+"/tsa", nil)
}

type prepareResponse struct {
	ID        string    `json:"id"`
	ToSign    []byte    `json:"to_sign"` // base64 in JSON
	Hash      string    `json:"hash"`
	Algorithm string    `json:"algorithm"`
	ExpiresAt time.Time `json:"expires_at"`
}

// apiSignPrepare starts a signature whose key stays on the user's device
// (USB token, phone): the upload holds the PDF and the certificate chain
// the device reports; the answer is the digest the device must sign.
func (s *Server) apiSignPrepare(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "sign.form")
	}
	defer r.MultipartForm.RemoveAll()
	upload, _, err := r.FormFile("file")
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "sign.no_file").WithField("file")
	}
	defer upload.Close()
	certs, err := keys.ParseCertificates([]byte(r.FormValue("certificate")))
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "sign.certificate").WithField("certificate")
	}
	id := &keys.Identity{Cert: certs[0], Chain: certs[1:]}
	o, err := s.signOptions(r, certs[0].Subject.CommonName)
	if err != nil {
		return err
	}
	store := s.app.PendingSignatures()
	handle, dir, err := store.NewSlot()
	if err != nil {
		return err
	}
	keep := false
	defer func() {
		if !keep {
			store.Remove(handle)
		}
	}()
	in, err := os.Create(filepath.Join(dir, "in.pdf"))
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := io.Copy(in, upload); err != nil {
		return err
	}
	p, err := pades.Prepare(r.Context(), in, filepath.Join(dir, "signed.pdf"), id, o)
	if err != nil {
		if errors.Is(err, pades.ErrInput) || errors.Is(err, keys.ErrNotForSigning) {
			return apperr.Wrap(err, apperr.Invalid, "sign.input", err.Error()).WithField("file")
		}
		return err
	}
	if err := store.Save(handle, a.UserID, p); err != nil {
		return err
	}
	keep = true
	alg := "ECDSA"
	if _, ok := certs[0].PublicKey.(*rsa.PublicKey); ok {
		alg = "RSA PKCS#1 v1.5"
	}
	writeJSON(w, http.StatusCreated, prepareResponse{ID: handle, ToSign: p.ToSign, Hash: p.Hash.String(), Algorithm: alg, ExpiresAt: time.Now().Add(15 * time.Minute)})
	return nil
}

type completeRequest struct {
	ID        string `json:"id"`
	Signature []byte `json:"signature"` // base64 in JSON
}

// apiSignComplete takes the device's signature and returns the signed PDF.
func (s *Server) apiSignComplete(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	var in completeRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	store := s.app.PendingSignatures()
	p, err := store.Load(in.ID, a.UserID, s.timeStamper(), nil)
	if err != nil {
		return apperr.New(apperr.NotFound, "sign.pending_not_found")
	}
	defer store.Remove(in.ID)
	if err := p.Complete(r.Context(), in.Signature); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "sign.signature_rejected").WithField("signature")
	}
	f, err := os.Open(p.Output())
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	ev := a.Event("document.sign", "certificate", p.Certificate().SerialNumber.Text(16))
	ev.Details = map[string]any{"subject": p.Certificate().Subject.String(), "bytes": st.Size(), "two_phase": true}
	if err := audit.Record(r.Context(), s.app.DB, ev); err != nil {
		return err
	}
	return sendPDF(w, f, st.Size(), "document.pdf")
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
