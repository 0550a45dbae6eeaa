package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
)

func bgContext() context.Context { return context.Background() }

// Landing is the page for someone not signed in.
func (h *Handler) Landing(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "landing", http.StatusOK, nil, "app", nil)
}

// Home is what needs a signed-in person's attention: a parent's
// children; for the staff of an organisation, the answers awaited from it
// and what happened in its correspondence; for the operator's
// administrator also the children that may be one and the organisations
// and webhooks in trouble; for the auditor, the state of the audit chain.
func (h *Handler) Home(w http.ResponseWriter, r *http.Request, v *Viewer) {
	role := v.Subject.Role
	data := map[string]any{"Parent": role == access.Parent}
	ctx := r.Context()
	if role == access.Parent {
		kids, err := h.cabinets.Children(ctx, v.FIN)
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		data["Children"] = kids
	}
	if v.Org != "" && access.Correspond(v.Subject, []string{v.Org}, nil, category.Today(h.now())).Allow {
		notices, threads, err := h.attention(r, v, 5)
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		var awaited []store.ThreadRow
		for _, t := range threads {
			if t.State == "awaiting" && t.Awaiting == v.Org {
				awaited = append(awaited, t)
			}
		}
		data["Notices"], data["Awaited"], data["Correspond"] = notices, awaited, true
	}
	if role == access.OperatorAdmin || role == access.Auditor || role == access.Evaluator {
		a, err := h.store.AttentionCounts(ctx)
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		data["Counts"] = a
	}
	data["Now"] = h.now()
	h.render(w, r, "home", http.StatusOK, v, "nav.home", data)
}

// Search finds children, as far as the person may see them.
func (h *Handler) Search(w http.ResponseWriter, r *http.Request, v *Viewer) {
	q := r.URL.Query()
	query := registry.Query{Text: q.Get("q"), Region: q.Get("region"), Has: q.Get("has"), AgeFrom: -1, AgeTo: -1}
	if n, err := strconv.Atoi(q.Get("age_from")); err == nil {
		query.AgeFrom = n
	}
	if n, err := strconv.Atoi(q.Get("age_to")); err == nil {
		query.AgeTo = n
	}
	query.Page, _ = strconv.Atoi(q.Get("page"))
	data := map[string]any{"Query": query, "Searched": len(q) > 0 && !(len(q) == 1 && q.Has("lang"))}
	if data["Searched"].(bool) {
		found, more, err := h.registry.SearchProfiles(r.Context(), registry.Reader{Actor: v.Actor, Subject: v.Subject}, query)
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		data["Found"], data["More"] = found, more
		if more {
			data["Next"] = pageURL(r.URL, query.Page+1)
		}
		if query.Page > 0 {
			data["Prev"] = pageURL(r.URL, query.Page-1)
		}
	}
	h.render(w, r, "search", http.StatusOK, v, "search.title", data)
}

func pageURL(u *url.URL, page int) string {
	q := u.Query()
	q.Set("page", strconv.Itoa(page))
	return u.Path + "?" + q.Encode()
}

// Row is one line of a record shown to people.
type Row struct{ Label, Value string }

// Record is a record of a category, ready to show.
type Record struct {
	FactID        int64
	Action        string
	Sender        string
	EffectiveDate string
	ReceivedAt    time.Time
	Rows          []Row
}

