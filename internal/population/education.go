package population

import (
	"fmt"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
)

// Rates of education and leisure.
const (
	specialEducationRate = 0.6  // of children with a disability, aged 3 or more
	olympiadRate         = 0.05 // pupils aged 9–17 placed at an olympiad
	sportsClubRate       = 0.12 // children aged 5–17 in a sports school or club
	sportsResultRate     = 0.4  // of the members aged 7 or more, with a competition result
)

// schoolDay is 15 September of year, when the school year starts.
func schoolDay(year int) category.Date {
	return category.Date{Year: year, Month: time.September, Day: 15}
}

// certificateDay is the day school-leaving certificates are issued.
func certificateDay(year int) category.Date {
	return category.Date{Year: year, Month: time.June, Day: 20}
}

// postSchool are the colleges and universities a child goes to after
// school: level, institution, its district.
var postSchool = []struct{ level, name, district string }{
	{"bachelor", "Bakı Dövlət Universiteti", "yasamal"},
	{"bachelor", "Azərbaycan Dövlət İqtisad Universiteti", "nasimi"},
	{"bachelor", "Azərbaycan Texniki Universiteti", "yasamal"},
	{"bachelor", "Azərbaycan Tibb Universiteti", "nasimi"},
	{"bachelor", "Gəncə Dövlət Universiteti", "ganca"},
	{"bachelor", "Naxçıvan Dövlət Universiteti", "naxcivan"},
	{"bachelor", "Lənkəran Dövlət Universiteti", "lankaran"},
	{"secondary_specialised", "Bakı Dövlət Sosial-İqtisadi Kolleci", "nizami"},
	{"secondary_specialised", "Azərbaycan Texniki Kolleci", "yasamal"},
	{"secondary_specialised", "Bakı Tibb Kolleci", "narimanov"},
	{"secondary_specialised", "Gəncə Dövlət Regional Kolleci", "ganca"},
}

var specialities = []string{
	"Kompüter elmləri", "Maliyyə", "Hüquqşünaslıq", "Tibb bacısı işi", "Mühasibat uçotu", "Pedaqogika",
	"Elektrik avadanlıqlarının quraşdırılması", "Aşpazlıq", "Dərzilik", "Neft-qaz mühəndisliyi", "Avtomobil təmiri",
}

// schooling is the school (or, past school, the college) every child aged
// 6–17 attends, in the grade that fits the age: grade I at 6 on 15
// September, the preparatory year at 5. Those past grade IX get their
// certificates.
func (g *gen) schooling(c *child) {
	f := c.fam
	y := g.schoolYear
	if c.birth.After(y) {
		return
	}
	a := c.birth.AgeOn(y)
	s := category.Schooling{
		School: f.school, Address: f.schoolAddr, Phone: f.schoolPhone, Form: "full_time", Language: f.language, Since: y,
	}
	if c.disability != nil {
		s.Form = pick(g, "full_time", "inclusive", "inclusive", "home")
	}
	switch {
	case a < 5:
		return
	case a == 5:
		if c.birth.AgeOn(g.today) < 6 && !g.chance(preparatoryRate) {
			return
		}
		s.Level = "preparatory"
	case a <= 16:
		s.Grade = a - 5
		s.Since = schoolDay(y.Year - (s.Grade - 1))
		switch {
		case s.Grade >= 10 && g.chance(vocationalRate):
			left := y.Year - (a - 15) // the year the child finished grade IX
			g.certificate(c, "basic_secondary_certificate", "ÜO", certificateDay(left), f.school)
			g.college(c, y, schoolDay(left), "technical_vocational", f.place.town()+" Dövlət Peşə Təhsil Mərkəzi", f.place)
			return
		case s.Grade >= 10:
			g.certificate(c, "basic_secondary_certificate", "ÜO", certificateDay(y.Year-(s.Grade-10)), f.school)
			s.Level = "full_secondary"
		case s.Grade >= 5:
			s.Level = "basic_secondary"
		default:
			s.Level = "primary"
		}
	default: // 17 on 15 September: left school in June
		g.certificate(c, "basic_secondary_certificate", "ÜO", certificateDay(y.Year-2), f.school)
		g.certificate(c, "full_secondary_certificate", "TO", certificateDay(y.Year), f.school)
		if g.chance(0.25) {
			g.college(c, y, y, "technical_vocational", f.place.town()+" Dövlət Peşə Təhsil Mərkəzi", f.place)
			return
		}
		p := pick(g, postSchool...)
		g.college(c, y, y, p.level, p.name, placeByCode[p.district])
		return
	}
	g.add(category.CatSchooling, "education", c, y, s)
}

