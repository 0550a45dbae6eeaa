package store

import (
	"context"
	"slices"
	"testing"
)

func TestRewritePositional(t *testing.T) {
	for _, c := range []struct {
		in, want string
		from     []int
	}{
		{`SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`, `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`, nil},
		{`SELECT 1`, `SELECT 1`, nil},
		// Used twice, or out of order: each ? is told its argument.
		{`SELECT a FROM t WHERE (f = $1 OR m = $1) AND x > $2`, `SELECT a FROM t WHERE (f = ? OR m = ?) AND x > ?`, []int{0, 0, 1}},
		{`UPDATE t SET a = $2 WHERE id = $1`, `UPDATE t SET a = ? WHERE id = ?`, []int{1, 0}},
		{`SELECT $10, $9`, `SELECT ?, ?`, []int{9, 8}},
		// Not placeholders: in literals, quoted names and comments, or a
		// $ without digits.
		{`SELECT '$1', 'it''s $2', "$3", $1 -- $4` + "\n" + `/* $5 */ , $2, $x`, `SELECT '$1', 'it''s $2', "$3", ? -- $4` + "\n" + `/* $5 */ , ?, $x`, nil},
	} {
		p := rewritePositional(c.in)
		if p.query != c.want || !slices.Equal(p.from, c.from) {
			t.Errorf("rewritePositional(%q) = %q %v, want %q %v", c.in, p.query, p.from, c.want, c.from)
		}
	}
	p := rewritePositional(`SELECT $2, $1`)
	if got, err := p.args([]any{"a", "b"}); err != nil || !slices.Equal(got, []any{"b", "a"}) {
		t.Errorf("args = %v, %v; want [b a]", got, err)
	}
	if _, err := p.args([]any{"a"}); err == nil {
		t.Error("a missing argument was not refused")
	}
}

// TestCachedStatementsTakeArgumentsByNumber runs statements whose $N are
// repeated and out of order through the statement caches, which prepare
// them with anonymous placeholders: each must still take the argument its
// number names.
func TestCachedStatementsTakeArgumentsByNumber(t *testing.T) {
	db, c := openCached(t)
	ctx := context.Background()
	if _, err := c.ExecContext(ctx, `CREATE TABLE t (a TEXT, b TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, `INSERT INTO t (b, a) VALUES ($2, $1)`, "first", "second"); err != nil {
		t.Fatal(err)
	}
	var a, b string
	if err := c.QueryRowContext(ctx, `SELECT a, b FROM t WHERE a = $1 OR b = $1`, "first").Scan(&a, &b); err != nil || a != "first" || b != "second" {
		t.Fatalf("row = %q %q, %v; want first second", a, b, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	q := &cachedTx{tx: tx, store: c, stmts: map[string]*cachedStmt{}}
	for range 2 { // prepared for the transaction, then taken from it
		if _, err := q.ExecContext(ctx, `UPDATE t SET b = $2 || $2 WHERE a = $1`, "first", "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.QueryRowContext(ctx, `SELECT b FROM t WHERE a = $1`, "first").Scan(&b); err != nil || b != "xx" {
		t.Fatalf("b = %q, %v; want xx", b, err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE t SET b = $2 WHERE a = $1`, "first"); err == nil {
		t.Error("a statement short of an argument ran")
	}
}
