package web

import (
	"net/http"
	"strings"

	"github.com/kyso-vn/kyso/internal/apperr"
)

// handlerFunc is a handler that returns its error for s.fail to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// access says who may reach a route before the domain checks anything.
type access int

const (
	public access = iota
	loggedIn
)

func (s *Server) handle(pattern string, acc access, h handlerFunc) {
	if _, path, ok := strings.Cut(pattern, " "); ok && strings.HasPrefix(path, "/api/v1/") {
		s.apiRoutes = append(s.apiRoutes, pattern)
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		setRoute(r, pattern)
		if acc == loggedIn {
			id := identityOf(r)
			if id == nil {
				s.fail(w, r, apperr.New(apperr.Unauthenticated, "auth.required"))
				return
			}
			// A user with a temporary password sees only the page to change it.
			if id.user.MustChangePassword && id.session != nil && !isAPI(r) &&
				r.URL.Path != "/account" && r.URL.Path != "/account/password" && r.URL.Path != "/logout" {
				http.Redirect(w, r, "/account?ok=must_change", http.StatusSeeOther)
				return
			}
		}
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) routes() {
	// Infrastructure.
	s.handle("GET /healthz", public, s.healthz)
	s.mux.Handle("GET /metrics", s.metrics.handler)
	s.mux.Handle("GET /static/", s.static())
	s.handle("GET /api/v1/openapi.json", public, s.openapi)

	// Certificate authority: the URLs written into certificates.
	s.handle("GET /ca/{file}", public, s.caCert)
	s.handle("GET /crl/{file}", public, s.crl)
	if s.app.TSA != nil {
		// Every method reaches the TSA, which answers anything but a POST
		// of application/timestamp-query with an RFC 3161 rejection.
		s.mux.Handle("/tsa", s.app.TSA)
	}

	// Pages.
	s.handle("GET /{$}", loggedIn, s.homePage)
	s.handle("GET /login", public, s.loginPage)
	s.handle("POST /login", public, s.loginSubmit)
	s.handle("POST /logout", loggedIn, s.logoutSubmit)
	s.handle("GET /lang/{lang}", public, s.switchLang)
	s.handle("GET /verify", public, s.verifyPage)
	s.handle("POST /verify", public, s.verifySubmit)
	s.handle("GET /account", loggedIn, s.accountPage)
	s.handle("POST /account/password", loggedIn, s.accountPasswordSubmit)
	s.handle("POST /account/tokens", loggedIn, s.accountTokenCreate)
	s.handle("POST /account/tokens/{id}/revoke", loggedIn, s.accountTokenRevoke)
	s.handle("GET /directory", loggedIn, s.directoryPage)
	s.handle("GET /agencies", loggedIn, s.agenciesPage)
	s.handle("GET /agencies/new", loggedIn, s.agencyNewPage)
	s.handle("POST /agencies", loggedIn, s.agencyCreateSubmit)
	s.handle("GET /agencies/{id}", loggedIn, s.agencyPage)
	s.handle("POST /agencies/{id}", loggedIn, s.agencyUpdateSubmit)
	s.handle("POST /agencies/{id}/departments", loggedIn, s.departmentCreateSubmit)
	s.handle("POST /departments/{id}", loggedIn, s.departmentUpdateSubmit)
	s.handle("GET /users", loggedIn, s.usersPage)
	s.handle("GET /users/new", loggedIn, s.userNewPage)
	s.handle("POST /users", loggedIn, s.userCreateSubmit)
	s.handle("GET /users/{id}", loggedIn, s.userPage)
	s.handle("POST /users/{id}", loggedIn, s.userUpdateSubmit)
	s.handle("POST /users/{id}/password", loggedIn, s.userPasswordSubmit)
	s.handle("GET /audit", loggedIn, s.auditPage)
	s.handle("GET /ca", loggedIn, s.caPage)
	s.handle("GET /certificates", loggedIn, s.certificatesPage)
	s.handle("GET /certificates.csv", loggedIn, s.certificatesCSV)
	s.handle("GET /certificates/{serial}", loggedIn, s.certificatePage)
	s.handle("GET /certificates/{serial}/pem", loggedIn, s.certificateDownload)
	s.handle("GET /cert-requests", loggedIn, s.certRequestsPage)
	s.handle("GET /cert-requests/new", loggedIn, s.certRequestNewPage)
	s.handle("POST /cert-requests", loggedIn, s.certRequestSubmit)
	s.handle("GET /cert-requests/{id}", loggedIn, s.certRequestPage)
	s.handle("POST /cert-requests/{id}/approve", loggedIn, s.certRequestDecide(true))
	s.handle("POST /cert-requests/{id}/reject", loggedIn, s.certRequestDecide(false))
	s.handle("GET /documents", loggedIn, s.documentsPage)
	s.handle("GET /documents/new", loggedIn, s.documentNewPage)
	s.handle("POST /documents", loggedIn, s.documentCreateSubmit)
	s.handle("GET /documents/{id}", loggedIn, s.documentPage)
	s.handle("GET /documents/{id}/file", loggedIn, s.documentFile)
	s.handle("POST /documents/{id}/{action}", loggedIn, s.documentStepSubmit)
	s.handle("GET /records", loggedIn, s.recordsPage)
	s.handle("POST /records", loggedIn, s.recordCreateSubmit)
	s.handle("GET /records/{id}", loggedIn, s.recordPage)
	s.handle("POST /records/{id}/documents", loggedIn, s.recordAddSubmit)
	s.handle("POST /records/{id}/close", loggedIn, s.recordCloseSubmit)
	s.handle("GET /records/{id}/export", loggedIn, s.recordExport)
	s.handle("GET /incoming/new", loggedIn, s.incomingNewPage)
	s.handle("POST /incoming", loggedIn, s.incomingCreateSubmit)
	s.handle("GET /notifications", loggedIn, s.notificationsPage)
	s.handle("POST /notifications/read", loggedIn, s.notificationsReadSubmit)
	s.bindDocsTemplates() // the header's unread count

	// JSON API; every route here is described in openapi.json.
	s.handle("POST /api/v1/auth/login", public, s.apiLogin)
	s.handle("POST /api/v1/auth/logout", loggedIn, s.apiLogout)
	s.handle("GET /api/v1/me", loggedIn, s.apiMe)
	s.handle("POST /api/v1/me/password", loggedIn, s.apiChangePassword)
	s.handle("GET /api/v1/tokens", loggedIn, s.apiListTokens)
	s.handle("POST /api/v1/tokens", loggedIn, s.apiCreateToken)
	s.handle("DELETE /api/v1/tokens/{id}", loggedIn, s.apiRevokeToken)
	s.handle("GET /api/v1/directory", loggedIn, s.apiDirectory)
	s.handle("GET /api/v1/agencies", loggedIn, s.apiListAgencies)
	s.handle("POST /api/v1/agencies", loggedIn, s.apiCreateAgency)
	s.handle("GET /api/v1/agencies/{id}", loggedIn, s.apiGetAgency)
	s.handle("PUT /api/v1/agencies/{id}", loggedIn, s.apiUpdateAgency)
	s.handle("GET /api/v1/agencies/{id}/departments", loggedIn, s.apiListDepartments)
	s.handle("POST /api/v1/agencies/{id}/departments", loggedIn, s.apiCreateDepartment)
	s.handle("PUT /api/v1/departments/{id}", loggedIn, s.apiUpdateDepartment)
	s.handle("GET /api/v1/users", loggedIn, s.apiListUsers)
	s.handle("POST /api/v1/users", loggedIn, s.apiCreateUser)
	s.handle("GET /api/v1/users/{id}", loggedIn, s.apiGetUser)
	s.handle("PUT /api/v1/users/{id}", loggedIn, s.apiUpdateUser)
	s.handle("POST /api/v1/users/{id}/password", loggedIn, s.apiResetPassword)
	s.handle("GET /api/v1/audit", loggedIn, s.apiAudit)
	s.handle("GET /api/v1/audit/verify", loggedIn, s.apiAuditVerify)
	s.handle("GET /api/v1/ca", public, s.apiCA)
	s.handle("POST /api/v1/sign", loggedIn, s.apiSign)
	s.handle("POST /api/v1/sign/prepare", loggedIn, s.apiSignPrepare)
	s.handle("POST /api/v1/sign/complete", loggedIn, s.apiSignComplete)
	s.handle("GET /api/v1/certificates", loggedIn, s.apiCertificates)
	s.handle("GET /api/v1/certificates/inventory", loggedIn, s.apiInventory)
	s.handle("POST /api/v1/certificates/validate", loggedIn, s.apiValidateCertificate)
	s.handle("POST /api/v1/validate", loggedIn, s.apiValidate)
	s.handle("GET /api/v1/certificates/{serial}", loggedIn, s.apiCertificate)
	s.handle("GET /api/v1/cert-requests", loggedIn, s.apiCertRequests)
	s.handle("POST /api/v1/cert-requests", loggedIn, s.apiFileCertRequest)
	s.handle("GET /api/v1/cert-requests/{id}", loggedIn, s.apiCertRequest)
	s.handle("POST /api/v1/cert-requests/{id}/approve", loggedIn, s.apiDecideCertRequest(true))
	s.handle("POST /api/v1/cert-requests/{id}/reject", loggedIn, s.apiDecideCertRequest(false))
	s.handle("GET /api/v1/documents", loggedIn, s.apiListDocuments)
	s.handle("POST /api/v1/documents", loggedIn, s.apiCreateDocument)
	s.handle("GET /api/v1/documents/{id}", loggedIn, s.apiGetDocument)
	s.handle("GET /api/v1/documents/{id}/file", loggedIn, s.documentFile)
	s.handle("POST /api/v1/documents/{id}/submit", loggedIn, s.apiDocumentStep("submit"))
	s.handle("POST /api/v1/documents/{id}/revise", loggedIn, s.apiDocumentStep("revise"))
	s.handle("POST /api/v1/documents/{id}/review", loggedIn, s.apiDocumentStep("review"))
	s.handle("POST /api/v1/documents/{id}/sign", loggedIn, s.apiDocumentStep("sign"))
	s.handle("POST /api/v1/documents/{id}/issue", loggedIn, s.apiDocumentStep("issue"))
	s.handle("POST /api/v1/documents/{id}/issue_paper", loggedIn, s.apiDocumentStep("issue_paper"))
	s.handle("GET /api/v1/records", loggedIn, s.apiRecords)
	s.handle("POST /api/v1/records", loggedIn, s.apiRecordCreate)
	s.handle("GET /api/v1/records/{id}", loggedIn, s.apiRecord)
	s.handle("POST /api/v1/records/{id}/documents", loggedIn, s.apiRecordAdd)
	s.handle("POST /api/v1/records/{id}/close", loggedIn, s.apiRecordClose)
	s.handle("GET /api/v1/records/{id}/export", loggedIn, s.recordExport)
	s.handle("POST /api/v1/documents/{id}/register", loggedIn, s.apiDocumentStep("register"))
	s.handle("POST /api/v1/documents/{id}/assign", loggedIn, s.apiDocumentStep("assign"))
	s.handle("POST /api/v1/documents/{id}/comment", loggedIn, s.apiDocumentStep("comment"))
	s.handle("POST /api/v1/documents/{id}/forward", loggedIn, s.apiDocumentStep("forward"))
	s.handle("POST /api/v1/documents/{id}/complete", loggedIn, s.apiDocumentStep("complete"))
	s.handle("POST /api/v1/documents/{id}/recall", loggedIn, s.apiDocumentStep("recall"))
	s.handle("POST /api/v1/incoming", loggedIn, s.apiReceiveDocument)
	s.handle("GET /api/v1/tasks", loggedIn, s.apiTasks)
	s.handle("GET /api/v1/notifications", loggedIn, s.apiNotifications)
	s.handle("POST /api/v1/notifications/read", loggedIn, s.apiMarkNotificationsRead)
	s.handle("GET /api/v1/doc-types", loggedIn, s.apiDocTypes)
	s.handle("POST /api/v1/doc-types", loggedIn, s.apiAddDocType)
	s.handle("GET /api/v1/stats", loggedIn, s.apiStats)

	// Anything else under /api/ is a JSON 404, not an HTML page.
	s.handle("/api/", public, func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, "error.not_found")
	})
	s.handle("/", public, func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, "error.not_found")
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := s.app.DB.SQL().PingContext(ctx); err != nil {
		s.app.Log.Error("healthz: database", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": s.app.DB.Dialect().String()})
	return nil
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openapiJSON)
	return err
}
