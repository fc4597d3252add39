package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/docs/register"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/validate"
)

// The pages of the documents domain (văn bản đi, văn bản đến): each role's
// inbox, the document page with the steps its reader may take, the forms
// for a new draft and for a document received outside kyso, and the
// notifications. The domain decides who may do what; the pages only leave
// out the forms that cannot apply, and show the domain's refusals.

func init() {
	// Documents are uploaded to these paths (64 MiB, as the domain takes);
	// revisions (POST …/{id}/revise) are matched by limitBody's suffix rule.
	for _, p := range []string{"/documents", "/incoming", "/api/v1/documents", "/api/v1/incoming"} {
		uploadLimits[p] = docs.MaxFileSize
	}
	funcs["docStatus"] = func(l i18n.Lang, s docs.Status) string { return i18n.T(l, "docs.status."+string(s)) }
	funcs["docAction"] = func(l i18n.Lang, action string) string { return docLabel(l, "docs.action.", action) }
	funcs["docLabel"] = docLabel
	funcs["docDate"] = func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(vietnam).Format("02/01/2006")
	}
	funcs["docSize"] = func(n int64) string {
		if n < 1<<20 {
			return fmt.Sprintf("%.1f KB", float64(n)/1024)
		}
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	funcs["docHas"] = func(list []string, v string) bool { return slices.Contains(list, v) }
	funcs["docNotice"] = func(l i18n.Lang, n docs.Notification) string { return noticeText(l, n) }
	funcs["docRows"] = func(v *view, list []*docs.Document) docRows { return docRows{L: v.L, Docs: list} }
	// docUnread is bound to each server's documents service by
	// bindDocsTemplates; this one only lets the templates parse.
	funcs["docUnread"] = func(*org.Actor) int { return 0 }
}

// docLabel names a code in words (prefix+code is its key), or shows the
// code itself when it has no words yet; an empty code is "none".
func docLabel(l i18n.Lang, prefix, code string) string {
	if code == "" {
		code = "none"
	}
	if i18n.Has(prefix + code) {
		return i18n.T(l, prefix+code)
	}
	return code
}

func noticeText(l i18n.Lang, n docs.Notification) string {
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		args[i] = a
	}
	return i18n.T(l, n.Key, args...)
}

// docRows is what the docList template shows: documents, in a language.
type docRows struct {
	L    i18n.Lang
	Docs []*docs.Document
}

// bindDocsTemplates gives the page templates the functions that need this
// server's services: the unread count in every page's header.
func (s *Server) bindDocsTemplates() {
	if s.pages == nil {
		return
	}
	fm := template.FuncMap{"docUnread": s.unreadCount}
	for _, t := range s.pages.set {
		t.Funcs(fm)
	}
}

// unreadCount is the number of the actor's unread notifications; 0 when it
// cannot be had (the header must render whatever happens).
func (s *Server) unreadCount(a *org.Actor) int {
	if a == nil || a.UserID == "" || s.app.Docs == nil {
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, n, err := s.app.Docs.Notifications(ctx, a, 0)
	if err != nil {
		s.app.Log.Warn("unread notifications", "user", a.Username, "err", err)
		return 0
	}
	return n
}

// docPageSize is how many documents a list page shows.
const docPageSize = 20

// allStatuses lists the statuses in workflow order, outgoing then incoming.
var allStatuses = []docs.Status{docs.StatusDraft, docs.StatusInReview, docs.StatusReturned, docs.StatusApproved, docs.StatusSigned,
	docs.StatusIssuing, docs.StatusIssued, docs.StatusReceived, docs.StatusRegistered, docs.StatusAssigned, docs.StatusCompleted, docs.StatusRejected, docs.StatusWithdrawn}

// docQuery is a list's filters as read from the URL.
type docQuery struct {
	Direction string
	Status    string
	Q         string
	Page      int // from 1 (pages)
	Limit     int // API
	Offset    int
}

func readDocQuery(r *http.Request, maxLimit int) (docQuery, error) {
	v := r.URL.Query()
	q := docQuery{Direction: v.Get("direction"), Status: v.Get("status"), Q: strings.TrimSpace(v.Get("q")), Page: 1, Limit: docPageSize}
	if q.Direction != "" && q.Direction != string(docs.Outgoing) && q.Direction != string(docs.Incoming) {
		return q, apperr.InvalidField("direction", "error.query_invalid", "direction")
	}
	if q.Status != "" && !slices.Contains(allStatuses, docs.Status(q.Status)) {
		return q, apperr.InvalidField("status", "error.query_invalid", "status")
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			return q, apperr.InvalidField("page", "docpage.page_invalid")
		}
		q.Page = n
	}
	q.Offset = (q.Page - 1) * q.Limit
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return q, apperr.InvalidField("limit", "error.query_invalid", "limit")
		}
		q.Limit = n
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, apperr.InvalidField("offset", "error.query_invalid", "offset")
		}
		q.Offset = n
	}
	return q, nil
}

