package org

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/textnorm"
)

// User is a person who works in kyso.
type User struct {
	ID                 string    `json:"id"`
	AgencyID           string    `json:"agency_id"`
	AgencyPath         string    `json:"-"`
	AgencyName         string    `json:"agency_name"`
	DepartmentID       string    `json:"department_id,omitempty"`
	Username           string    `json:"username"`
	FullName           string    `json:"full_name"` // họ và tên, as written on documents
	Title              string    `json:"title"`     // chức vụ, e.g. "Giám đốc"
	Email              string    `json:"email,omitempty"`
	Phone              string    `json:"phone,omitempty"`
	Roles              []Role    `json:"roles"`
	Active             bool      `json:"active"`
	LeftAt             time.Time `json:"left_at,omitzero"`
	MustChangePassword bool      `json:"must_change_password"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// Actor returns the actor acting as this user.
func (u *User) Actor(ip string) *Actor {
	return &Actor{UserID: u.ID, Username: u.Username, FullName: u.FullName, AgencyID: u.AgencyID,
		AgencyPath: u.AgencyPath, DepartmentID: u.DepartmentID, Roles: u.Roles, IP: ip}
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// NormalizeUsername lowercases and trims a login name.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// UserInput is what a caller gives to create a user or change one. On
// update, AgencyID, Username and Password are ignored.
type UserInput struct {
	AgencyID     string `json:"agency_id"`
	DepartmentID string `json:"department_id"`
	Username     string `json:"username"`
	FullName     string `json:"full_name"`
	Title        string `json:"title"`
	Email        string `json:"email"`
	Phone        string `json:"phone"`
	Roles        []Role `json:"roles"`
	Password     string `json:"password,omitempty"`
	Active       *bool  `json:"active,omitempty"`
}

func (in *UserInput) clean(creating bool) error {
	in.FullName = textnorm.Clean(in.FullName)
	in.Title = textnorm.Clean(in.Title)
	in.Email = strings.TrimSpace(in.Email)
	in.Phone = strings.TrimSpace(in.Phone)
	if creating {
		in.Username = NormalizeUsername(in.Username)
		if !usernamePattern.MatchString(in.Username) {
			return apperr.InvalidField("username", "org.user.username_invalid")
		}
		if err := checkNewPassword(in.Password); err != nil {
			return err
		}
	}
	if in.FullName == "" || len(in.FullName) > 200 {
		return apperr.InvalidField("full_name", "org.user.full_name_invalid")
	}
	if len(in.Title) > 200 {
		return apperr.InvalidField("title", "org.user.title_invalid")
	}
	for _, r := range in.Roles {
		if _, ok := ParseRole(string(r)); !ok {
			return apperr.InvalidField("roles", "org.user.role_invalid", string(r))
		}
	}
	in.Roles = normalizeRoles(in.Roles)
	return validateContact(in.Email, in.Phone)
}

const userColumns = `u.id, u.agency_id, a.path, a.name, COALESCE(u.department_id, ''), u.username, u.full_name, u.title, u.email, u.phone,
	u.active, u.left_at, u.must_change_password, u.created_at, u.updated_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var left, created, updated int64
	if err := row.Scan(&u.ID, &u.AgencyID, &u.AgencyPath, &u.AgencyName, &u.DepartmentID, &u.Username, &u.FullName, &u.Title, &u.Email, &u.Phone,
		&u.Active, &left, &u.MustChangePassword, &created, &updated); err != nil {
		return nil, err
	}
	u.LeftAt, u.CreatedAt, u.UpdatedAt = store.FromMicros(left), store.FromMicros(created), store.FromMicros(updated)
	return &u, nil
}

