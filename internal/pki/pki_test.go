package pki_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"github.com/kyso-vn/kyso/internal/testpki"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

const passphrase = "một cụm mật khẩu dài cho khóa"

type env struct {
	svc    *pki.Service
	db     *store.DB
	dir    string
	agency *org.Agency
	sys    *org.Actor
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	orgs := org.New(db, org.WithPasswordParams(password.Fast))
	sys := org.SystemActor("test")
	ag, err := orgs.CreateAgency(ctx, sys, org.AgencyInput{Code: "000.00.31.H56", Name: "Sở Thông tin và Truyền thông", ShortName: "STTTT", Kind: org.KindDepartment})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := pki.Bootstrap(ctx, db, pki.Config{DataDir: dir, PublicURL: "http://127.0.0.1:8080", Passphrase: []byte(passphrase)},
		pki.HierarchyOptions{Organization: "Ủy ban nhân dân tỉnh Quảng Ngãi", Province: "Quảng Ngãi"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{svc: svc, db: db, dir: dir, agency: ag, sys: sys}
}

func csrFor(t testing.TB, key crypto.Signer, cn string) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func writePEM(t testing.TB, path, typ string, ders ...[]byte) string {
	return testpki.WriteBlocks(t, path, typ, ders...)
}

func openssl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed: apt-get install openssl")
	}
	out, err := exec.Command("openssl", args...).CombinedOutput()
	return string(out), err
}

func TestIssuedCertificatesVerifyWithOpenSSL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		chain := e.svc.Chain()
		dir := t.TempDir()
		root := writePEM(t, filepath.Join(dir, "root.pem"), "CERTIFICATE", chain[1].Raw)
		issuing := writePEM(t, filepath.Join(dir, "issuing.pem"), "CERTIFICATE", chain[0].Raw)
		rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
		ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		cases := []struct {
			name string
			req  pki.IssueRequest
		}{
			{"personal from an RSA CSR", pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: csrFor(t, rsaKey, "ignored"), AgencyID: e.agency.ID,
				Subject: pki.Subject{CommonName: "Nguyễn Thị Hằng", Organization: e.agency.Name, Title: "Phó Giám đốc", Province: "Quảng Ngãi", IdentityNumber: "051190001234"}}},
			{"organization from an ECDSA CSR", pki.IssueRequest{Profile: pki.ProfileOrganization, CSR: csrFor(t, ecKey, "x"), AgencyID: e.agency.ID,
				Subject: pki.Subject{CommonName: e.agency.Name, Organization: e.agency.Name, AgencyCode: e.agency.Code, Province: "Quảng Ngãi"}}},
			{"personal with a key kyso keeps", pki.IssueRequest{Profile: pki.ProfilePersonal, ServerKey: true, AgencyID: e.agency.ID,
				Subject: pki.Subject{CommonName: "Trần Văn Ứng", Organization: e.agency.Name}}},
			{"service with DNS names", pki.IssueRequest{Profile: pki.ProfileService, CSR: csrFor(t, ecKey, "axis.kyso.test"),
				Subject: pki.Subject{CommonName: "axis.kyso.test", Organization: "kyso", DNSNames: []string{"axis.kyso.test", "127.0.0.1"}}}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c, err := e.svc.Issue(ctx, e.sys, tc.req)
				if err != nil {
					t.Fatal(err)
				}
				leaf := writePEM(t, filepath.Join(dir, c.Serial+".pem"), "CERTIFICATE", c.DER)
				purpose := []string{}
				if tc.req.Profile == pki.ProfileService {
					purpose = []string{"-purpose", "sslserver"}
				}
				out, err := openssl(t, append(append([]string{"verify", "-CAfile", root, "-untrusted", issuing}, purpose...), leaf)...)
				if err != nil || !strings.Contains(out, ": OK") {
					t.Fatalf("openssl verify: %v\n%s", err, out)
				}
				x, _ := c.X509()
				if x.Subject.CommonName != tc.req.Subject.CommonName {
					t.Errorf("CN %q, want %q", x.Subject.CommonName, tc.req.Subject.CommonName)
				}
				if len(x.OCSPServer) != 1 || len(x.CRLDistributionPoints) != 1 || len(x.IssuingCertificateURL) != 1 {
					t.Errorf("AIA/CDP missing: %v %v %v", x.OCSPServer, x.CRLDistributionPoints, x.IssuingCertificateURL)
				}
				if tc.req.ServerKey {
					if _, err := os.Stat(filepath.Join(e.dir, "keys", "subscribers", c.Serial+".pem")); err != nil {
						t.Errorf("server-held key not stored: %v", err)
					}
				}
			})
		}
	})
}

