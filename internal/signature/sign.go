package signature

import (
	"crypto"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/smallstep/pkcs7"
)

// Sign makes a detached CMS signature (DER) over content, as CAdES-BES: SHA-256,
// signed attributes content-type, message-digest, signing-time (now) and
// signingCertificateV2 (the SHA-256 of cert), with cert and intermediates embedded.
// key must be an RSA (PKCS #1 v1.5 is used) or ECDSA key. It is used by the
// `databank submit` tool and by tests.
func Sign(content []byte, cert *x509.Certificate, key crypto.Signer, intermediates []*x509.Certificate) ([]byte, error) {
	sum := sha256.Sum256(cert.Raw)
	return sign(content, cert, key, intermediates, sum[:])
}

// sign is Sign with the signingCertificateV2 hash given (tests give a wrong one).
func sign(content []byte, cert *x509.Certificate, key crypto.Signer, intermediates []*x509.Certificate, certHash []byte) ([]byte, error) {
	if cert == nil || key == nil {
		return nil, errors.New("signature: Sign needs a certificate and its key")
	}
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	essAttr := pkcs7.Attribute{
		Type:  oidSigningCertificateV2,
		Value: signingCertificateV2Out{Certs: []essCertIDv2Out{{CertHash: certHash}}},
	}
	if err := sd.AddSigner(cert, key, pkcs7.SignerInfoConfig{ExtraSignedAttributes: []pkcs7.Attribute{essAttr}}); err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	for _, c := range intermediates {
		sd.AddCertificate(c)
	}
	sd.Detach()
	der, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	return der, nil
}

// LoadSigner reads what Sign needs from PEM files: certFile holds the signer's
// certificate first, then its intermediates (as the exchange client's chain file
// does); keyFile holds the private key (PKCS #8, PKCS #1 or SEC 1), which must match
// the certificate.
func LoadSigner(certFile, keyFile string) (*x509.Certificate, crypto.Signer, []*x509.Certificate, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("signature: signer: %w", err)
	}
	key, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, nil, nil, fmt.Errorf("signature: signer: key of type %T cannot sign", pair.PrivateKey)
	}
	var intermediates []*x509.Certificate
	for _, der := range pair.Certificate[1:] {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("signature: signer: intermediate: %w", err)
		}
		intermediates = append(intermediates, c)
	}
	return pair.Leaf, key, intermediates, nil
}
