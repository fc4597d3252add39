// Package tsa is kyso's RFC 3161 time-stamp authority, and the client kyso's
// own PAdES signer uses to obtain time-stamp tokens.
//
// An Authority answers TimeStampReq messages (RFC 3161 §2.4.1) with
// TimeStampResp messages (§2.4.2): in process through Stamp, or over HTTP
// through ServeHTTP (§3.4, application/timestamp-query in,
// application/timestamp-reply out). Tokens are CMS SignedData over a TSTInfo,
// signed with the attributes contentType, messageDigest and the ESS
// signing-certificate-v2 of RFC 5816 §2.2.1; genTime carries microseconds and
// never goes backwards within one Authority. Request is the matching client: it
// builds a query with a random nonce, posts it and checks the answer as RFC
// 3161 §2.4.2 asks of a requester.
//
// The boundary. The package signs and answers; it does not:
//   - keep keys: the caller passes a crypto.Signer (a file key, or an HSM
//     through PKCS#11), and the certificate that goes with it;
//   - issue or revoke the TSA certificate: the CA does; New only refuses a
//     certificate that RFC 3161 §2.3 forbids a TSA to use;
//   - decide trust: Request checks that a token is intact, answers the query
//     and is signed by a time-stamping certificate, but chain building and
//     revocation checking belong to the signature validator;
//   - store anything: serial numbers come from a SerialSource (random 128-bit
//     by default; a database sequence may be plugged in), and logging the
//     issued tokens, if an audit trail is wanted, is the caller's job;
//   - route or authenticate HTTP: mount the Authority where it belongs and put
//     rate limiting or authentication in front of it if the deployment needs
//     them.
//
// digitorus/timestamp supplies the request and token types of the API
// (timestamp.Request, timestamp.Timestamp) and, with digitorus/pkcs7, the
// parsing and signature check in Request. Tokens are encoded here instead, on
// golang.org/x/crypto/cryptobyte: the library's CreateResponse draws its own
// serial number (no SerialSource) and encodes genTime to the second only,
// and pkcs7.AddSigner adds a signing-time attribute read from time.Now, so a
// token would carry a second time from outside the Authority's clock.
//
// The default policy is DefaultPolicy; a production TSA should run under a
// policy OID assigned from its operator's own arc (WithPolicy), since the
// policy names the practices the TSA commits to (RFC 3161 §2.1 item 5, RFC 3628).
package tsa
