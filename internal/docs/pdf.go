package docs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"strings"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/docs/search"
	"github.com/kyso-vn/kyso/internal/pdf"
	"github.com/kyso-vn/kyso/internal/store"
)

// lastPage opens a PDF and returns its number of pages, which is also the
// page the leader signs on; an unreadable file is the user's to fix.
func lastPage(data []byte) (int, error) {
	doc, err := pdf.Open(bytes.NewReader(data), int64(len(data)), pdf.WithMaxSize(MaxFileSize))
	if err != nil {
		if errors.Is(err, pdf.ErrEncrypted) {
			return 0, apperr.Wrap(err, apperr.Invalid, "docs.pdf_encrypted").WithField("file")
		}
		return 0, apperr.Wrap(err, apperr.Invalid, "docs.pdf_invalid", err.Error()).WithField("file")
	}
	if doc.NumPages() == 0 {
		return 0, apperr.InvalidField("file", "docs.pdf_invalid", "no pages")
	}
	return doc.NumPages(), nil
}

// convertTimeout bounds one LibreOffice conversion.
const convertTimeout = 2 * time.Minute

// convertWithLibreOffice turns an office document into PDF with
// LibreOffice, headless, in a private profile and folder.
func convertWithLibreOffice(ctx context.Context, name string, data []byte) ([]byte, error) {
	bin, err := exec.LookPath("soffice")
	if err != nil {
		if bin, err = exec.LookPath("libreoffice"); err != nil {
			return nil, apperr.New(apperr.Invalid, "docs.no_libreoffice").WithField("file")
		}
	}
	dir, err := os.MkdirTemp("", "kyso-convert-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "input"+filepath.Ext(name))
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, convertTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, apperr.Wrap(fmt.Errorf("%w: %s", err, out), apperr.Invalid, "docs.convert_failed").WithField("file")
	}
	pdfData, err := os.ReadFile(filepath.Join(dir, "input.pdf"))
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "docs.convert_failed").WithField("file")
	}
	return pdfData, nil
}

// index updates the search index in the caller's transaction: metadata,
// and the text of file when given (a PDF whose text cannot be extracted,
// a scan, is indexed by its metadata).
func (s *Service) index(ctx context.Context, h store.Handle, d *Document, file []byte) error {
	if s.o.NoIndex {
		return nil
	}
	// Read the row as this transaction sees it: names joined, number and
	// status as they are now.
	if fresh, err := s.scanDocument(h.QueryRowContext(ctx, `SELECT `+docColumns+docFrom+` WHERE d.id = ?`, d.ID)); err == nil {
		d = fresh
	}
	e := search.Entry{DocID: d.ID, AgencyID: d.AgencyID, Direction: search.Outgoing, Status: string(d.Status), TypeCode: d.TypeCode,
		Date: d.CreatedAt, TypeName: d.TypeName, Subject: d.Subject, Issuer: d.AgencyName, Signer: d.SignerName}
	if d.Direction == Incoming {
		e.Direction, e.Issuer = search.Incoming, d.SenderName
	}
	if !d.IssuedAt.IsZero() {
		e.Date = d.IssuedAt
	}
	if d.Symbol != "" {
		num, notation, _ := strings.Cut(d.Symbol, "/")
		e.Number, e.Symbol = num, notation
	}
	if file != nil {
		if text, err := search.ExtractText(bytes.NewReader(file), int64(len(file))); err == nil {
			e.Body = text
		}
	} else {
		e.Body = s.indexedBody(ctx, h, d.ID)
	}
	if err := search.Index(ctx, h, e); err != nil {
		return fmt.Errorf("docs: index %s: %w", d.ID, err)
	}
	return nil
}

// indexedBody re-extracts the latest file's text, for updates that change
// only metadata (status, number).
func (s *Service) indexedBody(ctx context.Context, q store.Querier, id string) string {
	v, err := s.latest(ctx, q, id)
	if err != nil {
		return ""
	}
	data, err := s.read(ctx, v.Blob)
	if err != nil {
		return ""
	}
	text, _ := search.ExtractText(bytes.NewReader(data), int64(len(data)))
	return text
}
