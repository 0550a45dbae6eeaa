package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
)

// cachedTx runs a transaction's statements as statements prepared once
// for the life of the store, on each connection once. On SQLite,
// preparing is a large part of a short statement's cost: a quarter of the
// CPU of a batch, and a tenth of a profile read, in profiles. PostgreSQL's
// driver caches prepared statements per connection by itself.
type cachedTx struct {
	tx    *sql.Tx
	store *cachedDB
	stmts map[string]*cachedStmt
}

// cachedStmt is a statement prepared with its placeholders made SQLite's
// anonymous ones (see positional), and how to order its arguments.
type cachedStmt struct {
	st  *sql.Stmt
	pos *positional
}

func (s *cachedStmt) query(ctx context.Context, args []any) (*sql.Rows, error) {
	args, err := s.pos.args(args)
	if err != nil {
		return nil, err
	}
	return s.st.QueryContext(ctx, args...)
}

func (s *cachedStmt) queryRow(ctx context.Context, args []any) (*sql.Row, error) {
	args, err := s.pos.args(args)
	if err != nil {
		return nil, err
	}
	return s.st.QueryRowContext(ctx, args...), nil
}

func (s *cachedStmt) exec(ctx context.Context, args []any) (sql.Result, error) {
	args, err := s.pos.args(args)
	if err != nil {
		return nil, err
	}
	return s.st.ExecContext(ctx, args...)
}

// cached returns a writing transaction as a querier that reuses prepared
// statements, on SQLite. The transaction's handles on them close with it;
// the prepared statements stay for the next transaction on the same
// connection.
func (s *Store) cached(tx *sql.Tx) querier {
	if s.engine != SQLite {
		return tx
	}
	return &cachedTx{tx: tx, store: s.writeCache, stmts: map[string]*cachedStmt{}}
}

func (c *cachedTx) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	var st *cachedStmt
	if parent, ok := c.store.stmts.Load(query); ok {
		// StmtContext reuses the statement already prepared on the
		// transaction's connection, and prepares it there only the
		// first time.
		p := parent.(*cachedStmt)
		st = &cachedStmt{c.tx.StmtContext(ctx, p.st), p.pos}
	} else {
		// Preparing the store's statement takes a connection of the
		// pool, which may be all held by transactions like this one:
		// prepare for this transaction alone, and the store's in the
		// background, when a connection is free.
		pos := positionalOf(query)
		prepared, err := c.tx.PrepareContext(ctx, pos.query)
		if err != nil {
			return nil, err
		}
		st = &cachedStmt{prepared, pos}
		if c.store.n.Load() < maxCachedStmts {
			go c.store.stmt(context.Background(), query)
		}
	}
	c.stmts[query] = st
	return st, nil
}

func (c *cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return queryPrepared(ctx, c.stmt, query, args)
}

func (c *cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return queryRowPrepared(ctx, c.stmt, c.tx, query, args)
}

func (c *cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return execPrepared(ctx, c.stmt, query, args)
}

// prepare returns a writing transaction's statement prepared for query.
type prepare func(ctx context.Context, query string) (*cachedStmt, error)

// queryPrepared, queryRowPrepared and execPrepared run a writing
// transaction's statements prepared, under statementContext.
func queryPrepared(ctx context.Context, stmt prepare, query string, args []any) (*sql.Rows, error) {
	ctx, err := statementContext(ctx)
	if err != nil {
		return nil, err
	}
	st, err := stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.query(ctx, args)
}

// queryRowPrepared runs the query unprepared on plain, to carry the error,
// when it cannot be prepared: a *sql.Row holds its error.
func queryRowPrepared(ctx context.Context, stmt prepare, plain querier, query string, args []any) *sql.Row {
	if quiet, err := statementContext(ctx); err == nil {
		if st, err := stmt(quiet, query); err == nil {
			if row, err := st.queryRow(quiet, args); err == nil {
				return row
			}
		}
	}
	return plain.QueryRowContext(ctx, query, args...)
}

func execPrepared(ctx context.Context, stmt prepare, query string, args []any) (sql.Result, error) {
	ctx, err := statementContext(ctx)
	if err != nil {
		return nil, err
	}
	st, err := stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.exec(ctx, args)
}

// statementContext is the context a statement of a writing transaction
// runs under on SQLite: the caller's, checked, without its cancellation.
// Given a context that can end, the SQLite driver starts a goroutine for
// every statement, to interrupt it when the context ends, and sets and
// clears a progress handler around it: a batch of a thousand records runs
// about two thousand statements, and that was a twentieth of the writer's
// CPU at a million children; without it the writer's CPU fell by a twelfth
// (the goroutines' scheduling too), and ingestion rose by a tenth.
// An ended context still ends the transaction, between two statements:
// here, and in database/sql, which rolls back a transaction whose
// BeginTx context ended. Only a statement already running is not
// interrupted, and a writing transaction's statements are short.
func statementContext(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// cachedDB prepares each statement once for the life of the store;
// database/sql re-prepares a statement on each connection it lands on,
// once. It keeps at most maxCachedStmts: queries whose text varies with
// their arguments (IN lists of every length) would fill it; past the
// bound, statements run unprepared, or prepared for one transaction.
type cachedDB struct {
	db    *sql.DB
	stmts sync.Map // query → *cachedStmt
	n     atomic.Int32
}

const maxCachedStmts = 256

var errCacheFull = errors.New("store: statement cache full")

func (c *cachedDB) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if st, ok := c.stmts.Load(query); ok {
		return st.(*cachedStmt), nil
	}
	for { // take a place in the cache, if one is left
		n := c.n.Load()
		if n >= maxCachedStmts {
			return nil, errCacheFull
		}
		if c.n.CompareAndSwap(n, n+1) {
			break
		}
	}
	pos := positionalOf(query)
	prepared, err := c.db.PrepareContext(ctx, pos.query)
	if err != nil {
		c.n.Add(-1)
		return nil, err
	}
	st := &cachedStmt{prepared, pos}
	if prev, loaded := c.stmts.LoadOrStore(query, st); loaded {
		prepared.Close()
		c.n.Add(-1)
		return prev.(*cachedStmt), nil
	}
	return st, nil
}

func (c *cachedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if errors.Is(err, errCacheFull) {
		return c.db.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	return st.query(ctx, args)
}

func (c *cachedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st, err := c.stmt(ctx, query); err == nil {
		if row, err := st.queryRow(ctx, args); err == nil {
			return row
		}
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

func (c *cachedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, query)
	if errors.Is(err, errCacheFull) {
		return c.db.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	return st.exec(ctx, args)
}

func (c *cachedDB) close() {
	c.stmts.Range(func(_, v any) bool {
		v.(*cachedStmt).st.Close()
		return true
	})
}
