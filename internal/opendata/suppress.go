package opendata

import "fmt"

// Threshold is the smallest count the public module publishes: a cell, a
// total included, below it is suppressed.
const Threshold = 5

// Problem is a disclosure-control problem: counts, each named by a key,
// bound by additive equations (a row and its total, a column and its
// total), across as many tables as share those counts. Tables that share a
// margin — the children of a region appear in several datasets of a year —
// name it by the same key, so that it is one cell here and ends up either
// published everywhere or suppressed everywhere.
//
// Suppress hides every count below the threshold (primary suppression)
// and then, until nothing changes, every equation left with exactly one
// hidden count gets a second one (complementary suppression): it hides the
// smallest published count of that equation. At the fixpoint every
// equation has no hidden count or at least two, so no hidden count can be
// computed from an equation whose other terms are all published, nor by
// repeating that with counts so recovered: a published count is never in
// an equation with a single hidden one. Nor by combining equations: see
// Suppress.
type Problem struct {
	keys  map[string]int
	cells []cell
	lines [][]int // cell indexes: the total, then the parts that sum to it
}

type cell struct {
	key        string
	value      int
	suppressed bool
	primary    bool
	margin     bool // a total of some table
	lines      []int
}

// NewProblem returns an empty problem.
func NewProblem() *Problem { return &Problem{keys: map[string]int{}} }

// Cell adds the count named key, or finds it when another table added it
// already; the same key with another value is an error, for it means the
// tables do not agree.
func (p *Problem) Cell(key string, value int) (int, error) {
	if i, ok := p.keys[key]; ok {
		if p.cells[i].value != value {
			return 0, fmt.Errorf("opendata: %s is %d in one table and %d in another", key, p.cells[i].value, value)
		}
		return i, nil
	}
	if value < 0 {
		return 0, fmt.Errorf("opendata: %s is negative (%d)", key, value)
	}
	p.keys[key] = len(p.cells)
	p.cells = append(p.cells, cell{key: key, value: value})
	return len(p.cells) - 1, nil
}

// Line adds an equation: the parts sum to the total.
func (p *Problem) Line(total int, parts ...int) {
	l := len(p.lines)
	p.lines = append(p.lines, append([]int{total}, parts...))
	for _, c := range p.lines[l] {
		p.cells[c].lines = append(p.cells[c].lines, l)
	}
}

// Suppress runs primary and complementary suppression to the fixpoint.
// It is deterministic: the same problem, built in the same order, gets
// the same cells suppressed.
//
// The rule of two per equation stops an attacker who solves equations one
// unknown at a time, but not one who combines them: a hidden count that
// bridges two groups of hidden counts is the difference of their sums.
// So at each fixpoint the hidden counts that any linear combination of
// the equations determines are found (Gaussian elimination), each gets
// one more hidden partner, and the rule of two runs again, until none is
// determined.
func (p *Problem) Suppress(threshold int) {
	hidden := make([]int, len(p.lines)) // suppressed cells per line
	for i := range p.cells {
		if p.cells[i].value < threshold {
			p.cells[i].primary = true
			p.hide(i, hidden)
		}
	}
	for {
		p.complete(hidden)
		det := p.determined()
		if len(det) == 0 {
			return
		}
		for _, x := range det {
			best := -1
			for _, l := range p.cells[x].lines {
				for _, c := range p.lines[l] {
					if !p.cells[c].suppressed && (best < 0 || p.better(c, best, hidden)) {
						best = c
					}
				}
			}
			if best < 0 { // every equation of x is all hidden: take the cheapest count anywhere
				for c := range p.cells {
					if !p.cells[c].suppressed && (best < 0 || p.better(c, best, hidden)) {
						best = c
					}
				}
			}
			if best >= 0 {
				p.hide(best, hidden)
			}
		}
	}
}

func (p *Problem) hide(c int, hidden []int) {
	p.cells[c].suppressed = true
	for _, l := range p.cells[c].lines {
		hidden[l]++
	}
}

// complete gives every equation with a single hidden count a second one,
// until none is left with one.
func (p *Problem) complete(hidden []int) {
	for changed := true; changed; {
		changed = false
		for l, line := range p.lines {
			if hidden[l] != 1 {
				continue
			}
			best := -1
			for _, c := range line {
				if !p.cells[c].suppressed && (best < 0 || p.better(c, best, hidden)) {
					best = c
				}
			}
			if best < 0 { // a line of one cell: nothing can be recomputed from it
				continue
			}
			p.hide(best, hidden)
			changed = true
		}
	}
}

// prime is the modulus of the elimination: products of two residues fit
// in 64 bits. Working modulo a prime rather than over the rationals can
// only find more counts determined, never fewer, but for a determinant
// that the prime divides, which counts of this size do not reach.
const prime = 1<<31 - 1

