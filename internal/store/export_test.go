package store

import (
	"context"
	"database/sql"
)

// RecordAtATime makes SubmitEach store every batch a record at a time.
func RecordAtATime(s *Store) { s.recordAtATime = true }

// SetBatches returns how many batches the set-based path stored.
func SetBatches(s *Store) int64 { return s.setBatches.Load() }

// TxRetried runs fn in a writing transaction, again when it deadlocked.
func TxRetried(s *Store, fn func(*sql.Tx) error) error {
	return s.txRetried(context.Background(), "test", fn)
}
