// Package server is the Data Bank's HTTP surface: the route table, the
// middleware every request passes, the mapping of domain errors to problem
// answers, and the operations endpoints.
package server

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scfwca/databank/internal/correspond"
	"github.com/scfwca/databank/internal/ecabinet"
	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/oidclogin"
	"github.com/scfwca/databank/internal/params"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/ratelimit"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/web"
)

// Server holds what the handlers need.
type Server struct {
	store    *store.Store
	registry *registry.Service
	cabinets *ecabinet.Service
	log      *slog.Logger
	metrics  *metrics
	auth     authState
	devIdP   http.Handler
	devPath  string
	handler  http.Handler

	accessLogDelay time.Duration // as configured; the operator's parameter overrides it
	params         atomic.Pointer[params.Values]
	logins         *ratelimit.Limiter // per client address
	reads          *ratelimit.Limiter // per person
	web            *web.Handler
	devSigner      http.Handler
	signing        web.Signing
	threads        *correspond.Service
	// background are the jobs of the modules (reports, annual reports…)
	// that run beside the server; Background starts them.
	background []func(context.Context)
}

// Options configure the server beyond its store and registry.
type Options struct {
	// PendingKey signs the short-lived login cookies; a random key when
	// empty (logins in flight do not survive a restart then).
	PendingKey []byte
	// Secure marks cookies Secure and sends HSTS: set it when the server
	// is reached over HTTPS.
	Secure bool
	// DevIdP, when set, is the built-in development identity provider,
	// mounted at DevIdPPath.
	DevIdP     http.Handler
	DevIdPPath string
	Now        func() time.Time
	// AccessLogDelay is how long a read that a law-enforcement body
	// marked restricted stays out of the parents' access log; 30 days
	// when zero.
	AccessLogDelay time.Duration
	// Signing is how people sign what they enter; without a signer,
	// entry is off.
	Signing web.Signing
	// DevSigner, when set, is the development signer's confirmation
	// page, mounted at /dev-signer/{id}.
	DevSigner http.Handler
	// Env is the environment; staging shows a banner on every page.
	Env string
	// PortalURL is the e-government portal the pages link to;
	// https://www.e-gov.az when empty.
	PortalURL string
}

// New builds the server and its routes.
func New(st *store.Store, reg *registry.Service, log *slog.Logger, opt Options) *Server {
	s := &Server{store: st, registry: reg, cabinets: ecabinet.New(st), log: log, metrics: newMetrics(),
		devIdP: opt.DevIdP, devPath: opt.DevIdPPath, accessLogDelay: opt.AccessLogDelay, devSigner: opt.DevSigner}
	if s.accessLogDelay == 0 {
		s.accessLogDelay = 30 * 24 * time.Hour
	}
	s.auth.key, s.auth.secure, s.auth.now = opt.PendingKey, opt.Secure, opt.Now
	if len(s.auth.key) == 0 {
		s.auth.key = make([]byte, 32)
		rand.Read(s.auth.key)
	}
	if s.auth.now == nil {
		s.auth.now = time.Now
	}
	// Logins: 10 a minute from one address, bursts of 20. Reads of
	// children's data: one a second per person, bursts of 60 — a person
	// at work reads far fewer; a script harvesting profiles is stopped.
	s.threads = correspond.New(st, s.auth.now, correspond.DefaultLimits)
	s.web = web.New(reg, s.cabinets, st, s.threads, log, s.auth.now, opt.Signing)
	s.web.OnParams(s.RefreshParams)
	s.web.SetEnv(opt.Env)
	s.web.SetPortal(opt.PortalURL)
	s.logins = ratelimit.New(10.0/60, 20, s.auth.now)
	s.reads = ratelimit.New(1, 60, s.auth.now)

	s.metrics.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.metrics.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "databank_schema_version", Help: "Schema version this program knows.",
	}, func() float64 { return float64(st.LatestVersion()) }))
	mux := http.NewServeMux()
	s.routes(mux)
	// Every state-changing request must come from this site (Fetch
	// metadata and Origin checks); the session cookie is SameSite=Lax too.
	s.handler = s.observe(recoverPanics(log, s.headers(http.NewCrossOriginProtection().Handler(mux))))
	return s
}

