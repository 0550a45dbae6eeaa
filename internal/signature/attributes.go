package signature

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"time"

	"github.com/smallstep/pkcs7"
)

// Signed attributes that pkcs7 does not check for us.
var (
	// id-aa-signingCertificate (ESS, RFC 2634): a SHA-1 hash of the signer certificate.
	oidSigningCertificate = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	// id-aa-signingCertificateV2 (RFC 5035), required by CAdES-BES.
	oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
)

// signingCertificateV2 is SigningCertificateV2 (RFC 5035); only certs is read.
type signingCertificateV2 struct {
	Certs    []essCertIDv2
	Policies asn1.RawValue `asn1:"optional"`
}

// essCertIDv2 is ESSCertIDv2; HashAlgorithm is absent when it is SHA-256.
type essCertIDv2 struct {
	HashAlgorithm pkix.AlgorithmIdentifier `asn1:"optional"`
	CertHash      []byte
	IssuerSerial  asn1.RawValue `asn1:"optional"`
}

// essCertIDv2Out is the DER form we write: SHA-256 (the default, so omitted), no issuerSerial.
type essCertIDv2Out struct {
	CertHash []byte
}

type signingCertificateV2Out struct {
	Certs []essCertIDv2Out
}

type signingCertificateV1 struct {
	Certs    []essCertID
	Policies asn1.RawValue `asn1:"optional"`
}

type essCertID struct {
	CertHash     []byte
	IssuerSerial asn1.RawValue `asn1:"optional"`
}

// signedAttribute decodes the signed attribute typ into out; found is false when the
// signature has no such attribute.
func signedAttribute(p7 *pkcs7.PKCS7, typ asn1.ObjectIdentifier, out any) (found bool, err error) {
	var raw asn1.RawValue
	if p7.UnmarshalSignedAttribute(typ, &raw) != nil {
		return false, nil
	}
	rest, err := asn1.Unmarshal(raw.FullBytes, out)
	if err == nil && len(rest) > 0 {
		err = errors.New("trailing data")
	}
	return true, err
}

// checkAttributes checks the signed attributes that pkcs7 leaves alone (content type,
// ESS signing certificate v1/v2) and returns the signing time (zero if absent).
func checkAttributes(p7 *pkcs7.PKCS7, signer *x509.Certificate) (time.Time, error) {
	var ct asn1.ObjectIdentifier
	found, err := signedAttribute(p7, pkcs7.OIDAttributeContentType, &ct)
	if err != nil || !found || !ct.Equal(pkcs7.OIDData) {
		return time.Time{}, failf(CodeInvalid, "the content-type attribute is missing or is not id-data")
	}

	var v2 signingCertificateV2
	found, err = signedAttribute(p7, oidSigningCertificateV2, &v2)
	if err != nil || (found && len(v2.Certs) == 0) {
		return time.Time{}, failf(CodeMalformed, "unreadable signingCertificateV2 attribute")
	}
	if found {
		id := v2.Certs[0]
		h := crypto.SHA256
		if alg := id.HashAlgorithm.Algorithm; len(alg) > 0 {
			switch {
			case alg.Equal(oidDigestSHA256):
			case alg.Equal(oidDigestSHA384):
				h = crypto.SHA384
			case alg.Equal(oidDigestSHA512):
				h = crypto.SHA512
			default:
				return time.Time{}, failf(CodeUnsupported, "signingCertificateV2 hash "+alg.String()+" is not accepted")
			}
		}
		d := h.New()
		d.Write(signer.Raw)
		if !bytes.Equal(d.Sum(nil), id.CertHash) {
			return time.Time{}, failf(CodeInvalid, "signingCertificateV2 names another certificate than the signer's")
		}
	}

	var v1 signingCertificateV1
	found, err = signedAttribute(p7, oidSigningCertificate, &v1)
	if err != nil || (found && len(v1.Certs) == 0) {
		return time.Time{}, failf(CodeMalformed, "unreadable signingCertificate attribute")
	}
	if found {
		sum := sha1.Sum(signer.Raw)
		if !bytes.Equal(sum[:], v1.Certs[0].CertHash) {
			return time.Time{}, failf(CodeInvalid, "signingCertificate names another certificate than the signer's")
		}
	}

	var signingTime time.Time
	if _, err := signedAttribute(p7, pkcs7.OIDAttributeSigningTime, &signingTime); err != nil {
		return time.Time{}, failf(CodeMalformed, "unreadable signing-time attribute")
	}
	return signingTime, nil
}

// Extended key usages accepted on a signer certificate that has the extension.
var (
	oidDocumentSigning          = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}       // RFC 9336
	oidMicrosoftDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 3, 12} // common on national eID cards
)

// signingUsage requires digitalSignature or contentCommitment (nonRepudiation) key
// usage, and, when the certificate restricts its extended key usages, one of any,
// clientAuth, emailProtection or document signing.
func signingUsage(c *x509.Certificate) error {
	if c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return failf(CodeKeyUsage, "the signer certificate has neither digitalSignature nor contentCommitment key usage")
	}
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return nil
	}
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageAny || u == x509.ExtKeyUsageClientAuth || u == x509.ExtKeyUsageEmailProtection {
			return nil
		}
	}
	for _, u := range c.UnknownExtKeyUsage {
		if u.Equal(oidDocumentSigning) || u.Equal(oidMicrosoftDocumentSigning) {
			return nil
		}
	}
	return failf(CodeKeyUsage, "the signer certificate's extended key usages exclude document signing")
}

// clientUsage requires, for a TLS client certificate, digitalSignature key usage when
// the certificate has a key usage at all, and clientAuth (or any) when it has
// extended key usages at all.
func clientUsage(c *x509.Certificate) error {
	if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return failf(CodeKeyUsage, "the client certificate lacks digitalSignature key usage")
	}
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return nil
	}
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageAny || u == x509.ExtKeyUsageClientAuth {
			return nil
		}
	}
	return failf(CodeKeyUsage, "the client certificate's extended key usages exclude clientAuth")
}
