package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/store"
)

// mayWatch reports who sees the status page: the operator's
// administrator (who changes it), the evaluator and the security
// service's auditor.
func mayWatch(v *Viewer) (see, change bool) {
	switch v.Subject.Role {
	case access.OperatorAdmin:
		return !v.Subject.Suspended, !v.Subject.Suspended
	case access.Evaluator, access.Auditor:
		return true, false
	}
	return false, false
}

// Status is the operator's status page (§6.1.6): the database, the last
// backup and archiving, the e-mail backlog, and the incident register
// with its open incidents first; the administrator resolves them and
// enters new ones, among them the security service's requests.
func (h *Handler) Status(w http.ResponseWriter, r *http.Request, v *Viewer) {
	h.status(w, r, v, nil, http.StatusOK)
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request, v *Viewer, errs map[string]string, code int) {
	see, change := mayWatch(v)
	if !see {
		h.Fail(w, r, v, fault.E("web.Status", fault.Forbidden, msgNoAdmin))
		return
	}
	ctx := r.Context()
	data := map[string]any{"Change": change, "Errors": errs, "Now": h.now(), "Saved": r.URL.Query().Get("saved")}
	data["DBError"] = ""
	if err := h.store.Ping(ctx); err != nil {
		data["DBError"] = err.Error()
	}
	data["Engine"] = h.store.Engine()
	if v, err := h.store.Version(ctx); err == nil {
		data["Schema"] = v
	}
	if runs, err := h.store.BackupRuns(ctx, 1); err == nil && len(runs) > 0 {
		data["Backup"] = runs[0]
	}
	if runs, err := h.store.ArchiveRuns(ctx, 1); err == nil && len(runs) > 0 {
		data["Archive"] = runs[0]
	}
	if n, err := h.store.OutboxBacklog(ctx); err == nil {
		data["Backlog"] = n
	}
	incidents, err := h.store.Incidents(ctx, "", 100)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	data["Incidents"] = incidents
	h.render(w, r, "status", code, v, "status.title", data)
}

// NewIncident enters an incident by hand: a failure the server cannot
// see, or a request of the security service, due within 24 hours.
func (h *Handler) NewIncident(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if _, change := mayWatch(v); !change {
		h.Fail(w, r, v, fault.E("web.NewIncident", fault.Forbidden, msgNoAdmin))
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.NewIncident", fault.Invalid, err))
		return
	}
	lang := Language(w, r)
	f := r.PostForm
	in := store.Incident{Source: f.Get("source"), Severity: f.Get("severity"), Title: strings.TrimSpace(f.Get("title")),
		Detail: strings.TrimSpace(f.Get("detail"))}
	errs := map[string]string{}
	if in.Title == "" {
		errs["title"] = category.Problem("title", "required").Message.In(lang)
	}
	switch in.Source {
	case "manual":
	case "security_request":
		in.Due = h.now().Add(24 * time.Hour)
	default:
		errs["source"] = category.Problem("source", "one_of", "manual, security_request").Message.In(lang)
	}
	if in.Severity != "low" && in.Severity != "high" && in.Severity != "critical" {
		errs["severity"] = category.Problem("severity", "one_of", "low, high, critical").Message.In(lang)
	}
	if len(errs) > 0 {
		h.status(w, r, v, errs, http.StatusUnprocessableEntity)
		return
	}
	in.Subject = v.FIN
	in.Dedupe = fmt.Sprintf("%s:%s:%d", in.Source, v.FIN, h.now().UnixNano())
	if _, _, err := h.store.OpenIncident(r.Context(), in, nil, v.Actor); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/status?saved=1", http.StatusSeeOther)
}

// ResolveIncident closes an incident with a note.
func (h *Handler) ResolveIncident(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if _, change := mayWatch(v); !change {
		h.Fail(w, r, v, fault.E("web.ResolveIncident", fault.Forbidden, msgNoAdmin))
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.ResolveIncident", fault.Invalid, err))
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := h.store.ResolveIncident(r.Context(), id, strings.TrimSpace(r.PostForm.Get("note")), v.Actor); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/status?saved=1", http.StatusSeeOther)
}