// RefreshParams takes the operator's parameters from the database and puts
// them in force: at start, every minute, and when the administrator
// changes one here.
func (s *Server) RefreshParams(ctx context.Context) error {
	set, err := s.store.Parameters(ctx)
	if err != nil {
		return err
	}
	v := params.Values(set)
	s.params.Store(&v)
	l := s.threads.Limits()
	l.MaxFileBytes = int64(v.Get(params.MaxFileMB)) << 20
	l.PerMinute = float64(v.Get(params.MessagesPerMinute))
	l.ReminderLead = time.Duration(v.Get(params.ReminderLeadHours)) * time.Hour
	s.threads.SetLimits(l)
	s.registry.SetArchiveAccess(v.Get(params.ArchiveSenderDays))
	return nil
}

// logDelay is how long a restricted read stays out of the parents' access
// log: the operator's parameter when set, else the configuration.
func (s *Server) logDelay() time.Duration {
	if v := s.params.Load(); v != nil {
		if n, ok := (*v)[params.AccessLogDelayDays]; ok {
			return time.Duration(n) * 24 * time.Hour
		}
	}
	return s.accessLogDelay
}

// Threads returns the correspondence service.
func (s *Server) Threads() *correspond.Service { return s.threads }

// SetLogin installs the single sign-on once its provider is reachable.
func (s *Server) SetLogin(l *oidclogin.Login) { s.auth.login.Store(l) }

