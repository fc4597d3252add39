package pki

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
)

// HierarchyOptions shape the CA hierarchy kyso init creates.
type HierarchyOptions struct {
	// Organization names the operator in every CA subject (the root agency).
	Organization string
	Province     string
	RootName     string // CN of the root CA
	IssuingName  string // CN of the issuing CA
	RootKey      keys.Algorithm
	IssuingKey   keys.Algorithm
	ServiceKey   keys.Algorithm // OCSP responder and TSA
	RootLife     time.Duration
	IssuingLife  time.Duration
	// KeyURIs, by identity kind (root, issuing, ocsp, tsa), use existing
	// keys instead of generating file keys: typically pkcs11: URIs of keys
	// made in an HSM with keys.GenerateInToken or the token's own tools.
	KeyURIs map[string]string
}

func (o *HierarchyOptions) defaults() {
	if o.Organization == "" {
		o.Organization = "kyso"
	}
	if o.RootName == "" {
		o.RootName = "Cơ quan chứng thực số gốc - " + o.Organization
	}
	if o.IssuingName == "" {
		o.IssuingName = "Cơ quan chứng thực số - " + o.Organization
	}
	// RSA throughout by default: Vietnamese signing tools accept RSA only.
	if o.RootKey == "" {
		o.RootKey = "rsa3072"
	}
	if o.IssuingKey == "" {
		o.IssuingKey = "rsa2048"
	}
	if o.ServiceKey == "" {
		o.ServiceKey = "rsa2048"
	}
	if o.RootLife == 0 {
		o.RootLife = 20 * 365 * 24 * time.Hour
	}
	if o.IssuingLife == 0 {
		o.IssuingLife = 10 * 365 * 24 * time.Hour
	}
}

