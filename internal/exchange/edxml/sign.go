package edxml

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/beevik/etree"
	"github.com/google/uuid"
	dsig "github.com/russellhaering/goxmldsig"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/kyso-vn/kyso/internal/keys"
)

// BuildOption adjusts Build and BuildStatus.
type BuildOption func(*buildConfig)

type buildConfig struct {
	now  time.Time
	rand io.Reader
}

// WithTime sets the time Build writes into the TraceHeader it adds (and
// BuildStatus into an empty Timestamp) and at which the signer's certificate
// must be valid. The default is time.Now(); tests pass a fixed time.
func WithTime(t time.Time) BuildOption { return func(c *buildConfig) { c.now = t } }

// WithRand sets the source of the random UUIDs Build makes (MessageID,
// attachment ids). The default is crypto/rand; tests pass a seeded reader
// for reproducible output. Signing itself always uses crypto/rand.
func WithRand(r io.Reader) BuildOption { return func(c *buildConfig) { c.rand = r } }

func newBuildConfig(opts []BuildOption) *buildConfig {
	c := &buildConfig{now: time.Now(), rand: rand.Reader}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

func (c *buildConfig) newID() (string, error) {
	u, err := uuid.NewRandomFromReader(c.rand)
	if err != nil {
		return "", fmt.Errorf("edxml: making a UUID: %w", err)
	}
	return u.String(), nil
}

// Build completes env (see Envelope), checks it with Validate, writes it as
// edXML and signs it with an enveloped XML-DSig signature: the Reference is
// URI="" (the whole document, attachments included) with the
// enveloped-signature and exclusive C14N transforms, the signature method
// is RSA-SHA256 for RSA keys and ECDSA-SHA256/384/512 (by curve) for EC
// keys, and KeyInfo/X509Data carries chain. The Signature element sits in
// edXMLHeader after TraceHeaderList, where the SDK layout has it.
//
// signer is used only through crypto.Signer, so a PKCS#11 key works; chain
// starts with signer's certificate, then the intermediates a receiver needs
// to build a path (leave the root out). The certificate must be valid at the
// build time and allow digitalSignature or nonRepudiation (checked with
// package keys before the key is used).
func Build(env *Envelope, signer crypto.Signer, chain []*x509.Certificate, opts ...BuildOption) ([]byte, error) {
	if env == nil {
		return nil, fmt.Errorf("%w: nil Envelope", ErrInvalid)
	}
	cfg := newBuildConfig(opts)
	ctx, err := newSigningContext(signer, chain, cfg.now)
	if err != nil {
		return nil, err
	}
	if err := env.complete(cfg.now, cfg.newID); err != nil {
		return nil, err
	}
	if err := env.Validate(); err != nil {
		return nil, err
	}
	doc, hdr := encodeEnvelope(env)
	return signInto(ctx, doc, hdr)
}

// BuildStatus completes and checks st, writes the status envelope and signs
// it as Build signs a document package. The Signature is the last child of
// SOAP-ENV:Header, after edXML:Status.
func BuildStatus(st *Status, signer crypto.Signer, chain []*x509.Certificate, opts ...BuildOption) ([]byte, error) {
	if st == nil {
		return nil, fmt.Errorf("%w: nil Status", ErrInvalid)
	}
	cfg := newBuildConfig(opts)
	ctx, err := newSigningContext(signer, chain, cfg.now)
	if err != nil {
		return nil, err
	}
	if err := st.complete(cfg.now); err != nil {
		return nil, err
	}
	if err := st.Validate(); err != nil {
		return nil, err
	}
	doc, hdr := encodeStatus(st)
	return signInto(ctx, doc, hdr)
}

// writeSettings escape what an XML parser would otherwise normalise away
// (CR in text; tab, CR and LF in attribute values), so that the document a
// receiver parses is the one that was digested.
var writeSettings = etree.WriteSettings{CanonicalText: true, CanonicalAttrVal: true}

// signInto signs the whole of doc and places the Signature as the last
// child of parent. The digest is computed over a copy of the root as it
// stands, without the Signature; the enveloped-signature transform removes
// the Signature wherever it is before a verifier digests, so the two agree.
func signInto(ctx *dsig.SigningContext, doc *etree.Document, parent *etree.Element) ([]byte, error) {
	sig, err := ctx.ConstructSignature(doc.Root().Copy(), true)
	if err != nil {
		return nil, fmt.Errorf("%w: signing: %w", ErrSigner, err)
	}
	parent.AddChild(sig)
	doc.WriteSettings = writeSettings
	out, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("edxml: writing the package: %w", err)
	}
	return out, nil
}

