package cli

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/config"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/population"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/server"
	"github.com/scfwca/databank/internal/store"
)

// demoSeed makes every demo the same population.
const demoSeed = 2025

// serve runs the server until ctx is cancelled (SIGINT or SIGTERM), then
// shuts down in order: stop accepting, finish requests, stop background
// work, close the database.
func (a *App) serve(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("serve", &cfg)
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	log := a.logger(&cfg)
	st, err := store.Open(cfg.DB, store.Options{Now: a.Now})
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("starting", "config", cfg.String(), "engine", st.Engine())

	// A database that is down at start is waited for, with the server
	// answering 503 meanwhile; one that is not ours, is corrupt or has a
	// newer schema stops the start with a message that says so.
	if err := a.prepare(ctx, st, &cfg, log); err != nil {
		return err
	}
	reg := registry.New(st, a.Now)
	srv := &http.Server{
		Handler:           server.New(st, reg, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String())
	if a.Ready != nil {
		a.Ready(ln.Addr().String())
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	bg, stopBackground := context.WithCancel(context.Background())
	demoDone := make(chan struct{})
	go func() {
		defer close(demoDone)
		if cfg.Demo {
			a.loadDemo(bg, st, reg, cfg.DemoChildren, log)
		}
	}()

	select {
	case err := <-serveErr:
		stopBackground()
		<-demoDone
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	stopBackground()
	<-demoDone
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// prepare migrates the database (unless told not to) and checks its
// schema, waiting while the database is unavailable.
func (a *App) prepare(ctx context.Context, st *store.Store, cfg *config.Config, log *slog.Logger) error {
	wait := time.Second
	for {
		var err error
		if !cfg.NoMigrate {
			err = st.Migrate(ctx, log)
		}
		if err == nil {
			err = st.CheckSchema(ctx)
		}
		if err == nil || !fault.Is(err, fault.Unavailable) {
			return err
		}
		log.Warn("database unavailable; retrying", "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// loadDemo loads a synthetic population into an empty database, while the
// server already answers.
func (a *App) loadDemo(ctx context.Context, st *store.Store, reg *registry.Service, children int, log *slog.Logger) {
	n, err := st.Count(ctx)
	if err != nil {
		log.Error("demo: cannot count children", "err", err)
		return
	}
	if n.Children > 0 {
		log.Info("demo: database already holds children; not loading", "children", n.Children)
		return
	}
	start := time.Now()
	log.Info("demo: loading synthetic population", "children", children)
	opt := population.Options{Children: children, Seed: demoSeed, Today: category.Today(a.Now())}
	last := time.Now()
	err = population.Load(ctx, reg, opt, func(done int) {
		if time.Since(last) > 5*time.Second {
			log.Info("demo: loading", "children", done)
			last = time.Now()
		}
	})
	if err != nil {
		log.Error("demo: loading failed", "err", err)
		return
	}
	log.Info("demo: loaded", "children", children, "took", time.Since(start).Round(time.Millisecond))
}
