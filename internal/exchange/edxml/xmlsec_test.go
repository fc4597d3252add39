package edxml

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dsig "github.com/russellhaering/goxmldsig"

	"github.com/kyso-vn/kyso/internal/testpki"
)

// xmlsec1Path is where Debian's xmlsec1 package installs the tool.
const xmlsec1Path = "/usr/bin/xmlsec1"

// requireXmlsec1 skips the test when xmlsec1 is not installed.
func requireXmlsec1(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(xmlsec1Path); err != nil {
		t.Skipf("skipping the xmlsec1 interoperability test: %s is missing (install the Debian package xmlsec1): %v", xmlsec1Path, err)
	}
}

// xmlsec1 runs xmlsec1 in dir and returns its combined output and whether
// it succeeded.
func xmlsec1(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(xmlsec1Path, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// xmlsec1Verify has xmlsec1 verify a package against the test root:
//
//	xmlsec1 --verify --trusted-pem CA.pem package.xml
//
// No --id-attr is needed: the Reference is URI="" (the whole document), and
// xmlsec1 finds the first Signature in the XML-DSig namespace by itself.
// The signer's certificate and the issuing CA come from KeyInfo/X509Data,
// and xmlsec1 builds the chain to CA.pem with OpenSSL at the current time.
func xmlsec1Verify(t *testing.T, p *testPKI, data []byte) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	testpki.WritePEM(t, filepath.Join(dir, "CA.pem"), p.root)
	if err := os.WriteFile(filepath.Join(dir, "package.xml"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return xmlsec1(t, dir, "--verify", "--trusted-pem", "CA.pem", "package.xml")
}

func TestXmlsec1VerifiesBuild(t *testing.T) {
	requireXmlsec1(t)
	for _, kind := range []string{"rsa2048", "rsa3072", "p256", "p384"} {
		t.Run("ok/"+kind, func(t *testing.T) {
			p := pkiFor(t, kind)
			data := mustBuild(t, p, sampleEnvelope())
			out, ok := xmlsec1Verify(t, p, data)
			if !ok || !strings.Contains(out, "OK") {
				t.Fatalf("xmlsec1 refused the package:\n%s", out)
			}

			status, err := BuildStatus(sampleStatus(StatusAccepted), p.signer(), p.chain())
			if err != nil {
				t.Fatal(err)
			}
			if out, ok := xmlsec1Verify(t, p, status); !ok {
				t.Fatalf("xmlsec1 refused the status message:\n%s", out)
			}

			// The check can fail: a changed subject and a foreign root are
			// refused.
			tampered := replaceOnce(t, data, "Về việc triển khai chữ ký số", "Về việc hủy bỏ chữ ký số")
			if out, ok := xmlsec1Verify(t, p, tampered); ok {
				t.Fatalf("xmlsec1 accepted a tampered package:\n%s", out)
			}
			if out, ok := xmlsec1Verify(t, newPKI(t, "p256"), data); ok {
				t.Fatalf("xmlsec1 accepted the package under another root:\n%s", out)
			}
		})
	}
}

// Packages signed by another XML-DSig implementation verify: xmlsec1 signs
// a template with the layout Build writes, with exclusive and inclusive
// canonicalisation (the latter is what .NET's SignedXml uses by default).
func TestParseVerifiesXmlsec1Signatures(t *testing.T) {
	requireXmlsec1(t)
	cases := []struct {
		kind, sigAlg, c14n string
	}{
		{"rsa2048", dsig.RSASHA256SignatureMethod, string(dsig.CanonicalXML10ExclusiveAlgorithmId)},
		{"rsa2048", dsig.RSASHA256SignatureMethod, string(dsig.CanonicalXML10RecAlgorithmId)},
		{"p256", dsig.ECDSASHA256SignatureMethod, string(dsig.CanonicalXML10ExclusiveAlgorithmId)},
		{"p384", dsig.ECDSASHA384SignatureMethod, string(dsig.CanonicalXML10RecAlgorithmId)},
	}
	for _, tc := range cases {
		name := tc.kind + "/" + tc.sigAlg[strings.LastIndexByte(tc.sigAlg, '#')+1:] + "/" + tc.c14n[strings.LastIndexByte(tc.c14n, '/')+1:]
		t.Run("ok/"+name, func(t *testing.T) {
			p := pkiFor(t, tc.kind)
			env := sampleEnvelope()
			if err := env.complete(time.Now(), newBuildConfig(nil).newID); err != nil {
				t.Fatal(err)
			}
			doc, hdr := encodeEnvelope(env)
			tmpl := hdr.CreateElement("ds:Signature")
			tmpl.CreateAttr("xmlns:ds", dsig.Namespace)
			si := tmpl.CreateElement("ds:SignedInfo")
			si.CreateElement("ds:CanonicalizationMethod").CreateAttr("Algorithm", tc.c14n)
			si.CreateElement("ds:SignatureMethod").CreateAttr("Algorithm", tc.sigAlg)
			ref := si.CreateElement("ds:Reference")
			ref.CreateAttr("URI", "")
			tr := ref.CreateElement("ds:Transforms")
			tr.CreateElement("ds:Transform").CreateAttr("Algorithm", string(dsig.EnvelopedSignatureAltorithmId))
			tr.CreateElement("ds:Transform").CreateAttr("Algorithm", tc.c14n)
			ref.CreateElement("ds:DigestMethod").CreateAttr("Algorithm", digestSHA256)
			ref.CreateElement("ds:DigestValue")
			tmpl.CreateElement("ds:SignatureValue")
			tmpl.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data")
			doc.WriteSettings = writeSettings
			raw, err := doc.WriteToBytes()
			if err != nil {
				t.Fatal(err)
			}

			dir := t.TempDir()
			write := func(name string, b []byte) {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			write("template.xml", raw)
			testpki.WriteKey(t, filepath.Join(dir, "key.pem"), p.signer())
			testpki.WritePEM(t, filepath.Join(dir, "cert.pem"), p.id.Cert)
			testpki.WritePEM(t, filepath.Join(dir, "inter.pem"), p.inter)
			out, ok := xmlsec1(t, dir, "--sign", "--privkey-pem", "key.pem,cert.pem,inter.pem",
				"--output", "signed.xml", "template.xml")
			if !ok {
				t.Fatalf("xmlsec1 --sign failed:\n%s", out)
			}
			signed, err := os.ReadFile(filepath.Join(dir, "signed.xml"))
			if err != nil {
				t.Fatal(err)
			}
			got, chain, err := Parse(signed)
			if err != nil {
				t.Fatalf("Parse of an xmlsec1 signature: %v\n%s", err, signed[:min(len(signed), 400)])
			}
			equalEnvelopes(t, got, env)
			if !chain[0].Equal(p.id.Cert) {
				t.Error("chain[0] is not the signer's certificate")
			}
			tampered := replaceOnce(t, signed, "Về việc triển khai chữ ký số", "Về việc hủy bỏ chữ ký số")
			_, _, err = Parse(tampered)
			wantErr(t, err, ErrBadSignature)
		})
	}
}
