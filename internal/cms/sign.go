package cms

import (
	"context"
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
)

// SignDetached signs content whose o.Hash digest is digest with signer, the
// key of si.Cert, and returns the DER ContentInfo of a detached CMS
// SignedData: the /Contents of a PAdES signature (ETSI.CAdES.detached) or a
// .p7s file. It is Prepare, signer.Sign(ToSign), Complete, so the one- and
// two-phase paths produce the same structure.
//
// RSA keys sign with PKCS #1 v1.5 and ECDSA keys with ECDSA; the signer is
// given the hash as its crypto.SignerOpts, which selects PKCS #1 v1.5 for
// RSA. ctx is checked before and after signing: a crypto.Signer cannot be
// interrupted, so a signer that hangs (a token waiting for its PIN) holds
// the call until it returns.
func SignDetached(ctx context.Context, digest []byte, signer crypto.Signer, si SignerInfo, o Options) ([]byte, error) {
	if signer == nil {
		return nil, errors.New("cms: sign: no signer")
	}
	p, err := Prepare(digest, si, o)
	if err != nil {
		return nil, err
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if k, ok := signer.Public().(equaler); !ok || !k.Equal(si.Cert.PublicKey) {
		return nil, fmt.Errorf("cms: sign: the signer's key is not the key of %q", si.Cert.Subject)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cms: sign: %w", err)
	}
	sig, err := signer.Sign(rand.Reader, p.ToSign, p.Hash)
	if err != nil {
		return nil, fmt.Errorf("cms: sign: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cms: sign: %w", err)
	}
	return p.Complete(sig)
}
