package signature

import (
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"sync"
	"time"
)

// VerifyClient checks a TLS client certificate chain (as given in
// tls.ConnectionState.PeerCertificates: leaf first, then the intermediates the client
// sent) now: chained to the anchors, valid now, not revoked, usable for client
// authentication. Refusals are *Error with a stable code.
//
// A participant's system presents the same chain on every request, and
// building it (two signature checks) was a tenth of a profile read's CPU:
// chains built are remembered, for the time every certificate in them is
// valid and at most clientChainTTL. Revocation and key usage are checked on
// every call, so a CRL loaded takes effect at once.
func (v *Verifier) VerifyClient(chain []*x509.Certificate) error {
	if len(chain) == 0 {
		return fail(CodeUntrusted, errors.New("no client certificate"))
	}
	leaf := chain[0]
	now := v.now()
	key := chainKey(chain)
	chains, ok := v.clientChains.get(key, now)
	if !ok {
		var err error
		if chains, err = v.verifyChain(leaf, chain[1:], now); err != nil {
			return err
		}
		v.clientChains.put(key, chains, now)
	}
	if err := clientUsage(leaf); err != nil {
		return err
	}
	_, err := v.unrevoked(chains)
	return err
}

// clientChainTTL bounds how long a built chain is reused.
const clientChainTTL = 5 * time.Minute

// clientChainsMax bounds the remembered chains: a few per participant.
const clientChainsMax = 4096

func chainKey(chain []*x509.Certificate) [32]byte {
	h := sha256.New()
	for _, c := range chain {
		var n [4]byte
		l := len(c.Raw)
		n[0], n[1], n[2], n[3] = byte(l>>24), byte(l>>16), byte(l>>8), byte(l)
		h.Write(n[:])
		h.Write(c.Raw)
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// builtChains are the chains built for a client certificate at from, and
// valid until the first certificate in them expires (or the TTL ends):
// building them again in between gives them again.
type builtChains struct {
	from, until time.Time
	chains      [][]*x509.Certificate
}

type chainCache struct {
	mu sync.RWMutex
	m  map[[32]byte]builtChains
}

func (c *chainCache) get(key [32]byte, now time.Time) ([][]*x509.Certificate, bool) {
	c.mu.RLock()
	b, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || now.Before(b.from) || !now.Before(b.until) {
		return nil, false
	}
	return b.chains, true
}

func (c *chainCache) put(key [32]byte, chains [][]*x509.Certificate, now time.Time) {
	b := builtChains{from: now, until: now.Add(clientChainTTL), chains: chains}
	for _, ch := range chains {
		for _, cert := range ch {
			if cert.NotAfter.Before(b.until) {
				b.until = cert.NotAfter
			}
		}
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= clientChainsMax {
		c.m = map[[32]byte]builtChains{}
	}
	c.m[key] = b
	c.mu.Unlock()
}
