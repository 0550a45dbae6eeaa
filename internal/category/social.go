package category

import "github.com/scfwca/databank/internal/i18n"

// Social protection: pensions, benefits, alimony, targeted assistance,
// social services and work (§4.1.14–4.1.18).

// PensionBenefit is a labour pension or a social benefit paid for the child.
type PensionBenefit struct {
	Kind        string      `json:"kind" v:"required,enum=pension|benefit"`
	PensionType string      `json:"pension_type,omitzero" v:"class=pension_type"`
	BenefitType string      `json:"benefit_type,omitzero" v:"class=benefit_type"`
	Amount      Money       `json:"amount" v:"required,max=100000"`
	AssignedOn  Date        `json:"assigned_on" v:"required"`
	Until       Date        `json:"until,omitzero" v:"future"`
	Recipient   string      `json:"recipient" v:"required,enum=child|mother|father|guardian"`
	Disability  *Disability `json:"disability,omitzero"`
}

func (p *PensionBenefit) check(c *checker, path string) {
	switch {
	case p.Kind == "pension" && p.PensionType == "":
		c.add(join(path, "pension_type"), "required")
	case p.Kind == "benefit" && p.BenefitType == "":
		c.add(join(path, "benefit_type"), "required")
	case p.Kind == "pension" && p.BenefitType != "":
		c.add(join(path, "benefit_type"), "inconsistent", join(path, "kind"))
	case p.Kind == "benefit" && p.PensionType != "":
		c.add(join(path, "pension_type"), "inconsistent", join(path, "kind"))
	}
	c.order(join(path, "assigned_on"), p.AssignedOn, join(path, "until"), p.Until)
	if p.Disability != nil {
		p.Disability.check(c, join(path, "disability"))
	}
}

// Alimony is alimony awarded for the child.
type Alimony struct {
	PayerFIN   string     `json:"payer_fin,omitzero" v:"fin"`
	PayerName  PersonName `json:"payer_name" v:"required"`
	Amount     Money      `json:"amount,omitzero" v:"max=100000"`
	Share      string     `json:"share,omitzero" v:"enum=1/4|1/3|1/2"` // of the payer's earnings
	AssignedOn Date       `json:"assigned_on" v:"required"`
	Decision   Act        `json:"decision" v:"required"`
}

func (p *Alimony) check(c *checker, path string) {
	if p.Amount == 0 && p.Share == "" {
		c.add(join(path, "amount"), "required")
	}
	c.order(join(path, "decision.date"), p.Decision.Date, join(path, "assigned_on"), p.AssignedOn)
}

// TargetedSocialAssistance is the family's targeted state social assistance.
type TargetedSocialAssistance struct {
	Application string `json:"application" v:"required,max=50"`
	Amount      Money  `json:"amount" v:"required,max=100000"` // monthly, for the family
	FamilySize  int    `json:"family_size" v:"required,min=1,max=30"`
	Start       Date   `json:"start" v:"required"`
	End         Date   `json:"end" v:"required,future"`
}

func (p *TargetedSocialAssistance) check(c *checker, path string) {
	c.order(join(path, "start"), p.Start, join(path, "end"), p.End)
}

// SocialService is a social service given to the child or the parents.
type SocialService struct {
	Type      string `json:"type" v:"required,class=social_service_type"`
	Reason    string `json:"reason" v:"required,max=1000"`
	Provider  string `json:"provider" v:"required,max=300"`
	Recipient string `json:"recipient" v:"required,enum=child|mother|father|family"`
	Start     Date   `json:"start" v:"required"`
	End       Date   `json:"end,omitzero" v:"future"`
}

func (p *SocialService) check(c *checker, path string) {
	c.order(join(path, "start"), p.Start, join(path, "end"), p.End)
}

