package docs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/docs/register"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/validate"
)

// Arrival is a document arriving at an agency: from another agency of
// this deployment, from the exchange axis, or uploaded by the clerk.
type Arrival struct {
	AgencyID   string
	TypeCode   string
	Subject    string
	Urgency    string
	Number     int
	Symbol     string
	IssuedAt   time.Time
	SenderName string
	SenderCode string
	// SourceID identifies the delivery (the sender's document, or the
	// package): a second delivery of the same source is recognised.
	SourceID string
	// SourceDocID is the sender's id of the document (edXML DocumentId).
	SourceDocID string
	FileName    string
	File        []byte
	// Report is the validation of File's signatures on arrival; nil has
	// it validated here.
	Report *validate.Report
	// Electronic is false for a paper document the clerk scanned.
	Paper bool
}

// receive records an incoming document inside the caller's transaction.
// A source already received by the agency returns the existing document.
func (s *Service) receive(ctx context.Context, tx *store.Tx, in Arrival) (string, error) {
	if in.SourceID != "" {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE agency_id = ? AND source_id = ?`, in.AgencyID, in.SourceID).Scan(&id)
		if err == nil {
			return id, nil
		}
	}
	if in.Report == nil && s.o.Validate != nil && validate.IsPDF(in.File) {
		in.Report, _ = s.o.Validate(ctx, in.File)
	}
	reportJSON, ok, signed := "", false, false
	if in.Report != nil {
		b, _ := json.Marshal(in.Report)
		reportJSON, ok, signed = string(b), in.Report.Indication == validate.TotalPassed, len(in.Report.Signatures) > 0
	}
	if in.Urgency == "" {
		in.Urgency = "normal"
	}
	now := s.o.Now()
	d := &Document{ID: store.NewID(), AgencyID: in.AgencyID, Direction: Incoming, Status: StatusReceived, TypeCode: in.TypeCode,
		Subject: clean(in.Subject), Urgency: in.Urgency, Confidentiality: "normal", Number: in.Number, Symbol: in.Symbol,
		IssuedAt: in.IssuedAt, SenderName: in.SenderName, SenderCode: in.SenderCode, SourceID: in.SourceID, CreatedAt: now, UpdatedAt: now}
	if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, agency_id, direction, status, type_code, subject, urgency, confidentiality,
		number, symbol, issued_at, received_at, sender_name, sender_code, source_id, source_doc, electronic, signed_digitally, validation, validation_ok,
		created_at, updated_at) VALUES (?, ?, 'in', 'received', ?, ?, ?, 'normal', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.AgencyID, d.TypeCode, d.Subject, d.Urgency, d.Number, d.Symbol, microsOrZero(d.IssuedAt), store.Micros(now),
		d.SenderName, d.SenderCode, d.SourceID, in.SourceDocID, !in.Paper, signed, reportJSON, ok, store.Micros(now), store.Micros(now)); err != nil {
		return "", fmt.Errorf("docs: receive: %w", err)
	}
	sys := org.SystemActor("kyso")
	if _, err := s.addVersion(ctx, tx, sys, d.ID, "received", in.FileName, in.File, ""); err != nil {
		return "", err
	}
	if err := s.index(ctx, tx, d, in.File); err != nil {
		return "", err
	}
	comment := ""
	if in.Report != nil && !ok {
		comment = string(in.Report.Indication)
	}
	if err := s.event(ctx, tx, sys, d, "received", comment, "", nil); err != nil {
		return "", err
	}
	clerks, err := s.usersWithRole(ctx, tx, d.AgencyID, org.RoleClerk)
	if err != nil {
		return "", err
	}
	return d.ID, s.notify(ctx, tx, clerks, d.ID, "notify.received", d.Subject)
}

// ReceiveUpload registers a document the clerk received outside kyso
// (paper scanned, e-mail): it is validated like any other and waits in
// the incoming list.
func (s *Service) ReceiveUpload(ctx context.Context, a *org.Actor, in Arrival) (*Document, error) {
	if !a.Has(org.RoleClerk) || a.AgencyID == "" {
		return nil, apperr.New(apperr.Forbidden, "docs.only_clerk")
	}
	in.AgencyID = a.AgencyID
	in.Subject = clean(in.Subject)
	if in.Subject == "" {
		return nil, apperr.InvalidField("subject", "docs.subject_required")
	}
	if clean(in.SenderName) == "" {
		return nil, apperr.InvalidField("sender_name", "docs.sender_required")
	}
	if _, err := register.Type(ctx, s.o.DB, in.TypeCode); err != nil {
		return nil, apperr.InvalidField("type_code", "docs.type_invalid")
	}
	data, name, err := s.toPDF(ctx, in.FileName, in.File)
	if err != nil {
		return nil, err
	}
	in.File, in.FileName = data, name
	var id string
	err = s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = s.receive(ctx, tx, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.o.DB, a, id)
}

// RegisterIncoming gives a received document its number in the agency's
// incoming register (số đến) and tells the sender.
func (s *Service) RegisterIncoming(ctx context.Context, a *org.Actor, id string) (*Document, error) {
	err := s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.Has(org.RoleClerk) || a.AgencyID != d.AgencyID {
			return apperr.New(apperr.Forbidden, "docs.only_clerk")
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusReceived}, StatusRegistered); err != nil {
			return err
		}
		alloc, err := register.Allocate(ctx, tx, register.NewKey(d.AgencyID, register.Incoming, register.SeriesDefault, s.o.Now()))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET in_number = ?, in_register_id = ? WHERE id = ?`, alloc.Number, alloc.RegisterID, id); err != nil {
			return fmt.Errorf("docs: register: %w", err)
		}
		leaders, err := s.usersWithRole(ctx, tx, d.AgencyID, org.RoleLeader)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, leaders, id, "notify.to_assign", d.Subject); err != nil {
			return err
		}
		if err := s.event(ctx, tx, a, d, "registered", "", "", map[string]any{"in_number": alloc.Number}); err != nil {
			return err
		}
		return s.reportToSender(ctx, tx, d, "registered")
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.o.DB, a, id)
}