// Child shows a child's profile: the summary card, then each category
// with its records, senders and dates; ?purpose= opens the sensitive
// classes, ?as_of= shows the profile as it stood.
func (h *Handler) Child(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	var asOf category.Date
	if s := r.URL.Query().Get("as_of"); s != "" {
		if d, err := category.ParseDate(s); err == nil {
			asOf = d
		}
	}
	purpose := readPurpose(r.URL.Query(), lang)
	view, err := h.registry.Profile(r.Context(), registry.Reader{Actor: v.Actor, Subject: v.Subject, Purpose: purpose}, r.PathValue("key"), asOf)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	type cat struct {
		Code    string
		Title   string
		Class   string
		Records []Record
	}
	var cats []cat
	for _, c := range view.Categories {
		cc, _ := category.Lookup(c.Code)
		var recs []Record
		for _, rec := range c.Records {
			recs = append(recs, Record{FactID: rec.FactID, Sender: rec.Sender, EffectiveDate: rec.EffectiveDate, ReceivedAt: rec.ReceivedAt,
				Rows: rows(cc, rec.Data, lang)})
		}
		cats = append(cats, cat{Code: c.Code, Title: c.Title.In(lang), Class: string(c.Class), Records: recs})
	}
	writable, _, err := h.registry.Writable(r.Context(), v.Subject, r.PathValue("key"))
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "child", http.StatusOK, v, "app", map[string]any{
		"View": view, "Categories": cats, "Withheld": len(view.Withheld), "Key": r.PathValue("key"),
		"Purpose": purpose, "AsOf": asOf.String(), "CanWrite": len(writable) > 0 && h.signing.Signer != nil,
		"Saved": r.URL.Query().Get("saved"), "Parent": v.Subject.Role == access.Parent,
		"Staff": v.Subject.Role == access.OrgHead || v.Subject.Role == access.OrgOfficer || v.Subject.Role == access.CommissionMember,
	})
}

// rows flattens a record's data into labelled lines, showing classifier
// codes by their names, and dates and amounts as the reader's language
// writes them.
func rows(c *category.Category, data json.RawMessage, lang i18n.Lang) []Row {
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	kinds := map[string]string{}
	if c != nil {
		collectKinds(c.Schema(), "", kinds)
	}
	var out []Row
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(join(prefix, k), v[k])
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s %d", prefix, i+1), e)
			}
		default:
			val := fmt.Sprint(v)
			switch kind := kinds[stripIndex(prefix)]; {
			case strings.HasPrefix(kind, "classifier:"):
				if l, ok := classifier.Get(strings.TrimPrefix(kind, "classifier:")); ok {
					val = classifierName(l, val, lang)
				}
			case kind == "date":
				val = formatDate(lang, val)
			case kind == "money":
				val = formatMoney(lang, val)
			case kind == "enum":
				val = enumLabel(val, lang)
			}
			if b, ok := v.(bool); ok {
				val = map[bool]string{true: messages["yes"].In(lang), false: messages["no"].In(lang)}[b]
			}
			if n, ok := v.(float64); ok && kinds[stripIndex(prefix)] != "money" {
				val = formatNumber(lang, n)
			}
			out = append(out, Row{Label: FieldLabel(strings.ReplaceAll(stripIndex(prefix), " › ", "."), lang), Value: val})
		}
	}
	walk("", m)
	return out
}

// formatMoney writes an amount of manats as the language writes it:
// "1 234,50 ₼" in Azerbaijani and Russian, "₼1,234.50" in English.
func formatMoney(lang i18n.Lang, s string) string {
	m, err := category.ParseMoney(s)
	if err != nil {
		return s
	}
	whole, frac := int64(m)/100, int64(m)%100
	amount := grouped(lang, whole) + decimalMark(lang) + fmt.Sprintf("%02d", frac)
	if lang == i18n.EN {
		return "₼" + amount
	}
	return amount + "\u00a0₼"
}

// formatNumber writes a number as the language writes it: thousands
// grouped by a no-break space and a decimal comma in Azerbaijani and
// Russian ("12 345,5"), by commas with a decimal point in English.
func formatNumber(lang i18n.Lang, n float64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	whole := int64(n)
	out := grouped(lang, whole)
	if frac := strconv.FormatFloat(n-float64(whole), 'f', -1, 64); frac != "0" && len(frac) > 2 {
		if len(frac) > 6 { // at most four decimals: these are measures, not sums
			frac = strings.TrimRight(strconv.FormatFloat(n-float64(whole), 'f', 4, 64), "0")
		}
		out += decimalMark(lang) + frac[2:]
	}
	if neg {
		out = "−" + out
	}
	return out
}

