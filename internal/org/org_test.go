package org_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// world is a small province: a root with two departments, A and B.
type world struct {
	svc               *org.Service
	root, a, b        *org.Agency
	rootAdmin, adminA *org.User
	clerkA, clerkB    *org.User
	inspector         *org.User
	deptA             *org.Department
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{svc: org.New(db, org.WithPasswordParams(password.Fast))}
	sys := org.SystemActor("test")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	w.root, err = w.svc.CreateAgency(ctx, sys, org.AgencyInput{Code: "000.00.00.H56", Name: "Ủy ban nhân dân tỉnh Quảng Ngãi", ShortName: "UBND", Kind: org.KindProvince})
	must(err)
	w.a, err = w.svc.CreateAgency(ctx, sys, org.AgencyInput{ParentID: w.root.ID, Code: "000.00.31.H56", Name: "Sở Thông tin và Truyền thông", ShortName: "STTTT", Kind: org.KindDepartment})
	must(err)
	w.b, err = w.svc.CreateAgency(ctx, sys, org.AgencyInput{ParentID: w.root.ID, Code: "000.00.12.H56", Name: "Sở Tài chính", ShortName: "STC", Kind: org.KindDepartment})
	must(err)
	w.deptA, err = w.svc.CreateDepartment(ctx, sys, w.a.ID, org.DepartmentInput{Name: "Phòng Bưu chính, Viễn thông và CNTT", ShortName: "BCVT&CNTT"})
	must(err)
	mk := func(agencyID, username string, roles ...org.Role) *org.User {
		u, err := w.svc.CreateUser(ctx, sys, org.UserInput{AgencyID: agencyID, Username: username, FullName: "Người " + username, Password: "mật khẩu đủ dài", Roles: roles})
		must(err)
		return u
	}
	w.rootAdmin = mk(w.root.ID, "admin", org.RoleAdmin)
	w.adminA = mk(w.a.ID, "admin.a", org.RoleAdmin)
	w.clerkA = mk(w.a.ID, "clerk.a", org.RoleClerk)
	w.clerkB = mk(w.b.ID, "clerk.b", org.RoleClerk)
	w.inspector = mk(w.root.ID, "inspector", org.RoleInspector)
	return w
}

func TestAgencyVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		tests := []struct {
			name   string
			actor  *org.User
			agency *org.Agency
			see    bool
		}{
			{"a clerk sees their own agency", w.clerkA, w.a, true},
			{"a clerk of A does not see agency B", w.clerkA, w.b, false},
			{"a clerk of B does not see agency A", w.clerkB, w.a, false},
			{"a clerk does not see the parent agency", w.clerkA, w.root, false},
			{"an agency admin does not see a sibling agency", w.adminA, w.b, false},
			{"the province admin sees every agency below", w.rootAdmin, w.b, true},
			{"an inspector sees every agency below", w.inspector, w.a, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := w.svc.GetAgency(ctx, tt.actor.Actor(""), tt.agency.ID)
				if tt.see && err != nil {
					t.Fatalf("GetAgency: %v", err)
				}
				if !tt.see && !apperr.Is(err, apperr.NotFound) {
					t.Fatalf("GetAgency: %v, want not found", err)
				}
				_, err = w.svc.ListDepartments(ctx, tt.actor.Actor(""), tt.agency.ID)
				if tt.see != (err == nil) {
					t.Fatalf("ListDepartments: %v, want visible=%v", err, tt.see)
				}
			})
		}
		list, err := w.svc.ListAgencies(ctx, w.clerkA.Actor(""))
		if err != nil || len(list) != 1 || list[0].ID != w.a.ID {
			t.Fatalf("clerk A lists %v, %v; want only agency A", list, err)
		}
		list, _ = w.svc.ListAgencies(ctx, w.rootAdmin.Actor(""))
		if len(list) != 3 || list[0].ID != w.root.ID {
			t.Fatalf("province admin lists %d agencies, want 3 in tree order", len(list))
		}
		dir, err := w.svc.Directory(ctx)
		if err != nil || len(dir) != 3 || dir[1].Depth != 1 {
			t.Fatalf("directory %v, %v", dir, err)
		}
	})
}

func TestUserVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		if _, err := w.svc.GetUser(ctx, w.clerkA.Actor(""), w.clerkB.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("clerk A reads clerk B: %v, want not found", err)
		}
		if _, err := w.svc.GetUser(ctx, w.clerkA.Actor(""), w.clerkA.ID); err != nil {
			t.Errorf("clerk A reads themself: %v", err)
		}
		users, err := w.svc.ListUsers(ctx, w.clerkA.Actor(""), org.UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if u.AgencyID != w.a.ID {
				t.Errorf("clerk A's list includes %s of another agency", u.Username)
			}
		}
		if _, err := w.svc.ListUsers(ctx, w.clerkA.Actor(""), org.UserFilter{AgencyID: w.b.ID}); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("clerk A lists agency B's users: %v, want not found", err)
		}
		all, _ := w.svc.ListUsers(ctx, w.rootAdmin.Actor(""), org.UserFilter{})
		if len(all) != 5 {
			t.Errorf("province admin sees %d users, want 5", len(all))
		}
		found, _ := w.svc.ListUsers(ctx, w.rootAdmin.Actor(""), org.UserFilter{Query: "nguoi clerk"})
		if len(found) != 2 {
			t.Errorf("diacritic-insensitive search found %d users, want 2", len(found))
		}
	})
}

func TestAdministration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		in := func(agencyID, username string) org.UserInput {
			return org.UserInput{AgencyID: agencyID, Username: username, FullName: "Trần Thị Bích", Password: "một mật khẩu dài", Roles: []org.Role{org.RoleSpecialist}}
		}
		tests := []struct {
			name  string
			actor *org.User
			input org.UserInput
			kind  apperr.Kind // -1: success
		}{
			{"an agency admin adds a user to their agency", w.adminA, in(w.a.ID, "bich.a"), -1},
			{"an agency admin cannot add to a sibling", w.adminA, in(w.b.ID, "bich.b"), apperr.Invalid},
			{"a clerk cannot add users", w.clerkA, in(w.a.ID, "bich.c"), apperr.Forbidden},
			{"an inspector sees but cannot add", w.inspector, in(w.a.ID, "bich.d"), apperr.Forbidden},
			{"the province admin adds anywhere below", w.rootAdmin, in(w.b.ID, "bich.e"), -1},
			{"a duplicate username is refused", w.rootAdmin, in(w.b.ID, "clerk.a"), apperr.Invalid},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, err := w.svc.CreateUser(ctx, tt.actor.Actor(""), tt.input)
				if tt.kind == -1 {
					if err != nil {
						t.Fatal(err)
					}
					if !u.MustChangePassword || u.Roles[0] != org.RoleSpecialist {
						t.Fatalf("created %+v", u)
					}
					return
				}
				if apperr.KindOf(err) != tt.kind {
					t.Fatalf("err = %v (kind %v), want kind %v", err, apperr.KindOf(err), tt.kind)
				}
			})
		}
		// Admins cannot lock themselves out.
		self := org.UserInput{FullName: w.adminA.FullName, Roles: []org.Role{org.RoleClerk}}
		if _, err := w.svc.UpdateUser(ctx, w.adminA.Actor(""), w.adminA.ID, self); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("admin drops own admin role: %v, want conflict", err)
		}
		// Deactivating records when the user left.
		inactive := false
		u, err := w.svc.UpdateUser(ctx, w.adminA.Actor(""), w.clerkA.ID, org.UserInput{FullName: w.clerkA.FullName, Roles: w.clerkA.Roles, Active: &inactive})
		if err != nil || u.Active || u.LeftAt.IsZero() {
			t.Fatalf("deactivate: %+v, %v", u, err)
		}
	})
}

func TestValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		sys := org.SystemActor("test")
		agency := func(mod func(*org.AgencyInput)) org.AgencyInput {
			in := org.AgencyInput{ParentID: w.root.ID, Code: "000.00.20.H56", Name: "UBND huyện Sơn Tịnh", ShortName: "UBND", Kind: org.KindDistrict}
			mod(&in)
			return in
		}
		tests := []struct {
			name  string
			in    org.AgencyInput
			field string
		}{
			{"code must have the 13-character form", agency(func(i *org.AgencyInput) { i.Code = "H56" }), "code"},
			{"code must be unique", agency(func(i *org.AgencyInput) { i.Code = "000.00.31.H56" }), "code"},
			{"name is required", agency(func(i *org.AgencyInput) { i.Name = "   " }), "name"},
			{"short name has no dash", agency(func(i *org.AgencyInput) { i.ShortName = "UB-ND" }), "short_name"},
			{"kind must be known", agency(func(i *org.AgencyInput) { i.Kind = "planet" }), "kind"},
			{"e-mail must parse", agency(func(i *org.AgencyInput) { i.Email = "not an address" }), "email"},
			{"parent must exist", agency(func(i *org.AgencyInput) { i.ParentID = "nope" }), "parent_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := w.svc.CreateAgency(ctx, sys, tt.in)
				e, ok := apperr.As(err)
				if !ok || e.Kind != apperr.Invalid || e.Field != tt.field {
					t.Fatalf("err = %v, want invalid %s", err, tt.field)
				}
			})
		}
		// Nothing half-written: the failures above added no agency and no audit event.
		list, _ := w.svc.ListAgencies(ctx, sys)
		if len(list) != 3 {
			t.Errorf("%d agencies after failed creates, want 3", len(list))
		}
		evs, _ := audit.List(ctx, db, audit.Filter{Action: "agency.create"})
		if len(evs) != 3 {
			t.Errorf("%d agency.create events, want 3", len(evs))
		}
		// Text is stored in NFC with tidy spaces, whatever the input form.
		ag, err := w.svc.CreateAgency(ctx, sys, agency(func(i *org.AgencyInput) { i.Name = "  UBND  huyện\u0020Sơn Tịnh " }))
		if err != nil || ag.Name != "UBND huyện Sơn Tịnh" {
			t.Fatalf("name stored as %q, %v", ag.Name, err)
		}
		_, err = w.svc.CreateUser(ctx, sys, org.UserInput{AgencyID: w.a.ID, Username: "x", FullName: "X", Password: "đủ dài rồi nhé"})
		if e, _ := apperr.As(err); e == nil || e.Field != "username" {
			t.Errorf("short username: %v", err)
		}
		_, err = w.svc.CreateUser(ctx, sys, org.UserInput{AgencyID: w.a.ID, Username: "short.pw", FullName: "X", Password: "ngắn"})
		if e, _ := apperr.As(err); e == nil || e.Field != "password" || !strings.Contains(e.Error(), "10") {
			t.Errorf("short password: %v", err)
		}
		_, err = w.svc.CreateUser(ctx, sys, org.UserInput{AgencyID: w.a.ID, DepartmentID: "nope", Username: "bad.dept", FullName: "X", Password: "đủ dài rồi nhé"})
		if e, _ := apperr.As(err); e == nil || e.Field != "department_id" {
			t.Errorf("unknown department: %v", err)
		}
	})
}

func TestChangesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		a := w.adminA.Actor("192.0.2.7")
		_, err := w.svc.UpdateAgency(ctx, a, w.a.ID, org.AgencyInput{Code: w.a.Code, Name: w.a.Name, ShortName: "STTTT", Kind: w.a.Kind, Phone: "0255 3822 000"})
		if err != nil {
			t.Fatal(err)
		}
		evs, err := audit.List(ctx, db, audit.Filter{Action: "agency.update"})
		if err != nil || len(evs) != 1 {
			t.Fatalf("events %v, %v", evs, err)
		}
		ev := evs[0]
		if ev.ActorID != w.adminA.ID || ev.IP != "192.0.2.7" || ev.AgencyID != w.a.ID {
			t.Errorf("event %+v", ev)
		}
		if ch, ok := ev.Details["phone"].([]any); !ok || ch[1] != "0255 3822 000" {
			t.Errorf("details %v, want the phone change", ev.Details)
		}
		if _, ok := ev.Details["name"]; ok {
			t.Errorf("unchanged field recorded: %v", ev.Details)
		}
	})
}
