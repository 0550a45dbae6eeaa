// Package opendatatest attacks what the public module publishes, as an
// outsider would: from the published tables of a year alone, it writes
// every equation they state — each row and column with its total, the
// totals shared between tables, and for the category table the children
// without each category that the totals imply — and recovers what it can.
// Tests assert that it never recovers a suppressed count.
package opendatatest

import (
	"maps"
	"math/big"
	"slices"
)

// Table is a published table as read from the API: codes of its rows and
// columns, the dimensions they belong to, and counts, nil when suppressed.
// In an additive table a row total is the sum of its row; otherwise (the
// category table) each cell is the children of the row with the column's
// category, and the row total all the row's children.
type Table struct {
	ID             string
	RowDim, ColDim string
	Rows, Cols     []string
	Cells          [][]*int
	RowTotals      []*int
	ColTotals      []*int
	Total          *int
	Additive       bool
}

// equation is sum(terms) = 0 over named counts with coefficients.
type equation map[string]int

// Equations are the linear equations the tables state, and what they
// publish.
type Equations struct {
	eqs   []equation
	Known map[string]int
	// Hidden are counts never published but implied (those without a
	// category): recovering one is no disclosure unless it is small.
	Hidden map[string]bool
	// Suppressed are the keys of the counts published as null.
	Suppressed map[string]bool
}

// Build states the equations of a year's tables. Margins are named by
// their dimension and code, so that the children of a region are one
// unknown in every table that shows them.
func Build(tables []Table) *Equations {
	e := &Equations{Known: map[string]int{}, Hidden: map[string]bool{}, Suppressed: map[string]bool{}}
	see := func(key string, v *int) string {
		if v == nil {
			e.Suppressed[key] = true
		} else {
			e.Known[key] = *v
		}
		return key
	}
	for _, t := range tables {
		total := see("all", t.Total)
		rows := make([]string, len(t.Rows))
		for r, code := range t.Rows {
			rows[r] = see(t.RowDim+":"+code, t.RowTotals[r])
		}
		cols := make([]string, len(t.Cols))
		for c, code := range t.Cols {
			cols[c] = see(t.ColDim+":"+code, t.ColTotals[c])
		}
		cell := make([][]string, len(t.Rows))
		for r := range t.Rows {
			cell[r] = make([]string, len(t.Cols))
			for c := range t.Cols {
				cell[r][c] = see(t.ID+"/"+t.Rows[r]+"/"+t.Cols[c], t.Cells[r][c])
			}
		}
		sum := func(total string, parts ...string) {
			eq := equation{total: -1}
			for _, p := range parts {
				eq[p]++
			}
			e.eqs = append(e.eqs, eq)
		}
		sum(total, rows...)
		for c := range t.Cols {
			col := make([]string, len(t.Rows))
			for r := range t.Rows {
				col[r] = cell[r][c]
			}
			sum(cols[c], col...)
		}
		if t.Additive {
			for r := range t.Rows {
				sum(rows[r], cell[r]...)
			}
			sum(total, cols...)
			continue
		}
		for c := range t.Cols {
			without := t.ID + "/total/" + t.Cols[c] + "/without"
			e.Hidden[without] = true
			col := make([]string, len(t.Rows))
			for r := range t.Rows {
				col[r] = t.ID + "/" + t.Rows[r] + "/" + t.Cols[c] + "/without"
				e.Hidden[col[r]] = true
				sum(rows[r], cell[r][c], col[r])
			}
			sum(without, col...)
			sum(total, cols[c], without)
		}
	}
	return e
}

// SingleUnknowns recovers counts by solving, again and again until
// nothing more comes, every equation with a single unknown. It returns
// the counts recovered that were not published.
func (e *Equations) SingleUnknowns() map[string]int {
	known := maps.Clone(e.Known)
	got := map[string]int{}
	for changed := true; changed; {
		changed = false
		for _, eq := range e.eqs {
			var unknown string
			n, rest := 0, 0
			for k, coef := range eq {
				if v, ok := known[k]; ok {
					rest += coef * v
				} else {
					n++
					unknown = k
				}
			}
			if n == 1 {
				v := -rest / eq[unknown]
				known[unknown], got[unknown] = v, v
				changed = true
			}
		}
	}
	return got
}

// Linear recovers every count that any linear combination of the
// equations determines (exact Gaussian elimination over the rationals):
// a stronger attacker than SingleUnknowns.
func (e *Equations) Linear() map[string]int {
	var unknowns []string
	index := map[string]int{}
	for _, eq := range e.eqs {
		for _, k := range slices.Sorted(maps.Keys(eq)) {
			if _, ok := e.Known[k]; !ok {
				if _, seen := index[k]; !seen {
					index[k] = len(unknowns)
					unknowns = append(unknowns, k)
				}
			}
		}
	}
	n := len(unknowns)
	var rows [][]*big.Rat // n coefficients, then the constant
	for _, eq := range e.eqs {
		row := make([]*big.Rat, n+1)
		for i := range row {
			row[i] = new(big.Rat)
		}
		for k, coef := range eq {
			if v, ok := e.Known[k]; ok {
				row[n].Sub(row[n], big.NewRat(int64(coef*v), 1))
			} else {
				row[index[k]].Add(row[index[k]], big.NewRat(int64(coef), 1))
			}
		}
		rows = append(rows, row)
	}
	// Reduced row echelon form.
	pivotRow := 0
	pivots := map[int]int{} // column → row
	for col := 0; col < n && pivotRow < len(rows); col++ {
		sel := -1
		for r := pivotRow; r < len(rows); r++ {
			if rows[r][col].Sign() != 0 {
				sel = r
				break
			}
		}
		if sel < 0 {
			continue
		}
		rows[pivotRow], rows[sel] = rows[sel], rows[pivotRow]
		inv := new(big.Rat).Inv(rows[pivotRow][col])
		for i := range rows[pivotRow] {
			rows[pivotRow][i].Mul(rows[pivotRow][i], inv)
		}
		var nonzero []int
		for i, v := range rows[pivotRow] {
			if v.Sign() != 0 {
				nonzero = append(nonzero, i)
			}
		}
		prod := new(big.Rat)
		for r := range rows {
			if r == pivotRow || rows[r][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(rows[r][col])
			for _, i := range nonzero {
				rows[r][i].Sub(rows[r][i], prod.Mul(f, rows[pivotRow][i]))
			}
		}
		pivots[col] = pivotRow
		pivotRow++
	}
	got := map[string]int{}
	for col, r := range pivots {
		alone := true
		for i := 0; i < n; i++ {
			if i != col && rows[r][i].Sign() != 0 {
				alone = false
				break
			}
		}
		if alone {
			v := rows[r][n]
			if v.IsInt() {
				got[unknowns[col]] = int(v.Num().Int64())
			} else {
				got[unknowns[col]] = -1 << 31 // inconsistent: flagged by the caller's checks
			}
		}
	}
	return got
}

// Ptr returns a pointer to v, for building tables by hand.
func Ptr(v int) *int { return &v }
