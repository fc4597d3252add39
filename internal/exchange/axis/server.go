package axis

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/store"
)

// Defaults of Config.
const (
	DefaultMaxPackageSize = edxml.MaxSize // 64 MiB, what edxml.Parse accepts
	DefaultMaxPollBytes   = 64 << 20
	DefaultMaxWait        = 30 * time.Second
	maxPollLimit          = 100
	maxAckIDs             = 1000
)

// Config configures a Server.
type Config struct {
	// DB is the axis's own database (migrated): axis_packages and
	// axis_rejections.
	DB *store.DB
	// Log receives one line per refusal and per failure; never a body.
	Log *slog.Logger
	// MaxPackageSize bounds a submitted package (default
	// DefaultMaxPackageSize). A larger one is refused with 413 before it
	// is read whole.
	MaxPackageSize int64
	// MaxPollBytes bounds the bodies one poll answer carries (default
	// DefaultMaxPollBytes); a single larger package still goes out alone.
	MaxPollBytes int64
	// MaxWait bounds a long poll's wait= (default DefaultMaxWait). Keep
	// it below the write timeout of the http.Server (Serve uses 5 min).
	MaxWait time.Duration
	// SignerRoots, when set, are the CAs a package's signing certificate
	// must chain to (at the time of submission, any key usage). Without
	// it the axis checks the signature and the signer's agency code but
	// leaves path validation to the receiver.
	SignerRoots *x509.CertPool
	// CheckSigner replaces the default signer rule: the certificate that
	// signed the package (chain[0]) names the From agency (AgencyCode).
	// A deployment that accepts packages sealed with certificates of
	// other CAs, which carry no code, relaxes it here.
	CheckSigner func(chain []*x509.Certificate, from string) error
	// VerifyClient, when set, is asked about every client certificate
	// after TLS verified it: the place for revocation (OCSP, CRL) checks.
	VerifyClient func(ctx context.Context, cert *x509.Certificate) error
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Server is the axis's HTTP handler. Serve it over TLS with client
// certificates required (ServerTLSConfig, Serve); it refuses a request
// without a verified client certificate.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	waiters waiters
	group   groupCommit
	// closing ends long polls when the server shuts down; submissions
	// and acknowledgements in flight finish.
	closing   chan struct{}
	closeOnce sync.Once
}

// NewServer checks cfg and returns the handler.
func NewServer(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("axis: Config.DB is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.MaxPackageSize <= 0 {
		cfg.MaxPackageSize = DefaultMaxPackageSize
	}
	if cfg.MaxPollBytes <= 0 {
		cfg.MaxPollBytes = DefaultMaxPollBytes
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), closing: make(chan struct{})}
	s.mux.HandleFunc("POST /axis/v1/messages", s.authed(s.submit))
	s.mux.HandleFunc("GET /axis/v1/messages", s.authed(s.poll))
	s.mux.HandleFunc("POST /axis/v1/messages/{id}/ack", s.authed(s.ackOne))
	s.mux.HandleFunc("POST /axis/v1/acks", s.authed(s.ackMany))
	s.mux.HandleFunc("GET /axis/v1/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, ReasonNotFound, "no such endpoint: the axis serves /axis/v1/messages")
	})
	return s, nil
}

// ServeHTTP serves the axis API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// A bug must not take the axis down with it, nor leak a stack
		// to the client.
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.cfg.Log.Error("axis: handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p))
			writeError(w, http.StatusInternalServerError, ReasonInternal, "internal error")
		}
	}()
	s.mux.ServeHTTP(w, r)
}

// ServerTLSConfig is the TLS configuration of an axis listener: the
// axis's own certificate, and client certificates required and verified
// against clientCAs (the CA that issues the agencies' service
// certificates). TLS 1.2 is the floor: some agencies' systems are old.
func ServerTLSConfig(cert tls.Certificate, clientCAs *x509.CertPool) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCAs,
	}
}

// Serve serves h over TLS on ln with tlsConf until ctx ends, then shuts
// down gracefully: long polls answer at once (when h is the *Server
// itself; a wrapping middleware should call Drain), other requests in
// flight get up to 10 s to finish. It returns nil after a shutdown ctx
// asked for.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, tlsConf *tls.Config, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         tlsConf,
		ReadHeaderTimeout: 10 * time.Second,
		// A 64 MiB package over a slow provincial link; and a long poll
		// plus a large answer.
		ReadTimeout:  5 * time.Minute,
		WriteTimeout: 5 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	// Requests in flight are not cancelled (a submission half-stored
	// would be answered 503 and resent for nothing); long polls, which
	// would hold the shutdown for their whole wait, answer at once.
	if s, ok := h.(*Server); ok {
		srv.RegisterOnShutdown(s.Drain)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			// A request still running after the grace period (a
			// large upload on a slow link) is cut; its sender retries.
			log.Warn("axis: shutdown: cutting requests still in flight", "err", err)
			_ = srv.Close()
		}
	}()
	err := srv.ServeTLS(ln, "", "")
	if errors.Is(err, http.ErrServerClosed) {
		<-done
		return nil
	}
	return fmt.Errorf("axis: serve: %w", err)
}

