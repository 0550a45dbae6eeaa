package profile

import (
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/namefold"
)

// Summary is what search and reports need of a profile, kept in indexed
// columns in step with the facts.
type Summary struct {
	FIN         string
	Name        category.PersonName // as displayed
	NameKey     string              // namefold.Key of given and family name
	FamilyRoot  string              // namefold.Root of the family name
	BirthDate   category.Date
	Sex         string
	Citizenship string
	Region      string
	District    string
	// CareStatus is the care form of a current guardianship, or
	// "deprived_of_parental_care" while on that register, or "" for a child
	// in the care of its parents.
	CareStatus string
	MotherFIN  string
	FatherFIN  string
	Deceased   bool
	// Categories has bit category.Bit set for each category present.
	Categories int64
	// Status is active, deceased or archived, as stored.
	Status string
	// ArchivedReason is why an archived profile was archived: "age18" or
	// "death"; ArchivedOn the date, YYYY-MM-DD.
	ArchivedReason, ArchivedOn string
}

// CareDeprived is the care status of a child on the register of children
// deprived of parental care with no care form decided yet.
const CareDeprived = "deprived_of_parental_care"

// SummaryCategories are the categories whose payloads Project reads; of
// the others it needs only that they are present.
var SummaryCategories = []string{"birth_registration", "residence_permit", "mother", "father", "identity_card",
	"refugee_card", "guardianship", "parental_care_registry", "death"}

// Project computes the summary of a child on date on from the facts it
// knew then (see Knows), the FIN the child is known by, and the hints of
// keyless records.
func Project(facts []Fact, fin string, hints Hints, on category.Date) Summary {
	s := Summary{FIN: fin, Name: hints.Name, BirthDate: hints.BirthDate, MotherFIN: hints.MotherFIN}
	for _, f := range facts {
		if c, ok := category.Lookup(f.Category); ok {
			s.Categories |= 1 << c.Bit
		}
	}
	if b, ok := latestOf[category.BirthRegistration](facts, "birth_registration"); ok {
		s.Name, s.BirthDate, s.Sex, s.Citizenship = b.Name, b.BirthDate, b.Sex, b.Citizenship
		if s.FIN == "" {
			s.FIN = b.FIN
		}
		s.MotherFIN, s.FatherFIN = b.MotherFIN, b.FatherFIN
		s.District = b.BirthPlace.District
	}
	if s.Citizenship == "" {
		if p, ok := latestOf[category.ResidencePermit](facts, "residence_permit"); ok {
			s.Citizenship = p.Citizenship
		}
	}
	if m, ok := latestOf[category.Parent](facts, "mother"); ok && m.FIN != "" {
		s.MotherFIN = m.FIN
	}
	if f, ok := latestOf[category.Parent](facts, "father"); ok && f.FIN != "" {
		s.FatherFIN = f.FIN
	}
	if d := residenceDistrict(facts); d != "" {
		s.District = d
	}
	if it, ok := classifier.Districts.Lookup(s.District); ok {
		s.Region = it.Parent
	}
	s.CareStatus = careStatus(facts, on)
	_, s.Deceased = latestOf[category.Death](facts, "death")
	s.NameKey = NameKey(s.Name)
	s.FamilyRoot = namefold.Root(s.Name.Family)
	return s
}

// residenceDistrict is where the child lives: the residence on its
// identity card or permit, else its mother's, else its father's.
func residenceDistrict(facts []Fact) string {
	if c, ok := latestOf[category.IdentityCard](facts, "identity_card"); ok && c.Residence.DeregisteredOn.IsZero() {
		return c.Residence.Address.District
	}
	if p, ok := latestOf[category.ResidencePermit](facts, "residence_permit"); ok {
		return p.Address.District
	}
	if p, ok := latestOf[category.RefugeeCard](facts, "refugee_card"); ok {
		return p.Address.District
	}
	for _, parent := range []string{"mother", "father"} {
		if p, ok := latestOf[category.Parent](facts, parent); ok && p.Residence != nil && p.Residence.DeregisteredOn.IsZero() {
			return p.Residence.Address.District
		}
	}
	return ""
}

func careStatus(facts []Fact, on category.Date) string {
	if g, ok := latestOf[category.Guardianship](facts, "guardianship"); ok && (g.End.IsZero() || !g.End.Before(on)) {
		return g.Form
	}
	if r, ok := latestOf[category.ParentalCareRegistry](facts, "parental_care_registry"); ok && r.DeregisteredOn.IsZero() {
		return CareDeprived
	}
	return ""
}

// NameKey is the folded key of a child's given and family names that
// search and candidate matching compare.
func NameKey(n category.PersonName) string { return namefold.Key(n.Given + " " + n.Family) }
