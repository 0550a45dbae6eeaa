package exchange_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/signature"
	"github.com/scfwca/databank/internal/signature/sigtest"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var ctx = context.Background()

// env is a running exchange over mutual TLS, on a real store.
type env struct {
	t      *testing.T
	st     *store.Store
	url    string
	server *sigtest.PKI // issues the exchange's own server certificate
}

func start(t *testing.T, st *store.Store, anchors, crl string, limits exchange.Limits) *env {
	t.Helper()
	if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
		t.Fatal(err)
	}
	v, err := signature.LoadVerifier(anchors, []string{crl}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	srvPKI := sigtest.New(t)
	srvLeaf := srvPKI.Issue(t, "exchange", sigtest.ServerAuth("127.0.0.1"))
	tlsCfg, err := exchange.TLSConfig(srvLeaf.ChainPath, srvLeaf.KeyPath)
	if err != nil {
		t.Fatal(err)
	}
	h := exchange.New(st, registry.New(st, nil), slog.New(slog.DiscardHandler), exchange.Options{Verifier: v, Limits: limits})
	ts := httptest.NewUnstartedServer(h)
	ts.TLS = tlsCfg
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return &env{t: t, st: st, url: ts.URL, server: srvPKI}
}

func (e *env) bind(l *sigtest.Leaf, code string) {
	e.t.Helper()
	if err := e.st.Bind(ctx, l.Subject, exchange.Fingerprint(l.Cert), code, audit.SystemActor("test")); err != nil {
		e.t.Fatal(err)
	}
}

// client returns an HTTP client presenting leaf's certificate.
func (e *env) client(leaf *sigtest.Leaf) *http.Client {
	roots := x509.NewCertPool()
	roots.AddCert(e.server.Root)
	cfg := &tls.Config{RootCAs: roots}
	if leaf != nil {
		cfg.Certificates = []tls.Certificate{leaf.TLSCertificate()}
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) code() string {
	var p struct{ Code string }
	json.Unmarshal(a.body, &p)
	return p.Code
}

func (e *env) post(c *http.Client, path string, body []byte, sig []byte) answer {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != nil {
		req.Header.Set("X-Signature", base64.StdEncoding.EncodeToString(sig))
	}
	return e.do(c, req)
}

func (e *env) get(c *http.Client, path string) answer {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+path, nil)
	return e.do(c, req)
}

func (e *env) do(c *http.Client, req *http.Request) answer {
	e.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}
}

// batch builds a batch of records of one category's first example.
func batch(id string, cat *category.Category, fins ...string) []byte {
	var recs []string
	for i, fin := range fins {
		recs = append(recs, fmt.Sprintf(`{"source_id":"%s-%d","category":%q,"child":{"fin":%q},"effective_date":"2025-01-10","action":"upsert","data":%s}`,
			id, i, cat.Code, fin, cat.Examples()[0]))
	}
	return []byte(fmt.Sprintf(`{"batch_id":%q,"records":[%s]}`, id, strings.Join(recs, ",")))
}

