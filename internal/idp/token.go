package idp

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// accessGrant is what an access token stands for.
type accessGrant struct {
	sub, clientID string
	expires       time.Time
}

// writeJSON writes v as a JSON answer that no cache keeps.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// oauthError writes an OAuth 2.0 error answer (RFC 6749 §5.2).
func oauthError(w http.ResponseWriter, status int, code, description string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="dev-idp"`)
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// authenticateClient finds the client of a token request from HTTP Basic
// credentials (client_secret_basic, form-encoded as RFC 6749 §2.3.1 says)
// or from the form (client_secret_post), and checks its secret.
func (p *Provider) authenticateClient(r *http.Request) (Client, string, bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		if r.PostForm.Has("client_secret") {
			return Client{}, "use one client authentication method, not two", false
		}
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return Client{}, "malformed client credentials", false
		}
		if f := r.PostForm.Get("client_id"); f != "" && f != id {
			return Client{}, "client_id does not match the credentials", false
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	c, ok := p.clients[id]
	if !ok || secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		return Client{}, "client authentication failed", false
	}
	return c, "", true
}

// token exchanges an authorization code for an ID token and an access
// token.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the form could not be read")
		return
	}
	for k, v := range r.PostForm {
		if len(v) > 1 {
			oauthError(w, http.StatusBadRequest, "invalid_request", "parameter "+k+" is given more than once")
			return
		}
	}
	if r.URL.RawQuery != "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "parameters belong in the body, not the URL")
		return
	}
	client, why, ok := p.authenticateClient(r)
	if !ok {
		oauthError(w, http.StatusUnauthorized, "invalid_client", why)
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is supported")
		return
	}
	code, verifier := r.PostForm.Get("code"), r.PostForm.Get("code_verifier")
	if code == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "code is required")
		return
	}
	if verifier == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "code_verifier is required (PKCE)")
		return
	}
	now := p.now()
	p.mu.Lock()
	g, found := p.codes[code]
	replay := found && g.used
	if found && !replay {
		g.used = true // any presentation uses the code up
	}
	if replay && g.accessToken != "" {
		delete(p.tokens, g.accessToken) // RFC 6749 §4.1.2: revoke what the code gave
	}
	p.mu.Unlock()
	switch {
	case !found || replay:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code is unknown, expired or already used")
		return
	case !now.Before(g.expires):
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code has expired")
		return
	case g.clientID != client.ID:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code was issued to another client")
		return
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request's")
		return
	case !pkceValue(verifier) || subtle.ConstantTimeCompare([]byte(s256(verifier)), []byte(g.challenge)) != 1:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the PKCE code_verifier does not match the code_challenge")
		return
	}
	ps := p.personaBySubject(g.sub)
	access := randomToken()
	idToken, err := p.idToken(ps, g, access, now)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "the ID token could not be signed")
		return
	}
	p.mu.Lock()
	g.accessToken = access
	p.tokens[access] = &accessGrant{sub: g.sub, clientID: client.ID, expires: now.Add(TokenTTL)}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access,
		"token_type":   "Bearer",
		"expires_in":   int(TokenTTL / time.Second),
		"id_token":     idToken,
		"scope":        g.scope,
	})
}

// s256 is the PKCE S256 transformation: BASE64URL(SHA256(verifier)).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// personClaims are the claims that describe the persona.
func (p *Provider) personClaims(ps *persona) map[string]any {
	c := map[string]any{"sub": ps.sub, "name": ps.Name}
	if ps.Role != "" {
		c["databank_role"] = ps.Role
	}
	if ps.FIN != "" {
		c[p.finClaim] = ps.FIN
	}
	if ps.Org != "" {
		c["databank_org"] = ps.Org
	}
	return c
}

// idToken signs the ID token for a redeemed code.
func (p *Provider) idToken(ps *persona, g *grant, access string, now time.Time) (string, error) {
	c := p.personClaims(ps)
	c["iss"] = p.issuer
	c["aud"] = g.clientID
	c["azp"] = g.clientID
	c["iat"] = now.Unix()
	c["exp"] = now.Add(TokenTTL).Unix()
	c["auth_time"] = g.authTime.Unix()
	c["nonce"] = g.nonce
	sum := sha256.Sum256([]byte(access))
	c["at_hash"] = base64.RawURLEncoding.EncodeToString(sum[:16])
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	jws, err := p.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// userinfo answers with the claims of the access token's persona.
func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	p.mu.Lock()
	a, found := p.tokens[token]
	if found && !p.now().Before(a.expires) {
		delete(p.tokens, token)
		found = false
	}
	p.mu.Unlock()
	if !ok || !found {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": "the access token is unknown or expired"})
		return
	}
	writeJSON(w, http.StatusOK, p.personClaims(p.personBySubjectOrEmpty(a.sub)))
}

func (p *Provider) personBySubjectOrEmpty(sub string) *persona {
	if ps := p.personaBySubject(sub); ps != nil {
		return ps
	}
	return &persona{sub: sub}
}
