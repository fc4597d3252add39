package pades

import (
	"crypto/x509"
	"encoding/json"
	"fmt"

	"github.com/kyso-vn/kyso/internal/cms"
	"github.com/kyso-vn/kyso/internal/pdf"
)

// pendingState is what survives between Prepare and Complete when they run
// in two HTTP requests (or on two nodes sharing the data directory). The
// TSA and revocation fetcher are configuration and are given again to
// Resume. The state is not authenticated: keep it on the server.
type pendingState struct {
	Tmp      string             `json:"tmp"`
	Out      string             `json:"out"`
	Pos      pdf.PlaceholderPos `json:"pos"`
	Prepared []byte             `json:"prepared"`
	Chain    [][]byte           `json:"chain"`
	Level    Level              `json:"level"`
	ToSign   []byte             `json:"to_sign"`
}

// MarshalBinary saves the pending signature.
func (p *Pending) MarshalBinary() ([]byte, error) {
	prep, err := p.prepared.MarshalBinary()
	if err != nil {
		return nil, err
	}
	st := pendingState{Tmp: p.tmp, Out: p.out, Pos: p.pos, Prepared: prep, Level: p.opts.Level, ToSign: p.ToSign}
	for _, c := range p.chain {
		st.Chain = append(st.Chain, c.Raw)
	}
	return json.Marshal(st)
}

// Resume restores a pending signature saved with MarshalBinary; tsa and rev
// serve the time-stamped and long-term levels as in Options.
func Resume(data []byte, tsa TimeStamper, rev Revocation) (*Pending, error) {
	var st pendingState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("pades: pending signature: %w", err)
	}
	p := &Pending{tmp: st.Tmp, out: st.Out, pos: st.Pos, ToSign: st.ToSign, prepared: &cms.Prepared{}}
	if err := p.prepared.UnmarshalBinary(st.Prepared); err != nil {
		return nil, fmt.Errorf("pades: pending signature: %w", err)
	}
	p.Hash = p.prepared.Hash
	for _, der := range st.Chain {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("pades: pending signature: %w", err)
		}
		p.chain = append(p.chain, c)
	}
	p.opts = Options{Level: st.Level, TSA: tsa, Revocation: rev}
	if p.opts.Level.timeStamped() && tsa == nil {
		return nil, fmt.Errorf("pades: level %s needs a time-stamp authority", st.Level)
	}
	if rev == nil {
		p.opts.Revocation = HTTPRevocation(nil)
	}
	return p, nil
}

// Output is where Complete writes the signed document.
func (p *Pending) Output() string { return p.out }

// Certificate is the signer's certificate.
func (p *Pending) Certificate() *x509.Certificate { return p.prepared.Certificate() }
