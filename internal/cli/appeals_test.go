package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/cli"
)

// TestAppealPassesItsDeadline is the lifecycle's "done when" for appeals:
// an appeal registered through the exchange, not answered within fifteen
// working days, is on the overdue list of its body — for the body's head
// and for the operator — and an answered one is not.
func TestAppealPassesItsDeadline(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := filepath.Join(t.TempDir(), "databank.db")
	base, addr, _ := startBoth(t, ctx, db, "--exchange-insecure")
	var example map[string]any
	json.Unmarshal(category.CatAppeals.Examples()[0], &example)
	delete(example, "due_on")
	delete(example, "proceedings")
	send := func(source, received, status string) {
		t.Helper()
		example["received_on"], example["status"] = received, status
		data, _ := json.Marshal(example)
		body, _ := json.Marshal(map[string]any{"batch_id": "b-" + source, "records": []any{map[string]any{
			"source_id": source, "category": "appeals", "child": map[string]string{"fin": "5ZK3N2P"},
			"effective_date": received, "action": "upsert", "data": json.RawMessage(data)}}})
		req, _ := http.NewRequest("POST", "http://"+addr+"/exchange/v1/batches", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Participant", "education")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out struct{ Counts map[string]int }
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if out.Counts["accepted"] != 1 {
			t.Fatalf("appeal %s: %d %+v", source, resp.StatusCode, out)
		}
	}
	send("late-1", "2026-09-01", "received")
	send("done-1", "2026-09-02", "answered")
	_, page := loginAs(t, base, "3TH0001").do("GET", "/appeals?lang=en", nil, nil)
	overdue := page[strings.Index(page, "Overdue appeals"):strings.Index(page, "Appeals being answered")]
	if !strings.Contains(overdue, `id="overdue-education"`) || !strings.Contains(overdue, "<td>1 Sep 2026</td>") || strings.Contains(overdue, "<td>2 Sep 2026</td>") {
		t.Errorf("education's overdue list:\n%s", overdue)
	}
	if _, page := loginAs(t, base, "1AK0001").do("GET", "/appeals?lang=en", nil, nil); !strings.Contains(page, `id="overdue-education"`) {
		t.Error("the operator does not see education's overdue appeal")
	}
	if status, _ := loginAs(t, base, "3SH0001").do("GET", "/appeals?lang=en", nil, nil); status != 200 {
		t.Errorf("health's register: %d", status)
	} else if _, page := loginAs(t, base, "3SH0001").do("GET", "/appeals?lang=en", nil, nil); strings.Contains(page, "overdue-education") {
		t.Error("health sees education's appeals")
	}
	if status, _ := loginAs(t, base, "7DT0001").do("GET", "/appeals", nil, nil); status != http.StatusForbidden {
		t.Errorf("the auditor's register: %d; want 403", status)
	}
}

// startBoth runs serve with the exchange and returns the base URL of the
// pages and the exchange's address.
func startBoth(t *testing.T, ctx context.Context, db string, extra ...string) (string, string, *logBuffer) {
	t.Helper()
	addr, exAddr := make(chan string, 1), make(chan string, 1)
	done := make(chan int, 1)
	logs := &logBuffer{}
	app := &cli.App{Stdout: io.Discard, Stderr: logs, Ready: func(a string) { addr <- a }, ExchangeReady: func(a string) { exAddr <- a },
		Env: func(k string) (string, bool) { return map[string]string{"DATABANK_DB": db}[k], k == "DATABANK_DB" }}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--exchange-addr", "127.0.0.1:0"}, extra...)
	go func() { done <- app.Run(ctx, args) }()
	t.Cleanup(func() {
		if ctx.Err() != nil {
			<-done
		}
	})
	var base, ex string
	for base == "" || ex == "" {
		select {
		case a := <-addr:
			base = "http://" + a
		case a := <-exAddr:
			ex = a
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, logs.String())
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not start")
		}
	}
	return base, ex, logs
}
