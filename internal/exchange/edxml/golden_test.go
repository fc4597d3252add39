package edxml

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"testing"
	"time"
)

// The golden files pin the exact bytes Build writes: element names,
// prefixes, order, escaping and the DigestValue, which depends on all of
// them through exclusive C14N. Only what changes with every key (the
// SignatureValue and the certificates) is masked. Refresh with
//
//	go test ./internal/exchange/edxml -run Golden -update
//
// after checking that the change is intended: a receiving system that
// parses by position or prefix sees every change here.

var (
	maskSignatureValue = regexp.MustCompile(`<ds:SignatureValue>[^<]*</ds:SignatureValue>`)
	maskCertificate    = regexp.MustCompile(`<ds:X509Certificate>[^<]*</ds:X509Certificate>`)
)

// goldenTime is when the golden packages are built: 14:30:05 on 5 March
// 2026, Vietnamese time.
var goldenTime = time.Date(2026, time.March, 5, 14, 30, 5, 0, vietnam)

// maskedLines masks the per-key parts and breaks the one-line XML between
// tags, so that a diff of the golden file points at the element that
// changed.
func maskedLines(t *testing.T, data []byte) []byte {
	t.Helper()
	out := maskSignatureValue.ReplaceAll(data, []byte("<ds:SignatureValue>(masked)</ds:SignatureValue>"))
	out = maskCertificate.ReplaceAll(out, []byte("<ds:X509Certificate>(masked)</ds:X509Certificate>"))
	if n := bytes.Count(out, []byte("(masked)")); n != 3 {
		t.Fatalf("masked %d values, want 3 (signature, signer, issuing CA)", n)
	}
	return append(bytes.ReplaceAll(out, []byte("><"), []byte(">\n<")), '\n')
}

func TestGoldenDocument(t *testing.T) {
	p := newPKI(t, "rsa2048", longValidity)
	env := sampleEnvelope()
	data := mustBuild(t, p, env, WithTime(goldenTime), WithRand(rand.NewChaCha8([32]byte{'k', 'y', 's', 'o'})))
	if _, _, err := Parse(data); err != nil {
		t.Fatalf("the golden package does not parse: %v", err)
	}
	golden(t, "document.golden.xml", maskedLines(t, data))
}

func TestGoldenStatus(t *testing.T) {
	p := newPKI(t, "p256", longValidity)
	data, err := BuildStatus(sampleStatus(StatusRejected), p.signer(), p.chain(), WithTime(goldenTime))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ParseStatus(data); err != nil {
		t.Fatalf("the golden status does not parse: %v", err)
	}
	golden(t, "status.golden.xml", maskedLines(t, data))
}

// The same input gives the same bytes (apart from the signature value):
// resending a stored envelope reproduces the package.
func TestBuildIsDeterministic(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	now := time.Now()
	build := func() []byte {
		env := sampleEnvelope()
		env.MessageID = "3f2b6c1e-8d4a-4e5f-9a7b-0c1d2e3f4a5b"
		for i := range env.Attachments {
			env.Attachments[i].ContentID = []string{"a1", "a2"}[i]
		}
		return mustBuild(t, p, env, WithTime(now))
	}
	a, b := build(), build()
	if !bytes.Equal(a, b) { // RSA PKCS #1 v1.5 signatures are deterministic too
		t.Error("two builds of the same envelope differ")
	}
}
