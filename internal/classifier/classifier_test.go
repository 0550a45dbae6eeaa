package classifier

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/scfwca/databank/internal/i18n"
)

var (
	codePattern        = regexp.MustCompile(`^[a-z0-9_]+$`)
	citizenshipPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

func TestEveryListBuilds(t *testing.T) {
	lists := All()
	if len(lists) != 25 {
		t.Errorf("All() has %d lists, want 25", len(lists))
	}
	for _, l := range lists {
		t.Run(l.Code, func(t *testing.T) {
			if l == nil || len(l.Items()) == 0 {
				t.Fatalf("list %q is empty", l.Code)
			}
			if !codePattern.MatchString(l.Code) {
				t.Errorf("list code %q is not snake_case ASCII", l.Code)
			}
			if l.Name.AZ == "" || l.Name.EN == "" || l.Name.RU == "" {
				t.Errorf("list %q lacks a name: %+v", l.Code, l.Name)
			}
			if got, ok := Get(l.Code); !ok || got != l {
				t.Errorf("Get(%q) = %p, %v; want the list", l.Code, got, ok)
			}
			pattern := codePattern
			if l == Citizenships {
				pattern = citizenshipPattern
			}
			seen := map[string]bool{}
			for i, it := range l.Items() {
				if !pattern.MatchString(it.Code) {
					t.Errorf("code %q does not match %s", it.Code, pattern)
				}
				if seen[it.Code] {
					t.Errorf("duplicate code %q", it.Code)
				}
				seen[it.Code] = true
				if it.Name.AZ == "" || it.Name.EN == "" || it.Name.RU == "" {
					t.Errorf("item %q lacks a name: %+v", it.Code, it.Name)
				}
				got, ok := l.Lookup(it.Code)
				if !ok || got != it {
					t.Errorf("Lookup(%q) = %+v, %v; want %+v", it.Code, got, ok, it)
				}
				if !l.Has(it.Code) {
					t.Errorf("Has(%q) = false", it.Code)
				}
				if l.Codes()[i] != it.Code {
					t.Errorf("Codes()[%d] = %q, want %q", i, l.Codes()[i], it.Code)
				}
				if it.Parent != "" && l != Districts {
					t.Errorf("item %q of %q has parent %q", it.Code, l.Code, it.Parent)
				}
			}
			if l.Has("no_such_code") {
				t.Error(`Has("no_such_code") = true`)
			}
			if _, ok := l.Lookup(""); ok {
				t.Error(`Lookup("") found an item`)
			}
		})
	}
	if _, ok := Get("no_such_list"); ok {
		t.Error(`Get("no_such_list") found a list`)
	}
}

func TestAllIsStableAndACopy(t *testing.T) {
	a := All()
	a[0] = nil
	b := All()
	if b[0] != Regions || b[1] != Districts {
		t.Errorf("All() begins %v, %v; want Regions, Districts", b[0], b[1])
	}
}

func TestNamesAreInTheirScripts(t *testing.T) {
	for _, l := range All() {
		for _, it := range l.Items() {
			if !hasCyrillic(it.Name.RU) {
				t.Errorf("%s/%s: Russian name %q has no Cyrillic letter", l.Code, it.Code, it.Name.RU)
			}
			if hasCyrillic(it.Name.AZ) || hasCyrillic(it.Name.EN) {
				t.Errorf("%s/%s: Cyrillic in %+v", l.Code, it.Code, it.Name)
			}
			// ö and ü are allowed: "Türkiye" is the English name.
			if strings.ContainsAny(it.Name.EN, "ƏəıİŞşÇçĞğ") {
				t.Errorf("%s/%s: Azerbaijani letter in English name %q", l.Code, it.Code, it.Name.EN)
			}
		}
	}
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if r >= 'А' && r <= 'я' || r == 'ё' || r == 'Ё' {
			return true
		}
	}
	return false
}

func TestNewListPanics(t *testing.T) {
	name := i18n.T("a", "b", "в")
	cases := []struct {
		name    string
		parents *List
		items   []Item
	}{
		{"duplicate code", nil, []Item{item("x", "a", "b", "в"), item("x", "a", "b", "в")}},
		{"empty code", nil, []Item{item("", "a", "b", "в")}},
		{"missing name", nil, []Item{item("x", "a", "", "в")}},
		{"district of no region", Regions, []Item{district("nowhere", "x", "a", "b", "в")}},
		{"district without a region", Regions, []Item{item("x", "a", "b", "в")}},
		{"parent without a parent list", nil, []Item{district("baki", "x", "a", "b", "в")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("newList did not panic")
				}
			}()
			newList("test", name, c.parents, c.items...)
		})
	}
}

