package signals

import (
	"fmt"
	"strings"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/profile"
)

// def is a rule the package knows how to decide: its code, its defaults
// and its check. A check returns the facts it rests on and its reason when
// the rule holds for the child.
type def struct {
	code        string
	name        i18n.Text
	responsible string
	months      int // the default period; 0 for a rule without one
	check       func(c *child, r Rule) (finding, bool)
}

func (d def) rule() Rule {
	return Rule{Code: d.code, Name: d.name, Enabled: true, Responsible: d.responsible, Months: d.months}
}

// defs are the known rules in their default order.
var defs = []def{
	{
		code:        SchoolAgeNoSchooling,
		name:        i18n.T("Məktəb yaşlı uşaq təhsil almır", "School-age child not in school", "Ребёнок школьного возраста не учится"),
		responsible: category.OrgEducation,
		check:       schoolAgeNoSchooling,
	},
	{
		code:        NoHealthCheckup,
		name:        i18n.T("Tibbi müayinədən keçməyib", "No recent health check-up", "Нет недавнего медицинского осмотра"),
		responsible: category.OrgHealth,
		months:      12,
		check:       noHealthCheckup,
	},
	{
		code:        MinorMother,
		name:        i18n.T("Azyaşlı ana", "Minor mother", "Несовершеннолетняя мать"),
		responsible: responsibleCommission,
		check:       minorMother,
	},
	{
		code: UnaccompaniedMinor,
		name: i18n.T("Müşayiətsiz azyaşlı", "Unaccompanied minor", "Несопровождаемый несовершеннолетний"),
		// The State Migration Service: it sends the category (with
		// internal affairs, whose police find the child) and it is the
		// body that acts on what the category records of a child found
		// without a parent or guardian — the country of origin, family
		// tracing and repatriation, the child's legal status. The police
		// already hold the case; the operator may route the signal to the
		// commission instead.
		responsible: category.OrgMigration,
		check:       unaccompaniedMinor,
	},
	{
		code: TSAParentsUnemployed,
		name: i18n.T("Ünvanlı sosial yardım alan ailədə valideynlər işləmir",
			"Family on targeted assistance, neither parent works",
			"Семья получает адресную помощь, оба родителя не работают"),
		responsible: category.OrgLabour,
		check:       tsaParentsUnemployed,
	},
	{
		code:        OffenceAgainstChild,
		name:        i18n.T("Uşağa qarşı hüquqpozma", "Offence against the child", "Правонарушение против ребёнка"),
		responsible: responsibleCommission,
		check:       offenceAgainstChild,
	},
}

func lookup(code string) (def, bool) {
	for _, d := range defs {
		if d.code == code {
			return d, true
		}
	}
	return def{}, false
}

// School age: children start school at 6 (grade I) and are of school age
// up to and including 17.
const (
	schoolFirstAge = 6
	schoolLastAge  = 17
)

// schoolAgeNoSchooling holds for a child aged 6 to 17 on today with no
// schooling it still attends (a "schooling" fact with no left date, or one
// after today) and no special education programme it still follows (a
// "special_education" fact with no end, or one after today). A child with
// an education document (a basic or full secondary certificate, a
// diploma) has completed compulsory general education and is not flagged.
// A payload that does not decode counts as attending: the rule flags
// absence, not doubt. It cites the birth registration and the schooling
// and programmes that ended.
func schoolAgeNoSchooling(c *child, _ Rule) (finding, bool) {
	if !c.ageKnown || c.age < schoolFirstAge || c.age > schoolLastAge {
		return finding{}, false
	}
	if c.latest("education_documents") != nil {
		return finding{}, false
	}
	var f finding
	var ended category.Date
	for _, x := range c.all("schooling") {
		s, ok := decode[category.Schooling](x)
		if !ok || !c.over(s.Left) {
			return finding{}, false
		}
		f.cite(x)
		ended = later(ended, s.Left)
	}
	for _, x := range c.all("special_education") {
		s, ok := decode[category.SpecialEducation](x)
		if !ok || !c.over(s.End) {
			return finding{}, false
		}
		f.cite(x)
		ended = later(ended, s.End)
	}
	f.cite(c.latest("birth_registration"))
	b, t := dateIn(c.sum.BirthDate), dateIn(c.today)
	f.reason = i18n.T(
		fmt.Sprintf("Uşağın %d yaşı var (doğum tarixi %s), lakin %s tarixinə onun ümumi və ya xüsusi təhsil aldığı barədə qüvvədə olan qeyd yoxdur", c.age, b.az, t.az),
		fmt.Sprintf("The child is %s old (born %s) and on %s has no current record of schooling or special education", enCount(c.age, "year", "years"), b.en, t.en),
		fmt.Sprintf("Ребёнку %s (дата рождения %s), но на %s нет действующей записи об обучении в школе или о специальном образовании", ruCount(c.age, "год", "года", "лет"), b.ru, t.ru),
	)
	if !ended.IsZero() {
		e := dateIn(ended)
		f.reason = i18n.T(
			f.reason.AZ+"; sonuncu qeyd "+e.az+" tarixində bitib",
			f.reason.EN+"; the last one ended on "+e.en,
			f.reason.RU+"; последняя закончилась "+e.ru,
		)
	}
	f.reason = sentence(f.reason)
	return f, true
}

