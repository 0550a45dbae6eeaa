// Package reports is the report builder (regulation §3.2.3, §6.2.5):
// counts of children by any combination of parameters — place, age, sex,
// citizenship, care, the presence or the values of any category, and the
// period of a category's records — as cross-tabs with totals and
// percentages, the lists of the children behind a cell within the
// reader's rights, saved definitions, and long reports run in the
// background.
package reports

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// Definition is a report: what its rows and columns count children by,
// which children it counts, on which day, and how it shows percentages.
// It is what the builder form, the API and saved reports hold, as JSON.
type Definition struct {
	Rows    []Dimension `json:"rows"`
	Columns []Dimension `json:"columns,omitempty"`
	Filters []Filter    `json:"filters,omitempty"`
	// AsOf is the day ages are counted on; today when zero. A current
	// report counts the children who were 0–17 on that day.
	AsOf    category.Date `json:"as_of,omitzero"`
	Options Options       `json:"options,omitzero"`
}

// Options say how a report is shown and which profiles it takes.
type Options struct {
	// Percent is "", "row", "column" or "total": each cell as a share of
	// its row's total, its column's, or the grand total.
	Percent string `json:"percent,omitempty"`
	// IncludeArchived counts archived and closed profiles too. When
	// unset, a report over time includes them (they are still counted in
	// history) and a current report does not.
	IncludeArchived *bool `json:"include_archived,omitempty"`
}

// The kinds of dimension.
const (
	KindRegion      = "region"
	KindDistrict    = "district"
	KindAge         = "age"      // whole years on the as-of day
	KindAgeBand     = "age_band" // AgeBands
	KindSex         = "sex"
	KindCitizenship = "citizenship"
	KindCareStatus  = "care_status"
	KindCategory    = "category" // presence: one value per category the child has
	KindField       = "field"    // the value of a field of a category's current records
	KindPeriod      = "period"   // year or month of the effective date of a category's records
)

// Kinds lists the kinds of dimension in the order the builder offers them.
var Kinds = []string{KindRegion, KindDistrict, KindAge, KindAgeBand, KindSex, KindCitizenship, KindCareStatus, KindCategory, KindField, KindPeriod}

// AgeBands are the age bands every report of the Data Bank uses.
var AgeBands = []string{"0-2", "3-5", "6-9", "10-13", "14-17"}

// ageBandFrom are the first ages of AgeBands.
var ageBandFrom = []int{0, 3, 6, 10, 14}

// CareParents is the care status of a child in the care of its parents:
// no guardianship and not on the register of children deprived of care.
const CareParents = "parents"

// NoValue is the value of a field dimension for a child without the
// record or without the field in it, and of a place, sex or citizenship
// not known.
const NoValue = "-"

// Dimension is what a report's rows or columns count children by.
type Dimension struct {
	Kind string `json:"kind"`
	// Category is the category of a field or period dimension; for a
	// category dimension, Categories optionally narrows the columns.
	Category   string   `json:"category,omitempty"`
	Categories []string `json:"categories,omitempty"`
	// Field is the dotted path of the field of a field dimension, e.g.
	// "grade" or "decision.kind".
	Field string `json:"field,omitempty"`
	// Period is "year" or "month" for a period dimension, over the
	// records taking effect from From to To: by default the ten years
	// (by year) or two years (by month) up to the as-of day.
	Period string        `json:"period,omitempty"`
	From   category.Date `json:"from,omitzero"`
	To     category.Date `json:"to,omitzero"`
}

// Filter narrows the children a report counts. By kind:
//   - region, district, sex, citizenship, care_status, age_band: Values
//     is the set of codes to keep;
//   - age: AgeFrom and AgeTo (either may be left out);
//   - category: Category is present (Present true) or absent (false);
//   - field: Category's current records have Field with one of Values.
type Filter struct {
	Kind     string   `json:"kind"`
	Values   []string `json:"values,omitempty"`
	AgeFrom  *int     `json:"age_from,omitempty"`
	AgeTo    *int     `json:"age_to,omitempty"`
	Category string   `json:"category,omitempty"`
	Present  *bool    `json:"present,omitempty"`
	Field    string   `json:"field,omitempty"`
}

