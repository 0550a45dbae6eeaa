package population

import (
	"fmt"

	"github.com/scfwca/databank/internal/category"
)

// Rates of social protection.
const (
	childbirthBenefitRate = 0.85  // of children under 2, the lump sum on record
	childCareBenefitRate  = 0.25  // of children under 3, the monthly care benefit
	disabilityBenefitRate = 0.9   // of children with a disability
	alimonyRate           = 0.85  // of children of divorced parents
	youthEmploymentRate   = 0.04  // of 15–17-year-olds
	minorMotherhoodRate   = 0.006 // of girls aged 15–17
	socialServiceRate     = 0.004 // of other children, some social service
)

// targetedAssistance puts the family on targeted state social assistance,
// assigned for a year from the first of a recent month.
func (g *gen) targetedAssistance(f *family) {
	start := g.between(g.last.AddDays(-330), g.last)
	start = category.Date{Year: start.Year, Month: start.Month, Day: 1} // assigned from the first of a month
	size := 2 + len(f.kids)
	if g.chance(0.2) {
		size += 1 + g.r.IntN(2) // grandparents or adult children
	}
	f.tsa = &category.TargetedSocialAssistance{
		Application: fmt.Sprintf("ÜSY-%d-%07d", start.Year, g.r.IntN(10_000_000)),
		Amount:      money(size * (4500 + g.r.IntN(4000)) / 10 * 10),
		FamilySize:  size,
		Start:       start,
		End:         start.AddYears(1).AddDays(-1),
	}
}

// socialRecords are the child's benefits, pensions, alimony, the family's
// assistance, social services, work and motherhood.
func (g *gen) socialRecords(c *child) {
	f := c.fam
	age := c.birth.AgeOn(g.last)
	if f.tsa != nil {
		g.add(category.CatTargetedSocialAssistance, "labour", c, f.tsa.Start, *f.tsa)
	}
	benefit := func(typ string, qepik int, assigned, until category.Date, recipient string, d *category.Disability) {
		assigned = g.upTo(later(assigned, c.birth))
		if !until.IsZero() && !until.After(assigned) {
			return
		}
		g.add(category.CatPensionBenefits, "labour", c, assigned, category.PensionBenefit{
			Kind: "benefit", BenefitType: typ, Amount: money(qepik), AssignedOn: assigned, Until: until, Recipient: recipient, Disability: d,
		})
	}
	if age < 2 && g.chance(childbirthBenefitRate) {
		benefit("childbirth_lump_sum", 60000, c.birth.AddDays(10+g.r.IntN(30)), category.Date{}, "mother", nil)
	}
	if age < 3 && g.chance(childCareBenefitRate) {
		benefit("child_care_under_3", 7500, c.birth.AddDays(60+g.r.IntN(120)), c.birth.AddYears(3), "mother", nil)
	}
	if f.tsa != nil && age < 1 {
		benefit("low_income_infant", 14000, later(f.tsa.Start, c.birth.AddDays(15)), c.birth.AddYears(1), "mother", nil)
	}
	recipient := "mother"
	if f.care != nil && len(f.care.guardians) > 0 {
		recipient = "guardian"
	} else if f.care != nil || !f.motherRec.DeathDate.IsZero() {
		recipient = "child"
	}
	if d := c.disability; d != nil && g.chance(disabilityBenefitRate) {
		dd := *d
		benefit("disability_child", 20000, d.EstablishedOn.AddDays(15+g.r.IntN(30)), category.Date{}, recipient, &dd)
	}
	if death := firstDeath(f); !death.IsZero() {
		assigned := g.upTo(death.AddDays(20 + g.r.IntN(40)))
		g.add(category.CatPensionBenefits, "labour", c, assigned, category.PensionBenefit{
			Kind: "pension", PensionType: "survivor", Amount: money(15000 + g.r.IntN(17000)),
			AssignedOn: assigned, Until: c.birth.AddYears(18), Recipient: recipient,
		})
	}
	if f.divorce != nil && f.fatherRec.DeathDate.IsZero() && g.chance(alimonyRate) {
		g.alimony(c)
	}
	g.socialServices(c)
	if age >= 15 && g.chance(youthEmploymentRate) {
		g.youthEmployment(c)
	}
	if c.sex == "female" && age >= 15 && g.chance(minorMotherhoodRate) {
		g.minorMotherhood(c)
	}
}

