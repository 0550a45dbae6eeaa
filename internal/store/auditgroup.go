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
type auditGroup struct {
	mu      sync.Mutex
	waiting []auditWait
	busy    bool
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
	g := &s.audits
	g.mu.Lock()
	g.waiting = append(g.waiting, w)
	lead := !g.busy
	g.busy = true
	g.mu.Unlock()
	if lead {
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
	g := &s.audits
	g.mu.Lock()
	n := min(len(g.waiting), maxAuditGroup)
	group := g.waiting[:n:n]
	g.waiting = g.waiting[n:]
	g.mu.Unlock()

	// The group outlives any one caller's context: it is committed for
	// all of them or for none.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
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

	g.mu.Lock()
	more := len(g.waiting) > 0
	if !more {
		g.busy = false
		g.waiting = nil
	}
	g.mu.Unlock()
	if more {
		go s.commitAudits()
	}
}
