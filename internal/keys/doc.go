// Package keys is the only place in kyso that touches private key material.
//
// Every CA, OCSP-responder, TSA and signing key is used through
// crypto.Signer and nothing else, so the code that issues certificates,
// signs OCSP answers or stamps time never learns whether a key lives in a
// file or in a hardware token, and never sees the key bytes.
//
// A key is named by a URI:
//
//	file:/var/lib/kyso/keys/issuing.pem     (or the plain absolute path)
//	pkcs11:token=kyso-ca;object=issuing-2025;id=01a2
//
// File keys are kept encrypted at rest as standard encrypted PKCS#8 PEM
// ("ENCRYPTED PRIVATE KEY", PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC), the
// format `openssl pkey` reads, so an operator can always inspect or migrate
// a key with stock tools. Unencrypted key files are refused unless the
// caller says AllowUnencrypted (tests, one-off imports).
//
// PKCS#11 keys (RFC 7512 URIs) need a build with -tags pkcs11 and cgo;
// other builds answer every pkcs11: URI with an error saying how to rebuild.
//
// What this package does not do: it does not decide which algorithm a CA
// uses, where key files live, or who may open them; callers pass absolute
// paths and secrets in, and this package never logs or prints either.
package keys
