// Package bench measures the Data Bank as a whole, each figure next to the
// raw database engine doing the same work in the same run, so that our
// own cost on top of the engine is visible.
package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/scfwca/databank/internal/store"
)

// Measure is one figure of a benchmark.
type Measure struct {
	Name     string   `json:"name"`
	Value    float64  `json:"value"`
	Unit     string   `json:"unit"`
	Baseline *float64 `json:"baseline,omitempty"`
	Ratio    *float64 `json:"ratio,omitempty"`
}

// Against sets the measure's baseline and the ratio of value to it.
func (m *Measure) Against(baseline float64) {
	m.Baseline = &baseline
	r := m.Value / baseline
	m.Ratio = &r
}

// Print writes measures as a table.
func Print(w io.Writer, ms []Measure) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "measure\tvalue\tunit\tbaseline\tratio\t")
	for _, m := range ms {
		base, ratio := "", ""
		if m.Baseline != nil {
			base = fmt.Sprintf("%.1f", *m.Baseline)
			ratio = fmt.Sprintf("%.1f%%", *m.Ratio*100)
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t%s\t%s\t\n", m.Name, m.Value, m.Unit, base, ratio)
	}
	tw.Flush()
}

// Databases hands out fresh databases for a run: SQLite files in a
// temporary directory, or databases created on a PostgreSQL server and
// dropped afterwards.
type Databases struct {
	pgURL   string
	dir     string
	created map[string]string // PostgreSQL: the database created for each name
}

// NewDatabases prepares fresh databases on the engine a --db value names:
// a postgres:// URL of a server where databases may be created, or
// anything else for SQLite.
func NewDatabases(db string) (*Databases, error) {
	d := &Databases{}
	if store.IsPostgres(db) {
		d.pgURL = db
	}
	dir, err := os.MkdirTemp("", "databank-bench-")
	if err != nil {
		return nil, err
	}
	d.dir = dir
	return d, nil
}

// Dir is the run's temporary directory: the SQLite files, and what the
// run spools.
func (d *Databases) Dir() string { return d.dir }

// Open returns a fresh, migrated store.
func (d *Databases) Open(ctx context.Context, name string) (*store.Store, error) {
	dsn := filepath.Join(d.dir, name+".db")
	if d.pgURL != "" {
		admin, err := sql.Open("pgx", d.pgURL)
		if err != nil {
			return nil, err
		}
		defer admin.Close()
		b := make([]byte, 4)
		rand.Read(b)
		db := "databank_bench_" + name + "_" + hex.EncodeToString(b)
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+db); err != nil {
			return nil, fmt.Errorf("creating a benchmark database: %w", err)
		}
		if d.created == nil {
			d.created = map[string]string{}
		}
		d.created[name] = db
		u, err := url.Parse(d.pgURL)
		if err != nil {
			return nil, err
		}
		u.Path = "/" + db
		dsn = u.String()
	}
	st, err := store.Open(dsn, store.Options{})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// Drop removes the database Open gave under name, whose store must be
// closed. The raw baseline's database goes as soon as it is measured: its
// gigabytes, just written, would otherwise be flushed to the disk and
// crowd the system's page cache while the registry's reads are timed,
// which a server would not have beside it.
func (d *Databases) Drop(name string) error {
	if d.pgURL == "" {
		var first error
		for _, suffix := range []string{"", "-wal", "-shm"} {
			err := os.Remove(filepath.Join(d.dir, name+".db"+suffix))
			if err != nil && !errors.Is(err, fs.ErrNotExist) && first == nil {
				first = err
			}
		}
		return first
	}
	db, ok := d.created[name]
	if !ok {
		return nil
	}
	admin, err := sql.Open("pgx", d.pgURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.Exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"); err != nil {
		return err
	}
	delete(d.created, name)
	return nil
}

// Close removes the databases.
func (d *Databases) Close() {
	if d.dir != "" {
		os.RemoveAll(d.dir)
	}
	for name := range d.created {
		d.Drop(name)
	}
}