// slug folds an Azerbaijani name into the code form the regions and
// districts use.
func slug(s string) string {
	r := strings.NewReplacer("Ə", "a", "ə", "a", "I", "i", "ı", "i", "İ", "i", "Ş", "s", "ş", "s",
		"Ç", "c", "ç", "c", "Ğ", "g", "ğ", "g", "Ö", "o", "ö", "o", "Ü", "u", "ü", "u", " ", "_", "-", "_")
	return strings.ToLower(r.Replace(s))
}

func TestRegionsAndDistricts(t *testing.T) {
	if n := len(Regions.Items()); n != 14 {
		t.Errorf("Regions has %d items, want 14", n)
	}
	for _, l := range []*List{Regions, Districts} {
		for _, it := range l.Items() {
			if want := slug(it.Name.AZ); it.Code != want {
				t.Errorf("%s %q has code %q, want the slug %q", l.Code, it.Name.AZ, it.Code, want)
			}
		}
	}
	total := 0
	for _, r := range Regions.Items() {
		n := len(Districts.Children(r.Code))
		if n == 0 {
			t.Errorf("region %q has no districts", r.Code)
		}
		total += n
	}
	if total != len(Districts.Items()) {
		t.Errorf("regions' children count %d, want every district (%d)", total, len(Districts.Items()))
	}
	for _, d := range Districts.Items() {
		if !Regions.Has(d.Parent) {
			t.Errorf("district %q has parent %q, not a region", d.Code, d.Parent)
		}
	}

	baku := Districts.Children("baki")
	var bakuCodes []string
	for _, d := range baku {
		bakuCodes = append(bakuCodes, d.Code)
	}
	slices.Sort(bakuCodes)
	want := []string{"binaqadi", "narimanov", "nasimi", "nizami", "pirallahi", "qaradag",
		"sabail", "sabuncu", "suraxani", "xatai", "xazar", "yasamal"}
	if !slices.Equal(bakuCodes, want) {
		t.Errorf("Baku's districts = %v, want %v", bakuCodes, want)
	}
	if Districts.Has("baki") {
		t.Error(`Districts has "baki"; Baku is represented by its city districts`)
	}
	if n := len(Districts.Children("naxcivan")); n != 8 {
		t.Errorf("Naxçıvan has %d units, want 8", n)
	}
	if d, _ := Districts.Lookup("sabail"); d.Name != i18n.T("Səbail", "Sabail", "Сабаил") {
		t.Errorf(`Lookup("sabail") = %+v`, d)
	}
	if got := Districts.Children("no_such_region"); got != nil {
		t.Errorf("Children of an unknown region = %v, want nil", got)
	}
}

func TestChildrenIsACopy(t *testing.T) {
	c := Districts.Children("baki")
	c[0].Code = "changed"
	if Districts.Children("baki")[0].Code == "changed" {
		t.Error("Children returned the list's own items")
	}
}

func TestRegionShare(t *testing.T) {
	sum := 0.0
	for _, r := range Regions.Items() {
		s := RegionShare(r.Code)
		if s <= 0 || s >= 100 {
			t.Errorf("RegionShare(%q) = %v", r.Code, s)
		}
		sum += s
	}
	if math.Abs(sum-100) > 0.5 {
		t.Errorf("region shares sum to %v, want 100 ± 0.5", sum)
	}
	if s := RegionShare("baki"); s != 23.0 {
		t.Errorf(`RegionShare("baki") = %v, want 23.0`, s)
	}
	if s := RegionShare("sabail"); s != 0 {
		t.Errorf(`RegionShare("sabail") = %v, want 0 for a district`, s)
	}
	if len(regionShares) != len(Regions.Items()) {
		t.Errorf("%d shares for %d regions", len(regionShares), len(Regions.Items()))
	}
}

func TestDisabilityDegreeFor(t *testing.T) {
	cases := []struct {
		percent int
		code    string
		ok      bool
	}{
		{-1, "", false},
		{0, "", false},
		{30, "", false},
		{31, "degree_3", true},
		{45, "degree_3", true},
		{60, "degree_3", true},
		{61, "degree_2", true},
		{80, "degree_2", true},
		{81, "degree_1", true},
		{100, "degree_1", true},
		{101, "", false},
	}
	for _, c := range cases {
		code, ok := DisabilityDegreeFor(c.percent)
		if code != c.code || ok != c.ok {
			t.Errorf("DisabilityDegreeFor(%d) = %q, %v; want %q, %v", c.percent, code, ok, c.code, c.ok)
		}
		if ok && !DisabilityDegrees.Has(code) {
			t.Errorf("DisabilityDegreeFor(%d) = %q, not a code of %s", c.percent, code, DisabilityDegrees.Code)
		}
	}
}

