// Package inbox receives edXML packages and status messages for the
// agencies this deployment hosts, exactly once each.
//
// Receipt has two steps, so that nothing is lost or doubled whichever way
// a package arrives and whenever the process dies:
//
//  1. Accept stores the package's bytes in exchange_inbox, once per
//     (message id, receiver): a second delivery of the same package, from
//     the axis after a lost acknowledgement or from a sender's retry, is
//     answered "duplicate" and changes nothing. The transports call it:
//     the AxisPuller for packages from the exchange axis (acknowledging
//     them to the axis only after the inbox committed), outbox's
//     LocalTransport for agencies on this same deployment.
//  2. The Processor parses each stored package (edxml.Parse or
//     ParseStatus: size, no DTD, XML signature) and hands it to the
//     Handler, the documents domain, in the same transaction that marks
//     the row processed. The incoming document and the processed mark
//     commit together or not at all, so a crash between them re-runs the
//     handler on a clean slate, and a committed package is never handed
//     over again.
//
// A package that fails to parse, or that the handler refuses with Reject,
// is marked rejected with the reason, stays in the inbox for inspection and
// reaches nothing else; a RejectionHandler (optional, on the same Handler)
// may answer the sender with a "02 rejected" status message in that same
// transaction. A handler error that is not a rejection (the database or the
// blob store failing) rolls the transaction back and is retried with
// exponential backoff.
//
// The inbox checks what the transport knows about a package against what
// the package says: the sender the axis authenticated is the package's
// From, the receiver is one of its addressees, the message id the
// transport deduplicated on is the package's own. Whether the signer's
// certificate is trusted, current and the sender's is the Handler's
// decision: it receives the chain from the package's KeyInfo.
package inbox