// firstDeath is the date the first of the parents died, or zero.
func firstDeath(f *family) category.Date {
	a, b := f.fatherRec.DeathDate, f.motherRec.DeathDate
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

// alimony is awarded in the divorce, paid by the father: a share of his
// earnings by the number of children, or a fixed amount.
func (g *gen) alimony(c *child) {
	f := c.fam
	decided := g.between(f.divorce.Date, g.upTo(f.divorce.Date.AddDays(90)))
	a := category.Alimony{
		PayerFIN: f.father.fin, PayerName: f.father.name,
		AssignedOn: g.upTo(decided.AddDays(g.r.IntN(10))),
		Decision:   category.Act{Body: f.place.court(), Number: fmt.Sprintf("2(%03d)-%d/%d", 100+g.r.IntN(60), 1+g.r.IntN(3000), decided.Year), Date: decided},
	}
	switch {
	case g.chance(0.25):
		a.Amount = money((100 + g.r.IntN(200)) * 100)
	case len(f.kids) == 1:
		a.Share = "1/4"
	case len(f.kids) == 2:
		a.Share = "1/3"
	default:
		a.Share = "1/2"
	}
	g.add(category.CatAlimony, "justice", c, a.AssignedOn, a)
}

// socialServices: family support for families on assistance, care for
// children with a disability or deprived of parental care, and a few
// others.
func (g *gen) socialServices(c *child) {
	f := c.fam
	var s category.SocialService
	switch {
	case f.tsa != nil && g.chance(0.2):
		s = category.SocialService{Type: "family_support", Reason: "Aztəminatlı ailəyə sosial dəstək", Recipient: "family",
			Start: g.between(later(f.tsa.Start, c.birth), g.last)}
	case c.disability != nil && g.chance(0.4):
		s = category.SocialService{Type: pick(g, "rehabilitation", "day_care", "home_care"), Reason: "Əlilliyi olan uşağın reabilitasiyası və qulluğu",
			Recipient: "child", Start: g.between(c.disability.EstablishedOn, g.last)}
	case f.care != nil && g.chance(0.3):
		s = category.SocialService{Type: pick(g, "psychological_support", "social_counselling"), Reason: "Valideyn himayəsindən məhrum olmuş uşağa dəstək",
			Recipient: "child", Start: g.between(later(f.care.on, c.birth), g.last)}
	case g.chance(socialServiceRate):
		s = category.SocialService{Type: pick(g, "social_counselling", "legal_aid", "psychological_support"), Reason: "Valideynin müraciəti əsasında",
			Recipient: pick(g, "child", "mother", "family"), Start: g.between(later(c.birth, g.last.AddYears(-3)), g.last)}
	default:
		return
	}
	s.Provider = pick(g, fmt.Sprintf("DOST Mərkəzi №%d", 1+g.r.IntN(6)), c.fam.place.town()+" Sosial Xidmətlər Mərkəzi", "Uşaq və Ailəyə Dəstək Mərkəzi")
	if g.chance(0.4) && s.Start.Before(g.last.AddDays(-40)) {
		s.End = g.between(s.Start.AddDays(30), g.last)
	}
	g.add(category.CatSocialServices, "labour", c, s.Start, s)
}

var youthJobs = []job{
	{"Satıcı köməkçisi", "Bravo supermarketlər şəbəkəsi", "1401555071"}, {"Ofisiant", "Park Inn otel", "1401236811"},
	{"Kuryer", "Azərpoçt MMC", "1400078561"}, {"Usta köməkçisi", "Azvirt MMC", "1300151701"},
}

// youthEmployment is the work, or registered unemployment, of a child
// aged 15 or more.
func (g *gen) youthEmployment(c *child) {
	from := c.birth.AddYears(15).AddDays(10)
	if from.After(g.last) {
		return
	}
	y := category.YouthEmployment{Status: "unemployed_registered", Since: g.between(from, g.last)}
	if g.chance(0.75) {
		j := pick(g, youthJobs...)
		y.Status, y.Position, y.Workplace, y.WorkplaceVOEN = "employed", j.activity, j.workplace, j.voen
	}
	g.add(category.CatYouthEmployment, "labour", c, y.Since, y)
}

// minorMotherhood records that a girl of 15–17 gave birth.
func (g *gen) minorMotherhood(c *child) {
	f := c.fam
	born := g.between(later(c.birth.AddYears(15), g.last.AddYears(-2)), g.last)
	father := g.newAdult("male", "", c.birth.AddDays(-(2*365 + g.r.IntN(6*365))), f.place.region)
	m := category.MinorMotherhood{
		BabyBirthDate: born, BabyBirthPlace: category.Place{District: f.place.code},
		BabySex: pick(g, "male", "female"), BabyFIN: g.ids.fin(), BabyHealth: pick(g, "group_1", "group_1", "group_2"),
		FatherFIN: father.fin, FatherName: &father.name, FatherBirth: father.birth,
	}
	g.add(category.CatMinorMotherhood, pick(g, "health", "tabib", "justice"), c, g.upTo(born.AddDays(1+g.r.IntN(10))), m)
}
