package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/ecabinet"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/lifecycle"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
)

func person(v *Viewer) lifecycle.Person {
	return lifecycle.Person{Subject: v.Subject, Actor: v.Actor}
}

// formValues flattens a payload into the names of its generated form:
// address.district, guardians.0.name.given, with each list's length.
func formValues(payload json.RawMessage) url.Values {
	out := url.Values{}
	var m map[string]any
	if json.Unmarshal(payload, &m) != nil {
		return out
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(join2(prefix, k), e)
			}
		case []any:
			out.Set(prefix+"._count", strconv.Itoa(len(v)))
			for i, e := range v {
				walk(join2(prefix, strconv.Itoa(i)), e)
			}
		case bool:
			if v {
				out.Set(prefix, "on")
			}
		case float64:
			out.Set(prefix, strconv.FormatFloat(v, 'f', -1, 64))
		default:
			out.Set(prefix, fmt.Sprint(v))
		}
	}
	walk("", m)
	return out
}

func join2(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// correctionForm is what the correction form shows.
type correctionForm struct {
	Key      string
	Fact     int64
	Category *category.Category
	Current  []Row
	Fields   []Field
	Note     string
	Errors   map[string]string
}

// NewCorrection is the form on which a parent proposes the right value of
// a record about their child: the generated form of its category, filled
// with what the record says now.
func (h *Handler) NewCorrection(w http.ResponseWriter, r *http.Request, v *Viewer) {
	key := r.URL.Query().Get("child")
	fact, _ := strconv.ParseInt(r.URL.Query().Get("fact"), 10, 64)
	h.correctionForm(w, r, v, key, fact, nil, "", nil, http.StatusOK)
}

var msgNoSuchRecord = i18n.T("Belə qeyd yoxdur", "There is no such record", "Такой записи нет")

func (h *Handler) correctionForm(w http.ResponseWriter, r *http.Request, v *Viewer, key string, factID int64, values url.Values, note string, errs map[string]string, status int) {
	lang := Language(w, r)
	// The record as the parent may see it: through the registry, audited.
	view, err := h.registry.Profile(r.Context(), registry.Reader{Actor: v.Actor, Subject: v.Subject}, key, category.Date{})
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	for _, c := range view.Categories {
		for _, rec := range c.Records {
			if rec.FactID != factID {
				continue
			}
			cat, _ := category.Lookup(c.Code)
			if values == nil {
				values = formValues(rec.Data)
			}
			h.render(w, r, "correction", status, v, "corr.title", correctionForm{Key: key, Fact: factID, Category: cat,
				Current: rows(cat, rec.Data, lang), Fields: fields(cat, lang, values, errs), Note: note, Errors: errs})
			return
		}
	}
	h.Fail(w, r, v, fault.E("web.correctionForm", fault.NotFound, msgNoSuchRecord))
}

// RequestCorrection files the request; wrong fields come back beside
// themselves with what was typed.
func (h *Handler) RequestCorrection(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	files, err := h.parseMessageForm(w, r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	f := r.PostForm
	key := f.Get("child")
	factID, _ := strconv.ParseInt(f.Get("fact"), 10, 64)
	if f.Get("_add") != "" {
		h.correctionForm(w, r, v, key, factID, f, f.Get("note"), nil, http.StatusOK)
		return
	}
	childID, err := h.registry.Identify(r.Context(), key)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	fact, err := h.store.FactByID(r.Context(), factID)
	if err != nil {
		h.Fail(w, r, v, fault.E("web.RequestCorrection", fault.NotFound, msgNoSuchRecord))
		return
	}
	cat, ok := category.Lookup(fact.Category)
	if !ok {
		h.Fail(w, r, v, fault.E("web.RequestCorrection", fault.NotFound, msgNoSuchRecord))
		return
	}
	proposed := payload(fields(cat, lang, f, nil), f)
	var file *lifecycle.File
	if len(files) > 0 {
		file = &lifecycle.File{Name: files[0].Name, Data: files[0].Data}
	}
	_, err = h.corrections.RequestReply(r.Context(), person(v), childID, factID, proposed, f.Get("note"), file, f.Get("reply_email"))
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		errs := map[string]string{}
		for _, fe := range fields {
			errs[strings.TrimPrefix(fe.Field, "proposed.")] = fe.Message.In(lang)
		}
		h.correctionForm(w, r, v, key, factID, f, f.Get("note"), errs, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/corrections?saved=1", http.StatusSeeOther)
}

// correctionRow is a request as the lists show it.
type correctionRow struct {
	store.Correction
	Title    string
	Proposed []Row
	Current  []Row
	Overdue  bool
}

func (h *Handler) correctionRows(r *http.Request, lang i18n.Lang, cs []store.Correction) []correctionRow {
	var out []correctionRow
	for _, c := range cs {
		row := correctionRow{Correction: c, Overdue: c.State == "submitted" && c.Due.Before(h.now())}
		if cat, ok := category.Lookup(c.Category); ok {
			row.Title = cat.Title.In(lang)
			row.Proposed = rows(cat, c.Proposed, lang)
			if f, err := h.store.FactByID(r.Context(), c.FactID); err == nil {
				row.Current = rows(cat, f.Payload, lang)
			}
		}
		out = append(out, row)
	}
	return out
}

// Corrections lists the person's requests and where they stand.
func (h *Handler) Corrections(w http.ResponseWriter, r *http.Request, v *Viewer) {
	cs, err := h.store.Corrections(r.Context(), v.FIN, "", 100)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "corrections", http.StatusOK, v, "corr.mine", map[string]any{"Rows": h.correctionRows(r, Language(w, r), cs),
		"Queue": false, "Saved": r.URL.Query().Get("saved")})
}

// CorrectionQueue is the operator's queue of requests to decide, the
// oldest deadline first; the evaluator sees it.
func (h *Handler) CorrectionQueue(w http.ResponseWriter, r *http.Request, v *Viewer) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	cs, err := h.store.Corrections(r.Context(), "", r.URL.Query().Get("state"), 200)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "corrections", http.StatusOK, v, "corr.queue", map[string]any{"Rows": h.correctionRows(r, Language(w, r), cs),
		"Queue": true, "Change": change, "Saved": r.URL.Query().Get("saved"), "Error": r.URL.Query().Get("error")})
}

// DecideCorrection records the operator's decision.
func (h *Handler) DecideCorrection(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.DecideCorrection", fault.Invalid, err))
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	err := h.corrections.Decide(r.Context(), person(v), id, r.PostForm.Get("decision") == "approve", r.PostForm.Get("reason"))
	if fault.Is(err, fault.Invalid) {
		http.Redirect(w, r, fmt.Sprintf("/admin/corrections?error=%d#c%d", id, id), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/corrections?saved=%d", id), http.StatusSeeOther)
}

// CorrectionFile downloads a request's document: to its requester, the
// operator's administrator and the evaluator.
func (h *Handler) CorrectionFile(w http.ResponseWriter, r *http.Request, v *Viewer) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	c, err := h.store.CorrectionByID(r.Context(), id)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	see, _ := ecabinet.MayAdminister(v.Subject)
	if c.RequesterFIN != v.FIN && !see {
		h.Fail(w, r, v, fault.E("web.CorrectionFile", fault.NotFound, msgNoSuchRecord))
		return
	}
	name, typ, data, err := h.store.CorrectionFile(r.Context(), id)
	if err != nil || len(data) == 0 {
		h.Fail(w, r, v, fault.E("web.CorrectionFile", fault.NotFound, msgNoSuchRecord))
		return
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}
