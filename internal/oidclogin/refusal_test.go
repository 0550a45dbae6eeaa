package oidclogin_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scfwca/databank/internal/idp"
	"github.com/scfwca/databank/internal/oidclogin"
)

var ctx = context.Background()

func TestWrongState(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	s := e.start(l, "1AK0001")
	for _, state := range []string{"forged", ""} {
		q := url.Values{"code": s.query["code"], "state": {state}}
		_, err := l.Finish(ctx, s.p, q)
		wantCode(t, err, oidclogin.StateMismatch)
	}
	// A callback meant for another login of the same browser.
	other := e.start(l, "1AK0001")
	_, err := l.Finish(ctx, s.p, other.query)
	wantCode(t, err, oidclogin.StateMismatch)
	// The untouched callback still works: the refusals spent nothing.
	if _, err := l.Finish(ctx, s.p, s.query); err != nil {
		t.Fatal(err)
	}
}

func TestReplayedCode(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	s := e.start(l, "1AK0001")
	if _, err := l.Finish(ctx, s.p, s.query); err != nil {
		t.Fatal(err)
	}
	_, err := l.Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.TokenExchangeFailed)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("replay: %v", err)
	}
}

func TestExpiredLogin(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	s := e.start(l, "1AK0001")
	e.rpClock.Advance(oidclogin.PendingTTL + time.Second)
	_, err := l.Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.LoginExpired)
}

func TestExpiredCode(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	s := e.start(l, "1AK0001")
	e.idpClock.Advance(idp.CodeTTL + time.Second)
	_, err := l.Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.TokenExchangeFailed)
}

func TestExpiredIDToken(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	s := e.start(l, "1AK0001")
	// The Data Bank's clock runs past the token's five minutes (but not
	// the login's ten).
	e.rpClock.Advance(idp.TokenTTL + time.Minute)
	_, err := l.Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.IDTokenInvalid)
}

func TestWrongPKCEVerifier(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	s := e.start(l, "1AK0001")
	s.p.Verifier = oauth2.GenerateVerifier()
	_, err := l.Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.TokenExchangeFailed)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("wrong verifier: %v", err)
	}
}

func TestNonceMismatch(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	s := e.start(l, "1AK0001")
	s.p.Nonce = "another-login's-nonce"
	_, err := l.Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.NonceMismatch)
}

// TestIDTokenFromAnotherProvider routes the token request to a second
// provider instance: once with its own issuer, once claiming the first
// one's issuer but signing with its own key.
func TestIDTokenFromAnotherProvider(t *testing.T) {
	for _, sameIssuer := range []bool{false, true} {
		e := newEnv(t)
		otherMux := http.NewServeMux()
		otherSrv := httptest.NewServer(otherMux)
		t.Cleanup(otherSrv.Close)
		issuer := otherSrv.URL + "/dev-idp"
		if sameIssuer {
			issuer = e.issuer
		}
		other := newProvider(t, issuer, e.callback, "", e.idpClock.Now)
		otherMux.Handle(other.MountPath(), other)

		// Get a code from the other provider, for a login started
		// against the first, and send the code exchange there.
		l := e.login(func(c *oidclogin.Config) {
			c.HTTPClient = &http.Client{Transport: reroute{base: http.DefaultTransport, matches: tokenRequests,
				change: func(r *http.Request) { r.URL.Host = otherSrv.Listener.Addr().String(); r.Host = r.URL.Host }}}
		})
		authURL, p, err := l.Start("/")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(authURL)
		u.Host = otherSrv.Listener.Addr().String()
		query := e.authorize(u.String(), "1AK0001")
		_, err = l.Finish(ctx, p, query)
		wantCode(t, err, oidclogin.IDTokenInvalid)
		if !strings.Contains(err.Error(), "signature") {
			t.Errorf("same issuer %v: refused for another reason: %v", sameIssuer, err)
		}
	}
}

