package profile

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
)

func mk(id int64, cat, source string, eff string, received time.Time, payload any, current bool) Fact {
	b, _ := json.Marshal(payload)
	return Fact{ID: id, Category: cat, Sender: "s", SourceID: source, Action: Upsert,
		EffectiveDate: category.MustDate(eff), ReceivedAt: received, Payload: b, Current: current}
}

func day(d string, hour int) time.Time {
	t := category.MustDate(d).Time()
	return t.Add(time.Duration(hour) * time.Hour)
}

func TestKnows(t *testing.T) {
	facts := []Fact{
		mk(1, "schooling", "a", "2024-09-01", day("2024-09-03", 6), map[string]any{"grade": 1}, false),
		mk(2, "schooling", "a", "2025-09-01", day("2025-09-02", 6), map[string]any{"grade": 2}, true),
		{ID: 3, Category: "schooling", Sender: "s", SourceID: "b", Action: Upsert, EffectiveDate: category.MustDate("2024-01-01"),
			ReceivedAt: day("2024-02-01", 0), Payload: []byte(`{}`)},
		{ID: 4, Category: "schooling", Sender: "s", SourceID: "b", Action: Retract, EffectiveDate: category.MustDate("2024-06-01"),
			ReceivedAt: day("2024-06-01", 0), Current: true},
	}
	ids := func(fs []Fact) []int64 {
		var out []int64
		for _, f := range fs {
			out = append(out, f.ID)
		}
		return out
	}
	for _, tc := range []struct {
		asOf string
		want []int64
	}{
		{"", []int64{2}},
		{"2023-12-31", nil},
		{"2024-03-01", []int64{3}}, // b known, a not yet
		{"2024-09-02", nil},        // b retracted; a received on the 3rd
		{"2024-09-03", []int64{1}}, // a's first version
		{"2025-09-01", []int64{1}}, // the second version not yet received
		{"2025-09-02", []int64{2}}, // received 10:00 Baku on the 2nd
	} {
		var d category.Date
		if tc.asOf != "" {
			d = category.MustDate(tc.asOf)
		}
		got := ids(Knows(facts, d))
		if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
			t.Errorf("Knows(%s) = %v; want %v", tc.asOf, got, tc.want)
		}
	}
}

// A fact received at 22:00 UTC is received the next day in Baku.
func TestKnowsUsesBakuDays(t *testing.T) {
	f := mk(1, "schooling", "a", "2025-01-01", time.Date(2025, 1, 1, 21, 0, 0, 0, time.UTC), map[string]any{}, true)
	if got := Knows([]Fact{f}, category.MustDate("2025-01-01")); len(got) != 0 {
		t.Error("received at 01:00 on 2 January in Baku, but known on 1 January")
	}
	if got := Knows([]Fact{f}, category.MustDate("2025-01-02")); len(got) != 1 {
		t.Error("not known on 2 January")
	}
}

