package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/bench"
	"github.com/scfwca/databank/internal/config"
)

// benchCmd runs the system benchmarks; each figure is printed next to the
// raw engine doing the same work in the same run.
func (a *App) benchCmd(ctx context.Context, args []string) error {
	switch {
	case len(args) == 0 || strings.HasPrefix(args[0], "-"):
		return a.benchAll(ctx, args)
	case args[0] == "ingest":
		return a.benchIngest(ctx, args[1:])
	case args[0] == "correspondence":
		return a.benchCorrespondence(ctx, args[1:])
	case args[0] == "reports":
		return a.benchReports(ctx, args[1:])
	}
	fmt.Fprintln(a.Stderr, "usage: databank bench [--children N] [--db sqlite|postgres://…] [--json FILE] [--cpuprofile FILE]\n"+
		"       databank bench ingest [--children N] [--batch N] [--clients N] [--db sqlite|postgres://…] [--json FILE]\n"+
		"       databank bench correspondence [--clients N] [--messages N] [--rate N] [--db sqlite|postgres://…] [--json FILE]\n"+
		"       databank bench reports [--children N] [--db sqlite|postgres://…] [--json FILE]")
	return errUsage
}

// benchCommand is what the bench commands share: the database flag
// (SQLite by default), a JSON file of the measures, a CPU profile and a
// profile of waits.
type benchCommand struct {
	cfg         config.Config
	fs          *flag.FlagSet
	jsonOut     *string
	cpuProfile  *string
	waitProfile *string
}

func (a *App) benchFlags(name string) *benchCommand {
	b := &benchCommand{}
	b.fs = a.flags(name, &b.cfg)
	b.jsonOut = b.fs.String("json", "", "also write the measures as JSON to this `file`")
	b.cpuProfile = b.fs.String("cpuprofile", "", "write a CPU profile of the run to this `file` (go tool pprof)")
	b.waitProfile = b.fs.String("blockprofile", "", "write a profile of where goroutines waited (channels, locks, the database pool) to this `file` (go tool pprof)")
	b.fs.Lookup("db").Usage = "\"sqlite\" (fresh files in a temporary directory) or the postgres:// URL of a server where the benchmark may create databases"
	b.fs.Set("db", "sqlite")
	return b
}

// runBench parses args, checks them with valid, measures on fresh databases
// under the CPU profile asked for, and prints the measures under the
// heading measure returns, writing them as JSON when asked.
func (a *App) runBench(ctx context.Context, b *benchCommand, args []string, valid func() error,
	measure func(context.Context, *bench.Databases, *slog.Logger) (heading string, ms []bench.Measure, err error)) error {
	if err := a.parse(b.fs, &b.cfg, args); err != nil {
		return err
	}
	if err := valid(); err != nil {
		return err
	}
	dbs, err := bench.NewDatabases(b.cfg.DB)
	if err != nil {
		return err
	}
	defer dbs.Close()
	stop, err := startCPUProfile(*b.cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	stopWaits, err := startWaitProfile(*b.waitProfile)
	if err != nil {
		return err
	}
	heading, ms, err := measure(ctx, dbs, a.logger(&b.cfg))
	if werr := stopWaits(); err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%s, %d CPUs, %s\n", heading, runtime.NumCPU(), runtime.Version())
	bench.Print(a.Stdout, ms)
	return writeMeasures(*b.jsonOut, ms)
}

// benchIngest measures ingestion through the signed exchange API against
// inserting the same facts straight into the engine.
func (a *App) benchIngest(ctx context.Context, args []string) error {
	b := a.benchFlags("bench ingest")
	children := b.fs.Int("children", 5000, "children of the synthetic population to ingest")
	batch := b.fs.Int("batch", 1000, "records per batch")
	clients := b.fs.Int("clients", 8, "concurrent senders")
	valid := func() error {
		if *children < 1 || *batch < 1 || *clients < 1 {
			return fmt.Errorf("--children, --batch and --clients must be at least 1")
		}
		return nil
	}
	return a.runBench(ctx, b, args, valid, func(ctx context.Context, dbs *bench.Databases, log *slog.Logger) (string, []bench.Measure, error) {
		ms, err := bench.Ingest(ctx, dbs, bench.IngestOptions{Children: *children, Seed: 7, Batch: *batch, Clients: *clients}, log)
		return fmt.Sprintf("%d children, batches of %d, %d clients", *children, *batch, *clients), ms, err
	})
}

// benchCorrespondence measures the live delivery of correspondence to
// many connected browsers.
func (a *App) benchCorrespondence(ctx context.Context, args []string) error {
	b := a.benchFlags("bench correspondence")
	clients := b.fs.Int("clients", 1000, "connected browsers")
	messages := b.fs.Int("messages", 200, "messages posted")
	rate := b.fs.Float64("rate", 20, "messages posted a second")
	valid := func() error {
		if *clients < 1 || *messages < 1 || !(*rate > 0) {
			return fmt.Errorf("--clients and --messages must be at least 1 and --rate above 0")
		}
		return nil
	}
	return a.runBench(ctx, b, args, valid, func(ctx context.Context, dbs *bench.Databases, log *slog.Logger) (string, []bench.Measure, error) {
		ms, err := bench.Correspondence(ctx, dbs, bench.CorrespondenceOptions{Clients: *clients, Messages: *messages, Rate: *rate}, log)
		return fmt.Sprintf("%d clients, %d messages at %.0f/s", *clients, *messages, *rate), ms, err
	})
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

// startWaitProfile records where goroutines wait, every wait of a
// microsecond or more, until stop writes the profile to path. What the CPU
// profile cannot show: a read that is slow while the processor is idle
// waits for something, a lock, a channel, a connection of the pool.
func startWaitProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	runtime.SetBlockProfileRate(int(time.Microsecond))
	return func() error {
		runtime.SetBlockProfileRate(0)
		defer f.Close()
		return pprof.Lookup("block").WriteTo(f, 0)
	}, nil
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
