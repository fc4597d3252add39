package axis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kyso-vn/kyso/internal/store"
)

// errConflict: the message id is already stored for a receiver, from
// another sender. A sender cannot make another's later package look like a
// duplicate of its own.
var errConflict = errors.New("axis: message id already used by another sender for this receiver")

// pkg is a verified package about to be stored.
type pkg struct {
	messageID string
	kind      Kind
	from      string
	to        []string
	body      []byte
}

// storeRequest is one submission waiting to be written.
type storeRequest struct {
	p         *pkg
	duplicate bool
	err       error
	done      chan struct{}
}

// groupCommit writes concurrent submissions in shared transactions. Every
// commit of a durable database waits for the disk (a SQLite commit with
// synchronous=FULL is an fsync, about 1.5 ms on this project's machines),
// so committing each package alone caps the axis at a few hundred per
// second however many cores it has. Instead the first submission to find
// no commit running writes everything queued by then, and those that
// queued meanwhile find their result ready or form the next group.
type groupCommit struct {
	mu     sync.Mutex // guards queue
	queue  []*storeRequest
	commit sync.Mutex // one group at a time
}

// maxGroup bounds a group, so that one transaction stays short.
const maxGroup = 128

// store writes p (one copy per receiver) and reports whether every copy
// existed already (a resubmission). The package is written in a
// transaction shared with other submissions; a database failure fails
// them all, and each sender retries.
func (g *groupCommit) store(db *store.DB, p *pkg, now time.Time) (duplicate bool, err error) {
	r := &storeRequest{p: p, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, r)
	g.mu.Unlock()
	for {
		g.commit.Lock()
		select {
		case <-r.done:
			g.commit.Unlock()
			return r.duplicate, r.err
		default:
		}
		g.mu.Lock()
		n := min(len(g.queue), maxGroup)
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		writeGroup(db, batch, now)
		g.commit.Unlock()
		select {
		case <-r.done:
			return r.duplicate, r.err
		default: // r was beyond maxGroup: lead the next group
		}
	}
}

// writeGroup writes a group in one transaction and settles each request.
// It does not depend on any one client's context: the group serves them
// all.
func writeGroup(db *store.DB, batch []*storeRequest, now time.Time) {
	ctx := context.Background()
	at := store.Micros(now)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range batch {
			r.duplicate, r.err = true, nil
			for _, to := range r.p.to {
				inserted, from, err := insertCopy(ctx, tx, r.p, to, at)
				if err != nil {
					return err
				}
				if inserted {
					r.duplicate = false
				} else if from != r.p.from {
					r.err = errConflict
				}
			}
		}
		return nil
	})
	for _, r := range batch {
		if err != nil {
			r.err = err
		}
		close(r.done)
	}
}

// insertCopy writes the copy of p for to unless it exists; then it
// returns the stored copy's sender.
func insertCopy(ctx context.Context, tx *store.Tx, p *pkg, to string, at int64) (bool, string, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO axis_packages (id, message_id, from_code, to_code, kind, body, stored_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, to_code) DO NOTHING`,
		store.NewID(), p.messageID, p.from, to, string(p.kind), p.body, at)
	if err != nil {
		return false, "", fmt.Errorf("axis: store package %s for %s: %w", p.messageID, to, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, "", fmt.Errorf("axis: store package %s: %w", p.messageID, err)
	}
	if n == 1 {
		return true, p.from, nil
	}
	var from string
	if err := tx.QueryRowContext(ctx, `SELECT from_code FROM axis_packages WHERE message_id = ? AND to_code = ?`, p.messageID, to).Scan(&from); err != nil {
		return false, "", fmt.Errorf("axis: read stored package %s: %w", p.messageID, err)
	}
	return false, from, nil
}

// pending returns up to limit unacknowledged packages for code, oldest
// first, stopping before the bodies pass maxBytes (but always returning
// at least one, so that a package as large as the limit still gets out).
func pending(ctx context.Context, q store.Querier, code string, limit int, maxBytes int64) ([]Message, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, message_id, kind, from_code, to_code, stored_at, body FROM axis_packages
		WHERE to_code = ? AND acked_at = 0 ORDER BY stored_at, id LIMIT ?`, code, limit)
	if err != nil {
		return nil, fmt.Errorf("axis: poll %s: %w", code, err)
	}
	defer rows.Close()
	out := []Message{}
	var total int64
	for rows.Next() {
		var m Message
		var kind string
		var at int64
		if err := rows.Scan(&m.ID, &m.MessageID, &kind, &m.From, &m.To, &at, &m.Body); err != nil {
			return nil, fmt.Errorf("axis: poll %s: %w", code, err)
		}
		if len(out) > 0 && total+int64(len(m.Body)) > maxBytes {
			break
		}
		total += int64(len(m.Body))
		m.Kind, m.StoredAt = Kind(kind), store.FromMicros(at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("axis: poll %s: %w", code, err)
	}
	return out, nil
}

