package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/export"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/quality"
)

// QualityPages serves the data-quality pages: the operator's table of
// every participant, each participant's own page, and the table's export.
type QualityPages struct {
	h   *Handler
	svc *quality.Service
}

// NewQualityPages returns the pages over the handler's store.
func NewQualityPages(h *Handler, svc *quality.Service) *QualityPages {
	return &QualityPages{h: h, svc: svc}
}

// qualityRow is one participant in the operator's table, formatted.
type qualityRow struct {
	Code, Name                          string
	Records, Median, P90, Timely        string
	Expected, Missing, MissingShare     string
	Received, Rejected, RejectedShare   string
	TopReason                           string
	HasRecords, HasGaps, HasSubmissions bool
}

// qualitySorts are the columns the table sorts by, with the key of each.
var qualitySorts = map[string]func(p quality.Participant) float64{
	"records":  func(p quality.Participant) float64 { return float64(p.Timeliness.Records) },
	"median":   func(p quality.Participant) float64 { return float64(p.Timeliness.Median) },
	"p90":      func(p quality.Participant) float64 { return float64(p.Timeliness.P90) },
	"timely":   func(p quality.Participant) float64 { return p.Timeliness.TimelyShare() },
	"missing":  func(p quality.Participant) float64 { return p.MissingShare() },
	"rejected": func(p quality.Participant) float64 { return p.Rejections.Share() },
}

// Index is /quality: the operator's table of every participant, or a
// participant's staff's own page.
func (q *QualityPages) Index(w http.ResponseWriter, r *http.Request, v *Viewer) {
	sc := quality.ScopeOf(v.Subject)
	if !sc.All && sc.Own != "" {
		q.org(w, r, v, sc.Own)
		return
	}
	if err := quality.MaySee(v.Subject, ""); err != nil {
		q.h.Fail(w, r, v, err)
		return
	}
	days, err := quality.ParsePeriod(r.URL.Query().Get("period"))
	if err != nil {
		q.h.Fail(w, r, v, err)
		return
	}
	rep, err := q.svc.Report(r.Context(), days, "")
	if err != nil {
		q.h.Fail(w, r, v, err)
		return
	}
	lang := Language(w, r)
	sortBy, desc := r.URL.Query().Get("sort"), r.URL.Query().Get("dir") == "desc"
	// The report may be shared with other readers: sort a copy.
	ps := slices.Clone(rep.Participants)
	sortParticipants(ps, sortBy, desc, lang)
	rows := make([]qualityRow, len(ps))
	for i, p := range ps {
		rows[i] = row(lang, p)
	}
	// Each column's header links to sorting by it, the other way round
	// when it is the current one.
	type column struct {
		Key, Label, URL, Sort string // Sort: aria-sort value
		Num                   bool
	}
	var cols []column
	for _, c := range []struct {
		key, label string
		num        bool
	}{
		{"name", "quality.participant", false}, {"records", "quality.records", true}, {"median", "quality.median", true},
		{"p90", "quality.p90", true}, {"timely", "quality.timely", true}, {"missing", "quality.missing", true},
		{"rejected", "quality.rejected", true},
	} {
		col := column{Key: c.key, Label: c.label, Num: c.num, Sort: "none"}
		dir := ""
		if c.key == sortBy || (sortBy == "" && c.key == "name") {
			col.Sort = "ascending"
			if desc {
				col.Sort = "descending"
			} else {
				dir = "desc"
			}
		}
		u := url.Values{"period": {fmt.Sprint(days)}, "sort": {c.key}}
		if dir != "" {
			u.Set("dir", dir)
		}
		col.URL = "/quality?" + u.Encode()
		cols = append(cols, col)
	}
	q.h.render(w, r, "quality", http.StatusOK, v, "quality.title", map[string]any{
		"Report": rep, "Rows": rows, "Columns": cols, "Periods": quality.Periods, "Days": days,
		"AsOf": rep.AsOf.String(), "Generated": rep.Generated, "Rules": rulesFor(lang),
	})
}

// Org is /quality/{org}: one participant's page.
func (q *QualityPages) Org(w http.ResponseWriter, r *http.Request, v *Viewer) {
	q.org(w, r, v, r.PathValue("org"))
}

