package validate_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/testpki"
	"github.com/kyso-vn/kyso/internal/validate"
)

// FuzzValidate feeds the whole validator (PDF reader, byte-range checks,
// CMS parser, time-stamps, DSS, change analysis, reports) with mutated
// signed files. Whatever the input: no panic, and either a clear refusal or
// a report whose every signature has an indication and a message.
//
//	go test -run '^$' -fuzz FuzzValidate -fuzztime 60s -fuzzminimizetime 2s ./internal/validate/
//
// (Minimizing each new input for the default 60 s makes the run look stuck.)
func FuzzValidate(f *testing.F) {
	src, err := filepath.Abs("../pdf/testdata/gs-3pages.pdf")
	if err != nil {
		f.Fatal(err)
	}
	// No servers here: fuzzing workers re-run this setup, and the seeds
	// only need to be well-formed signed files.
	caKey := testpki.Key(f, "p256")
	ca := testpki.Issue(f, nil, nil, caKey, "CA", testpki.CA)
	dir := f.TempDir()
	in := filepath.Join(dir, "in.pdf")
	b, err := os.ReadFile(src)
	if err != nil {
		f.Fatal(err)
	}
	_ = os.WriteFile(in, b, 0o600)
	for i, docMDP := range []int{2, 0} {
		k := testpki.Key(f, "p256")
		id := &keys.Identity{Signer: k, Cert: testpki.Issue(f, ca, caKey, k, "Người ký", func(c *x509.Certificate) {
			c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		}), Chain: []*x509.Certificate{ca}}
		out := filepath.Join(dir, fmt.Sprintf("signed%d.pdf", i))
		r, _ := os.Open(in)
		err := pades.Sign(context.Background(), r, out, id, pades.Options{DocMDP: docMDP, Appearance: &pades.Appearance{Kind: pades.KindSigner, Page: 1, Rect: pades.Rect{X: 300, Y: 500, W: 160, H: 60}, Lines: []string{"Người ký"}}})
		r.Close()
		if err != nil {
			f.Fatal(err)
		}
		signed, _ := os.ReadFile(out)
		f.Add(signed)
		in = out
	}
	for _, name := range []string{"pyhanko-minimal-signed-twice-both-created.pdf", "dss-pdf-byterange-overlap.pdf", "pdfsign-testfile30.pdf"} {
		if b, err := os.ReadFile(filepath.Join(testpki.SharedData("signed-pdfs"), name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("%PDF-1.7\n"))
	f.Add([]byte{0x30, 0x80, 0x06, 0x09})
	v := validate.New(validate.Options{Anchors: []*x509.Certificate{ca}, Lang: i18n.EN, Now: func() time.Time { return time.Now() }})
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rep, err := v.File(ctx, data, nil)
		if err != nil {
			return
		}
		if len(rep.Signatures) == 0 {
			t.Fatal("a report without signatures")
		}
		for _, s := range rep.Signatures {
			if s.Indication == "" || s.Message == "" {
				t.Fatalf("signature %d: %+v", s.Index, s)
			}
		}
		var sb strings.Builder
		if err := rep.WriteText(&sb, i18n.VI); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteHTML(&sb, i18n.EN); err != nil {
			t.Fatal(err)
		}
	})
}
