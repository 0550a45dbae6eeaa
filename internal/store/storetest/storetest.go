// Package storetest gives tests fresh, migrated Data Bank databases: a
// SQLite file always, and a PostgreSQL database when the environment
// variable DATABANK_TEST_POSTGRES holds the URL of a server to create
// them on.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/store"
)

// PostgresEnv names the variable holding the URL of a PostgreSQL server
// for tests.
const PostgresEnv = "DATABANK_TEST_POSTGRES"

// Engines returns the engines tests run on here.
func Engines() []store.Engine {
	if os.Getenv(PostgresEnv) != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

// Each runs fn as a subtest once per engine, each with a fresh migrated
// store whose clock is now.
func Each(t *testing.T, now func() time.Time, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e, now))
		})
	}
}

// Open returns a fresh migrated store on engine, closed and dropped when
// the test ends.
func Open(t testing.TB, e store.Engine, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(DSN(t, e), store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background(), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	return st
}

// DSN returns the name of a fresh, empty database on engine, removed when
// the test ends.
func DSN(t testing.TB, e store.Engine) string {
	t.Helper()
	if e == store.SQLite {
		return filepath.Join(t.TempDir(), "databank.db")
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip(PostgresEnv + " is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "databank_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("creating a test database on %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
