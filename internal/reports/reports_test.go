package reports_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/reports"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// The clock of the tests: 10 June 2025 in Baku.
var now = func() time.Time { return time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC) }

// kid is a child of the hand-made population.
type kid struct {
	fin, region, district, birth, sex, citizenship, care, status string
	cats                                                         []string
	facts                                                        []fact
	father, mother                                               string
}

// fact is one current record of a kid.
type fact struct {
	cat, effective, payload string
	retracted               bool
}

// population: a few children over two regions, of every age band, with
// categories, schooling grades, several benefits each, archived and
// deceased profiles, and one unborn on an earlier as-of day.
var population = []kid{
	{fin: "AAAAAA1", region: "baki", district: "yasamal", birth: "2024-03-01", sex: "female", citizenship: "AZE",
		cats: []string{"birth_registration", "mother", "medical_registration"}},
	{fin: "AAAAAA2", region: "baki", district: "yasamal", birth: "2021-06-10", sex: "male", citizenship: "AZE",
		cats: []string{"birth_registration", "pension_benefits"},
		facts: []fact{{"pension_benefits", "2022-01-05", `{"kind":"benefit","benefit_type":"disability_child"}`, false},
			{"pension_benefits", "2024-02-01", `{"kind":"benefit","benefit_type":"old_age"}`, false}}},
	{fin: "AAAAAA3", region: "baki", district: "nasimi", birth: "2018-09-01", sex: "female", citizenship: "RUS", care: "deprived_of_parental_care",
		cats:  []string{"birth_registration", "schooling", "parental_care_registry", "pension_benefits"},
		facts: []fact{{"schooling", "2024-09-15", `{"grade":1,"language":"az"}`, false}, {"pension_benefits", "2024-05-05", `{"kind":"benefit","benefit_type":"disability_child"}`, false}}},
	{fin: "AAAAAA4", region: "baki", district: "nasimi", birth: "2012-01-20", sex: "male", citizenship: "AZE", care: "guardianship",
		cats:  []string{"birth_registration", "schooling", "guardianship", "offences_against_child"},
		facts: []fact{{"schooling", "2023-09-15", `{"grade":7,"language":"ru"}`, false}, {"offences_against_child", "2024-11-02", `{"withheld_from_parents":true}`, false}}},
	{fin: "AAAAAA5", region: "absheron_xizi", district: "sumqayit", birth: "2008-06-11", sex: "female", citizenship: "AZE",
		cats:  []string{"birth_registration", "schooling", "identity_card"},
		facts: []fact{{"schooling", "2024-09-15", `{"grade":11,"language":"az"}`, false}, {"schooling", "2019-09-15", `{"grade":5,"language":"az"}`, true}}},
	{fin: "AAAAAA6", region: "absheron_xizi", district: "sumqayit", birth: "2008-06-10", sex: "male", citizenship: "AZE", status: "archived",
		cats:  []string{"birth_registration", "schooling"},
		facts: []fact{{"schooling", "2022-09-15", `{"grade":9,"language":"az"}`, false}}},
	{fin: "AAAAAA7", region: "absheron_xizi", district: "abseron", birth: "2016-12-31", sex: "male", citizenship: "AZE",
		cats: []string{"birth_registration", "schooling", "pension_benefits", "offences_against_child"},
		facts: []fact{{"schooling", "2024-09-15", `{"grade":3,"language":"az"}`, false}, {"pension_benefits", "2024-07-01", `{"kind":"benefit","benefit_type":"disability_child"}`, false},
			{"pension_benefits", "2024-08-01", `{"kind":"benefit","benefit_type":"disability_child"}`, false}, {"offences_against_child", "2025-01-10", `{"withheld_from_parents":false}`, false}}},
	{fin: "AAAAAA8", region: "absheron_xizi", district: "abseron", birth: "2019-02-28", sex: "female", citizenship: "TUR",
		cats: []string{"birth_registration"}},
	{fin: "AAAAAA9", region: "baki", district: "yasamal", birth: "2010-05-05", sex: "male", citizenship: "AZE", status: "deceased",
		cats: []string{"birth_registration", "death"}},
	{fin: "AAAAAB1", region: "baki", district: "yasamal", birth: "2025-06-01", sex: "male", citizenship: "AZE",
		cats: []string{"birth_registration"}},
	{fin: "AAAAAB2", region: "", district: "", birth: "2014-04-04", sex: "female", citizenship: "",
		cats: []string{"schooling"}, facts: []fact{{"schooling", "2024-09-15", `{"language":"az"}`, false}}},
}

