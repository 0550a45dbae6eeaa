package population

import (
	"fmt"
	"strings"

	"github.com/scfwca/databank/internal/category"
)

// carePlacedRate is the share of children deprived of parental care whose
// form of care (guardianship, custody, foster family, adoption, an
// institution) has been decided.
const carePlacedRate = 0.8

// careEvent is how a family's children came to be deprived of parental
// care, and what was decided for them.
type careEvent struct {
	reason       string
	on           category.Date // put on the register
	kind         string        // kin | foster_family | family_type_home | institution | adoption; "" when not placed
	guardians    []category.Guardian
	institution  string
	decision     category.Act
	start        category.Date
	deregistered category.Date
	deregReason  string
}

// careEvent decides, for a few families, that the children lost parental
// care: the parents died, were deprived of their rights, imprisoned or
// incapable, or abandoned the children.
func (g *gen) careEvent(f *family) {
	if !g.chance(careRate) {
		return
	}
	youngest := f.kids[len(f.kids)-1].birth
	from, to := youngest.AddDays(30), g.last.AddDays(-14)
	if to.Before(from) {
		return
	}
	e := &careEvent{on: g.between(from, to)}
	e.reason = pick(g, "orphan", "orphan", "parents_deprived_of_rights", "parents_deprived_of_rights", "parents_deprived_of_rights",
		"parents_imprisoned", "parents_incapable", "abandoned", "abandoned", "other")
	if e.reason == "orphan" {
		for _, rec := range []*category.Parent{&f.fatherRec, &f.motherRec} {
			if rec.DeathDate.IsZero() {
				rec.DeathDate = g.between(later(youngest.AddDays(1), e.on.AddDays(-90)), e.on)
				rec.Phone = ""
			}
		}
	}
	f.care = e
	if !g.chance(carePlacedRate) {
		if back := e.on.AddDays(60); g.chance(0.3) && !back.After(g.last) {
			e.deregistered, e.deregReason = g.between(back, g.last), "returned_to_family"
		}
		return
	}
	decided := g.between(e.on.AddDays(5), g.upTo(e.on.AddDays(60)))
	e.start = g.upTo(decided.AddDays(g.r.IntN(8)))
	e.decision = category.Act{Body: f.place.guardianshipBody(), Number: fmt.Sprintf("Q-%d", 1+g.r.IntN(900)), Date: decided}
	e.kind = pick(g, "kin", "kin", "kin", "kin", "kin", "kin", "kin", "kin", "kin", "kin", "kin",
		"foster_family", "foster_family", "foster_family", "institution", "institution", "institution", "family_type_home")
	if f.kids[0].birth.AgeOn(e.on) < 8 && g.chance(0.25) {
		e.kind = "adoption"
	}
	reg := f.place.region
	switch e.kind {
	case "kin":
		e.guardians = []category.Guardian{g.relative(f)}
	case "foster_family", "adoption":
		husband := g.newAdult("male", "", f.mother.birth.AddYears(-8), reg)
		wife := g.newAdult("female", "", f.mother.birth.AddYears(-5), reg)
		e.guardians = []category.Guardian{guardian(husband, "not_related"), guardian(wife, "not_related")}
		if e.kind == "adoption" {
			e.decision.Body, e.decision.Number = f.place.court(), fmt.Sprintf("2(%03d)-%d/%d", 100+g.r.IntN(60), 1+g.r.IntN(3000), decided.Year)
			e.deregistered, e.deregReason = e.start, "adopted"
		}
	case "family_type_home":
		e.guardians = []category.Guardian{guardian(g.newAdult("female", "", f.mother.birth.AddYears(-10), reg), "not_related")}
	case "institution":
		e.institution = pick(g, "Bakı şəhəri 1 nömrəli uşaq evi", "Bakı şəhəri 2 nömrəli uşaq evi", "Gəncə şəhər uşaq evi",
			f.place.locality()+" internat məktəbi", "Sumqayıt şəhər uşaq evi")
	}
}

func guardian(p *person, relation string) category.Guardian {
	return category.Guardian{FIN: p.fin, Name: p.name, Relation: relation, Phone: p.phone}
}

// relative is a grandparent, aunt or uncle who takes the children: the
// father's father bears the name in the father's patronymic, his brother
// shares the father's patronymic.
func (g *gen) relative(f *family) category.Guardian {
	reg := f.place.region
	grandfather := strings.TrimSuffix(f.father.name.Patronymic, " oğlu")
	switch g.r.IntN(4) {
	case 0:
		p := g.newAdult("male", f.fatherSur, f.father.birth.AddYears(-(24 + g.r.IntN(10))), reg)
		p.name.Given = grandfather
		return guardian(p, "grandparent")
	case 1:
		p := g.newAdult("female", "", f.mother.birth.AddYears(-(22 + g.r.IntN(10))), reg)
		return guardian(p, "grandparent")
	default:
		sex := pick(g, "male", "female")
		p := g.newAdult(sex, f.fatherSur, f.father.birth.AddDays(g.r.IntN(3000)-1500), reg)
		p.name.Patronymic = patronymic(grandfather, sex)
		if p.name.Given == f.father.name.Given {
			p.name.Given = givenName(g.r, sex, false, []string{f.father.name.Given})
		}
		return guardian(p, "aunt_uncle")
	}
}

// careRecords are the child's entry on the register of children deprived
// of parental care, the form of care decided and the benefits that go
// with it.
func (g *gen) careRecords(c *child) {
	f := c.fam
	e := f.care
	if e == nil {
		return
	}
	eff := e.on
	if !e.deregistered.IsZero() {
		eff = e.deregistered
	}
	g.add(category.CatParentalCareRegistry, "labour", c, eff, category.ParentalCareRegistry{
		RegisteredOn: e.on, Reason: e.reason, DeregisteredOn: e.deregistered, DeregistrationReason: e.deregReason,
	})
	if e.kind == "" {
		return
	}
	form := e.kind
	if form == "kin" {
		form = "custody"
		if c.birth.AgeOn(e.start) < 14 {
			form = "guardianship"
		}
	}
	g.add(category.CatGuardianship, pick(g, "labour", "commission."+f.place.code), c, e.start, category.Guardianship{
		Form: form, Decision: e.decision, Start: e.start, Guardians: e.guardians, Institution: e.institution,
	})
	var typ string
	amount := 12000
	switch {
	case e.kind == "kin" && g.chance(0.6):
		typ = "guardian_of_orphan"
	case e.kind == "foster_family":
		typ, amount = "foster_family_child", 18000
	case e.kind == "adoption":
		typ, amount = "adopted_child", 16000
	default:
		return
	}
	assigned := g.upTo(e.start.AddDays(10 + g.r.IntN(30)))
	g.add(category.CatPensionBenefits, "labour", c, assigned, category.PensionBenefit{
		Kind: "benefit", BenefitType: typ, Amount: money(amount), AssignedOn: assigned, Recipient: "guardian",
	})
}
