package validate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/testpki"
	"github.com/kyso-vn/kyso/internal/validate"
)

// TestSignedPDFsFromOtherTools runs the validator over the signed PDFs of
// other projects (../shared/testdata/signed-pdfs): every file gets a report
// or a clear refusal, quickly, and the files broken on purpose are judged
// for what they are. Offline: their revocation services are long gone.
func TestSignedPDFsFromOtherTools(t *testing.T) {
	dir := testpki.SharedData("signed-pdfs")
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) == 0 {
		t.Skipf("no signed PDFs in %s", dir)
	}
	anchors, err := validate.LoadAnchors(filepath.Join(dir, "roots"))
	if err != nil {
		t.Fatal(err)
	}
	v := validate.New(validate.Options{Anchors: anchors, Lang: i18n.VI})
	counts := map[string]int{}
	got := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		rep, err := v.PDF(context.Background(), data)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: %v", filepath.Base(f), d)
		}
		name := filepath.Base(f)
		if err != nil {
			if !errors.Is(err, validate.ErrNoSignature) && !errors.Is(err, validate.ErrUnreadable) {
				t.Errorf("%s: unclassified error %v", name, err)
			}
			counts["refused"]++
			got[name] = "refused"
			continue
		}
		var b strings.Builder
		if err := rep.WriteText(&b, i18n.VI); err != nil {
			t.Errorf("%s: text report: %v", name, err)
		}
		if err := rep.WriteHTML(&b, i18n.EN); err != nil {
			t.Errorf("%s: HTML report: %v", name, err)
		}
		for _, s := range rep.Signatures {
			key := string(s.Indication) + "/" + s.SubIndication
			counts[key]++
			got[name] += key + " "
			if s.Message == "" {
				t.Errorf("%s #%d: no message", name, s.Index)
			}
		}
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%4d %s", counts[k], k)
	}
	// Files broken on purpose must not pass.
	for name, want := range map[string]string{
		"dss-malformed-pades.pdf":                                          "refused",
		"dss-modified_after_signature.pdf":                                 "TOTAL-FAILED/FORMAT_FAILURE",
		"dss-pdf-signed-added-page.pdf":                                    "TOTAL-FAILED/FORMAT_FAILURE",
		"dss-pdf-spoofing-attack.pdf":                                      "TOTAL-FAILED",
		"dss-dss-2236-hide.pdf":                                            "TOTAL-FAILED",
		"itext-verify-pdfinsecurity-IncrementalSavingAttackTest-isa-3.pdf": "TOTAL-FAILED",
		"dss-pdf-byterange-overlap.pdf":                                    "TOTAL-FAILED/FORMAT_FAILURE",
		"itext-PdfPKCS7Test-embeddedTimeStampCorruptedSignature.pdf":       "TOTAL-FAILED/HASH_FAILURE",
		"itext-SignatureUtilTest-commentsBytesAreCoveredTest01.pdf":        "TOTAL-FAILED",
		"itext-SignatureValidatorTest-modifiedDocTimestampDate.pdf":        "TOTAL-FAILED",
		"dss-pades-bes-no-certificates.pdf":                                "INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND",
	} {
		if g, ok := got[name]; ok && !strings.Contains(g, want) {
			t.Errorf("%s: got %s, want %s", name, g, want)
		}
	}
	for name, g := range got {
		if strings.Contains(name, "shadow") || strings.Contains(name, "wrapping") || strings.Contains(name, "attack") {
			if strings.Contains(g, "TOTAL-PASSED") && !strings.Contains(g, "FAILED") && !strings.Contains(g, "INDETERMINATE") {
				t.Errorf("%s: an attacked file passed: %s", name, g)
			}
		}
	}
}
