package validate_test

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/testpdf"
	"github.com/kyso-vn/kyso/internal/validate"
)

// signed1MB is a 1 MB PDF signed (PAdES B-B, ECDSA P-256) by a certificate
// whose CRL the test CA serves.
func signed1MB(b *testing.B) (*goCA, string) {
	dir := b.TempDir()
	ca := newGoCA(b)
	in := testpdf.Padded(b, testpdf.Ghostscript(b, dir), 1<<20)
	return ca, ca.sign(b, in, ca.signer(b, "Lãnh đạo"), pades.LevelBB)
}

// BenchmarkValidate1MB: one signed 1 MB PDF, revocation answered from the
// cache (the first validation fetched the CRL). Target: under 5 ms.
func BenchmarkValidate1MB(b *testing.B) {
	ca, file := signed1MB(b)
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	v := validatorAt(time.Now(), true, ca.cert)
	ctx := context.Background()
	if rep, err := v.PDF(ctx, data); err != nil || rep.Indication != validate.TotalPassed {
		b.Fatalf("%v %v", err, rep)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rep, err := v.PDF(ctx, data)
		if err != nil || rep.Indication != validate.TotalPassed {
			b.Fatal(err)
		}
	}
}

// BenchmarkPdfsigPeer runs poppler's pdfsig on the same kind of file, as a
// process (how people use it), without certificate checks: the peer of
// BenchmarkValidate1MB.
func BenchmarkPdfsigPeer(b *testing.B) {
	if _, err := exec.LookPath("pdfsig"); err != nil {
		b.Skip("pdfsig is not installed")
	}
	_, file := signed1MB(b)
	b.ResetTimer()
	for b.Loop() {
		if out, err := exec.Command("pdfsig", "-nocert", file).CombinedOutput(); err != nil {
			b.Fatalf("%v %s", err, out)
		}
	}
}
