// Package cms makes and reads the CMS SignedData (RFC 5652) inside kyso's
// signatures: the /Contents of a PAdES signature (SubFilter
// ETSI.CAdES.detached, ETSI EN 319 142-1) and detached .p7s files.
//
// # Signing
//
// SignDetached signs the digest of external content in one step, with a
// crypto.Signer in the server. For keys that are elsewhere (a USB token
// agent, a phone, a remote HSM) the same work is split in two: Prepare
// returns the signed attributes and their digest, ToSign, which the device
// signs; Complete checks that signature against the signer's certificate and
// assembles the SignedData. A Prepared can be kept between the two HTTP
// requests with MarshalBinary. SignDetached is Prepare, Sign, Complete, so
// both paths produce the same structure.
//
// The SignedData is what the CAdES baseline B-B profile (ETSI EN 319 122-1
// §6) and PAdES require: one SignerInfo, version 1, identified by issuer
// and serial number; the signed attributes content-type, message-digest
// and signing-certificate-v2 (RFC 5035, SHA-256 certHash and issuerSerial);
// no signing-time unless Options asks for one (PAdES forbids it, ETSI EN
// 319 142-1 §6.3); the signer's certificate and chain. RSA keys sign with
// PKCS #1 v1.5 under rsaEncryption, EC keys with ecdsa-with-SHA*; the hash
// is SHA-256, SHA-384 or SHA-512. Everything is encoded as DER with
// golang.org/x/crypto/cryptobyte, as internal/tsa and internal/ocsp do:
// github.com/digitorus/pkcs7 can neither sign in two phases nor leave out
// or choose its signed attributes.
//
// B-T is one more step: time-stamp SignatureValue at a TSA (internal/tsa's
// Request) and add the token with AddUnsignedAttribute and
// OIDSignatureTimeStampToken (ETSI EN 319 122-1 §5.3).
//
// # Reading and verifying
//
// Parse reads a SignedData from untrusted bytes, bounded in size (MaxSize)
// and nesting, tolerant of the BER that real signers write, and strict about
// the attributes that decide what was signed. VerifyDetached checks the first
// SignerInfo against the digest of the content: attributes, message digest,
// signature value (RSA PKCS #1 v1.5 and PSS, ECDSA, DSA, Ed25519) and the ESS
// signing-certificate(-v2) binding. Errors wrap sentinels (ErrDigestMismatch,
// ErrSignatureInvalid, ...) that a validator maps to its verdicts.
//
// # Boundary
//
// The package knows CMS, not PDF or trust. It does not:
//   - find signatures in a PDF, compute ByteRange digests, or check what a
//     SubFilter implies about eContent (adbe.pkcs7.sha1 encapsulates a SHA-1;
//     ETSI.RFC3161 is a time-stamp token): internal/pdf and the validator do;
//   - build or validate certificate paths, check key usage, revocation or
//     validity periods, or judge algorithms against a policy: the validator
//     does, from Signed's fields (DigestAlgorithm, SignatureHash,
//     Certificates, RevocationInfo);
//   - check time-stamp tokens beyond parsing them as SignedData: internal/tsa
//     verifies tokens it requests, the validator those it finds;
//   - keep keys: callers pass a crypto.Signer (internal/keys), or a signature
//     made elsewhere to Complete.
package cms
