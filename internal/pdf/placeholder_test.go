package pdf

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const contentsLen = 8192

// signatureDict is a signature dictionary with both placeholders (§12.8.1).
func signatureDict() Dict {
	return Dict{
		"Type": Name("Sig"), "Filter": Name("Adobe.PPKLite"), "SubFilter": Name("ETSI.CAdES.detached"),
		"ByteRange": ByteRangePlaceholder{}, "Contents": ContentsPlaceholder{Len: contentsLen},
		"M": String("D:20261123120000+07'00'"), "Reason": TextString("Phê duyệt"),
	}
}

// placeholderFile writes base plus an update with a signature field whose
// /V holds the placeholders, and returns the path, the placeholder
// positions and the signature dictionary's reference.
func placeholderFile(t *testing.T, base string) (string, PlaceholderPos, Ref) {
	t.Helper()
	d, _ := openFile(t, base)
	u := d.NewUpdate()
	sig := u.Add(signatureDict())
	addSignatureField(t, d, u, sig)
	path, out := writeUpdated(t, u)
	pos := u.Placeholders()
	if len(pos) != 1 || pos[0].Ref != sig {
		t.Fatalf("Placeholders = %+v, want one for %v", pos, sig)
	}
	p := pos[0]
	if p.Contents.End-p.Contents.Start != 2*contentsLen+2 || out[p.Contents.Start] != '<' || out[p.Contents.End-1] != '>' {
		t.Fatalf("Contents at %+v: %q…", p.Contents, out[p.Contents.Start:p.Contents.Start+8])
	}
	if strings.Trim(string(out[p.Contents.Start+1:p.Contents.End-1]), "0") != "" {
		t.Fatal("Contents placeholder is not all zeros")
	}
	if p.ByteRange.End-p.ByteRange.Start != ByteRangeWidth || out[p.ByteRange.Start] != '[' || out[p.ByteRange.End-1] != ']' {
		t.Fatalf("ByteRange at %+v: %q", p.ByteRange, out[p.ByteRange.Start:p.ByteRange.End])
	}
	return path, p, sig
}

// patchFile fills the byte range, then asks sign for the signature over the
// covered bytes and patches it in; it returns the byte range.
func patchFile(t *testing.T, path string, p PlaceholderPos, sign func(covered []byte) []byte) [4]int64 {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	br := p.Range(st.Size())
	enc, err := p.EncodeByteRange(br)
	if err != nil {
		t.Fatal(err)
	}
	if err := Patch(f, p.ByteRange.Start, enc); err != nil {
		t.Fatal(err)
	}
	covered, err := io.ReadAll(ByteRangeReader(f, br))
	if err != nil {
		t.Fatal(err)
	}
	cont, err := p.EncodeContents(sign(covered))
	if err != nil {
		t.Fatal(err)
	}
	if err := Patch(f, p.Contents.Start, cont); err != nil {
		t.Fatal(err)
	}
	return br
}

// TestPlaceholders reserves, locates and patches /ByteRange and /Contents,
// in updates with both kinds of cross-reference section.
func TestPlaceholders(t *testing.T) {
	requireTool(t, "gs")
	table := fixture{name: "gs-3pages", path: ghostscript(t, "gs-3pages", psThreePages)}
	cases := []fixture{table}
	if haveTool("qpdf") {
		cases = append(cases, fixture{name: "qpdf-objstm", path: qpdfVariant(t, "qpdf-objstm", table.path, "--object-streams=generate")})
	}
	for _, f := range cases {
		t.Run(f.name, func(t *testing.T) {
			path, p, sig := placeholderFile(t, f.path)
			// A stand-in "signature": the digest of the covered bytes.
			var digest []byte
			br := patchFile(t, path, p, func(covered []byte) []byte {
				h := sha256.Sum256(covered)
				digest = h[:]
				return append([]byte{0x30, 0x82, 0x01, 0x00}, digest...)
			})
			out := mustRead(t, path)
			size := int64(len(out))
			// The range covers everything but the hex string, delimiters
			// included.
			if br[0] != 0 || br[1] != p.Contents.Start || br[2] != p.Contents.End || br[2]+br[3] != size {
				t.Errorf("ByteRange %v, Contents %+v, size %d", br, p.Contents, size)
			}
			if out[br[1]] != '<' || out[br[2]-1] != '>' {
				t.Errorf("gap [%d, %d) is not the hex string", br[1], br[2])
			}
			h := sha256.New()
			h.Write(out[:br[1]])
			h.Write(out[br[2]:])
			if !bytes.Equal(h.Sum(nil), digest) {
				t.Error("ByteRangeReader did not give the covered bytes")
			}
			qpdfCheck(t, path)

			d, _ := openFile(t, path)
			fields, err := d.SignatureFields()
			if err != nil || len(fields) != 1 || !fields[0].Signed || fields[0].Value != sig {
				t.Fatalf("SignatureFields = %+v, %v", fields, err)
			}
			sd, err := d.DerefDict(sig)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := sd.Get("ByteRange").(Array)
			if len(got) != 4 {
				t.Fatalf("/ByteRange %v", sd.Get("ByteRange"))
			}
			for i := range br {
				if v, _ := Integer(got[i]); int64(v) != br[i] {
					t.Errorf("/ByteRange %v, want %v", got, br)
				}
			}
			c, _ := sd.Get("Contents").(HexString)
			if len(c) != contentsLen || !strings.HasPrefix(string(c), "\x30\x82\x01\x00"+string(digest)) || strings.Trim(string(c[36:]), "\x00") != "" {
				t.Errorf("/Contents = %x…", c[:40])
			}
			if r, _ := Text(sd.Get("Reason")); r != "Phê duyệt" {
				t.Errorf("/Reason = %q", r)
			}
			if revs := d.Revisions(); revs[len(revs)-1].End != size-1 {
				t.Errorf("last revision ends at %d, file size %d", revs[len(revs)-1].End, size)
			}
		})
	}
}

