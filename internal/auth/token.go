package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
)

// APIToken describes a bearer token for other software; the secret itself is
// shown once, at creation.
type APIToken struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

// TokenPrefix marks kyso API tokens, so that secret scanners can find leaked ones.
const TokenPrefix = "kyso_"

// MaxTokenLifetime bounds an API token's life.
const MaxTokenLifetime = 366 * 24 * time.Hour

// CreateAPIToken issues a bearer token acting as the actor's user.
func (s *Service) CreateAPIToken(ctx context.Context, a *org.Actor, name string, ttl time.Duration) (string, *APIToken, error) {
	name = strings.TrimSpace(name)
	if a.UserID == "" {
		return "", nil, apperr.New(apperr.Forbidden, "org.forbidden")
	}
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", nil, apperr.InvalidField("name", "auth.token_name")
	}
	if ttl <= 0 || ttl > MaxTokenLifetime {
		ttl = 90 * 24 * time.Hour
	}
	now := s.now()
	secret := TokenPrefix + randomToken()
	t := &APIToken{ID: store.NewID(), Name: name, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, token_hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			t.ID, HashToken(secret), a.UserID, t.Name, store.Micros(now), store.Micros(t.ExpiresAt))
		if err != nil {
			return fmt.Errorf("auth: create token: %w", err)
		}
		ev := a.Event("auth.token_create", "api_token", t.ID)
		ev.At, ev.Details = now, map[string]any{"name": t.Name, "expires_at": t.ExpiresAt.UTC().Format(time.RFC3339)}
		return audit.Append(ctx, tx, ev)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// AuthenticateToken returns the user behind a bearer token.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*org.User, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return nil, apperr.New(apperr.Unauthenticated, "auth.token_invalid")
	}
	var userID string
	var expires, used int64
	h := HashToken(secret)
	err := s.db.QueryRowContext(ctx, `SELECT user_id, expires_at, last_used_at FROM api_tokens WHERE token_hash = ?`, h).Scan(&userID, &expires, &used)
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return nil, apperr.New(apperr.Unauthenticated, "auth.token_invalid")
	}
	if err != nil {
		return nil, fmt.Errorf("auth: load token: %w", err)
	}
	now := s.now()
	if now.After(store.FromMicros(expires)) {
		return nil, apperr.New(apperr.Unauthenticated, "auth.token_invalid")
	}
	u, err := s.org.UserByID(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: token user: %w", err)
	}
	if !u.Active {
		return nil, apperr.New(apperr.Unauthenticated, "auth.token_invalid")
	}
	if now.Sub(store.FromMicros(used)) > time.Minute {
		_, _ = s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?`, store.Micros(now), h)
	}
	return u, nil
}

// ListAPITokens returns the actor's own tokens.
func (s *Service) ListAPITokens(ctx context.Context, a *org.Actor) ([]*APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, created_at, expires_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC`, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		var t APIToken
		var c, e, u int64
		if err := rows.Scan(&t.ID, &t.Name, &c, &e, &u); err != nil {
			return nil, fmt.Errorf("auth: list tokens: %w", err)
		}
		t.CreatedAt, t.ExpiresAt, t.LastUsedAt = store.FromMicros(c), store.FromMicros(e), store.FromMicros(u)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// RevokeAPIToken deletes one of the actor's tokens.
func (s *Service) RevokeAPIToken(ctx context.Context, a *org.Actor, id string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, id, a.UserID)
		if err != nil {
			return fmt.Errorf("auth: revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		ev := a.Event("auth.token_revoke", "api_token", id)
		ev.At = s.now()
		return audit.Append(ctx, tx, ev)
	})
}