func (q *QualityPages) org(w http.ResponseWriter, r *http.Request, v *Viewer, org string) {
	if err := quality.MaySee(v.Subject, org); err != nil {
		q.h.Fail(w, r, v, err)
		return
	}
	days, err := quality.ParsePeriod(r.URL.Query().Get("period"))
	if err != nil {
		q.h.Fail(w, r, v, err)
		return
	}
	rep, err := q.svc.Report(r.Context(), days, org)
	if err != nil {
		q.h.Fail(w, r, v, err)
		return
	}
	lang := Language(w, r)
	p := rep.Participants[0]
	type catRow struct {
		Title                        string
		Records, Median, P90, Timely string
	}
	var cats []catRow
	for _, c := range p.ByCategory {
		title := c.Category
		if cat, ok := category.Lookup(c.Category); ok {
			title = cat.Title.In(lang)
		}
		cats = append(cats, catRow{title, formatNumber(lang, float64(c.Records)), days1(lang, c.Median), days1(lang, c.P90), percent(lang, c.TimelyShare())})
	}
	type gapRow struct {
		Title, Expected, Missing, Share, Shared string
	}
	var gaps []gapRow
	for _, g := range p.Gaps {
		var shared []string
		for _, s := range g.Shared {
			shared = append(shared, q.h.orgName(lang, s))
		}
		gaps = append(gaps, gapRow{g.Rule.Title.In(lang), formatNumber(lang, float64(g.Expected)),
			formatNumber(lang, float64(g.Missing)), percent(lang, g.MissingShare()), strings.Join(shared, ", ")})
	}
	type reasonRow struct{ Code, Field, N, Share string }
	var reasons []reasonRow
	for _, rs := range p.Rejections.Top(10) {
		reasons = append(reasons, reasonRow{rs.Code, rs.Field, formatNumber(lang, float64(rs.N)), percent(lang, float64(rs.N)/float64(max(p.Rejections.Rejected, 1)))})
	}
	q.h.render(w, r, "quality_org", http.StatusOK, v, "quality.title", map[string]any{
		"P": p, "Name": p.Name.In(lang), "Row": row(lang, p), "Categories": cats, "Gaps": gaps, "Reasons": reasons,
		"Periods": quality.Periods, "Days": days, "AsOf": rep.AsOf.String(), "Generated": rep.Generated,
		"All": quality.ScopeOf(v.Subject).All,
	})
}

// Export is /quality/export: the operator's table as CSV, XLSX or PDF.
func (q *QualityPages) Export(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if !quality.ScopeOf(v.Subject).All {
		q.h.Fail(w, r, v, quality.MaySee(v.Subject, ""))
		return
	}
	days, err := quality.ParsePeriod(r.URL.Query().Get("period"))
	if err != nil {
		q.h.Fail(w, r, v, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" && format != "pdf" {
		q.h.Fail(w, r, v, fault.E("web.QualityExport", fault.Invalid, msgQualityFormat,
			fault.FieldError{Field: "format", Code: "one_of", Message: msgQualityFormat}))
		return
	}
	rep, err := q.svc.Report(r.Context(), days, "")
	if err != nil {
		q.h.Fail(w, r, v, err)
		return
	}
	lang := Language(w, r)
	doc := QualityDocument(lang, rep)
	name := fmt.Sprintf("quality-%dd-%s.%s", days, rep.AsOf, format)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = export.CSV(w, doc.Tables[0])
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = export.XLSX(w, doc)
	case "pdf":
		w.Header().Set("Content-Type", "application/pdf")
		err = export.PDF(w, doc)
	}
	if err != nil {
		q.h.log.Error("quality export failed", "format", format, "err", err)
	}
}

var msgQualityFormat = i18n.T("Format csv, xlsx və ya pdf ola bilər", "The format is csv, xlsx or pdf", "Формат: csv, xlsx или pdf")

