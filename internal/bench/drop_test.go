package bench_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/scfwca/databank/internal/bench"
	"github.com/scfwca/databank/internal/store"
)

// TestDropRemovesOneDatabase drops the raw baseline's database as the
// ingestion benchmark does once it is measured, and leaves the others.
func TestDropRemovesOneDatabase(t *testing.T) {
	engines := map[string]string{"sqlite": "sqlite"}
	if pg := os.Getenv("DATABANK_TEST_POSTGRES"); pg != "" {
		engines["postgres"] = pg
	}
	for label, engine := range engines {
		t.Run(label, func(t *testing.T) {
			ctx := context.Background()
			dbs, err := bench.NewDatabases(engine)
			if err != nil {
				t.Fatal(err)
			}
			defer dbs.Close()
			kept, err := dbs.Open(ctx, "api")
			if err != nil {
				t.Fatal(err)
			}
			defer kept.Close()
			raw, err := dbs.Open(ctx, "raw")
			if err != nil {
				t.Fatal(err)
			}
			var name string
			if raw.Engine() == store.Postgres {
				if err := raw.DB().QueryRowContext(ctx, `SELECT current_database()`).Scan(&name); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := raw.DB().ExecContext(ctx, `INSERT INTO children (created_at) VALUES (1)`); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			if err := dbs.Drop("raw"); err != nil {
				t.Fatal(err)
			}

			if name == "" {
				for _, f := range []string{"raw.db", "raw.db-wal", "raw.db-shm"} {
					if _, err := os.Stat(filepath.Join(dbs.Dir(), f)); !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("%s after Drop: %v, want it gone", f, err)
					}
				}
			} else {
				admin, err := sql.Open("pgx", engine)
				if err != nil {
					t.Fatal(err)
				}
				defer admin.Close()
				var n int
				if err := admin.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("database %s still there after Drop", name)
				}
			}
			var n int
			if err := kept.DB().QueryRowContext(ctx, `SELECT count(*) FROM children`).Scan(&n); err != nil {
				t.Errorf("the other database after Drop: %v", err)
			}
		})
	}
}
