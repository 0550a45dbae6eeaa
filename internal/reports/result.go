package reports

import (
	"slices"
	"sort"
	"strings"

	"github.com/scfwca/databank/internal/category"
)

// Result is a counted report: a cross-tab of children with its totals.
// Rows and Columns hold, for each row and column, the codes of its values
// (one per row or column dimension; a report without column dimensions
// has one column with no codes). Totals count distinct children: with a
// multi-valued dimension (categories, a field of records that a child may
// have several of, periods) a child is counted in every cell it belongs
// to, so cells may add up to more than their total.
type Result struct {
	Definition   Definition    `json:"definition"`
	AsOf         category.Date `json:"as_of"`
	Rows         [][]string    `json:"rows"`
	Columns      [][]string    `json:"columns"`
	Cells        [][]int64     `json:"cells"`
	RowTotals    []int64       `json:"row_totals"`
	ColumnTotals []int64       `json:"column_totals"`
	Total        int64         `json:"total"`
	// Percent holds each cell as a share (0–100) of its row's total, its
	// column's or the grand total, as the definition asks; with it, the
	// row and column totals as shares of the grand total.
	Percent         [][]float64 `json:"percent,omitempty"`
	RowPercent      []float64   `json:"row_percent,omitempty"`
	ColumnPercent   []float64   `json:"column_percent,omitempty"`
	MultiValued     bool        `json:"multi_valued"`
	ArchivedCounted bool        `json:"archived_counted"`
}

// RowDims and ColumnDims are the result's dimensions.
func (r *Result) RowDims() []Dimension    { return r.Definition.Rows }
func (r *Result) ColumnDims() []Dimension { return r.Definition.Columns }

// merged is a group with its values as codes, one per dimension ("" for
// the category dimension and, in the children's groups, the records one).
type merged struct {
	codes []string
	g     *group
}

// result merges the workers' counts into the table.
func (p *plan) result(acc []*accumulator) *Result {
	groups := map[string]*merged{}
	children := map[string]*merged{}
	for _, a := range acc {
		a.merge(groups, a.groups, true)
		a.merge(children, a.children, false)
	}
	if p.rec < 0 {
		children = groups
	}
	nd := len(p.dims)
	isRow := func(i int) bool { return i < p.nRows }
	// tally counts, for the dimensions kept, the distinct children of
	// each combination of their values.
	tally := func(keep func(int) bool) map[string]int64 {
		src := groups
		catKept := p.cat >= 0 && keep(p.cat)
		if p.rec >= 0 && !keep(p.rec) {
			src = children
		}
		out := map[string]int64{}
		key := make([]string, nd)
		for _, m := range src {
			for i := range nd {
				key[i] = ""
				if keep(i) {
					key[i] = m.codes[i]
				}
			}
			if !catKept {
				out[strings.Join(key, "\x1f")] += m.g.count
				continue
			}
			dp := p.dims[p.cat]
			for j, bit := range dp.catIdx {
				if n := m.g.bits[bit]; n > 0 {
					key[p.cat] = dp.known[j]
					out[strings.Join(key, "\x1f")] += n
				}
			}
		}
		return out
	}
	cells := tally(func(int) bool { return true })
	rowTot := tally(isRow)
	colTot := tally(func(i int) bool { return !isRow(i) })
	total := tally(func(int) bool { return false })[strings.Repeat("\x1f", nd-1)]

	// The values of each dimension: its catalogue, and any other value
	// met; a dimension of many values shows only those met.
	values := make([][]string, nd)
	for i, dp := range p.dims {
		met := map[string]bool{}
		for _, m := range groups {
			met[m.codes[i]] = true
		}
		var vs []string
		for _, v := range dp.known {
			if met[v] || (v != NoValue && (len(dp.known) <= 20 || dp.Kind == KindCategory || dp.Kind == KindPeriod)) {
				vs = append(vs, v)
			}
		}
		var extra []string
		for v := range met {
			if i != p.cat && !slices.Contains(dp.known, v) {
				extra = append(extra, v)
			}
		}
		sort.Strings(extra)
		if dp.Kind == KindField && dp.field.Type == "integer" {
			sortNumeric(extra)
		}
		values[i] = append(vs, extra...)
	}
	axis := func(dims []int, totals map[string]int64) ([][]string, []int64) {
		combos := [][]string{{}}
		for _, i := range dims {
			var next [][]string
			for _, c := range combos {
				for _, v := range values[i] {
					next = append(next, append(slices.Clip(c), v))
				}
			}
			combos = next
		}
		var out [][]string
		var tots []int64
		for _, c := range combos {
			n := totals[axisKey(nd, dims, c)]
			if len(combos) > 40 && n == 0 {
				continue
			}
			out = append(out, c)
			tots = append(tots, n)
		}
		return out, tots
	}
	var rowDims, colDims []int
	for i := range nd {
		if isRow(i) {
			rowDims = append(rowDims, i)
		} else {
			colDims = append(colDims, i)
		}
	}
	res := &Result{Definition: p.def, AsOf: p.asOf, Total: total, ArchivedCounted: p.def.Archived()}
	res.Rows, res.RowTotals = axis(rowDims, rowTot)
	res.Columns, res.ColumnTotals = axis(colDims, colTot)
	res.MultiValued = p.cat >= 0 || (p.rec >= 0)
	res.Cells = make([][]int64, len(res.Rows))
	for r, rc := range res.Rows {
		res.Cells[r] = make([]int64, len(res.Columns))
		for c, cc := range res.Columns {
			codes := make([]string, nd)
			for j, i := range rowDims {
				codes[i] = rc[j]
			}
			for j, i := range colDims {
				codes[i] = cc[j]
			}
			res.Cells[r][c] = cells[strings.Join(codes, "\x1f")]
		}
	}
	res.percentages()
	return res
}

