package signature

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// Verifier checks detached CMS signatures and TLS client certificates against trust
// anchors and revocation lists. Intermediates are not configured: they travel in
// each signature (or TLS handshake). A Verifier is safe for concurrent use; its CRLs
// can be replaced at run time with SetCRLs or LoadCRLs.
type Verifier struct {
	roots   *x509.CertPool
	anchors []*x509.Certificate
	now     func() time.Time

	mu   sync.RWMutex
	crls []*crl

	clientChains chainCache
}

// NewVerifier builds a Verifier from the trust anchors (PEM, one or more
// certificates) and CRLs (each DER, or PEM with one or more "X509 CRL" blocks). now
// is the clock (time.Now when nil); tests move it to check the time rules.
func NewVerifier(anchorsPEM []byte, crls [][]byte, now func() time.Time) (*Verifier, error) {
	if now == nil {
		now = time.Now
	}
	v := &Verifier{roots: x509.NewCertPool(), now: now}
	rest := anchorsPEM
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signature: trust anchor: %w", err)
		}
		v.roots.AddCert(c)
		v.anchors = append(v.anchors, c)
	}
	if len(v.anchors) == 0 {
		return nil, errors.New("signature: no trust anchor (PEM CERTIFICATE) given")
	}
	if err := v.SetCRLs(crls); err != nil {
		return nil, err
	}
	return v, nil
}

// LoadVerifier builds a Verifier from an anchors file (PEM) and CRL files (DER or
// PEM); see NewVerifier.
func LoadVerifier(anchorsFile string, crlFiles []string, now func() time.Time) (*Verifier, error) {
	anchors, err := os.ReadFile(anchorsFile)
	if err != nil {
		return nil, fmt.Errorf("signature: trust anchors: %w", err)
	}
	crls, err := readFiles(crlFiles)
	if err != nil {
		return nil, err
	}
	return NewVerifier(anchors, crls, now)
}

// LoadCRLs replaces the verifier's CRLs with those in the files (DER or PEM), for a
// periodic reload. On error the CRLs in use stay.
func (v *Verifier) LoadCRLs(crlFiles []string) error {
	crls, err := readFiles(crlFiles)
	if err != nil {
		return err
	}
	return v.SetCRLs(crls)
}

// SetCRLs replaces the verifier's CRLs (each DER or PEM). On error the CRLs in use stay.
func (v *Verifier) SetCRLs(crls [][]byte) error {
	parsed, err := parseCRLs(crls)
	if err != nil {
		return err
	}
	v.mu.Lock()
	v.crls = parsed
	v.mu.Unlock()
	return nil
}

// Anchors returns the trust anchors as a pool (e.g. for a TLS client's RootCAs).
func (v *Verifier) Anchors() *x509.CertPool { return v.roots.Clone() }

func readFiles(paths []string) ([][]byte, error) {
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("signature: CRL: %w", err)
		}
		out = append(out, b)
	}
	return out, nil
}

// verifyChain builds the chains from leaf to an anchor, valid at the given time,
// using extra as intermediates. It does not check extended key usages (each caller
// checks the leaf's own) nor revocation (see unrevoked).
func (v *Verifier) verifyChain(leaf *x509.Certificate, extra []*x509.Certificate, at time.Time) ([][]*x509.Certificate, error) {
	inter := x509.NewCertPool()
	for _, c := range extra {
		if !c.Equal(leaf) {
			inter.AddCert(c)
		}
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         v.roots,
		Intermediates: inter,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		// Go 1.26 reports an expired intermediate or anchor as Expired too
		// (TestExpiredIntermediate), so it maps to certificate_expired.
		return nil, classifyChainError(err)
	}
	return chains, nil
}
