package web

import (
	"net/http"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/auth"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/org"
)

// formError is shown above a form re-rendered after invalid input.
type formError struct {
	Message string
	Field   string
}

// formErr turns a user error into a message for the form, or returns the
// error itself when it is not the user's (it then renders as an error page).
func formErr(r *http.Request, err error) (*formError, error) {
	e, ok := apperr.As(err)
	if !ok || (e.Kind != apperr.Invalid && e.Kind != apperr.Conflict && e.Kind != apperr.TooMany && e.Kind != apperr.Unauthenticated) {
		return nil, err
	}
	return &formError{Message: e.Message(i18n.FromRequest(r)), Field: e.Field}, nil
}

func seeOther(w http.ResponseWriter, r *http.Request, path, flash string) error {
	if flash != "" {
		path += "?ok=" + flash
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

type homeData struct {
	Agency   *org.Agency
	Agencies int
	Users    int
}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	ag, err := s.app.Org.GetAgency(r.Context(), a, a.AgencyID)
	if err != nil {
		return err
	}
	d := homeData{Agency: ag}
	if a.HasAny(org.RoleAdmin, org.RoleInspector) {
		ags, err := s.app.Org.ListAgencies(r.Context(), a)
		if err != nil {
			return err
		}
		users, err := s.app.Org.ListUsers(r.Context(), a, org.UserFilter{})
		if err != nil {
			return err
		}
		d.Agencies, d.Users = len(ags), len(users)
	}
	s.render(w, r, "home", "page.home", d)
	return nil
}

type loginData struct {
	Next     string
	Username string
	Error    *formError
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if actorOf(r) != nil {
		return seeOther(w, r, safeNext(r.URL.Query().Get("next")), "")
	}
	s.render(w, r, "login", "page.login", loginData{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	username := r.PostFormValue("username")
	next := safeNext(r.PostFormValue("next"))
	token, sess, _, err := s.app.Auth.Login(r.Context(), username, r.PostFormValue("password"), clientIP(r), r.UserAgent())
	if err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		status := http.StatusUnauthorized
		if apperr.Is(err, apperr.TooMany) {
			status = http.StatusTooManyRequests
		}
		s.renderStatus(w, r, status, "login", loginData{Next: next, Username: username, Error: fe}, "page.login")
		return nil
	}
	s.setSessionCookie(w, token, sess.ExpiresAt)
	return seeOther(w, r, next, "")
}

func (s *Server) logoutSubmit(w http.ResponseWriter, r *http.Request) error {
	id := identityOf(r)
	if id.session != nil {
		if err := s.app.Auth.Logout(r.Context(), id.token, id.actor); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	return seeOther(w, r, "/login", "logged_out")
}

func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) error {
	l := i18n.Parse(r.PathValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: i18n.CookieName, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.secure})
	return seeOther(w, r, safeNext(r.URL.Query().Get("next")), "")
}

type accountData struct {
	Tokens   []*auth.APIToken
	NewToken string
	Error    *formError
}

func (s *Server) accountData(r *http.Request) (*accountData, error) {
	toks, err := s.app.Auth.ListAPITokens(r.Context(), actorOf(r))
	return &accountData{Tokens: toks}, err
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.accountData(r)
	if err != nil {
		return err
	}
	s.render(w, r, "account", "page.account", d)
	return nil
}

func (s *Server) accountPasswordSubmit(w http.ResponseWriter, r *http.Request) error {
	id := identityOf(r)
	err := s.app.Org.ChangeOwnPassword(r.Context(), id.actor, r.PostFormValue("current_password"), r.PostFormValue("new_password"), id.session.TokenHash)
	if err == nil && r.PostFormValue("new_password") != r.PostFormValue("confirm_password") {
		err = apperr.InvalidField("confirm_password", "password.confirm_mismatch")
	}
	if err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		d, err := s.accountData(r)
		if err != nil {
			return err
		}
		d.Error = fe
		s.renderStatus(w, r, http.StatusBadRequest, "account", d, "page.account")
		return nil
	}
	return seeOther(w, r, "/account", "password_changed")
}

