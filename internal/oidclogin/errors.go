package oidclogin

import "errors"

// Code says why a login failed. The codes are stable: the web layer maps
// them to messages and the audit log records them.
type Code string

// The failure codes.
const (
	// StateMismatch: the callback's state is not the one this browser's
	// login started with (a forged or crossed callback).
	StateMismatch Code = "state_mismatch"
	// LoginExpired: the login started more than PendingTTL ago.
	LoginExpired Code = "login_expired"
	// PendingInvalid: the stored Pending is malformed or its MAC is wrong
	// (a forged or damaged cookie).
	PendingInvalid Code = "pending_invalid"
	// ReturnToInvalid: the path to return to after login is not a local
	// path (it would be an open redirect).
	ReturnToInvalid Code = "return_to_invalid"
	// TokenExchangeFailed: the provider refused the code (unknown, used,
	// expired, wrong PKCE verifier) or could not be reached.
	TokenExchangeFailed Code = "token_exchange_failed"
	// IDTokenInvalid: the ID token is missing, or its signature, issuer,
	// audience or expiry is wrong.
	IDTokenInvalid Code = "id_token_invalid"
	// NonceMismatch: the ID token's nonce is not this login's.
	NonceMismatch Code = "nonce_mismatch"
	// FINClaimMissing: the ID token has no FIN claim.
	FINClaimMissing Code = "fin_claim_missing"
	// FINClaimInvalid: the FIN claim is not a well-formed FIN.
	FINClaimInvalid Code = "fin_claim_invalid"
	// ProviderError: the provider answered the callback with error=…
	// (for example access_denied when the person cancelled).
	ProviderError Code = "provider_error"
)

// Error is a failed login. Its message never holds a FIN, a token or a
// secret, so it may be logged.
type Error struct {
	Code Code
	// Detail says more, in English, for logs and developers; for a
	// ProviderError it carries the provider's error code.
	Detail string
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string {
	msg := "oidclogin: " + string(e.Code)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// CodeOf returns the code of a login error, "" when err is nil or not an
// *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func fail(code Code, detail string, err error) error {
	return &Error{Code: code, Detail: detail, Err: err}
}
