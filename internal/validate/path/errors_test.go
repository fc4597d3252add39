package path

import (
	"errors"
	"strings"
	"testing"
)

// TestSubIndication maps every reason to EN 319 102-1.
func TestSubIndication(t *testing.T) {
	tests := []struct {
		err  Error
		want SubIndication
	}{
		{Error{Reason: NoChain}, NoCertificateChainFound},
		{Error{Reason: Expired}, OutOfBoundsNoPOE},
		{Error{Reason: NotYetValid, NotRevoked: true}, OutOfBoundsNotRevoked},
		{Error{Reason: Revoked, Depth: 0}, RevokedNoPOE},
		{Error{Reason: Revoked, Depth: 2}, RevokedCANoPOE},
		{Error{Reason: RevocationUnknown}, TryLater},
		{Error{Reason: NotCA}, ChainConstraintsFailure},
		{Error{Reason: PathLenExceeded}, ChainConstraintsFailure},
		{Error{Reason: CAKeyUsage}, ChainConstraintsFailure},
		{Error{Reason: LeafKeyUsage}, ChainConstraintsFailure},
		{Error{Reason: LeafExtKeyUsage}, ChainConstraintsFailure},
		{Error{Reason: NameConstraintViolation}, ChainConstraintsFailure},
		{Error{Reason: PolicyFailure}, ChainConstraintsFailure},
		{Error{Reason: DepthExceeded}, ChainConstraintsFailure},
		{Error{Reason: BadSignature}, CertificateChainGeneralFailure},
		{Error{Reason: UnsupportedAlgorithm}, CertificateChainGeneralFailure},
		{Error{Reason: NameChaining}, CertificateChainGeneralFailure},
		{Error{Reason: UnhandledCriticalExtension}, CertificateChainGeneralFailure},
		{Error{Reason: Malformed}, CertificateChainGeneralFailure},
	}
	for _, tt := range tests {
		if got := tt.err.SubIndication(); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.err.Reason, got, tt.want)
		}
	}
}

// TestErrorText: the message names the reason, the certificate and the
// cause, and the cause unwraps.
func TestErrorText(t *testing.T) {
	h := newHierarchy(t)
	cause := errors.New("crypto/rsa: verification error")
	e := failAt(BadSignature, Path{h.leaf.cert, h.ica.cert}, 0, "signature")
	e.Err = cause
	msg := e.Error()
	for _, want := range []string{"path: bad signature", "depth 0", "Nguyen Van A", "verification error"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if !errors.Is(e, cause) {
		t.Error("cause does not unwrap")
	}
	if Reason(999).String() == "" {
		t.Error("unknown reason has no text")
	}
}
