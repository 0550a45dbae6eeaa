package category

import "github.com/scfwca/databank/internal/i18n"

// Identity documents and civil-status acts of the child (§4.1.1–4.1.2).

// BirthRegistration is the birth certificate and its act record.
type BirthRegistration struct {
	Certificate struct {
		Series string `json:"series" v:"required,max=10"`
		Number string `json:"number" v:"required,max=20"`
	} `json:"certificate" v:"required"`
	Act         Act        `json:"act" v:"required"`
	FIN         string     `json:"fin,omitzero" v:"fin"`
	Name        PersonName `json:"name" v:"required"`
	Sex         string     `json:"sex" v:"required,class=sex"`
	BirthDate   Date       `json:"birth_date" v:"required"`
	BirthPlace  Place      `json:"birth_place" v:"required"`
	Citizenship string     `json:"citizenship" v:"required,class=citizenship"`
	FatherFIN   string     `json:"father_fin,omitzero" v:"fin"`
	MotherFIN   string     `json:"mother_fin,omitzero" v:"fin"`
}

func (p *BirthRegistration) check(c *checker, path string) {
	c.order(join(path, "birth_date"), p.BirthDate, join(path, "act.date"), p.Act.Date)
	if p.FatherFIN != "" && p.FatherFIN == p.MotherFIN {
		c.add(join(path, "mother_fin"), "inconsistent", join(path, "father_fin"))
	}
}

// IdentityCard is the child's identity card (issued from birth on request,
// compulsory from 15).
type IdentityCard struct {
	Number    string       `json:"number" v:"required,id_card"`
	FIN       string       `json:"fin" v:"required,fin"`
	IssuedOn  Date         `json:"issued_on" v:"required"`
	ValidTo   Date         `json:"valid_to" v:"required,future"`
	IssuedBy  string       `json:"issued_by" v:"required,max=300"`
	Residence Registration `json:"residence" v:"required"`
}

func (p *IdentityCard) check(c *checker, path string) {
	c.afterBirth(join(path, "issued_on"), p.IssuedOn)
	c.order(join(path, "issued_on"), p.IssuedOn, join(path, "valid_to"), p.ValidTo)
	c.order(join(path, "residence.registered_on"), p.Residence.RegisteredOn, join(path, "residence.deregistered_on"), p.Residence.DeregisteredOn)
}

// ResidencePermit is the residence permit of a foreign or stateless child.
type ResidencePermit struct {
	Number      string  `json:"number" v:"required,permit"`
	Kind        string  `json:"kind" v:"required,enum=temporary|permanent"`
	FIN         string  `json:"fin,omitzero" v:"fin"`
	Citizenship string  `json:"citizenship" v:"required,class=citizenship"`
	IssuedOn    Date    `json:"issued_on" v:"required"`
	ValidTo     Date    `json:"valid_to" v:"required,future"`
	Address     Address `json:"address" v:"required"`
}

func (p *ResidencePermit) check(c *checker, path string) {
	// MYİ is the temporary permit, DYİ the permanent one.
	if (p.Kind == "temporary") != (p.Number[:1] == "M") {
		c.add(join(path, "kind"), "inconsistent", join(path, "number"))
	}
	c.afterBirth(join(path, "issued_on"), p.IssuedOn)
	c.order(join(path, "issued_on"), p.IssuedOn, join(path, "valid_to"), p.ValidTo)
}

// RefugeeCard is the refugee card issued by the State Migration Service.
type RefugeeCard struct {
	Number          string  `json:"number" v:"required,refugee"`
	CountryOfOrigin string  `json:"country_of_origin" v:"required,class=citizenship"`
	IssuedOn        Date    `json:"issued_on" v:"required"`
	ValidTo         Date    `json:"valid_to,omitzero" v:"future"`
	Address         Address `json:"address" v:"required"`
}

func (p *RefugeeCard) check(c *checker, path string) {
	c.afterBirth(join(path, "issued_on"), p.IssuedOn)
	c.order(join(path, "issued_on"), p.IssuedOn, join(path, "valid_to"), p.ValidTo)
}

