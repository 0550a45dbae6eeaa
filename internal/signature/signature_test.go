package signature

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/signature/sigtest"
	"github.com/smallstep/pkcs7"
)

var batch = []byte(`{"batch":"2026-0001","records":[{"fin":"5ABC123","category":"birth_registration"}]}` + "\n")

// flipped returns content with one byte changed.
func flipped(content []byte) []byte {
	out := append([]byte(nil), content...)
	out[len(out)/2] ^= 0x01
	return out
}

func load(t *testing.T, anchors string, crls []string, now func() time.Time) *Verifier {
	t.Helper()
	v, err := LoadVerifier(anchors, crls, now)
	if err != nil {
		t.Fatalf("LoadVerifier: %v", err)
	}
	return v
}

func goSign(t *testing.T, content []byte, l *sigtest.Leaf) []byte {
	t.Helper()
	sig, err := Sign(content, l.Cert, l.Key, l.Intermediates)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return sig
}

// checkResult asserts that Verify accepted (want "") or refused with the code want.
func checkResult(t *testing.T, got *Signed, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("Verify refused a valid signature: %v", err)
		}
		if got == nil || got.Signer == nil || len(got.Chain) < 2 {
			t.Fatalf("Verify returned %+v", got)
		}
		return
	}
	if err == nil {
		t.Fatalf("Verify accepted; want %s", want)
	}
	if code := CodeOf(err); code != want {
		t.Fatalf("code %q (%v); want %q", code, err, want)
	}
	if !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Error() = %q does not start with the code", err.Error())
	}
}

type sigCase struct {
	name    string
	content []byte // what is verified; batch when nil
	sig     []byte
	want    string
}

func runCases(t *testing.T, v *Verifier, cases []sigCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			content := tc.content
			if content == nil {
				content = batch
			}
			got, err := v.Verify(content, tc.sig)
			checkResult(t, got, err, tc.want)
		})
	}
}