// axisKey is the tally key of an axis's combination of values.
func axisKey(nd int, dims []int, combo []string) string {
	key := make([]string, nd)
	for j, i := range dims {
		key[i] = combo[j]
	}
	return strings.Join(key, "\x1f")
}

func (a *accumulator) merge(into map[string]*merged, from map[uint64]*group, withRec bool) {
	p := a.p
	for key, g := range from {
		codes := make([]string, len(p.dims))
		if withRec && p.rec >= 0 {
			codes[p.rec] = a.codes[p.rec][key&0xffff]
			key >>= 16
		}
		for j := len(p.single) - 1; j >= 0; j-- {
			i := p.single[j]
			codes[i] = a.codes[i][key&0xffff]
			key >>= 16
		}
		k := strings.Join(codes, "\x1f")
		m := into[k]
		if m == nil {
			m = &merged{codes: codes, g: &group{}}
			into[k] = m
		}
		m.g.count += g.count
		for b := range g.bits {
			m.g.bits[b] += g.bits[b]
		}
	}
}

func sortNumeric(vs []string) {
	sort.Slice(vs, func(i, j int) bool {
		if len(vs[i]) != len(vs[j]) {
			return len(vs[i]) < len(vs[j])
		}
		return vs[i] < vs[j]
	})
}

// percentages fills Percent as the definition asks.
func (r *Result) percentages() {
	share := func(n, of int64) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) * 100 / float64(of)
	}
	if r.Definition.Options.Percent == "" {
		return
	}
	r.Percent = make([][]float64, len(r.Cells))
	for i, row := range r.Cells {
		r.Percent[i] = make([]float64, len(row))
		for j, n := range row {
			switch r.Definition.Options.Percent {
			case "row":
				r.Percent[i][j] = share(n, r.RowTotals[i])
			case "column":
				r.Percent[i][j] = share(n, r.ColumnTotals[j])
			case "total":
				r.Percent[i][j] = share(n, r.Total)
			}
		}
	}
	for _, n := range r.RowTotals {
		r.RowPercent = append(r.RowPercent, share(n, r.Total))
	}
	for _, n := range r.ColumnTotals {
		r.ColumnPercent = append(r.ColumnPercent, share(n, r.Total))
	}
}