// listDocuments returns a page of the actor's agency's documents: a search
// when there is text to find, else the newest first.
func (s *Server) listDocuments(ctx context.Context, a *org.Actor, q docQuery) ([]*docs.Document, bool, error) {
	if q.Q != "" {
		return s.app.Docs.Search(ctx, a, docs.SearchQuery{Text: q.Q, Direction: docs.Direction(q.Direction), Status: docs.Status(q.Status), Limit: q.Limit, Offset: q.Offset})
	}
	list, err := s.app.Docs.List(ctx, a, docs.Filter{Direction: docs.Direction(q.Direction), Status: docs.Status(q.Status), Limit: q.Limit + 1, Offset: q.Offset})
	if err != nil {
		return nil, false, err
	}
	more := len(list) > q.Limit
	if more {
		list = list[:q.Limit]
	}
	return list, more, nil
}

// taskList is one kind of work in the inbox.
type taskList struct {
	Key  string // docpage.task.<Key>
	Docs []*docs.Document
}

type documentsData struct {
	Tasks      *docs.Tasks
	TaskLists  []taskList // the non-empty ones, in the order work flows
	Docs       []*docs.Document
	Filter     docQuery
	Statuses   []docs.Status
	Newer      string
	Older      string
	CanDraft   bool
	CanReceive bool
}

func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	q, err := readDocQuery(r, docPageSize)
	if err != nil {
		return err
	}
	q.Limit, q.Offset = docPageSize, (q.Page-1)*docPageSize
	tasks, err := s.app.Docs.Tasks(r.Context(), a)
	if err != nil {
		return err
	}
	list, more, err := s.listDocuments(r.Context(), a, q)
	if err != nil {
		return err
	}
	d := documentsData{Tasks: tasks, Docs: list, Filter: q, Statuses: allStatuses,
		CanDraft: a.HasAny(org.RoleSpecialist, org.RoleLeader, org.RoleClerk), CanReceive: a.Has(org.RoleClerk)}
	for _, l := range []taskList{{"to_sign", tasks.ToSign}, {"to_review", tasks.ToReview}, {"to_issue", tasks.ToIssue},
		{"to_register", tasks.ToRegister}, {"to_assign", tasks.ToAssign}, {"assigned", tasks.Assigned}, {"drafts", tasks.Drafts}} {
		if len(l.Docs) > 0 {
			d.TaskLists = append(d.TaskLists, l)
		}
	}
	link := func(page int) string {
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(page))
		return "/documents?" + v.Encode()
	}
	if q.Page > 1 {
		d.Newer = link(q.Page - 1)
	}
	if more {
		d.Older = link(q.Page + 1)
	}
	s.render(w, r, "documents", "page.documents", d)
	return nil
}

