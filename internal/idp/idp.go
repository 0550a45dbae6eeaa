// Package idp is a small, standard OpenID Connect provider for development
// and tests: it lets the demo and the test suites run the Data Bank's whole
// single sign-on flow (authorization code with PKCE and nonce) with no
// outside service. It is never to be used in production.
//
// The provider serves discovery, a JSON Web Key Set, an authorization
// endpoint that shows a page of personas to choose from, a token endpoint
// and a userinfo endpoint. It keeps its state (pending requests, codes,
// access tokens) in memory and signs ID tokens with an RSA-2048 key made
// when it starts, so every restart invalidates what it issued before.
//
// Even for development it holds to the protocol's safety rules: state,
// nonce and PKCE (S256) are required, redirect URIs must match a registered
// one exactly, codes are single use and short-lived, and nothing redirects
// anywhere but to a registered URI.
//
// # Mounting
//
// [Provider.ServeHTTP] expects the FULL request path: it strips the path of
// the issuer itself. With the issuer "http://127.0.0.1:8080/dev-idp", mount
// the provider as
//
//	mux.Handle(p.MountPath(), p) // "/dev-idp/"
//
// and do not wrap it in [http.StripPrefix]. An issuer with no path is mounted
// at "/". When the relying party runs in the same process,
// [Provider.Client] lets it reach the provider without a network round
// trip (and before the server listens).
//
// # Signing in without the page (development only)
//
// An authorization request with login_hint set to a persona's FIN signs
// that persona in at once and redirects with the code, skipping the page.
// This exists for tests and browser automation only; it is one more reason
// the provider must never be reachable in production. The discovery
// document carries "databank_development_provider": true so that a relying
// party can recognise this provider and refuse it in production.
package idp

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Persona is someone a developer or a test may sign in as.
//
// Role and Org are sent in the ID token as the claims "databank_role" and
// "databank_org" ONLY as hints for this development provider's page and for
// people reading tokens: the Data Bank never trusts them — it decides a
// person's role and organisation from its own registry, keyed by the FIN.
type Persona struct {
	// FIN is the person's personal identification number. The provider
	// does not validate it, so that tests can make it send a malformed or
	// (when empty) no FIN claim at all.
	FIN string
	// Name is the person's full name, sent as the "name" claim.
	Name string
	// Role is a hint such as "operator_admin", "org_officer" or "parent".
	Role string
	// Org is a hint: a participant code, "" for parents, evaluators and
	// auditors.
	Org string
}

// Client is a registered relying party.
type Client struct {
	ID, Secret string
	// RedirectURIs are the only URIs the provider sends a browser back
	// to for this client; a request must name one of them exactly.
	RedirectURIs []string
}

// Config configures a Provider.
type Config struct {
	// Issuer is the provider's base URL, including any path prefix, e.g.
	// "http://127.0.0.1:8080/dev-idp". A trailing slash is dropped.
	Issuer string
	// FINClaim is the name of the claim that carries the FIN; "fin" when
	// empty.
	FINClaim string
	// Clients are the registered relying parties; at least one.
	Clients []Client
	// Personas are who may sign in; DefaultPersonas(nil) when empty.
	Personas []Persona
	// Now is the provider's clock; time.Now when nil.
	Now func() time.Time
}

// Lifetimes of what the provider issues.
const (
	CodeTTL    = 60 * time.Second // authorization codes
	TokenTTL   = 5 * time.Minute  // ID and access tokens
	RequestTTL = 10 * time.Minute // a sign-in page left open
)

// maxEntries bounds each in-memory table so that a flood of requests
// cannot grow the process without limit.
const maxEntries = 10000

// DevelopmentMarker is the name of a field set to true in the provider's
// discovery document, so that a relying party can tell it is talking to
// this development provider (see oidclogin.Login.DevelopmentProvider).
const DevelopmentMarker = "databank_development_provider"

// Provider is the development OpenID Connect provider. It is an
// http.Handler; see the package documentation for how to mount it.
type Provider struct {
	issuer   string
	prefix   string // the issuer's path, "" or "/dev-idp"
	secure   bool   // the issuer is https
	finClaim string
	now      func() time.Time

	key    *rsa.PrivateKey
	kid    string
	signer jose.Signer

	clients  map[string]Client
	personas []persona
	mux      *http.ServeMux

	mu       sync.Mutex
	requests map[string]*authRequest // pending sign-in pages, by request id
	codes    map[string]*grant       // authorization codes
	tokens   map[string]*accessGrant // access tokens
}

// persona is a Persona with its stable subject identifier.
type persona struct {
	Persona
	sub string
}

// reservedClaims may not be used as the FIN claim's name.
var reservedClaims = []string{"iss", "sub", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "azp", "at_hash", "name", "databank_role", "databank_org", "jti"}

