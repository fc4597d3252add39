package docs

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/blob"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/textnorm"
	"github.com/kyso-vn/kyso/internal/validate"
)

// MaxFileSize bounds an uploaded document.
const MaxFileSize = 64 << 20

// Options are the services and settings documents need.
type Options struct {
	DB    *store.DB
	Blobs blob.Store
	Org   *org.Service
	PKI   *pki.Service
	// Validate validates a signed file on arrival; nil skips validation.
	Validate func(ctx context.Context, data []byte) (*validate.Report, error)
	// TSA time-stamps signatures (PAdES B-T); nil signs at B-B.
	TSA pades.TimeStamper
	// NoIndex skips the full-text index (benchmarks of other parts).
	NoIndex bool
	// Send queues an issued document for its recipients outside this
	// deployment, inside the issuing transaction (the exchange's outbox):
	// the document is issued and its packages queued, or neither.
	Send func(ctx context.Context, tx *store.Tx, d *Document, file []byte, to []Recipient) error
	// Report queues a status message to the sender of an incoming
	// document that came from outside this deployment, inside the
	// transaction of the step it reports (registered, assigned, completed).
	Report func(ctx context.Context, tx *store.Tx, d *Document, status string) error
	// Recall sends the recall of an issued document to its recipients
	// outside this deployment, inside the recalling transaction.
	Recall func(ctx context.Context, tx *store.Tx, d *Document, reason string, to []Recipient) error
	// PDFA rewrites an unsigned PDF as PDF/A for archival packages; nil
	// uses Ghostscript when it is installed.
	PDFA func(ctx context.Context, data []byte) ([]byte, error)
	// Convert turns a DOCX (or ODT) into PDF; nil uses LibreOffice when
	// it is installed.
	Convert func(ctx context.Context, name string, data []byte) ([]byte, error)
	Log     *slog.Logger
	Now     func() time.Time
}

// Service is the documents domain.
type Service struct {
	o Options
	// onNotify is called after a transaction that created notifications
	// commits (see OnNotify).
	onNotify atomic.Pointer[func()]
}

// OnNotify registers f, called after each transaction that created
// notifications has committed: the e-mail worker, which starts after the
// service is built, uses it to send at once rather than at its next poll.
// f must not block. A later call replaces f.
func (s *Service) OnNotify(f func()) { s.onNotify.Store(&f) }

// New returns the service.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Convert == nil {
		o.Convert = convertWithLibreOffice
	}
	if o.PDFA == nil {
		o.PDFA = toPDFAWithGhostscript
	}
	return &Service{o: o}
}

// docColumns lists the documents columns scanDocument reads, with the names
// it joins.
const docColumns = `d.id, d.agency_id, a.name, d.direction, d.status, d.type_code, t.name, d.subject, d.urgency,
	d.confidentiality, COALESCE(d.department_id, ''), COALESCE(d.created_by, ''), COALESCE(cu.full_name, ''),
	COALESCE(d.signer_id, ''), COALESCE(su.full_name, ''), d.number, d.symbol, d.issued_at, d.in_number,
	d.received_at, d.sender_name, d.sender_code, d.source_id, d.source_doc, d.deadline, d.completed_at, d.signed_digitally,
	d.validation_ok, d.reply_to, d.replaces, d.created_at, d.updated_at`

const docFrom = ` FROM documents d
	JOIN agencies a ON a.id = d.agency_id
	JOIN doc_types t ON t.code = d.type_code
	LEFT JOIN users cu ON cu.id = d.created_by
	LEFT JOIN users su ON su.id = d.signer_id`

type scanner interface{ Scan(dest ...any) error }

func (s *Service) scanDocument(r scanner) (*Document, error) {
	var d Document
	var issued, received, deadline, completed, created, updated int64
	err := r.Scan(&d.ID, &d.AgencyID, &d.AgencyName, &d.Direction, &d.Status, &d.TypeCode, &d.TypeName, &d.Subject, &d.Urgency,
		&d.Confidentiality, &d.DepartmentID, &d.CreatedBy, &d.CreatedByName, &d.SignerID, &d.SignerName, &d.Number, &d.Symbol,
		&issued, &d.InNumber, &received, &d.SenderName, &d.SenderCode, &d.SourceID, &d.SourceDocID, &deadline, &completed, &d.SignedDigitally,
		&d.ValidationOK, &d.ReplyTo, &d.Replaces, &created, &updated)
	if err != nil {
		return nil, err
	}
	d.IssuedAt, d.ReceivedAt, d.Deadline, d.CompletedAt = timeOrZero(issued), timeOrZero(received), timeOrZero(deadline), timeOrZero(completed)
	d.CreatedAt, d.UpdatedAt = store.FromMicros(created), store.FromMicros(updated)
	d.Overdue = !d.Deadline.IsZero() && d.Status != StatusCompleted && s.o.Now().After(d.Deadline)
	return &d, nil
}

