package category

import "github.com/scfwca/databank/internal/i18n"

// The child's family (§4.1.3–4.1.7).

// Parent is what the civil register and the police know of the father or
// the mother.
type Parent struct {
	FIN         string        `json:"fin,omitzero" v:"fin"`
	Name        PersonName    `json:"name" v:"required"`
	Citizenship string        `json:"citizenship" v:"required,class=citizenship"`
	BirthDate   Date          `json:"birth_date" v:"required"`
	BirthPlace  Place         `json:"birth_place,omitzero"`
	Residence   *Registration `json:"residence,omitzero"`
	DeathDate   Date          `json:"death_date,omitzero"`
	Phone       string        `json:"phone,omitzero" v:"mobile"`
}

// minParentAge is the youngest a parent can plausibly be at a child's birth.
const minParentAge = 12

func (p *Parent) check(c *checker, path string) {
	if b := c.ctx.BirthDate; !b.IsZero() && !p.BirthDate.IsZero() && p.BirthDate.AgeOn(b) < minParentAge {
		c.add(join(path, "birth_date"), "parent_age", minParentAge)
	}
	c.order(join(path, "birth_date"), p.BirthDate, join(path, "death_date"), p.DeathDate)
	if r := p.Residence; r != nil {
		c.order(join(path, "residence.registered_on"), r.RegisteredOn, join(path, "residence.deregistered_on"), r.DeregisteredOn)
	}
}

// ParentsMarriage is the parents' marriage and, if any, their divorce.
type ParentsMarriage struct {
	Marriage Act  `json:"marriage" v:"required"`
	Divorce  *Act `json:"divorce,omitzero"`
}

func (p *ParentsMarriage) check(c *checker, path string) {
	if p.Divorce != nil {
		c.order(join(path, "marriage.date"), p.Marriage.Date, join(path, "divorce.date"), p.Divorce.Date)
	}
}

// ParentEmployment is whether a parent works, and where.
type ParentEmployment struct {
	Status        string `json:"status" v:"required,class=employment_status"`
	Activity      string `json:"activity,omitzero" v:"max=300"`
	Workplace     string `json:"workplace,omitzero" v:"max=300"`
	WorkplaceVOEN string `json:"workplace_voen,omitzero" v:"voen"`
	Since         Date   `json:"since,omitzero"`
}

func (p *ParentEmployment) check(c *checker, path string) {
	if p.Status == "employed" && p.Workplace == "" {
		c.add(join(path, "workplace"), "required")
	}
}

func exampleParent(given, family, patronymic, fin string, born string) Parent {
	return Parent{
		FIN: fin, Name: PersonName{Given: given, Family: family, Patronymic: patronymic}, Citizenship: "AZE",
		BirthDate: MustDate(born), BirthPlace: Place{District: "quba"},
		Residence: &Registration{Address: exampleAddress, RegisteredOn: MustDate("2010-06-01")}, Phone: "+994501234567",
	}
}

var (
	CatFather = register(Category{
		Code: "father", Clause: "4.1.3", Class: Family, Bit: 5,
		Title:   i18n.T("Ata", "Father", "Отец"),
		Senders: []string{OrgJustice, OrgInternalAffairs},
	}, Parent{}, exampleParent("Vüqar", "Məmmədov", "Rəşid oğlu", "2HJ7K9L", "1985-11-23"))

	CatMother = register(Category{
		Code: "mother", Clause: "4.1.4", Class: Family, Bit: 6,
		Title:   i18n.T("Ana", "Mother", "Мать"),
		Senders: []string{OrgJustice, OrgInternalAffairs},
	}, Parent{}, exampleParent("Aysel", "Məmmədova", "Elçin qızı", "3MN8P4Q", "1988-04-07"))

	CatParentsMarriage = register(Category{
		Code: "parents_marriage", Clause: "4.1.5", Class: Family, Bit: 7,
		Title:   i18n.T("Valideynlərin nikahı", "Parents' marriage", "Брак родителей"),
		Senders: []string{OrgJustice},
	}, ParentsMarriage{}, ParentsMarriage{
		Marriage: Act{Body: "Quba rayonu qeydiyyat şöbəsi", Number: "214", Date: MustDate("2012-08-18")},
	}, ParentsMarriage{
		Marriage: Act{Body: "Quba rayonu qeydiyyat şöbəsi", Number: "214", Date: MustDate("2012-08-18")},
		Divorce:  &Act{Body: "Quba rayon məhkəməsi", Number: "2-1/512", Date: MustDate("2020-02-03")},
	})

	CatFatherEmployment = register(Category{
		Code: "father_employment", Clause: "4.1.6", Class: Family, Bit: 8,
		Title:   i18n.T("Atanın məşğulluğu", "Father's employment", "Занятость отца"),
		Senders: []string{OrgLabour},
	}, ParentEmployment{}, ParentEmployment{
		Status: "employed", Activity: "Mühəndis", Workplace: "Azərişıq ASC", WorkplaceVOEN: "1700767721", Since: MustDate("2015-01-12"),
	})

	CatMotherEmployment = register(Category{
		Code: "mother_employment", Clause: "4.1.7", Class: Family, Bit: 9,
		Title:   i18n.T("Ananın məşğulluğu", "Mother's employment", "Занятость матери"),
		Senders: []string{OrgLabour},
	}, ParentEmployment{}, ParentEmployment{Status: "unemployed_registered", Since: MustDate("2023-09-01")})
)
