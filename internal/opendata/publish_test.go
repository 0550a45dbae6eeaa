package opendata

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/opendata/opendatatest"
)

// Attackable turns published tables into what the attacker reads.
func attackable(tables []*Table) []opendatatest.Table {
	var out []opendatatest.Table
	for _, t := range tables {
		a := opendatatest.Table{ID: t.Dataset.ID, RowDim: t.Dataset.Rows.ID, ColDim: t.Dataset.Cols.ID,
			Cells: t.Cells, RowTotals: t.RowTotals, ColTotals: t.ColTotals, Total: t.Total, Additive: t.Dataset.Additive}
		for _, r := range t.Rows {
			a.Rows = append(a.Rows, r.Code)
		}
		for _, c := range t.Cols {
			a.Cols = append(a.Cols, c.Code)
		}
		out = append(out, a)
	}
	return out
}

// randomCounts is a population with many small groups: some regions
// nearly empty, sexes unrecorded now and then, categories from none to
// all of a region's children.
func randomCounts(rng *rand.Rand) *Counts {
	c := NewCounts(Year{Year: 2025, AsOf: category.MustDate("2025-12-31")})
	for r := range c.Regions {
		scale := []int{0, 3, 20, 400}[rng.IntN(4)]
		if c.Regions[r].Code == Unknown && rng.IntN(2) == 0 {
			scale = 0
		}
		for a := range AgeBands {
			for s := range c.Sexes {
				if scale > 0 && (c.Sexes[s].Code != Unknown || rng.IntN(3) == 0) {
					c.Children[r][a][s] = rng.IntN(scale + 1)
				}
			}
		}
	}
	for k := range KeyCategories {
		for r := range c.Regions {
			all := c.RegionTotal(r)
			switch rng.IntN(4) {
			case 0:
				c.WithCategory[k][r] = rng.IntN(min(all, 6) + 1)
			case 1:
				c.WithCategory[k][r] = all - rng.IntN(min(all, 6)+1)
			default:
				c.WithCategory[k][r] = rng.IntN(all + 1)
			}
		}
	}
	return c
}

// TestPublishRandomPopulations: over many random populations, every
// published count is the true one and at least the threshold, and
// neither attacker, reading all the year's tables together, recovers a
// suppressed count or a small implied one.
func TestPublishRandomPopulations(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range 150 {
		c := randomCounts(rng)
		tables, err := Publish(c)
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != len(Datasets()) {
			t.Fatalf("%d tables", len(tables))
		}
		checkTruth(t, c, tables)
		assertSafe(t, fmt.Sprintf("population %d", i), attackable(tables))
		if t.Failed() {
			return
		}
	}
}

// checkTruth holds every published count to the counts and the
// threshold.
func checkTruth(t *testing.T, c *Counts, tables []*Table) {
	t.Helper()
	region := map[string]int{}
	for r, it := range c.Regions {
		region[it.Code] = r
	}
	sex := map[string]int{}
	for s, it := range c.Sexes {
		sex[it.Code] = s
	}
	band := map[string]int{}
	for a, b := range AgeBands {
		band[b.Code] = a
	}
	// count sums the children over the codes given (nil: all).
	count := func(regions, bands, sexes []string) int {
		n := 0
		for r, ri := range c.Regions {
			for a, b := range AgeBands {
				for s, si := range c.Sexes {
					if in(regions, ri.Code) && in(bands, b.Code) && in(sexes, si.Code) {
						n += c.Children[r][a][s]
					}
				}
			}
		}
		return n
	}
	check := func(what string, v *int, want int) {
		if v == nil {
			return
		}
		if *v != want {
			t.Errorf("%s = %d, want %d", what, *v, want)
		}
		if *v < Threshold {
			t.Errorf("%s = %d is published, below the threshold", what, *v)
		}
	}
	for _, tb := range tables {
		for r, row := range tb.Rows {
			for col, cl := range tb.Cols {
				var want int
				switch tb.Dataset {
				case ByRegionAge:
					want = count([]string{row.Code}, []string{cl.Code}, nil)
				case ByRegionSex:
					want = count([]string{row.Code}, nil, []string{cl.Code})
				case ByAgeSex:
					want = count(nil, []string{row.Code}, []string{cl.Code})
				case ByRegionCategory:
					want = c.WithCategory[col][region[row.Code]]
				}
				check(tb.Dataset.ID+"/"+row.Code+"/"+cl.Code, tb.Cells[r][col], want)
			}
			want := count([]string{row.Code}, nil, nil)
			if tb.Dataset == ByAgeSex {
				want = count(nil, []string{row.Code}, nil)
			}
			check(tb.Dataset.ID+" total of "+row.Code, tb.RowTotals[r], want)
		}
		check(tb.Dataset.ID+" total", tb.Total, count(nil, nil, nil))
	}
}

func in(list []string, s string) bool {
	if list == nil {
		return true
	}
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestYearsAndAges: the years run from the first record's to this one
// (at most MaxYears), the last provisional as of today; ages are counted
// on the reference day.
func TestYearsAndAges(t *testing.T) {
	today := category.MustDate("2026-03-10")
	ys := Years(2023, today)
	if len(ys) != 4 || ys[0].AsOf.String() != "2023-12-31" || ys[3].AsOf != today || !ys[3].Provisional || ys[2].Provisional {
		t.Errorf("Years = %+v", ys)
	}
	if ys := Years(1990, today); len(ys) != MaxYears || ys[0].Year != 2017 {
		t.Errorf("from 1990: %d years from %d", len(ys), ys[0].Year)
	}
	if ys := Years(0, today); len(ys) != 1 || ys[0].Year != 2026 {
		t.Errorf("no record yet: %+v", ys)
	}
	// Born in 2008: 17 on 31 December 2025, counted; in 2007: 18, not.
	end := NewCounts(Year{Year: 2025, AsOf: category.MustDate("2025-12-31")})
	if end.Age(2008, false) != 17 || end.Age(2007, false) != 18 || end.Age(2025, false) != 0 {
		t.Error("ages on 31 December are the year less the year of birth")
	}
	now := NewCounts(Year{Year: 2026, AsOf: today, Provisional: true})
	if now.Age(2008, true) != 18 || now.Age(2008, false) != 17 || now.Age(2026, false) != -1 {
		t.Error("ages today depend on the birthday")
	}
	now.AddChildren(2026, false, "baki", "male", 3) // not born yet
	now.AddChildren(2008, true, "baki", "male", 4)  // 18 already
	now.AddChildren(2008, false, "baki", "male", 5) // 17
	now.AddChildren(2020, true, "nowhere", "", 6)   // 6, place and sex unknown
	if now.Children[now.region("baki")][4][now.sex("male")] != 5 || now.Children[now.region(Unknown)][2][now.sex(Unknown)] != 6 {
		t.Errorf("counted %v", now.Children)
	}
	if MonthDay(category.MustDate("2026-02-28")) != "02-29" || MonthDay(category.MustDate("2028-02-28")) != "02-28" {
		t.Error("a child born on 29 February has its birthday on 28 February in a common year")
	}
}
