package idp

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// authRequest is a checked authorization request waiting for the person
// to choose a persona.
type authRequest struct {
	clientID, redirectURI string
	state, nonce, scope   string
	challenge             string // PKCE S256 code challenge
	browser               string // value of the browser-binding cookie
	expires               time.Time
}

// grant is an authorization code and what it is bound to.
type grant struct {
	authRequest
	sub         string
	authTime    time.Time
	used        bool
	accessToken string // issued with this code; revoked if the code is replayed
}

// browserCookie binds a sign-in page to the browser that opened it, so
// that a choice posted from anywhere else is refused.
const browserCookie = "dev_idp_browser"

const maxParam = 1024 // longest state, nonce or scope accepted

// authorize checks an authorization request, then either signs the
// login_hint persona in at once or shows the persona page.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k, v := range q {
		if len(v) > 1 {
			p.refuse(w, "parameter "+k+" is given more than once")
			return
		}
	}
	client, ok := p.clients[q.Get("client_id")]
	if !ok {
		p.refuse(w, "unknown client_id")
		return
	}
	redirect := q.Get("redirect_uri")
	if !slices.Contains(client.RedirectURIs, redirect) {
		p.refuse(w, "redirect_uri is not registered for this client")
		return
	}
	// The redirect URI is trusted from here on, but every other mistake is
	// refused on the page too: a development provider should say plainly
	// what is wrong rather than bounce an error to the client.
	switch {
	case q.Get("response_type") != "code":
		p.refuse(w, `response_type must be "code"`)
		return
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		p.refuse(w, `scope must include "openid"`)
		return
	case q.Get("state") == "" || len(q.Get("state")) > maxParam:
		p.refuse(w, "state is required")
		return
	case q.Get("nonce") == "" || len(q.Get("nonce")) > maxParam:
		p.refuse(w, "nonce is required")
		return
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") == "":
		p.refuse(w, "PKCE is required: code_challenge and code_challenge_method=S256")
		return
	case q.Get("code_challenge_method") != "S256":
		p.refuse(w, "code_challenge_method must be S256")
		return
	case !pkceValue(q.Get("code_challenge")):
		p.refuse(w, "code_challenge is malformed")
		return
	case len(q.Get("scope")) > maxParam:
		p.refuse(w, "scope is too long")
		return
	}
	if rm := q.Get("response_mode"); rm != "" && rm != "query" {
		p.refuse(w, `response_mode must be "query"`)
		return
	}
	req := authRequest{
		clientID: client.ID, redirectURI: redirect,
		state: q.Get("state"), nonce: q.Get("nonce"), scope: q.Get("scope"),
		challenge: q.Get("code_challenge"),
		expires:   p.now().Add(RequestTTL),
	}
	// DEVELOPMENT ONLY: login_hint naming a persona's FIN signs that
	// persona in without the page, for tests and browser automation.
	if ps := p.personaByFIN(q.Get("login_hint")); ps != nil {
		code, ok := p.issueCode(req, ps.sub)
		if !ok {
			p.busy(w)
			return
		}
		http.Redirect(w, r, codeRedirect(req, code), http.StatusFound)
		return
	}
	browser := ""
	if c, err := r.Cookie(browserCookie); err == nil && pkceValue(c.Value) {
		browser = c.Value
	} else {
		browser = randomToken()
	}
	http.SetCookie(w, &http.Cookie{
		Name: browserCookie, Value: browser, Path: p.prefix + "/authorize",
		HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode,
	})
	req.browser = browser
	id := randomToken()
	p.mu.Lock()
	p.pruneLocked()
	full := len(p.requests) >= maxEntries
	if !full {
		p.requests[id] = &req
	}
	p.mu.Unlock()
	if full {
		p.busy(w)
		return
	}
	p.renderChoice(w, id, q.Get("login_hint") != "")
}

// choose takes the persona chosen on the page (or a cancellation) and
// sends the browser back to the client.
func (p *Provider) choose(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		p.refuse(w, "the form could not be read")
		return
	}
	id := r.PostForm.Get("request")
	c, err := r.Cookie(browserCookie)
	p.mu.Lock()
	req, ok := p.requests[id]
	if ok && !p.now().Before(req.expires) {
		delete(p.requests, id)
		ok = false
	}
	if ok && (err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(req.browser)) != 1) {
		ok = false // not the browser that opened the page: leave the request be
	} else if ok {
		delete(p.requests, id) // a page is answered once
	}
	p.mu.Unlock()
	if !ok {
		p.refuse(w, "this sign-in page has expired or was opened in another browser; start again from the application")
		return
	}
	if r.PostForm.Has("cancel") {
		u, _ := url.Parse(req.redirectURI)
		v := u.Query()
		v.Set("error", "access_denied")
		v.Set("error_description", "the person cancelled the sign-in")
		v.Set("state", req.state)
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.String(), http.StatusSeeOther)
		return
	}
	ps := p.personaBySubject(r.PostForm.Get("persona"))
	if ps == nil {
		p.refuse(w, "unknown persona")
		return
	}
	code, ok := p.issueCode(*req, ps.sub)
	if !ok {
		p.busy(w)
		return
	}
	http.Redirect(w, r, codeRedirect(*req, code), http.StatusSeeOther)
}

// issueCode stores a new authorization code for req and sub; false when
// the table is full.
func (p *Provider) issueCode(req authRequest, sub string) (string, bool) {
	now := p.now()
	req.expires = now.Add(CodeTTL)
	req.browser = ""
	code := randomToken()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pruneLocked()
	if len(p.codes) >= maxEntries {
		return "", false
	}
	p.codes[code] = &grant{authRequest: req, sub: sub, authTime: now}
	return code, true
}

// codeRedirect is the registered redirect URI with the code and state
// added to its query.
func codeRedirect(req authRequest, code string) string {
	u, _ := url.Parse(req.redirectURI) // checked at registration
	v := u.Query()
	v.Set("code", code)
	v.Set("state", req.state)
	u.RawQuery = v.Encode()
	return u.String()
}

// pruneLocked drops expired requests, codes and access tokens. p.mu must
// be held.
func (p *Provider) pruneLocked() {
	now := p.now()
	for k, v := range p.requests {
		if !now.Before(v.expires) {
			delete(p.requests, k)
		}
	}
	for k, v := range p.codes {
		if !now.Before(v.expires) {
			delete(p.codes, k)
		}
	}
	for k, v := range p.tokens {
		if !now.Before(v.expires) {
			delete(p.tokens, k)
		}
	}
}

// pkceValue reports whether s is a PKCE challenge or verifier: 43 to 128
// characters of [A-Za-z0-9-._~] (RFC 7636 §4.1).
func pkceValue(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
		if !ok {
			return false
		}
	}
	return true
}
