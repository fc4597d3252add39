package blob

import (
	"context"
	"errors"
	"io"
)

// Ref identifies stored content.
type Ref struct {
	SHA256 string // lowercase hex, 64 characters
	Size   int64  // in bytes
}

// Store is a content-addressed blob store.
type Store interface {
	// Put streams r into the store and returns the address of its content.
	// Storing content that is already present is not an error.
	Put(ctx context.Context, r io.Reader) (Ref, error)
	// Open returns the content stored under sha256hex; the caller closes it.
	Open(ctx context.Context, sha256hex string) (io.ReadCloser, error)
	// Stat returns the Ref of the content stored under sha256hex.
	Stat(ctx context.Context, sha256hex string) (Ref, error)
	// Delete removes the content stored under sha256hex, returning
	// ErrNotFound if there is none.
	Delete(ctx context.Context, sha256hex string) error
}

// ErrNotFound is returned (wrapped) when no content is stored under a hash.
var ErrNotFound = errors.New("blob: not found")

// ErrTooLarge is returned (wrapped) by Put when content exceeds the store's
// maximum size.
var ErrTooLarge = errors.New("blob: too large")

// ErrInvalidHash is returned (wrapped) when a hash argument is not 64
// lowercase hex digits.
var ErrInvalidHash = errors.New("blob: invalid hash")

// ErrCorrupt is returned (wrapped) by Verify when stored bytes no longer hash
// to their address.
var ErrCorrupt = errors.New("blob: corrupt")

// ValidHash reports whether s is a SHA-256 digest in lowercase hex.
//
// Only lowercase is accepted so that one digest has exactly one spelling, in
// file names and in database columns alike.
func ValidHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
