package idp_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/idp"
)

func TestAuthorizeRefusals(t *testing.T) {
	e := newEnv(t, nil)
	cases := map[string]func(q url.Values){
		"unknown client":          func(q url.Values) { q.Set("client_id", "nobody") },
		"wrong redirect_uri":      func(q url.Values) { q.Set("redirect_uri", "https://evil.example/cb") },
		"redirect_uri prefix":     func(q url.Values) { q.Set("redirect_uri", callback+"/more") },
		"another client's uri":    func(q url.Values) { q.Set("redirect_uri", "https://other.example/cb") },
		"no redirect_uri":         func(q url.Values) { q.Del("redirect_uri") },
		"missing PKCE":            func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") },
		"PKCE without method":     func(q url.Values) { q.Del("code_challenge_method") },
		"plain PKCE":              func(q url.Values) { q.Set("code_challenge_method", "plain") },
		"short challenge":         func(q url.Values) { q.Set("code_challenge", "abc") },
		"no state":                func(q url.Values) { q.Del("state") },
		"no nonce":                func(q url.Values) { q.Del("nonce") },
		"no openid scope":         func(q url.Values) { q.Set("scope", "profile") },
		"token response type":     func(q url.Values) { q.Set("response_type", "token") },
		"form_post response mode": func(q url.Values) { q.Set("response_mode", "form_post") },
		"repeated parameter":      func(q url.Values) { q.Add("state", "second") },
	}
	for name, spoil := range cases {
		q := authParams()
		q.Set("login_hint", "1AK0001") // would sign in at once if accepted
		spoil(q)
		resp, body := e.get("/authorize", q)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
		if loc := resp.Header.Get("Location"); loc != "" {
			t.Errorf("%s: redirected to %s", name, loc)
		}
		if !strings.Contains(body, "Giriş sorğusu qəbul edilmədi") {
			t.Errorf("%s: no refusal page", name)
		}
	}
}

var (
	hiddenRequest = regexp.MustCompile(`name="request" value="([^"]+)"`)
	personaButton = regexp.MustCompile(`name="persona" value="([^"]+)">\s*<span class="name">([^<]+)</span>`)
	formAction    = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
)

// page opens the persona page and returns its form's request token, its
// action and the persona buttons (name → value).
func (e *env) page(q url.Values) (request, action string, buttons map[string]string, body string) {
	e.t.Helper()
	resp, body := e.get("/authorize", q)
	if resp.StatusCode != 200 {
		e.t.Fatalf("page: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		e.t.Errorf("page headers: %v", resp.Header)
	}
	m := hiddenRequest.FindStringSubmatch(body)
	a := formAction.FindStringSubmatch(body)
	if m == nil || a == nil {
		e.t.Fatalf("no form in %s", body)
	}
	buttons = map[string]string{}
	for _, b := range personaButton.FindAllStringSubmatch(body, -1) {
		buttons[b[2]] = b[1]
	}
	return m[1], a[1], buttons, body
}

func (e *env) post(path string, form url.Values, c *http.Client) *http.Response {
	e.t.Helper()
	resp, err := c.PostForm(e.srv.URL+path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestPersonaPage(t *testing.T) {
	e := newEnv(t, idp.DefaultPersonas([]idp.Persona{{FIN: "9PQ8RS7", Name: `<script>alert("x")</script> Əliyev`}}))
	req, action, buttons, body := e.page(authParams())
	for _, want := range []string{`lang="az"`, "Şəxsiyyətinizi seçin", "Choose who you are", "Выберите, кто вы", "Leyla Həsənova", "FİN 1AK0001"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Error("a persona's name is not escaped")
	}
	if strings.Index(body, "Şəxsiyyətinizi seçin") > strings.Index(body, "Choose who you are") {
		t.Error("Azerbaijani is not first")
	}
	if action != "/dev-idp/authorize/choose" || len(buttons) != len(e.p.Personas()) {
		t.Fatalf("action %q, %d buttons", action, len(buttons))
	}

	// A choice posted by another browser (no binding cookie) is refused
	// and leaves the request usable by the right one.
	stranger := &http.Client{CheckRedirect: e.client.CheckRedirect}
	if r := e.post(action, url.Values{"request": {req}, "persona": {buttons["Aynur Hüseynova"]}}, stranger); r.StatusCode != http.StatusBadRequest || r.Header.Get("Location") != "" {
		t.Errorf("stranger's choice: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	r := e.post(action, url.Values{"request": {req}, "persona": {buttons["Aynur Hüseynova"]}}, e.client)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("choice: %d", r.StatusCode)
	}
	loc, _ := url.Parse(r.Header.Get("Location"))
	if !strings.HasPrefix(loc.String(), callback+"?") || loc.Query().Get("state") != "state-123" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %s", loc)
	}
	resp, tok := e.token(tokenForm(loc.Query().Get("code")), clientID, clientSecret)
	if resp.StatusCode != 200 || tok["id_token"] == nil {
		t.Fatalf("token: %d %v", resp.StatusCode, tok)
	}
	// The page's request is answered once.
	if r := e.post(action, url.Values{"request": {req}, "persona": {buttons["Aynur Hüseynova"]}}, e.client); r.StatusCode != http.StatusBadRequest {
		t.Errorf("second choice: %d", r.StatusCode)
	}
	// An unknown persona is refused.
	req2, _, _, _ := e.page(authParams())
	if r := e.post(action, url.Values{"request": {req2}, "persona": {"dev-nobody"}}, e.client); r.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown persona: %d", r.StatusCode)
	}
}

func TestPersonaPageCancelAndExpiry(t *testing.T) {
	e := newEnv(t, nil)
	req, action, _, _ := e.page(authParams())
	r := e.post(action, url.Values{"request": {req}, "cancel": {"1"}}, e.client)
	loc, _ := url.Parse(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "state-123" ||
		loc.Query().Has("code") || !strings.HasPrefix(loc.String(), callback+"?") {
		t.Errorf("cancel: %d %s", r.StatusCode, loc)
	}

	q := authParams()
	q.Set("login_hint", "NOBODY1")
	req, _, buttons, body := e.page(q)
	if !strings.Contains(body, "login_hint") {
		t.Error("an unmatched login_hint is not pointed out")
	}
	e.clock.Advance(idp.RequestTTL + time.Second)
	if r := e.post(action, url.Values{"request": {req}, "persona": {buttons["Leyla Həsənova"]}}, e.client); r.StatusCode != http.StatusBadRequest {
		t.Errorf("expired page: %d", r.StatusCode)
	}
}

func TestCrossSiteChoiceRefused(t *testing.T) {
	e := newEnv(t, nil)
	req, action, buttons, _ := e.page(authParams())
	form := url.Values{"request": {req}, "persona": {buttons["Leyla Həsənova"]}}
	hr, _ := http.NewRequest(http.MethodPost, e.srv.URL+action, strings.NewReader(form.Encode()))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := e.client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %d", resp.StatusCode)
	}
}
