package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/testpdf"
)

// BenchmarkValidateOverHTTP posts a signed 1 MB PDF to POST
// /api/v1/validate from parallel clients (GOMAXPROCS×4 connections):
// validations per second through the whole server (authentication,
// upload, validation with cached revocation, JSON report).
func BenchmarkValidateOverHTTP(b *testing.B) {
	f := newFixture(b, storetest.Open(b, store.SQLite))
	ctx := context.Background()
	leader := f.users["giamdoc.stttt"]
	if _, err := f.app.PKI.Issue(ctx, org.SystemActor("bench"), pki.IssueRequest{Profile: pki.ProfilePersonal, ServerKey: true, UserID: leader.ID, AgencyID: leader.AgencyID,
		Subject: pki.Subject{CommonName: leader.FullName, Organization: "Sở Thông tin và Truyền thông"}}); err != nil {
		b.Fatal(err)
	}
	in, err := os.ReadFile(testpdf.Padded(b, testpdf.Ghostscript(b, b.TempDir()), 1<<20))
	if err != nil {
		b.Fatal(err)
	}
	c := f.login("giamdoc.stttt")
	res, signed := c.upload(b, "/api/v1/sign", in, nil)
	if res.StatusCode != 200 {
		b.Fatalf("sign: %d %s", res.StatusCode, signed)
	}
	// A token, as other software would use.
	res, body := c.do("POST", "/api/v1/tokens", map[string]string{"name": "bench"}, map[string]string{"X-CSRF-Token": c.csrf})
	if res.StatusCode != 201 {
		b.Fatalf("token: %d %s", res.StatusCode, body)
	}
	token := string(bytes.Split(bytes.Split(body, []byte(`"token": "`))[1], []byte(`"`))[0])
	post := func(client *http.Client) error {
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/validate", bytes.NewReader(signed))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/pdf")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !bytes.Contains(out, []byte(`"indication": "TOTAL-PASSED"`)) {
			b.Fatalf("validate: %d %s", res.StatusCode, out[:min(len(out), 400)])
		}
		return nil
	}
	if err := post(http.DefaultClient); err != nil { // fills the revocation cache
		b.Fatal(err)
	}
	var done atomic.Int64
	b.SetParallelism(4)
	b.SetBytes(int64(len(signed)))
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
		for pb.Next() {
			if err := post(client); err != nil {
				b.Error(err)
				return
			}
			done.Add(1)
		}
	})
	b.ReportMetric(float64(done.Load())/time.Since(start).Seconds(), "validations/s")
}
