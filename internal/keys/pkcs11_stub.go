//go:build !pkcs11

package keys

import (
	"context"
	"crypto"
)

// PKCS#11 needs cgo and a vendor library; builds without the pkcs11 tag
// still parse pkcs11: URIs, so mistakes in them are reported either way.

func openPKCS11(context.Context, *pkcs11URI, options) (crypto.Signer, error) {
	return nil, ErrNoPKCS11
}

func generatePKCS11(context.Context, *pkcs11URI, Algorithm, options) (crypto.Signer, error) {
	return nil, ErrNoPKCS11
}