func loadRoles(ctx context.Context, q store.Querier, users ...*User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[string]*User, len(users))
	ids := make([]any, len(users))
	for i, u := range users {
		byID[u.ID] = u
		ids[i] = u.ID
		u.Roles = []Role{}
	}
	rows, err := q.QueryContext(ctx, `SELECT user_id, role FROM user_roles WHERE user_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return fmt.Errorf("org: load roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var r Role
		if err := rows.Scan(&id, &r); err != nil {
			return fmt.Errorf("org: load roles: %w", err)
		}
		byID[id].Roles = append(byID[id].Roles, r)
	}
	for _, u := range users {
		u.Roles = normalizeRoles(u.Roles)
	}
	return rows.Err()
}

func user(ctx context.Context, q store.Querier, where string, arg any) (*User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u JOIN agencies a ON a.id = u.agency_id WHERE `+where, arg))
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return nil, apperr.New(apperr.NotFound, "org.user.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("org: load user: %w", err)
	}
	if err := loadRoles(ctx, q, u); err != nil {
		return nil, err
	}
	return u, nil
}

// UserByID loads a user without a permission check, for authentication.
func (s *Service) UserByID(ctx context.Context, id string) (*User, error) {
	return user(ctx, s.db, "u.id = ?", id)
}

// UserByUsername loads a user and the password hash without a permission
// check, for authentication.
func (s *Service) UserByUsername(ctx context.Context, username string) (*User, string, error) {
	u, err := user(ctx, s.db, "u.username = ?", NormalizeUsername(username))
	if err != nil {
		return nil, "", err
	}
	var hash string
	if err := s.db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash); err != nil {
		return nil, "", fmt.Errorf("org: load password: %w", err)
	}
	return u, hash, nil
}

// GetUser returns a user if the actor may see the user's agency, or the
// user is the actor.
func (s *Service) GetUser(ctx context.Context, a *Actor, id string) (*User, error) {
	u, err := user(ctx, s.db, "u.id = ?", id)
	if err != nil {
		return nil, err
	}
	if u.ID != a.UserID && !a.CanSeeAgency(u.AgencyPath) {
		return nil, apperr.New(apperr.NotFound, "org.user.not_found")
	}
	return u, nil
}

// UserFilter selects users for ListUsers.
type UserFilter struct {
	AgencyID string // one agency; empty means every agency the actor sees
	Role     Role
	Query    string // matches name, username or title, diacritics ignored
	Active   *bool
}

// ListUsers returns the users the actor may see, by agency then name.
func (s *Service) ListUsers(ctx context.Context, a *Actor, f UserFilter) ([]*User, error) {
	query := `SELECT ` + userColumns + ` FROM users u JOIN agencies a ON a.id = u.agency_id WHERE 1 = 1`
	var args []any
	if f.AgencyID != "" {
		ag, err := s.GetAgency(ctx, a, f.AgencyID)
		if err != nil {
			return nil, err
		}
		query += ` AND u.agency_id = ?`
		args = append(args, ag.ID)
	} else if !a.System {
		if a.HasAny(subtreeRoles...) {
			query += ` AND a.path LIKE ?`
			args = append(args, a.AgencyPath+"%")
		} else {
			query += ` AND u.agency_id = ?`
			args = append(args, a.AgencyID)
		}
	}
	if f.Role != "" {
		query += ` AND u.id IN (SELECT user_id FROM user_roles WHERE role = ?)`
		args = append(args, f.Role)
	}
	if f.Active != nil {
		query += ` AND u.active = ?`
		args = append(args, *f.Active)
	}
	query += ` ORDER BY a.path, u.full_name LIMIT 5000`
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("org: list users: %w", err)
	}
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("org: list users: %w", err)
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("org: list users: %w", err)
	}
	// Names are matched in Go on the shared fold, so "nguyen van an" finds
	// "Nguyễn Văn An" the same way on both engines.
	if q := textnorm.Fold(f.Query); q != "" {
		out = slices.DeleteFunc(out, func(u *User) bool {
			return !strings.Contains(textnorm.Fold(u.FullName+" "+u.Username+" "+u.Title), q)
		})
	}
	if err := loadRoles(ctx, s.db, out...); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateUser adds a user to an agency the actor administers.
