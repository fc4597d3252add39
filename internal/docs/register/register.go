package register

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/store"
)

// Direction says which way a register's documents travel.
type Direction string

// The two registers of Decree 30: outgoing documents (Art. 15, "văn bản
// đi") and incoming ones (Art. 22, "văn bản đến", whose "số đến" also runs
// through the year).
const (
	Outgoing Direction = "out"
	Incoming Direction = "in"
)

// Valid reports whether d is one of the two directions.
func (d Direction) Valid() bool { return d == Outgoing || d == Incoming }

// Series names a numbering sequence inside an agency's register for a year.
// Art. 15 numbers administrative documents in one sequence by default, lets
// the agency head give types their own, and requires one of their own for
// each legal normative type and for secret documents.
const (
	// SeriesDefault numbers the administrative documents that have no
	// series of their own.
	SeriesDefault = "default"
	// SeriesSecret numbers secret ("mật") documents, which Art. 15 keeps
	// apart whatever their type.
	SeriesSecret = "secret"
)

// TypeSeries is the series of the documents of one type that is numbered on
// its own (a legal normative type, or a type the agency head chose).
func TypeSeries(typeCode string) string { return "type:" + typeCode }

// SeriesFor is the default numbering scheme: secret documents in
// SeriesSecret, legal normative types each in their own series, everything
// else in SeriesDefault. An agency whose head chose otherwise passes its own
// series to Next.
func SeriesFor(t DocType, secret bool) string {
	switch {
	case secret:
		return SeriesSecret
	case t.Legal:
		return TypeSeries(t.Code)
	}
	return SeriesDefault
}

