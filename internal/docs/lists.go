package docs

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/docs/search"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
)

// Get returns a document with its files, reviews, recipients, assignments
// and timeline.
func (s *Service) Get(ctx context.Context, a *org.Actor, id string) (*Details, error) {
	d, err := s.load(ctx, s.o.DB, a, id)
	if err != nil {
		return nil, err
	}
	det := &Details{Document: d, Versions: []Version{}, Reviews: []Review{}, Recipients: []Recipient{}, Assignments: []Assignment{}, Timeline: []Event{}}
	db := s.o.DB
	rows, err := db.QueryContext(ctx, `SELECT id, seq, kind, blob, file_name, size, COALESCE(created_by, ''), note, created_at
		FROM document_versions WHERE document_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var v Version
		var at int64
		if err := rows.Scan(&v.ID, &v.Seq, &v.Kind, &v.Blob, &v.FileName, &v.Size, &v.CreatedBy, &v.Note, &at); err != nil {
			rows.Close()
			return nil, err
		}
		v.CreatedAt = store.FromMicros(at)
		det.Versions = append(det.Versions, v)
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT r.id, r.round, r.reviewer_id, u.full_name, r.status, r.comment, r.decided_at
		FROM document_reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.document_id = ? ORDER BY r.round, r.created_at`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r Review
		var at int64
		if err := rows.Scan(&r.ID, &r.Round, &r.ReviewerID, &r.ReviewerName, &r.Status, &r.Comment, &at); err != nil {
			rows.Close()
			return nil, err
		}
		r.DecidedAt = timeOrZero(at)
		det.Reviews = append(det.Reviews, r)
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT COALESCE(agency_id, ''), organ_code, name, status, updated_at FROM document_recipients WHERE document_id = ? ORDER BY name`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r Recipient
		var at int64
		if err := rows.Scan(&r.AgencyID, &r.OrganCode, &r.Name, &r.Status, &at); err != nil {
			rows.Close()
			return nil, err
		}
		r.UpdatedAt = timeOrZero(at)
		det.Recipients = append(det.Recipients, r)
	}
	rows.Close()
	if det.Assignments, err = s.assignments(ctx, db, `a.document_id = ?`, id); err != nil {
		return nil, err
	}
	rows, err = db.QueryContext(ctx, `SELECT at, actor_name, action, comment, recipient FROM document_events WHERE document_id = ? ORDER BY at, id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&at, &e.ActorName, &e.Action, &e.Comment, &e.Recipient); err != nil {
			rows.Close()
			return nil, err
		}
		e.At = store.FromMicros(at)
		det.Timeline = append(det.Timeline, e)
	}
	rows.Close()
	_ = db.QueryRowContext(ctx, `SELECT validation FROM documents WHERE id = ?`, id).Scan(&det.Validation)
	return det, nil
}

func (s *Service) assignments(ctx context.Context, q store.Querier, where string, args ...any) ([]Assignment, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.parent_id, COALESCE(a.assignee_id, ''), COALESCE(u.full_name, ''), COALESCE(a.department_id, ''),
		a.role, a.instructions, a.deadline, a.status, a.created_at, a.completed_at
		FROM document_assignments a LEFT JOIN users u ON u.id = a.assignee_id WHERE `+where+` ORDER BY a.created_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("docs: assignments: %w", err)
	}
	defer rows.Close()
	out := []Assignment{}
	now := s.o.Now()
	for rows.Next() {
		var x Assignment
		var dl, created, done int64
		if err := rows.Scan(&x.ID, &x.ParentID, &x.AssigneeID, &x.AssigneeName, &x.DepartmentID, &x.Role, &x.Instructions, &dl, &x.Status, &created, &done); err != nil {
			return nil, err
		}
		x.Deadline, x.CreatedAt, x.CompletedAt = timeOrZero(dl), store.FromMicros(created), timeOrZero(done)
		x.Overdue = x.Status == "open" && !x.Deadline.IsZero() && now.After(x.Deadline)
		out = append(out, x)
	}
	return out, rows.Err()
}

// Filter narrows a list of documents.
type Filter struct {
	Direction Direction
	Status    Status
	Limit     int
	Offset    int
}