// grouped writes a whole number with its thousands grouped.
func grouped(lang i18n.Lang, n int64) string {
	digits := strconv.FormatInt(n, 10)
	sep := "\u00a0"
	if lang == i18n.EN {
		sep = ","
	}
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func decimalMark(lang i18n.Lang) string {
	if lang == i18n.EN {
		return "."
	}
	return ","
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + " › " + k
}

func stripIndex(p string) string {
	var parts []string
	for _, s := range strings.Split(p, " › ") {
		if i := strings.LastIndex(s, " "); i > 0 {
			if _, err := strconv.Atoi(s[i+1:]); err == nil {
				s = s[:i]
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " › ")
}

// collectKinds maps the paths of a schema's fields to what they hold:
// "classifier:CODE", "date" or "money".
func collectKinds(schema map[string]any, prefix string, out map[string]string) {
	props, _ := schema["properties"].(map[string]any)
	for k, p := range props {
		ps, _ := p.(map[string]any)
		path := join(prefix, k)
		kind := func(s map[string]any) string {
			switch {
			case s["x-classifier"] != nil:
				return "classifier:" + s["x-classifier"].(string)
			case s["format"] == "date":
				return "date"
			case s["description"] == "AZN, exact decimal":
				return "money"
			case s["enum"] != nil:
				return "enum"
			}
			return ""
		}
		if kd := kind(ps); kd != "" {
			out[path] = kd
		}
		if items, ok := ps["items"].(map[string]any); ok {
			if kd := kind(items); kd != "" {
				out[path] = kd
			}
			collectKinds(items, path, out)
		}
		collectKinds(ps, path, out)
	}
}

// Reads tells a parent which organisations read their child's data, when
// and why.
func (h *Handler) Reads(w http.ResponseWriter, r *http.Request, v *Viewer, delay time.Duration) {
	key := r.PathValue("key")
	id, err := h.registry.Identify(r.Context(), key)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	reads, err := h.cabinets.AccessLog(r.Context(), v.FIN, id, h.now(), delay)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "reads", http.StatusOK, v, "reads.title", map[string]any{"Reads": reads, "Key": key})
}

// History lists every version of one category's records of a child,
// retractions included, oldest first.
func (h *Handler) History(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	c, ok := category.Lookup(r.PathValue("category"))
	if !ok {
		h.Fail(w, r, v, fault.E("web.History", fault.NotFound, category.Problem("category", "unknown_category")))
		return
	}
	reader := registry.Reader{Actor: v.Actor, Subject: v.Subject, Purpose: strings.TrimSpace(r.URL.Query().Get("purpose"))}
	versions, err := h.registry.History(r.Context(), reader, r.PathValue("key"), c.Code)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	var recs []Record
	for _, rec := range versions {
		recs = append(recs, Record{Sender: rec.Sender, EffectiveDate: rec.EffectiveDate, ReceivedAt: rec.ReceivedAt,
			Rows: rows(c, rec.Data, lang), Action: rec.Action})
	}
	h.render(w, r, "history", http.StatusOK, v, "history.title", map[string]any{"Category": c, "Records": recs, "Key": r.PathValue("key")})
}

// readPurpose is the purpose a reader gave: a reason from the list, a
// case or appeal number, or both ("purpose" carries one already made).
func readPurpose(q url.Values, lang i18n.Lang) string {
	if p := strings.TrimSpace(q.Get("purpose")); p != "" {
		return p
	}
	var parts []string
	if it, ok := classifier.ReadPurposes.Lookup(q.Get("reason")); ok {
		parts = append(parts, it.Name.AZ)
	}
	if c := strings.TrimSpace(q.Get("case")); c != "" {
		parts = append(parts, c)
	}
	return strings.Join(parts, " · ")
}
