package org

import (
	"slices"
	"strings"

	"github.com/kyso-vn/kyso/internal/audit"
)

// Actor is who is calling: a logged-in user, an API token's owner, or the
// system itself (the CLI, start-up tasks).
type Actor struct {
	UserID       string
	Username     string
	FullName     string
	AgencyID     string
	AgencyPath   string
	DepartmentID string
	Roles        []Role
	// System actors have every right; only trusted code paths (the CLI on
	// the server, kyso init) make them.
	System bool
	// IP is the client address, for the audit log.
	IP string
}

// SystemActor returns an actor with every right, named for the audit log.
func SystemActor(name string) *Actor {
	return &Actor{Username: name, FullName: name, System: true}
}

// Has reports whether the actor holds role r.
func (a *Actor) Has(r Role) bool {
	return a.System || slices.Contains(a.Roles, r)
}

// HasAny reports whether the actor holds any of rs.
func (a *Actor) HasAny(rs ...Role) bool {
	return slices.ContainsFunc(rs, a.Has)
}

// within reports whether the agency at path is the actor's own or below it.
func (a *Actor) within(path string) bool {
	return a.AgencyPath != "" && strings.HasPrefix(path, a.AgencyPath)
}

// CanSeeAgency reports whether the actor may read the data of the agency at
// path: their own agency always, its subtree with a subtree role.
func (a *Actor) CanSeeAgency(path string) bool {
	if a.System || path == a.AgencyPath {
		return true
	}
	return a.within(path) && a.HasAny(subtreeRoles...)
}

// CanAdminister reports whether the actor may change the agency at path, its
// departments and its users.
func (a *Actor) CanAdminister(path string) bool {
	return a.System || (a.Has(RoleAdmin) && a.within(path))
}

// Event starts an audit event attributed to the actor.
func (a *Actor) Event(action, objectType, objectID string) *audit.Event {
	name := a.FullName
	if name == "" {
		name = a.Username
	}
	return &audit.Event{
		ActorID: a.UserID, ActorName: name, AgencyID: a.AgencyID, AgencyPath: a.AgencyPath,
		Action: action, ObjectType: objectType, ObjectID: objectID, IP: a.IP,
	}
}

// AuditScope returns the agency subtree whose audit events the actor may
// read ("" for all), and false when they may read none. Administrators and
// inspectors read their subtree; everyone else reads none.
func (a *Actor) AuditScope() (string, bool) {
	switch {
	case a.System:
		return "", true
	case a.HasAny(RoleAdmin, RoleInspector):
		return a.AgencyPath, true
	}
	return "", false
}
