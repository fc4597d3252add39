package cms

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/kyso-vn/kyso/internal/testpki"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// signedPDFsDir holds the PDFs signed by other tools that kyso's validator
// must read (see its README); KYSO_SIGNED_PDFS overrides it.
func signedPDFsDir() string {
	if d := os.Getenv("KYSO_SIGNED_PDFS"); d != "" {
		return d
	}
	return testpki.SharedData("signed-pdfs")
}

// pdfSignature is one signature found in a PDF by a quick byte scan: the
// ByteRange, the /Contents string in its gap, and the SubFilter near it.
type pdfSignature struct {
	byteRange [4]int
	contents  []byte // hex-decoded; nil when the gap is not a hex string
	subFilter string
	err       error // why contents could not be extracted
}

var (
	byteRangeRE = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)
	subFilterRE = regexp.MustCompile(`/SubFilter\s*/([A-Za-z0-9.#_-]+)`)
)

// findSignatures scans a PDF for signature dictionaries. It is a test
// shortcut, not a PDF parser: a ByteRange inside a compressed object stream
// is not seen. The /Contents of a signature is the string in the gap of its
// ByteRange (ISO 32000-1 §12.8.1), which ties the two together.
func findSignatures(data []byte) []pdfSignature {
	var out []pdfSignature
	seen := map[[4]int]bool{}
	for _, m := range byteRangeRE.FindAllSubmatchIndex(data, -1) {
		var br [4]int
		for i := range br {
			br[i], _ = strconv.Atoi(string(data[m[2+2*i]:m[3+2*i]]))
		}
		if seen[br] {
			continue
		}
		seen[br] = true
		sig := pdfSignature{byteRange: br}
		// The SubFilter of the same object: between the "obj" before the
		// ByteRange and the "endobj" after it.
		start := bytes.LastIndex(data[:m[0]], []byte(" obj"))
		end := bytes.Index(data[m[1]:], []byte("endobj"))
		if start >= 0 && end >= 0 {
			if sf := subFilterRE.FindSubmatch(data[start : m[1]+end]); sf != nil {
				sig.subFilter = string(sf[1])
			}
		}
		gapStart, gapEnd := br[0]+br[1], br[2]
		if br[0] != 0 || br[1] < 0 || gapStart > gapEnd || gapEnd > len(data) || br[2]+br[3] > len(data) {
			sig.err = fmt.Errorf("ByteRange %v does not fit the file (%d bytes)", br, len(data))
			out = append(out, sig)
			continue
		}
		gap := bytes.TrimSpace(data[gapStart:gapEnd])
		if len(gap) < 2 || gap[0] != '<' || gap[len(gap)-1] != '>' {
			sig.err = fmt.Errorf("the ByteRange gap is not a hex string")
			out = append(out, sig)
			continue
		}
		hexText := strings.Join(strings.Fields(string(gap[1:len(gap)-1])), "")
		if len(hexText)%2 == 1 {
			hexText += "0" // ISO 32000-1 §7.3.4.3
		}
		c, err := hex.DecodeString(hexText)
		if err != nil {
			sig.err = fmt.Errorf("/Contents: %v", err)
		}
		sig.contents = c
		out = append(out, sig)
	}
	return out
}

// signedBytes returns what a ByteRange covers.
func signedBytes(data []byte, br [4]int) []byte {
	return append(append([]byte{}, data[br[0]:br[0]+br[1]]...), data[br[2]:br[2]+br[3]]...)
}

// tstInfoImprint reads the messageImprint of a TSTInfo (RFC 3161 §2.4.2).
func tstInfoImprint(der []byte) (asn1.ObjectIdentifier, []byte, error) {
	var info struct {
		Version        int
		Policy         asn1.ObjectIdentifier
		MessageImprint struct {
			Alg struct {
				Algorithm  asn1.ObjectIdentifier
				Parameters asn1.RawValue `asn1:"optional"`
			}
			Hashed []byte
		}
		Rest []asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return nil, nil, err
	}
	return info.MessageImprint.Alg.Algorithm, info.MessageImprint.Hashed, nil
}

// errEncapsulated: a SubFilter that means a detached signature, with
// encapsulated content: what was signed is not the ByteRange.
var errEncapsulated = errors.New("encapsulated content")

