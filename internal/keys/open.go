package keys

import (
	"context"
	"crypto"
	"fmt"
	"io"
)

// Open returns the private key a URI names, as a crypto.Signer:
//
//	file:/abs/path/key.pem or /abs/path/key.pem   encrypted PKCS#8 PEM
//	pkcs11:token=T;object=O[;id=HEX]              a key pair in a PKCS#11 token
//
// File keys need a passphrase, from WithPassphrase or else
// PassphraseFromEnv. PKCS#11 keys need a module and PIN, from the URI
// (module-path, pin-value), WithPKCS11, or KYSO_PKCS11_PIN, in that order. Keys from a token hold a session open: release it with Close.
// PKCS#11 login is per process, so while one key of a token is open, later
// Opens of that token are not asked for the PIN again.
func Open(ctx context.Context, uri string, opts ...Option) (crypto.Signer, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("keys: open: %w", err)
	}
	o := collect(opts)
	switch scheme := uriScheme(uri); scheme {
	case schemePKCS11:
		u, err := parsePKCS11URI(uri)
		if err != nil {
			return nil, err
		}
		if u.object == "" && len(u.id) == 0 {
			return nil, malformed("name the key with object= or id=")
		}
		return openPKCS11(ctx, u, o)
	case schemeFile, "":
		path, err := parseFileURI(uri)
		if err != nil {
			return nil, err
		}
		return openFile(path, o)
	default:
		return nil, fmt.Errorf("keys: key URI scheme %q is not supported; use file:/absolute/path/key.pem or %s", scheme, pkcs11URIForm)
	}
}

// GenerateInToken creates a new key pair inside the PKCS#11 token a
// pkcs11: URI names, labelled with its object= (CKA_LABEL) and id= (CKA_ID,
// random if absent). The private key is marked sensitive and not
// extractable, and can only sign. It refuses a label or id already in use.
func GenerateInToken(ctx context.Context, uri string, alg Algorithm, opts ...Option) (crypto.Signer, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("keys: generate in token: %w", err)
	}
	if alg.rsaBits() == 0 && alg.curve() == nil {
		return nil, fmt.Errorf("keys: unknown key algorithm %q; use one of %s", alg, algorithmList())
	}
	if uriScheme(uri) != schemePKCS11 {
		return nil, fmt.Errorf("keys: GenerateInToken needs a pkcs11: URI (%s); for a key file use Generate and WriteEncrypted", pkcs11URIForm)
	}
	u, err := parsePKCS11URI(uri)
	if err != nil {
		return nil, err
	}
	if u.object == "" {
		return nil, malformed("object= is required to label the new key")
	}
	return generatePKCS11(ctx, u, alg, collect(opts))
}

// Close releases what a key from Open or GenerateInToken holds (a token
// session). It does nothing for software keys, so callers may always call
// it when done with a key.
func Close(key crypto.Signer) error {
	if c, ok := key.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
