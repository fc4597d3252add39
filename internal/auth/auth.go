package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/store"
)

// Service logs users in and recognises them afterwards.
type Service struct {
	db  store.Handle
	org *org.Service
	now func() time.Time

	sessionTTL time.Duration // absolute lifetime of a session
	idleTTL    time.Duration // a session unused this long ends
	ips        *ipLimiter
	// hashing bounds concurrent argon2 runs: each takes 64 MiB, and a burst
	// of logins must not exhaust memory.
	hashing chan struct{}
	// dummyHash is checked when a username is unknown, so that the answer
	// takes as long as for a known one and reveals nothing.
	dummyHash string
}

// Lockout policy: after maxFailures wrong passwords in a row the account is
// locked for lockBase, doubling with each further failure up to lockMax.
const (
	maxFailures = 5
	lockBase    = time.Minute
	lockMax     = time.Hour
)

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read time from now; for tests.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithSessionLifetime sets the absolute and idle lifetimes of sessions.
func WithSessionLifetime(absolute, idle time.Duration) Option {
	return func(s *Service) { s.sessionTTL, s.idleTTL = absolute, idle }
}

// WithLoginRate sets how many login attempts one IP address may make: a
// burst, refilled at one attempt per interval.
func WithLoginRate(burst int, interval time.Duration) Option {
	return func(s *Service) { s.ips = newIPLimiter(burst, interval) }
}

// New returns a Service.
func New(db store.Handle, orgs *org.Service, opts ...Option) *Service {
	s := &Service{
		db: db, org: orgs, now: time.Now,
		sessionTTL: 12 * time.Hour, idleTTL: 2 * time.Hour,
		ips:     newIPLimiter(10, 6*time.Second),
		hashing: make(chan struct{}, 2),
	}
	for _, o := range opts {
		o(s)
	}
	h, err := password.Hash("kyso-dummy-password", orgs.PasswordParams())
	if err != nil {
		panic("auth: " + err.Error())
	}
	s.dummyHash = h
	return s
}

// Session is a logged-in browser.
type Session struct {
	TokenHash  string
	UserID     string
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// randomToken returns 256 random bits, base64url-encoded.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how tokens are stored and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (s *Service) checkPassword(pw, hash string) error {
	s.hashing <- struct{}{}
	defer func() { <-s.hashing }()
	return password.Check(pw, hash)
}

