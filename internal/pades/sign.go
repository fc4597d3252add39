package pades

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kyso-vn/kyso/internal/cms"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/pdf"
)

// Level is a PAdES baseline level (ETSI EN 319 142-1 §6).
type Level string

// The levels kyso signs at.
const (
	LevelBB   Level = "B-B"
	LevelBT   Level = "B-T"
	LevelBLT  Level = "B-LT"
	LevelBLTA Level = "B-LTA"
)

// timeStamped reports whether the level carries a signature time-stamp.
func (l Level) timeStamped() bool { return l != LevelBB }

// ParseLevel reads a level name.
func ParseLevel(s string) (Level, error) {
	switch Level(s) {
	case LevelBB, LevelBT, LevelBLT, LevelBLTA:
		return Level(s), nil
	}
	return "", fmt.Errorf("pades: unknown level %q; use B-B, B-T, B-LT or B-LTA", s)
}

// TimeStamper gets an RFC 3161 time-stamp token over a digest.
type TimeStamper interface {
	TimeStamp(ctx context.Context, digest []byte, h crypto.Hash) ([]byte, error)
}

// Options shape a signature.
type Options struct {
	Level Level // B-B by default
	// TSA is required for B-T and above.
	TSA TimeStamper
	// Revocation fetches OCSP responses or CRLs for B-LT and B-LTA;
	// HTTPRevocation by default.
	Revocation Revocation
	// Reason, Location and ContactInfo go into the signature dictionary.
	Reason, Location, ContactInfo string
	// FieldName names the signature field; "Signature<n>" by default.
	FieldName string
	// Appearance makes the signature visible; nil signs invisibly.
	Appearance *Appearance
	// Time is the claimed signing time (/M); now by default.
	Time time.Time
	// MaxSize bounds the input (default 512 MiB).
	MaxSize int64
	// DocMDP, when 1, 2 or 3, makes this a certification signature
	// (ISO 32000-1 §12.8.2.2): 1 no changes, 2 form filling and signing,
	// 3 also annotations. Only a document's first signature can certify.
	DocMDP int
}

// ErrInput means the input PDF cannot be signed; the message says why.
var ErrInput = errors.New("pades: input")

// Pending is a document written with an empty signature, waiting for the
// raw signature of ToSign (two-phase signing).
type Pending struct {
	// ToSign is the digest the key must sign (PKCS#1 v1.5 for RSA,
	// ECDSA for EC keys), with Hash.
	ToSign []byte
	Hash   crypto.Hash

	tmp      string // the document with the empty signature
	out      string
	pos      pdf.PlaceholderPos
	prepared *cms.Prepared
	chain    []*x509.Certificate
	opts     Options
}