// Limits bound what one report may ask for.
type Limits struct {
	MaxDimensions int // rows and columns together
	MaxCells      int // rows × columns of the table
	MaxFilters    int
	MaxValues     int // values in one filter
	// MaxListRows is the most children one list returns.
	MaxListRows int
}

// DefaultLimits are the limits of the builder.
var DefaultLimits = Limits{MaxDimensions: 3, MaxCells: 5000, MaxFilters: 12, MaxValues: 200, MaxListRows: 10000}

// Heavy reports whether a definition reads the records themselves (a
// field or period dimension, or a field filter) rather than the profile
// projection alone: such reports run in the background from the pages.
func (d Definition) Heavy() bool {
	for _, dm := range d.dims() {
		if dm.Kind == KindField || dm.Kind == KindPeriod {
			return true
		}
	}
	for _, f := range d.Filters {
		if f.Kind == KindField {
			return true
		}
	}
	return false
}

func (d Definition) dims() []Dimension { return append(slices.Clip(d.Rows), d.Columns...) }

// OverTime reports whether the definition counts by period.
func (d Definition) OverTime() bool {
	return slices.ContainsFunc(d.dims(), func(dm Dimension) bool { return dm.Kind == KindPeriod })
}

// Archived reports whether the report counts archived profiles.
func (d Definition) Archived() bool {
	if d.Options.IncludeArchived != nil {
		return *d.Options.IncludeArchived
	}
	return d.OverTime()
}

// Categories returns the categories a definition reveals something of: a
// list of the children behind its cells must be readable in each.
func (d Definition) Categories() []*category.Category {
	var out []*category.Category
	add := func(code string) {
		if c, ok := category.Lookup(code); ok && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, dm := range d.dims() {
		switch dm.Kind {
		case KindField, KindPeriod:
			add(dm.Category)
		case KindCareStatus:
			add(category.CatGuardianship.Code)
			add(category.CatParentalCareRegistry.Code)
		}
	}
	for _, f := range d.Filters {
		switch f.Kind {
		case KindField, KindCategory:
			add(f.Category)
		case KindCareStatus:
			add(category.CatGuardianship.Code)
			add(category.CatParentalCareRegistry.Code)
		}
	}
	return out
}

// asOf is the day the report is counted on: AsOf, or today.
func (d Definition) asOf(today category.Date) category.Date {
	if d.AsOf.IsZero() {
		return today
	}
	return d.AsOf
}

// Decode reads a definition from JSON, refusing unknown fields.
func Decode(raw []byte) (Definition, error) {
	var d Definition
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, fault.E("reports.Decode", fault.Invalid, problem("definition", "bad_json", err.Error()))
	}
	return d, nil
}

