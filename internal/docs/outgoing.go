package docs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/docs/register"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/validate"
)

// DraftInput is what a specialist fills in for a new outgoing document.
type DraftInput struct {
	TypeCode        string `json:"type_code"`
	Subject         string `json:"subject"`
	Urgency         string `json:"urgency"`
	Confidentiality string `json:"confidentiality"`
	SignerID        string `json:"signer_id"`
	// Recipients: agencies of this deployment by id, others by their
	// identifier code.
	RecipientIDs   []string `json:"recipient_ids"`
	RecipientCodes []string `json:"recipient_codes"`
	// ReplyTo links the draft to the incoming document it answers.
	ReplyTo string `json:"reply_to,omitempty"`
	// Replaces names an issued document of the agency that this one
	// replaces once issued.
	Replaces string `json:"replaces,omitempty"`
	FileName string `json:"file_name"`
	File     []byte `json:"-"`
}

// CreateDraft starts an outgoing document. DOCX and ODT are converted to
// PDF (with LibreOffice); anything else must be a PDF.
func (s *Service) CreateDraft(ctx context.Context, a *org.Actor, in DraftInput) (*Document, error) {
	if !a.HasAny(org.RoleSpecialist, org.RoleLeader, org.RoleClerk) || a.AgencyID == "" {
		return nil, apperr.New(apperr.Forbidden, "docs.cannot_draft")
	}
	in.Subject = clean(in.Subject)
	if in.Urgency == "" {
		in.Urgency = "normal"
	}
	if in.Confidentiality == "" {
		in.Confidentiality = "normal"
	}
	switch {
	case in.Subject == "":
		return nil, apperr.InvalidField("subject", "docs.subject_required")
	case len(in.Subject) > 2000:
		return nil, apperr.InvalidField("subject", "docs.subject_too_long")
	case !slices.Contains(Urgencies, in.Urgency):
		return nil, apperr.InvalidField("urgency", "docs.urgency_invalid")
	case !slices.Contains(Confidentialities, in.Confidentiality):
		return nil, apperr.InvalidField("confidentiality", "docs.confidentiality_invalid")
	}
	t, err := register.Type(ctx, s.o.DB, in.TypeCode)
	if err != nil {
		return nil, apperr.InvalidField("type_code", "docs.type_invalid")
	}
	if t.Abbreviation == "" && a.DepartmentID == "" {
		// A công văn's symbol names the drafting unit (1277/STTTT-BCVT&CNTT):
		// say so now, not when the clerk issues it.
		return nil, apperr.InvalidField("type_code", "docs.needs_department")
	}
	signer, err := s.o.Org.UserByID(ctx, in.SignerID)
	if err != nil || signer.AgencyID != a.AgencyID || !slices.Contains(signer.Roles, org.RoleLeader) || !signer.Active {
		return nil, apperr.InvalidField("signer_id", "docs.signer_invalid")
	}
	recipients, err := s.resolveRecipients(ctx, a, in.RecipientIDs, in.RecipientCodes)
	if err != nil {
		return nil, err
	}
	for _, r := range recipients {
		if r.AgencyID == "" && s.o.Send == nil {
			return nil, apperr.InvalidField("recipient_codes", "docs.no_exchange")
		}
	}
	pdfData, name, err := s.toPDF(ctx, in.FileName, in.File)
	if err != nil {
		return nil, err
	}
	now := s.o.Now()
	d := &Document{ID: store.NewID(), AgencyID: a.AgencyID, Direction: Outgoing, Status: StatusDraft, TypeCode: in.TypeCode,
		Subject: in.Subject, Urgency: in.Urgency, Confidentiality: in.Confidentiality, DepartmentID: a.DepartmentID,
		CreatedBy: a.UserID, SignerID: signer.ID, ReplyTo: in.ReplyTo, Replaces: in.Replaces, CreatedAt: now, UpdatedAt: now}
	err = s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.ReplyTo != "" {
			if _, err := s.load(ctx, tx, a, in.ReplyTo); err != nil {
				return apperr.InvalidField("reply_to", "docs.reply_to_invalid")
			}
		}
		if in.Replaces != "" {
			old, err := s.load(ctx, tx, a, in.Replaces)
			if err != nil || old.AgencyID != a.AgencyID || old.Direction != Outgoing || old.Status != StatusIssued {
				return apperr.InvalidField("replaces", "docs.replaces_invalid")
			}
		}
		var dept any
		if d.DepartmentID != "" {
			dept = d.DepartmentID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, agency_id, direction, status, type_code, subject, urgency, confidentiality,
			department_id, created_by, signer_id, reply_to, replaces, created_at, updated_at) VALUES (?, ?, 'out', 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.AgencyID, d.TypeCode, d.Subject, d.Urgency, d.Confidentiality, dept, d.CreatedBy, d.SignerID, d.ReplyTo, d.Replaces,
			store.Micros(now), store.Micros(now)); err != nil {
			return fmt.Errorf("docs: create draft: %w", err)
		}
		for _, r := range recipients {
			var ag any
			if r.AgencyID != "" {
				ag = r.AgencyID
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO document_recipients (id, document_id, agency_id, organ_code, name) VALUES (?, ?, ?, ?, ?)`,
				store.NewID(), d.ID, ag, r.OrganCode, r.Name); err != nil {
				return fmt.Errorf("docs: recipients: %w", err)
			}
		}
		if _, err := s.addVersion(ctx, tx, a, d.ID, "draft", name, pdfData, ""); err != nil {
			return err
		}
		if err := s.index(ctx, tx, d, pdfData); err != nil {
			return err
		}
		return s.event(ctx, tx, a, d, "drafted", "", "", nil)
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.o.DB, a, d.ID)
}

// resolveRecipients checks the recipients: agencies of this deployment by
// id, others by identifier code (an agency of this deployment named by its
// code counts as internal).
func (s *Service) resolveRecipients(ctx context.Context, a *org.Actor, ids, codes []string) ([]Recipient, error) {
	var out []Recipient
	seen := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" || seen[id] {
			continue
		}
		ag, err := s.o.Org.GetAgency(ctx, org.SystemActor("docs"), id)
		if err != nil || !ag.Active {
			return nil, apperr.InvalidField("recipient_ids", "docs.recipient_invalid", id)
		}
		seen[id] = true
		out = append(out, Recipient{AgencyID: ag.ID, OrganCode: ag.Code, Name: ag.Name})
	}
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if ag, err := s.o.Org.AgencyByCode(ctx, c); err == nil {
			if !seen[ag.ID] {
				seen[ag.ID] = true
				out = append(out, Recipient{AgencyID: ag.ID, OrganCode: ag.Code, Name: ag.Name})
			}
			continue
		}
		if !org.ValidCode(c) {
			return nil, apperr.InvalidField("recipient_codes", "docs.recipient_code_invalid", c)
		}
		out = append(out, Recipient{OrganCode: c, Name: c})
	}
	return out, nil
}

// ReviseDraft replaces the file of a draft or returned document with a new
// version (the review comments answered).
func (s *Service) ReviseDraft(ctx context.Context, a *org.Actor, id, fileName string, file []byte) error {
	data, name, err := s.toPDF(ctx, fileName, file)
	if err != nil {
		return err
	}
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if d.CreatedBy != a.UserID {
			return apperr.New(apperr.Forbidden, "docs.only_drafter")
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusDraft, StatusReturned}, StatusDraft); err != nil {
			return err
		}
		if _, err := s.addVersion(ctx, tx, a, id, "draft", name, data, ""); err != nil {
			return err
		}
		if err := s.index(ctx, tx, d, data); err != nil {
			return err
		}
		return s.event(ctx, tx, a, d, "revised", "", "", nil)
	})
}

// Submit sends a draft to reviewers, or straight to the signer when there
// are none (trình ký).
func (s *Service) Submit(ctx context.Context, a *org.Actor, id string, reviewerIDs []string) error {
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if d.CreatedBy != a.UserID {
			return apperr.New(apperr.Forbidden, "docs.only_drafter")
		}
		var reviewers []string
		for _, r := range reviewerIDs {
			if r = strings.TrimSpace(r); r == "" || slices.Contains(reviewers, r) {
				continue
			}
			u, err := s.o.Org.UserByID(ctx, r)
			if err != nil || u.AgencyID != d.AgencyID || !u.Active || u.ID == a.UserID {
				return apperr.InvalidField("reviewer_ids", "docs.reviewer_invalid")
			}
			reviewers = append(reviewers, u.ID)
		}
		if len(reviewers) == 0 {
			if err := s.setStatus(ctx, tx, d, []Status{StatusDraft}, StatusApproved); err != nil {
				return err
			}
			if err := s.notify(ctx, tx, []string{d.SignerID}, d.ID, "notify.to_sign", d.Subject); err != nil {
				return err
			}
			return s.event(ctx, tx, a, d, "submitted_for_signature", "", "", nil)
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusDraft}, StatusInReview); err != nil {
			return err
		}
		var round int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(round), 0) + 1 FROM document_reviews WHERE document_id = ?`, id).Scan(&round); err != nil {
			return err
		}
		for _, r := range reviewers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO document_reviews (id, document_id, round, reviewer_id, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)`,
				store.NewID(), id, round, r, store.Micros(s.o.Now())); err != nil {
				return fmt.Errorf("docs: reviews: %w", err)
			}
		}
		if err := s.notify(ctx, tx, reviewers, d.ID, "notify.to_review", d.Subject); err != nil {
			return err
		}
		return s.event(ctx, tx, a, d, "submitted_for_review", "", "", nil)
	})
}

// Review records a reviewer's decision: approve, or return with a comment.
// When every reviewer of the round approved, the document goes to the
// signer; one return sends it back to the drafter.
func (s *Service) Review(ctx context.Context, a *org.Actor, id string, approve bool, comment string) error {
	comment = clean(comment)
	if !approve && comment == "" {
		return apperr.InvalidField("comment", "docs.return_needs_comment")
	}
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if d.Status != StatusInReview {
			return apperr.New(apperr.Conflict, "docs.wrong_status")
		}
		status := "approved"
		if !approve {
			status = "returned"
		}
		res, err := tx.ExecContext(ctx, `UPDATE document_reviews SET status = ?, comment = ?, decided_at = ?
			WHERE document_id = ? AND reviewer_id = ? AND status = 'pending'`, status, comment, store.Micros(s.o.Now()), id, a.UserID)
		if err != nil {
			return fmt.Errorf("docs: review: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Forbidden, "docs.not_reviewer")
		}
		if !approve {
			if err := s.setStatus(ctx, tx, d, []Status{StatusInReview}, StatusReturned); err != nil {
				return err
			}
			// The round ends: the others need not decide.
			if _, err := tx.ExecContext(ctx, `UPDATE document_reviews SET status = 'cancelled' WHERE document_id = ? AND status = 'pending'`, id); err != nil {
				return err
			}
			if err := s.notify(ctx, tx, []string{d.CreatedBy}, d.ID, "notify.returned", d.Subject); err != nil {
				return err
			}
			return s.event(ctx, tx, a, d, "returned", comment, "", nil)
		}
		var pending int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_reviews WHERE document_id = ? AND status = 'pending'`, id).Scan(&pending); err != nil {
			return err
		}
		if err := s.event(ctx, tx, a, d, "approved", comment, "", nil); err != nil {
			return err
		}
		if pending > 0 {
			return nil
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusInReview}, StatusApproved); err != nil {
			return err
		}
		return s.notify(ctx, tx, []string{d.SignerID}, d.ID, "notify.to_sign", d.Subject)
	})
}