// docCan says which forms the document page shows its reader. It mirrors
// the domain's rules only to leave out what cannot apply; the domain checks
// again whatever is posted.
type docCan struct {
	Submit, Revise, Review, Sign, Issue, IssueRefused bool
	Register, Assign, Forward, Complete, Reply        bool
	Recall                                            bool
}

func (c docCan) needsUsers() bool { return c.Submit || c.Assign || c.Forward }

func docCanFor(a *org.Actor, d *docs.Details) docCan {
	var c docCan
	mine := d.CreatedBy != "" && d.CreatedBy == a.UserID
	own := a.AgencyID == d.AgencyID
	switch d.Direction {
	case docs.Outgoing:
		c.Submit = mine && d.Status == docs.StatusDraft
		c.Revise = mine && (d.Status == docs.StatusDraft || d.Status == docs.StatusReturned)
		for _, rv := range d.Reviews {
			c.Review = c.Review || (d.Status == docs.StatusInReview && rv.ReviewerID == a.UserID && rv.Status == "pending")
		}
		c.Sign = d.Status == docs.StatusApproved && d.SignerID == a.UserID && a.Has(org.RoleLeader)
		if (d.Status == docs.StatusSigned || d.Status == docs.StatusIssuing) && a.Has(org.RoleClerk) && own {
			c.Issue = d.Confidentiality == "normal"
			c.IssueRefused = !c.Issue
		}
		c.Recall = d.Status == docs.StatusIssued && a.Has(org.RoleClerk) && own
	case docs.Incoming:
		leader := a.Has(org.RoleLeader) && own
		open, main := false, false
		for _, x := range d.Assignments {
			if x.AssigneeID == a.UserID {
				open = open || x.Status == "open"
				main = main || x.Role == "main"
			}
		}
		c.Register = d.Status == docs.StatusReceived && a.Has(org.RoleClerk) && own
		c.Assign = (d.Status == docs.StatusRegistered || d.Status == docs.StatusAssigned) && leader
		c.Forward = d.Status == docs.StatusAssigned && (open || leader)
		c.Complete = (d.Status == docs.StatusAssigned || d.Status == docs.StatusRegistered) && (main || leader)
		c.Reply = d.Status != docs.StatusReceived && a.HasAny(org.RoleSpecialist, org.RoleLeader, org.RoleClerk)
	}
	return c
}

type documentData struct {
	Doc      *docs.Details
	Versions []docs.Version // newest first
	Can      docCan
	Users    []*org.User // the agency's active people, for reviewers and assignees
	Report   template.HTML
	// Error is the domain's refusal of the step ErrorAction, shown at the
	// top and beside that step's form.
	Error       *formError
	ErrorAction string
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDocument(w, r, http.StatusOK, r.PathValue("id"), nil, "")
}

func (s *Server) renderDocument(w http.ResponseWriter, r *http.Request, status int, id string, fe *formError, action string) error {
	a := actorOf(r)
	ctx := r.Context()
	det, err := s.app.Docs.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if err := s.app.Docs.MarkDocumentRead(ctx, a, id); err != nil {
		return err
	}
	d := documentData{Doc: det, Can: docCanFor(a, det), Error: fe, ErrorAction: action}
	d.Versions = slices.Clone(det.Versions)
	slices.Reverse(d.Versions)
	if d.Can.needsUsers() {
		active := true
		if d.Users, err = s.app.Org.ListUsers(ctx, a, org.UserFilter{AgencyID: det.AgencyID, Active: &active}); err != nil {
			return err
		}
	}
	if det.Validation != "" {
		var rep validate.Report
		var b strings.Builder
		if err := json.Unmarshal([]byte(det.Validation), &rep); err != nil {
			s.app.Log.Warn("document validation report", "document", det.ID, "err", err)
		} else if err := rep.WriteHTMLFragment(&b, i18n.FromRequest(r)); err != nil {
			s.app.Log.Warn("document validation report", "document", det.ID, "err", err)
		} else {
			// html/template wrote b, escaping everything from the file.
			d.Report = template.HTML(b.String())
		}
	}
	s.renderStatus(w, r, status, "document", d, "page.document")
	return nil
}

