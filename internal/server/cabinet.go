package server

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/store"
)

// decodeBody reads a small JSON body strictly.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fault.E("server.decodeBody", fault.Invalid, i18n.T("Sorğunun gövdəsi düzgün JSON deyil", "The request body is not valid JSON", "Тело запроса — некорректный JSON"), err)
	}
	return nil
}

// registerStaff: a head (or the operator's administrator) registers a
// person of the organisation by FIN.
func (s *Server) registerStaff(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	var body struct {
		FIN  string      `json:"fin"`
		Role access.Role `json:"role"`
	}
	if err := decodeBody(r, &body); err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	if err := s.cabinets.Register(r.Context(), sess.subject, sess.actor, r.PathValue("org"), body.FIN, body.Role); err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) removeStaff(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	if err := s.cabinets.Remove(r.Context(), sess.subject, sess.actor, r.PathValue("org"), r.PathValue("fin")); err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// grant: a head gives a registered person a right.
func (s *Server) grant(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	var g access.Grant
	if err := decodeBody(r, &g); err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	if err := s.cabinets.Grant(r.Context(), sess.subject, sess.actor, r.PathValue("org"), r.PathValue("fin"), g); err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	if err := s.cabinets.Revoke(r.Context(), sess.subject, sess.actor, r.PathValue("org"), r.PathValue("fin"), r.PathValue("category")); err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// suspend: the operator's administrator restricts or restores a person's
// or an organisation's access, with a reason.
func (s *Server) suspend(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	var body struct {
		Suspend bool   `json:"suspend"`
		Reason  string `json:"reason"`
	}
	if err := decodeBody(r, &body); err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	err := s.cabinets.Suspend(r.Context(), sess.subject, sess.actor, r.PathValue("fin"), r.PathValue("org"), body.Suspend, body.Reason)
	if err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// auditLog is the audit viewer: entries filtered by person, organisation,
// child, action and time, as JSON or CSV (?format=csv). Viewing is audited.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Org: q.Get("org"), Action: q.Get("action")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	for name, t := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			d, err := category.ParseDate(v)
			if err != nil {
				problem.Error(w, r, s.log, fault.E("server.auditLog", fault.Invalid, category.Problem(name, "date_format")))
				return
			}
			*t = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, category.Baku)
		}
	}
	if key := q.Get("child"); key != "" {
		id, err := s.registry.Identify(r.Context(), key)
		if err != nil {
			problem.Error(w, r, s.log, err)
			return
		}
		f.ChildID = id
	}
	entries, err := s.cabinets.ViewAudit(r.Context(), sess.subject, sess.actor, f)
	if err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	if q.Get("format") == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
		io.WriteString(w, "\uFEFF") // so that Excel reads UTF-8
		cw := csv.NewWriter(w)
		cw.Write([]string{"seq", "at", "actor_kind", "actor", "org", "role", "action", "child_id", "category", "outcome", "detail", "hash"})
		for _, e := range entries {
			cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.At.In(category.Baku).Format(time.RFC3339), e.Actor.Kind, e.Actor.ID,
				e.Actor.Org, e.Actor.Role, e.Action, strconv.FormatInt(e.ChildID, 10), e.Category, e.Outcome, e.Detail, e.Hash})
		}
		cw.Flush()
		return
	}
	problem.JSON(w, http.StatusOK, map[string]any{"entries": entries})
}

// accessLog tells a parent who read their child's data.
func (s *Server) accessLog(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	id, err := s.registry.Identify(r.Context(), r.PathValue("key"))
	if err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	log, err := s.cabinets.AccessLog(r.Context(), sess.fin, id, s.auth.now(), s.logDelay())
	if err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	problem.JSON(w, http.StatusOK, map[string]any{"reads": log, "restricted_delay_days": fmt.Sprint(int(s.logDelay().Hours() / 24))})
}
