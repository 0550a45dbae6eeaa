package category

import (
	"fmt"

	"github.com/scfwca/databank/internal/i18n"
)

// Justice: offences by and against the child, compulsory educational
// measures, and appeals about the child (§4.1.21–4.1.23, §4.2.5).

// minCriminalAge is the age of criminal responsibility for the grave
// offences of Criminal Code art. 20.2; no offence record is plausible
// before it.
const minCriminalAge = 14

// OffenceByChild is an offence committed by the child.
type OffenceByChild struct {
	Article       string `json:"article" v:"required,article"` // Criminal Code article, e.g. 177.2.1
	OffenceDate   Date   `json:"offence_date" v:"required"`
	RegisteredBy  string `json:"registered_by" v:"required,max=300"`
	Decision      string `json:"decision" v:"required,class=offence_decision"`
	DecisionDate  Date   `json:"decision_date,omitzero"`
	Court         string `json:"court,omitzero" v:"max=300"`
	Institution   string `json:"institution,omitzero" v:"max=300"`
	SentenceStart Date   `json:"sentence_start,omitzero"`
	SentenceEnd   Date   `json:"sentence_end,omitzero" v:"future"`
}

func (p *OffenceByChild) check(c *checker, path string) {
	c.minAge(join(path, "offence_date"), p.OffenceDate, minCriminalAge)
	c.order(join(path, "offence_date"), p.OffenceDate, join(path, "decision_date"), p.DecisionDate)
	c.order(join(path, "offence_date"), p.OffenceDate, join(path, "sentence_start"), p.SentenceStart)
	c.order(join(path, "sentence_start"), p.SentenceStart, join(path, "sentence_end"), p.SentenceEnd)
	if p.Decision != "under_investigation" && p.DecisionDate.IsZero() {
		c.add(join(path, "decision_date"), "required")
	}
}

// EducationalMeasure is a compulsory educational measure applied to the
// child, including placement in a closed special institution.
type EducationalMeasure struct {
	Measure     string `json:"measure" v:"required,class=educational_measure"`
	Decision    Act    `json:"decision" v:"required"`
	Institution string `json:"institution,omitzero" v:"max=300"`
	Start       Date   `json:"start" v:"required"`
	End         Date   `json:"end,omitzero" v:"future"`
}

// minMeasureAge is the youngest age at which the commissions on minors
// apply compulsory educational measures.
const minMeasureAge = 11

func (p *EducationalMeasure) check(c *checker, path string) {
	c.minAge(join(path, "start"), p.Start, minMeasureAge)
	c.order(join(path, "decision.date"), p.Decision.Date, join(path, "start"), p.Start)
	c.order(join(path, "start"), p.Start, join(path, "end"), p.End)
	if p.Measure == "special_closed_institution" && p.Institution == "" {
		c.add(join(path, "institution"), "required")
	}
}

// OffenceAgainstChild is an offence committed against the child.
type OffenceAgainstChild struct {
	RegisteringBody string `json:"registering_body" v:"required,max=300"`
	RegisteredOn    Date   `json:"registered_on" v:"required"`
	OffenceDate     Date   `json:"offence_date,omitzero"`
	Article         string `json:"article" v:"required,article"`
	Decision        string `json:"decision" v:"required,class=offence_decision"`
	DecisionDate    Date   `json:"decision_date,omitzero"`
	Measures        string `json:"measures,omitzero" v:"max=2000"`
	// WithheldFromParents hides the record from the child's parents, for
	// example when a parent is a suspect.
	WithheldFromParents bool `json:"withheld_from_parents,omitzero"`
}

func (p *OffenceAgainstChild) check(c *checker, path string) {
	c.afterBirth(join(path, "offence_date"), p.OffenceDate)
	c.order(join(path, "offence_date"), p.OffenceDate, join(path, "registered_on"), p.RegisteredOn)
	c.order(join(path, "registered_on"), p.RegisteredOn, join(path, "decision_date"), p.DecisionDate)
}

// Applicant is the person who made an appeal.
type Applicant struct {
	Name  PersonName `json:"name" v:"required"`
	FIN   string     `json:"fin,omitzero" v:"fin"`
	Phone string     `json:"phone,omitzero" v:"phone"`
}

// Decision is one decision taken in an appeal's proceedings.
type Decision struct {
	Date Date   `json:"date" v:"required"`
	Text string `json:"text" v:"required,max=2000"`
}

// Proceedings are what a body did about an appeal.
type Proceedings struct {
	StartedOn       Date       `json:"started_on" v:"required"`
	ResponsibleBody string     `json:"responsible_body" v:"required,max=300"`
	Decisions       []Decision `json:"decisions,omitzero" v:"max=50"`
}

