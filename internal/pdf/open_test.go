package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestOpenProducers opens files from real producers and compares what Open
// sees with what pdfinfo and mutool see.
func TestOpenProducers(t *testing.T) {
	for _, f := range producers(t) {
		t.Run(f.name, func(t *testing.T) {
			d, data := openFile(t, f.path)
			if got := d.NumPages(); got != f.pages {
				t.Errorf("NumPages = %d, want %d", got, f.pages)
			}
			if haveTool("pdfinfo") {
				if n := externalPages(t, "pdfinfo", f.path); n != d.NumPages() {
					t.Errorf("pdfinfo says %d pages, Open %d", n, d.NumPages())
				}
			}
			revs := d.Revisions()
			if len(revs) != f.revisions {
				t.Fatalf("Revisions = %v, want %d", revs, f.revisions)
			}
			last := revs[len(revs)-1]
			if last.XRefStream != f.xrefStream {
				t.Errorf("last revision XRefStream = %v, want %v", last.XRefStream, f.xrefStream)
			}
			// Every revision ends with "%%EOF"; the last one ends the file
			// but for its end-of-line marker.
			for _, r := range revs {
				if !bytes.HasSuffix(data[:r.End], []byte("%%EOF")) {
					t.Errorf("revision %+v does not end with %%%%EOF: %q", r, data[max(0, r.End-10):r.End])
				}
			}
			if rest := bytes.TrimRight(data[last.End:], "\r\n"); len(rest) != 0 {
				t.Errorf("%d bytes after the last revision", len(data)-int(last.End))
			}
			if d.StartXRef() != last.XRef {
				t.Errorf("StartXRef = %d, last revision's XRef = %d", d.StartXRef(), last.XRef)
			}
			tr := d.Trailer()
			for _, k := range []Name{"Root", "Size", "ID"} {
				if tr.Get(k) == nil {
					t.Errorf("trailer has no /%s: %v", k, tr)
				}
			}
			for _, k := range []Name{"Prev", "W", "Type", "XRefStm"} {
				if tr.Get(k) != nil {
					t.Errorf("trailer keeps /%s", k)
				}
			}
			cat, err := d.Catalog()
			if err != nil || cat.Get("Type") != Name("Catalog") {
				t.Errorf("Catalog = %v, %v", cat, err)
			}
			checkPagesAgainstMutool(t, d, f.path)
		})
	}
}

var mutoolPage = regexp.MustCompile(`<page pagenum="(\d+)">\s*<MediaBox l="([-\d.]+)" b="([-\d.]+)" r="([-\d.]+)" t="([-\d.]+)" />(?:\s*<CropBox l="([-\d.]+)" b="([-\d.]+)" r="([-\d.]+)" t="([-\d.]+)" />)?(?:\s*<\w+Box [^>]*/>)*\s*<Rotate v="(\d+)" />`)

// checkPagesAgainstMutool compares each page's MediaBox and Rotate with
// "mutool pages".
func checkPagesAgainstMutool(t *testing.T, d *Document, path string) {
	t.Helper()
	if !haveTool("mutool") {
		t.Log("mutool missing (install mupdf-tools): page boxes not cross-checked")
		return
	}
	out, _ := run(t, nil, "mutool", "pages", path)
	ms := mutoolPage.FindAllStringSubmatch(string(out), -1)
	if len(ms) != d.NumPages() {
		t.Fatalf("mutool lists %d pages, Open %d:\n%s", len(ms), d.NumPages(), out)
	}
	for _, m := range ms {
		n, _ := strconv.Atoi(m[1])
		p, err := d.Page(n)
		if err != nil {
			t.Fatal(err)
		}
		var mb [4]float64
		for i := range mb {
			mb[i], _ = strconv.ParseFloat(m[2+i], 64)
		}
		rot, _ := strconv.Atoi(m[10])
		if p.MediaBox != mb || p.Rotate != rot {
			t.Errorf("page %d: MediaBox %v Rotate %d; mutool: %v %d", n, p.MediaBox, p.Rotate, mb, rot)
		}
	}
}

