package web

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/correspond"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/signals"
	"github.com/scfwca/databank/internal/store"
)

// author is the viewer as the correspondence sees them.
func author(v *Viewer) correspond.Author {
	return correspond.Author{Subject: v.Subject, Actor: v.Actor, FIN: v.FIN, Name: v.Name}
}

// Threads lists the threads of the viewer's organisation.
func (h *Handler) Threads(w http.ResponseWriter, r *http.Request, v *Viewer) {
	f := store.ThreadFilter{State: r.URL.Query().Get("state"), Unread: r.URL.Query().Get("unread") == "1"}
	if key := r.URL.Query().Get("child"); key != "" {
		id, err := h.registry.Identify(r.Context(), key)
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		f.ChildID = id
	}
	rows, err := h.threads.List(r.Context(), author(v), f)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	shown, _, err := h.attention(r, v, 10)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "threads", http.StatusOK, v, "threads.title", map[string]any{"Threads": rows, "Filter": f,
		"Now": h.now(), "Child": r.URL.Query().Get("child"), "Notices": shown})
}

// notice is a notice with its thread's subject.
type notice struct {
	store.Notice
	Subject string
}

// attention returns what needs the viewer's attention in the
// correspondence — new threads, mentions, reminders and overdue answers of
// the threads the viewer may see, newest first, at most limit — and those
// threads.
func (h *Handler) attention(r *http.Request, v *Viewer, limit int) ([]notice, []store.ThreadRow, error) {
	rows, err := h.threads.List(r.Context(), author(v), store.ThreadFilter{})
	if err != nil {
		return nil, nil, err
	}
	notices, err := h.store.RecentNotices(r.Context(), v.Org, []string{store.NoticeThread, store.NoticeMention,
		store.NoticeReminder, store.NoticeOverdue}, 50)
	if err != nil {
		return nil, nil, err
	}
	visible := map[int64]store.ThreadRow{}
	for _, t := range rows {
		visible[t.ID] = t
	}
	var shown []notice
	for _, n := range notices {
		if t, ok := visible[n.ThreadID]; ok && len(shown) < limit {
			shown = append(shown, notice{n, t.Subject})
		}
	}
	return shown, rows, nil
}

// threadForm is what the new-thread form shows: the values typed and the
// errors of the last try, by field.
type threadForm struct {
	Child, Subject, Body, Awaiting, Due string
	Orgs                                map[string]bool
	Errors                              map[string]string
	Participants                        []participant.Participant
}

// NewThread is the form that opens a thread, about ?child= or general.
func (h *Handler) NewThread(w http.ResponseWriter, r *http.Request, v *Viewer) {
	h.threadForm(w, r, v, threadForm{Child: r.URL.Query().Get("child"), Orgs: map[string]bool{}}, http.StatusOK)
}

func (h *Handler) threadForm(w http.ResponseWriter, r *http.Request, v *Viewer, f threadForm, status int) {
	ps, err := h.store.Participants(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	for _, p := range ps {
		if p.Code != v.Org && p.Active {
			f.Participants = append(f.Participants, p)
		}
	}
	h.render(w, r, "thread_new", status, v, "threads.new", f)
}

// maxUpload bounds a message's form: its files and text.
const maxUpload = 5*10<<20 + 1<<20

// OpenThread opens a thread from the form; a wrong field is shown next
// to itself, with what was typed kept.
func (h *Handler) OpenThread(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	files, err := h.parseMessageForm(w, r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	f := threadForm{Child: r.PostForm.Get("child"), Subject: r.PostForm.Get("subject"), Body: r.PostForm.Get("body"),
		Awaiting: r.PostForm.Get("awaiting"), Due: r.PostForm.Get("due"), Orgs: map[string]bool{}, Errors: map[string]string{}}
	in := correspond.NewThread{Subject: f.Subject, Body: f.Body, Files: files, Awaiting: f.Awaiting}
	for _, o := range r.PostForm["orgs"] {
		f.Orgs[o] = true
		in.Orgs = append(in.Orgs, o)
	}
	if f.Child != "" {
		id, err := h.registry.Identify(r.Context(), f.Child)
		if err != nil {
			f.Errors["child"] = message(err, lang)
			h.threadForm(w, r, v, f, http.StatusUnprocessableEntity)
			return
		}
		in.ChildID = id
	}
	if f.Due != "" {
		d, err := category.ParseDate(f.Due)
		if err != nil {
			f.Errors["due"] = category.Problem("due", "date_format").Message.In(lang)
			h.threadForm(w, r, v, f, http.StatusUnprocessableEntity)
			return
		}
		in.Due = endOfDay(d)
	}
	id, err := h.threads.Open(r.Context(), author(v), in)
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		for _, fe := range fields {
			f.Errors[fe.Field] = fe.Message.In(lang)
		}
		h.threadForm(w, r, v, f, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/threads/%d", id), http.StatusSeeOther)
}

// endOfDay is the end of a calendar day in Baku: an answer due on a day
// is on time all that day.
func endOfDay(d category.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, category.Baku)
}

func message(err error, lang i18n.Lang) string {
	if fs := fault.FieldsOf(err); len(fs) > 0 {
		return fs[0].Message.In(lang)
	}
	if m, ok := fault.MessageOf(err); ok {
		return m.In(lang)
	}
	return err.Error()
}

// parseMessageForm reads a message form, with its files when it is
// multipart.
func (h *Handler) parseMessageForm(w http.ResponseWriter, r *http.Request) ([]store.NewFile, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return nil, r.ParseForm()
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return nil, fault.E("web.parseMessageForm", fault.Invalid, i18n.T("Fayllar çox böyükdür", "The files are too large", "Файлы слишком большие"), err)
	}
	var files []store.NewFile
	for _, fh := range r.MultipartForm.File["files"] {
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, store.NewFile{Name: fh.Filename, Data: data})
	}
	return files, nil
}