func (s *Service) CreateUser(ctx context.Context, a *Actor, in UserInput) (*User, error) {
	if err := in.clean(true); err != nil {
		return nil, err
	}
	hash, err := password.Hash(in.Password, s.pwParams)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var u *User
	err = s.inTx(ctx, func(tx *store.Tx) (*audit.Event, error) {
		ag, err := s.administered(ctx, tx, a, in.AgencyID)
		if err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return nil, apperr.InvalidField("agency_id", "org.agency.not_found")
			}
			return nil, err
		}
		dept, err := s.departmentOf(ctx, tx, ag.ID, in.DepartmentID)
		if err != nil {
			return nil, err
		}
		id := store.NewID()
		_, err = tx.ExecContext(ctx, `INSERT INTO users (id, agency_id, department_id, username, full_name, title, email, phone, password_hash, active, must_change_password, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, ag.ID, dept, in.Username, in.FullName, in.Title, in.Email, in.Phone, hash, in.Active == nil || *in.Active, !a.System, store.Micros(now), store.Micros(now))
		if store.IsUniqueViolation(err) {
			return nil, apperr.InvalidField("username", "org.user.username_taken", in.Username)
		}
		if err != nil {
			return nil, fmt.Errorf("org: create user: %w", err)
		}
		if err := setRoles(ctx, tx, id, in.Roles); err != nil {
			return nil, err
		}
		if u, err = user(ctx, tx, "u.id = ?", id); err != nil {
			return nil, err
		}
		ev := a.Event("user.create", "user", id)
		ev.AgencyID, ev.AgencyPath = ag.ID, ag.Path
		ev.Details = map[string]any{"username": u.Username, "full_name": u.FullName, "roles": u.Roles}
		return ev, nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) departmentOf(ctx context.Context, q store.Querier, agencyID, departmentID string) (any, error) {
	if departmentID == "" {
		return nil, nil
	}
	d, err := department(ctx, q, departmentID)
	if err != nil || d.AgencyID != agencyID {
		return nil, apperr.InvalidField("department_id", "org.department.not_in_agency")
	}
	return d.ID, nil
}

func setRoles(ctx context.Context, tx *store.Tx, userID string, roles []Role) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("org: set roles: %w", err)
	}
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, userID, r); err != nil {
			return fmt.Errorf("org: set roles: %w", err)
		}
	}
	return nil
}

// UpdateUser changes a user's details, department, roles and active flag.
// Deactivating a user ends their sessions and marks when they left, which is
// what flags their certificates for recall.
func (s *Service) UpdateUser(ctx context.Context, a *Actor, id string, in UserInput) (*User, error) {
	if err := in.clean(false); err != nil {
		return nil, err
	}
	var u *User
	err := s.inTx(ctx, func(tx *store.Tx) (*audit.Event, error) {
		old, err := user(ctx, tx, "u.id = ?", id)
		if err != nil {
			return nil, err
		}
		if !a.CanSeeAgency(old.AgencyPath) {
			return nil, apperr.New(apperr.NotFound, "org.user.not_found")
		}
		if !a.CanAdminister(old.AgencyPath) {
			return nil, apperr.New(apperr.Forbidden, "org.forbidden")
		}
		active := old.Active
		if in.Active != nil {
			active = *in.Active
		}
		// An admin who removes their own admin role or account locks
		// everyone out of this agency's administration.
		if id == a.UserID && (!active || !slices.Contains(in.Roles, RoleAdmin)) {
			return nil, apperr.New(apperr.Conflict, "org.user.lockout_self")
		}
		dept, err := s.departmentOf(ctx, tx, old.AgencyID, in.DepartmentID)
		if err != nil {
			return nil, err
		}
		now := store.Micros(s.now())
		left := store.Micros(old.LeftAt)
		switch {
		case old.Active && !active:
			left = now
		case !old.Active && active:
			left = 0
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET department_id = ?, full_name = ?, title = ?, email = ?, phone = ?, active = ?, left_at = ?, updated_at = ? WHERE id = ?`,
			dept, in.FullName, in.Title, in.Email, in.Phone, active, left, now, id)
		if err != nil {
			return nil, fmt.Errorf("org: update user: %w", err)
		}
		if err := setRoles(ctx, tx, id, in.Roles); err != nil {
			return nil, err
		}
		if !active {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return nil, fmt.Errorf("org: end sessions: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = ?`, id); err != nil {
				return nil, fmt.Errorf("org: revoke tokens: %w", err)
			}
		}
		if u, err = user(ctx, tx, "u.id = ?", id); err != nil {
			return nil, err
		}
		ev := a.Event("user.update", "user", id)
		ev.AgencyID, ev.AgencyPath = u.AgencyID, u.AgencyPath
		ev.Details = changes(map[string][2]any{
			"full_name": {old.FullName, u.FullName}, "title": {old.Title, u.Title}, "email": {old.Email, u.Email},
			"phone": {old.Phone, u.Phone}, "department_id": {old.DepartmentID, u.DepartmentID},
			"roles": {old.Roles, u.Roles}, "active": {old.Active, u.Active},
		})
		return ev, nil
	})
	return u, err
}

