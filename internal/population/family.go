package population

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/registry"
)

// child is one generated child.
type child struct {
	fam            *family
	fin            string
	sex            string
	name           category.PersonName
	birth          category.Date
	series, number string        // birth certificate
	actDate        category.Date // of the birth act record
	died           category.Date
	disability     *category.Disability
	// A foreign child is keyed by a residence permit or a refugee card.
	permit, refugee string
}

// selector names the child in a record: by FIN, or by the foreign child's
// document and name; always with the birth date, which the age rules need.
func (c *child) selector() registry.ChildSelector {
	s := registry.ChildSelector{FIN: c.fin, ResidencePermit: c.permit, RefugeeCard: c.refugee, BirthDate: c.birth}
	if c.fin == "" {
		n := c.name
		s.Name = &n
	}
	return s
}

// family is one household: both parents and their children under 18.
type family struct {
	place        place
	home         category.Address
	father       *person
	mother       *person
	fatherSur    string // masculine form of the father's surname
	fatherRec    category.Parent
	motherRec    category.Parent
	married      bool
	marriage     category.Act
	divorce      *category.Act
	fatherJob    *category.ParentEmployment
	motherJob    *category.ParentEmployment
	kids         []*child
	tsa          *category.TargetedSocialAssistance
	care         *careEvent
	school       string
	schoolAddr   category.Address
	schoolPhone  string
	language     string
	clinic       string
	clinicAddr   category.Address
	doctor       string
	doctorPhone  string
	fatherSender string // who reports the father's and mother's data
}

