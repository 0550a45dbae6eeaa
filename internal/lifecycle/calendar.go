package lifecycle

import (
	"sort"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/i18n"
)

// Holiday is a public holiday: a day off besides Saturdays and Sundays.
type Holiday struct {
	Day  category.Date
	Name i18n.Text
}

// fixed are the holidays of the Labour Code (art. 105) that fall on the
// same day every year.
var fixed = []struct {
	month, day, days int
	name             i18n.Text
}{
	{1, 1, 2, i18n.T("Yeni il", "New Year", "Новый год")},
	{3, 8, 1, i18n.T("Qadınlar günü", "Women's Day", "Женский день")},
	{3, 20, 5, i18n.T("Novruz bayramı", "Novruz", "Новруз")},
	{5, 9, 1, i18n.T("Faşizm üzərində qələbə günü", "Victory over Fascism Day", "День победы над фашизмом")},
	{5, 28, 1, i18n.T("Müstəqillik günü", "Independence Day", "День независимости")},
	{6, 15, 1, i18n.T("Milli Qurtuluş günü", "National Salvation Day", "День национального спасения")},
	{6, 26, 1, i18n.T("Silahlı Qüvvələr günü", "Armed Forces Day", "День вооружённых сил")},
	{11, 8, 1, i18n.T("Zəfər günü", "Victory Day", "День Победы")},
	{11, 9, 1, i18n.T("Dövlət Bayrağı günü", "State Flag Day", "День государственного флага")},
	{12, 31, 1, i18n.T("Dünya azərbaycanlılarının həmrəyliyi günü", "Day of Solidarity of World Azerbaijanis", "День солидарности азербайджанцев мира")},
}

// movable are Ramazan and Qurban bayrams, two days each, by the lunar
// calendar: the expected dates, which the operator confirms or corrects
// in the admin panel each year as the government announces them.
var movable = map[int][]string{
	2026: {"2026-03-20", "2026-03-21", "2026-05-27", "2026-05-28"},
	2027: {"2027-03-10", "2027-03-11", "2027-05-16", "2027-05-17"},
}

var bayram = i18n.T("Ramazan / Qurban bayramı", "Ramazan / Qurban Bayram", "Рамазан / Гурбан байрам")

// DefaultHolidays returns the holidays the program knows for a year.
func DefaultHolidays(year int) []Holiday {
	var out []Holiday
	for _, f := range fixed {
		d := time.Date(year, time.Month(f.month), f.day, 0, 0, 0, 0, time.UTC)
		for i := range f.days {
			x := d.AddDate(0, 0, i)
			out = append(out, Holiday{Day: category.Date{Year: x.Year(), Month: x.Month(), Day: x.Day()}, Name: f.name})
		}
	}
	for _, s := range movable[year] {
		out = append(out, Holiday{Day: category.MustDate(s), Name: bayram})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day.Before(out[j].Day) })
	return out
}

// Calendar counts working days: Monday to Friday, but for holidays.
type Calendar struct {
	off map[category.Date]bool
}

// NewCalendar returns the calendar of the given holidays.
func NewCalendar(holidays []Holiday) Calendar {
	c := Calendar{off: map[category.Date]bool{}}
	for _, h := range holidays {
		c.off[h.Day] = true
	}
	return c
}

// Working reports whether a day is a working day.
func (c Calendar) Working(d category.Date) bool {
	wd := d.Time().Weekday()
	return wd != time.Saturday && wd != time.Sunday && !c.off[d]
}

// AddWorkingDays returns the n-th working day after d: the day an answer
// to something received on d is due within n working days.
func (c Calendar) AddWorkingDays(d category.Date, n int) category.Date {
	for n > 0 {
		d = d.AddDays(1)
		if c.Working(d) {
			n--
		}
	}
	return d
}
