package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/docs/register"
	"github.com/kyso-vn/kyso/internal/i18n"
)

// The documents domain over the JSON API: the same steps as the pages, for
// other software (a province's document system, a mobile app).

// docResponse is a document as the API shows it, the validation report kept
// on arrival as JSON rather than as a string holding JSON.
type docResponse struct {
	*docs.Details
	Validation json.RawMessage `json:"validation,omitempty"`
}

func newDocResponse(d *docs.Details) docResponse {
	r := docResponse{Details: d}
	if d.Validation != "" && json.Valid([]byte(d.Validation)) {
		r.Validation = json.RawMessage(d.Validation)
	}
	return r
}

func (s *Server) apiListDocuments(w http.ResponseWriter, r *http.Request) error {
	q, err := readDocQuery(r, 100)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("limit") == "" {
		q.Limit = 50
	}
	list, more, err := s.listDocuments(r.Context(), actorOf(r), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": nonNil(list), "has_more": more})
	return nil
}

func (s *Server) apiCreateDocument(w http.ResponseWriter, r *http.Request) error {
	name, data, err := readDocUpload(r)
	if err != nil {
		return err
	}
	in := draftInput(r)
	in.FileName, in.File = name, data
	d, err := s.app.Docs.CreateDraft(r.Context(), actorOf(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) apiReceiveDocument(w http.ResponseWriter, r *http.Request) error {
	name, data, err := readDocUpload(r)
	if err != nil {
		return err
	}
	arr, err := incomingInput(r).arrival(name, data)
	if err != nil {
		return err
	}
	d, err := s.app.Docs.ReceiveUpload(r.Context(), actorOf(r), arr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) apiGetDocument(w http.ResponseWriter, r *http.Request) error {
	d, err := s.app.Docs.Get(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newDocResponse(d))
	return nil
}

// apiDocumentStep takes one step of the workflow (name as in docSteps)
// and answers with the document as it now is. Bodies are JSON, except a
// revision's, which is multipart with the new file.
func (s *Server) apiDocumentStep(name string) handlerFunc {
	spec, ok := docSteps[name]
	if !ok {
		panic("web: no document step " + name)
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		st := spec.new()
		var err error
		if name == "revise" {
			err = st.form(r)
		} else {
			err = decodeOptionalJSON(r, st)
		}
		if err != nil {
			return err
		}
		a, id := actorOf(r), r.PathValue("id")
		if err := st.run(r.Context(), s, a, id); err != nil {
			return err
		}
		d, err := s.app.Docs.Get(r.Context(), a, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, newDocResponse(d))
		return nil
	}
}

// decodeOptionalJSON is decodeJSON for the steps that need no input: an
// empty body is as good as {}.
func decodeOptionalJSON(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(r, v)
}

func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) error {
	t, err := s.app.Docs.Tasks(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	for _, l := range []*[]*docs.Document{&t.Drafts, &t.ToReview, &t.ToSign, &t.ToIssue, &t.ToRegister, &t.ToAssign, &t.Assigned} {
		*l = nonNil(*l)
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// notificationJSON is a notification with its text in the caller's
// language.
type notificationJSON struct {
	docs.Notification
	Message string `json:"message"`
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) error {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 200 {
			return apperr.InvalidField("limit", "error.query_invalid", "limit")
		}
		limit = n
	}
	items, unread, err := s.app.Docs.Notifications(r.Context(), actorOf(r), limit)
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	out := make([]notificationJSON, len(items))
	for i, n := range items {
		out[i] = notificationJSON{Notification: n, Message: noticeText(lang, n)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"notifications": out, "unread": unread})
	return nil
}

type markReadRequest struct {
	ID string `json:"id"`
}

func (s *Server) apiMarkNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	var in markReadRequest
	if err := decodeOptionalJSON(r, &in); err != nil {
		return err
	}
	if err := s.app.Docs.MarkRead(r.Context(), actorOf(r), in.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiDocTypes(w http.ResponseWriter, r *http.Request) error {
	list, err := register.Types(r.Context(), s.app.DB, r.URL.Query().Get("all") != "true")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"types": nonNil(list)})
	return nil
}

func (s *Server) apiAddDocType(w http.ResponseWriter, r *http.Request) error {
	var in register.TypeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := register.AddType(r.Context(), s.app.DB, actorOf(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

// statsResponse is an agency's counters over [from, to).
type statsResponse struct {
	AgencyID string    `json:"agency_id"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	*docs.Stats
}

// apiStats counts an agency's documents over a period: from and to are
// dates (both days included) or RFC 3339 times; by default the calendar
// year so far, for the caller's agency.
func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) error {
	a, q := actorOf(r), r.URL.Query()
	agency := q.Get("agency_id")
	if agency == "" {
		agency = a.AgencyID
	}
	now := time.Now().In(vietnam)
	from, to := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, vietnam), now
	var err error
	if v := q.Get("from"); v != "" {
		if from, err = parseDay("from", v); err != nil {
			return err
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = parseDay("to", v); err != nil {
			return err
		}
		if _, dateOnly := time.Parse("2006-01-02", v); dateOnly == nil {
			to = to.AddDate(0, 0, 1)
		}
	}
	if !from.Before(to) {
		return apperr.InvalidField("to", "docpage.stats_range")
	}
	st, err := s.app.Docs.Stats(r.Context(), a, agency, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, statsResponse{AgencyID: agency, From: from, To: to, Stats: st})
	return nil
}
