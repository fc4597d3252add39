package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/store"
)

// Kinds of message, as stored in exchange_outbox.kind.
const (
	KindDocument = "document" // an edXML document package (edxml.Build)
	KindStatus   = "status"   // a status message (edxml.BuildStatus)
)

// Row statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Message is a package to send to one receiver.
type Message struct {
	// ID is the package's message id, what receivers deduplicate on: the
	// Envelope.MessageID that edxml.Build wrote, or st.MessageID() of a
	// status message computed after BuildStatus (which completes the
	// timestamp the id is derived from). Receivers check it against the
	// package and reject a package delivered under another id.
	ID   string
	Kind string // KindDocument or KindStatus
	From string // the sending agency's code (signer of the package)
	To   string // the receiving agency's code: one of the package's addressees
	Body []byte // the signed edXML
}

// ErrInvalid is returned (wrapped) by Enqueue for a message it cannot
// queue; the caller's transaction should roll back.
var ErrInvalid = errors.New("outbox: invalid message")

// maxMessageID bounds a message id (kyso's are UUIDs).
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
	if _, err := edxml.ParseOrganID(m.From); err != nil {
		return fmt.Errorf("%w: sender: %w", ErrInvalid, err)
	}
	if _, err := edxml.ParseOrganID(m.To); err != nil {
		return fmt.Errorf("%w: receiver: %w", ErrInvalid, err)
	}
	return nil
}

// Enqueue queues m for delivery. Call it inside the transaction that
// makes the package due (the document's issue, the step a status reports),
// so that both commit or neither does; then call Worker.Notify after the
// commit to send at once rather than at the next poll. Enqueueing the same
// (m.ID, m.To) again is a no-op, so a retried transaction or a second
// click queues nothing twice.
func Enqueue(ctx context.Context, h store.Handle, m Message) error {
	return enqueue(ctx, h, m, time.Now())
}

func enqueue(ctx context.Context, h store.Querier, m Message, now time.Time) error {
	if err := m.check(); err != nil {
		return err
	}
	// next_attempt_at 0: due at once, whatever the clocks of the nodes
	// that enqueue and deliver say; new messages go before retries, in
	// the order of their ids (UUIDv7, so the order they were queued).
	_, err := h.ExecContext(ctx, `INSERT INTO exchange_outbox (id, message_id, kind, from_code, to_code, body, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (message_id, to_code) DO NOTHING`,
		store.NewID(), m.ID, m.Kind, m.From, m.To, m.Body, store.Micros(now))
	if err != nil {
		return fmt.Errorf("outbox: enqueue %s for %s: %w", m.ID, m.To, err)
	}
	return nil
}

// Delivery is the state of one queued message, for the sender's timeline
// and the operator's dashboard ("chưa gửi", "gửi lỗi").
type Delivery struct {
	ID            string
	MessageID     string
	Kind          string
	From, To      string
	Status        string // pending, delivered, failed
	Attempts      int
	LastError     string
	CreatedAt     time.Time
	NextAttemptAt time.Time // for pending rows
	DeliveredAt   time.Time // zero until delivered
}

const deliveryColumns = `id, message_id, kind, from_code, to_code, status, attempts, last_error, created_at, next_attempt_at, delivered_at`

func scanDeliveries(ctx context.Context, q store.Querier, query string, args ...any) ([]Delivery, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var created, next, delivered int64
		if err := rows.Scan(&d.ID, &d.MessageID, &d.Kind, &d.From, &d.To, &d.Status, &d.Attempts, &d.LastError, &created, &next, &delivered); err != nil {
			return nil, err
		}
		d.CreatedAt, d.NextAttemptAt, d.DeliveredAt = store.FromMicros(created), store.FromMicros(next), store.FromMicros(delivered)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Deliveries returns the state of a message for each of its receivers.
func Deliveries(ctx context.Context, q store.Querier, messageID string) ([]Delivery, error) {
	out, err := scanDeliveries(ctx, q, `SELECT `+deliveryColumns+` FROM exchange_outbox WHERE message_id = ? ORDER BY to_code`, messageID)
	if err != nil {
		return nil, fmt.Errorf("outbox: deliveries of %s: %w", messageID, err)
	}
	return out, nil
}

// List returns queued messages of one status (all when ""), newest first.
func List(ctx context.Context, q store.Querier, status string, limit int) ([]Delivery, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	query := `SELECT ` + deliveryColumns + ` FROM exchange_outbox`
	args := []any{}
	if status != "" {
		query += ` WHERE status = ?`
		args = append(args, status)
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit)
	out, err := scanDeliveries(ctx, q, query, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox: list: %w", err)
	}
	return out, nil
}

// Counts returns how many rows each status has, for metrics and the
// dashboard.
func Counts(ctx context.Context, q store.Querier) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT status, COUNT(*) FROM exchange_outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("outbox: counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{StatusPending: 0, StatusDelivered: 0, StatusFailed: 0}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("outbox: counts: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// Retry puts a failed delivery back in the queue, due now, with its
// attempts reset: what an operator does after the receiver fixed the
// problem it reported. It returns store.ErrNotFound when no failed row has
// that id.
func Retry(ctx context.Context, h store.Handle, id string) error {
	res, err := h.ExecContext(ctx, `UPDATE exchange_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_until = 0, claim_token = ''
		WHERE id = ? AND status = 'failed'`, store.Micros(time.Now()), id)
	if err != nil {
		return fmt.Errorf("outbox: retry %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("outbox: retry %s: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("outbox: retry %s: no failed delivery with this id: %w", id, store.ErrNotFound)
	}
	return nil
}

// Purge deletes delivered messages older than before and returns how
// many. The documents domain keeps its own timeline of what was sent; the
// outbox needs delivered rows only for deduplication of late re-enqueues,
// which happen within minutes, so a retention of weeks is ample.
func Purge(ctx context.Context, h store.Handle, before time.Time) (int64, error) {
	res, err := h.ExecContext(ctx, `DELETE FROM exchange_outbox WHERE status = 'delivered' AND delivered_at < ?`, store.Micros(before))
	if err != nil {
		return 0, fmt.Errorf("outbox: purge: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("outbox: purge: %w", err)
	}
	return n, nil
}
