package signature

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
)

// crl is a parsed revocation list. Its signature is checked against the issuer
// certificate found in each verified chain (intermediates are not configured, so it
// cannot be checked at load time); results are cached per issuer.
type crl struct {
	list    *x509.RevocationList
	serials map[string]bool // serial (hex) → listed; full CRLs only, no delta CRLs

	mu       sync.Mutex
	signedBy map[[32]byte]bool // issuer certificate SHA-256 → signature verifies
}

func parseCRLs(inputs [][]byte) ([]*crl, error) {
	var out []*crl
	for i, in := range inputs {
		ders := [][]byte{in}
		if bytes.Contains(in, []byte("-----BEGIN")) {
			ders = nil
			rest := in
			for {
				var block *pem.Block
				block, rest = pem.Decode(rest)
				if block == nil {
					break
				}
				if block.Type == "X509 CRL" {
					ders = append(ders, block.Bytes)
				}
			}
			if len(ders) == 0 {
				return nil, fmt.Errorf("signature: CRL %d: no PEM \"X509 CRL\" block", i+1)
			}
		}
		for _, der := range ders {
			list, err := x509.ParseRevocationList(der)
			if err != nil {
				return nil, fmt.Errorf("signature: CRL %d: %w", i+1, err)
			}
			c := &crl{list: list, serials: map[string]bool{}, signedBy: map[[32]byte]bool{}}
			for _, e := range list.RevokedCertificateEntries {
				c.serials[e.SerialNumber.Text(16)] = true
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// verifiedBy reports whether issuer signed this CRL.
func (c *crl) verifiedBy(issuer *x509.Certificate) bool {
	key := sha256.Sum256(issuer.Raw)
	c.mu.Lock()
	defer c.mu.Unlock()
	ok, seen := c.signedBy[key]
	if !seen {
		ok = c.list.CheckSignatureFrom(issuer) == nil
		c.signedBy[key] = ok
	}
	return ok
}

// revoked returns a CodeRevoked error if a certificate of chain (leaf first, anchor
// last) is listed in a CRL issued and signed by the next certificate of the chain.
// The anchor itself is not checked. A CRL whose signature does not verify against
// the issuer is ignored (it is not that issuer's list); a CRL past its NextUpdate is
// still applied, since an old list of revoked serials is better than none, and the
// operator is expected to refresh CRLs (LoadCRLs). Any listed serial counts as
// revoked whatever its revocation date, because the signing time that date would be
// compared with is asserted by the signer itself.
func (v *Verifier) revoked(chain []*x509.Certificate) error {
	v.mu.RLock()
	crls := v.crls
	v.mu.RUnlock()
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		serial := cert.SerialNumber.Text(16)
		for _, c := range crls {
			if !bytes.Equal(c.list.RawIssuer, cert.RawIssuer) || !c.serials[serial] || !c.verifiedBy(issuer) {
				continue
			}
			// No subject in the message: a person's certificate names the person.
			return fail(CodeRevoked, fmt.Errorf("certificate with serial %s is revoked by %q",
				serial, issuer.Subject.String()))
		}
	}
	return nil
}

// unrevoked returns the first of chains in which no certificate is revoked.
func (v *Verifier) unrevoked(chains [][]*x509.Certificate) ([]*x509.Certificate, error) {
	err := error(fail(CodeUntrusted, errors.New("no certificate chain")))
	for _, chain := range chains {
		if err = v.revoked(chain); err == nil {
			return chain, nil
		}
	}
	return nil, err
}
