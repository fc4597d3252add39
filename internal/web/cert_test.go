package web_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

func csrPEM(t *testing.T) string {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "token"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestCertificateRequestsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		manager := f.login("chungthu.stttt")
		body, _ := json.Marshal(map[string]any{"kind": "new", "agency_id": f.users["chungthu.stttt"].AgencyID, "profile": "personal",
			"subject_user_id": f.users["giamdoc.stttt"].ID, "csr": csrPEM(t)})
		res, out := manager.do("POST", "/api/v1/cert-requests", body, map[string]string{"X-CSRF-Token": manager.csrf, "Content-Type": "application/json"})
		if res.StatusCode != 201 {
			t.Fatalf("file: %d %s", res.StatusCode, out)
		}
		var req struct{ ID string }
		_ = json.Unmarshal(out, &req)
		f.run(t, []scenario{
			{name: "a manager of another agency does not see the request", as: "vanthu.snv", method: "GET", path: "/api/v1/cert-requests/" + req.ID, status: 404},
			{name: "a clerk cannot list requests", as: "vanthu.stttt", method: "GET", path: "/api/v1/cert-requests", status: 403},
			{name: "the manager cannot approve", as: "chungthu.stttt", method: "POST", path: "/api/v1/cert-requests/" + req.ID + "/approve", csrf: true, body: `{}`, status: 403},
			{name: "a reject needs a reason", as: "pheduyet", method: "POST", path: "/api/v1/cert-requests/" + req.ID + "/reject", csrf: true, body: `{"note":""}`, status: 400, contains: []string{`"field": "note"`}},
			{name: "the approver approves", as: "pheduyet", method: "POST", path: "/api/v1/cert-requests/" + req.ID + "/approve", csrf: true, body: `{"note":"Đồng ý"}`, status: 200, contains: []string{`"state": "done"`, `"result_serial"`}},
			{name: "the holder sees their certificate", as: "giamdoc.stttt", method: "GET", path: "/api/v1/certificates", status: 200, contains: []string{"Nguyễn Văn Đức", `"status": "active"`}},
			{name: "another agency's clerk does not", as: "vanthu.snv", method: "GET", path: "/api/v1/certificates", status: 200, absent: []string{"Nguyễn Văn Đức"}},
			{name: "the inventory counts it", as: "pheduyet", method: "GET", path: "/api/v1/certificates/inventory", status: 200, contains: []string{`"personal": 1`, "Sở Thông tin và Truyền thông"}},
			{name: "a specialist has no inventory", as: "chuyenvien.stttt", method: "GET", path: "/api/v1/certificates/inventory", status: 403},
			{name: "a garbage CSR is refused", as: "chungthu.stttt", method: "POST", path: "/api/v1/cert-requests", csrf: true,
				body: `{"kind":"new","agency_id":"{agency:chungthu.stttt}","profile":"organization","csr":"garbage"}`, status: 400, contains: []string{`"field": "csr"`}},
			{name: "the CA is public", method: "GET", path: "/api/v1/ca", status: 200, contains: []string{`"kind": "root"`, `"kind": "ocsp"`, `"kind": "tsa"`}},
		})
		// The holder's own listing carries the serial; the detail gives the PEM.
		h := f.login("giamdoc.stttt")
		_, list := h.do("GET", "/api/v1/certificates", nil, nil)
		serial := regexp.MustCompile(`"serial": "([0-9a-f]+)"`).FindStringSubmatch(string(list))[1]
		_, detail := h.do("GET", "/api/v1/certificates/"+serial, nil, nil)
		if !strings.Contains(string(detail), "BEGIN CERTIFICATE") {
			t.Errorf("no PEM in the certificate detail")
		}
		if res, _ := f.login("vanthu.snv").do("GET", "/api/v1/certificates/"+serial, nil, nil); res.StatusCode != 404 {
			t.Errorf("another agency reads the certificate: %d", res.StatusCode)
		}
	})
}

func TestCertificatePages(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	m := f.login("chungthu.stttt")
	form := url.Values{"csrf_token": {m.csrf}, "kind": {"new"}, "profile": {"organization"}, "key_mode": {"server"}}
	res, page := m.do("POST", "/cert-requests", form, nil)
	if res.StatusCode != 303 {
		t.Fatalf("file through the form: %d\n%s", res.StatusCode, page)
	}
	loc := res.Header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/cert-requests/"), "?ok=created")
	ap := f.login("pheduyet")
	res, page = ap.do("POST", "/cert-requests/"+id+"/approve", url.Values{"csrf_token": {ap.csrf}, "note": {"Đồng ý"}}, nil)
	if res.StatusCode != 303 {
		t.Fatalf("approve through the form: %d\n%s", res.StatusCode, page)
	}
	for _, p := range []string{"/certificates", "/cert-requests", "/cert-requests/" + id, "/cert-requests/new", "/ca"} {
		c := ap
		if p == "/cert-requests/new" {
			c = m
		}
		res, page := c.do("GET", p, nil, nil)
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, res.StatusCode)
		}
		if p == "/ca" && (!strings.Contains(string(page), "CA gốc") || !strings.Contains(string(page), "/ocsp")) {
			t.Errorf("the CA page lacks the root CA or the OCSP address")
		}
		if p == "/certificates" && !strings.Contains(string(page), "Sở Thông tin và Truyền thông") {
			t.Errorf("the certificates page lacks the organization certificate")
		}
	}
	// A clerk's certificates page offers no link to requests they cannot open.
	if _, page := f.login("vanthu.stttt").do("GET", "/certificates", nil, nil); strings.Contains(string(page), `href="/cert-requests"`) {
		t.Error("the clerk is offered the requests page, which refuses them")
	}
	res, csv := ap.do("GET", "/certificates.csv", nil, nil)
	if res.StatusCode != 200 || !strings.HasPrefix(string(csv), "\ufeff") || !strings.Contains(string(csv), "Sở Thông tin và Truyền thông") || !strings.Contains(string(csv), "Tổ chức") {
		t.Fatalf("CSV export: %d\n%s", res.StatusCode, csv)
	}
}