// messageView is a message as the thread page shows it.
type messageView struct {
	store.Message
	Versions []store.Message // earlier versions, for an edited message
	Event    string          // an event told in words
	Signal   *signalView     // what a signal found
	Mine     bool
}

// signalView is a signal's first message in the reader's language.
type signalView struct {
	Name, Reason string
	Facts        []citedView
}

type citedView struct {
	Category, Sender, Date string
	ID                     int64
}

// Thread shows a thread to a member, its messages oldest first, each
// edited message in its latest version with the earlier ones kept.
func (h *Handler) Thread(w http.ResponseWriter, r *http.Request, v *Viewer) {
	h.thread(w, r, v, "", nil, http.StatusOK)
}

func (h *Handler) thread(w http.ResponseWriter, r *http.Request, v *Viewer, body string, errs map[string]string, status int) {
	lang := Language(w, r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	t, msgs, err := h.threads.View(r.Context(), author(v), id)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	var views []messageView
	at := map[int64]int{} // first version → index in views
	for _, m := range msgs {
		if m.EditOf != 0 {
			if i, ok := at[m.EditOf]; ok {
				views[i].Versions = append(views[i].Versions, views[i].Message)
				views[i].Message = m
				continue
			}
		}
		mv := messageView{Message: m, Mine: m.AuthorFIN == v.FIN && m.Org == v.Org && m.Kind == "message"}
		switch m.Kind {
		case "signal":
			var b correspond.SignalBody
			if json.Unmarshal([]byte(m.Body), &b) == nil {
				sv := &signalView{Name: b.Name.In(lang), Reason: b.Reason.In(lang)}
				for _, f := range b.Facts {
					title := f.Category
					if c, ok := category.Lookup(f.Category); ok {
						title = c.Title.In(lang)
					}
					sv.Facts = append(sv.Facts, citedView{Category: title, Sender: h.orgName(lang, f.Sender), Date: formatDate(lang, f.EffectiveDate), ID: f.ID})
				}
				mv.Signal = sv
			}
		case "event":
			mv.Event = h.eventText(lang, m.Body)
		}
		at[m.ID] = len(views)
		views = append(views, mv)
	}
	var last int64
	if len(msgs) > 0 {
		last = msgs[len(msgs)-1].ID
	}
	ps, err := h.store.Participants(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	var others []participant.Participant
	for _, p := range ps {
		if !contains(t.MemberOrgs(), p.Code) && p.Active {
			others = append(others, p)
		}
	}
	childKey := ""
	if t.ChildID != 0 {
		childKey = fmt.Sprintf("id:%d", t.ChildID)
		if sum, _, err := h.store.StoredSummary(r.Context(), t.ChildID); err == nil && sum.FIN != "" {
			childKey = sum.FIN
		}
	}
	h.render(w, r, "thread", status, v, "threads.title", map[string]any{
		"Thread": t, "Messages": views, "Last": last, "Others": others, "Body": body, "Errors": errs, "Child": childKey,
		"Overdue": t.State == "awaiting" && !t.DueAt.IsZero() && t.DueAt.Before(h.now()),
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// eventText tells an event message in words.
func (h *Handler) eventText(lang i18n.Lang, body string) string {
	var e correspond.Event
	if json.Unmarshal([]byte(body), &e) != nil {
		return body
	}
	switch {
	case len(e.Added) > 0:
		names := make([]string, len(e.Added))
		for i, o := range e.Added {
			names[i] = h.orgName(lang, o)
		}
		return fmt.Sprintf(messages["threads.ev.added"].In(lang), strings.Join(names, ", "))
	case e.Rule != "":
		return fmt.Sprintf(messages["threads.ev.signal"].In(lang), e.Rule)
	case e.State == "awaiting":
		s := fmt.Sprintf(messages["threads.ev.awaiting"].In(lang), h.orgName(lang, e.Awaiting))
		if due, err := time.Parse(time.RFC3339, e.Due); err == nil {
			s += " — " + formatTime(lang, due)
		}
		return s
	case e.State != "":
		return messages["threads.ev."+e.State].In(lang)
	}
	return body
}

// PostMessage writes a message to a thread from its form.
func (h *Handler) PostMessage(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	files, err := h.parseMessageForm(w, r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	body := r.PostForm.Get("body")
	_, err = h.threads.Post(r.Context(), author(v), id, body, files)
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		errs := map[string]string{}
		for _, fe := range fields {
			errs[fe.Field] = fe.Message.In(lang)
		}
		h.thread(w, r, v, body, errs, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/threads/%d#last", id), http.StatusSeeOther)
}

// EditMessage writes a new version of one's own message.
func (h *Handler) EditMessage(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.EditMessage", fault.Invalid, err))
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, err := h.threads.Edit(r.Context(), author(v), id, r.PostForm.Get("body")); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	m, err := h.store.Message(r.Context(), id)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/threads/%d#last", m.ThreadID), http.StatusSeeOther)
}

// ThreadState marks a thread open, awaiting an answer, or resolved.
func (h *Handler) ThreadState(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.ThreadState", fault.Invalid, err))
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var due time.Time
	if s := r.PostForm.Get("due"); s != "" {
		d, err := category.ParseDate(s)
		if err != nil {
			h.thread(w, r, v, "", map[string]string{"due": category.Problem("due", "date_format").Message.In(lang)}, http.StatusUnprocessableEntity)
			return
		}
		due = endOfDay(d)
	}
	err := h.threads.SetState(r.Context(), author(v), id, r.PostForm.Get("state"), r.PostForm.Get("awaiting"), due)
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		errs := map[string]string{}
		for _, fe := range fields {
			errs[fe.Field] = fe.Message.In(lang)
		}
		h.thread(w, r, v, "", errs, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/threads/%d#last", id), http.StatusSeeOther)
}

// ThreadOrgs adds organisations to a thread.
func (h *Handler) ThreadOrgs(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.ThreadOrgs", fault.Invalid, err))
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	err := h.threads.AddOrgs(r.Context(), author(v), id, r.PostForm["orgs"])
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		h.thread(w, r, v, "", map[string]string{"orgs": fields[0].Message.In(lang)}, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/threads/%d#last", id), http.StatusSeeOther)
}

// File downloads an attachment, as a download, never shown inline.
func (h *Handler) File(w http.ResponseWriter, r *http.Request, v *Viewer) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	f, data, err := h.threads.File(r.Context(), author(v), id)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

// SignalRules shows the signal rules: the operator's administrator
// changes them, the evaluator sees them.
func (h *Handler) SignalRules(w http.ResponseWriter, r *http.Request, v *Viewer) {
	h.signalRules(w, r, v, "", nil, http.StatusOK)
}

func (h *Handler) signalRules(w http.ResponseWriter, r *http.Request, v *Viewer, failed string, errs map[string]string, status int) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	rules, err := h.threads.Rules(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	ps, err := h.store.Participants(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "signals", status, v, "signals.title", map[string]any{"Rules": rules, "Change": change,
		"Participants": ps, "Failed": failed, "Errors": errs, "Saved": r.URL.Query().Get("saved")})
}

// SetSignalRule saves one rule from its form.
func (h *Handler) SetSignalRule(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.SetSignalRule", fault.Invalid, err))
		return
	}
	code := r.PathValue("code")
	rule := signals.Rule{Code: code, Enabled: r.PostForm.Get("enabled") == "on", Responsible: r.PostForm.Get("responsible")}
	if m := r.PostForm.Get("months"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			h.signalRules(w, r, v, code, map[string]string{"months": category.Problem("months", "type_integer").Message.In(lang)}, http.StatusUnprocessableEntity)
			return
		}
		rule.Months = n
	}
	err := h.threads.SetRule(r.Context(), author(v), rule)
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		errs := map[string]string{}
		for _, fe := range fields {
			errs[fe.Field] = fe.Message.In(lang)
		}
		h.signalRules(w, r, v, code, errs, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/signals?saved="+url.QueryEscape(code), http.StatusSeeOther)
}