// checkupMinAge is the age from which a child is expected to have had a
// check-up in every period.
const checkupMinAge = 1

// noHealthCheckup holds for a child aged 1 or more on today whose latest
// health check-up took place before the day r.Months months before today,
// or who has none. A check-up's day is the payload's date, else the fact's
// effective date; one exactly r.Months months ago still counts. It cites
// the latest check-up, or failing one the latest medical registration.
func noHealthCheckup(c *child, r Rule) (finding, bool) {
	if !c.ageKnown || c.age < checkupMinAge {
		return finding{}, false
	}
	since := addMonths(c.today, -r.Months)
	var last *profile.Fact
	var lastOn category.Date
	for _, x := range c.all("health_checkup") {
		on := x.EffectiveDate
		if h, ok := decode[category.HealthCheckup](x); ok && !h.Date.IsZero() {
			on = h.Date
		}
		if !on.Before(since) {
			return finding{}, false
		}
		if last == nil || !on.Before(lastOn) {
			last, lastOn = x, on
		}
	}
	var f finding
	t := dateIn(c.today)
	if last != nil {
		f.cite(last)
		l := dateIn(lastOn)
		f.reason = i18n.T(
			fmt.Sprintf("Son tibbi müayinə %s tarixində keçirilib — %s tarixindən %d aydan çox əvvəl.", l.az, t.az, r.Months),
			fmt.Sprintf("The last health check-up on record was on %s, more than %s before %s.", l.en, enCount(r.Months, "month", "months"), t.en),
			fmt.Sprintf("Последний медицинский осмотр проведён %s — более чем за %s до %s.", l.ru, ruCount(r.Months, "месяц", "месяца", "месяцев"), t.ru),
		)
		return f, true
	}
	f.cite(c.latest("medical_registration"))
	f.reason = i18n.T(
		fmt.Sprintf("Uşağın heç bir tibbi müayinə qeydi yoxdur; %s tarixinə onun %d yaşı var.", t.az, c.age),
		fmt.Sprintf("No health check-up is on record for the child, who is %s old on %s.", enCount(c.age, "year", "years"), t.en),
		fmt.Sprintf("У ребёнка нет ни одной записи о медицинском осмотре; на %s ему %s.", t.ru, ruCount(c.age, "год", "года", "лет")),
	)
	return f, true
}

// minorAge is the age below which a mother is a minor.
const minorAge = 18

