package bench_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/scfwca/databank/internal/bench"
)

// TestReports runs the report benchmark on a small population: the
// engine and the bare SQL must agree on every cell (Reports checks it),
// and both figures are there.
func TestReports(t *testing.T) {
	dbs, err := bench.NewDatabases("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer dbs.Close()
	ms, err := bench.Reports(context.Background(), dbs, bench.ReportsOptions{Children: 3000, Seed: 1, Runs: 1}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Value <= 0 || ms[1].Baseline == nil || ms[1].Unit != "ms" {
		t.Errorf("measures = %+v", ms)
	}
}
