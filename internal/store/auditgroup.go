package store

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/audit"
)

// auditGroup commits the entries that Audit appends on their own — mostly
// the audit of reads — together: whoever finds no commit under way commits
// every entry waiting, in one transaction, and hands on to a fresh
// goroutine if more arrived meanwhile. Each caller still returns only once
// its own entry is durable, so no data is shown before its read is
// audited; under load many reads share one flush instead of queueing for
// the write lock one by one.
type auditGroup = groupQueue[auditWait]

// groupQueue holds what waits for the one writer, for whoever finds it
// free to take in groups: see auditGroup and batchGroup.
type groupQueue[T any] struct {
	mu      sync.Mutex
	waiting []T
	busy    bool
}

// join queues w, and reports whether its caller is to lead: no group was
// being stored.
func (q *groupQueue[T]) join(w T) (lead bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waiting = append(q.waiting, w)
	lead = !q.busy
	q.busy = true
	return lead
}

// take removes the group to store next from the front of the queue: as
// many as size says of those waiting, at least one.
func (q *groupQueue[T]) take(size func(waiting []T) int) []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := max(size(q.waiting), 1)
	group := q.waiting[:n:n]
	q.waiting = q.waiting[n:]
	return group
}

// queued reports whether any wait. Only the leader takes from the queue:
// to it, a queue once not empty stays so.
func (q *groupQueue[T]) queued() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting) > 0
}

// stored reports, once a group is stored, whether more wait; if none, the
// next to join leads.
func (q *groupQueue[T]) stored() (more bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiting) == 0 {
		q.busy = false
		q.waiting = nil
		return false
	}
	return true
}

type auditWait struct {
	e    audit.Entry
	done chan error
}

// maxAuditGroup bounds the entries one transaction appends.
const maxAuditGroup = 512

// Audit appends an entry to the audit log on its own, for acts that change
// nothing else (a read, a refused request, a login), and returns once it
// is committed.
func (s *Store) Audit(ctx context.Context, e audit.Entry) error {
	w := auditWait{e: e, done: make(chan error, 1)}
	if s.audits.join(w) {
		s.commitAudits()
	}
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		// The entry may still be committed; the caller shows nothing.
		return s.classify("store.Audit", ctx.Err())
	}
}

// commitAudits commits one group of waiting entries, then hands the rest,
// if any, to another goroutine so the leader's caller is not kept.
func (s *Store) commitAudits() {
	group := s.audits.take(func(waiting []auditWait) int { return min(len(waiting), maxAuditGroup) })

	// The group outlives any one caller's context: it is committed for
	// all of them or for none.
	ctx, cancel := s.groupContext(30 * time.Second)
	entries := make([]audit.Entry, len(group))
	for i, w := range group {
		entries[i] = w.e
	}
	err := s.tx(ctx, "store.Audit", false, func(tx *sql.Tx) error {
		return s.appendAudits(ctx, s.cached(tx), entries)
	})
	cancel()
	for _, w := range group {
		w.done <- err
	}

	if s.audits.stored() {
		go s.commitAudits()
	}
}

// groupContext is the context a group's transaction runs under, of no
// one caller: on PostgreSQL one that ends after limit, so that a server
// that stops answering fails the group instead of holding it. On SQLite,
// in the process, none that can end: given one, the SQLite driver starts
// a goroutine at the transaction's begin and another at its commit, to
// interrupt them when it ends, and the writer waits for a processor
// after waking them. (database/sql's own goroutines, one for the
// transaction and one for every query's rows, are started whatever the
// context, as a transaction's can always end: the groups of batches run
// theirs without a *sql.Tx, see connTx.)
func (s *Store) groupContext(limit time.Duration) (context.Context, context.CancelFunc) {
	if s.engine == SQLite {
		return context.Background(), func() {}
	}
	return context.WithTimeout(context.Background(), limit)
}
