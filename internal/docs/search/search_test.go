package search_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/docs/search"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

const (
	agencyA = "0197a000-0000-7000-8000-00000000000a" // the caller's agency
	agencyB = "0197a000-0000-7000-8000-00000000000b" // another agency
	agencyC = "0197a000-0000-7000-8000-00000000000c"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fixture is a small set of documents: A's are visible to the caller, B's
// and C's are not, and most of B's match the same words as A's.
var fixture = []search.Entry{
	{
		DocID: "d1", AgencyID: agencyA, Direction: search.Outgoing, Status: "issued", TypeCode: "QĐ",
		Date: day(2025, 3, 10), TypeName: "Quyết định", Number: "05", Symbol: "QĐ-UBND",
		Subject: "Về việc ứng dụng chữ ký số chuyên dùng Chính phủ", Issuer: "Ủy ban nhân dân tỉnh", Signer: "Nguyễn Văn An",
		Body: "Điều 1. Ban hành quy chế ứng dụng chữ ký số.",
	},
	{
		DocID: "d2", AgencyID: agencyA, Direction: search.Incoming, Status: "received", TypeCode: "CV",
		Date: day(2025, 4, 1), TypeName: "Công văn", Number: "112", Symbol: "STTTT-BCVT",
		Subject: "Hướng dẫn triển khai hệ thống quản lý văn bản và điều hành", Issuer: "Sở Thông tin và Truyền thông",
		Body: "Căn cứ Quyết định số 05/QĐ-UBND ngày 10/3/2025; các cơ quan sử dụng KÝ SỐ trên văn bản điện tử.",
	},
	{
		DocID: "d3", AgencyID: agencyB, Direction: search.Outgoing, Status: "issued", TypeCode: "QĐ",
		Date: day(2025, 5, 1), TypeName: "Quyết định", Number: "05", Symbol: "QĐ-UBND",
		Subject: "Về việc sử dụng chữ ký số và điều hành trên môi trường mạng",
		Body:    "Quyết định số 05/QĐ-UBND. Hướng dẫn triển khai.",
	},
	{
		DocID: "d4", AgencyID: agencyA, Direction: search.Outgoing, Status: "issued", TypeCode: "TB",
		Date: day(2024, 12, 20), TypeName: "Thông báo", Number: "31", Symbol: "TB-VP",
		Subject: "Kết luận của Giám đốc tại cuộc họp giao ban",
		Body:    "Giám đốc chỉ đạo điều hành: 100% văn bản đi phải được ký số (chữ ký số chuyên dùng).",
	},
	{
		DocID: "d5", AgencyID: agencyC, Direction: search.Outgoing, Status: "draft", TypeCode: "TTr",
		Date: day(2025, 6, 1), TypeName: "Tờ trình", Subject: "Dự thảo quy chế ký số",
	},
}

func load(t *testing.T, db *store.DB, entries ...search.Entry) {
	t.Helper()
	for _, e := range entries {
		if err := search.Index(context.Background(), db, e); err != nil {
			t.Fatalf("Index(%s): %v", e.DocID, err)
		}
	}
}

func ids(r search.Result) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.DocID
	}
	return out
}

func TestSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		load(t, db, fixture...)
		ctx := context.Background()
		mine := []string{agencyA}
		tests := []struct {
			name string
			q    search.Query
			want []string // in order
			meta int      // how many leading hits are in the metadata tier
		}{
			{"words without diacritics find words with them", search.Query{Text: "ky so"}, []string{"d1", "d2", "d4"}, 1},
			{"words with diacritics", search.Query{Text: "ký số"}, []string{"d1", "d2", "d4"}, 1},
			{"capitals with diacritics", search.Query{Text: "KÝ SỐ"}, []string{"d1", "d2", "d4"}, 1},
			{"decomposed input (NFD)", search.Query{Text: "ky\u0301 so\u0302\u0301"}, []string{"d1", "d2", "d4"}, 1},
			{"d finds đ", search.Query{Text: "dieu hanh"}, []string{"d2", "d1", "d4"}, 1},
			{"đ finds đ", search.Query{Text: "điều hành"}, []string{"d2", "d1", "d4"}, 1},
			{"type name and number", search.Query{Text: "Quyet dinh 05"}, []string{"d1", "d2"}, 1},
			{"a full designation", search.Query{Text: "Quyết định số 05/QĐ-UBND"}, []string{"d1", "d2"}, 1},
			{"a designation as a phrase", search.Query{Text: `"quyet dinh so 05/qd-ubnd"`}, []string{"d1", "d2"}, 1},
			{"symbol alone", search.Query{Text: "QĐ-UBND"}, []string{"d1", "d2"}, 1},
			{"signer", search.Query{Text: "nguyen van an"}, []string{"d1"}, 1},
			{"issuer", search.Query{Text: "uy ban nhan dan"}, []string{"d1"}, 1},
			{"last word is a prefix while typing", search.Query{Text: "huong da"}, []string{"d2"}, 1},
			{"a long prefix", search.Query{Text: "truyen thon"}, []string{"d2"}, 1},
			{"a long prefix of no word", search.Query{Text: "truyen thonx"}, []string{}, 0},
			{"a long prefix ending a designation", search.Query{Text: "05/QĐ-UBN"}, []string{"d1", "d2"}, 1},
			{"prefix in the middle of a phrase word", search.Query{Text: "chuyen du"}, []string{"d1", "d4"}, 1},
			{"a trailing space ends the last word", search.Query{Text: "chuyen du "}, []string{}, 0},
			{"a single letter is not a prefix", search.Query{Text: "ky s"}, []string{}, 0},
			{"quoted phrase keeps the order", search.Query{Text: `"chu ky so"`}, []string{"d1", "d4"}, 1},
			{"quoted phrase in another order", search.Query{Text: `"so ky chu"`}, []string{}, 0},
			{"words in any order", search.Query{Text: "so ky chu"}, []string{"d1", "d4"}, 1},
			{"words only in the body", search.Query{Text: "giam doc chi dao"}, []string{"d4"}, 0},
			{"type filter", search.Query{Text: "ky so", TypeCodes: []string{"QĐ"}}, []string{"d1"}, 1},
			{"several types", search.Query{Text: "ky so", TypeCodes: []string{"CV", "TB"}}, []string{"d2", "d4"}, 0},
			{"direction filter", search.Query{Text: "ky so", Direction: search.Incoming}, []string{"d2"}, 0},
			{"status filter", search.Query{Status: "issued"}, []string{"d1", "d4"}, 0},
			{"from is inclusive", search.Query{Text: "ky so", From: day(2025, 3, 10)}, []string{"d1", "d2"}, 1},
			{"to is exclusive", search.Query{Text: "ky so", To: day(2025, 4, 1)}, []string{"d1", "d4"}, 1},
			{"a date range", search.Query{From: day(2025, 1, 1), To: day(2025, 3, 11)}, []string{"d1"}, 0},
			{"an empty date range", search.Query{From: day(2025, 1, 1), To: day(2025, 1, 1)}, []string{}, 0},
			{"no text lists newest first", search.Query{}, []string{"d2", "d1", "d4"}, 0},
			{"another agency's documents are never found", search.Query{Text: "su dung chu ky so moi truong mang"}, []string{}, 0},
			{"the caller's agencies only", search.Query{Text: "ky so", AgencyIDs: []string{agencyB, agencyC}}, []string{"d5", "d3"}, 2},
			{"no agency sees nothing", search.Query{Text: "ky so", AgencyIDs: []string{}}, []string{}, 0},
			{"blank agency ids see nothing", search.Query{Text: "ky so", AgencyIDs: []string{"", " "}}, []string{}, 0},
			{"all agencies", search.Query{Text: "ky so", AllAgencies: true}, []string{"d5", "d3", "d1", "d2", "d4"}, 3},
			{"all agencies without text", search.Query{AllAgencies: true}, []string{"d5", "d3", "d2", "d1", "d4"}, 0},
			{"all agencies with a filter", search.Query{AllAgencies: true, TypeCodes: []string{"QĐ"}}, []string{"d3", "d1"}, 0},
			{"operators are words", search.Query{Text: "ky OR so NOT chu"}, []string{}, 0},
			{"punctuation separates", search.Query{Text: "(ky)-so*"}, []string{"d1", "d2", "d4"}, 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				q := tt.q
				if q.AgencyIDs == nil && !q.AllAgencies {
					q.AgencyIDs = mine
				}
				res, err := search.Search(ctx, db, q)
				if err != nil {
					t.Fatalf("Search(%+v): %v", q, err)
				}
				if got := ids(res); !slices.Equal(got, tt.want) {
					t.Fatalf("Search(%q) = %v, want %v", q.Text, got, tt.want)
				}
				for i, h := range res.Hits {
					if h.InMetadata != (i < tt.meta) {
						t.Errorf("hit %d (%s): InMetadata = %v, want %v", i, h.DocID, h.InMetadata, i < tt.meta)
					}
					if !q.AllAgencies && !slices.Contains(q.AgencyIDs, h.AgencyID) {
						t.Errorf("hit %s of agency %s is not visible to the caller", h.DocID, h.AgencyID)
					}
				}
				if res.HasMore {
					t.Errorf("HasMore on a complete page")
				}
			})
		}
	})
}

