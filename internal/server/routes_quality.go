package server

import "net/http"

// qualityRoutes mounts data quality per participant.
func (s *Server) qualityRoutes(mux *http.ServeMux) {}
