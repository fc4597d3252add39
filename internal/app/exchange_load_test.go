package app_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/app"
	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/exchange/docbridge"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/exchange/outbox"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/testpdf"
	"github.com/kyso-vn/kyso/internal/web"
)

// installation is an initialised kyso data directory, opened later.
type installation struct {
	cfg app.Config
	ln  net.Listener
	app *app.App
}

func initInstallation(t *testing.T, opts app.InitOptions) *installation {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := app.Config{DataDir: filepath.Join(t.TempDir(), "data"), PublicURL: "http://" + ln.Addr().String(), DevFastPasswords: true}
	if _, err := app.Init(context.Background(), cfg, opts); err != nil {
		t.Fatal(err)
	}
	return &installation{cfg: cfg, ln: ln}
}

// trustIn writes the installation's CA chain into other's trust folder.
func (in *installation) trustIn(t *testing.T, other *installation, name string) {
	t.Helper()
	a, err := app.Open(context.Background(), in.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var pemData []byte
	for _, c := range a.PKI.Chain() {
		pemData = append(pemData, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	dir := filepath.Join(other.cfg.DataDir, app.TrustDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), pemData, 0o600); err != nil {
		t.Fatal(err)
	}
}

func (in *installation) open(ctx context.Context, t *testing.T, serveWeb bool) *app.App {
	t.Helper()
	a, err := app.Open(ctx, in.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	in.app = a
	if !serveWeb {
		return a
	}
	h, err := web.New(a)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(in.ln)
	t.Cleanup(func() { srv.Close() })
	return a
}

func actor(t *testing.T, a *app.App, username string) *org.Actor {
	t.Helper()
	u, _, err := a.Org.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor("127.0.0.1")
}

// TestExchangeLoad measures the exchange end to end with kyso's real
// receiving side: N packages of an issued document (the signed PDF of a
// real issue, one package per copy) leave Quảng Ngãi's outbox, cross the
// axis over mutual TLS and become incoming documents at Kon Tum, each
// validated (PAdES, revocation from A's OCSP, cached), indexed and
// registered, with a "received" status message back to the sender. Three
// installations in one process, on SQLite.
//
//	KYSO_LOADTEST=1 [KYSO_LOADTEST_N=2000] go test -count=1 -run TestExchangeLoad -v ./internal/app/
func TestExchangeLoad(t *testing.T) {
	if os.Getenv("KYSO_LOADTEST") != "1" {
		t.Skip("load test: set KYSO_LOADTEST=1")
	}
	n, _ := strconv.Atoi(os.Getenv("KYSO_LOADTEST_N"))
	if n <= 0 {
		n = 2000
	}
	t.Setenv("KYSO_DATABASE_URL", "")
	t.Setenv("KYSO_KEY_PASSPHRASE", "cụm mật khẩu kiểm thử đủ dài")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	insA := initInstallation(t, app.InitOptions{Demo: true})
	insB := initInstallation(t, app.InitOptions{Demo: true, DemoProvince: "kon-tum"})
	insX := initInstallation(t, app.InitOptions{AgencyName: "Trục liên thông văn bản"})
	insA.trustIn(t, insB, "a.pem")
	insA.trustIn(t, insX, "a.pem")
	insB.trustIn(t, insA, "b.pem")
	insB.trustIn(t, insX, "b.pem")
	insX.trustIn(t, insA, "axis.pem")
	axisURL := "https://" + insX.ln.Addr().String()
	for _, in := range []*installation{insA, insB} {
		in.cfg.AxisURL, in.cfg.AxisCAFile = axisURL, filepath.Join(insA.cfg.DataDir, app.TrustDir, "axis.pem")
	}
	x := insX.open(ctx, t, false)
	go x.ServeAxis(ctx, insX.ln, []string{"127.0.0.1"})
	a, b := insA.open(ctx, t, true), insB.open(ctx, t, true)
	go a.RunBackground(ctx)
	go b.RunBackground(ctx)
	go a.RunExchange(ctx)
	go b.RunExchange(ctx)

	// One real document, drafted, signed and issued to Kon Tum.
	pdfPath := testpdf.Ghostscript(t, t.TempDir(), "Cong van gui tinh Kon Tum")
	pdf, err := os.ReadFile(pdfPath)
	if err != nil {
		t.Fatal(err)
	}
	spec, leader, clerk := actor(t, a, "chuyenvien.stttt"), actor(t, a, "giamdoc.stttt"), actor(t, a, "vanthu.stttt")
	d, err := a.Docs.CreateDraft(ctx, spec, docs.DraftInput{TypeCode: "cong_van", Subject: "Về việc thử tải trục liên thông", SignerID: leader.UserID,
		RecipientCodes: []string{"000.00.31.H36"}, FileName: "du-thao.pdf", File: pdf})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Docs.Submit(ctx, spec, d.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Docs.Sign(ctx, leader, d.ID); err != nil {
		t.Fatal(err)
	}
	if d, err = a.Docs.Issue(ctx, clerk, d.ID); err != nil {
		t.Fatal(err)
	}
	_, final, err := a.Docs.File(ctx, clerk, d.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	incoming := func() int {
		var k int
		if err := b.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE direction = 'in'`).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	waitUntil := func(what string, ok func() bool) {
		deadline := time.Now().Add(10 * time.Minute)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out: %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitUntil("the first document", func() bool { return incoming() == 1 })

	// N more packages of it, signed beforehand (the clerk's cost, not the
	// exchange's), queued a hundred per transaction.
	from, err := a.Org.AgencyByCode(ctx, "000.00.31.H56")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := a.PKI.SigningCertificate(ctx, pki.ProfileOrganization, "", from.ID)
	if err != nil {
		t.Fatal(err)
	}
	seal, err := a.PKI.SubscriberSigner(ctx, cert)
	if err != nil {
		t.Fatal(err)
	}
	to := []docs.Recipient{{OrganCode: "000.00.31.H36", Name: "Sở Thông tin và Truyền thông"}}
	msgs := make([]outbox.Message, n)
	for i := range msgs {
		env := docbridge.Envelope(d, from, to, "Giám đốc", "Quảng Ngãi", "cong-van.pdf", final)
		body, err := edxml.Build(env, seal.Signer, append([]*x509.Certificate{seal.Cert}, seal.Chain...))
		if err != nil {
			t.Fatal(err)
		}
		msgs[i] = outbox.Message{ID: env.MessageID, Kind: outbox.KindDocument, From: from.Code, To: "000.00.31.H36", Body: body}
	}
	sent := map[string]time.Time{}
	start := time.Now()
	for i := 0; i < n; i += 100 {
		batch := msgs[i:min(n, i+100)]
		if err := a.DB.InTx(ctx, func(tx *store.Tx) error {
			for _, m := range batch {
				if err := outbox.Enqueue(ctx, tx, m); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for _, m := range batch {
			sent[m.ID] = now
		}
	}
	waitUntil("every package registered", func() bool { return incoming() == n+1 })
	elapsed := time.Since(start)

	rows, err := b.DB.QueryContext(ctx, `SELECT source_id, created_at, validation_ok FROM documents WHERE direction = 'in'`)
	if err != nil {
		t.Fatal(err)
	}
	var lat []time.Duration
	valid := 0
	for rows.Next() {
		var src string
		var at int64
		var ok bool
		if err := rows.Scan(&src, &at, &ok); err != nil {
			t.Fatal(err)
		}
		if s, found := sent[src]; found {
			lat = append(lat, time.UnixMicro(at).Sub(s))
			if ok {
				valid++
			}
		}
	}
	rows.Close()
	if len(lat) != n {
		t.Fatalf("%d of %d packages matched", len(lat), n)
	}
	if valid != n {
		t.Errorf("%d of %d arrived with valid signatures", valid, n)
	}
	slices.Sort(lat)
	q := func(f float64) time.Duration {
		return lat[min(len(lat)-1, int(f*float64(len(lat))))].Round(time.Millisecond)
	}
	t.Logf("%d documents of %d KB (signed PDF %d KB) registered at the receiver in %v: %.0f documents/s; latency p50 %v, p99 %v, max %v",
		n, len(msgs[0].Body)/1024, len(final)/1024, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), q(0.5), q(0.99), lat[len(lat)-1].Round(time.Millisecond))
}
