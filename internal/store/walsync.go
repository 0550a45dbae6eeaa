package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// walSync makes SQLite's write-ahead log durable for the transactions
// that commit without flushing it themselves: the groups of signed
// batches (see storeTogether). Such a transaction is visible once
// committed, but its callers are answered only once a flush of the log
// that began after its commit has ended — one flush for every commit
// before it, while the writer goes on with the next group instead of
// waiting for the disk (a tenth of its time in a trace at a million
// children).
//
// What a user is shown is still on disk first: a read is shown once its
// audit entry is committed, and that commit flushes the log (synchronous
// FULL), with every frame written before it. A power loss before the
// flush loses only batches that were not answered, and their senders
// send them again.
type walSync struct {
	path      string        // the log file
	committed atomic.Uint64 // transactions committed without a flush
	synced    atomic.Uint64 // of which on disk
	mu        sync.Mutex    // one flush at a time
	dirSynced bool          // under mu
	err       error         // under mu: a flush that failed, see wait
	flushes   atomic.Int64  // for tests
}

func newWALSync(dbPath string) *walSync {
	return &walSync{path: dbPath + "-wal"}
}

// commit notes a transaction committed without a flush, and returns the
// number to wait for.
func (w *walSync) commit() uint64 { return w.committed.Add(1) }

// wait returns once the transaction commit numbered n is on disk. Callers
// that arrive while a flush is under way wait for it and, unless it
// covered them, flush once more for all of them. A failed flush fails
// every later wait: the kernel may have dropped the pages it could not
// write, and only a restart, which reads the log from the disk, knows what
// was kept.
func (w *walSync) wait(n uint64) error {
	if w.synced.Load() >= n {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.synced.Load() >= n {
		return nil
	}
	// Every commit counted so far has written its frames: the flush below
	// covers them.
	upTo := w.committed.Load()
	w.flushes.Add(1)
	if err := w.flush(); err != nil {
		w.err = err
		return err
	}
	w.synced.Store(upTo)
	return nil
}

// flush fsyncs the log file and, the first time, its directory, which
// holds the file's name. The file is opened afresh: the descriptor names
// the file as it is now. A log that is gone was removed by SQLite once
// copied whole into the database file, and that copy was flushed.
func (w *walSync) flush() error {
	if err := fsyncPath(w.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if !w.dirSynced {
		if err := fsyncPath(filepath.Dir(w.path)); err != nil {
			return err
		}
		w.dirSynced = true
	}
	return nil
}

func fsyncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// unflushedTx runs fn in a writing transaction that commits without
// flushing the log, on the writing connection the groups of batches hold
// (see heldWriter), and returns the number its callers wait for
// (walSync.wait) before they learn of the commit. The connection flushes
// its commits again once given back to the pool. The caller gives it back
// (releaseWriter) when it is done, and before it writes otherwise.
func (s *Store) unflushedTx(ctx context.Context, op string, fn func(querier) error) (uint64, error) {
	w, err := s.takeWriter(ctx)
	if err != nil {
		return 0, s.classify(op, err)
	}
	if err := s.connTxOn(ctx, w, op, fn); err != nil {
		s.releaseWriter(false)
		return 0, err
	}
	return s.wal.commit(), nil
}