// minorMother holds when the child is herself a minor mother (a current
// "minor_motherhood" fact: a girl under 18 gave birth, §4.1.19), or when
// the child's mother was under 18 on the child's birth date (the birth
// date of the latest "mother" fact against the summary's birth date). It
// cites the minor-motherhood facts, and the mother fact with the birth
// registration the child's birth date comes from.
func minorMother(c *child, _ Rule) (finding, bool) {
	var f finding
	var clauses []i18n.Text
	var births []dates
	for _, x := range c.all("minor_motherhood") {
		f.cite(x)
		if m, ok := decode[category.MinorMotherhood](x); ok && !m.BabyBirthDate.IsZero() {
			births = append(births, dateIn(m.BabyBirthDate))
		}
	}
	switch {
	case len(births) > 0:
		var az, en, ru []string
		for _, b := range births {
			az, en, ru = append(az, b.az), append(en, b.en), append(ru, b.ru)
		}
		clauses = append(clauses, i18n.T(
			"Qız 18 yaşına çatmamış "+strings.Join(az, ", ")+" tarixində doğum edib (azyaşlı analıq)",
			"The girl gave birth on "+strings.Join(en, ", ")+", before turning 18 (minor motherhood)",
			"Девочка родила "+strings.Join(ru, ", ")+", не достигнув 18 лет (несовершеннолетнее материнство)",
		))
	case len(f.facts) > 0:
		clauses = append(clauses, i18n.T(
			"Qızın 18 yaşına çatmamış doğum etdiyi qeydə alınıb (azyaşlı analıq)",
			"The girl is recorded as having given birth before turning 18 (minor motherhood)",
			"Зарегистрировано, что девочка родила, не достигнув 18 лет (несовершеннолетнее материнство)",
		))
	}
	born := c.sum.BirthDate
	if mf := c.latest("mother"); mf != nil && !born.IsZero() {
		if m, ok := decode[category.Parent](mf); ok && !m.BirthDate.IsZero() && !m.BirthDate.After(born) {
			if age := m.BirthDate.AgeOn(born); age < minorAge {
				f.cite(mf, c.latest("birth_registration"))
				b := dateIn(born)
				clauses = append(clauses, i18n.T(
					fmt.Sprintf("uşaq %s tarixində doğulanda anasının %d yaşı olub", b.az, age),
					fmt.Sprintf("the child's mother was %d when the child was born on %s", age, b.en),
					fmt.Sprintf("когда ребёнок родился (%s), его матери было %s", b.ru, ruCount(age, "год", "года", "лет")),
				))
			}
		}
	}
	if len(clauses) == 0 {
		return finding{}, false
	}
	f.reason = sentence(join(clauses))
	return f, true
}

// unaccompaniedMinor holds for any current "unaccompanied_minor" fact: a
// child found without a parent or guardian needs attention whatever was
// done since. It cites every such fact and tells the latest.
func unaccompaniedMinor(c *child, _ Rule) (finding, bool) {
	var f finding
	for _, x := range c.all("unaccompanied_minor") {
		f.cite(x)
	}
	if len(f.facts) == 0 {
		return finding{}, false
	}
	u, ok := decode[category.UnaccompaniedMinor](c.latest("unaccompanied_minor"))
	if !ok {
		f.reason = i18n.T(
			"Uşaq müşayiətsiz azyaşlı kimi qeydə alınıb.",
			"The child is recorded as an unaccompanied minor.",
			"Ребёнок зарегистрирован как несопровождаемый несовершеннолетний.",
		)
		return f, true
	}
	found := dateIn(u.FoundOn)
	az, en, ru := "", "", ""
	if d, ok := classifier.Districts.Lookup(u.FoundPlace.District); ok {
		az, en, ru = "yer: "+d.Name.AZ+"; ", "place: "+d.Name.EN+"; ", "место: "+d.Name.RU+"; "
	}
	p := name(classifier.UnaccompaniedPlacements, u.Placement)
	f.reason = i18n.T(
		fmt.Sprintf("Uşaq %s tarixində müşayiətsiz tapılıb (%syerləşdirmə: %s).", found.az, az, p.AZ),
		fmt.Sprintf("The child was found unaccompanied on %s (%splacement: %s).", found.en, en, p.EN),
		fmt.Sprintf("Ребёнок найден без сопровождения %s (%sустройство: %s).", found.ru, ru, p.RU),
	)
	return f, true
}

// working are the employment statuses of a parent who works.
var working = map[string]bool{"employed": true, "self_employed": true}

