package idp

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// Client returns an HTTP client that serves requests for the provider's
// own URLs (the issuer and the paths under it) by calling ServeHTTP
// directly, with no network, and refuses every other URL. Give it to the
// relying party (oidclogin.Config.HTTPClient) when the provider is mounted
// in the same server: discovery, the key set and the code exchange then
// work even before the server listens, and never leave the process.
// Browsers still reach the provider over HTTP at the issuer URL.
func (p *Provider) Client() *http.Client {
	return &http.Client{Transport: inProcess{p}}
}

// inProcess is the transport of Provider.Client.
type inProcess struct{ p *Provider }

// maxInProcessBody bounds a request body read into memory.
const maxInProcessBody = 1 << 20

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if !t.p.owns(req) {
		return nil, fmt.Errorf("idp: the in-process client only reaches %s, not %s://%s", t.p.issuer, req.URL.Scheme, req.URL.Host)
	}
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(req.Body, maxInProcessBody+1))
		if err != nil {
			return nil, err
		}
		if len(body) > maxInProcessBody {
			return nil, fmt.Errorf("idp: request body over %d bytes", maxInProcessBody)
		}
	}
	in := req.Clone(req.Context())
	in.Body = io.NopCloser(bytes.NewReader(body))
	in.ContentLength = int64(len(body))
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:0"
	in.Host = req.URL.Host
	rec := httptest.NewRecorder()
	t.p.ServeHTTP(rec, in)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// owns reports whether req is for one of the provider's URLs.
func (p *Provider) owns(req *http.Request) bool {
	origin := req.URL.Scheme + "://" + req.URL.Host
	if !strings.HasPrefix(p.issuer, origin) || len(p.issuer) != len(origin)+len(p.prefix) {
		return false
	}
	return strings.HasPrefix(req.URL.Path, p.prefix+"/")
}
