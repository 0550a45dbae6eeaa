package cli_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchCommands runs the bench commands on tiny populations: each
// prints its table and writes the same measures as JSON, and refuses
// sizes it cannot run with a message naming the flag.
func TestBenchCommands(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "ingest.json")
	code, stdout, stderr := run(t, ctx, "", "bench", "ingest", "--children", "60", "--batch", "100", "--json", out, "--log-level", "error")
	if code != 0 {
		t.Fatalf("bench ingest: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "60 children, batches of 100, 2 clients") || !strings.Contains(stdout, "ingest (sqlite") {
		t.Errorf("bench ingest printed:\n%s", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var ms []struct {
		Name     string   `json:"name"`
		Value    float64  `json:"value"`
		Unit     string   `json:"unit"`
		Baseline *float64 `json:"baseline"`
		Ratio    *float64 `json:"ratio"`
	}
	if err := json.Unmarshal(b, &ms); err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Unit != "records/s" || !(ms[0].Value > 0) || ms[0].Baseline == nil || ms[0].Ratio == nil ||
		math.Abs(*ms[0].Ratio - ms[0].Value / *ms[0].Baseline) > 1e-9 {
		t.Errorf("bench ingest wrote %s", b)
	}

	for _, bad := range [][]string{
		{"bench", "ingest", "--clients", "0"},
		{"bench", "reports", "--runs", "0"},
		{"bench", "--read-rate", "0"},
		{"bench", "correspondence", "--messages", "0"},
	} {
		code, _, stderr := run(t, ctx, "", bad...)
		flag := strings.TrimPrefix(bad[len(bad)-2], "-")
		if code == 0 || !strings.Contains(stderr, flag) {
			t.Errorf("%v: exit %d, %q", bad, code, stderr)
		}
	}
	if code, _, stderr := run(t, ctx, "", "bench", "frobnicate"); code != 2 || !strings.Contains(stderr, "usage: databank bench") {
		t.Errorf("bench frobnicate: exit %d, %q", code, stderr)
	}
}
