package pdf

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"
)

// FuzzOpen feeds arbitrary bytes to Open and, when the file opens, to every
// reader method and to an update. Nothing may panic: the fuzz run turns off
// the recover in the entry points (catchPanics), so that a panic in the
// parser is a failure here rather than an ErrDamaged. Errors must carry a
// sentinel, and an update written to a file that opened must open again
// with one more revision.
func FuzzOpen(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.pdf")
	for _, s := range seeds {
		f.Add(mustRead(f, s))
	}
	good := buildPDF("/Info 3 0 R", "<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [4 0 R]>>>>",
		"<</Type /Pages /Kids [5 0 R] /Count 1 /MediaBox [0 0 595 842]>>", "<</Title (t)>>",
		"<</FT /Sig /T (S) /V <</ByteRange [0 1 2 3]>>>>", "<</Type /Page /Parent 2 0 R /Rotate 90>>")
	f.Add(good)
	f.Add(bytes.Replace(good, []byte("%PDF-1.7\n"), []byte("%PDF-1.7\n%xx\n"), 1))
	f.Add([]byte("%PDF-1.5\n1 0 obj<</Type/XRef/W[1 2 1]/Size 3/Length 4>>stream\n\x01\x00\x09\x00\nendstream\nendobj\nstartxref\n9\n%%EOF"))
	f.Add([]byte("%PDF-"))
	f.Add([]byte{})

	catchPanics = false
	f.Cleanup(func() { catchPanics = true })
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrNotPDF) && !errors.Is(err, ErrEncrypted) {
				t.Fatalf("Open: error without a sentinel: %v", err)
			}
			return
		}
		for i := 1; i <= d.NumPages(); i++ {
			if _, err := d.Page(i); err != nil {
				t.Fatal(err)
			}
		}
		_, _ = d.SignatureFields()
		_, _ = d.AcroForm()
		_ = d.Revisions()
		_ = d.Trailer()
		for num := 1; num < min(d.nextNum, 200); num++ {
			o, err := d.Resolve(Ref{Num: num})
			if s, ok := o.(*Stream); ok && err == nil {
				_, _ = d.DecodeStream(s)
			}
		}
		u := d.NewUpdate()
		u.Add(Dict{"Contents": ContentsPlaceholder{Len: 16}, "ByteRange": ByteRangePlaceholder{}})
		u.Replace(d.Root(), Dict{"Type": Name("Catalog"), "Pages": Ref{Num: 1}})
		var out bytes.Buffer
		out.Write(data)
		if _, err := u.WriteTo(&out); err != nil {
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("WriteTo: %v", err)
			}
			return
		}
		if _, err := u.WriteTo(io.Discard); err != nil {
			t.Fatalf("second WriteTo: %v", err)
		}
		d2, err := Open(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil {
			// The new catalog points at object 1 as its page tree; it may
			// not be one. Only the structure is checked here.
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("reopen: %v", err)
			}
			return
		}
		if len(d2.Revisions()) != len(d.Revisions())+1 {
			t.Fatalf("revisions %v after update of %v", d2.Revisions(), d.Revisions())
		}
	})
}

// TestOpenTestdata opens the committed fixtures, so that some real files
// are read even where Ghostscript and qpdf are missing.
func TestOpenTestdata(t *testing.T) {
	tests := []struct {
		file       string
		xrefStream bool
	}{
		{"gs-3pages.pdf", false},
		{"qpdf-objstm.pdf", true},
		{"qpdf-linearized-objstm.pdf", true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, _ := openFile(t, filepath.Join("testdata", tt.file))
			revs := d.Revisions()
			if d.NumPages() != 3 || len(revs) != 1 || revs[0].XRefStream != tt.xrefStream || revs[0].End != d.Size()-1 {
				t.Errorf("pages %d, revisions %+v, size %d", d.NumPages(), revs, d.Size())
			}
		})
	}
}
