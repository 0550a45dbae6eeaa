package signals

import (
	"fmt"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/i18n"
)

// The reasons of hits are built here, in every language, from dates,
// counts and classifier names only: a reason travels in correspondence
// and notifications, so it never carries a name or a FIN.

// dates holds one date as each language writes it, as the web interface
// does: 02.01.2006 in Azerbaijani and Russian, 2 Jan 2006 in English.
type dates struct{ az, en, ru string }

func dateIn(d category.Date) dates {
	if d.IsZero() {
		return dates{"?", "?", "?"}
	}
	t := d.Time()
	return dates{t.Format("02.01.2006"), t.Format("2 Jan 2006"), t.Format("02.01.2006")}
}

// enCount writes a count of things in English: 1 year, 9 years.
func enCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ruCount writes a count of things in Russian: 1 год, 3 года, 9 лет.
func ruCount(n int, one, few, many string) string {
	return fmt.Sprintf("%d %s", n, ruPlural(n, one, few, many))
}

// ruPlural picks the Russian form for n: 1 год, 2 года, 5 лет, 11 лет,
// 21 год.
func ruPlural(n int, one, few, many string) string {
	switch n10, n100 := n%10, n%100; {
	case n10 == 1 && n100 != 11:
		return one
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		return few
	}
	return many
}

// name returns the name of a classifier item in every language, or its
// code when the classifier does not know it.
func name(l *classifier.List, code string) i18n.Text {
	if it, ok := l.Lookup(code); ok {
		return it.Name
	}
	return i18n.T(code, code, code)
}
