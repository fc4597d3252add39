package search_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kyso-vn/kyso/internal/docs/search"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// TestSearchMatchesScan compares searches with the answer computed by
// scanning the entries in Go, over enough documents that both PostgreSQL
// plans run: the walk of the filtered documents (a common word), the GIN
// bitmap when the walk finds too few (a rare word in a large agency, a
// prefix with too many terms to expand), and the count that ends a short
// walk over a small agency.
func TestSearchMatchesScan(t *testing.T) {
	const n = 2600
	agencies := []string{agencyA, agencyA, agencyA, agencyB, agencyC} // A large, B and C small
	types := []string{"QĐ", "CV", "TB"}
	entries := make([]search.Entry, n)
	for i := range entries {
		subject := "Về việc chung"
		body := "Nội dung chung"
		if i%97 == 0 {
			subject += " hiếm"
		}
		if i%89 == 0 {
			body += " hiếm"
		}
		if i%7 == 0 {
			subject += " vừa"
		}
		// Prefixes with more than 32 terms (ub1, ub, kyso0): all over the
		// small agency C, rare in A, where some start like them and do not
		// match (ub2.., kyso1..), which GIN's prefix lexemes cannot tell.
		switch {
		case i%5 == 4:
			subject += fmt.Sprintf(" CV-UB1%02d", i/5%100)
			body += fmt.Sprintf(" kyso0%02d", i/5%100)
		case i%53 == 0:
			subject += fmt.Sprintf(" CV-UB%d", 100+i%200)
			body += fmt.Sprintf(" kyso%03d", i%200)
		}
		status := "issued"
		if i%5 == 2 {
			status = "draft"
		}
		dir := search.Outgoing
		if i%4 == 0 {
			dir = search.Incoming
		}
		entries[i] = search.Entry{
			DocID: fmt.Sprintf("s%05d", i), AgencyID: agencies[i%len(agencies)], Direction: dir, Status: status,
			TypeCode: types[i%len(types)], TypeName: "Văn bản", Subject: subject, Body: body,
			// Distinct dates, in another order than the ids.
			Date: day(2020, 1, 1).AddDate(0, 0, i*7919%n),
		}
	}
	from, to := day(2021, 1, 1), day(2023, 1, 1)
	tests := []struct {
		name string
		q    search.Query
	}{
		{"a rare word in a large agency", search.Query{Text: "hiem", AgencyIDs: []string{agencyA}}},
		{"a rare word everywhere", search.Query{Text: "hiếm", AllAgencies: true, Limit: 50}},
		{"a rare word, filtered", search.Query{Text: "hiem", AgencyIDs: []string{agencyA, agencyB}, TypeCodes: []string{"QĐ"}}},
		{"a rare word, second page", search.Query{Text: "hiem", AgencyIDs: []string{agencyA, agencyC}, Limit: 10, Offset: 15}},
		{"a common word", search.Query{Text: "vua", AgencyIDs: []string{agencyA}}},
		{"a common word in a small agency", search.Query{Text: "vua", AgencyIDs: []string{agencyC}, Direction: search.Incoming}},
		{"a very common word, dates", search.Query{Text: "chung", AgencyIDs: []string{agencyB}, From: from, To: to, Limit: 7}},
		{"two words", search.Query{Text: "chung hiem", AllAgencies: true, TypeCodes: []string{"TB", "CV"}}},
		{"no words", search.Query{AgencyIDs: []string{agencyA, agencyC}, TypeCodes: []string{"TB"}, From: from}},
		{"a rare word, one status", search.Query{Text: "hiem", AllAgencies: true, Status: "draft"}},
		{"no match", search.Query{Text: "xyzzy", AllAgencies: true}},
		{"a wide prefix", search.Query{Text: "ub1", AgencyIDs: []string{agencyA}}},
		{"a wide prefix of two characters", search.Query{Text: "ub", AgencyIDs: []string{agencyA}}},
		{"a wide prefix in a designation", search.Query{Text: "CV-UB1", AgencyIDs: []string{agencyA}}},
		{"a long wide prefix in the body", search.Query{Text: "chung kyso0", AgencyIDs: []string{agencyA, agencyB}, Limit: 50}},
		{"a wide prefix, all agencies", search.Query{Text: "kyso0", AllAgencies: true, Status: "draft", Direction: search.Incoming}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, e := range entries {
				if err := search.Index(ctx, tx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, err := search.Search(ctx, db, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				want, more := scan(entries, tt.q)
				if got := ids(res); !slices.Equal(got, want) || res.HasMore != more {
					t.Errorf("got %v (more %v), want %v (more %v)", got, res.HasMore, want, more)
				}
			})
		}
	})
}

// scan answers q over entries the slow way: each word of the text is a
// phrase of its tokens, and the last token of the text a prefix when the
// text ends with a letter or a digit.
func scan(entries []search.Entry, q search.Query) ([]string, bool) {
	fold := func(s string) []string {
		s = strings.ToLower(strings.NewReplacer("ế", "e", "ừ", "u", "Đ", "d", "đ", "d").Replace(s))
		return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	var words [][]string
	for _, w := range strings.Fields(q.Text) {
		words = append(words, fold(w))
	}
	prefix := q.Text != "" && !strings.HasSuffix(q.Text, " ")
	has := func(text string, w []string, prefix bool) bool {
		toks := fold(text)
		for i := 0; i+len(w) <= len(toks); i++ {
			n := len(w) - 1
			if slices.Equal(toks[i:i+n], w[:n]) && (toks[i+n] == w[n] || prefix && strings.HasPrefix(toks[i+n], w[n])) {
				return true
			}
		}
		return false
	}
	type hit struct {
		id   string
		date time.Time
		tier int
	}
	var hits []hit
	for _, e := range entries {
		switch {
		case !q.AllAgencies && !slices.Contains(q.AgencyIDs, e.AgencyID),
			len(q.TypeCodes) > 0 && !slices.Contains(q.TypeCodes, e.TypeCode),
			q.Direction != "" && q.Direction != e.Direction,
			q.Status != "" && q.Status != e.Status,
			!q.From.IsZero() && e.Date.Before(q.From),
			!q.To.IsZero() && !e.Date.Before(q.To):
			continue
		}
		tier := 0
		for k, w := range words {
			pre := prefix && k == len(words)-1
			switch {
			case has(e.Subject, w, pre):
			case has(e.Body, w, pre):
				tier = 1
			default:
				tier = 2
			}
			if tier == 2 {
				break
			}
		}
		if tier < 2 {
			hits = append(hits, hit{e.DocID, e.Date, tier})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		return b.date.Compare(a.date)
	})
	limit := q.Limit
	if limit == 0 {
		limit = 20
	}
	var out []string
	for _, h := range hits[min(q.Offset, len(hits)):] {
		out = append(out, h.id)
	}
	if len(out) > limit {
		return out[:limit], true
	}
	if out == nil {
		out = []string{}
	}
	return out, false
}
