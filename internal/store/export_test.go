package store

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"
)

var placeholder = regexp.MustCompile(`\$[0-9]+`)

// RecordAtATime makes SubmitEach store every batch a record at a time.
func RecordAtATime(s *Store) { s.recordAtATime = true }

// SetBatches returns how many batches the set-based path stored.
func SetBatches(s *Store) int64 { return s.setBatches.Load() }

// SetRestartFrames sets the log's length that starts it over.
func SetRestartFrames(s *Store, n int64) { s.restartFrames.Store(n) }

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

// WritePlans is SQLite's plan of every statement the writing transactions
// have prepared so far, by statement: a line a step.
func WritePlans(s *Store) (map[string][]string, error) {
	var queries []string
	s.writeCache.stmts.Range(func(k, _ any) bool {
		queries = append(queries, k.(string))
		return true
	})
	plans := map[string][]string{}
	for _, q := range queries {
		if strings.HasPrefix(strings.TrimSpace(q), "SAVEPOINT") || strings.HasPrefix(strings.TrimSpace(q), "RELEASE") ||
			strings.HasPrefix(strings.TrimSpace(q), "ROLLBACK") {
			continue
		}
		n := 0
		for _, m := range placeholder.FindAllString(q, -1) {
			if v, _ := strconv.Atoi(m[1:]); v > n {
				n = v
			}
		}
		rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+q, make([]any, n)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, parent, notUsed int
			var detail string
			if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
				rows.Close()
				return nil, err
			}
			plans[q] = append(plans[q], detail)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return plans, nil
}
