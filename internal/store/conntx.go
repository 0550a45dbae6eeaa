package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
)

// heldWriter is SQLite's writing connection as the groups of batches use
// it: taken from the pool for a group, and held on to the next group
// while batches keep coming and no one else waits for it, with the
// statements the groups prepared on it. Preparing them again for every
// group was a thirtieth of the writer's time; a waiting writer still gets
// the connection once the group under way is stored, as it would from
// the pool.
//
// Held, it flushes no commit itself: see walSync.
type heldWriter struct {
	mu    sync.Mutex
	conn  *sql.Conn
	stmts map[string]*cachedStmt
	waits int64 // the pool's count of waits for a connection when taken
}

// takeWriter returns the writing connection held since the last group,
// or takes it from the pool.
func (s *Store) takeWriter(ctx context.Context) (*heldWriter, error) {
	w := &s.writer
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		return w, nil
	}
	conn, err := s.writes.Conn(ctx)
	if err != nil {
		return nil, err
	}
	// SQLite changes the level only between transactions.
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
		conn.Close()
		return nil, err
	}
	w.conn, w.stmts, w.waits = conn, map[string]*cachedStmt{}, s.writes.Stats().WaitCount
	return w, nil
}

// releaseWriter gives the writing connection back to the pool, flushing
// its commits again, unless keep is set and no one has waited for it
// since it was taken.
func (s *Store) releaseWriter(keep bool) {
	w := &s.writer
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil || keep && s.writes.Stats().WaitCount == w.waits {
		return
	}
	for _, st := range w.stmts {
		st.st.Close()
	}
	if _, err := w.conn.ExecContext(context.Background(), `PRAGMA synchronous = FULL`); err != nil {
		// A connection that would not flush its commits is not kept.
		dropConn(w.conn)
	}
	w.conn.Close()
	w.conn, w.stmts = nil, nil
}

// connTx is a writing transaction on SQLite run as SQL on the held
// writing connection: BEGIN IMMEDIATE, its statements, COMMIT. A *sql.Tx
// can always end, so database/sql starts a goroutine for it and another
// for every query's rows, to close them when it ends, and the writer
// waits for a processor after waking them; a connection's queries under a
// context that cannot end start none.
type connTx struct {
	w    *heldWriter
	temp []*sql.Stmt // prepared past maxCachedStmts, for this transaction
}

// connTxOn runs fn in a writing transaction on w's connection, committing
// if it returns nil. ctx is to be one that cannot end (see groupContext):
// the driver would start a goroutine to interrupt each statement
// otherwise. A connection whose transaction could not be ended for sure
// is dropped from the pool, so that no one else writes in it.
func (s *Store) connTxOn(ctx context.Context, w *heldWriter, op string, fn func(querier) error) error {
	if _, err := w.conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return s.classify(op, err)
	}
	tx := &connTx{w: w}
	err := fn(tx)
	for _, st := range tx.temp {
		st.Close()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		_, err = w.conn.ExecContext(ctx, `COMMIT`)
		if err == nil {
			return nil
		}
	}
	// A failed COMMIT leaves the transaction open (a deferred constraint
	// broken, the database busy); some errors have rolled it back already,
	// and then ROLLBACK fails too.
	if _, rerr := w.conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`); rerr != nil {
		dropConn(w.conn)
	}
	return s.failed(op, err)
}

// dropConn makes the pool close conn instead of taking it back.
func dropConn(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
}

func (t *connTx) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if st, ok := t.w.stmts[query]; ok {
		return st, nil
	}
	pos := positionalOf(query)
	prepared, err := t.w.conn.PrepareContext(ctx, pos.query)
	if err != nil {
		return nil, err
	}
	st := &cachedStmt{prepared, pos}
	if len(t.w.stmts) < maxCachedStmts {
		t.w.stmts[query] = st
	} else {
		t.temp = append(t.temp, prepared)
	}
	return st, nil
}

func (t *connTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return queryPrepared(ctx, t.stmt, query, args)
}

func (t *connTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return queryRowPrepared(ctx, t.stmt, t.w.conn, query, args)
}

func (t *connTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return execPrepared(ctx, t.stmt, query, args)
}
