package register

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/textnorm"
)

// DocType is a kind of document ("tên loại văn bản"), such as Quyết định.
// The catalog is seeded with Decree 30's Appendix III and shared by every
// agency of the installation.
type DocType struct {
	Code string `json:"code"` // stable identifier, e.g. quyet_dinh
	Name string `json:"name"` // Vietnamese name, NFC, e.g. Quyết định
	// Abbreviation goes into the symbol (05/QĐ-UBND); empty for the types
	// written without one, công văn and thư công.
	Abbreviation string `json:"abbreviation"`
	// Legal marks a legal normative type: numbered in a series of its own
	// (SeriesFor) and written with the year (LegalSymbol).
	Legal     bool      `json:"legal"`
	Active    bool      `json:"active"`
	Position  int       `json:"position"`
	CreatedAt time.Time `json:"created_at"` // zero for the decree's own types
}

// TypeInput is what an administrator gives to add a type.
type TypeInput struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Abbreviation string `json:"abbreviation"`
	Legal        bool   `json:"legal"`
}

// codePattern: lower-case ASCII words joined by '_', as the seeded codes are
// (quyet_dinh). Codes end up in series names and URLs.
var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// maxTypeName is TypeName's length (String 100) in Appendix VI's metadata.
const maxTypeName = 100

// maxTypeAbbreviation: Appendix III's longest is three letters; ten leaves
// room without letting a type eat the symbol's 30 characters.
const maxTypeAbbreviation = 10

func (in *TypeInput) clean() error {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = textnorm.Clean(in.Name)
	// Spaces inside are refused below rather than collapsed: "Q Đ" is a
	// typing mistake, not a variant of "QĐ".
	in.Abbreviation = textnorm.NFC(strings.TrimSpace(in.Abbreviation))
	switch {
	case !codePattern.MatchString(in.Code):
		return apperr.InvalidField("code", "register.type.code_invalid", in.Code)
	case in.Name == "" || utf8.RuneCountInString(in.Name) > maxTypeName:
		return apperr.InvalidField("name", "register.type.name_invalid", maxTypeName)
	}
	if in.Abbreviation == "" {
		// Like công văn: numbered by agency and drafting unit only.
		return nil
	}
	if utf8.RuneCountInString(in.Abbreviation) > maxTypeAbbreviation {
		return apperr.InvalidField("abbreviation", "register.abbreviation_too_long", in.Abbreviation, maxTypeAbbreviation)
	}
	if err := checkAbbreviation(in.Abbreviation); err != nil {
		return err.WithField("abbreviation")
	}
	return nil
}

// mayEditTypes: the catalog is the whole installation's, so only the system
// and the administrators of a root agency (the province) may change it.
func mayEditTypes(a *org.Actor) bool {
	if a == nil {
		return false
	}
	return a.System || (a.Has(org.RoleAdmin) && a.AgencyID != "" && a.AgencyPath == "/"+a.AgencyID+"/")
}

const typeColumns = `code, name, abbreviation, legal, active, position, created_at`

func scanType(row interface{ Scan(...any) error }) (DocType, error) {
	var t DocType
	var created int64
	if err := row.Scan(&t.Code, &t.Name, &t.Abbreviation, &t.Legal, &t.Active, &t.Position, &created); err != nil {
		return DocType{}, err
	}
	t.CreatedAt = store.FromMicros(created)
	return t, nil
}

