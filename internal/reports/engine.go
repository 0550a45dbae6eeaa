package reports

import (
	"context"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/store"
)

// Service runs reports over the store.
type Service struct {
	store *store.Store
	now   func() time.Time
	// Limits bound the definitions it accepts.
	Limits Limits
	// Workers is how many database connections one report reads with.
	Workers int
	// ArchiveDays is how long after archiving the participants that sent
	// data about a child may still read it (the operator's parameter);
	// lists ask the access policy with it.
	ArchiveDays func() int
	// wakeC tells the local worker that a job was queued.
	wakeC chan struct{}
}

// New returns the report service over a store; now is the clock.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now, Limits: DefaultLimits, Workers: 2, ArchiveDays: func() int { return 365 },
		wakeC: make(chan struct{}, 1)}
}

// MayReport reports whether a subject may run reports: the operator's
// staff, the participants' heads, officers and commission members, and the
// evaluator; not parents, not auditors, not systems.
func MayReport(s access.Subject) bool {
	if s.Suspended || (s.Org != nil && !s.Org.Active) {
		return false
	}
	switch s.Role {
	case access.OperatorAdmin, access.OperatorAnalyst, access.OrgHead, access.OrgOfficer, access.CommissionMember, access.Evaluator:
		return true
	}
	return false
}

func (s *Service) today() category.Date { return category.Today(s.now()) }

// Run validates a definition and counts it. Aggregate counts are open to
// everyone who may report; they name no child. progress (may be nil) is
// called now and then with the share done, 0 to 1.
func (s *Service) Run(ctx context.Context, who access.Subject, d Definition, progress func(float64)) (*Result, error) {
	if !MayReport(who) {
		return nil, fault.E("reports.Run", fault.Forbidden, msgNoReports)
	}
	today := s.today()
	if err := d.Validate(today, s.Limits); err != nil {
		return nil, err
	}
	p := d.plan(d.asOf(today))
	q := p.scan(s.Workers)
	acc := make([]*accumulator, max(len(q.Parts), 1))
	for i := range acc {
		acc[i] = p.newAccumulator()
	}
	var report func(done, total int64)
	if progress != nil {
		report = func(done, total int64) {
			if total > 0 {
				progress(min(float64(done)/float64(total), 1))
			}
		}
	}
	err := s.store.ScanReport(ctx, q, func(part int, r *store.ReportRow) error {
		acc[part].add(r)
		return nil
	}, report)
	if err != nil {
		return nil, err
	}
	res := p.result(acc)
	if len(res.Rows)*max(len(res.Columns), 1) > s.Limits.MaxCells {
		return nil, fault.E("reports.Run", fault.Invalid, problem("columns", "too_many_cells", len(res.Rows)*len(res.Columns), s.Limits.MaxCells), msgInvalid)
	}
	return res, nil
}

// plan is a definition compiled for one run: what to read, and how each
// dimension takes its value from a child's row.
type plan struct {
	def     Definition
	asOf    category.Date
	dims    []*dimPlan // rows first, then columns
	nRows   int
	columns []string // profile columns read
	// ageFrom[a] is the last birth date of a child aged a or more on the
	// as-of day (a = 0…18).
	ageFrom  [19]string
	ages     [19]bool // the ages a filter keeps (all when !ageCheck)
	ageCheck bool
	// single are the indexes of the single-valued dimensions in dims;
	// cat and rec those of the category and the records dimension (-1).
	single   []int
	cat, rec int
	birthCol int
}

// dimPlan is one dimension of a plan.
type dimPlan struct {
	Dimension
	col    int      // the profile column it reads, or -1
	known  []string // its values in catalogue order
	field  Field    // of a field dimension
	catIdx []int    // category dimension: the bits shown, in order
}

