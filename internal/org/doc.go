// Package org holds agencies ("cơ quan"), their departments, users and roles,
// and the policy of who may see and change them.
//
// Every method takes the calling Actor and checks it, so the web pages, the
// JSON API and the CLI share one policy. Agencies form a tree; a user's roles
// apply to the user's own agency, and the administrative and oversight roles
// (admin, inspector, certificate approver) reach down its subtree. Anything
// an actor may not see is reported as not found, so that probing identifiers
// reveals nothing.
package org