// TestPersonalSubjectEncoding checks the Vietnamese name travels as
// UTF8String and the identity number as UID=CCCD:…
func TestPersonalSubjectEncoding(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	c, err := e.svc.Issue(context.Background(), e.sys, pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: csrFor(t, key, "x"),
		Subject: pki.Subject{CommonName: "Lê Thị Thu Hà", Organization: "Sở Nội vụ", Title: "Chuyên viên", IdentityNumber: "051190001234"}})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := c.X509()
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(x.RawSubject, &rdns); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, rdn := range rdns {
		for _, atv := range rdn {
			var raw asn1.RawValue
			b, _ := asn1.Marshal(atv.Value)
			_, _ = asn1.Unmarshal(b, &raw)
			switch {
			case atv.Type.Equal(asn1.ObjectIdentifier{2, 5, 4, 3}):
				found["cn"] = true
				if raw.Tag != asn1.TagUTF8String || atv.Value != "Lê Thị Thu Hà" {
					t.Errorf("CN tag %d value %v, want UTF8String Lê Thị Thu Hà", raw.Tag, atv.Value)
				}
			case atv.Type.Equal(asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}):
				found["uid"] = atv.Value == "CCCD:051190001234"
			case atv.Type.Equal(asn1.ObjectIdentifier{2, 5, 4, 6}):
				found["c"] = raw.Tag == asn1.TagPrintableString
			}
		}
	}
	if !found["cn"] || !found["uid"] || !found["c"] {
		t.Errorf("subject attributes: %v", found)
	}
	if x.KeyUsage&x509.KeyUsageContentCommitment == 0 || x.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		t.Errorf("key usage %v lacks digitalSignature+nonRepudiation", x.KeyUsage)
	}
}

func TestRevocationAndCRL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		key, _ := rsa.GenerateKey(rand.Reader, 2048)
		c, err := e.svc.Issue(ctx, e.sys, pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: csrFor(t, key, "Phan Văn Bảy"), AgencyID: e.agency.ID})
		if err != nil {
			t.Fatal(err)
		}
		chain := e.svc.Chain()
		dir := t.TempDir()
		root := writePEM(t, filepath.Join(dir, "root.pem"), "CERTIFICATE", chain[1].Raw)
		issuing := writePEM(t, filepath.Join(dir, "issuing.pem"), "CERTIFICATE", chain[0].Raw)
		leaf := writePEM(t, filepath.Join(dir, "leaf.pem"), "CERTIFICATE", c.DER)
		verify := func() string {
			crl, err := e.svc.LatestCRL(ctx, c.IssuerID)
			if err != nil {
				t.Fatal(err)
			}
			crlFile := writePEM(t, filepath.Join(dir, "crl.pem"), "X509 CRL", crl.DER)
			out, _ := openssl(t, "verify", "-crl_check", "-CRLfile", crlFile, "-CAfile", root, "-untrusted", issuing, leaf)
			return out
		}
		if out := verify(); !strings.Contains(out, ": OK") {
			t.Fatalf("before revocation: %s", out)
		}
		if _, err := e.svc.Suspend(ctx, e.sys, c.Serial); err != nil {
			t.Fatal(err)
		}
		if out := verify(); !strings.Contains(out, "certificate revoked") {
			t.Fatalf("suspended: %s", out)
		}
		if _, err := e.svc.Resume(ctx, e.sys, c.Serial); err != nil {
			t.Fatal(err)
		}
		if out := verify(); !strings.Contains(out, ": OK") {
			t.Fatalf("resumed: %s", out)
		}
		if _, err := e.svc.Revoke(ctx, e.sys, c.Serial, 1); err != nil {
			t.Fatal(err)
		}
		if out := verify(); !strings.Contains(out, "certificate revoked") {
			t.Fatalf("revoked: %s", out)
		}
		crl, _ := e.svc.LatestCRL(ctx, c.IssuerID)
		crlFile := writePEM(t, filepath.Join(dir, "crl2.pem"), "X509 CRL", crl.DER)
		out, err := openssl(t, "crl", "-in", crlFile, "-noout", "-text", "-CAfile", issuing)
		if err != nil || !strings.Contains(strings.ToLower(strings.ReplaceAll(out, ":", "")), strings.ToLower(c.Serial)) ||
			!strings.Contains(out, "Key Compromise") || !strings.Contains(out, "verify OK") {
			t.Fatalf("openssl crl does not list %s as key compromise:\n%s", c.Serial, out)
		}
	})
}