// QualityDocument is the operator's table as an export document: one row
// per participant, shares in per cent.
func QualityDocument(lang i18n.Lang, rep *quality.Report) export.Document {
	m := func(k string) string { return messages[k].In(lang) }
	t := export.Table{
		Title: m("quality.title"),
		Header: []string{m("quality.participant"), m("quality.code"), m("quality.records"), m("quality.median"), m("quality.p90"),
			m("quality.timely") + " %", m("quality.expected"), m("quality.missingn"), m("quality.missing") + " %",
			m("quality.received"), m("quality.rejectedn"), m("quality.rejected") + " %", m("quality.reason")},
	}
	for _, p := range rep.Participants {
		top := ""
		if rs := p.Rejections.Top(1); len(rs) > 0 {
			top = rs[0].String()
		}
		whole := func(has bool, n int) export.Cell {
			if !has {
				return export.Null()
			}
			return export.Num(float64(n))
		}
		pct := func(has bool, f float64) export.Cell {
			if !has {
				return export.Null()
			}
			return export.NumPrec(math.Round(f*1000)/10, 1)
		}
		t.Rows = append(t.Rows, []export.Cell{
			export.Text(p.Name.In(lang)), export.Text(p.Code), export.Num(float64(p.Timeliness.Records)),
			whole(p.Timeliness.Records > 0, p.Timeliness.Median), whole(p.Timeliness.Records > 0, p.Timeliness.P90),
			pct(p.Timeliness.Records > 0, p.Timeliness.TimelyShare()),
			export.Num(float64(p.Expected())), export.Num(float64(p.Missing())), pct(p.Expected() > 0, p.MissingShare()),
			export.Num(float64(p.Rejections.Records)), export.Num(float64(p.Rejections.Rejected)),
			pct(p.Rejections.Records > 0, p.Rejections.Share()), export.Text(top),
		})
	}
	t.Notes = []string{
		fmt.Sprintf(m("quality.note.period"), rep.Days, rep.Since.In(category.Baku).Format("2006-01-02")),
		fmt.Sprintf(m("quality.note.asof"), rep.AsOf.String()),
		m("quality.note.sum"),
	}
	return export.Document{Title: m("quality.title"), Subtitle: fmt.Sprintf(m("quality.period.n"), rep.Days),
		Generated: rep.Generated, Lang: string(lang), Tables: []export.Table{t}}
}

func row(lang i18n.Lang, p quality.Participant) qualityRow {
	r := qualityRow{Code: p.Code, Name: p.Name.In(lang), HasRecords: p.Timeliness.Records > 0, HasGaps: len(p.Gaps) > 0,
		HasSubmissions: p.Rejections.Records > 0}
	r.Records = formatNumber(lang, float64(p.Timeliness.Records))
	r.Median, r.P90, r.Timely = "—", "—", "—"
	if r.HasRecords {
		r.Median, r.P90, r.Timely = days1(lang, p.Timeliness.Median), days1(lang, p.Timeliness.P90), percent(lang, p.Timeliness.TimelyShare())
	}
	r.Expected, r.Missing, r.MissingShare = "—", "—", "—"
	if r.HasGaps {
		r.Expected, r.Missing = formatNumber(lang, float64(p.Expected())), formatNumber(lang, float64(p.Missing()))
		r.MissingShare = percent(lang, p.MissingShare())
	}
	r.Received, r.Rejected, r.RejectedShare = formatNumber(lang, float64(p.Rejections.Records)), formatNumber(lang, float64(p.Rejections.Rejected)), "—"
	if r.HasSubmissions {
		r.RejectedShare = percent(lang, p.Rejections.Share())
	}
	if rs := p.Rejections.Top(1); len(rs) > 0 {
		r.TopReason = rs[0].String()
	}
	return r
}

func sortParticipants(ps []quality.Participant, by string, desc bool, lang i18n.Lang) {
	key, ok := qualitySorts[by]
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if ok {
			if ka, kb := key(a), key(b); ka != kb {
				return (ka < kb) != desc
			}
		}
		na, nb := a.Name.In(lang), b.Name.In(lang)
		if !ok && desc {
			return na > nb
		}
		return na < nb
	})
}

func percent(lang i18n.Lang, f float64) string {
	return formatNumber(lang, math.Round(f*1000)/10) + "\u00a0%"
}

func days1(lang i18n.Lang, d int) string {
	return fmt.Sprintf(messages["quality.days"].In(lang), d)
}

type ruleText struct{ Title string }

func rulesFor(lang i18n.Lang) []ruleText {
	var out []ruleText
	for _, r := range quality.Rules {
		out = append(out, ruleText{r.Title.In(lang)})
	}
	return out
}