// TestSearchManyPrefixMatches: a prefix shared by more tokens than are
// expanded falls back to FTS5's own prefix search, with the same result.
func TestSearchManyPrefixMatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var want []string
		for i := range 40 {
			e := search.Entry{DocID: fmt.Sprintf("n%02d", i), AgencyID: agencyA, Direction: search.Incoming, Status: "received",
				TypeCode: "BC", Date: day(2024, 1, 1).AddDate(0, 0, i), Subject: "Báo cáo", Body: fmt.Sprintf("mã hồ sơ 7000%02d", i)}
			load(t, db, e)
			want = append([]string{e.DocID}, want...)
		}
		for _, text := range []string{"ma ho so 7000", "ma ho so 70001"} {
			res, err := search.Search(context.Background(), db, search.Query{Text: text, AgencyIDs: []string{agencyA}, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			w := want
			if text == "ma ho so 70001" {
				w = nil
				for _, id := range want {
					if strings.HasPrefix(id, "n1") {
						w = append(w, id)
					}
				}
			}
			if got := ids(res); !slices.Equal(got, w) {
				t.Errorf("Search(%q) = %v, want %v", text, got, w)
			}
		}
	})
}

func TestOptimize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// One transaction per document, as the documents package indexes:
		// one FTS5 segment each, for Optimize to merge.
		load(t, db, fixture...)
		before, err := search.Search(ctx, db, search.Query{Text: "ky so", AllAgencies: true})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second finds nothing to do
			if err := search.Optimize(ctx, db); err != nil {
				t.Fatalf("Optimize: %v", err)
			}
		}
		after, err := search.Search(ctx, db, search.Query{Text: "ky so", AllAgencies: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(before), ids(after)) {
			t.Errorf("after Optimize: %v, before: %v", ids(after), ids(before))
		}
		// Indexing and removing still work on the merged index.
		if err := search.Remove(ctx, db, "d1"); err != nil {
			t.Fatal(err)
		}
		load(t, db, fixture[0])
	})
}

func TestSearchHitFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		load(t, db, fixture...)
		res, err := search.Search(context.Background(), db, search.Query{Text: "quyet dinh 05", AgencyIDs: []string{agencyA}})
		if err != nil || len(res.Hits) == 0 {
			t.Fatalf("Search: %v, %v", res, err)
		}
		h := res.Hits[0]
		if h.DocID != "d1" || h.AgencyID != agencyA || !h.Date.Equal(day(2025, 3, 10)) || !h.InMetadata {
			t.Errorf("hit = %+v", h)
		}
	})
}

// TestSearchManyAgencies checks visibility when the agency set is too large
// for FTS5 tags and is checked row by row instead.
func TestSearchManyAgencies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		load(t, db, fixture...)
		many := []string{agencyA}
		for i := range 3000 {
			many = append(many, fmt.Sprintf("0197a000-0000-7000-8000-%012d", 1000+i))
		}
		for _, text := range []string{"ky so", ""} {
			res, err := search.Search(context.Background(), db, search.Query{Text: text, AgencyIDs: many})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"d1", "d2", "d4"}
			if text == "" {
				want = []string{"d2", "d1", "d4"}
			}
			if got := ids(res); !slices.Equal(got, want) {
				t.Errorf("Search(%q) with %d agencies = %v, want %v", text, len(many), got, want)
			}
		}
	})
}

func TestSearchPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// 7 documents with the words in the subject, 6 with them in the body
		// only, on distinct dates, so that pages cross the tiers.
		var want []string
		for i := range 13 {
			e := search.Entry{
				DocID: fmt.Sprintf("p%02d", i), AgencyID: agencyA, Direction: search.Outgoing, Status: "issued",
				TypeCode: "CV", Date: day(2025, 1, 1).AddDate(0, 0, i), Subject: "Báo cáo tình hình",
			}
			if i%2 == 0 {
				e.Subject = "Báo cáo chuyển đổi số"
			} else {
				e.Body = "Nội dung về chuyển đổi số."
			}
			load(t, db, e)
		}
		for i := 12; i >= 0; i -= 2 {
			want = append(want, fmt.Sprintf("p%02d", i))
		}
		for i := 11; i >= 0; i -= 2 {
			want = append(want, fmt.Sprintf("p%02d", i))
		}
		for _, limit := range []int{1, 2, 3, 5, 7, 13, 20} {
			var got []string
			for offset := 0; ; offset += limit {
				res, err := search.Search(ctx, db, search.Query{Text: "chuyen doi so", AgencyIDs: []string{agencyA}, Limit: limit, Offset: offset})
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ids(res)...)
				if wantMore := offset+limit < len(want); res.HasMore != wantMore {
					t.Fatalf("limit %d offset %d: HasMore = %v, want %v", limit, offset, res.HasMore, wantMore)
				}
				if !res.HasMore {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("pages of %d = %v, want %v", limit, got, want)
			}
		}
	})
}

func TestReindexReplaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		load(t, db, fixture...)
		find := func(q search.Query) []string {
			t.Helper()
			if q.AgencyIDs == nil {
				q.AgencyIDs = []string{agencyA}
			}
			res, err := search.Search(ctx, db, q)
			if err != nil {
				t.Fatal(err)
			}
			return ids(res)
		}
		e := fixture[0]
		e.Subject = "Về việc tổ chức hội nghị trực tuyến"
		e.Body = ""
		e.Status = "archived"
		e.Date = day(2023, 7, 1)
		load(t, db, e)
		if got := find(search.Query{Text: "hoi nghi truc tuyen"}); !slices.Equal(got, []string{"d1"}) {
			t.Errorf("new subject: %v, want [d1]", got)
		}
		if got := find(search.Query{Text: "ky so"}); slices.Contains(got, "d1") {
			t.Errorf("old subject still found: %v", got)
		}
		if got := find(search.Query{Status: "issued"}); slices.Contains(got, "d1") {
			t.Errorf("old status still found: %v", got)
		}
		if got := find(search.Query{}); !slices.Equal(got, []string{"d2", "d4", "d1"}) {
			t.Errorf("new date: %v, want d1 last", got)
		}
		// Moving the document to another agency moves its visibility.
		e.AgencyID = agencyB
		load(t, db, e)
		if got := find(search.Query{Text: "hoi nghi"}); len(got) != 0 {
			t.Errorf("document moved to another agency is still visible: %v", got)
		}
		if got := find(search.Query{Text: "hoi nghi", AgencyIDs: []string{agencyB}}); !slices.Equal(got, []string{"d1"}) {
			t.Errorf("moved document: %v, want [d1]", got)
		}
		// Indexing the same entry again is idempotent.
		load(t, db, e, e)
		if got := find(search.Query{AllAgencies: true}); len(got) != len(fixture) {
			t.Errorf("after re-indexing: %d entries, want %d", len(got), len(fixture))
		}
	})
}

func TestRemove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		load(t, db, fixture...)
		if err := search.Remove(ctx, db, "d1"); err != nil {
			t.Fatal(err)
		}
		if err := search.Remove(ctx, db, "d1"); err != nil {
			t.Fatalf("removing again: %v", err)
		}
		if err := search.Remove(ctx, db, "never-indexed"); err != nil {
			t.Fatalf("removing an unknown document: %v", err)
		}
		for _, q := range []search.Query{{Text: "ky so", AllAgencies: true}, {AllAgencies: true}} {
			res, err := search.Search(ctx, db, q)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(ids(res), "d1") {
				t.Errorf("Search(%q) after Remove still finds d1", q.Text)
			}
		}
		// The same id can be indexed again.
		load(t, db, fixture[0])
		res, _ := search.Search(ctx, db, search.Query{Text: "quyet dinh 05", AgencyIDs: []string{agencyA}})
		if got := ids(res); !slices.Equal(got, []string{"d1", "d2"}) {
			t.Errorf("after re-adding: %v", got)
		}
	})
}

