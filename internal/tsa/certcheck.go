package tsa

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
)

// checkTimeStamping reports why cert may not sign time-stamp tokens, or nil:
// RFC 3161 §2.3 says "The corresponding certificate MUST contain only one
// instance of the extended key usage field extension ... with KeyPurposeID
// having value id-kp-timeStamping. This extension MUST be critical." New
// refuses to run with such a certificate and Request refuses tokens signed
// with one.
func checkTimeStamping(cert *x509.Certificate) error {
	found, critical := 0, false
	for _, e := range cert.Extensions {
		if e.Id.Equal(oidExtKeyUsage()) {
			found++
			critical = e.Critical
		}
	}
	switch {
	case found == 0:
		return errors.New("no extended key usage; RFC 3161 §2.3 requires a critical one with id-kp-timeStamping only")
	case found > 1:
		return errors.New("more than one extended key usage extension (RFC 3161 §2.3)")
	case !critical:
		return errors.New("extended key usage is not critical (RFC 3161 §2.3)")
	case len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping ||
		len(cert.UnknownExtKeyUsage) != 0:
		return errors.New("extended key usage must be id-kp-timeStamping only (RFC 3161 §2.3)")
	}
	return nil
}

// checkOwnCert adds kyso's own rule for the certificates it signs under: a
// key usage with digitalSignature (RFC 5280 §4.2.1.3), since the key, kept
// exclusively for time-stamping (RFC 3161 §2.1 item 10), signs.
func checkOwnCert(cert *x509.Certificate) error {
	if err := checkTimeStamping(cert); err != nil {
		return err
	}
	if cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return errors.New("key usage lacks digitalSignature")
	}
	return nil
}

// checkPeerCert is what Request asks of a TSA's certificate, kyso's or
// another's: RFC 3161 §2.3, and a key usage, if there is one, with
// digitalSignature or nonRepudiation, either of which marks a key that signs
// objects other than certificates and CRLs (RFC 5280 §4.2.1.3).
func checkPeerCert(cert *x509.Certificate) error {
	if err := checkTimeStamping(cert); err != nil {
		return err
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return errors.New("key usage allows neither digitalSignature nor nonRepudiation")
	}
	return nil
}

// checkChain reports whether chain, in order, issued cert: chain[0] signed
// cert, chain[1] signed chain[0], and so on. A token carries this chain when
// the requester sets certReq, so a wrong one would mislead every verifier.
func checkChain(cert *x509.Certificate, chain []*x509.Certificate) error {
	child := cert
	for i, parent := range chain {
		if parent == nil {
			return fmt.Errorf("chain[%d] is nil", i)
		}
		if err := child.CheckSignatureFrom(parent); err != nil {
			return fmt.Errorf("chain[%d] %q did not issue %q: %w", i, parent.Subject, child.Subject, err)
		}
		child = parent
	}
	return nil
}

// signingHash checks that signer holds the private key of cert and that the
// key is one kyso signs tokens with, and returns the digest to sign with:
// SHA-256 for RSA and P-256, SHA-384 for P-384, SHA-512 for P-521, so that the
// hash is never weaker than the key (RFC 5758 §3.2).
func signingHash(cert *x509.Certificate, signer crypto.Signer) (crypto.Hash, error) {
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return 0, errors.New("the signer's public key is not the certificate's")
	}
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return 0, fmt.Errorf("RSA key of %d bits; at least 2048 are required", k.N.BitLen())
		}
		return crypto.SHA256, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return crypto.SHA256, nil
		case elliptic.P384():
			return crypto.SHA384, nil
		case elliptic.P521():
			return crypto.SHA512, nil
		}
		return 0, fmt.Errorf("ECDSA curve %s is not supported", k.Curve.Params().Name)
	}
	return 0, fmt.Errorf("key type %T is not supported (RSA or ECDSA P-256/P-384/P-521)", cert.PublicKey)
}
