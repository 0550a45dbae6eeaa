package sigtest

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// OpenSSLPKI is a national PKI made by the openssl command (tested with OpenSSL 3.0):
// an RSA-2048 root, an ECDSA P-256 issuing CA, and participant certificates issued
// with `openssl ca`. Its CRL (`openssl ca -gencrl`) lists Revoked.
type OpenSSLPKI struct {
	Dir     string // the CA's working directory
	RootPEM string // path of the anchors file (root only)
	CAPath  string // path of the issuing CA certificate
	CRLPath string // path of the issuing CA's CRL (PEM)

	RSA        *Leaf // RSA-2048, "justice", valid, signing and clientAuth
	ECDSA      *Leaf // ECDSA P-256, "health", valid, signing and clientAuth
	Expired    *Leaf // ECDSA, "education", valid from two years ago until a year ago
	Revoked    *Leaf // RSA-2048, "labour", listed in the CRL
	NoSigning  *Leaf // RSA-2048, "migration", keyEncipherment only
	SelfSigned *Leaf // ECDSA, "internal", self-signed, not under the root
}

const opensslConfig = `[ ca ]
default_ca = issuing
[ issuing ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
default_days = 365
default_crl_days = 30
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = req_dn
[ req_dn ]
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_ca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_nosign ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_self ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
`

// OpenSSL builds an OpenSSLPKI in a test directory with the openssl command; it
// skips the test when openssl is not installed.
func OpenSSL(t testing.TB) *OpenSSLPKI {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		runOpenSSL(t, dir, args...)
	}
	if err := os.Mkdir(filepath.Join(dir, "newcerts"), 0o700); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"openssl.cnf": opensslConfig, "index.txt": "", "crlnumber": "01\n", "serial": "1001\n"}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rsaKey := func(name string) {
		run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name)
	}
	ecKey := func(name string) {
		run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name)
	}

	rsaKey("root.key")
	run("req", "-config", "openssl.cnf", "-x509", "-new", "-key", "root.key", "-out", "root.pem", "-days", "3650",
		"-sha256", "-subj", "/C=AZ/O=Test National CA/CN=Test National Root CA", "-extensions", "v3_root")
	ecKey("ca.key")
	run("req", "-config", "openssl.cnf", "-new", "-key", "ca.key", "-out", "ca.csr", "-subj", "/C=AZ/O=Test National CA/CN=Test Issuing CA")
	run("x509", "-req", "-in", "ca.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-out", "ca.pem",
		"-days", "3650", "-sha256", "-extfile", "openssl.cnf", "-extensions", "v3_ca")

	p := &OpenSSLPKI{
		Dir:     dir,
		RootPEM: filepath.Join(dir, "root.pem"),
		CAPath:  filepath.Join(dir, "ca.pem"),
		CRLPath: filepath.Join(dir, "crl.pem"),
	}
	now := time.Now().UTC()
	validFrom, validTo := now.Add(-time.Hour), now.AddDate(1, 0, 0)
	issue := func(name, cn, ext string, rsa bool, from, to time.Time) *Leaf {
		t.Helper()
		if rsa {
			rsaKey(name + ".key")
		} else {
			ecKey(name + ".key")
		}
		run("req", "-config", "openssl.cnf", "-new", "-key", name+".key", "-out", name+".csr", "-subj", "/C=AZ/O="+name+"/CN="+cn)
		run("ca", "-batch", "-config", "openssl.cnf", "-in", name+".csr", "-out", name+".pem", "-extensions", ext,
			"-notext", "-startdate", from.Format("20060102150405Z"), "-enddate", to.Format("20060102150405Z"))
		return loadLeaf(t, filepath.Join(dir, name), p.CAPath)
	}
	p.RSA = issue("justice", "Ministry of Justice", "v3_leaf", true, validFrom, validTo)
	p.ECDSA = issue("health", "Ministry of Health", "v3_leaf", false, validFrom, validTo)
	p.Expired = issue("education", "Ministry of Science and Education", "v3_leaf", false, now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0))
	p.Revoked = issue("labour", "Ministry of Labour", "v3_leaf", true, validFrom, validTo)
	p.NoSigning = issue("migration", "State Migration Service", "v3_nosign", true, validFrom, validTo)
	run("ca", "-config", "openssl.cnf", "-revoke", "labour.pem", "-crl_reason", "keyCompromise")
	run("ca", "-config", "openssl.cnf", "-gencrl", "-out", "crl.pem")

	ecKey("internal.key")
	run("req", "-config", "openssl.cnf", "-x509", "-new", "-key", "internal.key", "-out", "internal.pem", "-days", "365",
		"-sha256", "-subj", "/C=AZ/O=internal/CN=Ministry of Internal Affairs", "-extensions", "v3_self")
	p.SelfSigned = loadLeaf(t, filepath.Join(dir, "internal"), "")
	return p
}

// OpenSSLSign signs content with `openssl cms -sign -binary -outform DER` (detached)
// as leaf, adding its intermediates with -certfile, and returns the DER. extraArgs
// go at the end of the command line (e.g. "-cades", "-noattr", "-md", "sha512").
func OpenSSLSign(t testing.TB, content []byte, leaf *Leaf, extraArgs ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "content"), filepath.Join(dir, "sig.der")
	if err := os.WriteFile(in, content, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"cms", "-sign", "-binary", "-outform", "DER", "-in", in, "-out", out,
		"-signer", leaf.CertPath, "-inkey", leaf.KeyPath}
	if leaf.IntermediatesPath != "" {
		args = append(args, "-certfile", leaf.IntermediatesPath)
	}
	runOpenSSL(t, dir, append(args, extraArgs...)...)
	der, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func runOpenSSL(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// loadLeaf reads base.pem and base.key (and the intermediate at caPath, if any)
// into a Leaf, writing its chain and intermediates files.
func loadLeaf(t testing.TB, base, caPath string) *Leaf {
	t.Helper()
	cert := readCert(t, base+".pem")
	keyPEM, err := os.ReadFile(base + ".key")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		t.Fatalf("sigtest: no PEM key in %s.key", base)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("sigtest: %s.key: %v", base, err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		t.Fatalf("sigtest: %s.key is not a signing key", base)
	}
	var inter []*x509.Certificate
	if caPath != "" {
		inter = append(inter, readCert(t, caPath))
	}
	l := writeLeaf(t, base, cert, signer, inter)
	return l
}

func readCert(t testing.TB, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatalf("sigtest: no PEM certificate in %s", path)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatalf("sigtest: %s: %v", path, err)
	}
	return c
}
