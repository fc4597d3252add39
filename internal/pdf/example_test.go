package pdf_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/kyso-vn/kyso/internal/pdf"
)

// Example shows the path a signer takes: open, add a signature dictionary
// with placeholders and a field on page 1, write input plus update, then
// fill in the byte range and the signature.
func Example() {
	in, err := os.ReadFile("testdata/gs-3pages.pdf")
	if err != nil {
		log.Fatal(err)
	}
	d, err := pdf.Open(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		log.Fatal(err) // errors.Is(err, pdf.ErrEncrypted) etc. for the user
	}
	page, _ := d.Page(1)
	u := d.NewUpdate()
	sig := u.Add(pdf.Dict{
		"Type": pdf.Name("Sig"), "Filter": pdf.Name("Adobe.PPKLite"), "SubFilter": pdf.Name("ETSI.CAdES.detached"),
		"ByteRange": pdf.ByteRangePlaceholder{}, "Contents": pdf.ContentsPlaceholder{Len: 8192},
	})
	field := u.Add(pdf.Dict{
		"Type": pdf.Name("Annot"), "Subtype": pdf.Name("Widget"), "FT": pdf.Name("Sig"),
		"T": pdf.TextString("Chữ ký 1"), "V": sig, "P": page.Ref, "F": pdf.Int(132),
		"Rect": pdf.Array{pdf.Int(0), pdf.Int(0), pdf.Int(0), pdf.Int(0)},
	})
	pd, _ := d.DerefDict(page.Ref)
	pd["Annots"] = pdf.Array{field} // this page had none
	u.Replace(page.Ref, pd)
	cat, _ := d.Catalog()
	cat["AcroForm"] = pdf.Dict{"Fields": pdf.Array{field}, "SigFlags": pdf.Int(3)}
	u.Replace(d.Root(), cat)

	f, err := os.CreateTemp("", "signed-*.pdf")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	size, err := u.WriteDocument(f)
	if err != nil {
		log.Fatal(err)
	}
	p := u.Placeholders()[0]
	br := p.Range(size)
	b, _ := p.EncodeByteRange(br)
	if err := pdf.Patch(f, p.ByteRange.Start, b); err != nil {
		log.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, pdf.ByteRangeReader(f, br)); err != nil {
		log.Fatal(err)
	}
	cms := h.Sum(nil) // a real signer builds a CMS SignedData over this digest
	c, err := p.EncodeContents(cms)
	if err != nil {
		log.Fatal(err)
	}
	if err := pdf.Patch(f, p.Contents.Start, c); err != nil {
		log.Fatal(err)
	}
	fmt.Println("gap is the /Contents hex string:", br[2]-br[1] == 2*8192+2)
	fmt.Println("range ends at the end of the file:", br[2]+br[3] == size)
	// Output:
	// gap is the /Contents hex string: true
	// range ends at the end of the file: true
}
