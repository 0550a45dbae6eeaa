package signals_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/signals"
)

// today is the day of evaluation in every test.
var today = category.MustDate("2025-10-02")

// aged returns the birth date of a child who turns n today.
func aged(n int) category.Date { return today.AddYears(-n) }

// date parses a literal date.
func date(s string) category.Date { return category.MustDate(s) }

// example returns the first example payload of a category.
func example(t *testing.T, code string) json.RawMessage {
	t.Helper()
	c, ok := category.Lookup(code)
	if !ok {
		t.Fatalf("no category %q", code)
	}
	return c.Examples()[0]
}

// fact builds a current upsert fact of a category from a payload: a
// category struct, or raw JSON.
func fact(t *testing.T, id int64, code, effective string, payload any) profile.Fact {
	t.Helper()
	raw, ok := payload.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(payload); err != nil {
			t.Fatal(err)
		}
	}
	c, ok := category.Lookup(code)
	if !ok {
		t.Fatalf("no category %q", code)
	}
	return profile.Fact{
		ID: id, ChildID: 1, Category: code, Sender: c.Senders[0], SourceID: code + "-" + effective,
		Action: profile.Upsert, EffectiveDate: date(effective), Payload: raw, Current: true,
	}
}

// rule returns the default rule with the given code.
func rule(t *testing.T, code string) signals.Rule {
	t.Helper()
	r, ok := signals.Default(code)
	if !ok {
		t.Fatalf("no default rule %q", code)
	}
	return r
}

// ruleCase is one evaluation of a single rule: whether it holds, and if so
// for whom and on which facts.
type ruleCase struct {
	name        string
	edit        func(*signals.Rule)
	sum         profile.Summary
	facts       []profile.Fact
	hit         bool
	responsible string
	cites       []int64
	says        string // a fragment the English reason must contain
}

func runRule(t *testing.T, code string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rule(t, code)
			if tc.edit != nil {
				tc.edit(&r)
			}
			hits := signals.Evaluate([]signals.Rule{r}, tc.facts, tc.sum, today)
			if !tc.hit {
				if len(hits) != 0 {
					t.Fatalf("got %+v, want no hit", hits)
				}
				return
			}
			if len(hits) != 1 {
				t.Fatalf("got %d hits (%+v), want 1", len(hits), hits)
			}
			h := hits[0]
			if h.Rule != code {
				t.Errorf("Rule = %q, want %q", h.Rule, code)
			}
			if h.Responsible != tc.responsible {
				t.Errorf("Responsible = %q, want %q", h.Responsible, tc.responsible)
			}
			if !slices.Equal(h.Facts, tc.cites) {
				t.Errorf("Facts = %v, want %v", h.Facts, tc.cites)
			}
			if h.Reason.AZ == "" || h.Reason.EN == "" || h.Reason.RU == "" {
				t.Errorf("Reason lacks a language: %+v", h.Reason)
			}
			if !strings.Contains(h.Reason.EN, tc.says) {
				t.Errorf("Reason.EN = %q, want it to contain %q", h.Reason.EN, tc.says)
			}
		})
	}
}

