package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/opendata"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// openChild is a child of the open-data test population.
type openChild struct {
	fin, born, sex, district, region string
	died                             string            // effective date of the death record, "" alive
	cats                             map[string]string // key category → effective date of its current record
}

// openPopulation builds children around the edges of "children in year
// Y": born on the reference days, turning 18 on them, born on 29
// February, dead in some year, without sex or place, with categories
// taking effect in different years.
func openPopulation() []openChild {
	districts := map[string]string{"binaqadi": "baki", "ganca": "ganca_daskasan", "xacmaz": "quba_xacmaz", "lankaran": "lankaran_astara", "": ""}
	dcodes := []string{"binaqadi", "ganca", "xacmaz", "lankaran", ""}
	fixed := []openChild{
		{born: "2008-03-10", sex: "male", district: "binaqadi"},   // 18 on 10 March 2026: counted in 2025, not today
		{born: "2008-03-11", sex: "female", district: "binaqadi"}, // 17 today
		{born: "2008-02-29", sex: "female", district: "ganca"},    // 18 on 28 February 2026
		{born: "2026-03-10", sex: "male", district: "ganca"},      // born today
		{born: "2023-12-31", sex: "male", district: "ganca"},      // born on a reference day
		{born: "2024-01-01", sex: "male", district: "xacmaz"},     // the day after
		{born: "2005-12-31", sex: "female", district: "xacmaz"},   // 18 on 31 December 2023: never counted
		{born: "2006-01-01", sex: "female", district: "xacmaz"},   // 17 at the end of 2023
		{born: "2015-06-01", sex: "", district: ""},               // sex and place not recorded
		{born: "2012-05-05", sex: "male", district: "lankaran", died: "2024-12-31"},
		{born: "2012-05-06", sex: "male", district: "lankaran", died: "2025-01-01",
			cats: map[string]string{"schooling": "2018-09-15", "offences_against_child": "2024-02-02"}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var out []openChild
	out = append(out, fixed...)
	for range 60 {
		born := category.MustDate("2004-01-01").AddDays(rng.IntN(365 * 22))
		c := openChild{born: born.String(), sex: []string{"male", "female"}[rng.IntN(2)], district: dcodes[rng.IntN(4)]}
		if rng.IntN(8) == 0 {
			c.died = born.AddDays(rng.IntN(365 * 5)).String()
		}
		c.cats = map[string]string{}
		for _, k := range []string{"schooling", "special_education", "targeted_social_assistance", "pension_benefits", "offences_against_child"} {
			if rng.IntN(3) == 0 {
				c.cats[k] = category.MustDate("2022-06-01").AddDays(rng.IntN(365 * 4)).String()
			}
		}
		out = append(out, c)
	}
	for i := range out {
		out[i].fin = fmt.Sprintf("7OD%04d", i)
		out[i].region = districts[out[i].district]
	}
	return out
}

// TestOpenDataCounts counts a population the test builds through the
// store and holds every count of every year to what the test computes
// itself from the children's dates, on both engines.
func TestOpenDataCounts(t *testing.T) {
	today := category.MustDate("2026-03-10")
	clock := func() time.Time { return today.Time().Add(9 * time.Hour) }
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		kids := openPopulation()
		first := time.Date(2023, 1, 5, 10, 0, 0, 0, time.UTC)
		for i, k := range kids {
			place := ""
			if k.district != "" {
				place = `"birth_place":{"district":"` + k.district + `"},`
			}
			sub := fact("justice", "birth_registration", "br-"+k.fin, `{"name":{"given":"Aygün","family":"Əliyeva"},"sex":"`+k.sex+
				`","birth_date":"`+k.born+`",`+place+`"citizenship":"AZE"}`, fin(k.fin))
			sub.Fact.EffectiveDate = category.MustDate(k.born)
			if i == 0 {
				sub.Fact.ReceivedAt = first
			}
			submit(t, st, sub)
			for cat, eff := range k.cats {
				// An older version effective earlier, superseded: the
				// current one's date counts.
				old := fact("education", cat, cat+"-"+k.fin, `{"v":1}`, fin(k.fin))
				old.Fact.EffectiveDate = category.MustDate("2019-01-01")
				submit(t, st, old)
				cur := fact("education", cat, cat+"-"+k.fin, `{"v":2}`, fin(k.fin))
				cur.Fact.EffectiveDate = category.MustDate(eff)
				submit(t, st, cur)
			}
			if k.died != "" {
				d := fact("justice", "death", "d-"+k.fin, `{"date":"`+k.died+`"}`, fin(k.fin))
				d.Fact.EffectiveDate = category.MustDate(k.died)
				submit(t, st, d)
			}
		}
		// A record retracted counts for nothing; one of a category not
		// counted changes nothing.
		submit(t, st, fact("education", "special_education", "se-x", `{"v":1}`, fin(kids[1].fin)))
		submit(t, st, fact("education", "special_education", "se-x", ``, fin(kids[1].fin)))
		submit(t, st, fact("health", "medical_registration", "mr-x", `{"v":1}`, fin(kids[1].fin)))

		v, err := st.OpenDataVersion(ctx)
		if err != nil || v.LastFact == 0 || !v.FirstRecord.Equal(first) {
			t.Fatalf("version = %+v, %v", v, err)
		}
		years := opendata.Years(category.Today(v.FirstRecord).Year, today)
		if len(years) != 4 || years[0].Year != 2023 {
			t.Fatalf("years = %+v", years)
		}
		counts, err := opendata.Count(ctx, st, years)
		if err != nil {
			t.Fatal(err)
		}
		for i, y := range years {
			c := counts[i]
			want := opendata.NewCounts(y)
			for _, k := range kids {
				if k.died != "" && k.died <= y.AsOf.String() {
					continue
				}
				born := category.MustDate(k.born)
				if born.After(y.AsOf) {
					continue
				}
				age := born.AgeOn(y.AsOf)
				if age >= 18 {
					continue
				}
				band := 0
				for b, ab := range opendata.AgeBands {
					if age >= ab.From && age <= ab.To {
						band = b
					}
				}
				region, sex := index(want.Regions, k.region), index(want.Sexes, k.sex)
				want.Children[region][band][sex]++
				for ci, kc := range opendata.KeyCategories {
					if eff, ok := k.cats[kc.Code]; ok && eff <= y.AsOf.String() {
						want.WithCategory[ci][region]++
					}
				}
			}
			if fmt.Sprint(c.Children) != fmt.Sprint(want.Children) {
				t.Errorf("%d: children\n%v\nwant\n%v", y.Year, c.Children, want.Children)
			}
			if fmt.Sprint(c.WithCategory) != fmt.Sprint(want.WithCategory) {
				t.Errorf("%d: categories\n%v\nwant\n%v", y.Year, c.WithCategory, want.WithCategory)
			}
			if total(c) == 0 {
				t.Errorf("%d: nobody counted", y.Year)
			}
		}
		// A new record changes the version.
		submit(t, st, fact("health", "medical_registration", "mr-y", `{"v":1}`, fin(kids[2].fin)))
		if v2, _ := st.OpenDataVersion(ctx); v2.String() == v.String() {
			t.Error("the version did not change with a new record")
		}
	})
}

func submit(t *testing.T, st *store.Store, sub store.Submission) {
	t.Helper()
	if _, err := st.Submit(ctx, sub); err != nil {
		t.Fatal(err)
	}
}

// index is the position of code among items, the unknown for "" or a
// code not there.
func index(items []opendata.Item, code string) int {
	for i, it := range items {
		if it.Code == code {
			return i
		}
	}
	return len(items) - 1
}

func total(c *opendata.Counts) int {
	n := 0
	for r := range c.Regions {
		n += c.RegionTotal(r)
	}
	return n
}