// Prepare writes in, with a new empty signature for id, to a temporary file
// beside out, and returns what the key must sign. Nothing appears at out
// until Complete succeeds; Abort (or a failed Complete) removes the
// temporary file.
func Prepare(ctx context.Context, in *os.File, out string, cert *keys.Identity, o Options) (p *Pending, err error) {
	if o.Level == "" {
		o.Level = LevelBB
	}
	if o.Level.timeStamped() && o.TSA == nil {
		return nil, fmt.Errorf("pades: level %s needs a time-stamp authority (--tsa URL)", o.Level)
	}
	if o.Revocation == nil {
		o.Revocation = HTTPRevocation(nil)
	}
	if err := cert.CheckSigning(); err != nil {
		return nil, err
	}
	if o.Time.IsZero() {
		o.Time = time.Now()
	}
	if o.Appearance != nil {
		// Work on a copy: the stamp adds the signing time to its lines.
		a := *o.Appearance
		a.Lines = append([]string(nil), a.Lines...)
		o.Appearance = &a
	}
	st, err := in.Stat()
	if err != nil {
		return nil, err
	}
	var popts []pdf.Option
	if o.MaxSize > 0 {
		popts = append(popts, pdf.WithMaxSize(o.MaxSize))
	}
	doc, err := pdf.Open(in, st.Size(), popts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	if o.DocMDP < 0 || o.DocMDP > 3 {
		return nil, fmt.Errorf("%w: DocMDP permission %d; use 1, 2 or 3", ErrInput, o.DocMDP)
	}
	if err := checkCertification(doc, o); err != nil {
		return nil, err
	}
	u, err := buildUpdate(doc, cert, o)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("pades: create the output beside %s: %w", out, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	size, err := u.WriteDocument(tmp)
	if err != nil {
		return nil, fmt.Errorf("pades: write: %w", err)
	}
	pos := u.Placeholders()[0]
	br := pos.Range(size)
	brBytes, err := pos.EncodeByteRange(br)
	if err != nil {
		return nil, err
	}
	if err := pdf.Patch(tmp, pos.ByteRange.Start, brBytes); err != nil {
		return nil, err
	}
	h := crypto.SHA256.New()
	if _, err := io.Copy(h, pdf.ByteRangeReader(tmp, br)); err != nil {
		return nil, fmt.Errorf("pades: hash: %w", err)
	}
	prepared, err := cms.Prepare(h.Sum(nil), cms.SignerInfo{Cert: cert.Cert, Chain: cert.Chain}, cms.Options{Hash: crypto.SHA256})
	if err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	return &Pending{ToSign: prepared.ToSign, Hash: prepared.Hash, tmp: tmp.Name(), out: out, pos: pos, prepared: prepared, chain: cert.Chain, opts: o}, nil
}

// Complete assembles the CMS from the raw signature, adds the time-stamp
// for B-T, fills the placeholder and moves the file to its place. It
// refuses to replace an existing file.
func (p *Pending) Complete(ctx context.Context, signature []byte) (err error) {
	defer func() {
		if err != nil {
			p.Abort()
		}
	}()
	der, err := p.prepared.Complete(signature)
	if err != nil {
		return err
	}
	var token []byte
	if p.opts.Level.timeStamped() {
		sv, err := cms.SignatureValue(der)
		if err != nil {
			return err
		}
		d := crypto.SHA256.New()
		d.Write(sv)
		if token, err = p.opts.TSA.TimeStamp(ctx, d.Sum(nil), crypto.SHA256); err != nil {
			return fmt.Errorf("pades: signature time-stamp: %w", err)
		}
		if der, err = cms.AddUnsignedAttribute(der, cms.OIDSignatureTimeStampToken(), token); err != nil {
			return err
		}
	}
	contents, err := p.pos.EncodeContents(der)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(p.tmp, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("pades: reopen the prepared document: %w", err)
	}
	if err := pdf.Patch(f, p.pos.Contents.Start, contents); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	final := p.tmp
	// Later levels are further incremental updates; each step writes a new
	// file beside the last, and all of them are removed at the end.
	steps := []string{}
	defer func() {
		for _, s := range steps {
			os.Remove(s)
		}
	}()
	if p.opts.Level == LevelBLT || p.opts.Level == LevelBLTA {
		certs := append([]*x509.Certificate{p.prepared.Certificate()}, p.chain...)
		for _, c := range tsaCertificates(token) {
			certs = appendCert(certs, c)
		}
		if final, err = addDSS(ctx, final, certs, p.opts.Revocation); err != nil {
			return err
		}
		steps = append(steps, final)
	}
	if p.opts.Level == LevelBLTA {
		if final, err = addDocTimeStamp(ctx, final, p.opts.TSA); err != nil {
			return err
		}
		steps = append(steps, final)
	}
	if err := syncFile(final); err != nil {
		return err
	}
	// Link fails when out exists, unlike Rename: a signed file is never
	// overwritten by accident.
	if err := os.Link(final, p.out); err != nil {
		return fmt.Errorf("pades: write %s: %w", p.out, err)
	}
	os.Remove(p.tmp)
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Abort removes the temporary file.
func (p *Pending) Abort() { os.Remove(p.tmp) }

// Sign signs in into out with a key at hand: Prepare, sign, Complete.
func Sign(ctx context.Context, in *os.File, out string, id *keys.Identity, o Options) error {
	p, err := Prepare(ctx, in, out, id, o)
	if err != nil {
		return err
	}
	sig, err := id.Signer.Sign(rand.Reader, p.ToSign, p.Hash)
	if err != nil {
		p.Abort()
		return fmt.Errorf("pades: sign: %w", err)
	}
	return p.Complete(ctx, sig)
}
