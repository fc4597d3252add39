package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/textnorm"
	"golang.org/x/text/unicode/norm"
)

// viText is Vietnamese with every kind of mark: tones on circumflex and
// breve vowels, horn letters, đ/Đ, capitals.
const viText = `QUYẾT ĐỊNH số 05/QĐ-UBND về việc ứng dụng chữ ký số chuyên dùng Chính phủ trong điều hành.
Điều 1. Phê duyệt Kế hoạch chuyển đổi số năm 2025 của Ủy ban nhân dân tỉnh.
Điều 2. Giám đốc Sở Thông tin và Truyền thông chịu trách nhiệm hướng dẫn, đôn đốc thực hiện.
Nơi nhận: Như Điều 2; Lưu: VT, KGVX. Ngữ âm: ằ ẳ ẵ ặ ắ ừ ử ữ ự ứ ờ ở ỡ ợ ớ ỳ ỷ ỹ ỵ ý Ư Ơ Ă Â Ê Ô đ Đ.`

// collapse joins lines and collapses spaces, so that text wrapped by a
// producer compares with the source.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func extractFile(t *testing.T, path string) (string, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return ExtractText(bytes.NewReader(b), int64(len(b)))
}

// libreOffice converts a text file to PDF with LibreOffice, which embeds
// subset TrueType fonts with ToUnicode maps, as office PDFs have.
func libreOffice(t *testing.T, name, content string) string {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		if bin, err = exec.LookPath("libreoffice"); err != nil {
			t.Skip("LibreOffice is not installed (Debian package libreoffice-writer-nogui): cannot make PDFs the way offices do")
		}
	}
	dir := t.TempDir()
	src := filepath.Join(dir, name+".txt")
	if err := os.WriteFile(src, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A profile of its own: LibreOffice refuses to start while another
	// instance holds the default one.
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, name+".pdf")
	if _, err := os.Stat(pdf); err != nil {
		t.Fatalf("libreoffice wrote no PDF: %v", err)
	}
	return pdf
}

// ghostscript converts PostScript to PDF with Ghostscript's pdfwrite.
func ghostscript(t *testing.T, ps string) string {
	t.Helper()
	bin, err := exec.LookPath("gs")
	if err != nil {
		t.Skip("Ghostscript is not installed (Debian package ghostscript): cannot make PDFs from PostScript")
	}
	dir := t.TempDir()
	src, out := filepath.Join(dir, "in.ps"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(src, []byte(ps), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "--permit-file-read=/usr/share/fonts/",
		"-sDEVICE=pdfwrite", "-sOutputFile="+out, src)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gs: %v\n%s", err, b)
	}
	return out
}

const liberationSerif = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"

// psShow draws s with the current font: ASCII with show, every other
// character by glyph name (uniXXXX), which Ghostscript finds in a TrueType
// font and records in the PDF's ToUnicode map.
func psShow(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			fmt.Fprintf(&b, "(\\%c) show ", r)
		case r < 0x80:
			fmt.Fprintf(&b, "(%c) show ", r)
		default:
			fmt.Fprintf(&b, "/uni%04X glyphshow ", r)
		}
	}
	return b.String()
}

// ghostscriptVietnamese writes lines of Vietnamese in Liberation Serif
// loaded from its TrueType file.
func ghostscriptVietnamese(t *testing.T, lines []string) string {
	t.Helper()
	if _, err := os.Stat(liberationSerif); err != nil {
		t.Skip("Liberation Serif is not installed (Debian package fonts-liberation2)")
	}
	var ps strings.Builder
	fmt.Fprintf(&ps, "%%!PS\n(%s) (r) file .loadfont\n/LiberationSerif findfont 8 scalefont setfont\n", liberationSerif)
	y := 760
	for i, l := range lines {
		if i > 0 && i%40 == 0 {
			ps.WriteString("showpage\n/LiberationSerif findfont 8 scalefont setfont\n")
			y = 760
		}
		fmt.Fprintf(&ps, "50 %d moveto %s\n", y, psShow(l))
		y -= 16
	}
	ps.WriteString("showpage\n")
	return ghostscript(t, ps.String())
}

func TestExtractTextLibreOffice(t *testing.T) {
	path := libreOffice(t, "quyet-dinh", viText)
	got, err := extractFile(t, path)
	if err != nil {
		t.Fatalf("ExtractText: %v", err)
	}
	if !norm.NFC.IsNormalString(got) {
		t.Errorf("text is not NFC")
	}
	// Every character, diacritics included, comes back as written.
	if collapse(got) != collapse(viText) {
		t.Errorf("text does not round-trip:\n got %q\nwant %q", collapse(got), collapse(viText))
	}
}