// headers sets the security headers of every answer.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.auth.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// routes is the one route table of the server.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /exchange/v1/categories", exchange.Catalogue)
	mux.HandleFunc("GET /exchange/v1/openapi.json", exchange.ServeOpenAPI)
	mux.HandleFunc("GET /login", s.limitLogins(s.login))
	mux.HandleFunc("GET "+callbackPath, s.limitLogins(s.callback))
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /api/v1/me", s.withSession(s.me))
	mux.HandleFunc("GET /api/v1/me/children", s.withSession(s.myChildren))
	mux.HandleFunc("GET /api/v1/children/{key}", s.withSession(s.limitReads(s.child)))
	mux.HandleFunc("GET /api/v1/me/children/{key}/access-log", s.withSession(s.accessLog))
	mux.HandleFunc("GET /api/v1/audit", s.withSession(s.auditLog))
	mux.HandleFunc("POST /api/v1/orgs/{org}/staff", s.withSession(s.registerStaff))
	mux.HandleFunc("DELETE /api/v1/orgs/{org}/staff/{fin}", s.withSession(s.removeStaff))
	mux.HandleFunc("POST /api/v1/orgs/{org}/staff/{fin}/grants", s.withSession(s.grant))
	mux.HandleFunc("DELETE /api/v1/orgs/{org}/staff/{fin}/grants/{category}", s.withSession(s.revoke))
	mux.HandleFunc("POST /api/v1/persons/{fin}/access", s.withSession(s.suspend))
	mux.HandleFunc("POST /api/v1/orgs/{org}/access", s.withSession(s.suspend))
	if s.devIdP != nil {
		mux.Handle(s.devPath+"/", s.devIdP)
	}
	// The e-cabinet's pages.
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /children", s.withPage(s.limitPageReads(s.web.Search)))
	mux.HandleFunc("GET /children/{key}", s.withPage(s.limitPageReads(s.web.Child)))
	mux.HandleFunc("GET /static/{file}", s.web.Static)
	mux.HandleFunc("GET /children/{key}/entry", s.withPage(s.web.EntryForm))
	mux.HandleFunc("POST /children/{key}/entry", s.withPage(s.web.EntrySubmit))
	mux.HandleFunc("GET /entries/{id}", s.withPage(s.web.EntryStatus))
	mux.HandleFunc("GET /children/{key}/reads", s.withPage(func(w http.ResponseWriter, r *http.Request, v *web.Viewer) {
		s.web.Reads(w, r, v, s.logDelay())
	}))
	mux.HandleFunc("POST /entries/{id}/complete", s.withPage(s.web.EntryComplete))
	if s.devSigner != nil {
		mux.Handle("/dev-signer/{id}", s.devSigner)
	}
	mux.HandleFunc("GET /children/{key}/history/{category}", s.withPage(s.limitPageReads(s.web.History)))
	mux.HandleFunc("GET /admin", s.withPage(s.web.Admin))
	mux.HandleFunc("GET /admin/orgs/{org}", s.withPage(s.web.AdminOrg))
	mux.HandleFunc("POST /admin/orgs/{org}/rights", s.withPage(s.web.AdminRights))
	mux.HandleFunc("POST /admin/orgs/{org}/access", s.withPage(s.web.AdminAccess))
	mux.HandleFunc("POST /admin/orgs/{org}/certs", s.withPage(s.web.AdminBind))
	mux.HandleFunc("GET /admin/audit", s.withPage(s.web.Audit))
	mux.HandleFunc("GET /admin/classifiers", s.withPage(s.web.Classifiers))
	mux.HandleFunc("POST /admin/classifiers", s.withPage(s.web.ChangeClassifier))
	mux.HandleFunc("GET /admin/parameters", s.withPage(func(w http.ResponseWriter, r *http.Request, v *web.Viewer) {
		s.web.Parameters(w, r, v, s.accessLogDelay)
	}))
	mux.HandleFunc("POST /admin/parameters", s.withPage(func(w http.ResponseWriter, r *http.Request, v *web.Viewer) {
		s.web.SetParameter(w, r, v, s.accessLogDelay)
	}))
	mux.HandleFunc("GET /org", s.withPage(s.web.MyOrg))
	mux.HandleFunc("POST /admin/orgs/{org}/staff", s.withPage(s.web.StaffRegister))
	mux.HandleFunc("POST /admin/orgs/{org}/grants", s.withPage(s.web.StaffGrant))
	// Correspondence.
	mux.HandleFunc("GET /threads", s.withPage(s.web.Threads))
	mux.HandleFunc("GET /threads/new", s.withPage(s.web.NewThread))
	mux.HandleFunc("POST /threads", s.withPage(s.web.OpenThread))
	mux.HandleFunc("GET /threads/events", s.withPage(s.web.Events))
	mux.HandleFunc("GET /threads/{id}", s.withPage(s.web.Thread))
	mux.HandleFunc("POST /threads/{id}/messages", s.withPage(s.web.PostMessage))
	mux.HandleFunc("POST /threads/{id}/state", s.withPage(s.web.ThreadState))
	mux.HandleFunc("POST /threads/{id}/orgs", s.withPage(s.web.ThreadOrgs))
	mux.HandleFunc("POST /messages/{id}/edit", s.withPage(s.web.EditMessage))
	mux.HandleFunc("GET /files/{id}", s.withPage(s.web.File))
	mux.HandleFunc("GET /appeals", s.withPage(s.web.Appeals))
	mux.HandleFunc("GET /corrections/new", s.withPage(s.web.NewCorrection))
	mux.HandleFunc("POST /corrections", s.withPage(s.web.RequestCorrection))
	mux.HandleFunc("GET /corrections", s.withPage(s.web.Corrections))
	mux.HandleFunc("GET /corrections/{id}/file", s.withPage(s.web.CorrectionFile))
	mux.HandleFunc("GET /admin/corrections", s.withPage(s.web.CorrectionQueue))
	mux.HandleFunc("GET /requests/new", s.withPage(s.web.NewRequestForm))
	mux.HandleFunc("POST /requests", s.withPage(s.web.SubmitRequest))
	mux.HandleFunc("GET /requests", s.withPage(s.web.Requests))
	mux.HandleFunc("GET /requests/{id}/file", s.withPage(s.web.RequestFile))
	mux.HandleFunc("GET /admin/requests", s.withPage(s.web.RequestQueue))
	mux.HandleFunc("POST /admin/requests/{id}", s.withPage(s.web.AnswerRequest))
	mux.HandleFunc("POST /admin/orgs/{org}/email", s.withPage(s.web.AdminEmail))
	mux.HandleFunc("POST /admin/corrections/{id}", s.withPage(s.web.DecideCorrection))
	mux.HandleFunc("GET /admin/holidays", s.withPage(s.web.Holidays))
	mux.HandleFunc("POST /admin/holidays", s.withPage(s.web.SetHoliday))
	mux.HandleFunc("GET /admin/status", s.withPage(s.web.Status))
	mux.HandleFunc("POST /admin/incidents", s.withPage(s.web.NewIncident))
	mux.HandleFunc("POST /admin/incidents/{id}/resolve", s.withPage(s.web.ResolveIncident))
	mux.HandleFunc("GET /admin/signals", s.withPage(s.web.SignalRules))
	mux.HandleFunc("POST /admin/signals/{code}", s.withPage(s.web.SetSignalRule))
	// Each module's own routes, in its own file.
	s.reportRoutes(mux)
	s.annualRoutes(mux)
	s.publicRoutes(mux)
	s.qualityRoutes(mux)
	mux.HandleFunc("/", s.notFound)
}