// checkPDFSignature parses and verifies one signature against the bytes its
// ByteRange covers, the way each SubFilter defines it.
func checkPDFSignature(data []byte, sig pdfSignature) (*Signed, error) {
	if sig.err != nil {
		return nil, fmt.Errorf("extraction: %w", sig.err)
	}
	s, err := Parse(sig.contents)
	if err != nil {
		return nil, err
	}
	covered := signedBytes(data, sig.byteRange)
	if s.Content == nil {
		if s.DigestAlgorithm == 0 || !s.DigestAlgorithm.Available() {
			return s, s.VerifyDetached(nil)
		}
		return s, s.VerifyDetached(hashOf(s.DigestAlgorithm, covered))
	}
	// Encapsulated content: adbe.pkcs7.sha1 signs the SHA-1 of the
	// ByteRange (ISO 32000-1 §12.8.3.3.1), ETSI.RFC3161 a TSTInfo whose
	// imprint is the hash of the ByteRange (ETSI EN 319 142-1 §5.4.3).
	if s.ContentType.Equal(OIDData()) && sig.subFilter != "adbe.pkcs7.sha1" {
		return s, fmt.Errorf("%w (%d bytes) under SubFilter %s", errEncapsulated, len(s.Content), sig.subFilter)
	}
	if err := s.Verify(); err != nil {
		return s, err
	}
	if s.ContentType.Equal(OIDData()) {
		if !bytes.Equal(s.Content, hashOf(crypto.SHA1, covered)) {
			return s, fmt.Errorf("%w: eContent is not the SHA-1 of the ByteRange", ErrDigestMismatch)
		}
		return s, nil
	}
	alg, imprint, err := tstInfoImprint(s.Content)
	if err != nil {
		return s, fmt.Errorf("TSTInfo: %w", err)
	}
	h, ok := hashByOID(alg)
	if !ok {
		return s, fmt.Errorf("%w: TSTInfo imprint hash %v", ErrUnsupported, alg)
	}
	if !bytes.Equal(imprint, hashOf(h, covered)) {
		return s, fmt.Errorf("%w: TSTInfo imprint is not the %v of the ByteRange", ErrDigestMismatch, h)
	}
	return s, nil
}

// signedPDFExpectations pins the outcome of signatures that exercise
// something in particular; "file#n" is the n-th signature the byte scan
// finds. nil means it verifies.
var signedPDFExpectations = map[string]error{
	"pyhanko-sig-with-ski-sid.pdf#0":                                    nil, // sid by subjectKeyIdentifier
	"pyhanko-sig-no-signed-attrs.pdf#0":                                 nil, // signature over the content digest
	"dss-pkcs7-no-message-digest.pdf#0":                                 nil, // the same, SHA-1
	"pyhanko-pades-with-old-style-signing-cert-attr.pdf#0":              nil, // ESS signing-certificate v1
	"dss-pkcs7_sha1.pdf#0":                                              nil, // adbe.pkcs7.sha1, encapsulated
	"itext-PdfPKCS7Test-timeStampSignatureBerEncoded.pdf#0":             nil, // ETSI.RFC3161
	"itext-PdfPKCS7Test-extensions-sample-ed25519-sha512.pdf#0":         nil,
	"itext-PdfPKCS7Test-extensions-sample-pss-sha3_256.pdf#0":           nil,
	"itext-PdfPKCS7Test-extensions-sample-nistp256-sha3_256.pdf#0":      nil,
	"itext-PdfPKCS7Test-signatureWithInvalidOcspTest.pdf#0":             nil, // DSA
	"dss-Signature-P-DE_SCI-4.pdf#0":                                    nil, // RSASSA-PSS
	"dss-Signature-P-FR_CS-5.pdf#0":                                     nil, // BER
	"dss-Signature-P-HU_NET-2.pdf#0":                                    nil, // sha256WithRSAEncryption as digestAlgorithm
	"dss-dss-1420-PAdES-BpB-att-SHA256-SHA3_256withRSA.pdf#0":           nil, // mislabelled signatureAlgorithm
	"nodesignpdf-signed.pdf#0":                                          nil, // signed attributes out of DER order
	"dss-pdf-removed-pages.pdf#0":                                       nil, // bytes after the ContentInfo
	"dss-pdf-double-signer-info.pdf#0":                                  nil, // two SignerInfos; SignerInfos says so
	"dss-malformed-pades.pdf#0":                                         ErrDigestMismatch,
	"itext-PdfPKCS7Test-embeddedTimeStampCorruptedSignature.pdf#0":      ErrDigestMismatch,
	"itext-SignatureUtilTest-commentsBytesAreCoveredTest01.pdf#0":       ErrDigestMismatch,
	"dss-pades-lta-copied-doctst.pdf#1":                                 ErrDigestMismatch,
	"itext-SignatureValidatorTest-modifiedDocTimestampDate.pdf#0":       ErrSignatureInvalid,
	"dss-pades-bes-no-certificates.pdf#0":                               ErrSignerNotFound,
	"dss-pades-unsupported-signature-algorithm.pdf#0":                   ErrUnsupported,
	"dss-dss-PLAIN-ECDSA-TeleSec_PKS_eIDAS_QES_CA_1-baseline-b.pdf#0":   ErrUnsupported, // brainpool
	"itext-PdfPKCS7Test-extensions-sample-brainpoolP384r1-sha384.pdf#0": ErrUnsupported,
	"itext-PdfPKCS7Test-extensions-sample-ed448-shake256.pdf#0":         ErrUnsupported,
	"pyhanko-ed448-disallowed-hash.pdf#0":                               ErrUnsupported,
	"itext-sign-RSASSAPSSTest-mgfDiscrepancy.pdf#0":                     ErrUnsupported,
	"dss-BadEncodedCMS.pdf#0":                                           ErrUnsupported, // x509 refuses the signer's serial
	"dss-pdf-with-empty-sig.pdf#0":                                      ErrMalformed,
	"itext-SignatureUtilTest-adbe.x509.rsa_sha1_signature.pdf#0":        ErrMalformed, // not CMS at all
	"dss-pades-enveloping-cms.pdf#0":                                    errEncapsulated,
}