// Layout says where the signatures, number and date go on the page (in
// points from the bottom-left of the page as displayed). The defaults fit
// an A4 page laid out as Decree 30 Appendix I shows.
type Layout struct {
	SignerPage int        // 0: the last page
	Signer     pades.Rect // the leader's signature (box 7)
	Number     pades.Rect // "Số: …" (box 2), first page
	Date       pades.Rect // place and date (box 4), first page
	SealSize   float64    // diameter of the seal, points
}

// DefaultLayout is the layout used when none is given.
var DefaultLayout = Layout{
	Signer:   pades.Rect{X: 330, Y: 110, W: 200, H: 80},
	Number:   pades.Rect{X: 60, Y: 735, W: 230, H: 18},
	Date:     pades.Rect{X: 300, Y: 735, W: 260, H: 18},
	SealSize: 100,
}

// Sign applies the leader's personal signature (PAdES, visible) with the
// key kyso holds for the leader. Only the signer the drafter named signs.
func (s *Service) Sign(ctx context.Context, a *org.Actor, id string) error {
	d, err := s.load(ctx, s.o.DB, a, id)
	if err != nil {
		return err
	}
	if d.SignerID != a.UserID || !a.Has(org.RoleLeader) {
		return apperr.New(apperr.Forbidden, "docs.not_signer")
	}
	if d.Status != StatusApproved {
		return apperr.New(apperr.Conflict, "docs.wrong_status")
	}
	cert, err := s.o.PKI.SigningCertificate(ctx, pki.ProfilePersonal, a.UserID, "")
	if err != nil {
		return err
	}
	id2, err := s.o.PKI.SubscriberSigner(ctx, cert)
	if err != nil {
		return err
	}
	v, err := s.latest(ctx, s.o.DB, id)
	if err != nil {
		return err
	}
	data, err := s.read(ctx, v.Blob)
	if err != nil {
		return err
	}
	user, err := s.o.Org.UserByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	page, err := lastPage(data)
	if err != nil {
		return err
	}
	lines := []string{user.FullName}
	if user.Title != "" {
		lines = append([]string{strings.ToUpper(user.Title)}, lines...)
	}
	signed, err := s.signPDF(ctx, data, id2, pades.Options{
		Reason: "Ký ban hành", Appearance: &pades.Appearance{Kind: pades.KindSigner, Page: page, Rect: DefaultLayout.Signer, Lines: lines, ShowTime: true},
	}, nil)
	if err != nil {
		return err
	}
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusApproved}, StatusSigned); err != nil {
			return err
		}
		if _, err := s.addVersion(ctx, tx, a, id, "signed", signedName(v.FileName), signed, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET signed_digitally = TRUE WHERE id = ?`, id); err != nil {
			return err
		}
		clerks, err := s.usersWithRole(ctx, tx, d.AgencyID, org.RoleClerk)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, clerks, d.ID, "notify.to_issue", d.Subject); err != nil {
			return err
		}
		if err := s.notify(ctx, tx, []string{d.CreatedBy}, d.ID, "notify.signed", d.Subject); err != nil {
			return err
		}
		return s.event(ctx, tx, a, d, "signed", "", "", map[string]any{"certificate": cert.Serial})
	})
}

// ErrConfidential is why a secret document is not issued electronically.
var errConfidential = apperr.New(apperr.Conflict, "docs.confidential_no_electronic")

// Issue gives the document its number and date from the agency's register,
// writes them on the first page, applies the organization's signature over
// the leader's (Decree 30 Art. 14, App. I box 8), and sends it to its
// recipients: agencies of this deployment receive it at once, as an
// incoming document. Only the agency's clerk issues. A document marked
// secret is never sent electronically.
//
// The number is taken in its own transaction and kept by the document
// (status issuing), so that the slow part (signing) runs outside the
// register's lock and a failure there is retried with the same number:
// no gap, no second number.
func (s *Service) Issue(ctx context.Context, a *org.Actor, id string) (*Document, error) {
	d, err := s.load(ctx, s.o.DB, a, id)
	if err != nil {
		return nil, err
	}
	if !a.Has(org.RoleClerk) || a.AgencyID != d.AgencyID {
		return nil, apperr.New(apperr.Forbidden, "docs.only_clerk")
	}
	if d.Confidentiality != "normal" {
		return nil, errConfidential
	}
	if d.Status != StatusSigned && d.Status != StatusIssuing {
		return nil, apperr.New(apperr.Conflict, "docs.wrong_status")
	}
	if s.o.Send == nil {
		// Refuse before a number is taken: the document could not leave.
		var external int
		if err := s.o.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_recipients WHERE document_id = ? AND agency_id IS NULL`, id).Scan(&external); err != nil {
			return nil, err
		}
		if external > 0 {
			return nil, apperr.New(apperr.Conflict, "docs.no_exchange")
		}
	}
	if d.Status == StatusSigned {
		if err := s.o.DB.InTx(ctx, func(tx *store.Tx) error {
			d, err = s.load(ctx, tx, a, id)
			if err != nil {
				return err
			}
			if err := s.setStatus(ctx, tx, d, []Status{StatusSigned}, StatusIssuing); err != nil {
				return err
			}
			return s.allocateNumber(ctx, tx, d)
		}); err != nil {
			return nil, err
		}
	}
	final, err := s.numberAndSeal(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("docs: issue %s: %w", d.Symbol, err)
	}
	var report *validate.Report
	if s.o.Validate != nil {
		report, _ = s.o.Validate(ctx, final)
	}
	err = s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err = s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusIssuing}, StatusIssued); err != nil {
			return err
		}
		if _, err := s.addVersion(ctx, tx, a, id, "issued", IssuedFileName(d), final, ""); err != nil {
			return err
		}
		if err := s.index(ctx, tx, d, final); err != nil {
			return err
		}
		if err := s.event(ctx, tx, a, d, "issued", "", "", map[string]any{"number": d.Number}); err != nil {
			return err
		}
		if err := s.deliverInternally(ctx, tx, a, d, final, report); err != nil {
			return err
		}
		if err := s.replaceEarlier(ctx, tx, a, d); err != nil {
			return err
		}
		return s.sendExternally(ctx, tx, d, final)
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.o.DB, a, id)
}

