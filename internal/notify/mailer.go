// Package notify carries notifications out of the app: the documents
// domain writes them to the notifications table inside its own
// transactions (the in-app list), and the Mailer here sends each one by
// e-mail when SMTP is configured. The documents domain knows nothing of
// e-mail; this package knows the table and the words (internal/i18n), and
// internal/notify/mail knows SMTP.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/notify/mail"
	"github.com/kyso-vn/kyso/internal/store"
)

// Sender sends one message; *mail.Client is one. A *mail.PermanentError
// means retrying is pointless.
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

// Config configures a Mailer.
type Config struct {
	DB     *store.DB
	Sender Sender
	// PublicURL is where users reach kyso (Config.PublicURL); the mail
	// links to PublicURL/documents/ID.
	PublicURL string
	Log       *slog.Logger
	// PollInterval is how often the mailer looks for due notifications
	// when not nudged (default 5 s): retries coming due, notifications
	// other nodes created.
	PollInterval time.Duration
	// Batch is how many notifications one claim takes (default 32).
	Batch int
	// Lease is how long a claim holds a notification (default 2 min); a
	// send is given half of it. A mailer that dies mid-send leaves the
	// notification due again when the lease ends: at most one duplicate.
	Lease time.Duration
	// RetryBase and RetryMax shape the backoff after a failure:
	// RetryBase·2^(attempts-1), capped at RetryMax (defaults 30 s and
	// 30 min).
	RetryBase, RetryMax time.Duration
	// MaxAttempts gives up on a notification after that many failed sends
	// (default 8: about two hours of an SMTP server being down).
	MaxAttempts int
	// MaxAge: a notification older than this is not mailed any more
	// (default 3 days); the in-app list still has it. It bounds the
	// backlog after SMTP was turned off and on again.
	MaxAge time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// sinceKey is the kyso_meta key holding the time (microseconds) from
// which notifications are mailed: set the first time a mailer ran, so that
// configuring SMTP on an installation with years of notifications does
// not mail its history.
const sinceKey = "notify.mail_since"

// Mailer sends notifications by e-mail.
type Mailer struct {
	cfg  Config
	wake chan struct{}
}

// NewMailer checks cfg and returns a mailer; start it with Run.
func NewMailer(cfg Config) (*Mailer, error) {
	if cfg.DB == nil || cfg.Sender == nil {
		return nil, errors.New("notify: Config.DB and Config.Sender are required")
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
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 30 * time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = 30 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 72 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Mailer{cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// Nudge makes a running mailer look for due notifications now; it never
// blocks. The documents service calls it after a commit (docs.OnNotify).
func (m *Mailer) Nudge() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends. It first records the cutoff (see Start).
func (m *Mailer) Run(ctx context.Context) {
	since, err := m.Start(ctx)
	for err != nil {
		// The database is down at start: keep trying, quietly enough.
		m.cfg.Log.Warn("notify: e-mail cutoff", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(m.cfg.PollInterval):
		}
		since, err = m.Start(ctx)
	}
	t := time.NewTicker(m.cfg.PollInterval)
	defer t.Stop()
	for {
		for {
			n, err := m.runOnce(ctx, since)
			if err != nil && ctx.Err() == nil {
				m.cfg.Log.Warn("notify: e-mail", "err", err)
			}
			if err != nil || n < m.cfg.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		case <-t.C:
		}
	}
}

// Start returns the time from which notifications are mailed, recording
// now as that time if no mailer ever ran on this database. Two nodes
// starting at once agree: the first insert wins.
func (m *Mailer) Start(ctx context.Context) (time.Time, error) {
	now := strconv.FormatInt(store.Micros(m.cfg.Now()), 10)
	if _, err := m.cfg.DB.ExecContext(ctx, `INSERT INTO kyso_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, sinceKey, now); err != nil {
		return time.Time{}, fmt.Errorf("notify: record the e-mail cutoff: %w", err)
	}
	v, err := store.Meta(ctx, m.cfg.DB, sinceKey)
	if err != nil {
		return time.Time{}, err
	}
	us, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("notify: kyso_meta %s = %q is not a time", sinceKey, v)
	}
	return store.FromMicros(us), nil
}

// RunOnce claims one batch of due notifications, sends them and records
// the outcomes; it returns how many it claimed (including those it
// skipped). It is Run's step, for tests.
func (m *Mailer) RunOnce(ctx context.Context) (int, error) {
	since, err := m.Start(ctx)
	if err != nil {
		return 0, err
	}
	return m.runOnce(ctx, since)
}

// claimed is a notification this mailer holds the lease of.
type claimed struct {
	id, docID, key, args string
	email, name          string
	token                int // mail_attempts after the claim
}

func (m *Mailer) runOnce(ctx context.Context, since time.Time) (int, error) {
	batch, n, err := m.claim(ctx, since)
	if err != nil {
		return 0, err
	}
	for _, c := range batch {
		if ctx.Err() != nil {
			// Unsent claims are due again when their lease ends.
			return n, nil
		}
		sendCtx, cancel := context.WithTimeout(ctx, m.cfg.Lease/2)
		err := m.cfg.Sender.Send(sendCtx, m.render(c))
		cancel()
		if ctx.Err() != nil {
			return n, nil
		}
		if err := m.record(ctx, c, err); err != nil {
			return n, err
		}
	}
	return n, nil
}

// claim takes the lease of up to Batch due notifications and, in the same
// transaction, finishes those that will never be mailed (no address, an
// inactive user, too old). On PostgreSQL SKIP LOCKED lets several nodes
// claim at once without waiting for each other; SQLite has one writer.
func (m *Mailer) claim(ctx context.Context, since time.Time) ([]*claimed, int, error) {
	now := m.cfg.Now()
	var out []*claimed
	n := 0
	err := m.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		out, n = nil, 0
		q := `SELECT n.id, COALESCE(n.document_id, ''), n.message_key, n.args, n.created_at, n.mail_attempts, u.email, u.full_name, u.active
			FROM notifications n JOIN users u ON u.id = n.user_id
			WHERE n.mailed_at = 0 AND n.created_at >= ? AND n.mail_next_at <= ?
			ORDER BY n.created_at LIMIT ?`
		if tx.Dialect() == store.Postgres {
			q += ` FOR UPDATE OF n SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, q, store.Micros(since), store.Micros(now), m.cfg.Batch)
		if err != nil {
			return err
		}
		type row struct {
			c       claimed
			created int64
			active  bool
		}
		var found []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.c.id, &r.c.docID, &r.c.key, &r.c.args, &r.created, &r.c.token, &r.c.email, &r.c.name, &r.active); err != nil {
				rows.Close()
				return err
			}
			found = append(found, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range found {
			n++
			skip := ""
			switch {
			case strings.TrimSpace(r.c.email) == "":
				skip = "the user has no e-mail address"
			case !r.active:
				skip = "the user is not active"
			case now.Sub(store.FromMicros(r.created)) > m.cfg.MaxAge:
				skip = "older than " + m.cfg.MaxAge.String() + " when e-mail could be sent"
			}
			if skip != "" {
				if _, err := tx.ExecContext(ctx, `UPDATE notifications SET mailed_at = ?, mail_error = ? WHERE id = ?`,
					store.Micros(now), skip, r.c.id); err != nil {
					return err
				}
				continue
			}
			c := r.c
			c.token++
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET mail_attempts = ?, mail_next_at = ? WHERE id = ?`,
				c.token, store.Micros(now.Add(m.cfg.Lease)), c.id); err != nil {
				return err
			}
			out = append(out, &c)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("notify: claim notifications to mail: %w", err)
	}
	return out, n, nil
}

// record writes what became of a send, if this claim is still the latest
// (mail_attempts unchanged): a slower mailer whose lease ran out must not
// overwrite a newer claim's outcome.
func (m *Mailer) record(ctx context.Context, c *claimed, sendErr error) error {
	now := m.cfg.Now()
	var err error
	var pe *mail.PermanentError
	switch {
	case sendErr == nil:
		_, err = m.cfg.DB.ExecContext(ctx, `UPDATE notifications SET mailed_at = ?, mail_error = '' WHERE id = ? AND mail_attempts = ? AND mailed_at = 0`,
			store.Micros(now), c.id, c.token)
	case errors.As(sendErr, &pe) || c.token >= m.cfg.MaxAttempts:
		msg := fmt.Sprintf("gave up after %d attempt(s): %v", c.token, sendErr)
		m.cfg.Log.Warn("notify: e-mail not sent", "notification", c.id, "err", msg)
		_, err = m.cfg.DB.ExecContext(ctx, `UPDATE notifications SET mailed_at = ?, mail_error = ? WHERE id = ? AND mail_attempts = ? AND mailed_at = 0`,
			store.Micros(now), msg, c.id, c.token)
	default:
		next := now.Add(m.backoff(c.token))
		m.cfg.Log.Info("notify: e-mail failed, will retry", "notification", c.id, "attempt", c.token, "retry_at", next, "err", sendErr)
		_, err = m.cfg.DB.ExecContext(ctx, `UPDATE notifications SET mail_next_at = ?, mail_error = ? WHERE id = ? AND mail_attempts = ? AND mailed_at = 0`,
			store.Micros(next), sendErr.Error(), c.id, c.token)
	}
	if err != nil {
		return fmt.Errorf("notify: record e-mail outcome: %w", err)
	}
	return nil
}

// backoff is the wait after the attempt-th failure.
func (m *Mailer) backoff(attempt int) time.Duration {
	d := m.cfg.RetryBase
	for i := 1; i < attempt && d < m.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, m.cfg.RetryMax)
}

// render writes the mail: the notification's text as the in-app list shows
// it, Vietnamese first with the English under it, and a link.
func (m *Mailer) render(c *claimed) mail.Message {
	var args []any
	for _, a := range strings.Split(c.args, "\x1f") {
		args = append(args, a)
	}
	vi, en := i18n.T(i18n.VI, c.key, args...), i18n.T(i18n.EN, c.key, args...)
	link, open := m.cfg.PublicURL+"/notifications", "mail.open_list"
	if c.docID != "" {
		link, open = m.cfg.PublicURL+"/documents/"+c.docID, "mail.open_document"
	}
	var b strings.Builder
	b.WriteString(vi + "\n" + en + "\n\n")
	b.WriteString(i18n.T(i18n.VI, open) + " / " + i18n.T(i18n.EN, open) + ":\n" + link + "\n\n")
	// "-- " is the signature separator mail clients recognise.
	b.WriteString("-- \n" + i18n.T(i18n.VI, "mail.footer") + "\n" + i18n.T(i18n.EN, "mail.footer") + "\n")
	return mail.Message{
		To: netmail.Address{Name: c.name, Address: strings.TrimSpace(c.email)},
		// A subject is one line: a document subject with a line break
		// (they are cleaned on input, but older rows may have one) is
		// joined, not refused.
		Subject: strings.Join(strings.Fields(vi), " "),
		Body:    b.String(),
	}
}
