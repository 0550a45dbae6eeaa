package cli

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/scfwca/databank/internal/bench"
)

// benchReports measures the report builder's cross-tab over a large
// synthetic population against the bare SQL doing the same aggregation.
func (a *App) benchReports(ctx context.Context, args []string) error {
	b := a.benchFlags("bench reports")
	children := b.fs.Int("children", 1000000, "active children of the synthetic population (a twentieth as many archived ones are added)")
	runs := b.fs.Int("runs", 3, "timed runs of each query after a warm-up; the best is kept")
	valid := func() error {
		if *children < 1 || *runs < 1 {
			return fmt.Errorf("--children and --runs must be at least 1")
		}
		return nil
	}
	return a.runBench(ctx, b, args, valid, func(ctx context.Context, dbs *bench.Databases, log *slog.Logger) (string, []bench.Measure, error) {
		ms, err := bench.Reports(ctx, dbs, bench.ReportsOptions{Children: *children, Seed: 7, Runs: *runs}, log)
		return fmt.Sprintf("%d children", *children), ms, err
	})
}