func TestSchoolAgeNoSchooling(t *testing.T) {
	sabail := func(b category.Date) profile.Summary { return profile.Summary{BirthDate: b, District: "sabail"} }
	birth := fact(t, 7, "birth_registration", "2016-03-12", example(t, "birth_registration"))
	left := category.Schooling{
		School: "Bakı şəhəri 20 nömrəli tam orta məktəb", Address: category.Address{District: "sabail"},
		Level: "primary", Form: "full_time", Language: "az", Grade: 3, Since: date("2022-09-15"), Left: date("2025-06-01"),
	}
	leavesLater := left
	leavesLater.Left = date("2025-12-01")
	runRule(t, signals.SchoolAgeNoSchooling, []ruleCase{
		{name: "five, a day before the sixth birthday", sum: sabail(aged(6).AddDays(1))},
		{name: "six today", sum: sabail(aged(6)), hit: true, responsible: "education", says: "6 years old"},
		{name: "seventeen, a day before coming of age", sum: sabail(aged(18).AddDays(1)), hit: true, responsible: "education", says: "17 years old"},
		{name: "eighteen today", sum: sabail(aged(18))},
		{name: "birth date unknown", sum: sabail(category.Date{})},
		{name: "cites the birth registration", sum: sabail(aged(9)), facts: []profile.Fact{birth},
			hit: true, responsible: "education", cites: []int64{7}},
		{name: "at school", sum: sabail(aged(9)), facts: []profile.Fact{birth, fact(t, 3, "schooling", "2022-09-15", example(t, "schooling"))}},
		{name: "in special education", sum: sabail(aged(9)), facts: []profile.Fact{fact(t, 3, "special_education", "2023-09-15", example(t, "special_education"))}},
		{name: "left school", sum: sabail(aged(9)), facts: []profile.Fact{birth, fact(t, 3, "schooling", "2025-06-01", left)},
			hit: true, responsible: "education", cites: []int64{3, 7}, says: "ended on 1 Jun 2025"},
		{name: "leaves school after today", sum: sabail(aged(9)), facts: []profile.Fact{fact(t, 3, "schooling", "2025-06-01", leavesLater)}},
		{name: "left one school, attends another", sum: sabail(aged(9)), facts: []profile.Fact{
			fact(t, 3, "schooling", "2025-06-01", left), fact(t, 4, "schooling", "2025-09-15", example(t, "schooling"))}},
		{name: "holds a school-leaving certificate", sum: sabail(aged(16)), facts: []profile.Fact{
			fact(t, 3, "education_documents", "2024-06-20", example(t, "education_documents"))}},
		{name: "rule disabled", edit: func(r *signals.Rule) { r.Enabled = false }, sum: sabail(aged(9))},
	})
}

func TestNoHealthCheckup(t *testing.T) {
	checkup := func(id int64, on string) profile.Fact {
		return fact(t, id, "health_checkup", on, category.HealthCheckup{Date: date(on), Institution: "Poliklinika", HealthGroup: "group_1"})
	}
	three := profile.Summary{BirthDate: aged(3), District: "quba"}
	registered := fact(t, 5, "medical_registration", "2023-03-10", example(t, "medical_registration"))
	// Effective on a recent day, but the check-up itself was long ago.
	late := checkup(6, "2025-09-01")
	late.Payload = json.RawMessage(`{"date":"2024-01-15","institution":"Poliklinika","health_group":"group_1"}`)
	runRule(t, signals.NoHealthCheckup, []ruleCase{
		{name: "check-up 11 months ago", sum: three, facts: []profile.Fact{checkup(1, "2024-11-02")}},
		{name: "check-up exactly 12 months ago", sum: three, facts: []profile.Fact{checkup(1, "2024-10-02")}},
		{name: "check-up 12 months and a day ago", sum: three, facts: []profile.Fact{checkup(1, "2024-10-01")},
			hit: true, responsible: "health", cites: []int64{1}, says: "on 1 Oct 2024, more than 12 months before 2 Oct 2025"},
		{name: "check-up 13 months ago", sum: three, facts: []profile.Fact{checkup(1, "2024-09-02"), registered},
			hit: true, responsible: "health", cites: []int64{1}},
		{name: "cites only the latest of old check-ups", sum: three, facts: []profile.Fact{checkup(2, "2024-05-01"), checkup(1, "2023-05-01")},
			hit: true, responsible: "health", cites: []int64{2}, says: "1 May 2024"},
		{name: "an old and a recent check-up", sum: three, facts: []profile.Fact{checkup(1, "2023-05-01"), checkup(2, "2025-05-01")}},
		{name: "the check-up's own date counts", sum: three, facts: []profile.Fact{late},
			hit: true, responsible: "health", cites: []int64{6}, says: "15 Jan 2024"},
		{name: "six-month period", edit: func(r *signals.Rule) { r.Months = 6 }, sum: three, facts: []profile.Fact{checkup(1, "2024-11-02")},
			hit: true, responsible: "health", cites: []int64{1}, says: "more than 6 months"},
		{name: "none, cites the medical registration", sum: three, facts: []profile.Fact{registered},
			hit: true, responsible: "health", cites: []int64{5}, says: "3 years old"},
		{name: "none and no registration", sum: three, hit: true, responsible: "health", says: "No health check-up"},
		{name: "under one", sum: profile.Summary{BirthDate: aged(1).AddDays(1)}},
		{name: "one today", sum: profile.Summary{BirthDate: aged(1)}, hit: true, responsible: "health", says: "1 year old"},
		{name: "birth date unknown", sum: profile.Summary{}},
		{name: "rule disabled", edit: func(r *signals.Rule) { r.Enabled = false }, sum: three},
	})
}