func TestListCounts(t *testing.T) {
	cases := []struct {
		list *List
		n    int
	}{
		{Sexes, 2},
		{Citizenships, 26},
		{PensionTypes, 5},
		{EducationLevels, 12},
		{EducationForms, 6},
		{InstructionLanguages, 7},
		{DisabilityDegrees, 3},
		{HealthGroups, 5},
		{CareForms, 6},
		{EmploymentStatuses, 7},
		{OffenceDecisions, 8},
		{EducationalMeasureTypes, 5},
		{OlympiadLevels, 4},
		{CompetitionLevels, 7},
		{Sports, 20},
		{SportRanks, 9},
		{UnaccompaniedPlacements, 6},
		{AppealKinds, 4},
		{AppealStatuses, 5},
		{MaritalEvents, 3},
	}
	for _, c := range cases {
		if n := len(c.list.Items()); n != c.n {
			t.Errorf("%s has %d items, want %d", c.list.Code, n, c.n)
		}
	}
	if n := len(SocialServiceTypes.Items()); n < 8 || n > 12 {
		t.Errorf("social_service_type has %d items, want 8–12", n)
	}
	for _, code := range []string{"disability_child", "loss_of_breadwinner", "child_care_under_3",
		"conscript_child", "guardian_of_orphan", "low_income_infant", "mother_of_many",
		"adopted_child", "foster_family_child", "childbirth_lump_sum", "maternity"} {
		if !BenefitTypes.Has(code) {
			t.Errorf("benefit_type lacks %q", code)
		}
	}
	if BenefitTypes.Has("targeted_social_assistance") {
		t.Error("benefit_type has targeted_social_assistance, which is its own category")
	}
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(Districts.Items()[0])
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"code":"binaqadi","name":{"az":"Binəqədi","en":"Binagadi","ru":"Бинагади"},"parent":"baki"}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	b, err = json.Marshal(Sexes.Items()[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "parent") {
		t.Errorf("JSON of an item without a parent = %s", b)
	}
}

// TestOperatorChanges adds a district to a new region, renames an item and
// retires another: new records may have the new codes and not the
// retired one, which still names old records; a bad change leaves every
// list as it was; applying no changes restores the built-in lists.
func TestOperatorChanges(t *testing.T) {
	defer Apply(nil)
	name := i18n.T("Yeni", "New", "Новый")
	changes := []Change{
		{List: "region", Code: "test_region", Name: name},
		{List: "district", Code: "test_district", Name: name, Parent: "test_region"},
		{List: "sex", Code: "male", Name: i18n.T("Kişi cinsi", "Male sex", "Мужской пол")},
		{List: "care_form", Code: "custody", Name: i18n.T("Qəyyumluq", "Custody", "Попечительство"), Retired: true},
	}
	for _, c := range changes {
		if errs := Check(c); len(errs) > 0 && c.List != "district" {
			t.Errorf("Check(%+v) = %v", c, errs)
		}
	}
	if err := Apply(changes); err != nil {
		t.Fatal(err)
	}
	if !Districts.Has("test_district") || len(Regions.Children("test_region")) != 0 || len(Districts.Children("test_region")) != 1 {
		t.Error("the new district is not in its new region")
	}
	if it, _ := Sexes.Lookup("male"); it.Name.EN != "Male sex" {
		t.Errorf("renamed: %+v", it)
	}
	if CareForms.Has("custody") || !CareForms.Retired("custody") || slices.Contains(CareForms.Codes(), "custody") {
		t.Error("a retired code is still accepted")
	}
	if it, ok := CareForms.Lookup("custody"); !ok || it.Name.EN != "Custody" {
		t.Error("a retired code no longer names old records")
	}
	// A district in a region that does not exist breaks the lists: nothing changes.
	bad := append(changes, Change{List: "district", Code: "orphan", Name: name, Parent: "nowhere"})
	if err := Apply(bad); err == nil {
		t.Fatal("a district with no region was applied")
	}
	if Districts.Has("orphan") || !Districts.Has("test_district") {
		t.Error("a failed change altered the lists")
	}
	if errs := Check(Change{List: "district", Code: "Bad Code", Name: i18n.T("", "x", "y"), Parent: "nowhere"}); len(errs) != 3 {
		t.Errorf("Check found %v; want the code, the Azerbaijani name and the parent", errs)
	}
	if err := Apply(nil); err != nil {
		t.Fatal(err)
	}
	if Districts.Has("test_district") || !CareForms.Has("custody") {
		t.Error("no changes did not restore the built-in lists")
	}
}
