// Package sigtest builds throwaway national PKIs (root → issuing CA → participant
// certificates) for tests: with Go's crypto (New, Foreign, SelfSigned) and with the
// openssl command (OpenSSL, OpenSSLSign), written as PEM files in a test directory.
package sigtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// PKI is a throwaway national PKI: root → issuing CA → leaf certificates, written as
// PEM files in a directory. It is safe for use by concurrent tests.
type PKI struct {
	Dir     string // directory holding every file of this PKI
	RootPEM string // path of the anchors file (the root certificate only)
	CAPath  string // path of the issuing CA certificate (PEM)
	CRLPath string // path of the issuing CA's CRL (PEM), rewritten by Revoke

	Root *x509.Certificate // the national root (trust anchor)
	CA   *x509.Certificate // the issuing CA that signs leaves and the CRL

	rootKey crypto.Signer
	caKey   crypto.Signer

	mu        sync.Mutex
	revoked   []x509.RevocationListEntry
	crlNumber int64
	n         int // leaves issued, to name their files
}

// Leaf is an end-entity certificate with its key and files.
type Leaf struct {
	CertPath          string // the leaf certificate alone (PEM)
	KeyPath           string // its private key (PKCS #8 PEM)
	ChainPath         string // leaf followed by its intermediates (PEM), for TLS
	IntermediatesPath string // the intermediates alone (PEM); empty for a self-signed leaf

	Cert          *x509.Certificate
	Key           crypto.Signer
	Intermediates []*x509.Certificate
	Subject       string // Cert.Subject.String(), as the exchange binds it to a participant
}

// TLSCertificate returns the leaf and its intermediates as a tls.Certificate.
func (l *Leaf) TLSCertificate() tls.Certificate {
	c := tls.Certificate{Certificate: [][]byte{l.Cert.Raw}, PrivateKey: l.Key, Leaf: l.Cert}
	for _, ic := range l.Intermediates {
		c.Certificate = append(c.Certificate, ic.Raw)
	}
	return c
}

// New builds a PKI with Go's crypto (ECDSA P-256 root and issuing CA, fast) and an
// empty CRL, for most tests.
func New(t testing.TB) *PKI { return build(t, "Test National") }

// Foreign builds another PKI with a root of its own, which no test verifier trusts.
func Foreign(t testing.TB) *PKI { return build(t, "Foreign") }