// TestWrongAudience has the provider issue the ID token to another
// client, whose credentials a meddling transport put on the exchange.
func TestWrongAudience(t *testing.T) {
	e := newEnv(t)
	otherLogin := e.login(func(c *oidclogin.Config) { c.ClientID, c.ClientSecret = otherID, otherSecret })
	l := e.login(func(c *oidclogin.Config) {
		c.HTTPClient = &http.Client{Transport: reroute{base: http.DefaultTransport, matches: tokenRequests,
			change: func(r *http.Request) { r.SetBasicAuth(otherID, otherSecret) }}}
	})
	s := e.start(otherLogin, "1AK0001")
	_, err := l.Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.IDTokenInvalid)
	// Without the meddling the same code would be refused by the provider,
	// being another client's.
	s = e.start(otherLogin, "1AK0001")
	_, err = e.login(nil).Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.TokenExchangeFailed)
}

func TestFINClaimMissing(t *testing.T) {
	e := newEnv(t)
	// The persona has no FIN, so the provider sends no FIN claim.
	l := e.login(nil)
	authURL, p, _ := l.Start("/")
	_, err := l.Finish(ctx, p, e.choose(authURL, "Fərid Heç-FİN-siz"))
	wantCode(t, err, oidclogin.FINClaimMissing)
	// The Login expects a claim name the provider does not send.
	l = e.login(func(c *oidclogin.Config) { c.FINClaim = "national_id" })
	s := e.start(l, "1AK0001")
	_, err = l.Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.FINClaimMissing)
}

func TestFINClaimInvalid(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	s := e.start(l, "12-IO") // a persona whose FIN is malformed
	_, err := l.Finish(ctx, s.p, s.query)
	wantCode(t, err, oidclogin.FINClaimInvalid)
	for _, claim := range []string{"name", "auth_time"} { // not a FIN; not a string
		l := e.login(func(c *oidclogin.Config) { c.FINClaim = claim })
		s := e.start(l, "1AK0001")
		_, err := l.Finish(ctx, s.p, s.query)
		wantCode(t, err, oidclogin.FINClaimInvalid)
	}
}

func TestProviderError(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	// The person cancels on the provider's page.
	authURL, p, _ := l.Start("/")
	query := e.choose(authURL, "")
	if query.Get("error") != "access_denied" {
		t.Fatalf("cancel gave %v", query)
	}
	_, err := l.Finish(ctx, p, query)
	wantCode(t, err, oidclogin.ProviderError)
	var le *oidclogin.Error
	if !errors.As(err, &le) || le.Detail != "access_denied" {
		t.Errorf("detail of %v", err)
	}
	// An error callback with someone else's state is a state mismatch.
	_, err = l.Finish(ctx, p, url.Values{"error": {"access_denied"}, "state": {"other"}})
	wantCode(t, err, oidclogin.StateMismatch)
}

func TestProviderRefusesBadAuthorizationRequests(t *testing.T) {
	e := newEnv(t)
	// A Login whose redirect URL is not registered at the provider.
	l := e.login(func(c *oidclogin.Config) { c.RedirectURL = "https://evil.example/callback" })
	authURL, _, _ := l.Start("/")
	u, _ := url.Parse(authURL)
	q := u.Query()
	q.Set("login_hint", "1AK0001")
	u.RawQuery = q.Encode()
	for name, target := range map[string]string{"wrong redirect_uri": u.String(), "missing PKCE": withoutPKCE(t, e)} {
		resp, err := e.browser.Get(target)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: %d, Location %q", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

// withoutPKCE is a valid authorization URL with the PKCE parameters
// removed.
func withoutPKCE(t *testing.T, e *env) string {
	authURL, _, err := e.login(nil).Start("/")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	q.Del("code_challenge")
	q.Del("code_challenge_method")
	q.Set("login_hint", "1AK0001")
	u.RawQuery = q.Encode()
	return u.String()
}
