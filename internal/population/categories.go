package population

import (
	"strconv"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
)

// Rates of child-level facts.
const (
	infantDeathRate    = 0.006 // of children under 2
	disabilityRate     = 0.01  // children with an established disability
	checkupGapRate     = 0.05  // children with no check-up in the last 12 months
	preparatoryRate    = 0.6   // five-year-olds in the preparatory year
	vocationalRate     = 0.15  // of those past grade IX, who left school for a vocational college
	youngIDCardRate    = 0.10  // children under 15 with an identification card
	clinicMoveRate     = 0.2   // children re-registered at another clinic lately
	educationDocRate   = 0.97  // of those past grade IX, whose certificate was sent
	lateCheckupOldRate = 0.6   // of the check-up gaps, those with an older check-up on file
)

// childRecords generates every record about one child of a family.
func (g *gen) childRecords(c *child) {
	f := c.fam
	g.birthRecord(c)
	g.parentRecords(c)
	if c.birth.AgeOn(g.last) < 2 && g.chance(infantDeathRate) && c.birth.Before(g.last.AddDays(-2)) {
		c.died = g.between(c.birth.AddDays(1), g.last.AddDays(-1))
	}
	g.medicalRegistration(c)
	if !c.died.IsZero() {
		act := g.upTo(c.died.AddDays(1 + g.r.IntN(5)))
		g.add(category.CatDeath, "justice", c, act, category.Death{
			Act:       category.Act{Body: f.place.registryOffice(), Number: strconv.Itoa(1 + g.r.IntN(900)), Date: act},
			DeathDate: c.died, Place: category.Place{District: f.place.code},
			Cause: "Perinatal dövrün patologiyası", ICD10: pick(g, "P07.3", "P22.0", "Q24.9", "J18.9"),
		})
		return
	}
	if g.chance(disabilityRate) && dayNumber(g.last)-dayNumber(c.birth) > 90 {
		g.disability(c)
	}
	g.checkups(c)
	g.identityCard(c)
	g.schooling(c)
	g.specialEducation(c)
	g.socialRecords(c)
	g.careRecords(c)
	g.justiceRecords(c)
	g.leisure(c)
	g.appeals(c)
}

// birthRecord is the birth registration, sent by the Ministry of Justice.
func (g *gen) birthRecord(c *child) {
	f := c.fam
	var b category.BirthRegistration
	b.Certificate.Series, b.Certificate.Number = c.series, c.number
	b.Act = category.Act{Body: f.place.registryOffice(), Number: strconv.Itoa(1 + g.r.IntN(4000)), Date: c.actDate}
	b.FIN, b.Name, b.Sex, b.BirthDate = c.fin, c.name, c.sex, c.birth
	b.BirthPlace = category.Place{District: f.place.code, Settlement: f.place.town()}
	b.Citizenship = "AZE"
	b.FatherFIN, b.MotherFIN = f.father.fin, f.mother.fin
	g.add(category.CatBirthRegistration, "justice", c, c.actDate, b)
}

// parentRecords are the facts of the parents each child carries: the same
// content for every sibling, each in a record of its own.
func (g *gen) parentRecords(c *child) {
	f := c.fam
	for _, p := range []struct {
		cat *category.Category
		rec *category.Parent
	}{{category.CatFather, &f.fatherRec}, {category.CatMother, &f.motherRec}} {
		eff := c.actDate
		if f.fatherSender == "internal_affairs" {
			eff = eff.AddDays(g.r.IntN(90))
		}
		eff = later(eff, p.rec.Residence.RegisteredOn)
		if !p.rec.DeathDate.IsZero() {
			eff = later(eff, p.rec.DeathDate.AddDays(3+g.r.IntN(20)))
		}
		g.add(p.cat, f.fatherSender, c, eff, p.rec)
	}
	if f.married {
		m := category.ParentsMarriage{Marriage: f.marriage, Divorce: f.divorce}
		eff := c.actDate
		if f.divorce != nil {
			eff = later(eff, f.divorce.Date)
		}
		g.add(category.CatParentsMarriage, "justice", c, eff, m)
	}
	for _, e := range []struct {
		cat *category.Category
		job *category.ParentEmployment
	}{{category.CatFatherEmployment, f.fatherJob}, {category.CatMotherEmployment, f.motherJob}} {
		if e.job != nil {
			g.add(e.cat, "labour", c, later(c.actDate, e.job.Since).AddDays(g.r.IntN(30)), *e.job)
		}
	}
}

// medicalRegistration is the clinic the child is registered with, from
// birth or, for some, since moving lately.
func (g *gen) medicalRegistration(c *child) {
	f := c.fam
	since := g.upTo(c.birth.AddDays(3 + g.r.IntN(18)))
	if moved := c.birth.AddDays(30); g.chance(clinicMoveRate) && c.died.IsZero() && moved.Before(g.last) {
		since = g.between(later(moved, g.last.AddYears(-3)), g.last)
	}
	g.add(category.CatMedicalRegistration, pick(g, "health", "tabib"), c, since, category.MedicalRegistration{
		Clinic: f.clinic, Address: f.clinicAddr, DoctorName: f.doctor, DoctorPhone: f.doctorPhone, Since: since,
	})
}