// TestPageAttributes checks inheritance (ISO 32000-1 §7.7.3.4), corner
// normalization, CropBox clipping and Rotate normalization.
func TestPageAttributes(t *testing.T) {
	pdf := buildPDF("",
		"<</Type /Catalog /Pages 2 0 R>>",
		"<</Type /Pages /Kids [3 0 R 4 0 R] /Count 3 /MediaBox [0 0 200 300] /Rotate -90 /CropBox [-10 -10 150 400]>>",
		"<</Type /Page /Parent 2 0 R>>",
		"<</Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /Count 2 /Rotate 180>>",
		"<</Type /Page /Parent 4 0 R /MediaBox [500 400 0 0] /CropBox 7 0 R>>",
		"<</Type /Page /Parent 4 0 R /Rotate 45 /MediaBox [0 0 612.5 792]>>",
		"[10 20 110 220]",
	)
	d, err := openBytes(pdf)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		n    int
		want Page
	}{
		{1, Page{Ref: Ref{3, 0}, MediaBox: [4]float64{0, 0, 200, 300}, CropBox: [4]float64{0, 0, 150, 300}, Rotate: 270}},
		{2, Page{Ref: Ref{5, 0}, MediaBox: [4]float64{0, 0, 500, 400}, CropBox: [4]float64{10, 20, 110, 220}, Rotate: 180}},
		{3, Page{Ref: Ref{6, 0}, MediaBox: [4]float64{0, 0, 612.5, 792}, CropBox: [4]float64{0, 0, 150, 400}, Rotate: 0}},
	}
	if d.NumPages() != len(tests) {
		t.Fatalf("NumPages = %d", d.NumPages())
	}
	for _, tt := range tests {
		got, err := d.Page(tt.n)
		if err != nil || got != tt.want {
			t.Errorf("Page(%d) = %+v, %v; want %+v", tt.n, got, err, tt.want)
		}
		if d.PageIndex(tt.want.Ref) != tt.n {
			t.Errorf("PageIndex(%v) = %d", tt.want.Ref, d.PageIndex(tt.want.Ref))
		}
	}
	for _, n := range []int{0, 4} {
		if _, err := d.Page(n); err == nil {
			t.Errorf("Page(%d) did not fail", n)
		}
	}
}

// TestOpenErrors checks the sentinel errors and the faults that are
// tolerated.
func TestOpenErrors(t *testing.T) {
	good := buildPDF("", "<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [3 0 R] /Count 1>>",
		"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>>")
	replace := func(old, new string) []byte { return bytes.Replace(good, []byte(old), []byte(new), 1) }
	startxref := bytes.LastIndex(good, []byte("startxref\n")) + len("startxref\n")
	xrefAt, _ := strconv.Atoi(string(bytes.Fields(good[startxref:])[0]))
	tests := []struct {
		name     string
		pdf      []byte
		want     error
		repaired bool
	}{
		{"ok/minimal", good, nil, false},
		{"error/empty", nil, ErrNotPDF, false},
		{"error/not-pdf", []byte("<html>not a pdf</html>"), ErrNotPDF, false},
		{"error/header-only", []byte("%PDF-1.7\n"), ErrDamaged, false},
		{"error/garbage", []byte("%PDF-1.7\n" + strings.Repeat("\x00\xff garbage (", 500)), ErrDamaged, false},
		{"error/truncated", good[:len(good)/2], ErrDamaged, false},
		{"error/catalog-not-dict", replace("<</Type /Catalog /Pages 2 0 R>>", "42"), ErrDamaged, false},
		{"error/encrypt-in-trailer", buildPDF("/Encrypt 4 0 R", "<</Type /Catalog /Pages 2 0 R>>",
			"<</Type /Pages /Kids [] /Count 0>>", "null", "<</Filter /Standard /V 1 /R 2>>"), ErrEncrypted, false},
		{"ok/startxref-off-by-ten", append(good[:startxref:startxref], []byte(fmt.Sprintf("%d\n%%%%EOF\n", xrefAt+10))...), nil, true},
		{"ok/object-offsets-shifted", replace("%PDF-1.7\n", "%PDF-1.7\n% ten bytes\n"), nil, true},
		{"ok/first-subsection-numbered-from-1", replace("xref\n0 4", "xref\n1 4"), nil, false},
		{"ok/junk-after-eof", append(append([]byte{}, good...), []byte("\x00\x00junk from a mail gateway\n")...), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := openBytes(tt.pdf)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Open: %v, want %v", err, tt.want)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "pdf: ") {
					t.Errorf("error %q lacks the package prefix", err)
				}
				return
			}
			if d.NumPages() != 1 {
				t.Errorf("NumPages = %d", d.NumPages())
			}
			if d.Repaired() != tt.repaired {
				t.Errorf("Repaired = %v, want %v", d.Repaired(), tt.repaired)
			}
		})
	}
}