// docStep is one step of the workflow as posted by a page's form or the
// API: it reads its input, then asks the domain.
type docStep interface {
	// form reads the step from a posted form (urlencoded or multipart).
	form(r *http.Request) error
	run(ctx context.Context, s *Server, a *org.Actor, id string) error
}

// docSteps are the steps by the name in their URL, with the flash message
// a page shows after each.
var docSteps = map[string]struct {
	flash string
	new   func() docStep
}{
	"submit":      {"doc_submitted", func() docStep { return &submitStep{} }},
	"revise":      {"doc_revised", func() docStep { return &reviseStep{} }},
	"review":      {"doc_reviewed", func() docStep { return &reviewStep{} }},
	"sign":        {"doc_signed", func() docStep { return &plainStep{do: (*docs.Service).Sign} }},
	"issue":       {"doc_issued", func() docStep { return &plainStep{do: issueStep} }},
	"issue_paper": {"doc_issued", func() docStep { return &plainStep{do: issuePaperStep} }},
	"register":    {"doc_registered", func() docStep { return &plainStep{do: registerStep} }},
	"assign":      {"doc_assigned", func() docStep { return &assignStep{} }},
	"comment":     {"doc_commented", func() docStep { return &commentStep{} }},
	"forward":     {"doc_forwarded", func() docStep { return &forwardStep{} }},
	"complete":    {"doc_completed", func() docStep { return &completeStep{} }},
	"recall":      {"doc_recalled", func() docStep { return &recallStep{} }},
}

type submitStep struct {
	ReviewerIDs []string `json:"reviewer_ids"`
}

func (st *submitStep) form(r *http.Request) error {
	st.ReviewerIDs = formList(r, "reviewer_ids")
	return nil
}

func (st *submitStep) run(ctx context.Context, s *Server, a *org.Actor, id string) error {
	return s.app.Docs.Submit(ctx, a, id, st.ReviewerIDs)
}

type reviseStep struct {
	name string
	data []byte
}

func (st *reviseStep) form(r *http.Request) (err error) {
	st.name, st.data, err = readDocUpload(r)
	return err
}

func (st *reviseStep) run(ctx context.Context, s *Server, a *org.Actor, id string) error {
	return s.app.Docs.ReviseDraft(ctx, a, id, st.name, st.data)
}

type reviewStep struct {
	Approve bool   `json:"approve"`
	Comment string `json:"comment"`
}

func (st *reviewStep) form(r *http.Request) error {
	st.Approve, st.Comment = r.PostFormValue("decision") == "approve", r.PostFormValue("comment")
	return nil
}

func (st *reviewStep) run(ctx context.Context, s *Server, a *org.Actor, id string) error {
	return s.app.Docs.Review(ctx, a, id, st.Approve, st.Comment)
}

// plainStep is a step with no input: sign, issue, register.
type plainStep struct {
	do func(s *docs.Service, ctx context.Context, a *org.Actor, id string) error
}

func (st *plainStep) form(*http.Request) error { return nil }

func (st *plainStep) run(ctx context.Context, s *Server, a *org.Actor, id string) error {
	return st.do(s.app.Docs, ctx, a, id)
}

func issueStep(s *docs.Service, ctx context.Context, a *org.Actor, id string) error {
	_, err := s.Issue(ctx, a, id)
	return err
}

func issuePaperStep(s *docs.Service, ctx context.Context, a *org.Actor, id string) error {
	_, err := s.IssuePaper(ctx, a, id)
	return err
}

func registerStep(s *docs.Service, ctx context.Context, a *org.Actor, id string) error {
	_, err := s.RegisterIncoming(ctx, a, id)
	return err
}

