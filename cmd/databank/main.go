// Command databank is the Electronic Data Bank on the Realization of
// Children's Rights: the server and its operator tools.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/scfwca/databank/internal/cli"
)

func main() {
	tuneCollector(os.LookupEnv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	app := &cli.App{Stdout: os.Stdout, Stderr: os.Stderr, Env: os.LookupEnv}
	code := app.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// The garbage collector's settings, unless GOGC or GOMEMLIMIT say
// otherwise. The server keeps little on its heap — about 6 MiB live while
// it serves profile reads, its databases' caches being outside it — and at
// Go's default of collecting whenever the heap has doubled it collected
// three to four times a second at 500 reads a second, each time taking one
// of a small server's two cores for the marking. Collecting when the heap
// has grown fivefold, but before it passes a bound far under the
// server's memory, cut the collections fourfold (see the README's
// benchmark notes).
const (
	gcPercent   = 400
	memoryLimit = 768 << 20
)

// tuneCollector applies the collector's settings that the environment
// does not set.
func tuneCollector(lookup func(string) (string, bool)) {
	if _, set := lookup("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	if _, set := lookup("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
}