func TestProject(t *testing.T) {
	now := day("2026-01-01", 0)
	birth := category.CatBirthRegistration.Examples()[0]
	var b map[string]any
	json.Unmarshal(birth, &b)
	facts := []Fact{
		mk(1, "birth_registration", "b", "2016-03-14", now, b, true),
		mk(2, "mother", "m", "2020-01-01", now, map[string]any{"fin": "3MN8P4Q", "residence": map[string]any{"address": map[string]any{"district": "quba"}}}, true),
		mk(3, "guardianship", "g", "2022-12-05", now, map[string]any{"form": "custody", "end": "2025-06-01"}, true),
		mk(4, "parental_care_registry", "p", "2022-11-04", now, map[string]any{"registered_on": "2022-11-04"}, true),
	}
	s := Project(facts, "", Hints{}, category.MustDate("2026-01-01"))
	if s.FIN != "5ZK3N2P" || s.Name.Family != "Məmmədov" || s.Sex != "male" || s.BirthDate.String() != "2016-03-02" {
		t.Errorf("identity = %+v", s)
	}
	if s.District != "quba" || s.Region != "quba_xacmaz" {
		t.Errorf("lives where the mother is registered: %s/%s", s.Region, s.District)
	}
	if s.CareStatus != CareDeprived {
		t.Errorf("care status = %q; the custody ended, the child is still on the register", s.CareStatus)
	}
	if s.NameKey == "" || s.NameKey != NameKey(category.PersonName{Given: "Ali", Family: "Mamedov"}) {
		t.Errorf("name key %q does not meet the romanised spelling", s.NameKey)
	}
	want := int64(1<<0 | 1<<6 | 1<<11 | 1<<10)
	if s.Categories != want {
		t.Errorf("categories = %b; want %b", s.Categories, want)
	}
	// On a day the custody was still running, it is the care status.
	if s := Project(facts, "", Hints{}, category.MustDate("2025-01-01")); s.CareStatus != "custody" {
		t.Errorf("care status in 2025 = %q; want custody", s.CareStatus)
	}
	// A keyless child shows its hints until a birth registration comes.
	h := Hints{Name: category.PersonName{Given: "Aysel", Family: "Quliyeva"}, BirthDate: category.MustDate("2019-05-05")}
	if s := Project(nil, "", h, category.MustDate("2026-01-01")); s.Name.Given != "Aysel" || s.BirthDate != h.BirthDate {
		t.Errorf("hints not shown: %+v", s)
	}
}

// TestSummaryReadsOnlyItsCategories holds SummaryCategories to what
// Project reads: the store carries payloads of only those categories to
// it, so a category missing from the list would silently drop out of
// every summary.
func TestSummaryReadsOnlyItsCategories(t *testing.T) {
	for _, code := range SummaryCategories {
		if _, ok := category.Lookup(code); !ok {
			t.Errorf("SummaryCategories names %q, which is no category", code)
		}
	}
	// Children with the examples of one category each, and one with the
	// examples of all of them.
	var sets [][]Fact
	var all []Fact
	for _, c := range category.All() {
		var facts []Fact
		for _, ex := range c.Examples() {
			f := Fact{ID: int64(len(all) + 1), Category: c.Code, Sender: "s", SourceID: fmt.Sprint(len(all)), Action: Upsert,
				EffectiveDate: category.MustDate("2020-01-01"), Payload: ex, Current: true}
			facts, all = append(facts, f), append(all, f)
		}
		sets = append(sets, facts)
	}
	on := category.MustDate("2026-01-01")
	for _, facts := range append(sets, all) {
		want := Project(facts, "", Hints{}, on)
		bare := slices.Clone(facts)
		for i := range bare {
			if !slices.Contains(SummaryCategories, bare[i].Category) {
				bare[i].Payload = nil
			}
		}
		if got := Project(bare, "", Hints{}, on); got != want {
			t.Errorf("%s: without the payloads of other categories the summary is\n%+v\nwant\n%+v", facts[0].Category, got, want)
		}
	}
}

// TestProjectReadsValues holds a projection from the payloads as just
// validated (Fact.Value, which a batch projects its new children from)
// to the projection from their stored JSON.
func TestProjectReadsValues(t *testing.T) {
	on := category.MustDate("2026-01-01")
	var all, valued []Fact
	for _, c := range category.All() {
		for _, ex := range c.Examples() {
			f := Fact{ID: int64(len(all) + 1), Category: c.Code, Sender: "s", SourceID: fmt.Sprint(len(all)), Action: Upsert,
				EffectiveDate: category.MustDate("2020-01-01"), Payload: ex, Current: true}
			all = append(all, f)
			_, v, err := c.Canonical(ex, category.Context{Today: on}, "data")
			if err != nil {
				t.Fatalf("%s: example refused: %v", c.Code, err)
			}
			f.Payload, f.Value = nil, v // only the value: Project must read it
			valued = append(valued, f)
		}
	}
	want := Project(all, "", Hints{}, on)
	if want.Name.Given == "" || want.District == "" {
		t.Fatalf("the examples project to no name or district: %+v", want)
	}
	if got := Project(valued, "", Hints{}, on); got != want {
		t.Errorf("from the values the summary is\n%+v\nwant\n%+v", got, want)
	}
}
