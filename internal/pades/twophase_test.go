package pades_test

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/pades"
)

// TestTwoPhaseAcrossRequests prepares on the server, keeps only the saved
// state (as between two HTTP requests), has the "token" sign the digest,
// and completes from the restored state.
func TestTwoPhaseAcrossRequests(t *testing.T) {
	e := newEnv(t)
	in := e.input(t)
	out := filepath.Join(e.dir, "two-phase.pdf")
	f, _ := os.Open(in)
	defer f.Close()
	// The server knows only the certificate chain, not the key.
	public := &keys.Identity{Signer: e.leader.Signer, Cert: e.leader.Cert, Chain: e.leader.Chain}
	p, err := pades.Prepare(context.Background(), f, out, public, pades.Options{})
	if err != nil {
		t.Fatal(err)
	}
	saved, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("the output exists before the signature")
	}
	// A signature by another key is refused and nothing is written.
	r, err := pades.Resume(saved, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	wrong, _ := e.seal.Signer.Sign(rand.Reader, r.ToSign, r.Hash)
	if err := r.Complete(context.Background(), wrong); err == nil {
		t.Fatal("a signature by another key was accepted")
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("an output was written for a wrong signature")
	}
	// The failed attempt removed the prepared file; prepare again.
	f2, _ := os.Open(in)
	defer f2.Close()
	p, _ = pades.Prepare(context.Background(), f2, out, public, pades.Options{})
	saved, _ = p.MarshalBinary()
	// On the token: sign the digest.
	sig, err := e.leader.Signer.Sign(rand.Reader, p.ToSign, p.Hash)
	if err != nil {
		t.Fatal(err)
	}
	q, err := pades.Resume(saved, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Complete(context.Background(), sig); err != nil {
		t.Fatal(err)
	}
	e.check(t, out, 1)
}
