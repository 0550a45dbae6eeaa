package cli_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
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
	dir := t.TempDir()
	out, waits := filepath.Join(dir, "ingest.json"), filepath.Join(dir, "waits.pprof")
	code, stdout, stderr := run(t, ctx, "", "bench", "ingest", "--children", "60", "--batch", "100", "--json", out,
		"--blockprofile", waits, "--log-level", "error")
	if code != 0 {
		t.Fatalf("bench ingest: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "60 children, batches of 100, 8 clients") || !strings.Contains(stdout, "ingest (sqlite") {
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
	// The wait profile is pprof's gzipped protocol buffer, with the waits
	// of the run in it (the senders wait for their answers).
	if p, err := os.ReadFile(waits); err != nil {
		t.Error(err)
	} else if zr, err := gzip.NewReader(bytes.NewReader(p)); err != nil {
		t.Errorf("the wait profile is not gzipped: %v", err)
	} else if raw, err := io.ReadAll(zr); err != nil || !bytes.Contains(raw, []byte("bench.ingestAPI")) {
		t.Errorf("the wait profile (%d bytes, %v) names no wait of the senders", len(raw), err)
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