func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) error {
	secret, _, err := s.app.Auth.CreateAPIToken(r.Context(), actorOf(r), r.PostFormValue("name"), 90*24*time.Hour)
	d, lerr := s.accountData(r)
	if lerr != nil {
		return lerr
	}
	if err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		d.Error = fe
		s.renderStatus(w, r, http.StatusBadRequest, "account", d, "page.account")
		return nil
	}
	// The secret is shown on this one response and never again.
	d.NewToken = secret
	s.render(w, r, "account", "page.account", d)
	return nil
}

func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.Auth.RevokeAPIToken(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
		return err
	}
	return seeOther(w, r, "/account", "token_revoked")
}

func (s *Server) directoryPage(w http.ResponseWriter, r *http.Request) error {
	dir, err := s.app.Org.Directory(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, "directory", "page.directory", dir)
	return nil
}

func (s *Server) agenciesPage(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.Org.ListAgencies(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	s.render(w, r, "agencies", "page.agencies", list)
	return nil
}

type agencyFormData struct {
	Agency  *org.Agency
	Input   org.AgencyInput
	Parents []*org.Agency
	Error   *formError
}

func (s *Server) agencyNewPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAgencyForm(w, r, http.StatusOK, org.AgencyInput{ParentID: r.URL.Query().Get("parent"), Kind: org.KindDepartment}, nil)
}

func (s *Server) renderAgencyForm(w http.ResponseWriter, r *http.Request, status int, in org.AgencyInput, fe *formError) error {
	a := actorOf(r)
	all, err := s.app.Org.ListAgencies(r.Context(), a)
	if err != nil {
		return err
	}
	var parents []*org.Agency
	for _, ag := range all {
		if a.CanAdminister(ag.Path) {
			parents = append(parents, ag)
		}
	}
	if len(parents) == 0 {
		return apperr.New(apperr.Forbidden, "org.forbidden")
	}
	s.renderStatus(w, r, status, "agency_new", agencyFormData{Input: in, Parents: parents, Error: fe}, "page.agency_new")
	return nil
}

func agencyInput(r *http.Request) org.AgencyInput {
	in := org.AgencyInput{
		ParentID: r.PostFormValue("parent_id"), Code: r.PostFormValue("code"), Name: r.PostFormValue("name"),
		ShortName: r.PostFormValue("short_name"), Kind: org.Kind(r.PostFormValue("kind")),
		Address: r.PostFormValue("address"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"),
	}
	if _, ok := r.PostForm["active_present"]; ok {
		active := r.PostFormValue("active") == "on"
		in.Active = &active
	}
	return in
}

func (s *Server) agencyCreateSubmit(w http.ResponseWriter, r *http.Request) error {
	in := agencyInput(r)
	ag, err := s.app.Org.CreateAgency(r.Context(), actorOf(r), in)
	if err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		return s.renderAgencyForm(w, r, http.StatusBadRequest, in, fe)
	}
	return seeOther(w, r, "/agencies/"+ag.ID, "created")
}

type agencyData struct {
	Agency      *org.Agency
	Departments []*org.Department
	Users       []*org.User
	CanAdmin    bool
	Input       org.AgencyInput
	Error       *formError // of the agency form
	DeptInput   org.DepartmentInput
	DeptError   *formError // of the new-department form, kept apart so its fields are not confused
}

func (s *Server) renderAgency(w http.ResponseWriter, r *http.Request, status int, id string, in *org.AgencyInput, fe *formError) error {
	return s.renderAgencyWith(w, r, status, id, in, fe, nil)
}

