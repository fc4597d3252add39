package pdffont

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite testdata/appearance.png from pdftoppm's render")

const (
	goldenPNG = "testdata/appearance.png"
	pageW     = 400.0
	pageH     = 200.0
	// maxDiff is the share of pixels that may differ from the golden render
	// under diffShare. Measured: MuPDF 1.21.1 vs poppler 22.12 golden 0.15%; the
	// same page without diacritics 1.5%. The test checks the latter stays
	// above 2*maxDiff, so the tolerance cannot hide missing tone marks.
	maxDiff = 0.005
)

// appearancePage lays out a signature-like page: a bold name, a wrapped
// title and agency, the signing time, and every Vietnamese vowel with
// every tone in both cases. With fold set, all diacritics are removed
// (for the sensitivity check). It returns the PDF, the expected lines of
// text, and the time line with its x position and size.
func appearancePage(t *testing.T, fold bool) ([]byte, []string, pdfLine) {
	t.Helper()
	strip := func(s string) string {
		if !fold {
			return s
		}
		out, _, _ := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
		return strings.NewReplacer("đ", "d", "Đ", "D").Replace(out)
	}
	regular, bold := LiberationSerif().NewSubset(), LiberationSerifBold().NewSubset()
	fonts := []pdfFont{{"F1", regular}, {"F2", bold}}
	lower, upper := allTonedVowels(t)
	group := func(letters []string) string {
		var words []string
		for i := 0; i < len(letters); i += len(toneMarks) {
			words = append(words, strings.Join(letters[i:i+len(toneMarks)], ""))
		}
		return strings.Join(words, " ")
	}

	type block struct {
		font int
		size float64
		text string
	}
	blocks := []block{
		{1, 16, textName},
		{0, 12, textTitle + " " + textAgency},
		{0, 11, textTime},
		{0, 13, group(lower)},
		{0, 13, group(upper)},
		{1, 13, "Đà Nẵng, ngày 05 tháng 3 năm 2026, đã ký số"},
	}
	const margin = 16
	y := pageH - margin
	var lines []pdfLine
	var want []string
	var timeLine pdfLine
	for _, b := range blocks {
		f := fonts[b.font].sub.Font()
		leading := float64(f.Metrics().Leading) * b.size / 1000
		for _, text := range f.Wrap(strip(b.text), b.size, pageW-2*margin) {
			y -= leading
			enc, err := fonts[b.font].sub.Encode(text)
			if err != nil {
				t.Fatal(err)
			}
			l := pdfLine{font: b.font, size: b.size, x: margin, y: y, text: text, encoded: enc}
			if b.text == textTime {
				timeLine = l
			}
			lines = append(lines, l)
			want = append(want, text)
		}
	}
	if y < 0 {
		t.Fatalf("page too short, y = %v", y)
	}
	return buildPDF(t, pageW, pageH, fonts, lines), want, timeLine
}

// tool returns the path of an external program or skips the test.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (apt-get install -y %s); skipping the render test", name, pkg)
	}
	return p
}

// run runs a program and fails on a non-zero exit or any output on stderr
// (poppler reports "Syntax Error"/"Syntax Warning" there, MuPDF "warning:"/"error:").
func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s %s wrote to stderr:\n%s", filepath.Base(name), strings.Join(args, " "), stderr.String())
	}
	return stdout.Bytes()
}