// college is a vocational college, college or university.
func (g *gen) college(c *child, eff, since category.Date, level, name string, p place) {
	g.add(category.CatSchooling, "education", c, eff, category.Schooling{
		School: name, Address: p.officeAddress(g.r), Phone: p.landline(g.r), Level: level, Form: "full_time",
		Language: c.fam.language, Speciality: pick(g, specialities...), Since: since,
	})
}

// certificate is a school-leaving certificate, sent by the ministry.
func (g *gen) certificate(c *child, kind, series string, issued category.Date, school string) {
	if !g.chance(educationDocRate) {
		return
	}
	g.add(category.CatEducationDocuments, "education", c, issued, category.EducationDocument{
		Kind: kind, Institution: school,
		Document: category.Document{Series: series, Number: g.ids.docNumber(), IssuedOn: issued, IssuedBy: school},
	})
}

// specialEducation is the programme of a child with a disability.
func (g *gen) specialEducation(c *child) {
	d := c.disability
	three := c.birth.AddYears(3)
	if d == nil || three.After(g.last) || !g.chance(specialEducationRate) {
		return
	}
	start := g.between(later(d.EstablishedOn, three), g.last)
	school := c.fam.school
	var program string
	if c.birth.AgeOn(start) < 6 {
		program = pick(g, "special_preschool", "early_intervention", "speech_therapy")
		school = c.fam.place.town() + " Reabilitasiya Mərkəzi"
	} else {
		program = pick(g, "special_school", "special_boarding_school", "special_class", "inclusive", "inclusive", "home_based", "individual_plan")
		if program == "special_school" || program == "special_boarding_school" {
			school = fmt.Sprintf("Bakı şəhəri %d nömrəli xüsusi internat məktəbi", 1+g.r.IntN(12))
		}
	}
	basis := later(d.EstablishedOn, start.AddDays(-5-g.r.IntN(25)))
	dd := *d
	g.add(category.CatSpecialEducation, "education", c, start, category.SpecialEducation{
		Program: program, Institution: school, Start: start, Disability: &dd,
		Basis: &category.Act{Body: "Psixoloji-tibbi-pedaqoji komissiya", Number: fmt.Sprintf("PTP-%d", 1+g.r.IntN(900)), Date: basis},
	})
}

var subjects = []string{"Riyaziyyat", "Fizika", "Kimya", "Biologiya", "İnformatika", "Azərbaycan dili", "İngilis dili", "Tarix", "Coğrafiya"}

// boysSports and girlsSports are the sports children take up, weighted.
var (
	boysSports  = []string{"football", "football", "football", "futsal", "freestyle_wrestling", "greco_roman_wrestling", "judo", "judo", "boxing", "taekwondo", "karate", "chess", "swimming", "athletics", "weightlifting", "volleyball", "basketball", "table_tennis", "fencing", "sambo"}
	girlsSports = []string{"gymnastics_rhythmic", "gymnastics_rhythmic", "gymnastics_artistic", "chess", "chess", "swimming", "volleyball", "volleyball", "taekwondo", "athletics", "tennis", "table_tennis", "judo", "fencing", "karate"}
)

