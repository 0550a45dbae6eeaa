package web

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/ecabinet"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/lifecycle"
	"github.com/scfwca/databank/internal/store"
)

// kindsFor are the kinds of request a person may send.
func kindsFor(v *Viewer) []string {
	switch v.Subject.Role {
	case access.Parent:
		return []string{lifecycle.Appeal, lifecycle.Proposal, lifecycle.Complaint}
	case access.OrgHead, access.OrgOfficer, access.CommissionMember:
		return []string{lifecycle.OrgRequest, lifecycle.ErrorReport}
	}
	return nil
}

// requestForm is what the request form shows.
type requestForm struct {
	Kinds                                        []string
	Kind, Child, Fact, Subject, Body, ReplyEmail string
	Errors                                       map[string]string
}

// NewRequestForm is the form of a request: a person's appeal, proposal or
// complaint; a participant's request to the operator or report that a
// record (?fact=) is wrong.
func (h *Handler) NewRequestForm(w http.ResponseWriter, r *http.Request, v *Viewer) {
	q := r.URL.Query()
	h.requestForm(w, r, v, requestForm{Kind: q.Get("kind"), Child: q.Get("child"), Fact: q.Get("fact")}, http.StatusOK)
}

func (h *Handler) requestForm(w http.ResponseWriter, r *http.Request, v *Viewer, f requestForm, status int) {
	f.Kinds = kindsFor(v)
	if len(f.Kinds) == 0 {
		h.Fail(w, r, v, fault.E("web.requestForm", fault.Forbidden, msgNoRegister))
		return
	}
	h.render(w, r, "request", status, v, "req.title", f)
}

// SubmitRequest files a request from its form.
func (h *Handler) SubmitRequest(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	files, err := h.parseMessageForm(w, r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	p := r.PostForm
	f := requestForm{Kind: p.Get("kind"), Child: p.Get("child"), Fact: p.Get("fact"), Subject: p.Get("subject"), Body: p.Get("body"),
		ReplyEmail: p.Get("reply_email"), Errors: map[string]string{}}
	in := lifecycle.NewRequest{Kind: f.Kind, Subject: f.Subject, Body: f.Body, ReplyEmail: f.ReplyEmail}
	in.FactID, _ = strconv.ParseInt(f.Fact, 10, 64)
	if f.Child != "" {
		id, err := h.registry.Identify(r.Context(), f.Child)
		if err != nil {
			f.Errors["child"] = message(err, lang)
			h.requestForm(w, r, v, f, http.StatusUnprocessableEntity)
			return
		}
		in.ChildID = id
	}
	if len(files) > 0 {
		in.File = &lifecycle.File{Name: files[0].Name, Data: files[0].Data}
	}
	_, err = h.requests.Submit(r.Context(), person(v), in)
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		for _, fe := range fields {
			f.Errors[fe.Field] = fe.Message.In(lang)
		}
		h.requestForm(w, r, v, f, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/requests?saved=1", http.StatusSeeOther)
}

// Requests lists a person's requests, or an organisation's and the error
// reports about the records it sent, with their states and histories.
func (h *Handler) Requests(w http.ResponseWriter, r *http.Request, v *Viewer) {
	var mine, about []store.Request
	var err error
	if v.Subject.Role == access.Parent {
		mine, err = h.store.Requests(r.Context(), store.RequestFilter{FIN: v.FIN})
	} else if v.Org != "" {
		if mine, err = h.store.Requests(r.Context(), store.RequestFilter{Org: v.Org}); err == nil {
			about, err = h.store.Requests(r.Context(), store.RequestFilter{Sender: v.Org})
		}
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "requests", http.StatusOK, v, "req.mine", map[string]any{"Mine": mine, "About": about, "Queue": false,
		"Kinds": kindsFor(v), "Saved": r.URL.Query().Get("saved"), "Today": h.now().Format("2006-01-02")})
}

// RequestQueue is the operator's queue of requests, the open ones by
// deadline first; the evaluator sees it.
func (h *Handler) RequestQueue(w http.ResponseWriter, r *http.Request, v *Viewer) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	all, err := h.store.Requests(r.Context(), store.RequestFilter{State: r.URL.Query().Get("state")})
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "requests", http.StatusOK, v, "req.queue", map[string]any{"Mine": all, "Queue": true, "Change": change,
		"Saved": r.URL.Query().Get("saved"), "Error": r.URL.Query().Get("error"), "Today": h.now().Format("2006-01-02")})
}

// AnswerRequest records the operator's answer.
func (h *Handler) AnswerRequest(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AnswerRequest", fault.Invalid, err))
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	err := h.requests.Answer(r.Context(), person(v), id, r.PostForm.Get("answer"))
	if fault.Is(err, fault.Invalid) {
		http.Redirect(w, r, fmt.Sprintf("/admin/requests?error=%d#r%d", id, id), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/requests?saved=%d", id), http.StatusSeeOther)
}

// RequestFile downloads a request's attachment: to the one who sent it
// (the person, or their organisation), the operator and the evaluator.
func (h *Handler) RequestFile(w http.ResponseWriter, r *http.Request, v *Viewer) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	q, err := h.store.RequestByID(r.Context(), id)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	see, _ := ecabinet.MayAdminister(v.Subject)
	if !see && q.FromFIN != v.FIN && (q.FromOrg == "" || q.FromOrg != v.Org) {
		h.Fail(w, r, v, fault.E("web.RequestFile", fault.NotFound, msgNoSuchRecord))
		return
	}
	name, typ, data, err := h.store.RequestFile(r.Context(), id)
	if err != nil || len(data) == 0 {
		h.Fail(w, r, v, fault.E("web.RequestFile", fault.NotFound, msgNoSuchRecord))
		return
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

// AdminEmail sets where an organisation's e-mail notices go.
func (h *Handler) AdminEmail(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if !h.adminChange(w, r, v, "web.AdminEmail") {
		return
	}
	code := r.PathValue("org")
	email := r.PostForm.Get("email")
	if email != "" {
		if _, err := mailAddress(email); err != nil {
			h.orgPage(w, r, v, true, true, map[string]string{"email": msgEmailFormat.In(Language(w, r))}, http.StatusUnprocessableEntity)
			return
		}
	}
	if err := h.store.SetParticipantEmail(r.Context(), code, email, v.Actor); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/orgs/"+url.PathEscape(code)+"?saved=email", http.StatusSeeOther)
}

func mailAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", fmt.Errorf("not an e-mail address")
	}
	return a.Address, nil
}

var msgEmailFormat = i18n.T("E-poçt ünvanı düzgün deyil", "Not an e-mail address", "Неверный адрес электронной почты")
