// Package testpdf makes PDF files for tests: real ones, written by
// Ghostscript, or grown to a given size by an incremental update, so that
// signing and validation tests and benchmarks start from the same inputs.
package testpdf

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/pdf"
)

// Ghostscript writes a PDF with one page per text (ASCII: Ghostscript's
// standard fonts) to dir and returns its path. The test is skipped when
// Ghostscript is missing.
func Ghostscript(t testing.TB, dir string, pages ...string) string {
	t.Helper()
	if _, err := exec.LookPath("gs"); err != nil {
		t.Skip("ghostscript is not installed: apt-get install ghostscript")
	}
	if len(pages) == 0 {
		pages = []string{"Trang 1", "Trang 2"}
	}
	var ps strings.Builder
	ps.WriteString("%!PS\n/Times-Roman findfont 14 scalefont setfont\n")
	for _, p := range pages {
		ps.WriteString("72 720 moveto (" + strings.NewReplacer("(", "", ")", "", "\\", "").Replace(p) + ") show showpage\n")
	}
	src := filepath.Join(dir, "in.ps")
	if err := os.WriteFile(src, []byte(ps.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "in.pdf")
	if o, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile="+out, src).CombinedOutput(); err != nil {
		t.Fatalf("gs: %v\n%s", err, o)
	}
	return out
}

// Update writes in plus an incremental update made by edit to out: how
// tests change a signed file after signing, as an editor or an attacker
// would.
func Update(t testing.TB, in, out string, edit func(*pdf.Document, *pdf.Update)) {
	t.Helper()
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	doc, err := pdf.Open(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	u := doc.NewUpdate()
	edit(doc, u)
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := u.WriteDocument(w); err != nil {
		t.Fatal(err)
	}
}

// Padded writes in plus an incremental update that adds an image-sized
// stream of random bytes (an unreferenced object, as a scanner's output
// would hold an image) so that the file is about size bytes, and returns
// the new file's path.
func Padded(t testing.TB, in string, size int) string {
	t.Helper()
	st, err := os.Stat(in)
	if err != nil {
		t.Fatal(err)
	}
	n := max(size-int(st.Size()), 0)
	data := make([]byte, n)
	_, _ = rand.Read(data)
	out := strings.TrimSuffix(in, ".pdf") + "-padded.pdf"
	Update(t, in, out, func(_ *pdf.Document, u *pdf.Update) {
		u.Add(&pdf.Stream{Dict: pdf.Dict{"Type": pdf.Name("XObject"), "Subtype": pdf.Name("Image"), "Width": pdf.Int(1), "Height": pdf.Int(n / 3),
			"ColorSpace": pdf.Name("DeviceRGB"), "BitsPerComponent": pdf.Int(8)}, Data: data})
	})
	return out
}
