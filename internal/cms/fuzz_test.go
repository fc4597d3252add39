package cms

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, must fail
// only with ErrMalformed or ErrTooLarge, and what it accepts must survive
// VerifyDetached, Verify and AddUnsignedAttribute without panicking, with
// the signed parts unchanged by the latter. normalize must be idempotent.
func FuzzParse(f *testing.F) {
	for _, kind := range []string{"rsa2048", "p256"} {
		p := newTestPKI(f, kind)
		der := mustSign(f, p)
		f.Add(der)
		f.Add(berify(der))
		if out, err := AddUnsignedAttribute(der, OIDSignatureTimeStampToken(), der); err == nil {
			f.Add(out)
		}
	}
	f.Add([]byte{0x30, 0x80, 0, 0})
	f.Add([]byte{0x24, 0x80, 4, 1, 'a', 0, 0})
	// A few signatures made by other tools, when the test data is here.
	for _, name := range []string{"pyhanko-sig-with-ski-sid.pdf", "pyhanko-sig-no-signed-attrs.pdf", "itext-PdfPKCS7Test-timeStampSignatureBerEncoded.pdf", "dss-pkcs7_sha1.pdf"} {
		data, err := os.ReadFile(filepath.Join(signedPDFsDir(), name))
		if err != nil {
			continue
		}
		for _, sig := range findSignatures(data) {
			if sig.contents != nil {
				f.Add(bytes.TrimRight(sig.contents, "\x00"))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if out, _, _, err := normalize(data); err == nil {
			again, _, changed, err := normalize(out)
			if err != nil || changed || !bytes.Equal(again, out) {
				t.Fatalf("normalize is not idempotent (changed %v, %v)", changed, err)
			}
		}
		s, err := Parse(data)
		if err != nil {
			if s != nil {
				t.Fatal("Parse returned a Signed with its error")
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Parse error wraps no sentinel: %v", err)
			}
			return
		}
		_ = s.VerifyDetached(make([]byte, 32))
		_ = s.VerifyDetached(s.MessageDigest)
		_ = s.Verify()
		_ = s.SignatureHash()
		out, err := AddUnsignedAttribute(data, asn1.ObjectIdentifier{1, 2, 3}, []byte{5, 0})
		if err != nil {
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("AddUnsignedAttribute refused what Parse accepted: %v", err)
			}
			return
		}
		s2, err := Parse(out)
		if err != nil {
			t.Fatalf("AddUnsignedAttribute made what Parse refuses: %v", err)
		}
		if !bytes.Equal(s2.Signature, s.Signature) || !bytes.Equal(s2.RawSignedAttrs, s.RawSignedAttrs) || len(s2.UnsignedAttrs) != len(s.UnsignedAttrs)+1 {
			t.Fatal("AddUnsignedAttribute changed the signed parts or lost an attribute")
		}
	})
}
