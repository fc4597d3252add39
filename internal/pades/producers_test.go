package pades_test

import (
	"fmt"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/testpki"
)

// producers makes input PDFs the way agencies' tools do, each with the
// number of signatures it already carries.
func (e *env) producers(t *testing.T) map[string]struct {
	path string
	sigs int
} {
	t.Helper()
	need(t, "gs", "qpdf")
	out := map[string]struct {
		path string
		sigs int
	}{}
	gs := func(name, ps string) string {
		src := filepath.Join(e.dir, name+".ps")
		_ = os.WriteFile(src, []byte(ps), 0o600)
		dst := filepath.Join(e.dir, name+".pdf")
		if o, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile="+dst, src).CombinedOutput(); err != nil {
			t.Fatalf("gs %s: %v\n%s", name, err, o)
		}
		return dst
	}
	text := "%!PS\n/Times-Roman findfont 12 scalefont setfont\n"
	for p := 1; p <= 3; p++ {
		text += fmt.Sprintf("72 720 moveto (Trang %d) show showpage\n", p)
	}
	three := gs("gs-3pages", text)
	out["ghostscript, 3 pages"] = struct {
		path string
		sigs int
	}{three, 0}
	// An image-only page, as a scanner makes: a grey bitmap, no text.
	var hex strings.Builder
	for i := 0; i < 200*200; i++ {
		fmt.Fprintf(&hex, "%02x", (i*7)%256)
	}
	scan := gs("scan", "%!PS\n72 300 translate 400 400 scale\n200 200 8 [200 0 0 -200 0 200] {<"+hex.String()+">} image showpage\n")
	out["image-only scan"] = struct {
		path string
		sigs int
	}{scan, 0}
	for name, args := range map[string][]string{
		"qpdf object streams":            {"--object-streams=generate"},
		"qpdf linearized":                {"--linearize"},
		"qpdf linearized object streams": {"--linearize", "--object-streams=generate"},
	} {
		dst := filepath.Join(e.dir, strings.ReplaceAll(name, " ", "-")+".pdf")
		if o, err := exec.Command("qpdf", append(args, three, dst)...).CombinedOutput(); err != nil {
			t.Fatalf("qpdf %s: %v\n%s", name, err, o)
		}
		out[name] = struct {
			path string
			sigs int
		}{dst, 0}
	}
	// LibreOffice's PDF export, from a Vietnamese document.
	if _, err := exec.LookPath("libreoffice"); err == nil {
		src := filepath.Join(e.dir, "cong-van.html")
		_ = os.WriteFile(src, []byte(`<html><head><meta charset="utf-8"></head><body><p>ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI</p><h1>CÔNG VĂN</h1><p>Số: 1277/STTTT-BCVT&amp;CNTT — về việc báo cáo sơ kết chữ ký số.</p></body></html>`), 0o600)
		cmd := exec.Command("libreoffice", "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(e.dir, "lo-profile"), "--convert-to", "pdf", "--outdir", e.dir, src)
		if o, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("libreoffice: %v\n%s", err, o)
		}
		out["LibreOffice export"] = struct {
			path string
			sigs int
		}{filepath.Join(e.dir, "cong-van.pdf"), 0}
	}
	// Already signed by poppler: the key goes into the NSS database.
	if _, err := exec.LookPath("pk12util"); err == nil {
		p12 := filepath.Join(e.dir, "leader.p12")
		keyFile := testpki.WriteKey(t, filepath.Join(e.dir, "leader.key"), e.leader.Signer)
		certFile := testpki.WritePEM(t, filepath.Join(e.dir, "leader.pem"), e.leader.Cert, e.ca)
		steps := [][]string{
			{"openssl", "pkcs12", "-export", "-inkey", keyFile, "-in", certFile, "-out", p12, "-passout", "pass:x", "-name", "leader"},
			{"pk12util", "-i", p12, "-d", "sql:" + e.nss, "-W", "x"},
			{"pdfsig", "-add-signature", "-nssdir", "sql:" + e.nss, "-nick", "leader", three, filepath.Join(e.dir, "poppler-signed.pdf")},
		}
		ok := true
		for _, s := range steps {
			if o, err := exec.Command(s[0], s[1:]...).CombinedOutput(); err != nil {
				t.Logf("%v: %v\n%s (skipping the poppler-signed input)", s, err, o)
				ok = false
				break
			}
		}
		if ok {
			out["signed before by pdfsig -add-signature"] = struct {
				path string
				sigs int
			}{filepath.Join(e.dir, "poppler-signed.pdf"), 1}
		}
	}
	return out
}

func TestProducers(t *testing.T) {
	e := newEnv(t)
	if _, err := exec.LookPath("libreoffice"); err != nil {
		t.Log("LibreOffice is not installed: its export is not among the inputs (apt-get install libreoffice-writer-nogui)")
	}
	for name, in := range e.producers(t) {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(e.dir, "signed-"+strings.ReplaceAll(name, " ", "-")+".pdf")
			sign(t, in.path, out, e.leader, pades.Options{Appearance: &pades.Appearance{
				Kind: pades.KindSigner, Page: 1, Rect: pades.Rect{X: 350, Y: 100, W: 160, H: 80},
				Image: pngImage(t, color.NRGBA{0, 0, 200, 255}, false), Lines: []string{"Nguyễn Văn Đức"},
			}})
			e.check(t, out, in.sigs+1)
		})
	}
}
