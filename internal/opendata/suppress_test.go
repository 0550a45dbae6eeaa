package opendata

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/scfwca/databank/internal/opendata/opendatatest"
)

// table builds a problem of one additive table with rows r0… and columns
// c0…, margins named R0…, C0… and the grand total T.
func table(t *testing.T, cells [][]int) (*Problem, []string, []string) {
	t.Helper()
	p := NewProblem()
	var rk, ck []string
	for r := range cells {
		rk = append(rk, fmt.Sprintf("R%d", r))
	}
	for c := range cells[0] {
		ck = append(ck, fmt.Sprintf("C%d", c))
	}
	if err := p.Table("t", rk, ck, "T", cells); err != nil {
		t.Fatal(err)
	}
	return p, rk, ck
}

// pattern draws the suppressed interior cells as x and published ones as
// ., then the row totals after |, and the column totals and grand total
// as a last line.
func pattern(p *Problem, rk, ck []string) string {
	var b strings.Builder
	mark := func(key string) {
		if p.Suppressed(key) {
			b.WriteByte('x')
		} else {
			b.WriteByte('.')
		}
	}
	for _, r := range rk {
		for _, c := range ck {
			mark("t/" + r + "/" + c)
		}
		b.WriteByte('|')
		mark(r)
		b.WriteByte('\n')
	}
	for _, c := range ck {
		mark(c)
	}
	b.WriteByte('|')
	mark("T")
	return b.String()
}

func TestSuppressByHand(t *testing.T) {
	cases := []struct {
		name  string
		cells [][]int
		want  string
	}{
		{"nothing small", [][]int{{10, 20}, {30, 40}}, "..|.\n..|.\n..|."},
		// The 3 hides; its row's smallest other count (10) and its
		// column's (20) follow; then row 1 has one hidden and hides 30.
		{"one small cell", [][]int{{3, 10}, {20, 30}}, "xx|.\nxx|.\n..|."},
		// The smallest partner is chosen: 7 in the row, 6 in the column,
		// and then 50 completes both their lines at once.
		{"smallest partners", [][]int{{2, 7, 90}, {6, 50, 80}, {60, 70, 100}}, "xx.|.\nxx.|.\n...|.\n...|."},
		// A small row total hides too, and its row cells with it (both
		// small); the column totals they leave alone need partners.
		{"small total", [][]int{{1, 2}, {30, 40}, {50, 60}}, "xx|x\nxx|x\n..|.\n..|."},
		{"a zero", [][]int{{0, 9, 9}, {9, 9, 9}}, "xx.|.\nxx.|.\n...|."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, rk, ck := table(t, c.cells)
			p.Suppress(Threshold)
			if got := pattern(p, rk, ck); got != c.want {
				t.Errorf("suppressed\n%s\nwant\n%s", got, c.want)
			}
			checkFixpoint(t, p)
		})
	}
}

// TestSharedMarginSuppressedEverywhere: a region total hidden in one table
// (its count is 4) is hidden in the other that shows it, and the tables'
// other margins follow so that it cannot be recomputed there either.
func TestSharedMarginSuppressedEverywhere(t *testing.T) {
	p := NewProblem()
	if err := p.Table("age", []string{"region:a", "region:b", "region:c"}, []string{"age:0", "age:1"}, "all",
		[][]int{{2, 2}, {40, 50}, {60, 70}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Table("sex", []string{"region:a", "region:b", "region:c"}, []string{"sex:m", "sex:f"}, "all",
		[][]int{{1, 3}, {45, 45}, {65, 65}}); err != nil {
		t.Fatal(err)
	}
	p.Suppress(Threshold)
	if !p.Suppressed("region:a") {
		t.Fatal("the region total of 4 is published")
	}
	// region:a hidden means the column of region totals has one hidden:
	// another region total must go, in both tables at once.
	if !p.Suppressed("region:b") {
		t.Error("region:a can be recomputed as all − region:b − region:c")
	}
	checkFixpoint(t, p)
}

func TestTablesThatDisagreeAreRefused(t *testing.T) {
	p := NewProblem()
	if err := p.Table("a", []string{"R"}, []string{"x", "y"}, "all", [][]int{{5, 6}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Table("b", []string{"R"}, []string{"u", "v"}, "all", [][]int{{5, 7}}); err == nil {
		t.Error("a margin of 11 in one table and 12 in another was accepted")
	}
}

// checkFixpoint asserts the invariant: no published count is below the
// threshold, and no equation has exactly one hidden count.
func checkFixpoint(t *testing.T, p *Problem) {
	t.Helper()
	for _, c := range p.cells {
		if !c.suppressed && c.value < Threshold {
			t.Errorf("%s = %d is published", c.key, c.value)
		}
	}
	for _, line := range p.lines {
		n := 0
		for _, c := range line {
			if p.cells[c].suppressed {
				n++
			}
		}
		if n == 1 {
			t.Errorf("an equation has a single hidden count: %v", line)
		}
	}
}

// small draws a count, often below the threshold.
func small(rng *rand.Rand) int {
	switch rng.IntN(4) {
	case 0:
		return rng.IntN(Threshold)
	case 1:
		return rng.IntN(15)
	default:
		return rng.IntN(200)
	}
}

// TestSuppressRandomTables: over many random tables, nothing below the
// threshold is published, the fixpoint holds, the same table is
// suppressed the same way twice, and neither attacker recovers a hidden
// count from the published ones.
func TestSuppressRandomTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 2000 {
		nr, nc := 1+rng.IntN(6), 1+rng.IntN(6)
		cells := make([][]int, nr)
		for r := range cells {
			cells[r] = make([]int, nc)
			for c := range cells[r] {
				cells[r][c] = small(rng)
			}
		}
		p, rk, ck := table(t, cells)
		p.Suppress(Threshold)
		checkFixpoint(t, p)
		again, _, _ := table(t, cells)
		again.Suppress(Threshold)
		if pattern(p, rk, ck) != pattern(again, rk, ck) {
			t.Fatalf("table %d suppressed two ways", i)
		}
		pub := opendatatest.Table{ID: "t", RowDim: "r", ColDim: "c", Additive: true, Total: p.Published("T"),
			Cells: make([][]*int, nr), RowTotals: make([]*int, nr), ColTotals: make([]*int, nc)}
		for r := range rk {
			pub.Rows = append(pub.Rows, rk[r])
			pub.RowTotals[r] = p.Published(rk[r])
			pub.Cells[r] = make([]*int, nc)
			for c := range ck {
				pub.Cells[r][c] = p.Published("t/" + rk[r] + "/" + ck[c])
			}
		}
		pub.Cols = ck
		for c := range ck {
			pub.ColTotals[c] = p.Published(ck[c])
		}
		assertSafe(t, fmt.Sprintf("table %d %v", i, cells), []opendatatest.Table{pub})
		if t.Failed() {
			return
		}
	}
}

// assertSafe attacks published tables and fails if a suppressed count, or
// an implied count below the threshold, is recovered.
func assertSafe(t *testing.T, what string, tables []opendatatest.Table) {
	t.Helper()
	e := opendatatest.Build(tables)
	for name, got := range map[string]map[string]int{"single unknowns": e.SingleUnknowns(), "linear algebra": e.Linear()} {
		for k, v := range got {
			if e.Suppressed[k] {
				t.Errorf("%s: %s recovered the suppressed %s = %d", what, name, k, v)
			}
			if e.Hidden[k] && v < Threshold {
				t.Errorf("%s: %s recovered the implied %s = %d, below the threshold", what, name, k, v)
			}
		}
	}
}
