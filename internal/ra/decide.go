package ra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/textnorm"
)

const requestColumns = `id, kind, status, agency_id, agency_path, profile, COALESCE(subject_user_id, ''), target_serial, csr_der, key_mode,
	reason, details, note, requested_by, requested_name, requested_at, decided_by, decided_name, decided_at, decision_note, result_serial`

func scanRequest(row interface{ Scan(...any) error }) (*Request, error) {
	var r Request
	var keyMode, details string
	var req, dec int64
	if err := row.Scan(&r.ID, &r.Kind, &r.State, &r.AgencyID, &r.AgencyPath, &r.Profile, &r.SubjectUserID, &r.TargetSerial, &r.csr, &keyMode,
		&r.Reason, &details, &r.Note, &r.RequestedBy, &r.RequestedName, &req, &r.DecidedBy, &r.DecidedName, &dec, &r.DecisionNote, &r.ResultSerial); err != nil {
		return nil, err
	}
	r.ServerKey, r.HasCSR = keyMode == "server", len(r.csr) > 0
	r.RequestedAt, r.DecidedAt = store.FromMicros(req), store.FromMicros(dec)
	_ = json.Unmarshal([]byte(details), &r.Subject)
	return &r, nil
}

// canSee: a request is visible to managers of its agency and to approvers,
// administrators and inspectors above it.
func canSee(a *org.Actor, r *Request) bool {
	return a.CanSeeAgency(r.AgencyPath) && a.HasAny(org.RoleCertManager, org.RoleCertApprover, org.RoleAdmin, org.RoleInspector)
}

// Get returns a request the actor may see.
func (s *Service) Get(ctx context.Context, a *org.Actor, id string) (*Request, error) {
	r, err := scanRequest(s.db.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM cert_requests WHERE id = ?`, id))
	if errors.Is(store.NotFound(err), store.ErrNotFound) || (err == nil && !canSee(a, r)) {
		return nil, apperr.New(apperr.NotFound, "ra.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("ra: load request: %w", err)
	}
	return r, nil
}

// List returns requests the actor may see, pending first, newest first.
func (s *Service) List(ctx context.Context, a *org.Actor, state State) ([]*Request, error) {
	if !a.HasAny(org.RoleCertManager, org.RoleCertApprover, org.RoleAdmin, org.RoleInspector) {
		return nil, apperr.New(apperr.Forbidden, "org.forbidden")
	}
	q := `SELECT ` + requestColumns + ` FROM cert_requests WHERE agency_path LIKE ?`
	args := []any{a.AgencyPath + "%"}
	if a.System {
		args[0] = "%"
	} else if !a.HasAny(org.RoleCertApprover, org.RoleAdmin, org.RoleInspector) {
		q += ` AND agency_id = ?`
		args = append(args, a.AgencyID)
	}
	if state != "" {
		q += ` AND status = ?`
		args = append(args, state)
	}
	q += ` ORDER BY CASE status WHEN 'pending' THEN 0 ELSE 1 END, requested_at DESC LIMIT 1000`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("ra: list: %w", err)
	}
	defer rows.Close()
	var out []*Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("ra: list: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// decidable loads a pending request that the actor may decide.
func (s *Service) decidable(ctx context.Context, a *org.Actor, id string) (*Request, error) {
	r, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !a.Has(org.RoleCertApprover) {
		return nil, apperr.New(apperr.Forbidden, "ra.not_approver")
	}
	if r.State != StatePending {
		return nil, apperr.New(apperr.Conflict, "ra.already_decided")
	}
	// Four eyes: whoever filed a request does not approve it.
	if r.RequestedBy == a.UserID && !a.System {
		return nil, apperr.New(apperr.Forbidden, "ra.own_request")
	}
	return r, nil
}

// Approve carries the request out through pki and records the decision.
// If pki refuses (the CSR fails a lint, the certificate changed status),
// the request stays pending and the error says why.
func (s *Service) Approve(ctx context.Context, a *org.Actor, id, note string) (*Request, error) {
	r, err := s.decidable(ctx, a, id)
	if err != nil {
		return nil, err
	}
	serial, err := s.execute(ctx, a, r)
	if err != nil {
		return nil, err
	}
	return r, s.decide(ctx, a, r, StateDone, textnorm.Clean(note), serial)
}

// Reject closes the request with a reason, which is required.
func (s *Service) Reject(ctx context.Context, a *org.Actor, id, note string) (*Request, error) {
	note = textnorm.Clean(note)
	if note == "" || len(note) > 1000 {
		return nil, apperr.InvalidField("note", "ra.reject_reason")
	}
	r, err := s.decidable(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return r, s.decide(ctx, a, r, StateRejected, note, "")
}

func (s *Service) execute(ctx context.Context, a *org.Actor, r *Request) (string, error) {
	switch r.Kind {
	case KindNew, KindRenew, KindChange:
		c, err := s.pki.Issue(ctx, a, pki.IssueRequest{
			Profile: r.Profile, Subject: r.Subject, CSR: r.csr, ServerKey: r.ServerKey,
			AgencyID: r.AgencyID, UserID: r.SubjectUserID, RequestID: r.ID,
		})
		if err != nil {
			return "", err
		}
		if r.Kind != KindNew {
			// The new certificate replaces the old one (RFC 5280 superseded).
			if _, err := s.pki.Revoke(ctx, a, r.TargetSerial, 4); err != nil && !apperr.Is(err, apperr.Conflict) {
				return c.Serial, fmt.Errorf("ra: supersede %s: %w", r.TargetSerial, err)
			}
		}
		return c.Serial, nil
	case KindRevoke:
		reason, err := pki.ParseReason(r.Reason)
		if err != nil {
			return "", err
		}
		_, err = s.pki.Revoke(ctx, a, r.TargetSerial, reason)
		return r.TargetSerial, err
	case KindSuspend:
		_, err := s.pki.Suspend(ctx, a, r.TargetSerial)
		return r.TargetSerial, err
	case KindResume:
		_, err := s.pki.Resume(ctx, a, r.TargetSerial)
		return r.TargetSerial, err
	}
	return "", apperr.InvalidField("kind", "ra.kind_unknown", string(r.Kind))
}

func (s *Service) decide(ctx context.Context, a *org.Actor, r *Request, st State, note, serial string) error {
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cert_requests SET status = ?, decided_by = ?, decided_name = ?, decided_at = ?, decision_note = ?, result_serial = ?
			WHERE id = ? AND status = ?`, st, a.UserID, a.FullName, store.Micros(now), note, serial, r.ID, StatePending)
		if err != nil {
			return fmt.Errorf("ra: decide: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "ra.already_decided")
		}
		r.State, r.DecidedBy, r.DecidedName, r.DecidedAt, r.DecisionNote, r.ResultSerial = st, a.UserID, a.FullName, now, note, serial
		action := "cert_request.approve"
		if st == StateRejected {
			action = "cert_request.reject"
		}
		ev := a.Event(action, "cert_request", r.ID)
		ev.AgencyID, ev.AgencyPath, ev.At = r.AgencyID, r.AgencyPath, now
		ev.Details = map[string]any{"kind": r.Kind, "note": note, "result_serial": serial}
		return audit.Append(ctx, tx, ev)
	})
}
