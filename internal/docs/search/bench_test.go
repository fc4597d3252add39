package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/docs/search"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// BenchmarkSearch1M loads a million synthetic documents (KYSO_BENCH_N to
// change the count) into each engine and measures the insert rate and the
// latency of a mix of searches. Loading takes minutes, so it runs only with
// KYSO_BENCH_1M=1, and once per engine:
//
//	KYSO_BENCH_1M=1 go test -run '^$' -bench BenchmarkSearch1M -benchtime 1x -timeout 3h ./internal/docs/search/
func BenchmarkSearch1M(b *testing.B) {
	if os.Getenv("KYSO_BENCH_1M") != "1" {
		b.Skip("set KYSO_BENCH_1M=1 to load a million documents (several minutes per engine)")
	}
	n := 1_000_000
	if s := os.Getenv("KYSO_BENCH_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatalf("KYSO_BENCH_N=%q: %v", s, err)
		}
	}
	for _, d := range storetest.Engines {
		b.Run(d.String(), func(b *testing.B) {
			db := storetest.Open(b, d)
			ctx := context.Background()
			gen := newCorpus(1)
			start := time.Now()
			const batch = 2000
			for i := 0; i < n; i += batch {
				err := db.InTx(ctx, func(tx *store.Tx) error {
					for j := i; j < min(i+batch, n); j++ {
						if err := search.Index(ctx, tx, gen.entry(j)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if (i+batch)%200_000 == 0 {
					fmt.Fprintf(os.Stderr, "%s: %d documents, %.0f/s\n", d, i+batch, float64(i+batch)/time.Since(start).Seconds())
				}
			}
			load := time.Since(start)
			if d == store.Postgres {
				// What autovacuum does after a bulk load; without statistics
				// the planner guesses the selectivity of every filter.
				if _, err := db.ExecContext(ctx, "ANALYZE doc_search"); err != nil {
					b.Fatal(err)
				}
			}
			queries := gen.queries(400)
			b.ResetTimer()
			fresh := measure(b, d, db, queries, "as loaded")
			t0 := time.Now()
			if err := search.Optimize(ctx, db); err != nil {
				b.Fatal(err)
			}
			optimize := time.Since(t0)
			optimized := measure(b, d, db, queries, "optimized")
			b.StopTimer()
			// Reported last: ResetTimer drops metrics reported before it.
			b.ReportMetric(float64(n)/load.Seconds(), "docs/s")
			if d == store.SQLite {
				if fi, err := os.Stat(sqlitePath(b, db)); err == nil {
					b.ReportMetric(float64(fi.Size())/(1<<20), "db-MB")
				}
			}
			b.ReportMetric(ms(percentile(fresh, 50)), "loaded-p50-ms")
			b.ReportMetric(ms(percentile(fresh, 99)), "loaded-p99-ms")
			b.ReportMetric(optimize.Seconds(), "optimize-s")
			b.ReportMetric(ms(percentile(optimized, 50)), "p50-ms")
			b.ReportMetric(ms(percentile(optimized, 99)), "p99-ms")
			b.ReportMetric(ms(slices.Max(optimized)), "max-ms")
		})
	}
}

// measure runs the queries b.N times, after a warm-up round (the first
// queries read the index from disk), logs the latencies by kind of query
// and returns them all.
func measure(b *testing.B, d store.Dialect, db *store.DB, queries []benchQuery, label string) []time.Duration {
	ctx := context.Background()
	for _, q := range queries {
		if _, err := search.Search(ctx, db, q.q); err != nil {
			b.Fatalf("%s %q: %v", q.kind, q.q.Text, err)
		}
	}
	var all []time.Duration
	byKind := map[string][]time.Duration{}
	hits := map[string]int{}
	for range b.N {
		for _, q := range queries {
			t0 := time.Now()
			res, err := search.Search(ctx, db, q.q)
			el := time.Since(t0)
			if err != nil {
				b.Fatalf("%s %q: %v", q.kind, q.q.Text, err)
			}
			all = append(all, el)
			byKind[q.kind] = append(byKind[q.kind], el)
			hits[q.kind] += len(res.Hits)
		}
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	// To stderr: the testing package keeps only ten lines of a
	// benchmark's log.
	fmt.Fprintf(os.Stderr, "%s, %s: p50=%.2fms p99=%.2fms max=%.2fms\n", d, label, ms(percentile(all, 50)), ms(percentile(all, 99)), ms(slices.Max(all)))
	for _, k := range kinds {
		ds := byKind[k]
		fmt.Fprintf(os.Stderr, "  %-15s n=%4d p50=%7.2fms p99=%7.2fms max=%7.2fms hits/query=%.1f\n",
			k, len(ds), ms(percentile(ds, 50)), ms(percentile(ds, 99)), ms(slices.Max(ds)), float64(hits[k])/float64(len(ds)))
	}
	return all
}

// sqlitePath finds the SQLite file of db, for its size.
func sqlitePath(b *testing.B, db *store.DB) string {
	var file string
	if err := db.QueryRowContext(context.Background(), "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file); err != nil {
		b.Fatal(err)
	}
	return file
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// corpus generates realistic document records: agencies of very different
// sizes (a province's offices, departments and communes), the usual document
// types in their usual proportions, subjects and bodies assembled from the
// words of real administrative documents, dates over five years.
type corpus struct {
	seed     uint64
	agencies []benchAgency
	weights  []float64 // cumulative, for agency choice
}

type benchAgency struct {
	id, abbr, name string
}

type docType struct {
	code, name string
	weight     int
}

var docTypes = []docType{
	{"CV", "Công văn", 40}, {"QĐ", "Quyết định", 15}, {"TB", "Thông báo", 10}, {"KH", "Kế hoạch", 8},
	{"BC", "Báo cáo", 10}, {"TTr", "Tờ trình", 5}, {"GM", "Giấy mời", 6}, {"CT", "Chỉ thị", 1},
	{"NQ", "Nghị quyết", 1}, {"HD", "Hướng dẫn", 4},
}

// Phrases of subjects ("trích yếu") and bodies of real documents.
var (
	subjectHeads = []string{"Về việc", "V/v", "Về việc triển khai", "Về việc phê duyệt", "Về việc tăng cường", "Về việc hướng dẫn",
		"Về việc báo cáo", "Về việc tổ chức", "Về việc ban hành", "Về việc đôn đốc", "Về việc góp ý", "Về việc cử cán bộ tham dự"}
	subjectTopics = []string{
		"ứng dụng chữ ký số chuyên dùng Chính phủ", "chuyển đổi số", "cải cách hành chính", "kế hoạch phát triển kinh tế - xã hội",
		"công tác phòng, chống thiên tai", "quản lý văn bản và điều hành", "cấp chứng thư số", "thu hồi chứng thư số",
		"triển khai Chỉ thị số 02/CT-TTg", "phòng cháy chữa cháy", "an toàn thông tin mạng", "dịch vụ công trực tuyến",
		"bồi thường, hỗ trợ, tái định cư", "đầu tư xây dựng công trình", "quyết toán ngân sách", "thi đua khen thưởng",
		"tuyển dụng công chức", "đào tạo, bồi dưỡng cán bộ", "phòng, chống tham nhũng", "tiếp công dân", "giải quyết khiếu nại, tố cáo",
		"xây dựng nông thôn mới", "bảo vệ môi trường", "quản lý đất đai", "cấp giấy chứng nhận quyền sử dụng đất", "giáo dục và đào tạo",
		"y tế dự phòng", "bảo hiểm xã hội", "an toàn giao thông", "hội nghị giao ban", "lấy ý kiến dự thảo", "kiểm tra, giám sát",
		"hệ thống thông tin báo cáo", "trục liên thông văn bản quốc gia", "phòng họp không giấy tờ", "lưu trữ hồ sơ điện tử",
	}
	subjectTails = []string{"", "", "", "năm 2024", "năm 2025", "6 tháng đầu năm", "quý III", "trên địa bàn tỉnh", "giai đoạn 2021-2025",
		"tại các cơ quan nhà nước", "của Ủy ban nhân dân tỉnh", "trong năm 2023", "đợt 2"}
	bodyWords = strings.Fields(`căn cứ luật tổ chức chính quyền địa phương ngày tháng năm nghị định số của chính phủ quy định
		về công tác văn thư theo đề nghị của giám đốc sở thông tin và truyền thông ủy ban nhân dân tỉnh quyết định điều
		ban hành kèm theo quyết định này quy chế các cơ quan đơn vị có trách nhiệm tổ chức thực hiện chánh văn phòng
		thủ trưởng chủ tịch ủy ban nhân dân các huyện thành phố chịu trách nhiệm thi hành nơi nhận như điều lưu vt
		đề nghị các đơn vị khẩn trương báo cáo kết quả trước ngày gửi về văn phòng để tổng hợp trình lãnh đạo xem xét
		chỉ đạo thực hiện nghiêm túc đúng quy định hiệu quả tiết kiệm kinh phí từ nguồn ngân sách nhà nước`)
	places = strings.Fields(`Hà_Giang Lào_Cai Điện_Biên Sơn_La Yên_Bái Tuyên_Quang Thái_Nguyên Bắc_Kạn Cao_Bằng Lạng_Sơn
		Quảng_Ninh Hải_Phòng Nam_Định Ninh_Bình Thanh_Hóa Nghệ_An Hà_Tĩnh Quảng_Bình Quảng_Trị Huế Đà_Nẵng Quảng_Nam
		Quảng_Ngãi Bình_Định Phú_Yên Khánh_Hòa Gia_Lai Đắk_Lắk Lâm_Đồng Cần_Thơ Cà_Mau Kiên_Giang An_Giang Đồng_Tháp`)
	signers = []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức", "Vũ Thị Hà",
		"Đặng Văn Hùng", "Bùi Thị Lan", "Đỗ Văn Minh", "Ngô Thị Nga", "Dương Văn Phúc", "Lý Thị Quyên"}
	statuses = []string{"issued", "issued", "issued", "issued", "received", "received", "draft", "archived"}
)

const benchAgencies = 300

func newCorpus(seed uint64) *corpus {
	c := &corpus{seed: seed}
	rng := rand.New(rand.NewPCG(seed, 0))
	sum := 0.0
	for i := range benchAgencies {
		c.agencies = append(c.agencies, benchAgency{
			id:   fmt.Sprintf("0197b000-0000-7000-8000-%012d", i),
			abbr: fmt.Sprintf("UB%d", i),
			name: "Ủy ban nhân dân xã " + strings.ReplaceAll(places[rng.IntN(len(places))], "_", " "),
		})
		// Zipf-like sizes: the provincial office issues hundreds of times
		// more documents than a commune.
		sum += 1 / float64(i+1)
		c.weights = append(c.weights, sum)
	}
	for i := range c.weights {
		c.weights[i] /= sum
	}
	return c
}

var benchStart = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

// entry returns document i; the same i always gives the same document.
func (c *corpus) entry(i int) search.Entry {
	rng := rand.New(rand.NewPCG(c.seed, uint64(i)+1))
	ag := c.agencies[c.pickAgency(rng.Float64())]
	t := pickType(rng.IntN(100))
	subject := subjectHeads[rng.IntN(len(subjectHeads))] + " " + subjectTopics[rng.IntN(len(subjectTopics))]
	if rng.IntN(3) == 0 {
		subject += " và " + subjectTopics[rng.IntN(len(subjectTopics))]
	}
	subject += " " + subjectTails[rng.IntN(len(subjectTails))]
	var body strings.Builder
	for k := range 40 + rng.IntN(80) {
		if k > 0 {
			body.WriteByte(' ')
		}
		switch r := rng.IntN(100); {
		case r < 3:
			body.WriteString(strings.ReplaceAll(places[rng.IntN(len(places))], "_", " "))
		case r < 5:
			body.WriteString(strconv.Itoa(rng.IntN(100000))) // amounts, numbers: rare tokens
		default:
			body.WriteString(bodyWords[rng.IntN(len(bodyWords))])
		}
	}
	dir := search.Outgoing
	if rng.IntN(10) < 4 {
		dir = search.Incoming
	}
	return search.Entry{
		DocID:     fmt.Sprintf("0197c000-0000-7000-8000-%012d", i),
		AgencyID:  ag.id,
		Direction: dir,
		Status:    statuses[rng.IntN(len(statuses))],
		TypeCode:  t.code,
		TypeName:  t.name,
		Date:      benchStart.Add(time.Duration(rng.Int64N(int64(5*365*24*time.Hour))) / (24 * time.Hour) * (24 * time.Hour)),
		Number:    strconv.Itoa(1 + rng.IntN(3000)),
		Symbol:    t.code + "-" + ag.abbr,
		Subject:   subject,
		Issuer:    ag.name,
		Signer:    signers[rng.IntN(len(signers))],
		Body:      body.String(),
	}
}

func (c *corpus) pickAgency(u float64) int {
	i, _ := slices.BinarySearch(c.weights, u)
	return min(i, len(c.weights)-1)
}

func pickType(r int) docType {
	for _, t := range docTypes {
		if r < t.weight {
			return t
		}
		r -= t.weight
	}
	return docTypes[0]
}

type benchQuery struct {
	kind string
	q    search.Query
}

// queries returns a reproducible mix of what users search for, each with
// the visibility of a typical caller: one agency (most users), a district's
// ten agencies, or all of them (the province's inspectors).
func (c *corpus) queries(n int) []benchQuery {
	rng := rand.New(rand.NewPCG(c.seed+1, 0))
	texts := map[string][]string{
		"common-words":  {"ky so", "van ban", "ke hoach", "quyết định", "chuyển đổi số", "cai cach hanh chinh", "bao cao"},
		"rare-words":    {"Điện Biên 4711", "quyen su dung dat Ca Mau", "khiếu nại tố cáo Lạng Sơn", "12345", "hoi nghi giao ban Hue"},
		"typing-prefix": {"chuyen doi s", "huong da", "phong chong thie", "chu ky so chuyen du", "quyet dinh 1"},
		"phrase":        {`"chữ ký số chuyên dùng"`, `"an toàn thông tin"`, `"quyet dinh so 15"`},
		"designation":   {"Quyết định số 15/QĐ-UB0", "cong van 120/CV-UB3", "QĐ-UB1"},
		"no-match":      {"xyzzy", "ky so xyzzy"},
	}
	kinds := []string{"common-words", "rare-words", "typing-prefix", "phrase", "designation", "no-match", "filters-only", "common+filters"}
	var out []benchQuery
	for i := range n {
		kind := kinds[i%len(kinds)]
		var q search.Query
		switch kind {
		case "filters-only":
			q.TypeCodes = []string{docTypes[rng.IntN(len(docTypes))].code}
			q.From = benchStart.AddDate(rng.IntN(5), 0, 0)
			q.To = q.From.AddDate(0, 3, 0)
		case "common+filters":
			q.Text = texts["common-words"][rng.IntN(len(texts["common-words"]))]
			q.TypeCodes = []string{"QĐ", "CV"}
			q.Direction = search.Incoming
			q.From = benchStart.AddDate(rng.IntN(5), 0, 0)
			q.To = q.From.AddDate(1, 0, 0)
		default:
			q.Text = texts[kind][rng.IntN(len(texts[kind]))]
		}
		switch v := rng.IntN(10); {
		case v < 6: // one agency, usually a small one
			q.AgencyIDs = []string{c.agencies[c.pickAgency(rng.Float64())].id}
		case v < 9: // a district: ten agencies
			base := rng.IntN(benchAgencies - 10)
			for k := range 10 {
				q.AgencyIDs = append(q.AgencyIDs, c.agencies[base+k].id)
			}
		default:
			q.AllAgencies = true
		}
		out = append(out, benchQuery{kind: kind, q: q})
	}
	return out
}
