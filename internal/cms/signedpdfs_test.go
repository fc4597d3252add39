package cms

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
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
	return "/work/shared/testdata/signed-pdfs"
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

// TestSignedPDFs parses and verifies every signature of the PDFs signed by
// other tools and reports the outcome of each.
func TestSignedPDFs(t *testing.T) {
	dir := signedPDFsDir()
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) == 0 {
		t.Skipf("skipping: no PDFs in %s (set KYSO_SIGNED_PDFS)", dir)
	}
	sort.Strings(files)
	var nFiles, nSigs, nOK, nFilesOK int
	reasons := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		nFiles++
		sigs := findSignatures(data)
		name := filepath.Base(f)
		if len(sigs) == 0 {
			t.Logf("%-80s no signature found by the byte scan", name)
			reasons["no signature found by the byte scan"]++
			continue
		}
		allOK := true
		for i, sig := range sigs {
			nSigs++
			s, err := checkPDFSignature(data, sig)
			alg := ""
			if s != nil {
				alg = fmt.Sprintf("%v/%v", s.DigestAlgorithm, s.SignatureAlgorithm)
			}
			if err == nil {
				nOK++
				t.Logf("%-80s #%d %-22s OK %s", name, i, sig.subFilter, alg)
				continue
			}
			allOK = false
			t.Logf("%-80s #%d %-22s FAIL %s: %v", name, i, sig.subFilter, alg, err)
			reasons[category(err)]++
		}
		if allOK {
			nFilesOK++
		}
	}
	t.Logf("%d files, %d signatures: %d verify; %d files with every signature verifying", nFiles, nSigs, nOK, nFilesOK)
	for r, n := range reasons {
		t.Logf("  %3d %s", n, r)
	}
}

// category names the sentinel an error wraps, for the summary.
func category(err error) string {
	for _, e := range []error{ErrTooLarge, ErrMalformed, ErrUnsupported, ErrSignerNotFound, ErrMissingAttribute, ErrDigestMismatch, ErrSignatureInvalid, ErrSigningCertMismatch} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	return "other: " + err.Error()
}