// tsaParentsUnemployed holds when the family receives targeted social
// assistance on today (a "targeted_social_assistance" fact whose start is
// on or before today and whose end is on or after it) and the latest
// "father_employment" and "mother_employment" facts both give a status
// other than employed or self-employed (registered or unregistered
// unemployment, pensioner, student, unable to work). A parent with no
// employment fact is not known to be out of work, so the rule does not
// hold. It cites the assistance and the two employment facts.
func tsaParentsUnemployed(c *child, _ Rule) (finding, bool) {
	var tsa *profile.Fact
	var period *category.TargetedSocialAssistance
	for _, x := range c.all("targeted_social_assistance") {
		a, ok := decode[category.TargetedSocialAssistance](x)
		if ok && !a.Start.After(c.today) && (a.End.IsZero() || !a.End.Before(c.today)) {
			tsa, period = x, a
		}
	}
	if tsa == nil {
		return finding{}, false
	}
	ff, mf := c.latest("father_employment"), c.latest("mother_employment")
	fe, ok1 := decode[category.ParentEmployment](ff)
	me, ok2 := decode[category.ParentEmployment](mf)
	if !ok1 || !ok2 || working[fe.Status] || working[me.Status] {
		return finding{}, false
	}
	var f finding
	f.cite(tsa, ff, mf)
	s, e := dateIn(period.Start), dateIn(period.End)
	fs, ms := name(classifier.EmploymentStatuses, fe.Status), name(classifier.EmploymentStatuses, me.Status)
	f.reason = i18n.T(
		fmt.Sprintf("Ailə ünvanlı dövlət sosial yardımı alır (%s – %s), valideynlərin isə heç biri işləmir (ata: %s; ana: %s).", s.az, e.az, fs.AZ, ms.AZ),
		fmt.Sprintf("The family receives targeted state social assistance (%s – %s) and neither parent works (father: %s; mother: %s).", s.en, e.en, fs.EN, ms.EN),
		fmt.Sprintf("Семья получает адресную государственную социальную помощь (%s – %s), и ни один из родителей не работает (отец: %s; мать: %s).", s.ru, e.ru, fs.RU, ms.RU),
	)
	return f, true
}

// offenceAgainstChild holds for any current "offences_against_child"
// fact. It cites every one and tells the article and registration date of
// the one registered last.
func offenceAgainstChild(c *child, _ Rule) (finding, bool) {
	var f finding
	var last *category.OffenceAgainstChild
	for _, x := range c.all("offences_against_child") {
		f.cite(x)
		if o, ok := decode[category.OffenceAgainstChild](x); ok && (last == nil || !o.RegisteredOn.Before(last.RegisteredOn)) {
			last = o
		}
	}
	n := len(f.facts)
	switch {
	case n == 0:
		return finding{}, false
	case last == nil:
		f.reason = i18n.T(
			"Uşağa qarşı hüquqpozma qeydə alınıb.",
			"An offence against the child is on record.",
			"Зарегистрировано правонарушение против ребёнка.",
		)
	case n == 1:
		r := dateIn(last.RegisteredOn)
		f.reason = i18n.T(
			fmt.Sprintf("Uşağa qarşı hüquqpozma qeydə alınıb (maddə %s, qeydə alınma tarixi %s).", last.Article, r.az),
			fmt.Sprintf("An offence against the child is on record (article %s, registered on %s).", last.Article, r.en),
			fmt.Sprintf("Зарегистрировано правонарушение против ребёнка (статья %s, дата регистрации %s).", last.Article, r.ru),
		)
	default:
		r := dateIn(last.RegisteredOn)
		f.reason = i18n.T(
			fmt.Sprintf("Uşağa qarşı %d hüquqpozma qeydə alınıb; sonuncusu: maddə %s, qeydə alınma tarixi %s.", n, last.Article, r.az),
			fmt.Sprintf("%d offences against the child are on record; the latest: article %s, registered on %s.", n, last.Article, r.en),
			fmt.Sprintf("Зарегистрировано правонарушений против ребёнка: %d; последнее — статья %s, дата регистрации %s.", n, last.Article, r.ru),
		)
	}
	return f, true
}

// later returns the later of two dates.
func later(a, b category.Date) category.Date {
	if b.After(a) {
		return b
	}
	return a
}

// join joins clauses into one, separated by semicolons.
func join(clauses []i18n.Text) i18n.Text {
	var t i18n.Text
	for i, c := range clauses {
		if i > 0 {
			t.AZ, t.EN, t.RU = t.AZ+"; ", t.EN+"; ", t.RU+"; "
		}
		t.AZ, t.EN, t.RU = t.AZ+c.AZ, t.EN+c.EN, t.RU+c.RU
	}
	return t
}

// sentence starts a text with a capital letter and ends it with a full
// stop.
func sentence(t i18n.Text) i18n.Text {
	return i18n.Text{AZ: capital(t.AZ) + ".", EN: capital(t.EN) + ".", RU: capital(t.RU) + "."}
}

func capital(s string) string {
	for _, r := range s {
		return strings.ToUpper(string(r)) + s[len(string(r)):]
	}
	return s
}
