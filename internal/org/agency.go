package org

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/textnorm"
)

// Agency is a state agency ("cơ quan, tổ chức").
type Agency struct {
	ID        string    `json:"id"`
	ParentID  string    `json:"parent_id,omitempty"`
	Path      string    `json:"-"`
	Code      string    `json:"code"`       // mã định danh, e.g. 000.00.31.H56
	Name      string    `json:"name"`       // official name
	ShortName string    `json:"short_name"` // abbreviation in document symbols, e.g. STTTT
	Kind      Kind      `json:"kind"`
	Address   string    `json:"address,omitempty"`
	Email     string    `json:"email,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Depth is the agency's level in the tree, 0 for a root.
func (a *Agency) Depth() int { return strings.Count(a.Path, "/") - 2 }

// Kind is what sort of agency it is.
type Kind string

// Agency kinds.
const (
	KindProvince   Kind = "province"   // UBND tỉnh, thành phố trực thuộc trung ương
	KindOffice     Kind = "office"     // Văn phòng UBND
	KindDepartment Kind = "department" // sở, ban, ngành
	KindDistrict   Kind = "district"   // UBND huyện, thị xã, thành phố thuộc tỉnh
	KindCommune    Kind = "commune"    // UBND xã, phường, thị trấn
	KindOther      Kind = "other"      // đơn vị sự nghiệp, tổ chức khác
)

// AllKinds lists the kinds in display order.
var AllKinds = []Kind{KindProvince, KindOffice, KindDepartment, KindDistrict, KindCommune, KindOther}

// codePattern is the identifier code of Decision 20/2020/QĐ-TTg as used in
// edXML (13 characters): levels 4.3.2 then the level-1 letter and digits.
var codePattern = regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$`)

// ValidCode reports whether s is a well-formed agency identifier code.
func ValidCode(s string) bool { return codePattern.MatchString(s) }

// shortNamePattern allows what Decree 30 symbols use: capitals (with
// Vietnamese ones such as Đ), digits, '&' and '.'. '-' and '/' separate
// the parts of a symbol, so they cannot be inside one.
var shortNamePattern = regexp.MustCompile(`^[\p{Lu}0-9&.]{1,20}$`)

// AgencyInput is what a caller gives to create or change an agency.
type AgencyInput struct {
	ParentID  string `json:"parent_id"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Kind      Kind   `json:"kind"`
	Address   string `json:"address"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
	Active    *bool  `json:"active,omitempty"`
}

func (in *AgencyInput) clean() error {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Name = textnorm.Clean(in.Name)
	in.ShortName = textnorm.Clean(in.ShortName)
	in.Address = textnorm.Clean(in.Address)
	in.Email = strings.TrimSpace(in.Email)
	in.Phone = strings.TrimSpace(in.Phone)
	switch {
	case !ValidCode(in.Code):
		return apperr.InvalidField("code", "org.agency.code_invalid", in.Code)
	case in.Name == "" || len(in.Name) > 300:
		return apperr.InvalidField("name", "org.agency.name_invalid")
	case !shortNamePattern.MatchString(in.ShortName):
		return apperr.InvalidField("short_name", "org.agency.short_name_invalid")
	case !validKind(in.Kind):
		return apperr.InvalidField("kind", "org.agency.kind_invalid")
	}
	return validateContact(in.Email, in.Phone)
}

func validKind(k Kind) bool {
	for _, x := range AllKinds {
		if x == k {
			return true
		}
	}
	return false
}

var phonePattern = regexp.MustCompile(`^\+?[0-9 .()-]{6,20}$`)

func validateContact(email, phone string) error {
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
			return apperr.InvalidField("email", "org.email_invalid")
		}
	}
	if phone != "" && !phonePattern.MatchString(phone) {
		return apperr.InvalidField("phone", "org.phone_invalid")
	}
	return nil
}

const agencyColumns = `id, COALESCE(parent_id, ''), path, code, name, short_name, kind, address, email, phone, active, created_at, updated_at`

