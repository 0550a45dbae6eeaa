package exchange

import (
	"crypto/tls"
	"fmt"
)

// TLSConfig is the exchange listener's TLS: the server's certificate, TLS
// 1.2 at least, and a client certificate asked of every caller. The
// certificate is verified by the exchange on each request — chain to the
// trust anchors, validity, revocation — so that a refused certificate gets
// an answer naming why, not a broken handshake, and the public routes (the
// catalogue and the OpenAPI description) can be read without one.
func TLSConfig(certFile, keyFile string) (*tls.Config, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("exchange server certificate: %w", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{pair},
		ClientAuth:   tls.RequestClientCert,
		MinVersion:   tls.VersionTLS12,
	}, nil
}