// TestOpenSSLInterop builds a PKI with the openssl command, signs batches
// with `openssl cms -sign`, submits them over mutual TLS, and checks that
// each way of getting it wrong is refused with its own code.
func TestOpenSSLInterop(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		pki := sigtest.OpenSSL(t)
		e := start(t, st, pki.RootPEM, pki.CRLPath, exchange.DefaultLimits)
		e.bind(pki.RSA, "justice")
		e.bind(pki.ECDSA, "health")
		e.bind(pki.Expired, "education")
		e.bind(pki.Revoked, "labour")
		e.bind(pki.SelfSigned, "internal_affairs")
		e.bind(pki.NoSigning, "migration")
		justice := e.client(pki.RSA)

		// Accepted: RSA-2048 over mutual TLS, signed by openssl.
		body := batch("b-rsa", category.CatBirthRegistration, "5ZK3N2P")
		a := e.post(justice, "/exchange/v1/batches", body, sigtest.OpenSSLSign(t, body, pki.RSA))
		var resp exchange.BatchResponse
		json.Unmarshal(a.body, &resp)
		if a.status != 200 || resp.Counts["accepted"] != 1 || resp.Records[0].Status != "accepted" {
			t.Fatalf("RSA batch: %d %s", a.status, a.body)
		}
		// Accepted: ECDSA P-256, CAdES attributes.
		body = batch("b-ec", category.CatMedicalRegistration, "5ZK3N2P")
		a = e.post(e.client(pki.ECDSA), "/exchange/v1/batches", body, sigtest.OpenSSLSign(t, body, pki.ECDSA, "-cades"))
		if a.status != 200 || !strings.Contains(string(a.body), `"accepted":1`) {
			t.Fatalf("ECDSA batch: %d %s", a.status, a.body)
		}

		refusals := []struct {
			name   string
			client *http.Client
			body   []byte
			sig    []byte
			status int
			code   string
		}{
			{"body changed by one byte", justice, bytes.Replace(body, []byte("b-ec"), []byte("b-ed"), 1),
				sigtest.OpenSSLSign(t, body, pki.RSA), 403, "signature_invalid"},
			{"signed by another participant", justice, batch("b-x", category.CatBirthRegistration, "5ZK3N2P"),
				sigtest.OpenSSLSign(t, batch("b-x", category.CatBirthRegistration, "5ZK3N2P"), pki.ECDSA), 403, "signer_mismatch"},
			{"expired signer", justice, batch("b-exp", category.CatBirthRegistration, "5ZK3N2P"),
				sigtest.OpenSSLSign(t, batch("b-exp", category.CatBirthRegistration, "5ZK3N2P"), pki.Expired), 403, "certificate_expired"},
			{"revoked signer", justice, batch("b-rev", category.CatBirthRegistration, "5ZK3N2P"),
				sigtest.OpenSSLSign(t, batch("b-rev", category.CatBirthRegistration, "5ZK3N2P"), pki.Revoked), 403, "certificate_revoked"},
			{"self-signed signer", justice, batch("b-self", category.CatBirthRegistration, "5ZK3N2P"),
				sigtest.OpenSSLSign(t, batch("b-self", category.CatBirthRegistration, "5ZK3N2P"), pki.SelfSigned), 403, "certificate_untrusted"},
			{"signer without signing usage", justice, batch("b-ku", category.CatBirthRegistration, "5ZK3N2P"),
				sigtest.OpenSSLSign(t, batch("b-ku", category.CatBirthRegistration, "5ZK3N2P"), pki.NoSigning), 403, "key_usage"},
			{"client certificate not chained to the anchors", e.client(pki.SelfSigned), batch("b-cl", category.CatBirthRegistration, "5ZK3N2P"),
				sigtest.OpenSSLSign(t, batch("b-cl", category.CatBirthRegistration, "5ZK3N2P"), pki.RSA), 401, "client_certificate_untrusted"},
			{"expired client certificate", e.client(pki.Expired), batch("b-ce", category.CatSchooling, "5ZK3N2P"),
				sigtest.OpenSSLSign(t, batch("b-ce", category.CatSchooling, "5ZK3N2P"), pki.RSA), 401, "client_certificate_expired"},
			{"revoked client certificate", e.client(pki.Revoked), batch("b-cr", category.CatSchooling, "5ZK3N2P"),
				sigtest.OpenSSLSign(t, batch("b-cr", category.CatSchooling, "5ZK3N2P"), pki.RSA), 401, "client_certificate_revoked"},
			{"no signature", justice, batch("b-nosig", category.CatBirthRegistration, "5ZK3N2P"), nil, 400, "signature_missing"},
			{"garbage signature", justice, batch("b-junk", category.CatBirthRegistration, "5ZK3N2P"), []byte("junk"), 400, "signature_malformed"},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				a := e.post(tc.client, "/exchange/v1/batches", tc.body, tc.sig)
				if a.status != tc.status || a.code() != tc.code {
					t.Errorf("%d %s; want %d %s", a.status, a.body, tc.status, tc.code)
				}
			})
		}
		// Nothing of a refused batch was stored.
		n, _ := st.Count(ctx)
		if n.Facts != 2 {
			t.Errorf("%d facts stored; want only the 2 accepted", n.Facts)
		}
		// The evidence re-verifies with openssl: the operator reads the batch back.
		pkiOp := pki // the operator reads with the justice certificate as sender of the batch
		a = e.get(e.client(pkiOp.RSA), "/exchange/v1/batches/justice/b-rsa")
		var ev struct{ BodyBase64, SignatureBase64 string }
		if err := json.Unmarshal(a.body, &struct {
			B *string `json:"body_base64"`
			S *string `json:"signature_base64"`
		}{&ev.BodyBase64, &ev.SignatureBase64}); err != nil || a.status != 200 {
			t.Fatalf("evidence: %d %s", a.status, a.body)
		}
		evBody, _ := base64.StdEncoding.DecodeString(ev.BodyBase64)
		evSig, _ := base64.StdEncoding.DecodeString(ev.SignatureBase64)
		opensslVerify(t, evBody, evSig, pki.CAPath, pki.RootPEM)
	})
}

