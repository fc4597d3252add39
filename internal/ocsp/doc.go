// Package ocsp is kyso's OCSP responder (RFC 6960), built so that the hot
// path signs nothing: answering a query is a map lookup and a copy of
// bytes signed earlier.
//
// # Boundary
//
// The package knows certificates only by issuer and serial number. It
// asks a Source, which the pki package implements over kyso's certificate
// database, for a serial's status, and it signs with a delegated responder
// key (RFC 6960 §4.2.2.2) that the caller loads. It does not revoke,
// suspend or issue anything, keep any state on disk, or decide who may
// query: every query is anonymous. After changing a certificate's status
// the caller must call Invalidate, which re-signs that serial's responses
// immediately; without it the old status would be served until the next
// refresh.
//
// # Responses
//
// Requests without a nonce, which is what browsers, Windows and RFC 5019
// clients send, are answered from a cache keyed by issuer, CertID hash
// algorithm and serial. A miss looks the serial up and signs once, however
// many requests are waiting for it. Run re-signs cached responses whose
// validity is half gone, and Prime fills the cache at start-up. Each
// response is valid for WithValidity (default 24h) from a thisUpdate one
// minute in the past, to allow for slow client clocks.
//
// Requests with a nonce (id-pkix-ocsp-nonce, RFC 6960 §4.4.1, sizes per
// RFC 9654) are signed fresh and echo the nonce in responseExtensions;
// they cost a signature each and are never cached.
//
// CertIDs may use SHA-1 or SHA-256. A CertID naming an issuer we do not
// serve, or using another hash, gets "unauthorized" (RFC 6960 §2.3) with
// HTTP 200, as it is a well-formed OCSP answer; an unknown serial of one
// of our issuers gets a signed "unknown". An OCSPRequest may list several
// certificates, but only the first is answered: the cache holds one
// SingleResponse per serial, and clients ask about one certificate at a
// time. Signed requests are accepted and their signature ignored (RFC 6960
// §4.1.2). Anything unparsable gets HTTP 400 with "malformedRequest"; a
// Source failure gets HTTP 503 with "tryLater" and a signing failure HTTP
// 500 with "internalError". Neither error is cached.
//
// # Mounting
//
// ServeHTTP takes POST requests with a body of type
// application/ocsp-request, at any path, and GET requests whose path,
// after the mount prefix, is the base64 request (RFC 6960 Appendix A.1).
// The caller strips the prefix with http.StripPrefix, with or without its
// trailing slash, as leading slashes are not part of any request's base64:
//
//	h := http.StripPrefix("/ocsp", responder)
//	mux.Handle("/ocsp", h)  // POST http://host/ocsp
//	mux.Handle("/ocsp/", h) // GET http://host/ocsp/MFEwTzBN…, POST http://host/ocsp/
//
// or, equally, mux.Handle("/ocsp/", http.StripPrefix("/ocsp/", responder)).
//
// An http.ServeMux redirects a path containing "//" to a cleaned one,
// which corrupts a base64 request that contains "//" unencoded (about one
// GET in fifty). Clients that percent-encode the base64, as RFC 6960
// asks, are unaffected. To serve clients that do not, route the prefix
// before any ServeMux, for example
//
//	http.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		if strings.HasPrefix(r.URL.Path, "/ocsp/") {
//			http.StripPrefix("/ocsp", responder).ServeHTTP(w, r)
//			return
//		}
//		mux.ServeHTTP(w, r)
//	}))
//
// Cached answers to GET carry Cache-Control max-age up to nextUpdate,
// Last-Modified (producedAt), Expires (nextUpdate) and an ETag, so that
// HTTP caches can share them (RFC 5019 §6.2).
package ocsp