func TestMinorMother(t *testing.T) {
	born := date("2025-02-01")
	mother := func(id int64, birth string) profile.Fact {
		p := category.Parent{Name: category.PersonName{Given: "Aysel", Family: "Məmmədova"}, Citizenship: "AZE", BirthDate: date(birth)}
		return fact(t, id, "mother", "2025-02-01", p)
	}
	birthReg := fact(t, 9, "birth_registration", "2025-02-01", example(t, "birth_registration"))
	girl := profile.Summary{BirthDate: date("2009-05-20"), District: "salyan"}
	baby := profile.Summary{BirthDate: born, District: "sabail"}
	runRule(t, signals.MinorMother, []ruleCase{
		{name: "the child gave birth", sum: girl, facts: []profile.Fact{fact(t, 4, "minor_motherhood", "2025-02-14", example(t, "minor_motherhood"))},
			hit: true, responsible: "commission.salyan", cites: []int64{4}, says: "gave birth on 14 Feb 2025"},
		{name: "the mother was 17", sum: baby, facts: []profile.Fact{mother(2, "2007-02-02"), birthReg},
			hit: true, responsible: "commission.sabail", cites: []int64{2, 9}, says: "mother was 17"},
		{name: "the mother turned 18 that day", sum: baby, facts: []profile.Fact{mother(2, "2007-02-01"), birthReg}},
		{name: "the example mother", sum: baby, facts: []profile.Fact{fact(t, 2, "mother", "2025-02-01", example(t, "mother"))}},
		{name: "the child's birth date unknown", sum: profile.Summary{District: "sabail"}, facts: []profile.Fact{mother(2, "2007-02-02")}},
		{name: "district unknown", sum: profile.Summary{BirthDate: born}, facts: []profile.Fact{mother(2, "2010-01-01")},
			hit: true, responsible: "operator", cites: []int64{2}},
		{name: "district not in the classifier", sum: profile.Summary{BirthDate: born, District: "atlantis"}, facts: []profile.Fact{mother(2, "2010-01-01")},
			hit: true, responsible: "operator", cites: []int64{2}},
		{name: "addressed to a chosen participant", edit: func(r *signals.Rule) { r.Responsible = "health" },
			sum: baby, facts: []profile.Fact{mother(2, "2010-01-01")}, hit: true, responsible: "health", cites: []int64{2}},
		{name: "no facts", sum: baby},
	})
}

func TestUnaccompaniedMinor(t *testing.T) {
	sum := profile.Summary{BirthDate: aged(12), District: "astara"}
	runRule(t, signals.UnaccompaniedMinor, []ruleCase{
		{name: "found unaccompanied", sum: sum, facts: []profile.Fact{fact(t, 11, "unaccompanied_minor", "2024-07-19", example(t, "unaccompanied_minor"))},
			hit: true, responsible: "migration", cites: []int64{11}, says: "found unaccompanied on 19 Jul 2024 (place: Astara; placement: Placed in a shelter)"},
		{name: "none", sum: sum, facts: []profile.Fact{fact(t, 3, "schooling", "2022-09-15", example(t, "schooling"))}},
		{name: "rule disabled", edit: func(r *signals.Rule) { r.Enabled = false }, sum: sum,
			facts: []profile.Fact{fact(t, 11, "unaccompanied_minor", "2024-07-19", example(t, "unaccompanied_minor"))}},
	})
}

