package exchange

import (
	"context"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/fault"
)

// At most Options.Preparing batches are prepared at once; a batch gives
// its place up once, however often it says so, and one whose request ends
// while it waits is answered that the Data Bank is unavailable.
func TestBatchesArePreparedAFewAtATime(t *testing.T) {
	h := New(nil, nil, slog.New(slog.DiscardHandler), Options{Preparing: 2})
	first, err := h.prepare(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.prepare(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waitFor := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		release, err := h.prepare(ctx)
		if err == nil {
			t.Cleanup(release)
		}
		return err
	}
	if err := waitFor(); fault.KindOf(err) != fault.Unavailable {
		t.Fatalf("a third batch while two are prepared: %v, want unavailable", err)
	}
	first()
	first() // the second call gives nothing more up
	if err := waitFor(); err != nil {
		t.Fatalf("a third batch once the first gave its place up: %v", err)
	}
	if err := waitFor(); fault.KindOf(err) != fault.Unavailable {
		t.Fatalf("a fourth batch while two are prepared: %v, want unavailable", err)
	}
	second()

	if got, want := cap(New(nil, nil, slog.New(slog.DiscardHandler), Options{}).preparing), max(1, runtime.GOMAXPROCS(0)-1); got != want {
		t.Errorf("by default %d batches are prepared at once, want %d", got, want)
	}
}
