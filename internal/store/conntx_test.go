package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// A transaction run as SQL on a connection commits what it wrote, and
// rolls back what it wrote when it fails — in its function or at COMMIT,
// where a deferred reference is checked — leaving the connection to the
// next writer outside any transaction. Its queries start no goroutine
// each, as a *sql.Tx's do.
func TestConnTxCommitsOrRollsBackWhole(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	exec := func(q store.Querier, query string, args ...any) {
		t.Helper()
		if _, err := q.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	if err := store.ConnTx(st, func(q store.Querier) error {
		exec(q, `CREATE TABLE parent (id INTEGER PRIMARY KEY)`)
		exec(q, `CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`)
		exec(q, `INSERT INTO parent (id) VALUES ($1)`, 1)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	count := func(table string) int {
		t.Helper()
		var n int
		if err := store.ConnTx(st, func(q store.Querier) error {
			return q.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}

	failed := errors.New("the function failed")
	err := store.ConnTx(st, func(q store.Querier) error {
		exec(q, `INSERT INTO parent (id) VALUES ($1)`, 2)
		return failed
	})
	if !errors.Is(err, failed) {
		t.Errorf("the function's failure came back as %v", err)
	}
	if n := count("parent"); n != 1 {
		t.Errorf("%d parents after a failed transaction, want 1", n)
	}

	err = store.ConnTx(st, func(q store.Querier) error {
		exec(q, `INSERT INTO parent (id) VALUES ($1)`, 3)
		exec(q, `INSERT INTO child (parent) VALUES ($1)`, 99)
		return nil
	})
	if !fault.Is(err, fault.Conflict) {
		t.Errorf("a commit refused by a deferred reference came back as %v, want a conflict", err)
	}
	if p, c := count("parent"), count("child"); p != 1 || c != 0 {
		t.Errorf("%d parents and %d children after a refused commit, want 1 and 0", p, c)
	}

	// The rest of the store writes on after both.
	if err := store.TxRetried(st, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO parent (id) VALUES (4)`)
		return err
	}); err != nil {
		t.Fatalf("writing after the failed transactions: %v", err)
	}
	if n := count("parent"); n != 2 {
		t.Errorf("%d parents, want 2", n)
	}

	const open = 20
	var before, during int
	if err := store.ConnTx(st, func(q store.Querier) error {
		before = runtime.NumGoroutine()
		for i := range open {
			// Each its own statement: a statement's rows are read before it runs again.
			rows, err := q.QueryContext(context.Background(), fmt.Sprintf(`SELECT id + %d FROM parent`, i))
			if err != nil {
				return err
			}
			defer rows.Close()
		}
		during = runtime.NumGoroutine()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if during-before >= open/2 {
		t.Errorf("%d goroutines more with %d queries' rows open", during-before, open)
	}
}

// The groups of batches keep the writing connection, with the statements
// prepared on it, from one group to the next while no one else waits for
// it, and give it back, flushing its commits again, once someone does.
func TestWriterIsHeldUntilSomeoneWaits(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	if err := store.HoldWriter(st); err != nil {
		t.Fatal(err)
	}
	insert := func(q store.Querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder`, "held", "test", 0)
		return err
	}
	for range 2 {
		if err := store.HeldTx(st, insert); err != nil {
			t.Fatal(err)
		}
		store.ReleaseWriter(st, true)
		if held, stmts := store.WriterHeld(st); !held || stmts != 1 {
			t.Fatalf("after a group with no one waiting: held %v with %d statements, want held with 1", held, stmts)
		}
	}

	wrote := make(chan error, 1)
	go func() {
		wrote <- store.TxRetried(st, func(tx *sql.Tx) error {
			_, err := tx.Exec(`DELETE FROM job_leases WHERE name = 'held'`)
			return err
		})
	}()
	for store.WriterWaits(st) == 0 {
		runtime.Gosched()
	}
	store.ReleaseWriter(st, true)
	select {
	case err := <-wrote:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a writer waiting for the connection was kept waiting past the group")
	}
	if held, _ := store.WriterHeld(st); held {
		t.Error("the connection is still held after someone waited for it")
	}
	if level, err := store.WriterSynchronous(st); err != nil || level != 2 {
		t.Errorf("the connection given back flushes at level %d (%v), want 2 (FULL)", level, err)
	}
}
