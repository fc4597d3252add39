package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/textnorm"
)

// Errors callers branch on. Both are wrapped with a message that says what
// is wrong and what to do; errors.Is finds them.
var (
	// ErrInvalidQuery means the query was refused (too long, too many
	// words, nothing searchable, limits out of range): show the message to
	// the user, it is their input.
	ErrInvalidQuery = errors.New("search: invalid query")
	// ErrInvalidEntry means Index was given an entry it cannot index: a bug
	// in the caller.
	ErrInvalidEntry = errors.New("search: invalid entry")
)

// Direction says whether a document was issued by the agency or received.
type Direction string

// Directions ("văn bản đi", "văn bản đến").
const (
	Outgoing Direction = "outgoing"
	Incoming Direction = "incoming"
)

// Entry is what the index knows about one document. Text fields are folded
// for the index and not stored; the documents table keeps the originals.
type Entry struct {
	DocID     string    // the document's id; the key of its entry
	AgencyID  string    // the agency holding the document: who may find it
	Direction Direction // Outgoing or Incoming
	Status    string    // workflow status ("draft", "issued", …), a filter
	TypeCode  string    // document type code ("QĐ", "CV", …), a filter
	Date      time.Time // the document's date (its issue date; for a draft, its creation)

	// Searched as metadata: a match here puts the document in the first tier.
	TypeName string // "Quyết định": users search by the type's name, not its code
	Number   string // "05"
	Symbol   string // "QĐ-UBND"
	Subject  string // the subject line ("trích yếu")
	Issuer   string // the issuing agency's name; for incoming documents, the sender
	Signer   string // who signed

	// Body is the text of the document (ExtractText's result), searched in
	// the second tier. It is cut to MaxBodyBytes.
	Body string
}

// Limits on entries.
const (
	maxIDBytes    = 128
	maxCodeBytes  = 64
	maxMetaBytes  = 16 << 10
	MaxBodyBytes  = MaxTextBytes // longer bodies are cut, not refused
	dateMinYear   = 1
	dateMaxYear   = 9999
	maxAgencyIDs  = 10000
	maxTypeCodes  = 100
	defaultLimit  = 20
	MaxLimit      = 100  // the most hits one Search returns
	MaxOffset     = 5000 // deeper pages: narrow the search instead
	tagAgencyMaxN = 64   // above this many agencies, visibility is checked per row, not in FTS5
)

// validate checks e and returns it with its codes in NFC.
func (e Entry) validate() (Entry, error) {
	e.DocID = strings.TrimSpace(e.DocID)
	e.AgencyID = strings.TrimSpace(e.AgencyID)
	e.Status = textnorm.NFC(strings.TrimSpace(e.Status))
	e.TypeCode = textnorm.NFC(strings.TrimSpace(e.TypeCode))
	switch {
	case !validID(e.DocID):
		return e, fmt.Errorf("%w: document id %q must be 1 to %d bytes of printable UTF-8", ErrInvalidEntry, e.DocID, maxIDBytes)
	case !validID(e.AgencyID):
		return e, fmt.Errorf("%w: document %s: agency id must be 1 to %d bytes of printable UTF-8", ErrInvalidEntry, e.DocID, maxIDBytes)
	case e.Direction != Outgoing && e.Direction != Incoming:
		return e, fmt.Errorf("%w: document %s: direction %q, want %q or %q", ErrInvalidEntry, e.DocID, e.Direction, Outgoing, Incoming)
	case !validCode(e.Status) || !validCode(e.TypeCode):
		return e, fmt.Errorf("%w: document %s: status and type code must be at most %d bytes of printable UTF-8", ErrInvalidEntry, e.DocID, maxCodeBytes)
	case e.Date.IsZero() || e.Date.Year() < dateMinYear || e.Date.Year() > dateMaxYear:
		return e, fmt.Errorf("%w: document %s: no usable date: give the issue date, or the creation date for a draft", ErrInvalidEntry, e.DocID)
	}
	if n := len(e.TypeName) + len(e.Number) + len(e.Symbol) + len(e.Subject) + len(e.Issuer) + len(e.Signer); n > maxMetaBytes {
		return e, fmt.Errorf("%w: document %s: %d bytes of metadata, at most %d", ErrInvalidEntry, e.DocID, n, maxMetaBytes)
	}
	e.Body = cutUTF8(e.Body, MaxBodyBytes)
	return e, nil
}

