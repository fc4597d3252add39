package validate_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// opensslCA is a CA run by the openssl command line, as another province's
// or vendor's CA would be: its OCSP responder is `openssl ocsp -index` and
// its CRL is served over HTTP. Nothing in it comes from kyso.
type opensslCA struct {
	dir      string
	cert     *x509.Certificate
	ocspURL  string
	crlURL   string
	ocspPort string
	crlSrv   *httptest.Server
	ocsp     *exec.Cmd
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install openssl poppler-utils libnss3-tools ghostscript)", tool)
		}
	}
}

func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// newOpenSSLCA makes a root CA whose end-entity certificates point at an
// OCSP responder on a free loopback port and at a CRL served by the test.
func newOpenSSLCA(t *testing.T) *opensslCA {
	t.Helper()
	needTools(t, "openssl")
	ca := &opensslCA{dir: t.TempDir()}
	ca.crlSrv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(ca.dir, "crl.der"))
	}))
	t.Cleanup(ca.crlSrv.Close)
	ca.crlURL = ca.crlSrv.URL + "/ca.crl"
	ca.ocspPort = freePort(t)
	ca.ocspURL = "http://127.0.0.1:" + ca.ocspPort
	for _, f := range []string{"index.txt"} {
		if err := os.WriteFile(filepath.Join(ca.dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.WriteFile(filepath.Join(ca.dir, "serial"), []byte("1000\n"), 0o600)
	_ = os.WriteFile(filepath.Join(ca.dir, "crlnumber"), []byte("01\n"), 0o600)
	cnf := fmt.Sprintf(`[ca]
default_ca = CA_default
[CA_default]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
crlnumber = crlnumber
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_days = 365
default_crl_days = 7
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
organizationName = optional
countryName = optional
[req]
distinguished_name = dn
string_mask = utf8only
utf8 = yes
[dn]
[v3_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[signer]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
authorityInfoAccess = OCSP;URI:%s
crlDistributionPoints = URI:%s
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ocsp]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, OCSPSigning
`, ca.ocspURL, ca.crlURL)
	if err := os.WriteFile(filepath.Join(ca.dir, "ca.cnf"), []byte(cnf), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, ca.dir, "openssl", "req", "-x509", "-config", "ca.cnf", "-extensions", "v3_ca", "-newkey", "rsa:2048", "-nodes",
		"-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/C=VN/O=Tỉnh Bạn/CN=CA Tỉnh Bạn (OpenSSL)")
	ca.cert = readCert(t, filepath.Join(ca.dir, "ca.pem"))
	ca.issue(t, "ocsp", "OCSP Responder", "ocsp")
	return ca
}

// issue makes a key and certificate NAME.key/NAME.pem with the extensions
// of section ext, and NAME.p12 (password "pass") for NSS.
func (ca *opensslCA) issue(t *testing.T, name, cn, ext string) *x509.Certificate {
	t.Helper()
	run(t, ca.dir, "openssl", "req", "-config", "ca.cnf", "-newkey", "rsa:2048", "-nodes", "-keyout", name+".key", "-out", name+".csr",
		"-subj", "/C=VN/O=Sở Tài chính/CN="+cn)
	run(t, ca.dir, "openssl", "ca", "-batch", "-config", "ca.cnf", "-extensions", ext, "-in", name+".csr", "-out", name+".pem", "-notext", "-utf8")
	run(t, ca.dir, "openssl", "pkcs12", "-export", "-inkey", name+".key", "-in", name+".pem", "-certfile", "ca.pem",
		"-name", name, "-out", name+".p12", "-passout", "pass:pass")
	return readCert(t, filepath.Join(ca.dir, name+".pem"))
}

// revoke revokes NAME's certificate and publishes a new CRL.
func (ca *opensslCA) revoke(t *testing.T, name string) {
	t.Helper()
	run(t, ca.dir, "openssl", "ca", "-config", "ca.cnf", "-revoke", name+".pem", "-crl_reason", "keyCompromise")
	ca.publishCRL(t)
}

func (ca *opensslCA) publishCRL(t *testing.T) {
	t.Helper()
	run(t, ca.dir, "openssl", "ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem")
	run(t, ca.dir, "openssl", "crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der")
}

// startOCSP runs `openssl ocsp` as the responder, reading index.txt as it is
// now, and waits until it accepts connections.
func (ca *opensslCA) startOCSP(t *testing.T) {
	t.Helper()
	cmd := exec.Command("openssl", "ocsp", "-index", "index.txt", "-port", ca.ocspPort,
		"-rsigner", "ocsp.pem", "-rkey", "ocsp.key", "-CA", "ca.pem", "-ignore_err", "-nmin", "60")
	cmd.Dir = ca.dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ca.ocsp = cmd
	t.Cleanup(ca.stopOCSP)
	// Probe with a real request: OpenSSL 3.0's responder stops answering
	// after a connection that closes without sending one.
	probe, err := ocsp.CreateRequest(readCert(t, filepath.Join(ca.dir, "ocsp.pem")), ca.cert, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < 200; i++ {
		resp, err := client.Post(ca.ocspURL, "application/ocsp-request", bytes.NewReader(probe))
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("openssl ocsp did not start")
}

func (ca *opensslCA) stopOCSP() {
	if ca.ocsp != nil && ca.ocsp.Process != nil {
		_ = ca.ocsp.Process.Kill()
		_ = ca.ocsp.Wait()
		ca.ocsp = nil
	}
}

func readCert(t *testing.T, file string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM", file)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// nssDB is an NSS database holding signers' keys, for pdfsig.
type nssDB struct{ dir string }

func newNSSDB(t *testing.T) *nssDB {
	t.Helper()
	needTools(t, "certutil", "pk12util", "pdfsig")
	db := &nssDB{dir: t.TempDir()}
	run(t, db.dir, "certutil", "-N", "-d", "sql:"+db.dir, "--empty-password")
	return db
}

// add imports NAME.p12 from the CA's directory.
func (db *nssDB) add(t *testing.T, ca *opensslCA, name string) {
	t.Helper()
	run(t, db.dir, "pk12util", "-i", filepath.Join(ca.dir, name+".p12"), "-d", "sql:"+db.dir, "-W", "pass", "-K", "")
}

// sign signs in with pdfsig as nick and returns the signed file.
func (db *nssDB) sign(t *testing.T, in, nick string, etsi bool) string {
	t.Helper()
	out := strings.TrimSuffix(in, ".pdf") + "-" + nick + ".pdf"
	args := []string{"-add-signature", "-nssdir", "sql:" + db.dir, "-nick", nick, "-reason", "Phê duyệt"}
	if etsi {
		args = append(args, "-etsi")
	}
	run(t, filepath.Dir(in), "pdfsig", append(args, in, out)...)
	return out
}

// ghostscriptPDF writes a two-page PDF made by Ghostscript.
func ghostscriptPDF(t *testing.T, dir string) string {
	t.Helper()
	needTools(t, "gs")
	ps := filepath.Join(dir, "in.ps")
	_ = os.WriteFile(ps, []byte("%!PS\n/Times-Roman findfont 14 scalefont setfont 72 720 moveto (Trang 1) show showpage 72 720 moveto (Trang 2) show showpage\n"), 0o600)
	in := filepath.Join(dir, "in.pdf")
	run(t, dir, "gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile="+in, ps)
	return in
}
