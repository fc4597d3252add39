package ocsp

import (
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	xocsp "golang.org/x/crypto/ocsp"
)

// Media types of RFC 6960 Appendix C.
const (
	contentTypeRequest  = "application/ocsp-request"
	contentTypeResponse = "application/ocsp-response"
)

// maxRequestSize bounds a request body, and a GET request once decoded. A
// plain request is under 100 bytes; 16 KiB leaves room for a signed one.
const maxRequestSize = 16 << 10

// headerValues are header value slices shared by every response, so the
// hot path does not allocate them. net/http never modifies them.
type headerValues struct {
	contentType  []string
	noStore      []string
	allowMethods []string
}

func newHeaderValues() headerValues {
	return headerValues{
		contentType:  []string{contentTypeResponse},
		noStore:      []string{"no-store"},
		allowMethods: []string{"GET, POST"},
	}
}

// ServeHTTP answers OCSP requests sent by POST (body application/ocsp-request)
// or GET (base64 request as the last part of the path, RFC 6960 A.1). See
// the package documentation for how to mount it.
func (r *Responder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var der []byte
	var ok, get bool
	switch req.Method {
	case http.MethodPost:
		der, ok = r.readPost(w, req)
	case http.MethodGet:
		der, ok = decodeGet(req.URL.Path)
		get = true
	default:
		w.Header()["Allow"] = r.hdr.allowMethods
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !ok {
		r.writeError(w, http.StatusBadRequest, xocsp.MalformedRequestErrorResponse)
		return
	}
	ocspReq, err := parseRequest(der)
	if err != nil {
		r.log.Debug("ocsp: malformed request", "err", err)
		r.writeError(w, http.StatusBadRequest, xocsp.MalformedRequestErrorResponse)
		return
	}
	is := r.findIssuer(ocspReq)
	if is == nil {
		// RFC 6960 §2.3: we are not authorized to answer for this CA.
		r.writeError(w, http.StatusOK, xocsp.UnauthorizedErrorResponse)
		return
	}

	if ocspReq.nonce != nil {
		r.serveFresh(w, req, is, ocspReq)
		return
	}
	r.serveCached(w, req, is, ocspReq, get)
}

// serveFresh answers a request with a nonce, which makes the response
// unique to the request (RFC 6960 §4.4.1): it is signed now and never
// cached, by the responder or by HTTP caches.
func (r *Responder) serveFresh(w http.ResponseWriter, req *http.Request, is *issuer, ocspReq request) {
	resp, err := r.signFresh(req.Context(), is, ocspReq)
	if err != nil {
		r.writeFailure(w, err)
		return
	}
	h := w.Header()
	h["Content-Type"] = r.hdr.contentType
	h["Cache-Control"] = r.hdr.noStore
	h["Content-Length"] = []string{strconv.Itoa(len(resp))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(resp)
}

// serveCached answers a request without a nonce from the cache: the hot
// path, which writes bytes signed earlier.
func (r *Responder) serveCached(w http.ResponseWriter, req *http.Request, is *issuer, ocspReq request, get bool) {
	e, err := r.cached(req.Context(), is, ocspReq)
	if err != nil {
		r.writeFailure(w, err)
		return
	}
	h := w.Header()
	h["Content-Type"] = r.hdr.contentType
	if get {
		// RFC 5019 §6.2: let HTTP caches keep the response while it is valid.
		maxAge := max(e.nextUpdate-r.now().Unix(), 0)
		h["Cache-Control"] = []string{"max-age=" + strconv.FormatInt(maxAge, 10) + ", public, no-transform, must-revalidate"}
		h["Last-Modified"] = []string{time.Unix(e.producedAt, 0).UTC().Format(http.TimeFormat)}
		h["Expires"] = []string{time.Unix(e.nextUpdate, 0).UTC().Format(http.TimeFormat)}
		etag := e.etag()
		h["Etag"] = []string{etag}
		if inm := req.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	// The response is the entry's head followed by the issuer's shared
	// certificate field (see issuer.certs).
	h["Content-Length"] = []string{strconv.Itoa(len(e.head) + len(is.certs))}
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, e.head); err == nil {
		_, _ = w.Write(is.certs)
	}
}

// readPost returns the body of a POST request, or false if it is not an
// OCSP request of acceptable size.
func (r *Responder) readPost(w http.ResponseWriter, req *http.Request) ([]byte, bool) {
	if ct := req.Header.Get("Content-Type"); ct != contentTypeRequest {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != contentTypeRequest {
			return nil, false
		}
	}
	if req.ContentLength > maxRequestSize {
		return nil, false
	}
	body := http.MaxBytesReader(w, req.Body, maxRequestSize)
	var der []byte
	var err error
	if n := req.ContentLength; n > 0 {
		// The usual case: read exactly the announced length, in one
		// allocation, and make sure nothing follows.
		der = make([]byte, n)
		if _, err = io.ReadFull(body, der); err == nil {
			var one [1]byte
			if m, _ := body.Read(one[:]); m != 0 {
				err = errors.New("ocsp: body longer than Content-Length")
			}
		}
	} else {
		der, err = io.ReadAll(body)
	}
	if err != nil || len(der) == 0 {
		return nil, false
	}
	return der, true
}

// decodeGet decodes the request of a GET (RFC 6960 A.1). path is what is
// left after the caller's http.StripPrefix, so it may start with "/".
// A DER request starts with 0x30, whose base64 starts with "M", so
// leading slashes are never part of the base64 and can be dropped. Path
// is already percent-decoded; a "+" that an intermediary turned into a
// space is turned back, and missing padding is tolerated.
func decodeGet(path string) ([]byte, bool) {
	s := strings.TrimLeft(path, "/")
	if s == "" || len(s) > base64.StdEncoding.EncodedLen(maxRequestSize) {
		return nil, false
	}
	s = strings.ReplaceAll(s, " ", "+")
	enc := base64.StdEncoding
	if len(s)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	der, err := enc.DecodeString(s)
	if err != nil || len(der) == 0 {
		return nil, false
	}
	return der, true
}

// writeError writes an unsigned OCSP error response (RFC 6960 §2.3).
func (r *Responder) writeError(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h["Content-Type"] = r.hdr.contentType
	h["Cache-Control"] = r.hdr.noStore
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// writeFailure answers a request the responder could not sign for:
// tryLater when the Source failed, internalError otherwise.
func (r *Responder) writeFailure(w http.ResponseWriter, err error) {
	var se *sourceError
	if errors.As(err, &se) {
		r.log.Warn("ocsp: source failed", "err", err)
		r.writeError(w, http.StatusServiceUnavailable, xocsp.TryLaterErrorResponse)
		return
	}
	r.log.Error("ocsp: signing failed", "err", err)
	r.writeError(w, http.StatusInternalServerError, xocsp.InternalErrorErrorResponse)
}
