package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/fault"
)

// ClassifierChanges returns the operator's changes to the classifiers, in
// the order they were first made.
func (s *Store) ClassifierChanges(ctx context.Context) ([]classifier.Change, error) {
	out, err := classifierChanges(ctx, s.db)
	return out, s.classify("store.ClassifierChanges", err)
}

// ChangeClassifier records a change to a classifier's item, audited, and
// once it is committed makes the changes this server's classifiers
// (other servers take them within a minute). A change that would break
// the lists is refused and nothing is stored.
func (s *Store) ChangeClassifier(ctx context.Context, c classifier.Change, actor audit.Actor) error {
	var all []classifier.Change
	err := s.tx(ctx, "store.ChangeClassifier", false, func(tx *sql.Tx) error {
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM classifier_changes`).Scan(&seq); err != nil {
			return err
		}
		retired := 0
		if c.Retired {
			retired = 1
		}
		now := micros(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO classifier_changes (list, code, name_az, name_en, name_ru, parent, retired,
			seq, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (list, code) DO UPDATE SET name_az = excluded.name_az, name_en = excluded.name_en,
			name_ru = excluded.name_ru, parent = excluded.parent, retired = excluded.retired, updated_at = excluded.updated_at,
			updated_by = excluded.updated_by`, c.List, c.Code, c.Name.AZ, c.Name.EN, c.Name.RU, c.Parent, retired, seq, now,
			actor.ID); err != nil {
			return err
		}
		var err error
		if all, err = classifierChanges(ctx, tx); err != nil {
			return err
		}
		if err := classifier.Try(all); err != nil {
			return fault.E("store.ChangeClassifier", fault.Invalid, err)
		}
		detail, _ := json.Marshal(c)
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "classifier.change", Outcome: c.List + "/" + c.Code,
			Detail: string(detail)})
	})
	if err != nil {
		return err
	}
	return classifier.Apply(all)
}

func classifierChanges(ctx context.Context, q querier) ([]classifier.Change, error) {
	rows, err := q.QueryContext(ctx, `SELECT list, code, name_az, name_en, name_ru, parent, retired FROM classifier_changes ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []classifier.Change
	for rows.Next() {
		var c classifier.Change
		var retired int
		if err := rows.Scan(&c.List, &c.Code, &c.Name.AZ, &c.Name.EN, &c.Name.RU, &c.Parent, &retired); err != nil {
			return nil, err
		}
		c.Retired = retired == 1
		out = append(out, c)
	}
	return out, rows.Err()
}

// Parameters returns the parameters the operator set.
func (s *Store) Parameters(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, value FROM parameters`)
	if err != nil {
		return nil, s.classify("store.Parameters", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var v int
		if err := rows.Scan(&k, &v); err != nil {
			return nil, s.classify("store.Parameters", err)
		}
		out[k] = v
	}
	return out, s.classify("store.Parameters", rows.Err())
}

// SetParameter sets a parameter, audited.
func (s *Store) SetParameter(ctx context.Context, key string, value int, actor audit.Actor) error {
	return s.tx(ctx, "store.SetParameter", false, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO parameters (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			key, value, micros(s.now()), actor.ID); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"key": key, "value": value})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "parameter.set", Outcome: key, Detail: string(detail)})
	})
}
