// Package devpki makes a throwaway PKI for development, demos and
// benchmarks: a root, an issuing CA under it, and certificates for
// participants and servers. It is never used with real data; production
// certificates come from the national certification centres.
package devpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// PKI is a root and an issuing CA.
type PKI struct {
	Root, CA *x509.Certificate
	caKey    crypto.Signer
}

// Cert is an issued certificate with its key and chain.
type Cert struct {
	Cert          *x509.Certificate
	Key           crypto.Signer
	Intermediates []*x509.Certificate
}

// TLS returns the certificate as a tls.Certificate with its chain.
func (c *Cert) TLS() tls.Certificate {
	t := tls.Certificate{Certificate: [][]byte{c.Cert.Raw}, PrivateKey: c.Key, Leaf: c.Cert}
	for _, i := range c.Intermediates {
		t.Certificate = append(t.Certificate, i.Raw)
	}
	return t
}

// New makes a root and an issuing CA, valid for ten years from now.
func New(name string) (*PKI, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	root, err := create(&x509.Certificate{
		Subject:   pkix.Name{Country: []string{"AZ"}, Organization: []string{name}, CommonName: name + " Root CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil, rootKey, rootKey)
	if err != nil {
		return nil, err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca, err := create(&x509.Certificate{
		Subject:   pkix.Name{Country: []string{"AZ"}, Organization: []string{name}, CommonName: name + " Issuing CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		MaxPathLenZero: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, root, caKey, rootKey)
	if err != nil {
		return nil, err
	}
	return &PKI{Root: root, CA: ca, caKey: caKey}, nil
}

// Participant issues a certificate for a participant's system, usable for
// TLS client authentication and for signing; its Organization is the
// participant's code.
func (p *PKI) Participant(code string) (*Cert, error) {
	return p.issue(&x509.Certificate{
		Subject:     pkix.Name{Country: []string{"AZ"}, Organization: []string{code}, CommonName: code + " information system"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

// Person issues a signing certificate for a person, with the FIN in the
// subject's serial number as national e-signature certificates carry it.
func (p *PKI) Person(fin, name string) (*Cert, error) {
	return p.issue(&x509.Certificate{
		Subject:  pkix.Name{Country: []string{"AZ"}, CommonName: name, SerialNumber: fin},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	})
}

// Server issues a TLS server certificate for the given hosts.
func (p *PKI) Server(hosts ...string) (*Cert, error) {
	t := &x509.Certificate{
		Subject:     pkix.Name{Country: []string{"AZ"}, CommonName: hosts[0]},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			t.IPAddresses = append(t.IPAddresses, ip)
		} else {
			t.DNSNames = append(t.DNSNames, h)
		}
	}
	return p.issue(t)
}

func (p *PKI) issue(t *x509.Certificate) (*Cert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	t.NotBefore, t.NotAfter = now.Add(-time.Hour), now.AddDate(2, 0, 0)
	c, err := create(t, p.CA, key, p.caKey)
	if err != nil {
		return nil, err
	}
	return &Cert{Cert: c, Key: key, Intermediates: []*x509.Certificate{p.CA}}, nil
}

// WriteRoot writes the root certificate (the trust anchor) as PEM.
func (p *PKI) WriteRoot(path string) error { return writePEM(path, "CERTIFICATE", p.Root.Raw) }

// WriteCRL writes an empty revocation list of the issuing CA as PEM.
func (p *PKI) WriteCRL(path string) error {
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().AddDate(0, 1, 0),
	}, p.CA, p.caKey)
	if err != nil {
		return err
	}
	return writePEM(path, "X509 CRL", der)
}

// Write writes a certificate with its chain (NAME.pem) and its key
// (NAME.key) into dir.
func (c *Cert) Write(dir, name string) error {
	ders := [][]byte{c.Cert.Raw}
	for _, i := range c.Intermediates {
		ders = append(ders, i.Raw)
	}
	if err := writePEM(filepath.Join(dir, name+".pem"), "CERTIFICATE", ders...); err != nil {
		return err
	}
	k, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, name+".key"), "PRIVATE KEY", k)
}

func create(t, parent *x509.Certificate, key crypto.Signer, signer crypto.Signer) (*x509.Certificate, error) {
	sn, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	t.SerialNumber = sn
	if parent == nil {
		parent = t
	}
	der, err := x509.CreateCertificate(rand.Reader, t, parent, key.Public(), signer)
	if err != nil {
		return nil, fmt.Errorf("devpki: %w", err)
	}
	return x509.ParseCertificate(der)
}

func writePEM(path, typ string, ders ...[]byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	for _, d := range ders {
		if err := pem.Encode(f, &pem.Block{Type: typ, Bytes: d}); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
