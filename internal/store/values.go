package store

import (
	"time"

	"github.com/google/uuid"
)

// Micros converts t to the stored form: microseconds since the Unix epoch, UTC.
// The zero time is stored as 0.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros converts a stored time back; 0 gives the zero time.
func FromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// NewID returns a new row identifier: a UUIDv7, whose time prefix keeps
// B-tree inserts local on both engines and lets several nodes create rows
// without coordination.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}
