package pki

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
)

// MaxCSRBytes bounds a CSR given to Issue.
const MaxCSRBytes = 64 << 10

// IssueRequest asks the issuing CA for a certificate.
type IssueRequest struct {
	Profile Profile
	// Subject names the holder. When empty, it is read from the CSR.
	Subject Subject
	// CSR is a PKCS#10 request, PEM or DER: the key was made by the
	// subscriber (on a token). Exactly one of CSR and ServerKey.
	CSR []byte
	// ServerKey asks kyso to generate the key and keep it, encrypted, for
	// remote signing.
	ServerKey    bool
	KeyAlgorithm keys.Algorithm // for ServerKey; rsa2048 by default
	AgencyID     string
	UserID       string
	RequestID    string
	// Validity overrides the profile's default; it never passes the
	// issuing CA's own notAfter.
	Validity time.Duration
}

// ParseCSR reads a PEM or DER PKCS#10 request and checks its self-signature.
func ParseCSR(b []byte) (*x509.CertificateRequest, error) {
	if len(b) == 0 || len(b) > MaxCSRBytes {
		return nil, apperr.InvalidField("csr", "pki.csr_invalid", "empty or larger than 64 KiB")
	}
	der := b
	if blk, _ := pem.Decode(b); blk != nil {
		if blk.Type != "CERTIFICATE REQUEST" && blk.Type != "NEW CERTIFICATE REQUEST" {
			return nil, apperr.InvalidField("csr", "pki.csr_invalid", "the PEM block is "+blk.Type)
		}
		der = blk.Bytes
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "pki.csr_invalid", "not a PKCS#10 request").WithField("csr")
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "pki.csr_mismatch").WithField("csr")
	}
	return csr, nil
}

// checkKey refuses keys too weak for a government certificate.
func checkKey(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 || k.N.BitLen() > 8192 || k.E < 3 || k.E%2 == 0 {
			return apperr.InvalidField("csr", "pki.key_weak", fmt.Sprintf("RSA-%d", k.N.BitLen()))
		}
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return apperr.InvalidField("csr", "pki.key_weak", "ECDSA "+k.Curve.Params().Name)
		}
	default:
		return apperr.InvalidField("csr", "pki.key_weak", fmt.Sprintf("%T", pub))
	}
	return nil
}

// SubjectFromCSR takes the holder's name from the request.
func SubjectFromCSR(csr *x509.CertificateRequest) Subject {
	n := csr.Subject
	s := Subject{CommonName: n.CommonName, DNSNames: csr.DNSNames}
	if len(n.Organization) > 0 {
		s.Organization = n.Organization[0]
	}
	if len(n.OrganizationalUnit) > 0 {
		s.Unit = n.OrganizationalUnit[0]
	}
	if len(n.Province) > 0 {
		s.Province = n.Province[0]
	}
	if len(n.Locality) > 0 {
		s.Locality = n.Locality[0]
	}
	for _, ip := range csr.IPAddresses {
		s.DNSNames = append(s.DNSNames, ip.String())
	}
	for _, a := range n.Names {
		v, _ := a.Value.(string)
		switch {
		case a.Type.Equal(oidTitle):
			s.Title = v
		case a.Type.Equal(oidOrgIdentifier):
			s.AgencyCode = trimPrefix(v, "VN-")
		case a.Type.Equal(oidUID):
			s.IdentityNumber = trimPrefix(v, "CCCD:")
		}
	}
	if len(csr.EmailAddresses) > 0 {
		s.Email = csr.EmailAddresses[0]
	}
	return s
}

