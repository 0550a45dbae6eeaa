package oidclogin_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/idp"
	"github.com/scfwca/databank/internal/oidclogin"
	"github.com/scfwca/databank/internal/testclock"
)

// newClock is the tests' clock, set for deterministic expiry.
func newClock() *testclock.Clock { return testclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) }

const (
	clientID     = "databank"
	clientSecret = "databank-secret"
	otherID      = "other-app"
	otherSecret  = "other-secret"
)

// testParents are parents added to the default personas.
var testParents = []idp.Persona{
	{FIN: "5ZK2P7Q", Name: "Günay Məmmədova", Role: "parent"},
}

// env is a development provider on one loopback server and the place of
// the Data Bank's callback on another.
type env struct {
	t        *testing.T
	idpClock *testclock.Clock
	rpClock  *testclock.Clock
	provider *idp.Provider
	issuer   string
	idpSrv   *httptest.Server
	rpSrv    *httptest.Server
	rpMux    *http.ServeMux
	callback string
	browser  *http.Client // keeps cookies, follows no redirect
}

// newEnv starts a provider (issuer under /dev-idp) that knows the Data
// Bank's client and a second one, both allowed to return to the callback.
func newEnv(t *testing.T) *env { t.Helper(); return newEnvWithClaim(t, "") }

// newEnvWithClaim is newEnv with a provider that names the FIN claim
// finClaim ("" for its default, "fin").
func newEnvWithClaim(t *testing.T, finClaim string) *env {
	t.Helper()
	e := &env{t: t, idpClock: newClock(), rpClock: newClock(), rpMux: http.NewServeMux()}
	idpMux := http.NewServeMux()
	e.idpSrv = httptest.NewServer(idpMux)
	t.Cleanup(e.idpSrv.Close)
	e.rpSrv = httptest.NewServer(e.rpMux)
	t.Cleanup(e.rpSrv.Close)
	e.issuer = e.idpSrv.URL + "/dev-idp"
	e.callback = e.rpSrv.URL + "/auth/callback"
	e.provider = newProvider(t, e.issuer, e.callback, finClaim, e.idpClock.Now)
	idpMux.Handle(e.provider.MountPath(), e.provider)
	jar, _ := cookiejar.New(nil)
	e.browser = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

func newProvider(t *testing.T, issuer, callback, finClaim string, now func() time.Time) *idp.Provider {
	t.Helper()
	personas := append(idp.DefaultPersonas(testParents),
		idp.Persona{Name: "Fərid Heç-FİN-siz", Role: "parent"},
		idp.Persona{FIN: "12-IO", Name: "Səhv Fin", Role: "parent"})
	p, err := idp.New(idp.Config{
		Issuer:   issuer,
		FINClaim: finClaim,
		Clients: []idp.Client{
			{ID: clientID, Secret: clientSecret, RedirectURIs: []string{callback}},
			{ID: otherID, Secret: otherSecret, RedirectURIs: []string{callback}},
		},
		Personas: personas,
		Now:      now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// login makes a Login for the Data Bank's client; change adjusts its
// configuration first.
func (e *env) login(change func(*oidclogin.Config)) *oidclogin.Login {
	e.t.Helper()
	cfg := oidclogin.Config{
		Issuer: e.issuer, ClientID: clientID, ClientSecret: clientSecret,
		RedirectURL: e.callback, HTTPClient: e.idpSrv.Client(), Now: e.rpClock.Now,
	}
	if change != nil {
		change(&cfg)
	}
	l, err := oidclogin.New(context.Background(), cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// authorize opens authURL in the browser with login_hint=fin and returns
// the callback's query from the provider's redirect.
func (e *env) authorize(authURL, fin string) url.Values {
	e.t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		e.t.Fatal(err)
	}
	q := u.Query()
	q.Set("login_hint", fin)
	u.RawQuery = q.Encode()
	resp, err := e.browser.Get(u.String())
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		e.t.Fatalf("authorize: status %d", resp.StatusCode)
	}
	return e.callbackQuery(resp)
}

// callbackQuery checks that resp redirects to the callback and returns
// the redirect's query.
func (e *env) callbackQuery(resp *http.Response) url.Values {
	e.t.Helper()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), e.callback+"?") {
		e.t.Fatalf("redirected to %q, not the callback", resp.Header.Get("Location"))
	}
	return loc.Query()
}

// started is a login begun and authorized: its Pending and callback
// query.
type started struct {
	p     oidclogin.Pending
	query url.Values
}

func (e *env) start(l *oidclogin.Login, fin string) started {
	e.t.Helper()
	authURL, p, err := l.Start("/children")
	if err != nil {
		e.t.Fatal(err)
	}
	return started{p: p, query: e.authorize(authURL, fin)}
}

// wantCode fails the test unless err is a login error with code.
func wantCode(t *testing.T, err error, code oidclogin.Code) {
	t.Helper()
	if got := oidclogin.CodeOf(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// reroute is a transport that sends requests for one URL path prefix to
// another server, or rewrites them, as a broken or hostile network might.
type reroute struct {
	base    http.RoundTripper
	matches func(*http.Request) bool
	change  func(*http.Request)
}

func (r reroute) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.matches(req) {
		req = req.Clone(req.Context())
		r.change(req)
	}
	return r.base.RoundTrip(req)
}

// tokenRequests matches requests to the provider's token endpoint.
func tokenRequests(req *http.Request) bool { return strings.HasSuffix(req.URL.Path, "/token") }
