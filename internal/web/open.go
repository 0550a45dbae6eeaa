package web

import (
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/scfwca/databank/internal/chart"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/opendata"
	"github.com/scfwca/databank/internal/problem"
)

// DefaultPortal is the e-government portal the public pages link to
// unless configured otherwise.
const DefaultPortal = "https://www.e-gov.az"

// SetPortal sets the e-government portal's URL that every page links to;
// "" keeps DefaultPortal.
func (h *Handler) SetPortal(u string) { h.portal = u }

func (h *Handler) portalURL() string {
	if h.portal == "" {
		return DefaultPortal
	}
	return h.portal
}

// portalHost is the portal's host name without "www.", as a link shows it.
func (h *Handler) portalHost() string {
	u, err := url.Parse(h.portalURL())
	if err != nil || u.Host == "" {
		return h.portalURL()
	}
	host := u.Hostname()
	if len(host) > 4 && host[:4] == "www." {
		host = host[4:]
	}
	return host
}

// Open serves the public module to anyone, without login: the catalogue
// and the datasets as JSON and CSV, and their pages.
type Open struct {
	h   *Handler
	svc *opendata.Service
}

// NewOpen returns the public module's handlers over the service.
func (h *Handler) NewOpen(svc *opendata.Service) *Open { return &Open{h: h, svc: svc} }

// License is the licence of the open data.
var License = struct {
	ID    string    `json:"id"`
	Title i18n.Text `json:"title"`
	URL   string    `json:"url"`
}{"CC-BY-4.0", i18n.T("Creative Commons Attribution 4.0", "Creative Commons Attribution 4.0", "Creative Commons Attribution 4.0"),
	"https://creativecommons.org/licenses/by/4.0/"}

// The API's errors name the parameter at fault.
var (
	msgNoDataset = i18n.T("Belə məlumat dəsti yoxdur", "There is no such dataset", "Такого набора данных нет")
	msgNoYear    = i18n.T("Bu il üçün məlumat yoxdur; kataloqda olan illərdən birini seçin", "No data for this year; pick one of the years the catalogue lists", "Нет данных за этот год; выберите один из годов каталога")
	msgBadYear   = i18n.T("İl dörd rəqəmlə yazılmalıdır, məsələn 2025", "The year is four digits, such as 2025", "Год — четыре цифры, например 2025")
	msgBadFormat = i18n.T("Format json və ya csv olmalıdır", "The format is json or csv", "Формат — json или csv")
	msgBadParam  = i18n.T("Belə parametr yoxdur: year, format və lang qəbul edilir", "No such parameter: year, format and lang are accepted", "Нет такого параметра: принимаются year, format и lang")
)

// request is a dataset request, its parameters checked.
type request struct {
	ds     *opendata.Dataset
	snap   *opendata.Snapshot
	table  *opendata.Table
	format string
	lang   i18n.Lang
}

// parse checks the dataset named in the path and the query: every wrong
// parameter is named.
func (o *Open) parse(r *http.Request, api bool) (*request, error) {
	q := r.URL.Query()
	var fields []fault.FieldError
	for k := range q {
		if k != "year" && k != "format" && k != "lang" {
			fields = append(fields, fault.FieldError{Field: k, Code: "unknown", Message: msgBadParam})
		}
	}
	ds, ok := opendata.Lookup(r.PathValue("id"))
	if !ok {
		return nil, fault.E("open.Dataset", fault.NotFound, msgNoDataset, fault.FieldError{Field: "id", Code: "unknown", Message: msgNoDataset})
	}
	snap, err := o.svc.Current(r.Context())
	if err != nil {
		return nil, err
	}
	req := &request{ds: ds, snap: snap, format: "json", lang: i18n.Parse(q.Get("lang"))}
	if !q.Has("lang") {
		req.lang = i18n.AZ
	}
	if api && q.Has("format") {
		req.format = q.Get("format")
		if req.format != "json" && req.format != "csv" {
			fields = append(fields, fault.FieldError{Field: "format", Code: "unknown", Message: msgBadFormat})
		}
	}
	year := snap.Years[len(snap.Years)-1].Year
	if q.Has("year") {
		y, err := strconv.Atoi(q.Get("year"))
		switch {
		case err != nil || len(q.Get("year")) != 4:
			fields = append(fields, fault.FieldError{Field: "year", Code: "invalid", Message: msgBadYear})
		default:
			year = y
		}
	}
	if len(fields) > 0 {
		return nil, fault.E("open.Dataset", fault.Invalid, fields)
	}
	if req.table, ok = snap.Table(ds, year); !ok {
		return nil, fault.E("open.Dataset", fault.NotFound, msgNoYear, fault.FieldError{Field: "year", Code: "unknown", Message: msgNoYear})
	}
	return req, nil
}