func (d Definition) plan(asOf category.Date) *plan {
	p := &plan{def: d, asOf: asOf, nRows: len(d.Rows), cat: -1, rec: -1}
	for a := range 19 {
		p.ageFrom[a] = asOf.AddYears(-a).String()
	}
	col := func(name string) int {
		if i := slices.Index(p.columns, name); i >= 0 {
			return i
		}
		p.columns = append(p.columns, name)
		return len(p.columns) - 1
	}
	for i, dm := range d.dims() {
		dp := &dimPlan{Dimension: dm, col: -1}
		switch dm.Kind {
		case KindRegion:
			dp.col, dp.known = col("region"), append(classifier.Regions.Codes(), NoValue)
		case KindDistrict:
			dp.col, dp.known = col("district"), append(classifier.Districts.Codes(), NoValue)
		case KindSex:
			dp.col, dp.known = col("sex"), append(classifier.Sexes.Codes(), NoValue)
		case KindCitizenship:
			dp.col, dp.known = col("citizenship"), append(classifier.Citizenships.Codes(), NoValue)
		case KindCareStatus:
			dp.col, dp.known = col("care_status"), careValues()
		case KindAge:
			dp.col = col("birth_date")
			for a := range 18 {
				dp.known = append(dp.known, strconv.Itoa(a))
			}
			if d.OverTime() {
				dp.known = append(dp.known, "18+")
			}
		case KindAgeBand:
			dp.col, dp.known = col("birth_date"), slices.Clone(AgeBands)
			if d.OverTime() {
				dp.known = append(dp.known, "18+")
			}
		case KindCategory:
			cats := dm.Categories
			if len(cats) == 0 {
				for _, c := range category.All() {
					cats = append(cats, c.Code)
				}
			}
			for _, code := range cats {
				c, _ := category.Lookup(code)
				dp.catIdx = append(dp.catIdx, c.Bit)
				dp.known = append(dp.known, code)
			}
			p.cat = i
		case KindField:
			c, _ := category.Lookup(dm.Category)
			dp.field, _ = FieldOf(c, dm.Field)
			dp.known = append(slices.Clone(dp.field.Codes()), NoValue)
			p.rec = i
		case KindPeriod:
			dp.known = dm.periods(asOf)
			p.rec = i
		}
		if dm.Kind != KindCategory && dm.Kind != KindField && dm.Kind != KindPeriod {
			p.single = append(p.single, i)
		}
		p.dims = append(p.dims, dp)
	}
	for a := range p.ages {
		p.ages[a] = true
	}
	p.birthCol = col("birth_date")
	for _, f := range d.Filters {
		switch f.Kind {
		case KindAge, KindAgeBand:
			col("birth_date")
			p.ageCheck = true
			keep := [19]bool{}
			for a := range 18 {
				switch f.Kind {
				case KindAge:
					keep[a] = (f.AgeFrom == nil || a >= *f.AgeFrom) && (f.AgeTo == nil || a <= *f.AgeTo)
				case KindAgeBand:
					keep[a] = slices.Contains(f.Values, bandOf(a))
				}
			}
			for a := range p.ages {
				p.ages[a] = p.ages[a] && keep[a]
			}
		}
	}
	return p
}

// bandOf is the age band of an age.
func bandOf(age int) string {
	if age > 17 {
		return "18+"
	}
	i := 0
	for i+1 < len(ageBandFrom) && age >= ageBandFrom[i+1] {
		i++
	}
	return AgeBands[i]
}