// ack marks the given packages of code acknowledged and returns how many
// exist for code (acknowledged now or before): acknowledging twice is
// harmless, acknowledging another agency's package does nothing.
func ack(ctx context.Context, db *store.DB, code string, ids []string, now time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	in := "?" + strings.Repeat(", ?", len(ids)-1)
	args := make([]any, 0, len(ids)+2)
	args = append(args, store.Micros(now), code)
	for _, id := range ids {
		args = append(args, id)
	}
	var found int
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE axis_packages SET acked_at = ? WHERE to_code = ? AND acked_at = 0 AND id IN (`+in+`)`, args...); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM axis_packages WHERE to_code = ? AND id IN (`+in+`)`, args[1:]...).Scan(&found)
	})
	if err != nil {
		return 0, fmt.Errorf("axis: acknowledge for %s: %w", code, err)
	}
	return found, nil
}

// rejection is one refused submission.
type rejection struct {
	client    string
	messageID string
	reason    Reason
	detail    string
	body      []byte
	size      int64
}

// maxDetail bounds the explanation kept in the log: a parser's message
// about a hostile package could otherwise be made large.
const maxDetail = 1000

// logRejection writes r to axis_rejections: the body's size and digest,
// never the body.
func logRejection(ctx context.Context, db *store.DB, r rejection, now time.Time) error {
	digest := ""
	if r.body != nil {
		sum := sha256.Sum256(r.body)
		digest = hex.EncodeToString(sum[:])
	}
	detail := r.detail
	if len(detail) > maxDetail {
		detail = strings.ToValidUTF8(detail[:maxDetail], "") + "…"
	}
	_, err := db.ExecContext(ctx, `INSERT INTO axis_rejections (id, at, client_code, message_id, reason, detail, size, sha256)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), store.Micros(now), r.client, r.messageID, string(r.reason), detail, r.size, digest)
	if err != nil {
		return fmt.Errorf("axis: log rejection: %w", err)
	}
	return nil
}

// Rejection is one entry of the rejection log.
type Rejection struct {
	At         time.Time
	ClientCode string // the authenticated agency that submitted
	MessageID  string // when the package got far enough to have one
	Reason     Reason
	Detail     string
	Size       int64
	SHA256     string // hex digest of the refused body
}

// Rejections returns the newest entries of the rejection log, for an
// operator's page or a report.
func Rejections(ctx context.Context, q store.Querier, limit int) ([]Rejection, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := q.QueryContext(ctx, `SELECT at, client_code, message_id, reason, detail, size, sha256 FROM axis_rejections ORDER BY at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("axis: rejections: %w", err)
	}
	defer rows.Close()
	var out []Rejection
	for rows.Next() {
		var r Rejection
		var at int64
		var reason string
		if err := rows.Scan(&at, &r.ClientCode, &r.MessageID, &reason, &r.Detail, &r.Size, &r.SHA256); err != nil {
			return nil, fmt.Errorf("axis: rejections: %w", err)
		}
		r.At, r.Reason = store.FromMicros(at), Reason(reason)
		out = append(out, r)
	}
	return out, rows.Err()
}

// PurgeAcked deletes packages acknowledged before the given time and
// returns how many: once a receiver has a package in its inbox the axis
// copy is only a record, and the axis must not grow without end.
func PurgeAcked(ctx context.Context, db *store.DB, before time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM axis_packages WHERE acked_at > 0 AND acked_at < ?`, store.Micros(before))
	if err != nil {
		return 0, fmt.Errorf("axis: purge: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("axis: purge: %w", err)
	}
	return n, nil
}
