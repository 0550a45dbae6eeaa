package category

import "github.com/scfwca/databank/internal/i18n"

// Education: documents, special education, schooling and achievements
// (§4.1.10, §4.1.11, §4.2.1–4.2.4).

// EducationDocument is a school-leaving certificate or a diploma.
type EducationDocument struct {
	Kind        string   `json:"kind" v:"required,enum=basic_secondary_certificate|full_secondary_certificate|vocational_diploma|secondary_specialised_diploma|bachelor_diploma"`
	Document    Document `json:"document" v:"required"`
	Institution string   `json:"institution" v:"required,max=300"`
}

// minAgeForDocument is the youngest a child can plausibly receive each kind
// of education document: a basic-secondary certificate comes after grade
// IX, at about 15, and no child finishes school at 5.
var minAgeForDocument = map[string]int{
	"basic_secondary_certificate":   13,
	"full_secondary_certificate":    15,
	"vocational_diploma":            15,
	"secondary_specialised_diploma": 16,
	"bachelor_diploma":              16,
}

func (p *EducationDocument) check(c *checker, path string) {
	if p.Document.IssuedOn.IsZero() {
		c.add(join(path, "document.issued_on"), "required")
		return
	}
	c.minAge(join(path, "document.issued_on"), p.Document.IssuedOn, minAgeForDocument[p.Kind])
}

// SpecialEducation is a special education programme the child follows.
type SpecialEducation struct {
	Program     string      `json:"program" v:"required,class=special_education_program"`
	Institution string      `json:"institution" v:"required,max=300"`
	Basis       *Act        `json:"basis,omitzero"` // the commission's decision
	Start       Date        `json:"start" v:"required"`
	End         Date        `json:"end,omitzero" v:"future"`
	Disability  *Disability `json:"disability,omitzero"`
}

func (p *SpecialEducation) check(c *checker, path string) {
	c.afterBirth(join(path, "start"), p.Start)
	c.order(join(path, "start"), p.Start, join(path, "end"), p.End)
	if p.Disability != nil {
		p.Disability.check(c, join(path, "disability"))
	}
}

// Schooling is the school the child attends (§4.2.1).
type Schooling struct {
	School     string  `json:"school" v:"required,max=300"`
	Address    Address `json:"address" v:"required"`
	Phone      string  `json:"phone,omitzero" v:"phone"`
	Level      string  `json:"level" v:"required,class=education_level"`
	Form       string  `json:"form" v:"required,class=education_form"`
	Language   string  `json:"language" v:"required,class=instruction_language"`
	Grade      int     `json:"grade,omitzero" v:"min=0,max=11"` // 0: the preparatory year
	Speciality string  `json:"speciality,omitzero" v:"max=200"`
	Since      Date    `json:"since" v:"required"`
	Left       Date    `json:"left,omitzero"`
}

func (p *Schooling) check(c *checker, path string) {
	c.order(join(path, "since"), p.Since, join(path, "left"), p.Left)
	switch p.Level {
	case "preparatory", "primary", "basic_secondary", "full_secondary":
		// The preparatory year starts at 5, grade I at 6: a child in grade
		// g is at least g+4 on the day the record takes effect.
		c.minAge(join(path, "since"), p.Since, 4)
		c.minAge(join(path, "grade"), c.ctx.Effective, p.Grade+4)
	case "preschool":
	default:
		c.minAge(join(path, "since"), p.Since, 14)
		if p.Speciality == "" {
			c.add(join(path, "speciality"), "required")
		}
	}
}

// AcademicAchievement is a result at a subject olympiad (§4.2.2).
type AcademicAchievement struct {
	Subject string `json:"subject" v:"required,max=100"`
	Level   string `json:"level" v:"required,class=olympiad_level"`
	Date    Date   `json:"date" v:"required"`
	Venue   string `json:"venue,omitzero" v:"max=200"`
	Place   int    `json:"place" v:"required,min=1,max=1000"`
	Award   string `json:"award,omitzero" v:"enum=gold|silver|bronze|diploma|honourable_mention"`
}

func (p *AcademicAchievement) check(c *checker, path string) { c.minAge(join(path, "date"), p.Date, 5) }

// SportsAchievement is a result at a sports competition (§4.2.3).
type SportsAchievement struct {
	Sport       string `json:"sport" v:"required,class=sport"`
	Competition string `json:"competition" v:"required,max=300"`
	Level       string `json:"level" v:"required,class=competition_level"`
	Date        Date   `json:"date" v:"required"`
	Venue       string `json:"venue,omitzero" v:"max=200"`
	Place       int    `json:"place" v:"required,min=1,max=1000"`
	Rank        string `json:"rank,omitzero" v:"class=sport_rank"`
}

