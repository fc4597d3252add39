package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/exchange/inbox"
	"github.com/kyso-vn/kyso/internal/store"
)

// Transport delivers one message to its receiver. A nil error means the
// receiver has it durably (or had it already: a duplicate is a success).
// Wrap an error with Permanent when resending cannot help (the receiver
// refused the package itself); any other error is retried with backoff.
// Deliver may be called again for a message it delivered before.
type Transport interface {
	Deliver(ctx context.Context, m Message) error
}

// TransportFunc adapts a function to Transport.
type TransportFunc func(ctx context.Context, m Message) error

// Deliver calls f.
func (f TransportFunc) Deliver(ctx context.Context, m Message) error { return f(ctx, m) }

// permanentError marks a delivery error as final.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that retrying cannot fix: the Worker
// marks the message failed instead of rescheduling it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var pe *permanentError
	return errors.As(err, &pe)
}

// retryAfterError carries the receiver's request to wait.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks err as temporary with a delay the receiver asked for
// (HTTP Retry-After); the Worker waits at least that long.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err: err, after: d}
}

func retryAfterOf(err error) time.Duration {
	var re *retryAfterError
	if errors.As(err, &re) {
		return re.after
	}
	return 0
}

// Router picks the transport by receiver: agencies hosted on this
// deployment go through Local, everyone else through Remote.
type Router struct {
	// IsLocal reports whether an agency code is hosted on this deployment
	// (its agencies table), for example org.Service's lookup by code.
	IsLocal func(code string) bool
	Local   Transport // usually a *LocalTransport
	Remote  Transport // usually an *AxisTransport; nil: remote receivers fail permanently
}

// Deliver sends m through the transport for m.To.
func (r *Router) Deliver(ctx context.Context, m Message) error {
	if r.IsLocal != nil && r.IsLocal(m.To) {
		if r.Local == nil {
			return Permanent(fmt.Errorf("outbox: %s is hosted here but no local transport is configured", m.To))
		}
		return r.Local.Deliver(ctx, m)
	}
	if r.Remote == nil {
		return Permanent(fmt.Errorf("outbox: %s is not hosted here and no exchange axis is configured", m.To))
	}
	return r.Remote.Deliver(ctx, m)
}

// LocalTransport delivers to agencies on this deployment by writing
// straight into its inbox: no network hop, no axis, the same dedup and
// processing as a package from elsewhere.
type LocalTransport struct {
	DB *store.DB
	// Notify wakes the inbox processor (inbox.Processor.Notify); nil
	// leaves the package for its next poll.
	Notify func()
}

// Deliver accepts m into the inbox.
func (t *LocalTransport) Deliver(ctx context.Context, m Message) error {
	_, err := inbox.Accept(ctx, t.DB, inbox.Message{ID: m.ID, Kind: m.Kind, From: m.From, To: m.To, Body: m.Body})
	if errors.Is(err, inbox.ErrInvalid) || errors.Is(err, inbox.ErrConflict) {
		return Permanent(err)
	}
	if err != nil {
		return err
	}
	if t.Notify != nil {
		t.Notify()
	}
	return nil
}

// AxisTransport delivers through the exchange axis, authenticated as the
// sending agency.
type AxisTransport struct {
	// Client returns the axis client holding the service certificate of
	// the agency with this code. An error (no certificate yet) is
	// retried, so that packages go once an operator installs one.
	Client func(from string) (*axis.Client, error)
	Log    *slog.Logger
}

// Deliver submits m for m.To.
func (t *AxisTransport) Deliver(ctx context.Context, m Message) error {
	c, err := t.Client(m.From)
	if err != nil {
		return fmt.Errorf("outbox: axis client for %s: %w", m.From, err)
	}
	res, err := c.Submit(ctx, m.Body, axis.Kind(m.Kind), m.To)
	if err != nil {
		var ae *axis.Error
		if errors.As(err, &ae) {
			if ae.Permanent() {
				return Permanent(err)
			}
			if ae.RetryAfter > 0 {
				return RetryAfter(err, ae.RetryAfter)
			}
		}
		return err
	}
	if res.MessageID != m.ID {
		// The axis and the receiver key the package by the id inside
		// it, the sender's records by the queued one: a caller's bug
		// (see Message.ID) that would break the sender's timeline. Say
		// so here, where the mistake was made.
		log := t.Log
		if log == nil {
			log = slog.Default()
		}
		log.Warn("outbox: queued under another id than the package's", "queued_id", m.ID, "package_id", res.MessageID, "to", m.To)
	}
	return nil
}
