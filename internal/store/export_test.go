package store

// RecordAtATime makes SubmitEach store every batch a record at a time.
func RecordAtATime(s *Store) { s.recordAtATime = true }

// SetBatches returns how many batches the set-based path stored.
func SetBatches(s *Store) int64 { return s.setBatches.Load() }
