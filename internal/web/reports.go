package web

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/chart"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/reports"
	"github.com/scfwca/databank/internal/store"
)

// Reports serves the report builder's pages: the builder with its table
// and chart, the lists of the children behind a cell, saved reports, and
// the reports run in the background.
type Reports struct {
	h   *Handler
	svc *reports.Service
}

// NewReports returns the report builder's pages over the report service.
func NewReports(h *Handler, svc *reports.Service) *Reports { return &Reports{h: h, svc: svc} }

// listThreshold is the longest list shown at once; a longer one is
// prepared in the background.
const listThreshold = 200

// reportForm is the builder form as the query string holds it.
type reportForm struct {
	Row1, Row2, Col1, Col2                   string
	Region, District, Sex, Citizenship, Care string
	AgeFrom, AgeTo                           string
	Has, HasNot                              string
	AsOf, Percent, Archived                  string
}

func formOf(q url.Values) reportForm {
	g := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	return reportForm{Row1: g("row1"), Row2: g("row2"), Col1: g("col1"), Col2: g("col2"), Region: g("region"), District: g("district"),
		Sex: g("sex"), Citizenship: g("citizenship"), Care: g("care"), AgeFrom: g("age_from"), AgeTo: g("age_to"),
		Has: g("has"), HasNot: g("hasnot"), AsOf: g("as_of"), Percent: g("percent"), Archived: g("archived")}
}

// definition turns the form into a definition, and says for each of the
// definition's paths the form field it came from.
func (f reportForm) definition() (reports.Definition, map[string]string, []fault.FieldError) {
	var d reports.Definition
	var errs []fault.FieldError
	from := map[string]string{}
	dim := func(field, key string, into *[]reports.Dimension, axis string) {
		if key == "" {
			return
		}
		dm, err := reports.ParseDimensionKey(key)
		if err != nil {
			errs = append(errs, fault.FieldError{Field: field, Code: "unknown_dimension", Message: reportText("reports.baddim")})
			return
		}
		from[fmt.Sprintf("%s[%d]", axis, len(*into))] = field
		*into = append(*into, dm)
	}
	dim("row1", f.Row1, &d.Rows, "rows")
	dim("row2", f.Row2, &d.Rows, "rows")
	dim("col1", f.Col1, &d.Columns, "columns")
	dim("col2", f.Col2, &d.Columns, "columns")
	from["rows"], from["columns"] = "row1", "col1"
	filter := func(field string, fl reports.Filter) {
		from[fmt.Sprintf("filters[%d]", len(d.Filters))] = field
		d.Filters = append(d.Filters, fl)
	}
	for _, v := range []struct{ field, kind, val string }{{"region", reports.KindRegion, f.Region}, {"district", reports.KindDistrict, f.District},
		{"sex", reports.KindSex, f.Sex}, {"citizenship", reports.KindCitizenship, f.Citizenship}, {"care", reports.KindCareStatus, f.Care}} {
		if v.val != "" {
			filter(v.field, reports.Filter{Kind: v.kind, Values: []string{v.val}})
		}
	}
	age := func(field, s string) *int {
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fault.FieldError{Field: field, Code: "type_integer", Message: reportText("reports.badnumber")})
			return nil
		}
		return &n
	}
	if lo, hi := age("age_from", f.AgeFrom), age("age_to", f.AgeTo); lo != nil || hi != nil {
		filter("age_from", reports.Filter{Kind: reports.KindAge, AgeFrom: lo, AgeTo: hi})
	}
	yes, no := true, false
	if f.Has != "" {
		filter("has", reports.Filter{Kind: reports.KindCategory, Category: f.Has, Present: &yes})
	}
	if f.HasNot != "" {
		filter("hasnot", reports.Filter{Kind: reports.KindCategory, Category: f.HasNot, Present: &no})
	}
	if f.AsOf != "" {
		day, err := category.ParseDate(f.AsOf)
		if err != nil {
			errs = append(errs, fault.FieldError{Field: "as_of", Code: "date_format", Message: reportText("reports.baddate")})
		}
		d.AsOf = day
	}
	from["as_of"], from["options.percent"] = "as_of", "percent"
	d.Options.Percent = f.Percent
	switch f.Archived {
	case "include":
		d.Options.IncludeArchived = &yes
	case "exclude":
		d.Options.IncludeArchived = &no
	}
	return d, from, errs
}