func build(t testing.TB, prefix string) *PKI {
	t.Helper()
	dir := t.TempDir()
	now := time.Now()
	p := &PKI{Dir: dir, crlNumber: 1}
	p.rootKey = newECDSA(t)
	rootTmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{Country: []string{"AZ"}, Organization: []string{prefix + " CA"}, CommonName: prefix + " Root CA"},
		NotBefore:             now.Add(-48 * time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	p.Root = create(t, rootTmpl, rootTmpl, p.rootKey.Public(), p.rootKey)
	p.caKey = newECDSA(t)
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{Country: []string{"AZ"}, Organization: []string{prefix + " CA"}, CommonName: prefix + " Issuing CA"},
		NotBefore:             now.Add(-48 * time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	p.CA = create(t, caTmpl, p.Root, p.caKey.Public(), p.rootKey)
	p.RootPEM = filepath.Join(dir, "anchors.pem")
	writePEM(t, p.RootPEM, "CERTIFICATE", p.Root.Raw)
	p.CAPath = filepath.Join(dir, "issuing-ca.pem")
	writePEM(t, p.CAPath, "CERTIFICATE", p.CA.Raw)
	p.CRLPath = filepath.Join(dir, "issuing-ca.crl.pem")
	p.writeCRL(t, now.Add(-time.Hour), now.Add(24*time.Hour))
	return p
}

// Issue issues a leaf for a participant: name is its Organization (the participant's
// code, e.g. "justice") and, unless CommonName is given, its CommonName. Without
// options the leaf is ECDSA P-256, valid from an hour ago for a year, with
// clientAuth and digitalSignature|contentCommitment (ClientAndSigning).
func (p *PKI) Issue(t testing.TB, name string, opts ...Option) *Leaf {
	t.Helper()
	o := options(opts)
	key := o.key(t)
	tmpl := o.template(t, name)
	cert := create(t, tmpl, p.CA, key.Public(), p.caKey)
	p.mu.Lock()
	p.n++
	base := filepath.Join(p.Dir, "leaf"+itoa(p.n))
	p.mu.Unlock()
	return writeLeaf(t, base, cert, key, []*x509.Certificate{p.CA})
}

// Revoke lists the leaf's serial in the issuing CA's CRL and rewrites CRLPath.
// Verifiers built earlier must reload the CRL to see it.
func (p *PKI) Revoke(t testing.TB, l *Leaf) {
	t.Helper()
	now := time.Now()
	p.mu.Lock()
	p.revoked = append(p.revoked, x509.RevocationListEntry{
		SerialNumber:   l.Cert.SerialNumber,
		RevocationTime: now.Add(-time.Minute),
		ReasonCode:     1, // keyCompromise
	})
	p.mu.Unlock()
	p.writeCRL(t, now.Add(-time.Hour), now.Add(24*time.Hour))
}

// ExpireCRL rewrites CRLPath with a CRL whose NextUpdate has passed (a stale CRL
// that a verifier still applies).
func (p *PKI) ExpireCRL(t testing.TB) {
	t.Helper()
	now := time.Now()
	p.writeCRL(t, now.Add(-72*time.Hour), now.Add(-48*time.Hour))
}

func (p *PKI) writeCRL(t testing.TB, thisUpdate, nextUpdate time.Time) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.crlNumber++
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    big.NewInt(p.crlNumber),
		ThisUpdate:                thisUpdate,
		NextUpdate:                nextUpdate,
		RevokedCertificateEntries: p.revoked,
	}, p.CA, p.caKey)
	if err != nil {
		t.Fatalf("sigtest: create CRL: %v", err)
	}
	writePEM(t, p.CRLPath, "X509 CRL", der)
}

// SelfSigned makes a self-signed leaf with signing and client usages, which no
// anchor vouches for.
func SelfSigned(t testing.TB, name string, opts ...Option) *Leaf {
	t.Helper()
	o := options(opts)
	key := o.key(t)
	tmpl := o.template(t, name)
	cert := create(t, tmpl, tmpl, key.Public(), key)
	return writeLeaf(t, filepath.Join(t.TempDir(), "self"), cert, key, nil)
}

func writeLeaf(t testing.TB, base string, cert *x509.Certificate, key crypto.Signer, inter []*x509.Certificate) *Leaf {
	t.Helper()
	l := &Leaf{
		CertPath:      base + ".pem",
		KeyPath:       base + ".key",
		ChainPath:     base + ".chain.pem",
		Cert:          cert,
		Key:           key,
		Intermediates: inter,
		Subject:       cert.Subject.String(),
	}
	writePEM(t, l.CertPath, "CERTIFICATE", cert.Raw)
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("sigtest: marshal key: %v", err)
	}
	writePEM(t, l.KeyPath, "PRIVATE KEY", pk)
	chain := [][]byte{cert.Raw}
	var inters [][]byte
	for _, c := range inter {
		chain = append(chain, c.Raw)
		inters = append(inters, c.Raw)
	}
	writePEM(t, l.ChainPath, "CERTIFICATE", chain...)
	if len(inters) > 0 {
		l.IntermediatesPath = base + ".intermediates.pem"
		writePEM(t, l.IntermediatesPath, "CERTIFICATE", inters...)
	}
	return l
}

func create(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatalf("sigtest: create certificate %q: %v", tmpl.Subject.CommonName, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("sigtest: parse certificate: %v", err)
	}
	return c
}

func newECDSA(t testing.TB) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("sigtest: ECDSA key: %v", err)
	}
	return k
}

func newRSA(t testing.TB, bits int) crypto.Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatalf("sigtest: RSA-%d key: %v", bits, err)
	}
	return k
}

func serial(t testing.TB) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatalf("sigtest: serial: %v", err)
	}
	return n.Add(n, big.NewInt(1))
}

func writePEM(t testing.TB, path, typ string, ders ...[]byte) {
	t.Helper()
	var out []byte
	for _, d := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: d})...)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatalf("sigtest: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