// New checks cfg, generates the signing key and returns the provider.
func New(cfg Config) (*Provider, error) {
	iss, err := url.Parse(strings.TrimSuffix(cfg.Issuer, "/"))
	if err != nil || (iss.Scheme != "http" && iss.Scheme != "https") || iss.Host == "" ||
		iss.RawQuery != "" || iss.Fragment != "" || iss.User != nil || iss.Opaque != "" {
		return nil, fmt.Errorf("idp: issuer %q must be an absolute http(s) URL with no query, fragment or user", cfg.Issuer)
	}
	if !cleanPath(iss.Path) {
		return nil, fmt.Errorf("idp: issuer path %q may hold only letters, digits and -._~/", iss.Path)
	}
	p := &Provider{
		issuer:   iss.String(),
		prefix:   iss.Path,
		secure:   iss.Scheme == "https",
		finClaim: cfg.FINClaim,
		now:      cfg.Now,
		clients:  map[string]Client{},
		requests: map[string]*authRequest{},
		codes:    map[string]*grant{},
		tokens:   map[string]*accessGrant{},
	}
	if p.finClaim == "" {
		p.finClaim = "fin"
	}
	for _, r := range reservedClaims {
		if p.finClaim == r {
			return nil, fmt.Errorf("idp: the FIN claim may not be named %q", r)
		}
	}
	if p.now == nil {
		p.now = time.Now
	}
	if len(cfg.Clients) == 0 {
		return nil, errors.New("idp: no client registered")
	}
	for _, c := range cfg.Clients {
		if err := checkClient(c); err != nil {
			return nil, err
		}
		if _, dup := p.clients[c.ID]; dup {
			return nil, fmt.Errorf("idp: client %q registered twice", c.ID)
		}
		c.RedirectURIs = append([]string(nil), c.RedirectURIs...)
		p.clients[c.ID] = c
	}
	personas := cfg.Personas
	if len(personas) == 0 {
		personas = DefaultPersonas(nil)
	}
	if p.personas, err = withSubjects(personas); err != nil {
		return nil, err
	}
	if err := p.newKey(); err != nil {
		return nil, err
	}
	p.routes()
	return p, nil
}

func checkClient(c Client) error {
	if c.ID == "" || c.Secret == "" {
		return errors.New("idp: a client needs an ID and a secret")
	}
	if len(c.RedirectURIs) == 0 {
		return fmt.Errorf("idp: client %q has no redirect URI", c.ID)
	}
	for _, r := range c.RedirectURIs {
		u, err := url.Parse(r)
		if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
			return fmt.Errorf("idp: client %q: redirect URI %q must be absolute, with no fragment", c.ID, r)
		}
	}
	return nil
}

// cleanPath reports whether an issuer path is safe to put in a route
// pattern and an HTML form action.
func cleanPath(p string) bool {
	if p == "" {
		return true
	}
	if p[0] != '/' || strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") {
		return false
	}
	for _, r := range p {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~/", r)
		if !ok {
			return false
		}
	}
	return true
}

func (p *Provider) newKey() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("idp: generating the signing key: %w", err)
	}
	pub := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.RS256), Use: "sig"}
	thumb, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return fmt.Errorf("idp: key thumbprint: %w", err)
	}
	p.key = key
	p.kid = base64.RawURLEncoding.EncodeToString(thumb)
	p.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: p.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return fmt.Errorf("idp: signer: %w", err)
	}
	return nil
}

// Issuer returns the issuer URL, as it appears in discovery and tokens.
func (p *Provider) Issuer() string { return p.issuer }

// FINClaim returns the name of the claim that carries the FIN.
func (p *Provider) FINClaim() string { return p.finClaim }

// MountPath returns the pattern to mount the provider at in a
// http.ServeMux: the issuer's path with a trailing slash, "/" for an issuer
// with no path.
func (p *Provider) MountPath() string { return p.prefix + "/" }

// Personas returns who may sign in, in the order of the sign-in page.
func (p *Provider) Personas() []Persona {
	out := make([]Persona, len(p.personas))
	for i, ps := range p.personas {
		out[i] = ps.Persona
	}
	return out
}

// Subject returns the stable subject identifier ("sub") of the persona
// with a FIN, and whether there is one.
func (p *Provider) Subject(fin string) (string, bool) {
	if ps := p.personaByFIN(fin); ps != nil {
		return ps.sub, true
	}
	return "", false
}

func (p *Provider) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET "+p.prefix+"/.well-known/openid-configuration", p.discovery)
	m.HandleFunc("GET "+p.prefix+"/jwks", p.jwks)
	m.HandleFunc("GET "+p.prefix+"/authorize", p.authorize)
	m.Handle("POST "+p.prefix+"/authorize/choose", http.NewCrossOriginProtection().Handler(http.HandlerFunc(p.choose)))
	m.HandleFunc("POST "+p.prefix+"/token", p.token)
	m.HandleFunc("GET "+p.prefix+"/userinfo", p.userinfo)
	m.HandleFunc("POST "+p.prefix+"/userinfo", p.userinfo)
	p.mux = m
}

// ServeHTTP serves the provider's endpoints. r.URL.Path is the full path,
// including the issuer's path prefix (see the package documentation).
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

func (p *Provider) endpoint(path string) string { return p.issuer + path }

// discovery serves the OpenID Provider metadata.
func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.issuer,
		"authorization_endpoint":                p.endpoint("/authorize"),
		"token_endpoint":                        p.endpoint("/token"),
		"jwks_uri":                              p.endpoint("/jwks"),
		"userinfo_endpoint":                     p.endpoint("/userinfo"),
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                      []string{"openid", "profile"},
		"claims_supported": []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
			"name", p.finClaim, "databank_role", "databank_org"},
		"claims_parameter_supported":  false,
		"request_parameter_supported": false,
		DevelopmentMarker:             true,
	})
}

// jwks serves the public signing key.
func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &p.key.PublicKey, KeyID: p.kid, Algorithm: string(jose.RS256), Use: "sig"},
	}})
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
