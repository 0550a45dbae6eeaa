package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

// TestStatementCacheIsBounded runs more distinct queries than the cache
// keeps, outside and inside transactions: every one answers right, and
// the cache stops at its bound.
func TestStatementCacheIsBounded(t *testing.T) {
	db, c := openCached(t)
	ctx := context.Background()
	for i := range maxCachedStmts + 50 {
		var got int
		if err := c.QueryRowContext(ctx, fmt.Sprintf("SELECT %d + $1", i), 1).Scan(&got); err != nil || got != i+1 {
			t.Fatalf("query %d: %d, %v", i, got, err)
		}
		tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		q := &cachedTx{tx: tx, store: c, stmts: map[string]*cachedStmt{}}
		if err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT %d * $1", i), 2).Scan(&got); err != nil || got != 2*i {
			t.Fatalf("query %d in a transaction: %d, %v", i, got, err)
		}
		tx.Rollback()
	}
	if n := c.n.Load(); n > maxCachedStmts {
		t.Errorf("%d statements cached, bound %d", n, maxCachedStmts)
	}
}

// openCached opens a fresh SQLite file with a statement cache over it,
// both closed when the test ends.
func openCached(t *testing.T) (*sql.DB, *cachedDB) {
	t.Helper()
	db, err := openSQLite(filepath.Join(t.TempDir(), "c.db"), 2)
	if err != nil {
		t.Fatal(err)
	}
	c := &cachedDB{db: db}
	t.Cleanup(func() {
		c.close()
		db.Close()
	})
	return db, c
}

// TestCachedTransactionStopsAtTheStatementAfterItsContextEnds: a writing
// transaction's statements reach the driver without their context's
// cancellation (statementContext), which spares the driver a goroutine a
// statement; yet once the context ends, the transaction's next statement
// fails with the context's error, and nothing of the transaction is kept.
func TestCachedTransactionStopsAtTheStatementAfterItsContextEnds(t *testing.T) {
	db, c := openCached(t)
	bg := context.Background()
	if _, err := db.ExecContext(bg, `CREATE TABLE t (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	type key struct{}
	ctx, cancel := context.WithCancel(context.WithValue(bg, key{}, "kept"))
	defer cancel()
	if quiet, err := statementContext(ctx); err != nil || quiet.Done() != nil || quiet.Value(key{}) != "kept" {
		t.Fatalf("statement context: done %v, value %v, %v", quiet.Done(), quiet.Value(key{}), err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	q := &cachedTx{tx: tx, store: c, stmts: map[string]*cachedStmt{}}
	if _, err := q.ExecContext(ctx, `INSERT INTO t (n) VALUES ($1)`, 1); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("in the transaction: %d rows, %v", n, err)
	}
	cancel()
	if _, err := q.ExecContext(ctx, `INSERT INTO t (n) VALUES ($1)`, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("insert after the context ended: %v", err)
	}
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); !errors.Is(err, context.Canceled) {
		t.Errorf("query row after the context ended: %v", err)
	}
	if _, err := q.QueryContext(ctx, `SELECT n FROM t`); !errors.Is(err, context.Canceled) {
		t.Errorf("query after the context ended: %v", err)
	}
	if err := tx.Commit(); err == nil {
		t.Error("a transaction whose context ended committed")
	}
	if err := db.QueryRowContext(bg, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after the transaction: %d rows kept, %v", n, err)
	}
}
