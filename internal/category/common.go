package category

import "github.com/scfwca/databank/internal/classifier"

// Participant codes of the default senders (DESIGN.md §1). A commission's
// code is "commission.<district>"; OrgCommission stands for all of them.
const (
	OrgOperator        = "operator"
	OrgInternalAffairs = "internal_affairs"
	OrgJustice         = "justice"
	OrgEducation       = "education"
	OrgHealth          = "health"
	OrgLabour          = "labour"
	OrgYouthSports     = "youth_sports"
	OrgMigration       = "migration"
	OrgTabib           = "tabib"
	OrgCommission      = "commission"
	// OrgAny stands for every participant: appeals about a child may
	// be registered by any state body.
	OrgAny = "*"
)

// PersonName is a person's name as written in the civil register.
type PersonName struct {
	Given      string `json:"given" v:"required,max=100"`
	Family     string `json:"family" v:"required,max=100"`
	Patronymic string `json:"patronymic,omitzero" v:"max=100"` // "Vüqar oğlu"
}

// Place is where something happened: a district of Azerbaijan, or a
// country abroad.
type Place struct {
	Country    string `json:"country,omitzero" v:"class=citizenship"` // ISO 3166 alpha-3; AZE when omitted
	District   string `json:"district,omitzero" v:"class=district"`
	Settlement string `json:"settlement,omitzero" v:"max=200"`
}

// Address is an address in Azerbaijan.
type Address struct {
	District   string `json:"district" v:"required,class=district"`
	Settlement string `json:"settlement,omitzero" v:"max=200"`
	Street     string `json:"street,omitzero" v:"max=300"`
	PostalCode string `json:"postal_code,omitzero" v:"postal"`
}

// Registration is a registration of residence at an address.
type Registration struct {
	Address        Address `json:"address" v:"required"`
	RegisteredOn   Date    `json:"registered_on,omitzero"`
	DeregisteredOn Date    `json:"deregistered_on,omitzero"`
}

// Act is a civil-status act record or an official decision: who made it,
// its number and its date.
type Act struct {
	Body   string `json:"body" v:"required,max=300"`
	Number string `json:"number" v:"required,max=50"`
	Date   Date   `json:"date" v:"required"`
}

// Document is a numbered document: series, number, date of issue, issuer.
type Document struct {
	Series   string `json:"series,omitzero" v:"max=20"`
	Number   string `json:"number" v:"required,max=30"`
	IssuedOn Date   `json:"issued_on,omitzero"`
	IssuedBy string `json:"issued_by,omitzero" v:"max=300"`
}

// Disability is an established disability: the percentage of loss of body
// functions (from 1 July 2022), and the degree that follows from it.
type Disability struct {
	Percent       int    `json:"percent" v:"required,min=0,max=100"`
	Degree        string `json:"degree,omitzero" v:"class=disability_degree"`
	EstablishedOn Date   `json:"established_on" v:"required"`
	ReviewOn      Date   `json:"review_on,omitzero" v:"future"`
}

func (d *Disability) check(c *checker, path string) {
	c.afterBirth(join(path, "established_on"), d.EstablishedOn)
	c.order(join(path, "established_on"), d.EstablishedOn, join(path, "review_on"), d.ReviewOn)
	if d.Degree != "" {
		if want, ok := classifier.DisabilityDegreeFor(d.Percent); !ok || want != d.Degree {
			c.add(join(path, "degree"), "inconsistent", join(path, "percent"))
		}
	}
}
