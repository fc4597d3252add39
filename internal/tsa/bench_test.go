package tsa

import (
	"context"
	"crypto"
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/digitorus/timestamp"
)

// BenchmarkStamp measures in-process tokens per second: check the request,
// draw a serial, encode the TSTInfo, sign, encode the response. certReq is
// true, as PAdES signers ask. The sign-only runs time the bare signature with
// the same key, so the difference is what Stamp adds; compare both with
// `openssl speed rsa2048 ecdsap256` (docs/perf/tsa.md).
func BenchmarkStamp(b *testing.B) {
	for _, kind := range []string{"rsa2048", "p256"} {
		p := newTestPKI(b, kind)
		a := p.newAuthority(b)
		req := &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digestOf(crypto.SHA256, "x"),
			Nonce: big.NewInt(1 << 62), Certificates: true}
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Stamp(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(kind+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := a.Stamp(context.Background(), req); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
		b.Run(kind+"/sign-only", func(b *testing.B) {
			digest := digestOf(crypto.SHA256, "x")
			for b.Loop() {
				if _, err := p.tsaKey.Sign(rand.Reader, digest, crypto.SHA256); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
