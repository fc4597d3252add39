package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fieldName is the signature field the tests add; Vietnamese, so that it
// is written as a UTF-16BE text string.
const fieldName = "Chữ ký 1"

// addSignatureField builds what a signer adds to a document: an appearance
// stream, a signature field merged with its widget annotation on page 1,
// the page's /Annots, and the /AcroForm (in the catalog, or its own object).
// sig, when not nil, becomes the field's /V.
func addSignatureField(t testing.TB, d *Document, u *Update, sig Object) Ref {
	t.Helper()
	page, err := d.Page(1)
	if err != nil {
		t.Fatal(err)
	}
	ap := u.Add(&Stream{
		Dict: Dict{"Type": Name("XObject"), "Subtype": Name("Form"), "BBox": Array{Int(0), Int(0), Int(200), Int(50)}},
		Data: []byte("0 0 1 rg 0 0 200 50 re f\n"),
	})
	field := Dict{
		"Type": Name("Annot"), "Subtype": Name("Widget"), "FT": Name("Sig"),
		"T": TextString(fieldName), "F": Int(4), "P": page.Ref,
		"Rect": Array{Real(72.5), Int(72), Real(272.5), Int(122)},
		"AP":   Dict{"N": ap},
	}
	if sig != nil {
		field["V"] = sig
	}
	widget := u.Add(field)

	pd, err := d.DerefDict(page.Ref)
	if err != nil {
		t.Fatal(err)
	}
	annots, err := d.Deref(pd.Get("Annots"))
	if err != nil {
		t.Fatal(err)
	}
	list, _ := annots.(Array)
	pd["Annots"] = append(list, widget)
	u.Replace(page.Ref, pd)

	af, err := d.AcroForm()
	if err != nil {
		t.Fatal(err)
	}
	form := af.Dict
	if form == nil {
		form = Dict{}
	}
	form["Fields"] = append(af.Fields, widget)
	form["SigFlags"] = Int(3)
	if af.Ref != (Ref{}) {
		u.Replace(af.Ref, form)
	} else {
		cat, err := d.Catalog()
		if err != nil {
			t.Fatal(err)
		}
		cat["AcroForm"] = form
		u.Replace(d.Root(), cat)
	}
	return widget
}

// writeUpdated writes input plus update to a file, streaming, and returns
// its path and bytes.
func writeUpdated(t *testing.T, u *Update) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "updated.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := u.WriteDocument(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out := mustRead(t, path)
	if int64(len(out)) != n {
		t.Fatalf("WriteDocument reported %d bytes, file has %d", n, len(out))
	}
	return path, out
}

// TestUpdateProducers appends a signature field to every producer's file
// and checks the result with qpdf, pdfinfo, mutool and Open.
func TestUpdateProducers(t *testing.T) {
	for _, f := range producers(t) {
		t.Run(f.name, func(t *testing.T) {
			d, in := openFile(t, f.path)
			u := d.NewUpdate()
			extra := u.Add(Dict{"Note": TextString("Bản cập nhật"), "Data": HexString("\x00\xff")})
			widget := addSignatureField(t, d, u, nil)
			path, out := writeUpdated(t, u)

			// (1) The input is untouched.
			if !bytes.Equal(out[:len(in)], in) {
				t.Fatal("output does not start with the input")
			}
			// (2) qpdf finds nothing wrong.
			qpdfCheck(t, path)
			// (3) Other readers see the pages.
			for _, tool := range []string{"pdfinfo", "mutool"} {
				if !haveTool(tool) {
					t.Logf("%s missing (install %s): not cross-checked", tool, tools[tool])
					continue
				}
				if n := externalPages(t, tool, path); n != f.pages {
					t.Errorf("%s: %d pages, want %d", tool, n, f.pages)
				}
			}
			// (4) Open sees the new objects and one more revision.
			d2, _ := openFile(t, path)
			revs := d2.Revisions()
			if len(revs) != f.revisions+1 {
				t.Fatalf("revisions: %v, want %d", revs, f.revisions+1)
			}
			if prev := d.Revisions(); revs[len(revs)-2] != prev[len(prev)-1] {
				t.Errorf("earlier revision changed: %+v, was %+v", revs[len(revs)-2], prev[len(prev)-1])
			}
			if revs[len(revs)-1].End != int64(len(out))-1 || revs[len(revs)-1].XRef <= int64(len(in)) {
				t.Errorf("new revision %+v, file size %d, input %d", revs[len(revs)-1], len(out), len(in))
			}
			fields, err := d2.SignatureFields()
			if err != nil {
				t.Fatal(err)
			}
			if len(fields) != 1 || fields[0].Name != fieldName || fields[0].Ref != widget || fields[0].Page != 1 || fields[0].Signed ||
				fields[0].Rect != [4]float64{72.5, 72, 272.5, 122} {
				t.Errorf("SignatureFields = %+v", fields)
			}
			p1, _ := d2.Page(1)
			pd, _ := d2.DerefDict(p1.Ref)
			annots, _ := d2.Deref(pd.Get("Annots"))
			if a, _ := annots.(Array); len(a) == 0 || a[len(a)-1] != widget {
				t.Errorf("page 1 /Annots = %v", annots)
			}
			if o, _ := d2.Resolve(extra); o.(Dict)["Note"] != TextString("Bản cập nhật") {
				t.Errorf("extra object = %v", o)
			}
			af, _ := d2.AcroForm()
			if af.SigFlags != 3 {
				t.Errorf("SigFlags = %d", af.SigFlags)
			}
			// (5) The update's cross-reference section is of the same kind.
			if got, want := revs[len(revs)-1].XRefStream, revs[len(revs)-2].XRefStream; got != want {
				t.Errorf("update XRefStream = %v, previous revision %v", got, want)
			}
			// The trailer keeps /Root, /Info and the first /ID element.
			t1, t2 := d.Trailer(), d2.Trailer()
			for _, k := range []Name{"Root", "Info"} {
				if t1.Get(k) != t2.Get(k) {
					t.Errorf("/%s: %v, was %v", k, t2.Get(k), t1.Get(k))
				}
			}
			id1, _ := t1.Get("ID").(Array)
			id2, _ := t2.Get("ID").(Array)
			if len(id2) != 2 || len(id1) != 2 || string(mustBytes(id1[0])) != string(mustBytes(id2[0])) || string(mustBytes(id1[1])) == string(mustBytes(id2[1])) {
				t.Errorf("/ID %v, was %v", id2, id1)
			}
			if n, _ := Integer(t2.Get("Size")); n != u.next && n != u.next+1 {
				t.Errorf("/Size %d, update allocated up to %d", n, u.next)
			}
		})
	}
}