// validID reports whether s can be an id: short, valid UTF-8, no control
// characters (which PostgreSQL may refuse in text, and no id has).
func validID(s string) bool {
	return s != "" && len(s) <= maxIDBytes && printable(s)
}

// validCode reports whether s can be a status or type code (empty allowed).
func validCode(s string) bool {
	return len(s) <= maxCodeBytes && printable(s)
}

func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// metaTokens returns the tokens of the metadata fields, in the order a
// document's designation is written (Decree 30: "Quyết định số 05/QĐ-UBND"),
// with "số" before the number, so that a designation pasted from another
// document ("căn cứ Quyết định số 05/QĐ-UBND") matches as a phrase.
func (e Entry) metaTokens() []string {
	toks := appendTokens(nil, e.TypeName)
	if strings.TrimSpace(e.Number) != "" {
		toks = append(toks, "so")
	}
	for _, f := range []string{e.Number, e.Symbol, e.Subject, e.Issuer, e.Signer} {
		toks = appendTokens(toks, f)
	}
	return toks
}

// cutUTF8 shortens s to at most n bytes on a rune boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Query selects documents. Every condition given must hold.
type Query struct {
	// Text is what the user typed: words (all must match, in any order and
	// with or without diacritics), "quoted phrases", the last word matched
	// as a prefix while it is being typed. Empty lists by date.
	Text string
	// AgencyIDs are the agencies whose documents the caller may see, as
	// the caller's authorization computed them. Empty means none, unless
	// AllAgencies is set: a forgotten set fails closed.
	AgencyIDs []string
	// AllAgencies lifts the agency restriction, for callers who may read
	// every agency's documents.
	AllAgencies bool
	// TypeCodes keeps documents of these types; empty keeps all.
	TypeCodes []string
	// From and To keep documents dated From <= Date < To; a zero bound is
	// open. For an inclusive last day, pass the start of the day after.
	From, To time.Time
	// Direction keeps outgoing or incoming documents; empty keeps both.
	Direction Direction
	// Status keeps documents in this status; empty keeps all.
	Status string
	// Limit is the page size: 20 when 0, at most MaxLimit.
	Limit int
	// Offset skips that many hits, at most MaxOffset.
	Offset int
}

// Hit is one document found.
type Hit struct {
	DocID    string
	AgencyID string
	Date     time.Time
	// InMetadata is true when every search word was found in the number,
	// symbol, type, subject, issuer or signer (the first tier), false when
	// some word only occurs in the body, and false when there was no text.
	InMetadata bool
}

// Result is one page of hits.
type Result struct {
	Hits []Hit
	// HasMore says that another page follows. There is no total: counting
	// every match of a common word costs more than the page itself.
	HasMore bool
}

// plan is a validated query, ready for either engine.
type plan struct {
	terms       []term
	agencies    []string // sorted, deduplicated; nil when allAgencies
	allAgencies bool
	types       []string
	from, to    int64 // microseconds, when hasFrom, hasTo
	hasFrom     bool
	hasTo       bool
	direction   Direction
	status      string
	limit       int
	offset      int
}