// TestPlaceholdersPdfsig signs for real: OpenSSL makes a detached CMS
// over the byte range, and poppler's pdfsig must find the signature valid.
func TestPlaceholdersPdfsig(t *testing.T) {
	if !haveTool("openssl") || !haveTool("pdfsig") {
		t.Skip("skipping: openssl or pdfsig missing (install openssl and poppler-utils)")
	}
	requireTool(t, "gs")
	base := ghostscript(t, "gs-3pages", psThreePages)
	dir := t.TempDir()
	key, cert := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem")
	run(t, nil, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=kyso test signer/O=kyso")
	path, p, _ := placeholderFile(t, base)
	patchFile(t, path, p, func(covered []byte) []byte {
		in := filepath.Join(dir, "covered.bin")
		if err := os.WriteFile(in, covered, 0o644); err != nil {
			t.Fatal(err)
		}
		der := filepath.Join(dir, "sig.der")
		run(t, nil, "openssl", "cms", "-sign", "-binary", "-in", in, "-signer", cert, "-inkey", key,
			"-md", "sha256", "-outform", "DER", "-out", der, "-nosmimecap")
		return mustRead(t, der)
	})
	out, _ := run(t, []int{0, 1, 2}, "pdfsig", path)
	t.Logf("pdfsig:\n%s", out)
	if !strings.Contains(string(out), "Signature Validation: Signature is Valid") ||
		!strings.Contains(string(out), "Total document signed") {
		t.Fatalf("pdfsig:\n%s", out)
	}
	qpdfCheck(t, path)
}

// TestPlaceholderEncoding checks the encoders' limits.
func TestPlaceholderEncoding(t *testing.T) {
	p := PlaceholderPos{Contents: Span{100, 110}, ByteRange: Span{10, 10 + ByteRangeWidth}}
	tests := []struct {
		name string
		fn   func() ([]byte, error)
		want string
		err  string
	}{
		{"ok/contents", func() ([]byte, error) { return p.EncodeContents([]byte{0xab, 0x01}) }, "<ab010000>", ""},
		{"ok/contents-full", func() ([]byte, error) { return p.EncodeContents([]byte{1, 2, 3, 4}) }, "<01020304>", ""},
		{"error/contents-too-long", func() ([]byte, error) { return p.EncodeContents(make([]byte, 5)) }, "", "does not fit"},
		{"ok/byterange", func() ([]byte, error) { return p.EncodeByteRange([4]int64{0, 100, 110, 5}) }, "[0 100 110 5" + strings.Repeat(" ", ByteRangeWidth-13) + "]", ""},
		{"ok/byterange-large", func() ([]byte, error) {
			return p.EncodeByteRange([4]int64{0, 999999999999, 999999999999, 999999999999})
		}, "[0 999999999999 999999999999 999999999999]", ""},
		{"error/byterange-too-large", func() ([]byte, error) { return p.EncodeByteRange([4]int64{0, 1e12, 1e12, 1e12}) }, "", "does not fit"},
		{"error/byterange-negative", func() ([]byte, error) { return p.EncodeByteRange([4]int64{0, -1, 2, 3}) }, "", "negative"},
		{"error/no-byterange", func() ([]byte, error) { return PlaceholderPos{}.EncodeByteRange([4]int64{}) }, "", "no /ByteRange"},
		{"error/no-contents", func() ([]byte, error) { return PlaceholderPos{}.EncodeContents(nil) }, "", "no /Contents"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.fn()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