func TestTSAParentsUnemployed(t *testing.T) {
	sum := profile.Summary{BirthDate: aged(7), District: "quba"}
	tsa := fact(t, 20, "targeted_social_assistance", "2025-04-01", example(t, "targeted_social_assistance"))
	employment := func(id int64, code, status string) profile.Fact {
		return fact(t, id, code, "2023-09-01", category.ParentEmployment{Status: status})
	}
	ended := fact(t, 20, "targeted_social_assistance", "2024-04-01", category.TargetedSocialAssistance{
		Application: "ÜSY-2024-1", Amount: category.MustMoney("300.00"), FamilySize: 4, Start: date("2024-04-01"), End: date("2025-09-30"),
	})
	runRule(t, signals.TSAParentsUnemployed, []ruleCase{
		{name: "both unemployed", sum: sum, facts: []profile.Fact{employment(31, "mother_employment", "unemployed"), tsa, employment(30, "father_employment", "unemployed_registered")},
			hit: true, responsible: "labour", cites: []int64{20, 30, 31},
			says: "father: Registered as unemployed; mother: Not working"},
		{name: "father a pensioner", sum: sum, facts: []profile.Fact{tsa, employment(30, "father_employment", "pensioner"), employment(31, "mother_employment", "unemployed")},
			hit: true, responsible: "labour", cites: []int64{20, 30, 31}},
		{name: "father employed", sum: sum, facts: []profile.Fact{tsa, fact(t, 30, "father_employment", "2015-01-12", example(t, "father_employment")), employment(31, "mother_employment", "unemployed")}},
		{name: "mother self-employed", sum: sum, facts: []profile.Fact{tsa, employment(30, "father_employment", "unemployed"), employment(31, "mother_employment", "self_employed")}},
		{name: "father found work since", sum: sum, facts: []profile.Fact{tsa, employment(30, "father_employment", "unemployed"),
			fact(t, 32, "father_employment", "2025-05-01", category.ParentEmployment{Status: "employed", Workplace: "Azərişıq ASC"}),
			employment(31, "mother_employment", "unemployed")}},
		{name: "father's employment unknown", sum: sum, facts: []profile.Fact{tsa, employment(31, "mother_employment", "unemployed")}},
		{name: "assistance ended", sum: sum, facts: []profile.Fact{ended, employment(30, "father_employment", "unemployed"), employment(31, "mother_employment", "unemployed")}},
		{name: "no assistance", sum: sum, facts: []profile.Fact{employment(30, "father_employment", "unemployed"), employment(31, "mother_employment", "unemployed")}},
	})
}

func TestOffenceAgainstChild(t *testing.T) {
	sum := profile.Summary{BirthDate: aged(10), District: "xatai"}
	second := category.OffenceAgainstChild{RegisteringBody: "Xətai rayon Polis İdarəsi", RegisteredOn: date("2025-06-03"),
		Article: "156.1", Decision: "under_investigation"}
	runRule(t, signals.OffenceAgainstChild, []ruleCase{
		{name: "one offence", sum: sum, facts: []profile.Fact{fact(t, 40, "offences_against_child", "2025-01-09", example(t, "offences_against_child"))},
			hit: true, responsible: "commission.xatai", cites: []int64{40}, says: "article 126.1, registered on 9 Jan 2025"},
		{name: "two offences", sum: sum, facts: []profile.Fact{fact(t, 45, "offences_against_child", "2025-06-03", second),
			fact(t, 40, "offences_against_child", "2025-01-09", example(t, "offences_against_child"))},
			hit: true, responsible: "commission.xatai", cites: []int64{40, 45}, says: "2 offences against the child are on record; the latest: article 156.1"},
		{name: "district unknown", sum: profile.Summary{BirthDate: aged(10)},
			facts: []profile.Fact{fact(t, 40, "offences_against_child", "2025-01-09", example(t, "offences_against_child"))},
			hit:   true, responsible: "operator", cites: []int64{40}},
		{name: "an offence by the child is not one against it", sum: sum,
			facts: []profile.Fact{fact(t, 41, "offences_by_child", "2025-04-02", example(t, "offences_by_child"))}},
	})
}

