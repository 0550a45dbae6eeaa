// Command databank is the Electronic Data Bank on the Realization of
// Children's Rights: the server and its operator tools.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/scfwca/databank/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	app := &cli.App{Stdout: os.Stdout, Stderr: os.Stderr, Env: os.LookupEnv}
	code := app.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
