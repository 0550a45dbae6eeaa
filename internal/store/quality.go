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

// DelayCount is how many records a participant sent of a category that
// were received a number of days after their effective date.
type DelayCount struct {
	Sender   string
	Category string
	// Days is the Baku calendar day of receipt minus the effective date;
	// negative for a record sent ahead of the day it takes effect.
	Days int
	N    int
}

// bakuOffsetMicros is Baku's offset from UTC: four hours all year since
// 2016, when daylight saving time was abolished.
const bakuOffsetMicros = 4 * 3600 * 1_000_000

// QualityDelays counts the records (upserts) received since the given
// instant by sender, category and delay in days; sender "" means every
// participant. It reads every such fact, grouped in the database.
func (s *Store) QualityDelays(ctx context.Context, since time.Time, sender string) ([]DelayCount, error) {
	// The effective date as a day number: days since 1970-01-01.
	effDay := `CAST(julianday(effective_date) - 2440587.5 AS INTEGER)`
	if s.engine == Postgres {
		effDay = `(CAST(effective_date AS date) - DATE '1970-01-01')`
	}
	q := `SELECT sender, category, (received_at + ` + strconv.Itoa(bakuOffsetMicros) + `) / 86400000000 - ` + effDay + ` AS delay,
		count(*) FROM facts WHERE received_at >= $1 AND action = 'upsert' AND effective_date <> ''`
	args := []any{micros(since)}
	if sender != "" {
		q += ` AND sender = $2`
		args = append(args, sender)
	}
	q += ` GROUP BY sender, category, delay ORDER BY sender, category, delay`
	var out []DelayCount
	err := s.tx(ctx, "store.QualityDelays", true, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d DelayCount
			if err := rows.Scan(&d.Sender, &d.Category, &d.Days, &d.N); err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

// CompletenessCheck asks how many active children of an age lack a
// category: born after BornAfter and on or before BornBy, whose profile
// has no current record of Category or, when Since is set, none that
// takes effect on or after Since.
type CompletenessCheck struct {
	Category          string
	BornAfter, BornBy category.Date
	Since             category.Date
}

// CompletenessCount is the answer to one check: the children expected to
// have the category and those who lack it.
type CompletenessCount struct {
	Expected, Missing int
}

// QualityCompleteness answers the checks in one pass over the active
// profiles (the birth-date index narrows it to children), probing a
// child's facts through their (child_id, category) index only for checks
// with a Since date.
func (s *Store) QualityCompleteness(ctx context.Context, checks []CompletenessCheck) ([]CompletenessCount, error) {
	if len(checks) == 0 {
		return nil, nil
	}
	var cols []string
	args := []any{}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	lowest := checks[0].BornAfter
	for _, c := range checks {
		cat, ok := category.Lookup(c.Category)
		if !ok {
			return nil, fmt.Errorf("store.QualityCompleteness: unknown category %q", c.Category)
		}
		if c.BornAfter.Before(lowest) {
			lowest = c.BornAfter
		}
		age := `p.birth_date > ` + arg(c.BornAfter.String()) + ` AND p.birth_date <= ` + arg(c.BornBy.String())
		lacks := `(p.categories & ` + strconv.FormatInt(1<<cat.Bit, 10) + `) = 0`
		if !c.Since.IsZero() {
			lacks = `NOT EXISTS (SELECT 1 FROM facts f WHERE f.child_id = p.child_id AND f.category = ` + arg(cat.Code) +
				` AND f.is_current = 1 AND f.action = 'upsert' AND f.effective_date >= ` + arg(c.Since.String()) + `)`
		}
		cols = append(cols, `coalesce(sum(CASE WHEN `+age+` THEN 1 ELSE 0 END), 0)`,
			`coalesce(sum(CASE WHEN `+age+` AND `+lacks+` THEN 1 ELSE 0 END), 0)`)
	}
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM profiles p WHERE p.status = 'active' AND p.birth_date > ` + arg(lowest.String())
	out := make([]CompletenessCount, len(checks))
	dest := make([]any, 0, 2*len(checks))
	for i := range out {
		dest = append(dest, &out[i].Expected, &out[i].Missing)
	}
	err := s.tx(ctx, "store.QualityCompleteness", true, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, q, args...).Scan(dest...)
	})
	return out, err
}

// QualityBatches calls fn with each answered batch received since the
// given instant, oldest first, from one participant or ("") all: the
// sender and the answer given (JSON with every record's outcome).
func (s *Store) QualityBatches(ctx context.Context, since time.Time, participant string, fn func(participant, response string) error) error {
	q := `SELECT participant, response FROM batches WHERE received_at >= $1 AND response IS NOT NULL AND response <> ''`
	args := []any{micros(since)}
	if participant != "" {
		q += ` AND participant = $2`
		args = append(args, participant)
	}
	q += ` ORDER BY received_at`
	return s.tx(ctx, "store.QualityBatches", true, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p, resp string
			if err := rows.Scan(&p, &resp); err != nil {
				return err
			}
			if err := fn(p, resp); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