// Validate checks a definition against the catalogue and the limits, on
// day today, and returns every wrong field at once.
func (d Definition) Validate(today category.Date, lim Limits) error {
	var errs []fault.FieldError
	add := func(path, code string, args ...any) { errs = append(errs, problem(path, code, args...)) }
	dims := d.dims()
	if len(d.Rows) == 0 {
		add("rows", "rows_required")
	}
	if len(dims) > lim.MaxDimensions {
		add("columns", "too_many_dimensions", lim.MaxDimensions)
	}
	seen := map[string]string{}
	records := 0
	for i, dm := range dims {
		path := fmt.Sprintf("rows[%d]", i)
		if i >= len(d.Rows) {
			path = fmt.Sprintf("columns[%d]", i-len(d.Rows))
		}
		if !slices.Contains(Kinds, dm.Kind) {
			add(path+".kind", "unknown_dimension", strings.Join(Kinds, ", "))
			continue
		}
		key := dm.Kind
		if dm.Kind == KindField || dm.Kind == KindPeriod {
			key = "records"
			records++
		}
		if prev, dup := seen[key]; dup {
			if key == "records" {
				add(path+".kind", "one_records_dimension", prev)
			} else {
				add(path+".kind", "repeated_dimension", prev)
			}
		}
		seen[key] = path
		errs = append(errs, dm.check(path)...)
	}
	if len(d.Filters) > lim.MaxFilters {
		add("filters", "too_many_filters", lim.MaxFilters)
	}
	for i, f := range d.Filters {
		errs = append(errs, f.check(fmt.Sprintf("filters[%d]", i), lim)...)
	}
	if !d.AsOf.IsZero() && d.AsOf.After(today) {
		add("as_of", "date_future")
	}
	if !slices.Contains([]string{"", "row", "column", "total"}, d.Options.Percent) {
		add("options.percent", "one_of", "row, column, total")
	}
	if len(errs) == 0 {
		if cells := d.estimateCells(d.asOf(today)); cells > lim.MaxCells {
			add("columns", "too_many_cells", cells, lim.MaxCells)
		}
	}
	if len(errs) > 0 {
		return fault.E("reports.Validate", fault.Invalid, errs, msgInvalid)
	}
	return nil
}

var msgInvalid = i18n.T("Hesabatın tərifində səhvlər var; göstərilən sahələri düzəldin",
	"The report definition has errors; correct the fields shown",
	"В определении отчёта есть ошибки; исправьте указанные поля")

func (dm Dimension) check(path string) []fault.FieldError {
	var errs []fault.FieldError
	add := func(p, code string, args ...any) { errs = append(errs, problem(p, code, args...)) }
	switch dm.Kind {
	case KindCategory:
		for j, code := range dm.Categories {
			if _, ok := category.Lookup(code); !ok {
				add(fmt.Sprintf("%s.categories[%d]", path, j), "unknown_category")
			}
		}
	case KindField:
		c, ok := category.Lookup(dm.Category)
		if !ok {
			add(path+".category", "unknown_category")
			break
		}
		if _, ok := FieldOf(c, dm.Field); !ok {
			add(path+".field", "unknown_report_field", strings.Join(fieldPaths(c), ", "))
		}
	case KindPeriod:
		if _, ok := category.Lookup(dm.Category); !ok {
			add(path+".category", "unknown_category")
		}
		if dm.Period != "year" && dm.Period != "month" {
			add(path+".period", "one_of", "year, month")
		}
		if !dm.From.IsZero() && !dm.To.IsZero() && dm.To.Before(dm.From) {
			add(path+".to", "date_order", dm.From.String())
		}
	}
	return errs
}

func (f Filter) check(path string, lim Limits) []fault.FieldError {
	var errs []fault.FieldError
	add := func(p, code string, args ...any) { errs = append(errs, problem(p, code, args...)) }
	if len(f.Values) > lim.MaxValues {
		add(path+".values", "too_many", lim.MaxValues)
	}
	values := func(valid func(string) bool) {
		if len(f.Values) == 0 {
			add(path+".values", "required")
		}
		for j, v := range f.Values {
			if !valid(v) {
				add(fmt.Sprintf("%s.values[%d]", path, j), "unknown_value")
			}
		}
	}
	switch f.Kind {
	case KindRegion:
		values(classifier.Regions.Has)
	case KindDistrict:
		values(classifier.Districts.Has)
	case KindSex:
		values(classifier.Sexes.Has)
	case KindCitizenship:
		values(func(v string) bool { return classifier.Citizenships.Has(v) })
	case KindCareStatus:
		values(func(v string) bool { return slices.Contains(careValues(), v) })
	case KindAgeBand:
		values(func(v string) bool { return slices.Contains(AgeBands, v) })
	case KindAge:
		if f.AgeFrom == nil && f.AgeTo == nil {
			add(path+".age_from", "required")
		}
		if f.AgeFrom != nil && (*f.AgeFrom < 0 || *f.AgeFrom > 17) {
			add(path+".age_from", "min_max", 0, 17)
		}
		if f.AgeTo != nil && (*f.AgeTo < 0 || *f.AgeTo > 17) {
			add(path+".age_to", "min_max", 0, 17)
		}
		if f.AgeFrom != nil && f.AgeTo != nil && *f.AgeTo < *f.AgeFrom {
			add(path+".age_to", "age_order")
		}
	case KindCategory:
		if _, ok := category.Lookup(f.Category); !ok {
			add(path+".category", "unknown_category")
		}
		if f.Present == nil {
			add(path+".present", "required")
		}
	case KindField:
		c, ok := category.Lookup(f.Category)
		if !ok {
			add(path+".category", "unknown_category")
			break
		}
		fl, ok := FieldOf(c, f.Field)
		if !ok {
			add(path+".field", "unknown_report_field", strings.Join(fieldPaths(c), ", "))
			break
		}
		values(fl.valid)
	default:
		add(path+".kind", "unknown_filter", "region, district, age, age_band, sex, citizenship, care_status, category, field")
	}
	return errs
}

