package server

import (
	"net/http"

	"github.com/scfwca/databank/internal/quality"
	"github.com/scfwca/databank/internal/web"
)

// qualityRoutes mounts data quality per participant: the operator's table
// of every participant and its export, and each participant's own page.
func (s *Server) qualityRoutes(mux *http.ServeMux) {
	pages := web.NewQualityPages(s.web, quality.New(s.store, s.auth.now))
	mux.HandleFunc("GET /quality", s.withPage(pages.Index))
	mux.HandleFunc("GET /quality/export", s.withPage(pages.Export))
	mux.HandleFunc("GET /quality/{org}", s.withPage(pages.Org))
}
