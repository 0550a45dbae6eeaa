package oidclogin_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/scfwca/databank/internal/oidclogin"
)

var pendingKey = []byte("0123456789abcdef0123456789abcdef")

const pendingCookie = "databank_login"

// mountRP plays the Data Bank's side: /login starts a login and keeps
// the Pending in a cookie; /auth/callback finishes it and answers with the
// identity as JSON, or 400 with the error code.
func (e *env) mountRP(l *oidclogin.Login) {
	e.rpMux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		authURL, p, err := l.Start(r.URL.Query().Get("return"))
		if err != nil {
			http.Error(w, string(oidclogin.CodeOf(err)), http.StatusBadRequest)
			return
		}
		v, err := oidclogin.EncodePending(pendingKey, p)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.SetCookie(w, oidclogin.PendingCookie(pendingCookie, v, "/auth/", false))
		http.Redirect(w, r, authURL, http.StatusFound)
	})
	e.rpMux.HandleFunc("GET /auth/callback", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: pendingCookie, Path: "/auth/", MaxAge: -1})
		c, err := r.Cookie(pendingCookie)
		if err != nil {
			http.Error(w, "no_pending", http.StatusBadRequest)
			return
		}
		p, err := oidclogin.DecodePending(pendingKey, c.Value, e.rpClock.Now())
		if err == nil {
			var id *oidclogin.Identity
			if id, err = l.Finish(r.Context(), p, r.URL.Query()); err == nil {
				json.NewEncoder(w).Encode(map[string]string{"fin": id.FIN, "name": id.Name, "sub": id.Subject, "iss": id.Issuer, "return": p.ReturnTo})
				return
			}
		}
		http.Error(w, string(oidclogin.CodeOf(err)), http.StatusBadRequest)
	})
}

// follow GETs u in the browser and returns the redirect target.
func (e *env) follow(u string) *url.URL {
	e.t.Helper()
	resp, err := e.browser.Get(u)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("GET %s: %d, want a redirect", u, resp.StatusCode)
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil {
		e.t.Fatal(err)
	}
	return loc
}

// land GETs the callback URL in the browser and returns status and body.
func (e *env) land(u string) (int, string) {
	e.t.Helper()
	resp, err := e.browser.Get(u)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestLoginEndToEndWithLoginHint(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	if !l.DevelopmentProvider() {
		t.Error("the development provider is not recognised")
	}
	e.mountRP(l)
	authURL := e.follow(e.rpSrv.URL + "/login?return=" + url.QueryEscape("/children?page=2"))
	if !strings.HasPrefix(authURL.String(), e.issuer+"/authorize?") {
		t.Fatalf("sent to %s", authURL)
	}
	q := authURL.Query()
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Get(k) == "" {
			t.Errorf("auth URL lacks %s", k)
		}
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("client_id") != clientID || q.Get("redirect_uri") != e.callback {
		t.Errorf("auth URL %s", authURL)
	}
	q.Set("login_hint", "4TH0001")
	authURL.RawQuery = q.Encode()
	cb := e.follow(authURL.String())
	if !strings.HasPrefix(cb.String(), e.callback+"?") {
		t.Fatalf("provider sent the browser to %s", cb)
	}
	status, body := e.land(cb.String())
	if status != 200 {
		t.Fatalf("callback: %d %s", status, body)
	}
	var got map[string]string
	json.Unmarshal([]byte(body), &got)
	sub, _ := e.provider.Subject("4TH0001")
	want := map[string]string{"fin": "4TH0001", "name": "Tural Abbasov", "sub": sub, "iss": e.issuer, "return": "/children?page=2"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// The cookie was cleared: reloading the callback is refused.
	if status, body := e.land(cb.String()); status != 400 || body != "no_pending" {
		t.Errorf("reloaded callback: %d %s", status, body)
	}
}

var (
	requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)
	actionField  = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	buttonField  = regexp.MustCompile(`name="persona" value="([^"]+)">\s*<span class="name">([^<]+)</span>`)
)

// choose opens the persona page at authURL, posts the button of the
// persona named name (or the cancel button when name is "") and returns
// the callback's query.
func (e *env) choose(authURL, name string) url.Values {
	e.t.Helper()
	resp, err := e.browser.Get(authURL)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != 200 || !strings.Contains(page, "Şəxsiyyətinizi seçin") {
		e.t.Fatalf("persona page: %d", resp.StatusCode)
	}
	req, action := requestField.FindStringSubmatch(page), actionField.FindStringSubmatch(page)
	if req == nil || action == nil {
		e.t.Fatal("no form on the persona page")
	}
	form := url.Values{"request": {req[1]}}
	if name == "" {
		form.Set("cancel", "1")
	} else {
		for _, m := range buttonField.FindAllStringSubmatch(page, -1) {
			if m[2] == name {
				form.Set("persona", m[1])
			}
		}
		if form.Get("persona") == "" {
			e.t.Fatalf("no button for %s", name)
		}
	}
	resp, err = e.browser.PostForm(e.idpSrv.URL+action[1], form)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("choice: %d", resp.StatusCode)
	}
	return e.callbackQuery(resp)
}

