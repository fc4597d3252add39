package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/org"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	User      *org.User `json:"user"`
	CSRFToken string    `json:"csrf_token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) error {
	var in loginRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	token, sess, u, err := s.app.Auth.Login(r.Context(), in.Username, in.Password, clientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, sess.ExpiresAt)
	writeJSON(w, http.StatusOK, loginResponse{User: u, CSRFToken: sess.CSRFToken, ExpiresAt: sess.ExpiresAt})
	return nil
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) error {
	id := identityOf(r)
	if id.session == nil {
		return apperr.New(apperr.Invalid, "error.not_found")
	}
	if err := s.app.Auth.Logout(r.Context(), id.token, id.actor); err != nil {
		return err
	}
	s.clearSessionCookie(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, identityOf(r).user)
	return nil
}

type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request) error {
	var in passwordChange
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id := identityOf(r)
	keep := ""
	if id.session != nil {
		keep = id.session.TokenHash
	}
	if err := s.app.Org.ChangeOwnPassword(r.Context(), id.actor, in.CurrentPassword, in.NewPassword, keep); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type tokenRequest struct {
	Name      string `json:"name"`
	ExpiresIn int    `json:"expires_in_days"`
}

func (s *Server) apiListTokens(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.Auth.ListAPITokens(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": nonNil(list)})
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in tokenRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	secret, t, err := s.app.Auth.CreateAPIToken(r.Context(), actorOf(r), in.Name, time.Duration(in.ExpiresIn)*24*time.Hour)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "id": t.ID, "name": t.Name, "created_at": t.CreatedAt, "expires_at": t.ExpiresAt})
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.Auth.RevokeAPIToken(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiDirectory(w http.ResponseWriter, r *http.Request) error {
	dir, err := s.app.Org.Directory(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"agencies": nonNil(dir)})
	return nil
}

func (s *Server) apiListAgencies(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.Org.ListAgencies(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"agencies": nonNil(list)})
	return nil
}

func (s *Server) apiCreateAgency(w http.ResponseWriter, r *http.Request) error {
	var in org.AgencyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ag, err := s.app.Org.CreateAgency(r.Context(), actorOf(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ag)
	return nil
}

func (s *Server) apiGetAgency(w http.ResponseWriter, r *http.Request) error {
	ag, err := s.app.Org.GetAgency(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ag)
	return nil
}

func (s *Server) apiUpdateAgency(w http.ResponseWriter, r *http.Request) error {
	var in org.AgencyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ag, err := s.app.Org.UpdateAgency(r.Context(), actorOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ag)
	return nil
}

func (s *Server) apiListDepartments(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.Org.ListDepartments(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"departments": nonNil(list)})
	return nil
}

func (s *Server) apiCreateDepartment(w http.ResponseWriter, r *http.Request) error {
	var in org.DepartmentInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.app.Org.CreateDepartment(r.Context(), actorOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) apiUpdateDepartment(w http.ResponseWriter, r *http.Request) error {
	var in org.DepartmentInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.app.Org.UpdateDepartment(r.Context(), actorOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func userFilter(r *http.Request) (org.UserFilter, error) {
	q := r.URL.Query()
	f := org.UserFilter{AgencyID: q.Get("agency_id"), Query: q.Get("q")}
	if v := q.Get("role"); v != "" {
		role, ok := org.ParseRole(v)
		if !ok {
			return f, apperr.InvalidField("role", "org.user.role_invalid", v)
		}
		f.Role = role
	}
	if v := q.Get("active"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, apperr.InvalidField("active", "error.query_invalid", "active")
		}
		f.Active = &b
	}
	return f, nil
}

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) error {
	f, err := userFilter(r)
	if err != nil {
		return err
	}
	list, err := s.app.Org.ListUsers(r.Context(), actorOf(r), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": nonNil(list)})
	return nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in org.UserInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.app.Org.CreateUser(r.Context(), actorOf(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) apiGetUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.app.Org.GetUser(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request) error {
	var in org.UserInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.app.Org.UpdateUser(r.Context(), actorOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

type passwordReset struct {
	Password string `json:"password"`
}

func (s *Server) apiResetPassword(w http.ResponseWriter, r *http.Request) error {
	var in passwordReset
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.app.Org.ResetPassword(r.Context(), actorOf(r), r.PathValue("id"), in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// auditFilter reads the query and limits it to the actor's scope.
func auditFilter(r *http.Request) (audit.Filter, error) {
	scope, ok := actorOf(r).AuditScope()
	if !ok {
		return audit.Filter{}, apperr.New(apperr.Forbidden, "org.forbidden")
	}
	q := r.URL.Query()
	f := audit.Filter{AgencyPath: scope, Action: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), ActorID: q.Get("actor_id")}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return f, apperr.InvalidField("before", "error.query_invalid", "before")
		}
		f.Before = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return f, apperr.InvalidField("limit", "error.query_invalid", "limit")
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	evs, err := audit.List(r.Context(), s.app.DB, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": nonNil(evs)})
	return nil
}

func (s *Server) apiAuditVerify(w http.ResponseWriter, r *http.Request) error {
	if _, ok := actorOf(r).AuditScope(); !ok {
		return apperr.New(apperr.Forbidden, "org.forbidden")
	}
	rep, err := audit.Verify(r.Context(), s.app.DB)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
