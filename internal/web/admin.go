package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/ecabinet"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/store"
)

var msgNoAdmin = i18n.T("İdarəetmə paneli yalnız operatorun administratoru və qiymətləndirici üçündür",
	"The admin panel is for the operator's administrators and the evaluators only",
	"Панель администрирования — только для администраторов оператора и оценщиков")

// adminAccess checks who may see the panel and who may change it.
func (h *Handler) adminAccess(w http.ResponseWriter, r *http.Request, v *Viewer) (change, ok bool) {
	see, change := ecabinet.MayAdminister(v.Subject)
	if !see {
		h.Fail(w, r, v, fault.E("web.admin", fault.Forbidden, msgNoAdmin))
		return false, false
	}
	return change, true
}

// Admin lists the organisations with their rights and certificates.
func (h *Handler) Admin(w http.ResponseWriter, r *http.Request, v *Viewer) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	ps, err := h.store.Participants(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	bs, err := h.store.Bindings(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	certs := map[string]int{}
	for _, b := range bs {
		certs[b.Participant]++
	}
	h.render(w, r, "admin", http.StatusOK, v, "admin.title", map[string]any{"Participants": ps, "Certs": certs, "Change": change})
}

// matrixRow is one category of an organisation's rights.
type matrixRow struct {
	Cat        *category.Category
	Send, Read bool
}

// AdminOrg shows an organisation: its competence and read rights, its
// staff, its certificates, and its access; the operator's administrator
// may change them.
func (h *Handler) AdminOrg(w http.ResponseWriter, r *http.Request, v *Viewer) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	code := r.PathValue("org")
	p, err := h.store.Participant(r.Context(), code)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	staff, err := h.store.Staff(r.Context(), code)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	bs, err := h.store.Bindings(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	var certs []store.Binding
	for _, b := range bs {
		if b.Participant == code {
			certs = append(certs, b)
		}
	}
	var rows []matrixRow
	for _, c := range category.All() {
		rows = append(rows, matrixRow{Cat: c, Send: p.MaySend(c), Read: p.MayRead(c)})
	}
	h.render(w, r, "admin_org", http.StatusOK, v, "admin.title", map[string]any{
		"P": p, "Rows": rows, "Staff": staff, "Certs": certs, "Change": change, "Saved": r.URL.Query().Get("saved") != "",
	})
}

// AdminRights saves an organisation's matrix of rights.
func (h *Handler) AdminRights(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if _, ok := h.adminAccess(w, r, v); !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AdminRights", fault.Invalid, err))
		return
	}
	code := r.PathValue("org")
	for _, kind := range []string{"send", "read"} {
		cats := r.PostForm[kind]
		if cats == nil {
			cats = []string{}
		}
		if err := h.cabinets.SetRights(r.Context(), v.Subject, v.Actor, code, kind, cats); err != nil {
			h.Fail(w, r, v, err)
			return
		}
	}
	http.Redirect(w, r, "/admin/orgs/"+url.PathEscape(code)+"?saved=1", http.StatusSeeOther)
}

// AdminAccess suspends or restores an organisation's access, with a
// reason.
func (h *Handler) AdminAccess(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if _, ok := h.adminAccess(w, r, v); !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AdminAccess", fault.Invalid, err))
		return
	}
	code := r.PathValue("org")
	err := h.cabinets.Suspend(r.Context(), v.Subject, v.Actor, "", code, r.PostForm.Get("suspend") == "1", r.PostForm.Get("reason"))
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/orgs/"+url.PathEscape(code)+"?saved=1", http.StatusSeeOther)
}

// Audit is the audit viewer: the operator's administrators and the
// security service's auditors filter the log and export it as CSV.
func (h *Handler) Audit(w http.ResponseWriter, r *http.Request, v *Viewer) {
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Org: q.Get("org"), Action: q.Get("action"), Limit: 200}
	for name, t := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if s := q.Get(name); s != "" {
			if d, err := category.ParseDate(s); err == nil {
				*t = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, category.Baku)
			}
		}
	}
	if key := q.Get("child"); key != "" {
		id, err := h.registry.Identify(r.Context(), key)
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		f.ChildID = id
	}
	entries, err := h.cabinets.ViewAudit(r.Context(), v.Subject, v.Actor, f)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	csv := url.Values{}
	for k, vs := range q {
		csv[k] = vs
	}
	csv.Set("format", "csv")
	csv.Del("lang")
	h.render(w, r, "audit", http.StatusOK, v, "audit.title", map[string]any{
		"Entries": entries, "Q": q, "CSV": "/api/v1/audit?" + csv.Encode(), "Count": strconv.Itoa(len(entries)),
	})
}
