package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// TestWorkRecordsThroughTheAPIAndPages: open a record, file a document,
// close it, export it; another agency sees none of it.
func TestWorkRecordsThroughTheAPIAndPages(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	f.manyLogins()
	c := f.login("chuyenvien.stttt")
	res, out := c.multipart(t, "/api/v1/documents", "du-thao.pdf", draftPDF(t), url.Values{"type_code": {"quyet_dinh"},
		"subject": {"Quyết định thành lập tổ công tác"}, "signer_id": {f.users["giamdoc.stttt"].ID}})
	var doc struct{ ID string }
	if res.StatusCode != 201 || json.Unmarshal(out, &doc) != nil {
		t.Fatalf("draft: %d %s", res.StatusCode, out)
	}
	res, out = c.do("POST", "/api/v1/records", map[string]any{"code": "HS.2026/07", "title": "Hồ sơ tổ công tác", "retention_years": 10}, map[string]string{"X-CSRF-Token": c.csrf})
	var rec struct{ ID, Status string }
	if res.StatusCode != 201 || json.Unmarshal(out, &rec) != nil {
		t.Fatalf("create record: %d %s", res.StatusCode, out)
	}
	hdr := map[string]string{"X-CSRF-Token": c.csrf}
	if res, out := c.do("POST", "/api/v1/records/"+rec.ID+"/documents", map[string]string{"document_id": doc.ID}, hdr); res.StatusCode != 200 || !strings.Contains(string(out), doc.ID) {
		t.Fatalf("file: %d %s", res.StatusCode, out)
	}
	if res, _ := c.do("GET", "/api/v1/records/"+rec.ID+"/export", nil, nil); res.StatusCode != 409 {
		t.Fatalf("export of an open record: %d", res.StatusCode)
	}
	if res, _ := c.do("POST", "/api/v1/records/"+rec.ID+"/close", nil, hdr); res.StatusCode != 200 {
		t.Fatalf("close: %d", res.StatusCode)
	}
	res, out = c.do("GET", "/api/v1/records/"+rec.ID+"/export", nil, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil || len(zr.File) < 3 {
		t.Fatalf("package: %v", err)
	}
	_, page := c.do("GET", "/records/"+rec.ID, nil, nil)
	for _, want := range []string{"HS.2026/07", "Quyết định thành lập tổ công tác", "Đã đóng", "Xuất hồ sơ lưu trữ"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("record page lacks %q", want)
		}
	}
	other := f.login("vanthu.snv")
	if res, _ := other.do("GET", "/api/v1/records/"+rec.ID, nil, nil); res.StatusCode != 404 {
		t.Fatalf("another agency reads the record: %d", res.StatusCode)
	}
	if res, _ := other.do("GET", "/records/"+rec.ID+"/export", nil, nil); res.StatusCode != 404 {
		t.Fatalf("another agency exports the record: %d", res.StatusCode)
	}
	if res, page := other.do("GET", "/records", nil, nil); res.StatusCode != 200 || strings.Contains(string(page), "HS.2026/07") {
		t.Fatalf("another agency's list: %d", res.StatusCode)
	}
}
