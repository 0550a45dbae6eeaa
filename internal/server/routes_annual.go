package server

import (
	"context"
	"net/http"
	"time"

	"github.com/scfwca/databank/internal/annual"
)

// annualRoutes mounts annual reports: forms, submissions, the reporting rate and the consolidated national report.
func (s *Server) annualRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /annual", s.withPage(s.web.AnnualIndex))
	mux.HandleFunc("GET /annual/define", s.withPage(s.web.AnnualDefineForm))
	mux.HandleFunc("POST /annual/define", s.withPage(s.web.AnnualDefine))
	mux.HandleFunc("GET /annual/{year}", s.withPage(s.web.AnnualYear))
	mux.HandleFunc("GET /annual/{year}/national/{format}", s.withPage(s.web.AnnualNational))
	mux.HandleFunc("GET /annual/{year}/{org}", s.withPage(s.web.AnnualReport))
	mux.HandleFunc("POST /annual/{year}/{org}", s.withPage(s.web.AnnualSave))
	mux.HandleFunc("POST /annual/{year}/{org}/decision", s.withPage(s.web.AnnualDecide))
	mux.HandleFunc("POST /annual/{year}/{org}/reopen", s.withPage(s.web.AnnualReopen))
	mux.HandleFunc("GET /annual-sign/{id}", s.withPage(s.web.AnnualSign))
	mux.HandleFunc("POST /annual-sign/{id}/complete", s.withPage(s.web.AnnualSignComplete))
	// The reminders before the deadline: every hour, each claimed in the
	// database so that several servers send each once.
	reminders := annual.New(s.store, s.auth.now)
	s.background = append(s.background, func(ctx context.Context) { reminders.Run(ctx, s.log, time.Hour) })
}