type assignStep struct {
	AssigneeID    string   `json:"assignee_id"`
	CooperatorIDs []string `json:"cooperator_ids"`
	Deadline      string   `json:"deadline"`
	Instructions  string   `json:"instructions"`
}

func (st *assignStep) form(r *http.Request) error {
	st.AssigneeID, st.CooperatorIDs = r.PostFormValue("assignee_id"), formList(r, "cooperator_ids")
	st.Deadline, st.Instructions = r.PostFormValue("deadline"), r.PostFormValue("instructions")
	return nil
}

func (st *assignStep) run(ctx context.Context, s *Server, a *org.Actor, id string) error {
	dl, err := parseDeadline(st.Deadline)
	if err != nil {
		return err
	}
	cooperators := slices.DeleteFunc(slices.Clone(st.CooperatorIDs), func(u string) bool { return u == st.AssigneeID })
	return s.app.Docs.Assign(ctx, a, id, docs.AssignInput{AssigneeID: st.AssigneeID, Cooperators: cooperators, Deadline: dl, Instructions: st.Instructions})
}

type commentStep struct {
	Comment string `json:"comment"`
}

func (st *commentStep) form(r *http.Request) error {
	st.Comment = r.PostFormValue("comment")
	return nil
}

func (st *commentStep) run(ctx context.Context, s *Server, a *org.Actor, id string) error {
	return s.app.Docs.Comment(ctx, a, id, st.Comment)
}

type forwardStep struct {
	ToUserID string `json:"to_user_id"`
	Note     string `json:"note"`
	Deadline string `json:"deadline"`
}

func (st *forwardStep) form(r *http.Request) error {
	st.ToUserID, st.Note, st.Deadline = r.PostFormValue("to_user_id"), r.PostFormValue("note"), r.PostFormValue("deadline")
	return nil
}

func (st *forwardStep) run(ctx context.Context, s *Server, a *org.Actor, id string) error {
	dl, err := parseDeadline(st.Deadline)
	if err != nil {
		return err
	}
	return s.app.Docs.Forward(ctx, a, id, st.ToUserID, st.Note, dl)
}

type recallStep struct {
	Reason string `json:"reason"`
}

func (st *recallStep) form(r *http.Request) error {
	st.Reason = r.PostFormValue("reason")
	return nil
}

func (st *recallStep) run(ctx context.Context, s *Server, a *org.Actor, id string) error {
	return s.app.Docs.Recall(ctx, a, id, st.Reason)
}

type completeStep struct {
	Note string `json:"note"`
}

func (st *completeStep) form(r *http.Request) error {
	st.Note = r.PostFormValue("note")
	return nil
}

func (st *completeStep) run(ctx context.Context, s *Server, a *org.Actor, id string) error {
	return s.app.Docs.Complete(ctx, a, id, st.Note)
}

// documentStepSubmit takes a step posted from the document page; a refusal
// the user can act on comes back on the page, beside the form.
func (s *Server) documentStepSubmit(w http.ResponseWriter, r *http.Request) error {
	name, id := r.PathValue("action"), r.PathValue("id")
	spec, ok := docSteps[name]
	if !ok {
		return apperr.New(apperr.NotFound, "docpage.action_unknown")
	}
	st := spec.new()
	err := st.form(r)
	if err == nil {
		err = st.run(r.Context(), s, actorOf(r), id)
	}
	if err != nil {
		fe, ferr := formErr(r, err)
		if ferr != nil {
			return ferr
		}
		return s.renderDocument(w, r, statusOf(err), id, fe, name)
	}
	return seeOther(w, r, "/documents/"+id, spec.flash)
}

