package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/testpdf"
)

// buildKyso builds the kyso binary once per test run.
var buildKyso = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "kyso-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "kyso")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a kyso process the test can kill and start again.
type proc struct {
	t    *testing.T
	name string
	args []string
	addr string
	cmd  *exec.Cmd
	log  *os.File
}

func startProc(t *testing.T, name, addr string, args ...string) *proc {
	t.Helper()
	log, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, name: name, args: args, addr: addr, log: log}
	p.start()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			if len(b) > 8000 {
				b = b[len(b)-8000:]
			}
			t.Logf("--- %s log (tail) ---\n%s", name, b)
		}
	})
	return p
}

func (p *proc) start() {
	p.t.Helper()
	bin, err := buildKyso()
	if err != nil {
		p.t.Fatal(err)
	}
	p.cmd = exec.Command(bin, p.args...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", p.addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s did not start listening on %s", p.name, p.addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL: no shutdown, nothing flushed.
func (p *proc) kill() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_ = p.cmd.Wait()
		p.cmd = nil
	}
}

func (p *proc) stop() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			p.kill()
		}
		p.cmd = nil
	}
}

func kysoCmd(t *testing.T, env []string, args ...string) string {
	t.Helper()
	bin, err := buildKyso()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kyso %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// demoPassword reads the shared demo password from demo-credentials.txt.
func demoPassword(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "demo-credentials.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "admin" {
			return f[1]
		}
	}
	t.Fatalf("no password in %s", b)
	return ""
}

// apiUser is a logged-in user of one deployment's JSON API.
type apiUser struct {
	t            *testing.T
	base, token  string
	id, agencyID string
}