// allocateNumber takes the next number of the agency's outgoing register
// for the document's type and writes number, symbol and date on it.
func (s *Service) allocateNumber(ctx context.Context, tx *store.Tx, d *Document) error {
	t, err := register.Type(ctx, tx, d.TypeCode)
	if err != nil {
		return err
	}
	ag, err := s.o.Org.GetAgency(ctx, org.SystemActor("docs"), d.AgencyID)
	if err != nil {
		return err
	}
	now := s.o.Now()
	alloc, err := register.Allocate(ctx, tx, register.NewKey(d.AgencyID, register.Outgoing, register.SeriesFor(t, d.Confidentiality != "normal"), now))
	if err != nil {
		return err
	}
	// The drafting unit's abbreviation follows the agency's in the symbol
	// of a công văn (1277/STTTT-BCVT&CNTT), which has no type
	// abbreviation to tell documents apart (Decree 30 App. I).
	unit := ""
	if d.DepartmentID != "" && t.Abbreviation == "" {
		unit = s.departmentShortName(ctx, tx, d.DepartmentID)
	}
	symbol, err := register.Symbol(alloc.Number, t.Abbreviation, ag.ShortName, unit)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET number = ?, symbol = ?, register_id = ?, issued_at = ?, updated_at = ? WHERE id = ?`,
		alloc.Number, symbol, alloc.RegisterID, store.Micros(now), store.Micros(now), d.ID); err != nil {
		return fmt.Errorf("docs: number: %w", err)
	}
	d.Number, d.Symbol, d.IssuedAt = alloc.Number, symbol, now
	return nil
}

// departmentShortName is the drafting unit's abbreviation in a symbol
// (12/BC-VP); empty when the department has none.
func (s *Service) departmentShortName(ctx context.Context, q store.Querier, id string) string {
	var short string
	if err := q.QueryRowContext(ctx, `SELECT short_name FROM departments WHERE id = ?`, id).Scan(&short); err != nil {
		return ""
	}
	return short
}

// numberAndSeal writes number and date on the leader's signed file and
// applies the organization's signature.
func (s *Service) numberAndSeal(ctx context.Context, d *Document) ([]byte, error) {
	v, err := s.latest(ctx, s.o.DB, d.ID)
	if err != nil {
		return nil, err
	}
	if v.Kind != "signed" {
		return nil, apperr.New(apperr.Conflict, "docs.not_signed_yet")
	}
	data, err := s.read(ctx, v.Blob)
	if err != nil {
		return nil, err
	}
	ag, err := s.o.Org.GetAgency(ctx, org.SystemActor("docs"), d.AgencyID)
	if err != nil {
		return nil, err
	}
	cert, err := s.o.PKI.SigningCertificate(ctx, pki.ProfileOrganization, "", d.AgencyID)
	if err != nil {
		return nil, err
	}
	idn, err := s.o.PKI.SubscriberSigner(ctx, cert)
	if err != nil {
		return nil, err
	}
	page, err := lastPage(data)
	if err != nil {
		return nil, err
	}
	boxes := []pades.TextBox{
		{Page: 1, Rect: DefaultLayout.Number, Lines: []string{register.NumberLine(d.Symbol)}},
		{Page: 1, Rect: DefaultLayout.Date, Lines: []string{register.DateLine(s.Place(ctx, ag), d.IssuedAt)}, Italic: true},
	}
	return s.signPDF(ctx, data, idn, pades.Options{
		Reason:     "Phát hành văn bản " + d.Symbol,
		Appearance: &pades.Appearance{Kind: pades.KindSeal, Page: page, Rect: pades.SealRect(DefaultLayout.Signer, DefaultLayout.SealSize), Lines: []string{ag.Name}},
	}, boxes)
}

// Place is the place name of the date line: the province of the agency
// tree's root ("UBND tỉnh Quảng Ngãi" → "Quảng Ngãi").
func (s *Service) Place(ctx context.Context, ag *org.Agency) string {
	root := ag
	for root.ParentID != "" {
		p, err := s.o.Org.GetAgency(ctx, org.SystemActor("docs"), root.ParentID)
		if err != nil {
			break
		}
		root = p
	}
	for _, prefix := range []string{"tỉnh ", "thành phố ", "Tỉnh ", "Thành phố "} {
		if i := strings.Index(root.Name, prefix); i >= 0 {
			return strings.TrimSpace(root.Name[i+len(prefix):])
		}
	}
	return root.Name
}

// signPDF signs data (after writing boxes, if any) in a private temporary
// folder and returns the signed bytes.
func (s *Service) signPDF(ctx context.Context, data []byte, id *keys.Identity, o pades.Options, boxes []pades.TextBox) ([]byte, error) {
	dir, err := os.MkdirTemp("", "kyso-docs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	if len(boxes) > 0 {
		f, err := os.Open(in)
		if err != nil {
			return nil, err
		}
		err = pades.AddText(ctx, f, filepath.Join(dir, "text.pdf"), boxes)
		f.Close()
		if err != nil {
			return nil, err
		}
		in = filepath.Join(dir, "text.pdf")
	}
	if s.o.TSA != nil {
		o.Level, o.TSA = pades.LevelBT, s.o.TSA
	}
	f, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := filepath.Join(dir, "out.pdf")
	if err := pades.Sign(ctx, f, out, id, o); err != nil {
		if errors.Is(err, pades.ErrInput) {
			return nil, apperr.Wrap(err, apperr.Invalid, "docs.pdf_invalid", err.Error())
		}
		return nil, err
	}
	return os.ReadFile(out)
}

func signedName(name string) string {
	return strings.TrimSuffix(name, filepath.Ext(name)) + "-da-ky.pdf"
}

// IssuedFileName is the file name of an issued document, from its symbol
// (01/QĐ-STTTT → 01-QĐ-STTTT.pdf); its id before it has one.
func IssuedFileName(d *Document) string {
	sym := strings.NewReplacer("/", "-", " ", "", "&", "-").Replace(d.Symbol)
	if sym == "" {
		sym = d.ID
	}
	return sym + ".pdf"
}

// deliverInternally creates the incoming document at each recipient agency
// of this deployment, in the issuing transaction: routed without a network
// hop, exactly once (documents_source is unique per agency).
func (s *Service) deliverInternally(ctx context.Context, tx *store.Tx, a *org.Actor, d *Document, final []byte, report *validate.Report) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, agency_id, name FROM document_recipients WHERE document_id = ? AND agency_id IS NOT NULL`, d.ID)
	if err != nil {
		return fmt.Errorf("docs: recipients: %w", err)
	}
	type rcpt struct{ id, agency, name string }
	var list []rcpt
	for rows.Next() {
		var r rcpt
		if err := rows.Scan(&r.id, &r.agency, &r.name); err != nil {
			rows.Close()
			return err
		}
		list = append(list, r)
	}
	rows.Close()
	sender, err := s.o.Org.GetAgency(ctx, org.SystemActor("docs"), d.AgencyID)
	if err != nil {
		return err
	}
	for _, r := range list {
		in := Arrival{AgencyID: r.agency, TypeCode: d.TypeCode, Subject: d.Subject, Urgency: d.Urgency, Number: d.Number, Symbol: d.Symbol,
			IssuedAt: d.IssuedAt, SenderName: sender.Name, SenderCode: sender.Code, SourceID: d.ID, FileName: IssuedFileName(d), File: final, Report: report}
		if _, err := s.receive(ctx, tx, in); err != nil {
			return err
		}
		if err := s.recipientStatus(ctx, tx, d.ID, r.agency, "", "received"); err != nil {
			return err
		}
	}
	return nil
}

