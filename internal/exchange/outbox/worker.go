package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/kyso-vn/kyso/internal/retry"
	"github.com/kyso-vn/kyso/internal/store"
)

// Config configures a Worker.
type Config struct {
	DB        *store.DB
	Transport Transport // usually a *Router
	Log       *slog.Logger
	// PollInterval is how often the worker looks for due messages when
	// not notified (default 5 s): retries coming due, messages queued by
	// other nodes or by a process without a worker.
	PollInterval time.Duration
	// Batch is how many messages one claim takes (default 32);
	// Concurrency how many deliveries run at once (default 8).
	Batch, Concurrency int
	// Lease is how long a claim lasts (default 5 min). A delivery is
	// given 4/5 of it; if the worker dies, its messages are due again
	// when the lease ends.
	Lease time.Duration
	// RetryBase and RetryMax shape the backoff after a temporary failure:
	// RetryBase·2^(attempts-1), capped at RetryMax, with jitter (defaults
	// 2 s and 5 min). Tests set milliseconds.
	RetryBase, RetryMax time.Duration
	// MaxAttempts marks a message failed after that many temporary
	// failures (default 0: keep trying; an agency's system that is down
	// for a week still gets its documents when it returns).
	MaxAttempts int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Worker delivers queued messages.
type Worker struct {
	cfg  Config
	wake chan struct{}
}

// NewWorker checks cfg and returns a worker; start it with Run.
func NewWorker(cfg Config) (*Worker, error) {
	if cfg.DB == nil || cfg.Transport == nil {
		return nil, errors.New("outbox: Config.DB and Config.Transport are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 5 * time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 32
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 2 * time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Worker{cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// Notify makes a running worker look for due messages now. Call it after
// the transaction that enqueued committed; it never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then returns nil; deliveries in flight are
// cancelled and their messages stay pending (leased: they are due again
// when the lease ends).
//
// Run keeps up to Concurrency deliveries going and claims more as each
// finishes, so one slow receiver (a large package on a slow link) holds
// one slot, not the queue. Outcomes are recorded as they come, several
// per transaction.
func (w *Worker) Run(ctx context.Context) error {
	results := make(chan outcome, w.cfg.Concurrency)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		w.recordAll(ctx, results)
	}()
	var inflight sync.WaitGroup
	defer func() {
		inflight.Wait()
		close(results)
		<-recorded
	}()
	slots := make(chan struct{}, w.cfg.Concurrency)
	freed := make(chan struct{}, 1)
	t := time.NewTicker(w.cfg.PollInterval)
	defer t.Stop()
	for {
		free := cap(slots) - len(slots)
		// Claim for a quarter of the slots at least (unless idle): a
		// claim is a transaction, and on a busy queue one per finished
		// delivery would cost a commit per message.
		claimNow := free > 0 && (free >= max(1, cap(slots)/4) || free == cap(slots))
		// more: there may be due messages this round could not take.
		more := !claimNow
		if claimNow {
			want := min(free, w.cfg.Batch)
			batch, err := w.claim(ctx, want)
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				w.cfg.Log.Warn("outbox: claim failed", "err", err)
			}
			for _, c := range batch {
				slots <- struct{}{}
				inflight.Add(1)
				go func() {
					defer inflight.Done()
					results <- outcome{c: c, err: w.deliver(ctx, c)}
					<-slots
					select {
					case freed <- struct{}{}:
					default:
					}
				}()
			}
			more = err == nil && len(batch) == want
		}
		if claimNow && more && len(slots) < cap(slots) {
			continue // a full claim: more may be due, and there is room
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-t.C:
		case <-freed:
			if more {
				continue // a slot opened while work may be waiting
			}
			// Otherwise wait for something to do.
			select {
			case <-ctx.Done():
				return nil
			case <-w.wake:
			case <-t.C:
			}
		}
	}
}

// claimed is a message this worker holds the lease of.
type claimed struct {
	Message
	rowID    string
	token    string // the claim's token: only its holder records the outcome
	attempts int
}

// outcome is what became of one delivery.
type outcome struct {
	c   *claimed
	err error
}

// RunOnce claims one batch of due messages, delivers them (Concurrency at
// a time), records the outcomes and returns how many it claimed. It is
// Run's step for tests and one-shot tools.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	batch, err := w.claim(ctx, w.cfg.Batch)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	results := make(chan outcome, len(batch))
	var wg sync.WaitGroup
	next := make(chan *claimed)
	for range min(w.cfg.Concurrency, len(batch)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				results <- outcome{c: c, err: w.deliver(ctx, c)}
			}
		}()
	}
	go func() {
		for _, c := range batch {
			next <- c
		}
		close(next)
		wg.Wait()
		close(results)
	}()
	return len(batch), w.recordAll(ctx, results)
}

// recordAll records outcomes as they come until results is closed,
// writing whatever has arrived in one transaction: a busy queue costs a
// few commits per batch rather than one per message, and one slow
// receiver does not hold back the others' results. It returns the first
// failure to record.
func (w *Worker) recordAll(ctx context.Context, results <-chan outcome) error {
	var firstErr error
	for o := range results {
		group := []outcome{o}
	drain:
		for len(group) < 64 {
			select {
			case more, ok := <-results:
				if !ok {
					break drain
				}
				group = append(group, more)
			default:
				break drain
			}
		}
		if err := w.record(ctx, group); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			// The leases stand: the messages are delivered again when
			// they end, and receivers deduplicate.
			w.cfg.Log.Warn("outbox: recording outcomes failed", "err", err)
		}
	}
	return firstErr
}