func (q Query) plan() (plan, error) {
	p := plan{
		allAgencies: q.AllAgencies,
		direction:   q.Direction,
		status:      textnorm.NFC(strings.TrimSpace(q.Status)),
		limit:       q.Limit,
		offset:      q.Offset,
	}
	var err error
	if p.terms, err = parseText(q.Text); err != nil {
		return p, err
	}
	switch {
	case p.limit == 0:
		p.limit = defaultLimit
	case p.limit < 0 || p.limit > MaxLimit:
		return p, fmt.Errorf("%w: page size %d, want 1 to %d", ErrInvalidQuery, p.limit, MaxLimit)
	}
	if p.offset < 0 || p.offset > MaxOffset {
		return p, fmt.Errorf("%w: offset %d, want 0 to %d: narrow the search with words, dates or types instead", ErrInvalidQuery, p.offset, MaxOffset)
	}
	if p.direction != "" && p.direction != Outgoing && p.direction != Incoming {
		return p, fmt.Errorf("%w: direction %q, want %q, %q or none", ErrInvalidQuery, p.direction, Outgoing, Incoming)
	}
	if !p.allAgencies {
		if len(q.AgencyIDs) > maxAgencyIDs {
			return p, fmt.Errorf("%w: %d agencies, at most %d: use AllAgencies for a caller who sees them all", ErrInvalidQuery, len(q.AgencyIDs), maxAgencyIDs)
		}
		// An id no entry can have is dropped: it matches nothing anyway,
		// and PostgreSQL would refuse invalid UTF-8 as a parameter.
		p.agencies = sortedSet(q.AgencyIDs, func(s string) string {
			if s = strings.TrimSpace(s); !validID(s) {
				return ""
			}
			return s
		})
	}
	if len(q.TypeCodes) > maxTypeCodes {
		return p, fmt.Errorf("%w: %d document types, at most %d", ErrInvalidQuery, len(q.TypeCodes), maxTypeCodes)
	}
	p.types = sortedSet(q.TypeCodes, func(s string) string { return textnorm.NFC(strings.TrimSpace(s)) })
	// A filter value no entry can have is refused rather than dropped:
	// dropping it would widen the search.
	for _, c := range append(p.types, p.status) {
		if !validCode(c) {
			return p, fmt.Errorf("%w: type or status %q is not a valid code", ErrInvalidQuery, cutUTF8(c, 40))
		}
	}
	// Bounds outside the years an entry may have are clamped, so that no
	// arithmetic on them (microseconds, keys) can overflow.
	p.from, p.hasFrom = clampDate(q.From).UnixMicro(), !q.From.IsZero()
	p.to, p.hasTo = clampDate(q.To).UnixMicro(), !q.To.IsZero()
	return p, nil
}

// empty reports whether the query can match nothing, so no database work is
// needed: no visible agency, or an empty date range.
func (p plan) empty() bool {
	return !p.allAgencies && len(p.agencies) == 0 || p.hasFrom && p.hasTo && p.from >= p.to
}

