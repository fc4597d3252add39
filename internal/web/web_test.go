package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/app"
	"github.com/kyso-vn/kyso/internal/blob"
	"github.com/kyso-vn/kyso/internal/demo"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/ra"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/web"
)

// fixture is a running kyso with the demo province, on 127.0.0.1.
type fixture struct {
	t        testing.TB
	srv      *httptest.Server
	app      *app.App
	password string
	users    map[string]*org.User // by username
}

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.NewFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := app.Config{DataDir: t.TempDir(), DevFastPasswords: true}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a := app.New(cfg, db, blobs, slog.New(slog.NewTextHandler(io.Discard, nil)))
	created, err := demo.Populate(ctx, a.Org, org.SystemActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	// The server starts first so that certificates carry its real URLs
	// (CRL, OCSP, CA certificate) and validation can follow them.
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	a.PKI, err = pki.Bootstrap(ctx, db, pki.Config{DataDir: cfg.DataDir, PublicURL: srv.URL, Passphrase: []byte("cụm mật khẩu kiểm thử")},
		pki.HierarchyOptions{Organization: "UBND tỉnh Quảng Ngãi", RootKey: "ecdsa-p256", IssuingKey: "ecdsa-p256", ServiceKey: "ecdsa-p256"})
	if err != nil {
		t.Fatal(err)
	}
	a.RA = ra.New(db, a.Org, a.PKI)
	a.InitDocs()
	f := &fixture{t: t, app: a, password: created[0].Password, users: map[string]*org.User{}}
	for _, u := range created {
		f.users[u.User.Username] = u.User
	}
	h, err := web.New(a)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	f.srv = srv
	return f
}

// client is a browser-like caller: a cookie jar and the session's CSRF token.
type client struct {
	f    *fixture
	http *http.Client
	csrf string
	lang string
}

func (f *fixture) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login logs username in through the JSON API.
func (f *fixture) login(username string) *client {
	f.t.Helper()
	c := f.anon()
	res, body := c.do("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": f.password}, nil)
	if res.StatusCode != 200 {
		f.t.Fatalf("login %s: %d %s", username, res.StatusCode, body)
	}
	var lr struct {
		CSRFToken string `json:"csrf_token"`
	}
	_ = json.Unmarshal(body, &lr)
	c.csrf = lr.CSRFToken
	return c
}

func (c *client) do(method, path string, body any, hdr map[string]string) (*http.Response, []byte) {
	c.f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case url.Values:
		rd = strings.NewReader(b.Encode())
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.f.srv.URL+path, rd)
	if err != nil {
		c.f.t.Fatal(err)
	}
	if _, ok := body.(url.Values); ok {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// scenario is one request and what must come back: the table reads as the
// API's contract.
type scenario struct {
	name     string
	as       string // username; "" for anonymous
	method   string
	path     string
	body     any
	csrf     bool // send the session's CSRF token
	headers  map[string]string
	status   int
	contains []string
	absent   []string
}

func (f *fixture) run(t *testing.T, scs []scenario) {
	t.Helper()
	clients := map[string]*client{}
	for _, sc := range scs {
		t.Run(sc.name, func(t *testing.T) {
			c, ok := clients[sc.as]
			if !ok {
				if sc.as == "" {
					c = f.anon()
				} else {
					c = f.login(sc.as)
				}
				clients[sc.as] = c
			}
			hdr := map[string]string{}
			for k, v := range sc.headers {
				hdr[k] = v
			}
			if sc.csrf {
				hdr["X-CSRF-Token"] = c.csrf
			}
			path := f.expand(sc.path)
			body := sc.body
			if s, ok := body.(string); ok {
				body = f.expand(s)
			}
			res, got := c.do(sc.method, path, body, hdr)
			if res.StatusCode != sc.status {
				t.Fatalf("%s %s: status %d, want %d\n%s", sc.method, path, res.StatusCode, sc.status, got)
			}
			for _, s := range sc.contains {
				if !strings.Contains(string(got), f.expand(s)) {
					t.Errorf("%s %s: body lacks %q\n%s", sc.method, path, s, got)
				}
			}
			for _, s := range sc.absent {
				if strings.Contains(string(got), f.expand(s)) {
					t.Errorf("%s %s: body has %q", sc.method, path, s)
				}
			}
		})
	}
}

var placeholder = regexp.MustCompile(`\{(agency|user):([a-z.]+)\}`)

// expand replaces {agency:USERNAME} and {user:USERNAME} with IDs.
func (f *fixture) expand(s string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		p := placeholder.FindStringSubmatch(m)
		u, ok := f.users[p[2]]
		if !ok {
			f.t.Fatalf("no demo user %s", p[2])
		}
		if p[1] == "agency" {
			return u.AgencyID
		}
		return u.ID
	})
}

func TestAgencyIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.run(t, []scenario{
			{name: "clerk reads own agency", as: "vanthu.stttt", method: "GET", path: "/api/v1/agencies/{agency:vanthu.stttt}", status: 200, contains: []string{"000.00.31.H56"}},
			{name: "clerk of A gets 404 for agency B", as: "vanthu.stttt", method: "GET", path: "/api/v1/agencies/{agency:vanthu.snv}", status: 404, absent: []string{"Sở Nội vụ"}},
			{name: "clerk of A gets 404 for B's departments", as: "vanthu.stttt", method: "GET", path: "/api/v1/agencies/{agency:vanthu.snv}/departments", status: 404},
			{name: "clerk of A gets 404 for B's users", as: "vanthu.stttt", method: "GET", path: "/api/v1/users?agency_id={agency:vanthu.snv}", status: 404},
			{name: "clerk of A gets 404 for a user of B", as: "vanthu.stttt", method: "GET", path: "/api/v1/users/{user:vanthu.snv}", status: 404, absent: []string{"Tạ Ngọc Yến"}},
			{name: "clerk of A gets 404 for B's page", as: "vanthu.stttt", method: "GET", path: "/agencies/{agency:vanthu.snv}", status: 404, absent: []string{"Sở Nội vụ"}},
			{name: "clerk's user list holds only their agency", as: "vanthu.stttt", method: "GET", path: "/api/v1/users", status: 200, contains: []string{"Đỗ Minh Tuấn"}, absent: []string{"Tạ Ngọc Yến", "Trần Quốc Huy"}},
			{name: "clerk cannot change their agency", as: "vanthu.stttt", method: "PUT", path: "/api/v1/agencies/{agency:vanthu.stttt}", csrf: true,
				body: `{"code":"000.00.31.H56","name":"Đổi tên","short_name":"STTTT","kind":"department"}`, status: 403},
			{name: "clerk cannot read the audit log", as: "vanthu.stttt", method: "GET", path: "/api/v1/audit", status: 403},
			{name: "clerk cannot open the audit page", as: "vanthu.stttt", method: "GET", path: "/audit", status: 403},
			{name: "agency admin of A gets 404 for agency B", as: "quantri.stttt", method: "GET", path: "/api/v1/agencies/{agency:vanthu.snv}", status: 404},
			{name: "agency admin of A cannot add a user to B", as: "quantri.stttt", method: "POST", path: "/api/v1/users", csrf: true,
				body: `{"agency_id":"{agency:vanthu.snv}","username":"moi.snv","full_name":"Người Mới","password":"một mật khẩu dài"}`, status: 400, contains: []string{`"field": "agency_id"`}},
			{name: "agency admin adds a user to their agency", as: "quantri.stttt", method: "POST", path: "/api/v1/users", csrf: true,
				body: `{"agency_id":"{agency:vanthu.stttt}","username":"moi.stttt","full_name":"Nguyễn Thị Mới","password":"một mật khẩu dài","roles":["specialist"]}`, status: 201, contains: []string{`"must_change_password": true`}},
			{name: "province admin reads agency B", as: "admin", method: "GET", path: "/api/v1/agencies/{agency:vanthu.snv}", status: 200, contains: []string{"Sở Nội vụ"}},
			{name: "inspector reads the audit log of the province", as: "thanhtra", method: "GET", path: "/api/v1/audit?action=auth.login", status: 200, contains: []string{"auth.login"}},
			{name: "agency admin's audit log is limited to their agency", as: "quantri.stttt", method: "GET", path: "/api/v1/audit?action=auth.login", status: 200, contains: []string{"Hồ Sỹ Khánh"}, absent: []string{"Võ Thị Ngọc Ánh"}},
			{name: "everyone reads the directory", as: "vanthu.stttt", method: "GET", path: "/api/v1/directory", status: 200, contains: []string{"Sở Nội vụ", "000.00.09.H56"}},
			{name: "anonymous API call is 401", method: "GET", path: "/api/v1/me", status: 401, contains: []string{"unauthenticated"}},
			{name: "anonymous page redirects to login", method: "GET", path: "/users", status: 303},
		})
	})
}

func TestCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.run(t, []scenario{
			{name: "session POST without the token is refused", as: "vanthu.stttt", method: "POST", path: "/api/v1/tokens", body: `{"name":"x"}`, status: 403, contains: []string{"forbidden"}},
			{name: "session POST with a wrong token is refused", as: "vanthu.stttt", method: "POST", path: "/api/v1/tokens", body: `{"name":"x"}`, headers: map[string]string{"X-CSRF-Token": "wrong"}, status: 403},
			{name: "session POST with the token is accepted", as: "vanthu.stttt", method: "POST", path: "/api/v1/tokens", body: `{"name":"Phần mềm kế toán"}`, csrf: true, status: 201, contains: []string{`"token": "kyso_`}},
			{name: "a cross-site request is refused even with the token", as: "vanthu.stttt", method: "POST", path: "/api/v1/tokens", body: `{"name":"x"}`, csrf: true, headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403},
			{name: "logout form without csrf_token is refused", as: "vanthu.stttt", method: "POST", path: "/logout", body: url.Values{}, status: 403},
			{name: "login form without the pre-session cookie is refused", method: "POST", path: "/login", body: url.Values{"username": {"admin"}, "password": {"x"}, "csrf_token": {"forged"}}, status: 403},
		})
		// A forged request changed nothing: only the accepted token exists.
		c := f.login("vanthu.stttt")
		_, body := c.do("GET", "/api/v1/tokens", nil, nil)
		if n := strings.Count(string(body), `"id"`); n != 1 {
			t.Fatalf("%d tokens after the CSRF scenarios, want 1:\n%s", n, body)
		}
	})
}

func TestLoginFormFlow(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	c := f.anon()
	res, page := c.do("GET", "/login", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(string(page), "Đăng nhập") {
		t.Fatalf("login page: %d", res.StatusCode)
	}
	tok := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(string(page))
	if tok == nil {
		t.Fatal("no csrf_token on the login form")
	}
	res, page = c.do("POST", "/login", url.Values{"username": {"admin"}, "password": {"sai"}, "csrf_token": {tok[1]}}, nil)
	if res.StatusCode != 401 || !strings.Contains(string(page), "Tên đăng nhập hoặc mật khẩu không đúng") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	res, _ = c.do("POST", "/login", url.Values{"username": {"admin"}, "password": {f.password}, "csrf_token": {tok[1]}, "next": {"//evil.example/"}}, nil)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/" {
		t.Fatalf("login: %d to %q, want 303 to / (an off-site next is dropped)", res.StatusCode, res.Header.Get("Location"))
	}
	for _, p := range []string{"/", "/agencies", "/users", "/audit", "/directory", "/account", "/agencies/new", "/users/new",
		"/agencies/" + f.users["vanthu.snv"].AgencyID, "/users/" + f.users["vanthu.snv"].ID} {
		res, page := c.do("GET", p, nil, nil)
		if res.StatusCode != 200 {
			t.Errorf("admin GET %s: %d", p, res.StatusCode)
		}
		if !strings.Contains(string(page), "Trần Quốc Huy") {
			t.Errorf("admin GET %s: the page does not show who is logged in", p)
		}
	}
	// Every role's home page renders.
	for _, u := range []string{"chutich", "vanthu.stttt", "chuyenvien.stttt", "chungthu.stttt", "pheduyet", "vanhanh", "thanhtra"} {
		res, page := f.login(u).do("GET", "/", nil, nil)
		if res.StatusCode != 200 || !strings.Contains(string(page), f.users[u].FullName) {
			t.Errorf("home of %s: %d", u, res.StatusCode)
		}
	}
}

