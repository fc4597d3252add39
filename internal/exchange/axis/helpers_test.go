package axis_test

import (
	"testing"

	"github.com/beevik/etree"
)

// stripSignature removes the XML-DSig Signature from a signed package.
func stripSignature(t *testing.T, signed []byte) []byte { return stripSignatureTB(t, signed) }

func stripSignatureTB(t testing.TB, signed []byte) []byte {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(signed); err != nil {
		t.Fatal(err)
	}
	sig := doc.FindElement("//Signature")
	if sig == nil {
		t.Fatal("no Signature in the package")
	}
	sig.Parent().RemoveChild(sig)
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}