func timeOrZero(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return store.FromMicros(us)
}

func microsOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return store.Micros(t)
}

// load reads a document the actor may see; others get NotFound, as if it
// did not exist (another agency learns nothing).
func (s *Service) load(ctx context.Context, q store.Querier, a *org.Actor, id string) (*Document, error) {
	d, err := s.scanDocument(q.QueryRowContext(ctx, `SELECT `+docColumns+docFrom+` WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "docs.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("docs: load %s: %w", id, err)
	}
	if !s.canSee(ctx, q, a, d) {
		return nil, apperr.New(apperr.NotFound, "docs.not_found")
	}
	return d, nil
}

// canSee: the people of the document's agency; a confidential document only
// to those who work on it and the agency's leaders and clerks.
func (s *Service) canSee(ctx context.Context, q store.Querier, a *org.Actor, d *Document) bool {
	if a.System {
		return true
	}
	if a.AgencyID != d.AgencyID {
		return false
	}
	if d.Confidentiality == "normal" || a.HasAny(org.RoleLeader, org.RoleClerk) || d.CreatedBy == a.UserID || d.SignerID == a.UserID {
		return true
	}
	var n int
	_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_assignments WHERE document_id = ? AND assignee_id = ?`, d.ID, a.UserID).Scan(&n)
	if n == 0 {
		_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_reviews WHERE document_id = ? AND reviewer_id = ?`, d.ID, a.UserID).Scan(&n)
	}
	return n > 0
}

// event appends to the document's timeline and the audit log.
func (s *Service) event(ctx context.Context, tx *store.Tx, a *org.Actor, d *Document, action, comment, recipient string, details map[string]any) error {
	name := a.FullName
	if name == "" {
		name = a.Username
	}
	var actorID any
	if a.UserID != "" {
		actorID = a.UserID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO document_events (id, document_id, at, actor_id, actor_name, action, comment, recipient)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), d.ID, store.Micros(s.o.Now()), actorID, name, action, comment, recipient); err != nil {
		return fmt.Errorf("docs: timeline: %w", err)
	}
	ev := a.Event("document."+action, "document", d.ID)
	ev.AgencyID = d.AgencyID
	ev.Details = map[string]any{"subject": d.Subject}
	if d.Symbol != "" {
		ev.Details["symbol"] = d.Symbol
	}
	for k, v := range details {
		ev.Details[k] = v
	}
	return audit.Append(ctx, tx, ev)
}

// setStatus moves a document on, checking that it is where the step
// starts: a second click or a race gets a clear Conflict, not a double step.
func (s *Service) setStatus(ctx context.Context, tx *store.Tx, d *Document, from []Status, to Status) error {
	ok := false
	for _, f := range from {
		ok = ok || d.Status == f
	}
	if !ok {
		return apperr.New(apperr.Conflict, "docs.wrong_status")
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(from)), ", ")
	args := []any{string(to), store.Micros(s.o.Now()), d.ID}
	for _, f := range from {
		args = append(args, string(f))
	}
	res, err := tx.ExecContext(ctx, `UPDATE documents SET status = ?, updated_at = ? WHERE id = ? AND status IN (`+ph+`)`, args...)
	if err != nil {
		return fmt.Errorf("docs: status: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "docs.wrong_status")
	}
	d.Status = to
	return nil
}

// notify tells users about a document in the app.
func (s *Service) notify(ctx context.Context, tx *store.Tx, userIDs []string, docID, key string, args ...string) error {
	seen := map[string]bool{}
	for _, u := range userIDs {
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, user_id, document_id, message_key, args, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			store.NewID(), u, docID, key, strings.Join(args, "\x1f"), store.Micros(s.o.Now())); err != nil {
			return fmt.Errorf("docs: notify: %w", err)
		}
	}
	if f := s.onNotify.Load(); f != nil && len(seen) > 0 {
		tx.AfterCommit(*f)
	}
	return nil
}

// usersWithRole lists the active users of an agency holding a role.
func (s *Service) usersWithRole(ctx context.Context, q store.Querier, agencyID string, r org.Role) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id
		WHERE u.agency_id = ? AND ur.role = ? AND u.active`, agencyID, string(r))
	if err != nil {
		return nil, fmt.Errorf("docs: users with role %s: %w", r, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// addVersion stores a file and records it as the document's next version.
func (s *Service) addVersion(ctx context.Context, tx *store.Tx, a *org.Actor, docID, kind, fileName string, data []byte, note string) (Version, error) {
	ref, err := s.o.Blobs.Put(ctx, bytes.NewReader(data))
	if err != nil {
		return Version{}, fmt.Errorf("docs: store file: %w", err)
	}
	var seq int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM document_versions WHERE document_id = ?`, docID).Scan(&seq); err != nil {
		return Version{}, fmt.Errorf("docs: version: %w", err)
	}
	v := Version{ID: store.NewID(), Seq: seq, Kind: kind, Blob: ref.SHA256, FileName: fileName, Size: int64(len(data)), CreatedBy: a.UserID, Note: note, CreatedAt: s.o.Now()}
	var by any
	if a.UserID != "" {
		by = a.UserID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO document_versions (id, document_id, seq, kind, blob, file_name, size, created_by, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, docID, v.Seq, v.Kind, v.Blob, v.FileName, v.Size, by, v.Note, store.Micros(v.CreatedAt)); err != nil {
		return Version{}, fmt.Errorf("docs: version: %w", err)
	}
	return v, nil
}

// latest returns the newest version of a document.
func (s *Service) latest(ctx context.Context, q store.Querier, docID string) (Version, error) {
	var v Version
	var created int64
	var by sql.NullString
	err := q.QueryRowContext(ctx, `SELECT id, seq, kind, blob, file_name, size, created_by, note, created_at FROM document_versions
		WHERE document_id = ? ORDER BY seq DESC LIMIT 1`, docID).Scan(&v.ID, &v.Seq, &v.Kind, &v.Blob, &v.FileName, &v.Size, &by, &v.Note, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return v, apperr.New(apperr.NotFound, "docs.no_file")
	}
	v.CreatedBy, v.CreatedAt = by.String, store.FromMicros(created)
	return v, err
}

// read returns a stored file's bytes.
func (s *Service) read(ctx context.Context, sha string) ([]byte, error) {
	rc, err := s.o.Blobs.Open(ctx, sha)
	if err != nil {
		return nil, fmt.Errorf("docs: open file: %w", err)
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, MaxFileSize+1))
}

// File returns a version's bytes (the latest when seq is 0) for download.
func (s *Service) File(ctx context.Context, a *org.Actor, docID string, seq int) (Version, []byte, error) {
	if _, err := s.load(ctx, s.o.DB, a, docID); err != nil {
		return Version{}, nil, err
	}
	v, err := s.latest(ctx, s.o.DB, docID)
	if err != nil {
		return v, nil, err
	}
	if seq > 0 && seq != v.Seq {
		var created int64
		var by sql.NullString
		err := s.o.DB.QueryRowContext(ctx, `SELECT id, seq, kind, blob, file_name, size, created_by, note, created_at FROM document_versions
			WHERE document_id = ? AND seq = ?`, docID, seq).Scan(&v.ID, &v.Seq, &v.Kind, &v.Blob, &v.FileName, &v.Size, &by, &v.Note, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return v, nil, apperr.New(apperr.NotFound, "docs.no_file")
		}
		if err != nil {
			return v, nil, err
		}
		v.CreatedBy, v.CreatedAt = by.String, store.FromMicros(created)
	}
	data, err := s.read(ctx, v.Blob)
	return v, data, err
}

// clean normalizes text a user typed: NFC, trimmed.
func clean(s string) string { return strings.TrimSpace(textnorm.NFC(s)) }

// appendAudit writes an audit event that concerns no single document.
func appendAudit(ctx context.Context, tx *store.Tx, ev *audit.Event) error {
	return audit.Append(ctx, tx, ev)
}
