// Package server is the Data Bank's HTTP surface: the route table, the
// middleware every request passes, the mapping of domain errors to problem
// answers, and the operations endpoints.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
)

// Server holds what the handlers need.
type Server struct {
	store    *store.Store
	registry *registry.Service
	log      *slog.Logger
	metrics  *metrics
	handler  http.Handler
}

// New builds the server and its routes.
func New(st *store.Store, reg *registry.Service, log *slog.Logger) *Server {
	s := &Server{store: st, registry: reg, log: log, metrics: newMetrics()}
	s.metrics.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.metrics.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "databank_schema_version", Help: "Schema version this program knows.",
	}, func() float64 { return float64(st.LatestVersion()) }))
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.observe(recoverPanics(log, mux))
	return s
}

// routes is the one route table of the server.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /exchange/v1/categories", exchange.Catalogue)
	mux.HandleFunc("GET /exchange/v1/openapi.json", exchange.ServeOpenAPI)
	mux.HandleFunc("/", s.notFound)
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
