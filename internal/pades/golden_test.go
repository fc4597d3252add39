package pades_test

import (
	"flag"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/pades"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// compareRender renders page 1 of file with pdftoppm at 50 dpi and compares
// it with testdata/golden: at most 0.5% of the pixels may differ by more
// than a small amount (font rasterisers differ slightly between versions).
func compareRender(t *testing.T, file, golden string) { compareRenderPage(t, file, golden, 1) }

func compareRenderPage(t *testing.T, file, golden string, page int) {
	t.Helper()
	need(t, "pdftoppm")
	prefix := filepath.Join(t.TempDir(), "page")
	p := strconv.Itoa(page)
	if out, err := exec.Command("pdftoppm", "-r", "50", "-f", p, "-l", p, "-png", "-singlefile", file, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	got := readPNG(t, prefix+".png")
	path := filepath.Join("testdata", golden)
	if *update {
		_ = os.MkdirAll("testdata", 0o755)
		b, _ := os.ReadFile(prefix + ".png")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readPNG(t, path)
	if got.Bounds() != want.Bounds() {
		t.Fatalf("render is %v, golden %v", got.Bounds(), want.Bounds())
	}
	diff, total := 0, 0
	for y := got.Bounds().Min.Y; y < got.Bounds().Max.Y; y++ {
		for x := got.Bounds().Min.X; x < got.Bounds().Max.X; x++ {
			total++
			r1, g1, b1, _ := got.At(x, y).RGBA()
			r2, g2, b2, _ := want.At(x, y).RGBA()
			if absDiff(r1, r2)+absDiff(g1, g2)+absDiff(b1, b2) > 3*0x2000 {
				diff++
			}
		}
	}
	if float64(diff) > 0.005*float64(total) {
		t.Errorf("%d of %d pixels differ from testdata/%s (render kept at %s.png); run with -update if the change is intended", diff, total, golden, prefix)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestStampRender checks the attachment stamp: number and symbol, then the
// signing time in ISO 8601 Vietnam time, Times-metric 10 pt, black, top
// right of the page (Decree 30/2020/NĐ-CP Appendix I, II.8.b).
func TestStampRender(t *testing.T) {
	e := newEnv(t)
	in := e.input(t)
	out := filepath.Join(e.dir, "stamp.pdf")
	at := time.Date(2026, 3, 5, 7, 30, 0, 0, time.UTC) // 14:30:00 +07:00
	sign(t, in, out, e.seal, pades.Options{Time: at, Appearance: &pades.Appearance{Kind: pades.KindStamp, Page: 2, Lines: []string{"Số: 05/QĐ-UBND"}}})
	compareRenderPage(t, out, "attachment-stamp.png", 2)
}

// TestSignerTextRender checks a signer's appearance without an image: the
// Vietnamese name and the signing time, centred.
func TestSignerTextRender(t *testing.T) {
	e := newEnv(t)
	out := filepath.Join(e.dir, "text.pdf")
	at := time.Date(2026, 3, 5, 7, 30, 0, 0, time.UTC)
	sign(t, e.input(t), out, e.leader, pades.Options{Time: at, Appearance: &pades.Appearance{Kind: pades.KindSigner, Page: 1, Rect: pades.Rect{X: 330, Y: 480, W: 200, H: 50}}})
	compareRender(t, out, "signer-text.png")
}

// TestRotatedPageRender: on a page shown rotated (/Rotate 90, as scanners
// often produce), the stamp is at the top right of the page as displayed
// and the text reads upright.
func TestRotatedPageRender(t *testing.T) {
	e := newEnv(t)
	in := e.input(t)
	rotated := filepath.Join(e.dir, "rotated.pdf")
	if out, err := exec.Command("qpdf", "--rotate=+90:1", in, rotated).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --rotate: %v\n%s", err, out)
	}
	at := time.Date(2026, 3, 5, 7, 30, 0, 0, time.UTC)
	stamped := filepath.Join(e.dir, "rotated-stamped.pdf")
	sign(t, rotated, stamped, e.seal, pades.Options{Time: at, Appearance: &pades.Appearance{Kind: pades.KindStamp, Page: 1, Lines: []string{"Số: 05/QĐ-UBND"}}})
	signed := filepath.Join(e.dir, "rotated-signed.pdf")
	sign(t, stamped, signed, e.leader, pades.Options{Time: at, Appearance: &pades.Appearance{Kind: pades.KindSigner, Page: 1, Rect: pades.Rect{X: 500, Y: 80, W: 200, H: 50}}})
	e.check(t, signed, 2)
	compareRender(t, signed, "rotated-page.png")
}