// List returns the actor's agency's documents, newest first. A
// confidential document is listed only to those who may open it.
func (s *Service) List(ctx context.Context, a *org.Actor, f Filter) ([]*Document, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where := []string{"d.agency_id = ?"}
	args := []any{a.AgencyID}
	if f.Direction != "" {
		where, args = append(where, "d.direction = ?"), append(args, string(f.Direction))
	}
	if f.Status != "" {
		where, args = append(where, "d.status = ?"), append(args, string(f.Status))
	}
	if w, wargs := visibleSQL(a); w != "" {
		where, args = append(where, w), append(args, wargs...)
	}
	return s.query(ctx, a, strings.Join(where, " AND ")+` ORDER BY d.updated_at DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
}

// visibleSQL is canSee's rule for confidential documents as a condition,
// so that a page of a list is full rather than filtered after its LIMIT;
// canSee still checks every row.
func visibleSQL(a *org.Actor) (string, []any) {
	if a.System || a.HasAny(org.RoleLeader, org.RoleClerk) {
		return "", nil
	}
	return `(d.confidentiality = 'normal' OR d.created_by = ? OR d.signer_id = ?
		OR EXISTS (SELECT 1 FROM document_assignments x WHERE x.document_id = d.id AND x.assignee_id = ?)
		OR EXISTS (SELECT 1 FROM document_reviews r WHERE r.document_id = d.id AND r.reviewer_id = ?))`,
		[]any{a.UserID, a.UserID, a.UserID, a.UserID}
}

func (s *Service) query(ctx context.Context, a *org.Actor, where string, args ...any) ([]*Document, error) {
	rows, err := s.o.DB.QueryContext(ctx, `SELECT `+docColumns+docFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("docs: list: %w", err)
	}
	var out []*Document
	for rows.Next() {
		d, err := s.scanDocument(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	visible := out[:0]
	for _, d := range out {
		if s.canSee(ctx, s.o.DB, a, d) {
			visible = append(visible, d)
		}
	}
	return visible, nil
}

// Tasks is what waits for the actor, by kind of work: each role's inbox.
type Tasks struct {
	Drafts     []*Document `json:"drafts"`      // mine, being written or returned
	ToReview   []*Document `json:"to_review"`   // reviews I owe
	ToSign     []*Document `json:"to_sign"`     // approved, I am the signer
	ToIssue    []*Document `json:"to_issue"`    // clerk: signed, to number and issue
	ToRegister []*Document `json:"to_register"` // clerk: arrived, to register
	ToAssign   []*Document `json:"to_assign"`   // leader: registered, to assign
	Assigned   []*Document `json:"assigned"`    // my open assignments
	Overdue    int         `json:"overdue"`
}

// Tasks lists the actor's work.
func (s *Service) Tasks(ctx context.Context, a *org.Actor) (*Tasks, error) {
	t := &Tasks{}
	var err error
	lists := []struct {
		dst   *[]*Document
		ok    bool
		where string
		args  []any
	}{
		{&t.Drafts, true, `d.agency_id = ? AND d.created_by = ? AND d.status IN ('draft', 'returned')`, []any{a.AgencyID, a.UserID}},
		{&t.ToReview, true, `d.agency_id = ? AND d.status = 'in_review' AND EXISTS (SELECT 1 FROM document_reviews r WHERE r.document_id = d.id AND r.reviewer_id = ? AND r.status = 'pending')`, []any{a.AgencyID, a.UserID}},
		{&t.ToSign, a.Has(org.RoleLeader), `d.agency_id = ? AND d.status = 'approved' AND d.signer_id = ?`, []any{a.AgencyID, a.UserID}},
		{&t.ToIssue, a.Has(org.RoleClerk), `d.agency_id = ? AND d.status IN ('signed', 'issuing')`, []any{a.AgencyID}},
		{&t.ToRegister, a.Has(org.RoleClerk), `d.agency_id = ? AND d.direction = 'in' AND d.status = 'received'`, []any{a.AgencyID}},
		{&t.ToAssign, a.Has(org.RoleLeader), `d.agency_id = ? AND d.direction = 'in' AND d.status = 'registered'`, []any{a.AgencyID}},
		{&t.Assigned, true, `d.agency_id = ? AND d.status = 'assigned' AND EXISTS (SELECT 1 FROM document_assignments x WHERE x.document_id = d.id AND x.assignee_id = ? AND x.status = 'open')`, []any{a.AgencyID, a.UserID}},
	}
	for _, l := range lists {
		if !l.ok {
			continue
		}
		if *l.dst, err = s.query(ctx, a, l.where+` ORDER BY d.updated_at DESC LIMIT 100`, l.args...); err != nil {
			return nil, err
		}
	}
	for _, d := range t.Assigned {
		if d.Overdue {
			t.Overdue++
		}
	}
	return t, nil
}

// Notification is one in-app message.
type Notification struct {
	ID         string    `json:"id"`
	DocumentID string    `json:"document_id,omitempty"`
	Key        string    `json:"key"`
	Args       []string  `json:"args"`
	CreatedAt  time.Time `json:"created_at"`
	Read       bool      `json:"read"`
}

// Notifications returns the actor's latest notifications and how many are
// unread.
func (s *Service) Notifications(ctx context.Context, a *org.Actor, limit int) ([]Notification, int, error) {
	var unread int
	if err := s.o.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at = 0`, a.UserID).Scan(&unread); err != nil {
		return nil, 0, err
	}
	rows, err := s.o.DB.QueryContext(ctx, `SELECT id, COALESCE(document_id, ''), message_key, args, created_at, read_at FROM notifications
		WHERE user_id = ? ORDER BY created_at DESC LIMIT ?`, a.UserID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var args string
		var at, read int64
		if err := rows.Scan(&n.ID, &n.DocumentID, &n.Key, &args, &at, &read); err != nil {
			return nil, 0, err
		}
		n.Args = strings.Split(args, "\x1f")
		n.CreatedAt, n.Read = store.FromMicros(at), read != 0
		out = append(out, n)
	}
	return out, unread, rows.Err()
}

