// Package audit is kyso's tamper-evident audit log.
//
// Events are appended in the same transaction as the change they record, so
// a change and its event commit or vanish together. Each event's hash covers
// its content and the previous event's hash; the newest link is kept in
// audit_head. Verify recomputes the chain and names the first broken link:
// an edited, deleted or inserted row, or a truncated tail. The tables also
// refuse UPDATE and DELETE through triggers (see package store); the chain is
// what catches someone who removed those.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kyso-vn/kyso/internal/store"
)

// Event is one audited action.
type Event struct {
	Seq        int64          `json:"seq"`
	At         time.Time      `json:"at"`
	ActorID    string         `json:"actor_id,omitempty"`
	ActorName  string         `json:"actor_name,omitempty"`
	AgencyID   string         `json:"agency_id,omitempty"`
	AgencyPath string         `json:"-"`
	Action     string         `json:"action"`
	ObjectType string         `json:"object_type,omitempty"`
	ObjectID   string         `json:"object_id,omitempty"`
	IP         string         `json:"ip,omitempty"`
	Details    map[string]any `json:"details,omitempty"`
	Hash       string         `json:"hash"`
}

// GenesisHash is the previous hash of the first event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// link is the canonical form that is hashed. Field order is fixed by the
// struct; Details is already canonical JSON (encoding/json sorts map keys).
// Changing this struct breaks every existing chain: add a version instead.
type link struct {
	Seq        int64  `json:"seq"`
	At         int64  `json:"at"`
	ActorID    string `json:"actor_id"`
	ActorName  string `json:"actor_name"`
	AgencyID   string `json:"agency_id"`
	AgencyPath string `json:"agency_path"`
	Action     string `json:"action"`
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	IP         string `json:"ip"`
	Details    string `json:"details"`
	PrevHash   string `json:"prev_hash"`
}

func (l link) hash() string {
	b, err := json.Marshal(l)
	if err != nil {
		// Only strings and integers: Marshal cannot fail.
		panic("audit: marshal link: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Append records ev in the transaction tx and fills in its Seq, At (when
// zero) and Hash. Callers must never put secrets (passwords, tokens, keys)
// in Details.
func Append(ctx context.Context, tx *store.Tx, ev *Event) error {
	if ev.Action == "" {
		return fmt.Errorf("audit: event without an action")
	}
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	details := "{}"
	if len(ev.Details) > 0 {
		b, err := json.Marshal(ev.Details)
		if err != nil {
			return fmt.Errorf("audit: details of %s: %w", ev.Action, err)
		}
		details = string(b)
	}
	// Taking the head row's lock orders concurrent appends on both engines:
	// the second transaction waits here until the first commits.
	var prev string
	err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&ev.Seq, &prev)
	if err != nil {
		return fmt.Errorf("audit: advance head: %w", err)
	}
	l := link{
		Seq: ev.Seq, At: store.Micros(ev.At), ActorID: ev.ActorID, ActorName: ev.ActorName,
		AgencyID: ev.AgencyID, AgencyPath: ev.AgencyPath, Action: ev.Action,
		ObjectType: ev.ObjectType, ObjectID: ev.ObjectID, IP: ev.IP, Details: details, PrevHash: prev,
	}
	ev.Hash = l.hash()
	ev.At = store.FromMicros(l.At)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_events
		(seq, at, actor_id, actor_name, agency_id, agency_path, action, object_type, object_id, ip, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.Seq, l.At, l.ActorID, l.ActorName, l.AgencyID, l.AgencyPath, l.Action, l.ObjectType, l.ObjectID, l.IP, l.Details, l.PrevHash, ev.Hash)
	if err != nil {
		return fmt.Errorf("audit: insert %s: %w", ev.Action, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = ? WHERE id = 1`, ev.Hash); err != nil {
		return fmt.Errorf("audit: update head: %w", err)
	}
	return nil
}

// Record appends ev in a transaction of its own, for events that accompany
// no other change (a failed login, a download).
func Record(ctx context.Context, db store.Handle, ev *Event) error {
	return db.InTx(ctx, func(tx *store.Tx) error { return Append(ctx, tx, ev) })
}

// Filter selects events for List.
type Filter struct {
	// AgencyPath limits events to an agency subtree ("/a/b/"); empty means all.
	AgencyPath string
	Action     string
	ObjectType string
	ObjectID   string
	ActorID    string
	// Before returns events with Seq < Before (paging backwards); 0 means newest.
	Before int64
	Limit  int
}

// List returns events newest first.
func List(ctx context.Context, q store.Querier, f Filter) ([]Event, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	query := `SELECT seq, at, actor_id, actor_name, agency_id, agency_path, action, object_type, object_id, ip, details, hash
		FROM audit_events WHERE 1 = 1`
	var args []any
	if f.AgencyPath != "" {
		query += ` AND agency_path LIKE ?`
		args = append(args, f.AgencyPath+"%")
	}
	for _, c := range []struct{ col, v string }{{"action", f.Action}, {"object_type", f.ObjectType}, {"object_id", f.ObjectID}, {"actor_id", f.ActorID}} {
		if c.v != "" {
			query += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	if f.Before > 0 {
		query += ` AND seq < ?`
		args = append(args, f.Before)
	}
	query += ` ORDER BY seq DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var ev Event
		var at int64
		var details string
		if err := rows.Scan(&ev.Seq, &at, &ev.ActorID, &ev.ActorName, &ev.AgencyID, &ev.AgencyPath, &ev.Action,
			&ev.ObjectType, &ev.ObjectID, &ev.IP, &details, &ev.Hash); err != nil {
			return nil, fmt.Errorf("audit: list: %w", err)
		}
		ev.At = store.FromMicros(at)
		if details != "{}" {
			_ = json.Unmarshal([]byte(details), &ev.Details)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}
