// Package ratelimit bounds how often one caller — a participant, a
// person, an address — may ask something of the Data Bank.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter is a token bucket per key: rate tokens a second, up to burst,
// one per request.
type Limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter; now is its clock.
func New(rate float64, burst int, now func() time.Time) *Limiter {
	return &Limiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// Allow takes a token for key, or says how long until one is free.
func (l *Limiter) Allow(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.buckets) > maxKeys {
		l.buckets = map[string]*bucket{} // bound memory; a reset only forgives
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
}

// maxKeys bounds the keys remembered, so that a flood of new keys cannot
// grow the process without limit.
const maxKeys = 100000
