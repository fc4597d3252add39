package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/store"
)

func pgIndex(ctx context.Context, q store.Querier, e Entry) error {
	metaToks := e.metaTokens()
	meta := newTSVectorBuilder()
	meta.addWords(metaToks)
	all := newTSVectorBuilder()
	all.addWords(metaToks)
	all.gap()
	all.addWords(appendTokens(nil, e.Body))
	// The terms, without the prefix lexemes, before the tags join all.order.
	terms := make([]string, 0, len(all.order))
	for _, t := range all.order {
		if !strings.HasPrefix(t, tagMark) && utf8.RuneCountInString(t) >= minPrefixRunes {
			terms = append(terms, t)
		}
	}
	tags := entryTags(e)
	meta.addTags(tags)
	all.addTags(tags)
	_, err := q.ExecContext(ctx, `INSERT INTO doc_search (doc_id, agency_id, direction, status, type_code, doc_date, meta_tsv, all_tsv)
		VALUES (?, ?, ?, ?, ?, ?, ?::tsvector, ?::tsvector)
		ON CONFLICT (doc_id) DO UPDATE SET
			agency_id = excluded.agency_id, direction = excluded.direction, status = excluded.status,
			type_code = excluded.type_code, doc_date = excluded.doc_date,
			meta_tsv = excluded.meta_tsv, all_tsv = excluded.all_tsv`,
		e.DocID, e.AgencyID, string(e.Direction), e.Status, e.TypeCode, store.Micros(e.Date), meta.String(), all.String())
	if err != nil {
		return fmt.Errorf("upsert entry: %w", err)
	}
	// Sorted, so that two transactions adding the same new terms take
	// their locks in the same order.
	slices.Sort(terms)
	if _, err := q.ExecContext(ctx, `INSERT INTO doc_search_terms (term) SELECT unnest(?::text[]) ON CONFLICT DO NOTHING`, terms); err != nil {
		return fmt.Errorf("record terms: %w", err)
	}
	return nil
}

type pgEngine struct{ q store.Querier }