// Bootstrap creates the hierarchy in a new installation: keys encrypted
// under cfg.DataDir/keys, certificates and first CRLs in the database (db
// is usually kyso init's transaction).
func Bootstrap(ctx context.Context, db store.Handle, cfg Config, o HierarchyOptions) (*Service, error) {
	o.defaults()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	now := cfg.Now().UTC().Truncate(time.Second)
	keyDir := filepath.Join(cfg.DataDir, "keys")
	if err := os.MkdirAll(keyDir, 0o700); err != nil {
		return nil, fmt.Errorf("pki: key directory: %w", err)
	}
	s := &Service{db: db, cfg: cfg}
	sys := org.SystemActor("kyso init")

	mkKey := func(name string, alg keys.Algorithm) (crypto.Signer, string, error) {
		if uri := o.KeyURIs[name]; uri != "" {
			k, err := keys.Open(ctx, uri, append([]keys.Option{keys.WithPassphrase(cfg.Passphrase)}, cfg.KeyOptions...)...)
			if err != nil {
				return nil, "", err
			}
			return k, uri, nil
		}
		k, err := keys.Generate(alg)
		if err != nil {
			return nil, "", err
		}
		rel := filepath.Join("keys", name+".pem")
		if err := keys.WriteEncrypted(filepath.Join(cfg.DataDir, rel), k, cfg.Passphrase); err != nil {
			return nil, "", err
		}
		return k, "file:" + rel, nil
	}
	caName := func(cn string) ([]byte, error) {
		return rawName([][2]any{{oidCountry, "VN"}, {oidProvince, o.Province}, {oidOrganization, o.Organization}, {oidCommonName, cn}})
	}
	insert := func(tx *store.Tx, id *Identity, der []byte) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO ca_identities (id, kind, name, issuer_id, key_uri, cert_der, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id.ID, id.Kind, id.Name, nullable(id.IssuerID), id.KeyURI, der, store.Micros(now))
		if err != nil {
			return fmt.Errorf("pki: record %s: %w", id.Name, err)
		}
		ev := sys.Event("ca.create", "ca_identity", id.ID)
		ev.At, ev.Details = now, map[string]any{"kind": id.Kind, "subject": id.Cert.Subject.String(), "key": id.KeyURI, "sha256": fingerprint(der)}
		return audit.Append(ctx, tx, ev)
	}

	// Root: self-signed, certSign and cRLSign only.
	rootKey, rootURI, err := mkKey("root", o.RootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: root key: %w", err)
	}
	rootID := store.NewID()
	rootRaw, err := caName(o.RootName)
	if err != nil {
		return nil, err
	}
	rootSerial, _ := newSerial()
	rootTmpl := &x509.Certificate{
		SerialNumber: serialInt(rootSerial), RawSubject: rootRaw, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(o.RootLife),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
	}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: root certificate: %w", err)
	}
	root := &Identity{ID: rootID, Kind: KindRoot, Name: o.RootName, KeyURI: rootURI, signer: rootKey}
	root.once.Do(func() {})
	if root.Cert, err = x509.ParseCertificate(rootDER); err != nil {
		return nil, err
	}

	// Issuing CA: signs end entities and its own CRL; pathLen 0.
	issKey, issURI, err := mkKey("issuing", o.IssuingKey)
	if err != nil {
		return nil, fmt.Errorf("pki: issuing key: %w", err)
	}
	issID := store.NewID()
	issRaw, err := caName(o.IssuingName)
	if err != nil {
		return nil, err
	}
	issSerial, _ := newSerial()
	rootURLs := s.urlsFor(rootID)
	issTmpl := &x509.Certificate{
		SerialNumber: serialInt(issSerial), RawSubject: issRaw, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(o.IssuingLife),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: true,
		MaxPathLen: 0, MaxPathLenZero: true,
		IssuingCertificateURL: []string{rootURLs.issuer}, CRLDistributionPoints: []string{rootURLs.crl},
	}
	issDER, err := x509.CreateCertificate(rand.Reader, issTmpl, root.Cert, issKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: issuing certificate: %w", err)
	}
	issuing := &Identity{ID: issID, Kind: KindIssuing, Name: o.IssuingName, IssuerID: rootID, KeyURI: issURI, signer: issKey}
	issuing.once.Do(func() {})
	if issuing.Cert, err = x509.ParseCertificate(issDER); err != nil {
		return nil, err
	}

	s.identities = map[string]*Identity{rootID: root, issID: issuing}
	s.byKind = map[string]*Identity{KindRoot: root, KindIssuing: issuing}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := insert(tx, root, rootDER); err != nil {
			return err
		}
		return insert(tx, issuing, issDER)
	})
	if err != nil {
		return nil, err
	}

	// The delegated OCSP responder and the time-stamping unit are
	// end entities of the issuing CA, issued through the normal path.
	for _, svc := range []struct {
		kind, name string
		profile    Profile
	}{
		{KindOCSP, "OCSP - " + o.IssuingName, ProfileOCSP},
		{KindTSA, "TSA - " + o.Organization, ProfileTSA},
	} {
		k, uri, err := mkKey(svc.kind, o.ServiceKey)
		if err != nil {
			return nil, fmt.Errorf("pki: %s key: %w", svc.kind, err)
		}
		der, err := s.issueService(ctx, svc.profile, Subject{CommonName: svc.name, Organization: o.Organization, Province: o.Province}, k.Public())
		if err != nil {
			return nil, err
		}
		id := &Identity{ID: store.NewID(), Kind: svc.kind, Name: svc.name, IssuerID: issID, KeyURI: uri, signer: k}
		id.once.Do(func() {})
		if id.Cert, err = x509.ParseCertificate(der); err != nil {
			return nil, err
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return insert(tx, id, der) }); err != nil {
			return nil, err
		}
		s.identities[id.ID], s.byKind[svc.kind] = id, id
	}
	for _, id := range []string{rootID, issID} {
		if _, err := s.GenerateCRL(ctx, id); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// issueService signs a service identity's certificate (OCSP, TSA) with the
// issuing CA, linted like every other certificate. It is recorded in the
// certificates table too, so that it can be revoked like any other.
func (s *Service) issueService(ctx context.Context, p Profile, subj Subject, pub crypto.PublicKey) ([]byte, error) {
	issuer := s.Identity(KindIssuing)
	if err := subj.clean(p); err != nil {
		return nil, err
	}
	now := s.cfg.Now().UTC().Truncate(time.Second)
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	tmpl, err := template(p, subj, pub, serial, now.Add(-time.Minute), minTime(now.Add(validity[p]), issuer.Cert.NotAfter), s.urlsFor(issuer.ID))
	if err != nil {
		return nil, err
	}
	if err := s.lint.check(tmpl, issuer.Cert, pub); err != nil {
		return nil, err
	}
	signer, err := s.Signer(ctx, issuer)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer.Cert, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("pki: sign %s: %w", p, err)
	}
	c, _ := x509.ParseCertificate(der)
	_, err = s.db.ExecContext(ctx, `INSERT INTO certificates (serial, issuer_id, profile, subject, common_name, not_before, not_after, status, sha256, der, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, SerialHex(c.SerialNumber), issuer.ID, p, c.Subject.String(), subj.CommonName,
		store.Micros(c.NotBefore), store.Micros(c.NotAfter), StatusActive, fingerprint(der), der, store.Micros(now))
	if err != nil {
		return nil, fmt.Errorf("pki: record %s certificate: %w", p, err)
	}
	return der, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
