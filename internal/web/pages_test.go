package web

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/i18n"
)

func TestFormatMoney(t *testing.T) {
	for _, tc := range []struct {
		lang     i18n.Lang
		in, want string
	}{
		{i18n.AZ, "312.50", "312,50\u00a0₼"},
		{i18n.RU, "1234567.05", "1\u00a0234\u00a0567,05\u00a0₼"},
		{i18n.EN, "1234567.05", "₼1,234,567.05"},
		{i18n.EN, "0.07", "₼0.07"},
		{i18n.AZ, "not money", "not money"},
	} {
		if got := formatMoney(tc.lang, tc.in); got != tc.want {
			t.Errorf("formatMoney(%s, %q) = %q; want %q", tc.lang, tc.in, got, tc.want)
		}
	}
}

// TestRowsShowValuesAsPeopleRead checks that a record's rows name
// classifier codes, and write dates and amounts, in the reader's language.
func TestRowsShowValuesAsPeopleRead(t *testing.T) {
	data := []byte(`{"kind":"benefit","benefit_type":"disability_child","amount":"1200.00","assigned_on":"2023-08-01","recipient":"mother"}`)
	got := map[string]string{}
	for _, r := range rows(category.CatPensionBenefits, data, i18n.AZ) {
		got[r.Value] = r.Label
	}
	for _, want := range []string{"1\u00a0200,00\u00a0₼", "01.08.2023"} {
		if _, ok := got[want]; !ok {
			t.Errorf("no row %q in %v", want, got)
		}
	}
	if _, ok := got["disability_child"]; ok {
		t.Errorf("a classifier code shown raw: %v", got)
	}
	en := rows(category.CatPensionBenefits, data, i18n.EN)
	found := false
	for _, r := range en {
		if r.Value == "1 Aug 2023" {
			found = true
		}
	}
	if !found {
		t.Errorf("English dates: %+v", en)
	}
}

