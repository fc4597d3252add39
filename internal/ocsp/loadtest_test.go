package ocsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"
)

// Environment of the loopback load test.
const (
	envLoadTest = "KYSO_LOADTEST"          // "1" runs it
	envConns    = "KYSO_LOADTEST_CONNS"    // concurrent connections, default 32
	envRequests = "KYSO_LOADTEST_REQUESTS" // requests per run, default 200000
	envInNetns  = "KYSO_LOADTEST_NETNS"    // set in the re-executed child
	loadLimit   = 30 * time.Second         // the most one run may take
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestLoadLoopback drives kyso's responder, and then an OpenSSL responder
// (openssl ocsp -index …, which signs every response on one thread), with
// the same load over loopback HTTP and logs requests/s and latency as a
// Markdown table for docs/perf/ocsp.md.
//
// openssl ocsp -port listens on every interface and cannot be told
// otherwise, so the test re-executes itself with "unshare -rn" in a new
// network namespace whose only interface is loopback; both responders are
// measured there, in the same run.
func TestLoadLoopback(t *testing.T) {
	if os.Getenv(envLoadTest) != "1" {
		t.Skipf("skipping: set %s=1 to run the loopback load test", envLoadTest)
	}
	withOpenSSL := true
	if os.Getenv(envInNetns) != "1" {
		unshare, errU := exec.LookPath("unshare")
		_, errIP := exec.LookPath("ip")
		if errU == nil && errIP == nil {
			reexecInNetns(t, unshare)
			return
		}
		t.Logf("OpenSSL comparison skipped: it needs unshare and ip to keep openssl ocsp -port on loopback (%v, %v)", errU, errIP)
		withOpenSSL = false
	}
	if _, err := os.Stat(opensslPath); err != nil {
		t.Logf("OpenSSL comparison skipped: %s is missing", opensslPath)
		withOpenSSL = false
	}
	conns, total := envInt(envConns, 32), envInt(envRequests, 200_000)
	loadBefore := loadAverage()

	f := newFixture(t, "rsa", WithClock(time.Now))
	leaf := f.pki.leaves[0]
	if err := f.r.Prime(context.Background(), []*big.Int{leaf.SerialNumber}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h := http.StripPrefix("/ocsp", f.r)
	mux.Handle("/ocsp", h)
	mux.Handle("/ocsp/", h)
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	der := ocspRequest(t, leaf.SerialNumber, f.pki.ca, hashSHA1, nil)
	nonceDER := ocspRequest(t, leaf.SerialNumber, f.pki.ca, hashSHA1, []byte("kyso-load-nonce!"))
	getPath := "/ocsp/" + url.PathEscape(base64.StdEncoding.EncodeToString(der))

	type row struct {
		name string
		res  loadResult
	}
	var rows []row
	run := func(name, addr string, req []byte, n int) loadResult {
		res := runLoad(addr, req, conns, n, loadLimit)
		t.Logf("%s: %v", name, res)
		if res.requests == 0 || res.failures > res.requests/100 {
			t.Errorf("%s: %d requests, %d failures", name, res.requests, res.failures)
		}
		if r, err := xocsp.ParseResponse(res.body, f.pki.ca); err != nil || r.Status != xocsp.Good {
			t.Errorf("%s: last response: %v", name, err)
		}
		rows = append(rows, row{name, res})
		return res
	}
	// A short warm-up, so that the first run does not pay for it.
	runLoad(addr, httpPost(addr, "/ocsp", der), conns, 5000, loadLimit)
	kyso := run("kyso, cached, POST", addr, httpPost(addr, "/ocsp", der), total)
	run("kyso, cached, GET", addr, httpGet(addr, getPath), total)
	run("kyso, nonce, POST (signs every response)", addr, httpPost(addr, "/ocsp", nonceDER), total/10)

	var ossl loadResult
	var osslCmd string
	if withOpenSSL {
		osslAddr, cmdline := startOpenSSLResponder(t, f.pki)
		osslCmd = cmdline
		ossl = run("openssl ocsp responder, POST", osslAddr, httpPost(osslAddr, "/", der), total)
	}

	if kyso.perSecond() < 20_000 {
		t.Logf("WARNING: kyso served %.0f cached responses/s, below the 20,000/s target", kyso.perSecond())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| run | requests | req/s | p50 | p99 | max | failures | connections |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %v | %v | %v | %d | %d |\n", r.name, r.res.requests, r.res.perSecond(),
			r.res.p50.Round(time.Microsecond), r.res.p99.Round(time.Microsecond), r.res.max.Round(time.Microsecond), r.res.failures, r.res.dials)
	}
	if ossl.requests > 0 {
		fmt.Fprintf(&b, "\nkyso cached / openssl: %.1f× the requests/s; p99 %v vs %v\n", kyso.perSecond()/ossl.perSecond(), kyso.p99, ossl.p99)
		fmt.Fprintf(&b, "\nopenssl: `%s`\n", osslCmd)
	}
	fmt.Fprintf(&b, "\n%d connections, %d requests per run (at most %v each), GOMAXPROCS %d, %d CPUs, %s, responder key RSA-2048, response %d bytes\n",
		conns, total, loadLimit, runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version(), len(kyso.body))
	fmt.Fprintf(&b, "\nload average before: %s; after: %s\n", loadBefore, loadAverage())
	t.Log(b.String())
}

// loadAverage returns the first three fields of /proc/loadavg, so the
// figures say how busy the machine was.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// reexecInNetns runs this test again in a new network namespace with only
// loopback up, streaming its output.
func reexecInNetns(t *testing.T, unshare string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, "-rn", "sh", "-c", `ip link set lo up && exec "$0" "$@"`,
		os.Args[0], "-test.run=^TestLoadLoopback$", "-test.v", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), envInNetns+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	t.Logf("running the load test in a loopback-only network namespace: %s", strings.Join(cmd.Args, " "))
	if err := cmd.Run(); err != nil {
		t.Fatalf("load test in network namespace: %v", err)
	}
}

// startOpenSSLResponder starts "openssl ocsp" as a responder for p on a
// free port and stops it when the test ends.
func startOpenSSLResponder(t *testing.T, p *testPKI) (addr, cmdline string) {
	t.Helper()
	var index bytes.Buffer
	for _, l := range p.leaves {
		// ca(1) index format: status, expiry, revocation, serial, file, subject.
		fmt.Fprintf(&index, "V\t%s\t\t%X\tunknown\t%s\n", l.NotAfter.UTC().Format("060102150405Z"), l.SerialNumber, "/CN="+l.Subject.CommonName)
	}
	if err := os.WriteFile(filepath.Join(p.dir, "index.txt"), index.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	args := []string{"ocsp", "-index", "index.txt", "-port", port, "-rsigner", fileResponder, "-rkey", fileRespKey,
		"-CA", fileCA, "-ignore_err", "-nmin", "60"}
	cmd := exec.Command(opensslPath, args...)
	cmd.Dir = p.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("openssl responder output:\n%s", out.String())
		}
	})
	addr = net.JoinHostPort("127.0.0.1", port)
	// Probe with a real request: OpenSSL 3.0's responder stops answering
	// after a connection that closes without sending one.
	probe := httpPost(addr, "/", ocspRequest(t, p.leaves[0].SerialNumber, p.ca, hashSHA1, nil))
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			var status int
			status, _, _, err = roundTrip(c, bufio.NewReader(c), probe, nil)
			c.Close()
			if err == nil && status == http.StatusOK {
				break
			}
			if err == nil {
				err = fmt.Errorf("HTTP %d", status)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("openssl responder did not answer on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr, opensslPath + " " + strings.Join(args, " ")
}
