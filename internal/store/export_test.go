package store

import (
	"context"
	"database/sql"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var placeholder = regexp.MustCompile(`\$[0-9]+`)

// RecordAtATime makes SubmitEach store every batch a record at a time.
func RecordAtATime(s *Store) { s.recordAtATime = true }

// SetBatches returns how many batches the set-based path stored.
func SetBatches(s *Store) int64 { return s.setBatches.Load() }

// SetRestartFrames sets the log's length that starts it over.
func SetRestartFrames(s *Store, n int64) { s.restartFrames.Store(n) }

// MigrateTo applies the migrations up to version last only.
func MigrateTo(s *Store, last int) error {
	return s.migrateTo(context.Background(), slog.New(slog.DiscardHandler), last)
}

// TxRetried runs fn in a writing transaction, again when it deadlocked.
func TxRetried(s *Store, fn func(*sql.Tx) error) error {
	return s.txRetried(context.Background(), "test", func(_ context.Context, tx *sql.Tx) error { return fn(tx) })
}

// SearchPlan is SQLite's plan of the statement SearchProfiles runs for q:
// a line a step, as "step < the step it belongs to".
func SearchPlan(s *Store, q ProfileQuery) (string, error) {
	query, args := s.profileSearch(q)
	steps, err := explain(s, query, args)
	if err != nil {
		return "", err
	}
	detail := map[int]string{}
	var plan []string
	for _, st := range steps {
		detail[st.id] = st.detail
		plan = append(plan, st.detail+" < "+detail[st.parent])
	}
	return strings.Join(plan, "\n"), nil
}

// WritePlans is SQLite's plan of every statement the writing transactions
// have prepared so far, by statement: a line a step.
func WritePlans(s *Store) (map[string][]string, error) {
	plans := map[string][]string{}
	var err error
	s.writeCache.stmts.Range(func(k, _ any) bool {
		q := k.(string)
		verb, _, _ := strings.Cut(strings.TrimSpace(q), " ")
		if verb == "SAVEPOINT" || verb == "RELEASE" || verb == "ROLLBACK" {
			return true
		}
		n := 0 // parameters: the largest $N
		for _, m := range placeholder.FindAllString(q, -1) {
			v, _ := strconv.Atoi(m[1:]) // digits, by the pattern
			n = max(n, v)
		}
		var steps []planStep
		if steps, err = explain(s, q, make([]any, n)); err != nil {
			return false
		}
		for _, st := range steps {
			plans[q] = append(plans[q], st.detail)
		}
		return true
	})
	return plans, err
}

type planStep struct {
	id, parent int
	detail     string
}

// explain is SQLite's plan of query.
func explain(s *Store, query string, args []any) ([]planStep, error) {
	rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var steps []planStep
	for rows.Next() {
		var st planStep
		var notUsed int
		if err := rows.Scan(&st.id, &st.parent, &notUsed, &st.detail); err != nil {
			return nil, err
		}
		steps = append(steps, st)
	}
	return steps, rows.Err()
}

// SetParticipantTTL sets how long participants and bindings are taken
// from memory.
func SetParticipantTTL(s *Store, d time.Duration) { s.parts.ttl = d }

// GroupedBatches returns how many batches were stored in a group.
func GroupedBatches(s *Store) int64 { return s.groupedBatches.Load() }

// WaitingBatches returns how many batches wait for the writer, and
// whether a group is being stored.
func WaitingBatches(s *Store) (int, bool) {
	g := &s.batchGroup
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiting), g.busy
}

// UnflushedCommits returns how many commits of batch groups are not yet
// known to be on disk, and how many there were.
func UnflushedCommits(s *Store) (unflushed, all uint64) {
	all = s.wal.committed.Load()
	return all - s.wal.synced.Load(), all
}

// WriterSynchronous returns the writing connection's synchronous level
// (2 is FULL).
func WriterSynchronous(s *Store) (int, error) {
	var level int
	err := s.writes.QueryRow(`PRAGMA synchronous`).Scan(&level)
	return level, err
}

// Querier runs a transaction's statements.
type Querier = querier

// ConnTx runs fn in a writing transaction on the writing connection as
// the groups of batches hold it (connTxOn), and gives the connection back.
func ConnTx(s *Store, fn func(Querier) error) error {
	defer s.releaseWriter(false)
	return HeldTx(s, fn)
}

// HoldWriter takes the writing connection as a group of batches does.
func HoldWriter(s *Store) error {
	_, err := s.takeWriter(context.Background())
	return err
}

// ReleaseWriter gives the writing connection back as a group of batches
// does once stored: unless keep and no one waited for it.
func ReleaseWriter(s *Store, keep bool) { s.releaseWriter(keep) }

// WriterHeld reports whether the groups of batches hold the writing
// connection, and how many statements they prepared on it.
func WriterHeld(s *Store) (bool, int) {
	s.writer.mu.Lock()
	defer s.writer.mu.Unlock()
	return s.writer.conn != nil, len(s.writer.stmts)
}

// HeldTx runs fn in a writing transaction on the writing connection the
// groups of batches hold, keeping it.
func HeldTx(s *Store, fn func(Querier) error) error {
	ctx := context.Background()
	w, err := s.takeWriter(ctx)
	if err != nil {
		return err
	}
	return s.connTxOn(ctx, w, "test", fn)
}

// WriterWaits returns how many times a writer waited for the writing
// connection.
func WriterWaits(s *Store) int64 { return s.writes.Stats().WaitCount }
