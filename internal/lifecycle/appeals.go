package lifecycle

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/store"
)

// Holidays returns the public holidays of the years: those the program
// knows, with the operator's additions and without the days the operator
// removed.
func Holidays(ctx context.Context, st *store.Store, years ...int) ([]Holiday, error) {
	changes, err := st.HolidayChanges(ctx)
	if err != nil {
		return nil, err
	}
	byDay := map[category.Date]Holiday{}
	for _, y := range years {
		for _, h := range DefaultHolidays(y) {
			byDay[h.Day] = h
		}
	}
	for _, c := range changes {
		d, err := category.ParseDate(c.Day)
		if err != nil || !slices.Contains(years, d.Year) {
			continue
		}
		if c.Removed {
			delete(byDay, d)
		} else {
			byDay[d] = Holiday{Day: d, Name: i18n.T(c.NameAZ, c.NameEN, c.NameRU)}
		}
	}
	out := make([]Holiday, 0, len(byDay))
	for _, h := range byDay {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Holiday) int { return strings.Compare(a.Day.String(), b.Day.String()) })
	return out, nil
}

// AppealDeadline is the default time to answer an appeal, in working days
// (§4.2.5); the operator may change it (params).
const AppealDeadline = 15

// RegisteredAppeal is an appeal of the register with its deadline.
type RegisteredAppeal struct {
	FactID     int64
	ChildID    int64
	Body       string // the participant that registered it
	SourceID   string
	Kind       string
	ReceivedOn category.Date
	Status     string
	Due        category.Date
	Overdue    bool
	DaysOver   int // working days past the deadline
}

// Open reports whether an appeal still awaits its answer.
func (a RegisteredAppeal) Open() bool { return a.Status == "received" || a.Status == "in_proceedings" }

// Register returns the appeals of the register (of one body, or all when
// body is ""), each with its deadline — the one it was given, else the
// given number of working days after it was received — and whether it is
// overdue on today: still open after its deadline.
func Register(ctx context.Context, st *store.Store, body string, workingDays int, today category.Date) ([]RegisteredAppeal, error) {
	recs, err := st.CurrentRecords(ctx, category.CatAppeals.Code, body)
	if err != nil {
		return nil, err
	}
	years := []int{today.Year - 1, today.Year, today.Year + 1}
	hs, err := Holidays(ctx, st, years...)
	if err != nil {
		return nil, err
	}
	cal := NewCalendar(hs)
	out := []RegisteredAppeal{}
	for _, r := range recs {
		var p category.Appeal
		if json.Unmarshal(r.Payload, &p) != nil {
			continue
		}
		a := RegisteredAppeal{FactID: r.FactID, ChildID: r.ChildID, Body: r.Sender, SourceID: r.SourceID, Kind: p.Kind,
			ReceivedOn: p.ReceivedOn, Status: p.Status, Due: p.DueOn}
		if a.Due.IsZero() {
			a.Due = cal.AddWorkingDays(p.ReceivedOn, workingDays)
		}
		if a.Open() && a.Due.Before(today) {
			a.Overdue = true
			for d := a.Due; d.Before(today); d = d.AddDays(1) {
				if cal.Working(d.AddDays(1)) {
					a.DaysOver++
				}
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// OverdueDigest tells each body with overdue appeals, by e-mail to its
// address, how many are overdue: once a day, whichever server runs it
// first. It returns how many bodies it told.
func OverdueDigest(ctx context.Context, st *store.Store, workingDays int, today category.Date) (int, error) {
	first, err := st.DigestOnce(ctx, today.String())
	if err != nil || !first {
		return 0, err
	}
	reg, err := Register(ctx, st, "", workingDays, today)
	if err != nil {
		return 0, err
	}
	count := map[string]int{}
	for _, a := range reg {
		if a.Overdue {
			count[a.Body]++
		}
	}
	var mails []store.Mail
	for body, n := range count {
		email, err := st.ParticipantEmail(ctx, body)
		if err != nil {
			return 0, err
		}
		if email == "" {
			continue
		}
		mails = append(mails, store.Mail{To: email, Subject: fmt.Sprintf("[Data Bank] %d appeals overdue", n),
			Body: fmt.Sprintf("%d appeals registered by your organisation are past their deadline on %s.\n\nSee the register: /appeals\n", n, today)})
	}
	slices.SortFunc(mails, func(a, b store.Mail) int { return strings.Compare(a.To, b.To) })
	return len(mails), st.QueueMail(ctx, mails)
}