// formFrom fills the form from a definition, as far as the form can show
// it.
func formFrom(d reports.Definition) reportForm {
	var f reportForm
	keys := func(dims []reports.Dimension) (string, string) {
		var k [2]string
		for i, dm := range dims {
			if i < 2 {
				k[i] = dm.Key()
			}
		}
		return k[0], k[1]
	}
	f.Row1, f.Row2 = keys(d.Rows)
	f.Col1, f.Col2 = keys(d.Columns)
	for _, fl := range d.Filters {
		first := ""
		if len(fl.Values) > 0 {
			first = fl.Values[0]
		}
		switch fl.Kind {
		case reports.KindRegion:
			f.Region = first
		case reports.KindDistrict:
			f.District = first
		case reports.KindSex:
			f.Sex = first
		case reports.KindCitizenship:
			f.Citizenship = first
		case reports.KindCareStatus:
			f.Care = first
		case reports.KindAge:
			if fl.AgeFrom != nil {
				f.AgeFrom = strconv.Itoa(*fl.AgeFrom)
			}
			if fl.AgeTo != nil {
				f.AgeTo = strconv.Itoa(*fl.AgeTo)
			}
		case reports.KindCategory:
			if fl.Present != nil && *fl.Present {
				f.Has = fl.Category
			} else {
				f.HasNot = fl.Category
			}
		}
	}
	if !d.AsOf.IsZero() {
		f.AsOf = d.AsOf.String()
	}
	f.Percent = d.Options.Percent
	if d.Options.IncludeArchived != nil {
		f.Archived = map[bool]string{true: "include", false: "exclude"}[*d.Options.IncludeArchived]
	}
	return f
}

// option is an entry of a select.
type option struct {
	Value, Label, Group string
}

// dimOptions are the dimensions the builder offers: the profile's, the
// categories, then each category's fields and periods.
func (rp *Reports) dimOptions(lang i18n.Lang) []option {
	var out []option
	group := reportText("reports.group.child").In(lang)
	for _, k := range []string{reports.KindRegion, reports.KindDistrict, reports.KindAge, reports.KindAgeBand, reports.KindSex,
		reports.KindCitizenship, reports.KindCareStatus, reports.KindCategory} {
		out = append(out, option{Value: k, Label: rp.Label(lang, reports.Dimension{Kind: k}, ""), Group: group})
	}
	for _, c := range category.All() {
		g := c.Title.In(lang)
		for _, f := range reports.Fields(c) {
			dm := reports.Dimension{Kind: reports.KindField, Category: c.Code, Field: f.Path}
			out = append(out, option{Value: dm.Key(), Label: FieldLabel(f.Path, lang), Group: g})
		}
		for _, per := range []string{"year", "month"} {
			dm := reports.Dimension{Kind: reports.KindPeriod, Category: c.Code, Period: per}
			out = append(out, option{Value: dm.Key(), Label: reportText("reports.period." + per).In(lang), Group: g})
		}
	}
	return out
}

// Label names a dimension (code "") or one of its values in a language.
func (rp *Reports) Label(lang i18n.Lang, dm reports.Dimension, code string) string {
	if code == "" {
		return rp.dimName(lang, dm)
	}
	switch dm.Kind {
	case reports.KindRegion, reports.KindDistrict, reports.KindSex, reports.KindCitizenship:
		if code == reports.NoValue {
			return reportText("reports.unknown").In(lang)
		}
		l := map[string]*classifier.List{reports.KindRegion: classifier.Regions, reports.KindDistrict: classifier.Districts,
			reports.KindSex: classifier.Sexes, reports.KindCitizenship: classifier.Citizenships}[dm.Kind]
		return classifierName(l, code, lang)
	case reports.KindCareStatus:
		switch code {
		case reports.CareParents:
			return reportText("reports.care.parents").In(lang)
		case "deprived_of_parental_care":
			return reportText("reports.care.deprived").In(lang)
		}
		return classifierName(classifier.CareForms, code, lang)
	case reports.KindAge, reports.KindAgeBand:
		return code
	case reports.KindCategory:
		if c, ok := category.Lookup(code); ok {
			return c.Title.In(lang)
		}
	case reports.KindField:
		if code == reports.NoValue {
			return reportText("reports.novalue").In(lang)
		}
		c, _ := category.Lookup(dm.Category)
		f, _ := reports.FieldOf(c, dm.Field)
		switch {
		case f.Type == "boolean":
			return reportText("reports." + code).In(lang)
		case f.Classifier != "":
			if l, ok := classifier.Get(f.Classifier); ok {
				return classifierName(l, code, lang)
			}
		case f.Type == "enum":
			return enumLabel(code, lang)
		}
	case reports.KindPeriod:
		if y, m, ok := strings.Cut(code, "-"); ok {
			return m + "." + y
		}
	}
	return code
}

