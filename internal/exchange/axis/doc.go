// Package axis is the document exchange axis (trục liên thông văn bản): an
// HTTPS service through which agencies on different kyso deployments (or
// other systems) hand each other signed edXML packages and status
// messages, and the client those deployments call it with.
//
// # Protocol
//
// Every request is authenticated by a TLS client certificate issued by the
// CA the axis is configured with (kyso's "service" profile). The agency a
// certificate speaks for is its identifier code (mã định danh), read by
// AgencyCode. Bodies of packages are the signed edXML bytes as they are;
// everything else is JSON.
//
//	POST /axis/v1/messages[?kind=document|status][&to=CODE…]
//	     submit a package. The axis verifies its XML signature (edxml.Parse
//	     or ParseStatus), that the authenticated agency is its From, that
//	     the signing certificate names the same agency, and stores one copy
//	     per receiver (every addressee, or the subset given with to=).
//	     201 Created, or 200 OK with "duplicate": true when it was stored
//	     before: a sender that retries after a lost answer is safe.
//	GET  /axis/v1/messages?limit=N[&wait=30s]
//	     the packages for the authenticated agency that it has not
//	     acknowledged, oldest first; with wait, a long poll that answers as
//	     soon as one arrives.
//	POST /axis/v1/messages/{id}/ack    acknowledge one package (idempotent)
//	POST /axis/v1/acks {"ids": […]}    acknowledge several at once
//
// Errors are JSON, {"error": {"code": "…", "message": "…"}}, with a stable
// code (see the Reason constants) and the parser's explanation. A refused
// package is stored nowhere: the axis_rejections table logs who sent it,
// its size and SHA-256, and why.
//
// # Delivery guarantees
//
// The axis makes delivery at-least-once: a package stays pending until
// its receiver acknowledges it, and a receiver acknowledges only after it
// committed the package to its own inbox. Both ends deduplicate on the
// message id (Envelope.MessageID, Status.MessageID) and the receiver's
// code, so a package resent after a lost answer, or fetched twice because
// an acknowledgement was lost, is kept once.
//
// # What the axis does not decide
//
// The axis checks that a package is intact, signed, and sent by the agency
// it says; it does not validate the signer's certificate path or
// revocation unless Config.SignerRoots is set, and never whether the
// receiver should accept the document: that is the receiver's register
// (package inbox's Handler).
package axis