func (p *SportsAchievement) check(c *checker, path string) { c.minAge(join(path, "date"), p.Date, 4) }

// SportsMembership is membership of a sports school, federation or club
// (§4.2.4).
type SportsMembership struct {
	Organisation string  `json:"organisation" v:"required,max=300"`
	Kind         string  `json:"kind" v:"required,enum=sports_school|federation|club"`
	Sport        string  `json:"sport" v:"required,class=sport"`
	Address      Address `json:"address" v:"required"`
	Since        Date    `json:"since" v:"required"`
	Until        Date    `json:"until,omitzero"`
}

func (p *SportsMembership) check(c *checker, path string) {
	c.minAge(join(path, "since"), p.Since, 3)
	c.order(join(path, "since"), p.Since, join(path, "until"), p.Until)
}

var (
	CatEducationDocuments = register(Category{
		Code: "education_documents", Clause: "4.1.10", Class: Education, Bit: 12,
		Title:   i18n.T("Təhsil sənədləri", "Education documents", "Документы об образовании"),
		Senders: []string{OrgEducation},
	}, EducationDocument{}, EducationDocument{
		Kind: "basic_secondary_certificate", Institution: "Bakı şəhəri 20 nömrəli tam orta məktəb",
		Document: Document{Series: "ÜO", Number: "0451287", IssuedOn: MustDate("2024-06-20"), IssuedBy: "Bakı şəhəri 20 nömrəli tam orta məktəb"},
	})

	CatSpecialEducation = register(Category{
		Code: "special_education", Clause: "4.1.11", Class: Education, Bit: 13,
		Title:   i18n.T("Xüsusi təhsil proqramı", "Special education programme", "Программа специального образования"),
		Senders: []string{OrgEducation},
	}, SpecialEducation{}, SpecialEducation{
		Program: "inclusive", Institution: "Sumqayıt şəhəri 3 nömrəli tam orta məktəb", Start: MustDate("2023-09-15"),
		Basis:      &Act{Body: "Psixoloji-tibbi-pedaqoji komissiya", Number: "PTP-77", Date: MustDate("2023-08-30")},
		Disability: &Disability{Percent: 45, Degree: "degree_3", EstablishedOn: MustDate("2023-07-11")},
	})

	CatSchooling = register(Category{
		Code: "schooling", Clause: "4.2.1", Class: Education, Bit: 26,
		Title:   i18n.T("Təhsil aldığı məktəb", "Schooling", "Обучение в школе"),
		Senders: []string{OrgEducation},
	}, Schooling{}, Schooling{
		School: "Bakı şəhəri 20 nömrəli tam orta məktəb", Address: exampleAddress, Phone: "+994124981234",
		Level: "primary", Form: "full_time", Language: "az", Grade: 3, Since: MustDate("2022-09-15"),
	})

	CatAcademicAchievements = register(Category{
		Code: "academic_achievements", Clause: "4.2.2", Class: Education, Bit: 27,
		Title:   i18n.T("Olimpiada nailiyyətləri", "Olympiad achievements", "Олимпиадные достижения"),
		Senders: []string{OrgEducation},
	}, AcademicAchievement{}, AcademicAchievement{
		Subject: "Riyaziyyat", Level: "republic", Date: MustDate("2025-03-22"), Venue: "Bakı", Place: 2, Award: "silver",
	})

	CatSportsAchievements = register(Category{
		Code: "sports_achievements", Clause: "4.2.3", Class: Education, Bit: 28,
		Title:   i18n.T("İdman nailiyyətləri", "Sports achievements", "Спортивные достижения"),
		Senders: []string{OrgYouthSports},
	}, SportsAchievement{}, SportsAchievement{
		Sport: "judo", Competition: "Gənclər arasında Azərbaycan çempionatı", Level: "republic",
		Date: MustDate("2025-05-10"), Venue: "Gəncə", Place: 1, Rank: "youth_1",
	})

	CatSportsMembership = register(Category{
		Code: "sports_membership", Clause: "4.2.4", Class: Education, Bit: 29,
		Title:   i18n.T("İdman məktəbi, federasiya və ya klub", "Sports school, federation or club", "Спортивная школа, федерация или клуб"),
		Senders: []string{OrgYouthSports},
	}, SportsMembership{}, SportsMembership{
		Organisation: "Gəncə şəhəri Olimpiya İdman Kompleksi uşaq-gənclər idman məktəbi", Kind: "sports_school",
		Sport: "judo", Address: Address{District: "ganca", Settlement: "Gəncə"}, Since: MustDate("2021-10-01"),
	})
)
