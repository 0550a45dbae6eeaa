// Package participant describes the organisations that exchange data with
// the Data Bank: the operator, the ministries and agencies, and the
// district commissions on the protection of children's rights; what each
// may send (its competence) and read.
package participant

import (
	"slices"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/i18n"
)

// Kinds of participant.
const (
	KindOperator    = "operator"
	KindParticipant = "participant"
	KindCommission  = "commission"
)

// Participant is an organisation of the exchange.
type Participant struct {
	Code     string    `json:"code"`
	Kind     string    `json:"kind"`
	Name     i18n.Text `json:"name"`
	VOEN     string    `json:"voen"`
	District string    `json:"district,omitempty"`
	Active   bool      `json:"active"`
	// Send and Read are category codes, sorted.
	Send []string `json:"send"`
	Read []string `json:"read"`
}

// MaySend reports whether the participant may send a category.
func (p *Participant) MaySend(c *category.Category) bool {
	_, ok := slices.BinarySearch(p.Send, c.Code)
	return ok
}

// MayRead reports whether the participant may read a category.
func (p *Participant) MayRead(c *category.Category) bool {
	_, ok := slices.BinarySearch(p.Read, c.Code)
	return ok
}

// CommissionCode is the code of a district's commission.
func CommissionCode(district string) string { return category.OrgCommission + "." + district }

type org struct {
	code string
	name i18n.Text
	voen string
}

// The participants of the regulation (DESIGN.md §1). The VÖENs are
// placeholders in the right format, to be replaced by the operator with
// each body's registered tax number.
var orgs = []org{
	{category.OrgOperator, i18n.T("Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi", "State Committee for Family, Women and Children Affairs", "Государственный комитет по делам семьи, женщин и детей"), "1000000011"},
	{category.OrgInternalAffairs, i18n.T("Daxili İşlər Nazirliyi", "Ministry of Internal Affairs", "Министерство внутренних дел"), "1000000021"},
	{category.OrgJustice, i18n.T("Ədliyyə Nazirliyi", "Ministry of Justice", "Министерство юстиции"), "1000000031"},
	{category.OrgEducation, i18n.T("Elm və Təhsil Nazirliyi", "Ministry of Science and Education", "Министерство науки и образования"), "1000000041"},
	{category.OrgHealth, i18n.T("Səhiyyə Nazirliyi", "Ministry of Health", "Министерство здравоохранения"), "1000000051"},
	{category.OrgLabour, i18n.T("Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi", "Ministry of Labour and Social Protection of Population", "Министерство труда и социальной защиты населения"), "1000000061"},
	{category.OrgYouthSports, i18n.T("Gənclər və İdman Nazirliyi", "Ministry of Youth and Sports", "Министерство молодёжи и спорта"), "1000000071"},
	{category.OrgMigration, i18n.T("Dövlət Miqrasiya Xidməti", "State Migration Service", "Государственная миграционная служба"), "1000000081"},
	{category.OrgTabib, i18n.T("Tibbi Ərazi Bölmələrini İdarəetmə Birliyi (TƏBİB)", "Administration of Medical Territorial Units (TABIB)", "Объединение по управлению медицинскими территориальными подразделениями (TƏBİB)"), "1000000091"},
}

// Defaults returns every participant with its default competence (the
// senders of DESIGN.md §2) and read rights: the operator and the
// commissions read every category; any other participant reads what it
// sends, and the identity and family categories it needs to know whose
// data it holds.
func Defaults() []Participant {
	var out []Participant
	for _, o := range orgs {
		kind := KindParticipant
		if o.code == category.OrgOperator {
			kind = KindOperator
		}
		out = append(out, build(Participant{Code: o.code, Kind: kind, Name: o.name, VOEN: o.voen, Active: true}))
	}
	for i, d := range classifier.Districts.Items() {
		out = append(out, build(Participant{
			Code: CommissionCode(d.Code), Kind: KindCommission, District: d.Code, Active: true,
			Name: i18n.T(d.Name.AZ+" üzrə uşaq hüquqlarının müdafiəsi komissiyası",
				"Commission on the protection of children's rights, "+d.Name.EN,
				"Комиссия по защите прав детей, "+d.Name.RU),
			VOEN: voenFor(i),
		}))
	}
	return out
}

func voenFor(i int) string {
	const digits = "0123456789"
	n := 2000000 + i
	b := []byte("20000000" + "01")
	for j := 7; j >= 1; j-- {
		b[j] = digits[n%10]
		n /= 10
	}
	return string(b)
}

func build(p Participant) Participant {
	for _, c := range category.All() {
		sends := slices.ContainsFunc(c.Senders, func(s string) bool {
			return s == p.Code || s == category.OrgAny || (s == category.OrgCommission && p.Kind == KindCommission)
		})
		if sends {
			p.Send = append(p.Send, c.Code)
		}
		if sends || p.Kind != KindParticipant || c.Class == category.Identity || c.Class == category.Family {
			p.Read = append(p.Read, c.Code)
		}
	}
	slices.Sort(p.Send)
	slices.Sort(p.Read)
	return p
}
