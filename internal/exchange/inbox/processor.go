package inbox

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/retry"
	"github.com/kyso-vn/kyso/internal/store"
)

// Handler is what the documents domain implements to receive packages.
// Each call runs inside the transaction that marks the inbox row
// processed: whatever the handler writes with tx (the incoming document,
// its register entry, the sender's timeline) commits with that mark or is
// rolled back with it. The handler must not commit tx, nor use another
// transaction for its own rows.
//
// A returned error rolls the transaction back. Wrap it with Reject when
// the package can never be taken (not addressed to an agency here, the
// signer's certificate is not trusted, a document for an unknown
// recipient): the row is then marked rejected instead of retried. Any
// other error is taken as temporary and retried with backoff.
type Handler interface {
	// HandleDocument receives a document package for receiverCode, one of
	// the package's addressees hosted here. env and chain are what
	// edxml.Parse returned: the signature is intact and made with
	// chain[0]'s key; whether chain[0] is trusted and belongs to
	// env.Header.From is for the handler to check. raw is the package as
	// received, to keep as evidence.
	HandleDocument(ctx context.Context, tx *store.Tx, receiverCode string, env *edxml.Envelope, chain []*x509.Certificate, raw []byte) error
	// HandleStatus receives a status message about a document that
	// receiverCode sent (st.ResponseFor.OrganID is receiverCode).
	HandleStatus(ctx context.Context, tx *store.Tx, receiverCode string, st *edxml.Status, chain []*x509.Certificate) error
}

// RejectionHandler is an optional capability of a Handler: told of every
// rejected package, in the transaction that marks it rejected, it can
// queue a "02 rejected" status message to the sender (edxml.StatusRejected
// with the reason) or notify the clerk. An error rolls the rejection back;
// it is retried like a handler failure.
type RejectionHandler interface {
	HandleRejection(ctx context.Context, tx *store.Tx, r *Rejection) error
}

// Preparer is an optional capability of a Handler: PrepareDocument runs
// for each document package that parsed, before the transaction and
// Concurrency at a time, for slow work that needs no database lock, such as
// validating the signatures of the attachments (which may fetch OCSP
// answers). It keeps what it finds for HandleDocument, which must still
// cope with finding nothing (a retry after a restart).
type Preparer interface {
	PrepareDocument(ctx context.Context, receiverCode string, env *edxml.Envelope, chain []*x509.Certificate)
}

// Rejection describes a package the inbox refused.
type Rejection struct {
	InboxID      string
	MessageID    string
	ReceiverCode string
	// FromCode is the sender as the transport authenticated it (the
	// axis's client certificate, or the local sender); "" when unknown.
	// It is the only sender a status message may safely go back to when
	// the package did not parse.
	FromCode string
	Kind     string
	Reason   string // what was wrong, for the sender and the log
	Err      error  // the cause: an edxml sentinel (ErrMalformed, ErrBadSignature, ...) or the handler's error
	// Envelope, Status and Chain are set when the package parsed and was
	// refused afterwards (by the inbox's checks or by Reject): then the
	// content is signed and a status message can quote Envelope.ResponseFor.
	Envelope *edxml.Envelope
	Status   *edxml.Status
	Chain    []*x509.Certificate
	Raw      []byte // the package as received
}

// rejectError marks a handler error as a rejection.
type rejectError struct{ err error }

func (e *rejectError) Error() string { return "rejected: " + e.err.Error() }
func (e *rejectError) Unwrap() error { return e.err }

// Reject wraps err so that the Processor rejects the package instead of
// retrying it. The reason recorded is err's message.
func Reject(err error) error {
	if err == nil {
		err = errors.New("rejected by the receiver")
	}
	return &rejectError{err: err}
}

// IsRejection reports whether err was made by Reject.
func IsRejection(err error) bool {
	var re *rejectError
	return errors.As(err, &re)
}

