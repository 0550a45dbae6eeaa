package population

import (
	"github.com/scfwca/databank/internal/category"
)

// crossings are where unaccompanied children are found, by the country
// they come from.
var crossings = []struct{ country, district, settlement string }{
	{"IRN", "astara", "Astara gömrük-keçid məntəqəsi"},
	{"IRN", "culfa", "Culfa gömrük-keçid məntəqəsi"},
	{"IRN", "bilasuvar", "Biləsuvar gömrük-keçid məntəqəsi"},
	{"GEO", "agstafa", "Qırmızı Körpü gömrük-keçid məntəqəsi"},
	{"GEO", "balakan", "Balakən gömrük-keçid məntəqəsi"},
	{"", "xazar", "Heydər Əliyev Beynəlxalq Aeroportu"},
	{"", "astara", "Astara gömrük-keçid məntəqəsi"},
}

// unaccompanied generates a foreign child found in the country without a
// parent or guardian, aged 8–17: known by a residence permit or a refugee
// card and no FİN, placed in a shelter, an institution or with relatives,
// or repatriated.
func (g *gen) unaccompanied() {
	fn := pick(g, foreigners...)
	c := &child{sex: pick(g, "male", "male", "female")}
	c.birth = g.between(g.today.AddYears(-18).AddDays(1), g.today.AddYears(-8))
	given := fn.boys
	if c.sex == "female" {
		given = fn.girls
	}
	c.name = category.PersonName{Given: pick(g, given...), Family: pick(g, fn.family...)}
	var options []int
	for i, x := range crossings {
		if x.country == fn.country || x.country == "" && fn.country != "IRN" && fn.country != "GEO" {
			options = append(options, i)
		}
	}
	cross := crossings[pick(g, options...)]
	p := placeByCode[cross.district]
	f := &family{place: p, home: p.officeAddress(g.r), language: "az",
		school: p.school(g.r), schoolAddr: p.officeAddress(g.r), schoolPhone: p.landline(g.r),
		clinic: p.clinic(g.r), clinicAddr: p.officeAddress(g.r), doctorPhone: p.landline(g.r)}
	f.doctor = givenName(g.r, "female", false, nil) + " " + surnameFor(drawSurname(g.r), "female")
	c.fam = f
	f.kids = []*child{c}

	found := g.between(later(c.birth.AddYears(7), g.last.AddYears(-3)), g.last.AddDays(-20))
	u := category.UnaccompaniedMinor{
		FoundOn: found, FoundPlace: category.Place{District: p.code, Settlement: cross.settlement}, CountryOfOrigin: fn.country,
		Placement: pick(g, "shelter", "shelter", "shelter", "institution", "institution", "relatives", "foster_family", "reunited_with_family", "repatriated", "repatriated"),
		PlacedOn:  found.AddDays(g.r.IntN(3)),
		Measures:  pick(g, "Müvəqqəti sığınacağa yerləşdirilib, ailə axtarışı başlanıb", "Mənsub olduğu ölkənin konsulluğu ilə əlaqə saxlanılıb", "Psixoloji və tibbi yardım göstərilib"),
	}
	issued := g.upTo(found.AddDays(5 + g.r.IntN(26)))
	if u.Placement == "repatriated" {
		if back := issued.AddDays(10); back.After(g.last) {
			u.Placement = "shelter"
		} else {
			u.RepatriatedOn = g.between(back, g.last)
		}
	}
	refugee := fn.country != "GEO" && g.chance(0.6)
	if refugee {
		c.refugee = g.ids.refugeeCard()
	} else {
		c.permit = g.ids.permit(false)
	}
	g.add(category.CatUnaccompaniedMinor, pick(g, "migration", "migration", "internal_affairs"), c, later(u.PlacedOn, u.RepatriatedOn), u)
	if refugee {
		g.add(category.CatRefugeeCard, "migration", c, issued, category.RefugeeCard{
			Number: c.refugee, CountryOfOrigin: fn.country, IssuedOn: issued, ValidTo: issued.AddYears(5), Address: f.home,
		})
	} else {
		valid := issued.AddYears(1)
		if !valid.After(g.last) && u.Placement != "repatriated" {
			valid = g.last.AddDays(30 + g.r.IntN(300)) // renewed
		}
		g.add(category.CatResidencePermit, "migration", c, issued, category.ResidencePermit{
			Number: c.permit, Kind: "temporary", Citizenship: fn.country, IssuedOn: issued, ValidTo: valid, Address: f.home,
		})
	}
	since := g.upTo(u.PlacedOn.AddDays(1 + g.r.IntN(20)))
	g.add(category.CatMedicalRegistration, "health", c, since, category.MedicalRegistration{
		Clinic: f.clinic, Address: f.clinicAddr, DoctorName: f.doctor, DoctorPhone: f.doctorPhone, Since: since,
	})
	g.checkup(c, g.between(later(since, g.last.AddDays(-364)), g.last))
	if u.Placement == "repatriated" {
		return
	}
	// At school in the grade of the age, from the school year's start or
	// from when the child was placed.
	y := g.schoolYear
	s := category.Schooling{School: f.school, Address: f.schoolAddr, Phone: f.schoolPhone, Form: "full_time", Language: "az",
		Grade: min(c.birth.AgeOn(y)-5, 11), Since: later(y, since)}
	switch {
	case s.Grade >= 10:
		s.Level = "full_secondary"
	case s.Grade >= 5:
		s.Level = "basic_secondary"
	default:
		s.Level = "primary"
	}
	g.add(category.CatSchooling, "education", c, s.Since, s)
}