func login(t *testing.T, base, username, password string) *apiUser {
	t.Helper()
	u := &apiUser{t: t, base: base}
	var res struct {
		CSRF string `json:"csrf_token"`
	}
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	r, err := cl.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 {
		t.Fatalf("login %s: %d %s", username, r.StatusCode, b)
	}
	_ = json.Unmarshal(b, &res)
	req, _ := http.NewRequest("POST", base+"/api/v1/tokens", strings.NewReader(`{"name":"e2e"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", res.CSRF)
	req.Header.Set("Origin", base)
	r, err = cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(r.Body)
	r.Body.Close()
	var tok struct{ Token string }
	if r.StatusCode != 201 || json.Unmarshal(b, &tok) != nil {
		t.Fatalf("token for %s: %d %s", username, r.StatusCode, b)
	}
	u.token = tok.Token
	var me struct {
		ID       string `json:"id"`
		AgencyID string `json:"agency_id"`
	}
	u.do("GET", "/api/v1/me", nil, "", 200, &me)
	u.id, u.agencyID = me.ID, me.AgencyID
	return u
}

func (u *apiUser) do(method, path string, body io.Reader, contentType string, want int, out any) []byte {
	u.t.Helper()
	req, _ := http.NewRequest(method, u.base+path, body)
	req.Header.Set("Authorization", "Bearer "+u.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		u.t.Fatalf("%s %s: %v", method, path, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want != 0 && res.StatusCode != want {
		u.t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			u.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return b
}

func (u *apiUser) step(id, action string, body any) {
	u.t.Helper()
	b, _ := json.Marshal(body)
	u.do("POST", "/api/v1/documents/"+id+"/"+action, bytes.NewReader(b), "application/json", 200, nil)
}

// draft uploads a PDF as a new draft addressed to the given codes.
func (u *apiUser) draft(pdf []byte, subject, signerID, replaces string, codes ...string) string {
	u.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "du-thao.pdf")
	fw.Write(pdf)
	for k, v := range map[string]string{"type_code": "cong_van", "subject": subject, "signer_id": signerID, "replaces": replaces} {
		mw.WriteField(k, v)
	}
	for _, c := range codes {
		mw.WriteField("recipient_codes", c)
	}
	mw.Close()
	var d struct{ ID string }
	u.do("POST", "/api/v1/documents", &buf, mw.FormDataContentType(), 201, &d)
	return d.ID
}

type e2eDoc struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Symbol       string `json:"symbol"`
	Subject      string `json:"subject"`
	SenderCode   string `json:"sender_code"`
	ValidationOK bool   `json:"validation_ok"`
}

func (u *apiUser) incoming() []e2eDoc {
	u.t.Helper()
	var res struct{ Documents []e2eDoc }
	u.do("GET", "/api/v1/documents?direction=in&limit=100", nil, "", 200, &res)
	return res.Documents
}

// recipients returns each recipient's status on an outgoing document.
func (u *apiUser) recipients(id string) map[string]string {
	u.t.Helper()
	var res struct {
		Recipients []struct {
			OrganCode string `json:"organ_code"`
			Status    string `json:"status"`
		} `json:"recipients"`
	}
	u.do("GET", "/api/v1/documents/"+id, nil, "", 200, &res)
	out := map[string]string{}
	for _, r := range res.Recipients {
		out[r.OrganCode] = r.Status
	}
	return out
}

func eventually(t *testing.T, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

const (
	qnSTTTT = "000.00.31.H56" // Quảng Ngãi, on deployment A
	qnSNV   = "000.00.09.H56"
	ktSTTTT = "000.00.31.H36" // Kon Tum, on deployment B
	ktSNV   = "000.00.09.H36"
)

// TestExchangeBetweenDeployments runs two kyso deployments (the Quảng
// Ngãi and Kon Tum demo provinces) and an exchange axis as separate
// processes, issues documents from one agency to agencies on both
// deployments and follows them to completion; then it SIGKILLs the axis
// and the receiving deployment mid-stream and checks that every document
// arrives exactly once.
func TestExchangeBetweenDeployments(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three processes")
	}
	root := t.TempDir()
	dirA, dirB, dirX := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "axis")
	// The addresses first: certificates carry their CA's OCSP and CRL URLs.
	addrX, addrA, addrB := freePort(t), freePort(t), freePort(t)
	kysoCmd(t, []string{"KYSO_PUBLIC_URL=http://" + addrA}, "init", "--data", dirA, "--demo")
	kysoCmd(t, []string{"KYSO_PUBLIC_URL=http://" + addrB}, "init", "--data", dirB, "--demo", "--demo-province", "kon-tum")
	kysoCmd(t, nil, "init", "--data", dirX, "--agency-name", "Trục liên thông văn bản", "--root-key", "ecdsa-p256", "--issuing-key", "ecdsa-p256", "--service-key", "ecdsa-p256")
	chainA, chainB, chainX := kysoCmd(t, nil, "ca", "chain", "--data", dirA), kysoCmd(t, nil, "ca", "chain", "--data", dirB), kysoCmd(t, nil, "ca", "chain", "--data", dirX)
	write := func(path, s string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Each side trusts the other's CA: for the signatures in the PDFs,
	// for who signed a package, and (the axis) for who connects.
	write(filepath.Join(dirX, "trust", "a.pem"), chainA)
	write(filepath.Join(dirX, "trust", "b.pem"), chainB)
	write(filepath.Join(dirA, "trust", "b.pem"), chainB)
	write(filepath.Join(dirB, "trust", "a.pem"), chainA)
	axisCA := filepath.Join(root, "axis-ca.pem")
	write(axisCA, chainX)

	axisURL := "https://" + addrX
	ax := startProc(t, "axis", addrX, "axis", "--data", dirX, "--addr", addrX)
	startProc(t, "A", addrA, "serve", "--data", dirA, "--addr", addrA, "--axis", axisURL, "--axis-ca", axisCA)
	procB := startProc(t, "B", addrB, "serve", "--data", dirB, "--addr", addrB, "--axis", axisURL, "--axis-ca", axisCA)
	baseA, baseB := "http://"+addrA, "http://"+addrB
	pwA, pwB := demoPassword(t, dirA), demoPassword(t, dirB)

	// The axis refuses a client without a certificate.
	tc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	if res, err := tc.Get(axisURL + "/axis/v1/messages"); err == nil {
		res.Body.Close()
		if res.StatusCode != 401 {
			t.Fatalf("axis without a client certificate: %d", res.StatusCode)
		}
	}

	specA, leaderA, clerkA := login(t, baseA, "chuyenvien.stttt", pwA), login(t, baseA, "giamdoc.stttt", pwA), login(t, baseA, "vanthu.stttt", pwA)
	pdf, err := os.ReadFile(testpdf.Ghostscript(t, t.TempDir(), "Cong van trao doi giua hai tinh"))
	if err != nil {
		t.Fatal(err)
	}
	issueReplacing := func(replaces, subject string, codes ...string) (string, string) {
		id := specA.draft(pdf, subject, leaderA.id, replaces, codes...)
		specA.step(id, "submit", map[string]any{})
		leaderA.step(id, "sign", map[string]any{})
		clerkA.step(id, "issue", map[string]any{})
		var d e2eDoc
		clerkA.do("GET", "/api/v1/documents/"+id, nil, "", 200, &d)
		return id, d.Symbol
	}
	issue := func(subject string, codes ...string) (string, string) { return issueReplacing("", subject, codes...) }

	// 1. One document to an agency on A and two on B, followed to
	// completion on B.
	id, symbol := issue("Về việc phối hợp triển khai chữ ký số liên tỉnh", qnSNV, ktSTTTT, ktSNV)
	if !strings.HasPrefix(symbol, "01/STTTT") {
		t.Fatalf("symbol %q", symbol)
	}
	clerkBT, leaderBT, specBT := login(t, baseB, "vanthu.stttt", pwB), login(t, baseB, "giamdoc.stttt", pwB), login(t, baseB, "chuyenvien.stttt", pwB)
	clerkBN := login(t, baseB, "vanthu.snv", pwB)
	clerkAN := login(t, baseA, "vanthu.snv", pwA)
	var got e2eDoc
	eventually(t, "the document at Kon Tum's department", 30*time.Second, func() bool {
		for _, d := range clerkBT.incoming() {
			if d.Symbol == symbol {
				got = d
				return true
			}
		}
		return false
	})
	if !got.ValidationOK || got.SenderCode != qnSTTTT {
		t.Fatalf("arrived: %+v (want validated, from %s)", got, qnSTTTT)
	}
	eventually(t, "the document at Kon Tum's home affairs", 30*time.Second, func() bool { return len(clerkBN.incoming()) == 1 })
	if in := clerkAN.incoming(); len(in) != 1 || in[0].Symbol != symbol {
		t.Fatalf("the agency on A: %+v", in)
	}
	eventually(t, "'received' from both agencies on B", 30*time.Second, func() bool {
		r := clerkA.recipients(id)
		return r[ktSTTTT] == "received" && r[ktSNV] == "received" && r[qnSNV] == "received"
	})
	clerkBT.step(got.ID, "register", map[string]any{})
	leaderBT.step(got.ID, "assign", map[string]any{"assignee_id": specBT.id, "instructions": "Đồng chí nghiên cứu, tham mưu"})
	specBT.step(got.ID, "complete", map[string]any{"note": "Đã triển khai"})
	eventually(t, "'completed' back at the sender", 30*time.Second, func() bool { return clerkA.recipients(id)[ktSTTTT] == "completed" })
	var timeline struct {
		Timeline []struct{ Action string } `json:"timeline"`
	}
	clerkA.do("GET", "/api/v1/documents/"+id, nil, "", 200, &timeline)
	var steps []string
	for _, e := range timeline.Timeline {
		steps = append(steps, e.Action)
	}
	for _, want := range []string{"status_sent", "status_received", "status_registered", "status_assigned", "status_completed"} {
		if !strings.Contains(strings.Join(steps, " "), want) {
			t.Errorf("the sender's timeline lacks %s: %v", want, steps)
		}
	}

	// A recall reaches the recipient on A at once and the one on B
	// through the axis; B's agreement (status 15) comes back.
	rid, _ := issue("Văn bản sẽ bị thu hồi", qnSNV, ktSNV)
	var recalled struct{ Documents []e2eDoc }
	eventually(t, "the second document at Kon Tum's home affairs", 30*time.Second, func() bool { return len(clerkBN.incoming()) == 2 })
	b, _ := json.Marshal(map[string]string{"reason": ""})
	clerkA.do("POST", "/api/v1/documents/"+rid+"/recall", bytes.NewReader(b), "application/json", 400, nil)
	clerkA.step(rid, "recall", map[string]string{"reason": "Ban hành nhầm nơi nhận"})
	clerkAN.do("GET", "/api/v1/documents?direction=in&status=withdrawn", nil, "", 200, &recalled)
	if len(recalled.Documents) != 1 {
		t.Fatalf("the recipient on A: %+v", recalled.Documents)
	}
	eventually(t, "the recall at Kon Tum", 30*time.Second, func() bool {
		clerkBN.do("GET", "/api/v1/documents?direction=in&status=withdrawn", nil, "", 200, &recalled)
		return len(recalled.Documents) == 1
	})
	eventually(t, "the recall agreed, back at the sender", 30*time.Second, func() bool {
		r := clerkA.recipients(rid)
		return r[ktSNV] == "withdrawn" && r[qnSNV] == "withdrawn"
	})

	// A replacement withdraws the replaced document at every recipient
	// and arrives in its place.
	oldID, _ := issue("Văn bản sẽ được thay thế", qnSNV, ktSNV)
	eventually(t, "the document to be replaced at Kon Tum", 30*time.Second, func() bool { return len(clerkBN.incoming()) == 3 })
	_, newSym := issueReplacing(oldID, "Văn bản thay thế", qnSNV, ktSNV)
	withdrawnAt := func(u *apiUser) int {
		var res struct{ Documents []e2eDoc }
		u.do("GET", "/api/v1/documents?direction=in&status=withdrawn", nil, "", 200, &res)
		return len(res.Documents)
	}
	if n := withdrawnAt(clerkAN); n != 2 {
		t.Fatalf("withdrawn at the agency on A after the replacement: %d, want 2", n)
	}
	eventually(t, "the replacement at Kon Tum", 30*time.Second, func() bool {
		found := false
		for _, d := range clerkBN.incoming() {
			found = found || d.Symbol == newSym
		}
		return found && withdrawnAt(clerkBN) == 2
	})
	var old e2eDoc
	clerkA.do("GET", "/api/v1/documents/"+oldID, nil, "", 200, &old)
	if old.Status != "withdrawn" {
		t.Fatalf("the replaced document at the sender: %s", old.Status)
	}

	// 2. Documents keep being issued while the axis and the receiving
	// deployment are killed and restarted: each arrives exactly once.
	const n = 9
	symbols := map[string]bool{}
	ids := []string{}
	for i := range n {
		switch i {
		case 3:
			ax.kill()
			procB.kill()
		case 6:
			ax.start()
		}
		id, sym := issue(fmt.Sprintf("Văn bản số %d gửi trong lúc trục và nơi nhận khởi động lại", i+1), ktSTTTT)
		symbols[sym] = true
		ids = append(ids, id)
	}
	procB.start()
	sym := regexp.MustCompile(`^\d+/STTTT`)
	eventually(t, "every document at Kon Tum once", 90*time.Second, func() bool {
		count := map[string]int{}
		for _, d := range clerkBT.incoming() {
			if symbols[d.Symbol] {
				count[d.Symbol]++
			}
		}
		for s := range symbols {
			if !sym.MatchString(s) || count[s] > 1 {
				t.Fatalf("%s arrived %d times", s, count[s])
			}
			if count[s] == 0 {
				return false
			}
		}
		return true
	})
	eventually(t, "'received' for every document", 60*time.Second, func() bool {
		for _, id := range ids {
			if clerkA.recipients(id)[ktSTTTT] != "received" {
				return false
			}
		}
		return true
	})
	t.Logf("sender timeline: %v", steps)
	t.Logf("%d documents issued during the restarts: %v", len(symbols), symbols)
	// Nothing more arrives later (a redelivery after the restarts).
	time.Sleep(2 * time.Second)
	if in := clerkBT.incoming(); len(in) != n+1 {
		t.Fatalf("Kon Tum's department has %d incoming documents, want %d", len(in), n+1)
	}
	// The operator's view: everything delivered, nothing failed or refused.
	var st struct {
		Outbox   map[string]int    `json:"outbox"`
		Failed   []json.RawMessage `json:"failed_deliveries"`
		Rejected []json.RawMessage `json:"rejected_arrivals"`
	}
	if err := json.Unmarshal([]byte(kysoCmd(t, nil, "exchange", "status", "--data", dirA, "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if st.Outbox["pending"] != 0 || st.Outbox["failed"] != 0 || st.Outbox["delivered"] < n+5 || len(st.Failed) != 0 || len(st.Rejected) != 0 {
		t.Fatalf("kyso exchange status on A: %+v", st)
	}
	t.Logf("A's outbox: %v", st.Outbox)
}
