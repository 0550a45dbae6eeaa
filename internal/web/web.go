// Package web is the e-cabinet's interface: server-rendered pages from
// embedded templates, mobile first, in Azerbaijani with English and
// Russian a click away. Pages read through the registry, so the access
// policy and the audit apply to them as to every other way in.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/correspond"
	"github.com/scfwca/databank/internal/ecabinet"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/lifecycle"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Viewer is the signed-in person a page is for.
type Viewer struct {
	FIN, Name, Org string
	Subject        access.Subject
	Actor          audit.Actor
	// Unread counts the messages in the person's threads that no one of
	// their organisation has read yet.
	Unread int
}

// Handler serves the pages.
type Handler struct {
	registry *registry.Service
	cabinets *ecabinet.Service
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	pages    map[string]*template.Template
	assets   map[string]string // file name → content-hashed URL
	orgNames sync.Map          // participant code → i18n.Text
	signing  Signing
	threads  *correspond.Service
	// paramsChanged puts the parameters in force after a change.
	paramsChanged func(context.Context) error
	corrections   *lifecycle.Corrections
	requests      *lifecycle.Requests
	env           string
	portal        string // the e-government portal's URL; see SetPortal
}

// SetEnv sets the environment the pages say they are in: staging shows a
// banner on every page.
func (h *Handler) SetEnv(env string) { h.env = env }

// New parses the templates once and returns the handler.
func New(reg *registry.Service, cabinets *ecabinet.Service, st *store.Store, threads *correspond.Service, log *slog.Logger, now func() time.Time, sign Signing) *Handler {
	h := &Handler{registry: reg, cabinets: cabinets, store: st, threads: threads, corrections: lifecycle.NewCorrections(st, now),
		requests: lifecycle.NewRequests(st, now),
		log:      log, now: now, pages: map[string]*template.Template{},
		assets: map[string]string{}, signing: sign}
	files, _ := fs.ReadDir(staticFS, "static")
	for _, f := range files {
		b, _ := fs.ReadFile(staticFS, "static/"+f.Name())
		sum := sha256.Sum256(b)
		h.assets[f.Name()] = "/static/" + f.Name() + "?v=" + hex.EncodeToString(sum[:6])
	}
	// Every template but the layout and the parts pages share is a page,
	// named by its file.
	pages, _ := fs.Glob(templateFS, "templates/*.html")
	for _, file := range pages {
		page := strings.TrimSuffix(path.Base(file), ".html")
		if page == "layout" || page == "parts" {
			continue
		}
		t := template.New("layout.html").Funcs(h.funcs())
		h.pages[page] = template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/parts.html", file))
	}
	return h
}

// Static serves the embedded assets, cached for a year (their URLs carry
// a content hash).
func (h *Handler) Static(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.PathValue("file"))
	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// page is what every template gets.
