package signature

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/signature/sigtest"
)

// at returns a clock that reads the real time shifted by d.
func at(d time.Duration) func() time.Time { return func() time.Time { return time.Now().Add(d) } }

func TestTimeRules(t *testing.T) {
	p := sigtest.New(t)
	leaf := p.Issue(t, "justice")
	// Valid from an hour ago until in an hour: expired for a verifier two hours ahead.
	short := p.Issue(t, "health", sigtest.Validity(time.Now().Add(-time.Hour), time.Now().Add(time.Hour)))
	sig := goSign(t, batch, leaf)
	shortSig := goSign(t, batch, short)
	// Valid only from in an hour, but signed now (the signer's clock runs late).
	late := p.Issue(t, "labour", sigtest.Validity(time.Now().Add(time.Hour), time.Now().AddDate(1, 0, 0)))
	lateSig := goSign(t, batch, late)

	run := func(t *testing.T, cases []timeCase) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				v := load(t, p.RootPEM, []string{p.CRLPath}, at(tc.clock))
				got, err := v.Verify(batch, tc.sig)
				checkResult(t, got, err, tc.want)
			})
		}
	}
	run(t, []timeCase{
		{"signed now", 0, sig, ""},
		{"signed 23h ago", 23 * time.Hour, sig, ""},
		{"signed 25h ago", 25 * time.Hour, sig, CodeStale},
		{"signed 3 minutes in the future", -3 * time.Minute, sig, ""},
		{"signed 10 minutes in the future", -10 * time.Minute, sig, CodeStale},
		{"certificate expired after the signing time", 2 * time.Hour, shortSig, ""},
		{"certificate expired, signature stale", 25 * time.Hour, shortSig, CodeStale},
		{"signing time before NotBefore: verified now", 2 * time.Hour, lateSig, ""},
		{"signing time before NotBefore, not yet valid now", 0, lateSig, CodeExpired},
	})
	t.Run("openssl", func(t *testing.T) {
		run(t, []timeCase{
			{"signed 25h ago", 25 * time.Hour, sigtest.OpenSSLSign(t, batch, leaf), CodeStale},
			{"certificate expired after the signing time", 2 * time.Hour, sigtest.OpenSSLSign(t, batch, short, "-cades"), ""},
			{"-noattr: verified now, so expired", 2 * time.Hour, sigtest.OpenSSLSign(t, batch, short, "-noattr"), CodeExpired},
			{"-noattr: no age limit", 25 * time.Hour, sigtest.OpenSSLSign(t, batch, leaf, "-noattr"), ""},
		})
	})
}

type timeCase struct {
	name  string
	clock time.Duration // verifier clock ahead of the real time
	sig   []byte
	want  string
}

func TestRevocationRules(t *testing.T) {
	p := sigtest.New(t)
	leaf := p.Issue(t, "justice")
	other := p.Issue(t, "health")
	sig := goSign(t, batch, leaf)
	v := load(t, p.RootPEM, []string{p.CRLPath}, nil)

	if _, err := v.Verify(batch, sig); err != nil {
		t.Fatalf("before revocation: %v", err)
	}
	p.Revoke(t, leaf)
	if _, err := v.Verify(batch, sig); err != nil {
		t.Fatalf("revoked, CRL not reloaded yet: %v", err)
	}
	if err := v.LoadCRLs([]string{p.CRLPath}); err != nil {
		t.Fatal(err)
	}
	_, err := v.Verify(batch, sig)
	checkResult(t, nil, err, CodeRevoked)
	if _, err := v.Verify(batch, goSign(t, batch, other)); err != nil {
		t.Fatalf("another certificate of the same issuer: %v", err)
	}

	t.Run("DER CRL", func(t *testing.T) {
		v, err := NewVerifier(readFile(t, p.RootPEM), [][]byte{pemBody(t, p.CRLPath)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(batch, sig)
		checkResult(t, nil, err, CodeRevoked)
	})
	t.Run("CRL past its NextUpdate still applies", func(t *testing.T) {
		p.ExpireCRL(t)
		v := load(t, p.RootPEM, []string{p.CRLPath}, nil)
		_, err := v.Verify(batch, sig)
		checkResult(t, nil, err, CodeRevoked)
	})
	t.Run("CRL not signed by the issuer is ignored", func(t *testing.T) {
		forged := forgedCRL(t, p.CA, leaf.Cert)
		v, err := NewVerifier(readFile(t, p.RootPEM), [][]byte{forged}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(batch, sig); err != nil {
			t.Fatalf("a forged CRL revoked the certificate: %v", err)
		}
	})
	t.Run("openssl CRL", func(t *testing.T) {
		op := sigtest.OpenSSL(t)
		v := load(t, op.RootPEM, nil, nil)
		sig := sigtest.OpenSSLSign(t, batch, op.Revoked)
		if _, err := v.Verify(batch, sig); err != nil {
			t.Fatalf("without the CRL: %v", err)
		}
		if err := v.SetCRLs([][]byte{readFile(t, op.CRLPath)}); err != nil {
			t.Fatal(err)
		}
		_, err := v.Verify(batch, sig)
		checkResult(t, nil, err, CodeRevoked)
	})
}

// forgedCRL makes a CRL listing victim, with the issuer's name but another key.
func forgedCRL(t *testing.T, issuer, victim *x509.Certificate) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: issuer.Subject,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageCRLSign | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	fake, _ := x509.ParseCertificate(der)
	crl, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(99), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().Add(time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: victim.SerialNumber, RevocationTime: time.Now()}},
	}, fake, key)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}