// troubled returns a child aged 9 in Sabail, with no schooling and no
// check-up, born to a 17-year-old mother, found unaccompanied, whose family
// is on targeted assistance with both parents out of work, and against
// whom an offence was committed: every default rule holds for it.
func troubled(t *testing.T) ([]profile.Fact, profile.Summary) {
	born := aged(9)
	mother := category.Parent{FIN: "3MN8P4Q", Name: category.PersonName{Given: "Aysel", Family: "Məmmədova"},
		Citizenship: "AZE", BirthDate: born.AddYears(-17)}
	facts := []profile.Fact{
		fact(t, 1, "birth_registration", born.String(), example(t, "birth_registration")),
		fact(t, 2, "mother", born.String(), mother),
		fact(t, 3, "father", born.String(), example(t, "father")),
		fact(t, 4, "medical_registration", "2017-03-10", example(t, "medical_registration")),
		fact(t, 5, "unaccompanied_minor", "2024-07-19", example(t, "unaccompanied_minor")),
		fact(t, 6, "targeted_social_assistance", "2025-04-01", example(t, "targeted_social_assistance")),
		fact(t, 7, "father_employment", "2024-01-01", category.ParentEmployment{Status: "unemployed"}),
		fact(t, 8, "mother_employment", "2023-09-01", example(t, "mother_employment")),
		fact(t, 9, "offences_against_child", "2025-01-09", example(t, "offences_against_child")),
	}
	return facts, profile.Summary{FIN: "5ZK3N2P", Name: category.PersonName{Given: "Leyla", Family: "Məmmədova"},
		BirthDate: born, District: "sabail", MotherFIN: "3MN8P4Q", FatherFIN: "2HJ7K9L"}
}

func TestEvaluateAllRules(t *testing.T) {
	facts, sum := troubled(t)
	hits := signals.Evaluate(signals.Defaults(), facts, sum, today)
	want := []struct {
		rule, responsible string
		facts             []int64
	}{
		{signals.SchoolAgeNoSchooling, "education", []int64{1}},
		{signals.NoHealthCheckup, "health", []int64{4}},
		{signals.MinorMother, "commission.sabail", []int64{1, 2}},
		{signals.UnaccompaniedMinor, "migration", []int64{5}},
		{signals.TSAParentsUnemployed, "labour", []int64{6, 7, 8}},
		{signals.OffenceAgainstChild, "commission.sabail", []int64{9}},
	}
	if len(hits) != len(want) {
		t.Fatalf("got %d hits, want %d: %+v", len(hits), len(want), hits)
	}
	for i, w := range want {
		h := hits[i]
		if h.Rule != w.rule || h.Responsible != w.responsible || !slices.Equal(h.Facts, w.facts) {
			t.Errorf("hit %d = {%s %s %v}, want {%s %s %v}", i, h.Rule, h.Responsible, h.Facts, w.rule, w.responsible, w.facts)
		}
	}

	// No reason names a person or gives a FIN.
	personal := []string{"Leyla", "Aysel", "Vüqar", "Məmmədov", "Nərmin", "Əliyeva", "5ZK3N2P", "3MN8P4Q", "2HJ7K9L", "7CD4F6G"}
	var b category.BirthRegistration
	if err := json.Unmarshal(example(t, "birth_registration"), &b); err != nil {
		t.Fatal(err)
	}
	personal = append(personal, b.Name.Given, b.Name.Family, b.FIN)
	for _, h := range hits {
		for _, text := range []string{h.Reason.AZ, h.Reason.EN, h.Reason.RU} {
			for _, p := range personal {
				if p != "" && strings.Contains(text, p) {
					t.Errorf("%s: reason %q contains %q", h.Rule, text, p)
				}
			}
			if !strings.HasSuffix(text, ".") {
				t.Errorf("%s: reason %q is not a sentence", h.Rule, text)
			}
		}
	}
}

