package signature

import (
	"crypto/x509"
	"errors"
)

// Stable machine codes of a refused signature or certificate. The exchange API
// returns them to participants' systems, so a code never changes meaning.
const (
	// CodeMalformed: not DER CMS SignedData, no signer or more than one, the signer's
	// certificate is not embedded, or attached content that differs from the content.
	CodeMalformed = "signature_malformed"
	// CodeInvalid: the signature does not match the content (the message digest is
	// wrong, or the signature over the signed attributes does not verify), or a
	// signed attribute contradicts it (content type, signing certificate).
	CodeInvalid = "signature_invalid"
	// CodeUnsupported: a well-formed signature with an algorithm this verifier does
	// not accept: digests other than SHA-256/384/512 (e.g. SHA-1), RSA-PSS, DSA, or an
	// RSA key shorter than 2048 bits.
	CodeUnsupported = "signature_unsupported"
	// CodeStale: the signing-time attribute is more than MaxSignatureAge (24 hours)
	// before now, or more than ClockSkew (5 minutes) after now; sign again.
	CodeStale = "signature_stale"
	// CodeUntrusted: the chain does not lead to a trust anchor (self-signed, foreign
	// root, missing intermediate, a CA not allowed to issue), or no client certificate.
	CodeUntrusted = "certificate_untrusted"
	// CodeExpired: a certificate of the chain is not valid at the time that matters
	// (expired or not yet valid).
	CodeExpired = "certificate_expired"
	// CodeRevoked: a certificate of the chain is listed in a CRL of its issuer.
	CodeRevoked = "certificate_revoked"
	// CodeKeyUsage: the certificate may not be used for this purpose (key usage or
	// extended key usage).
	CodeKeyUsage = "key_usage"
)

// Error is a refused signature or certificate, with a stable machine code (one of
// the Code constants) and the underlying cause, for logs. Causes written here name
// serials, issuers and times, not the signer's subject (which may name a person);
// causes from crypto/x509 may name CA certificates.
type Error struct {
	Code string
	Err  error
}

// Error returns the code followed by the cause.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Code
	}
	return e.Code + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// CodeOf returns the code of the first *Error in err's chain, or "" if there is none.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func fail(code string, err error) *Error { return &Error{Code: code, Err: err} }

func failf(code, msg string) *Error { return &Error{Code: code, Err: errors.New(msg)} }

// classifyChainError maps an error of x509.Certificate.Verify to a code.
func classifyChainError(err error) *Error {
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) {
		switch inv.Reason {
		case x509.Expired:
			return fail(CodeExpired, err)
		case x509.IncompatibleUsage, x509.CANotAuthorizedForExtKeyUsage:
			return fail(CodeKeyUsage, err)
		}
		return fail(CodeUntrusted, err)
	}
	return fail(CodeUntrusted, err)
}
