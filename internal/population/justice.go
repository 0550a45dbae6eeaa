package population

import (
	"fmt"

	"github.com/scfwca/databank/internal/category"
)

// Rates of offences and appeals.
const (
	offenceRate = 0.003 // of 14–17-year-olds, an offence on record
	victimRate  = 0.002 // children with an offence against them on record
	appealRate  = 0.012 // children with an appeal about them
)

// Criminal Code articles: the grave offences a child answers for from 14
// (art. 20.2), the others from 16, and offences against children.
var (
	offencesFrom14 = []string{"177.1", "177.2.1", "180.1", "182.1", "221.2", "126.1", "127.1", "186.1"}
	offencesFrom16 = []string{"178.1", "234.1", "264.1", "221.1", "177.1", "177.2.1"}
	againstInfant  = []string{"126.1", "127.1", "128", "133.1"}
	againstChild   = []string{"127.1", "128", "132", "133.1", "152", "153", "171.1"}
	againstTeen    = []string{"127.1", "128", "132", "144-1.1", "150.1", "152", "171.1"}
)

// justiceRecords are offences by the child (only from 14) and against it.
func (g *gen) justiceRecords(c *child) {
	if fourteen := c.birth.AddYears(14); fourteen.Before(g.last) && g.chance(offenceRate) {
		g.offence(c, fourteen)
	}
	if c.birth.Before(g.last.AddDays(-40)) && g.chance(victimRate) {
		g.victim(c)
	}
}

// offence is an offence the child committed at 14 or later, the decision
// on it and, where the court so decided, the educational measure.
func (g *gen) offence(c *child, fourteen category.Date) {
	f := c.fam
	on := g.between(later(fourteen, g.last.AddYears(-2)), g.last)
	articles := offencesFrom14
	if c.birth.AgeOn(on) >= 16 {
		articles = offencesFrom16
	}
	o := category.OffenceByChild{Article: pick(g, articles...), OffenceDate: on, RegisteredBy: f.place.police(), Decision: "under_investigation"}
	if ready := on.AddDays(30); !ready.After(g.last) && on.Before(g.last.AddDays(-90)) {
		o.Decision = pick(g, "case_dismissed", "educational_measures", "educational_measures", "educational_measures",
			"convicted_suspended", "convicted_suspended", "convicted_fine", "convicted_custodial", "released_amnesty")
		o.DecisionDate = g.between(ready, g.upTo(on.AddDays(180)))
		if o.Decision != "case_dismissed" {
			o.Court = f.place.court()
		}
	}
	if o.Decision == "convicted_custodial" {
		o.Institution = "Yetkinlik yaşına çatmayanlar üçün tərbiyə müəssisəsi"
		o.SentenceStart = g.upTo(o.DecisionDate.AddDays(g.r.IntN(10)))
		o.SentenceEnd = o.SentenceStart.AddDays(365 + g.r.IntN(3*365))
	}
	eff := later(on, o.DecisionDate)
	sender := "internal_affairs"
	if o.Court != "" && g.chance(0.5) {
		sender = "justice"
	}
	g.add(category.CatOffencesByChild, sender, c, eff, o)
	if o.Decision != "educational_measures" {
		return
	}
	m := category.EducationalMeasure{
		Measure: pick(g, "warning", "transfer_to_parents_supervision", "transfer_to_parents_supervision",
			"obligation_to_make_amends", "leisure_restriction", "special_closed_institution"),
		Decision: category.Act{Body: o.Court, Number: fmt.Sprintf("1(%03d)-%d/%d", 100+g.r.IntN(60), 1+g.r.IntN(900), o.DecisionDate.Year), Date: o.DecisionDate},
		Start:    g.upTo(o.DecisionDate.AddDays(1 + g.r.IntN(10))),
	}
	m.End = m.Start.AddDays(180 + g.r.IntN(365))
	if m.Measure == "special_closed_institution" {
		m.Institution = "Xüsusi təlim-tərbiyə müəssisəsi (qapalı tipli)"
	}
	g.add(category.CatEducationalMeasures, "justice", c, m.Start, m)
}