// opensslVerify checks kept evidence as an auditor would, with
// `openssl cms -verify` against the national root.
func opensslVerify(t *testing.T, body, sig []byte, caPath, rootPEM string) {
	t.Helper()
	dir := t.TempDir()
	bodyPath, sigPath := filepath.Join(dir, "batch.json"), filepath.Join(dir, "batch.sig")
	os.WriteFile(bodyPath, body, 0o600)
	os.WriteFile(sigPath, sig, 0o600)
	out, err := exec.Command("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sigPath,
		"-content", bodyPath, "-CAfile", rootPEM, "-certfile", caPath, "-purpose", "any", "-out", os.DevNull).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification successful") {
		t.Errorf("openssl cms -verify of the evidence: %v\n%s", err, out)
	}
}

// TestBatchContract checks idempotency, per-record outcomes, competence,
// limits and the rate limit, with Go-made certificates and signatures.
func TestBatchContract(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		pki := sigtest.New(t)
		limits := exchange.Limits{MaxBytes: 64 << 10, MaxRecords: 10, Timeout: 30 * time.Second, Rate: 1000, Burst: 1000}
		e := start(t, st, pki.RootPEM, pki.CRLPath, limits)
		edu := pki.Issue(t, "education")
		e.bind(edu, "education")
		c := e.client(edu)
		sign := func(b []byte) []byte {
			s, err := signature.Sign(b, edu.Cert, edu.Key, edu.Intermediates)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		// One good record, one outside the competence, one invalid.
		body := []byte(`{"batch_id":"edu-1","records":[` +
			`{"source_id":"s1","category":"schooling","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-10","action":"upsert","data":` + string(category.CatSchooling.Examples()[0]) + `},` +
			`{"source_id":"s2","category":"health_checkup","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-10","action":"upsert","data":` + string(category.CatHealthCheckup.Examples()[0]) + `},` +
			`{"source_id":"s3","category":"schooling","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-10","action":"upsert","data":{"school":""}}]}`)
		a := e.post(c, "/exchange/v1/batches", body, sign(body))
		var resp exchange.BatchResponse
		if err := json.Unmarshal(a.body, &resp); err != nil || a.status != 200 {
			t.Fatalf("%d %s", a.status, a.body)
		}
		if resp.Counts["accepted"] != 1 || resp.Counts["rejected"] != 2 ||
			resp.Records[1].Errors[0].Code != "forbidden_category" || len(resp.Records[2].Errors) < 5 {
			t.Errorf("outcomes: %s", a.body)
		}
		// The same batch id again: the first answer, nothing new stored.
		before, _ := st.Count(ctx)
		again := e.post(c, "/exchange/v1/batches", body, sign(body))
		after, _ := st.Count(ctx)
		if again.status != 200 || !bytes.Equal(again.body, a.body) || again.header.Get("X-Databank-Replay") != "true" || after.Facts != before.Facts {
			t.Errorf("replay: %d %s (facts %d → %d)", again.status, again.header, before.Facts, after.Facts)
		}
		for _, tc := range []struct {
			name, ctype string
			body        []byte
			status      int
			code        string
		}{
			{"wrong content type", "text/plain", body, 415, "unsupported_media_type"},
			{"malformed JSON", "application/json", []byte(`{"batch_id":`), 400, "malformed_json"},
			{"unknown field", "application/json", []byte(`{"batch_id":"x","records":[],"extra":1}`), 400, "malformed_json"},
			{"empty batch", "application/json", []byte(`{"batch_id":"x","records":[]}`), 422, "batch_empty"},
			{"too many records", "application/json", batch("many", category.CatSchooling, "1111111", "2222222", "3333333", "4444444", "5555555", "6666666", "7777777", "8888888", "9999999", "AAAAAAA", "BBBBBBB"), 413, "too_many_records"},
			{"too large", "application/json", bytes.Repeat([]byte(" "), 70<<10), 413, "too_large"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodPost, e.url+"/exchange/v1/batches", bytes.NewReader(tc.body))
				req.Header.Set("Content-Type", tc.ctype)
				req.Header.Set("X-Signature", base64.StdEncoding.EncodeToString(sign(tc.body)))
				if a := e.do(c, req); a.status != tc.status || a.code() != tc.code {
					t.Errorf("%d %s; want %d %s", a.status, a.body, tc.status, tc.code)
				}
			})
		}
		// An unbound certificate names no participant.
		stranger := pki.Issue(t, "stranger")
		if a := e.get(e.client(stranger), "/exchange/v1/feed?wait=0"); a.status != 403 || a.code() != "certificate_unbound" {
			t.Errorf("unbound: %d %s", a.status, a.body)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
}

