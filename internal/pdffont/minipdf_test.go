package pdffont

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
)

// A minimal PDF writer for the end-to-end test, written by hand so that
// the test depends on nothing but this package: it shows exactly which
// objects the signing code has to build around a Subset (ISO 32000-1
// §9.7: Type0 font, CIDFontType2, FontDescriptor, FontFile2, ToUnicode).

// pdfFont is one font resource of the test page.
type pdfFont struct {
	res string  // resource name, e.g. "F1"
	sub *Subset // glyphs used on the page
}

// pdfLine is one line of text on the page.
type pdfLine struct {
	font    int // index into the fonts
	size    float64
	x, y    float64
	text    string
	encoded []byte
}

// buildPDF writes a one-page PDF with the lines drawn in the fonts.
func buildPDF(t *testing.T, width, height float64, fonts []pdfFont, lines []pdfLine) []byte {
	t.Helper()
	var content strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&content, "BT /%s %g Tf 1 0 0 1 %.3f %.3f Tm <%X> Tj ET\n", fonts[l.font].res, l.size, l.x, l.y, l.encoded)
	}

	var objs []string // objs[i] is object i+1
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	stream := func(dict string, data []byte) string {
		return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
	}
	catalog := add("") // filled in below
	pages := add("")
	page := add("")
	contents := add(stream("", []byte(content.String())))
	var fontRefs strings.Builder
	for _, f := range fonts {
		ff2, err := f.sub.FontFile2()
		if err != nil {
			t.Fatal(err)
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(ff2)
		zw.Close()
		m := f.sub.Font().Metrics()
		baseFont := f.sub.BaseFont()

		fontFile := add(stream(fmt.Sprintf("/Filter /FlateDecode /Length1 %d", len(ff2)), z.Bytes()))
		toUnicode := add(stream("", f.sub.ToUnicodeCMap()))
		descriptor := add(fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [%d %d %d %d] "+
			"/ItalicAngle %g /Ascent %d /Descent %d /Leading %d /CapHeight %d /XHeight %d /StemV %d /FontFile2 %d 0 R >>",
			baseFont, m.Flags, m.FontBBox[0], m.FontBBox[1], m.FontBBox[2], m.FontBBox[3],
			m.ItalicAngle, m.Ascent, m.Descent, m.Leading, m.CapHeight, m.XHeight, m.StemV, fontFile))
		var w strings.Builder
		for _, run := range f.sub.Widths() {
			fmt.Fprintf(&w, "%d [", run.First)
			for i, v := range run.Widths {
				if i > 0 {
					w.WriteByte(' ')
				}
				fmt.Fprint(&w, v)
			}
			w.WriteString("] ")
		}
		cidFont := add(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s "+
			"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "+
			"/FontDescriptor %d 0 R /DW 1000 /W [%s] /CIDToGIDMap /Identity >>", baseFont, descriptor, strings.TrimSpace(w.String())))
		type0 := add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H "+
			"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", baseFont, cidFont, toUnicode))
		fmt.Fprintf(&fontRefs, "/%s %d 0 R ", f.res, type0)
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pages)
	objs[pages-1] = fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page)
	objs[page-1] = fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %g %g] "+
		"/Resources << /Font << %s>> >> /Contents %d 0 R >>", pages, width, height, fontRefs.String(), contents)

	// File structure (§7.5): header with a binary comment, objects, a
	// cross-reference table of 20-byte entries, trailer.
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, xref)
	return out.Bytes()
}