// Background runs the modules' background jobs until ctx ends.
func (s *Server) Background(ctx context.Context) {
	var wg sync.WaitGroup
	for _, job := range s.background {
		wg.Go(func() { job(ctx) })
	}
	wg.Wait()
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// healthz answers while the process is alive.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	problem.JSON(w, http.StatusOK, map[string]string{"status": "alive"})
}

// readyz answers 200 when the database is reachable and its schema is the
// one this program knows, 503 with Retry-After otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	if err := s.store.CheckSchema(ctx); err != nil {
		w.Header().Set("Retry-After", "30")
		problem.Write(w, problem.Problem{Status: http.StatusServiceUnavailable, Code: "schema", Title: "Schema not current", Detail: err.Error()})
		return
	}
	problem.JSON(w, http.StatusOK, map[string]any{"status": "ready", "engine": s.store.Engine(), "schema": s.store.LatestVersion()})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	problem.Write(w, problem.Problem{Status: http.StatusNotFound, Code: "not_found", Title: "Not Found", Detail: "No such resource."})
}

// recoverPanics turns a panic in a handler into a 500 problem with a
// reference, logged with its stack.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				ref := problem.Reference()
				log.Error("handler panicked", "reference", ref, "route", r.Pattern, "panic", v)
				problem.Write(w, problem.Problem{Status: 500, Code: "internal", Title: "Internal Server Error", Message: &problem.MsgInternal, Reference: ref})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// home is the landing page, or the signed-in person's home.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	sess, _, err := s.resolveSession(r)
	switch {
	case err != nil:
		s.web.Fail(w, r, nil, err)
	case sess == nil:
		s.web.Landing(w, r)
	default:
		s.web.Home(w, r, s.viewer(r.Context(), sess))
	}
}

// limitPageReads bounds the pages of children's data one person opens.
func (s *Server) limitPageReads(next func(http.ResponseWriter, *http.Request, *web.Viewer)) func(http.ResponseWriter, *http.Request, *web.Viewer) {
	return func(w http.ResponseWriter, r *http.Request, v *web.Viewer) {
		if wait, ok := s.reads.Allow(v.FIN); !ok {
			tooMany(w, wait)
			return
		}
		next(w, r, v)
	}
}
