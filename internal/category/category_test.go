package category_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
)

var today = category.MustDate("2026-11-22")

func TestCatalogue(t *testing.T) {
	all := category.All()
	if len(all) != 31 {
		t.Fatalf("%d categories; the regulation has 31", len(all))
	}
	seen := map[string]bool{}
	for i, c := range all {
		if c.Bit != i {
			t.Errorf("%s has bit %d at position %d: bits follow the regulation's order", c.Code, c.Bit, i)
		}
		if seen[c.Code] || c.Clause == "" || c.Title.AZ == "" || c.Title.EN == "" || c.Title.RU == "" || len(c.Senders) == 0 {
			t.Errorf("%s: duplicate, or missing clause, title or senders", c.Code)
		}
		seen[c.Code] = true
		if got, ok := category.Lookup(c.Code); !ok || got != c {
			t.Errorf("Lookup(%q) does not find it", c.Code)
		}
	}
}

// TestExamplesValidate checks every example of every category against both
// the validator and, independently, the published JSON Schema.
func TestExamplesValidate(t *testing.T) {
	for _, c := range category.All() {
		t.Run(c.Code, func(t *testing.T) {
			schema := compile(t, c)
			if len(c.Examples()) == 0 {
				t.Fatal("no example")
			}
			for i, ex := range c.Examples() {
				if _, err := c.Validate(ex, category.Context{Today: today}, "data"); err != nil {
					t.Errorf("example %d is refused by the validator: %v", i, err)
				}
				doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ex))
				if err != nil {
					t.Fatal(err)
				}
				if err := schema.Validate(doc); err != nil {
					t.Errorf("example %d is refused by the JSON Schema: %v", i, err)
				}
			}
		})
	}
}

func compile(t *testing.T, c *category.Category) *jsonschema.Schema {
	t.Helper()
	b, err := json.Marshal(c.Schema())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	comp := jsonschema.NewCompiler()
	url := "https://databank.example/" + c.Code + ".json"
	if err := comp.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := comp.Compile(url)
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// patch returns the category's first example with fields replaced or
// removed (a nil value removes), addressed by dotted paths.
func patch(t *testing.T, c *category.Category, changes map[string]any) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(c.Examples()[0], &doc); err != nil {
		t.Fatal(err)
	}
	for path, v := range changes {
		parts := strings.Split(path, ".")
		m := doc
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		if v == nil {
			delete(m, parts[len(parts)-1])
		} else {
			m[parts[len(parts)-1]] = v
		}
	}
	b, _ := json.Marshal(doc)
	return b
}

// TestInvalidExamples gives every category at least one invalid payload
// and the exact field and code it must be refused with.
func TestInvalidExamples(t *testing.T) {
	born := func(d string) category.Context {
		return category.Context{Today: today, BirthDate: category.MustDate(d), Effective: today}
	}
	plain := category.Context{Today: today}
	cases := []struct {
		cat     *category.Category
		changes map[string]any
		ctx     category.Context
		field   string
		code    string
	}{
		{category.CatBirthRegistration, map[string]any{"fin": "5ZK3N2O"}, plain, "data.fin", "fin_format"},
		{category.CatBirthRegistration, map[string]any{"birth_date": "2030-01-01"}, plain, "data.birth_date", "date_future"},
		{category.CatBirthRegistration, map[string]any{"act.date": "2016-02-01"}, plain, "data.act.date", "date_order"},
		{category.CatIdentityCard, map[string]any{"number": "AZE1234567"}, plain, "data.number", "id_card_format"},
		{category.CatResidencePermit, map[string]any{"kind": "temporary"}, plain, "data.kind", "inconsistent"},
		{category.CatRefugeeCard, map[string]any{"country_of_origin": "XYZ"}, plain, "data.country_of_origin", "classifier"},
		{category.CatDeath, map[string]any{"icd10": "J4"}, plain, "data.icd10", "icd10_format"},
		{category.CatFather, map[string]any{"birth_date": "2010-01-01"}, born("2016-03-02"), "data.birth_date", "parent_age"},
		{category.CatMother, map[string]any{"phone": "+994121234567"}, plain, "data.phone", "mobile_format"},
		{category.CatParentsMarriage, map[string]any{"marriage.number": nil}, plain, "data.marriage.number", "required"},
		{category.CatFatherEmployment, map[string]any{"workplace_voen": "1700767723"}, plain, "data.workplace_voen", "voen_format"},
		{category.CatMotherEmployment, map[string]any{"status": "astronaut"}, plain, "data.status", "classifier"},
		{category.CatParentalCareRegistry, map[string]any{"deregistered_on": "2023-01-01"}, plain, "data.deregistration_reason", "inconsistent"},
		{category.CatGuardianship, nil, born("2005-01-01"), "data.start", "age_over"},
		{category.CatEducationDocuments, nil, born("2019-01-01"), "data.document.issued_on", "age_implausible"},
		{category.CatSpecialEducation, map[string]any{"disability.degree": "degree_1"}, plain, "data.disability.degree", "inconsistent"},
		{category.CatMedicalRegistration, map[string]any{"address.postal_code": "1000AZ"}, plain, "data.address.postal_code", "postal_format"},
		{category.CatHealthCheckup, map[string]any{"health_group": "group_9"}, plain, "data.health_group", "classifier"},
		{category.CatPensionBenefits, map[string]any{"amount": "200.005"}, plain, "data.amount", "money_format"},
		{category.CatAlimony, map[string]any{"share": "2/3"}, plain, "data.share", "one_of"},
		{category.CatTargetedSocialAssistance, map[string]any{"end": "2025-01-01"}, plain, "data.end", "date_order"},
		{category.CatSocialServices, map[string]any{"recipient": nil}, plain, "data.recipient", "required"},
		{category.CatYouthEmployment, nil, born("2011-01-01"), "data.since", "age_implausible"},
		{category.CatMinorMotherhood, nil, born("2000-01-01"), "data.baby_birth_date", "age_over"},
		{category.CatUnaccompaniedMinor, map[string]any{"placement": "repatriated"}, plain, "data.repatriated_on", "required"},
		{category.CatOffencesByChild, nil, born("2012-01-01"), "data.offence_date", "age_implausible"},
		{category.CatEducationalMeasures, nil, born("2016-01-01"), "data.start", "age_implausible"},
		{category.CatOffencesAgainstChild, map[string]any{"article": "abc"}, plain, "data.article", "article_format"},
		{category.CatSchooling, map[string]any{"grade": 12}, plain, "data.grade", "max"},
		{category.CatSchooling, nil, born("2020-01-01"), "data.grade", "age_implausible"},
		{category.CatAcademicAchievements, map[string]any{"place": 0}, plain, "data.place", "min"},
		{category.CatSportsAchievements, map[string]any{"sport": "quidditch"}, plain, "data.sport", "classifier"},
		{category.CatSportsMembership, map[string]any{"kind": "gym"}, plain, "data.kind", "one_of"},
		{category.CatAppeals, map[string]any{"applicant.phone": "12345"}, plain, "data.applicant.phone", "phone_format"},
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.cat.Code] = true
		t.Run(tc.cat.Code+"/"+tc.code, func(t *testing.T) {
			_, err := tc.cat.Validate(patch(t, tc.cat, tc.changes), tc.ctx, "data")
			if !fault.Is(err, fault.Invalid) {
				t.Fatalf("accepted or wrong kind: %v", err)
			}
			fields := fault.FieldsOf(err)
			if !slices.ContainsFunc(fields, func(f fault.FieldError) bool { return f.Field == tc.field && f.Code == tc.code }) {
				t.Fatalf("errors = %+v; want %s %s", fields, tc.field, tc.code)
			}
			for _, f := range fields {
				if f.Message.AZ == "" || f.Message.EN == "" || f.Message.RU == "" {
					t.Errorf("%s %s has no message in every language", f.Field, f.Code)
				}
			}
		})
	}
	for _, c := range category.All() {
		if !covered[c.Code] {
			t.Errorf("%s has no invalid example under test", c.Code)
		}
	}
}

