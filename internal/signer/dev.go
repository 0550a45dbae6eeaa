package signer

import (
	"context"
	"encoding/pem"
	"html/template"
	"net/http"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/devpki"
	"github.com/scfwca/databank/internal/signature"
)

// Dev is the development signer. Each person gets a certificate from a
// development CA; a request is confirmed on Dev's own page, where the
// person checks the verification code — as on a phone with a mobile
// signature. Never for production.
type Dev struct {
	pki   *devpki.PKI
	now   func() time.Time
	mu    sync.Mutex
	certs map[string]*devpki.Cert
	reqs  map[string]*devRequest
}

type devRequest struct {
	Request
	fin, name string
	content   []byte
	state     State
	signature []byte
}

// NewDev returns a development signer with a fresh CA.
func NewDev(now func() time.Time) (*Dev, error) {
	pki, err := devpki.New("Development e-signature")
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Dev{pki: pki, now: now, certs: map[string]*devpki.Cert{}, reqs: map[string]*devRequest{}}, nil
}

// Anchors returns the development CA's root as PEM, the trust anchor the
// Data Bank verifies people's signatures against in the demo.
func (d *Dev) Anchors() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d.pki.Root.Raw})
}

// Start records a request awaiting the person's confirmation.
func (d *Dev) Start(ctx context.Context, fin, name string, content []byte) (Request, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r := &devRequest{Request: Request{ID: newID(), Code: newCode(), Expires: d.now().Add(RequestTTL)},
		fin: fin, name: name, content: append([]byte(nil), content...), state: Pending}
	d.reqs[r.ID] = r
	return r.Request, nil
}

// Result tells where a request stands.
func (d *Dev) Result(ctx context.Context, id string) (Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.reqs[id]
	if !ok {
		return Result{}, ErrUnknown
	}
	if r.state == Pending && d.now().After(r.Expires) {
		r.state = Expired
	}
	return Result{State: r.state, Signature: r.signature}, nil
}

// Confirm is the person confirming on their device: the request is signed
// with the person's certificate. refuse declines it instead.
func (d *Dev) Confirm(id string, refuse bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.reqs[id]
	if !ok {
		return ErrUnknown
	}
	if r.state != Pending || d.now().After(r.Expires) {
		return nil
	}
	if refuse {
		r.state = Refused
		return nil
	}
	c, ok := d.certs[r.fin]
	if !ok {
		var err error
		if c, err = d.pki.Person(r.fin, r.name); err != nil {
			return err
		}
		d.certs[r.fin] = c
	}
	sig, err := signature.Sign(r.content, c.Cert, c.Key, c.Intermediates)
	if err != nil {
		return err
	}
	r.state, r.signature = Signed, sig
	return nil
}

var devPage = template.Must(template.New("dev").Parse(`<!doctype html>
<html lang="az"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>İmza təsdiqi</title>
<style>body{font:18px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
.code{font-size:2.5rem;letter-spacing:.3rem;font-weight:700}button{min-height:48px;width:100%;font:inherit;margin:.4rem 0}</style>
<h1>İnkişaf imzası · Development signature</h1>
<p>{{.Name}} — sənədi imzalamağı təsdiq edirsiniz? · Confirm signing?</p>
<p>Yoxlama kodu · Verification code:</p><p class="code" id="code">{{.Code}}</p>
<form method="post"><button name="confirm" value="1" id="confirm">Təsdiq et · Confirm</button>
<button name="refuse" value="1">İmtina · Refuse</button></form>
<p><small>Yalnız inkişaf və demo üçün · Development and demo only</small></p>`))

// ServeHTTP is the stand-in for the person's phone: GET shows the code,
// POST confirms or refuses. Mount it at a path ending in /{id}.
func (d *Dev) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	d.mu.Lock()
	req, ok := d.reqs[id]
	d.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method == http.MethodPost {
		r.ParseForm()
		d.Confirm(id, r.PostForm.Get("refuse") != "")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="az"><meta charset="utf-8"><p id="done">Hazırdır · Done. Səhifəyə qayıdın · Return to the page.</p>`))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	devPage.Execute(w, map[string]string{"Name": req.name, "Code": req.Code})
}
