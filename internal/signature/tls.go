package signature

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
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

// ServerTLS returns a tls.Config for the exchange listener: the server certificate
// (with its chain) and key from PEM files, TLS 1.2 at least, and client certificates
// required and checked with VerifyClient in VerifyConnection, so that the CRLs apply
// on every handshake, resumed ones included.
//
// Go's own client verification is off (tls.RequireAnyClientCert), so
// ConnectionState.VerifiedChains stays empty: a handler identifies the participant by
// PeerCertificates[0], which VerifyConnection has checked before any request is read.
// The anchors are sent as acceptable CAs so that clients pick the right certificate.
func (v *Verifier) ServerTLS(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("signature: server certificate: %w", err)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAnyClientCert,
		ClientCAs:    v.roots,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return v.VerifyClient(cs.PeerCertificates)
		},
	}, nil
}
