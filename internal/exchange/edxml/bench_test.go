package edxml

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkBuildAndParse builds and parses a package whose main attachment
// is 1 MB of incompressible data (a scanned PDF is close to that), with an
// RSA-2048 key: the cost a receiver pays per incoming document.
func BenchmarkBuildAndParse(b *testing.B) {
	p := pkiFor(b, "rsa2048")
	content := make([]byte, 1<<20)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(content)
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		env := sampleEnvelope()
		env.Attachments[0].Content = content
		data, err := Build(env, p.signer(), p.chain())
		if err != nil {
			b.Fatal(err)
		}
		got, _, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if len(got.Attachments[0].Content) != len(content) {
			b.Fatal("attachment size changed")
		}
	}
}

// BenchmarkParse separates the receiving side.
func BenchmarkParse(b *testing.B) {
	p := pkiFor(b, "rsa2048")
	content := make([]byte, 1<<20)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(content)
	env := sampleEnvelope()
	env.Attachments[0].Content = content
	data, err := Build(env, p.signer(), p.chain())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
