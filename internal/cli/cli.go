// Package cli is the databank command: its subcommands, how they read
// their configuration, and how they start and stop the server.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/config"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/store"
)

// App runs the databank command. Tests run it in-process with their own
// streams, environment and clock.
type App struct {
	Stdout, Stderr io.Writer
	Env            config.Env
	Now            func() time.Time
	// Ready, when set, receives the server's listen address once it
	// accepts connections; ExchangeReady the exchange API's.
	Ready, ExchangeReady func(addr string)
}

type command struct {
	summary string
	run     func(a *App, ctx context.Context, args []string) error
}

// commands is the table of subcommands.
var commands = map[string]command{
	"serve":       {"run the Data Bank server", (*App).serve},
	"migrate":     {"apply database migrations", (*App).migrate},
	"generate":    {"load a synthetic population", (*App).generate},
	"profile":     {"print a child's profile as JSON", (*App).profile},
	"candidates":  {"list children that may be one child", (*App).candidates},
	"merge":       {"merge two children into one (operator)", (*App).merge},
	"split":       {"undo a merge (operator)", (*App).split},
	"audit":       {"verify the audit log: audit verify", (*App).audit},
	"participant": {"list participants, bind a certificate: participant list | bind CODE --cert F", (*App).participant},
	"submit":      {"sign a batch file and send it to the exchange", (*App).submit},
	"simulate":    {"play every participant as live traffic against an exchange", (*App).simulate},
	"bench":       {"measure against the raw engine: bench ingest", (*App).benchCmd},
	"staff":       {"register staff with organisations and grant rights (console)", (*App).staff},
	"person":      {"suspend or restore a person's access: person suspend|resume FIN", (*App).person},
	"signals":     {"evaluate the signal rules for every child: signals run", (*App).signalsCmd},
	"backup":      {"back up to file:///DIR or s3://BUCKET/PREFIX, encrypted, and check the copy", (*App).backupCmd},
	"restore":     {"restore a backup into an empty database: restore --from URL --db …", (*App).restoreCmd},
	"archive":     {"archive the profiles of children who turned 18: archive run | runs", (*App).archiveCmd},
}

// Run runs the command line args (without the program name) and returns
// the exit code.
func (a *App) Run(ctx context.Context, args []string) int {
	if a.Now == nil {
		a.Now = time.Now
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		a.usage()
		return 2
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(a.Stderr, "databank: unknown command %q\n", args[0])
		a.usage()
		return 2
	}
	err := cmd.run(a, ctx, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 2
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(a.Stderr, "databank %s: %s\n", args[0], describe(err))
	return 1
}

var errUsage = errors.New("usage")

// describe returns what to tell a person about an error: the translated
// message where there is one, then the cause.
func describe(err error) string {
	var b strings.Builder
	if msg, ok := fault.MessageOf(err); ok {
		b.WriteString(msg.In(i18n.EN))
		b.WriteString(": ")
	}
	b.WriteString(err.Error())
	for _, f := range fault.FieldsOf(err) {
		fmt.Fprintf(&b, "\n  %s: %s (%s)", f.Field, f.Message.EN, f.Code)
	}
	return b.String()
}

func (a *App) usage() {
	fmt.Fprintln(a.Stderr, "usage: databank COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(a.Stderr, "  %-11s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(a.Stderr, "\nRun databank COMMAND -h for its flags.")
}

// flags returns a flag set for a subcommand with the database settings.
func (a *App) flags(name string, cfg *config.Config) *flag.FlagSet {
	fs := flag.NewFlagSet("databank "+name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	if name == "serve" {
		cfg.ServeFlags(fs, a.Env)
	} else {
		cfg.DBFlags(fs, a.Env)
	}
	return fs
}

// parse parses args, then the configuration the environment completes.
func (a *App) parse(fs *flag.FlagSet, cfg *config.Config, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	return cfg.Load(fs, a.Env)
}

func (a *App) logger(cfg *config.Config) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(a.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.Stderr, opts))
}

// openStore opens the database and checks that its schema is current.
func (a *App) openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	st, err := store.Open(cfg.DB, store.Options{Now: a.Now})
	if err != nil {
		return nil, err
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	if err := applyClassifiers(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func (a *App) migrate(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("migrate", &cfg)
	dry := fs.Bool("dry-run", false, "print the migrations the database lacks and their SQL; apply nothing")
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	st, err := store.Open(cfg.DB, store.Options{Now: a.Now})
	if err != nil {
		return err
	}
	defer st.Close()
	if *dry {
		pending, err := st.PendingMigrations(ctx)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			fmt.Fprintln(a.Stdout, "nothing to apply: the schema is current")
			return nil
		}
		for _, m := range pending {
			fmt.Fprintf(a.Stdout, "-- would apply %04d_%s\n%s\n", m.Version, m.Name, strings.TrimSpace(m.SQL))
		}
		return nil
	}
	if err := st.Migrate(ctx, a.logger(&cfg)); err != nil {
		return err
	}
	if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
		return err
	}
	v, err := st.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "schema at version %d\n", v)
	return nil
}