// languages of instruction, weighted: most schools teach in Azerbaijani,
// about one pupil in eight learns in Russian.
var languages = []string{"az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "az", "ru", "ru", "ru", "en", "tr"}

// Family sizes: the number of children under 18, weighted.
var familySizes = []int{1, 1, 1, 2, 2, 2, 2, 3, 3, 4}

// Rates of family-level facts.
const (
	unaccompaniedRate = 0.0004 // families that are a single unaccompanied foreign child
	marriedRate       = 0.92   // parents in a registered marriage
	divorceRate       = 0.11   // of the married, divorced since the youngest child's birth
	widowRate         = 0.012  // the father has died (the children are not on the care register)
	tsaRate           = 0.04   // families on targeted social assistance
	careRate          = 0.017  // children deprived of parental care, decided family by family
	maleRate          = 0.53   // boys among children (sex ratio of the 0–17 population)
)

// family generates one family of at most max children and its records,
// and returns the number of children.
func (g *gen) family(max int) int {
	if g.chance(unaccompaniedRate) {
		g.unaccompanied()
		return 1
	}
	f := &family{place: drawPlace(g.r)}
	f.home = f.place.address(g.r)
	g.births(f, min(max, pick(g, familySizes...)))
	g.parents(f)
	g.household(f)
	for _, c := range f.kids {
		g.childRecords(c)
	}
	return len(f.kids)
}

// births draws the children's birth dates: ages 0–17 evenly, siblings at
// least eleven months apart except twins; the oldest comes first.
func (g *gen) births(f *family, n int) {
	first := g.today.AddYears(-18).AddDays(1)
	var dates []category.Date
	for len(dates) < n {
		var d category.Date
		if len(dates) > 0 && g.chance(0.02) {
			d = dates[g.r.IntN(len(dates))] // twins
		} else {
			ok := false
			for range 30 {
				d = g.between(first, g.last)
				if ok = !slices.ContainsFunc(dates, func(o category.Date) bool {
					diff := dayNumber(o) - dayNumber(d)
					return diff > -330 && diff < 330
				}); ok {
					break
				}
			}
			if !ok {
				break
			}
		}
		dates = append(dates, d)
	}
	slices.SortFunc(dates, func(a, b category.Date) int { return a.Compare(b) })
	for _, d := range dates {
		f.kids = append(f.kids, &child{fam: f, birth: d})
	}
}

// parents draws the mother and father to fit the children's births: the
// mother 19–35 at the first and at most 44 at the last, the father mostly
// a few years older; the father's surname passes to the children.
func (g *gen) parents(f *family) {
	oldest, youngest := f.kids[0].birth, f.kids[len(f.kids)-1].birth
	spread := youngest.Year - oldest.Year
	top := min(35, 43-spread)
	mAge := 19 + g.r.IntN(max(1, top-19+1))
	motherBirth := oldest.AddYears(-mAge).AddDays(-g.r.IntN(365))
	gap := g.r.IntN(9 * 365)
	if g.chance(0.05) {
		gap = -g.r.IntN(2 * 365)
	}
	fatherBirth := motherBirth.AddDays(-gap)
	if fatherBirth.AgeOn(oldest) < 18 {
		fatherBirth = oldest.AddYears(-19).AddDays(-g.r.IntN(365))
	}
	reg := f.place.region
	f.fatherSur = drawSurname(g.r)
	f.father = g.newAdult("male", f.fatherSur, fatherBirth, reg)
	f.mother = g.newAdult("female", "", motherBirth, reg)
	if g.chance(0.35) {
		f.mother.name.Family = surnameFor(f.fatherSur, "female")
	}
	f.fatherRec = g.parentRecord(f, f.father, "AZE")
	cit := "AZE"
	if g.chance(0.025) {
		cit = pick(g, "RUS", "TUR", "GEO", "UKR", "KAZ")
	}
	f.motherRec = g.parentRecord(f, f.mother, cit)

	if g.chance(marriedRate) {
		f.married = true
		m := oldest.AddDays(-(300 + g.r.IntN(3*365)))
		m = later(m, later(f.father.birth.AddYears(18), f.mother.birth.AddYears(18)))
		f.marriage = category.Act{Body: f.place.registryOffice(), Number: strconv.Itoa(1 + g.r.IntN(2500)), Date: m}
		if g.chance(divorceRate) && dayNumber(g.last)-dayNumber(youngest) > 120 {
			d := g.between(youngest.AddDays(90), g.last)
			f.divorce = &category.Act{Body: f.place.court(), Number: fmt.Sprintf("2(%03d)-%d/%d", 100+g.r.IntN(60), 1+g.r.IntN(3000), d.Year), Date: d}
			// The father moved out.
			f.fatherRec.Residence.Address = f.place.address(g.r)
			f.fatherRec.Residence.RegisteredOn = d.AddDays(g.r.IntN(60))
			f.fatherRec.Residence.RegisteredOn = g.upTo(f.fatherRec.Residence.RegisteredOn)
		}
	}
	if g.chance(widowRate) && dayNumber(g.last)-dayNumber(youngest) > 60 {
		f.fatherRec.DeathDate = g.between(youngest.AddDays(30), g.last)
		f.fatherRec.Phone = ""
	}
}

// parentRecord is what the civil register knows of a parent.
func (g *gen) parentRecord(f *family, p *person, citizenship string) category.Parent {
	born := category.Place{District: f.place.code}
	switch {
	case citizenship != "AZE":
		born = category.Place{Country: citizenship}
	case g.chance(0.3):
		born = category.Place{District: drawPlace(g.r).code}
	}
	registered := g.between(later(p.birth.AddYears(16), f.kids[0].birth.AddYears(-6)), f.kids[0].birth)
	return category.Parent{
		FIN: p.fin, Name: p.name, Citizenship: citizenship, BirthDate: p.birth, BirthPlace: born,
		Residence: &category.Registration{Address: f.home, RegisteredOn: registered},
		Phone:     p.phone,
	}
}

// household completes the family: the children's names and documents,
// the family's school and clinic, targeted assistance, the parents' work,
// and whether the children lost parental care.
func (g *gen) household(f *family) {
	var taken []string
	for _, c := range f.kids {
		c.sex = "female"
		if g.chance(maleRate) {
			c.sex = "male"
		}
		given := givenName(g.r, c.sex, c.birth.Year >= g.today.Year-10, taken)
		taken = append(taken, given)
		c.name = category.PersonName{Given: given, Family: surnameFor(f.fatherSur, c.sex), Patronymic: patronymic(f.father.name.Given, c.sex)}
		c.fin = g.ids.fin()
		c.series, c.number = g.ids.certificate()
		c.actDate = g.upTo(c.birth.AddDays(2 + g.r.IntN(28)))
	}
	f.school = f.place.school(g.r)
	f.schoolAddr = f.place.officeAddress(g.r)
	f.schoolPhone = f.place.landline(g.r)
	f.language = pick(g, languages...)
	f.clinic = f.place.clinic(g.r)
	f.clinicAddr = f.place.officeAddress(g.r)
	f.doctor = givenName(g.r, "female", false, nil) + " " + surnameFor(drawSurname(g.r), "female")
	f.doctorPhone = f.place.landline(g.r)
	f.fatherSender = pick(g, "justice", "justice", "internal_affairs")

	g.careEvent(f)
	if f.care == nil && g.chance(tsaRate) {
		g.targetedAssistance(f)
	}
	f.fatherJob = g.employment(f, f.father, &f.fatherRec, f.tsa != nil)
	f.motherJob = g.employment(f, f.mother, &f.motherRec, f.tsa != nil)
}

// Employment of parents: activity and workplace (VÖEN fictitious).
type job struct{ activity, workplace, voen string }

var jobs = []job{
	{"Mühəndis", "Azərişıq ASC", "1700767721"}, {"Operator", "SOCAR Neft Emalı Zavodu", "9900003611"},
	{"Müəllim", "", ""}, {"Həkim", "", ""}, {"Tibb bacısı", "", ""}, {"Sürücü", "BakuBus MMC", "1402561371"},
	{"Satıcı", "Bravo supermarketlər şəbəkəsi", "1401555071"}, {"Mühasib", "Kapital Bank ASC", "9900003871"},
	{"Proqramçı", "Azercell Telekom MMC", "9900005371"}, {"Bank əməkdaşı", "Paşa Bank ASC", "1700767451"},
	{"Tikinti ustası", "Azvirt MMC", "1300151701"}, {"Polis əməkdaşı", "Daxili İşlər Nazirliyi", "1500047741"},
	{"Aşpaz", "Park Inn otel", "1401236811"}, {"Operator", "Azərpoçt MMC", "1400078561"},
	{"Fəhlə", "Azərbaycan Dəmir Yolları QSC", "1700038881"}, {"Tərbiyəçi", "", ""},
}

// employment draws a parent's work; nil when no record is sent (the parent
// is dead, or the ministry has nothing). Families on targeted assistance
// are mostly out of work.
func (g *gen) employment(f *family, p *person, rec *category.Parent, poor bool) *category.ParentEmployment {
	rate := 0.92
	if p.sex == "female" {
		rate = 0.85
	}
	if !rec.DeathDate.IsZero() || !g.chance(rate) {
		return nil
	}
	var statuses []string
	switch {
	case poor:
		statuses = []string{"unemployed", "unemployed", "unemployed_registered", "unemployed_registered", "unemployed", "self_employed", "employed", "unable_to_work"}
	case p.sex == "male":
		statuses = []string{"employed", "employed", "employed", "employed", "employed", "employed", "employed", "self_employed", "self_employed", "unemployed", "unemployed_registered"}
	default:
		statuses = []string{"employed", "employed", "employed", "employed", "self_employed", "unemployed", "unemployed", "unemployed", "unemployed_registered", "student"}
	}
	e := &category.ParentEmployment{Status: pick(g, statuses...)}
	adult := p.birth.AddYears(18)
	switch e.Status {
	case "employed":
		j := pick(g, jobs...)
		e.Activity, e.Workplace, e.WorkplaceVOEN = j.activity, j.workplace, j.voen
		switch j.activity {
		case "Müəllim", "Tərbiyəçi":
			e.Workplace = f.place.school(g.r)
		case "Həkim", "Tibb bacısı":
			e.Workplace = f.place.clinic(g.r)
		}
		e.Since = g.between(later(adult, g.last.AddYears(-15)), g.last)
	case "self_employed":
		e.Activity = pick(g, "Fərdi sahibkar, ticarət", "Fermer", "Dərzi", "Taksi sürücüsü", "Bərbər", "Usta")
		e.Since = g.between(later(adult, g.last.AddYears(-10)), g.last)
	case "unemployed_registered":
		e.Since = g.between(later(adult, g.last.AddYears(-2)), g.last)
	}
	return e
}
