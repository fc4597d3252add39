package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/org"
)

// vietnam is UTC+7, with no daylight saving: a fixed zone needs no tzdata.
var vietnam = time.FixedZone("ICT", 7*3600)

// pages holds one template set per page, each with the shared layout.
type pages struct{ set map[string]*template.Template }

var funcs = template.FuncMap{
	"t":        func(l i18n.Lang, key string, args ...any) string { return i18n.T(l, key, args...) },
	"roleName": func(l i18n.Lang, r org.Role) string { return i18n.T(l, r.I18nKey()) },
	"kindName": func(l i18n.Lang, k org.Kind) string { return i18n.T(l, "kind."+string(k)) },
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(vietnam).Format("02/01/2006 15:04")
	},
	"indent": func(depth int) string { return strings.Repeat("— ", depth) },
	"hasRole": func(roles []org.Role, r string) bool {
		for _, x := range roles {
			if string(x) == r {
				return true
			}
		}
		return false
	},
	"allRoles": func() []org.Role { return org.AllRoles },
	"list":     func(items ...string) []string { return items },
	// actionName shows an audited action in words, or its code when it
	// has none yet.
	"actionName": func(l i18n.Lang, action string) string {
		if key := "audit.action." + action; i18n.Has(key) {
			return i18n.T(l, key)
		}
		return action
	},
	"invalid":  func(fe *formError, field string) bool { return fe != nil && fe.Field == field },
	"allKinds": func() []org.Kind { return org.AllKinds },
}

func parsePages() (*pages, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{set: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		p.set[name] = t
	}
	return p, nil
}

// view is what every page template receives.
type view struct {
	L      i18n.Lang
	Other  i18n.Lang // the language the switch offers
	Actor  *org.Actor
	User   *org.User
	CSRF   string
	Path   string
	Flash  string
	Title  string
	Data   any
	Status int
}

// errorPage is the data of the error template.
type errorPage struct {
	Message string
	Status  int
}

func (s *Server) newView(r *http.Request, title string, data any) *view {
	l := i18n.FromRequest(r)
	v := &view{L: l, Other: i18n.EN, Path: r.URL.Path, Title: title, Data: data}
	if l == i18n.EN {
		v.Other = i18n.VI
	}
	if id := identityOf(r); id != nil {
		v.Actor, v.User = id.actor, id.user
		if id.session != nil {
			v.CSRF = id.session.CSRFToken
		}
	}
	if ok := r.URL.Query().Get("ok"); ok != "" && i18n.Has("flash."+ok) {
		v.Flash = i18n.T(l, "flash."+ok)
	}
	return v
}

// render writes page name with data; title is an i18n key.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title string, data any) {
	s.renderStatus(w, r, http.StatusOK, name, data, title)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, data any, title ...string) {
	t, ok := s.pages.set[name]
	if !ok {
		s.app.Log.Error("no such template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	key := "page." + name
	if len(title) > 0 {
		key = title[0]
	}
	v := s.newView(r, key, data)
	v.Status = status
	if v.CSRF == "" {
		v.CSRF = s.preSessionCSRF(w, r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.app.Log.Error("render", "template", name, "err", err)
		http.Error(w, "render failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// preSessionCSRF returns the double-submit token for forms shown before
// login, setting its cookie when missing.
func (s *Server) preSessionCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	tok := newCSRFToken()
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: tok, Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
	return tok
}