func TestVerifyGoSignatures(t *testing.T) {
	p := sigtest.New(t)
	ec := p.Issue(t, "justice", sigtest.CommonName("Ministry of Justice"))
	rs := p.Issue(t, "health", sigtest.RSA())
	expired := p.Issue(t, "education", sigtest.Expired())
	notYet := p.Issue(t, "labour", sigtest.NotYetValid())
	revoked := p.Issue(t, "migration", sigtest.RSA())
	noSign := p.Issue(t, "youth", sigtest.NoSigningUsage())
	server := p.Issue(t, "exchange", sigtest.ServerAuth("127.0.0.1"))
	weak := p.Issue(t, "tabib", sigtest.RSABits(1024))
	foreign := sigtest.Foreign(t).Issue(t, "justice")
	self := sigtest.SelfSigned(t, "justice")
	p.Revoke(t, revoked)
	v := load(t, p.RootPEM, []string{p.CRLPath}, nil)

	noIntermediate, err := Sign(batch, ec.Cert, ec.Key, nil)
	if err != nil {
		t.Fatal(err)
	}
	wrongESS, err := sign(batch, ec.Cert, ec.Key, ec.Intermediates, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	ecSig := goSign(t, batch, ec)
	nonRepudiation := p.Issue(t, "care", sigtest.Usage(x509.KeyUsageContentCommitment))
	email := p.Issue(t, "commission", sigtest.Usage(x509.KeyUsageDigitalSignature, x509.ExtKeyUsageEmailProtection))
	noKeyUsage := p.Issue(t, "sports", sigtest.Usage(0, x509.ExtKeyUsageClientAuth))

	runCases(t, v, []sigCase{
		{name: "ECDSA valid", sig: ecSig},
		{name: "RSA valid", sig: goSign(t, batch, rs)},
		{name: "attached content equal to the content", sig: pkcs7Sign(t, batch, false, ec)},
		{name: "ECDSA one byte changed", content: flipped(batch), sig: ecSig, want: CodeInvalid},
		{name: "RSA one byte changed", content: flipped(batch), sig: goSign(t, batch, rs), want: CodeInvalid},
		{name: "signature over other content", sig: goSign(t, []byte("other"), ec), want: CodeInvalid},
		{name: "signingCertificateV2 names another certificate", sig: wrongESS, want: CodeInvalid},
		{name: "self-signed", sig: goSign(t, batch, self), want: CodeUntrusted},
		{name: "foreign root", sig: goSign(t, batch, foreign), want: CodeUntrusted},
		{name: "missing intermediate", sig: noIntermediate, want: CodeUntrusted},
		{name: "expired", sig: goSign(t, batch, expired), want: CodeExpired},
		{name: "not yet valid", sig: goSign(t, batch, notYet), want: CodeExpired},
		{name: "revoked", sig: goSign(t, batch, revoked), want: CodeRevoked},
		{name: "contentCommitment only", sig: goSign(t, batch, nonRepudiation)},
		{name: "emailProtection", sig: goSign(t, batch, email)},
		{name: "no digitalSignature", sig: goSign(t, batch, noSign), want: CodeKeyUsage},
		{name: "no key usage extension", sig: goSign(t, batch, noKeyUsage), want: CodeKeyUsage},
		{name: "content-type attribute not id-data", sig: otherContentType(t, batch, ec), want: CodeInvalid},
		{name: "serverAuth only", sig: goSign(t, batch, server), want: CodeKeyUsage},
		{name: "RSA-1024", sig: goSign(t, batch, weak), want: CodeUnsupported},
		{name: "garbage", sig: []byte("this is not a CMS signature"), want: CodeMalformed},
		{name: "empty", sig: nil, want: CodeMalformed},
		{name: "truncated", sig: ecSig[:len(ecSig)-10], want: CodeMalformed},
		{name: "certificate, not a signature", sig: ec.Cert.Raw, want: CodeMalformed},
		{name: "attached content differs", sig: pkcs7Sign(t, []byte("other"), false, ec), want: CodeMalformed},
		{name: "two signers", sig: pkcs7Sign(t, batch, true, ec, rs), want: CodeMalformed},
	})

	t.Run("what a valid signature tells", func(t *testing.T) {
		s, err := v.Verify(batch, ecSig)
		if err != nil {
			t.Fatal(err)
		}
		if s.Signer.Subject.String() != ec.Subject || ec.Subject != "CN=Ministry of Justice,O=justice,C=AZ" {
			t.Errorf("subject %q, leaf %q", s.Signer.Subject.String(), ec.Subject)
		}
		if len(s.Chain) != 3 || !s.Chain[0].Equal(ec.Cert) || !s.Chain[1].Equal(p.CA) || !s.Chain[2].Equal(p.Root) {
			t.Errorf("chain of %d certificates, want leaf, issuing CA, root", len(s.Chain))
		}
		if d := time.Since(s.SigningTime); d < 0 || d > time.Minute {
			t.Errorf("signing time %v, want about now", s.SigningTime)
		}
	})
}

// pkcs7Sign makes SignedData with the library directly: content attached unless
// detached, one SignerInfo per leaf.
func pkcs7Sign(t *testing.T, content []byte, detached bool, leaves ...*sigtest.Leaf) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	for _, l := range leaves {
		if err := sd.AddSignerChain(l.Cert, l.Key, l.Intermediates, pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
	}
	if detached {
		sd.Detach()
	}
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// otherContentType signs content detached with a content-type attribute that is not
// id-data.
func otherContentType(t *testing.T, content []byte, l *sigtest.Leaf) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	sd.GetSignedData().ContentInfo.ContentType = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4} // id-ct-TSTInfo
	if err := sd.AddSignerChain(l.Cert, l.Key, l.Intermediates, pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatal(err)
	}
	sd.Detach()
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestVerifyOpenSSLSignatures(t *testing.T) {
	op := sigtest.OpenSSL(t)
	v := load(t, op.RootPEM, []string{op.CRLPath}, nil)
	osign := func(l *sigtest.Leaf, args ...string) []byte { return sigtest.OpenSSLSign(t, batch, l, args...) }
	rsaCades := osign(op.RSA, "-cades")
	ecNoattr := osign(op.ECDSA, "-noattr")

	runCases(t, v, []sigCase{
		{name: "RSA", sig: osign(op.RSA)},
		{name: "RSA -cades", sig: rsaCades},
		{name: "RSA -noattr", sig: osign(op.RSA, "-noattr")},
		{name: "RSA -md sha384", sig: osign(op.RSA, "-md", "sha384")},
		{name: "ECDSA", sig: osign(op.ECDSA)},
		{name: "ECDSA -cades", sig: osign(op.ECDSA, "-cades")},
		{name: "ECDSA -noattr", sig: ecNoattr},
		{name: "ECDSA -md sha512", sig: osign(op.ECDSA, "-md", "sha512")},
		{name: "RSA -cades one byte changed", content: flipped(batch), sig: rsaCades, want: CodeInvalid},
		{name: "ECDSA -noattr one byte changed", content: flipped(batch), sig: ecNoattr, want: CodeInvalid},
		{name: "RSA one byte changed", content: flipped(batch), sig: osign(op.RSA), want: CodeInvalid},
		{name: "self-signed", sig: osign(op.SelfSigned), want: CodeUntrusted},
		{name: "foreign root", sig: osign(sigtest.Foreign(t).Issue(t, "justice", sigtest.RSA())), want: CodeUntrusted},
		{name: "expired", sig: osign(op.Expired), want: CodeExpired},
		{name: "expired -noattr", sig: osign(op.Expired, "-noattr"), want: CodeExpired},
		{name: "revoked", sig: osign(op.Revoked), want: CodeRevoked},
		{name: "revoked -cades", sig: osign(op.Revoked, "-cades"), want: CodeRevoked},
		{name: "keyEncipherment only", sig: osign(op.NoSigning), want: CodeKeyUsage},
		{name: "SHA-1", sig: osign(op.RSA, "-md", "sha1"), want: CodeUnsupported},
		{name: "RSA-PSS", sig: osign(op.RSA, "-keyopt", "rsa_padding_mode:pss"), want: CodeUnsupported},
		{name: "garbage", sig: []byte{0x30, 0x03, 0x02, 0x01, 0x01}, want: CodeMalformed},
	})

	t.Run("signing time", func(t *testing.T) {
		s, err := v.Verify(batch, rsaCades)
		if err != nil || s.SigningTime.IsZero() {
			t.Fatalf("signing time %v, err %v; want a signing time", s, err)
		}
		s, err = v.Verify(batch, ecNoattr)
		if err != nil || !s.SigningTime.IsZero() {
			t.Fatalf("-noattr: signing time %v, err %v; want none", s, err)
		}
		if s.Signer.Subject.String() != op.ECDSA.Subject || s.Signer.Subject.Organization[0] != "health" {
			t.Errorf("subject %q", s.Signer.Subject.String())
		}
	})
}

// TestOpenSSLVerifiesSign checks that what Sign makes is a CMS signature that
// `openssl cms -verify` accepts, signingCertificateV2 included.
func TestOpenSSLVerifiesSign(t *testing.T) {
	op := sigtest.OpenSSL(t)
	for _, l := range []*sigtest.Leaf{op.RSA, op.ECDSA} {
		sig := goSign(t, batch, l)
		if out, err := opensslVerify(t, op.RootPEM, batch, sig); err != nil {
			t.Fatalf("%s: openssl cms -verify: %v\n%s", l.Subject, err, out)
		}
		if out, err := opensslVerify(t, op.RootPEM, flipped(batch), sig); err == nil {
			t.Fatalf("%s: openssl accepted changed content\n%s", l.Subject, out)
		}
	}
}

func TestLoadSigner(t *testing.T) {
	check := func(t *testing.T, v *Verifier, leaves ...*sigtest.Leaf) {
		for _, l := range leaves {
			cert, key, inter, err := LoadSigner(l.ChainPath, l.KeyPath)
			if err != nil {
				t.Fatalf("%s: %v", l.Subject, err)
			}
			if !cert.Equal(l.Cert) || len(inter) != 1 || !inter[0].Equal(l.Intermediates[0]) {
				t.Fatalf("%s: loaded another certificate or chain", l.Subject)
			}
			sig, err := Sign(batch, cert, key, inter)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Verify(batch, sig); err != nil {
				t.Fatalf("%s: %v", l.Subject, err)
			}
		}
		if _, _, _, err := LoadSigner(leaves[0].ChainPath, leaves[1].KeyPath); err == nil {
			t.Fatal("LoadSigner accepted a key that does not match the certificate")
		}
	}
	t.Run("go", func(t *testing.T) {
		p := sigtest.New(t)
		check(t, load(t, p.RootPEM, []string{p.CRLPath}, nil), p.Issue(t, "justice"), p.Issue(t, "health", sigtest.RSA()))
	})
	t.Run("openssl", func(t *testing.T) {
		op := sigtest.OpenSSL(t)
		check(t, load(t, op.RootPEM, []string{op.CRLPath}, nil), op.RSA, op.ECDSA)
	})
}

func opensslVerify(t *testing.T, anchors string, content, sig []byte) ([]byte, error) {
	t.Helper()
	dir := t.TempDir()
	in, sf := filepath.Join(dir, "content"), filepath.Join(dir, "sig.der")
	if err := os.WriteFile(in, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sf, sig, 0o600); err != nil {
		t.Fatal(err)
	}
	return exec.Command("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sf, "-content", in,
		"-CAfile", anchors, "-purpose", "any", "-out", os.DevNull).CombinedOutput()
}

// BenchmarkVerify measures checking a batch's detached signature: the CMS
// structure, the chain to the anchors, the time rules and revocation, for
// an ECDSA P-256 and an RSA-2048 signer, over a 1,000-record-sized body.
func BenchmarkVerify(b *testing.B) {
	p := sigtest.New(b)
	v, err := LoadVerifier(p.RootPEM, []string{p.CRLPath}, nil)
	if err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte(`{"source_id":"sc-1","category":"schooling","child":{"fin":"5ZK3N2P"}},`), 1000)
	for _, tc := range []struct {
		name string
		leaf *sigtest.Leaf
	}{{"ecdsa-p256", p.Issue(b, "justice")}, {"rsa-2048", p.Issue(b, "health", sigtest.RSA())}} {
		sig, err := Sign(body, tc.leaf.Cert, tc.leaf.Key, tc.leaf.Intermediates)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := v.Verify(body, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