// Drain makes long polls in progress, and any started later, answer at
// once (with what is waiting, often nothing). Serve calls it when it shuts
// down; call it before http.Server.Shutdown when serving the handler
// another way.
func (s *Server) Drain() { s.closeOnce.Do(func() { close(s.closing) }) }

// authed resolves the agency of the client certificate and passes it on.
func (s *Server) authed(next func(w http.ResponseWriter, r *http.Request, code string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
			writeError(w, http.StatusUnauthorized, ReasonUnauthenticated, "a TLS client certificate issued to the agency is required")
			return
		}
		cert := r.TLS.VerifiedChains[0][0]
		code, err := AgencyCode(cert)
		if err != nil {
			writeError(w, http.StatusUnauthorized, ReasonUnauthenticated, err.Error())
			return
		}
		if s.cfg.VerifyClient != nil {
			if err := s.cfg.VerifyClient(r.Context(), cert); err != nil {
				s.cfg.Log.Warn("axis: client certificate refused", "agency", code, "serial", cert.SerialNumber.Text(16), "err", err)
				writeError(w, http.StatusForbidden, ReasonForbidden, "client certificate refused: "+err.Error())
				return
			}
		}
		next(w, r, code)
	}
}

// submit stores a verified package for its receivers.
func (s *Server) submit(w http.ResponseWriter, r *http.Request, client string) {
	ctx := r.Context()
	q := r.URL.Query()
	kind := Kind(q.Get("kind"))
	if kind != "" && !kind.Valid() {
		writeError(w, http.StatusBadRequest, ReasonBadRequest, fmt.Sprintf("kind %q: want document or status", kind))
		return
	}
	max := s.cfg.MaxPackageSize
	if r.ContentLength > max {
		s.refuse(ctx, w, rejection{client: client, reason: ReasonTooLarge, size: r.ContentLength,
			detail: fmt.Sprintf("%d bytes, the limit is %d", r.ContentLength, max)})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.refuse(ctx, w, rejection{client: client, reason: ReasonTooLarge, size: max + 1,
				detail: fmt.Sprintf("more than %d bytes, the limit", max)})
			return
		}
		writeError(w, http.StatusBadRequest, ReasonBadRequest, "reading the package: "+err.Error())
		return
	}
	if kind == "" {
		kind = SniffKind(body)
	}
	p, rej := s.verify(body, kind, client, q["to"])
	if rej != nil {
		rej.body, rej.size = body, int64(len(body))
		s.refuse(ctx, w, *rej)
		return
	}
	dup, err := s.group.store(s.cfg.DB, p, s.cfg.Now())
	if errors.Is(err, errConflict) {
		s.refuse(ctx, w, rejection{client: client, messageID: p.messageID, reason: ReasonConflict, body: body, size: int64(len(body)),
			detail: "message id " + p.messageID + " is already stored for this receiver from another sender"})
		return
	}
	if err != nil {
		s.cfg.Log.Error("axis: store package", "from", client, "message_id", p.messageID, "err", err)
		writeError(w, http.StatusServiceUnavailable, ReasonInternal, "the package could not be stored; retry later")
		return
	}
	for _, to := range p.to {
		s.waiters.wake(to)
	}
	status := http.StatusCreated
	if dup {
		status = http.StatusOK
	} else {
		s.cfg.Log.Debug("axis: stored", "from", p.from, "to", p.to, "kind", p.kind, "message_id", p.messageID, "size", len(body))
	}
	writeJSON(w, status, SubmitResult{MessageID: p.messageID, Kind: p.kind, From: p.from, To: p.to, Duplicate: dup})
}

