package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/auth"
)

// Cookie names. The session cookie takes the __Host- prefix when served over
// HTTPS, which binds it to this host and path /.
const (
	sessionCookie  = "kyso_session"
	preCSRFCookie  = "kyso_csrf"
	csrfFormField  = "csrf_token"
	csrfHeaderName = "X-CSRF-Token"
)

func (s *Server) sessionCookieName() string {
	if s.secure {
		return "__Host-" + sessionCookie
	}
	return sessionCookie
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.app.Log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				s.fail(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs method, path (never the query: it may carry tokens in
// links), status and duration.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" || strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		s.app.Log.Info("http", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", time.Since(start).Milliseconds(), "ip", clientIP(r))
	})
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps every request body; a route that takes uploads raises the
// cap for itself.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, label := int64(MaxBodyBytes), "1 MiB"
		if n, ok := uploadLimit(r.URL.Path); ok {
			limit, label = n, fmt.Sprintf("%d MiB", n>>20)
		}
		if r.ContentLength > limit {
			s.fail(w, r, apperr.New(apperr.TooLarge, "error.body_too_large", label))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// uploadLimits raise the body limit for the routes that take documents.
var uploadLimits = map[string]int64{
	"/api/v1/sign":         64 << 20,
	"/api/v1/sign/prepare": 64 << 20,
	"/api/v1/validate":     2*maxValidateUpload + 1<<20,
	"/verify":              2*maxValidateUpload + 1<<20,
}

// uploadLimit is the body limit of a route that takes documents: an exact
// path of uploadLimits, or a revision of a document (…/documents/{id}/revise).
func uploadLimit(path string) (int64, bool) {
	if n, ok := uploadLimits[path]; ok {
		return n, true
	}
	if strings.HasSuffix(path, "/revise") && (strings.HasPrefix(path, "/documents/") || strings.HasPrefix(path, "/api/v1/documents/")) {
		return uploadLimits["/documents"], true
	}
	return 0, false
}

// authenticate recognises the caller from a bearer token or the session
// cookie. It never refuses: handlers decide whether login is required.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			u, err := s.app.Auth.AuthenticateToken(ctx, strings.TrimPrefix(h, "Bearer "))
			if err != nil {
				s.fail(w, r, err)
				return
			}
			r = r.WithContext(withIdentity(ctx, &identity{actor: u.Actor(clientIP(r)), user: u}))
		} else if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
			u, sess, err := s.app.Auth.Authenticate(ctx, c.Value)
			switch {
			case err == nil:
				r = r.WithContext(withIdentity(ctx, &identity{actor: u.Actor(clientIP(r)), user: u, session: sess, token: c.Value}))
			case err == auth.ErrNoSession:
				s.clearSessionCookie(w)
			default:
				s.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// csrf protects every state-changing request made with the session cookie:
// the browser must echo the session's CSRF token (form field or header), and
// the request must not come from another origin. Bearer-token calls carry no
// ambient credential, so they are exempt. Forms posted before login use a
// double-submit cookie instead.
func (s *Server) csrf(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, apperr.New(apperr.Forbidden, "auth.csrf"))
	}))
	checked := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		id := identityOf(r)
		if id != nil && id.session == nil {
			next.ServeHTTP(w, r) // bearer token
			return
		}
		// Without a session, only forms need the double-submit token: a
		// cross-site page can post a form, but not application/json without
		// a CORS preflight, which kyso never grants (decodeJSON insists on
		// that type).
		if id == nil && !isForm(r) {
			next.ServeHTTP(w, r)
			return
		}
		want := ""
		if id != nil {
			want = id.session.CSRFToken
		} else if c, err := r.Cookie(preCSRFCookie); err == nil {
			want = c.Value
		}
		got := r.Header.Get(csrfHeaderName)
		if got == "" && isForm(r) {
			got = r.PostFormValue(csrfFormField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.fail(w, r, apperr.New(apperr.Forbidden, "auth.csrf"))
			return
		}
		next.ServeHTTP(w, r)
	})
	return cop.Handler(checked)
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}