func TestExtractTextLibreOfficeManyPages(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, "Đoạn %d: văn bản điện tử được ký số bằng chữ ký số chuyên dùng Chính phủ.\n", i)
	}
	path := libreOffice(t, "dai", b.String())
	got, err := extractFile(t, path)
	if err != nil {
		t.Fatalf("ExtractText: %v", err)
	}
	if !strings.Contains(got, "\n\n") {
		t.Errorf("no page break in the text of a multi-page PDF")
	}
	if collapse(got) != collapse(b.String()) {
		t.Errorf("text of %d bytes does not round-trip (got %d bytes)", b.Len(), len(got))
	}
}

func TestExtractTextGhostscript(t *testing.T) {
	lines := strings.Split(viText, "\n")
	path := ghostscriptVietnamese(t, lines)
	got, err := extractFile(t, path)
	if err != nil {
		t.Fatalf("ExtractText: %v", err)
	}
	// Lines drawn at separate positions must not run together.
	if collapse(got) != collapse(viText) {
		t.Errorf("text does not round-trip:\n got %q\nwant %q", collapse(got), collapse(viText))
	}
}

func TestExtractTextGhostscriptStandardFont(t *testing.T) {
	path := ghostscript(t, "%!PS\n/Times-Roman findfont 12 scalefont setfont\n72 720 moveto (Bao cao so 12/BC-UBND) show\n72 700 moveto (ngay 5 thang 6) show\nshowpage\n")
	got, err := extractFile(t, path)
	if err != nil {
		t.Fatalf("ExtractText: %v", err)
	}
	if want := "Bao cao so 12/BC-UBND\nngay 5 thang 6"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

func TestExtractTextErrors(t *testing.T) {
	scan := ghostscript(t, "%!PS\n0.5 setgray 72 72 400 600 rectfill\n0 setgray 100 100 moveto 300 500 lineto stroke\nshowpage\n")
	scanBytes, err := os.ReadFile(scan)
	if err != nil {
		t.Fatal(err)
	}
	seed := seedPDF(t)
	tests := []struct {
		name   string
		data   []byte
		size   int64
		noText bool   // want ErrNoText
		want   string // in the message
	}{
		{"a page without text", scanBytes, 0, true, "no text layer"},
		{"not a PDF", []byte("<html>ký số</html>"), 0, false, "not a PDF"},
		{"empty", nil, 0, false, "empty"},
		{"truncated", seed[:len(seed)/2], 0, false, ""},
		{"over the size limit", seed, MaxPDFBytes + 1, false, "MB"},
		{"garbage after a header", append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0xff, '(', '[', '<'}, 1000)...), 0, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size := tt.size
			if size == 0 {
				size = int64(len(tt.data))
			}
			got, err := ExtractText(bytes.NewReader(tt.data), size)
			if err == nil {
				t.Fatalf("ExtractText = %q, want an error", got)
			}
			if errors.Is(err, ErrNoText) != tt.noText {
				t.Errorf("error %v: ErrNoText = %v, want %v", err, !tt.noText, tt.noText)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "search: ") {
				t.Errorf("error %q, want it to say %q", err, tt.want)
			}
		})
	}
}

// TestExtractTextPDF20 checks that a PDF 2.0 header, which the reader
// refuses by itself, is read.
func TestExtractTextPDF20(t *testing.T) {
	b := seedPDF(t)
	b = append([]byte("%PDF-2.0"), b[8:]...)
	got, err := ExtractText(bytes.NewReader(b), int64(len(b)))
	if err != nil || !strings.Contains(got, "ký số") {
		t.Fatalf("ExtractText = %q, %v", got, err)
	}
}

func TestExtractTextDeadline(t *testing.T) {
	b := seedPDF(t)
	_, err := extractText(bytes.NewReader(b), int64(len(b)), time.Now().Add(-time.Second))
	if err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("past deadline: %v, want the time-out error", err)
	}
}

func TestExtractorTextLimit(t *testing.T) {
	x := &extractor{deadline: time.Now().Add(time.Minute)}
	defer func() {
		if p := recover(); p != errFull {
			t.Fatalf("recovered %v, want errFull", p)
		}
		if n := x.out.Len(); n < MaxTextBytes || n > MaxTextBytes+utf8.UTFMax*3 {
			t.Errorf("stopped at %d bytes, want about %d", n, MaxTextBytes)
		}
	}()
	for {
		for _, r := range "chữ ký số " {
			x.char(r)
		}
	}
}

func TestExtractedTextIsSearchable(t *testing.T) {
	got, err := ExtractText(bytes.NewReader(seedPDF(t)), int64(len(seedPDF(t))))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(textnorm.Fold(got), "ky so") {
		t.Errorf("folded text %q does not contain \"ky so\"", textnorm.Fold(got))
	}
}

// seedPDF is the LibreOffice PDF kept in testdata, so that the tests that
// need a valid PDF run where LibreOffice is not installed.
func seedPDF(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "libreoffice-vi.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
