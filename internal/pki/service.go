package pki

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/store"
)

// Identity kinds.
const (
	KindRoot    = "root"
	KindIssuing = "issuing"
	KindOCSP    = "ocsp"
	KindTSA     = "tsa"
)

// Identity is a CA or service identity kyso runs: its certificate and where
// its key lives.
type Identity struct {
	ID       string
	Kind     string
	Name     string
	IssuerID string
	KeyURI   string
	Cert     *x509.Certificate

	once   sync.Once
	signer crypto.Signer
	err    error
}

// Config is what the service needs from the installation.
type Config struct {
	// DataDir resolves relative file: key URIs.
	DataDir string
	// PublicURL is the base of the URLs written into certificates
	// (AIA, CRL distribution points).
	PublicURL string
	// Passphrase encrypts and decrypts file keys.
	Passphrase []byte
	// KeyOptions open other keys (the PKCS#11 module and PIN).
	KeyOptions []keys.Option
	// Now is the clock; time.Now by default.
	Now func() time.Time
}

// Service issues and revokes certificates.
type Service struct {
	db  store.Handle
	cfg Config

	mu         sync.RWMutex
	identities map[string]*Identity
	byKind     map[string]*Identity

	lint linter
	// OnStatusChange is called after a certificate's status changed and
	// committed (the OCSP responder re-signs its answer).
	OnStatusChange func(ctx context.Context, serial *big.Int)
}

// Open loads the CA identities from the database. Keys are opened on first use.
func Open(ctx context.Context, db store.Handle, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{db: db, cfg: cfg}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Service) load(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, name, COALESCE(issuer_id, ''), key_uri, cert_der FROM ca_identities WHERE active = ? ORDER BY created_at`, true)
	if err != nil {
		return fmt.Errorf("pki: load identities: %w", err)
	}
	defer rows.Close()
	ids, byKind := map[string]*Identity{}, map[string]*Identity{}
	for rows.Next() {
		var id Identity
		var der []byte
		if err := rows.Scan(&id.ID, &id.Kind, &id.Name, &id.IssuerID, &id.KeyURI, &der); err != nil {
			return fmt.Errorf("pki: load identities: %w", err)
		}
		if id.Cert, err = x509.ParseCertificate(der); err != nil {
			return fmt.Errorf("pki: identity %s: %w", id.Name, err)
		}
		ids[id.ID] = &id
		byKind[id.Kind] = &id // the newest active identity of each kind wins
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	s.identities, s.byKind = ids, byKind
	s.mu.Unlock()
	return nil
}

// Identity returns the active identity of a kind, or nil.
func (s *Service) Identity(kind string) *Identity {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byKind[kind]
}

// IdentityByID returns an identity by ID, or nil.
func (s *Service) IdentityByID(id string) *Identity {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.identities[id]
}

// Chain returns the issuing CA and root certificates, leaf-most first.
func (s *Service) Chain() []*x509.Certificate {
	var out []*x509.Certificate
	for _, k := range []string{KindIssuing, KindRoot} {
		if id := s.Identity(k); id != nil {
			out = append(out, id.Cert)
		}
	}
	return out
}

// Signer opens the identity's key, once.
func (s *Service) Signer(ctx context.Context, id *Identity) (crypto.Signer, error) {
	id.once.Do(func() {
		uri := id.KeyURI
		if rest, ok := strings.CutPrefix(uri, "file:"); ok && !filepath.IsAbs(rest) {
			uri = "file:" + filepath.Join(s.cfg.DataDir, rest)
		}
		opts := append([]keys.Option{keys.WithPassphrase(s.cfg.Passphrase)}, s.cfg.KeyOptions...)
		id.signer, id.err = keys.Open(ctx, uri, opts...)
		if id.err != nil {
			id.err = fmt.Errorf("pki: open the key of %s: %w", id.Name, id.err)
		}
	})
	return id.signer, id.err
}

// urls are an issuer's public endpoints, written into what it signs.
type urls struct{ ocsp, issuer, crl string }

func (s *Service) urlsFor(issuerID string) urls {
	base := strings.TrimRight(s.cfg.PublicURL, "/")
	return urls{ocsp: base + "/ocsp", issuer: base + "/ca/" + issuerID + ".crt", crl: base + "/crl/" + issuerID + ".crl"}
}

// newSerial returns 20 random bytes with the top bit clear: a positive
// serial within RFC 5280's 20-octet limit, with 159 bits of entropy.
func newSerial() ([]byte, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	b[0] &= 0x7f
	if b[0] == 0 {
		b[0] = 1
	}
	return b, nil
}

func serialInt(b []byte) *big.Int { return new(big.Int).SetBytes(b) }

// SerialHex is the stored and displayed form of a serial number.
func SerialHex(n *big.Int) string { return strings.ToLower(n.Text(16)) }

// ParseSerial reads a serial given as hex (with or without colons or 0x).
func ParseSerial(s string) (*big.Int, error) {
	s = strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(strings.TrimSpace(s), ":", ""), "0x"))
	n, ok := new(big.Int).SetString(s, 16)
	if !ok || n.Sign() <= 0 || len(s) > 40 {
		return nil, apperr.InvalidField("serial", "pki.serial_invalid")
	}
	return n, nil
}

func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

var errNoCA = errors.New("pki: this installation has no issuing CA; run kyso init")