func TestRenderPDF(t *testing.T) {
	pdftotext := tool(t, "pdftotext", "poppler-utils")
	pdffonts := tool(t, "pdffonts", "poppler-utils")
	pdftoppm := tool(t, "pdftoppm", "poppler-utils")
	mutool := tool(t, "mutool", "mupdf-tools")

	dir := t.TempDir()
	pdfData, want, timeLine := appearancePage(t, false)
	pdfPath := filepath.Join(dir, "appearance.pdf")
	if err := os.WriteFile(pdfPath, pdfData, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("test PDF: %d bytes", len(pdfData))

	// (1) pdftotext reads the text back through ToUnicode.
	text := string(run(t, pdftotext, "-enc", "UTF-8", pdfPath, "-"))
	t.Logf("pdftotext:\n%s", text)
	// pdftotext separates blocks of different size with empty lines.
	var got []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimRight(l, "\f"); l != "" {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pdftotext lines:\n%q\nwant:\n%q", got, want)
	}

	// The renderer advances by the /W widths, which Width uses: the time
	// line ends where Width says.
	bbox := string(run(t, pdftotext, "-bbox", "-enc", "UTF-8", pdfPath, "-"))
	words := regexp.MustCompile(`xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>`).FindAllStringSubmatch(bbox, -1)
	found := false
	for _, w := range words {
		if w[3] == "+07:00" {
			xMax, _ := strconv.ParseFloat(w[2], 64)
			end := timeLine.x + LiberationSerif().Width(timeLine.text, timeLine.size)
			if d := xMax - end; d > 0.01 || d < -0.01 {
				t.Errorf("time line ends at %v, Width says %v", xMax, end)
			}
			found = true
		}
	}
	if !found {
		t.Errorf("no \"+07:00\" word in pdftotext -bbox output")
	}

	// (2) pdffonts: both fonts embedded subsets, CID TrueType, Identity-H, with ToUnicode.
	fontsOut := string(run(t, pdffonts, pdfPath))
	t.Logf("pdffonts:\n%s", fontsOut)
	for _, name := range []string{"LiberationSerif", "LiberationSerif-Bold"} {
		re := regexp.MustCompile(`(?m)^[A-Z]{6}\+` + name + `\s+CID TrueType\s+Identity-H\s+yes yes yes\s`)
		if !re.MatchString(fontsOut) {
			t.Errorf("pdffonts does not list %s as an embedded CID TrueType subset with ToUnicode", name)
		}
	}

	// (3) pdftoppm renders without complaint and matches the golden image.
	run(t, pdftoppm, "-r", "100", "-png", "-singlefile", pdfPath, filepath.Join(dir, "poppler"))
	poppler := readPNG(t, filepath.Join(dir, "poppler.png"))
	if *update {
		data, err := os.ReadFile(filepath.Join(dir, "poppler.png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPNG, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", goldenPNG)
	}
	golden := readPNG(t, goldenPNG)
	if d := diffShare(t, poppler, golden); d > maxDiff {
		t.Errorf("pdftoppm render differs from %s in %.2f%% of pixels", goldenPNG, 100*d)
	} else {
		t.Logf("pdftoppm vs golden: %.3f%% pixels differ", 100*d)
	}
	if ink := inkShare(golden); ink < 0.03 {
		t.Errorf("golden render is nearly blank (%.2f%% ink)", 100*ink)
	}

	// (4) MuPDF renders it too, to the same picture.
	mu := filepath.Join(dir, "mupdf.png")
	// -N: no colour management, which this MuPDF build lacks (it would
	// warn "ICC support is not available" for any file).
	run(t, mutool, "draw", "-q", "-N", "-r", "100", "-o", mu, pdfPath)
	if d := diffShare(t, readPNG(t, mu), golden); d > maxDiff {
		t.Errorf("mutool render differs from %s in %.2f%% of pixels", goldenPNG, 100*d)
	} else {
		t.Logf("mutool vs golden: %.3f%% pixels differ", 100*d)
	}

	// The tolerance is tight enough to notice missing diacritics.
	folded, _, _ := appearancePage(t, true)
	foldedPath := filepath.Join(dir, "folded.pdf")
	if err := os.WriteFile(foldedPath, folded, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, pdftoppm, "-r", "100", "-png", "-singlefile", foldedPath, filepath.Join(dir, "folded"))
	if d := diffShare(t, readPNG(t, filepath.Join(dir, "folded.png")), golden); d <= 2*maxDiff {
		t.Errorf("text without diacritics differs from the golden in only %.2f%% of pixels: tolerance too loose", 100*d)
	} else {
		t.Logf("without diacritics: %.2f%% pixels differ", 100*d)
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/pdffont/ -run TestRenderPDF -update to create it)", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// gray returns the luminance of the pixel at x, y in 0–255.
func gray(img image.Image, x, y int) int {
	r, g, b, _ := img.At(x, y).RGBA()
	return int((299*r + 587*g + 114*b) / 1000 >> 8)
}

// diffShare returns the share of pixels that differ between a and b: a
// pixel differs when no pixel in the 3×3 neighbourhood at the same place
// in the other image is within a quarter of the luminance range, checked
// both ways. Renderers place glyph edges differently by up to a pixel and
// anti-alias differently; a missing or moved tone mark is several pixels
// with no dark neighbour at all.
func diffShare(t *testing.T, a, b image.Image) float64 {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("image sizes differ: %v vs %v", a.Bounds(), b.Bounds())
	}
	ga, gb := grayPlane(a), grayPlane(b)
	r := a.Bounds()
	n := 0
	for y := range r.Dy() {
		for x := range r.Dx() {
			if !nearMatch(ga, gb, x, y) || !nearMatch(gb, ga, x, y) {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

// grayPlane returns the luminance of every pixel, by row.
func grayPlane(img image.Image) [][]int {
	r := img.Bounds()
	p := make([][]int, r.Dy())
	for y := range p {
		p[y] = make([]int, r.Dx())
		for x := range p[y] {
			p[y][x] = gray(img, r.Min.X+x, r.Min.Y+y)
		}
	}
	return p
}

// nearMatch reports whether a[y][x] is within 64 of some pixel of b in
// the 3×3 neighbourhood of (x, y).
func nearMatch(a, b [][]int, x, y int) bool {
	v := a[y][x]
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			yy, xx := y+dy, x+dx
			if yy < 0 || yy >= len(b) || xx < 0 || xx >= len(b[yy]) {
				continue
			}
			if d := v - b[yy][xx]; d <= 64 && d >= -64 {
				return true
			}
		}
	}
	return false
}

// inkShare returns the share of dark pixels.
func inkShare(img image.Image) float64 {
	r := img.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if gray(img, x, y) < 128 {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}