// TestEveryWrongFieldIsListed checks that one bad payload gets every
// problem at once, not only the first.
func TestEveryWrongFieldIsListed(t *testing.T) {
	raw := []byte(`{"number":"X1","fin":"12","issued_on":"yesterday","valid_to":"2031-09-01","residence":{"address":{"district":"atlantis"}},"colour":"blue"}`)
	_, err := category.CatIdentityCard.Validate(raw, category.Context{Today: today}, "data")
	got := map[string]string{}
	for _, f := range fault.FieldsOf(err) {
		got[f.Field] = f.Code
	}
	want := map[string]string{
		"data.number": "id_card_format", "data.fin": "fin_format", "data.issued_on": "date_format",
		"data.issued_by": "required", "data.residence.address.district": "classifier", "data.colour": "unknown_field",
	}
	for f, code := range want {
		if got[f] != code {
			t.Errorf("%s: got %q, want %q (all: %v)", f, got[f], code, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d: %v", len(got), len(want), got)
	}
}

func TestCanonicalForm(t *testing.T) {
	raw := patch(t, category.CatBirthRegistration, map[string]any{"fin": " 5zk3n2p ", "mother_fin": "3mn8p4q"})
	canon, _, err := category.CatBirthRegistration.Canonical(raw, category.Context{Today: today}, "data")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(canon, []byte(`"fin":"5ZK3N2P"`)) || !bytes.Contains(canon, []byte(`"mother_fin":"3MN8P4Q"`)) {
		t.Errorf("identifiers not in canonical form: %s", canon)
	}
	// The same content written differently has the same canonical bytes.
	again, _, _ := category.CatBirthRegistration.Canonical(patch(t, category.CatBirthRegistration, nil), category.Context{Today: today}, "data")
	if !bytes.Equal(canon, again) {
		t.Errorf("canonical forms differ:\n%s\n%s", canon, again)
	}
}

func TestMoneyIsExact(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"150", "150.00", true}, {"150.5", "150.50", true}, {"0.07", "0.07", true}, {"312.50", "312.50", true},
		{"99999999.99", "99999999.99", true}, {"1.005", "", false}, {"-5", "", false}, {"1e3", "", false}, {"", "", false}, {"1.", "", false},
	} {
		m, err := category.ParseMoney(tc.in)
		if (err == nil) != tc.ok || (tc.ok && m.String() != tc.want) {
			t.Errorf("ParseMoney(%q) = %v, %v; want %q ok=%v", tc.in, m, err, tc.want, tc.ok)
		}
	}
	// A JSON number keeps its digits: 0.1 + 0.2 is no float here.
	var m category.Money
	if err := json.Unmarshal([]byte(`0.30`), &m); err != nil || m != 30 {
		t.Errorf("Unmarshal 0.30 = %d, %v", m, err)
	}
}

func TestAgeOn(t *testing.T) {
	b := category.MustDate("2008-02-29")
	for _, tc := range []struct {
		on   string
		want int
	}{{"2026-02-27", 17}, {"2026-02-28", 18}, {"2026-03-01", 18}, {"2024-02-28", 15}, {"2024-02-29", 16}} {
		if got := b.AgeOn(category.MustDate(tc.on)); got != tc.want {
			t.Errorf("AgeOn(%s) = %d; want %d", tc.on, got, tc.want)
		}
	}
}
