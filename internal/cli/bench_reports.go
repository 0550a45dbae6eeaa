package cli

import (
	"context"
	"fmt"
	"runtime"

	"github.com/scfwca/databank/internal/bench"
	"github.com/scfwca/databank/internal/config"
)

// benchReports measures the report builder's cross-tab over a large
// synthetic population against the bare SQL doing the same aggregation.
func (a *App) benchReports(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("bench reports", &cfg)
	children := fs.Int("children", 1000000, "active children of the synthetic population (a twentieth as many archived ones are added)")
	runs := fs.Int("runs", 3, "timed runs of each query after a warm-up; the best is kept")
	jsonOut := fs.String("json", "", "also write the measures as JSON to this `file`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this `file` (go tool pprof)")
	fs.Lookup("db").Usage = "\"sqlite\" (a fresh file in a temporary directory) or the postgres:// URL of a server where the benchmark may create a database"
	if err := fs.Set("db", "sqlite"); err != nil {
		return err
	}
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	if *children < 1 || *runs < 1 {
		return fmt.Errorf("--children and --runs must be at least 1")
	}
	dbs, err := bench.NewDatabases(cfg.DB)
	if err != nil {
		return err
	}
	defer dbs.Close()
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	ms, err := bench.Reports(ctx, dbs, bench.ReportsOptions{Children: *children, Seed: 7, Runs: *runs}, a.logger(&cfg))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%d children, %d CPUs, %s\n", *children, runtime.NumCPU(), runtime.Version())
	bench.Print(a.Stdout, ms)
	return writeMeasures(*jsonOut, ms)
}