// toPDF checks an upload and converts office documents to PDF.
func (s *Service) toPDF(ctx context.Context, name string, data []byte) ([]byte, string, error) {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case len(data) == 0:
		return nil, "", apperr.InvalidField("file", "docs.file_required")
	case len(data) > MaxFileSize:
		return nil, "", apperr.New(apperr.TooLarge, "error.body_too_large", "64 MiB")
	case validate.IsPDF(data):
		if _, err := lastPage(data); err != nil {
			return nil, "", err
		}
		if name == "" || name == "." {
			name = "van-ban.pdf"
		}
		return data, name, nil
	}
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".docx" && ext != ".odt" && ext != ".doc" {
		return nil, "", apperr.InvalidField("file", "docs.file_type")
	}
	out, err := s.o.Convert(ctx, name, data)
	if err != nil {
		return nil, "", err
	}
	if _, err := lastPage(out); err != nil {
		return nil, "", err
	}
	return out, strings.TrimSuffix(name, filepath.Ext(name)) + ".pdf", nil
}

// externalRecipients lists a document's recipients outside this
// deployment, by identifier code.
func externalRecipients(ctx context.Context, tx *store.Tx, docID string) ([]Recipient, error) {
	rows, err := tx.QueryContext(ctx, `SELECT organ_code, name FROM document_recipients WHERE document_id = ? AND agency_id IS NULL`, docID)
	if err != nil {
		return nil, fmt.Errorf("docs: recipients: %w", err)
	}
	defer rows.Close()
	var to []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.OrganCode, &r.Name); err != nil {
			return nil, err
		}
		to = append(to, r)
	}
	return to, rows.Err()
}

