package opendata

import (
	"github.com/scfwca/databank/internal/i18n"
)

// Table is one dataset of one year as published: nil counts are
// suppressed.
type Table struct {
	Dataset      *Dataset
	Year         Year
	Rows, Cols   []Item
	Cells        [][]*int // [row][column]
	RowTotals    []*int
	ColTotals    []*int
	Total        *int
	Suppressed   int // cells, totals included, published as null
	CellsInTable int // cells, totals included
}

// raw is a table before suppression, with the keys that name its counts
// in the year's problem.
type raw struct {
	ds                   *Dataset
	rows, cols           []Item
	rowKeys, colKeys     []string
	cells                [][]int
	rowTotals, colTotals []int
	total                int
	cellKey              func(r, c int) string
}

// The keys of the margins the datasets share.
const totalKey = "all"

func regionKey(code string) string { return "region:" + code }
func bandKey(code string) string   { return "age:" + code }
func sexKey(code string) string    { return "sex:" + code }

// Publish builds every dataset of the year from its counts, and
// suppresses, across all of them at once, every count below Threshold
// and the counts that would let one be recomputed. It returns the tables
// in the order of Datasets.
func Publish(c *Counts) ([]*Table, error) {
	// Rows and columns: a region or sex nobody is counted in is shown
	// only if it is a live entry of its classifier.
	var regionRows, sexCols []int
	for r, it := range c.Regions {
		if (it.Code != Unknown && !c.retired[it.Code]) || c.RegionTotal(r) > 0 {
			regionRows = append(regionRows, r)
		}
	}
	for s, it := range c.Sexes {
		n := 0
		for r := range c.Regions {
			for a := range AgeBands {
				n += c.Children[r][a][s]
			}
		}
		if it.Code != Unknown || n > 0 {
			sexCols = append(sexCols, s)
		}
	}
	var regionItems, bandItems, sexItems []Item
	var regionKeys, bandKeys, sexKeys []string
	for _, r := range regionRows {
		regionItems, regionKeys = append(regionItems, c.Regions[r]), append(regionKeys, regionKey(c.Regions[r].Code))
	}
	for _, b := range AgeBands {
		bandItems, bandKeys = append(bandItems, Item{b.Code, i18n.T(b.Code, b.Code, b.Code)}), append(bandKeys, bandKey(b.Code))
	}
	for _, s := range sexCols {
		sexItems, sexKeys = append(sexItems, c.Sexes[s]), append(sexKeys, sexKey(c.Sexes[s].Code))
	}
	sum := func(region, band, sex []int) int {
		n := 0
		for _, r := range region {
			for _, a := range band {
				for _, s := range sex {
					n += c.Children[r][a][s]
				}
			}
		}
		return n
	}
	bands := make([]int, len(AgeBands))
	for a := range bands {
		bands[a] = a
	}
	grid := func(nr, nc int, f func(r, c int) int) [][]int {
		g := make([][]int, nr)
		for r := range g {
			g[r] = make([]int, nc)
			for col := range g[r] {
				g[r][col] = f(r, col)
			}
		}
		return g
	}
	additive := func(ds *Dataset, rows, cols []Item, rk, ck []string, cells [][]int) *raw {
		t := &raw{ds: ds, rows: rows, cols: cols, rowKeys: rk, colKeys: ck, cells: cells,
			rowTotals: make([]int, len(rows)), colTotals: make([]int, len(cols))}
		for r := range rows {
			for col := range cols {
				t.rowTotals[r] += cells[r][col]
				t.colTotals[col] += cells[r][col]
				t.total += cells[r][col]
			}
		}
		t.cellKey = func(r, col int) string { return ds.ID + "/" + rk[r] + "/" + ck[col] }
		return t
	}
	tables := []*raw{
		additive(ByRegionAge, regionItems, bandItems, regionKeys, bandKeys, grid(len(regionRows), len(AgeBands), func(r, a int) int {
			return sum([]int{regionRows[r]}, []int{a}, sexCols)
		})),
		additive(ByRegionSex, regionItems, sexItems, regionKeys, sexKeys, grid(len(regionRows), len(sexCols), func(r, s int) int {
			return sum([]int{regionRows[r]}, bands, []int{sexCols[s]})
		})),
		additive(ByAgeSex, bandItems, sexItems, bandKeys, sexKeys, grid(len(AgeBands), len(sexCols), func(a, s int) int {
			return sum(regionRows, []int{a}, []int{sexCols[s]})
		})),
	}

	p := NewProblem()
	for _, t := range tables {
		if err := p.Table(t.ds.ID, t.rowKeys, t.colKeys, totalKey, t.cells); err != nil {
			return nil, err
		}
	}
	// The category dataset publishes, for each key category, the
	// children with it; those without it are the region's children less
	// those, so each category is an additive table of two columns —
	// with and without — whose row totals are the regions' children.
	// Both columns go into the problem, so that a small number of
	// children without a category is protected as well as a small
	// number with it.
	catItems := make([]Item, len(KeyCategories))
	catKeys := make([]string, len(KeyCategories))
	cat := &raw{ds: ByRegionCategory, rows: regionItems, rowKeys: regionKeys, cols: catItems, colKeys: catKeys,
		cells:     grid(len(regionRows), len(KeyCategories), func(r, k int) int { return c.WithCategory[k][regionRows[r]] }),
		rowTotals: make([]int, len(regionRows)), colTotals: make([]int, len(KeyCategories))}
	for k, kc := range KeyCategories {
		catItems[k] = Item{kc.Code, kc.Title}
		catKeys[k] = "category:" + kc.Code + ":with"
		cells := make([][]int, len(regionRows))
		for r := range regionRows {
			with, all := c.WithCategory[k][regionRows[r]], c.RegionTotal(regionRows[r])
			if with > all {
				with = all // cannot happen with counts from one snapshot; keep the table additive if it does
			}
			cells[r] = []int{with, all - with}
			cat.cells[r][k] = with
			cat.colTotals[k] += with
		}
		if err := p.Table("category:"+kc.Code, regionKeys, []string{catKeys[k], "category:" + kc.Code + ":without"}, totalKey, cells); err != nil {
			return nil, err
		}
	}
	for r := range regionRows {
		cat.rowTotals[r] = c.RegionTotal(regionRows[r])
		cat.total += cat.rowTotals[r]
	}
	cat.cellKey = func(r, k int) string {
		return "category:" + KeyCategories[k].Code + "/" + regionKeys[r] + "/" + catKeys[k]
	}
	tables = append(tables, cat)

	p.Suppress(Threshold)

	out := make([]*Table, len(tables))
	for i, t := range tables {
		pub := &Table{Dataset: t.ds, Year: c.Year, Rows: t.rows, Cols: t.cols,
			Cells: make([][]*int, len(t.rows)), RowTotals: make([]*int, len(t.rows)), ColTotals: make([]*int, len(t.cols))}
		count := func(key string) *int {
			pub.CellsInTable++
			v := p.Published(key)
			if v == nil {
				pub.Suppressed++
			}
			return v
		}
		for r := range t.rows {
			pub.Cells[r] = make([]*int, len(t.cols))
			for col := range t.cols {
				pub.Cells[r][col] = count(t.cellKey(r, col))
			}
			pub.RowTotals[r] = count(t.rowKeys[r])
		}
		for col := range t.cols {
			pub.ColTotals[col] = count(t.colKeys[col])
		}
		pub.Total = count(totalKey)
		out[i] = pub
	}
	return out, nil
}