// cacheHeaders sets the validators and caching of an answer derived from
// the snapshot, and tells whether the client's copy is current (304).
func cacheHeaders(w http.ResponseWriter, r *http.Request, snap *opendata.Snapshot, variant string) bool {
	sum := sha256.Sum256([]byte(snap.Version + "|" + variant))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Last-Modified", snap.Updated.UTC().Format(http.TimeFormat))
	h.Set("Access-Control-Allow-Origin", "*")
	if match := r.Header.Get("If-None-Match"); match != "" && (match == etag || match == "W/"+etag || match == "*") {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// apiFail answers an API error as a problem, open to every origin.
func (o *Open) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	problem.Error(w, r, o.h.log, err)
}

// catalogueEntry is one dataset in the machine-readable catalogue.
type catalogueEntry struct {
	ID          string            `json:"id"`
	Title       i18n.Text         `json:"title"`
	Description i18n.Text         `json:"description"`
	Dimensions  []dimensionJSON   `json:"dimensions"`
	Additive    bool              `json:"additive"`
	Threshold   int               `json:"threshold"`
	License     any               `json:"license"`
	Updated     time.Time         `json:"updated"`
	Page        string            `json:"page"`
	Years       []catalogueYear   `json:"years"`
	Formats     []catalogueFormat `json:"formats"`
}

type dimensionJSON struct {
	ID    string          `json:"id"`
	Title i18n.Text       `json:"title"`
	Items []opendata.Item `json:"items,omitempty"`
}

type catalogueYear struct {
	Year        int    `json:"year"`
	AsOf        string `json:"as_of"`
	Provisional bool   `json:"provisional"`
	JSON        string `json:"json"`
	CSV         string `json:"csv"`
}

type catalogueFormat struct {
	Format    string `json:"format"`
	MediaType string `json:"media_type"`
	URL       string `json:"url"`
}

// Catalogue answers GET /public/v1/datasets: every dataset, its years and
// the URL of each format.
func (o *Open) Catalogue(w http.ResponseWriter, r *http.Request) {
	snap, err := o.svc.Current(r.Context())
	if err != nil {
		o.apiFail(w, r, err)
		return
	}
	if cacheHeaders(w, r, snap, "catalogue") {
		return
	}
	var out []catalogueEntry
	for _, ds := range opendata.Datasets() {
		last := snap.Tables(snap.Years[len(snap.Years)-1].Year)
		e := catalogueEntry{ID: ds.ID, Title: ds.Title, Description: ds.Description, Additive: ds.Additive,
			Threshold: opendata.Threshold, License: License, Updated: snap.Updated, Page: "/open/" + ds.ID}
		for _, t := range last {
			if t.Dataset == ds {
				e.Dimensions = []dimensionJSON{{ds.Rows.ID, ds.Rows.Title, t.Rows}, {ds.Cols.ID, ds.Cols.Title, t.Cols}}
			}
		}
		base := "/public/v1/datasets/" + ds.ID
		for _, y := range snap.Years {
			e.Years = append(e.Years, catalogueYear{Year: y.Year, AsOf: y.AsOf.String(), Provisional: y.Provisional,
				JSON: base + "?year=" + y.String(), CSV: base + "?year=" + y.String() + "&format=csv"})
		}
		e.Formats = []catalogueFormat{{"json", "application/json", base}, {"csv", "text/csv", base + "?format=csv"}}
		out = append(out, e)
	}
	problem.JSON(w, http.StatusOK, map[string]any{
		"title":     i18n.T("Uşaq hüquqları üzrə açıq məlumatlar", "Open data on children's rights", "Открытые данные о правах ребёнка"),
		"publisher": i18n.T("Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi", "State Committee for Family, Women and Children Affairs", "Государственный комитет по делам семьи, женщин и детей"),
		"portal":    o.h.portalURL(),
		"threshold": opendata.Threshold,
		"license":   License,
		"updated":   snap.Updated,
		"note":      msgSuppressionNote,
		"datasets":  out,
	})
}

var msgSuppressionNote = i18n.T(
	"5-dən az olan hər say (cəmlər də) göstərilmir (null və ya boş xana), həmçinin bu ilin cədvəllərindəki digər saylardan və cəmlərdən onu hesablamağa imkan verən saylar da.",
	"Every count below 5 (totals included) is withheld (null, or an empty cell), and so are the counts that would let one be computed from the other counts and totals of the year's tables.",
	"Каждое число меньше 5 (включая итоги) не публикуется (null или пустая ячейка), как и числа, по которым его можно было бы вычислить из других чисел и итогов таблиц этого года.")

// tableJSON is a dataset of a year in JSON.
type tableJSON struct {
	ID           string          `json:"id"`
	Title        i18n.Text       `json:"title"`
	Description  i18n.Text       `json:"description"`
	Year         int             `json:"year"`
	AsOf         string          `json:"as_of"`
	Provisional  bool            `json:"provisional"`
	Threshold    int             `json:"threshold"`
	License      any             `json:"license"`
	Updated      time.Time       `json:"updated"`
	Dimensions   []dimensionJSON `json:"dimensions"`
	Additive     bool            `json:"additive"`
	Rows         []opendata.Item `json:"rows"`
	Columns      []opendata.Item `json:"columns"`
	Cells        [][]*int        `json:"cells"`
	RowTotals    []*int          `json:"row_totals"`
	ColumnTotals []*int          `json:"column_totals"`
	Total        *int            `json:"total"`
	Suppressed   int             `json:"suppressed"`
	Note         i18n.Text       `json:"note"`
}

// Dataset answers GET /public/v1/datasets/{id}: a dataset of a year
// (?year=, the latest by default) as JSON or, with ?format=csv, as CSV.
func (o *Open) Dataset(w http.ResponseWriter, r *http.Request) {
	req, err := o.parse(r, true)
	if err != nil {
		o.apiFail(w, r, err)
		return
	}
	t := req.table
	if cacheHeaders(w, r, req.snap, t.Dataset.ID+"|"+t.Year.String()+"|"+req.format+"|"+string(req.lang)) {
		return
	}
	if req.format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `inline; filename="`+t.Dataset.ID+"-"+t.Year.String()+`.csv"`)
		if err := writeOpenCSV(w, t, req.lang); err != nil {
			o.h.log.Warn("open data CSV not written", "dataset", t.Dataset.ID, "err", err)
		}
		return
	}
	problem.JSON(w, http.StatusOK, tableJSON{ID: t.Dataset.ID, Title: t.Dataset.Title, Description: t.Dataset.Description,
		Year: t.Year.Year, AsOf: t.Year.AsOf.String(), Provisional: t.Year.Provisional, Threshold: opendata.Threshold,
		License: License, Updated: req.snap.Updated, Additive: t.Dataset.Additive,
		Dimensions: []dimensionJSON{{ID: t.Dataset.Rows.ID, Title: t.Dataset.Rows.Title}, {ID: t.Dataset.Cols.ID, Title: t.Dataset.Cols.Title}},
		Rows:       t.Rows, Columns: t.Cols, Cells: t.Cells, RowTotals: t.RowTotals, ColumnTotals: t.ColTotals, Total: t.Total,
		Suppressed: t.Suppressed, Note: msgSuppressionNote})
}