func TestRateLimit(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	pki := sigtest.New(t)
	e := start(t, st, pki.RootPEM, pki.CRLPath, exchange.Limits{MaxBytes: 1 << 20, MaxRecords: 10, Timeout: 10 * time.Second, Rate: 0.001, Burst: 2})
	l := pki.Issue(t, "health")
	e.bind(l, "health")
	c := e.client(l)
	for i := range 2 {
		if a := e.get(c, "/exchange/v1/feed?wait=0"); a.status != 200 {
			t.Fatalf("request %d: %d %s", i, a.status, a.body)
		}
	}
	a := e.get(c, "/exchange/v1/feed?wait=0")
	if a.status != 429 || a.code() != "rate_limited" || a.header.Get("Retry-After") == "" {
		t.Errorf("third request: %d %s %v", a.status, a.body, a.header)
	}
}

// TestReadAndFeed checks that profiles are limited to the categories a
// participant may read, search finds children by name, and the feed brings
// a participant what others sent about its children.
func TestReadAndFeed(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		pki := sigtest.New(t)
		e := start(t, st, pki.RootPEM, pki.CRLPath, exchange.DefaultLimits)
		leaves := map[string]*sigtest.Leaf{}
		for _, code := range []string{"justice", "education", "health"} {
			leaves[code] = pki.Issue(t, code)
			e.bind(leaves[code], code)
		}
		send := func(code string, body []byte) {
			t.Helper()
			l := leaves[code]
			s, _ := signature.Sign(body, l.Cert, l.Key, l.Intermediates)
			if a := e.post(e.client(l), "/exchange/v1/batches", body, s); a.status != 200 || !strings.Contains(string(a.body), `"accepted":1`) {
				t.Fatalf("%s: %d %s", code, a.status, a.body)
			}
		}
		send("justice", batch("j1", category.CatBirthRegistration, "5ZK3N2P"))
		send("education", batch("e1", category.CatSchooling, "5ZK3N2P"))
		// Education may not read health data; the profile leaves it out.
		send("health", batch("h1", category.CatHealthCheckup, "5ZK3N2P"))
		edu := e.client(leaves["education"])
		a := e.get(edu, "/exchange/v1/children/5ZK3N2P")
		if a.status != 200 || !strings.Contains(string(a.body), `"schooling"`) || !strings.Contains(string(a.body), `"birth_registration"`) ||
			strings.Contains(string(a.body), `"health_checkup"`) {
			t.Errorf("education's view: %d %.600s", a.status, a.body)
		}
		if a := e.get(edu, "/exchange/v1/children/AB%2F123456"); a.status != 200 {
			t.Errorf("by birth certificate: %d %s", a.status, a.body)
		}
		if a := e.get(edu, "/exchange/v1/children/9999999"); a.status != 404 {
			t.Errorf("unknown child: %d %s", a.status, a.body)
		}
		// Search by a romanised name meets the Azerbaijani spelling.
		a = e.post(edu, "/exchange/v1/children/search", []byte(`{"name":{"given":"Ali","family":"Mamedov"},"birth_date":"2016-03-02"}`), nil)
		if a.status != 200 || !strings.Contains(string(a.body), `"5ZK3N2P"`) {
			t.Errorf("search: %d %s", a.status, a.body)
		}
		if a := e.post(edu, "/exchange/v1/children/search", []byte(`{"fin":"O"}`), nil); a.status != 422 {
			t.Errorf("bad search: %d %s", a.status, a.body)
		}
		// Education's feed: the birth registration sent by Justice about its
		// pupil, not the health check-up it may not read, nor its own record.
		a = e.get(edu, "/exchange/v1/feed?after=0&wait=0")
		var f exchange.FeedResponse
		json.Unmarshal(a.body, &f)
		if a.status != 200 || len(f.Changes) != 1 || f.Changes[0].Category != "birth_registration" || f.Changes[0].FIN != "5ZK3N2P" {
			t.Fatalf("feed: %d %s", a.status, a.body)
		}
		// Long-polling: a change made while waiting is delivered.
		done := make(chan answer, 1)
		go func() { done <- e.get(edu, fmt.Sprintf("/exchange/v1/feed?after=%d&wait=10", f.Next)) }()
		time.Sleep(300 * time.Millisecond)
		send("justice", batch("j2", category.CatFather, "5ZK3N2P"))
		select {
		case a := <-done:
			if a.status != 200 || !strings.Contains(string(a.body), `"father"`) {
				t.Errorf("long poll: %d %s", a.status, a.body)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("long poll did not return")
		}
	})
}