// TestIndexJoinsTransaction: the documents package indexes inside its own
// transaction; a rollback must take the entry with it.
func TestIndexJoinsTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := search.Index(ctx, tx, fixture[0]); err != nil {
				return err
			}
			res, err := search.Search(ctx, tx, search.Query{Text: "ky so", AgencyIDs: []string{agencyA}})
			if err != nil || len(res.Hits) != 1 {
				t.Errorf("inside the transaction: %v, %v", res, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		res, err := search.Search(ctx, db, search.Query{AllAgencies: true})
		if err != nil || len(res.Hits) != 0 {
			t.Fatalf("after rollback: %v, %v; want nothing", ids(res), err)
		}
	})
}

// TestHostileQueries: whatever the user types gives results or an
// ErrInvalidQuery, never a database error.
func TestHostileQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		load(t, db, fixture...)
		inputs := []string{
			`"`, `""`, `"""`, `"ky so`, `ky "so`, `*`, `**`, `ky*`, `*ky`, `^ky`, `ky:so`, `meta:ky`, `{meta}: ky`, `{tags} : a`,
			`NEAR(ky so)`, `NEAR(ky so, 2)`, `ky NEAR so`, `OR`, `AND`, `NOT`, `ky OR`, `OR ky`, `NOT ky`, `ky AND NOT so`,
			`-ky`, `ky -so`, `--`, `(`, `)`, `(ky`, `ky)`, `((((ky))))`, `[ky]`, `+ky`, `ky^2`, `ky~`, `'`, `''`, `ky's`,
			`'; DROP TABLE doc_search; --`, `" OR 1=1 --`, `ky' OR '1'='1`, `$1`, `?`, `??`, `\`, `\'`, `%`, `_`, `ky%so`,
			`& | ! <-> :*`, `ky <-> so`, `ky & so`, `ky | so`, `!ky`, `ky:*`, `'ky':*A`, `ky:A`, `\x00`, "ky\x00so", "\xff\xfe",
			"ky\u200bso", "ℌ𝔢𝔩𝔩𝔬", "日本語", "🙂 ký số 🙂", strings.Repeat("a", 64) + "b", strings.Repeat("ký ", search.MaxQueryTerms+1), manyWords(search.MaxQueryTerms + 1),
			strings.Repeat("đ", 256), strings.Repeat("x", 10000), strings.Repeat("ky so ", 100), strings.Repeat(`"`, 200),
			strings.Repeat("(", 200), "a1b2c3 ", "0", "05/", "/", "...",
		}
		for _, in := range inputs {
			for _, all := range []bool{false, true} {
				q := search.Query{Text: in, AgencyIDs: []string{agencyA}, AllAgencies: all, TypeCodes: []string{in, "QĐ"}, Status: in}
				_, err := search.Search(context.Background(), db, q)
				if err != nil && !errors.Is(err, search.ErrInvalidQuery) {
					t.Errorf("Search(%q): %v, want results or ErrInvalidQuery", in, err)
				}
				q = search.Query{Text: in, AgencyIDs: []string{in, agencyA}}
				if _, err := search.Search(context.Background(), db, q); err != nil && !errors.Is(err, search.ErrInvalidQuery) {
					t.Errorf("Search(%q) as an agency id: %v", in, err)
				}
			}
		}
	})
}

func manyWords(n int) string {
	var w []string
	for i := range n {
		w = append(w, fmt.Sprintf("w%d", i))
	}
	return strings.Join(w, " ")
}

func TestInvalidQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tests := []struct {
			name string
			q    search.Query
			want string
		}{
			{"too long", search.Query{Text: strings.Repeat("a", search.MaxQueryRunes+1)}, "longer than"},
			{"too many words", search.Query{Text: manyWords(search.MaxQueryTerms + 1)}, "more than"},
			{"nothing searchable", search.Query{Text: "*** --"}, "no letters or digits"},
			{"negative limit", search.Query{Limit: -1}, "page size"},
			{"huge limit", search.Query{Limit: search.MaxLimit + 1}, "page size"},
			{"deep offset", search.Query{Offset: search.MaxOffset + 1}, "offset"},
			{"bad direction", search.Query{Direction: "sideways"}, "direction"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.q.AgencyIDs = []string{agencyA}
				_, err := search.Search(context.Background(), db, tt.q)
				if !errors.Is(err, search.ErrInvalidQuery) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("Search: %v, want ErrInvalidQuery saying %q", err, tt.want)
				}
			})
		}
	})
}

func TestInvalidEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ok := fixture[0]
		tests := []struct {
			name   string
			modify func(*search.Entry)
		}{
			{"no document id", func(e *search.Entry) { e.DocID = " " }},
			{"long document id", func(e *search.Entry) { e.DocID = strings.Repeat("x", 200) }},
			{"no agency", func(e *search.Entry) { e.AgencyID = "" }},
			{"unknown direction", func(e *search.Entry) { e.Direction = "up" }},
			{"no date", func(e *search.Entry) { e.Date = time.Time{} }},
			{"date out of range", func(e *search.Entry) { e.Date = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
			{"huge subject", func(e *search.Entry) { e.Subject = strings.Repeat("ký số ", 10000) }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := ok
				tt.modify(&e)
				if err := search.Index(context.Background(), db, e); !errors.Is(err, search.ErrInvalidEntry) {
					t.Errorf("Index: %v, want ErrInvalidEntry", err)
				}
			})
		}
	})
}

// TestLongBodyAndOldDates: a body at the size limit, with words beyond
// PostgreSQL's last tsvector position, and documents from before 1970.
func TestLongBodyAndOldDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var b strings.Builder
		for i := 0; b.Len() < search.MaxBodyBytes; i++ {
			fmt.Fprintf(&b, "đoạn %d văn bản số hóa lưu trữ ", i)
		}
		b.WriteString("từ cuối cùng không được lập chỉ mục")
		long := search.Entry{DocID: "long", AgencyID: agencyA, Direction: search.Incoming, Status: "archived", TypeCode: "CV",
			Date: day(1946, 1, 6), Subject: "Hồ sơ lưu trữ", Body: b.String()}
		old := search.Entry{DocID: "old", AgencyID: agencyA, Direction: search.Incoming, Status: "archived", TypeCode: "SL",
			Date: time.Date(1945, 9, 2, 14, 0, 0, 0, time.UTC), TypeName: "Sắc lệnh", Number: "1", Subject: "Tuyên ngôn độc lập"}
		load(t, db, long, old)
		for _, tt := range []struct {
			q    search.Query
			want []string
		}{
			{search.Query{Text: "doan 12345 van ban"}, []string{"long"}},
			{search.Query{Text: "luu tru"}, []string{"long"}},
			{search.Query{Text: "khong duoc lap chi muc"}, []string{}},
			{search.Query{Text: "doc lap", To: day(1946, 1, 1)}, []string{"old"}},
			{search.Query{From: day(1945, 9, 2), To: day(1945, 9, 3)}, []string{"old"}},
			{search.Query{From: time.Date(1945, 9, 2, 14, 0, 0, 1000, time.UTC)}, []string{"long"}},
			{search.Query{From: time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(50000, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"long", "old"}},
		} {
			tt.q.AgencyIDs = []string{agencyA}
			res, err := search.Search(ctx, db, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(res); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%+v) = %v, want %v", tt.q, got, tt.want)
			}
		}
	})
}

// FuzzSearchText: whatever the text, Search gives results or
// ErrInvalidQuery, never an SQL or FTS5 syntax error, on either engine.
func FuzzSearchText(f *testing.F) {
	for _, s := range []string{"ky so", `"chu ky" so*`, "NEAR(a b)", `{meta}: x`, "a -b", "x' OR 1=1 --", "05/QĐ-UBND", "đ"} {
		f.Add(s)
	}
	var dbs []*store.DB
	for _, d := range storetest.Engines {
		if d == store.Postgres && os.Getenv("KYSO_TEST_DATABASE_URL") == "off" {
			continue
		}
		db := storetest.Open(f, d)
		for _, e := range fixture {
			if err := search.Index(context.Background(), db, e); err != nil {
				f.Fatal(err)
			}
		}
		dbs = append(dbs, db)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, db := range dbs {
			for _, q := range []search.Query{{Text: text, AgencyIDs: []string{agencyA}}, {Text: text, AllAgencies: true, TypeCodes: []string{"QĐ"}}} {
				res, err := search.Search(context.Background(), db, q)
				if err != nil && !errors.Is(err, search.ErrInvalidQuery) {
					t.Fatalf("%s: Search(%q): %v", db.Dialect(), text, err)
				}
				for _, h := range res.Hits {
					if !q.AllAgencies && h.AgencyID != agencyA {
						t.Fatalf("%s: Search(%q) returned %s of agency %s", db.Dialect(), text, h.DocID, h.AgencyID)
					}
				}
			}
		}
	})
}