// TestExpiredIntermediate checks that an issuing CA invalid at the time that matters
// gives certificate_expired, not certificate_untrusted.
func TestExpiredIntermediate(t *testing.T) {
	now := time.Now()
	mk := func(tmpl, parent *x509.Certificate, pub any, key *ecdsa.PrivateKey) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return c
	}
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	rootKey, caKey, leafKey := newKey(), newKey(), newKey()
	ca := func(serial int64, cn string, from, to time.Time) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: from, NotAfter: to, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	}
	rootT := ca(1, "Root", now.AddDate(-5, 0, 0), now.AddDate(5, 0, 0))
	root := mk(rootT, rootT, rootKey.Public(), rootKey)
	issuing := mk(ca(2, "Issuing", now.AddDate(-3, 0, 0), now.AddDate(0, 0, -1)), root, caKey.Public(), rootKey)
	leaf := mk(&x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "justice"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, issuing, leafKey.Public(), caKey)

	v, err := NewVerifier(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw}), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := Sign(batch, leaf, leafKey, []*x509.Certificate{issuing})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Verify(batch, sig)
	checkResult(t, nil, err, CodeExpired)
	if code := CodeOf(v.VerifyClient([]*x509.Certificate{leaf, issuing})); code != CodeExpired {
		t.Fatalf("VerifyClient: code %q, want %s", code, CodeExpired)
	}
}

func TestNewVerifierErrors(t *testing.T) {
	p := sigtest.New(t)
	anchors := readFile(t, p.RootPEM)
	if _, err := NewVerifier([]byte("no PEM here"), nil, nil); err == nil {
		t.Error("NewVerifier accepted anchors without a certificate")
	}
	if _, err := NewVerifier(anchors, [][]byte{[]byte("not a CRL")}, nil); err == nil {
		t.Error("NewVerifier accepted a CRL that is not one")
	}
	if _, err := LoadVerifier(p.RootPEM, []string{p.Dir + "/missing.crl"}, nil); err == nil {
		t.Error("LoadVerifier accepted a missing CRL file")
	}
	v := load(t, p.RootPEM, []string{p.CRLPath}, nil)
	if err := v.LoadCRLs([]string{p.RootPEM}); err == nil {
		t.Error("LoadCRLs accepted a certificate file as a CRL")
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pemBody(t *testing.T, path string) []byte {
	t.Helper()
	block, _ := pem.Decode(readFile(t, path))
	if block == nil {
		t.Fatalf("no PEM in %s", path)
	}
	return block.Bytes
}

// TestConcurrentUse verifies from several goroutines while the CRLs are replaced;
// run with -race.
func TestConcurrentUse(t *testing.T) {
	p := sigtest.New(t)
	leaf := p.Issue(t, "justice")
	sig := goSign(t, batch, leaf)
	v := load(t, p.RootPEM, []string{p.CRLPath}, nil)
	crl := readFile(t, p.CRLPath)
	errs := make(chan error, 4*20*2)
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 20 {
				if _, err := v.Verify(batch, sig); err != nil {
					errs <- err
				}
				if err := v.VerifyClient(chainOf(leaf)); err != nil {
					errs <- err
				}
			}
		}()
	}
	for range 20 {
		if err := v.SetCRLs([][]byte{crl}); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// FuzzVerify feeds Verify arbitrary bytes: it must refuse them with a code, or accept
// only the original signer (BER re-encodings parse alike), and never panic. Its seeds
// run with every go test.
func FuzzVerify(f *testing.F) {
	p := sigtest.New(f)
	l := p.Issue(f, "justice")
	sig, err := Sign(batch, l.Cert, l.Key, l.Intermediates)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sig)
	f.Add(sig[:len(sig)/2])
	f.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80, 0x30, 0x80})
	v, err := LoadVerifier(p.RootPEM, []string{p.CRLPath}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := v.Verify(batch, b)
		if err == nil && !s.Signer.Equal(l.Cert) {
			t.Fatalf("accepted a signature by %s", s.Signer.Subject)
		}
		if err != nil && CodeOf(err) == "" {
			t.Fatalf("refusal without a code: %v", err)
		}
	})
}
