package idp_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/idp"
	"github.com/scfwca/databank/internal/testclock"
)

// newClock is the tests' clock, set for deterministic expiry.
func newClock() *testclock.Clock { return testclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) }

const (
	clientID     = "databank"
	clientSecret = "s3cret-for-tests"
	callback     = "https://databank.example/auth/callback"
	verifier     = "dBjftJeZ4CVP-mB92K27uhbUFU2ZyeUZXiGl5MgM1zEkbVEhe5wq"
)

func challenge(v string) string {
	s := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(s[:])
}

// env is a provider mounted under /dev-idp on a loopback server.
type env struct {
	t      *testing.T
	p      *idp.Provider
	srv    *httptest.Server
	clock  *testclock.Clock
	issuer string
	client *http.Client // does not follow redirects; keeps cookies
}

func newEnv(t *testing.T, personas []idp.Persona) *env {
	t.Helper()
	e := &env{t: t, clock: newClock()}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.issuer = e.srv.URL + "/dev-idp"
	p, err := idp.New(idp.Config{
		Issuer: e.issuer,
		Clients: []idp.Client{
			{ID: clientID, Secret: clientSecret, RedirectURIs: []string{callback}},
			{ID: "other", Secret: "other-secret", RedirectURIs: []string{"https://other.example/cb"}},
		},
		Personas: personas,
		Now:      e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.p = p
	mux.Handle(p.MountPath(), p)
	jar, _ := cookiejar.New(nil)
	e.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

// authParams are a valid authorization request's parameters.
func authParams() url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {callback},
		"scope":                 {"openid profile"},
		"state":                 {"state-123"},
		"nonce":                 {"nonce-456"},
		"code_challenge":        {challenge(verifier)},
		"code_challenge_method": {"S256"},
	}
}

func (e *env) get(path string, q url.Values) (*http.Response, string) {
	e.t.Helper()
	u := e.issuer + path
	if q != nil {
		u += "?" + q.Encode()
	}
	resp, err := e.client.Get(u)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// code signs in the persona with fin through login_hint and returns the
// code from the redirect.
func (e *env) code(fin string, q url.Values) string {
	e.t.Helper()
	q.Set("login_hint", fin)
	resp, body := e.get("/authorize", q)
	if resp.StatusCode != http.StatusFound {
		e.t.Fatalf("authorize: %d %s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), callback+"?") {
		e.t.Fatalf("redirected to %q", resp.Header.Get("Location"))
	}
	if loc.Query().Get("state") != q.Get("state") {
		e.t.Fatalf("state %q, want %q", loc.Query().Get("state"), q.Get("state"))
	}
	return loc.Query().Get("code")
}

// tokenForm is a valid token request for code.
func tokenForm(code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {verifier}}
}

// token posts a token request; basic sets client_secret_basic
// credentials.
func (e *env) token(form url.Values, basicID, basicSecret string) (*http.Response, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatalf("token answer: %v", err)
	}
	return resp, out
}