// ResetPassword sets a new password for a user the actor administers. The
// user must change it at next login, and their sessions end.
func (s *Service) ResetPassword(ctx context.Context, a *Actor, id, newPassword string) error {
	if err := checkNewPassword(newPassword); err != nil {
		return err
	}
	hash, err := password.Hash(newPassword, s.pwParams)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *store.Tx) (*audit.Event, error) {
		u, err := user(ctx, tx, "u.id = ?", id)
		if err != nil {
			return nil, err
		}
		if !a.CanSeeAgency(u.AgencyPath) {
			return nil, apperr.New(apperr.NotFound, "org.user.not_found")
		}
		if !a.CanAdminister(u.AgencyPath) {
			return nil, apperr.New(apperr.Forbidden, "org.forbidden")
		}
		if err := writePassword(ctx, tx, id, hash, !a.System && id != a.UserID, s.now()); err != nil {
			return nil, err
		}
		ev := a.Event("user.password_reset", "user", id)
		ev.AgencyID, ev.AgencyPath = u.AgencyID, u.AgencyPath
		return ev, nil
	})
}

// ChangeOwnPassword lets a user replace their password after proving the
// current one. Other sessions of the user end; keepSession stays.
func (s *Service) ChangeOwnPassword(ctx context.Context, a *Actor, current, next, keepSessionHash string) error {
	if a.UserID == "" {
		return apperr.New(apperr.Forbidden, "org.forbidden")
	}
	u, hash, err := s.UserByUsername(ctx, a.Username)
	if err != nil {
		return err
	}
	if password.Check(current, hash) != nil {
		return apperr.InvalidField("current_password", "password.current_wrong")
	}
	if err := checkNewPassword(next); err != nil {
		return err
	}
	if next == current {
		return apperr.InvalidField("password", "password.same")
	}
	newHash, err := password.Hash(next, s.pwParams)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *store.Tx) (*audit.Event, error) {
		if err := writePassword(ctx, tx, u.ID, newHash, false, s.now()); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, u.ID, keepSessionHash); err != nil {
			return nil, fmt.Errorf("org: end other sessions: %w", err)
		}
		return a.Event("user.password_change", "user", u.ID), nil
	})
}

func writePassword(ctx context.Context, tx *store.Tx, id, hash string, mustChange bool, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, failed_logins = 0, locked_until = 0, updated_at = ? WHERE id = ?`,
		hash, mustChange, store.Micros(now), id)
	if err != nil {
		return fmt.Errorf("org: write password: %w", err)
	}
	if mustChange {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("org: end sessions: %w", err)
		}
	}
	return nil
}

// checkNewPassword applies the password policy with a message that says
// what to do.
func checkNewPassword(pw string) error {
	switch password.Validate(pw) {
	case "too_short":
		return apperr.InvalidField("password", "password.too_short", password.MinLength)
	case "too_long":
		return apperr.InvalidField("password", "password.too_long", password.MaxLength)
	case "too_simple":
		return apperr.InvalidField("password", "password.too_simple")
	}
	return nil
}