// Config configures a Processor.
type Config struct {
	DB      *store.DB
	Handler Handler
	Log     *slog.Logger
	// PollInterval is how often the processor looks for work without
	// being notified (default 5 s): packages accepted by another node, and
	// retries coming due.
	PollInterval time.Duration
	// Batch is how many rows one round takes (default 32). A round's
	// handlers run one after another in one transaction, so Batch also
	// bounds how long that transaction (on SQLite, the write lock) lasts:
	// lower it if handlers are slow. Concurrency is how many packages are
	// parsed at once before that (default 2).
	Batch, Concurrency int
	// RetryBase and RetryMax shape the backoff after a handler error:
	// RetryBase·2^(attempts-1), capped at RetryMax, with jitter (defaults
	// 1 s and 5 min).
	RetryBase, RetryMax time.Duration
	// ParseOptions are passed to edxml.Parse and ParseStatus (e.g. a
	// lower WithMaxSize).
	ParseOptions []edxml.ParseOption
	// Committed, when set, is called after each transaction that
	// processed or rejected a package committed. A handler that queues a
	// status message (outbox.Enqueue in its transaction) cannot wake the
	// outbox worker itself, since the message is not visible before the
	// commit: wire the worker's Notify here.
	Committed func()
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Processor hands stored packages to the Handler, each once.
type Processor struct {
	cfg  Config
	wake chan struct{}
}

// NewProcessor checks cfg and returns a processor; start it with Run.
func NewProcessor(cfg Config) (*Processor, error) {
	if cfg.DB == nil || cfg.Handler == nil {
		return nil, errors.New("inbox: Config.DB and Config.Handler are required")
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
		cfg.Concurrency = 2
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Processor{cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// Notify makes a running processor look for work now rather than at its
// next poll. Transports call it after Accept committed; it never blocks.
func (p *Processor) Notify() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Run processes packages until ctx ends, then returns nil. Failures are
// logged and retried; nothing a package contains stops it.
func (p *Processor) Run(ctx context.Context) error {
	t := time.NewTicker(p.cfg.PollInterval)
	defer t.Stop()
	for {
		n, err := p.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			p.cfg.Log.Warn("inbox: processing round failed", "err", err)
		}
		if n >= p.cfg.Batch && err == nil {
			continue // more may be waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-p.wake:
		case <-t.C:
		}
	}
}

// RunOnce processes one batch of due packages and returns how many it
// settled (processed, rejected or rescheduled). The error is the first
// database failure; a handler's failure is recorded on its row instead.
//
// The batch is read in one query and parsed in parallel outside any
// transaction (parsing depends only on the bytes), then settled in one
// transaction with a savepoint per package: a handler's failure rolls
// back that package's work only. One commit per batch rather than per
// package is what lets a SQLite deployment, whose every commit waits for
// the disk, take in hundreds of packages a second. If the shared
// transaction itself fails, the batch is settled again one package per
// transaction, so that a package whose handler breaks the transaction
// holds back no other.
func (p *Processor) RunOnce(ctx context.Context) (int, error) {
	rows, err := p.due(ctx)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	items := p.prepare(ctx, rows)
	n, err := p.settle(ctx, items)
	if err == nil || ctx.Err() != nil {
		return n, err
	}
	p.cfg.Log.Warn("inbox: batch transaction failed, settling one by one", "packages", len(items), "err", err)
	n, firstErr := 0, error(nil)
	for _, it := range items {
		k, err := p.settle(ctx, []*item{it})
		if err != nil && ctx.Err() == nil {
			k, err = p.retryLater(ctx, it.row, err)
		}
		n += k
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return n, firstErr
}

// due reads the rows waiting to be processed, bodies included.
func (p *Processor) due(ctx context.Context) ([]*row, error) {
	rs, err := p.cfg.DB.QueryContext(ctx, `SELECT id, message_id, receiver_code, kind, from_code, attempts, body FROM exchange_inbox
		WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY received_at, id LIMIT ?`, store.Micros(p.cfg.Now()), p.cfg.Batch)
	if err != nil {
		return nil, fmt.Errorf("inbox: read due packages: %w", err)
	}
	defer rs.Close()
	var out []*row
	for rs.Next() {
		r := &row{}
		if err := rs.Scan(&r.id, &r.messageID, &r.receiver, &r.kind, &r.from, &r.attempts, &r.body); err != nil {
			return nil, fmt.Errorf("inbox: read due packages: %w", err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("inbox: read due packages: %w", err)
	}
	return out, nil
}

// row is an inbox row being processed.
type row struct {
	id, messageID, receiver, kind, from string
	attempts                            int
	body                                []byte
}

// parsed is what parsing a row gave.
type parsed struct {
	env   *edxml.Envelope
	st    *edxml.Status
	chain []*x509.Certificate
}

// item is a row with the outcome of parsing it.
type item struct {
	row  *row
	pk   *parsed // set when the signature verified
	perr error   // why the package is to be rejected, before any handler
}

// prepare parses the rows, Concurrency at a time.
func (p *Processor) prepare(ctx context.Context, rows []*row) []*item {
	items := make([]*item, len(rows))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(p.cfg.Concurrency, len(rows)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				pk, perr := p.parse(rows[i])
				items[i] = &item{row: rows[i], pk: pk, perr: perr}
				if pr, ok := p.cfg.Handler.(Preparer); ok && perr == nil && pk.env != nil {
					pr.PrepareDocument(ctx, rows[i].receiver, pk.env, pk.chain)
				}
			}
		}()
	}
	for i := range rows {
		next <- i
	}
	close(next)
	wg.Wait()
	return items
}

// settle hands the items to the handler, or rejects them, in one
// transaction, and returns how many it settled.
func (p *Processor) settle(ctx context.Context, items []*item) (int, error) {
	var settled int
	var logs []func()
	err := p.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		settled, logs = 0, logs[:0]
		now := store.Micros(p.cfg.Now())
		mine, err := lockPending(ctx, tx, items)
		if err != nil {
			return err
		}
		var processed []any
		for i, it := range items {
			r := it.row
			if !mine[r.id] {
				continue // settled meanwhile by another processor
			}
			sp := savepoint{tx: tx, name: fmt.Sprintf("kyso_inbox_%d", i)}
			cause := it.perr
			if cause == nil {
				if err := sp.begin(ctx); err != nil {
					return err
				}
				herr := p.callHandler(ctx, tx, r, it.pk)
				if herr == nil {
					if err := sp.release(ctx); err != nil {
						return err
					}
					processed = append(processed, r.id)
					settled++
					continue
				}
				if err := sp.rollback(ctx); err != nil {
					return err
				}
				if ctx.Err() != nil {
					// Shutting down: the handler was interrupted, not
					// at fault; the row stays due for the next start.
					return ctx.Err()
				}
				if !IsRejection(herr) {
					l, err := p.reschedule(ctx, tx, r, herr)
					if err != nil {
						return err
					}
					logs = append(logs, l)
					settled++
					continue
				}
				cause = herr
			}
			if err := sp.begin(ctx); err != nil {
				return err
			}
			rej, rerr := p.reject(ctx, tx, it, cause, now)
			if rerr != nil {
				if err := sp.rollback(ctx); err != nil {
					return err
				}
				l, err := p.reschedule(ctx, tx, r, fmt.Errorf("recording the rejection (%s): %w", cause, rerr))
				if err != nil {
					return err
				}
				logs = append(logs, l)
				settled++
				continue
			}
			if err := sp.release(ctx); err != nil {
				return err
			}
			logs = append(logs, func() {
				p.cfg.Log.Warn("inbox: package rejected", "message_id", r.messageID, "receiver", r.receiver, "from", r.from, "kind", r.kind, "reason", rej.Reason)
			})
			settled++
		}
		if len(processed) == 0 {
			return nil
		}
		args := append([]any{now}, processed...)
		if _, err := tx.ExecContext(ctx, `UPDATE exchange_inbox SET status = 'processed', processed_at = ?, error = '', attempts = attempts + 1
			WHERE id IN (`+placeholders(len(processed))+`)`, args...); err != nil {
			return fmt.Errorf("inbox: mark %d packages processed: %w", len(processed), err)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("inbox: settle %d packages: %w", len(items), err)
	}
	for _, l := range logs {
		l()
	}
	if settled > 0 && p.cfg.Committed != nil {
		p.cfg.Committed()
	}
	return settled, nil
}

// savepoint isolates one package's work inside the batch transaction.
// Both engines implement SQL savepoints; on PostgreSQL rolling back to
// one also clears the aborted state a failed statement leaves.
type savepoint struct {
	tx   *store.Tx
	name string
}

func (s savepoint) begin(ctx context.Context) error {
	if _, err := s.tx.ExecContext(ctx, "SAVEPOINT "+s.name); err != nil {
		return fmt.Errorf("inbox: savepoint: %w", err)
	}
	return nil
}

func (s savepoint) release(ctx context.Context) error {
	if _, err := s.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+s.name); err != nil {
		return fmt.Errorf("inbox: release savepoint: %w", err)
	}
	return nil
}

func (s savepoint) rollback(ctx context.Context) error {
	if _, err := s.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+s.name); err != nil {
		return fmt.Errorf("inbox: rollback to savepoint: %w", err)
	}
	return s.release(ctx)
}

// parse parses the row's body and checks it against what the transport
// said. A non-nil error is a reason to reject; pk is set when the
// signature verified, even if a check after it failed.
func (p *Processor) parse(r *row) (*parsed, error) {
	pk := &parsed{}
	var err error
	switch r.kind {
	case KindDocument:
		pk.env, pk.chain, err = edxml.Parse(r.body, p.cfg.ParseOptions...)
		if err != nil {
			return nil, err
		}
		h := &pk.env.Header
		switch {
		case pk.env.MessageID != r.messageID:
			return pk, fmt.Errorf("the package's message id %q is not %q, the id it was delivered under", pk.env.MessageID, r.messageID)
		case r.from != "" && h.From.OrganID != r.from:
			return pk, fmt.Errorf("the package is from %s but was delivered as from %s", h.From.OrganID, r.from)
		case !slices.ContainsFunc(h.To, func(o edxml.Organ) bool { return o.OrganID == r.receiver }):
			return pk, fmt.Errorf("the package is not addressed to %s", r.receiver)
		}
	case KindStatus:
		pk.st, pk.chain, err = edxml.ParseStatus(r.body, p.cfg.ParseOptions...)
		if err != nil {
			return nil, err
		}
		switch {
		case pk.st.MessageID() != r.messageID:
			return pk, fmt.Errorf("the status message's id %q is not %q, the id it was delivered under", pk.st.MessageID(), r.messageID)
		case r.from != "" && pk.st.From.OrganID != r.from:
			return pk, fmt.Errorf("the status message is from %s but was delivered as from %s", pk.st.From.OrganID, r.from)
		case pk.st.Code == edxml.StatusWithdrawn && pk.st.ResponseFor.OrganID == pk.st.From.OrganID:
			// A recall: the sender's own document, sent to its recipients.
		case pk.st.ResponseFor.OrganID != r.receiver:
			return pk, fmt.Errorf("the status message is about a document of %s, not of %s", pk.st.ResponseFor.OrganID, r.receiver)
		}
	default:
		return nil, fmt.Errorf("unknown kind %q", r.kind)
	}
	return pk, nil
}

// callHandler runs the handler, turning a panic into an error: a package
// must not be able to take the process down.
func (p *Processor) callHandler(ctx context.Context, tx *store.Tx, r *row, pk *parsed) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("inbox: handler panic on %s: %v", r.messageID, v)
		}
	}()
	if pk.env != nil {
		return p.cfg.Handler.HandleDocument(ctx, tx, r.receiver, pk.env, pk.chain, r.body)
	}
	return p.cfg.Handler.HandleStatus(ctx, tx, r.receiver, pk.st, pk.chain)
}

