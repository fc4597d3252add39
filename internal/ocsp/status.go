package ocsp

import (
	"context"
	"math/big"
	"time"
)

// Status is a certificate's status as the responder reports it (RFC 6960 §2.2).
type Status int

// The three certificate statuses of RFC 6960 §2.2. A suspended certificate
// is Revoked with reason certificateHold; resuming it makes it Good again.
const (
	// Good means the certificate is not revoked; it says nothing about its validity period.
	Good Status = iota
	// Revoked means the certificate is revoked, permanently or on hold.
	Revoked
	// Unknown means the responder does not know the serial number.
	Unknown
)

// String returns the RFC 6960 name of the status.
func (s Status) String() string {
	switch s {
	case Good:
		return "good"
	case Revoked:
		return "revoked"
	case Unknown:
		return "unknown"
	default:
		return "invalid"
	}
}

// Entry is what the certificate database knows about one serial number.
type Entry struct {
	// Status is the certificate's status.
	Status Status
	// RevokedAt is when the certificate was revoked or suspended; required when Status is Revoked.
	RevokedAt time.Time
	// Reason is the RFC 5280 CRLReason code (0–10, not 7); 0 (unspecified) is omitted from responses.
	Reason int
	// NotAfter is the certificate's expiry; the zero time means unknown.
	NotAfter time.Time
}

// Source answers from kyso's certificate database; the pki package implements it.
//
// Each Issuer has its own Source, which answers only for certificates that
// issuer signed: an unknown serial returns Entry{Status: Unknown} and a nil
// error. A non-nil error means the database could not answer; the responder
// then says tryLater and keeps no result.
type Source interface {
	// Lookup returns the status of the certificate with this serial number.
	Lookup(ctx context.Context, serial *big.Int) (Entry, error)
}
