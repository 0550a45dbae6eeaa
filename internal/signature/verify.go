package signature

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/smallstep/pkcs7"
)

// Time rules of Verify.
const (
	// MaxSignatureAge is how long before now a signing time may be.
	MaxSignatureAge = 24 * time.Hour
	// ClockSkew is how far after now a signing time may be.
	ClockSkew = 5 * time.Minute
	// MinRSABits is the smallest RSA key accepted for a signature.
	MinRSABits = 2048
)

// Signed is what a valid signature tells.
type Signed struct {
	Signer      *x509.Certificate   // the signer's certificate
	Chain       []*x509.Certificate // signer first, trust anchor last
	SigningTime time.Time           // zero if the signature has no signing-time attribute
}

// Verify checks sig (DER CMS SignedData, detached, base64 already decoded) over
// content: the signature itself, the signer's chain to an anchor at the time that
// matters, the signer's key usages and the CRLs. Refusals are *Error with a stable
// code; see the package documentation for the rules.
func (v *Verifier) Verify(content, sig []byte) (*Signed, error) {
	p7, err := parse(sig)
	if err != nil {
		return nil, fail(CodeMalformed, err)
	}
	if len(p7.Signers) != 1 {
		return nil, failf(CodeMalformed, fmt.Sprintf("%d signers, want exactly one", len(p7.Signers)))
	}
	if len(p7.Content) > 0 && !bytes.Equal(p7.Content, content) {
		return nil, failf(CodeMalformed, "the signature carries content that differs from the content given")
	}
	p7.Content = content
	signer := p7.GetOnlySigner()
	if signer == nil {
		return nil, failf(CodeMalformed, "the signer's certificate is not embedded in the signature")
	}
	si := p7.Signers[0]
	if err := checkAlgorithms(si.DigestAlgorithm.Algorithm, si.DigestEncryptionAlgorithm.Algorithm, signer); err != nil {
		return nil, err
	}
	if err := checkSignatureOnly(p7, signer); err != nil {
		return nil, err
	}
	var signingTime time.Time
	if len(si.AuthenticatedAttributes) > 0 {
		if signingTime, err = checkAttributes(p7, signer); err != nil {
			return nil, err
		}
	}

	now := v.now()
	at := now
	if !signingTime.IsZero() {
		switch {
		case signingTime.After(now.Add(ClockSkew)):
			return nil, fail(CodeStale, fmt.Errorf("signing time %s is in the future", signingTime.UTC().Format(time.RFC3339)))
		case signingTime.Before(now.Add(-MaxSignatureAge)):
			return nil, fail(CodeStale, fmt.Errorf("signing time %s is more than %s ago", signingTime.UTC().Format(time.RFC3339), MaxSignatureAge))
		case !signingTime.Before(signer.NotBefore):
			at = signingTime
		}
		// A signing time before the certificate existed proves nothing: verify now.
	}
	chains, err := v.verifyChain(signer, p7.Certificates, at)
	if err != nil {
		return nil, err
	}
	if err := signingUsage(signer); err != nil {
		return nil, err
	}
	chain, err := v.unrevoked(chains)
	if err != nil {
		return nil, err
	}
	return &Signed{Signer: signer, Chain: chain, SigningTime: signingTime}, nil
}

// parse is pkcs7.Parse, with a panic of the BER/DER parser on hostile bytes turned
// into an error.
func parse(sig []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			p7, err = nil, fmt.Errorf("unparsable signature: %v", r)
		}
	}()
	return pkcs7.Parse(sig)
}

var (
	oidDigestSHA256 = pkcs7.OIDDigestAlgorithmSHA256
	oidDigestSHA384 = pkcs7.OIDDigestAlgorithmSHA384
	oidDigestSHA512 = pkcs7.OIDDigestAlgorithmSHA512

	acceptedDigests    = []asn1.ObjectIdentifier{oidDigestSHA256, oidDigestSHA384, oidDigestSHA512}
	acceptedSignatures = []asn1.ObjectIdentifier{
		pkcs7.OIDEncryptionAlgorithmRSA, // PKCS #1 v1.5, as OpenSSL writes it
		pkcs7.OIDEncryptionAlgorithmRSASHA256, pkcs7.OIDEncryptionAlgorithmRSASHA384, pkcs7.OIDEncryptionAlgorithmRSASHA512,
		pkcs7.OIDDigestAlgorithmECDSASHA256, pkcs7.OIDDigestAlgorithmECDSASHA384, pkcs7.OIDDigestAlgorithmECDSASHA512,
	}
)

// checkAlgorithms refuses digests and signature algorithms outside SHA-2 with RSA
// PKCS #1 v1.5 or ECDSA (pkcs7 would accept SHA-1 and cannot do RSA-PSS), and RSA keys
// shorter than MinRSABits.
func checkAlgorithms(digest, sigAlg asn1.ObjectIdentifier, signer *x509.Certificate) error {
	if !slices.ContainsFunc(acceptedDigests, digest.Equal) {
		return failf(CodeUnsupported, "digest algorithm "+digest.String()+" is not accepted (use SHA-256)")
	}
	if !slices.ContainsFunc(acceptedSignatures, sigAlg.Equal) {
		return failf(CodeUnsupported, "signature algorithm "+sigAlg.String()+" is not accepted (use RSA PKCS #1 v1.5 or ECDSA)")
	}
	if k, ok := signer.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < MinRSABits {
		return failf(CodeUnsupported, fmt.Sprintf("RSA key of %d bits is too short", k.N.BitLen()))
	}
	return nil
}

// checkSignatureOnly checks the message digest and the signature with the signer's
// public key, and nothing else. pkcs7's Verify (VerifyWithChain with no trust store)
// does not build a chain but does compare the signing time with the signer's validity,
// before checking the signature; the time rules here are ours (see Verify), so the
// library sees a copy of the signer certificate with unbounded validity, used only
// for its public key.
func checkSignatureOnly(p7 *pkcs7.PKCS7, signer *x509.Certificate) error {
	relaxed := *signer
	relaxed.NotBefore = time.Time{}
	relaxed.NotAfter = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	orig := p7.Certificates
	p7.Certificates = slices.Clone(orig)
	for i, c := range p7.Certificates {
		if c == signer {
			p7.Certificates[i] = &relaxed
		}
	}
	err := p7.Verify()
	p7.Certificates = orig
	if err != nil {
		var mismatch *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mismatch) {
			return fail(CodeInvalid, errors.New("the content's digest differs from the signed digest"))
		}
		return fail(CodeInvalid, err)
	}
	return nil
}
