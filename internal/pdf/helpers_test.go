package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Test inputs come from real producers (Ghostscript, qpdf) and are checked
// with real readers (qpdf --check, pdfinfo, mutool). A missing tool skips
// the tests that need it, naming the Debian package to install.

var fixtureDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kyso-pdf-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tools maps each program to the Debian package that provides it.
var tools = map[string]string{
	"gs":      "ghostscript",
	"qpdf":    "qpdf",
	"pdfinfo": "poppler-utils",
	"mutool":  "mupdf-tools",
}

// requireTool returns the path of an external program or skips the test.
func requireTool(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		tb.Skipf("skipping: %s is missing (install the Debian package %s)", name, tools[name])
	}
	return p
}

// haveTool reports whether a program is installed, without skipping.
func haveTool(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// mustRead reads a file.
func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// run runs a program and fails the test if it does not exit with one of
// the accepted codes (0 when none is given).
func run(tb testing.TB, accept []int, name string, args ...string) (out []byte, code int) {
	tb.Helper()
	cmd := exec.Command(requireTool(tb, name), args...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		tb.Fatalf("%s %v: %v", name, args, err)
	}
	if len(accept) == 0 {
		accept = []int{0}
	}
	for _, a := range accept {
		if code == a {
			return out, code
		}
	}
	tb.Fatalf("%s %v: exit %d:\n%s", name, args, code, out)
	return nil, 0
}

// fixture is a test input and what is known about it.
type fixture struct {
	name       string
	path       string
	pages      int
	revisions  int
	xrefStream bool // the last revision uses a cross-reference stream
}

// PostScript sources for Ghostscript.
const (
	psOnePage = `%!PS
/Helvetica findfont 24 scalefont setfont
72 720 moveto (Quyet dinh so 1) show
showpage
`
	psThreePages = `%!PS
/Helvetica findfont 24 scalefont setfont
1 1 3 {
  /n exch def
  72 720 moveto (Trang ) show n 3 string cvs show
  newpath 72 72 moveto 300 300 lineto stroke
  showpage
} for
`
	// psLandscape sets a rotated A4 page through the page device.
	psLandscape = `%!PS
<< /PageSize [595 842] /Orientation 3 >> setpagedevice
/Helvetica findfont 24 scalefont setfont
72 720 moveto (Ngang) show
showpage
`
)

// psImages returns PostScript for npages pages, each with four 128x128
// RGB images of incompressible data (no two alike, so Ghostscript cannot
// share them): about 200 kB of PDF per page.
func psImages(npages int) string {
	return fmt.Sprintf(`%%!PS
/npages %d def
/rnd 131072 string def
0 1 131071 { rnd exch rand -8 bitshift 255 and put } for
/Helvetica findfont 20 scalefont setfont
0 1 npages 1 sub {
  /p exch def
  0 1 3 {
    /k exch def
    gsave
    72 k 2 mod 220 mul add 100 k 2 idiv 300 mul add translate
    200 200 scale
    /off p 4 mul k add 997 mul 65536 mod def
    128 128 8 [128 0 0 -128 0 128] { rnd off 49152 getinterval } false 3 colorimage
    grestore
  } for
  72 740 moveto (Page ) show p 1 add 10 string cvs show
  showpage
} for
`, npages)
}

// ghostscript converts PostScript to PDF with pdfwrite, caching by name.
func ghostscript(tb testing.TB, name, ps string) string {
	tb.Helper()
	out := filepath.Join(fixtureDir, name+".pdf")
	if _, err := os.Stat(out); err == nil {
		return out
	}
	src := filepath.Join(fixtureDir, name+".ps")
	if err := os.WriteFile(src, []byte(ps), 0o644); err != nil {
		tb.Fatal(err)
	}
	// Flate instead of JPEG keeps image sizes predictable.
	run(tb, nil, "gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
		"-dAutoFilterColorImages=false", "-sColorImageFilter=FlateEncode", "-dDownsampleColorImages=false",
		"-sOutputFile="+out, src)
	return out
}

// qpdfVariant rewrites in with qpdf, caching by name.
func qpdfVariant(tb testing.TB, name, in string, args ...string) string {
	tb.Helper()
	out := filepath.Join(fixtureDir, name+".pdf")
	if _, err := os.Stat(out); err == nil {
		return out
	}
	run(tb, []int{0, 3}, "qpdf", append(append(args, in), out)...)
	return out
}

var producersMu sync.Mutex

// producers returns inputs from real producers: Ghostscript pdfwrite,
// qpdf variants of them, and files that already carry incremental updates
// written by this package (qpdf 11 cannot write incremental updates).
func producers(t *testing.T) []fixture {
	t.Helper()
	producersMu.Lock()
	defer producersMu.Unlock()
	requireTool(t, "gs")
	one := ghostscript(t, "gs-1page", psOnePage)
	three := ghostscript(t, "gs-3pages", psThreePages)
	land := ghostscript(t, "gs-landscape", psLandscape)
	fx := []fixture{
		{name: "gs-1page", path: one, pages: 1, revisions: 1},
		{name: "gs-3pages", path: three, pages: 3, revisions: 1},
		{name: "gs-landscape", path: land, pages: 1, revisions: 1},
	}
	if !haveTool("qpdf") {
		t.Log("qpdf is missing (install the Debian package qpdf): its variants are skipped")
		return append(fx, ownUpdate(t, fx[1], "gs-3pages-updated", 1))
	}
	fx = append(fx, []fixture{
		{name: "qpdf-objstm", path: qpdfVariant(t, "qpdf-objstm", three, "--object-streams=generate"), pages: 3, revisions: 1, xrefStream: true},
		{name: "qpdf-linearized", path: qpdfVariant(t, "qpdf-linearized", three, "--linearize"), pages: 3, revisions: 1},
		{name: "qpdf-linearized-objstm", path: qpdfVariant(t, "qpdf-linearized-objstm", three, "--linearize", "--object-streams=generate"), pages: 3, revisions: 1, xrefStream: true},
		{name: "qpdf-qdf", path: qpdfVariant(t, "qpdf-qdf", three, "--qdf"), pages: 3, revisions: 1},
		{name: "qpdf-rotated", path: qpdfVariant(t, "qpdf-rotated", three, "--rotate=+90:2"), pages: 3, revisions: 1},
	}...)
	// Earlier incremental updates, of both cross-reference kinds.
	for _, base := range []fixture{fx[1], fx[3]} {
		once := ownUpdate(t, base, base.name+"-updated", 1)
		twice := ownUpdate(t, once, base.name+"-updated-twice", 2)
		fx = append(fx, once, twice)
	}
	return fx
}

// ownUpdate appends an update to base that changes the Info dictionary and
// adds an object, caching by name.
func ownUpdate(t *testing.T, base fixture, name string, n int) fixture {
	t.Helper()
	out := filepath.Join(fixtureDir, name+".pdf")
	f := base
	f.name, f.path, f.revisions = name, out, base.revisions+1
	if _, err := os.Stat(out); err == nil {
		return f
	}
	d, _ := openFile(t, base.path)
	u := d.NewUpdate()
	info := Dict{"Producer": String("kyso test"), "Title": TextString(fmt.Sprintf("Cập nhật %d", n))}
	if r, ok := d.Trailer().Get("Info").(Ref); ok {
		u.Replace(r, info)
	}
	u.Add(Array{Int(n), String("extra object")})
	var buf bytes.Buffer
	if _, err := u.WriteDocument(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// openFile opens path with Open; the file is closed when the test ends.
func openFile(tb testing.TB, path string, opts ...Option) (*Document, []byte) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	st, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	d, err := Open(f, st.Size(), opts...)
	if err != nil {
		tb.Fatalf("Open(%s): %v", filepath.Base(path), err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return d, data
}

// openBytes opens an in-memory PDF.
func openBytes(b []byte, opts ...Option) (*Document, error) {
	return Open(bytes.NewReader(b), int64(len(b)), opts...)
}

// qpdfCheck runs qpdf --check and requires a clean report: exit status 0
// (3 would mean warnings) and no WARNING lines. Without qpdf it only logs.
func qpdfCheck(tb testing.TB, path string) string {
	tb.Helper()
	if !haveTool("qpdf") {
		tb.Logf("qpdf is missing (install the Debian package qpdf): %s not checked", filepath.Base(path))
		return ""
	}
	out, _ := run(tb, nil, "qpdf", "--check", path)
	if !bytes.Contains(out, []byte("No syntax or stream encoding errors found")) || bytes.Contains(out, []byte("WARNING")) {
		tb.Fatalf("qpdf --check %s:\n%s", filepath.Base(path), out)
	}
	return string(out)
}

var pagesLine = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// externalPages returns the page count that a tool reports.
func externalPages(tb testing.TB, tool, path string) int {
	tb.Helper()
	var out []byte
	switch tool {
	case "pdfinfo":
		out, _ = run(tb, nil, "pdfinfo", path)
	case "mutool":
		out, _ = run(tb, nil, "mutool", "info", path)
	}
	m := pagesLine.FindSubmatch(out)
	if m == nil {
		tb.Fatalf("%s %s: no page count in:\n%s", tool, filepath.Base(path), out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	if strings.Contains(strings.ToLower(string(out)), "error") {
		tb.Fatalf("%s %s reports an error:\n%s", tool, filepath.Base(path), out)
	}
	return n
}

// buildPDF assembles a classic PDF 1.7 file from object bodies numbered
// from 1, with a correct cross-reference table. trailer holds extra trailer
// entries; /Size and /Root 1 0 R are added.
func buildPDF(trailer string, objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", o)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, xref)
	return b.Bytes()
}

// writeTemp writes b to a file in the test's temporary directory.
func writeTemp(tb testing.TB, name string, b []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}
