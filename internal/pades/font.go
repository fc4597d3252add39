package pades

import (
	"bytes"
	"compress/zlib"

	"github.com/kyso-vn/kyso/internal/pdf"
	"github.com/kyso-vn/kyso/internal/pdffont"
)

// addFont embeds the subset as a Type0 font with Identity-H encoding and a
// CIDFontType2 descendant (ISO 32000-1 §9.7), plus a ToUnicode CMap so that
// the signer's name can be copied and searched. Only the glyphs drawn are
// embedded.
func addFont(u *pdf.Update, s *pdffont.Subset) (pdf.Ref, error) {
	program, err := s.FontFile2()
	if err != nil {
		return pdf.Ref{}, err
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write(program)
	_ = zw.Close()
	file := u.Add(&pdf.Stream{Dict: pdf.Dict{"Filter": pdf.Name("FlateDecode"), "Length1": pdf.Int(len(program))}, Data: z.Bytes()})
	m := s.Font().Metrics()
	base := pdf.Name(s.BaseFont())
	desc := u.Add(pdf.Dict{
		"Type": pdf.Name("FontDescriptor"), "FontName": base, "Flags": pdf.Int(m.Flags),
		"FontBBox":    pdf.Array{pdf.Int(m.FontBBox[0]), pdf.Int(m.FontBBox[1]), pdf.Int(m.FontBBox[2]), pdf.Int(m.FontBBox[3])},
		"ItalicAngle": pdf.Real(m.ItalicAngle), "Ascent": pdf.Int(m.Ascent), "Descent": pdf.Int(m.Descent),
		"CapHeight": pdf.Int(m.CapHeight), "StemV": pdf.Int(m.StemV), "FontFile2": file,
	})
	var w pdf.Array
	for _, run := range s.Widths() {
		ws := make(pdf.Array, len(run.Widths))
		for i, x := range run.Widths {
			ws[i] = pdf.Int(x)
		}
		w = append(w, pdf.Int(run.First), ws)
	}
	cid := u.Add(pdf.Dict{
		"Type": pdf.Name("Font"), "Subtype": pdf.Name("CIDFontType2"), "BaseFont": base,
		"CIDSystemInfo":  pdf.Dict{"Registry": pdf.String("Adobe"), "Ordering": pdf.String("Identity"), "Supplement": pdf.Int(0)},
		"FontDescriptor": desc, "W": w, "CIDToGIDMap": pdf.Name("Identity"),
	})
	toUni := u.Add(&pdf.Stream{Dict: pdf.Dict{}, Data: s.ToUnicodeCMap()})
	return u.Add(pdf.Dict{
		"Type": pdf.Name("Font"), "Subtype": pdf.Name("Type0"), "BaseFont": base,
		"Encoding": pdf.Name("Identity-H"), "DescendantFonts": pdf.Array{cid}, "ToUnicode": toUni,
	}), nil
}
