package pdf

import (
	"bytes"
	"errors"
	"github.com/kyso-vn/kyso/internal/testpki"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusDir holds 135 PDFs signed by other tools (see its README).
var corpusDir = testpki.SharedData("signed-pdfs")

// corpusFailures lists the files Open refuses, with the sentinel.
var corpusFailures = map[string]error{
	// The "%PDF-" header is overwritten with junk.
	"dss-malformed-pades.pdf": ErrNotPDF,
}

// corpusRepaired lists the files whose cross-reference data is wrong, so
// that Open has to search or scan (Document.Repaired).
var corpusRepaired = map[string]bool{
	"dss-pades-5-signatures-and-1-document-timestamp.pdf":              true, // last /Prev is 0
	"dss-pades_infinite_loop.pdf":                                      true, // startxref and offsets past the end
	"dss-pdf-signed-corrupted.pdf":                                     true, // startxref off by 10
	"itext-verify-pdfinsecurity-IncrementalSavingAttackTest-isa-3.pdf": true, // last section empty, no /Prev
}

// corpusByteRangeAnomalies lists files where a signature's byte range does
// not end where a revision ends: files broken or rewritten on purpose.
var corpusByteRangeAnomalies = map[string]bool{
	"dss-pades_infinite_loop.pdf":                                      true,
	"dss-pdf-signed-corrupted.pdf":                                     true,
	"dss-pdf-signed-out-of-byteRange.pdf":                              true,
	"itext-SignatureUtilTest-byteRangeAndContentsEntries.pdf":          true,
	"itext-SignatureValidatorTest-docWithBrokenDss.pdf":                true,
	"itext-SignatureValidatorTest-modifiedDoc.pdf":                     true,
	"itext-verify-pdfinsecurity-IncrementalSavingAttackTest-isa-3.pdf": true,
	"pyhanko-coverage-anomalies-one-byterange.pdf":                     true,
	"pyhanko-coverage-anomalies-signature-gap-too-big.pdf":             true,
	"pyhanko-coverage-anomalies-tail-uncovered.pdf":                    true,
	"pyhanko-coverage-anomalies-weird-byterange.pdf":                   true,
}

func corpusFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.pdf"))
	if len(files) == 0 {
		t.Skipf("skipping: no PDFs in %s", corpusDir)
	}
	sort.Strings(files)
	return files
}

// TestSignedCorpus opens every signed PDF, lists its signature fields and
// checks that each signature's byte range ends where a revision ends.
func TestSignedCorpus(t *testing.T) {
	files := corpusFiles(t)
	opened, sigs := 0, 0
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			b := mustRead(t, path)
			d, err := openBytes(b)
			if want, ok := corpusFailures[name]; ok {
				if !errors.Is(err, want) {
					t.Fatalf("Open: %v, want %v", err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			opened++
			if d.Repaired() != corpusRepaired[name] {
				t.Errorf("Repaired = %v", d.Repaired())
			}
			if d.NumPages() == 0 {
				t.Error("no pages")
			}
			fields, err := d.SignatureFields()
			if err != nil {
				t.Fatalf("SignatureFields: %v", err)
			}
			ends := map[int64]bool{}
			for _, r := range d.Revisions() {
				ends[r.End] = true
			}
			anomalies := 0
			for _, f := range fields {
				if !f.Signed {
					continue
				}
				sigs++
				fd, _ := d.DerefDict(f.Ref)
				v, err := d.DerefDict(fd.Get("V"))
				if err != nil || v == nil {
					t.Errorf("%s: /V: %v", f.Name, err)
					continue
				}
				br, _ := v.Get("ByteRange").(Array)
				if len(br) != 4 {
					anomalies++
					continue
				}
				c, _ := Integer(br[2])
				l, _ := Integer(br[3])
				end := int64(c + l)
				// The range may take in the EOL after "%%EOF".
				if !ends[end] && !ends[end-1] && !ends[end-2] {
					anomalies++
					if !corpusByteRangeAnomalies[name] {
						t.Errorf("%s: byte range ends at %d; revisions %+v", f.Name, end, d.Revisions())
					}
				}
			}
			if corpusByteRangeAnomalies[name] && anomalies == 0 {
				t.Error("every byte range ends at a revision end, but an anomaly was expected")
			}
		})
	}
	t.Logf("%d of %d files open, %d signatures, refused: %v", opened, len(files), sigs, corpusFailures)
}

// TestSignedCorpusUpdate adds one more signature field to every signed
// file. Earlier signatures stay intact because the input is not touched;
// qpdf must find the result as clean as the input.
func TestSignedCorpusUpdate(t *testing.T) {
	files := corpusFiles(t)
	qpdf := haveTool("qpdf") && !testing.Short()
	if !qpdf {
		t.Log("qpdf missing or -short: results not checked with qpdf")
	}
	cleanIn, cleanOut := 0, 0
	for _, path := range files {
		name := filepath.Base(path)
		if corpusFailures[name] != nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			d, in := openFile(t, path)
			before, err := d.SignatureFields()
			if err != nil {
				t.Fatal(err)
			}
			u := d.NewUpdate()
			sig := u.Add(signatureDict())
			addSignatureField(t, d, u, sig)
			out, data := writeUpdated(t, u)
			if !bytes.Equal(data[:len(in)], in) {
				t.Fatal("input changed")
			}
			d2, _ := openFile(t, out)
			after, err := d2.SignatureFields()
			if err != nil {
				t.Fatal(err)
			}
			if len(after) != len(before)+1 || after[len(after)-1].Value != sig {
				t.Errorf("fields before %d, after %+v", len(before), after)
			}
			if r1, r2 := d.Revisions(), d2.Revisions(); len(r2) != len(r1)+1 || r2[len(r2)-1].XRefStream != r1[len(r1)-1].XRefStream {
				t.Errorf("revisions before %+v, after %+v", r1, r2)
			}
			if !qpdf {
				return
			}
			okIn := qpdfClean(path)
			okOut := qpdfClean(out)
			if okIn {
				cleanIn++
			}
			if okOut {
				cleanOut++
			}
			if okIn && !okOut {
				o, _ := exec.Command("qpdf", "--check", out).CombinedOutput()
				t.Errorf("qpdf --check is clean on the input, not on the output:\n%s", o)
			}
		})
	}
	t.Logf("qpdf --check clean: %d inputs, %d outputs", cleanIn, cleanOut)
}

// qpdfClean reports whether qpdf --check exits 0 without warnings.
func qpdfClean(path string) bool {
	out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
	return err == nil && !strings.Contains(string(out), "WARNING")
}
