// Package password hashes and checks user passwords with argon2id
// (RFC 9106), stored in the PHC string format so that parameters can be
// raised later without invalidating existing hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
	KeyLen  uint32
}

// Default follows RFC 9106 §4's second recommended option (t=3, 64 MiB),
// with two lanes for the two cores kyso's reference machine has.
var Default = Params{Time: 3, Memory: 64 * 1024, Threads: 2, KeyLen: 32}

// Fast is for tests and the demo data only: hashing is quick and weak.
var Fast = Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}

// MinLength and MaxLength bound a new password, in characters. The upper
// bound keeps a login request from making argon2 hash megabytes.
const (
	MinLength = 10
	MaxLength = 256
)

// ErrMismatch is returned when a password does not match its hash.
var ErrMismatch = errors.New("password: mismatch")

// Hash derives a PHC-format argon2id hash of pw with a fresh salt.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Check compares pw with a hash made by Hash, in constant time.
func Check(pw, encoded string) error {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return err
	}
	if len(pw) > MaxLength*utf8.UTFMax {
		return ErrMismatch
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return ErrMismatch
	}
	return nil
}

// NeedsRehash reports whether encoded was made with weaker parameters than p.
func NeedsRehash(encoded string, p Params) bool {
	q, _, _, err := decode(encoded)
	return err != nil || q.Time < p.Time || q.Memory < p.Memory
}

func decode(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("password: not an argon2id hash")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errors.New("password: unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("password: parameters: %w", err)
	}
	// Bound what a stored hash can ask for, so a corrupted row cannot make a
	// login allocate gigabytes.
	if p.Memory == 0 || p.Memory > 1<<21 || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return p, nil, nil, errors.New("password: parameters out of range")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, fmt.Errorf("password: salt: %w", err)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, errors.New("password: malformed key")
	}
	return p, salt, key, nil
}

// Validate checks a new password against the policy: long enough, not too
// long, and not only one repeated character. It returns a short reason code
// ("too_short", "too_long", "too_simple") or "" when the password is fine.
func Validate(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return "too_short"
	case n > MaxLength:
		return "too_long"
	}
	first, _ := utf8.DecodeRuneInString(pw)
	if strings.Count(pw, string(first)) == n {
		return "too_simple"
	}
	return ""
}

// Generate returns a random password for a new account: 16 characters from
// an alphabet without look-alikes, easy to read out and type.
func Generate() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("password: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
