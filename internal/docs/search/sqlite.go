package search

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/store"
)

// SQLite keys. An entry's id (the rowid in both FTS5 tables) is minus its
// date in whole seconds times keySpan, minus a sequence number among the
// entries of that second: ascending rowid order is newest first. FTS5 walks
// a doclist in rowid order and, asked for ORDER BY rowid LIMIT n, stops
// after n matches instead of collecting and sorting them all; ascending
// because FTS5 reads and seeks its doclists two to three times faster
// forwards than backwards (measured at a million documents). A date range
// is a rowid range.
const (
	keyBits = 20
	keySpan = int64(1) << keyBits // entries per second of document date
)

// keyFirst is the largest (first allocated) id of a document dated at unix
// second sec; the ids of that second go down from it to keyFirst-keySpan+1.
func keyFirst(sec int64) int64 { return -sec * keySpan }

// floorDiv divides rounding towards minus infinity (dates before 1970 are
// negative).
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Tag tokens put the filter values into the FTS index, so that FTS5
// intersects "agency A or B, type QĐ" with the words itself, along the
// doclists, rather than SQLite looking up every matching row to test it. A
// tag is U+E000 (private use, which unicode61 keeps inside tokens), a letter
// for its kind and the value in hex: always one token, and never equal to a
// word, since the text tokenizer splits at U+E000 (isTokenRune). So no
// column filter is needed: FTS5 column filters check the position list of
// every candidate row, which costs more than the search itself.
const (
	tagMark      = "\ue000"
	tagAgency    = "a"
	tagType      = "t"
	tagDirection = "d"
	tagStatus    = "s"
)

func tag(kind, value string) string { return tagMark + kind + hex.EncodeToString([]byte(value)) }

func entryTags(e Entry) []string {
	return []string{
		tag(tagAgency, e.AgencyID),
		tag(tagType, e.TypeCode),
		tag(tagDirection, string(e.Direction)),
		tag(tagStatus, e.Status),
	}
}