// sendExternally hands the recipients outside this deployment to the
// exchange, in the issuing transaction.
func (s *Service) sendExternally(ctx context.Context, tx *store.Tx, d *Document, final []byte) error {
	to, err := externalRecipients(ctx, tx, d.ID)
	if err != nil {
		return err
	}
	if len(to) == 0 {
		return nil
	}
	if s.o.Send == nil {
		return apperr.New(apperr.Conflict, "docs.no_exchange")
	}
	if err := s.o.Send(ctx, tx, d, final, to); err != nil {
		return fmt.Errorf("docs: send %s: %w", d.Symbol, err)
	}
	for _, r := range to {
		if err := s.recipientStatus(ctx, tx, d.ID, "", r.OrganCode, "sent"); err != nil {
			return err
		}
	}
	return nil
}

// IssuePaper numbers a document that must not travel electronically (a
// secret one) from its own register series and marks it issued on paper:
// the clerk prints, seals and sends it by hand. Nothing is delivered
// through kyso and no organization signature is applied.
func (s *Service) IssuePaper(ctx context.Context, a *org.Actor, id string) (*Document, error) {
	err := s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.Has(org.RoleClerk) || a.AgencyID != d.AgencyID {
			return apperr.New(apperr.Forbidden, "docs.only_clerk")
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusSigned}, StatusIssued); err != nil {
			return err
		}
		if err := s.allocateNumber(ctx, tx, d); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET electronic = FALSE WHERE id = ?`, id); err != nil {
			return err
		}
		if err := s.index(ctx, tx, d, nil); err != nil {
			return err
		}
		return s.event(ctx, tx, a, d, "issued_on_paper", "", "", map[string]any{"number": d.Number})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.o.DB, a, id)
}