// determined returns the hidden counts that the equations determine from
// the published ones: those whose unit vector lies in the row space of
// the equations restricted to the hidden counts.
func (p *Problem) determined() []int {
	col := map[int]int{}
	var unknown []int
	for i := range p.cells {
		if p.cells[i].suppressed {
			col[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	n := len(unknown)
	var rows [][]uint64
	for _, line := range p.lines {
		var row []uint64
		for j, c := range line {
			k, ok := col[c]
			if !ok {
				continue
			}
			if row == nil {
				row = make([]uint64, n)
			}
			if j == 0 { // the total: parts − total = 0
				row[k] = (row[k] + prime - 1) % prime
			} else {
				row[k] = (row[k] + 1) % prime
			}
		}
		if row != nil {
			rows = append(rows, row)
		}
	}
	pivotOf := make([]int, n) // column → its pivot row, or -1
	next := 0
	for c := range n {
		pivotOf[c] = -1
		sel := -1
		for r := next; r < len(rows); r++ {
			if rows[r][c] != 0 {
				sel = r
				break
			}
		}
		if sel < 0 {
			continue
		}
		rows[next], rows[sel] = rows[sel], rows[next]
		pr := rows[next]
		inv := modInverse(pr[c])
		for i := c; i < n; i++ {
			pr[i] = pr[i] * inv % prime
		}
		for r := range rows {
			if r == next || rows[r][c] == 0 {
				continue
			}
			f, row := rows[r][c], rows[r]
			for i := c; i < n; i++ {
				if pr[i] != 0 {
					row[i] = (row[i] + prime - f*pr[i]%prime) % prime
				}
			}
		}
		pivotOf[c] = next
		next++
	}
	var out []int
	for c := range n {
		r := pivotOf[c]
		if r < 0 {
			continue
		}
		alone := true
		for i := c + 1; i < n; i++ {
			if rows[r][i] != 0 {
				alone = false
				break
			}
		}
		if alone {
			out = append(out, unknown[c])
		}
	}
	return out
}

// modInverse is a⁻¹ modulo prime (Fermat).
func modInverse(a uint64) uint64 {
	result, base, e := uint64(1), a%prime, uint64(prime-2)
	for e > 0 {
		if e&1 == 1 {
			result = result * base % prime
		}
		base = base * base % prime
		e >>= 1
	}
	return result
}

// better tells whether hiding cell a costs less than hiding cell b: the
// smaller count first; between equal counts, the one that also completes
// more other equations left with a single hidden count; then a cell
// before a total, which other tables may share; then the one added first.
func (p *Problem) better(a, b int, hidden []int) bool {
	if p.cells[a].value != p.cells[b].value {
		return p.cells[a].value < p.cells[b].value
	}
	fa, fb := 0, 0
	for _, l := range p.cells[a].lines {
		if hidden[l] == 1 {
			fa++
		}
	}
	for _, l := range p.cells[b].lines {
		if hidden[l] == 1 {
			fb++
		}
	}
	if fa != fb {
		return fa > fb
	}
	if p.cells[a].margin != p.cells[b].margin {
		return !p.cells[a].margin
	}
	return a < b
}

// Suppressed tells whether the count named key is suppressed; an unknown
// key is.
func (p *Problem) Suppressed(key string) bool {
	i, ok := p.keys[key]
	return !ok || p.cells[i].suppressed
}

// Published returns the count named key, or nil when it is suppressed.
func (p *Problem) Published(key string) *int {
	i, ok := p.keys[key]
	if !ok || p.cells[i].suppressed {
		return nil
	}
	v := p.cells[i].value
	return &v
}

// Stats counts the cells, and those suppressed for being small (primary)
// and to protect them (complementary).
func (p *Problem) Stats() (cells, primary, complementary int) {
	for _, c := range p.cells {
		switch {
		case c.primary:
			primary++
		case c.suppressed:
			complementary++
		}
	}
	return len(p.cells), primary, complementary
}

// Table adds an additive table: cells[r][c] with its row totals, column
// totals and grand total computed as sums, named interior keys
// prefix/row/column, and margins named by rowKeys, colKeys and totalKey
// so that another table sharing a margin names it the same.
func (p *Problem) Table(prefix string, rowKeys, colKeys []string, totalKey string, cells [][]int) error {
	rowTotals := make([]int, len(rowKeys))
	colTotals := make([]int, len(colKeys))
	total := 0
	for r := range rowKeys {
		for c := range colKeys {
			rowTotals[r] += cells[r][c]
			colTotals[c] += cells[r][c]
			total += cells[r][c]
		}
	}
	return p.TableWithMargins(prefix, rowKeys, colKeys, totalKey, cells, rowTotals, colTotals, total)
}

// TableWithMargins is Table with the margins given; they must be the sums.
func (p *Problem) TableWithMargins(prefix string, rowKeys, colKeys []string, totalKey string, cells [][]int, rowTotals, colTotals []int, total int) error {
	var err error
	add := func(key string, v int) int {
		i, e := p.Cell(key, v)
		if e != nil && err == nil {
			err = e
		}
		return i
	}
	margin := func(key string, v int) int {
		i := add(key, v)
		if err == nil {
			p.cells[i].margin = true
		}
		return i
	}
	grand := margin(totalKey, total)
	rows := make([]int, len(rowKeys))
	for r, k := range rowKeys {
		rows[r] = margin(k, rowTotals[r])
	}
	cols := make([]int, len(colKeys))
	for c, k := range colKeys {
		cols[c] = margin(k, colTotals[c])
	}
	inner := make([][]int, len(rowKeys))
	for r := range rowKeys {
		inner[r] = make([]int, len(colKeys))
		for c := range colKeys {
			inner[r][c] = add(prefix+"/"+rowKeys[r]+"/"+colKeys[c], cells[r][c])
		}
	}
	if err != nil {
		return err
	}
	for r := range rowKeys {
		p.Line(rows[r], inner[r]...)
	}
	for c := range colKeys {
		var col []int
		for r := range rowKeys {
			col = append(col, inner[r][c])
		}
		p.Line(cols[c], col...)
	}
	p.Line(grand, rows...)
	p.Line(grand, cols...)
	return nil
}