var (
	minDate = time.Date(dateMinYear, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(dateMaxYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
)

func clampDate(t time.Time) time.Time {
	switch {
	case t.Before(minDate):
		return minDate
	case t.After(maxDate):
		return maxDate
	}
	return t
}

// sortedSet returns the distinct non-empty values of in after norm, sorted.
func sortedSet(in []string, norm func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = norm(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Index adds the document's entry or replaces the one it had. Call it in the
// transaction that changes the document, so that the index and the document
// commit together.
func Index(ctx context.Context, h store.Handle, e Entry) error {
	e, err := e.validate()
	if err != nil {
		return err
	}
	switch h.Dialect() {
	case store.SQLite:
		err = h.InTx(ctx, func(tx *store.Tx) error { return sqliteIndex(ctx, tx, e) })
	case store.Postgres:
		err = pgIndex(ctx, h, e)
	default:
		err = fmt.Errorf("unsupported database %s", h.Dialect())
	}
	if err != nil {
		return fmt.Errorf("search: index document %s: %w", e.DocID, err)
	}
	return nil
}

// Remove deletes the document's entry; removing an absent entry is not an
// error, so that a retried deletion succeeds.
func Remove(ctx context.Context, h store.Handle, docID string) error {
	var err error
	switch h.Dialect() {
	case store.SQLite:
		err = h.InTx(ctx, func(tx *store.Tx) error { return sqliteRemove(ctx, tx, docID) })
	case store.Postgres:
		_, err = h.ExecContext(ctx, `DELETE FROM doc_search WHERE doc_id = ?`, docID)
	default:
		err = fmt.Errorf("unsupported database %s", h.Dialect())
	}
	if err != nil {
		return fmt.Errorf("search: remove document %s: %w", docID, err)
	}
	return nil
}

// Optimize brings the index to its fastest form; run it from a background
// job after a bulk load and then periodically (nightly, or every few
// thousand documents indexed). On SQLite, each document indexed adds a small
// FTS5 segment and FTS5 merges them only by levels, so an index built one
// document at a time is spread over tens of segments, and every search
// looks in each: merging them into one makes searches several times faster
// (see BenchmarkSearch1M). It works in steps of a fraction of a second, each
// its own transaction, so indexing goes on meanwhile; ctx stops it between
// steps. On PostgreSQL it runs VACUUM ANALYZE on the index table, which
// autovacuum would do in its own time: it flushes the GIN pending lists and
// gives the planner fresh statistics.
func Optimize(ctx context.Context, db *store.DB) error {
	var err error
	switch db.Dialect() {
	case store.SQLite:
		err = sqliteOptimize(ctx, db)
	case store.Postgres:
		_, err = db.ExecContext(ctx, `VACUUM (ANALYZE) doc_search`)
	default:
		err = fmt.Errorf("unsupported database %s", db.Dialect())
	}
	if err != nil {
		return fmt.Errorf("search: optimize: %w", err)
	}
	return nil
}

// Search returns one page of the documents q selects: first those where all
// words are in the metadata, then those where some word is only in the
// body, newest first within each; without text, newest first.
func Search(ctx context.Context, db store.Querier, q Query) (Result, error) {
	p, err := q.plan()
	if err != nil {
		return Result{}, err
	}
	if p.empty() {
		return Result{Hits: []Hit{}}, nil
	}
	var e engine
	switch db.Dialect() {
	case store.SQLite:
		e = &sqliteEngine{q: db}
	case store.Postgres:
		e = pgEngine{db}
	default:
		return Result{}, fmt.Errorf("search: unsupported database %s", db.Dialect())
	}
	res, err := run(ctx, e, p)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// tier selects which documents an engine query returns.
type tier int

const (
	tierAll  tier = iota // no text: every document the filters keep
	tierMeta             // every term in the metadata
	tierBody             // every term somewhere (the exclusions, the first tier, left out)
)

// engine runs one tier of a plan: up to limit hits after skipping offset,
// newest first, leaving out the documents in exclude.
type engine interface {
	page(ctx context.Context, p plan, t tier, limit, offset int, exclude []Hit) ([]Hit, error)
}

// run assembles the page from the tiers. The first tier is read from its
// start (at most MaxOffset+MaxLimit+1 rows, cheap because each engine reads
// its index newest first and stops) so that its length tells how far to
// skip into the second. When the second tier is needed, the first has been
// read whole, so the second is "all matches except those": a short list of
// ids to leave out, which both engines check far faster than they evaluate
// "matches, but not in the metadata" (FTS5 cannot seek through a NOT).
func run(ctx context.Context, e engine, p plan) (Result, error) {
	want := p.offset + p.limit + 1
	if len(p.terms) == 0 {
		hits, err := e.page(ctx, p, tierAll, p.limit+1, p.offset, nil)
		if err != nil {
			return Result{}, err
		}
		return result(hits, p.limit), nil
	}
	first, err := e.page(ctx, p, tierMeta, want, 0, nil)
	if err != nil {
		return Result{}, err
	}
	for i := range first {
		first[i].InMetadata = true
	}
	if len(first) == want {
		return result(first[p.offset:], p.limit), nil
	}
	hits := first[min(p.offset, len(first)):]
	need := p.limit + 1 - len(hits)
	second, err := e.page(ctx, p, tierBody, need, max(0, p.offset-len(first)), first)
	if err != nil {
		return Result{}, err
	}
	return result(append(hits, second...), p.limit), nil
}

// result cuts hits (read with one extra) to a page. Hits is never nil, so
// that an empty page is [] in JSON.
func result(hits []Hit, limit int) Result {
	if hits == nil {
		hits = []Hit{}
	}
	if len(hits) > limit {
		return Result{Hits: hits[:limit], HasMore: true}
	}
	return Result{Hits: hits}
}

// expandPrefix lists the indexed terms (doc_search_terms, kept by both
// engines) that start with prefix: the prefix itself when none does, which
// then matches nothing, or nil when there are more than limit or the prefix
// does not end in ASCII (the range query needs a successor).
func expandPrefix(ctx context.Context, q store.Querier, prefix string, limit int) ([]string, error) {
	last := prefix[len(prefix)-1]
	if last >= utf8.RuneSelf-1 {
		return nil, nil
	}
	next := prefix[:len(prefix)-1] + string(last+1)
	rows, err := q.QueryContext(ctx, `SELECT term FROM doc_search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?`,
		prefix, next, limit+1)
	if err != nil {
		return nil, fmt.Errorf("expand %q: %w", prefix, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	switch {
	case len(out) > limit:
		return nil, nil
	case len(out) == 0:
		return []string{prefix}, nil
	}
	return out, nil
}
