package server

import "net/http"

// publicRoutes mounts the public open-data module, without login.
func (s *Server) publicRoutes(mux *http.ServeMux) {}
