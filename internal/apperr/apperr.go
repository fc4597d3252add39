// Package apperr is the error type that crosses from the domain to the user.
//
// An *Error carries a Kind (which the web layer maps to an HTTP status), a
// message key from package i18n with its arguments (what the user reads, in
// their language, with a next step), and the wrapped cause (what the log
// reads). Errors without an *Error inside are internal: the user sees a
// generic message and the log sees everything.
package apperr

import (
	"errors"

	"github.com/kyso-vn/kyso/internal/i18n"
)

// Kind classifies an error for the caller.
type Kind int

// Kinds of error.
const (
	Internal        Kind = iota // a bug or an outage; not the user's fault
	Invalid                     // the input is wrong; the message says how
	NotFound                    // nothing there, or nothing the caller may see
	Conflict                    // clashes with existing state (duplicate, wrong state)
	Forbidden                   // the caller is known but may not do this
	Unauthenticated             // the caller must log in
	TooMany                     // rate limited; try later
	TooLarge                    // the request body is over the limit
)

func (k Kind) String() string {
	return [...]string{"internal", "invalid", "not_found", "conflict", "forbidden", "unauthenticated", "too_many_requests", "too_large"}[k]
}

// Error is a user-facing error.
type Error struct {
	Kind  Kind
	Key   string // i18n message key
	Args  []any  // i18n message arguments
	Field string // the input field at fault, when there is one
	Err   error  // the cause, for logs; may be nil
}

// Error renders the English message and the cause, for logs and CLIs.
func (e *Error) Error() string {
	msg := i18n.T(i18n.EN, e.Key, e.Args...)
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Message renders what the user reads, in lang.
func (e *Error) Message(lang i18n.Lang) string { return i18n.T(lang, e.Key, e.Args...) }

// New returns an error of kind k with message key and args.
func New(k Kind, key string, args ...any) *Error { return &Error{Kind: k, Key: key, Args: args} }

// Wrap returns an error of kind k whose cause is err.
func Wrap(err error, k Kind, key string, args ...any) *Error {
	return &Error{Kind: k, Key: key, Args: args, Err: err}
}

// WithField names the input field at fault and returns e.
func (e *Error) WithField(field string) *Error {
	e.Field = field
	return e
}

// InvalidField returns an Invalid error that names the field at fault.
func InvalidField(field, key string, args ...any) *Error {
	return &Error{Kind: Invalid, Key: key, Args: args, Field: field}
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf returns the kind of err: Internal unless an *Error says otherwise.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// Message renders err for a user in lang. Internal errors get a generic
// message: their text may hold details the user must not see.
func Message(err error, lang i18n.Lang) string {
	if e, ok := As(err); ok && e.Kind != Internal {
		return e.Message(lang)
	}
	return i18n.T(lang, "error.internal")
}

// Is reports whether err is an *Error of kind k.
func Is(err error, k Kind) bool { return KindOf(err) == k }
