// Package oidclogin is the Data Bank's OpenID Connect relying party: it
// signs a person in through the national single sign-on (or any standard
// provider, such as the development one in package idp) with the
// authorization code flow, PKCE and a nonce, and returns the person's FIN
// from a configurable claim.
//
// A login has two halves. Start makes the provider URL to send the
// browser to and a Pending that the caller keeps for that browser
// (EncodePending makes a tamper-proof cookie value of it). Finish takes the
// Pending back with the callback's query, exchanges the code and verifies
// the ID token. Every failure is an *Error with a stable Code.
//
// The FIN is the only identity the Data Bank takes from the provider:
// roles and organisations come from its own registry, never from claims.
package oidclogin

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/scfwca/databank/internal/azid"
)

// Config configures a Login.
type Config struct {
	// Issuer is the provider's issuer URL, exactly as its discovery
	// document states it.
	Issuer string
	// ClientID and ClientSecret are the Data Bank's registration at the
	// provider (a confidential client).
	ClientID, ClientSecret string
	// RedirectURL is the Data Bank's callback, registered at the provider.
	RedirectURL string
	// FINClaim is the ID token claim holding the FIN; "fin" when empty.
	FINClaim string
	// Scopes are asked for; "openid" is always added. ["openid",
	// "profile"] when empty.
	Scopes []string
	// HTTPClient talks to the provider; http.DefaultClient when nil.
	HTTPClient *http.Client
	// Now is the clock for ID token expiry and login age; time.Now when
	// nil.
	Now func() time.Time
}

// Login signs people in through one provider. It is safe for concurrent
// use.
type Login struct {
	issuer   string
	finClaim string
	client   *http.Client
	now      func() time.Time
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	dev      bool
}

// Identity is who signed in.
type Identity struct {
	// FIN is the person's FIN, validated and in canonical form.
	FIN string
	// Name is the "name" claim, "" when the provider sent none.
	Name string
	// Subject and Issuer identify the person at the provider.
	Subject, Issuer string
	// Claims are all the ID token's claims. Only FIN is to be trusted
	// for who the person is; the rest are informative.
	Claims map[string]any
}

