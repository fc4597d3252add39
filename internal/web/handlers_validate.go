package web

import (
	"context"
	"crypto/x509"
	"errors"
	"html/template"
	"io"
	"net/http"
	"path/filepath"
	"strings"
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

// maxValidateUpload bounds a file sent to /api/v1/validate and /verify.
const maxValidateUpload = 64 << 20

// validateTimeout bounds one validation, network fetches included: a
// document can name many OCSP and CRL services.
const validateTimeout = 30 * time.Second

// readValidateUpload takes the file to validate from a multipart form
// (field "file", and "content" for a detached signature) or, for other
// software, from the raw request body. Nothing is written to disk by kyso;
// the standard library may spool a large form part to a temporary file,
// which it deletes when the request ends.
func readValidateUpload(r *http.Request) (name string, data, content []byte, err error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return "", nil, nil, apperr.Wrap(err, apperr.Invalid, "verify.form")
		}
		f, hdr, err := r.FormFile("file")
		if err != nil {
			return "", nil, nil, apperr.Wrap(err, apperr.Invalid, "verify.no_file").WithField("file")
		}
		defer f.Close()
		if data, err = io.ReadAll(io.LimitReader(f, maxValidateUpload+1)); err != nil {
			return "", nil, nil, apperr.Wrap(err, apperr.Invalid, "verify.form")
		}
		name = hdr.Filename
		if c, _, err := r.FormFile("content"); err == nil {
			defer c.Close()
			if content, err = io.ReadAll(io.LimitReader(c, maxValidateUpload+1)); err != nil {
				return "", nil, nil, apperr.Wrap(err, apperr.Invalid, "verify.form")
			}
		}
	} else {
		if data, err = io.ReadAll(io.LimitReader(r.Body, maxValidateUpload+1)); err != nil {
			return "", nil, nil, apperr.Wrap(err, apperr.TooLarge, "error.body_too_large", "64 MiB")
		}
		name = r.URL.Query().Get("name")
	}
	if len(data) > maxValidateUpload || len(content) > maxValidateUpload {
		return "", nil, nil, apperr.New(apperr.TooLarge, "error.body_too_large", "64 MiB")
	}
	if len(data) == 0 {
		return "", nil, nil, apperr.New(apperr.Invalid, "verify.no_file").WithField("file")
	}
	return filepath.Base(name), data, content, nil
}

// runValidation validates an upload within validateTimeout and maps the
// validator's refusals to clear errors.
func (s *Server) runValidation(r *http.Request, name string, data, content []byte, lang i18n.Lang) (*validate.Report, error) {
	s.validateSlots <- struct{}{}
	defer func() { <-s.validateSlots }()
	ctx, cancel := context.WithTimeout(r.Context(), validateTimeout)
	defer cancel()
	rep, err := s.app.Validator(lang).File(ctx, data, content)
	switch {
	case errors.Is(err, validate.ErrNoSignature):
		return nil, apperr.Wrap(err, apperr.Invalid, "verify.err.no_signature").WithField("file")
	case err != nil:
		return nil, apperr.Wrap(err, apperr.Invalid, "verify.err.unreadable").WithField("file")
	}
	if name != "" && name != "." {
		rep.FileName = name
	}
	return rep, nil
}

// apiValidate validates a signed PDF or CMS signature for other software and
// answers with the JSON report. Nothing is kept.
func (s *Server) apiValidate(w http.ResponseWriter, r *http.Request) error {
	name, data, content, err := readValidateUpload(r)
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	if q := r.URL.Query().Get("lang"); q != "" {
		lang = i18n.Parse(q)
	}
	rep, err := s.runValidation(r, name, data, content, lang)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

type verifyData struct {
	Report *validate.Report
	HTML   template.HTML
	Error  string
}

// verifyPage is the public page where anyone drops a signed file and reads
// the report; no login, nothing kept.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, "verify", "page.verify", verifyData{})
	return nil
}

func (s *Server) verifySubmit(w http.ResponseWriter, r *http.Request) error {
	lang := i18n.FromRequest(r)
	name, data, content, err := readValidateUpload(r)
	var rep *validate.Report
	if err == nil {
		rep, err = s.runValidation(r, name, data, content, lang)
	}
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind == apperr.Internal {
			return err
		}
		s.renderStatus(w, r, statusOf(err), "verify", verifyData{Error: ae.Message(lang)}, "page.verify")
		return nil
	}
	var b strings.Builder
	if err := rep.WriteHTMLFragment(&b, lang); err != nil {
		return err
	}
	// html/template produced b, escaping everything from the file.
	s.render(w, r, "verify", "page.verify", verifyData{Report: rep, HTML: template.HTML(b.String())})
	return nil
}
