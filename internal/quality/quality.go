// Package quality measures how well each participant keeps its duty to
// send complete and timely data (regulation §7.1.3): how long after a
// record's effective date it reaches the Data Bank, which children lack
// a category the participant is competent to send, and how many of its
// records the exchange rejected, and why. Everything is computed from the
// facts, profiles and batches already stored: aggregate counts, no
// personal data.
package quality

import (
	"fmt"
	"slices"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// Periods are the windows a reader may choose, in days; Default is the
// one shown first.
var Periods = []int{30, 90, 365}

// Default is the period shown when none is asked for.
const Default = 90

// TimelyDays is the delay up to which a record counts as timely.
const TimelyDays = 3

var msgPeriod = i18n.T("Dövr 30, 90 və ya 365 gün ola bilər", "The period is 30, 90 or 365 days", "Период: 30, 90 или 365 дней")

// ParsePeriod reads the period in days from a query parameter; "" is the
// default.
func ParsePeriod(s string) (int, error) {
	if s == "" {
		return Default, nil
	}
	for _, p := range Periods {
		if s == fmt.Sprint(p) {
			return p, nil
		}
	}
	return 0, fault.E("quality.ParsePeriod", fault.Invalid, msgPeriod,
		fault.FieldError{Field: "period", Code: "one_of", Message: msgPeriod})
}

// Since is the first instant of a period ending at now.
func Since(now time.Time, days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }

// Rule says which children are expected to have a category: those aged
// MinAge to MaxAge (whole years on the day of the check), with a current
// record of it, taking effect within the last WithinMonths months when
// that is set. The participants competent to send the category answer
// for the children who lack it.
type Rule struct {
	Code         string
	Title        i18n.Text
	Category     string
	MinAge       int
	MaxAge       int
	WithinMonths int
}

// Rules is the table of completeness rules.
var Rules = []Rule{
	{
		Code: "schooling", Category: "schooling", MinAge: 6, MaxAge: 17,
		Title: i18n.T("6–17 yaşlı uşaq, təhsil (məktəb) qeydi yoxdur",
			"Child aged 6–17 with no schooling record",
			"Ребёнок 6–17 лет без записи об обучении"),
	},
	{
		Code: "health_checkup", Category: "health_checkup", MinAge: 0, MaxAge: 17, WithinMonths: 12,
		Title: i18n.T("18 yaşadək uşaq, son 12 ayda tibbi müayinə yoxdur",
			"Child under 18 with no health check-up in the last 12 months",
			"Ребёнок до 18 лет без медосмотра за последние 12 месяцев"),
	},
	{
		Code: "medical_registration", Category: "medical_registration", MinAge: 0, MaxAge: 17,
		Title: i18n.T("18 yaşadək uşaq, tibb müəssisəsində qeydiyyatı yoxdur",
			"Child under 18 not registered with a medical facility",
			"Ребёнок до 18 лет без прикрепления к медицинскому учреждению"),
	},
}

// BornBy is the latest birth date of a child who is at least age years
// old on day on: the day age years before, counting a 29 February
// birthday on 28 February in a common year as category.Date.AgeOn does.
func BornBy(on category.Date, age int) category.Date {
	d := on.AddYears(-age)
	if on.Month == time.February && on.Day == 28 && d.Day == 28 && isLeap(d.Year) && !isLeap(on.Year) {
		d.Day = 29
	}
	return d
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// Bounds are the birth dates of the children a rule applies to on a day:
// born after After and on or before By.
func (r Rule) Bounds(on category.Date) (after, by category.Date) {
	return BornBy(on, r.MaxAge+1), BornBy(on, r.MinAge)
}

// Since is the earliest effective date a record must have to count, or
// the zero date when any record counts.
func (r Rule) Since(on category.Date) category.Date {
	if r.WithinMonths == 0 {
		return category.Date{}
	}
	return category.DateOf(on.Time().AddDate(0, -r.WithinMonths, 0))
}

// Competent returns the codes of the participants that may send the
// rule's category, among those given (code → the categories it may send).
func (r Rule) Competent(sends map[string][]string) []string {
	var out []string
	for code, cats := range sends {
		if slices.Contains(cats, r.Category) {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

// Scope is what a reader may see of the quality pages.
type Scope struct {
	All bool   // every participant (the operator's view)
	Own string // else only this participant's page; "" for none
}

var msgNotYours = i18n.T(
	"Məlumat keyfiyyəti səhifəsində yalnız öz təşkilatınızın göstəricilərinə baxa bilərsiniz",
	"You may see the data quality figures of your own organisation only",
	"Вы можете видеть показатели качества данных только своей организации")

var msgNoQuality = i18n.T(
	"Məlumat keyfiyyəti səhifələri operatora və iştirakçıların əməkdaşlarına açıqdır",
	"The data quality pages are open to the operator and to participants' staff",
	"Страницы качества данных открыты оператору и сотрудникам участников")

// ScopeOf is what a subject may see: the operator's administrators and
// analysts and the evaluator see every participant; a participant's head,
// officers and a commission's members see their own organisation; no one
// else sees any.
func ScopeOf(s access.Subject) Scope {
	switch s.Role {
	case access.OperatorAdmin, access.OperatorAnalyst, access.Evaluator:
		return Scope{All: true}
	case access.OrgHead, access.OrgOfficer, access.CommissionMember:
		if s.Org != nil && !s.Suspended {
			return Scope{Own: s.Org.Code}
		}
	}
	return Scope{}
}

// MaySee checks that a subject may see a participant's page (org) or,
// with org "", the table of all; the error says why not.
func MaySee(s access.Subject, org string) error {
	sc := ScopeOf(s)
	switch {
	case sc.All:
		return nil
	case sc.Own == "":
		return fault.E("quality.MaySee", fault.Forbidden, msgNoQuality)
	case org != sc.Own:
		return fault.E("quality.MaySee", fault.Forbidden, msgNotYours)
	}
	return nil
}

var msgNoParticipant = i18n.T("Belə iştirakçı yoxdur", "There is no such participant", "Такого участника нет")

func errNoParticipant(code string) error {
	return fault.E("quality.Compute", fault.NotFound, fmt.Errorf("no participant %q", code), msgNoParticipant)
}