func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	good := csrFor(t, key, "Người Thử")
	blk, _ := pem.Decode(good)
	tampered := append([]byte{}, blk.Bytes...)
	tampered[len(tampered)-5] ^= 0xff // break the signature
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	tests := []struct {
		name string
		req  pki.IssueRequest
		key  string
	}{
		{"garbage CSR", pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: []byte("not a csr")}, "pki.csr_invalid"},
		{"CSR whose signature does not match its key", pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: tampered}, "pki.csr_mismatch"},
		{"unknown profile", pki.IssueRequest{Profile: "banker", CSR: good}, "pki.profile_unknown"},
		{"no CSR and no server key", pki.IssueRequest{Profile: pki.ProfilePersonal}, "pki.csr_or_server_key"},
		{"a 1024-bit key", pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: csrFor(t, weak, "x")}, "pki.key_weak"},
		{"organization without its code", pki.IssueRequest{Profile: pki.ProfileOrganization, CSR: good, Subject: pki.Subject{CommonName: "Sở"}}, "pki.subject.agency_code"},
		{"unknown agency", pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: good, AgencyID: "nope"}, "pki.holder_unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Issue(ctx, e.sys, tt.req)
			if ae, ok := apperr.As(err); !ok || ae.Key != tt.key || ae.Kind != apperr.Invalid {
				t.Fatalf("err = %v, want invalid %s", err, tt.key)
			}
		})
	}
	list, _ := e.svc.List(ctx, pki.Filter{Profile: pki.ProfilePersonal})
	if len(list) != 0 {
		t.Errorf("%d personal certificates after failed requests, want 0", len(list))
	}
	c, err := e.svc.Issue(ctx, e.sys, pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: good})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Revoke(ctx, e.sys, "abcdef0123", 0); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("revoke of an unknown serial: %v", err)
	}
	if _, err := e.svc.Revoke(ctx, e.sys, "zz-not-hex", 0); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("revoke of a malformed serial: %v", err)
	}
	if _, err := pki.ParseReason("boredom"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("unknown reason: %v", err)
	}
	if _, err := e.svc.Revoke(ctx, e.sys, c.Serial, 4); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Revoke(ctx, e.sys, c.Serial, 4); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("second revoke: %v", err)
	}
}

func TestServiceIdentities(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ocsp := e.svc.Identity(pki.KindOCSP)
	tsa := e.svc.Identity(pki.KindTSA)
	if ocsp == nil || tsa == nil {
		t.Fatal("no OCSP or TSA identity")
	}
	if len(ocsp.Cert.ExtKeyUsage) != 1 || ocsp.Cert.ExtKeyUsage[0] != x509.ExtKeyUsageOCSPSigning {
		t.Errorf("OCSP EKU %v", ocsp.Cert.ExtKeyUsage)
	}
	var critical bool
	for _, ext := range tsa.Cert.Extensions {
		if ext.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 37}) {
			critical = ext.Critical
		}
	}
	if !critical || len(tsa.Cert.ExtKeyUsage) != 1 || tsa.Cert.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping {
		t.Errorf("TSA EKU %v critical=%v", tsa.Cert.ExtKeyUsage, critical)
	}
	// Reopening from the database with the passphrase finds the same CA.
	again, err := pki.Open(context.Background(), e.db, pki.Config{DataDir: e.dir, PublicURL: "http://127.0.0.1:8080", Passphrase: []byte(passphrase)})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := again.Signer(context.Background(), again.Identity(pki.KindIssuing))
	if err != nil {
		t.Fatal(err)
	}
	if !signer.Public().(*rsa.PublicKey).Equal(e.svc.Chain()[0].PublicKey) {
		t.Error("the reopened issuing key is not the issuing CA's")
	}
	wrong, _ := pki.Open(context.Background(), e.db, pki.Config{DataDir: e.dir, Passphrase: []byte("sai cụm mật khẩu dài")})
	if _, err := wrong.Signer(context.Background(), wrong.Identity(pki.KindIssuing)); err == nil {
		t.Error("a wrong passphrase opened the CA key")
	}
}
