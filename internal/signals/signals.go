// Package signals decides the derived signals of the Data Bank (DESIGN.md
// §2, "Derived signals"): operator-defined rules over a child's profile that
// flag a child who needs attention — of school age with no schooling
// record, without a recent health check-up, a minor mother, unaccompanied,
// a family on targeted assistance with both parents out of work, an offence
// against the child — so that a correspondence thread (regulation §3, the
// correspondence module) is opened with the participant responsible, once
// per child and rule, citing the facts that triggered it.
//
// The package is pure: it reads the facts and the summary it is given and
// decides; storing the rules, remembering which signals were raised and
// opening the threads belong to its callers.
package signals

import (
	"slices"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/profile"
)

// The codes of the rules. They are stored with the signals raised, so a
// code never changes meaning.
const (
	SchoolAgeNoSchooling = "school_age_no_schooling"
	NoHealthCheckup      = "no_health_checkup"
	MinorMother          = "minor_mother"
	UnaccompaniedMinor   = "unaccompanied_minor"
	TSAParentsUnemployed = "tsa_parents_unemployed"
	OffenceAgainstChild  = "offence_against_child"
)

// responsibleCommission, as a rule's Responsible, stands for the
// commission of the child's district.
const responsibleCommission = category.OrgCommission

// Rule is one signal rule as the operator configures it.
type Rule struct {
	Code    string    `json:"code"` // stable id, e.g. "school_age_no_schooling"
	Name    i18n.Text `json:"name"` // in az/en/ru
	Enabled bool      `json:"enabled"`
	// Responsible is the participant code the thread is addressed to, or
	// "commission" for the commission of the child's district
	// ("commission.<district>"), falling back to "operator" when the
	// district is unknown.
	Responsible string `json:"responsible"`
	// Months is the rule's period where it has one (the check-up gap); 0
	// otherwise.
	Months int `json:"months,omitempty"`
}

// Hit is a rule that holds for a child.
type Hit struct {
	Rule        string // rule code
	Responsible string // resolved participant code (e.g. "education", "commission.sabail", "operator")
	// Facts are the ids of the facts that triggered the rule, sorted; at
	// least one whenever a fact is involved.
	Facts []int64
	// Reason says in one sentence what was found, citing dates and
	// categories; it never names a person or gives a FIN.
	Reason i18n.Text
}

// Defaults returns the six default rules, enabled.
func Defaults() []Rule {
	out := make([]Rule, len(defs))
	for i, d := range defs {
		out[i] = d.rule()
	}
	return out
}

// Codes returns the codes of the known rules, in their default order.
func Codes() []string {
	out := make([]string, len(defs))
	for i, d := range defs {
		out[i] = d.code
	}
	return out
}

// Default returns the default form of the rule with the given code, and
// whether there is such a rule.
func Default(code string) (Rule, bool) {
	d, ok := lookup(code)
	if !ok {
		return Rule{}, false
	}
	return d.rule(), true
}

// HasPeriod reports whether the rule with the given code uses Months.
func HasPeriod(code string) bool {
	d, ok := lookup(code)
	return ok && d.months > 0
}

// Evaluate returns the hits of the enabled rules for one child: facts are
// the child's current upsert facts (as profile.Knows(facts, zero date)
// returns them), sum its summary, today the date (Baku) of evaluation.
// Deterministic; hits in rule order.
//
// Signals concern living children: a deceased or archived profile, or a
// child 18 or older on today, has none. A rule whose code is unknown is
// skipped, and so is a second rule with the same code, so that a child
// gets at most one hit per rule.
func Evaluate(rules []Rule, facts []profile.Fact, sum profile.Summary, today category.Date) []Hit {
	c := newChild(facts, sum, today)
	if sum.Deceased || sum.Status == "deceased" || sum.Status == "archived" || c.latest("death") != nil ||
		(c.ageKnown && c.age >= adultAge) {
		return nil
	}
	var hits []Hit
	seen := map[string]bool{}
	for _, r := range rules {
		d, ok := lookup(r.Code)
		if !ok || !r.Enabled || seen[r.Code] {
			continue
		}
		seen[r.Code] = true
		if r.Months <= 0 {
			r.Months = d.months
		}
		f, ok := d.check(c, r)
		if !ok {
			continue
		}
		hits = append(hits, Hit{
			Rule:        r.Code,
			Responsible: resolve(cmpOr(r.Responsible, d.responsible), sum.District),
			Facts:       f.ids(),
			Reason:      f.reason,
		})
	}
	return hits
}

// resolve turns a rule's Responsible into a participant code: "commission"
// becomes the commission of the child's district, or the operator when the
// district is unknown.
func resolve(responsible, district string) string {
	if responsible != responsibleCommission {
		return responsible
	}
	if district == "" || !classifier.Districts.Has(district) {
		return category.OrgOperator
	}
	return participant.CommissionCode(district)
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// finding is what a check found: the facts it rests on and why it holds.
type finding struct {
	facts  []int64
	reason i18n.Text
}

// cite adds the ids of facts to the finding, skipping nil ones.
func (f *finding) cite(facts ...*profile.Fact) {
	for _, x := range facts {
		if x != nil {
			f.facts = append(f.facts, x.ID)
		}
	}
}

// ids returns the cited ids sorted and without repeats, or nil.
func (f *finding) ids() []int64 {
	if len(f.facts) == 0 {
		return nil
	}
	ids := slices.Clone(f.facts)
	slices.Sort(ids)
	return slices.Compact(ids)
}