// verify parses and checks a submitted package. It returns the package to
// store, or why it is refused.
func (s *Server) verify(body []byte, kind Kind, client string, to []string) (*pkg, *rejection) {
	p := &pkg{kind: kind, body: body}
	var chain []*x509.Certificate
	var addressees []string
	var err error
	switch kind {
	case KindStatus:
		var st *edxml.Status
		st, chain, err = edxml.ParseStatus(body, edxml.WithMaxSize(s.cfg.MaxPackageSize))
		if err == nil {
			p.messageID, p.from = st.MessageID(), st.From.OrganID
			addressees = []string{st.ResponseFor.OrganID}
			if st.Code == edxml.StatusWithdrawn && st.ResponseFor.OrganID == st.From.OrganID {
				// A recall goes from the document's sender to its
				// recipients, whom the message does not list: the
				// sender names them with to=.
				if len(to) == 0 {
					return nil, &rejection{client: client, messageID: p.messageID, reason: ReasonBadRequest, detail: "a recall (status 13) names its receivers with to="}
				}
				addressees = to
			}
		}
	default:
		var env *edxml.Envelope
		env, chain, err = edxml.Parse(body, edxml.WithMaxSize(s.cfg.MaxPackageSize))
		if err == nil {
			p.messageID, p.from = env.MessageID, env.Header.From.OrganID
			for _, o := range env.Header.To {
				if !slices.Contains(addressees, o.OrganID) {
					addressees = append(addressees, o.OrganID)
				}
			}
		}
	}
	if err != nil {
		return nil, &rejection{client: client, reason: reasonOf(err), detail: err.Error()}
	}
	if p.messageID == "" || len(p.messageID) > 200 {
		return nil, &rejection{client: client, reason: ReasonInvalid, detail: "the package has no usable message id (TraceHeaderList id)"}
	}
	if p.from != client {
		return nil, &rejection{client: client, messageID: p.messageID, reason: ReasonWrongSender,
			detail: fmt.Sprintf("the package is from %s but the client certificate is %s's: an agency submits only its own packages", p.from, client)}
	}
	if err := s.checkSigner(chain, p.from); err != nil {
		reason := ReasonWrongSigner
		if errors.Is(err, errUntrusted) {
			reason = ReasonUntrustedSigner
		}
		return nil, &rejection{client: client, messageID: p.messageID, reason: reason, detail: err.Error()}
	}
	if len(to) == 0 {
		p.to = addressees
	} else {
		for _, c := range to {
			if !slices.Contains(addressees, c) {
				return nil, &rejection{client: client, messageID: p.messageID, reason: ReasonNotAddressed,
					detail: fmt.Sprintf("%q is not an addressee of the package (addressees: %v)", c, addressees)}
			}
			if !slices.Contains(p.to, c) {
				p.to = append(p.to, c)
			}
		}
	}
	if len(p.to) == 0 {
		return nil, &rejection{client: client, messageID: p.messageID, reason: ReasonInvalid, detail: "the package has no addressee"}
	}
	return p, nil
}

var errUntrusted = errors.New("axis: signing certificate not trusted")

