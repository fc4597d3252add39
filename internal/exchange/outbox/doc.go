// Package outbox sends edXML packages and status messages to other
// agencies without losing or doubling any: a transactional outbox and the
// worker that empties it.
//
// # Why an outbox
//
// Issuing a document and sending it must happen together: a document
// marked issued whose package never left, or a package sent for a document
// whose issue rolled back, are both wrong. So the documents domain calls
// Enqueue inside its own transaction; the package is a row that commits
// or rolls back with the issue. Sending happens afterwards, off the
// request path, in the Worker.
//
// # Delivery
//
// The Worker claims due rows, hands each to a Transport and records the
// outcome: delivered; failed for good (the Transport returned a Permanent
// error: the receiver refused the package itself); or rescheduled with
// exponential backoff and jitter. A claim is a lease, not a status: the
// row stays pending with its next attempt set to the end of the lease, so
// that if the process dies mid-delivery the row is simply due again when
// the lease runs out and another worker (or this one, restarted) takes it.
// On PostgreSQL the claim uses SELECT … FOR UPDATE SKIP LOCKED, so workers
// on several nodes share the queue without waiting on each other; on
// SQLite the store serialises writers and one claim runs at a time.
//
// Delivery is therefore at-least-once: a package can be delivered twice
// (a worker that delivered but died before recording it, a lease that ran
// out during a slow delivery). Receivers deduplicate on the message id
// (package inbox, the axis), so twice is harmless; never is what the
// outbox rules out.
//
// # Transports
//
// The Router sends to agencies hosted on this deployment through the
// LocalTransport, straight into this deployment's inbox, and to everyone
// else through the AxisTransport, which submits to the exchange axis with
// the sending agency's client certificate.
package outbox