func (s *Server) renderAgencyWith(w http.ResponseWriter, r *http.Request, status int, id string, in *org.AgencyInput, fe *formError, edit func(*agencyData)) error {
	a := actorOf(r)
	ag, err := s.app.Org.GetAgency(r.Context(), a, id)
	if err != nil {
		return err
	}
	depts, err := s.app.Org.ListDepartments(r.Context(), a, id)
	if err != nil {
		return err
	}
	users, err := s.app.Org.ListUsers(r.Context(), a, org.UserFilter{AgencyID: id})
	if err != nil {
		return err
	}
	d := agencyData{Agency: ag, Departments: depts, Users: users, CanAdmin: a.CanAdminister(ag.Path), Error: fe}
	if in != nil {
		d.Input = *in
	} else {
		d.Input = org.AgencyInput{Code: ag.Code, Name: ag.Name, ShortName: ag.ShortName, Kind: ag.Kind, Address: ag.Address, Email: ag.Email, Phone: ag.Phone, Active: &ag.Active}
	}
	if edit != nil {
		edit(&d)
	}
	s.renderStatus(w, r, status, "agency", d, "page.agency")
	return nil
}

func (s *Server) agencyPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAgency(w, r, http.StatusOK, r.PathValue("id"), nil, nil)
}

func (s *Server) agencyUpdateSubmit(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := agencyInput(r)
	if _, err := s.app.Org.UpdateAgency(r.Context(), actorOf(r), id, in); err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		return s.renderAgency(w, r, http.StatusBadRequest, id, &in, fe)
	}
	return seeOther(w, r, "/agencies/"+id, "saved")
}

func (s *Server) departmentCreateSubmit(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := org.DepartmentInput{Name: r.PostFormValue("name"), ShortName: r.PostFormValue("short_name")}
	if _, err := s.app.Org.CreateDepartment(r.Context(), actorOf(r), id, in); err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		return s.renderAgencyWith(w, r, http.StatusBadRequest, id, nil, nil, func(d *agencyData) { d.DeptInput, d.DeptError = in, fe })
	}
	return seeOther(w, r, "/agencies/"+id, "created")
}

func (s *Server) departmentUpdateSubmit(w http.ResponseWriter, r *http.Request) error {
	in := org.DepartmentInput{Name: r.PostFormValue("name"), ShortName: r.PostFormValue("short_name")}
	d, err := s.app.Org.UpdateDepartment(r.Context(), actorOf(r), r.PathValue("id"), in)
	if err != nil {
		agencyID := r.PostFormValue("agency_id")
		fe, ferr := formErr(r, err)
		if ferr != nil || agencyID == "" {
			return err
		}
		return s.renderAgencyWith(w, r, http.StatusBadRequest, agencyID, nil, nil, func(d *agencyData) { d.DeptInput, d.DeptError = in, fe })
	}
	return seeOther(w, r, "/agencies/"+d.AgencyID, "saved")
}

type usersData struct {
	Users    []*org.User
	Agencies []*org.Agency
	Filter   org.UserFilter
	CanAdmin bool
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	f, err := userFilter(r)
	if err != nil {
		return err
	}
	users, err := s.app.Org.ListUsers(r.Context(), a, f)
	if err != nil {
		return err
	}
	ags, err := s.app.Org.ListAgencies(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, "users", "page.users", usersData{Users: users, Agencies: ags, Filter: f, CanAdmin: a.Has(org.RoleAdmin)})
	return nil
}

type userFormData struct {
	User        *org.User
	Agency      *org.Agency
	Input       org.UserInput
	Agencies    []*org.Agency
	Departments []*org.Department // the user's agency's, when editing
	Groups      []departmentGroup // every agency's, when creating
	CanAdmin    bool
	Error       *formError
}

// departmentGroup is one agency's departments in a grouped select.
type departmentGroup struct {
	Agency      *org.Agency
	Departments []*org.Department
}

func userInput(r *http.Request) org.UserInput {
	in := org.UserInput{
		AgencyID: r.PostFormValue("agency_id"), DepartmentID: r.PostFormValue("department_id"), Username: r.PostFormValue("username"),
		FullName: r.PostFormValue("full_name"), Title: r.PostFormValue("title"), Email: r.PostFormValue("email"),
		Phone: r.PostFormValue("phone"), Password: r.PostFormValue("password"),
	}
	for _, v := range r.PostForm["roles"] {
		in.Roles = append(in.Roles, org.Role(v))
	}
	if _, ok := r.PostForm["active_present"]; ok {
		active := r.PostFormValue("active") == "on"
		in.Active = &active
	}
	return in
}