// newSigningContext checks the signer and its certificate and sets up
// goxmldsig for an enveloped, exclusively canonicalised signature.
func newSigningContext(signer crypto.Signer, chain []*x509.Certificate, now time.Time) (*dsig.SigningContext, error) {
	if signer == nil {
		return nil, fmt.Errorf("%w: no key", ErrSigner)
	}
	if len(chain) == 0 || chain[0] == nil {
		return nil, fmt.Errorf("%w: no certificate: chain must start with the signer's certificate", ErrSigner)
	}
	for i, c := range chain {
		if c == nil {
			return nil, fmt.Errorf("%w: chain[%d] is nil", ErrSigner, i)
		}
	}
	cert := chain[0]
	id, err := keys.NewIdentity(signer, cert, chain[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSigner, err)
	}
	if err := id.CheckSigning(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSigner, err)
	}
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return nil, fmt.Errorf("%w: the certificate of %s is valid from %s to %s, not at %s",
			ErrSigner, cert.Subject.CommonName, cert.NotBefore.Format(time.RFC3339),
			cert.NotAfter.Format(time.RFC3339), now.Format(time.RFC3339))
	}

	hash := crypto.SHA256
	s := signer
	switch pub := signer.Public().(type) {
	case *rsa.PublicKey:
	case *ecdsa.PublicKey:
		switch pub.Curve {
		case elliptic.P256():
		case elliptic.P384():
			hash = crypto.SHA384
		case elliptic.P521():
			hash = crypto.SHA512
		default:
			return nil, fmt.Errorf("%w: ECDSA curve %s is not supported", ErrSigner, pub.Curve.Params().Name)
		}
		s = rawECDSASigner{signer, curveBytes(pub.Curve)}
	default:
		return nil, fmt.Errorf("%w: %T keys cannot make XML-DSig signatures here (RSA or ECDSA only)", ErrSigner, pub)
	}

	ders := make([][]byte, len(chain))
	for i, c := range chain {
		ders[i] = c.Raw
	}
	ctx, err := dsig.NewSigningContext(s, ders)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSigner, err)
	}
	ctx.Hash = hash
	ctx.Prefix = dsig.DefaultPrefix
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	return ctx, nil
}

func curveBytes(c elliptic.Curve) int { return (c.Params().BitSize + 7) / 8 }

// rawECDSASigner turns the ASN.1 DER signatures crypto.Signer returns into
// the fixed-length r||s that XML-DSig requires for ECDSA (RFC 4051 §3.3.1,
// XML Signature 1.1 §6.4.3), which xmlsec1 and .NET read. goxmldsig passes
// the signer's bytes through unchanged, so without this its ECDSA
// signatures are DER, which only goxmldsig itself reads. Parse converts
// back before handing the signature to goxmldsig.
type rawECDSASigner struct {
	crypto.Signer
	size int
}

func (s rawECDSASigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	der, err := s.Signer.Sign(r, digest, opts)
	if err != nil {
		return nil, err
	}
	return ecdsaDERToRaw(der, s.size)
}

func ecdsaDERToRaw(der []byte, size int) ([]byte, error) {
	var r, s big.Int
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, asn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(&r) || !seq.ReadASN1Integer(&s) || !seq.Empty() {
		return nil, errors.New("edxml: the key returned a malformed ECDSA signature")
	}
	if r.Sign() <= 0 || s.Sign() <= 0 || r.BitLen() > 8*size || s.BitLen() > 8*size {
		return nil, errors.New("edxml: the key returned an ECDSA signature out of range")
	}
	out := make([]byte, 2*size)
	r.FillBytes(out[:size])
	s.FillBytes(out[size:])
	return out, nil
}

func ecdsaRawToDER(raw []byte) ([]byte, error) {
	half := len(raw) / 2
	r := new(big.Int).SetBytes(raw[:half])
	s := new(big.Int).SetBytes(raw[half:])
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(r)
		b.AddASN1BigInt(s)
	})
	return b.Bytes()
}
