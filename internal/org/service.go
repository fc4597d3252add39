package org

import (
	"context"
	"time"

	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/store"
)

// Service reads and changes agencies, departments and users.
type Service struct {
	db       store.Handle
	now      func() time.Time
	pwParams password.Params
}

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read time from now; for tests.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithPasswordParams sets the argon2id cost for new password hashes.
func WithPasswordParams(p password.Params) Option { return func(s *Service) { s.pwParams = p } }

// New returns a Service on db.
func New(db store.Handle, opts ...Option) *Service {
	s := &Service{db: db, now: time.Now, pwParams: password.Default}
	for _, o := range opts {
		o(s)
	}
	return s
}

// PasswordParams reports the argon2id cost the service hashes with.
func (s *Service) PasswordParams() password.Params { return s.pwParams }

// inTx runs fn in a transaction and appends the audit event fn returns, so
// that a change and its record commit together.
func (s *Service) inTx(ctx context.Context, fn func(tx *store.Tx) (*audit.Event, error)) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		ev, err := fn(tx)
		if err != nil {
			return err
		}
		if ev == nil {
			return nil
		}
		ev.At = s.now()
		return audit.Append(ctx, tx, ev)
	})
}