// seed writes the population straight into the tables reports read: the
// profile projection and the records.
func seed(t *testing.T, st *store.Store, kids []kid) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	ids := map[string]int64{}
	for i, k := range kids {
		var id int64
		if err := st.DB().QueryRowContext(ctx, `INSERT INTO children (created_at) VALUES (1) RETURNING id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[k.fin] = id
		var mask int64
		for _, code := range k.cats {
			c, ok := category.Lookup(code)
			if !ok {
				t.Fatalf("no category %s", code)
			}
			mask |= 1 << c.Bit
		}
		status := k.status
		if status == "" {
			status = "active"
		}
		archivedOn := ""
		if status == "archived" {
			archivedOn = "2025-06-10"
		}
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO profiles (child_id, fin, given_name, family_name, birth_date, sex, citizenship,
			region, district, care_status, categories, status, archived_on, father_fin, mother_fin, updated_at)
			VALUES ($1, $2, $3, 'Test', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)`,
			id, k.fin, fmt.Sprintf("Uşaq%d", i), k.birth, k.sex, k.citizenship, k.region, k.district, k.care, mask, status, archivedOn,
			k.father, k.mother); err != nil {
			t.Fatal(err)
		}
		for j, f := range k.facts {
			current, action := 1, "upsert"
			if f.retracted {
				current = 0
			}
			if _, err := st.DB().ExecContext(ctx, `INSERT INTO facts (child_id, category, sender, source_id, action, effective_date,
				received_at, payload, content_hash, is_current) VALUES ($1, $2, 'labour', $3, $4, $5, 1, $6, '', $7)`,
				id, f.cat, fmt.Sprintf("%s-%d", k.fin, j), action, f.effective, f.payload, current); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

var operator = access.Subject{Role: access.OperatorAdmin, FIN: "1OP0001"}

// age is a kid's age in whole years on a day, computed here by hand.
func age(birth, on string) int {
	b, _ := time.Parse("2006-01-02", birth)
	d, _ := time.Parse("2006-01-02", on)
	a := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		a--
	}
	return a
}

func band(a int) string {
	switch {
	case a <= 2:
		return "0-2"
	case a <= 5:
		return "3-5"
	case a <= 9:
		return "6-9"
	case a <= 13:
		return "10-13"
	}
	return "14-17"
}

// counted are the kids a current report on day counts: active, 0–17.
func counted(on string, archived bool) []kid {
	var out []kid
	for _, k := range population {
		if (k.status == "" || archived) && k.birth <= on && age(k.birth, on) <= 17 {
			out = append(out, k)
		}
	}
	return out
}

// cell finds a cell of a result by its row and column codes.
func cell(t *testing.T, r *reports.Result, row, col []string) int64 {
	t.Helper()
	i := slices.IndexFunc(r.Rows, func(c []string) bool { return slices.Equal(c, row) })
	j := slices.IndexFunc(r.Columns, func(c []string) bool { return slices.Equal(c, col) })
	if i < 0 || j < 0 {
		return 0 // an empty row or column of a large table is left out
	}
	return r.Cells[i][j]
}

func rowTotal(r *reports.Result, row []string) int64 {
	i := slices.IndexFunc(r.Rows, func(c []string) bool { return slices.Equal(c, row) })
	if i < 0 {
		return 0
	}
	return r.RowTotals[i]
}

func colTotal(r *reports.Result, col []string) int64 {
	j := slices.IndexFunc(r.Columns, func(c []string) bool { return slices.Equal(c, col) })
	if j < 0 {
		return 0
	}
	return r.ColumnTotals[j]
}

// TestCrossTabs holds the engine's counts against counts made here by
// hand over the same population, on both engines.
func TestCrossTabs(t *testing.T) {
	storetest.Each(t, now, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st, population)
		svc := reports.New(st, now)
		today := "2025-06-10"

		t.Run("region × age band × category", func(t *testing.T) {
			def := reports.Definition{Rows: []reports.Dimension{{Kind: "region"}},
				Columns: []reports.Dimension{{Kind: "age_band"}, {Kind: "category"}}, Options: reports.Options{Percent: "row"}}
			res, err := svc.Run(ctx, operator, def, nil)
			if err != nil {
				t.Fatal(err)
			}
			kids := counted(today, false)
			if res.Total != int64(len(kids)) {
				t.Errorf("total = %d; want %d", res.Total, len(kids))
			}
			for _, region := range []string{"baki", "absheron_xizi", reports.NoValue} {
				var inRegion int64
				for _, k := range kids {
					if k.region == region || (k.region == "" && region == reports.NoValue) {
						inRegion++
					}
				}
				if got := rowTotal(res, []string{region}); got != inRegion {
					t.Errorf("row %q total = %d; want %d distinct children", region, got, inRegion)
				}
				for _, b := range reports.AgeBands {
					for _, c := range category.All() {
						var want int64
						for _, k := range kids {
							if (k.region == region || (k.region == "" && region == reports.NoValue)) && band(age(k.birth, today)) == b && slices.Contains(k.cats, c.Code) {
								want++
							}
						}
						got := cell(t, res, []string{region}, []string{b, c.Code})
						if got != want {
							t.Errorf("%s × %s × %s = %d; want %d", region, b, c.Code, got, want)
						}
					}
				}
			}
			// Column totals are distinct children of the band and category.
			for _, b := range reports.AgeBands {
				var want int64
				for _, k := range kids {
					if band(age(k.birth, today)) == b && slices.Contains(k.cats, "schooling") {
						want++
					}
				}
				if got := colTotal(res, []string{b, "schooling"}); got != want {
					t.Errorf("column %s × schooling = %d; want %d", b, got, want)
				}
			}
			if !res.MultiValued {
				t.Error("a category dimension is multi-valued")
			}
			i := slices.IndexFunc(res.Rows, func(c []string) bool { return c[0] == "baki" })
			j := slices.IndexFunc(res.Columns, func(c []string) bool { return c[0] == "6-9" && c[1] == "birth_registration" })
			if want := float64(res.Cells[i][j]) * 100 / float64(res.RowTotals[i]); res.Percent[i][j] != want {
				t.Errorf("row percentage = %v; want %v", res.Percent[i][j], want)
			}
		})

		t.Run("category rows: totals are distinct children", func(t *testing.T) {
			def := reports.Definition{Rows: []reports.Dimension{{Kind: "category", Categories: []string{"schooling", "pension_benefits", "offences_against_child"}}},
				Columns: []reports.Dimension{{Kind: "sex"}}}
			res, err := svc.Run(ctx, operator, def, nil)
			if err != nil {
				t.Fatal(err)
			}
			kids := counted(today, false)
			for _, sex := range []string{"male", "female"} {
				var distinct, sum int64
				for _, k := range kids {
					if k.sex != sex {
						continue
					}
					distinct++
					for _, c := range []string{"schooling", "pension_benefits", "offences_against_child"} {
						if slices.Contains(k.cats, c) {
							sum++
						}
					}
				}
				if got := colTotal(res, []string{sex}); got != distinct {
					t.Errorf("column %s total = %d; want %d distinct children (cells add up to %d)", sex, got, distinct, sum)
				}
			}
		})

		t.Run("filters", func(t *testing.T) {
			yes, no := true, false
			from, to := 6, 13
			def := reports.Definition{Rows: []reports.Dimension{{Kind: "district"}}, Filters: []reports.Filter{
				{Kind: "age", AgeFrom: &from, AgeTo: &to},
				{Kind: "category", Category: "schooling", Present: &yes},
				{Kind: "category", Category: "pension_benefits", Present: &no},
				{Kind: "sex", Values: []string{"male", "female"}},
			}}
			res, err := svc.Run(ctx, operator, def, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int64{}
			var total int64
			for _, k := range counted(today, false) {
				a := age(k.birth, today)
				if a >= 6 && a <= 13 && slices.Contains(k.cats, "schooling") && !slices.Contains(k.cats, "pension_benefits") {
					want[k.district]++
					total++
				}
			}
			if res.Total != total {
				t.Errorf("total = %d; want %d", res.Total, total)
			}
			for d, n := range want {
				if d == "" {
					d = reports.NoValue
				}
				if got := rowTotal(res, []string{d}); got != n {
					t.Errorf("district %q = %d; want %d", d, got, n)
				}
			}
		})

		t.Run("field of records, with several records a child", func(t *testing.T) {
			def := reports.Definition{Rows: []reports.Dimension{{Kind: "field", Category: "pension_benefits", Field: "benefit_type"}},
				Columns: []reports.Dimension{{Kind: "region"}}}
			res, err := svc.Run(ctx, operator, def, nil)
			if err != nil {
				t.Fatal(err)
			}
			kids := counted(today, false)
			count := func(benefit, region string) int64 {
				var n int64
				for _, k := range kids {
					if k.region != region {
						continue
					}
					has := false
					for _, f := range k.facts {
						if f.cat == "pension_benefits" && strings.Contains(f.payload, `"`+benefit+`"`) {
							has = true
						}
					}
					if has {
						n++
					}
				}
				return n
			}
			for _, region := range []string{"baki", "absheron_xizi"} {
				for _, b := range []string{"disability_child", "old_age"} {
					if got, want := cell(t, res, []string{b}, []string{region}), count(b, region); got != want {
						t.Errorf("%s in %s = %d; want %d", b, region, got, want)
					}
				}
				var none, all int64
				for _, k := range kids {
					if k.region == region {
						all++
						if !slices.ContainsFunc(k.facts, func(f fact) bool { return f.cat == "pension_benefits" }) {
							none++
						}
					}
				}
				if got := cell(t, res, []string{reports.NoValue}, []string{region}); got != none {
					t.Errorf("no benefit in %s = %d; want %d", region, got, none)
				}
				if got := colTotal(res, []string{region}); got != all {
					t.Errorf("column %s = %d; want %d distinct children", region, got, all)
				}
			}
		})

		t.Run("grades and a yes/no field", func(t *testing.T) {
			def := reports.Definition{Rows: []reports.Dimension{{Kind: "field", Category: "schooling", Field: "grade"}}}
			res, err := svc.Run(ctx, operator, def, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Kid 5's grade 5 record was retracted; the archived kid 6 is out.
			for grade, want := range map[string]int64{"1": 1, "7": 1, "11": 1, "3": 1, "9": 0, "5": 0} {
				if got := rowTotal(res, []string{grade}); got != want {
					t.Errorf("grade %s = %d; want %d", grade, got, want)
				}
			}
			yn := reports.Definition{Rows: []reports.Dimension{{Kind: "field", Category: "offences_against_child", Field: "withheld_from_parents"}}}
			res, err = svc.Run(ctx, operator, yn, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rowTotal(res, []string{"true"}) != 1 || rowTotal(res, []string{"false"}) != 1 {
				t.Errorf("yes/no rows %v totals %v", res.Rows, res.RowTotals)
			}
			yes := reports.Definition{Rows: []reports.Dimension{{Kind: "sex"}}, Filters: []reports.Filter{
				{Kind: "field", Category: "offences_against_child", Field: "withheld_from_parents", Values: []string{"true"}}}}
			if res, err = svc.Run(ctx, operator, yes, nil); err != nil || res.Total != 1 || rowTotal(res, []string{"male"}) != 1 {
				t.Errorf("field filter: %v %+v", err, res)
			}
		})

		t.Run("over time includes archived", func(t *testing.T) {
			def := reports.Definition{Rows: []reports.Dimension{{Kind: "period", Category: "schooling", Period: "year"}}}
			res, err := svc.Run(ctx, operator, def, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int64{}
			kidsWith := map[string]bool{}
			for _, k := range population {
				years := map[string]bool{}
				for _, f := range k.facts {
					if f.cat == "schooling" && !f.retracted {
						years[f.effective[:4]] = true
						kidsWith[k.fin] = true
					}
				}
				for y := range years {
					want[y]++
				}
			}
			for _, y := range []string{"2019", "2022", "2023", "2024", "2025"} {
				if got := rowTotal(res, []string{y}); got != want[y] {
					t.Errorf("year %s = %d; want %d", y, got, want[y])
				}
			}
			if res.Total != int64(len(kidsWith)) || !res.ArchivedCounted {
				t.Errorf("total %d; want %d children with schooling records, archived counted", res.Total, len(kidsWith))
			}
			if len(res.Rows) != 10 {
				t.Errorf("%d years; want the ten up to the as-of day, empty ones too", len(res.Rows))
			}
			excl := false
			def.Options.IncludeArchived = &excl
			if res, _ = svc.Run(ctx, operator, def, nil); rowTotal(res, []string{"2022"}) != 0 {
				t.Errorf("archived kept when asked not to: %v", res.RowTotals)
			}
		})

		t.Run("as of an earlier day", func(t *testing.T) {
			on := "2024-06-10"
			def := reports.Definition{Rows: []reports.Dimension{{Kind: "age"}}, AsOf: category.MustDate(on)}
			res, err := svc.Run(ctx, operator, def, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]int64{}
			for _, k := range counted(on, false) {
				want[age(k.birth, on)]++
			}
			for a := 0; a <= 17; a++ {
				if got := rowTotal(res, []string{fmt.Sprint(a)}); got != want[a] {
					t.Errorf("age %d on %s = %d; want %d", a, on, got, want[a])
				}
			}
			if res.Total != int64(len(counted(on, false))) {
				t.Errorf("total %d", res.Total)
			}
		})

		t.Run("care status", func(t *testing.T) {
			res, err := svc.Run(ctx, operator, reports.Definition{Rows: []reports.Dimension{{Kind: "care_status"}}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rowTotal(res, []string{reports.CareParents}) != int64(len(counted(today, false))-2) ||
				rowTotal(res, []string{"guardianship"}) != 1 || rowTotal(res, []string{"deprived_of_parental_care"}) != 1 {
				t.Errorf("care rows %v %v", res.Rows, res.RowTotals)
			}
		})
	})
}

// TestBadDefinitions: each wrong or too heavy definition is refused with
// the fields to change, and nothing runs.
func TestBadDefinitions(t *testing.T) {
	st := storetest.Open(t, store.SQLite, now)
	svc := reports.New(st, now)
	ctx := context.Background()
	neg := -1
	for _, tc := range []struct {
		name   string
		def    string
		fields []string
	}{
		{"no rows", `{"columns":[{"kind":"sex"}]}`, []string{"rows"}},
		{"unknown dimension", `{"rows":[{"kind":"horoscope"}]}`, []string{"rows[0].kind"}},
		{"too many dimensions", `{"rows":[{"kind":"region"},{"kind":"sex"}],"columns":[{"kind":"age_band"},{"kind":"category"}]}`, []string{"columns"}},
		{"too many cells", `{"rows":[{"kind":"district"}],"columns":[{"kind":"age"},{"kind":"category"}]}`, []string{"columns"}},
		{"repeated", `{"rows":[{"kind":"sex"}],"columns":[{"kind":"sex"}]}`, []string{"columns[0].kind"}},
		{"two record dimensions", `{"rows":[{"kind":"field","category":"schooling","field":"grade"}],"columns":[{"kind":"period","category":"schooling","period":"year"}]}`, []string{"columns[0].kind"}},
		{"unknown field", `{"rows":[{"kind":"field","category":"schooling","field":"school"}]}`, []string{"rows[0].field"}},
		{"unknown category", `{"rows":[{"kind":"period","category":"horoscope","period":"week"}]}`, []string{"rows[0].category", "rows[0].period"}},
		{"future day", `{"rows":[{"kind":"sex"}],"as_of":"2030-01-01"}`, []string{"as_of"}},
		{"bad filters", fmt.Sprintf(`{"rows":[{"kind":"sex"}],"filters":[{"kind":"region","values":["mars"]},{"kind":"age","age_from":%d},{"kind":"category","category":"schooling"}]}`, neg),
			[]string{"filters[0].values[0]", "filters[1].age_from", "filters[2].present"}},
		{"bad percent", `{"rows":[{"kind":"sex"}],"options":{"percent":"half"}}`, []string{"options.percent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			def, err := reports.Decode([]byte(tc.def))
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.Run(ctx, operator, def, nil)
			if !fault.Is(err, fault.Invalid) {
				t.Fatalf("err = %v; want invalid", err)
			}
			var got []string
			for _, f := range fault.FieldsOf(err) {
				got = append(got, f.Field)
				if f.Message.AZ == "" || f.Message.EN == "" || f.Message.RU == "" || strings.Contains(f.Message.EN, "%!") {
					t.Errorf("field %s has message %+v", f.Field, f.Message)
				}
			}
			for _, f := range tc.fields {
				if !slices.Contains(got, f) {
					t.Errorf("fields %v; want %s among them", got, f)
				}
			}
		})
	}
	if _, err := reports.Decode([]byte(`{"rows":[{"kind":"sex"}],"colums":[]}`)); !fault.Is(err, fault.Invalid) {
		t.Errorf("an unknown member: %v", err)
	}
	for _, role := range []access.Role{access.Parent, access.Auditor, access.System} {
		if _, err := svc.Run(ctx, access.Subject{Role: role}, reports.Definition{Rows: []reports.Dimension{{Kind: "sex"}}}, nil); !fault.Is(err, fault.Forbidden) {
			t.Errorf("%s runs a report: %v", role, err)
		}
	}
	b, _ := json.Marshal(reports.Definition{Rows: []reports.Dimension{{Kind: "sex"}}})
	if string(b) != `{"rows":[{"kind":"sex"}]}` {
		t.Errorf("definition JSON = %s", b)
	}
}
