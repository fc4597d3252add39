package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/auth"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/testpdf"
)

// signingCertificates gives the leader of Sở TT&TT a personal certificate
// and the agency an organization certificate, with keys kyso holds: what
// the leader's signature and the clerk's issue need. The certificates name
// the fixture's server for their CRLs, so validation can follow them.
func (f *fixture) signingCertificates(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	sys := org.SystemActor("test")
	leader := f.users["giamdoc.stttt"]
	if _, err := f.app.PKI.Issue(ctx, sys, pki.IssueRequest{Profile: pki.ProfilePersonal, ServerKey: true, KeyAlgorithm: "ecdsa-p256", UserID: leader.ID, AgencyID: leader.AgencyID,
		Subject: pki.Subject{CommonName: leader.FullName, Organization: "Sở Thông tin và Truyền thông"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.PKI.Issue(ctx, sys, pki.IssueRequest{Profile: pki.ProfileOrganization, ServerKey: true, KeyAlgorithm: "ecdsa-p256", AgencyID: leader.AgencyID,
		Subject: pki.Subject{CommonName: "Sở Thông tin và Truyền thông", Organization: "Sở Thông tin và Truyền thông", AgencyCode: "000.00.31.H56"}}); err != nil {
		t.Fatal(err)
	}
}

// manyLogins lifts the login rate limit (10 a minute from one address):
// these tests log every demo user in, several times, from 127.0.0.1.
func (f *fixture) manyLogins() {
	f.app.Auth = auth.New(f.app.DB, f.app.Org, auth.WithLoginRate(1000, time.Millisecond))
}

// draftPDF is a two-page decision written by Ghostscript.
func draftPDF(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(testpdf.Ghostscript(t, t.TempDir(), "QUYET DINH ve viec ban hanh quy che", "Trang 2"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// multipart posts fields and a file as a form (the API's uploads, and the
// pages' when csrf_token is among the fields).
func (c *client) multipart(t testing.TB, path, fileName string, file []byte, fields url.Values) (*http.Response, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", fileName)
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	hdr := map[string]string{"Content-Type": mw.FormDataContentType()}
	if fields.Get("csrf_token") == "" {
		hdr["X-CSRF-Token"] = c.csrf
	}
	return c.do("POST", path, body.Bytes(), hdr)
}

// step posts a workflow step to the API and returns the document after it.
func (c *client) step(t testing.TB, id, name string, body any, want int) map[string]any {
	t.Helper()
	res, out := c.do("POST", "/api/v1/documents/"+id+"/"+name, body, map[string]string{"X-CSRF-Token": c.csrf})
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d\n%s", name, id, res.StatusCode, want, out)
	}
	var doc map[string]any
	_ = json.Unmarshal(out, &doc)
	return doc
}

func (c *client) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	res, out := c.do("GET", path, nil, nil)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, out)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, out)
	}
}

// TestDocumentFlowThroughTheAPI walks a decision of Sở TT&TT from draft to
// issue and, at Sở Nội vụ, from arrival to completion, over HTTP with each
// demo user's session; checks who may do what at each step (the table);
// validates the issued file (the leader's and the agency's signatures, both
// TOTAL-PASSED); and reads the recipient's progress on the sender's page.
func TestDocumentFlowThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.manyLogins()
		f.signingCertificates(t)
		pdf := draftPDF(t)
		snv := f.users["vanthu.snv"].AgencyID
		spec, reviewer, leader, clerk := f.login("chuyenvien.stttt"), f.login("chungthu.stttt"), f.login("giamdoc.stttt"), f.login("vanthu.stttt")

		res, out := spec.multipart(t, "/api/v1/documents", "du-thao.pdf", pdf, url.Values{"type_code": {"quyet_dinh"},
			"subject": {"Quyết định ban hành quy chế sử dụng chữ ký số"}, "signer_id": {f.users["giamdoc.stttt"].ID}, "recipient_ids": {snv}})
		if res.StatusCode != 201 {
			t.Fatalf("create: %d %s", res.StatusCode, out)
		}
		var doc struct {
			ID, Status string
			TypeName   string `json:"type_name"`
		}
		_ = json.Unmarshal(out, &doc)
		if doc.Status != "draft" || doc.TypeName != "Quyết định" {
			t.Fatalf("draft: %s", out)
		}
		id := doc.ID

		// A review round that returns it, a revision, a round that approves.
		spec.step(t, id, "submit", map[string]any{"reviewer_ids": []string{f.users["chungthu.stttt"].ID}}, 200)
		reviewer.step(t, id, "review", map[string]any{"approve": false}, 400)
		if d := reviewer.step(t, id, "review", map[string]any{"approve": false, "comment": "Bổ sung căn cứ pháp lý"}, 200); d["status"] != "returned" {
			t.Fatalf("after the return: %v", d["status"])
		}
		res, out = spec.multipart(t, "/api/v1/documents/"+id+"/revise", "du-thao-2.pdf", pdf, nil)
		if res.StatusCode != 200 || !strings.Contains(string(out), `"status": "draft"`) {
			t.Fatalf("revise: %d %s", res.StatusCode, out)
		}
		spec.step(t, id, "submit", map[string]any{"reviewer_ids": []string{f.users["chungthu.stttt"].ID}}, 200)
		if d := reviewer.step(t, id, "review", map[string]any{"approve": true, "comment": "Đồng ý"}, 200); d["status"] != "approved" {
			t.Fatalf("after the approval: %v", d["status"])
		}

		f.run(t, []scenario{
			{name: "a specialist cannot sign", as: "chuyenvien.stttt", method: "POST", path: "/api/v1/documents/" + id + "/sign", csrf: true, status: 403},
			{name: "a specialist cannot issue", as: "chuyenvien.stttt", method: "POST", path: "/api/v1/documents/" + id + "/issue", csrf: true, body: `{}`, status: 403},
			{name: "a specialist's signing form is refused too", as: "chuyenvien.stttt", method: "POST", path: "/documents/" + id + "/sign", csrf: true, body: url.Values{}, status: 403},
			{name: "the clerk cannot sign for the leader", as: "vanthu.stttt", method: "POST", path: "/api/v1/documents/" + id + "/sign", csrf: true, status: 403},
			{name: "nothing is issued before the signature", as: "vanthu.stttt", method: "POST", path: "/api/v1/documents/" + id + "/issue", csrf: true, status: 409, contains: []string{"conflict"}},
			{name: "another agency gets 404 for the document", as: "vanthu.snv", method: "GET", path: "/api/v1/documents/" + id, status: 404, absent: []string{"quy chế"}},
			{name: "another agency gets 404 for its file", as: "vanthu.snv", method: "GET", path: "/api/v1/documents/" + id + "/file", status: 404},
			{name: "another agency gets 404 for its page", as: "vanthu.snv", method: "GET", path: "/documents/" + id, status: 404, absent: []string{"quy chế"}},
			{name: "another agency gets 404 for its file link", as: "vanthu.snv", method: "GET", path: "/documents/" + id + "/file?v=1", status: 404},
			{name: "another agency's leader cannot sign it", as: "giamdoc.snv", method: "POST", path: "/api/v1/documents/" + id + "/sign", csrf: true, status: 404},
			{name: "another agency does not list it", as: "vanthu.snv", method: "GET", path: "/api/v1/documents", status: 200, absent: []string{id}},
			{name: "anonymous API calls are 401", method: "GET", path: "/api/v1/documents/" + id, status: 401, contains: []string{"unauthenticated"}},
			{name: "anonymous file download is 401", method: "GET", path: "/api/v1/documents/" + id + "/file", status: 401},
			{name: "anonymous pages redirect to the login", method: "GET", path: "/documents/" + id, status: 303},
			{name: "the signer's session without the CSRF token is refused", as: "giamdoc.stttt", method: "POST", path: "/api/v1/documents/" + id + "/sign", status: 403, contains: []string{"forbidden"}},
			{name: "the signing form without csrf_token is refused", as: "giamdoc.stttt", method: "POST", path: "/documents/" + id + "/sign", body: url.Values{}, status: 403},
			{name: "a step with an unknown field names it", as: "giamdoc.stttt", method: "POST", path: "/api/v1/documents/" + id + "/sign", csrf: true, body: `{"pin":"1234"}`, status: 400, contains: []string{"pin"}},
			{name: "an unknown step is 404", as: "giamdoc.stttt", method: "POST", path: "/api/v1/documents/" + id + "/approve", csrf: true, status: 404},
			{name: "the signer sees it waiting", as: "giamdoc.stttt", method: "GET", path: "/api/v1/tasks", status: 200, contains: []string{id}},
			{name: "the signer was told", as: "giamdoc.stttt", method: "GET", path: "/api/v1/notifications", status: 200, contains: []string{"notify.to_sign", "Văn bản chờ bạn ký: Quyết định ban hành quy chế", `"unread": 1`}},
		})
		// The refusals changed nothing.
		var cur struct{ Status string }
		leader.getJSON(t, "/api/v1/documents/"+id, &cur)
		if cur.Status != "approved" {
			t.Fatalf("after the refusals: %s", cur.Status)
		}

		if d := leader.step(t, id, "sign", nil, 200); d["status"] != "signed" || d["signed_digitally"] != true {
			t.Fatalf("signed: %v", d)
		}
		leader.step(t, id, "sign", nil, 409) // a second click
		issued := clerk.step(t, id, "issue", map[string]any{}, 200)
		if issued["status"] != "issued" || issued["symbol"] != "01/QĐ-STTTT" || issued["number"] != float64(1) {
			t.Fatalf("issued: %v %v %v", issued["status"], issued["symbol"], issued["number"])
		}

		// The final PDF: a download named after the document, with two
		// valid signatures, the leader's and the agency's.
		res, final := spec.do("GET", "/api/v1/documents/"+id+"/file", nil, nil)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(final, []byte("%PDF-")) ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || !strings.Contains(res.Header.Get("Content-Disposition"), "01-Q%C4%90-STTTT.pdf") {
			t.Fatalf("download: %d %v", res.StatusCode, res.Header)
		}
		res, out = spec.multipart(t, "/api/v1/validate?lang=en", "01-QD-STTTT.pdf", final, nil)
		var rep struct {
			Indication string
			Signatures []struct {
				Indication string
				Signer     struct{ Name string }
			}
		}
		if res.StatusCode != 200 || json.Unmarshal(out, &rep) != nil || rep.Indication != "TOTAL-PASSED" || len(rep.Signatures) != 2 ||
			rep.Signatures[0].Signer.Name != "Nguyễn Văn Đức" || rep.Signatures[1].Signer.Name != "Sở Thông tin và Truyền thông" {
			t.Fatalf("validation of the issued file: %d\n%s", res.StatusCode, out)
		}
		checkValidation(t, f, final)
		res, page := spec.do("GET", "/documents/"+id, nil, nil)
		if res.StatusCode != 200 || !strings.Contains(string(page), "Số: 01/QĐ-STTTT") || !strings.Contains(string(page), "Đã phát hành") {
			t.Fatalf("the issued document's page: %d\n%s", res.StatusCode, page)
		}

		// Sở Nội vụ received it at once: the clerk registers it, the
		// director assigns it, the specialist completes it.
		sclerk, sleader, sspec := f.login("vanthu.snv"), f.login("giamdoc.snv"), f.login("chuyenvien.snv")
		var tasks struct {
			ToRegister []struct {
				ID, Symbol string
				SenderName string `json:"sender_name"`
			} `json:"to_register"`
		}
		sclerk.getJSON(t, "/api/v1/tasks", &tasks)
		if len(tasks.ToRegister) != 1 || tasks.ToRegister[0].Symbol != "01/QĐ-STTTT" || tasks.ToRegister[0].SenderName != "Sở Thông tin và Truyền thông" {
			t.Fatalf("to register at Sở Nội vụ: %+v", tasks)
		}
		in := tasks.ToRegister[0].ID
		var arrived struct {
			ValidationOK bool `json:"validation_ok"`
			Validation   struct {
				Indication string
				Signatures []any
			}
		}
		sclerk.getJSON(t, "/api/v1/documents/"+in, &arrived)
		if !arrived.ValidationOK || arrived.Validation.Indication != "TOTAL-PASSED" || len(arrived.Validation.Signatures) != 2 {
			t.Fatalf("the report kept on arrival: %+v", arrived)
		}
		deadline := time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, 3).Format("2006-01-02")
		f.run(t, []scenario{
			{name: "a specialist cannot register", as: "chuyenvien.snv", method: "POST", path: "/api/v1/documents/" + in + "/register", csrf: true, status: 403},
			{name: "a clerk cannot assign", as: "vanthu.snv", method: "POST", path: "/api/v1/documents/" + in + "/assign", csrf: true,
				body: `{"assignee_id":"{user:chuyenvien.snv}","deadline":"` + deadline + `"}`, status: 403},
			{name: "the sender's clerk does not see the copy", as: "vanthu.stttt", method: "GET", path: "/api/v1/documents/" + in, status: 404},
			{name: "the report shows on the page", as: "vanthu.snv", method: "GET", path: "/documents/" + in, status: 200, contains: []string{"kyso-report", "Nguyễn Văn Đức", "Vào sổ"}},
		})
		if d := sclerk.step(t, in, "register", nil, 200); d["in_number"] != float64(1) || d["status"] != "registered" {
			t.Fatalf("registered: %v %v", d["in_number"], d["status"])
		}
		sleader.step(t, in, "assign", map[string]any{"assignee_id": f.users["chuyenvien.snv"].ID, "deadline": "2001-01-01"}, 400)
		if d := sleader.step(t, in, "assign", map[string]any{"assignee_id": f.users["chuyenvien.snv"].ID, "deadline": deadline,
			"instructions": "Đề nghị nghiên cứu, tham mưu triển khai"}, 200); d["status"] != "assigned" {
			t.Fatalf("assigned: %v", d["status"])
		}
		var mine struct{ Assigned []struct{ ID string } }
		sspec.getJSON(t, "/api/v1/tasks", &mine)
		if len(mine.Assigned) != 1 || mine.Assigned[0].ID != in {
			t.Fatalf("assigned to the specialist: %+v", mine)
		}
		sspec.step(t, in, "comment", map[string]any{"comment": ""}, 400)
		sspec.step(t, in, "comment", map[string]any{"comment": "Đã phối hợp với Văn phòng"}, 200)
		if d := sspec.step(t, in, "complete", map[string]any{"note": "Đã triển khai"}, 200); d["status"] != "completed" {
			t.Fatalf("completed: %v", d["status"])
		}

		// The sender sees the recipient's progress, step by step.
		var sender struct {
			Recipients []struct{ Name, Status string }
			Timeline   []struct{ Action string }
		}
		spec.getJSON(t, "/api/v1/documents/"+id, &sender)
		if len(sender.Recipients) != 1 || sender.Recipients[0].Status != "completed" {
			t.Fatalf("the sender's view of the recipient: %+v", sender.Recipients)
		}
		var steps []string
		for _, e := range sender.Timeline {
			steps = append(steps, e.Action)
		}
		if want := "drafted submitted_for_review returned revised submitted_for_review approved signed issued status_received status_registered status_assigned status_completed"; strings.Join(steps, " ") != want {
			t.Fatalf("timeline:\n got %s\nwant %s", strings.Join(steps, " "), want)
		}
		_, page = spec.do("GET", "/documents/"+id, nil, nil)
		if !regexp.MustCompile(`Sở Nội vụ <code>000.00.09.H56</code></span>\s*<span class="badge rs-completed">Hoàn thành</span>`).Match(page) {
			t.Fatalf("the sender's page does not show Sở Nội vụ's completion:\n%s", page)
		}

		var st struct {
			Received, Completed int
			OnTime              int `json:"completed_on_time"`
		}
		sleader.getJSON(t, "/api/v1/stats?from="+time.Now().AddDate(0, 0, -1).Format("2006-01-02"), &st)
		if st.Received != 1 || st.Completed != 1 || st.OnTime != 1 {
			t.Fatalf("stats of Sở Nội vụ: %+v", st)
		}
		var issuedStats struct {
			Issued          int
			SignedDigitally int `json:"signed_digitally"`
		}
		clerk.getJSON(t, "/api/v1/stats", &issuedStats)
		if issuedStats.Issued != 1 || issuedStats.SignedDigitally != 1 {
			t.Fatalf("stats of Sở TT&TT: %+v", issuedStats)
		}
		f.run(t, []scenario{
			{name: "a specialist has no statistics", as: "chuyenvien.stttt", method: "GET", path: "/api/v1/stats", status: 403},
			{name: "another agency's statistics are not found", as: "vanthu.stttt", method: "GET", path: "/api/v1/stats?agency_id={agency:vanthu.snv}", status: 404},
			{name: "a period must run forwards", as: "vanthu.stttt", method: "GET", path: "/api/v1/stats?from=2026-03-05&to=2026-03-01", status: 400, contains: []string{`"field": "to"`}},
			{name: "the list finds it without diacritics", as: "chuyenvien.stttt", method: "GET", path: "/api/v1/documents?q=quy+che+chu+ky+so", status: 200, contains: []string{id}},
			{name: "the list filters by direction", as: "vanthu.snv", method: "GET", path: "/api/v1/documents?direction=in&status=completed", status: 200, contains: []string{in}},
			{name: "a bad filter names the parameter", as: "vanthu.snv", method: "GET", path: "/api/v1/documents?status=lost", status: 400, contains: []string{`"field": "status"`}},
		})
	})
}

