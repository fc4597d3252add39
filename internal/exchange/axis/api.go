package axis

import (
	"errors"
	"fmt"
	"time"
)

// Reason is the stable code of an axis error, in the JSON body's
// error.code and in the axis_rejections table. Clients branch on it; the
// message beside it is for people.
type Reason string

// Reasons. The first group refuses a package and is logged in
// axis_rejections; the second is about the request.
const (
	ReasonTooLarge        Reason = "too_large"        // 413: over Config.MaxPackageSize
	ReasonDTD             Reason = "dtd"              // 422: a DTD or entity declaration (XXE, entity expansion)
	ReasonMalformed       Reason = "malformed"        // 422: not a well-formed edXML package or status message
	ReasonUnsigned        Reason = "unsigned"         // 422: no XML-DSig signature
	ReasonBadSignature    Reason = "bad_signature"    // 422: the signature does not verify, or an attachment's digest
	ReasonInvalid         Reason = "invalid"          // 422: signed, but its content breaks a rule of the standard
	ReasonWrongSender     Reason = "wrong_sender"     // 403: the authenticated agency is not the package's From
	ReasonWrongSigner     Reason = "wrong_signer"     // 422: the signing certificate does not name the package's From
	ReasonUntrustedSigner Reason = "untrusted_signer" // 422: the signing certificate does not chain to Config.SignerRoots
	ReasonNotAddressed    Reason = "not_addressed"    // 422: a to= receiver is not an addressee of the package
	ReasonConflict        Reason = "conflict"         // 409: another sender already used this message id for this receiver

	ReasonBadRequest      Reason = "bad_request"     // 400: a query parameter or JSON body is wrong
	ReasonUnauthenticated Reason = "unauthenticated" // 401: no client certificate, or one naming no agency
	ReasonForbidden       Reason = "forbidden"       // 403: the certificate was refused by Config.VerifyClient
	ReasonNotFound        Reason = "not_found"       // 404: no such package for this agency
	ReasonInternal        Reason = "internal"        // 500: the axis failed; retry later
)

// Error is an error answer from the axis, as the Client returns it.
type Error struct {
	StatusCode int    // the HTTP status
	Reason     Reason // error.code
	Message    string // error.message
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	return fmt.Sprintf("axis: %d %s: %s", e.StatusCode, e.Reason, e.Message)
}

// Permanent reports whether resending the same package cannot succeed:
// the axis refused the package itself (a Reason of the first group) or
// the request's form. Everything else is temporary, including a refused
// client certificate (401, 403 forbidden) and an unknown endpoint (404):
// those are the deployment's configuration, and once an operator fixes
// it (renews the certificate, corrects the URL) the queued packages must
// go without anyone resending them.
func (e *Error) Permanent() bool {
	switch e.Reason {
	case ReasonTooLarge, ReasonDTD, ReasonMalformed, ReasonUnsigned, ReasonBadSignature, ReasonInvalid,
		ReasonWrongSender, ReasonWrongSigner, ReasonUntrustedSigner, ReasonNotAddressed, ReasonConflict, ReasonBadRequest:
		return true
	}
	return false
}

// IsPermanent reports whether err is an axis answer that retrying cannot
// change (see Error.Permanent). Network errors are not permanent.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent()
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error struct {
		Code    Reason `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// SubmitResult is the answer to a submission.
type SubmitResult struct {
	MessageID string   `json:"message_id"` // Envelope.MessageID or Status.MessageID()
	Kind      Kind     `json:"kind"`
	From      string   `json:"from"`
	To        []string `json:"to"`        // the receivers it was stored for
	Duplicate bool     `json:"duplicate"` // true when every copy was stored before
}

// Message is a package waiting for its receiver, as a poll returns it.
type Message struct {
	ID        string    `json:"id"`         // the axis's id of this copy: what to acknowledge
	MessageID string    `json:"message_id"` // the package's message id, the receiver's dedup key
	Kind      Kind      `json:"kind"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	StoredAt  time.Time `json:"stored_at"`
	Body      []byte    `json:"body"` // the signed edXML, base64 in JSON
}

// pollResult is the answer to a poll.
type pollResult struct {
	Messages []Message `json:"messages"`
}

// ackRequest is the body of POST /axis/v1/acks.
type ackRequest struct {
	IDs []string `json:"ids"`
}

// ackResult answers an acknowledgement.
type ackResult struct {
	Acked int `json:"acked"`
}