type page struct {
	Lang i18n.Lang
	Path string
	// LangURLs are this page in each language, its query kept.
	LangURLs map[i18n.Lang]string
	Title    string
	Viewer   *Viewer
	Data     any
	Env      string
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name string, status int, v *Viewer, title string, data any) {
	lang := Language(w, r)
	var buf bytes.Buffer
	urls := map[i18n.Lang]string{}
	for _, l := range i18n.Langs {
		q := r.URL.Query()
		q.Set("lang", string(l))
		urls[l] = r.URL.Path + "?" + q.Encode()
	}
	if err := h.pages[name].Execute(&buf, page{Lang: lang, Path: r.URL.Path, LangURLs: urls, Title: title, Viewer: v, Data: data, Env: h.env}); err != nil {
		h.log.Error("template failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// Fail shows an error as people understand it: what went wrong, in their
// language, and for an internal error only a reference number.
func (h *Handler) Fail(w http.ResponseWriter, r *http.Request, v *Viewer, err error) {
	kind := fault.KindOf(err)
	status := map[fault.Kind]int{fault.Invalid: 422, fault.NotFound: 404, fault.Forbidden: 403, fault.Conflict: 409, fault.Unavailable: 503}[kind]
	data := map[string]any{}
	if msg, ok := fault.MessageOf(err); ok && kind != fault.Other {
		data["Message"] = msg
	}
	data["Fields"] = fault.FieldsOf(err)
	if status == 0 {
		status = 500
		ref := problem.Reference()
		data["Reference"] = ref
		h.log.Error("page failed", "reference", ref, "route", r.Pattern, "err", err)
	}
	h.render(w, r, "error", status, v, "error.title", data)
}

// Language is the reader's language: ?lang= (remembered in a cookie),
// then the cookie, then Accept-Language, then Azerbaijani.
func Language(w http.ResponseWriter, r *http.Request) i18n.Lang {
	if l := r.URL.Query().Get("lang"); l != "" {
		lang := i18n.Parse(l)
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		return lang
	}
	if c, err := r.Cookie("lang"); err == nil {
		return i18n.Parse(c.Value)
	}
	if al := r.Header.Get("Accept-Language"); len(al) >= 2 {
		return i18n.Parse(al[:2])
	}
	return i18n.AZ
}

func (h *Handler) funcs() template.FuncMap {
	return template.FuncMap{
		"t": func(lang i18n.Lang, key string, args ...any) string {
			m, ok := messages[key]
			if !ok {
				return key
			}
			if len(args) > 0 {
				return fmt.Sprintf(m.In(lang), args...)
			}
			return m.In(lang)
		},
		"text":  func(lang i18n.Lang, t i18n.Text) string { return t.In(lang) },
		"date":  formatDate,
		"time":  formatTime,
		"asset": func(name string) string { return h.assets[name] },
		"district": func(lang i18n.Lang, code string) string {
			return classifierName(classifier.Districts, code, lang)
		},
		"region":     func(lang i18n.Lang, code string) string { return classifierName(classifier.Regions, code, lang) },
		"sex":        func(lang i18n.Lang, code string) string { return classifierName(classifier.Sexes, code, lang) },
		"care":       func(lang i18n.Lang, code string) string { return classifierName(classifier.CareForms, code, lang) },
		"org":        h.orgName,
		"regions":    func() []classifier.Item { return classifier.Regions.Items() },
		"purposes":   func() []classifier.Item { return classifier.ReadPurposes.Items() },
		"categories": func() []*category.Category { return category.All() },
		"langs":      func() []i18n.Lang { return i18n.Langs },
		"portal":     h.portalURL,
		"portalHost": h.portalHost,
		"list":       func(s ...string) []string { return s },
		"overdue":    func(due, today string) bool { return due < today },
		"list2":      func(a, b any) []any { return []any{a, b} },
		"appealKind": func(lang i18n.Lang, code string) string { return classifierName(classifier.AppealKinds, code, lang) },
		"appealStatus": func(lang i18n.Lang, code string) string {
			return classifierName(classifier.AppealStatuses, code, lang)
		},
		"replace": func(s, old, new string) string { return strings.ReplaceAll(s, old, new) },
		"typedValue": func(c classifier.Change, field string) string {
			return map[string]string{"code": c.Code, "name_az": c.Name.AZ, "name_en": c.Name.EN, "name_ru": c.Name.RU}[field]
		},
	}
}

func classifierName(l *classifier.List, code string, lang i18n.Lang) string {
	if it, ok := l.Lookup(code); ok {
		return it.Name.In(lang)
	}
	return code
}

// orgName is a participant's name in the reader's language.
func (h *Handler) orgName(lang i18n.Lang, code string) string {
	if t, ok := h.orgNames.Load(code); ok {
		return t.(i18n.Text).In(lang)
	}
	p, err := h.store.Participant(bgContext(), code)
	if err != nil {
		return code
	}
	h.orgNames.Store(code, p.Name)
	return p.Name.In(lang)
}

// formatDate writes a calendar date as people of the language write it.
func formatDate(lang i18n.Lang, s string) string {
	d, err := category.ParseDate(s)
	if err != nil {
		return s
	}
	if lang == i18n.EN {
		return d.Time().Format("2 Jan 2006")
	}
	return d.Time().Format("02.01.2006")
}

// formatTime writes an instant in Baku time.
func formatTime(lang i18n.Lang, t time.Time) string {
	t = t.In(category.Baku)
	if lang == i18n.EN {
		return t.Format("2 Jan 2006 15:04")
	}
	return t.Format("02.01.2006 15:04")
}
