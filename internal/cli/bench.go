package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"

	"github.com/scfwca/databank/internal/bench"
	"github.com/scfwca/databank/internal/config"
)

// benchCmd runs the system benchmarks; each figure is printed next to the
// raw engine doing the same work in the same run.
func (a *App) benchCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return a.benchAll(ctx, args)
	}
	if len(args) > 0 && args[0] == "correspondence" {
		return a.benchCorrespondence(ctx, args[1:])
	}
	if len(args) > 0 && args[0] == "reports" {
		return a.benchReports(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "ingest" {
		fmt.Fprintln(a.Stderr, "usage: databank bench ingest [--children N] [--batch N] [--clients N] [--db sqlite|postgres://…] [--json FILE]\n"+
			"       databank bench correspondence [--clients N] [--messages N] [--rate N] [--db sqlite|postgres://…] [--json FILE]\n"+
			"       databank bench reports [--children N] [--db sqlite|postgres://…] [--json FILE]")
		return errUsage
	}
	var cfg config.Config
	fs := a.flags("bench ingest", &cfg)
	children := fs.Int("children", 5000, "children of the synthetic population to ingest")
	batch := fs.Int("batch", 1000, "records per batch")
	clients := fs.Int("clients", 2, "concurrent senders")
	jsonOut := fs.String("json", "", "also write the measures as JSON to this `file`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this `file` (go tool pprof)")
	fs.Lookup("db").Usage = "\"sqlite\" (fresh files in a temporary directory) or the postgres:// URL of a server where the benchmark may create databases"
	if err := fs.Set("db", "sqlite"); err != nil {
		return err
	}
	if err := a.parse(fs, &cfg, args[1:]); err != nil {
		return err
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
	ms, err := bench.Ingest(ctx, dbs, bench.IngestOptions{Children: *children, Seed: 7, Batch: *batch, Clients: *clients}, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%d children, batches of %d, %d clients, %d CPUs, %s\n", *children, *batch, *clients, runtime.NumCPU(), runtime.Version())
	bench.Print(a.Stdout, ms)
	return writeMeasures(*jsonOut, ms)
}

// benchCorrespondence measures the live delivery of correspondence to
// many connected browsers.
func (a *App) benchCorrespondence(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("bench correspondence", &cfg)
	clients := fs.Int("clients", 1000, "connected browsers")
	messages := fs.Int("messages", 200, "messages posted")
	rate := fs.Float64("rate", 20, "messages posted a second")
	jsonOut := fs.String("json", "", "also write the measures as JSON to this `file`")
	fs.Lookup("db").Usage = "\"sqlite\" (a fresh file in a temporary directory) or the postgres:// URL of a server where the benchmark may create a database"
	if err := fs.Set("db", "sqlite"); err != nil {
		return err
	}
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	if *clients < 1 || *messages < 1 || *rate <= 0 {
		return fmt.Errorf("--clients and --messages must be at least 1 and --rate above 0")
	}
	dbs, err := bench.NewDatabases(cfg.DB)
	if err != nil {
		return err
	}
	defer dbs.Close()
	ms, err := bench.Correspondence(ctx, dbs, bench.CorrespondenceOptions{Clients: *clients, Messages: *messages, Rate: *rate}, a.logger(&cfg))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%d clients, %d messages at %.0f/s, %d CPUs, %s\n", *clients, *messages, *rate, runtime.NumCPU(), runtime.Version())
	bench.Print(a.Stdout, ms)
	return writeMeasures(*jsonOut, ms)
}

// startCPUProfile writes a CPU profile to path (none when path is empty)
// until the returned stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeMeasures writes the measures as JSON to path, when one is given.
func writeMeasures(path string, ms []bench.Measure) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(ms, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
