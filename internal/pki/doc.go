// Package pki is kyso's certificate authority: the CA hierarchy (an
// offline-style root and an issuing CA, plus the delegated OCSP responder
// and the time-stamping identity), certificate profiles, issuance,
// suspension, revocation and CRLs.
//
// pki signs what it is asked to sign and decides nothing about who may have
// a certificate: that is the registration workflow's job (package ra). It
// lints every certificate before the real key signs it (boulder's habit):
// the to-be-signed certificate is first signed with a throwaway key and
// checked with zlint, and only a clean one is signed for real.
package pki
