package bench_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/scfwca/databank/internal/bench"
	"github.com/scfwca/databank/internal/store"
)

// TestRunMeasuresEveryFigure runs a small national-scale run and checks
// that each figure is there, is plausible, and that the reads went
// through the policy and the audit (one entry each).
func TestRunMeasuresEveryFigure(t *testing.T) {
	dbs, err := bench.NewDatabases("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer dbs.Close()
	const reads, readers, searches = 24, 4, 6
	var audited, searched int
	opt := bench.RunOptions{
		IngestOptions: bench.IngestOptions{Children: 40, Seed: 3, Batch: 50, Clients: 2},
		ReadOptions:   bench.ReadOptions{Reads: reads, Readers: readers, Rate: 400, Searches: searches},
	}
	ms, err := bench.Run(context.Background(), dbs, opt, slog.New(slog.NewTextHandler(io.Discard, nil)),
		func(ctx context.Context, st *store.Store) ([]bench.Measure, error) {
			for _, q := range []struct {
				action string
				n      *int
			}{{"profile.read", &audited}, {"child.search", &searched}} {
				if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = $1`, q.action).Scan(q.n); err != nil {
					return nil, err
				}
			}
			return []bench.Measure{{Name: "extra", Value: 1, Unit: "x"}}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]bench.Measure{}
	for _, m := range ms {
		key, _, _ := strings.Cut(m.Name, " (")
		byName[key] = m
	}
	for _, name := range []string{"ingest", "profile read p50", "profile read p95", "profile read p99",
		"profile reads at saturation", "profile read p99 at saturation"} {
		m, ok := byName[name]
		if !ok {
			t.Fatalf("no %q measure in %+v", name, ms)
		}
		if m.Value <= 0 || m.Baseline == nil || *m.Baseline <= 0 || m.Ratio == nil {
			t.Errorf("%s: value %v baseline %v: want both positive", name, m.Value, m.Baseline)
		}
	}
	if p50, p99 := byName["profile read p50"].Value, byName["profile read p99"].Value; p50 > p99 {
		t.Errorf("p50 %v ms above p99 %v ms", p50, p99)
	}
	if m := byName["search by folded name + region p95"]; m.Value <= 0 {
		t.Errorf("search p95 = %v", m.Value)
	}
	if m := byName["peak resident memory"]; m.Value <= 0 {
		t.Errorf("peak memory = %v MiB", m.Value)
	}
	if _, ok := byName["extra"]; !ok {
		t.Error("the measures of the after hook are missing")
	}
	// Every child read once before the clock (and at least four reads per
	// client, to open the connections), then the reads of the paced
	// measure and of the saturation measure.
	if want := max(reads, 4*readers) + 2*reads; audited != want {
		t.Errorf("%d profile reads audited, want %d (one per read)", audited, want)
	}
	if searched != searches {
		t.Errorf("%d searches audited, want %d", searched, searches)
	}
}
