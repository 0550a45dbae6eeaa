package signature

import (
	"crypto/x509"
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

// TestVerifyClientRemembersChainsNotVerdicts holds the chains remembered
// between requests to what a fresh verification would say: a certificate
// revoked after it was accepted is refused at once, one that expires is
// refused from its expiry, and a clock set back before the chain was
// built builds it again.
func TestVerifyClientRemembersChainsNotVerdicts(t *testing.T) {
	p := sigtest.New(t)
	short := p.Issue(t, "health", sigtest.Validity(time.Now().Add(-time.Hour), time.Now().Add(time.Hour)))
	other := p.Issue(t, "labour")
	var offset time.Duration
	v := load(t, p.RootPEM, []string{p.CRLPath}, func() time.Time { return time.Now().Add(offset) })

	for range 2 {
		if err := v.VerifyClient(chainOf(short)); err != nil {
			t.Fatalf("valid certificate refused: %v", err)
		}
	}
	offset = 2 * time.Hour
	if code := CodeOf(v.VerifyClient(chainOf(short))); code != CodeExpired {
		t.Fatalf("two hours later: code %q, want %s", code, CodeExpired)
	}
	offset = 0
	if err := v.VerifyClient(chainOf(short)); err != nil {
		t.Fatalf("back to now: %v", err)
	}
	offset = -2 * time.Hour // before the certificate's start
	if code := CodeOf(v.VerifyClient(chainOf(short))); code != CodeExpired {
		t.Fatalf("two hours earlier: code %q, want %s", code, CodeExpired)
	}
	offset = 0

	if err := v.VerifyClient(chainOf(other)); err != nil {
		t.Fatalf("valid certificate refused: %v", err)
	}
	p.Revoke(t, other)
	if err := v.LoadCRLs([]string{p.CRLPath}); err != nil {
		t.Fatal(err)
	}
	if code := CodeOf(v.VerifyClient(chainOf(other))); code != CodeRevoked {
		t.Fatalf("after its revocation: code %q, want %s", code, CodeRevoked)
	}
	if err := v.VerifyClient(chainOf(short)); err != nil {
		t.Fatalf("another certificate refused after a revocation: %v", err)
	}
}
