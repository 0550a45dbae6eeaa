package cli

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/scfwca/databank/internal/bench"
	"github.com/scfwca/databank/internal/config"
	"github.com/scfwca/databank/internal/store"
)

// benchAll is `databank bench` with no measure named: one population, and
// every figure of the national-scale benchmark on it, each beside the raw
// engine where there is one.
func (a *App) benchAll(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("bench", &cfg)
	children := fs.Int("children", 1000000, "children of the synthetic population")
	batch := fs.Int("batch", 1000, "records per batch")
	clients := fs.Int("clients", 2, "concurrent senders")
	readers := fs.Int("readers", 50, "concurrent clients reading profiles")
	reads := fs.Int("reads", 5000, "profile reads by FIN in each read measure")
	readRate := fs.Float64("read-rate", 500, "reads per second the readers offer together in the latency measure")
	searches := fs.Int("searches", 200, "searches by name and region")
	fanout := fs.Int("fanout", 1000, "browsers following a thread for the fan-out measure")
	jsonOut := fs.String("json", "", "also write the measures as JSON to this `file`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this `file` (go tool pprof)")
	fs.Lookup("db").Usage = "\"sqlite\" (fresh files in a temporary directory) or the postgres:// URL of a server where the benchmark may create databases"
	if err := fs.Set("db", "sqlite"); err != nil {
		return err
	}
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	if *children < 1 || *reads < 1 || *readers < 1 || *fanout < 1 {
		return fmt.Errorf("--children, --reads, --readers and --fanout must be at least 1")
	}
	if !(*readRate > 0) {
		return fmt.Errorf("--read-rate must be above 0")
	}
	dbs, err := bench.NewDatabases(cfg.DB)
	if err != nil {
		return err
	}
	defer dbs.Close()
	log := a.logger(&cfg)
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	start := time.Now()
	opt := bench.RunOptions{
		IngestOptions: bench.IngestOptions{Children: *children, Seed: 7, Batch: *batch, Clients: *clients},
		ReadOptions:   bench.ReadOptions{Reads: *reads, Readers: *readers, Rate: *readRate, Searches: *searches},
	}
	ms, err := bench.Run(ctx, dbs, opt, log, func(ctx context.Context, st *store.Store) ([]bench.Measure, error) {
		return benchCrossTab(ctx, st)
	})
	if err != nil {
		return err
	}
	fan, err := bench.Correspondence(ctx, dbs, bench.CorrespondenceOptions{Clients: *fanout, Messages: 100, Rate: 20}, log)
	if err != nil {
		return err
	}
	ms = append(ms, fan...)
	fmt.Fprintf(a.Stdout, "%d children, %d CPUs, %s, %s, in %s\n", *children, runtime.NumCPU(), runtime.Version(),
		time.Now().UTC().Format("2006-01-02"), time.Since(start).Round(time.Second))
	bench.Print(a.Stdout, ms)
	return writeMeasures(*jsonOut, ms)
}

// benchCrossTab times the region × age band × category cross-tab on the
// ingested population, through the reports engine and as bare SQL.
func benchCrossTab(ctx context.Context, st *store.Store) ([]bench.Measure, error) {
	m, err := bench.CrossTab(ctx, st, 3)
	if err != nil {
		return nil, err
	}
	return []bench.Measure{m}, nil
}
