package keys

import (
	"errors"
	"fmt"
)

// ErrWrongPassphrase means an encrypted key file did not decrypt with the
// passphrase given.
var ErrWrongPassphrase = errors.New("keys: wrong passphrase")

// ErrUnencrypted means a key file holds a private key in the clear and the
// caller did not say AllowUnencrypted.
var ErrUnencrypted = errors.New("keys: key file is not encrypted")

// ErrShortPassphrase means WriteEncrypted was given a passphrase shorter
// than MinPassphraseLen.
var ErrShortPassphrase = errors.New("keys: passphrase too short")

// ErrWrongPIN means a PKCS#11 token refused the user PIN.
var ErrWrongPIN = errors.New("keys: wrong PKCS#11 PIN")

// ErrNoPKCS11 means this binary was built without PKCS#11 support.
var ErrNoPKCS11 = errors.New("keys: this kyso was built without PKCS#11 support; rebuild with -tags pkcs11 (needs cgo)")

// kindError carries a message written for the operator while still
// matching a sentinel with errors.Is, so the text need not repeat it.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// errorOf formats an operator message that errors.Is matches to kind.
func errorOf(kind error, format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kind: kind}
}
