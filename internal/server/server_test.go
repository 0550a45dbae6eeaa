package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/server"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

func newServer(t *testing.T, st *store.Store) *httptest.Server {
	srv := httptest.NewServer(server.New(st, registry.New(st, nil), slog.New(slog.DiscardHandler), server.Options{}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestOperationsEndpoints(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		srv := newServer(t, st)
		if resp, _ := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 {
			t.Errorf("healthz = %d", resp.StatusCode)
		}
		resp, body := get(t, srv.URL+"/readyz")
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"ready"`) {
			t.Errorf("readyz = %d %s", resp.StatusCode, body)
		}
		resp, body = get(t, srv.URL+"/metrics")
		if resp.StatusCode != 200 || !strings.Contains(string(body), `databank_http_request_duration_seconds_count{route="GET /readyz",status="200"} 1`) {
			t.Errorf("metrics do not count the readyz request: %d\n%.400s", resp.StatusCode, body)
		}
		resp, body = get(t, srv.URL+"/no/such/thing")
		if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), `"code":"not_found"`) {
			t.Errorf("unknown route = %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})
}

func TestCategoriesEndpoint(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	resp, body := get(t, newServer(t, st).URL+"/exchange/v1/categories")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var doc struct {
		Categories []struct {
			Code   string
			Clause string
			Schema struct {
				Type       string
				Properties map[string]any
				Examples   []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Categories) != 31 {
		t.Fatalf("%d categories", len(doc.Categories))
	}
	for _, c := range doc.Categories {
		if c.Clause == "" || c.Schema.Type != "object" || len(c.Schema.Properties) == 0 || len(c.Schema.Examples) == 0 {
			t.Errorf("%s: incomplete entry", c.Code)
		}
	}
}

// TestDatabaseOutage cuts the server off from PostgreSQL through a proxy:
// readiness answers 503 with Retry-After, and recovers when the database
// returns.
func TestDatabaseOutage(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	u, _ := url.Parse(dsn)
	p := newProxy(t, u.Host)
	u.Host = p.addr
	st, err := store.Open(u.String(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(context.Background(), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, st)
	if resp, _ := get(t, srv.URL+"/readyz"); resp.StatusCode != 200 {
		t.Fatalf("readyz before the outage = %d", resp.StatusCode)
	}
	p.cut()
	resp, body := get(t, srv.URL+"/readyz")
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), `"code":"unavailable"`) {
		t.Fatalf("readyz during the outage = %d Retry-After=%q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	p.restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, _ := get(t, srv.URL+"/readyz")
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz did not recover: %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// proxy forwards loopback TCP connections to a backend until cut.
type proxy struct {
	t       *testing.T
	addr    string
	backend string
	mu      sync.Mutex
	ln      net.Listener
	conns   []net.Conn
}

func newProxy(t *testing.T, backend string) *proxy {
	p := &proxy{t: t, backend: backend}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", p.backend)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, b)
			p.mu.Unlock()
			go func() { io.Copy(b, c); b.Close() }()
			go func() { io.Copy(c, b); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection: the database is gone.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens again on the same address: the database is back.
func (p *proxy) restore() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(ln)
}

func TestLoginRateLimitAndSecurityHeaders(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	srv := newServer(t, st)
	var last *http.Response
	for range 21 {
		resp, _ := get(t, srv.URL+"/login")
		last = resp
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("21st login from one address: %d", last.StatusCode)
	}
	resp, _ := get(t, srv.URL+"/healthz")
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("security headers: %v", resp.Header)
	}
	if resp, _ := get(t, srv.URL+"/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a session: %d", resp.StatusCode)
	}
}