// TestEveryEnumValueHasALabel walks every category's schema: each value
// of a plain enumeration is named in every language.
func TestEveryEnumValueHasALabel(t *testing.T) {
	var walk func(schema map[string]any)
	walk = func(schema map[string]any) {
		if vals, ok := schema["enum"].([]string); ok && schema["x-classifier"] == nil {
			for _, v := range vals {
				l, ok := enumLabels[v]
				if v != "1/4" && v != "1/3" && v != "1/2" && (!ok || l.AZ == "" || l.EN == "" || l.RU == "") {
					t.Errorf("enumeration value %q has no label in every language", v)
				}
			}
		}
		if props, ok := schema["properties"].(map[string]any); ok {
			for _, p := range props {
				walk(p.(map[string]any))
			}
		}
		if items, ok := schema["items"].(map[string]any); ok {
			walk(items)
		}
	}
	for _, c := range category.All() {
		walk(c.Schema())
	}
	if got := rows(category.CatGuardianship, []byte(`{"form":"custody","guardians":[{"relation":"grandparent"}]}`), i18n.AZ); len(got) == 0 {
		t.Fatal("no rows")
	} else {
		found := false
		for _, r := range got {
			if r.Value == "baba və ya nənə" {
				found = true
			}
		}
		if !found {
			t.Errorf("the relation is not named: %+v", got)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		in   float64
		want string
	}{
		{i18n.AZ, 45, "45"},
		{i18n.AZ, 12345.5, "12\u00a0345,5"},
		{i18n.RU, 1234567, "1\u00a0234\u00a0567"},
		{i18n.EN, 1234567.25, "1,234,567.25"},
		{i18n.EN, 36.6, "36.6"},
		{i18n.AZ, -3, "−3"},
		{i18n.AZ, 0.333333333, "0,3333"},
	} {
		if got := formatNumber(tc.lang, tc.in); got != tc.want {
			t.Errorf("formatNumber(%s, %v) = %q; want %q", tc.lang, tc.in, got, tc.want)
		}
	}
	// A record's plain numbers are written so too.
	data := []byte(`{"date":"2025-05-10","height_cm":123,"weight_g":31500,"temperature":36.6}`)
	var vals []string
	for _, r := range rows(category.CatHealthCheckup, data, i18n.AZ) {
		vals = append(vals, r.Value)
	}
	if !slices.Contains(vals, "31\u00a0500") || !slices.Contains(vals, "36,6") || !slices.Contains(vals, "123") {
		t.Errorf("rows = %q", vals)
	}
}

// TestListsInForms: a list shows one item, one more when asked for; items
// left empty are left out of the record; an item's error lands on its
// field; a list of plain values (diagnoses) works the same way.
func TestListsInForms(t *testing.T) {
	form := url.Values{"_add": {"guardians"}, "guardians._count": {"1"}}
	fs := fields(category.CatGuardianship, i18n.EN, form, nil)
	var names []string
	for _, f := range fs {
		if strings.HasPrefix(f.Name, "guardians") {
			names = append(names, f.Kind+":"+f.Name)
		}
	}
	for _, want := range []string{"heading:guardians.0", "text:guardians.0.name.given", "select:guardians.1.relation", "hidden:guardians._count", "add:guardians"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s in %v", want, names)
		}
	}
	// The second item typed, the first left empty: one guardian.
	form = url.Values{"guardians._count": {"2"}, "guardians.1.name.given": {"Sevda"}, "guardians.1.name.family": {"Əliyeva"},
		"guardians.1.relation": {"aunt_uncle"}, "form": {"custody"}}
	fs = fields(category.CatGuardianship, i18n.EN, form, map[string]string{"guardians.1.relation": "wrong"})
	var p map[string]any
	json.Unmarshal(payload(fs, form), &p)
	gs, _ := p["guardians"].([]any)
	if len(gs) != 1 || gs[0].(map[string]any)["relation"] != "aunt_uncle" {
		t.Errorf("payload = %v", p)
	}
	for _, f := range fs {
		if f.Name == "guardians.1.relation" && f.Error != "wrong" {
			t.Errorf("the item's error is not on its field: %+v", f)
		}
	}
	// A full list has no button to add more.
	form = url.Values{"guardians._count": {"4"}}
	for _, f := range fields(category.CatGuardianship, i18n.EN, form, nil) {
		if f.Kind == "add" && f.Name == "guardians" {
			t.Error("four guardians, the most, and still a button to add one")
		}
	}
	// Plain values.
	form = url.Values{"diagnoses._count": {"2"}, "diagnoses.0": {"J45.0"}, "diagnoses.1": {"E10"}}
	fs = fields(category.CatHealthCheckup, i18n.AZ, form, nil)
	json.Unmarshal(payload(fs, form), &p)
	if ds, _ := p["diagnoses"].([]any); len(ds) != 2 || ds[1] != "E10" {
		t.Errorf("diagnoses = %v", p["diagnoses"])
	}
}

// TestEntryFormRendersLists renders the guardianship form with two
// guardians asked for: each item's heading and fields, the count kept,
// and the button that adds another.
func TestEntryFormRendersLists(t *testing.T) {
	h := New(nil, nil, nil, nil, slog.New(slog.DiscardHandler), time.Now, Signing{})
	values := url.Values{"_add": {"guardians"}, "guardians._count": {"1"}}
	data := map[string]any{"Key": "5ZK3N2P", "Category": category.CatGuardianship,
		"Fields": fields(category.CatGuardianship, i18n.EN, values, nil), "Token": "t"}
	rec := httptest.NewRecorder()
	h.render(rec, httptest.NewRequest("GET", "/?lang=en", nil), "entry", 200, nil, "entry.title", data)
	page := rec.Body.String()
	for _, want := range []string{
		`<h3 class="item">Guardians — 2</h3>`,
		`name="guardians.1.name.given"`,
		`<input type="hidden" name="guardians._count" value="2">`,
		`name="_add" value="guardians" formnovalidate>Add another: Guardians</button>`,
		`id="sign-entry"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
}
