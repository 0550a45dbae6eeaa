package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/scfwca/databank/internal/backup"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/correspond"
	"github.com/scfwca/databank/internal/lifecycle"
	"github.com/scfwca/databank/internal/ops"
	"github.com/scfwca/databank/internal/params"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/config"
	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/population"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/server"
	"github.com/scfwca/databank/internal/signature"
	"github.com/scfwca/databank/internal/signer"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/web"
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
	if err := st.Environment(ctx, cfg.Env); err != nil {
		return err
	}
	reg := registry.New(st, a.Now)
	exSrv, exLn, err := a.exchange(st, reg, &cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = "http://" + ln.Addr().String()
	}
	so, err := a.prepareSignOn(ctx, st, &cfg, publicURL, log)
	if err != nil {
		ln.Close()
		return err
	}
	opt := server.Options{Secure: strings.HasPrefix(publicURL, "https://"), Now: a.Now, AccessLogDelay: cfg.AccessLogDelay}
	if so.dev != nil {
		opt.DevIdP, opt.DevIdPPath = so.dev, devIdPPath
	}
	if !cfg.Production {
		// People sign in the demo with a development signer; production
		// needs the national mobile signature's adapter, and until it is
		// plugged in, entry in the e-cabinet is off.
		dev, err := signer.NewDev(a.Now)
		if err != nil {
			return err
		}
		v, err := signature.NewVerifier(dev.Anchors(), nil, a.Now)
		if err != nil {
			return err
		}
		opt.Signing = web.Signing{Signer: dev, Verifier: v, DevPage: "/dev-signer/"}
		opt.DevSigner = dev
	}
	opt.Env = cfg.Env
	opt.PortalURL = cfg.PortalURL
	web := server.New(st, reg, log, opt)
	if err := web.RefreshParams(ctx); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", ln.Addr().String(), "public_url", publicURL)
	if a.Ready != nil {
		a.Ready(ln.Addr().String())
	}
	serveErr := make(chan error, 2)
	go func() { serveErr <- srv.Serve(ln) }()
	if exSrv != nil {
		if a.ExchangeReady != nil {
			a.ExchangeReady(exLn.Addr().String())
		}
		go func() { serveErr <- exSrv.Serve(exLn) }()
	}

	// The background work: each piece stops when bg is cancelled, and
	// the server waits for all of them before it returns.
	bg, stopBackground := context.WithCancel(context.Background())
	var background sync.WaitGroup
	web.SetLogin(so.login)
	demoDone := make(chan struct{})
	background.Go(func() {
		defer close(demoDone)
		if cfg.Demo {
			a.loadDemo(bg, st, reg, cfg.DemoChildren, log)
		}
	})
	auditKey, err := audit.LoadOrCreateKey(cfg.AuditKey)
	if err != nil {
		stopBackground()
		return fmt.Errorf("audit key: %w", err)
	}
	background.Go(func() {
		a.checkpoints(bg, st, auditKey, log)
	})
	// Correspondence: messages stored by other servers (PostgreSQL),
	// reminders of answers due, every minute, and the signals: for the
	// children whose facts arrive, as they arrive, and for every child
	// each night at 02:00 in Baku (and once the demo has loaded).
	srv.RegisterOnShutdown(web.Threads().Shutdown)
	queue := correspond.NewQueue()
	reg.OnStored(queue.Add)
	background.Go(func() {
		go web.Threads().RunSignals(bg, queue, log)
		<-demoDone
		for {
			checked, opened, err := web.Threads().CheckAll(bg)
			if err != nil && bg.Err() == nil {
				log.Warn("signals: the nightly run failed", "err", err)
			} else if err == nil {
				log.Info("signals: checked every child", "children", checked, "threads_opened", opened)
			}
			select {
			case <-bg.Done():
				return
			case <-time.After(untilNext(a.Now(), 2)):
			}
		}
	})
	background.Go(func() {
		web.Threads().Run(bg, log)
	})
	background.Go(func() {
		a.every(bg, time.Minute, func() {
			if _, err := web.Threads().Remind(bg); err != nil {
				log.Warn("correspondence reminders failed", "err", err)
			}
			// The classifiers and parameters another server's
			// administrator changed.
			if err := applyClassifiers(bg, st); err != nil {
				log.Warn("classifiers: cannot apply the operator's changes", "err", err)
			}
			if err := web.RefreshParams(bg); err != nil {
				log.Warn("parameters: cannot read them", "err", err)
			}
		})
	})
	// The archiving at 18 (§1.8): at start, then just after each
	// midnight in Baku; one server of several runs it (a lease).
	background.Go(func() {
		<-demoDone
		arch := lifecycle.NewArchiver(st, a.Now)
		trigger := "start"
		for {
			if run, ran, err := arch.Run(bg, trigger); err != nil && bg.Err() == nil {
				log.Warn("archive: the run failed", "err", err)
			} else if ran {
				log.Info("archive: run", "archived", run.Archived, "closed", run.Closed)
			}
			// The daily e-mail to each body of its overdue appeals.
			if set, err := st.Parameters(bg); err == nil {
				if _, err := lifecycle.OverdueDigest(bg, st, params.Values(set).Get(params.AppealWorkingDays), category.Today(a.Now())); err != nil && bg.Err() == nil {
					log.Warn("appeals: the overdue digest failed", "err", err)
				}
			}
			trigger = "daily"
			select {
			case <-bg.Done():
				return
			case <-time.After(untilNext(a.Now(), 0) + time.Minute):
			}
		}
	})
	// Incidents and intrusion detection: the database's outages (every
	// 15 s), the intrusion rules over the audit stream and the disk (every
	// minute), failed backup checks (below).
	incidents := ops.New(st, a.Now, log, cfg.IncidentWebhook)
	background.Go(func() {
		var outage ops.Outage
		tick := 0
		a.every(bg, 15*time.Second, func() {
			incidents.Check(bg, &outage, st.Ping)
			if tick++; tick%4 != 0 {
				return
			}
			if rules, err := ops.RulesFrom(bg, st); err == nil {
				if _, err := incidents.Watch(bg, rules); err != nil && bg.Err() == nil {
					log.Warn("intrusion watch failed", "err", err)
				}
			}
			if st.Engine() == store.SQLite {
				if err := incidents.DiskSpace(bg, filepath.Dir(cfg.DB)); err != nil && bg.Err() == nil {
					log.Warn("disk check failed", "err", err)
				}
			}
		})
	})
	// Backups on a schedule, by one server of several (a lease).
	background.Go(func() {
		if cfg.Backup.Every <= 0 || cfg.Backup.To == "" {
			return
		}
		opt, err := backupOptions(&cfg, "scheduled", a.Now, log)
		if err != nil {
			log.Error("backup: not scheduled", "err", err)
			return
		}
		host, _ := os.Hostname()
		holder := fmt.Sprintf("%s/%d", host, os.Getpid())
		a.every(bg, cfg.Backup.Every, func() {
			if ok, err := st.AcquireLease(bg, "backup", holder, cfg.Backup.Every/2); err != nil || !ok {
				return
			}
			res, err := backup.Run(bg, st, opt)
			switch {
			case err != nil:
				log.Error("backup: failed", "err", err)
				incidents.Raise(bg, store.Incident{Source: "backup", Severity: "critical", Dedupe: "backup:" + a.Now().UTC().Format("2006010215"),
					Title: "the backup failed", Detail: err.Error()})
			case res.Check != nil:
				incidents.Raise(bg, store.Incident{Source: "backup_check", Severity: "critical", Dedupe: "backup_check:" + res.URL,
					Title: "the restore check of a backup failed", Detail: res.URL + ": " + res.Check.Error()})
			default:
				log.Info("backup: done", "url", res.URL, "bytes", res.Bytes)
			}
		})
	})
	// E-mail notices, through the SMTP server when one is configured.
	background.Go(func() {
		if cfg.SMTPAddr == "" {
			log.Info("mail: no --smtp-addr; e-mail notices wait in the outbox")
			return
		}
		m := lifecycle.NewMailer(st, cfg.SMTPAddr, cfg.SMTPFrom, cfg.SMTPUser, cfg.SMTPPassword, log, a.Now)
		a.every(bg, 2*time.Second, func() {
			if _, err := m.Once(bg); err != nil && bg.Err() == nil {
				log.Warn("mail: the outbox cannot be read", "err", err)
			}
		})
	})
	background.Go(func() {
		web.Background(bg)
	})
	background.Go(func() {
		if exSrv != nil {
			exchange.NewDeliverer(st, log, nil, 2*time.Second, a.Now).Run(bg)
		}
	})

	select {
	case err := <-serveErr:
		stopBackground()
		background.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if exSrv != nil {
		if exErr := exSrv.Shutdown(shutdownCtx); err == nil {
			err = exErr
		}
	}
	stopBackground()
	background.Wait()
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
		if err == nil && !cfg.NoMigrate {
			err = st.SeedParticipants(ctx, participant.Defaults())
		}
		if err == nil {
			err = applyClassifiers(ctx, st)
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

// exchange builds the exchange API's server and listener: mutual TLS
// when configured, the insecure demo mode on loopback when asked (or for
// the demo without TLS), otherwise none.
func (a *App) exchange(st *store.Store, reg *registry.Service, cfg *config.Config, log *slog.Logger) (*http.Server, net.Listener, error) {
	if cfg.ExchangeAddr == "" {
		return nil, nil, nil
	}
	opt := exchange.Options{Now: a.Now}
	var tlsCfg *tls.Config
	switch {
	case cfg.ExchangeTLS():
		v, err := signature.LoadVerifier(cfg.TrustAnchors, cfg.CRLs, a.Now)
		if err != nil {
			return nil, nil, fmt.Errorf("exchange trust anchors: %w", err)
		}
		if tlsCfg, err = exchange.TLSConfig(cfg.TLSCert, cfg.TLSKey); err != nil {
			return nil, nil, err
		}
		opt.Verifier = v
	case cfg.ExchangeInsecure || cfg.Demo:
		if !config.IsLoopback(cfg.ExchangeAddr) {
			return nil, nil, fmt.Errorf("the exchange without TLS is allowed on loopback only, not %s", cfg.ExchangeAddr)
		}
		opt.Insecure = true
		if cfg.TrustAnchors != "" {
			v, err := signature.LoadVerifier(cfg.TrustAnchors, cfg.CRLs, a.Now)
			if err != nil {
				return nil, nil, fmt.Errorf("exchange trust anchors: %w", err)
			}
			opt.Verifier = v
		}
		log.Warn("EXCHANGE RUNS WITHOUT TLS — DEMO ONLY: participants name themselves in X-Participant; never use this in production",
			"addr", cfg.ExchangeAddr, "signatures_checked", opt.Verifier != nil)
	default:
		log.Info("exchange off: give --tls-cert, --tls-key and --trust-anchors (or --exchange-insecure for a demo)")
		return nil, nil, nil
	}
	ln, err := net.Listen("tcp", cfg.ExchangeAddr)
	if err != nil {
		return nil, nil, err
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	log.Info("exchange listening", "addr", ln.Addr().String(), "tls", tlsCfg != nil)
	return &http.Server{
		Handler:           exchange.New(st, reg, log, opt),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second, // a slow client cannot hold a connection for ever
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}, ln, nil
}

// checkpoints signs the head of the audit chain every ten minutes, and
// once more when the server stops.
func (a *App) checkpoints(ctx context.Context, st *store.Store, key *ecdsa.PrivateKey, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if _, err := st.Checkpoint(context.Background(), key); err != nil {
				log.Warn("audit checkpoint at shutdown failed", "err", err)
			}
			return
		case <-t.C:
			if _, err := st.Checkpoint(ctx, key); err != nil {
				log.Warn("audit checkpoint failed", "err", err)
			}
		}
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

// every runs fn every interval until ctx ends.
func (a *App) every(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// untilNext is how long from now until the next given hour in Baku.
func untilNext(now time.Time, hour int) time.Duration {
	b := now.In(category.Baku)
	next := time.Date(b.Year(), b.Month(), b.Day(), hour, 0, 0, 0, category.Baku)
	if !next.After(b) {
		next = next.AddDate(0, 0, 1)
	}
	return next.Sub(now)
}

// signalsCmd runs the signals by hand: signals run evaluates every child.
func (a *App) signalsCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "run" {
		fmt.Fprintln(a.Stderr, "usage: databank signals run [--db ...]")
		return errUsage
	}
	var cfg config.Config
	fs := a.flags("signals run", &cfg)
	if err := a.parse(fs, &cfg, args[1:]); err != nil {
		return err
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	checked, opened, err := correspond.New(st, a.Now, correspond.DefaultLimits).CheckAll(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "checked %d children, opened %d signal threads\n", checked, opened)
	return nil
}

// applyClassifiers makes the operator's changes to the classifiers this
// process's classifiers.
func applyClassifiers(ctx context.Context, st *store.Store) error {
	changes, err := st.ClassifierChanges(ctx)
	if err != nil {
		return err
	}
	return classifier.Apply(changes)
}

// archiveCmd runs the archiving by hand, or lists its runs.
func (a *App) archiveCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "run" && args[0] != "runs") {
		fmt.Fprintln(a.Stderr, "usage: databank archive run|runs [--db ...]")
		return errUsage
	}
	var cfg config.Config
	fs := a.flags("archive "+args[0], &cfg)
	if err := a.parse(fs, &cfg, args[1:]); err != nil {
		return err
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "runs" {
		runs, err := st.ArchiveRuns(ctx, 20)
		if err != nil {
			return err
		}
		for _, r := range runs {
			fmt.Fprintf(a.Stdout, "%d\t%s\t%s\t%s\tarchived %d\tclosed %d\n", r.ID, r.On, r.Trigger, r.Holder, r.Archived, r.Closed)
		}
		return nil
	}
	run, ran, err := lifecycle.NewArchiver(st, a.Now).Run(ctx, "by hand")
	if err != nil {
		return err
	}
	if !ran {
		return fmt.Errorf("another server is running the archiving now; try again in a few minutes")
	}
	fmt.Fprintf(a.Stdout, "run %d on %s: archived %d profiles of children who turned 18, closed %d of children who died\n",
		run.ID, run.On, run.Archived, run.Closed)
	return nil
}
