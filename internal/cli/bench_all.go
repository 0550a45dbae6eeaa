package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/scfwca/databank/internal/bench"
	"github.com/scfwca/databank/internal/store"
)

// benchAll is `databank bench` with no measure named: one population, and
// every figure of the national-scale benchmark on it, each beside the raw
// engine where there is one.
func (a *App) benchAll(ctx context.Context, args []string) error {
	b := a.benchFlags("bench")
	children := b.fs.Int("children", 1000000, "children of the synthetic population")
	batch := b.fs.Int("batch", 1000, "records per batch")
	clients := b.fs.Int("clients", 8, "concurrent senders")
	readers := b.fs.Int("readers", 50, "concurrent clients reading profiles")
	reads := b.fs.Int("reads", 20000, "profile reads by FIN in each read measure")
	readRate := b.fs.Float64("read-rate", 500, "reads per second the readers offer together in the latency measure")
	searches := b.fs.Int("searches", 200, "searches by name and region")
	fanout := b.fs.Int("fanout", 1000, "browsers following a thread for the fan-out measure")
	valid := func() error {
		if *children < 1 || *batch < 1 || *clients < 1 || *reads < 1 || *readers < 1 || *fanout < 1 {
			return fmt.Errorf("--children, --batch, --clients, --reads, --readers and --fanout must be at least 1")
		}
		if !(*readRate > 0) {
			return fmt.Errorf("--read-rate must be above 0")
		}
		return nil
	}
	return a.runBench(ctx, b, args, valid, func(ctx context.Context, dbs *bench.Databases, log *slog.Logger) (string, []bench.Measure, error) {
		start := time.Now()
		opt := bench.RunOptions{
			IngestOptions: bench.IngestOptions{Children: *children, Seed: 7, Batch: *batch, Clients: *clients},
			ReadOptions:   bench.ReadOptions{Reads: *reads, Readers: *readers, Rate: *readRate, Searches: *searches},
		}
		ms, err := bench.Run(ctx, dbs, opt, log, func(ctx context.Context, st *store.Store) ([]bench.Measure, error) {
			return benchCrossTab(ctx, st)
		})
		if err != nil {
			return "", nil, err
		}
		fan, err := bench.Correspondence(ctx, dbs, bench.CorrespondenceOptions{Clients: *fanout, Messages: 100, Rate: 20}, log)
		if err != nil {
			return "", nil, err
		}
		heading := fmt.Sprintf("%d children, %s, in %s", *children, time.Now().UTC().Format("2006-01-02"), time.Since(start).Round(time.Second))
		return heading, append(ms, fan...), nil
	})
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
