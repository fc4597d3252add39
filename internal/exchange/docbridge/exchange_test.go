package docbridge

import (
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis/axistest"
)

// TestCheckSigner: a receiver takes a package only from a certificate of
// a CA it trusts, valid now, naming the agency the package says it is from.
func TestCheckSigner(t *testing.T) {
	trusted, other := axistest.NewPKI(t), axistest.NewPKI(t)
	const code = "000.00.31.H56"
	good := trusted.Seal(t, code, "Sở Thông tin và Truyền thông")
	stranger := other.Seal(t, code, "Sở Thông tin và Truyền thông")
	x := &Exchange{Roots: trusted.Pool}
	tests := []struct {
		name  string
		chain []*x509.Certificate
		from  string
		now   time.Time
		want  string // "" for accepted, else part of the error
	}{
		{"trusted, names the sender", []*x509.Certificate{good.Cert}, code, time.Now(), ""},
		{"another CA", []*x509.Certificate{stranger.Cert}, code, time.Now(), "not trusted"},
		{"another agency's package", []*x509.Certificate{good.Cert}, "000.00.09.H56", time.Now(), "signed with the certificate of 000.00.31.H56"},
		{"no certificate", nil, code, time.Now(), "no signing certificate"},
		{"expired", []*x509.Certificate{good.Cert}, code, good.Cert.NotAfter.Add(time.Hour), "not trusted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x.Now = func() time.Time { return tt.now }
			err := x.checkSigner(tt.chain, tt.from)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}
