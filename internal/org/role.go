package org

import (
	"slices"
	"strings"
)

// Role is what a user does in an agency.
type Role string

// The roles. Their Vietnamese names are in package i18n under "role.<name>".
const (
	RoleAdmin        Role = "admin"         // quản trị hệ thống: agencies, users
	RoleLeader       Role = "leader"        // lãnh đạo: reviews, assigns, signs
	RoleClerk        Role = "clerk"         // văn thư: numbers, seals, issues, receives
	RoleSpecialist   Role = "specialist"    // chuyên viên: drafts and processes
	RoleCertManager  Role = "cert_manager"  // quản lý chứng thư số of an agency: files requests
	RoleCertApprover Role = "cert_approver" // phê duyệt chứng thư số (province IT): approves requests
	RoleCAOperator   Role = "ca_operator"   // vận hành CA, OCSP, TSA
	RoleInspector    Role = "inspector"     // thanh tra, kiểm tra: reads reports and the audit log
)

// AllRoles lists every role in display order.
var AllRoles = []Role{RoleAdmin, RoleLeader, RoleClerk, RoleSpecialist, RoleCertManager, RoleCertApprover, RoleCAOperator, RoleInspector}

// subtreeRoles reach the agencies below the user's own.
var subtreeRoles = []Role{RoleAdmin, RoleInspector, RoleCertApprover}

// ParseRole returns the role named s and whether it exists.
func ParseRole(s string) (Role, bool) {
	r := Role(strings.TrimSpace(s))
	return r, slices.Contains(AllRoles, r)
}

// I18nKey is the message key of the role's display name.
func (r Role) I18nKey() string { return "role." + string(r) }

// normalizeRoles removes duplicates and puts roles in display order.
func normalizeRoles(in []Role) []Role {
	out := make([]Role, 0, len(in))
	for _, r := range AllRoles {
		if slices.Contains(in, r) {
			out = append(out, r)
		}
	}
	return out
}
