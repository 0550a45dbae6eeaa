package oidclogin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// PendingTTL is how long a started login may take: a callback, or a
// Pending cookie, older than this is refused with LoginExpired.
const PendingTTL = 10 * time.Minute

// MinKeyLen is the shortest HMAC key EncodePending and DecodePending take.
const MinKeyLen = 32

// clockSkew is how far in the future a Pending's start may lie before it
// is taken for a forgery (several servers' clocks may differ a little).
const clockSkew = time.Minute

// Pending is a login between Start and Finish: what the browser's callback
// must match. The caller keeps it for the browser that started the login,
// typically in a cookie made with EncodePending and PendingCookie.
type Pending struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"` // PKCE code verifier
	ReturnTo string    `json:"r"` // a local path, checked by ValidReturnTo
	Started  time.Time `json:"t"`
}

// pendingContext separates these MACs from any other use of the key.
const pendingContext = "databank/oidclogin/pending/v1\x00"

// EncodePending serialises p and authenticates it with HMAC-SHA256 under
// key (at least MinKeyLen bytes), for a cookie value. The value is signed,
// not encrypted: the browser holding it can read the state, nonce and PKCE
// verifier of its own login, which gives it nothing it did not have; what
// it cannot do is change them or make up a Pending.
func EncodePending(key []byte, p Pending) (string, error) {
	if len(key) < MinKeyLen {
		return "", errors.New("oidclogin: the pending key must be at least 32 bytes")
	}
	body, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding.EncodeToString(body)
	return enc + "." + base64.RawURLEncoding.EncodeToString(pendingMAC(key, enc)), nil
}

// DecodePending checks the MAC of a value made by EncodePending and
// returns the Pending. It refuses a value whose MAC is wrong or which is
// malformed (PendingInvalid), and one whose login started more than
// PendingTTL before now (LoginExpired), so a stolen or kept cookie cannot
// be replayed later.
func DecodePending(key []byte, value string, now time.Time) (Pending, error) {
	if len(key) < MinKeyLen {
		return Pending{}, errors.New("oidclogin: the pending key must be at least 32 bytes")
	}
	enc, sig, ok := strings.Cut(value, ".")
	if !ok || len(value) > 4096 {
		return Pending{}, fail(PendingInvalid, "malformed value", nil)
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, pendingMAC(key, enc)) {
		return Pending{}, fail(PendingInvalid, "the MAC does not match", nil)
	}
	body, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return Pending{}, fail(PendingInvalid, "malformed value", err)
	}
	var p Pending
	if err := json.Unmarshal(body, &p); err != nil {
		return Pending{}, fail(PendingInvalid, "malformed value", err)
	}
	if p.State == "" || p.Nonce == "" || p.Verifier == "" || !ValidReturnTo(p.ReturnTo) {
		return Pending{}, fail(PendingInvalid, "incomplete value", nil)
	}
	if err := p.checkAge(now); err != nil {
		return Pending{}, err
	}
	return p, nil
}

func pendingMAC(key []byte, enc string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(pendingContext))
	m.Write([]byte(enc))
	return m.Sum(nil)
}

// checkAge refuses a Pending started more than PendingTTL before now, or
// implausibly far in the future.
func (p Pending) checkAge(now time.Time) error {
	if p.Started.IsZero() || p.Started.After(now.Add(clockSkew)) {
		return fail(PendingInvalid, "implausible start time", nil)
	}
	if now.Sub(p.Started) > PendingTTL {
		return fail(LoginExpired, "", nil)
	}
	return nil
}

// PendingCookie returns a cookie holding an encoded Pending: HttpOnly,
// SameSite=Lax (it must come back on the provider's top-level redirect to
// the callback), expiring with PendingTTL, limited to path (the callback's
// path, or "/"), and Secure when secure is set (always, behind HTTPS).
// Delete it when the callback arrives, whatever the outcome, by setting a
// cookie of the same name and path with MaxAge -1.
func PendingCookie(name, value, path string, secure bool) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: path,
		MaxAge:   int(PendingTTL / time.Second),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}
}

// ValidReturnTo reports whether s may be returned to after login: a path
// on this site, starting with "/" but not "//" or "/\" (which browsers
// read as another host), with no control characters. "" is not valid;
// Start turns it into "/".
func ValidReturnTo(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") || len(s) > 2048 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\' {
			return false
		}
	}
	return true
}