// Types lists the document types in the decree's order, then the added
// ones; only the active ones when activeOnly (what a drafter may choose).
func Types(ctx context.Context, q store.Querier, activeOnly bool) ([]DocType, error) {
	query := `SELECT ` + typeColumns + ` FROM doc_types`
	var args []any
	if activeOnly {
		query += ` WHERE active = ?`
		args = append(args, true)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY position, code`, args...)
	if err != nil {
		return nil, fmt.Errorf("register: list document types: %w", err)
	}
	defer rows.Close()
	var out []DocType
	for rows.Next() {
		t, err := scanType(rows)
		if err != nil {
			return nil, fmt.Errorf("register: read document type: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("register: list document types: %w", err)
	}
	return out, nil
}

// Type returns the document type with code, active or not: an old document
// keeps the type it was issued with.
func Type(ctx context.Context, q store.Querier, code string) (DocType, error) {
	t, err := scanType(q.QueryRowContext(ctx, `SELECT `+typeColumns+` FROM doc_types WHERE code = ?`, code))
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return DocType{}, apperr.New(apperr.NotFound, "register.type.not_found", code)
	}
	if err != nil {
		return DocType{}, fmt.Errorf("register: load document type %s: %w", code, err)
	}
	return t, nil
}

// AddType adds an active document type at the end of the list and records
// it in the audit log, both in one transaction (h may be the caller's).
// A code, name or abbreviation already used, even by an inactive type and
// whatever the letter case, is refused: old documents still carry it. Only
// a legal normative type may share an administrative type's abbreviation.
func AddType(ctx context.Context, h store.Handle, a *org.Actor, in TypeInput) (DocType, error) {
	if !mayEditTypes(a) {
		return DocType{}, apperr.New(apperr.Forbidden, "register.type.forbidden")
	}
	if err := in.clean(); err != nil {
		return DocType{}, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	t := DocType{Code: in.Code, Name: in.Name, Abbreviation: in.Abbreviation, Legal: in.Legal, Active: true, CreatedAt: now}
	err := h.InTx(ctx, func(tx *store.Tx) error {
		existing, err := Types(ctx, tx, false)
		if err != nil {
			return err
		}
		maxPos := 0
		for _, e := range existing {
			maxPos = max(maxPos, e.Position)
			switch {
			case e.Code == t.Code:
				return apperr.InvalidField("code", "register.type.code_taken", t.Code)
			case strings.EqualFold(e.Name, t.Name):
				return apperr.InvalidField("name", "register.type.name_taken", e.Name)
			case t.Abbreviation != "" && e.Legal == t.Legal && strings.EqualFold(e.Abbreviation, t.Abbreviation):
				// A legal type may reuse an administrative type's
				// abbreviation: its symbol carries the year (LegalSymbol).
				return apperr.InvalidField("abbreviation", "register.type.abbreviation_taken", e.Abbreviation, e.Name)
			}
		}
		t.Position = maxPos + 10
		_, err = tx.ExecContext(ctx, `INSERT INTO doc_types (code, name, abbreviation, legal, active, position, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			t.Code, t.Name, t.Abbreviation, t.Legal, true, t.Position, store.Micros(now), store.Micros(now))
		if store.IsUniqueViolation(err) {
			// Added by someone else since the check above.
			return apperr.Wrap(err, apperr.Conflict, "register.type.added_meanwhile")
		}
		if err != nil {
			return fmt.Errorf("register: add document type %s: %w", t.Code, err)
		}
		ev := a.Event("doc_type.create", "doc_type", t.Code)
		ev.At = now
		ev.Details = map[string]any{"name": t.Name, "abbreviation": t.Abbreviation, "legal": t.Legal}
		return audit.Append(ctx, tx, ev)
	})
	if err != nil {
		return DocType{}, err
	}
	return t, nil
}

// SetTypeActive activates or deactivates a type. A deactivated type is no
// longer offered for new documents; documents that have it keep it, which
// is why types are never deleted. Setting the state a type already has
// changes nothing and records nothing.
func SetTypeActive(ctx context.Context, h store.Handle, a *org.Actor, code string, active bool) error {
	if !mayEditTypes(a) {
		return apperr.New(apperr.Forbidden, "register.type.forbidden")
	}
	return h.InTx(ctx, func(tx *store.Tx) error {
		t, err := Type(ctx, tx, code)
		if err != nil {
			return err
		}
		if t.Active == active {
			return nil
		}
		now := time.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE doc_types SET active = ?, updated_at = ? WHERE code = ?`,
			active, store.Micros(now), code); err != nil {
			return fmt.Errorf("register: set document type %s active=%v: %w", code, active, err)
		}
		action := "doc_type.deactivate"
		if active {
			action = "doc_type.activate"
		}
		ev := a.Event(action, "doc_type", code)
		ev.At = now
		return audit.Append(ctx, tx, ev)
	})
}
