package category

import "github.com/scfwca/databank/internal/i18n"

// Care: children deprived of parental care, guardianship and unaccompanied
// minors (§4.1.8, §4.1.9, §4.1.20).

// ParentalCareRegistry is the child's entry on the register of children
// deprived of parental care.
type ParentalCareRegistry struct {
	RegisteredOn         Date   `json:"registered_on" v:"required"`
	Reason               string `json:"reason" v:"required,enum=orphan|parents_deprived_of_rights|parents_unknown|parents_incapable|parents_imprisoned|abandoned|other"`
	DeregisteredOn       Date   `json:"deregistered_on,omitzero"`
	DeregistrationReason string `json:"deregistration_reason,omitzero" v:"enum=adopted|returned_to_family|guardianship|came_of_age|died|other"`
}

func (p *ParentalCareRegistry) check(c *checker, path string) {
	c.afterBirth(join(path, "registered_on"), p.RegisteredOn)
	c.order(join(path, "registered_on"), p.RegisteredOn, join(path, "deregistered_on"), p.DeregisteredOn)
	if p.DeregisteredOn.IsZero() != (p.DeregistrationReason == "") {
		c.add(join(path, "deregistration_reason"), "inconsistent", join(path, "deregistered_on"))
	}
}

// Guardian is a person who has the child in their care.
type Guardian struct {
	FIN      string     `json:"fin,omitzero" v:"fin"`
	Name     PersonName `json:"name" v:"required"`
	Relation string     `json:"relation" v:"required,enum=grandparent|sibling|aunt_uncle|other_relative|not_related"`
	Phone    string     `json:"phone,omitzero" v:"mobile"`
}

// Guardianship is guardianship, custody, a foster family, adoption or a
// placement in an institution.
type Guardianship struct {
	Form        string     `json:"form" v:"required,class=care_form"`
	Decision    Act        `json:"decision" v:"required"`
	Start       Date       `json:"start" v:"required"`
	End         Date       `json:"end,omitzero" v:"future"`
	Guardians   []Guardian `json:"guardians,omitzero" v:"max=4"`
	Institution string     `json:"institution,omitzero" v:"max=300"`
}

func (p *Guardianship) check(c *checker, path string) {
	c.afterBirth(join(path, "start"), p.Start)
	c.order(join(path, "start"), p.Start, join(path, "end"), p.End)
	c.order(join(path, "decision.date"), p.Decision.Date, join(path, "start"), p.Start)
	switch p.Form {
	case "guardianship": // qəyyumluq: under 14
		c.maxAge(join(path, "start"), p.Start, 14)
	case "custody": // himayəçilik: 14 to 18
		c.minAge(join(path, "start"), p.Start, 14)
	}
	if p.Form == "institution" && p.Institution == "" {
		c.add(join(path, "institution"), "required")
	}
	if p.Form != "institution" && len(p.Guardians) == 0 {
		c.add(join(path, "guardians"), "required")
	}
}

// UnaccompaniedMinor records a child found without a parent or guardian.
type UnaccompaniedMinor struct {
	FoundOn         Date   `json:"found_on" v:"required"`
	FoundPlace      Place  `json:"found_place" v:"required"`
	CountryOfOrigin string `json:"country_of_origin,omitzero" v:"class=citizenship"`
	Placement       string `json:"placement" v:"required,class=unaccompanied_placement"`
	PlacedOn        Date   `json:"placed_on,omitzero"`
	RepatriatedOn   Date   `json:"repatriated_on,omitzero"`
	Measures        string `json:"measures,omitzero" v:"max=2000"`
}

func (p *UnaccompaniedMinor) check(c *checker, path string) {
	c.afterBirth(join(path, "found_on"), p.FoundOn)
	c.order(join(path, "found_on"), p.FoundOn, join(path, "placed_on"), p.PlacedOn)
	c.order(join(path, "found_on"), p.FoundOn, join(path, "repatriated_on"), p.RepatriatedOn)
	if p.Placement == "repatriated" && p.RepatriatedOn.IsZero() {
		c.add(join(path, "repatriated_on"), "required")
	}
}

var (
	CatParentalCareRegistry = register(Category{
		Code: "parental_care_registry", Clause: "4.1.8", Class: Care, Bit: 10,
		Title:   i18n.T("Valideyn himayəsindən məhrum uşaqların uçotu", "Register of children deprived of parental care", "Учёт детей, лишённых родительской опеки"),
		Senders: []string{OrgLabour},
	}, ParentalCareRegistry{}, ParentalCareRegistry{RegisteredOn: MustDate("2022-11-04"), Reason: "parents_deprived_of_rights"})

	CatGuardianship = register(Category{
		Code: "guardianship", Clause: "4.1.9", Class: Care, Bit: 11,
		Title:   i18n.T("Qəyyumluq, himayəçilik, himayədar ailə", "Guardianship, custody, foster family", "Опека, попечительство, приёмная семья"),
		Senders: []string{OrgLabour, OrgCommission},
	}, Guardianship{}, Guardianship{
		Form:     "guardianship",
		Decision: Act{Body: "Səbail rayon İcra Hakimiyyəti, qəyyumluq və himayə orqanı", Number: "Q-118", Date: MustDate("2022-12-01")},
		Start:    MustDate("2022-12-05"),
		Guardians: []Guardian{{FIN: "6TR2W8X", Name: PersonName{Given: "Səidə", Family: "Məmmədova", Patronymic: "Həsən qızı"},
			Relation: "grandparent", Phone: "+994554443322"}},
	})

	CatUnaccompaniedMinor = register(Category{
		Code: "unaccompanied_minor", Clause: "4.1.20", Class: Care, Bit: 22,
		Title:   i18n.T("Müşayiətsiz azyaşlı", "Unaccompanied minor", "Несопровождаемый несовершеннолетний"),
		Senders: []string{OrgMigration, OrgInternalAffairs},
	}, UnaccompaniedMinor{}, UnaccompaniedMinor{
		FoundOn: MustDate("2024-07-19"), FoundPlace: Place{District: "astara", Settlement: "Astara gömrük keçid məntəqəsi"},
		CountryOfOrigin: "IRN", Placement: "shelter", PlacedOn: MustDate("2024-07-19"),
		Measures: "Müvəqqəti sığınacağa yerləşdirilib, ailə axtarışı başlanıb",
	})
)
