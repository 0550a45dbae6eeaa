package sigtest

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"testing"
	"time"
)

// Option picks a property of an issued leaf.
type Option func(*leafOptions)

type leafOptions struct {
	rsaBits    int // 0: ECDSA P-256
	notBefore  time.Time
	notAfter   time.Time
	keyUsage   x509.KeyUsage
	extUsage   []x509.ExtKeyUsage
	ips        []net.IP
	dnsNames   []string
	commonName string
	setUsage   bool
}

// ECDSA gives the leaf an ECDSA P-256 key (the default).
func ECDSA() Option { return func(o *leafOptions) { o.rsaBits = 0 } }

// RSA gives the leaf an RSA-2048 key.
func RSA() Option { return func(o *leafOptions) { o.rsaBits = 2048 } }

// RSABits gives the leaf an RSA key of the given size (for weak-key tests).
func RSABits(bits int) Option { return func(o *leafOptions) { o.rsaBits = bits } }

// Expired makes a leaf that was valid from two years ago until a year ago.
func Expired() Option {
	return func(o *leafOptions) {
		now := time.Now()
		o.notBefore, o.notAfter = now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0)
	}
}

// NotYetValid makes a leaf valid only from a year from now.
func NotYetValid() Option {
	return func(o *leafOptions) {
		now := time.Now()
		o.notBefore, o.notAfter = now.AddDate(1, 0, 0), now.AddDate(2, 0, 0)
	}
}

// Validity sets the leaf's validity period.
func Validity(notBefore, notAfter time.Time) Option {
	return func(o *leafOptions) { o.notBefore, o.notAfter = notBefore, notAfter }
}

// CommonName sets the leaf's CommonName (a readable name); the Organization stays
// the participant's code given to Issue.
func CommonName(cn string) Option { return func(o *leafOptions) { o.commonName = cn } }

// ServerAuth makes a TLS server leaf: serverAuth ExtKeyUsage, digitalSignature key
// usage, DNS name localhost and the given hosts as SANs (IP addresses or DNS names;
// 127.0.0.1 when none is given).
func ServerAuth(hosts ...string) Option {
	return func(o *leafOptions) {
		if len(hosts) == 0 {
			hosts = []string{"127.0.0.1"}
		}
		o.ips, o.dnsNames = nil, []string{"localhost"}
		for _, h := range hosts {
			if ip := net.ParseIP(h); ip != nil {
				o.ips = append(o.ips, ip)
			} else if h != "localhost" {
				o.dnsNames = append(o.dnsNames, h)
			}
		}
		o.keyUsage = x509.KeyUsageDigitalSignature
		o.extUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		o.setUsage = true
	}
}

// ClientAndSigning gives the leaf clientAuth ExtKeyUsage and digitalSignature |
// contentCommitment key usage: a participant's certificate for both the exchange's
// mutual TLS and document signatures (the default).
func ClientAndSigning() Option {
	return func(o *leafOptions) {
		o.keyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		o.extUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		o.ips, o.dnsNames = nil, nil
		o.setUsage = true
	}
}

// NoSigningUsage gives the leaf a key usage without digitalSignature or
// contentCommitment (keyEncipherment for RSA, keyAgreement for ECDSA), keeping the
// clientAuth ExtKeyUsage.
func NoSigningUsage() Option {
	return func(o *leafOptions) {
		o.keyUsage = 0 // resolved in template, once the key type is known
		o.extUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		o.setUsage = false
	}
}

// Usage sets the leaf's key usage and extended key usages exactly (a zero key usage
// leaves the extension out), for key-usage tests.
func Usage(ku x509.KeyUsage, eku ...x509.ExtKeyUsage) Option {
	return func(o *leafOptions) {
		o.keyUsage, o.extUsage, o.setUsage = ku, eku, true
	}
}

func options(opts []Option) *leafOptions {
	now := time.Now()
	o := &leafOptions{notBefore: now.Add(-time.Hour), notAfter: now.AddDate(1, 0, 0)}
	ClientAndSigning()(o)
	for _, opt := range opts {
		opt(o)
	}
	return o
}

func (o *leafOptions) key(t testing.TB) crypto.Signer {
	if o.rsaBits > 0 {
		return newRSA(t, o.rsaBits)
	}
	return newECDSA(t)
}

func (o *leafOptions) template(t testing.TB, name string) *x509.Certificate {
	cn := o.commonName
	if cn == "" {
		cn = name
	}
	ku := o.keyUsage
	if !o.setUsage {
		ku = x509.KeyUsageKeyAgreement
		if o.rsaBits > 0 {
			ku = x509.KeyUsageKeyEncipherment
		}
	}
	return &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{Country: []string{"AZ"}, Organization: []string{name}, CommonName: cn},
		NotBefore:             o.notBefore,
		NotAfter:              o.notAfter,
		KeyUsage:              ku,
		ExtKeyUsage:           o.extUsage,
		BasicConstraintsValid: true,
		IPAddresses:           o.ips,
		DNSNames:              o.dnsNames,
	}
}