// lockPending locks the items' rows for this transaction and returns
// those still pending. On PostgreSQL SKIP LOCKED leaves rows another
// node's processor holds to it; on SQLite the transaction already holds
// the write lock.
func lockPending(ctx context.Context, tx *store.Tx, items []*item) (map[string]bool, error) {
	ids := make([]any, len(items))
	for i, it := range items {
		ids[i] = it.row.id
	}
	q := `SELECT id FROM exchange_inbox WHERE status = 'pending' AND id IN (` + placeholders(len(ids)) + `)`
	if tx.Dialect() == store.Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	rows, err := tx.QueryContext(ctx, q, ids...)
	if err != nil {
		return nil, fmt.Errorf("inbox: lock packages: %w", err)
	}
	defer rows.Close()
	mine := make(map[string]bool, len(ids))
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("inbox: lock packages: %w", err)
		}
		mine[id] = true
	}
	return mine, rows.Err()
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return "?" + strings.Repeat(", ?", n-1)
}

// reject marks the row rejected and tells the RejectionHandler, in tx.
func (p *Processor) reject(ctx context.Context, tx *store.Tx, it *item, cause error, now int64) (*Rejection, error) {
	r := it.row
	rej := &Rejection{InboxID: r.id, MessageID: r.messageID, ReceiverCode: r.receiver, FromCode: r.from, Kind: r.kind,
		Reason: cause.Error(), Err: cause, Raw: r.body}
	var re *rejectError
	if errors.As(cause, &re) {
		rej.Reason = re.err.Error()
	}
	if it.pk != nil {
		rej.Envelope, rej.Status, rej.Chain = it.pk.env, it.pk.st, it.pk.chain
	}
	_, err := tx.ExecContext(ctx, `UPDATE exchange_inbox SET status = 'rejected', error = ?, processed_at = ?, attempts = attempts + 1 WHERE id = ?`,
		bounded(rej.Reason), now, r.id)
	if err != nil {
		return nil, fmt.Errorf("inbox: mark %s rejected: %w", r.id, err)
	}
	if rh, ok := p.cfg.Handler.(RejectionHandler); ok {
		if err := callRejection(ctx, tx, rh, rej); err != nil {
			return nil, err
		}
	}
	return rej, nil
}

