package category

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Baku wherever the program runs
)

// Date is a calendar date with no time of day or zone, written YYYY-MM-DD.
// The zero Date means "not given".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a YYYY-MM-DD date and refuses impossible ones (2025-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustDate is ParseDate for literals known to be valid; it panics otherwise.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether the date was not given.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// Time returns midnight UTC at the start of the date.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String formats the date as YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// AddYears returns the date n years later; 29 February becomes 28 February
// in a common year, which is how birthdays are counted.
func (d Date) AddYears(n int) Date {
	y := d.Year + n
	day := d.Day
	if d.Month == time.February && day == 29 && !isLeap(y) {
		day = 28
	}
	return Date{y, d.Month, day}
}

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// AgeOn returns the age in whole years, on date on, of a person born on d.
func (d Date) AgeOn(on Date) int {
	age := on.Year - d.Year
	if on.Before(d.AddYears(age)) {
		age--
	}
	return age
}

// MarshalJSON writes the date as "YYYY-MM-DD", or null when zero.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Money is an exact amount of Azerbaijani manats held in qəpik (1/100 AZN).
// It is written in JSON as a decimal string, "150.00", and never passes
// through a float.
type Money int64

// ParseMoney reads an exact decimal amount with at most two fractional
// digits: "150", "150.5", "150.50". Negative amounts are refused.
func ParseMoney(s string) (Money, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return 0, fmt.Errorf("amount %q is not a decimal with at most two fractional digits", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("amount %q is not a decimal with at most two fractional digits", s)
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if hasFrac {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return Money(w*100 + f), nil
}

// String formats the amount with two fractional digits: "150.00".
func (m Money) String() string { return fmt.Sprintf("%d.%02d", int64(m)/100, int64(m)%100) }

// MarshalJSON writes the amount as a decimal string.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(`"` + m.String() + `"`), nil }

// UnmarshalJSON reads a decimal string or a JSON number, taking the number's
// literal digits (never a float).
func (m *Money) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MustMoney is ParseMoney for literals known to be valid; it panics otherwise.
func MustMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Baku is the Data Bank's time zone: calendar days, "today" and times shown
// to people are in Asia/Baku. The program embeds the time zone database
// (time/tzdata), so this never falls back on a real system.
var Baku = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Baku"); err == nil {
		return loc
	}
	return time.FixedZone("Asia/Baku", 4*60*60)
}()

// Today returns the calendar date in Baku at instant t.
func Today(t time.Time) Date { return DateOf(t.In(Baku)) }