// parseDeadline reads a deadline: a date (the end of that day in Vietnam)
// or an RFC 3339 time; empty is none.
func parseDeadline(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", v, vietnam); err == nil {
		return d.Add(24*time.Hour - time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, apperr.InvalidField("deadline", "docpage.deadline_invalid")
}

// parseDay reads a date (midnight in Vietnam) or an RFC 3339 time.
func parseDay(field, v string) (time.Time, error) {
	if d, err := time.ParseInLocation("2006-01-02", v, vietnam); err == nil {
		return d, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, apperr.InvalidField(field, "docpage.date_invalid")
}

// formList reads a list field sent as repeated values, comma-separated
// values, or both.
func formList(r *http.Request, key string) []string {
	_ = r.ParseForm() // a multipart form was parsed before, with its file
	var out []string
	for _, v := range r.PostForm[key] {
		for _, p := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ';' || unicode.IsSpace(c) }) {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// readDocUpload reads the "file" part of a multipart form; no file is not
// an error here (the domain says that one is needed).
func readDocUpload(r *http.Request) (string, []byte, error) {
	err := r.ParseMultipartForm(32 << 20)
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return "", nil, err
	case errors.Is(err, http.ErrNotMultipart):
		return "", nil, nil
	case err != nil:
		return "", nil, apperr.Wrap(err, apperr.Invalid, "docpage.form_invalid")
	}
	f, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, apperr.Wrap(err, apperr.Invalid, "docpage.form_invalid").WithField("file")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, docs.MaxFileSize+1))
	if err != nil {
		return "", nil, apperr.Wrap(err, apperr.Invalid, "docpage.form_invalid").WithField("file")
	}
	return hdr.Filename, data, nil
}

