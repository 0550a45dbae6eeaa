package server

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/scfwca/databank/internal/opendata"
	"github.com/scfwca/databank/internal/ratelimit"
)

// publicRoutes mounts the public open-data module, without login: the
// catalogue and datasets as JSON and CSV under /public/v1, and their
// pages under /open. Every request from one address takes a token of a
// bucket of 120 refilled at two a second; the statistics are counted in
// the background and served from memory.
func (s *Server) publicRoutes(mux *http.ServeMux) {
	svc := opendata.New(s.store, s.auth.now)
	open := s.web.NewOpen(svc)
	limit := ratelimit.New(2, 120, s.auth.now)
	limited := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			if wait, ok := limit.Allow(host); !ok {
				w.Header().Set("Access-Control-Allow-Origin", "*")
				tooMany(w, wait)
				return
			}
			next(w, r)
		}
	}
	mux.HandleFunc("GET /public/v1/datasets", limited(open.Catalogue))
	mux.HandleFunc("GET /public/v1/datasets/{id}", limited(open.Dataset))
	mux.HandleFunc("GET /open", limited(open.CataloguePage))
	mux.HandleFunc("GET /open/{id}", limited(open.DatasetPage))
	s.background = append(s.background, func(ctx context.Context) {
		tick := time.NewTicker(svc.CheckEvery)
		defer tick.Stop()
		for {
			if err := svc.Refresh(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("open data not refreshed", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
}
