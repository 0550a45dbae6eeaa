// Package signer is the port through which people sign what they enter in
// their e-cabinet (regulation §4.4): production plugs in the national
// mobile signature; the demo and the tests use Dev, a software signer with
// a development CA, confirmed on a page that stands in for the phone.
package signer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Signer signs content for a person, as a mobile signature does: the
// person sees a verification code on the page, confirms on their device,
// and the signature arrives.
type Signer interface {
	// Start asks the person to sign content.
	Start(ctx context.Context, fin, name string, content []byte) (Request, error)
	// Result tells where a request stands, with the signature (a
	// detached CMS signature, DER) once signed.
	Result(ctx context.Context, id string) (Result, error)
}

// Request is a signing request under way.
type Request struct {
	ID      string
	Code    string // the verification code the person compares on their device
	Expires time.Time
}

// State is where a request stands.
type State string

// The states of a request.
const (
	Pending State = "pending"
	Signed  State = "signed"
	Refused State = "refused"
	Expired State = "expired"
)

// Result is where a request stands.
type Result struct {
	State     State
	Signature []byte
}

// ErrUnknown means there is no such request.
var ErrUnknown = errors.New("signer: no such signing request")

// RequestTTL is how long a person has to confirm.
const RequestTTL = 5 * time.Minute

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newCode is a four-digit verification code.
func newCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(10000))
	return fmt.Sprintf("%04d", n.Int64())
}