func trimPrefix(s, p string) string {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// Issue signs a certificate with the issuing CA. It lints first; a
// certificate zlint rejects is never signed by the real key.
func (s *Service) Issue(ctx context.Context, a *org.Actor, req IssueRequest) (*Certificate, error) {
	if _, err := ParseProfile(string(req.Profile)); err != nil {
		return nil, err
	}
	issuer := s.Identity(KindIssuing)
	if issuer == nil {
		return nil, errNoCA
	}
	var pub crypto.PublicKey
	var serverKey crypto.Signer
	switch {
	case req.ServerKey && req.CSR != nil:
		return nil, apperr.InvalidField("csr", "pki.csr_or_server_key")
	case req.ServerKey:
		alg := req.KeyAlgorithm
		if alg == "" {
			alg = "rsa2048"
		}
		k, err := keys.Generate(alg)
		if err != nil {
			return nil, apperr.Wrap(err, apperr.Invalid, "pki.key_algorithm", string(alg))
		}
		serverKey, pub = k, k.Public()
	case req.CSR != nil:
		csr, err := ParseCSR(req.CSR)
		if err != nil {
			return nil, err
		}
		pub = csr.PublicKey
		if req.Subject.CommonName == "" {
			req.Subject = SubjectFromCSR(csr)
		}
	default:
		return nil, apperr.InvalidField("csr", "pki.csr_or_server_key")
	}
	if err := checkKey(pub); err != nil {
		return nil, err
	}
	if err := req.Subject.clean(req.Profile); err != nil {
		return nil, err
	}
	now := s.cfg.Now().UTC().Truncate(time.Second)
	life := req.Validity
	if life <= 0 {
		life = validity[req.Profile]
	}
	notAfter := now.Add(life)
	if notAfter.After(issuer.Cert.NotAfter) {
		notAfter = issuer.Cert.NotAfter
	}
	serial, err := newSerial()
	if err != nil {
		return nil, fmt.Errorf("pki: serial: %w", err)
	}
	// Backdate a minute: clocks of relying parties drift.
	tmpl, err := template(req.Profile, req.Subject, pub, serial, now.Add(-time.Minute), notAfter, s.urlsFor(issuer.ID))
	if err != nil {
		return nil, err
	}
	if err := s.lint.check(tmpl, issuer.Cert, pub); err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "pki.lint_failed", err.Error())
	}
	signer, err := s.Signer(ctx, issuer)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer.Cert, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("pki: sign: %w", err)
	}
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: parse issued certificate: %w", err)
	}
	c := &Certificate{
		Serial: SerialHex(parsed.SerialNumber), IssuerID: issuer.ID, Profile: req.Profile, Subject: parsed.Subject.String(),
		CommonName: req.Subject.CommonName, AgencyID: req.AgencyID, UserID: req.UserID, NotBefore: parsed.NotBefore, NotAfter: parsed.NotAfter,
		Status: StatusActive, RequestID: req.RequestID, SHA256: fingerprint(der), DER: der, CreatedAt: now,
	}
	if serverKey != nil {
		c.keyURI = "file:" + filepath.Join("keys", "subscribers", c.Serial+".pem")
		path := filepath.Join(s.cfg.DataDir, "keys", "subscribers", c.Serial+".pem")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("pki: key directory: %w", err)
		}
		if err := keys.WriteEncrypted(path, serverKey, s.cfg.Passphrase); err != nil {
			return nil, fmt.Errorf("pki: store the subscriber key: %w", err)
		}
		c.ServerKey = true
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO certificates (serial, issuer_id, profile, subject, common_name, agency_id, user_id, not_before, not_after, status, key_uri, request_id, sha256, der, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Serial, c.IssuerID, c.Profile, c.Subject, c.CommonName, nullable(c.AgencyID), nullable(c.UserID), store.Micros(c.NotBefore), store.Micros(c.NotAfter),
			c.Status, c.keyURI, c.RequestID, c.SHA256, c.DER, store.Micros(now))
		if store.IsForeignKeyViolation(err) {
			return apperr.InvalidField("agency_id", "pki.holder_unknown")
		}
		if err != nil {
			return fmt.Errorf("pki: record certificate: %w", err)
		}
		ev := a.Event("cert.issue", "certificate", c.Serial)
		if c.AgencyID != "" {
			ev.AgencyID, ev.AgencyPath = c.AgencyID, agencyPath(ctx, tx, c.AgencyID)
		}
		ev.At, ev.Details = now, map[string]any{"profile": c.Profile, "subject": c.Subject, "not_after": c.NotAfter.Format(time.RFC3339), "request_id": c.RequestID, "server_key": c.ServerKey}
		return audit.Append(ctx, tx, ev)
	})
	if err != nil {
		if serverKey != nil {
			_ = os.Remove(filepath.Join(s.cfg.DataDir, "keys", "subscribers", c.Serial+".pem"))
		}
		return nil, err
	}
	return c, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func agencyPath(ctx context.Context, q store.Querier, id string) string {
	var p string
	_ = q.QueryRowContext(ctx, `SELECT path FROM agencies WHERE id = ?`, id).Scan(&p)
	return p
}