// victim is an offence against the child, and the help given after it.
func (g *gen) victim(c *child) {
	f := c.fam
	on := g.between(later(c.birth.AddDays(30), g.last.AddYears(-3)), g.last.AddDays(-1))
	articles := againstInfant
	switch age := c.birth.AgeOn(on); {
	case age >= 14:
		articles = againstTeen
	case age >= 6:
		articles = againstChild
	}
	registered := g.upTo(on.AddDays(g.r.IntN(10)))
	o := category.OffenceAgainstChild{
		RegisteringBody: f.place.police(), RegisteredOn: registered, OffenceDate: on, Article: pick(g, articles...),
		Decision:            "under_investigation",
		WithheldFromParents: g.chance(0.25),
		Measures: pick(g, "Uşaq psixoloji yardım üçün Uşaq və Ailəyə Dəstək Mərkəzinə yönləndirilib",
			"Uşaq müvəqqəti olaraq qohumlarına verilib", "Təqsirləndirilən şəxs barəsində həbs qətimkan tədbiri seçilib"),
	}
	if ready := registered.AddDays(20); !ready.After(g.last) && registered.Before(g.last.AddDays(-60)) {
		o.Decision = pick(g, "case_dismissed", "convicted_custodial", "convicted_custodial", "convicted_suspended", "convicted_fine")
		o.DecisionDate = g.between(ready, g.upTo(registered.AddDays(200)))
	}
	sender := "internal_affairs"
	if !o.DecisionDate.IsZero() && g.chance(0.4) {
		sender = "justice"
		o.RegisteringBody = f.place.court()
	}
	g.add(category.CatOffencesAgainstChild, sender, c, later(registered, o.DecisionDate), o)
	if g.chance(0.6) {
		start := g.upTo(registered.AddDays(1 + g.r.IntN(14)))
		g.add(category.CatSocialServices, "labour", c, start, category.SocialService{
			Type: pick(g, "psychological_support", "violence_victim_rehabilitation"), Reason: "Uşağa qarşı törədilmiş hüquqpozmadan sonra dəstək",
			Provider: "Uşaq və Ailəyə Dəstək Mərkəzi", Recipient: "child", Start: start,
		})
	}
}

// appealBodies are the bodies an appeal about a child reaches, with what
// people write to each.
var appealBodies = []struct {
	sender, body string
	summaries    []string
}{
	{"operator", "Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi", []string{"Uşağın hüquqlarının pozulması barədə şikayət", "Ailədaxili münaqişə ilə bağlı müraciət"}},
	{"education", "Elm və Təhsil Nazirliyi", []string{"Uşağın məktəbə qəbulu ilə bağlı problem", "İnklüziv təhsilin təşkili xahişi", "Məktəbdə zorakılıq barədə şikayət"}},
	{"labour", "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi", []string{"Ünvanlı dövlət sosial yardımının təyin edilməsi xahişi", "Aliment ödənilməməsi barədə şikayət", "Əlilliyə görə müavinətin təyini"}},
	{"internal_affairs", "Daxili İşlər Nazirliyi", []string{"Uşağın şəxsiyyət vəsiqəsinin alınması ilə bağlı müraciət", "Uşağa qarşı zorakılıq barədə məlumat"}},
	{"health", "Səhiyyə Nazirliyi", []string{"Tibbi xidmətlə bağlı şikayət", "Uşağın müalicəsinə yardım xahişi"}},
	{"commission", "", []string{"Yeniyetmənin davranışı ilə bağlı valideyn müraciəti", "Uşağın təhsildən yayınması barədə məlumat"}},
}

// appeals are the appeals about the child to a state body.
func (g *gen) appeals(c *child) {
	if !g.chance(appealRate) {
		return
	}
	f := c.fam
	b := pick(g, appealBodies...)
	sender, body := b.sender, b.body
	if sender == "commission" {
		sender, body = "commission."+f.place.code, f.place.commission()
	}
	received := g.between(later(c.birth, g.last.AddYears(-2)), g.last)
	var alive []*person
	if f.motherRec.DeathDate.IsZero() {
		alive = append(alive, f.mother, f.mother)
	}
	if f.fatherRec.DeathDate.IsZero() {
		alive = append(alive, f.father)
	}
	if len(alive) == 0 {
		alive = append(alive, g.newAdult("female", "", f.mother.birth.AddYears(-25), f.place.region)) // a grandmother
	}
	applicant := pick(g, alive...)
	a := category.Appeal{
		Kind: pick(g, "appeal", "complaint", "complaint", "request", "request", "proposal"), ReceivedOn: received, ReceivingBody: body,
		Applicant: category.Applicant{Name: applicant.name, FIN: applicant.fin, Phone: applicant.phone},
		Summary:   pick(g, b.summaries...), DueOn: received.AddDays(30),
	}
	if received.After(g.last.AddDays(-30)) {
		a.Status = pick(g, "received", "in_proceedings")
	} else {
		a.Status = pick(g, "answered", "answered", "closed", "forwarded", "in_proceedings")
	}
	if a.Status != "received" && a.Status != "forwarded" {
		started := g.upTo(received.AddDays(g.r.IntN(4)))
		a.Proceedings = &category.Proceedings{StartedOn: started, ResponsibleBody: body}
		if a.Status != "in_proceedings" {
			a.Proceedings.Decisions = []category.Decision{{
				Date: g.upTo(started.AddDays(3 + g.r.IntN(22))), Text: "Müraciətə baxılıb, ərizəçiyə cavab verilib",
			}}
		}
	}
	g.add(category.CatAppeals, sender, c, received, a)
}