// estimateCells is the most cells the table can have, from the number of
// values each dimension can take.
func (d Definition) estimateCells(asOf category.Date) int {
	n := 1
	for _, dm := range d.dims() {
		n *= dm.cardinality(asOf)
		if n > 1<<30 {
			return n
		}
	}
	return n
}

// cardinality is how many values a dimension can take; for a period,
// the periods the Data Bank can hold (records from 2000 on).
func (dm Dimension) cardinality(asOf category.Date) int {
	switch dm.Kind {
	case KindRegion:
		return len(classifier.Regions.Codes())
	case KindDistrict:
		return len(classifier.Districts.Codes())
	case KindAge:
		return 18
	case KindAgeBand:
		return len(AgeBands)
	case KindSex:
		return len(classifier.Sexes.Codes())
	case KindCitizenship:
		return len(classifier.Citizenships.Codes()) + 1
	case KindCareStatus:
		return len(careValues())
	case KindCategory:
		if len(dm.Categories) > 0 {
			return len(dm.Categories)
		}
		return len(category.All())
	case KindField:
		c, _ := category.Lookup(dm.Category)
		f, _ := FieldOf(c, dm.Field)
		return f.cardinality() + 1
	case KindPeriod:
		return len(dm.periods(asOf))
	}
	return 1
}

// periods are the periods of a period dimension, oldest first, for a
// report as of asOf: from its From (by default ten years, or two years by
// month, before its To) to its To (by default, and at the latest, asOf).
func (dm Dimension) periods(asOf category.Date) []string {
	from, to := dm.span(asOf)
	var out []string
	if dm.Period == "month" {
		for y, m := from.Year, int(from.Month); y < to.Year || (y == to.Year && m <= int(to.Month)); {
			out = append(out, fmt.Sprintf("%04d-%02d", y, m))
			if m++; m > 12 {
				y, m = y+1, 1
			}
			if len(out) > 1200 {
				break
			}
		}
		return out
	}
	for y := from.Year; y <= to.Year && len(out) <= 200; y++ {
		out = append(out, fmt.Sprintf("%04d", y))
	}
	return out
}

// span is the first and last day of the records a period dimension counts.
func (dm Dimension) span(asOf category.Date) (from, to category.Date) {
	from, to = dm.From, dm.To
	if to.IsZero() || to.After(asOf) {
		to = asOf
	}
	if from.IsZero() {
		if dm.Period == "month" {
			// 24 months: the month of To and the 23 before it.
			from = category.DateOf(time.Date(to.Year, to.Month-23, 1, 0, 0, 0, 0, time.UTC))
		} else {
			from = category.Date{Year: to.Year - 9, Month: 1, Day: 1}
		}
	}
	return from, to
}

// careValues are the care statuses: in the parents' care, deprived of
// parental care (on the register), and each form of care.
func careValues() []string {
	return append([]string{CareParents, "deprived_of_parental_care"}, classifier.CareForms.Codes()...)
}

// CareValues are the care statuses a report counts by.
func CareValues() []string { return careValues() }
