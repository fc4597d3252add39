package pades_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net/http/httptest"

	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"github.com/kyso-vn/kyso/internal/testpki"
	"github.com/kyso-vn/kyso/internal/tsa"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/pdf"
)

// sizedPDF returns a Ghostscript PDF grown to about size bytes by an
// incremental update holding random (incompressible) stream data.
func sizedPDF(b *testing.B, e *env, size int) string {
	base := e.input(b)
	f, err := os.Open(base)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	doc, err := pdf.Open(f, st.Size())
	if err != nil {
		b.Fatal(err)
	}
	u := doc.NewUpdate()
	data := make([]byte, size)
	_, _ = rand.Read(data)
	u.Add(&pdf.Stream{Dict: pdf.Dict{}, Data: data})
	path := filepath.Join(e.dir, fmt.Sprintf("in-%d.pdf", size))
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := u.WriteDocument(out); err != nil {
		b.Fatal(err)
	}
	out.Close()
	return path
}

// BenchmarkSign signs 100 KB, 1 MB and 20 MB PDFs at B-B with an RSA-2048
// software key, next to the floor: hashing the file and one RSA signature.
//
//	go test -run '^$' -bench 'Sign|Floor' -benchmem ./internal/pades/
func BenchmarkSign(b *testing.B) {
	e := newEnv(b)
	// kyso's own TSA (ECDSA P-256) over loopback HTTP, for B-T.
	tk := testpki.Key(b, "p256")
	eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	tcert := testpki.Issue(b, e.ca, e.caKey, tk, "TSA", func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}
	})
	authority, err := tsa.New(tcert, []*x509.Certificate{e.ca}, tk)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(authority)
	defer srv.Close()
	ts := pades.HTTPTimeStamper(srv.URL, nil)
	for _, size := range []int{100 << 10, 1 << 20, 20 << 20} {
		in := sizedPDF(b, e, size)
		b.Run(fmt.Sprintf("B-B/%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; b.Loop(); i++ {
				f, _ := os.Open(in)
				out := filepath.Join(e.dir, fmt.Sprintf("out-%d-%d.pdf", size, i))
				if err := pades.Sign(context.Background(), f, out, e.leader, pades.Options{}); err != nil {
					b.Fatal(err)
				}
				f.Close()
				os.Remove(out)
			}
		})
		b.Run(fmt.Sprintf("B-T/%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; b.Loop(); i++ {
				f, _ := os.Open(in)
				out := filepath.Join(e.dir, fmt.Sprintf("bt-%d-%d.pdf", size, i))
				if err := pades.Sign(context.Background(), f, out, e.leader, pades.Options{Level: pades.LevelBT, TSA: ts}); err != nil {
					b.Fatal(err)
				}
				f.Close()
				os.Remove(out)
			}
		})
		b.Run(fmt.Sprintf("Floor/%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			key := e.leader.Signer.(*rsa.PrivateKey)
			for b.Loop() {
				f, _ := os.Open(in)
				h := sha256.New()
				_, _ = io.Copy(h, f)
				f.Close()
				if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h.Sum(nil)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