func (rp *Reports) dimName(lang i18n.Lang, dm reports.Dimension) string {
	switch dm.Kind {
	case reports.KindField:
		if c, ok := category.Lookup(dm.Category); ok {
			return c.Title.In(lang) + " › " + FieldLabel(dm.Field, lang)
		}
	case reports.KindPeriod:
		if c, ok := category.Lookup(dm.Category); ok {
			return c.Title.In(lang) + " › " + reportText("reports.period."+dm.Period).In(lang)
		}
	}
	return reportText("reports.dim." + dm.Kind).In(lang)
}

func reportText(key string) i18n.Text {
	if t, ok := messages[key]; ok {
		return t
	}
	return i18n.T(key, key, key)
}

// tableView is a result as the page shows it.
type tableView struct {
	RowHead string
	Columns []string
	Rows    []rowView
	Totals  rowView
	Percent bool
	Notes   []string
}

type rowView struct {
	Label string
	Cells []cellView
	Total cellView
}

type cellView struct {
	Count, Percent, Link string
}

// view lays a result out for the page; def is the definition as JSON,
// for the links to the lists behind each cell.
func (rp *Reports) view(lang i18n.Lang, res *reports.Result, def string) tableView {
	var rowNames []string
	for _, dm := range res.Definition.Rows {
		rowNames = append(rowNames, rp.Label(lang, dm, ""))
	}
	t := tableView{RowHead: strings.Join(rowNames, " · "), Percent: res.Percent != nil, Notes: append([]string{res.Subtitle(lang)}, res.Notes(lang)...)}
	for j := range res.Columns {
		t.Columns = append(t.Columns, res.ColumnLabel(lang, rp.Label, j))
	}
	num := func(n int64) string { return formatNumber(lang, float64(n)) }
	pct := func(v float64) string { return formatNumber(lang, float64(int64(v*10+0.5))/10) + "\u00a0%" }
	link := func(row, col []string) string {
		q := url.Values{"def": {def}}
		for _, c := range row {
			q.Add("row", c)
		}
		for _, c := range col {
			q.Add("col", c)
		}
		if len(row) == 0 {
			q.Set("allrows", "1")
		}
		return "/reports/list?" + q.Encode()
	}
	for i, row := range res.Rows {
		rv := rowView{Label: res.RowLabel(lang, rp.Label, i), Total: cellView{Count: num(res.RowTotals[i]), Link: link(row, nil)}}
		if res.Percent != nil {
			rv.Total.Percent = pct(res.RowPercent[i])
		}
		for j, n := range res.Cells[i] {
			c := cellView{Count: num(n)}
			if n > 0 {
				c.Link = link(row, res.Columns[j])
			}
			if res.Percent != nil {
				c.Percent = pct(res.Percent[i][j])
			}
			rv.Cells = append(rv.Cells, c)
		}
		t.Rows = append(t.Rows, rv)
	}
	t.Totals = rowView{Label: reports.T(lang, "total"), Total: cellView{Count: num(res.Total), Link: link(nil, nil)}}
	for j, n := range res.ColumnTotals {
		c := cellView{Count: num(n), Link: link(nil, res.Columns[j])}
		if res.Percent != nil {
			c.Percent = pct(res.ColumnPercent[j])
		}
		t.Totals.Cells = append(t.Totals.Cells, c)
	}
	return t
}

// chartOf draws a result: lines over periods, bars otherwise; one series
// per column when there are a few, else the rows' totals. It returns ""
// when there is nothing to draw.
func (rp *Reports) chartOf(lang i18n.Lang, res *reports.Result) template.URL {
	if len(res.Rows) == 0 || len(res.Rows) > 40 {
		return ""
	}
	labels := make([]string, len(res.Rows))
	for i := range res.Rows {
		labels[i] = res.RowLabel(lang, rp.Label, i)
	}
	var series []chart.Series
	if len(res.Definition.Columns) > 0 && len(res.Columns) <= 8 {
		for j := range res.Columns {
			s := chart.Series{Name: res.ColumnLabel(lang, rp.Label, j)}
			for i := range res.Rows {
				s.Values = append(s.Values, float64(res.Cells[i][j]))
			}
			series = append(series, s)
		}
	} else {
		s := chart.Series{Name: reports.T(lang, "total")}
		for _, n := range res.RowTotals {
			s.Values = append(s.Values, float64(n))
		}
		series = []chart.Series{s}
	}
	title := res.Title(lang, rp.Label)
	var svg []byte
	if slices.ContainsFunc(res.Definition.Rows, func(dm reports.Dimension) bool { return dm.Kind == reports.KindPeriod }) {
		svg = chart.Lines(title, labels, series)
	} else {
		svg = chart.Bars(title, labels, series)
	}
	if len(svg) == 0 {
		return ""
	}
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg))
}