func TestAdministrationThroughForms(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	c := f.login("quantri.stttt")
	agencyID := f.users["quantri.stttt"].AgencyID
	form := url.Values{"csrf_token": {c.csrf}, "agency_id": {agencyID}, "username": {"ba.nguyen"}, "password": {"mật khẩu ban đầu"},
		"full_name": {"Nguyễn Thị Ba"}, "title": {"Chuyên viên"}, "roles": {"specialist", "clerk"}}
	res, page := c.do("POST", "/users", form, nil)
	if res.StatusCode != 303 {
		t.Fatalf("create user: %d\n%s", res.StatusCode, page)
	}
	// Invalid input re-renders the form with the message, and writes nothing.
	form.Set("username", "X")
	res, page = c.do("POST", "/users", form, nil)
	if res.StatusCode != 400 || !strings.Contains(string(page), "Tên đăng nhập gồm 3–64 ký tự") {
		t.Fatalf("bad username: %d", res.StatusCode)
	}
	// A bad department keeps what was typed and says what is wrong, next
	// to the department form only.
	res, page = c.do("POST", "/agencies/"+agencyID+"/departments", url.Values{"csrf_token": {c.csrf}, "name": {"Phòng Thử nghiệm"}, "short_name": {"P-TN"}}, nil)
	if res.StatusCode != 400 || !strings.Contains(string(page), "Tên viết tắt chỉ gồm") || !strings.Contains(string(page), `value="Phòng Thử nghiệm"`) {
		t.Fatalf("bad department: %d", res.StatusCode)
	}
	if strings.Count(string(page), `aria-invalid="true"`) != 1 {
		t.Errorf("the error highlights %d fields, want only the department's short name", strings.Count(string(page), `aria-invalid="true"`))
	}
	// The new user logs in with the temporary password and must change it.
	n := f.anon()
	_, page = n.do("GET", "/login", nil, nil)
	tok := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(string(page))[1]
	res, _ = n.do("POST", "/login", url.Values{"username": {"ba.nguyen"}, "password": {"mật khẩu ban đầu"}, "csrf_token": {tok}}, nil)
	if res.StatusCode != 303 {
		t.Fatalf("new user login: %d", res.StatusCode)
	}
	res, _ = n.do("GET", "/users", nil, nil)
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/account") {
		t.Fatalf("a user with a temporary password reached /users: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestBadRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		big := `{"username":"` + strings.Repeat("a", 2<<20) + `","password":"x"}`
		f.run(t, []scenario{
			{name: "an oversized body is refused with 413", method: "POST", path: "/api/v1/auth/login", body: big, status: 413, contains: []string{"too_large"}},
			{name: "malformed JSON is a 400 saying where", method: "POST", path: "/api/v1/auth/login", body: `{"username": "admin",`, status: 400, contains: []string{"JSON"}},
			{name: "an unknown field is a 400 naming it", method: "POST", path: "/api/v1/auth/login", body: `{"user":"admin","password":"x"}`, status: 400, contains: []string{`unknown field \"user\"`}},
			{name: "a wrong type is a 400 naming the field", as: "admin", method: "POST", path: "/api/v1/agencies", csrf: true, body: `{"code":5}`, status: 400, contains: []string{"code"}},
			{name: "two JSON values are refused", method: "POST", path: "/api/v1/auth/login", body: `{} {}`, status: 400},
			{name: "an invalid agency code names the field", as: "admin", method: "POST", path: "/api/v1/agencies", csrf: true,
				body: `{"parent_id":"{agency:admin}","code":"H56","name":"Sở mới","short_name":"SM","kind":"department"}`, status: 400, contains: []string{`"field": "code"`, "000.00.31.H56"}},
			{name: "errors speak English when asked", as: "admin", method: "POST", path: "/api/v1/agencies", csrf: true, headers: map[string]string{"Accept-Language": "en"},
				body: `{"parent_id":"{agency:admin}","code":"H56","name":"Sở mới","short_name":"SM","kind":"department"}`, status: 400, contains: []string{"is not of the form"}},
			{name: "an unknown API path is a JSON 404", method: "GET", path: "/api/v1/nothing", status: 404, contains: []string{"not_found"}},
			{name: "a bad bearer token is 401", method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Bearer kyso_nope"}, status: 401},
		})
		// None of the refused requests created anything.
		list, _ := f.app.Org.ListAgencies(context.Background(), org.SystemActor("test"))
		if len(list) != 11 {
			t.Errorf("%d agencies after bad requests, want the demo's 11", len(list))
		}
	})
}

func TestBearerTokenNeedsNoCSRF(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	c := f.login("admin")
	_, body := c.do("POST", "/api/v1/tokens", map[string]any{"name": "CI"}, map[string]string{"X-CSRF-Token": c.csrf})
	var tok struct{ Token string }
	_ = json.Unmarshal(body, &tok)
	bare := &client{f: f, http: http.DefaultClient}
	res, body := bare.do("POST", "/api/v1/agencies/"+f.users["admin"].AgencyID+"/departments",
		map[string]string{"name": "Phòng Tổng hợp", "short_name": "TH"}, map[string]string{"Authorization": "Bearer " + tok.Token})
	if res.StatusCode != 201 {
		t.Fatalf("bearer POST: %d %s", res.StatusCode, body)
	}
}

func TestLanguage(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	c := f.anon()
	_, page := c.do("GET", "/login", nil, nil)
	if !strings.Contains(string(page), `lang="vi"`) || !strings.Contains(string(page), "Mật khẩu") {
		t.Error("the default language is not Vietnamese")
	}
	res, _ := c.do("GET", "/lang/en?next=/login", nil, nil)
	if res.StatusCode != 303 {
		t.Fatalf("switch: %d", res.StatusCode)
	}
	_, page = c.do("GET", "/login", nil, nil)
	if !strings.Contains(string(page), `lang="en"`) || !strings.Contains(string(page), "Password") {
		t.Error("the English switch did not stick")
	}
}

func TestHealthAndMetrics(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	c := f.anon()
	res, body := c.do("GET", "/healthz", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("healthz: %d %s", res.StatusCode, body)
	}
	c.do("GET", "/login", nil, nil)
	_, body = c.do("GET", "/metrics", nil, nil)
	for _, want := range []string{`kyso_http_requests_total{code="200",method="GET",route="GET /login"}`, `kyso_http_request_duration_seconds_bucket{method="GET",route="GET /healthz"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	res, _ := f.anon().do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": f.password}, nil)
	if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("security headers missing")
	}
	var found bool
	for _, ck := range res.Cookies() {
		if ck.Name == "kyso_session" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax", ck)
			}
		}
	}
	if !found {
		t.Error("no session cookie")
	}
}
