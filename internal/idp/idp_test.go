package idp_test

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/scfwca/databank/internal/idp"
)

var finPattern = regexp.MustCompile(`^[A-HJ-NP-Z0-9]{7}$`)

func TestDefaultPersonas(t *testing.T) {
	parents := []idp.Persona{
		{FIN: "5ZK2P7Q", Name: "Günay Məmmədova", Role: "org_head", Org: "health"},
		{FIN: "3DX0001", Name: "Collides With A Head"}, // taken by the head of internal affairs
		{FIN: "5ZK2P7Q", Name: "Twice"},
	}
	ps := idp.DefaultPersonas(parents)
	if len(ps) != 2+2*8+3+1 {
		t.Fatalf("%d personas", len(ps))
	}
	seen := map[string]bool{}
	roles := map[string]int{}
	orgs := map[string]bool{}
	for _, p := range ps {
		if !finPattern.MatchString(p.FIN) {
			t.Errorf("%s: FIN %q is not valid", p.Name, p.FIN)
		}
		if seen[p.FIN] {
			t.Errorf("FIN %q twice", p.FIN)
		}
		seen[p.FIN] = true
		if p.Name == "" || !strings.Contains(p.Name, " ") {
			t.Errorf("persona %+v has no full name", p)
		}
		roles[p.Role]++
		orgs[p.Org] = true
	}
	for _, code := range []string{"operator", "internal_affairs", "justice", "education", "health", "labour", "youth_sports", "migration", "tabib", "commission.sabail"} {
		if !orgs[code] {
			t.Errorf("no persona of %s", code)
		}
	}
	want := map[string]int{"operator_admin": 1, "operator_analyst": 1, "org_head": 8, "org_officer": 8, "commission_member": 1, "evaluator": 1, "auditor": 1, "parent": 1}
	for r, n := range want {
		if roles[r] != n {
			t.Errorf("%d personas of role %s, want %d", roles[r], r, n)
		}
	}
	last := ps[len(ps)-1]
	if last.FIN != "5ZK2P7Q" || last.Role != "parent" || last.Org != "" {
		t.Errorf("parent became %+v", last)
	}
	// Deterministic: the same call gives the same FINs.
	if again := idp.DefaultPersonas(parents); !slices.Equal(again, ps) {
		t.Error("DefaultPersonas is not deterministic")
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	client := []idp.Client{{ID: "c", Secret: "s", RedirectURIs: []string{"https://a.example/cb"}}}
	cases := map[string]idp.Config{
		"relative issuer":    {Issuer: "/dev-idp", Clients: client},
		"issuer with query":  {Issuer: "http://127.0.0.1/x?y=1", Clients: client},
		"odd issuer path":    {Issuer: "http://127.0.0.1/a b", Clients: client},
		"no client":          {Issuer: "http://127.0.0.1/dev-idp"},
		"client w/o secret":  {Issuer: "http://127.0.0.1/dev-idp", Clients: []idp.Client{{ID: "c", RedirectURIs: []string{"https://a.example/cb"}}}},
		"relative redirect":  {Issuer: "http://127.0.0.1/dev-idp", Clients: []idp.Client{{ID: "c", Secret: "s", RedirectURIs: []string{"/cb"}}}},
		"reserved FIN claim": {Issuer: "http://127.0.0.1/dev-idp", Clients: client, FINClaim: "sub"},
		"duplicate FIN":      {Issuer: "http://127.0.0.1/dev-idp", Clients: client, Personas: []idp.Persona{{FIN: "1AB2345", Name: "A B"}, {FIN: "1AB2345", Name: "C D"}}},
	}
	for name, cfg := range cases {
		if _, err := idp.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDiscoveryAndJWKS(t *testing.T) {
	e := newEnv(t, nil)
	if e.p.MountPath() != "/dev-idp/" {
		t.Errorf("mount path %q", e.p.MountPath())
	}
	resp, body := e.get("/.well-known/openid-configuration", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("discovery: %d", resp.StatusCode)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"issuer":                 e.issuer,
		"authorization_endpoint": e.issuer + "/authorize",
		"token_endpoint":         e.issuer + "/token",
		"jwks_uri":               e.issuer + "/jwks",
		"userinfo_endpoint":      e.issuer + "/userinfo",
	} {
		if d[k] != want {
			t.Errorf("%s = %v, want %s", k, d[k], want)
		}
	}
	if !strings.Contains(body, `"code_challenge_methods_supported":["S256"]`) || !strings.Contains(body, `"fin"`) ||
		!strings.Contains(body, `"`+idp.DevelopmentMarker+`":true`) || !strings.Contains(body, `"id_token_signing_alg_values_supported":["RS256"]`) {
		t.Errorf("discovery lacks a field: %s", body)
	}

	resp, body = e.get("/jwks", nil)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(body), &set); err != nil || resp.StatusCode != 200 {
		t.Fatalf("jwks: %d %v", resp.StatusCode, err)
	}
	if len(set.Keys) != 1 || set.Keys[0].KeyID == "" || !set.Keys[0].IsPublic() {
		t.Fatalf("jwks: %+v", set.Keys)
	}
	if k, ok := set.Keys[0].Key.(*rsa.PublicKey); !ok || k.N.BitLen() != 2048 {
		t.Errorf("key is %T", set.Keys[0].Key)
	}

	// Paths outside the issuer's prefix are not served.
	r, err := http.Get(e.srv.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusNotFound {
		t.Errorf("unprefixed discovery: %d", r.StatusCode)
	}
}

func TestIDTokenContents(t *testing.T) {
	e := newEnv(t, nil)
	code := e.code("3DX0001", authParams())
	resp, tok := e.token(tokenForm(code), clientID, clientSecret)
	if resp.StatusCode != 200 {
		t.Fatalf("token: %d %v", resp.StatusCode, tok)
	}
	if resp.Header.Get("Cache-Control") != "no-store" || tok["token_type"] != "Bearer" || tok["expires_in"] != float64(300) {
		t.Errorf("token answer: %v %v", resp.Header, tok)
	}
	_, body := e.get("/jwks", nil)
	var set jose.JSONWebKeySet
	json.Unmarshal([]byte(body), &set)
	jws, err := jose.ParseSigned(tok["id_token"].(string), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if jws.Signatures[0].Header.KeyID != set.Keys[0].KeyID {
		t.Errorf("kid %q, JWKS has %q", jws.Signatures[0].Header.KeyID, set.Keys[0].KeyID)
	}
	payload, err := jws.Verify(set.Keys[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	json.Unmarshal(payload, &c)
	sub, _ := e.p.Subject("3DX0001")
	now := float64(e.clock.Now().Unix())
	for k, want := range map[string]any{
		"iss": e.issuer, "aud": clientID, "sub": sub, "nonce": "nonce-456", "fin": "3DX0001",
		"name": "Elçin Quliyev", "databank_role": "org_head", "databank_org": "internal_affairs",
		"iat": now, "exp": now + 300,
	} {
		if c[k] != want {
			t.Errorf("claim %s = %v, want %v", k, c[k], want)
		}
	}

	// The access token opens userinfo until it expires.
	req, _ := http.NewRequest(http.MethodGet, e.issuer+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok["access_token"].(string))
	r, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	json.NewDecoder(r.Body).Decode(&info)
	r.Body.Close()
	if r.StatusCode != 200 || info["fin"] != "3DX0001" || info["sub"] != sub {
		t.Errorf("userinfo: %d %v", r.StatusCode, info)
	}
	e.clock.Advance(idp.TokenTTL)
	r, err = e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("expired access token: %d", r.StatusCode)
	}
}

func TestCustomFINClaimAndSubjectStability(t *testing.T) {
	ps := []idp.Persona{{FIN: "1AB2345", Name: "Aysel Quliyeva", Role: "parent"}}
	a, err := idp.New(idp.Config{Issuer: "http://127.0.0.1:1/a", FINClaim: "pin", Personas: ps,
		Clients: []idp.Client{{ID: "c", Secret: "s", RedirectURIs: []string{"https://x.example/cb"}}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := idp.New(idp.Config{Issuer: "http://127.0.0.1:2/b", Personas: ps,
		Clients: []idp.Client{{ID: "c", Secret: "s", RedirectURIs: []string{"https://x.example/cb"}}}})
	if err != nil {
		t.Fatal(err)
	}
	sa, _ := a.Subject("1AB2345")
	sb, _ := b.Subject("1AB2345")
	if sa == "" || sa != sb || strings.Contains(sa, "1AB2345") {
		t.Errorf("subjects %q and %q: want equal, stable and not the FIN", sa, sb)
	}
	if a.FINClaim() != "pin" || b.FINClaim() != "fin" {
		t.Errorf("FIN claims %q %q", a.FINClaim(), b.FINClaim())
	}
	if b.MountPath() != "/b/" {
		t.Errorf("mount path %q", b.MountPath())
	}
}
