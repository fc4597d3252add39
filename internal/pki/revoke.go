package pki

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
)

// Revoke revokes a certificate for good (RFC 5280 §5.3.1 reason). A
// suspended certificate may be revoked; a revoked one may not be again.
func (s *Service) Revoke(ctx context.Context, a *org.Actor, serial string, reason Reason) (*Certificate, error) {
	if reason == ReasonHold {
		return nil, apperr.InvalidField("reason", "pki.reason_unknown", "certificateHold")
	}
	return s.changeStatus(ctx, a, serial, "cert.revoke", func(c *Certificate) error {
		if c.Status == StatusRevoked {
			return apperr.New(apperr.Conflict, "pki.already_revoked", c.Serial)
		}
		c.Status, c.RevocationReason = StatusRevoked, reason
		return nil
	})
}

// Suspend puts a certificate on hold (certificateHold); Resume lifts it.
func (s *Service) Suspend(ctx context.Context, a *org.Actor, serial string) (*Certificate, error) {
	return s.changeStatus(ctx, a, serial, "cert.suspend", func(c *Certificate) error {
		if c.Status != StatusActive {
			return apperr.New(apperr.Conflict, "pki.not_active", c.Serial)
		}
		c.Status, c.RevocationReason = StatusSuspended, ReasonHold
		return nil
	})
}

// Resume lifts a suspension.
func (s *Service) Resume(ctx context.Context, a *org.Actor, serial string) (*Certificate, error) {
	return s.changeStatus(ctx, a, serial, "cert.resume", func(c *Certificate) error {
		if c.Status != StatusSuspended {
			return apperr.New(apperr.Conflict, "pki.not_suspended", c.Serial)
		}
		c.Status, c.RevocationReason = StatusActive, 0
		return nil
	})
}

func (s *Service) changeStatus(ctx context.Context, a *org.Actor, serial, action string, change func(*Certificate) error) (*Certificate, error) {
	n, err := ParseSerial(serial)
	if err != nil {
		return nil, err
	}
	var c *Certificate
	now := s.cfg.Now().UTC().Truncate(time.Second)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if c, err = getCert(ctx, tx, SerialHex(n)); err != nil {
			return err
		}
		old := c.Status
		if err := change(c); err != nil {
			return err
		}
		revokedAt := int64(0)
		if c.Status != StatusActive {
			c.RevokedAt = now
			revokedAt = store.Micros(now)
		} else {
			c.RevokedAt = time.Time{}
		}
		// status_changed_at uses the wall clock, not s.cfg.Now: other
		// processes poll it against their own wall clocks.
		if _, err := tx.ExecContext(ctx, `UPDATE certificates SET status = ?, revoked_at = ?, revocation_reason = ?, status_changed_at = ? WHERE serial = ?`,
			c.Status, revokedAt, c.RevocationReason, store.Micros(time.Now()), c.Serial); err != nil {
			return err
		}
		ev := a.Event(action, "certificate", c.Serial)
		if c.AgencyID != "" {
			ev.AgencyID, ev.AgencyPath = c.AgencyID, agencyPath(ctx, tx, c.AgencyID)
		}
		ev.At, ev.Details = now, map[string]any{"from": old, "to": c.Status, "reason": c.RevocationReason.String(), "subject": c.Subject}
		return audit.Append(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	// The CRL is reissued at once on every change; if that fails, the
	// scheduled reissue catches up, and OCSP already answers correctly.
	if _, err := s.GenerateCRL(ctx, c.IssuerID); err != nil {
		return c, apperr.Wrap(err, apperr.Internal, "error.internal")
	}
	if s.OnStatusChange != nil {
		s.OnStatusChange(ctx, n)
	}
	return c, nil
}

// StatusOf answers "is this serial good?" for the OCSP responder.
func (s *Service) StatusOf(ctx context.Context, serial *big.Int) (*Certificate, error) {
	return getCert(ctx, s.db, SerialHex(serial))
}

// StatusChange is one change of a certificate's status.
type StatusChange struct {
	Serial *big.Int
	At     time.Time
}

// StatusChanges returns the status changes at or after since, oldest first,
// for polling by other processes.
func (s *Service) StatusChanges(ctx context.Context, since time.Time) ([]StatusChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT serial, status_changed_at FROM certificates WHERE status_changed_at >= ? ORDER BY status_changed_at LIMIT 10000`, store.Micros(since))
	if err != nil {
		return nil, fmt.Errorf("pki: status changes: %w", err)
	}
	defer rows.Close()
	var out []StatusChange
	for rows.Next() {
		var serial string
		var at int64
		if err := rows.Scan(&serial, &at); err != nil {
			return nil, err
		}
		if n, ok := new(big.Int).SetString(serial, 16); ok {
			out = append(out, StatusChange{Serial: n, At: store.FromMicros(at)})
		}
	}
	return out, rows.Err()
}
