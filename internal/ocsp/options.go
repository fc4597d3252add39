package ocsp

import (
	"log/slog"
	"time"
)

// Defaults for the options.
const (
	// DefaultValidity is how long a response is valid: nextUpdate − thisUpdate.
	DefaultValidity = 24 * time.Hour
	// DefaultMaxCache is the most responses the cache holds.
	DefaultMaxCache = 1_000_000
	// DefaultRefreshInterval is how often Run looks for responses to re-sign.
	DefaultRefreshInterval = 5 * time.Minute
)

// Option configures a Responder.
type Option func(*config)

type config struct {
	now             func() time.Time
	validity        time.Duration
	logger          *slog.Logger
	maxCache        int
	refreshInterval time.Duration
}

func defaultConfig() config {
	return config{
		now:             time.Now,
		validity:        DefaultValidity,
		logger:          slog.New(slog.DiscardHandler),
		maxCache:        DefaultMaxCache,
		refreshInterval: DefaultRefreshInterval,
	}
}

// WithClock sets the clock that dates responses; tests inject a fake one.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithValidity sets nextUpdate − thisUpdate of every response.
func WithValidity(d time.Duration) Option {
	return func(c *config) { c.validity = d }
}

// WithLogger sets where the responder logs; by default it logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithMaxCache bounds the number of cached responses.
func WithMaxCache(n int) Option {
	return func(c *config) { c.maxCache = n }
}

// WithRefreshInterval sets how often Run looks for responses to re-sign.
func WithRefreshInterval(d time.Duration) Option {
	return func(c *config) { c.refreshInterval = d }
}
