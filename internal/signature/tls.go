package signature

import (
	"crypto/x509"
	"errors"
)

// VerifyClient checks a TLS client certificate chain (as given in
// tls.ConnectionState.PeerCertificates: leaf first, then the intermediates the client
// sent) now: chained to the anchors, valid now, not revoked, usable for client
// authentication. Refusals are *Error with a stable code.
func (v *Verifier) VerifyClient(chain []*x509.Certificate) error {
	if len(chain) == 0 {
		return fail(CodeUntrusted, errors.New("no client certificate"))
	}
	leaf := chain[0]
	chains, err := v.verifyChain(leaf, chain[1:], v.now())
	if err != nil {
		return err
	}
	if err := clientUsage(leaf); err != nil {
		return err
	}
	_, err = v.unrevoked(chains)
	return err
}