// AssignInput is a leader's instruction on an incoming document (bút phê).
type AssignInput struct {
	AssigneeID   string    `json:"assignee_id"`
	Cooperators  []string  `json:"cooperator_ids"`
	Deadline     time.Time `json:"deadline"`
	Instructions string    `json:"instructions"`
}

// Assign gives a registered document to a person to process, with a
// deadline and instructions; cooperators get it too.
func (s *Service) Assign(ctx context.Context, a *org.Actor, id string, in AssignInput) error {
	in.Instructions = clean(in.Instructions)
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.Has(org.RoleLeader) || a.AgencyID != d.AgencyID {
			return apperr.New(apperr.Forbidden, "docs.only_leader_assigns")
		}
		if !in.Deadline.IsZero() && calendarDay(in.Deadline) < calendarDay(s.o.Now()) {
			return apperr.InvalidField("deadline", "docs.deadline_past")
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusRegistered, StatusAssigned}, StatusAssigned); err != nil {
			return err
		}
		people := append([]string{in.AssigneeID}, in.Cooperators...)
		for i, uid := range people {
			u, err := s.o.Org.UserByID(ctx, uid)
			if err != nil || u.AgencyID != d.AgencyID || !u.Active {
				return apperr.InvalidField("assignee_id", "docs.assignee_invalid")
			}
			role := "main"
			if i > 0 {
				role = "cooperate"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO document_assignments (id, document_id, assignee_id, role, instructions, deadline, created_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), id, u.ID, role, in.Instructions, microsOrZero(in.Deadline), a.UserID, store.Micros(s.o.Now())); err != nil {
				return fmt.Errorf("docs: assign: %w", err)
			}
		}
		if !in.Deadline.IsZero() {
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET deadline = ? WHERE id = ?`, store.Micros(in.Deadline), id); err != nil {
				return err
			}
		}
		if err := s.notify(ctx, tx, people, id, "notify.assigned", d.Subject); err != nil {
			return err
		}
		if err := s.event(ctx, tx, a, d, "assigned", in.Instructions, "", map[string]any{"assignee": in.AssigneeID}); err != nil {
			return err
		}
		return s.reportToSender(ctx, tx, d, "assigned")
	})
}

// Forward passes the actor's task on to a colleague (chuyển xử lý), as a
// sub-task with its own deadline.
func (s *Service) Forward(ctx context.Context, a *org.Actor, id, toUserID, note string, deadline time.Time) error {
	note = clean(note)
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		var parent string
		err = tx.QueryRowContext(ctx, `SELECT id FROM document_assignments WHERE document_id = ? AND assignee_id = ? AND status = 'open' ORDER BY created_at LIMIT 1`, id, a.UserID).Scan(&parent)
		if err != nil && !a.Has(org.RoleLeader) {
			return apperr.New(apperr.Forbidden, "docs.not_assignee")
		}
		u, err := s.o.Org.UserByID(ctx, toUserID)
		if err != nil || u.AgencyID != d.AgencyID || !u.Active {
			return apperr.InvalidField("assignee_id", "docs.assignee_invalid")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_assignments (id, document_id, parent_id, assignee_id, role, instructions, deadline, created_by, created_at)
			VALUES (?, ?, ?, ?, 'cooperate', ?, ?, ?, ?)`, store.NewID(), id, parent, u.ID, note, microsOrZero(deadline), a.UserID, store.Micros(s.o.Now())); err != nil {
			return fmt.Errorf("docs: forward: %w", err)
		}
		if err := s.notify(ctx, tx, []string{u.ID}, id, "notify.assigned", d.Subject); err != nil {
			return err
		}
		return s.event(ctx, tx, a, d, "forwarded", note, "", map[string]any{"to": u.ID})
	})
}

