package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/kyso-vn/kyso/internal/store"
)

func pgIndex(ctx context.Context, q store.Querier, e Entry) error {
	metaToks := e.metaTokens()
	meta := newTSVectorBuilder()
	meta.add(metaToks)
	all := newTSVectorBuilder()
	all.add(metaToks)
	all.gap()
	all.add(appendTokens(nil, e.Body))
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
	return nil
}

type pgEngine struct{ q store.Querier }

// page filters with plain columns and lets the planner choose between the
// GIN indexes (few matches) and walking doc_search_date backwards until the
// page is full (many matches).
func (s pgEngine) page(ctx context.Context, p plan, t tier, limit, offset int, exclude []Hit) ([]Hit, error) {
	var conds []string
	var args []any
	if len(p.terms) > 0 {
		words := tsqueryTerms(p.terms)
		switch t {
		case tierMeta:
			conds = append(conds, "meta_tsv @@ ?::tsquery")
			args = append(args, words)
		case tierBody:
			conds = append(conds, "all_tsv @@ ?::tsquery")
			args = append(args, words)
		}
	}
	if len(exclude) > 0 {
		conds = append(conds, "doc_id NOT IN ("+placeholders(len(exclude))+")")
		for _, h := range exclude {
			args = append(args, h.DocID)
		}
	}
	in := func(col string, values []string) {
		conds = append(conds, col+" IN ("+placeholders(len(values))+")")
		for _, v := range values {
			args = append(args, v)
		}
	}
	if !p.allAgencies {
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
	query := "SELECT doc_id, agency_id, doc_date FROM doc_search"
	if len(conds) > 0 {
		query += " WHERE " + strings.Join(conds, " AND ")
	}
	query += " ORDER BY doc_date DESC, doc_id DESC LIMIT ? OFFSET ?"
	args = append(args, limit, offset)
	return scanHits(ctx, s.q, query, args)
}
