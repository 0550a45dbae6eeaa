package signature

import (
	"crypto"
	"crypto/sha256"
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