// MarkDocumentRead marks read the actor's notifications about a document,
// when they open it.
func (s *Service) MarkDocumentRead(ctx context.Context, a *org.Actor, docID string) error {
	_, err := s.o.DB.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND document_id = ? AND read_at = 0`,
		store.Micros(s.o.Now()), a.UserID, docID)
	return err
}

// MarkRead marks the actor's notifications read (all when id is empty).
func (s *Service) MarkRead(ctx context.Context, a *org.Actor, id string) error {
	q, args := `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at = 0`, []any{store.Micros(s.o.Now()), a.UserID}
	if id != "" {
		q, args = q+` AND id = ?`, append(args, id)
	}
	_, err := s.o.DB.ExecContext(ctx, q, args...)
	return err
}

// Stats are the counters reporting uses, for one agency and period.
type Stats struct {
	Issued             int `json:"issued"`
	IssuedElectronic   int `json:"issued_electronic"`
	SignedDigitally    int `json:"signed_digitally"`
	Received           int `json:"received"`
	ReceivedElectronic int `json:"received_electronic"`
	Completed          int `json:"completed"`
	CompletedOnTime    int `json:"completed_on_time"`
	Overdue            int `json:"overdue"`
}

// Stats counts an agency's documents in [from, to). Leaders, clerks,
// inspectors and administrators of the agency (or above it) may ask.
func (s *Service) Stats(ctx context.Context, a *org.Actor, agencyID string, from, to time.Time) (*Stats, error) {
	ag, err := s.o.Org.GetAgency(ctx, a, agencyID)
	if err != nil {
		return nil, err
	}
	if !a.System && !a.HasAny(org.RoleLeader, org.RoleClerk, org.RoleInspector, org.RoleAdmin) {
		return nil, errForbiddenStats
	}
	st := &Stats{}
	f, t := store.Micros(from), store.Micros(to)
	row := s.o.DB.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN direction = 'out' AND status = 'issued' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN direction = 'out' AND status = 'issued' AND electronic THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN direction = 'out' AND status = 'issued' AND signed_digitally THEN 1 ELSE 0 END), 0)
		FROM documents WHERE agency_id = ? AND issued_at >= ? AND issued_at < ?`, ag.ID, f, t)
	if err := row.Scan(&st.Issued, &st.IssuedElectronic, &st.SignedDigitally); err != nil {
		return nil, fmt.Errorf("docs: stats: %w", err)
	}
	now := store.Micros(s.o.Now())
	row = s.o.DB.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN electronic THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'completed' AND (deadline = 0 OR completed_at <= deadline) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status <> 'completed' AND deadline > 0 AND deadline < ? THEN 1 ELSE 0 END), 0)
		FROM documents WHERE agency_id = ? AND direction = 'in' AND received_at >= ? AND received_at < ?`, now, ag.ID, f, t)
	if err := row.Scan(&st.Received, &st.ReceivedElectronic, &st.Completed, &st.CompletedOnTime, &st.Overdue); err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("docs: stats: %w", err)
	}
	return st, nil
}

var errForbiddenStats = apperr.New(apperr.Forbidden, "docs.stats_forbidden")

// SearchQuery is a search from the search box and its filters.
type SearchQuery struct {
	Text      string
	TypeCodes []string
	From, To  time.Time
	Direction Direction
	Status    Status
	Limit     int
	Offset    int
}

// Search finds documents of the actor's agency by words with or without
// diacritics ("ky so" finds "ký số"), in metadata and in the files' text.
func (s *Service) Search(ctx context.Context, a *org.Actor, q SearchQuery) ([]*Document, bool, error) {
	sq := search.Query{Text: q.Text, AgencyIDs: []string{a.AgencyID}, TypeCodes: q.TypeCodes, From: q.From, To: q.To,
		Status: string(q.Status), Limit: q.Limit, Offset: q.Offset}
	switch q.Direction {
	case Outgoing:
		sq.Direction = search.Outgoing
	case Incoming:
		sq.Direction = search.Incoming
	}
	res, err := search.Search(ctx, s.o.DB, sq)
	if err != nil {
		return nil, false, err
	}
	if len(res.Hits) == 0 {
		return nil, false, nil
	}
	ids := make([]any, len(res.Hits))
	order := map[string]int{}
	for i, h := range res.Hits {
		ids[i] = h.DocID
		order[h.DocID] = i
	}
	list, err := s.query(ctx, a, `d.id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`)`, ids...)
	if err != nil {
		return nil, false, err
	}
	sort.Slice(list, func(i, j int) bool { return order[list[i].ID] < order[list[j].ID] })
	return list, res.HasMore, nil
}
