package tsa

import (
	"encoding/asn1"
	"log/slog"
	"time"
)

// DefaultAccuracy is the accuracy an Authority claims unless WithAccuracy
// says otherwise (RFC 3161 §2.4.2 "accuracy").
const DefaultAccuracy = time.Second

// Option configures an Authority.
type Option func(*settings)

// settings collects the options before New checks them.
type settings struct {
	policy   asn1.ObjectIdentifier
	accuracy time.Duration
	now      func() time.Time
	serials  SerialSource
	log      *slog.Logger
}

// WithPolicy sets the TSA policy OID written into every token; requests that
// name another policy are rejected with unacceptedPolicy (RFC 3161 §2.4.1).
func WithPolicy(oid asn1.ObjectIdentifier) Option {
	return func(s *settings) { s.policy = oid }
}

// WithAccuracy sets the accuracy claimed in every token; zero omits the field
// (RFC 3161 §2.4.2 allows it to be "available through other means").
func WithAccuracy(d time.Duration) Option {
	return func(s *settings) { s.accuracy = d }
}

// WithClock sets the source of genTime, e.g. a clock disciplined by a
// dedicated time source, or a fake one in tests.
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.now = now }
}

// WithSerials sets where token serial numbers come from.
func WithSerials(src SerialSource) Option {
	return func(s *settings) { s.serials = src }
}

// WithLogger sets where the Authority reports clock steps and failures; by
// default it logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) { s.log = l }
}