func (s *Server) userNewPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUserNew(w, r, http.StatusOK, org.UserInput{AgencyID: r.URL.Query().Get("agency")}, nil)
}

func (s *Server) renderUserNew(w http.ResponseWriter, r *http.Request, status int, in org.UserInput, fe *formError) error {
	a := actorOf(r)
	all, err := s.app.Org.ListAgencies(r.Context(), a)
	if err != nil {
		return err
	}
	var ags []*org.Agency
	for _, ag := range all {
		if a.CanAdminister(ag.Path) {
			ags = append(ags, ag)
		}
	}
	if len(ags) == 0 {
		return apperr.New(apperr.Forbidden, "org.forbidden")
	}
	if in.AgencyID == "" {
		in.AgencyID = ags[0].ID
	}
	d := userFormData{Input: in, Agencies: ags, CanAdmin: true, Error: fe}
	// Without scripts the department list cannot follow the agency chosen,
	// so it offers every agency's departments, grouped by agency; the
	// service checks that the two match.
	for _, ag := range ags {
		depts, err := s.app.Org.ListDepartments(r.Context(), a, ag.ID)
		if err != nil {
			return err
		}
		if len(depts) > 0 {
			d.Groups = append(d.Groups, departmentGroup{Agency: ag, Departments: depts})
		}
	}
	s.renderStatus(w, r, status, "user_new", d, "page.user_new")
	return nil
}

func (s *Server) userCreateSubmit(w http.ResponseWriter, r *http.Request) error {
	in := userInput(r)
	u, err := s.app.Org.CreateUser(r.Context(), actorOf(r), in)
	if err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		in.Password = ""
		return s.renderUserNew(w, r, http.StatusBadRequest, in, fe)
	}
	return seeOther(w, r, "/users/"+u.ID, "created")
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, id string, in *org.UserInput, fe *formError) error {
	a := actorOf(r)
	u, err := s.app.Org.GetUser(r.Context(), a, id)
	if err != nil {
		return err
	}
	ag, err := s.app.Org.GetAgency(r.Context(), a, u.AgencyID)
	if err != nil {
		return err
	}
	depts, err := s.app.Org.ListDepartments(r.Context(), a, u.AgencyID)
	if err != nil {
		return err
	}
	d := userFormData{User: u, Agency: ag, Departments: depts, CanAdmin: a.CanAdminister(u.AgencyPath), Error: fe}
	if in != nil {
		d.Input = *in
	} else {
		d.Input = org.UserInput{DepartmentID: u.DepartmentID, FullName: u.FullName, Title: u.Title, Email: u.Email, Phone: u.Phone, Roles: u.Roles, Active: &u.Active}
	}
	s.renderStatus(w, r, status, "user", d, "page.user")
	return nil
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUser(w, r, http.StatusOK, r.PathValue("id"), nil, nil)
}

func (s *Server) userUpdateSubmit(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := userInput(r)
	if _, err := s.app.Org.UpdateUser(r.Context(), actorOf(r), id, in); err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		return s.renderUser(w, r, http.StatusBadRequest, id, &in, fe)
	}
	return seeOther(w, r, "/users/"+id, "saved")
}

func (s *Server) userPasswordSubmit(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.app.Org.ResetPassword(r.Context(), actorOf(r), id, r.PostFormValue("password")); err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		return s.renderUser(w, r, http.StatusBadRequest, id, nil, fe)
	}
	return seeOther(w, r, "/users/"+id, "password_reset")
}

type auditData struct {
	Events []audit.Event
	Filter audit.Filter
	Older  string // link to the next page
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	f.Limit = 50
	evs, err := audit.List(r.Context(), s.app.DB, f)
	if err != nil {
		return err
	}
	d := auditData{Events: evs, Filter: f}
	if len(evs) == f.Limit {
		q := r.URL.Query()
		q.Set("before", formatInt(evs[len(evs)-1].Seq))
		d.Older = "/audit?" + q.Encode()
	}
	s.render(w, r, "audit", "page.audit", d)
	return nil
}