// YouthEmployment is the work, or registered unemployment, of a child over
// 15 (the minimum working age, Labour Code art. 46.4).
type YouthEmployment struct {
	Status        string `json:"status" v:"required,enum=employed|unemployed_registered"`
	Workplace     string `json:"workplace,omitzero" v:"max=300"`
	WorkplaceVOEN string `json:"workplace_voen,omitzero" v:"voen"`
	Position      string `json:"position,omitzero" v:"max=200"`
	Since         Date   `json:"since" v:"required"`
	Until         Date   `json:"until,omitzero"`
}

// minWorkingAge is the minimum working age (Labour Code art. 46.4, 249).
const minWorkingAge = 15

func (p *YouthEmployment) check(c *checker, path string) {
	c.minAge(join(path, "since"), p.Since, minWorkingAge)
	c.order(join(path, "since"), p.Since, join(path, "until"), p.Until)
	if p.Status == "employed" && p.Workplace == "" {
		c.add(join(path, "workplace"), "required")
	}
}

var (
	CatPensionBenefits = register(Category{
		Code: "pension_benefits", Clause: "4.1.14", Class: Social, Bit: 16,
		Title:   i18n.T("Əmək pensiyası və sosial müavinətlər", "Labour pension and social benefits", "Трудовая пенсия и социальные пособия"),
		Senders: []string{OrgLabour},
	}, PensionBenefit{}, PensionBenefit{
		Kind: "benefit", BenefitType: "disability_child", Amount: MustMoney("200.00"), AssignedOn: MustDate("2023-08-01"),
		Recipient: "mother", Disability: &Disability{Percent: 45, Degree: "degree_3", EstablishedOn: MustDate("2023-07-11")},
	}, PensionBenefit{
		Kind: "pension", PensionType: "survivor", Amount: MustMoney("185.40"), AssignedOn: MustDate("2021-03-01"), Recipient: "guardian",
	})

	CatAlimony = register(Category{
		Code: "alimony", Clause: "4.1.15", Class: Social, Bit: 17,
		Title:   i18n.T("Aliment", "Alimony", "Алименты"),
		Senders: []string{OrgJustice},
	}, Alimony{}, Alimony{
		PayerFIN: "2HJ7K9L", PayerName: PersonName{Given: "Vüqar", Family: "Məmmədov", Patronymic: "Rəşid oğlu"},
		Share: "1/4", AssignedOn: MustDate("2020-03-01"),
		Decision: Act{Body: "Quba rayon məhkəməsi", Number: "2-1/512", Date: MustDate("2020-02-03")},
	})

	CatTargetedSocialAssistance = register(Category{
		Code: "targeted_social_assistance", Clause: "4.1.16", Class: Social, Bit: 18,
		Title:   i18n.T("Ünvanlı dövlət sosial yardımı", "Targeted state social assistance", "Адресная государственная социальная помощь"),
		Senders: []string{OrgLabour},
	}, TargetedSocialAssistance{}, TargetedSocialAssistance{
		Application: "ÜSY-2025-0048127", Amount: MustMoney("312.50"), FamilySize: 5,
		Start: MustDate("2025-04-01"), End: MustDate("2026-03-31"),
	})

	CatSocialServices = register(Category{
		Code: "social_services", Clause: "4.1.17", Class: Social, Bit: 19,
		Title:   i18n.T("Sosial xidmətlər", "Social services", "Социальные услуги"),
		Senders: []string{OrgLabour},
	}, SocialService{}, SocialService{
		Type: "day_care", Reason: "Əlilliyi olan uşağın gündüz qulluğu", Provider: "DOST Mərkəzi №1",
		Recipient: "child", Start: MustDate("2024-01-15"),
	})

	CatYouthEmployment = register(Category{
		Code: "youth_employment", Clause: "4.1.18", Class: Social, Bit: 20,
		Title:   i18n.T("15 yaşdan yuxarı uşağın məşğulluğu", "Employment of a child over 15", "Занятость ребёнка старше 15 лет"),
		Senders: []string{OrgLabour},
	}, YouthEmployment{}, YouthEmployment{
		Status: "employed", Workplace: "Bravo supermarketlər şəbəkəsi", WorkplaceVOEN: "1401555071",
		Position: "Kassir köməkçisi", Since: MustDate("2025-07-01"),
	})
)
