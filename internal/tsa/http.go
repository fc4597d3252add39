package tsa

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/digitorus/timestamp"
)

// Media types of the HTTP transport (RFC 3161 §3.4).
const (
	queryType = "application/timestamp-query"
	replyType = "application/timestamp-reply"
)

// MaxQuerySize is the largest request body ServeHTTP reads. A TimeStampReq
// is about a hundred bytes; 64 KiB leaves room for any extension while
// bounding what a client can make the server buffer.
const MaxQuerySize = 64 << 10

// ServeHTTP answers a POSTed application/timestamp-query with an
// application/timestamp-reply (RFC 3161 §3.4). Every answer carries a DER
// TimeStampResp:
//   - 200 with a token, or with a rejection when the query was readable but
//     refused (badAlg, badDataFormat for a wrong imprint length,
//     unacceptedPolicy, unacceptedExtension);
//   - 400 with a rejection when the HTTP request or the DER is malformed:
//     another method, another content type, a body over MaxQuerySize
//     (badRequest), or bytes that are no TimeStampReq (badDataFormat);
//   - 500 with systemFailure when no token could be made.
func (a *Authority) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		a.reply(w, http.StatusBadRequest, a.malformed(timestamp.BadRequest,
			fmt.Sprintf("method %s; a time-stamp query is POSTed (RFC 3161 §3.4)", r.Method)))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != queryType {
		a.reply(w, http.StatusBadRequest, a.malformed(timestamp.BadRequest,
			fmt.Sprintf("content type %q; a time-stamp query is %s (RFC 3161 §3.4)", r.Header.Get("Content-Type"), queryType)))
		return
	}
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, MaxQuerySize))
		if err != nil {
			msg := fmt.Sprintf("reading the query: %v", err)
			if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
				msg = fmt.Sprintf("query larger than %d bytes", MaxQuerySize)
			}
			a.reply(w, http.StatusBadRequest, a.malformed(timestamp.BadRequest, msg))
			return
		}
	}
	q, err := parseQuery(body)
	if err != nil {
		a.reply(w, http.StatusBadRequest, a.malformed(timestamp.BadDataFormat, "not a DER TimeStampReq: "+err.Error()))
		return
	}
	resp, err := a.answer(r.Context(), q)
	if err != nil {
		a.log.Error("tsa: no time-stamp token could be made", "err", err)
		// The cause stays in the log: it may name internals (HSM,
		// database) that are no business of the requester.
		a.reply(w, http.StatusInternalServerError, a.malformed(timestamp.SystemFailure, "the time-stamp authority failed; try again later"))
		return
	}
	a.reply(w, http.StatusOK, resp)
}

// malformed encodes a rejection for ServeHTTP. Encoding a fixed small
// structure cannot fail, but if it ever did the requester still gets the
// HTTP status, with an empty body.
func (a *Authority) malformed(info timestamp.FailureInfo, text string) []byte {
	resp, err := a.refuse(rejection{info, text})
	if err != nil {
		a.log.Error("tsa: encoding a rejection", "err", err)
	}
	return resp
}

// reply writes a TimeStampResp.
func (a *Authority) reply(w http.ResponseWriter, status int, resp []byte) {
	h := w.Header()
	h.Set("Content-Type", replyType)
	h.Set("Content-Length", strconv.Itoa(len(resp)))
	// Every response is unique (serial, nonce, genTime); none may be
	// served again from a cache.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(resp) // a requester that went away needs no answer
}