// ageOf is the age on the as-of day of a child born on birth (0–18, 18
// standing for 18 or more; -1 for a child born after the day or with no
// birth date).
func (p *plan) ageOf(birth string) int {
	if birth == "" || birth > p.ageFrom[0] {
		return -1
	}
	// ageFrom is descending: the age is the last a with birth <= ageFrom[a].
	lo, hi := 0, 18
	for lo < hi {
		m := (lo + hi + 1) / 2
		if birth <= p.ageFrom[m] {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo
}

// scan is what the plan reads from the store.
func (p *plan) scan(workers int) store.ReportScan {
	d := p.def
	q := store.ReportScan{Columns: p.columns}
	if !d.Archived() {
		q.Statuses = []string{"active"}
	}
	// The window of ages — a current report counts the children 0–17
	// on the as-of day, and no report those born after it — and the age
	// filters are applied as each child is counted: a birth-date range in
	// the SQL would lead the planners away from the covering index.
	for _, f := range d.Filters {
		switch f.Kind {
		case KindRegion:
			q.Regions = intersect(q.Regions, f.Values)
		case KindDistrict:
			q.Districts = intersect(q.Districts, f.Values)
		case KindSex:
			q.Sexes = intersect(q.Sexes, f.Values)
		case KindCitizenship:
			q.Citizenships = intersect(q.Citizenships, f.Values)
		case KindCareStatus:
			vals := make([]string, len(f.Values))
			for i, v := range f.Values {
				if v != CareParents {
					vals[i] = v
				}
			}
			q.CareStatuses = intersect(q.CareStatuses, vals)
		case KindCategory:
			c, _ := category.Lookup(f.Category)
			if *f.Present {
				q.HasAll |= 1 << c.Bit
			} else {
				q.HasNone |= 1 << c.Bit
			}
		case KindField:
			c, _ := category.Lookup(f.Category)
			fl, _ := FieldOf(c, f.Field)
			q.FactFilters = append(q.FactFilters, store.ReportFactFilter{Category: f.Category, Path: strings.Split(f.Field, "."),
				Values: f.Values, Boolean: fl.Type == "boolean"})
		}
	}
	if p.rec >= 0 {
		dm := p.dims[p.rec]
		v := &store.ReportValues{Category: dm.Category}
		if dm.Kind == KindPeriod {
			from, to := dm.span(p.asOf)
			v.Period, v.From, v.To = dm.Period, from.String(), to.String()
		} else {
			v.Path = strings.Split(dm.Field, ".")
		}
		q.Values = v
	}
	q.Parts = split(workers, q.Regions)
	return q
}

// split shares the regions between workers by their population, so that
// each connection reads about as many children: each reads a range of
// region codes, the first and last open-ended so that every child is read
// (one whose region is not known, or in a region the operator added).
// A report of one region is read by one connection.
func split(workers int, regions []string) []store.ReportPart {
	if workers < 2 || len(regions) == 1 {
		return nil
	}
	codes := slices.Sorted(slices.Values(classifier.Regions.Codes()))
	total := 0.0
	for _, c := range codes {
		total += classifier.RegionShare(c)
	}
	var parts []store.ReportPart
	from, acc := "", 0.0
	for i, c := range codes {
		if len(parts) == workers-1 {
			break
		}
		acc += classifier.RegionShare(c)
		if acc >= total*float64(len(parts)+1)/float64(workers) && i+1 < len(codes) {
			parts = append(parts, store.ReportPart{From: from, To: codes[i+1]})
			from = codes[i+1]
		}
	}
	return append(parts, store.ReportPart{From: from})
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// intersect narrows a value set by another (nil being "any").
func intersect(have, more []string) []string {
	if have == nil {
		return slices.Clone(more)
	}
	out := []string{}
	for _, v := range have {
		if slices.Contains(more, v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return []string{"\x00none"} // nothing matches
	}
	return out
}

// group counts the children of one combination of single-valued values
// (and one record value): how many, and how many of them have each
// category.
type group struct {
	count int64
	bits  [64]int64
}

// accumulator is one worker's counts. Each dimension's values are
// numbered as met, so that a child costs a few comparisons and one map
// lookup.
type accumulator struct {
	p *plan
	// dict[i] numbers the values of dimension i; last caches the last
	// value looked up.
	dict      []map[string]uint64
	codes     [][]string
	lastCode  []string
	lastIdx   []uint64
	lastBirth string
	lastAge   int
	groups    map[uint64]*group // by single values and record value
	children  map[uint64]*group // by single values only (records collapsed)
	key       []uint64
}

func (p *plan) newAccumulator() *accumulator {
	a := &accumulator{p: p, groups: map[uint64]*group{}, children: map[uint64]*group{}, lastAge: -2}
	for range p.dims {
		a.dict = append(a.dict, map[string]uint64{})
		a.codes = append(a.codes, nil)
		a.lastCode = append(a.lastCode, "\x00")
		a.lastIdx = append(a.lastIdx, 0)
	}
	return a
}

// index numbers a value of dimension i.
func (a *accumulator) index(i int, code string) uint64 {
	if code == a.lastCode[i] {
		return a.lastIdx[i]
	}
	n, ok := a.dict[i][code]
	if !ok {
		n = uint64(len(a.codes[i]))
		a.dict[i][code] = n
		a.codes[i] = append(a.codes[i], code)
	}
	a.lastCode[i], a.lastIdx[i] = code, n
	return n
}

func (a *accumulator) age(birth string) int {
	if birth != a.lastBirth || a.lastAge == -2 {
		a.lastBirth, a.lastAge = birth, a.p.ageOf(birth)
	}
	return a.lastAge
}

// add counts one child.
func (a *accumulator) add(r *store.ReportRow) {
	p := a.p
	if age := a.age(r.Cols[p.birthCol]); age < 0 || (age > 17 && !p.def.OverTime()) || !p.ages[age] {
		return
	}
	var key uint64
	for _, i := range p.single {
		dp := p.dims[i]
		code := r.Cols[dp.col]
		switch dp.Kind {
		case KindAge, KindAgeBand:
			age := a.age(code)
			if age < 0 {
				return
			}
			if dp.Kind == KindAge {
				code = strconv.Itoa(age)
				if age >= 18 {
					code = "18+"
				}
			} else {
				code = bandOf(age)
			}
		case KindCareStatus:
			if code == "" {
				code = CareParents
			}
		default:
			if code == "" {
				code = NoValue // not known
			}
		}
		key = key<<16 | a.index(i, code)
	}
	if p.rec < 0 {
		a.count(a.groups, key, r.Categories)
		return
	}
	dp := p.dims[p.rec]
	vals := r.Values
	if dp.Kind == KindPeriod && len(vals) == 0 {
		return // a report over time counts children with records in its periods
	}
	a.count(a.children, key, r.Categories)
	if len(vals) == 0 {
		a.count(a.groups, key<<16|a.index(p.rec, NoValue), r.Categories)
		return
	}
	seen := a.key[:0]
	for _, v := range vals {
		if dp.Kind == KindField {
			v = dp.field.normalize(v)
		}
		if v == "" {
			v = NoValue
		}
		n := a.index(p.rec, v)
		if slices.Contains(seen, n) {
			continue
		}
		seen = append(seen, n)
		a.count(a.groups, key<<16|n, r.Categories)
	}
	a.key = seen
}

func (a *accumulator) count(m map[uint64]*group, key uint64, cats int64) {
	g := m[key]
	if g == nil {
		g = &group{}
		m[key] = g
	}
	g.count++
	if a.p.cat >= 0 {
		for c := uint64(cats); c != 0; c &= c - 1 {
			g.bits[bits.TrailingZeros64(c)]++
		}
	}
}