// Login checks a username and password from ip and opens a session. The
// returned token goes into the session cookie and nowhere else.
func (s *Service) Login(ctx context.Context, username, pw, ip, userAgent string) (string, *Session, *org.User, error) {
	if !s.ips.allow(ip, s.now()) {
		s.recordFailure(ctx, username, ip, "rate_limited")
		return "", nil, nil, apperr.New(apperr.TooMany, "auth.rate_limited")
	}
	if len(pw) > password.MaxLength*utf8.UTFMax {
		return "", nil, nil, apperr.New(apperr.Unauthenticated, "auth.bad_credentials")
	}
	u, hash, err := s.org.UserByUsername(ctx, username)
	if apperr.Is(err, apperr.NotFound) {
		_ = s.checkPassword(pw, s.dummyHash)
		s.recordFailure(ctx, username, ip, "unknown_user")
		return "", nil, nil, apperr.New(apperr.Unauthenticated, "auth.bad_credentials")
	}
	if err != nil {
		return "", nil, nil, err
	}
	now := s.now()
	var failed int
	var lockedUntil int64
	if err := s.db.QueryRowContext(ctx, `SELECT failed_logins, locked_until FROM users WHERE id = ?`, u.ID).Scan(&failed, &lockedUntil); err != nil {
		return "", nil, nil, fmt.Errorf("auth: load lockout: %w", err)
	}
	if until := store.FromMicros(lockedUntil); until.After(now) {
		s.recordFailure(ctx, username, ip, "locked")
		return "", nil, nil, apperr.New(apperr.TooMany, "auth.locked", int(until.Sub(now).Minutes())+1)
	}
	if err := s.checkPassword(pw, hash); err != nil {
		if err := s.countFailure(ctx, u, ip); err != nil {
			return "", nil, nil, err
		}
		return "", nil, nil, apperr.New(apperr.Unauthenticated, "auth.bad_credentials")
	}
	if !u.Active {
		s.recordFailure(ctx, username, ip, "inactive")
		return "", nil, nil, apperr.New(apperr.Unauthenticated, "auth.bad_credentials")
	}
	token := randomToken()
	sess := &Session{
		TokenHash: HashToken(token), UserID: u.ID, CSRFToken: randomToken(),
		CreatedAt: now, ExpiresAt: now.Add(s.sessionTTL), LastSeenAt: now,
	}
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?`, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sess.TokenHash, u.ID, sess.CSRFToken, store.Micros(now), store.Micros(sess.ExpiresAt), store.Micros(now), ip, userAgent); err != nil {
			return err
		}
		ev := u.Actor(ip).Event("auth.login", "user", u.ID)
		ev.At = now
		return audit.Append(ctx, tx, ev)
	})
	if err != nil {
		return "", nil, nil, fmt.Errorf("auth: open session: %w", err)
	}
	// Hashes made with older, cheaper parameters are upgraded while the
	// password is at hand.
	if password.NeedsRehash(hash, s.org.PasswordParams()) {
		if h, err := password.Hash(pw, s.org.PasswordParams()); err == nil {
			_, _ = s.db.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, h, u.ID)
		}
	}
	return token, sess, u, nil
}

func (s *Service) countFailure(ctx context.Context, u *org.User, ip string) error {
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var failed int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins`, u.ID).Scan(&failed); err != nil {
			return fmt.Errorf("auth: count failure: %w", err)
		}
		details := map[string]any{"reason": "bad_password", "failures": failed}
		if failed >= maxFailures {
			d := lockBase << min(failed-maxFailures, 6)
			d = min(d, lockMax)
			if _, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = ? WHERE id = ?`, store.Micros(now.Add(d)), u.ID); err != nil {
				return fmt.Errorf("auth: lock: %w", err)
			}
			details["locked_for"] = d.String()
		}
		ev := u.Actor(ip).Event("auth.login_failed", "user", u.ID)
		ev.At, ev.Details = now, details
		return audit.Append(ctx, tx, ev)
	})
}

// recordFailure audits a refused login that touches no user row. The
// attempted name is kept (truncated); the password never is.
func (s *Service) recordFailure(ctx context.Context, username, ip, reason string) {
	if len(username) > 64 {
		username = username[:64]
	}
	if !utf8.ValidString(username) {
		username = "(invalid UTF-8)"
	}
	ev := &audit.Event{At: s.now(), ActorName: username, IP: ip, Action: "auth.login_failed", Details: map[string]any{"reason": reason}}
	_ = audit.Record(ctx, s.db, ev)
}

// ErrNoSession is returned by Authenticate for a missing, expired or idle session.
var ErrNoSession = errors.New("auth: no valid session")

// Authenticate returns the user and session behind a session token.
func (s *Service) Authenticate(ctx context.Context, token string) (*org.User, *Session, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, ErrNoSession
	}
	sess := &Session{TokenHash: HashToken(token)}
	var created, expires, seen int64
	err := s.db.QueryRowContext(ctx, `SELECT user_id, csrf_token, created_at, expires_at, last_seen_at FROM sessions WHERE token_hash = ?`, sess.TokenHash).
		Scan(&sess.UserID, &sess.CSRFToken, &created, &expires, &seen)
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return nil, nil, ErrNoSession
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: load session: %w", err)
	}
	sess.CreatedAt, sess.ExpiresAt, sess.LastSeenAt = store.FromMicros(created), store.FromMicros(expires), store.FromMicros(seen)
	now := s.now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.idleTTL {
		_, _ = s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, sess.TokenHash)
		return nil, nil, ErrNoSession
	}
	u, err := s.org.UserByID(ctx, sess.UserID)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: session user: %w", err)
	}
	if !u.Active {
		return nil, nil, ErrNoSession
	}
	// Writing last_seen on every request would make every page view a
	// write; once a minute is precise enough for the idle timeout.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		sess.LastSeenAt = now
		_, _ = s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, store.Micros(now), sess.TokenHash)
	}
	return u, sess, nil
}

// Logout ends the session behind token.
func (s *Service) Logout(ctx context.Context, token string, a *org.Actor) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, HashToken(token)); err != nil {
			return fmt.Errorf("auth: logout: %w", err)
		}
		ev := a.Event("auth.logout", "user", a.UserID)
		ev.At = s.now()
		return audit.Append(ctx, tx, ev)
	})
}

// PurgeExpired deletes sessions and API tokens past their lifetime.
func (s *Service) PurgeExpired(ctx context.Context) error {
	now := s.now()
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?`, store.Micros(now), store.Micros(now.Add(-s.idleTTL))); err != nil {
		return fmt.Errorf("auth: purge sessions: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM api_tokens WHERE expires_at < ?`, store.Micros(now)); err != nil {
		return fmt.Errorf("auth: purge tokens: %w", err)
	}
	return nil
}