func sqliteIndex(ctx context.Context, tx *store.Tx, e Entry) error {
	var oldID int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM doc_search WHERE doc_id = ?`, e.DocID).Scan(&oldID)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("find entry: %w", err)
	}
	if found {
		if err := sqliteDelete(ctx, tx, oldID); err != nil {
			return err
		}
	}
	first := keyFirst(e.Date.Unix())
	id := first
	if found && first-keySpan < oldID && oldID <= first {
		id = oldID // same second: keep the place among same-day documents
	} else {
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MIN(id) FROM doc_search WHERE id > ? AND id <= ?`, first-keySpan, first).Scan(&last); err != nil {
			return fmt.Errorf("allocate key: %w", err)
		}
		if last.Valid {
			id = last.Int64 - 1
		}
		if id <= first-keySpan {
			return fmt.Errorf("more than %d documents dated %s", keySpan, e.Date.UTC().Format("2006-01-02 15:04:05"))
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO doc_search (id, doc_id, agency_id, direction, status, type_code, doc_date)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, e.DocID, e.AgencyID, string(e.Direction), e.Status, e.TypeCode, store.Micros(e.Date)); err != nil {
		return fmt.Errorf("insert entry: %w", err)
	}
	// doc_search_meta holds the metadata, doc_search_text the metadata and
	// the body, each with the tags: the first tier is a search of the
	// first table, the second of the second, neither with a column filter.
	metaToks, bodyToks := e.metaTokens(), appendTokens(nil, e.Body)
	tags := entryTags(e)
	meta := strings.Join(slices.Concat(metaToks, tags), " ")
	// A lone tagMark between metadata and body, a token no query has, keeps
	// a phrase from matching across the two, as the position gap does on
	// PostgreSQL.
	text := strings.Join(slices.Concat(metaToks, []string{tagMark}, bodyToks, tags), " ")
	if _, err := tx.ExecContext(ctx, `INSERT INTO doc_search_meta (rowid, meta) VALUES (?, ?)`, id, meta); err != nil {
		return fmt.Errorf("insert metadata: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO doc_search_text (rowid, text) VALUES (?, ?)`, id, text); err != nil {
		return fmt.Errorf("insert text: %w", err)
	}
	if terms := longTerms(metaToks, bodyToks); len(terms) > 0 {
		list, err := json.Marshal(terms)
		if err != nil {
			return fmt.Errorf("record terms: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO doc_search_terms (term) SELECT value FROM json_each(?)`, string(list)); err != nil {
			return fmt.Errorf("record terms: %w", err)
		}
	}
	return nil
}

// Prefixes of minExpandRunes or more characters are expanded into the
// tokens that have them, when there are at most maxExpansions; shorter ones
// use FTS5's prefix indexes (prefix = '2 3' in the migration).
const (
	minExpandRunes = 4
	maxExpansions  = 16
)

// longTerms returns the distinct tokens long enough to be expanded to.
func longTerms(lists ...[]string) []string {
	seen := make(map[string]bool)
	var out []string
	for _, toks := range lists {
		for _, t := range toks {
			if !seen[t] && utf8.RuneCountInString(t) >= minExpandRunes {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

func sqliteRemove(ctx context.Context, tx *store.Tx, docID string) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM doc_search WHERE doc_id = ?`, docID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find entry: %w", err)
	}
	return sqliteDelete(ctx, tx, id)
}

func sqliteDelete(ctx context.Context, tx *store.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM doc_search_meta WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("delete metadata: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM doc_search_text WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("delete text: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM doc_search WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete entry: %w", err)
	}
	return nil
}

type sqliteEngine struct {
	q     store.Querier
	words string // the terms as an FTS5 expression, prefixes expanded; set on first use
}

// maxTagAgenciesNoText bounds the agency tags of a query without words.
// There FTS5 only merges the agencies' doclists newest first, which stays
// cheap for thousands of them; beyond, rows are checked one by one.
const maxTagAgenciesNoText = 2000

func (s *sqliteEngine) page(ctx context.Context, p plan, t tier, limit, offset int, exclude []Hit) ([]Hit, error) {
	var parts []string
	table := "doc_search_meta" // smaller: the table for listing by filters too
	if len(p.terms) > 0 {
		if s.words == "" {
			var err error
			if s.words, err = s.expand(ctx, p.terms); err != nil {
				return nil, err
			}
		}
		parts = append(parts, "("+s.words+")")
		if t == tierBody {
			table = "doc_search_text"
		}
	}
	// With words, a long OR of agency tags makes every candidate of a rare
	// word seek in each agency's doclist; for many agencies, checking the
	// candidate's row is cheaper.
	if !p.allAgencies && (len(p.agencies) <= tagAgencyMaxN || len(p.terms) == 0 && len(p.agencies) <= maxTagAgenciesNoText) {
		parts = append(parts, tagSet(tagAgency, p.agencies))
	}
	if len(p.types) > 0 {
		parts = append(parts, tagSet(tagType, p.types))
	}
	if p.direction != "" {
		parts = append(parts, tagSet(tagDirection, []string{string(p.direction)}))
	}
	if p.status != "" {
		parts = append(parts, tagSet(tagStatus, []string{p.status}))
	}

	var sb strings.Builder
	var args []any
	keyCol := "m.id"
	if len(parts) > 0 {
		keyCol = table + ".rowid"
		sb.WriteString(`SELECT m.doc_id, m.agency_id, m.doc_date
			FROM ` + table + ` CROSS JOIN doc_search m ON m.id = ` + keyCol + `
			WHERE ` + table + ` MATCH ?`)
		args = append(args, strings.Join(parts, " AND "))
	} else {
		sb.WriteString(`SELECT m.doc_id, m.agency_id, m.doc_date FROM doc_search m WHERE 1 = 1`)
	}
	// The date range is first a key range (which FTS5 seeks to), then
	// exact on doc_date, since keys have whole seconds.
	if p.hasFrom {
		sb.WriteString(" AND " + keyCol + " <= ? AND m.doc_date >= ?")
		args = append(args, keyFirst(floorDiv(p.from, 1e6)), p.from)
	}
	if p.hasTo {
		sb.WriteString(" AND " + keyCol + " > ? AND m.doc_date < ?")
		args = append(args, keyFirst(floorDiv(p.to-1, 1e6))-keySpan, p.to)
	}
	// Visibility is checked on the row even when the tags already did: the
	// tags are an index, this is the rule.
	if !p.allAgencies {
		sb.WriteString(" AND m.agency_id IN (" + placeholders(len(p.agencies)) + ")")
		for _, a := range p.agencies {
			args = append(args, a)
		}
	}
	if len(exclude) > 0 {
		sb.WriteString(" AND m.doc_id NOT IN (" + placeholders(len(exclude)) + ")")
		for _, h := range exclude {
			args = append(args, h.DocID)
		}
	}
	sb.WriteString(" ORDER BY " + keyCol + " LIMIT ? OFFSET ?")
	args = append(args, limit, offset)
	return scanHits(ctx, s.q, sb.String(), args)
}

// expand renders the terms as an FTS5 expression, like fts5Terms, except
// that a prefix of minExpandRunes or more characters becomes the OR of the
// indexed tokens that start with it. FTS5 answers a prefix without a prefix
// index by merging the doclists of all those tokens before the first row;
// for "dinh*" (mostly the very common "dinh") that is the whole doclist of
// "dinh", every query. An OR of exact tokens is read lazily, newest first.
func (s *sqliteEngine) expand(ctx context.Context, terms []term) (string, error) {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" AND ")
		}
		last := t.tokens[len(t.tokens)-1]
		var exp []string
		if t.prefix && utf8.RuneCountInString(last) >= minExpandRunes {
			var err error
			if exp, err = s.expansions(ctx, last); err != nil {
				return "", fmt.Errorf("expand %q: %w", last, err)
			}
		}
		if exp == nil {
			writeFTS5Phrase(&b, t.tokens)
			if t.prefix {
				b.WriteString(" *")
			}
			continue
		}
		b.WriteByte('(')
		phrase := slices.Clone(t.tokens)
		for j, x := range exp {
			if j > 0 {
				b.WriteString(" OR ")
			}
			phrase[len(phrase)-1] = x
			writeFTS5Phrase(&b, phrase)
		}
		b.WriteByte(')')
	}
	return b.String(), nil
}

// expansions returns the indexed tokens that start with prefix (the prefix
// itself when none does, which then matches nothing), or nil when there are
// too many or the prefix is not ASCII (the range query needs a successor).
func (s *sqliteEngine) expansions(ctx context.Context, prefix string) ([]string, error) {
	return expandPrefix(ctx, s.q, prefix, maxExpansions)
}

// tagSet renders "(tag OR tag …)".
func tagSet(kind string, values []string) string {
	var b strings.Builder
	b.WriteString("(")
	for i, v := range values {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString(`"` + tag(kind, v) + `"`)
	}
	b.WriteString(")")
	return b.String()
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	if n == 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func scanHits(ctx context.Context, q store.Querier, query string, args []any) ([]Hit, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var h Hit
		var date int64
		if err := rows.Scan(&h.DocID, &h.AgencyID, &date); err != nil {
			return nil, err
		}
		h.Date = store.FromMicros(date)
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// mergeStep is the work of one incremental merge step, in leaf pages
// (about 0.2 s at a million documents on this project's machines).
const (
	mergeStep     = 2000
	maxMergeSteps = 100000
)

// sqliteOptimize merges each FTS5 index's segments into one, in steps of
// their own short transaction each, so that writers wait at most one step.
// FTS5 reports no work done by changing fewer than two rows.
func sqliteOptimize(ctx context.Context, db *store.DB) error {
	for _, table := range []string{"doc_search_meta", "doc_search_text"} {
		// The bound only guards against a merge that never reports done.
		for step, done := 0, false; !done && step < maxMergeSteps; step++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				// total_changes is per connection: read it inside the
				// transaction, which holds one connection.
				var before, after int64
				if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('merge', ?)`, -mergeStep); err != nil {
					return fmt.Errorf("merge %s: %w", table, err)
				}
				if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
					return err
				}
				done = after-before < 2
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