// claim takes the lease of up to Batch due messages. The lease is written
// into next_attempt_at, so a claimed message is simply not due until the
// lease ends, and due again if its worker never reports back.
func (w *Worker) claim(ctx context.Context, limit int) ([]*claimed, error) {
	token := store.NewID()
	now := w.cfg.Now()
	until := store.Micros(now.Add(w.cfg.Lease))
	var batch []*claimed
	err := w.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		batch = batch[:0]
		q := `SELECT id FROM exchange_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`
		if tx.Dialect() == store.Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, q, store.Micros(now), limit)
		if err != nil {
			return err
		}
		var ids []any
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		in := "?" + strings.Repeat(", ?", len(ids)-1)
		args := append([]any{until, until, token}, ids...)
		if _, err := tx.ExecContext(ctx, `UPDATE exchange_outbox SET next_attempt_at = ?, claimed_until = ?, claim_token = ?, attempts = attempts + 1
			WHERE id IN (`+in+`)`, args...); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT id, message_id, kind, from_code, to_code, body, attempts FROM exchange_outbox WHERE id IN (`+in+`)`, ids...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := &claimed{token: token}
			if err := rows.Scan(&c.rowID, &c.ID, &c.Kind, &c.From, &c.To, &c.Body, &c.attempts); err != nil {
				return err
			}
			batch = append(batch, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: claim due messages: %w", err)
	}
	return batch, nil
}

// deliver runs the transport with a deadline inside the lease, turning a
// panic into an error: no message may take the worker down.
func (w *Worker) deliver(ctx context.Context, c *claimed) (err error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Lease*4/5)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("outbox: transport panic: %v", v)
		}
	}()
	return w.cfg.Transport.Deliver(ctx, c.Message)
}

// record writes the outcomes of a group of deliveries. Each update is
// conditional on the claim token: a worker whose lease ran out (and whose
// message another worker took) cannot overwrite the newer outcome.
func (w *Worker) record(ctx context.Context, group []outcome) error {
	if ctx.Err() != nil {
		// Shutting down: interrupted deliveries are nobody's fault.
		// Leave the leases to run out; successes are written anyway.
		kept := group[:0]
		for _, o := range group {
			if o.err == nil {
				kept = append(kept, o)
			}
		}
		group = kept
		if len(group) == 0 {
			return nil
		}
	}
	now := w.cfg.Now()
	at := store.Micros(now)
	// A delivery that succeeded must be recorded even when shutdown
	// began meanwhile, or it would be sent again.
	ctx = context.WithoutCancel(ctx)
	err := w.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		// Successes in one statement per claim (a group usually holds
		// one or two claims).
		delivered := map[string][]any{}
		for _, o := range group {
			if o.err == nil {
				delivered[o.c.token] = append(delivered[o.c.token], o.c.rowID)
			}
		}
		for token, ids := range delivered {
			args := append([]any{at, token}, ids...)
			_, err := tx.ExecContext(ctx, `UPDATE exchange_outbox SET status = 'delivered', delivered_at = ?, claimed_until = 0, last_error = ''
				WHERE claim_token = ? AND status = 'pending' AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
			if err != nil {
				return err
			}
		}
		for _, o := range group {
			c := o.c
			var err error
			switch {
			case o.err == nil:
				continue
			case IsPermanent(o.err) || (w.cfg.MaxAttempts > 0 && c.attempts >= w.cfg.MaxAttempts):
				_, err = tx.ExecContext(ctx, `UPDATE exchange_outbox SET status = 'failed', claimed_until = 0, last_error = ?
					WHERE id = ? AND claim_token = ? AND status = 'pending'`, errText(o.err), c.rowID, c.token)
			default:
				delay := max(retry.Backoff(w.cfg.RetryBase, w.cfg.RetryMax, c.attempts), retryAfterOf(o.err))
				_, err = tx.ExecContext(ctx, `UPDATE exchange_outbox SET next_attempt_at = ?, claimed_until = 0, last_error = ?
					WHERE id = ? AND claim_token = ? AND status = 'pending'`, store.Micros(now.Add(delay)), errText(o.err), c.rowID, c.token)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox: record %d delivery outcomes: %w", len(group), err)
	}
	for _, o := range group {
		c := o.c
		switch {
		case o.err == nil:
			w.cfg.Log.Debug("outbox: delivered", "message_id", c.ID, "kind", c.Kind, "from", c.From, "to", c.To, "attempt", c.attempts)
		case IsPermanent(o.err) || (w.cfg.MaxAttempts > 0 && c.attempts >= w.cfg.MaxAttempts):
			w.cfg.Log.Error("outbox: delivery failed for good", "message_id", c.ID, "kind", c.Kind, "from", c.From, "to", c.To, "attempt", c.attempts, "err", o.err)
		default:
			w.cfg.Log.Warn("outbox: delivery failed, will retry", "message_id", c.ID, "to", c.To, "attempt", c.attempts, "err", o.err)
		}
	}
	return nil
}

// errText is an error as stored in last_error, bounded.
func errText(err error) string {
	s := err.Error()
	if len(s) > 2000 {
		s = strings.ToValidUTF8(s[:2000], "") + "…"
	}
	return s
}