// reportsPage is what the builder's template gets.
type reportsPage struct {
	Form     reportForm
	Dims     []option
	Ran      bool
	Heavy    bool
	Def      string // the definition run, as JSON
	Table    tableView
	Chart    template.URL
	Errors   map[string]string
	Invalid  bool
	Saved    []store.SavedReport
	FIN      string
	Name     string
	Percents []option
	// The values of the filters.
	Districts, Sexes, Citizenships []classifier.Item
	Care                           []option
}

// orgKey is the organisation saved reports are shared in: the viewer's,
// or the person alone when they act for none.
func orgKey(v *Viewer) string {
	if v.Org != "" {
		return v.Org
	}
	return "person:" + v.FIN
}

// Builder is the report builder: the form, and once asked the table, its
// chart, its exports and the links to the lists behind each cell.
func (rp *Reports) Builder(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if !reports.MayReport(v.Subject) {
		rp.h.Fail(w, r, v, fault.E("web.Reports", fault.Forbidden, reportText("reports.forbidden")))
		return
	}
	lang := Language(w, r)
	ctx := r.Context()
	q := r.URL.Query()
	data := reportsPage{Dims: rp.dimOptions(lang), Errors: map[string]string{}, FIN: v.FIN,
		Districts: classifier.Districts.Items(), Sexes: classifier.Sexes.Items(), Citizenships: classifier.Citizenships.Items()}
	for _, c := range reports.CareValues() {
		data.Care = append(data.Care, option{Value: c, Label: rp.Label(lang, reports.Dimension{Kind: reports.KindCareStatus}, c)})
	}
	for _, p := range []string{"", "row", "column", "total"} {
		data.Percents = append(data.Percents, option{Value: p, Label: reportText("reports.percent." + p).In(lang)})
	}
	saved, err := rp.h.store.SavedReports(ctx, orgKey(v))
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	data.Saved = saved
	var def reports.Definition
	from := map[string]string{}
	var errs []fault.FieldError
	switch {
	case q.Get("saved") != "":
		id, _ := strconv.ParseInt(q.Get("saved"), 10, 64)
		i := slices.IndexFunc(saved, func(s store.SavedReport) bool { return s.ID == id })
		if i < 0 {
			rp.h.Fail(w, r, v, fault.E("web.Reports", fault.NotFound, reportText("reports.nosaved")))
			return
		}
		if def, err = reports.Decode([]byte(saved[i].Definition)); err != nil {
			rp.h.Fail(w, r, v, err)
			return
		}
		data.Form, data.Name, data.Ran = formFrom(def), saved[i].Name, true
	case q.Get("def") != "":
		if def, err = reports.Decode([]byte(q.Get("def"))); err != nil {
			errs = fault.FieldsOf(err)
		}
		data.Form, data.Ran = formFrom(def), true
	case q.Get("run") != "":
		data.Form = formOf(q)
		def, from, errs = data.Form.definition()
		data.Ran = true
	default:
		data.Form = reportForm{Row1: reports.KindRegion, Col1: reports.KindAgeBand}
	}
	status := http.StatusOK
	if data.Ran && len(errs) == 0 {
		b, _ := json.Marshal(def)
		data.Def = string(b)
		if def.Heavy() {
			// Reading the records takes a while: offer the background.
			if err := def.Validate(category.Today(rp.h.now()), rp.svc.Limits); err != nil {
				errs = fault.FieldsOf(err)
			} else {
				data.Heavy = true
			}
		} else if res, err := rp.svc.Run(ctx, v.Subject, def, nil); err != nil {
			if !fault.Is(err, fault.Invalid) {
				rp.h.Fail(w, r, v, err)
				return
			}
			errs = fault.FieldsOf(err)
		} else {
			data.Table = rp.view(lang, res, data.Def)
			data.Chart = rp.chartOf(lang, res)
		}
	}
	if len(errs) > 0 {
		data.Invalid, data.Ran, status = true, false, http.StatusUnprocessableEntity
		for _, fe := range errs {
			field := formField(fe.Field, from)
			if _, dup := data.Errors[field]; !dup {
				data.Errors[field] = fe.Message.In(lang)
			}
		}
	}
	rp.h.render(w, r, "reports", status, v, "reports.title", data)
}

// formField is the form field a definition path came from: the longest
// known prefix of the path, or "form".
func formField(path string, from map[string]string) string {
	if len(from) == 0 {
		if slices.Contains([]string{"row1", "row2", "col1", "col2", "age_from", "age_to", "as_of", "has", "hasnot", "region",
			"district", "sex", "citizenship", "care", "percent"}, path) {
			return path
		}
		return "form"
	}
	best := ""
	for p := range from {
		if (path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[")) && len(p) > len(best) {
			best = p
		}
	}
	if best == "" {
		return "form"
	}
	f := from[best]
	if strings.HasSuffix(path, ".age_to") {
		f = "age_to"
	}
	return f
}