// checkSigner applies Config.CheckSigner, or the default rule, and then
// Config.SignerRoots.
func (s *Server) checkSigner(chain []*x509.Certificate, from string) error {
	if s.cfg.CheckSigner != nil {
		if err := s.cfg.CheckSigner(chain, from); err != nil {
			return err
		}
	} else {
		code, err := AgencyCode(chain[0])
		if err != nil {
			return fmt.Errorf("the signing certificate %q: %w", chain[0].Subject.CommonName, err)
		}
		if code != from {
			return fmt.Errorf("the package is from %s but was signed with a certificate of %s", from, code)
		}
	}
	if s.cfg.SignerRoots != nil {
		inter := x509.NewCertPool()
		for _, c := range chain[1:] {
			inter.AddCert(c)
		}
		_, err := chain[0].Verify(x509.VerifyOptions{Roots: s.cfg.SignerRoots, Intermediates: inter,
			CurrentTime: s.cfg.Now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if err != nil {
			return fmt.Errorf("%w: %v", errUntrusted, err)
		}
	}
	return nil
}

// reasonOf maps an edxml error to the reason the client reads.
func reasonOf(err error) Reason {
	switch {
	case errors.Is(err, edxml.ErrTooLarge):
		return ReasonTooLarge
	case errors.Is(err, edxml.ErrDTD):
		return ReasonDTD
	case errors.Is(err, edxml.ErrUnsigned):
		return ReasonUnsigned
	case errors.Is(err, edxml.ErrBadSignature), errors.Is(err, edxml.ErrAttachmentDigest):
		return ReasonBadSignature
	case errors.Is(err, edxml.ErrInvalid), errors.Is(err, edxml.ErrOrganID):
		return ReasonInvalid
	}
	return ReasonMalformed
}

// statusOf is the HTTP status of a refusal.
func statusOf(r Reason) int {
	switch r {
	case ReasonTooLarge:
		return http.StatusRequestEntityTooLarge
	case ReasonWrongSender:
		return http.StatusForbidden
	case ReasonConflict:
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// refuse logs a refused package and answers with the reason.
func (s *Server) refuse(ctx context.Context, w http.ResponseWriter, rej rejection) {
	s.cfg.Log.Warn("axis: package refused", "client", rej.client, "message_id", rej.messageID, "reason", rej.reason, "size", rej.size, "detail", truncate(rej.detail))
	// The log entry must not be lost to a client that hung up.
	if err := logRejection(context.WithoutCancel(ctx), s.cfg.DB, rej, s.cfg.Now()); err != nil {
		s.cfg.Log.Error("axis: log rejection", "client", rej.client, "err", err)
	}
	writeError(w, statusOf(rej.reason), rej.reason, truncate(rej.detail))
}

func truncate(s string) string {
	if len(s) <= maxDetail {
		return s
	}
	return s[:maxDetail] + "…"
}

// poll answers with the agency's unacknowledged packages, waiting for one
// up to wait= when there are none.
func (s *Server) poll(w http.ResponseWriter, r *http.Request, code string) {
	q := r.URL.Query()
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPollLimit {
			writeError(w, http.StatusBadRequest, ReasonBadRequest, fmt.Sprintf("limit %q: want 1 to %d", v, maxPollLimit))
			return
		}
		limit = n
	}
	var wait time.Duration
	if v := q.Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			writeError(w, http.StatusBadRequest, ReasonBadRequest, fmt.Sprintf("wait %q: want a duration such as 30s", v))
			return
		}
		wait = min(d, s.cfg.MaxWait)
	}
	ctx := r.Context()
	deadline := time.Now().Add(wait)
	for {
		// Register before reading, so that a package stored between the
		// read and the wait still wakes this poll.
		ch, cancel := s.waiters.add(code)
		msgs, err := pending(ctx, s.cfg.DB, code, limit, s.cfg.MaxPollBytes)
		if err != nil {
			cancel()
			s.cfg.Log.Error("axis: poll", "agency", code, "err", err)
			writeError(w, http.StatusServiceUnavailable, ReasonInternal, "the axis could not read its store; retry later")
			return
		}
		left := time.Until(deadline)
		if len(msgs) > 0 || left <= 0 {
			cancel()
			writeJSON(w, http.StatusOK, pollResult{Messages: msgs})
			return
		}
		// Another axis node sharing the database cannot wake this one:
		// look again at least every second.
		t := time.NewTimer(min(left, time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			cancel()
			return
		case <-s.closing:
			deadline = time.Now() // answer after one last look
		case <-ch:
		case <-t.C:
		}
		t.Stop()
		cancel()
	}
}

func (s *Server) ackOne(w http.ResponseWriter, r *http.Request, code string) {
	id := r.PathValue("id")
	n, err := ack(r.Context(), s.cfg.DB, code, []string{id}, s.cfg.Now())
	if err != nil {
		s.cfg.Log.Error("axis: ack", "agency", code, "err", err)
		writeError(w, http.StatusServiceUnavailable, ReasonInternal, "the acknowledgement could not be stored; retry later")
		return
	}
	if n == 0 {
		writeError(w, http.StatusNotFound, ReasonNotFound, "no package "+id+" for "+code)
		return
	}
	writeJSON(w, http.StatusOK, ackResult{Acked: n})
}

func (s *Server) ackMany(w http.ResponseWriter, r *http.Request, code string) {
	var req ackRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, ReasonBadRequest, "the body must be {\"ids\": [...]}: "+err.Error())
		return
	}
	if len(req.IDs) > maxAckIDs {
		writeError(w, http.StatusBadRequest, ReasonBadRequest, fmt.Sprintf("%d ids; at most %d at once", len(req.IDs), maxAckIDs))
		return
	}
	n, err := ack(r.Context(), s.cfg.DB, code, req.IDs, s.cfg.Now())
	if err != nil {
		s.cfg.Log.Error("axis: ack", "agency", code, "err", err)
		writeError(w, http.StatusServiceUnavailable, ReasonInternal, "the acknowledgement could not be stored; retry later")
		return
	}
	writeJSON(w, http.StatusOK, ackResult{Acked: n})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, reason Reason, msg string) {
	var b errorBody
	b.Error.Code, b.Error.Message = reason, msg
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, status, b)
}

// waiters wakes long polls when a package for their agency is stored.
type waiters struct {
	mu sync.Mutex
	m  map[string]map[chan struct{}]struct{}
}

// add registers a waiter for code; cancel removes it.
func (ws *waiters) add(code string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	ws.mu.Lock()
	if ws.m == nil {
		ws.m = map[string]map[chan struct{}]struct{}{}
	}
	set := ws.m[code]
	if set == nil {
		set = map[chan struct{}]struct{}{}
		ws.m[code] = set
	}
	set[ch] = struct{}{}
	ws.mu.Unlock()
	return ch, func() {
		ws.mu.Lock()
		delete(set, ch)
		if len(set) == 0 && ws.m[code] != nil && len(ws.m[code]) == 0 {
			delete(ws.m, code)
		}
		ws.mu.Unlock()
	}
}

// wake signals every waiter of code.
func (ws *waiters) wake(code string) {
	ws.mu.Lock()
	for ch := range ws.m[code] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	ws.mu.Unlock()
}
