package pki_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// BenchmarkIssue measures issuance end to end: CSR check, lint with a
// throwaway key, signing with the RSA-2048 issuing CA, the database row and
// its audit event.
//
//	go test -run=^$ -bench=Issue -benchtime=200x ./internal/pki/
func BenchmarkIssue(b *testing.B) {
	e := newEnv(b, storetest.Open(b, store.SQLite))
	ctx := context.Background()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csr := csrFor(b, key, "Người Thử")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := e.svc.Issue(ctx, e.sys, pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: csr,
			Subject: pki.Subject{CommonName: fmt.Sprintf("Người Thử %d", i), Organization: "Sở Nội vụ"}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "certs/s")
}

// BenchmarkCRL100k measures regenerating the issuing CA's CRL with 100,000
// revoked certificates (target: under 2 s).
//
//	go test -run=^$ -bench=CRL100k -benchtime=5x ./internal/pki/
func BenchmarkCRL100k(b *testing.B) {
	for _, d := range storetest.Engines {
		b.Run(d.String(), func(b *testing.B) {
			e := newEnv(b, storetest.Open(b, d))
			ctx := context.Background()
			issuer := e.svc.Identity(pki.KindIssuing)
			now := time.Now()
			err := e.db.InTx(ctx, func(tx *store.Tx) error {
				for i := 0; i < 100000; i++ {
					serial := new(big.Int).Lsh(big.NewInt(int64(i+1)), 64).Text(16)
					if _, err := tx.ExecContext(ctx, `INSERT INTO certificates (serial, issuer_id, profile, subject, common_name, not_before, not_after, status, revoked_at, revocation_reason, sha256, der, created_at)
						VALUES (?, ?, 'personal', 'CN=x', 'x', ?, ?, 'revoked', ?, 1, '', ?, ?)`, serial, issuer.ID,
						store.Micros(now), store.Micros(now.Add(365*24*time.Hour)), store.Micros(now), []byte{0}, store.Micros(now)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				crl, err := e.svc.GenerateCRL(ctx, issuer.ID)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(crl.DER))/1e6, "MB")
			}
		})
	}
}

// BenchmarkRSASign is the floor under issuance: one RSA-2048 signature, as
// openssl speed measures it.
func BenchmarkRSASign(b *testing.B) {
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	d := make([]byte, 32)
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(rand.Reader, k, 5, d); err != nil {
			b.Fatal(err)
		}
	}
}