func mustBytes(o Object) []byte {
	b, _ := Bytes(o)
	return b
}

// TestUpdateLayout checks the bytes of a small update: the EOL added after
// an input without one, 20-byte xref entries, the trailer and the end.
func TestUpdateLayout(t *testing.T) {
	pdf := buildPDF("/ID [<0102> <0304>]", "<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [] /Count 0>>")
	pdf = bytes.TrimRight(pdf, "\n") // ends with "%%EOF", no EOL
	d, err := openBytes(pdf)
	if err != nil {
		t.Fatal(err)
	}
	u := d.NewUpdate()
	r := u.Add(Dict{"A": Int(1)})
	u.Replace(Ref{2, 0}, Dict{"Type": Name("Pages"), "Kids": Array{}, "Count": Int(0)})
	var b bytes.Buffer
	if _, err := u.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if r != (Ref{3, 0}) {
		t.Errorf("Add = %v, want 3 0 R", r)
	}
	out := b.String()
	xrefAt := len(pdf) + strings.Index(out, "xref\n")
	obj2 := "2 0 obj\n<</Count 0 /Kids [] /Type /Pages>>\nendobj\n"
	off2 := len(pdf) + 1
	off3 := off2 + len(obj2)
	want := "\n" + obj2 + "3 0 obj\n<</A 1>>\nendobj\n" +
		fmt.Sprintf("xref\n2 2\n%010d 00000 n\r\n%010d 00000 n\r\n", off2, off3) +
		"trailer\n<</ID [<0102> <"
	if !strings.HasPrefix(out, want) {
		t.Errorf("update starts\n%q\nwant\n%q", out[:min(len(out), len(want))], want)
	}
	tail := fmt.Sprintf("/Prev %d /Root 1 0 R /Size 4>>\nstartxref\n%d\n%%%%EOF\n", d.StartXRef(), xrefAt)
	if !strings.HasSuffix(out, tail) {
		t.Errorf("update ends\n%q\nwant suffix\n%q", out[max(0, len(out)-len(tail)-20):], tail)
	}
	full := append(append([]byte{}, pdf...), b.Bytes()...)
	d2, err := openBytes(full)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := d2.Resolve(r); o.(Dict)["A"] != Int(1) {
		t.Errorf("new object = %v", o)
	}
	if revs := d2.Revisions(); len(revs) != 2 || revs[0].End != int64(len(pdf)) {
		t.Errorf("revisions %+v, input size %d", revs, len(pdf))
	}
}

// TestUpdateErrors checks what WriteTo refuses.
func TestUpdateErrors(t *testing.T) {
	pdf := buildPDF("", "<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [] /Count 0>>")
	tests := []struct {
		name  string
		build func(u *Update)
		want  string
	}{
		{"error/reserved-never-set", func(u *Update) { u.Reserve() }, "never given a value"},
		{"error/ref-to-unallocated", func(u *Update) { u.Add(Dict{"X": Ref{50, 0}}) }, "names no object"},
		{"error/replace-unallocated", func(u *Update) { u.Replace(Ref{50, 0}, Int(1)) }, "never allocated"},
		{"error/nested-stream", func(u *Update) { u.Add(Dict{"S": &Stream{}}) }, "must be an indirect object"},
		{"error/nan", func(u *Update) { u.Add(Real(0) / Real(zero())) }, "cannot be written"},
		{"error/unsupported-type", func(u *Update) { u.Add(Array{42}) }, "cannot write a int"},
		{"error/two-contents", func(u *Update) {
			u.Add(Dict{"A": ContentsPlaceholder{Len: 4}, "B": ContentsPlaceholder{Len: 4}})
		}, "more than one ContentsPlaceholder"},
		{"error/contents-too-big", func(u *Update) { u.Add(Dict{"A": ContentsPlaceholder{Len: MaxContentsLen + 1}}) }, "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := openBytes(pdf)
			if err != nil {
				t.Fatal(err)
			}
			u := d.NewUpdate()
			tt.build(u)
			_, err = u.WriteTo(&bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "pdf: ") {
				t.Errorf("WriteTo: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func zero() float64 { return 0 }

// TestUpdateDeterministic writes the same update twice.
func TestUpdateDeterministic(t *testing.T) {
	pdf := buildPDF("", "<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [] /Count 0>>")
	write := func() []byte {
		d, err := openBytes(pdf)
		if err != nil {
			t.Fatal(err)
		}
		u := d.NewUpdate()
		u.Add(Dict{"Z": Int(1), "A": Real(0.1), "M": Array{Name("x y"), TextString("Việt")}})
		var b bytes.Buffer
		if _, err := u.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	if a, b := write(), write(); !bytes.Equal(a, b) {
		t.Errorf("two writes differ:\n%q\n%q", a, b)
	}
}