// documentFile serves a version of a document's file (the latest without
// v) as a download, or for viewing in the browser with inline=1.
func (s *Server) documentFile(w http.ResponseWriter, r *http.Request) error {
	seq := 0
	if v := r.URL.Query().Get("v"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return apperr.InvalidField("v", "docpage.version_invalid")
		}
		seq = n
	}
	v, data, err := s.app.Docs.File(r.Context(), actorOf(r), r.PathValue("id"), seq)
	if err != nil {
		return err
	}
	disp := "attachment"
	if r.URL.Query().Get("inline") == "1" {
		disp = "inline"
	}
	ct := "application/octet-stream"
	if validate.IsPDF(data) {
		ct = "application/pdf"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", contentDisposition(disp, v.FileName))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+v.Blob+`"`)
	_, err = w.Write(data)
	return err
}

// contentDisposition names a download: an ASCII fallback, and the real name
// in UTF-8 for the browsers that read it (RFC 6266 §4.3, RFC 8187).
func contentDisposition(kind, name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "" || name == "." || name == "/" {
		name = "van-ban.pdf"
	}
	var ascii, enc strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			ascii.WriteByte('d')
		case r == 'Đ':
			ascii.WriteByte('D')
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-+()", r)):
			ascii.WriteRune(r)
		default:
			ascii.WriteByte('_')
		}
	}
	for _, b := range []byte(norm.NFC.String(name)) {
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind, ascii.String(), enc.String())
}

// draftForm is the new-draft form as typed.
type draftForm struct {
	Input             docs.DraftInput
	Codes             string
	Types             []register.DocType
	Signers           []*org.User
	Agencies          []org.DirectoryEntry
	ReplyTo           *docs.Details
	Replaces          *docs.Details
	Urgencies         []string
	Confidentialities []string
	Error             *formError
}

func draftInput(r *http.Request) docs.DraftInput {
	return docs.DraftInput{TypeCode: r.PostFormValue("type_code"), Subject: r.PostFormValue("subject"), Urgency: r.PostFormValue("urgency"),
		Confidentiality: r.PostFormValue("confidentiality"), SignerID: r.PostFormValue("signer_id"), RecipientIDs: formList(r, "recipient_ids"),
		RecipientCodes: formList(r, "recipient_codes"), ReplyTo: r.PostFormValue("reply_to"), Replaces: r.PostFormValue("replaces")}
}

func (s *Server) documentNewPage(w http.ResponseWriter, r *http.Request) error {
	in := docs.DraftInput{ReplyTo: r.URL.Query().Get("reply_to"), Replaces: r.URL.Query().Get("replaces")}
	if in.Replaces != "" {
		// A replacement goes to the same recipients, as the same type.
		old, err := s.app.Docs.Get(r.Context(), actorOf(r), in.Replaces)
		if err != nil {
			return err
		}
		in.TypeCode, in.Subject, in.Urgency = old.TypeCode, old.Subject, old.Urgency
		for _, rc := range old.Recipients {
			if rc.AgencyID != "" {
				in.RecipientIDs = append(in.RecipientIDs, rc.AgencyID)
			} else {
				in.RecipientCodes = append(in.RecipientCodes, rc.OrganCode)
			}
		}
	}
	if in.ReplyTo != "" {
		// A reply goes back to the sender, usually as a công văn.
		src, err := s.app.Docs.Get(r.Context(), actorOf(r), in.ReplyTo)
		if err != nil {
			return err
		}
		in.TypeCode = "cong_van"
		if src.SenderCode != "" {
			if ag, err := s.app.Org.AgencyByCode(r.Context(), src.SenderCode); err == nil {
				in.RecipientIDs = []string{ag.ID}
			} else {
				in.RecipientCodes = []string{src.SenderCode}
			}
		}
	}
	return s.renderDraftForm(w, r, http.StatusOK, in, nil)
}

func (s *Server) renderDraftForm(w http.ResponseWriter, r *http.Request, status int, in docs.DraftInput, fe *formError) error {
	a := actorOf(r)
	ctx := r.Context()
	if !a.HasAny(org.RoleSpecialist, org.RoleLeader, org.RoleClerk) || a.AgencyID == "" {
		return apperr.New(apperr.Forbidden, "docs.cannot_draft")
	}
	d := draftForm{Input: in, Codes: strings.Join(in.RecipientCodes, ", "), Urgencies: docs.Urgencies, Confidentialities: docs.Confidentialities, Error: fe}
	var err error
	if d.Types, err = register.Types(ctx, s.app.DB, true); err != nil {
		return err
	}
	active := true
	if d.Signers, err = s.app.Org.ListUsers(ctx, a, org.UserFilter{AgencyID: a.AgencyID, Role: org.RoleLeader, Active: &active}); err != nil {
		return err
	}
	if len(d.Signers) == 1 && d.Input.SignerID == "" {
		d.Input.SignerID = d.Signers[0].ID
	}
	dir, err := s.app.Org.Directory(ctx)
	if err != nil {
		return err
	}
	for _, e := range dir {
		if e.ID != a.AgencyID {
			d.Agencies = append(d.Agencies, e)
		}
	}
	if in.ReplyTo != "" {
		if d.ReplyTo, err = s.app.Docs.Get(ctx, a, in.ReplyTo); err != nil {
			return err
		}
	}
	if in.Replaces != "" {
		if d.Replaces, err = s.app.Docs.Get(ctx, a, in.Replaces); err != nil {
			return err
		}
	}
	s.renderStatus(w, r, status, "document_new", d, "page.document_new")
	return nil
}

func (s *Server) documentCreateSubmit(w http.ResponseWriter, r *http.Request) error {
	name, data, err := readDocUpload(r)
	if err != nil {
		return err
	}
	in := draftInput(r)
	in.FileName, in.File = name, data
	doc, err := s.app.Docs.CreateDraft(r.Context(), actorOf(r), in)
	if err != nil {
		fe, ferr := formErr(r, err)
		if ferr != nil {
			return ferr
		}
		in.File = nil
		return s.renderDraftForm(w, r, statusOf(err), in, fe)
	}
	return seeOther(w, r, "/documents/"+doc.ID, "doc_created")
}

// incomingForm is the form for a document received outside kyso.
type incomingForm struct {
	TypeCode   string
	Subject    string
	Urgency    string
	SenderName string
	SenderCode string
	Symbol     string
	Date       string
	Paper      bool
}

type incomingFormData struct {
	Input     incomingForm
	Types     []register.DocType
	Urgencies []string
	Error     *formError
}

func incomingInput(r *http.Request) incomingForm {
	return incomingForm{TypeCode: r.PostFormValue("type_code"), Subject: r.PostFormValue("subject"), Urgency: r.PostFormValue("urgency"),
		SenderName: r.PostFormValue("sender_name"), SenderCode: strings.TrimSpace(r.PostFormValue("sender_code")),
		Symbol: strings.TrimSpace(r.PostFormValue("symbol")), Date: strings.TrimSpace(r.PostFormValue("date")),
		Paper: r.PostFormValue("paper") == "on" || r.PostFormValue("paper") == "true"}
}

// arrival turns the form into the domain's Arrival; the number is the
// symbol's leading digits (12/UBND-VP → 12).
func (in incomingForm) arrival(name string, data []byte) (docs.Arrival, error) {
	a := docs.Arrival{TypeCode: in.TypeCode, Subject: in.Subject, Urgency: in.Urgency, SenderName: in.SenderName, SenderCode: in.SenderCode,
		Symbol: in.Symbol, Paper: in.Paper, FileName: name, File: data}
	digits := strings.TrimLeft(in.Symbol, " ")
	if i := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits = digits[:i]
	}
	a.Number, _ = strconv.Atoi(digits)
	if in.Date != "" {
		t, err := parseDay("date", in.Date)
		if err != nil {
			return a, err
		}
		a.IssuedAt = t
	}
	return a, nil
}

func (s *Server) incomingNewPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderIncomingForm(w, r, http.StatusOK, incomingForm{Urgency: "normal"}, nil)
}

func (s *Server) renderIncomingForm(w http.ResponseWriter, r *http.Request, status int, in incomingForm, fe *formError) error {
	if a := actorOf(r); !a.Has(org.RoleClerk) || a.AgencyID == "" {
		return apperr.New(apperr.Forbidden, "docs.only_clerk")
	}
	types, err := register.Types(r.Context(), s.app.DB, true)
	if err != nil {
		return err
	}
	s.renderStatus(w, r, status, "incoming_new", incomingFormData{Input: in, Types: types, Urgencies: docs.Urgencies, Error: fe}, "page.incoming_new")
	return nil
}

func (s *Server) incomingCreateSubmit(w http.ResponseWriter, r *http.Request) error {
	name, data, err := readDocUpload(r)
	if err != nil {
		return err
	}
	in := incomingInput(r)
	arr, err := in.arrival(name, data)
	var doc *docs.Document
	if err == nil {
		doc, err = s.app.Docs.ReceiveUpload(r.Context(), actorOf(r), arr)
	}
	if err != nil {
		fe, ferr := formErr(r, err)
		if ferr != nil {
			return ferr
		}
		return s.renderIncomingForm(w, r, statusOf(err), in, fe)
	}
	return seeOther(w, r, "/documents/"+doc.ID, "doc_received")
}

type notificationsData struct {
	Items  []docs.Notification
	Unread int
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	items, unread, err := s.app.Docs.Notifications(r.Context(), actorOf(r), 100)
	if err != nil {
		return err
	}
	s.render(w, r, "notifications", "page.notifications", notificationsData{Items: items, Unread: unread})
	return nil
}

// notificationsReadSubmit marks one notification read (and opens its
// document when next says so), or all of them.
func (s *Server) notificationsReadSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.Docs.MarkRead(r.Context(), actorOf(r), r.PostFormValue("id")); err != nil {
		return err
	}
	if next := r.PostFormValue("next"); next != "" {
		return seeOther(w, r, safeNext(next), "")
	}
	return seeOther(w, r, "/notifications", "notifications_read")
}
