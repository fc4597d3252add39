// Package auth authenticates callers: password login with rate limiting and
// account lockout, server-side sessions for browsers, and bearer tokens for
// other software. It answers "who is this?"; package org answers "what may
// they do?".
//
// Session and API tokens are random 256-bit values; the database keeps only
// their SHA-256, so a leaked table or backup logs nobody in.
package auth
