package signature

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/signature/sigtest"
)

func chainOf(l *sigtest.Leaf) []*x509.Certificate {
	return append([]*x509.Certificate{l.Cert}, l.Intermediates...)
}

func TestVerifyClient(t *testing.T) {
	p := sigtest.New(t)
	revoked := p.Issue(t, "labour")
	p.Revoke(t, revoked)
	good := p.Issue(t, "justice")
	v := load(t, p.RootPEM, []string{p.CRLPath}, nil)

	cases := []struct {
		name  string
		chain []*x509.Certificate
		want  string
	}{
		{"ECDSA client", chainOf(good), ""},
		{"RSA client", chainOf(p.Issue(t, "health", sigtest.RSA())), ""},
		{"no digitalSignature", chainOf(p.Issue(t, "youth", sigtest.NoSigningUsage())), CodeKeyUsage},
		{"serverAuth only", chainOf(p.Issue(t, "exchange", sigtest.ServerAuth())), CodeKeyUsage},
		{"emailProtection only", chainOf(p.Issue(t, "care", sigtest.Usage(x509.KeyUsageDigitalSignature, x509.ExtKeyUsageEmailProtection))), CodeKeyUsage},
		{"contentCommitment only", chainOf(p.Issue(t, "sports", sigtest.Usage(x509.KeyUsageContentCommitment, x509.ExtKeyUsageClientAuth))), CodeKeyUsage},
		{"no key usage extensions", chainOf(p.Issue(t, "commission", sigtest.Usage(0))), ""},
		{"foreign root", chainOf(sigtest.Foreign(t).Issue(t, "justice")), CodeUntrusted},
		{"self-signed", chainOf(sigtest.SelfSigned(t, "justice")), CodeUntrusted},
		{"intermediate not sent", []*x509.Certificate{good.Cert}, CodeUntrusted},
		{"no certificate", nil, CodeUntrusted},
		{"expired", chainOf(p.Issue(t, "education", sigtest.Expired())), CodeExpired},
		{"not yet valid", chainOf(p.Issue(t, "migration", sigtest.NotYetValid())), CodeExpired},
		{"revoked", chainOf(revoked), CodeRevoked},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := v.VerifyClient(tc.chain)
			if code := CodeOf(err); code != tc.want {
				t.Fatalf("code %q (%v), want %q", code, err, tc.want)
			}
		})
	}

	t.Run("verified now, not at a signing time", func(t *testing.T) {
		late := load(t, p.RootPEM, []string{p.CRLPath}, at(2*365*24*time.Hour))
		if code := CodeOf(late.VerifyClient(chainOf(good))); code != CodeExpired {
			t.Fatalf("two years later: code %q, want %s", code, CodeExpired)
		}
	})

	t.Run("openssl", func(t *testing.T) {
		op := sigtest.OpenSSL(t)
		v := load(t, op.RootPEM, []string{op.CRLPath}, nil)
		for _, tc := range []struct {
			leaf *sigtest.Leaf
			want string
		}{{op.RSA, ""}, {op.ECDSA, ""}, {op.Expired, CodeExpired}, {op.Revoked, CodeRevoked}, {op.SelfSigned, CodeUntrusted}} {
			if code := CodeOf(v.VerifyClient(chainOf(tc.leaf))); code != tc.want {
				t.Errorf("%s: code %q, want %q", tc.leaf.Subject, code, tc.want)
			}
		}
	})
}

// TestServerTLS runs an HTTPS server on 127.0.0.1 with ServerTLS and connects with
// various client certificates.
func TestServerTLS(t *testing.T) {
	p := sigtest.New(t)
	server := p.Issue(t, "databank", sigtest.ServerAuth("127.0.0.1"))
	good := p.Issue(t, "justice", sigtest.CommonName("Ministry of Justice"))
	rsaGood := p.Issue(t, "health", sigtest.RSA())
	revoked := p.Issue(t, "labour")
	expired := p.Issue(t, "education", sigtest.Expired())
	p.Revoke(t, revoked)
	v := load(t, p.RootPEM, []string{p.CRLPath}, nil)

	cfg, err := v.ServerTLS(server.ChainPath, server.KeyPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinVersion != tls.VersionTLS12 || cfg.ClientAuth != tls.RequireAnyClientCert {
		t.Fatalf("MinVersion %x, ClientAuth %v", cfg.MinVersion, cfg.ClientAuth)
	}
	refused := make(chan error, 10)
	check := cfg.VerifyConnection
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		err := check(cs)
		if err != nil {
			refused <- err
		}
		return err
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.TLS.PeerCertificates[0].Subject.String())
	}))
	srv.TLS = cfg
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Fatalf("server at %s", srv.URL)
	}

	get := func(l *sigtest.Leaf) (string, error) {
		tc := &tls.Config{RootCAs: v.Anchors(), MinVersion: tls.VersionTLS12,
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
				if l == nil {
					return &tls.Certificate{}, nil
				}
				c := l.TLSCertificate()
				return &c, nil
			}}
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: tc}}
		defer client.CloseIdleConnections()
		resp, err := client.Get(srv.URL)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}

	for _, l := range []*sigtest.Leaf{good, rsaGood} {
		body, err := get(l)
		if err != nil {
			t.Fatalf("%s: %v", l.Subject, err)
		}
		if body != l.Subject {
			t.Fatalf("the handler saw %q, want %q", body, l.Subject)
		}
	}
	if good.Subject != "CN=Ministry of Justice,O=justice,C=AZ" {
		t.Errorf("subject %q", good.Subject)
	}

	for _, tc := range []struct {
		name string
		leaf *sigtest.Leaf
		want string // code VerifyConnection refused with; "" when Go's TLS refused first
	}{
		{"no certificate", nil, ""},
		{"foreign", sigtest.Foreign(t).Issue(t, "justice"), CodeUntrusted},
		{"self-signed", sigtest.SelfSigned(t, "justice"), CodeUntrusted},
		{"revoked", revoked, CodeRevoked},
		{"expired", expired, CodeExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for len(refused) > 0 {
				<-refused
			}
			if body, err := get(tc.leaf); err == nil {
				t.Fatalf("request succeeded: %q", body)
			}
			if tc.want == "" {
				return
			}
			select {
			case err := <-refused:
				if code := CodeOf(err); code != tc.want {
					t.Fatalf("refused with %q (%v), want %q", code, err, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("VerifyConnection did not refuse")
			}
		})
	}
}
