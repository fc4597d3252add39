package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kyso-vn/kyso/internal/docs"
)

// Work records (hồ sơ công việc): pages and API.

type recordsData struct {
	Records []*docs.Record
	Input   docs.RecordInput
	Error   *formError
}

func (s *Server) recordsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderRecords(w, r, http.StatusOK, docs.RecordInput{RetentionYears: 10}, nil)
}

func (s *Server) renderRecords(w http.ResponseWriter, r *http.Request, status int, in docs.RecordInput, fe *formError) error {
	list, err := s.app.Docs.Records(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	s.renderStatus(w, r, status, "records", recordsData{Records: list, Input: in, Error: fe}, "page.records")
	return nil
}

func recordInputFromForm(r *http.Request) docs.RecordInput {
	years, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("retention_years")))
	return docs.RecordInput{Code: r.PostFormValue("code"), Title: r.PostFormValue("title"), RetentionYears: years}
}

func (s *Server) recordCreateSubmit(w http.ResponseWriter, r *http.Request) error {
	in := recordInputFromForm(r)
	rec, err := s.app.Docs.CreateRecord(r.Context(), actorOf(r), in)
	if err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		return s.renderRecords(w, r, http.StatusBadRequest, in, fe)
	}
	return seeOther(w, r, "/records/"+rec.ID, "record_created")
}

type recordData struct {
	Record    *docs.Record
	Available []*docs.Document
	Error     *formError
}

func (s *Server) recordPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderRecord(w, r, http.StatusOK, nil)
}

func (s *Server) renderRecord(w http.ResponseWriter, r *http.Request, status int, fe *formError) error {
	a := actorOf(r)
	rec, err := s.app.Docs.GetRecord(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := recordData{Record: rec, Error: fe}
	if rec.Status == "open" {
		recent, err := s.app.Docs.List(r.Context(), a, docs.Filter{Limit: 100})
		if err != nil {
			return err
		}
		in := map[string]bool{}
		for _, x := range rec.Documents {
			in[x.ID] = true
		}
		for _, x := range recent {
			if !in[x.ID] {
				d.Available = append(d.Available, x)
			}
		}
	}
	s.renderStatus(w, r, status, "record", d, "page.record")
	return nil
}

func (s *Server) recordAddSubmit(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.app.Docs.AddToRecord(r.Context(), actorOf(r), id, r.PostFormValue("document_id")); err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		return s.renderRecord(w, r, http.StatusBadRequest, fe)
	}
	return seeOther(w, r, "/records/"+url.PathEscape(id), "record_filed")
}

func (s *Server) recordCloseSubmit(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.app.Docs.CloseRecord(r.Context(), actorOf(r), id); err != nil {
		fe, err := formErr(r, err)
		if err != nil {
			return err
		}
		return s.renderRecord(w, r, http.StatusConflict, fe)
	}
	return seeOther(w, r, "/records/"+url.PathEscape(id), "record_closed")
}

// recordExport sends a closed record's archival package (ZIP). It is built
// in memory first, so that an error never leaves a half-sent file.
func (s *Server) recordExport(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	rec, err := s.app.Docs.GetRecord(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.app.Docs.ExportRecord(r.Context(), a, rec.ID, &buf); err != nil {
		return err
	}
	name := strings.NewReplacer("/", "-", " ", "-").Replace(rec.Code) + ".zip"
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename*=UTF-8''%s", url.PathEscape(name)))
	_, err = w.Write(buf.Bytes())
	return err
}

func (s *Server) apiRecords(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.Docs.Records(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": nonNil(list)})
	return nil
}

func (s *Server) apiRecordCreate(w http.ResponseWriter, r *http.Request) error {
	var in docs.RecordInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rec, err := s.app.Docs.CreateRecord(r.Context(), actorOf(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rec)
	return nil
}

func (s *Server) apiRecord(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.app.Docs.GetRecord(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func (s *Server) apiRecordAdd(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		DocumentID string `json:"document_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.app.Docs.AddToRecord(r.Context(), actorOf(r), r.PathValue("id"), in.DocumentID); err != nil {
		return err
	}
	return s.apiRecord(w, r)
}

func (s *Server) apiRecordClose(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.Docs.CloseRecord(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
		return err
	}
	return s.apiRecord(w, r)
}