// TestOpenEncryptedByQpdf refuses files qpdf encrypted, with a user
// password and with an owner password only.
func TestOpenEncryptedByQpdf(t *testing.T) {
	requireTool(t, "qpdf")
	src := ghostscript(t, "gs-1page", psOnePage)
	for _, tt := range []struct{ name, user string }{{"aes256-user-password", "user"}, {"aes256-owner-only", ""}, {"rc4-128", "user"}} {
		t.Run(tt.name, func(t *testing.T) {
			bits := "256"
			if strings.HasPrefix(tt.name, "rc4") {
				bits = "128"
			}
			out := filepath.Join(t.TempDir(), "enc.pdf")
			args := []string{"--encrypt", tt.user, "owner", bits}
			if bits == "128" {
				args = append([]string{"--allow-weak-crypto"}, append(args, "--use-aes=n")...)
			}
			args = append(args, "--", src, out)
			run(t, []int{0, 3}, "qpdf", args...)
			f := mustRead(t, out)
			_, err := openBytes(f)
			if !errors.Is(err, ErrEncrypted) {
				t.Fatalf("Open: %v, want ErrEncrypted", err)
			}
			if !strings.Contains(err.Error(), "the PDF is password-protected or encrypted; remove the protection and try again") {
				t.Errorf("message %q", err)
			}
		})
	}
}

// failReader fails the test on any read.
type failReader struct{ t *testing.T }

func (f failReader) ReadAt([]byte, int64) (int, error) {
	f.t.Error("ReadAt called")
	return 0, errors.New("no")
}

// TestOpenTooLarge refuses large inputs without reading them.
func TestOpenTooLarge(t *testing.T) {
	tests := []struct {
		name string
		size int64
		opts []Option
	}{
		{"default-limit", DefaultMaxSize + 1, nil},
		{"custom-limit", 1<<20 + 1, []Option{WithMaxSize(1 << 20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(failReader{t}, tt.size, tt.opts...)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Open: %v, want ErrTooLarge", err)
			}
		})
	}
	// At the limit is fine.
	pdf := buildPDF("", "<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [] /Count 0>>")
	if _, err := openBytes(pdf, WithMaxSize(int64(len(pdf)))); err != nil {
		t.Errorf("file at the limit: %v", err)
	}
}

// TestResolve reads objects of every type back.
func TestResolve(t *testing.T) {
	pdf := buildPDF("/Info 3 0 R",
		"<</Type /Catalog /Pages 2 0 R>>",
		"<</Type /Pages /Kids [] /Count 0>>",
		`<</Title (Quy\(e\)t \\ \101\n) /Author <FEFF0110> /N#20#23 /#23x /R -1.5 /I +7 /B true /Z null /A [1 0 R 2 0 3 0 R]>>`,
		"<</Length 5 0 R>>\nstream\nhello world\nendstream",
		"11",
		"<</Length 99>>\nstream\nwrong length\nendstream",
	)
	d, err := openBytes(pdf)
	if err != nil {
		t.Fatal(err)
	}
	info, err := d.Resolve(Ref{3, 0})
	if err != nil {
		t.Fatal(err)
	}
	want := Dict{"Title": String("Quy(e)t \\ A\n"), "Author": HexString("\xfe\xff\x01\x10"), "N #": Name("#x"),
		"R": Real(-1.5), "I": Int(7), "B": Bool(true), "Z": Null{}, "A": Array{Ref{1, 0}, Int(2), Int(0), Ref{3, 0}}}
	if fmt.Sprint(info) != fmt.Sprint(want) {
		t.Errorf("info = %v\nwant %v", info, want)
	}
	if s, _ := Text(info.(Dict)["Author"]); s != "Đ" {
		t.Errorf("Author text = %q", s)
	}
	for ref, data := range map[Ref]string{{4, 0}: "hello world", {6, 0}: "wrong length"} {
		o, err := d.Resolve(ref)
		s, ok := o.(*Stream)
		if err != nil || !ok || string(s.Data) != data {
			t.Errorf("stream %v = %v, %v", ref, o, err)
		}
	}
	for _, ref := range []Ref{{99, 0}, {3, 1}} {
		if o, err := d.Resolve(ref); err != nil || o != (Null{}) {
			t.Errorf("Resolve(%v) = %v, %v; want null", ref, o, err)
		}
	}
	// Callers may change what they get.
	info.(Dict)["Title"] = String("changed")
	again, _ := d.Resolve(Ref{3, 0})
	if again.(Dict)["Title"] != String("Quy(e)t \\ A\n") {
		t.Error("Resolve returned the cached object itself")
	}
}

// TestConcurrentReads reads one Document from several goroutines; run
// with -race.
func TestConcurrentReads(t *testing.T) {
	d, _ := openFile(t, "testdata/qpdf-objstm.pdf")
	done := make(chan error)
	for range 8 {
		go func() {
			for num := 1; num < d.nextNum; num++ {
				if _, err := d.Resolve(Ref{Num: num}); err != nil {
					done <- err
					return
				}
			}
			_, err := d.SignatureFields()
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
