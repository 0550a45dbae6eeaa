package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/category"
)

// DataVersion says cheaply whether the children's counts may have changed:
// every change to a profile comes with a new fact, a merge or the undoing
// of one.
type DataVersion struct {
	LastFact    int64
	Merges      int64
	Splits      int64
	FirstRecord time.Time // when the first record was received; zero with none
}

func (v DataVersion) String() string {
	return fmt.Sprintf("%d.%d.%d", v.LastFact, v.Merges, v.Splits)
}

// OpenDataVersion returns the data version, in a few indexed reads.
func (s *Store) OpenDataVersion(ctx context.Context) (DataVersion, error) {
	var v DataVersion
	err := s.tx(ctx, "store.OpenDataVersion", true, func(tx *sql.Tx) error {
		var first sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM facts`).Scan(&v.LastFact); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT received_at FROM facts ORDER BY id LIMIT 1`).Scan(&first); err != nil && err != sql.ErrNoRows {
			return err
		}
		if first.Valid {
			v.FirstRecord = fromMicros(first.Int64)
		}
		return tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0), count(undone_at) FROM merges`).Scan(&v.Merges, &v.Splits)
	})
	return v, err
}

// OpenDataQuery asks for the children's counts on some reference days.
type OpenDataQuery struct {
	// Refs are the reference days, ascending.
	Refs []category.Date
	// MonthDay is "MM-DD": a child's birthday counts as passed (Passed)
	// when its month and day are on or before it.
	MonthDay string
	// Categories are the codes of the categories counted.
	Categories []string
}

// PopulationGroup is a number of children alike in what the public
// statistics tell apart.
type PopulationGroup struct {
	BirthYear int
	Passed    bool // the birthday's month and day are on or before MonthDay
	Sex       string
	Region    string
	// Died is the index of the first reference day on or after the
	// child's death, len(Refs) for a child alive on them all.
	Died int
	N    int
}

// CategoryGroup is a number of children alike as PopulationGroup says,
// with a category.
type CategoryGroup struct {
	Category  string
	BirthYear int
	Passed    bool
	Region    string
	// From is the index of the first reference day on or after the
	// earliest effective date of the child's current records of the
	// category: the child has it from that day on.
	From int
	Died int
	N    int
}

// OpenDataCounts counts the children born after 1 January eighteen years
// before the first reference day, and not after the last, in two grouped
// reads of one snapshot: every profile, archived ones too, by year of
// birth, sex, region and death; and, for each category asked, the
// children with current records of it, by the same and by when the
// earliest of those takes effect. A death is the earliest effective date
// of the child's current death records.
func (s *Store) OpenDataCounts(ctx context.Context, q OpenDataQuery) ([]PopulationGroup, []CategoryGroup, error) {
	if len(q.Refs) == 0 {
		return nil, nil, nil
	}
	death, _ := category.Lookup("death")
	// $1 the earliest birth date, $2 the last reference day, $3 the
	// month and day, $4… the reference days.
	args := []any{fmt.Sprintf("%04d-01-01", q.Refs[0].Year-18), q.Refs[len(q.Refs)-1].String(), q.MonthDay}
	refAt := len(args) + 1
	for _, r := range q.Refs {
		args = append(args, r.String())
	}
	// dayIndex is the index of the first reference day on or after the
	// date in column col; len(Refs) when there is none or no date.
	dayIndex := func(col string) string {
		var b strings.Builder
		b.WriteString("CASE WHEN " + col + " IS NULL THEN " + strconv.Itoa(len(q.Refs)))
		for i := range q.Refs {
			fmt.Fprintf(&b, " WHEN %s <= $%d THEN %d", col, refAt+i, i)
		}
		b.WriteString(" ELSE " + strconv.Itoa(len(q.Refs)) + " END")
		return b.String()
	}
	person := `substr(p.birth_date, 1, 4) AS birth_year,
		CASE WHEN substr(p.birth_date, 6) <= $3 THEN 1 ELSE 0 END AS passed, p.region,
		CASE WHEN (p.categories & ` + strconv.FormatInt(1<<death.Bit, 10) + `) <> 0 THEN
			(SELECT min(d.effective_date) FROM facts d WHERE d.child_id = p.child_id AND d.category = 'death'
			AND d.is_current = 1 AND d.action = 'upsert') END AS died`
	// Most profiles are in range: a scan of the table beats a walk of
	// the birth date index with a lookup per row, so the comparison is
	// on an expression, which no index serves.
	inRange := `substr(p.birth_date, 1, 10) >= $1 AND substr(p.birth_date, 1, 10) <= $2`
	var pop []PopulationGroup
	var cats []CategoryGroup
	err := s.tx(ctx, "store.OpenDataCounts", true, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT birth_year, passed, sex, region, `+dayIndex("died")+`, count(*)
			FROM (SELECT `+person+`, p.sex FROM profiles p WHERE `+inRange+`) x
			GROUP BY 1, 2, 3, 4, 5`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var g PopulationGroup
			var year string
			if err := rows.Scan(&year, &g.Passed, &g.Sex, &g.Region, &g.Died, &g.N); err != nil {
				rows.Close()
				return err
			}
			if g.BirthYear, err = strconv.Atoi(year); err == nil {
				pop = append(pop, g)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(q.Categories) == 0 {
			return err
		}
		in := make([]string, len(q.Categories))
		for i, c := range q.Categories {
			in[i] = "$" + strconv.Itoa(len(args)+1)
			args = append(args, c)
		}
		rows, err = tx.QueryContext(ctx, `SELECT category, birth_year, passed, region, `+dayIndex("eff")+`, `+dayIndex("died")+`, count(*)
			FROM (SELECT m.category, m.eff, `+person+`
				FROM (SELECT child_id, category, min(effective_date) AS eff FROM facts
					WHERE is_current = 1 AND action = 'upsert' AND category IN (`+strings.Join(in, ", ")+`)
					GROUP BY child_id, category) m
				JOIN profiles p ON p.child_id = m.child_id
				WHERE `+inRange+`) x
			GROUP BY 1, 2, 3, 4, 5, 6`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var g CategoryGroup
			var year string
			if err := rows.Scan(&g.Category, &year, &g.Passed, &g.Region, &g.From, &g.Died, &g.N); err != nil {
				return err
			}
			if g.BirthYear, err = strconv.Atoi(year); err == nil {
				cats = append(cats, g)
			}
		}
		return rows.Err()
	})
	return pop, cats, err
}