// Appeal is an appeal about the child to a state body, entered the day it
// is received (§4.2.5).
type Appeal struct {
	Kind          string       `json:"kind" v:"required,class=appeal_kind"`
	ReceivedOn    Date         `json:"received_on" v:"required"`
	ReceivingBody string       `json:"receiving_body" v:"required,max=300"`
	Applicant     Applicant    `json:"applicant" v:"required"`
	Summary       string       `json:"summary" v:"required,max=4000"`
	Status        string       `json:"status" v:"required,class=appeal_status"`
	DueOn         Date         `json:"due_on,omitzero" v:"future"`
	Proceedings   *Proceedings `json:"proceedings,omitzero"`
}

func (p *Appeal) check(c *checker, path string) {
	c.order(join(path, "received_on"), p.ReceivedOn, join(path, "due_on"), p.DueOn)
	if pr := p.Proceedings; pr != nil {
		c.order(join(path, "received_on"), p.ReceivedOn, join(path, "proceedings.started_on"), pr.StartedOn)
		for i, d := range pr.Decisions {
			c.order(join(path, "proceedings.started_on"), pr.StartedOn, join(path, "proceedings.decisions")+fmt.Sprintf("[%d].date", i), d.Date)
		}
	}
	if p.Status == "in_proceedings" && p.Proceedings == nil {
		c.add(join(path, "proceedings"), "required")
	}
}

var (
	CatOffencesByChild = register(Category{
		Code: "offences_by_child", Clause: "4.1.21", Class: Justice, Bit: 23,
		Title:   i18n.T("Uşağın törətdiyi hüquqpozmalar", "Offences by the child", "Правонарушения, совершённые ребёнком"),
		Senders: []string{OrgInternalAffairs, OrgJustice},
	}, OffenceByChild{}, OffenceByChild{
		Article: "177.2.1", OffenceDate: MustDate("2025-04-02"), RegisteredBy: "Nərimanov rayon Polis İdarəsi",
		Decision: "educational_measures", DecisionDate: MustDate("2025-06-18"), Court: "Nərimanov rayon məhkəməsi",
	})

	CatEducationalMeasures = register(Category{
		Code: "educational_measures", Clause: "4.1.22", Class: Justice, Bit: 24,
		Title:   i18n.T("Məcburi tərbiyəvi tədbirlər", "Compulsory educational measures", "Принудительные меры воспитательного воздействия"),
		Senders: []string{OrgJustice},
	}, EducationalMeasure{}, EducationalMeasure{
		Measure:  "transfer_to_parents_supervision",
		Decision: Act{Body: "Nərimanov rayon məhkəməsi", Number: "1(101)-233/2025", Date: MustDate("2025-06-18")},
		Start:    MustDate("2025-06-20"), End: MustDate("2026-06-20"),
	})

	CatOffencesAgainstChild = register(Category{
		Code: "offences_against_child", Clause: "4.1.23", Class: Justice, Bit: 25,
		Title:   i18n.T("Uşağa qarşı törədilmiş hüquqpozmalar", "Offences against the child", "Правонарушения против ребёнка"),
		Senders: []string{OrgInternalAffairs, OrgJustice},
	}, OffenceAgainstChild{}, OffenceAgainstChild{
		RegisteringBody: "Xətai rayon Polis İdarəsi", RegisteredOn: MustDate("2025-01-09"), OffenceDate: MustDate("2025-01-08"),
		Article: "126.1", Decision: "under_investigation", Measures: "Uşaq müvəqqəti olaraq qohumlarına verilib",
		WithheldFromParents: true,
	})

	CatAppeals = register(Category{
		Code: "appeals", Clause: "4.2.5", Class: Family, Bit: 30,
		Title:   i18n.T("Uşaqla bağlı müraciətlər", "Appeals about the child", "Обращения, касающиеся ребёнка"),
		Senders: []string{OrgAny},
	}, Appeal{}, Appeal{
		Kind: "complaint", ReceivedOn: MustDate("2025-10-01"), ReceivingBody: "Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi",
		Applicant: Applicant{Name: PersonName{Given: "Günay", Family: "Həsənova"}, FIN: "4PQ7R2S", Phone: "+994702223344"},
		Summary:   "Uşağın məktəbə qəbulu ilə bağlı problem", Status: "in_proceedings",
		Proceedings: &Proceedings{StartedOn: MustDate("2025-10-01"), ResponsibleBody: "Bakı Şəhər Təhsil İdarəsi",
			Decisions: []Decision{{Date: MustDate("2025-10-10"), Text: "Uşaq 20 nömrəli məktəbə qəbul edilib"}}},
	})
)
