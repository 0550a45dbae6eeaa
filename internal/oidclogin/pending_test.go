package oidclogin_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/oidclogin"
)

func samplePending(now time.Time) oidclogin.Pending {
	return oidclogin.Pending{State: "st", Nonce: "no", Verifier: "ve", ReturnTo: "/children/42", Started: now.Truncate(time.Second)}
}

func TestPendingRoundTrip(t *testing.T) {
	now := newClock().Now()
	p := samplePending(now)
	v, err := oidclogin.EncodePending(pendingKey, p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := oidclogin.DecodePending(pendingKey, v, now.Add(oidclogin.PendingTTL))
	if err != nil || !got.Started.Equal(p.Started) || got.State != p.State || got.Nonce != p.Nonce ||
		got.Verifier != p.Verifier || got.ReturnTo != p.ReturnTo {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if strings.ContainsAny(v, " ;,\"") {
		t.Errorf("value %q is not cookie-safe", v)
	}
}

func TestPendingRefusals(t *testing.T) {
	now := newClock().Now()
	good, _ := oidclogin.EncodePending(pendingKey, samplePending(now))
	otherKey := []byte(strings.Repeat("k", 32))
	forged, _ := oidclogin.EncodePending(otherKey, samplePending(now))

	// A payload changed after signing: the return path swapped.
	body, sig, _ := strings.Cut(good, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	m["r"] = "/admin"
	changed, _ := json.Marshal(m)
	tampered := base64.RawURLEncoding.EncodeToString(changed) + "." + sig

	// Properly signed but unusable values.
	offsite, _ := oidclogin.EncodePending(pendingKey, oidclogin.Pending{State: "s", Nonce: "n", Verifier: "v", ReturnTo: "//evil.example", Started: now})
	future, _ := oidclogin.EncodePending(pendingKey, samplePending(now.Add(time.Hour)))
	old, _ := oidclogin.EncodePending(pendingKey, samplePending(now.Add(-oidclogin.PendingTTL-time.Second)))

	cases := []struct {
		name, value string
		code        oidclogin.Code
	}{
		{"signed with another key", forged, oidclogin.PendingInvalid},
		{"payload changed", tampered, oidclogin.PendingInvalid},
		{"no MAC", body, oidclogin.PendingInvalid},
		{"MAC cut short", good[:len(good)-4], oidclogin.PendingInvalid},
		{"garbage", "!!!.???", oidclogin.PendingInvalid},
		{"empty", "", oidclogin.PendingInvalid},
		{"off-site return path", offsite, oidclogin.PendingInvalid},
		{"started in the future", future, oidclogin.PendingInvalid},
		{"older than ten minutes", old, oidclogin.LoginExpired},
	}
	for _, c := range cases {
		_, err := oidclogin.DecodePending(pendingKey, c.value, now)
		if got := oidclogin.CodeOf(err); got != c.code {
			t.Errorf("%s: %v (code %q), want %q", c.name, err, got, c.code)
		}
	}
	// The good value is fine at the same moment, and replaying it after
	// ten minutes is not.
	if _, err := oidclogin.DecodePending(pendingKey, good, now); err != nil {
		t.Errorf("good value: %v", err)
	}
	if _, err := oidclogin.DecodePending(pendingKey, good, now.Add(oidclogin.PendingTTL+time.Second)); oidclogin.CodeOf(err) != oidclogin.LoginExpired {
		t.Errorf("replayed after ten minutes: %v", err)
	}
}

func TestPendingKeyLength(t *testing.T) {
	short := []byte("too short")
	if _, err := oidclogin.EncodePending(short, samplePending(time.Now())); err == nil {
		t.Error("encoded with a short key")
	}
	if _, err := oidclogin.DecodePending(short, "a.b", time.Now()); err == nil {
		t.Error("decoded with a short key")
	}
}

func TestPendingCookie(t *testing.T) {
	c := oidclogin.PendingCookie("databank_login", "v", "/auth/", true)
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.MaxAge != 600 || c.Path != "/auth/" {
		t.Errorf("cookie %+v", c)
	}
}

func TestValidReturnTo(t *testing.T) {
	for s, want := range map[string]bool{
		"/":                  true,
		"/children?id=5#top": true,
		"/a//b":              true,
		"":                   false,
		"//evil.example":     false,
		"/\\evil.example":    false,
		"/a\\b":              false,
		"https://x.example/": false,
		"relative":           false,
		"/tab\there":         false,
	} {
		if got := oidclogin.ValidReturnTo(s); got != want {
			t.Errorf("ValidReturnTo(%q) = %v", s, got)
		}
	}
}

// TestForgedCookieAtCallback sends a callback with a cookie signed by
// another key through the Data Bank side of the flow.
func TestForgedCookieAtCallback(t *testing.T) {
	e := newEnv(t)
	l := e.login(nil)
	e.mountRP(l)
	authURL := e.follow(e.rpSrv.URL + "/login")
	// Replace the cookie with one made under another key, for the same
	// login: it must be refused though its contents are right.
	u, _ := authURL.Parse(e.rpSrv.URL + "/auth/")
	var ours *http.Cookie
	for _, c := range e.browser.Jar.Cookies(u) {
		if c.Name == pendingCookie {
			ours = c
		}
	}
	if ours == nil {
		t.Fatal("no pending cookie set")
	}
	p, err := oidclogin.DecodePending(pendingKey, ours.Value, e.rpClock.Now())
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := oidclogin.EncodePending([]byte(strings.Repeat("x", 32)), p)
	e.browser.Jar.SetCookies(u, []*http.Cookie{{Name: pendingCookie, Value: forged, Path: "/auth/"}})
	q := authURL.Query()
	q.Set("login_hint", "1AK0001")
	authURL.RawQuery = q.Encode()
	cb := e.follow(authURL.String())
	if status, body := e.land(cb.String()); status != 400 || body != string(oidclogin.PendingInvalid) {
		t.Errorf("forged cookie: %d %s", status, body)
	}
}
