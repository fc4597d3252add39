package docs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	"github.com/kyso-vn/kyso/internal/pdf"
)

// pdfaTimeout bounds one conversion to PDF/A.
const pdfaTimeout = 2 * time.Minute

// errNoGhostscript means PDF/A conversion is not available here.
var errNoGhostscript = errors.New("PDF/A conversion needs Ghostscript (apt-get install ghostscript)")

// signed reports whether a PDF carries a signature: such a file is
// archived as it is, since rewriting it as PDF/A would break the
// signature.
func signed(data []byte) bool {
	doc, err := pdf.Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	fields, err := doc.SignatureFields()
	if err != nil {
		return true // cannot tell: do not rewrite it
	}
	for _, f := range fields {
		if f.Signed {
			return true
		}
	}
	return false
}

// pdfaProlog declares the OutputIntent PDF/A asks for (an sRGB ICC
// profile) to Ghostscript's pdfwrite; %s is the profile's path.
const pdfaProlog = `/ICCProfile (%s) def
[/_objdef {icc_PDFA} /type /stream /OBJ pdfmark
[{icc_PDFA} << /N 3 >> /PUT pdfmark
[{icc_PDFA} ICCProfile (r) file /PUT pdfmark
[/_objdef {OutputIntent_PDFA} /type /dict /OBJ pdfmark
[{OutputIntent_PDFA} << /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {icc_PDFA} /OutputConditionIdentifier (sRGB) >> /PUT pdfmark
[{Catalog} << /OutputIntents [ {OutputIntent_PDFA} ] >> /PUT pdfmark
`

// toPDFAWithGhostscript rewrites an unsigned PDF as PDF/A-2b with
// Ghostscript's pdfwrite, the sRGB profile Ghostscript ships as the output
// intent, fonts embedded.
func toPDFAWithGhostscript(ctx context.Context, data []byte) ([]byte, error) {
	gs, err := exec.LookPath("gs")
	if err != nil {
		return nil, errNoGhostscript
	}
	icc, _ := filepath.Glob("/usr/share/ghostscript/*/iccprofiles/srgb.icc")
	if len(icc) == 0 {
		return nil, fmt.Errorf("%w: its sRGB profile (iccprofiles/srgb.icc) was not found", errNoGhostscript)
	}
	sort.Strings(icc)
	profile := icc[len(icc)-1]
	dir, err := os.MkdirTemp("", "kyso-pdfa-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out, prolog := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf"), filepath.Join(dir, "pdfa.ps")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(prolog, fmt.Appendf(nil, pdfaProlog, profile), 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, pdfaTimeout)
	defer cancel()
	// -dSAFER (the default) with the one file it must read.
	cmd := exec.CommandContext(ctx, gs, "-q", "-dPDFA=2", "-dBATCH", "-dNOPAUSE", "-dNOOUTERSAVE", "-sColorConversionStrategy=RGB",
		"-sDEVICE=pdfwrite", "-dPDFACompatibilityPolicy=1", "--permit-file-read="+profile, "-sOutputFile="+out, prolog, in)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ghostscript: %w: %s", err, bytes.TrimSpace(msg))
	}
	res, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	if len(res) > MaxFileSize {
		return nil, fmt.Errorf("the PDF/A version is larger than %d bytes", MaxFileSize)
	}
	return res, nil
}
