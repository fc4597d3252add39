package org

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/textnorm"
)

// Department is a unit inside an agency ("phòng, ban").
type Department struct {
	ID        string    `json:"id"`
	AgencyID  string    `json:"agency_id"`
	Name      string    `json:"name"`
	ShortName string    `json:"short_name"` // drafting unit in symbols: …/STTTT-BCVT&CNTT
	CreatedAt time.Time `json:"created_at"`
}

// DepartmentInput is what a caller gives to create or rename a department.
type DepartmentInput struct {
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
}

func (in *DepartmentInput) clean() error {
	in.Name = textnorm.Clean(in.Name)
	in.ShortName = textnorm.Clean(in.ShortName)
	if in.Name == "" || len(in.Name) > 300 {
		return apperr.InvalidField("name", "org.department.name_invalid")
	}
	if !shortNamePattern.MatchString(in.ShortName) {
		return apperr.InvalidField("short_name", "org.agency.short_name_invalid")
	}
	return nil
}

func department(ctx context.Context, q store.Querier, id string) (*Department, error) {
	var d Department
	var created int64
	err := q.QueryRowContext(ctx, `SELECT id, agency_id, name, short_name, created_at FROM departments WHERE id = ?`, id).
		Scan(&d.ID, &d.AgencyID, &d.Name, &d.ShortName, &created)
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return nil, apperr.New(apperr.NotFound, "org.department.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("org: load department %s: %w", id, err)
	}
	d.CreatedAt = store.FromMicros(created)
	return &d, nil
}

// ListDepartments returns an agency's departments if the actor may see the agency.
func (s *Service) ListDepartments(ctx context.Context, a *Actor, agencyID string) ([]*Department, error) {
	if _, err := s.GetAgency(ctx, a, agencyID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, agency_id, name, short_name, created_at FROM departments WHERE agency_id = ? ORDER BY name`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("org: list departments: %w", err)
	}
	defer rows.Close()
	var out []*Department
	for rows.Next() {
		var d Department
		var created int64
		if err := rows.Scan(&d.ID, &d.AgencyID, &d.Name, &d.ShortName, &created); err != nil {
			return nil, fmt.Errorf("org: list departments: %w", err)
		}
		d.CreatedAt = store.FromMicros(created)
		out = append(out, &d)
	}
	return out, rows.Err()
}

// CreateDepartment adds a department to an agency the actor administers.
func (s *Service) CreateDepartment(ctx context.Context, a *Actor, agencyID string, in DepartmentInput) (*Department, error) {
	if err := in.clean(); err != nil {
		return nil, err
	}
	now := s.now()
	d := &Department{ID: store.NewID(), AgencyID: agencyID, Name: in.Name, ShortName: in.ShortName, CreatedAt: store.FromMicros(store.Micros(now))}
	err := s.inTx(ctx, func(tx *store.Tx) (*audit.Event, error) {
		ag, err := s.administered(ctx, tx, a, agencyID)
		if err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO departments (id, agency_id, name, short_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			d.ID, d.AgencyID, d.Name, d.ShortName, store.Micros(now), store.Micros(now))
		if store.IsUniqueViolation(err) {
			return nil, apperr.InvalidField("short_name", "org.department.short_name_taken", d.ShortName)
		}
		if err != nil {
			return nil, fmt.Errorf("org: create department: %w", err)
		}
		ev := a.Event("department.create", "department", d.ID)
		ev.AgencyID, ev.AgencyPath = ag.ID, ag.Path
		ev.Details = map[string]any{"name": d.Name, "short_name": d.ShortName}
		return ev, nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// UpdateDepartment renames a department.
func (s *Service) UpdateDepartment(ctx context.Context, a *Actor, id string, in DepartmentInput) (*Department, error) {
	if err := in.clean(); err != nil {
		return nil, err
	}
	var d *Department
	err := s.inTx(ctx, func(tx *store.Tx) (*audit.Event, error) {
		old, err := department(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		ag, err := s.administered(ctx, tx, a, old.AgencyID)
		if err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return nil, apperr.New(apperr.NotFound, "org.department.not_found")
			}
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `UPDATE departments SET name = ?, short_name = ?, updated_at = ? WHERE id = ?`, in.Name, in.ShortName, store.Micros(s.now()), id)
		if store.IsUniqueViolation(err) {
			return nil, apperr.InvalidField("short_name", "org.department.short_name_taken", in.ShortName)
		}
		if err != nil {
			return nil, fmt.Errorf("org: update department: %w", err)
		}
		d = &Department{ID: id, AgencyID: old.AgencyID, Name: in.Name, ShortName: in.ShortName, CreatedAt: old.CreatedAt}
		ev := a.Event("department.update", "department", id)
		ev.AgencyID, ev.AgencyPath = ag.ID, ag.Path
		ev.Details = changes(map[string][2]any{"name": {old.Name, d.Name}, "short_name": {old.ShortName, d.ShortName}})
		return ev, nil
	})
	return d, err
}

// administered loads an agency the actor may change: not found when the
// actor may not even see it, forbidden when they may see but not change it.
func (s *Service) administered(ctx context.Context, q store.Querier, a *Actor, agencyID string) (*Agency, error) {
	ag, err := agency(ctx, q, agencyID)
	if err != nil {
		return nil, err
	}
	if !a.CanSeeAgency(ag.Path) {
		return nil, apperr.New(apperr.NotFound, "org.agency.not_found")
	}
	if !a.CanAdminister(ag.Path) {
		return nil, apperr.New(apperr.Forbidden, "org.forbidden")
	}
	return ag, nil
}