func TestLoginEndToEndThroughPersonaPage(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	authURL, p, err := l.Start("/")
	if err != nil {
		t.Fatal(err)
	}
	query := e.choose(authURL, "Sevinc Bağırova")
	id, err := l.Finish(context.Background(), p, query)
	if err != nil {
		t.Fatal(err)
	}
	if id.FIN != "5SB0001" || id.Name != "Sevinc Bağırova" || id.Claims["databank_org"] != "commission.sabail" {
		t.Errorf("identity %+v", id)
	}
}

func TestCustomFINClaim(t *testing.T) {
	e := newEnv(t)
	// A provider that calls the claim "pin", and a Login that expects it.
	l := e.login(func(c *oidclogin.Config) { c.FINClaim = "pin" })
	s := e.start(l, "1AK0001")
	if _, err := l.Finish(context.Background(), s.p, s.query); oidclogin.CodeOf(err) != oidclogin.FINClaimMissing {
		t.Fatalf("provider sends fin, login wants pin: %v", err)
	}
	e2 := newEnvWithClaim(t, "pin")
	l2 := e2.login(func(c *oidclogin.Config) { c.FINClaim = "pin" })
	s2 := e2.start(l2, "1AK0001")
	id, err := l2.Finish(context.Background(), s2.p, s2.query)
	if err != nil || id.FIN != "1AK0001" {
		t.Fatalf("pin claim: %v %+v", err, id)
	}
}

func TestStartReturnTo(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	for _, bad := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "evil", "/a\nb", "javascript:alert(1)"} {
		if _, _, err := l.Start(bad); oidclogin.CodeOf(err) != oidclogin.ReturnToInvalid {
			t.Errorf("Start(%q): %v", bad, err)
		}
	}
	_, p, err := l.Start("")
	if err != nil || p.ReturnTo != "/" {
		t.Errorf("Start(\"\"): %v %q", err, p.ReturnTo)
	}
	u1, p1, _ := l.Start("/a")
	u2, p2, _ := l.Start("/a")
	if u1 == u2 || p1.State == p2.State || p1.Nonce == p2.Nonce || p1.Verifier == p2.Verifier {
		t.Error("two logins share secrets")
	}
}

func TestNewChecksDiscovery(t *testing.T) {
	e := newEnv(t)
	for name, change := range map[string]func(*oidclogin.Config){
		"issuer differs from discovery": func(c *oidclogin.Config) { c.Issuer = e.idpSrv.URL + "/dev-idp/" },
		"no such provider":              func(c *oidclogin.Config) { c.Issuer = e.idpSrv.URL + "/nowhere" },
		"no secret":                     func(c *oidclogin.Config) { c.ClientSecret = "" },
		"relative redirect":             func(c *oidclogin.Config) { c.RedirectURL = "/auth/callback" },
	} {
		cfg := oidclogin.Config{Issuer: e.issuer, ClientID: clientID, ClientSecret: clientSecret, RedirectURL: e.callback, HTTPClient: e.idpSrv.Client()}
		change(&cfg)
		if _, err := oidclogin.New(context.Background(), cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestInProcessProvider is the wiring of a server that mounts the
// development provider itself: the Login reaches it through
// Provider.Client, with nothing listening at the issuer's address.
func TestInProcessProvider(t *testing.T) {
	issuer := "http://127.0.0.1:1/dev-idp" // port 1: nothing listens there
	callback := "http://127.0.0.1:1/auth/callback"
	p := newProvider(t, issuer, callback, "", nil)
	l, err := oidclogin.New(context.Background(), oidclogin.Config{
		Issuer: issuer, ClientID: clientID, ClientSecret: clientSecret, RedirectURL: callback, HTTPClient: p.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	authURL, pending, err := l.Start("/")
	if err != nil {
		t.Fatal(err)
	}
	browser := p.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := browser.Get(authURL + "&login_hint=7DT0001")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), callback+"?") {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	id, err := l.Finish(context.Background(), pending, loc.Query())
	if err != nil || id.FIN != "7DT0001" || id.Name != "Emil Rüstəmov" {
		t.Fatalf("identity %+v, %v", id, err)
	}
	if _, err := p.Client().Get("http://127.0.0.1:1/elsewhere"); err == nil {
		t.Error("the in-process client reached a URL outside the issuer")
	}
	if _, err := p.Client().Get("http://127.0.0.2:1/dev-idp/jwks"); err == nil {
		t.Error("the in-process client reached another host")
	}
}
