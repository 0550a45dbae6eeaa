package bench

import (
	"context"
	"testing"
	"time"
)

// TestPacedCallsCountTheirWait checks the open loop: calls arrive on their
// schedule whether or not a client is free, and a call kept waiting counts
// the wait in its latency. One client and calls of 20 ms arriving at about
// 1,000 a second: the fifth waits for the four before it.
func TestPacedCallsCountTheirWait(t *testing.T) {
	slow := func(string) error { time.Sleep(20 * time.Millisecond); return nil }
	items := []string{"a", "b", "c", "d", "e"}
	took, _, err := concurrently(context.Background(), items, 1, 1000, slow)
	if err != nil {
		t.Fatal(err)
	}
	if len(took) != len(items) {
		t.Fatalf("%d latencies for %d calls", len(took), len(items))
	}
	if worst := took[len(took)-1]; worst < 60*time.Millisecond {
		t.Errorf("slowest latency %v: the wait behind four 20 ms calls is not counted", worst)
	}
	// In a closed loop the calls follow one another on the one client.
	took, all, err := concurrently(context.Background(), items, 1, 0, slow)
	if err != nil {
		t.Fatal(err)
	}
	if len(took) != len(items) || all < 100*time.Millisecond {
		t.Errorf("closed loop: %d calls in %v, want 5 in at least 100 ms", len(took), all)
	}
}

// TestPacedCallsDoNotCountTheClientsOversleeping checks that a client which
// slept until its call was due counts the call from its waking, not from
// the schedule: its timer's lateness is not the call's. The clients here
// oversleep by 50 ms; the calls themselves take nothing.
func TestPacedCallsDoNotCountTheClientsOversleeping(t *testing.T) {
	defer func(p func(time.Duration)) { pause = p }(pause)
	pause = func(d time.Duration) { time.Sleep(d + 50*time.Millisecond) }
	items := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	took, _, err := concurrently(context.Background(), items, len(items), 100, func(string) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(took) != len(items) {
		t.Fatalf("%d latencies for %d calls", len(took), len(items))
	}
	if worst := took[len(took)-1]; worst >= 50*time.Millisecond {
		t.Errorf("slowest latency %v: the client's oversleeping is counted as the call's", worst)
	}
}