func TestPublicRoutesAndSuspension(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	pki := sigtest.New(t)
	e := start(t, st, pki.RootPEM, pki.CRLPath, exchange.DefaultLimits)
	// The catalogue and the contract need no client certificate.
	for _, path := range []string{"/exchange/v1/categories", "/exchange/v1/openapi.json"} {
		if a := e.get(e.client(nil), path); a.status != 200 {
			t.Errorf("%s without a client certificate: %d %s", path, a.status, a.body)
		}
	}
	if a := e.get(e.client(nil), "/exchange/v1/feed?wait=0"); a.status != 401 || a.code() != "client_certificate_required" {
		t.Errorf("feed without a client certificate: %d %s", a.status, a.body)
	}
	l := pki.Issue(t, "health")
	e.bind(l, "health")
	if a := e.get(e.client(l), "/exchange/v1/feed?wait=0"); a.status != 200 {
		t.Fatalf("before suspension: %d %s", a.status, a.body)
	}
	if err := st.SetActive(ctx, "health", false, "audit finding 2026/7", audit.SystemActor("test")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/exchange/v1/feed?wait=0", "/exchange/v1/children/5ZK3N2P"} {
		if a := e.get(e.client(l), path); a.status != 403 || a.code() != "participant_inactive" {
			t.Errorf("%s after suspension: %d %s", path, a.status, a.body)
		}
	}
}
