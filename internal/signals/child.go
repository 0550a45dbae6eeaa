package signals

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/profile"
)

// adultAge is the age at which a person is no longer a child and the
// profile is archived (regulation §1.8).
const adultAge = 18

// child is what the checks read of one child: its current facts in the
// order they took effect, its summary and the day of evaluation.
type child struct {
	facts    []profile.Fact // by effective date, then id
	sum      profile.Summary
	today    category.Date
	age      int  // in whole years on today
	ageKnown bool // the summary has a birth date not after today
}

func newChild(facts []profile.Fact, sum profile.Summary, today category.Date) *child {
	c := &child{sum: sum, today: today}
	for _, f := range facts {
		if f.Action != profile.Retract {
			c.facts = append(c.facts, f)
		}
	}
	slices.SortStableFunc(c.facts, func(a, b profile.Fact) int {
		if n := a.EffectiveDate.Compare(b.EffectiveDate); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if b := sum.BirthDate; !b.IsZero() && !b.After(today) {
		c.age, c.ageKnown = b.AgeOn(today), true
	}
	return c
}

// all returns the facts of a category in the order they took effect.
func (c *child) all(code string) []*profile.Fact {
	var out []*profile.Fact
	for i := range c.facts {
		if c.facts[i].Category == code {
			out = append(out, &c.facts[i])
		}
	}
	return out
}

// latest returns the fact of a category that took effect last (the later
// id on the same day), as profile's summary reads it, or nil.
func (c *child) latest(code string) *profile.Fact {
	for i := len(c.facts) - 1; i >= 0; i-- {
		if c.facts[i].Category == code {
			return &c.facts[i]
		}
	}
	return nil
}

// over reports whether a date that ends something (leaving a school, the
// end of a programme) is given and has come by today.
func (c *child) over(end category.Date) bool { return !end.IsZero() && !end.After(c.today) }

// decode reads a fact's payload into the category's struct; a fact that
// is nil or does not decode gives false.
func decode[T any](f *profile.Fact) (*T, bool) {
	if f == nil {
		return nil, false
	}
	var v T
	if err := json.Unmarshal(f.Payload, &v); err != nil {
		return nil, false
	}
	return &v, true
}

// addMonths returns the date n months from d; a day that the target month
// lacks becomes its last day (31 March less one month is 28 or 29
// February).
func addMonths(d category.Date, n int) category.Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return category.Date{Year: first.Year(), Month: first.Month(), Day: min(d.Day, last)}
}
