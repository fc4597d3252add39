package path

import (
	"crypto/x509"
	"errors"
)

// Work bounds for one Validate call, so that hostile pools (many
// certificates sharing a name or a key, cycles) cannot make building
// exponential (x509-limbo pathological::*, RFC 4158 §5).
const (
	maxSignatureChecks = 2048 // uncached signature verifications per session
	maxExpansions      = 4096 // issuer candidates looked at per Validate
	maxCompletePaths   = 64   // paths to an anchor run through §6.1 per Validate
	maxSignerDepth     = 4    // nested validations of CRL signers
)

// session is state shared by one top-level validation and the nested
// validations of CRL signers it starts: caches and work counters.
type session struct {
	infos      infoCache
	sigs       map[[2]*x509.Certificate]error
	sigChecks  int
	signerBusy map[string]bool
	signerDone map[string]error
	signerNest int
}

// newSession returns an empty session.
func newSession() *session {
	return &session{
		infos:      infoCache{},
		sigs:       map[[2]*x509.Certificate]error{},
		signerBusy: map[string]bool{},
		signerDone: map[string]error{},
	}
}

// errSignatureBudget stops building when signature checks run out.
var errSignatureBudget = errors.New("path: signature check budget exhausted")

// checkSig verifies child's signature with parent's key (§6.1.3 (a)(1)),
// once per pair. It does not ask whether parent may issue certificates:
// §6.1.4 (k) and (n) do that, with their own reasons.
func (s *session) checkSig(child, parent *x509.Certificate) error {
	k := [2]*x509.Certificate{child, parent}
	if err, ok := s.sigs[k]; ok {
		return err
	}
	if s.sigChecks >= maxSignatureChecks {
		return errSignatureBudget
	}
	s.sigChecks++
	var err error
	switch parent.PublicKeyAlgorithm {
	case x509.UnknownPublicKeyAlgorithm, x509.DSA:
		// crypto/x509 parses DSA keys but cannot verify DSA signatures.
		err = x509.ErrUnsupportedAlgorithm
	default:
		err = parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature)
	}
	s.sigs[k] = err
	return err
}

// signatureError turns a signature failure into the Error for the
// certificate at depth of p.
func signatureError(p Path, depth int, err error) *Error {
	var insecure x509.InsecureAlgorithmError
	r, detail := BadSignature, "signature does not verify with the issuer's key"
	switch {
	case errors.Is(err, errSignatureBudget):
		r, detail = NoChain, "path search stopped"
	case errors.Is(err, x509.ErrUnsupportedAlgorithm), errors.As(err, &insecure):
		r, detail = UnsupportedAlgorithm, "signature cannot be checked"
	}
	e := failAt(r, p, depth, "%s", detail)
	e.Err = err
	return e
}