// PostgreSQL has no index that returns the matches of a tsquery in date
// order (RUM would, but is not in core), and its planner, choosing between
// walking doc_search_date newest first with the tsquery as a filter and a
// GIN bitmap scan followed by a sort, goes badly wrong both ways at a
// million documents: a rare word or a word that matches nothing walks the
// whole table (seconds), a common word builds a bitmap of most of the table
// (hundreds of milliseconds). So page does not let it choose; it runs up to
// two queries whose plans do not depend on estimates:
//
//  1. The walk: the newest walkCandidates documents that the filters keep,
//     read from a covering B-tree index (index-only, the filters checked on
//     the index entries), each looked up by key and tested against the
//     tsquery, stopping as soon as the page is full. When the words match
//     a fair share of the filtered documents (common words, and most
//     prefixes being typed), the page is full after a few dozen lookups.
//  2. The bitmap, when the walk found too few: then the words match less
//     than one filtered document in walkCandidates/need, so the matches are
//     few; the GIN index finds them with the filter values as tag lexemes
//     ANDed to the words, so that a rare word or a small agency drives the
//     scan, and they are sorted.
//
// Without words, the filters alone are a walk of the covering index.
//
// A few agencies are read as one ordered index scan each, merged (Merge
// Append); more are a filter on the date-ordered scan.
func (s pgEngine) page(ctx context.Context, p plan, t tier, limit, offset int, exclude []Hit) ([]Hit, error) {
	need := limit + offset
	if len(p.terms) == 0 {
		query, args := pgCandidates(p, exclude, need)
		query += " OFFSET ?"
		args = append(args, offset)
		return scanHits(ctx, s.q, query, args)
	}
	col := "meta_tsv"
	if t == tierBody {
		col = "all_tsv"
	}
	words := tsqueryTerms(p.terms)

	// 1. The walk.
	k := max(walkCandidates, 4*need)
	cands, cargs := pgCandidates(p, exclude, k)
	// The test is a correlated subquery so that it runs once per
	// candidate, in the candidates' order: as a join, the planner would
	// rather hash all the matches of the words.
	query := `SELECT c.doc_id, c.agency_id, c.doc_date FROM (` + cands + `) c
		WHERE (SELECT s.` + col + ` @@ ?::tsquery FROM doc_search s WHERE s.doc_id = c.doc_id)
		ORDER BY c.doc_date DESC, c.doc_id DESC LIMIT ? OFFSET ?`
	args := slices.Concat(cargs, []any{words, limit, offset})
	hits, err := scanHits(ctx, s.q, query, args)
	if err != nil || len(hits) == limit {
		return hits, err
	}
	// A short page is complete when the walk saw every filtered document
	// (a small agency): counting them reads index entries only.
	var seen int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM (`+cands+`) c`, cargs...).Scan(&seen); err != nil {
		return nil, err
	}
	if seen < k {
		return hits, nil
	}

	// 2. The bitmap. GIN gets the words with their prefixes expanded and
	// the filter tags; the CTE is materialized so that the planner can
	// neither turn it back into the walk of step 1 nor AND the bitmap with
	// a B-tree's (which costs more than the GIN scan for a large agency).
	// The rows are then checked against the words as typed and the filters
	// as columns: the tags and expansions are an index, this is the rule.
	gin, err := s.ginQuery(ctx, p.terms)
	if err != nil {
		return nil, err
	}
	conds, args := pgFilters(p, exclude, true)
	query = `WITH m AS MATERIALIZED (
			SELECT doc_id, agency_id, doc_date, direction, status, type_code, ` + col + ` AS tsv
			FROM doc_search WHERE ` + col + ` @@ ?::tsquery)
		SELECT doc_id, agency_id, doc_date FROM m
		WHERE ` + strings.Join(append([]string{"tsv @@ ?::tsquery"}, conds...), " AND ") + `
		ORDER BY doc_date DESC, doc_id DESC LIMIT ? OFFSET ?`
	args = slices.Concat([]any{gin + pgTagQuery(p), words}, args, []any{limit, offset})
	return scanHits(ctx, s.q, query, args)
}

// ginQuery renders terms as the tsquery GIN searches in step 2: a prefix
// becomes the OR of the indexed terms that have it (doc_search_terms),
// because GIN answers 'pre':* by building a bitmap of every document that
// has any such term before intersecting it with anything, tens of
// milliseconds for a prefix as short as the ones typed ("so", "ub1"). A
// prefix with more than pgMaxExpansions terms (or not ending in ASCII)
// becomes its prefix lexeme instead (prefixQuery), ANDed to the rest of its
// phrase: that finds a superset of its matches, which the row check then
// narrows to the prefix as typed.
func (s pgEngine) ginQuery(ctx context.Context, terms []term) (string, error) {
	var b strings.Builder
	for i, t := range terms {
		var exp []string
		wide := ""
		if t.prefix {
			var err error
			last := t.tokens[len(t.tokens)-1]
			if exp, err = s.expansions(ctx, last); err != nil {
				return "", err
			}
			if exp == nil {
				wide = prefixQuery(last)
				t.tokens = t.tokens[:len(t.tokens)-1] // the rest, exact
				t.prefix = false
			}
		}
		if i > 0 {
			b.WriteString(" & ")
		}
		if wide != "" {
			b.WriteString(wide)
			if len(t.tokens) == 0 {
				continue
			}
			b.WriteString(" & ")
		}
		b.WriteByte('(')
		for j, tok := range t.tokens {
			if j > 0 {
				b.WriteString(" <-> ")
			}
			if t.prefix && j == len(t.tokens)-1 {
				b.WriteByte('(')
				for k, x := range exp {
					if k > 0 {
						b.WriteString(" | ")
					}
					writeTSLexeme(&b, x)
				}
				b.WriteByte(')')
				continue
			}
			writeTSLexeme(&b, tok)
		}
		b.WriteByte(')')
	}
	return b.String(), nil
}

// Prefix lexemes let GIN find the words that start with a short prefix
// without reading the posting list of each: every lexeme of a word of
// three or more characters comes with a prefix lexeme for its first two
// characters, and of four or more with one for its first three. A prefix
// lexeme is tagMark, 'p' and the prefix: no word can contain tagMark
// (isTokenRune), and the kind letter keeps it apart from the filter tags.
// They have no positions, so a phrase cannot use them: GIN ANDs them with
// the phrase's other words, and the row check decides.
const (
	prefixKind     = "p"
	maxPrefixRunes = 3 // the longest prefix with a lexeme
)

func prefixLexeme(prefix string) string { return tagMark + prefixKind + prefix }

// appendPrefixLexemes appends the prefix lexemes of the word w.
func appendPrefixLexemes(dst []string, w string) []string {
	n := 0
	for i := range w {
		if n >= minPrefixRunes && n <= maxPrefixRunes {
			dst = append(dst, prefixLexeme(w[:i]))
		}
		if n++; n > maxPrefixRunes {
			break
		}
	}
	return dst
}

// prefixQuery returns the tsquery that matches every document with a word
// starting with prefix (of minPrefixRunes or more), and possibly others: the
// word itself or its prefix lexeme for a prefix of two or three characters,
// the prefix lexeme of its first three characters for a longer one.
func prefixQuery(prefix string) string {
	var b strings.Builder
	n := 0
	for i := range prefix {
		if n == maxPrefixRunes {
			writeTSLexeme(&b, prefixLexeme(prefix[:i]))
			return b.String()
		}
		n++
	}
	b.WriteByte('(')
	writeTSLexeme(&b, prefix)
	b.WriteString(" | ")
	writeTSLexeme(&b, prefixLexeme(prefix))
	b.WriteByte(')')
	return b.String()
}

// addWords appends tokens as add does, and with each new lexeme its prefix
// lexemes (without positions), so that the budget that drops a lexeme
// drops its prefix lexemes with it: a word indexed is a word found by its
// prefixes.
func (b *tsvectorBuilder) addWords(tokens []string) {
	var pre []string
	for i, t := range tokens {
		if _, seen := b.pos[t]; seen {
			b.add(tokens[i : i+1])
			continue
		}
		pre = appendPrefixLexemes(pre[:0], t)
		cost := len(t) + 8
		for _, p := range pre {
			if _, seen := b.pos[p]; !seen {
				cost += len(p) + 8
			}
		}
		if b.size+cost > maxTSBytes {
			b.next++ // as add does with a lexeme over the budget
			continue
		}
		b.add(tokens[i : i+1])
		for _, p := range pre {
			if _, seen := b.pos[p]; !seen {
				b.pos[p] = nil
				b.order = append(b.order, p)
				b.size += len(p) + 8
			}
		}
	}
}

// pgMaxExpansions bounds the terms a prefix is expanded to. GIN reads an
// OR of exact terms lazily, skipping along the rarest list, but its cost
// still grows with their number.
const pgMaxExpansions = 32

// expansions returns the indexed terms that start with prefix (the prefix
// itself when none does, which then matches nothing), or nil when there
// are more than pgMaxExpansions or the prefix does not end in ASCII (the
// range needs a successor).
func (s pgEngine) expansions(ctx context.Context, prefix string) ([]string, error) {
	return expandPrefix(ctx, s.q, prefix, pgMaxExpansions)
}

// walkCandidates is how many filtered documents the walk tests before the
// bitmap takes over. Each costs a key lookup and a tsquery test (about
// 10 µs when cached); a word rarer than need/walkCandidates among the
// filtered documents has few enough matches for the bitmap.
const walkCandidates = 1000

// maxMergeAgencies is the most agencies read as one index scan each and
// merged; beyond, the agency is a filter on the date-ordered scan.
const maxMergeAgencies = 32

// pgCandidates returns a query of doc_id, agency_id and doc_date of the
// newest n documents the filters keep, newest first, and its arguments.
// Both of its indexes cover it, so it reads no table rows.
func pgCandidates(p plan, exclude []Hit, n int) (string, []any) {
	const order = " ORDER BY doc_date DESC, doc_id DESC LIMIT ?"
	if p.allAgencies || len(p.agencies) > maxMergeAgencies {
		conds, args := pgFilters(p, exclude, true)
		query := "SELECT doc_id, agency_id, doc_date FROM doc_search"
		if len(conds) > 0 {
			query += " WHERE " + strings.Join(conds, " AND ")
		}
		return query + order, append(args, n)
	}
	conds, fargs := pgFilters(p, exclude, false)
	where := strings.Join(append([]string{"agency_id = ?"}, conds...), " AND ")
	var b strings.Builder
	var args []any
	b.WriteString("SELECT doc_id, agency_id, doc_date FROM (")
	for i, a := range p.agencies {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		b.WriteString("(SELECT doc_id, agency_id, doc_date FROM doc_search WHERE " + where + order + ")")
		args = append(append(append(args, a), fargs...), n)
	}
	b.WriteString(") u" + order)
	return b.String(), append(args, n)
}

// pgFilters returns the conditions of the filters (with the agencies when
// withAgencies) on doc_search's plain columns, and their arguments.
func pgFilters(p plan, exclude []Hit, withAgencies bool) ([]string, []any) {
	var conds []string
	var args []any
	in := func(col string, values []string) {
		conds = append(conds, col+" IN ("+placeholders(len(values))+")")
		for _, v := range values {
			args = append(args, v)
		}
	}
	if withAgencies && !p.allAgencies {
		in("agency_id", p.agencies)
	}
	if len(p.types) > 0 {
		in("type_code", p.types)
	}
	if p.direction != "" {
		conds = append(conds, "direction = ?")
		args = append(args, string(p.direction))
	}
	if p.status != "" {
		conds = append(conds, "status = ?")
		args = append(args, p.status)
	}
	if p.hasFrom {
		conds = append(conds, "doc_date >= ?")
		args = append(args, p.from)
	}
	if p.hasTo {
		conds = append(conds, "doc_date < ?")
		args = append(args, p.to)
	}
	if len(exclude) > 0 {
		conds = append(conds, "doc_id NOT IN ("+placeholders(len(exclude))+")")
		for _, h := range exclude {
			args = append(args, h.DocID)
		}
	}
	return conds, args
}

// pgTagQuery returns the filters as tag lexemes to AND to the words'
// tsquery ("" without filters). The agencies are left to the row check
// beyond tagAgencyMaxN, where GIN would merge too many lists.
func pgTagQuery(p plan) string {
	var b strings.Builder
	set := func(kind string, values []string) {
		b.WriteString(" & (")
		for i, v := range values {
			if i > 0 {
				b.WriteString(" | ")
			}
			writeTSLexeme(&b, tag(kind, v))
		}
		b.WriteString(")")
	}
	if !p.allAgencies && len(p.agencies) <= tagAgencyMaxN {
		set(tagAgency, p.agencies)
	}
	if len(p.types) > 0 {
		set(tagType, p.types)
	}
	if p.direction != "" {
		set(tagDirection, []string{string(p.direction)})
	}
	if p.status != "" {
		set(tagStatus, []string{p.status})
	}
	return b.String()
}

// addTags appends the filter tags (entryTags) as lexemes without positions:
// no phrase can reach them, and they cost a few bytes each.
func (b *tsvectorBuilder) addTags(tags []string) {
	for _, t := range tags {
		if _, seen := b.pos[t]; !seen {
			b.pos[t] = nil
			b.order = append(b.order, t)
		}
	}
}