// openRow is a row of the table on a dataset's page.
type openRow struct {
	Label string
	Cells []openCell
	Total openCell
}

type openCell struct {
	Text       string
	Suppressed bool
}

// openDatasetPage is what the dataset's page shows.
type openDatasetPage struct {
	Dataset            *opendata.Dataset
	Table              *opendata.Table
	Years              []opendata.Year
	Year               int
	Header             []string
	Rows               []openRow
	Totals             openRow
	Chart              template.HTML
	JSONURL, CSVURL    string
	AsOf               string
	Provisional        bool
	Updated            time.Time
	Threshold          int
	Portal, PortalHost string
}

// openCataloguePage is what the catalogue page shows.
type openCataloguePage struct {
	Datasets []*opendata.Dataset
	Years    []opendata.Year
	Updated  time.Time
	Portal   string
}

// CataloguePage shows the datasets: GET /open.
func (o *Open) CataloguePage(w http.ResponseWriter, r *http.Request) {
	snap, err := o.svc.Current(r.Context())
	if err != nil {
		o.h.Fail(w, r, nil, err)
		return
	}
	o.h.render(w, r, "open", http.StatusOK, nil, "open.title", openCataloguePage{Datasets: opendata.Datasets(),
		Years: snap.Years, Updated: snap.Updated, Portal: o.h.portalURL()})
}