func callRejection(ctx context.Context, tx *store.Tx, rh RejectionHandler, rej *Rejection) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("inbox: rejection handler panic on %s: %v", rej.MessageID, v)
		}
	}()
	return rh.HandleRejection(ctx, tx, rej)
}

// reschedule records a temporary failure on the row, in tx, and returns
// the log line to write once it committed.
func (p *Processor) reschedule(ctx context.Context, q store.Querier, r *row, cause error) (func(), error) {
	delay := retry.Backoff(p.cfg.RetryBase, p.cfg.RetryMax, r.attempts+1)
	next := p.cfg.Now().Add(delay)
	_, err := q.ExecContext(ctx, `UPDATE exchange_inbox SET attempts = attempts + 1, error = ?, next_attempt_at = ? WHERE id = ? AND status = 'pending'`,
		bounded(cause.Error()), store.Micros(next), r.id)
	if err != nil {
		return nil, fmt.Errorf("inbox: reschedule %s: %w", r.id, err)
	}
	return func() {
		p.cfg.Log.Warn("inbox: handling failed, will retry", "message_id", r.messageID, "receiver", r.receiver, "attempt", r.attempts+1, "retry_in", delay.Round(time.Millisecond), "err", cause)
	}, nil
}

// retryLater records a failure that broke the package's own transaction,
// in a transaction of its own.
func (p *Processor) retryLater(ctx context.Context, r *row, cause error) (int, error) {
	log, err := p.reschedule(context.WithoutCancel(ctx), p.cfg.DB, r, cause)
	if err != nil {
		return 0, err
	}
	log()
	return 1, nil
}

// bounded shortens an error text for the error column.
func bounded(s string) string {
	if len(s) > 2000 {
		return strings.ToValidUTF8(s[:2000], "") + "…"
	}
	return s
}
