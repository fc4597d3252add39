package pdf

// DefaultMaxSize is the largest input Open accepts unless WithMaxSize says
// otherwise.
const DefaultMaxSize = 512 << 20

// Option configures Open.
type Option func(*settings)

// settings collects the options.
type settings struct {
	maxSize int64
}

// WithMaxSize sets the largest input Open accepts; larger inputs fail with
// ErrTooLarge before a single byte is read. n <= 0 means DefaultMaxSize.
func WithMaxSize(n int64) Option {
	return func(s *settings) { s.maxSize = n }
}
