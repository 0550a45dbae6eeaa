package ratelimit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(1, 2, func() time.Time { return now })
	for i := range 2 {
		if _, ok := l.Allow("a"); !ok {
			t.Fatalf("request %d within the burst refused", i)
		}
	}
	wait, ok := l.Allow("a")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("third request: ok=%v wait=%v", ok, wait)
	}
	if _, ok := l.Allow("b"); !ok {
		t.Error("another key shares the bucket")
	}
	now = now.Add(time.Second)
	if _, ok := l.Allow("a"); !ok {
		t.Error("a token did not come back after a second")
	}
}