// TestDocumentPagesThroughForms: the pages as a browser without scripts
// uses them: the forms carry the CSRF token, a refusal comes back on the
// form with what was typed, and every step redirects to the document.
func TestDocumentPagesThroughForms(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	f.manyLogins()
	f.signingCertificates(t)
	pdf := draftPDF(t)
	c := f.login("chuyenvien.stttt")
	for _, p := range []string{"/documents", "/documents/new", "/notifications", "/documents?direction=out&status=draft&page=1"} {
		res, page := c.do("GET", p, nil, nil)
		if res.StatusCode != 200 || !csrfFieldRE.Match(page) || !strings.Contains(string(page), `href="/documents"`) {
			t.Errorf("GET %s: %d", p, res.StatusCode)
		}
	}
	res, page := c.do("GET", "/documents/new", nil, nil)
	for _, want := range []string{"Trích yếu nội dung", "Quyết định (QĐ)", "Nguyễn Văn Đức", "Sở Nội vụ", `enctype="multipart/form-data"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the new-draft form lacks %q", want)
		}
	}
	if strings.Contains(string(page), "Sở Thông tin và Truyền thông</label>") {
		t.Error("the agency is offered as its own recipient")
	}
	token := string(csrfFieldRE.FindSubmatch(page)[1])
	fields := url.Values{"csrf_token": {token}, "type_code": {"bao_cao"}, "subject": {"  "}, "signer_id": {f.users["giamdoc.stttt"].ID},
		"recipient_ids": {f.users["vanthu.snv"].AgencyID}, "recipient_codes": {"000.00.00.G22"}}
	res, page = c.multipart(t, "/documents", "bao-cao.pdf", pdf, fields)
	if res.StatusCode != 400 || !strings.Contains(string(page), "Hãy nhập trích yếu nội dung.") || !strings.Contains(string(page), `value="000.00.00.G22"`) ||
		!regexp.MustCompile(`value="`+f.users["vanthu.snv"].AgencyID+`" checked`).Match(page) {
		t.Fatalf("an empty subject: %d\n%s", res.StatusCode, page)
	}
	// Recipients outside the deployment need the exchange axis, which the
	// fixture does not have: this one goes to Sở Nội vụ only.
	fields.Set("subject", "Báo cáo tình hình ứng dụng chữ ký số quý I")
	fields.Del("recipient_codes")
	res, _ = c.multipart(t, "/documents", "bao-cao.pdf", pdf, fields)
	loc := res.Header.Get("Location")
	if res.StatusCode != 303 || !strings.HasPrefix(loc, "/documents/") {
		t.Fatalf("create through the form: %d %s", res.StatusCode, loc)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/documents/"), "?ok=doc_created")
	_, page = c.do("GET", loc, nil, nil)
	for _, want := range []string{"Đã tạo dự thảo.", "Dự thảo", "Trình xin ý kiến hoặc trình ký", "Lương Thị Kim Oanh", "Cập nhật dự thảo", "/documents/" + id + "/file?v=1", "Sở Nội vụ", "Chờ phát hành"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the draft's page lacks %q", want)
		}
	}
	for _, absent := range []string{"Ký số văn bản", "Cấp số và phát hành", "Vào sổ"} {
		if strings.Contains(string(page), absent) {
			t.Errorf("the drafter is offered %q", absent)
		}
	}
	// A revision through the upload form, then straight to the signer; the
	// form's refusal of a second submit is a message on the page, not an
	// error page.
	res, _ = c.multipart(t, "/documents/"+id+"/revise", "bao-cao-2.pdf", pdf, url.Values{"csrf_token": {token}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/documents/"+id+"?ok=doc_revised" {
		t.Fatalf("revise through the form: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, page = c.multipart(t, "/documents/"+id+"/revise", "", nil, url.Values{"csrf_token": {token}})
	if res.StatusCode != 400 || !strings.Contains(string(page), "Hãy chọn tệp văn bản") || !strings.Contains(string(page), `name="file" accept=".pdf,.docx,.doc,.odt,application/pdf" required aria-invalid="true"`) {
		t.Fatalf("a revision without a file: %d\n%s", res.StatusCode, page)
	}
	res, _ = c.do("POST", "/documents/"+id+"/submit", url.Values{"csrf_token": {token}}, nil)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/documents/"+id+"?ok=doc_submitted" {
		t.Fatalf("submit: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, page = c.do("POST", "/documents/"+id+"/submit", url.Values{"csrf_token": {token}}, nil)
	if res.StatusCode != 409 || !strings.Contains(string(page), "Văn bản đang ở trạng thái") {
		t.Fatalf("a second submit: %d\n%s", res.StatusCode, page)
	}

	// The leader: the inbox, the header's count, the signing form.
	l := f.login("giamdoc.stttt")
	_, page = l.do("GET", "/documents", nil, nil)
	if !strings.Contains(string(page), "Chờ tôi ký") || !strings.Contains(string(page), "Báo cáo tình hình ứng dụng chữ ký số quý I") ||
		!regexp.MustCompile(`<span class="count" aria-hidden="true">1</span>`).Match(page) {
		t.Fatalf("the leader's inbox:\n%s", page)
	}
	_, page = l.do("GET", "/documents/"+id, nil, nil)
	if !strings.Contains(string(page), `action="/documents/`+id+`/sign"`) || !strings.Contains(string(page), "data-busy") || !strings.Contains(string(page), `src="/static/docs.js"`) {
		t.Fatalf("the leader's signing form:\n%s", page)
	}
	lt := string(csrfFieldRE.FindSubmatch(page)[1])
	if res, _ := l.do("POST", "/documents/"+id+"/sign", url.Values{"csrf_token": {lt}}, nil); res.StatusCode != 303 {
		t.Fatalf("sign through the form: %d", res.StatusCode)
	}
	// Reading the notification clears the count.
	_, page = l.do("GET", "/notifications", nil, nil)
	if !strings.Contains(string(page), "Văn bản chờ bạn ký: Báo cáo tình hình") {
		t.Fatalf("notifications:\n%s", page)
	}
	if res, _ := l.do("POST", "/notifications/read", url.Values{"csrf_token": {lt}}, nil); res.StatusCode != 303 {
		t.Fatalf("mark read: %d", res.StatusCode)
	}
	if _, page = l.do("GET", "/documents", nil, nil); strings.Contains(string(page), `class="count" aria-hidden="true"`) {
		t.Error("the count stays after everything was read")
	}

	// The clerk issues a báo cáo with the agency's numbering: 01/BC-STTTT.
	k := f.login("vanthu.stttt")
	_, page = k.do("GET", "/documents/"+id, nil, nil)
	kt := string(csrfFieldRE.FindSubmatch(page)[1])
	if res, page := k.do("POST", "/documents/"+id+"/issue", url.Values{"csrf_token": {kt}}, nil); res.StatusCode != 303 {
		t.Fatalf("issue through the form: %d\n%s", res.StatusCode, page)
	}
	_, page = k.do("GET", "/documents/"+id+"?ok=doc_issued", nil, nil)
	if !strings.Contains(string(page), "Số: 01/BC-STTTT") || !strings.Contains(string(page), "Đã cấp số và phát hành.") {
		t.Fatalf("after issue:\n%s", page)
	}
	res, _ = k.do("GET", "/documents/"+id+"/file?inline=1", nil, nil)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline;") {
		t.Fatalf("preview: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
	}

	// A document the clerk received on paper, through the incoming form.
	_, page = k.do("GET", "/incoming/new", nil, nil)
	if !strings.Contains(string(page), "Tiếp nhận văn bản đến") {
		t.Fatalf("incoming form:\n%s", page)
	}
	res, _ = k.multipart(t, "/incoming", "cong-van.pdf", pdf, url.Values{"csrf_token": {kt}, "type_code": {"cong_van"}, "subject": {"Về việc báo cáo số liệu"},
		"sender_name": {"Bộ Nội vụ"}, "sender_code": {"000.00.00.G22"}, "symbol": {"1234/BNV-VP"}, "date": {"2026-03-02"}, "paper": {"on"}})
	if res.StatusCode != 303 {
		t.Fatalf("receive through the form: %d", res.StatusCode)
	}
	_, page = k.do("GET", res.Header.Get("Location"), nil, nil)
	for _, want := range []string{"Đã tiếp nhận văn bản đến.", "Bộ Nội vụ", "Số: 1234/BNV-VP", "02/03/2026", "Vào sổ văn bản đến"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the received document's page lacks %q", want)
		}
	}
	// Registered, then assigned with yesterday as the deadline: late at
	// once, and the specialist's inbox says so in words, not only in red.
	in := strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), "/documents/"), "?ok=doc_received")
	if res, _ := k.do("POST", "/documents/"+in+"/register", url.Values{"csrf_token": {kt}}, nil); res.StatusCode != 303 {
		t.Fatalf("register through the form: %d", res.StatusCode)
	}
	vn := time.FixedZone("ICT", 7*3600)
	yesterday := time.Now().In(vn).AddDate(0, 0, -1).Format("2006-01-02")
	assign := url.Values{"csrf_token": {lt}, "assignee_id": {f.users["chuyenvien.stttt"].ID},
		"cooperator_ids": {f.users["chungthu.stttt"].ID}, "deadline": {yesterday}, "instructions": {"Báo cáo trước ngày 05"}}
	if res, page := l.do("POST", "/documents/"+in+"/assign", assign, nil); res.StatusCode != 400 || !strings.Contains(string(page), "Hạn xử lý đã qua") {
		t.Fatalf("a deadline in the past: %d", res.StatusCode)
	}
	assign.Set("deadline", time.Now().In(vn).Format("2006-01-02"))
	res, page = l.do("POST", "/documents/"+in+"/assign", assign, nil)
	if res.StatusCode != 303 {
		t.Fatalf("assign through the form: %d\n%s", res.StatusCode, page)
	}
	// A day goes by: the deadline passes.
	past := store.Micros(time.Now().Add(-24 * time.Hour))
	if _, err := f.app.DB.ExecContext(context.Background(), `UPDATE document_assignments SET deadline = ? WHERE document_id = ?`, past, in); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.DB.ExecContext(context.Background(), `UPDATE documents SET deadline = ? WHERE id = ?`, past, in); err != nil {
		t.Fatal(err)
	}
	_, page = c.do("GET", "/documents", nil, nil)
	if !strings.Contains(string(page), `<li class="overdue">`) || !strings.Contains(string(page), "⚠</span> Quá hạn") || !strings.Contains(string(page), "1 việc đã quá hạn xử lý.") {
		t.Fatalf("the overdue task:\n%s", page)
	}

	// Every word on the pages has its translation, in both languages.
	rawKey := regexp.MustCompile(`[^/\w](docpage|docact|docfield|docnew|docs|notify|notifications|incoming|nav|page|flash)\.[a-z_]+[a-z_.]*`)
	for _, lang := range []string{"vi", "en"} {
		k.lang = lang
		for _, p := range []string{"/documents", "/documents/" + id, "/documents/" + in, "/documents/new?reply_to=" + in, "/incoming/new", "/notifications"} {
			_, page := k.do("GET", p, nil, nil)
			if m := rawKey.Find(page); m != nil {
				t.Errorf("%s in %s shows the key %q", p, lang, m)
			}
		}
	}
	k.lang = ""
	if res, _ := c.do("GET", "/incoming/new", nil, nil); res.StatusCode != 403 {
		t.Errorf("a specialist opens the incoming form: %d", res.StatusCode)
	}
	if res, _ := f.login("admin").do("GET", "/documents/new", nil, nil); res.StatusCode != 403 {
		t.Errorf("the administrator opens the draft form: %d", res.StatusCode)
	}
}

// TestDocumentTypesThroughTheAPI: everyone reads the catalogue; only the
// province's administrators add to it.
func TestDocumentTypesThroughTheAPI(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	f.run(t, []scenario{
		{name: "the decree's types are listed", as: "chuyenvien.stttt", method: "GET", path: "/api/v1/doc-types", status: 200, contains: []string{`"code": "quyet_dinh"`, `"abbreviation": "QĐ"`}},
		{name: "a clerk cannot add a type", as: "vanthu.stttt", method: "POST", path: "/api/v1/doc-types", csrf: true, body: `{"code":"phieu_trinh","name":"Phiếu trình","abbreviation":"PTr"}`, status: 403},
		{name: "an agency's administrator cannot either", as: "quantri.stttt", method: "POST", path: "/api/v1/doc-types", csrf: true, body: `{"code":"phieu_trinh","name":"Phiếu trình","abbreviation":"PTr"}`, status: 403},
		{name: "the province's administrator adds one", as: "admin", method: "POST", path: "/api/v1/doc-types", csrf: true, body: `{"code":"phieu_trinh","name":"Phiếu trình","abbreviation":"PTr"}`, status: 201, contains: []string{`"active": true`}},
		{name: "a taken abbreviation names the field", as: "admin", method: "POST", path: "/api/v1/doc-types", csrf: true, body: `{"code":"quyet_dinh_2","name":"Quyết định khác","abbreviation":"QĐ"}`, status: 400, contains: []string{`"field": "abbreviation"`}},
		{name: "the new type is offered", as: "chuyenvien.stttt", method: "GET", path: "/api/v1/doc-types", status: 200, contains: []string{"Phiếu trình"}},
		{name: "the draft form offers it", as: "chuyenvien.stttt", method: "GET", path: "/documents/new", status: 200, contains: []string{"Phiếu trình (PTr)"}},
	})
}
