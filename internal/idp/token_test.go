package idp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/idp"
)

func TestTokenRefusals(t *testing.T) {
	e := newEnv(t, nil)
	type tc struct {
		name       string
		form       func(code string) url.Values
		id, secret string
		status     int
		err        string
	}
	cases := []tc{
		{"wrong PKCE verifier", func(c string) url.Values {
			f := tokenForm(c)
			f.Set("code_verifier", strings.Repeat("x", 43))
			return f
		}, clientID, clientSecret, 400, "invalid_grant"},
		{"no PKCE verifier", func(c string) url.Values { f := tokenForm(c); f.Del("code_verifier"); return f }, clientID, clientSecret, 400, "invalid_request"},
		{"wrong redirect_uri", func(c string) url.Values {
			f := tokenForm(c)
			f.Set("redirect_uri", "https://other.example/cb")
			return f
		}, clientID, clientSecret, 400, "invalid_grant"},
		{"wrong secret", tokenForm, clientID, "guess", 401, "invalid_client"},
		{"no client authentication", tokenForm, "", "", 401, "invalid_client"},
		{"code of another client", tokenForm, "other", "other-secret", 400, "invalid_grant"},
		{"unknown code", func(string) url.Values { return tokenForm("made-up") }, clientID, clientSecret, 400, "invalid_grant"},
		{"wrong grant type", func(c string) url.Values { f := tokenForm(c); f.Set("grant_type", "password"); return f }, clientID, clientSecret, 400, "unsupported_grant_type"},
		{"two authentication methods", func(c string) url.Values {
			f := tokenForm(c)
			f.Set("client_secret", clientSecret)
			return f
		}, clientID, clientSecret, 401, "invalid_client"},
	}
	for _, c := range cases {
		q := authParams()
		code := e.code("1AK0001", q)
		resp, out := e.token(c.form(code), c.id, c.secret)
		if resp.StatusCode != c.status || out["error"] != c.err {
			t.Errorf("%s: %d %v, want %d %s", c.name, resp.StatusCode, out, c.status, c.err)
		}
		if out["id_token"] != nil || out["access_token"] != nil {
			t.Errorf("%s: tokens issued", c.name)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", c.name, resp.Header.Get("Cache-Control"))
		}
	}
}

func TestTokenClientSecretPost(t *testing.T) {
	e := newEnv(t, nil)
	code := e.code("2AK0001", authParams())
	f := tokenForm(code)
	f.Set("client_id", clientID)
	f.Set("client_secret", clientSecret)
	resp, out := e.token(f, "", "")
	if resp.StatusCode != 200 || out["id_token"] == nil {
		t.Fatalf("client_secret_post: %d %v", resp.StatusCode, out)
	}
}

func TestCodeSingleUseAndReplayRevokes(t *testing.T) {
	e := newEnv(t, nil)
	code := e.code("1AK0001", authParams())
	resp, out := e.token(tokenForm(code), clientID, clientSecret)
	if resp.StatusCode != 200 {
		t.Fatalf("first use: %d %v", resp.StatusCode, out)
	}
	resp, again := e.token(tokenForm(code), clientID, clientSecret)
	if resp.StatusCode != 400 || again["error"] != "invalid_grant" {
		t.Errorf("replay: %d %v", resp.StatusCode, again)
	}
	// The replay revoked the access token the code gave.
	req, _ := http.NewRequest(http.MethodGet, e.issuer+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+out["access_token"].(string))
	r, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized {
		t.Errorf("userinfo after replay: %d", r.StatusCode)
	}
}

func TestCodeExpires(t *testing.T) {
	e := newEnv(t, nil)
	code := e.code("1AK0001", authParams())
	e.clock.Advance(idp.CodeTTL + time.Millisecond)
	resp, out := e.token(tokenForm(code), clientID, clientSecret)
	if resp.StatusCode != 400 || out["error"] != "invalid_grant" {
		t.Errorf("expired code: %d %v", resp.StatusCode, out)
	}
	// Just inside the lifetime it works.
	code = e.code("1AK0001", authParams())
	e.clock.Advance(idp.CodeTTL - time.Second)
	if resp, out := e.token(tokenForm(code), clientID, clientSecret); resp.StatusCode != 200 {
		t.Errorf("fresh code: %d %v", resp.StatusCode, out)
	}
}

func TestUserinfoNeedsToken(t *testing.T) {
	e := newEnv(t, nil)
	for _, h := range []string{"", "Bearer ", "Bearer nonsense", "Basic abc"} {
		req, _ := http.NewRequest(http.MethodGet, e.issuer+"/userinfo", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		r, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%q: %d", h, r.StatusCode)
		}
	}
}