// New discovers the provider (its discovery document's issuer must equal
// cfg.Issuer) and returns a Login.
func New(ctx context.Context, cfg Config) (*Login, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("oidclogin: issuer, client ID and client secret are required")
	}
	if u, err := url.Parse(cfg.RedirectURL); err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
		return nil, fmt.Errorf("oidclogin: redirect URL %q must be absolute, with no fragment", cfg.RedirectURL)
	}
	l := &Login{issuer: cfg.Issuer, finClaim: cfg.FINClaim, client: cfg.HTTPClient, now: cfg.Now}
	if l.finClaim == "" {
		l.finClaim = "fin"
	}
	if l.client == nil {
		l.client = http.DefaultClient
	}
	if l.now == nil {
		l.now = time.Now
	}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, l.client), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidclogin: discovery of %s: %w", cfg.Issuer, err)
	}
	var meta struct {
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
		PKCE        []string `json:"code_challenge_methods_supported"`
		Dev         bool     `json:"databank_development_provider"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("oidclogin: discovery of %s: %w", cfg.Issuer, err)
	}
	if len(meta.PKCE) > 0 && !slices.Contains(meta.PKCE, "S256") {
		return nil, fmt.Errorf("oidclogin: %s does not support PKCE with S256", cfg.Issuer)
	}
	l.dev = meta.Dev
	endpoint := provider.Endpoint()
	// Say how to authenticate rather than let oauth2 guess: guessing
	// retries a refused code a second time.
	endpoint.AuthStyle = oauth2.AuthStyleInHeader
	if len(meta.AuthMethods) > 0 && !slices.Contains(meta.AuthMethods, "client_secret_basic") &&
		slices.Contains(meta.AuthMethods, "client_secret_post") {
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	scopes := []string{oidc.ScopeOpenID}
	if len(cfg.Scopes) == 0 {
		scopes = append(scopes, "profile")
	}
	for _, s := range cfg.Scopes {
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	l.oauth = oauth2.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		Endpoint: endpoint, RedirectURL: cfg.RedirectURL, Scopes: scopes,
	}
	l.verifier = provider.VerifierContext(oidc.ClientContext(context.Background(), l.client),
		&oidc.Config{ClientID: cfg.ClientID, Now: l.now})
	return l, nil
}

// DevelopmentProvider reports whether the provider's discovery document
// says it is the built-in development provider (package idp). A server in
// production mode must refuse to start when it is.
func (l *Login) DevelopmentProvider() bool { return l.dev }

// Start begins a login that will return the browser to returnTo, a local
// path ("" means "/"). It returns the provider URL to redirect the browser
// to and the Pending to keep for that browser until the callback.
func (l *Login) Start(returnTo string) (authURL string, p Pending, err error) {
	if returnTo == "" {
		returnTo = "/"
	}
	if !ValidReturnTo(returnTo) {
		return "", Pending{}, fail(ReturnToInvalid, "", nil)
	}
	p = Pending{
		State:    oauth2.GenerateVerifier(), // 32 random bytes, base64url
		Nonce:    oauth2.GenerateVerifier(),
		Verifier: oauth2.GenerateVerifier(),
		ReturnTo: returnTo,
		Started:  l.now().UTC().Truncate(time.Second),
	}
	authURL = l.oauth.AuthCodeURL(p.State, oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier))
	return authURL, p, nil
}

// Finish completes the login whose Pending is p with the callback's query:
// it checks the state, exchanges the code with the PKCE verifier, verifies
// the ID token (signature, issuer, audience, expiry, nonce) and takes the
// FIN from its claim.
func (l *Login) Finish(ctx context.Context, p Pending, query url.Values) (*Identity, error) {
	if err := p.checkAge(l.now()); err != nil {
		return nil, err
	}
	if e := query.Get("error"); e != "" {
		if s := query.Get("state"); s != "" && !sameString(s, p.State) {
			return nil, fail(StateMismatch, "on an error callback", nil)
		}
		return nil, fail(ProviderError, clip(e), nil)
	}
	if p.State == "" || !sameString(query.Get("state"), p.State) {
		return nil, fail(StateMismatch, "", nil)
	}
	code := query.Get("code")
	if code == "" {
		return nil, fail(TokenExchangeFailed, "the callback carries no code", nil)
	}
	tok, err := l.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, l.client), code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return nil, fail(TokenExchangeFailed, "", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, fail(IDTokenInvalid, "the token response has no id_token", nil)
	}
	idt, err := l.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, fail(IDTokenInvalid, "", err)
	}
	if !sameString(idt.Nonce, p.Nonce) {
		return nil, fail(NonceMismatch, "", nil)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, fail(IDTokenInvalid, "at_hash does not match the access token", err)
		}
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, fail(IDTokenInvalid, "claims", err)
	}
	fin, err := l.fin(claims)
	if err != nil {
		return nil, err
	}
	name, _ := claims["name"].(string)
	return &Identity{FIN: fin, Name: name, Subject: idt.Subject, Issuer: idt.Issuer, Claims: claims}, nil
}

// fin takes the FIN from its claim: present, a string, and a well-formed
// FIN once surrounding spaces are trimmed and letters upper-cased.
func (l *Login) fin(claims map[string]any) (string, error) {
	v, ok := claims[l.finClaim]
	if !ok || v == nil {
		return "", fail(FINClaimMissing, "claim "+l.finClaim, nil)
	}
	s, ok := v.(string)
	if !ok {
		return "", fail(FINClaimInvalid, "claim "+l.finClaim+" is not a string", nil)
	}
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", fail(FINClaimMissing, "claim "+l.finClaim+" is empty", nil)
	}
	// azid.FIN also drops separators; a claim is machine-made, so demand
	// the bare seven characters.
	fin, valid := azid.FIN(s)
	if !valid || fin != s {
		return "", fail(FINClaimInvalid, "claim "+l.finClaim+" is not a FIN", nil)
	}
	return fin, nil
}

func sameString(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// clip keeps a provider-supplied text short and printable for a log.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 64 {
		s = string(r[:64])
	}
	return s
}
