package store

import (
	"context"
	"database/sql"
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
