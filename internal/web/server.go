// Package web serves kyso over HTTP: server-rendered HTML pages for people
// and the JSON API under /api/v1/ for other software, plus /healthz and
// /metrics. Handlers parse input, call the domain services (which check
// permissions and write audit events) and render the result; they hold no
// policy of their own.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"runtime"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kyso-vn/kyso/internal/app"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

//go:embed openapi.json
var openapiJSON []byte

// Server is kyso's HTTP handler.
type Server struct {
	app       *app.App
	mux       *http.ServeMux
	handler   http.Handler
	ocsp      http.Handler // /ocsp, dispatched before the mux (see ServeHTTP)
	pages     *pages
	metrics   *metrics
	registry  *prometheus.Registry
	apiRoutes []string // "METHOD /api/v1/…" patterns, checked against openapi.json by tests
	secure    bool     // cookies carry Secure

	// validateSlots bounds concurrent validations: each may hold a 64 MiB
	// file and wait on slow OCSP and CRL services.
	validateSlots chan struct{}
}

// MaxBodyBytes bounds request bodies unless a route sets its own limit.
const MaxBodyBytes = 1 << 20

// New builds the handler for a.
func New(a *app.App) (*Server, error) {
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{app: a, mux: http.NewServeMux(), pages: p, registry: prometheus.NewRegistry(),
		validateSlots: make(chan struct{}, 4*runtime.GOMAXPROCS(0))}
	s.secure = len(a.Config.PublicURL) > 8 && a.Config.PublicURL[:8] == "https://"
	s.metrics = newMetrics(s.registry)
	s.routes()
	s.handler = s.recoverer(s.metrics.middleware(s.logRequests(s.securityHeaders(s.limitBody(s.authenticate(s.csrf(s.mux)))))))
	if a.OCSP != nil {
		// RFC 6960 A.1: POST to /ocsp, GET /ocsp/{base64 request}. It needs
		// no session, CSRF or body limit of ours (the responder bounds its
		// input), and it must not pass through ServeMux, which "cleans"
		// paths and so redirects a base64 request that contains "//".
		strip := http.StripPrefix("/ocsp", a.OCSP)
		s.ocsp = s.recoverer(s.metrics.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			setRoute(r, "/ocsp")
			strip.ServeHTTP(w, r)
		})))
	}
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.ocsp != nil && (r.URL.Path == "/ocsp" || strings.HasPrefix(r.URL.Path, "/ocsp/")) {
		s.ocsp.ServeHTTP(w, r)
		return
	}
	s.handler.ServeHTTP(w, r)
}

func (s *Server) static() http.Handler {
	sub, _ := fs.Sub(staticFiles, "static")
	fsrv := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.StripPrefix("/static/", fsrv).ServeHTTP(w, r)
	})
}
