package store

import (
	"context"
	"database/sql"
	"strings"
)

// RecordAtATime makes SubmitEach store every batch a record at a time.
func RecordAtATime(s *Store) { s.recordAtATime = true }

// SetBatches returns how many batches the set-based path stored.
func SetBatches(s *Store) int64 { return s.setBatches.Load() }

// TxRetried runs fn in a writing transaction, again when it deadlocked.
func TxRetried(s *Store, fn func(*sql.Tx) error) error {
	return s.txRetried(context.Background(), "test", fn)
}

// SearchPlan is SQLite's plan of the statement SearchProfiles runs for q:
// a line a step, as "step < the step it belongs to".
func SearchPlan(s *Store, q ProfileQuery) (string, error) {
	query, args := s.profileSearch(q)
	rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var plan []string
	steps := map[int]string{}
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			return "", err
		}
		steps[id] = detail
		plan = append(plan, detail+" < "+steps[parent])
	}
	return strings.Join(plan, "\n"), rows.Err()
}
