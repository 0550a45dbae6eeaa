package server

import "net/http"

// annualRoutes mounts annual reports: forms, submissions, the reporting rate and the consolidated national report.
func (s *Server) annualRoutes(mux *http.ServeMux) {}