func TestEvaluateOrderAndDuplicates(t *testing.T) {
	facts, sum := troubled(t)
	rules := signals.Defaults()
	slices.Reverse(rules)
	rules = append(rules, rule(t, signals.MinorMother)) // a second rule with a known code
	rules = append(rules, signals.Rule{Code: "unknown_rule", Enabled: true, Responsible: "operator"})
	var got []string
	for _, h := range signals.Evaluate(rules, facts, sum, today) {
		got = append(got, h.Rule)
	}
	want := signals.Codes()
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Errorf("hits in order %v, want %v", got, want)
	}
}

func TestEvaluateDeterministic(t *testing.T) {
	facts, sum := troubled(t)
	want := signals.Evaluate(signals.Defaults(), facts, sum, today)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(facts)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := signals.Evaluate(signals.Defaults(), shuffled, sum, today); !reflect.DeepEqual(got, want) {
			t.Fatalf("facts in another order gave\n%+v\nwant\n%+v", got, want)
		}
	}
}

func TestEvaluateNoSignals(t *testing.T) {
	facts, sum := troubled(t)
	cases := []struct {
		name  string
		edit  func(*profile.Summary, *[]profile.Fact)
		rules []signals.Rule
	}{
		{name: "deceased", edit: func(s *profile.Summary, _ *[]profile.Fact) { s.Deceased = true }},
		{name: "death recorded", edit: func(_ *profile.Summary, f *[]profile.Fact) {
			*f = append(*f, fact(t, 50, "death", "2025-09-01", example(t, "death")))
		}},
		{name: "archived", edit: func(s *profile.Summary, _ *[]profile.Fact) { s.Status = "archived" }},
		{name: "eighteen today", edit: func(s *profile.Summary, _ *[]profile.Fact) { s.BirthDate = aged(18) }},
		{name: "every rule disabled", rules: func() []signals.Rule {
			rs := signals.Defaults()
			for i := range rs {
				rs[i].Enabled = false
			}
			return rs
		}()},
		{name: "no rules", rules: []signals.Rule{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, f := sum, slices.Clone(facts)
			if tc.edit != nil {
				tc.edit(&s, &f)
			}
			rules := tc.rules
			if rules == nil {
				rules = signals.Defaults()
			}
			if hits := signals.Evaluate(rules, f, s, today); len(hits) != 0 {
				t.Errorf("got %d hits, want none: %+v", len(hits), hits)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	rules := signals.Defaults()
	want := []string{"school_age_no_schooling", "no_health_checkup", "minor_mother", "unaccompanied_minor", "tsa_parents_unemployed", "offence_against_child"}
	if len(rules) != len(want) {
		t.Fatalf("%d default rules, want %d", len(rules), len(want))
	}
	for i, r := range rules {
		if r.Code != want[i] || !r.Enabled {
			t.Errorf("rule %d = %q enabled %v, want %q enabled", i, r.Code, r.Enabled, want[i])
		}
		if r.Name.AZ == "" || r.Name.EN == "" || r.Name.RU == "" {
			t.Errorf("%s: name lacks a language: %+v", r.Code, r.Name)
		}
		if err := signals.Validate(r); err != nil {
			t.Errorf("%s: default rule invalid: %v", r.Code, err)
		}
		if (r.Months != 0) != signals.HasPeriod(r.Code) {
			t.Errorf("%s: Months %d but HasPeriod %v", r.Code, r.Months, signals.HasPeriod(r.Code))
		}
	}
	if r, _ := signals.Default(signals.NoHealthCheckup); r.Months != 12 {
		t.Errorf("check-up period %d months, want 12", r.Months)
	}
	// Defaults returns a fresh copy each time.
	rules[0].Enabled = false
	if !signals.Defaults()[0].Enabled {
		t.Error("changing a returned rule changed the defaults")
	}
}

func TestValidate(t *testing.T) {
	valid := func(code string) signals.Rule { return rule(t, code) }
	cases := []struct {
		name   string
		rule   signals.Rule
		fields []string // the wrong fields, in order; none for a valid rule
	}{
		{name: "a commission by district", rule: func() signals.Rule {
			r := valid(signals.MinorMother)
			r.Responsible = "commission.sabail"
			return r
		}()},
		{name: "another participant", rule: func() signals.Rule {
			r := valid(signals.OffenceAgainstChild)
			r.Responsible = "internal_affairs"
			return r
		}()},
		{name: "a three-year period, disabled", rule: func() signals.Rule {
			r := valid(signals.NoHealthCheckup)
			r.Months, r.Enabled = 36, false
			return r
		}()},
		{name: "unknown code", rule: signals.Rule{Code: "no_dentist", Name: valid(signals.MinorMother).Name, Responsible: "health"},
			fields: []string{"code"}},
		{name: "no responsible", rule: func() signals.Rule { r := valid(signals.MinorMother); r.Responsible = ""; return r }(),
			fields: []string{"responsible"}},
		{name: "capitals in the responsible", rule: func() signals.Rule { r := valid(signals.MinorMother); r.Responsible = "Education"; return r }(),
			fields: []string{"responsible"}},
		{name: "every participant", rule: func() signals.Rule { r := valid(signals.MinorMother); r.Responsible = "*"; return r }(),
			fields: []string{"responsible"}},
		{name: "commission of no district", rule: func() signals.Rule {
			r := valid(signals.MinorMother)
			r.Responsible = "commission.atlantis"
			return r
		}(), fields: []string{"responsible"}},
		{name: "no period", rule: func() signals.Rule { r := valid(signals.NoHealthCheckup); r.Months = 0; return r }(),
			fields: []string{"months"}},
		{name: "negative period", rule: func() signals.Rule { r := valid(signals.NoHealthCheckup); r.Months = -1; return r }(),
			fields: []string{"months"}},
		{name: "period over three years", rule: func() signals.Rule { r := valid(signals.NoHealthCheckup); r.Months = 37; return r }(),
			fields: []string{"months"}},
		{name: "period on a rule without one", rule: func() signals.Rule { r := valid(signals.MinorMother); r.Months = 6; return r }(),
			fields: []string{"months"}},
		{name: "no Azerbaijani name", rule: func() signals.Rule { r := valid(signals.MinorMother); r.Name.AZ = " "; return r }(),
			fields: []string{"name.az"}},
		{name: "long Russian name", rule: func() signals.Rule {
			r := valid(signals.MinorMother)
			r.Name.RU = strings.Repeat("я", 201)
			return r
		}(), fields: []string{"name.ru"}},
		{name: "every wrong field", rule: signals.Rule{Code: "", Responsible: "Labour Ministry"},
			fields: []string{"code", "name.az", "responsible"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := signals.Validate(tc.rule)
			if len(tc.fields) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if !fault.Is(err, fault.Invalid) {
				t.Fatalf("Validate = %v, want a fault.Invalid error", err)
			}
			var got []string
			for _, f := range fault.FieldsOf(err) {
				got = append(got, f.Field)
				if f.Code == "" || f.Message.AZ == "" || f.Message.EN == "" || f.Message.RU == "" {
					t.Errorf("field error %+v lacks a code or a message", f)
				}
			}
			if !slices.Equal(got, tc.fields) {
				t.Errorf("wrong fields %v, want %v", got, tc.fields)
			}
		})
	}
}
