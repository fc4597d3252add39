package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/store"
)

// Kinds of message, as stored in exchange_inbox.kind.
const (
	KindDocument = "document" // an edXML document package
	KindStatus   = "status"   // a status message
)

// Message is a package as a transport delivers it.
type Message struct {
	ID   string // the package's message id: Envelope.MessageID, Status.MessageID()
	Kind string // KindDocument or KindStatus
	From string // the sending agency's code, as the transport authenticated it; "" when unknown
	To   string // the receiving agency's code: one hosted on this deployment
	Body []byte // the signed edXML, as received
}

// Errors of Accept.
var (
	// ErrInvalid: the message lacks what the inbox needs (an id, a known
	// kind, a receiver code, a body). Redelivering it cannot help.
	ErrInvalid = errors.New("inbox: invalid message")
	// ErrConflict: the message id is already stored for this receiver
	// from another sender. The first stays; this one is refused, so that
	// no sender can make another's package look like a duplicate.
	ErrConflict = errors.New("inbox: message id already used by another sender for this receiver")
)

// maxMessageID bounds a message id; kyso's are UUIDs, other systems'
// short tokens.
const maxMessageID = 200

func (m *Message) check() error {
	switch {
	case m.ID == "" || len(m.ID) > maxMessageID:
		return fmt.Errorf("%w: message id %q", ErrInvalid, m.ID)
	case m.Kind != KindDocument && m.Kind != KindStatus:
		return fmt.Errorf("%w: kind %q, want document or status", ErrInvalid, m.Kind)
	case len(m.Body) == 0:
		return fmt.Errorf("%w: empty body", ErrInvalid)
	}
	if _, err := edxml.ParseOrganID(m.To); err != nil {
		return fmt.Errorf("%w: receiver: %w", ErrInvalid, err)
	}
	if m.From != "" {
		if _, err := edxml.ParseOrganID(m.From); err != nil {
			return fmt.Errorf("%w: sender: %w", ErrInvalid, err)
		}
	}
	return nil
}

// Accept stores m for later processing, once: when (m.ID, m.To) is stored
// already it returns duplicate true and changes nothing. h may be the
// database or a transaction; a transport that acknowledges the package
// afterwards must do so only once the inbox's transaction committed.
// Accept does not parse the body (the Processor does, off the transport's
// path), so that a transport answers quickly and a package that cannot be
// parsed is still kept once, with its rejection.
func Accept(ctx context.Context, h store.Handle, m Message) (duplicate bool, err error) {
	return accept(ctx, h, m, time.Now())
}

func accept(ctx context.Context, h store.Querier, m Message, now time.Time) (bool, error) {
	if err := m.check(); err != nil {
		return false, err
	}
	// next_attempt_at 0: due at once, whatever the clocks of the nodes
	// that accept and process say.
	res, err := h.ExecContext(ctx, `INSERT INTO exchange_inbox (id, message_id, receiver_code, kind, from_code, body, received_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (message_id, receiver_code) DO NOTHING`,
		store.NewID(), m.ID, m.To, m.Kind, m.From, m.Body, store.Micros(now))
	if err != nil {
		return false, fmt.Errorf("inbox: accept %s for %s: %w", m.ID, m.To, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("inbox: accept %s for %s: %w", m.ID, m.To, err)
	}
	if n == 1 {
		return false, nil
	}
	var from string
	if err := h.QueryRowContext(ctx, `SELECT from_code FROM exchange_inbox WHERE message_id = ? AND receiver_code = ?`, m.ID, m.To).Scan(&from); err != nil {
		return false, fmt.Errorf("inbox: accept %s for %s: %w", m.ID, m.To, store.NotFound(err))
	}
	if m.From != "" && from != "" && from != m.From {
		return false, fmt.Errorf("%w: %s for %s, stored from %s, now from %s", ErrConflict, m.ID, m.To, from, m.From)
	}
	return true, nil
}

// Entry is an inbox row as an operator sees it.
type Entry struct {
	ID           string
	MessageID    string
	ReceiverCode string
	Kind         string
	FromCode     string
	Status       string // pending, processed, rejected
	Attempts     int
	Error        string // why it was rejected, or the last handler failure
	ReceivedAt   time.Time
	ProcessedAt  time.Time // zero until processed or rejected
}

// Row statuses.
const (
	StatusPending   = "pending"
	StatusProcessed = "processed"
	StatusRejected  = "rejected"
)

// List returns inbox entries of one status (all when status is ""),
// newest first: the rejected ones for the clerk's "returned" list, the
// pending ones with errors for the operator.
func List(ctx context.Context, q store.Querier, status string, limit int) ([]Entry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	query := `SELECT id, message_id, receiver_code, kind, from_code, status, attempts, error, received_at, processed_at FROM exchange_inbox`
	args := []any{}
	if status != "" {
		query += ` WHERE status = ?`
		args = append(args, status)
	}
	query += ` ORDER BY received_at DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var rec, proc int64
		if err := rows.Scan(&e.ID, &e.MessageID, &e.ReceiverCode, &e.Kind, &e.FromCode, &e.Status, &e.Attempts, &e.Error, &rec, &proc); err != nil {
			return nil, fmt.Errorf("inbox: list: %w", err)
		}
		e.ReceivedAt, e.ProcessedAt = store.FromMicros(rec), store.FromMicros(proc)
		out = append(out, e)
	}
	return out, rows.Err()
}
