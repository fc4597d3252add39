package audit

import (
	"context"
	"fmt"

	"github.com/kyso-vn/kyso/internal/store"
)

// Break describes the first place where the chain does not hold.
type Break struct {
	Seq    int64  // the event at fault (for a truncated tail: the head's seq)
	Reason string // a short English sentence saying what is wrong
}

// Report is the result of Verify.
type Report struct {
	Checked int64  // events whose links were checked
	Head    int64  // the head's seq
	Break   *Break // nil when the whole chain holds
}

// OK reports whether the chain holds.
func (r Report) OK() bool { return r.Break == nil }

// Verify recomputes every link in order and stops at the first broken one.
// It streams the table in pages, so memory stays flat however long the log.
func Verify(ctx context.Context, q store.Querier) (Report, error) {
	var rep Report
	var headHash string
	if err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&rep.Head, &headHash); err != nil {
		return rep, fmt.Errorf("audit: verify: read head: %w", err)
	}
	prev, want := GenesisHash, int64(1)
	const page = 1000
	for {
		n, brk, err := verifyPage(ctx, q, &prev, &want, page)
		rep.Checked += n
		if err != nil {
			return rep, err
		}
		if brk != nil {
			rep.Break = brk
			return rep, nil
		}
		if n < page {
			break
		}
	}
	last := want - 1
	switch {
	case last != rep.Head:
		rep.Break = &Break{Seq: last + 1, Reason: fmt.Sprintf("the head says %d events but the log ends at %d: events were removed from the end", rep.Head, last)}
	case prev != headHash:
		rep.Break = &Break{Seq: last, Reason: "the head's hash does not match the last event: the head or the last event was changed"}
	}
	return rep, nil
}

func verifyPage(ctx context.Context, q store.Querier, prev *string, want *int64, limit int) (int64, *Break, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, at, actor_id, actor_name, agency_id, agency_path, action, object_type,
		object_id, ip, details, prev_hash, hash FROM audit_events WHERE seq >= ? ORDER BY seq LIMIT ?`, *want, limit)
	if err != nil {
		return 0, nil, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var l link
		var stored string
		if err := rows.Scan(&l.Seq, &l.At, &l.ActorID, &l.ActorName, &l.AgencyID, &l.AgencyPath, &l.Action,
			&l.ObjectType, &l.ObjectID, &l.IP, &l.Details, &l.PrevHash, &stored); err != nil {
			return n, nil, fmt.Errorf("audit: verify: %w", err)
		}
		n++
		switch {
		case l.Seq != *want:
			return n, &Break{Seq: *want, Reason: fmt.Sprintf("event %d is missing (the next one is %d)", *want, l.Seq)}, nil
		case l.PrevHash != *prev:
			return n, &Break{Seq: l.Seq, Reason: "its previous-hash does not match the event before it: an event was inserted, removed or changed"}, nil
		case l.hash() != stored:
			return n, &Break{Seq: l.Seq, Reason: "its content does not match its hash: the event was edited"}, nil
		}
		*prev = stored
		*want++
	}
	return n, nil, rows.Err()
}