// seriesPattern keeps series names to stable ASCII identifiers: they are
// keys, compared byte for byte on both engines, never shown to users.
var seriesPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_:.-]{0,63}$`)

// The years a register may have: the state's first documents were issued in
// 1945, and the column is checked against the same bounds.
const (
	minYear = 1945
	maxYear = 9999
)

// RegisterKey names one register: an agency's documents of one direction,
// series and year.
type RegisterKey struct {
	AgencyID  string
	Direction Direction
	Series    string
	// Year is the calendar year in Vietnam time of the issue (or arrival)
	// date: use YearOf or NewKey, never t.Year() on a UTC time.
	Year int
}

// NewKey returns the key of the register that numbers a document of
// agencyID issued (outgoing) or received (incoming) at t.
func NewKey(agencyID string, d Direction, series string, t time.Time) RegisterKey {
	return RegisterKey{AgencyID: agencyID, Direction: d, Series: series, Year: YearOf(t)}
}

func (k RegisterKey) String() string {
	return fmt.Sprintf("%s/%s/%s/%d", k.AgencyID, k.Direction, k.Series, k.Year)
}

func (k RegisterKey) validate() error {
	switch {
	case k.AgencyID == "":
		return apperr.InvalidField("agency_id", "register.agency_required")
	case !k.Direction.Valid():
		return apperr.InvalidField("direction", "register.direction_invalid", string(k.Direction))
	case !seriesPattern.MatchString(k.Series):
		return apperr.InvalidField("series", "register.series_invalid", k.Series)
	}
	return checkYear(k.Year)
}

func checkYear(y int) error {
	if y < minYear || y > maxYear {
		return apperr.InvalidField("year", "register.year_invalid", y, minYear, maxYear)
	}
	return nil
}

// Allocation is a number given by a register.
type Allocation struct {
	// RegisterID identifies the register row; with Number it is the key of
	// the register_entries row, which a document row can reference.
	RegisterID string
	Number     int
}

// errNotInTx is returned when Next is given a database instead of the
// caller's transaction: a number committed on its own would be lost (a gap)
// if the document's transaction then failed.
var errNotInTx = errors.New("register: numbers must be allocated inside the transaction that records the document; pass its *store.Tx")

// upsertCounter creates the register on its first number and otherwise adds
// one to its counter, returning the new value, in one statement.
//
// On PostgreSQL, INSERT … ON CONFLICT DO UPDATE locks the register's row
// until the transaction ends; a concurrent allocation for the same register
// waits for that lock, then re-reads the committed row (READ COMMITTED, the
// isolation store.DB.InTx uses). If the first transaction rolled back, its
// increment is gone and the waiter gets the same number: no gap. Two
// allocations that both find no row race on the unique index; the loser
// waits for the winner's insert and then takes the update path. No
// read-then-write in Go, which would give the same number twice.
//
// On SQLite, store.DB serialises write transactions (writeMu, and
// _txlock=immediate takes the write lock at BEGIN), so there is nothing to
// race with; the same statement serves both engines.
const upsertCounter = `INSERT INTO registers (id, agency_id, direction, series, year, last_number, created_at)
	VALUES (?, ?, ?, ?, ?, 1, ?)
	ON CONFLICT (agency_id, direction, series, year)
	DO UPDATE SET last_number = registers.last_number + 1
	RETURNING id, last_number`

// Next gives the next number of the register key names: 1 for the first
// document of the year, then 2, 3… It must run inside the caller's
// transaction, the one that also marks the document issued or received:
// if that transaction rolls back, so does the number, and the next document
// gets it. Numbers are therefore unique and gap-free under any concurrency.
//
// The register's row stays locked until the caller's transaction ends, so
// other documents of the same register wait: call Next last, just before
// committing, and keep slow work (signing, network calls) out of that
// transaction. After an error the transaction is unusable on PostgreSQL;
// roll it back.
func Next(ctx context.Context, tx store.Handle, key RegisterKey) (int, error) {
	a, err := Allocate(ctx, tx, key)
	return a.Number, err
}

// Allocate is Next that also returns the register's row id, for callers
// that reference the register_entries row from the document.
func Allocate(ctx context.Context, h store.Handle, key RegisterKey) (Allocation, error) {
	if err := key.validate(); err != nil {
		return Allocation{}, err
	}
	tx, ok := h.(*store.Tx)
	if !ok || tx == nil {
		return Allocation{}, errNotInTx
	}
	now := store.Micros(time.Now())
	var a Allocation
	var n int64
	err := tx.QueryRowContext(ctx, upsertCounter,
		store.NewID(), key.AgencyID, string(key.Direction), key.Series, key.Year, now).Scan(&a.RegisterID, &n)
	if store.IsForeignKeyViolation(err) {
		return Allocation{}, apperr.Wrap(err, apperr.NotFound, "register.agency_not_found").WithField("agency_id")
	}
	if err != nil {
		return Allocation{}, fmt.Errorf("register: next number of %s: %w", key, err)
	}
	a.Number = int(n)
	_, err = tx.ExecContext(ctx, `INSERT INTO register_entries (register_id, number, allocated_at) VALUES (?, ?, ?)`,
		a.RegisterID, n, now)
	if store.IsUniqueViolation(err) {
		// The counter was moved back (edited by hand, or one table restored
		// from an older backup): refuse rather than give a number twice.
		return Allocation{}, apperr.Wrap(err, apperr.Conflict, "register.number_taken", a.Number, key.Year)
	}
	if err != nil {
		return Allocation{}, fmt.Errorf("register: record number %d of %s: %w", n, key, err)
	}
	return a, nil
}

// Check verifies a register: the numbers it recorded must be exactly 1 to
// its counter, with none missing. It returns the last number given (0 for a
// register that has given none, or does not exist yet). A non-nil error
// means someone changed the tables by hand; kyso itself cannot cause it.
func Check(ctx context.Context, q store.Querier, key RegisterKey) (int, error) {
	if err := key.validate(); err != nil {
		return 0, err
	}
	var id string
	var last int64
	err := q.QueryRowContext(ctx, `SELECT id, last_number FROM registers
		WHERE agency_id = ? AND direction = ? AND series = ? AND year = ?`,
		key.AgencyID, string(key.Direction), key.Series, key.Year).Scan(&id, &last)
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("register: load %s: %w", key, err)
	}
	// The primary key makes the numbers distinct, so count = max = last
	// means they are exactly 1..last.
	var count, maxN, minN int64
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(number), 0), COALESCE(MIN(number), 0)
		FROM register_entries WHERE register_id = ?`, id).Scan(&count, &maxN, &minN)
	if err != nil {
		return 0, fmt.Errorf("register: count entries of %s: %w", key, err)
	}
	if count != last || maxN != last || (last > 0 && minN != 1) {
		return int(last), apperr.New(apperr.Conflict, "register.inconsistent", registerLabel(key), last, count)
	}
	return int(last), nil
}

// registerLabel names a register in messages: "out/default/2026".
func registerLabel(k RegisterKey) string {
	return strings.Join([]string{string(k.Direction), k.Series, fmt.Sprint(k.Year)}, "/")
}