// Comment adds a note to the document's timeline (ý kiến xử lý).
func (s *Service) Comment(ctx context.Context, a *org.Actor, id, text string) error {
	text = clean(text)
	if text == "" {
		return apperr.InvalidField("comment", "docs.comment_required")
	}
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		return s.event(ctx, tx, a, d, "commented", text, "", nil)
	})
}

// Complete closes the processing of an incoming document: by its main
// assignee or a leader. On time when done by the deadline.
func (s *Service) Complete(ctx context.Context, a *org.Actor, id, note string) error {
	note = clean(note)
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		var n int
		_ = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_assignments WHERE document_id = ? AND assignee_id = ? AND role = 'main'`, id, a.UserID).Scan(&n)
		if n == 0 && !(a.Has(org.RoleLeader) && a.AgencyID == d.AgencyID) {
			return apperr.New(apperr.Forbidden, "docs.not_assignee")
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusAssigned, StatusRegistered}, StatusCompleted); err != nil {
			return err
		}
		now := store.Micros(s.o.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET completed_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE document_assignments SET status = 'done', completed_at = ? WHERE document_id = ? AND status = 'open'`, now, id); err != nil {
			return err
		}
		if err := s.event(ctx, tx, a, d, "completed", note, "", nil); err != nil {
			return err
		}
		return s.reportToSender(ctx, tx, d, "completed")
	})
}

// reportToSender records the receiver's step on the sender's document when
// the sender is on this deployment (a status message without a network
// hop); the exchange reports it to senders elsewhere.
func (s *Service) reportToSender(ctx context.Context, tx *store.Tx, d *Document, status string) error {
	if d.SourceID == "" {
		return nil
	}
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE id = ? AND direction = 'out'`, d.SourceID).Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		// The sender is elsewhere: a status message goes back through
		// the exchange.
		if s.o.Report == nil {
			return nil
		}
		return s.o.Report(ctx, tx, d, status)
	}
	return s.recipientStatus(ctx, tx, d.SourceID, d.AgencyID, "", status)
}

// ReceiveExternal records a document that arrived through the exchange,
// inside the exchange's transaction (which marks its package processed):
// one incoming document per package, whatever the number of deliveries.
// A document whose signatures do not validate is received but flagged
// (validation_ok false, the report kept), never silently trusted.
func (s *Service) ReceiveExternal(ctx context.Context, tx *store.Tx, in Arrival) (string, error) {
	if in.AgencyID == "" || in.SourceID == "" {
		return "", fmt.Errorf("docs: receive external: agency and source are required")
	}
	if _, err := register.Type(ctx, tx, in.TypeCode); err != nil {
		in.TypeCode = "cong_van"
	}
	return s.receive(ctx, tx, in)
}

// recipientStatus updates a recipient's status on the sender's document and
// adds it to the sender's timeline.
func (s *Service) recipientStatus(ctx context.Context, tx *store.Tx, docID, agencyID, organCode, status string) error {
	var name string
	q, arg := `SELECT name FROM document_recipients WHERE document_id = ? AND agency_id = ?`, agencyID
	if agencyID == "" {
		q, arg = `SELECT name FROM document_recipients WHERE document_id = ? AND organ_code = ?`, organCode
	}
	if err := tx.QueryRowContext(ctx, q, docID, arg).Scan(&name); err != nil {
		return nil // not a recipient we know: nothing to show
	}
	now := store.Micros(s.o.Now())
	upd := `UPDATE document_recipients SET status = ?, updated_at = ? WHERE document_id = ? AND agency_id = ?`
	if agencyID == "" {
		upd = `UPDATE document_recipients SET status = ?, updated_at = ? WHERE document_id = ? AND organ_code = ?`
	}
	if _, err := tx.ExecContext(ctx, upd, status, now, docID, arg); err != nil {
		return fmt.Errorf("docs: recipient status: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO document_events (id, document_id, at, actor_name, action, recipient) VALUES (?, ?, ?, ?, ?, ?)`,
		store.NewID(), docID, now, name, "status_"+status, name)
	return err
}

// RecipientStatus records a status message from a recipient elsewhere (the
// exchange calls it with the recipient's identifier code).
func (s *Service) RecipientStatus(ctx context.Context, tx *store.Tx, docID, organCode, status string) error {
	if !slices.Contains([]string{"sent", "received", "rejected", "registered", "assigned", "processing", "completed", "withdrawn", "recall_refused", "updated"}, status) {
		return fmt.Errorf("docs: unknown recipient status %q", status)
	}
	return s.recipientStatus(ctx, tx, docID, "", organCode, status)
}

// calendarDay numbers the day of t in Vietnam time, for comparing dates a
// person picked: a deadline "today" is not in the past.
func calendarDay(t time.Time) int {
	y, m, d := t.In(vietnam).Date()
	return y*10000 + int(m)*100 + d
}