// Death is the death act record of the child.
type Death struct {
	Act       Act    `json:"act" v:"required"`
	DeathDate Date   `json:"death_date" v:"required"`
	Place     Place  `json:"place,omitzero"`
	Cause     string `json:"cause" v:"required,max=500"`
	ICD10     string `json:"icd10,omitzero" v:"icd10"`
}

func (p *Death) check(c *checker, path string) {
	c.afterBirth(join(path, "death_date"), p.DeathDate)
	c.order(join(path, "death_date"), p.DeathDate, join(path, "act.date"), p.Act.Date)
}

func exampleBirth() BirthRegistration {
	var b BirthRegistration
	b.Certificate.Series = "AB"
	b.Certificate.Number = "123456"
	b.Act = Act{Body: "Bakı şəhəri Səbail rayonu qeydiyyat şöbəsi", Number: "1542", Date: MustDate("2016-03-14")}
	b.FIN = "5ZK3N2P"
	b.Name = PersonName{Given: "Əli", Family: "Məmmədov", Patronymic: "Vüqar oğlu"}
	b.Sex = "male"
	b.BirthDate = MustDate("2016-03-02")
	b.BirthPlace = Place{Country: "AZE", District: "sabail", Settlement: "Bakı"}
	b.Citizenship = "AZE"
	b.FatherFIN = "2HJ7K9L"
	b.MotherFIN = "3MN8P4Q"
	return b
}

var exampleAddress = Address{District: "sabail", Settlement: "Bakı", Street: "Üzeyir Hacıbəyov küç. 12, m. 5", PostalCode: "AZ1000"}

var (
	CatBirthRegistration = register(Category{
		Code: "birth_registration", Clause: "4.1.1", Class: Identity, Bit: 0,
		Title:   i18n.T("Doğum haqqında şəhadətnamə", "Birth certificate", "Свидетельство о рождении"),
		Senders: []string{OrgJustice},
	}, BirthRegistration{}, exampleBirth())

	CatIdentityCard = register(Category{
		Code: "identity_card", Clause: "4.1.1", Class: Identity, Bit: 1,
		Title:   i18n.T("Şəxsiyyət vəsiqəsi", "Identity card", "Удостоверение личности"),
		Senders: []string{OrgInternalAffairs},
	}, IdentityCard{}, IdentityCard{
		Number: "AA1234567", FIN: "5ZK3N2P", IssuedOn: MustDate("2021-09-01"), ValidTo: MustDate("2031-09-01"),
		IssuedBy:  "DİN Pasport, Qeydiyyat və Miqrasiya Baş İdarəsi",
		Residence: Registration{Address: exampleAddress, RegisteredOn: MustDate("2016-03-20")},
	})

	CatResidencePermit = register(Category{
		Code: "residence_permit", Clause: "4.1.1", Class: Identity, Bit: 2,
		Title:   i18n.T("Yaşamaq icazəsi", "Residence permit", "Вид на жительство"),
		Senders: []string{OrgMigration},
	}, ResidencePermit{}, ResidencePermit{
		Number: "DYİ1234567", Kind: "permanent", Citizenship: "GEO", IssuedOn: MustDate("2022-05-10"),
		ValidTo: MustDate("2032-05-10"), Address: exampleAddress,
	})

	CatRefugeeCard = register(Category{
		Code: "refugee_card", Clause: "4.1.1", Class: Identity, Bit: 3,
		Title:   i18n.T("Qaçqın vəsiqəsi", "Refugee card", "Удостоверение беженца"),
		Senders: []string{OrgMigration},
	}, RefugeeCard{}, RefugeeCard{
		Number: "QV0012345", CountryOfOrigin: "AFG", IssuedOn: MustDate("2023-02-01"), Address: exampleAddress,
	})

	CatDeath = register(Category{
		Code: "death", Clause: "4.1.2", Class: Identity, Bit: 4,
		Title:   i18n.T("Ölüm haqqında akt qeydi", "Death record", "Запись акта о смерти"),
		Senders: []string{OrgJustice},
	}, Death{}, Death{
		Act:       Act{Body: "Bakı şəhəri Nəsimi rayonu qeydiyyat şöbəsi", Number: "311", Date: MustDate("2024-01-12")},
		DeathDate: MustDate("2024-01-10"), Place: Place{District: "nasimi"}, Cause: "Kəskin respirator çatışmazlıq", ICD10: "J96.0",
	})
)
