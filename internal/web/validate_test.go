package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// checkValidation validates a PDF that kyso signed twice (leader, then the
// agency's seal): kyso's own root is trusted without configuration, and
// the revocation data comes from kyso's own CRL URL.
func checkValidation(t *testing.T, f *fixture, sealed []byte) {
	t.Helper()
	res, body := f.login("chuyenvien.stttt").upload(t, "/api/v1/validate?lang=en", sealed, nil)
	var rep struct {
		Indication string
		Signatures []struct {
			Kind, Indication string
			SubIndication    string `json:"sub_indication"`
			Signer           struct{ Name string }
			Changes          []struct{ Allowed bool }
			ChangesPermitted bool `json:"changes_permitted"`
			Chain            []struct{ Source string }
		}
	}
	if res.StatusCode != 200 || json.Unmarshal(body, &rep) != nil {
		t.Fatalf("validate: %d %s", res.StatusCode, body)
	}
	if rep.Indication != "TOTAL-PASSED" || len(rep.Signatures) != 2 || rep.Signatures[0].Signer.Name != "Nguyễn Văn Đức" ||
		!rep.Signatures[0].ChangesPermitted || len(rep.Signatures[0].Changes) == 0 || !strings.Contains(rep.Signatures[0].Chain[0].Source, "CRL") {
		t.Fatalf("kyso's own signatures:\n%s", body)
	}
	// The same file on the public page, as anyone: the report in
	// Vietnamese, printable, with the signer's name as in the certificate.
	res, body = f.anon().postFile(t, "/verify", "quyet-dinh.pdf", sealed)
	page := string(body)
	if res.StatusCode != 200 || !strings.Contains(page, "HỢP LỆ") || !strings.Contains(page, "Nguyễn Văn Đức") ||
		!strings.Contains(page, "quyet-dinh.pdf") || !strings.Contains(page, "In báo cáo") {
		t.Fatalf("/verify: %d\n%s", res.StatusCode, page)
	}
}

func TestValidateEndpoints(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	pdf := ghostscriptPDF(t)
	anon := f.anon()

	// The API needs a login; the page does not.
	if res, _ := anon.do("POST", "/api/v1/validate", pdf, map[string]string{"Content-Type": "application/pdf"}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous API: %d", res.StatusCode)
	}
	res, body := anon.do("GET", "/verify", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(string(body), "Kiểm tra chữ ký số") || !strings.Contains(string(body), `enctype="multipart/form-data"`) {
		t.Fatalf("GET /verify: %d", res.StatusCode)
	}
	// An unsigned PDF: a clear message, on the page and in the API.
	res, body = anon.postFile(t, "/verify", "van-ban.pdf", pdf)
	if res.StatusCode != 400 || !strings.Contains(string(body), "Tệp không có chữ ký số nào") {
		t.Fatalf("unsigned on the page: %d %s", res.StatusCode, body)
	}
	c := f.login("chuyenvien.stttt")
	res, body = c.upload(t, "/api/v1/validate", pdf, nil)
	if res.StatusCode != 400 || !strings.Contains(string(body), `"field": "file"`) {
		t.Fatalf("unsigned in the API: %d %s", res.StatusCode, body)
	}
	res, body = c.do("POST", "/api/v1/validate", []byte("%PDF-1.7 garbage"), map[string]string{"Content-Type": "application/pdf", "X-CSRF-Token": c.csrf})
	if res.StatusCode != 400 || !strings.Contains(string(body), "Không đọc được tệp") {
		t.Fatalf("garbage raw body: %d %s", res.StatusCode, body)
	}
	// The page refuses a post without the CSRF cookie (a cross-site form).
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "x.pdf")
	fw.Write(pdf)
	mw.Close()
	req, _ := http.NewRequest("POST", f.srv.URL+"/verify", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("post without CSRF: %v %v", res.StatusCode, err)
	}
}

var csrfFieldRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// postFile posts a file through the /verify form as a browser would: the
// token from the page, the file as multipart.
func (c *client) postFile(t *testing.T, path, name string, data []byte) (*http.Response, []byte) {
	t.Helper()
	_, page := c.do("GET", path, nil, nil)
	m := csrfFieldRE.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on %s", path)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", string(m[1]))
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return c.do("POST", path, buf.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()})
}