// minVerifiedSignatures is how many of the signatures verify today; fewer
// is a regression.
const minVerifiedSignatures = 185

// TestSignedPDFs parses and verifies every signature of the PDFs signed by
// other tools, logs the outcome of each with the sentinel its error wraps,
// and checks the pinned expectations.
func TestSignedPDFs(t *testing.T) {
	dir := signedPDFsDir()
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) == 0 {
		t.Skipf("skipping: no PDFs in %s (set KYSO_SIGNED_PDFS)", dir)
	}
	sort.Strings(files)
	var nSigs, nParsed, nOK, nFilesOK int
	reasons := map[string]int{}
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sigs := findSignatures(data)
		name := filepath.Base(f)
		if len(sigs) == 0 {
			t.Logf("%s: no signature found by the byte scan", name)
			reasons["no signature found by the byte scan"]++
			continue
		}
		allOK := true
		for i, sig := range sigs {
			nSigs++
			key := fmt.Sprintf("%s#%d", name, i)
			s, err := checkPDFSignature(data, sig)
			if want, pinned := signedPDFExpectations[key]; pinned {
				seen[key] = true
				if !errors.Is(err, want) || (want == nil) != (err == nil) {
					t.Errorf("%s: %v, want %v", key, err, want)
				}
			}
			if s != nil {
				nParsed++
			}
			if sig.err == nil && s == nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: Parse error wraps no sentinel: %v", key, err)
			}
			if err == nil {
				nOK++
				t.Logf("%s %s OK %s", key, sig.subFilter, describe(s))
				continue
			}
			allOK = false
			t.Logf("%s %s FAIL %s: %v", key, sig.subFilter, describe(s), err)
			reasons[category(err)]++
		}
		if allOK {
			nFilesOK++
		}
	}
	for key := range signedPDFExpectations {
		if !seen[key] {
			t.Errorf("%s: not found", key)
		}
	}
	t.Logf("%d files, %d signatures: %d parse, %d verify; %d files with every signature verifying", len(files), nSigs, nParsed, nOK, nFilesOK)
	for r, n := range reasons {
		t.Logf("  %3d %s", n, r)
	}
	if nOK < minVerifiedSignatures {
		t.Errorf("%d signatures verify, %d did before", nOK, minVerifiedSignatures)
	}
}

// describe summarizes a parsed signature for the log.
func describe(s *Signed) string {
	if s == nil {
		return ""
	}
	d := fmt.Sprintf("%v/%v", s.DigestAlgorithm, s.SignatureAlgorithm)
	for _, flag := range []struct {
		on   bool
		text string
	}{
		{s.BER, "BER"},
		{s.UnsortedSignedAttrs, "unsorted-attrs"},
		{s.TrailingData > 0, fmt.Sprintf("trailing=%d", s.TrailingData)},
		{s.SignerInfos > 1, fmt.Sprintf("signerInfos=%d", s.SignerInfos)},
		{s.SignatureTimeStamp != nil, "+signature-time-stamp"},
	} {
		if flag.on {
			d += " " + flag.text
		}
	}
	return d
}

// category names the sentinel an error wraps, for the summary.
func category(err error) string {
	if strings.HasPrefix(err.Error(), "extraction: ") {
		return "extraction: the byte scan found no /Contents string where the ByteRange points (PDF structure)"
	}
	for _, e := range []error{ErrTooLarge, ErrMalformed, ErrUnsupported, ErrSignerNotFound, ErrMissingAttribute, ErrDigestMismatch, ErrSignatureInvalid, ErrSigningCertMismatch} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	return "other: " + err.Error()
}
