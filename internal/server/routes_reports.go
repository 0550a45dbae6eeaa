package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/params"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/reports"
	"github.com/scfwca/databank/internal/web"
)

// reportRoutes mounts the report builder: cross-tabs, lists, saved definitions, exports and background runs.
func (s *Server) reportRoutes(mux *http.ServeMux) {
	svc := reports.New(s.store, s.auth.now)
	svc.ArchiveDays = func() int {
		if v := s.params.Load(); v != nil {
			return v.Get(params.ArchiveSenderDays)
		}
		return 365
	}
	pages := web.NewReports(s.web, svc)
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	worker := &reports.Worker{Service: svc, Holder: host + "-" + hex.EncodeToString(b), Owner: s.cabinets.Subject, Label: pages.Label, Log: s.log}
	s.background = append(s.background, worker.Run)

	mux.HandleFunc("GET /reports", s.withPage(pages.Builder))
	mux.HandleFunc("GET /reports/list", s.withPage(s.limitPageReads(pages.List)))
	mux.HandleFunc("POST /reports/saved", s.withPage(pages.Save))
	mux.HandleFunc("POST /reports/saved/{id}/delete", s.withPage(pages.DeleteSaved))
	mux.HandleFunc("POST /reports/jobs", s.withPage(pages.SubmitJob))
	mux.HandleFunc("GET /reports/jobs", s.withPage(pages.Jobs))
	mux.HandleFunc("GET /reports/jobs/{id}", s.withPage(pages.Job))
	mux.HandleFunc("GET /reports/jobs/{id}/download", s.withPage(pages.Download))

	api := &reportAPI{s: s, svc: svc}
	mux.HandleFunc("POST /api/v1/reports", s.withSession(api.run))
	mux.HandleFunc("POST /api/v1/reports/lists", s.withSession(s.limitReads(api.list)))
	mux.HandleFunc("POST /api/v1/reports/jobs", s.withSession(api.submit))
	mux.HandleFunc("GET /api/v1/reports/jobs/{id}", s.withSession(api.job))
	mux.HandleFunc("GET /api/v1/reports/jobs/{id}/result", s.withSession(api.result))
}

// reportAPI is the report builder's JSON API.
type reportAPI struct {
	s   *Server
	svc *reports.Service
}

// decode reads a JSON body of at most 1 MiB into v, refusing unknown
// members.
func decodeReport(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return fault.E("reports.decode", fault.Invalid, err)
	}
	if d, ok := v.(*reports.Definition); ok {
		def, err := reports.Decode(body)
		*d = def
		return err
	}
	dec := json.NewDecoder(bytesReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fault.E("reports.decode", fault.Invalid, fault.FieldError{Field: "body", Code: "bad_json",
			Message: msgBadJSON}, err)
	}
	return nil
}

// run counts a definition and answers with the table: POST
// /api/v1/reports with a reports.Definition.
func (a *reportAPI) run(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	var def reports.Definition
	if err := decodeReport(r, &def); err != nil {
		problem.Error(w, r, a.s.log, err)
		return
	}
	res, err := a.svc.Run(r.Context(), sess.subject, def, nil)
	if err != nil {
		problem.Error(w, r, a.s.log, err)
		return
	}
	problem.JSON(w, http.StatusOK, res)
}

// listRequest asks for the children behind a cell.
type listRequest struct {
	Definition reports.Definition `json:"definition"`
	Cell       reports.Cell       `json:"cell"`
	Purpose    string             `json:"purpose,omitempty"`
}

// list answers with the children behind a cell within the person's
// rights: POST /api/v1/reports/lists.
func (a *reportAPI) list(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	var req listRequest
	if err := decodeReport(r, &req); err != nil {
		problem.Error(w, r, a.s.log, err)
		return
	}
	l, err := a.svc.List(r.Context(), reports.Reader{Actor: sess.actor, Subject: sess.subject, Purpose: req.Purpose}, req.Definition, req.Cell)
	if err != nil {
		problem.Error(w, r, a.s.log, err)
		return
	}
	problem.JSON(w, http.StatusOK, l)
}

// jobView is a job as the API shows it.
type jobView struct {
	reports.JobRequest
	ID       int64  `json:"id"`
	State    string `json:"state"`
	Progress int    `json:"progress"`
	Error    string `json:"error,omitempty"`
	Result   string `json:"result,omitempty"`
	Created  string `json:"created_at"`
	Expires  string `json:"expires_at"`
}

// submit queues a job: POST /api/v1/reports/jobs with a
// reports.JobRequest; 202 with the job and where to follow it.
func (a *reportAPI) submit(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	var req reports.JobRequest
	if err := decodeReport(r, &req); err != nil {
		problem.Error(w, r, a.s.log, err)
		return
	}
	id, err := a.svc.Submit(r.Context(), reports.Owner{FIN: sess.fin, Org: sess.org, Subject: sess.subject, Actor: sess.actor}, req)
	if err != nil {
		problem.Error(w, r, a.s.log, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/reports/jobs/%d", id))
	a.answerJob(w, r, id, http.StatusAccepted)
}

// job answers with a job's state: GET /api/v1/reports/jobs/{id}.
func (a *reportAPI) job(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	a.answerJob(w, r, id, http.StatusOK)
}

func (a *reportAPI) answerJob(w http.ResponseWriter, r *http.Request, id int64, status int) {
	sess := sessionOf(r.Context())
	j, err := a.svc.Job(r.Context(), sess.fin, id)
	if err != nil {
		problem.Error(w, r, a.s.log, err)
		return
	}
	req, _ := reports.JobRequestOf(j)
	v := jobView{JobRequest: req, ID: j.ID, State: j.State, Progress: j.Progress, Error: j.Error,
		Created: j.CreatedAt.Format("2006-01-02T15:04:05Z"), Expires: j.ExpiresAt.Format("2006-01-02T15:04:05Z")}
	if j.State == "done" {
		v.Result = fmt.Sprintf("/api/v1/reports/jobs/%d/result", j.ID)
	}
	problem.JSON(w, status, v)
}

// result gives a finished job's result to its owner: GET
// /api/v1/reports/jobs/{id}/result; 409 while it runs.
func (a *reportAPI) result(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	j, body, err := a.svc.JobResult(r.Context(), sess.fin, id)
	if err != nil {
		problem.Error(w, r, a.s.log, err)
		return
	}
	web.ServeReport(w, j, body)
}

var msgBadJSON = i18n.T("Sorğunun gövdəsi düzgün JSON deyil və ya tanınmayan sahəsi var",
	"The request body is not valid JSON or has an unknown member",
	"Тело запроса — некорректный JSON или содержит неизвестное поле")

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
