package pades

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// PendingStore keeps two-phase signatures between the prepare and complete
// requests, as files in a directory: each one's document and saved state,
// bound to the user who prepared it. On several nodes the directory must
// be shared (it lives in the data directory).
type PendingStore struct {
	Dir string
	TTL time.Duration // 15 minutes by default
}

// ErrPendingNotFound means no pending signature has that handle for that
// user, or it expired.
var ErrPendingNotFound = errors.New("pades: no such pending signature")

// NewSlot returns a handle and a fresh directory for a pending signature.
func (s *PendingStore) NewSlot() (id, dir string, err error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	id = hex.EncodeToString(b)
	dir = filepath.Join(s.Dir, id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("pades: pending directory: %w", err)
	}
	return id, dir, nil
}

// Save records p under id for owner.
func (s *PendingStore) Save(id, owner string, p *Pending) error {
	state, err := p.MarshalBinary()
	if err != nil {
		return err
	}
	dir := filepath.Join(s.Dir, id)
	if err := os.WriteFile(filepath.Join(dir, "owner"), []byte(owner), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "state.json"), state, 0o600)
}

// Load restores the pending signature id if owner prepared it and it has
// not expired.
func (s *PendingStore) Load(id, owner string, tsa TimeStamper, rev Revocation) (*Pending, error) {
	if len(id) != 32 {
		return nil, ErrPendingNotFound
	}
	if _, err := hex.DecodeString(id); err != nil {
		return nil, ErrPendingNotFound
	}
	dir := filepath.Join(s.Dir, id)
	who, err := os.ReadFile(filepath.Join(dir, "owner"))
	if err != nil || string(who) != owner {
		return nil, ErrPendingNotFound
	}
	st, err := os.Stat(filepath.Join(dir, "state.json"))
	if err != nil || time.Since(st.ModTime()) > s.ttl() {
		return nil, ErrPendingNotFound
	}
	data, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return nil, ErrPendingNotFound
	}
	return Resume(data, tsa, rev)
}

// Remove deletes a pending signature and its files.
func (s *PendingStore) Remove(id string) { os.RemoveAll(filepath.Join(s.Dir, id)) }

// Purge removes pending signatures older than the TTL.
func (s *PendingStore) Purge() error {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > s.ttl() {
			os.RemoveAll(filepath.Join(s.Dir, e.Name()))
		}
	}
	return nil
}

func (s *PendingStore) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return 15 * time.Minute
}