// leisure is the child's olympiads and sports.
func (g *gen) leisure(c *child) {
	f := c.fam
	age := c.birth.AgeOn(g.today)
	if age >= 9 && g.chance(olympiadRate) {
		for range 1 + g.r.IntN(2) {
			on := g.between(later(c.birth.AddYears(8), g.last.AddYears(-2)), g.last)
			a := category.AcademicAchievement{Subject: pick(g, subjects...), Date: on,
				Level: pick(g, "school", "school", "district", "district", "republic", "international")}
			switch a.Level {
			case "school":
				a.Venue, a.Place = f.school, 1+g.r.IntN(3)
			case "district":
				a.Venue, a.Place = f.place.town(), 1+g.r.IntN(3)
			case "republic":
				a.Venue, a.Place = "Bakı", 1+g.r.IntN(10)
			default:
				a.Venue, a.Place = pick(g, "Ankara", "Tbilisi", "Almatı", "Budapeşt", "Bakı"), 1+g.r.IntN(40)
			}
			a.Award = award(a.Place)
			g.add(category.CatAcademicAchievements, "education", c, on, a)
		}
	}
	rate := sportsClubRate * 0.8
	if c.sex == "male" {
		rate = sportsClubRate * 1.2
	}
	if age < 5 || !g.chance(rate) {
		return
	}
	sports := girlsSports
	if c.sex == "male" {
		sports = boysSports
	}
	m := category.SportsMembership{Sport: pick(g, sports...), Since: g.between(later(c.birth.AddYears(4), g.last.AddYears(-6)), g.last)}
	kinds := []string{"sports_school", "sports_school", "sports_school", "sports_school", "federation"}
	if r := f.place.region; r == "baki" || r == "abseron_xizi" {
		kinds = append(kinds, "club", "club", "club") // the clubs' academies are in Baku
	}
	switch m.Kind = pick(g, kinds...); m.Kind {
	case "sports_school":
		m.Organisation = f.place.town() + " Olimpiya İdman Kompleksinin uşaq-gənclər idman məktəbi"
		m.Address = f.place.officeAddress(g.r)
	case "club":
		m.Organisation = pick(g, "Neftçi", "Qarabağ", "Sabah", "Zirə", "Atasport", "Baku Sport") + " idman klubu"
		m.Address = placeByCode[pick(g, "yasamal", "nasimi", "xatai", "narimanov")].officeAddress(g.r)
	default:
		sport, _ := classifier.Sports.Lookup(m.Sport)
		m.Organisation = "Azərbaycan " + sport.Name.AZ + " Federasiyası"
		m.Address = placeByCode["nasimi"].officeAddress(g.r)
	}
	if g.chance(0.15) && m.Since.Before(g.last.AddDays(-200)) {
		m.Until = g.between(m.Since.AddDays(180), g.last)
	}
	g.add(category.CatSportsMembership, "youth_sports", c, m.Since, m)
	if age < 7 || !g.chance(sportsResultRate) {
		return
	}
	for range 1 + g.r.IntN(2) {
		on := g.between(later(m.Since, c.birth.AddYears(6)), g.last)
		levels := []string{"district", "district", "city", "city"}
		switch a := c.birth.AgeOn(on); {
		case a >= 14:
			levels = append(levels, "republic", "republic", "european", "international_other")
		case a >= 10:
			levels = append(levels, "republic", "republic")
		}
		s := category.SportsAchievement{Sport: m.Sport, Date: on, Level: pick(g, levels...)}
		s.Competition, s.Venue = competition(s.Level, f.place)
		s.Place = 1 + g.r.IntN(8)
		if s.Place <= 3 {
			s.Rank = rankFor(c.birth.AgeOn(on), s.Level)
		}
		g.add(category.CatSportsAchievements, "youth_sports", c, on, s)
	}
}

// award is the olympiad award for a place.
func award(place int) string {
	switch {
	case place == 1:
		return "gold"
	case place == 2:
		return "silver"
	case place == 3:
		return "bronze"
	case place <= 10:
		return "diploma"
	}
	return "honourable_mention"
}

// competition names a competition of a level and where it was held.
func competition(level string, p place) (string, string) {
	switch level {
	case "district":
		return p.town() + " birinciliyi (yeniyetmələr arasında)", p.town()
	case "city":
		if p.region == "baki" || !p.city {
			return "Bakı şəhər birinciliyi", "Bakı"
		}
		return p.town() + " şəhər birinciliyi", p.town()
	case "republic":
		return "Azərbaycan çempionatı (yeniyetmələr arasında)", "Bakı"
	case "european":
		return "Gənclər arasında Avropa çempionatı", "Budapeşt"
	}
	return "Beynəlxalq gənclər turniri", "İstanbul"
}

// rankFor is the sports rank a young medallist holds.
func rankFor(age int, level string) string {
	switch {
	case level == "european" || level == "international_other":
		return "candidate_master"
	case age >= 14 && level == "republic":
		return "adult_1"
	case age >= 12:
		return "youth_1"
	case age >= 9:
		return "youth_2"
	}
	return "youth_3"
}