// disability establishes a disability: a percentage of loss of functions
// and the degree that follows from it, reviewed in the future.
func (g *gen) disability(c *child) {
	pct := pick(g, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100)
	degree, _ := classifier.DisabilityDegreeFor(pct)
	c.disability = &category.Disability{
		Percent: pct, Degree: degree,
		EstablishedOn: g.between(c.birth.AddDays(60), g.last),
		ReviewOn:      g.last.AddDays(30 + g.r.IntN(700)),
	}
}

// Diagnoses (ICD-10) by health group.
var (
	diagnoses2 = []string{"D50.9", "H52.1", "K02.1", "J30.3", "E66.0", "R62.8"}
	diagnoses3 = []string{"J45.0", "K29.5", "N11.0", "L20.8", "E10.9", "J35.0"}
	diagnoses4 = []string{"E10.6", "Q21.0", "N18.3", "G40.9"}
	diagnoses5 = []string{"G80.0", "Q90.9", "F84.0", "F70", "H90.3", "G40.9"}
)

// checkups are the compulsory check-ups: most children had one in the last
// twelve months; a few (checkupGapRate) had none, or only an older one.
func (g *gen) checkups(c *child) {
	from := later(c.birth, g.last.AddDays(-364))
	if g.chance(checkupGapRate) && c.birth.AgeOn(g.last) >= 1 && c.birth.Before(g.last.AddDays(-400)) {
		if !g.chance(lateCheckupOldRate) {
			return
		}
		g.checkup(c, g.between(later(c.birth, g.last.AddYears(-3)), g.last.AddDays(-380)))
		return
	}
	g.checkup(c, g.between(from, g.last))
}

func (g *gen) checkup(c *child, on category.Date) {
	h := category.HealthCheckup{Date: on, Institution: c.fam.clinic}
	switch x := g.r.Float64(); {
	case x < 0.55:
		h.HealthGroup = "group_1"
	case x < 0.87:
		h.HealthGroup = "group_2"
		if g.chance(0.5) {
			h.Diagnoses = []string{pick(g, diagnoses2...)}
		}
	case x < 0.97:
		h.HealthGroup = "group_3"
		h.Diagnoses = []string{pick(g, diagnoses3...)}
	default:
		h.HealthGroup = "group_4"
		h.Diagnoses = []string{pick(g, diagnoses4...)}
	}
	if d := c.disability; d != nil && !d.EstablishedOn.After(on) {
		dd := *d
		h.Disability = &dd
		h.HealthGroup = "group_4"
		if d.Percent > 60 {
			h.HealthGroup = "group_5"
		}
		h.Diagnoses = []string{pick(g, diagnoses5...)}
	}
	h.HeightCM, h.WeightG = g.growth(c, on)
	g.add(category.CatHealthCheckup, pick(g, "health", "tabib"), c, on, h)
}

// growth draws a plausible height (cm) and weight (g) for the child's age.
func (g *gen) growth(c *child, on category.Date) (int, int) {
	y := float64(dayNumber(on)-dayNumber(c.birth)) / 365.25
	var h float64
	switch {
	case y < 1:
		h = 50 + 25*y
	case y < 2:
		h = 75 + 12*(y-1)
	case y < 12:
		h = 87 + 6*(y-2)
	case c.sex == "male":
		h = 147 + 6*(y-12)
	default:
		h = 147 + 3.5*(y-12)
	}
	h *= 1 + 0.04*g.r.NormFloat64()
	var w float64
	switch {
	case y < 1:
		w = 3.4 + 6.5*y
	case y < 2:
		w = 9.9 + 2.3*(y-1)
	default:
		w = (15.5 + 0.35*max(0, y-6)) * h * h / 10000
	}
	w *= 1 + 0.1*g.r.NormFloat64()
	return clampInt(int(h), 40, 210), clampInt(int(w*1000), 1500, 150000)
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }

// identityCard: compulsory within a month of turning 15; some younger
// children have the identification card for under-15s.
func (g *gen) identityCard(c *child) {
	f := c.fam
	var issued, valid category.Date
	fifteen := c.birth.AddYears(15)
	switch {
	case !fifteen.After(g.last):
		issued = fifteen.AddDays(5 + g.r.IntN(50))
		if issued.After(g.last) || g.chance(0.04) {
			return
		}
		valid = issued.AddYears(10)
	case g.chance(youngIDCardRate) && c.birth.Before(g.last.AddDays(-60)):
		issued = g.between(c.birth.AddDays(30), g.last)
		valid = fifteen
	default:
		return
	}
	g.add(category.CatIdentityCard, "internal_affairs", c, issued, category.IdentityCard{
		Number: g.ids.idCard(), FIN: c.fin, IssuedOn: issued, ValidTo: valid,
		IssuedBy:  pick(g, "DİN Pasport, Qeydiyyat və Miqrasiya Baş İdarəsi", "ASAN xidmət"),
		Residence: category.Registration{Address: f.home, RegisteredOn: later(c.actDate, f.motherRec.Residence.RegisteredOn)},
	})
}