func scanAgency(row interface{ Scan(...any) error }) (*Agency, error) {
	var a Agency
	var created, updated int64
	if err := row.Scan(&a.ID, &a.ParentID, &a.Path, &a.Code, &a.Name, &a.ShortName, &a.Kind, &a.Address, &a.Email, &a.Phone, &a.Active, &created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = store.FromMicros(created), store.FromMicros(updated)
	return &a, nil
}

// agency loads an agency without any permission check.
func agency(ctx context.Context, q store.Querier, id string) (*Agency, error) {
	a, err := scanAgency(q.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE id = ?`, id))
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return nil, apperr.New(apperr.NotFound, "org.agency.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("org: load agency %s: %w", id, err)
	}
	return a, nil
}

// GetAgency returns the agency if the actor may see it.
func (s *Service) GetAgency(ctx context.Context, a *Actor, id string) (*Agency, error) {
	ag, err := agency(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !a.CanSeeAgency(ag.Path) {
		return nil, apperr.New(apperr.NotFound, "org.agency.not_found")
	}
	return ag, nil
}

// ListAgencies returns the agencies the actor may see, in tree order.
func (s *Service) ListAgencies(ctx context.Context, a *Actor) ([]*Agency, error) {
	query := `SELECT ` + agencyColumns + ` FROM agencies`
	var args []any
	switch {
	case a.System:
	case a.HasAny(subtreeRoles...):
		query += ` WHERE path LIKE ?`
		args = append(args, a.AgencyPath+"%")
	default:
		query += ` WHERE id = ?`
		args = append(args, a.AgencyID)
	}
	return s.listAgencies(ctx, query+` ORDER BY path`, args...)
}

// DirectoryEntry is the public face of an agency: enough to address a
// document to it. Every logged-in user may read the directory.
type DirectoryEntry struct {
	ID        string `json:"id"`
	ParentID  string `json:"parent_id,omitempty"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Depth     int    `json:"depth"`
}

// Directory lists active agencies in tree order.
func (s *Service) Directory(ctx context.Context) ([]DirectoryEntry, error) {
	ags, err := s.listAgencies(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE active = ? ORDER BY path`, true)
	if err != nil {
		return nil, err
	}
	out := make([]DirectoryEntry, len(ags))
	for i, ag := range ags {
		out[i] = DirectoryEntry{ID: ag.ID, ParentID: ag.ParentID, Code: ag.Code, Name: ag.Name, ShortName: ag.ShortName, Depth: ag.Depth()}
	}
	return out, nil
}

func (s *Service) listAgencies(ctx context.Context, query string, args ...any) ([]*Agency, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("org: list agencies: %w", err)
	}
	defer rows.Close()
	var out []*Agency
	for rows.Next() {
		ag, err := scanAgency(rows)
		if err != nil {
			return nil, fmt.Errorf("org: list agencies: %w", err)
		}
		out = append(out, ag)
	}
	return out, rows.Err()
}

// CreateAgency adds an agency under in.ParentID. Only system actors create
// roots; admins create agencies inside their subtree.
func (s *Service) CreateAgency(ctx context.Context, a *Actor, in AgencyInput) (*Agency, error) {
	if err := in.clean(); err != nil {
		return nil, err
	}
	now := s.now()
	ag := &Agency{
		ID: store.NewID(), ParentID: in.ParentID, Code: in.Code, Name: in.Name, ShortName: in.ShortName, Kind: in.Kind,
		Address: in.Address, Email: in.Email, Phone: in.Phone, Active: in.Active == nil || *in.Active,
		CreatedAt: now.UTC().Truncate(time.Microsecond), UpdatedAt: now.UTC().Truncate(time.Microsecond),
	}
	err := s.inTx(ctx, func(tx *store.Tx) (*audit.Event, error) {
		var parent any
		ag.Path = "/" + ag.ID + "/"
		if in.ParentID != "" {
			p, err := agency(ctx, tx, in.ParentID)
			if err != nil || !a.CanSeeAgency(p.Path) {
				return nil, apperr.InvalidField("parent_id", "org.agency.parent_not_found")
			}
			if !a.CanAdminister(p.Path) {
				return nil, apperr.New(apperr.Forbidden, "org.forbidden")
			}
			parent, ag.Path = p.ID, p.Path+ag.ID+"/"
		} else if !a.System {
			return nil, apperr.New(apperr.Forbidden, "org.forbidden")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO agencies (id, parent_id, path, code, name, short_name, kind, address, email, phone, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ag.ID, parent, ag.Path, ag.Code, ag.Name, ag.ShortName, ag.Kind, ag.Address, ag.Email, ag.Phone, ag.Active, store.Micros(now), store.Micros(now))
		if store.IsUniqueViolation(err) {
			return nil, apperr.InvalidField("code", "org.agency.code_taken", ag.Code)
		}
		if err != nil {
			return nil, fmt.Errorf("org: create agency: %w", err)
		}
		ev := a.Event("agency.create", "agency", ag.ID)
		ev.AgencyID, ev.AgencyPath = ag.ID, ag.Path
		ev.Details = map[string]any{"code": ag.Code, "name": ag.Name}
		return ev, nil
	})
	if err != nil {
		return nil, err
	}
	return ag, nil
}

// UpdateAgency changes an agency's details. The parent cannot change here:
// moving a subtree is a separate, rarer operation.
func (s *Service) UpdateAgency(ctx context.Context, a *Actor, id string, in AgencyInput) (*Agency, error) {
	if err := in.clean(); err != nil {
		return nil, err
	}
	var ag *Agency
	err := s.inTx(ctx, func(tx *store.Tx) (*audit.Event, error) {
		old, err := agency(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if !a.CanSeeAgency(old.Path) {
			return nil, apperr.New(apperr.NotFound, "org.agency.not_found")
		}
		if !a.CanAdminister(old.Path) {
			return nil, apperr.New(apperr.Forbidden, "org.forbidden")
		}
		active := old.Active
		if in.Active != nil {
			active = *in.Active
		}
		if !active && old.ID == a.AgencyID {
			return nil, apperr.New(apperr.Conflict, "org.agency.deactivate_own")
		}
		now := s.now()
		_, err = tx.ExecContext(ctx, `UPDATE agencies SET code = ?, name = ?, short_name = ?, kind = ?, address = ?, email = ?, phone = ?, active = ?, updated_at = ? WHERE id = ?`,
			in.Code, in.Name, in.ShortName, in.Kind, in.Address, in.Email, in.Phone, active, store.Micros(now), id)
		if store.IsUniqueViolation(err) {
			return nil, apperr.InvalidField("code", "org.agency.code_taken", in.Code)
		}
		if err != nil {
			return nil, fmt.Errorf("org: update agency: %w", err)
		}
		ag, err = agency(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		ev := a.Event("agency.update", "agency", id)
		ev.AgencyID, ev.AgencyPath = ag.ID, ag.Path
		ev.Details = changes(map[string][2]any{
			"code": {old.Code, ag.Code}, "name": {old.Name, ag.Name}, "short_name": {old.ShortName, ag.ShortName},
			"kind": {old.Kind, ag.Kind}, "address": {old.Address, ag.Address}, "email": {old.Email, ag.Email},
			"phone": {old.Phone, ag.Phone}, "active": {old.Active, ag.Active},
		})
		return ev, nil
	})
	return ag, err
}

// changes keeps the fields whose value changed, as {"field": [old, new]}.
func changes(m map[string][2]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if fmt.Sprint(v[0]) != fmt.Sprint(v[1]) {
			out[k] = []any{v[0], v[1]}
		}
	}
	return out
}

// AgencyByCode finds an agency by its identifier code, without a permission
// check: for trusted callers (the CLI on the server, exchange routing).
func (s *Service) AgencyByCode(ctx context.Context, code string) (*Agency, error) {
	a, err := scanAgency(s.db.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE code = ?`, strings.ToUpper(strings.TrimSpace(code))))
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return nil, apperr.New(apperr.NotFound, "org.agency.code_unknown", code)
	}
	if err != nil {
		return nil, fmt.Errorf("org: agency by code: %w", err)
	}
	return a, nil
}