// DatasetPage shows a dataset of a year: GET /open/{id}?year=.
func (o *Open) DatasetPage(w http.ResponseWriter, r *http.Request) {
	req, err := o.parse(r, false)
	if err != nil {
		o.h.Fail(w, r, nil, err)
		return
	}
	lang := Language(w, r)
	t := req.table
	num := func(v *int) openCell {
		if v == nil {
			return openCell{Text: "–", Suppressed: true}
		}
		return openCell{Text: formatNumber(lang, float64(*v))}
	}
	d := openDatasetPage{Dataset: t.Dataset, Table: t, Years: req.snap.Years, Year: t.Year.Year, AsOf: formatDate(lang, t.Year.AsOf.String()),
		Provisional: t.Year.Provisional, Updated: req.snap.Updated, Threshold: opendata.Threshold,
		Portal: o.h.portalURL(), PortalHost: o.h.portalHost()}
	base := "/public/v1/datasets/" + t.Dataset.ID + "?year=" + t.Year.String()
	d.JSONURL, d.CSVURL = base, base+"&format=csv&lang="+string(lang)
	var labels []string
	for _, c := range t.Cols {
		d.Header = append(d.Header, c.Title.In(lang))
	}
	for i, row := range t.Rows {
		or := openRow{Label: row.Title.In(lang), Total: num(t.RowTotals[i])}
		for _, v := range t.Cells[i] {
			or.Cells = append(or.Cells, num(v))
		}
		d.Rows = append(d.Rows, or)
		labels = append(labels, row.Title.In(lang))
	}
	d.Totals = openRow{Label: messages["open.total"].In(lang), Total: num(t.Total)}
	for _, v := range t.ColTotals {
		d.Totals.Cells = append(d.Totals.Cells, num(v))
	}
	// The chart: a bar per column where there are few columns, else the
	// row totals; a suppressed count draws no bar.
	value := func(v *int) float64 {
		if v == nil {
			return math.NaN()
		}
		return float64(*v)
	}
	var series []chart.Series
	if len(t.Cols) <= 3 && t.Dataset.Additive {
		for c, col := range t.Cols {
			s := chart.Series{Name: col.Title.In(lang)}
			for r := range t.Rows {
				s.Values = append(s.Values, value(t.Cells[r][c]))
			}
			series = append(series, s)
		}
	} else {
		s := chart.Series{Name: messages["open.children"].In(lang)}
		for r := range t.Rows {
			s.Values = append(s.Values, value(t.RowTotals[r]))
		}
		series = append(series, s)
	}
	d.Chart = template.HTML(chart.Bars(t.Dataset.Title.In(lang)+", "+t.Year.String(), labels, series)) // the chart escapes every text
	o.h.render(w, r, "open_dataset", http.StatusOK, nil, "open.title", d)
}
