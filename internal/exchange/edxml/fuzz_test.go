package edxml

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/beevik/etree"
)

// fuzzSeeds are valid packages of both kinds, and the broken inputs the
// rejection tests use. The keys are EC: each fuzz worker runs this set-up
// in a binary instrumented for coverage, where RSA key generation takes
// minutes.
func fuzzSeeds(f *testing.F) [][]byte {
	p := pkiFor(f, "p384")
	ec := pkiFor(f, "p256")
	small := sampleEnvelope()
	small.Attachments = small.Attachments[:1]
	small.Attachments[0].Content = []byte("%PDF-1.4 tiny")
	doc := mustBuild(f, p, small)
	ecDoc := mustBuild(f, ec, sampleEnvelope())
	st, err := BuildStatus(sampleStatus(StatusRejected), p.signer(), p.chain())
	if err != nil {
		f.Fatal(err)
	}
	return [][]byte{
		doc, ecDoc, st,
		doc[:len(doc)/2],
		sigRE.ReplaceAll(doc, nil),
		bytes.Replace(doc, []byte("triển khai"), []byte("hủy bỏ"), 1),
		append([]byte("\xef\xbb\xbf"), doc...),
		[]byte(`<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&xxe;</edXML>`),
		[]byte(`<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><edXML>&b;</edXML>`),
		[]byte(`<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>`),
		[]byte(`<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/></SOAP-ENV:Envelope>`),
		[]byte(`<!-- x --><![CDATA[y]]><a/>`),
		[]byte("<?xml version=\"1.1\" encoding=\"utf-16\"?><a/>"),
		{},
	}
}

// FuzzParse feeds arbitrary bytes to Parse and ParseStatus. Neither may
// panic; every error must wrap one of the package's sentinels; a success
// must be a valid message whose attachments match their digests.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, chain, err := Parse(data, WithMaxSize(4<<20))
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("Parse error wraps no sentinel: %v", err)
			}
			if env != nil || chain != nil {
				t.Fatal("Parse returned an error and a result")
			}
		} else {
			if len(chain) == 0 {
				t.Fatal("Parse succeeded without a certificate")
			}
			if err := env.Validate(); err != nil {
				t.Fatalf("Parse returned an invalid envelope: %v", err)
			}
			for _, a := range env.Attachments {
				if a.SHA256 != sha256.Sum256(a.Content) {
					t.Fatalf("attachment %s: digest does not match content", a.Name)
				}
			}
		}
		st, chain, err := ParseStatus(data, WithMaxSize(4<<20))
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("ParseStatus error wraps no sentinel: %v", err)
			}
			if st != nil || chain != nil {
				t.Fatal("ParseStatus returned an error and a result")
			}
		} else if err := st.Validate(); err != nil {
			t.Fatalf("ParseStatus returned an invalid status: %v", err)
		}
	})
}

// FuzzDecode reaches the decoder directly: mutations of a signed package
// almost never verify, so FuzzParse rarely gets past the signature. Here
// the decoder and Validate see arbitrary well-formed XML, as they would see
// a hostile sender's validly signed package.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(sigRE.ReplaceAll(s, nil))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		data, err := prescan(data, 1<<20)
		if err != nil {
			return
		}
		doc := etree.NewDocument()
		doc.ReadSettings = etree.ReadSettings{MaxDepth: maxDepth}
		if doc.ReadFromBytes(data) != nil || doc.Root() == nil {
			return
		}
		if env, err := decodeEnvelope(doc.Root()); err != nil {
			if !isSentinel(err) {
				t.Fatalf("decodeEnvelope error wraps no sentinel: %v", err)
			}
		} else if err := env.Validate(); err != nil && !isSentinel(err) {
			t.Fatalf("Validate error wraps no sentinel: %v", err)
		}
		if st, err := decodeStatus(doc.Root()); err != nil {
			if !isSentinel(err) {
				t.Fatalf("decodeStatus error wraps no sentinel: %v", err)
			}
		} else if err := st.Validate(); err != nil && !isSentinel(err) {
			t.Fatalf("Validate error wraps no sentinel: %v", err)
		}
	})
}
