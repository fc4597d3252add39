package pdf

import (
	"testing"
)

// TestSignatureFields walks a field tree with the shapes producers write:
// a field merged with its widget, a terminal field with widget kids, a
// non-terminal field whose kids inherit /FT, a text field, and widgets
// found through /Annots when they lack /P (§12.7.3.1, §12.7.4.5).
func TestSignatureFields(t *testing.T) {
	pdf := buildPDF("",
		"<</Type /Catalog /Pages 2 0 R /AcroForm 4 0 R>>",
		"<</Type /Pages /Kids [3 0 R 13 0 R] /Count 2 /MediaBox [0 0 595 842]>>",
		"<</Type /Page /Parent 2 0 R /Annots [5 0 R 7 0 R]>>",
		"<</Fields [5 0 R 6 0 R 9 0 R 12 0 R] /SigFlags 3 /DR <</Font <</Helv 11 0 R>>>>>>",
		"<</FT /Sig /T (Sig1) /Type /Annot /Subtype /Widget /Rect [10 10 110 60] /P 3 0 R /V 10 0 R>>",
		"<</FT /Sig /T <FEFF0043006800FF0020006B00FD> /Kids [7 0 R 14 0 R]>>",
		"<</Type /Annot /Subtype /Widget /Parent 6 0 R /Rect [300 10 200 60]>>",
		"null",
		"<</T (group) /FT /Sig /Kids [8 0 R 15 0 R]>>",
		"<</Type /Sig /ByteRange [0 1 2 3] /Contents <00>>>",
		"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>",
		"<</FT /Tx /T (name)>>",
		"<</Type /Page /Parent 2 0 R /Annots [14 0 R]>>",
		"<</Type /Annot /Subtype /Widget /Parent 6 0 R /Rect [0 0 1 1] /P 13 0 R>>",
		"<</T (inner) /Parent 9 0 R /Rect [1 2 3 4]>>",
	)
	d, err := openBytes(pdf)
	if err != nil {
		t.Fatal(err)
	}
	af, err := d.AcroForm()
	if err != nil {
		t.Fatal(err)
	}
	if af.Ref != (Ref{4, 0}) || af.SigFlags != 3 || len(af.Fields) != 4 || af.Fonts["Helv"] != (Ref{11, 0}) {
		t.Errorf("AcroForm = %+v", af)
	}
	got, err := d.SignatureFields()
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{
		{Name: "Sig1", Ref: Ref{5, 0}, Signed: true, Value: Ref{10, 0}, Widget: Ref{5, 0}, Page: 1, Rect: [4]float64{10, 10, 110, 60}},
		{Name: "Chÿ ký", Ref: Ref{6, 0}, Widget: Ref{7, 0}, Page: 1, Rect: [4]float64{200, 10, 300, 60}},
		{Name: "group.inner", Ref: Ref{15, 0}, Widget: Ref{15, 0}, Rect: [4]float64{1, 2, 3, 4}},
	}
	if len(got) != len(want) {
		t.Fatalf("SignatureFields = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// TestAcroFormDirect reads a form dictionary kept in the catalog, and a
// document without a form.
func TestAcroFormDirect(t *testing.T) {
	withForm := buildPDF("", "<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields []>>>>", "<</Type /Pages /Kids [] /Count 0>>")
	without := buildPDF("", "<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [] /Count 0>>")
	for _, tt := range []struct {
		name    string
		pdf     []byte
		hasDict bool
	}{{"direct", withForm, true}, {"none", without, false}} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := openBytes(tt.pdf)
			if err != nil {
				t.Fatal(err)
			}
			af, err := d.AcroForm()
			if err != nil || af.Ref != (Ref{}) || (af.Dict != nil) != tt.hasDict {
				t.Errorf("AcroForm = %+v, %v", af, err)
			}
			if f, err := d.SignatureFields(); err != nil || len(f) != 0 {
				t.Errorf("SignatureFields = %v, %v", f, err)
			}
		})
	}
}
