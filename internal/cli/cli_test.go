package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/cli"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var now = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

// logBuffer collects what a running server writes, safely read meanwhile.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// run runs the databank command in-process against database db.
func run(t *testing.T, ctx context.Context, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &cli.App{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now },
		Env: func(k string) (string, bool) {
			if k == "DATABANK_DB" {
				return db, true
			}
			return "", false
		}}
	code := app.Run(ctx, args)
	return code, out.String(), errb.String()
}

func TestServeStartsAndStopsGracefully(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			db := storetest.DSN(t, e)
			ctx, cancel := context.WithCancel(context.Background())
			addr := make(chan string, 1)
			done := make(chan int, 1)
			var errb logBuffer
			app := &cli.App{Stdout: io.Discard, Stderr: &errb, Ready: func(a string) { addr <- a },
				Env: func(k string) (string, bool) { return map[string]string{"DATABANK_DB": db}[k], k == "DATABANK_DB" }}
			go func() { done <- app.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}) }()
			var a string
			select {
			case a = <-addr:
			case code := <-done:
				t.Fatalf("serve exited with %d: %s", code, errb.String())
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not start")
			}
			resp, err := http.Get("http://" + a + "/readyz")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("readyz: %v %v", resp, err)
			}
			resp.Body.Close()
			cancel() // as SIGTERM does
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("serve exited with %d after shutdown: %s", code, errb.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not shut down")
			}
			if !strings.Contains(errb.String(), "stopped") {
				t.Errorf("no orderly stop in the log:\n%s", errb.String())
			}
		})
	}
}

func TestServeRefusesDatabasesItCannotUse(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, bytes.Repeat([]byte("not a database "), 300), 0o600)
	code, _, stderr := run(t, context.Background(), corrupt, "serve", "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "corrupt or is not a Data Bank database") {
		t.Errorf("corrupt file: exit %d\n%s", code, stderr)
	}

	newer := filepath.Join(dir, "newer.db")
	if c, _, e := run(t, context.Background(), newer, "migrate"); c != 0 {
		t.Fatalf("migrate: %d %s", c, e)
	}
	st, _ := store.Open(newer, store.Options{})
	st.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)`)
	st.Close()
	code, _, stderr = run(t, context.Background(), newer, "serve", "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "newer than this program knows") {
		t.Errorf("newer schema: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run(t, context.Background(), filepath.Join(dir, "prod.db"), "serve", "--production", "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "development identity provider is refused") {
		t.Errorf("production mode without an identity provider: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run(t, context.Background(), filepath.Join(dir, "fresh.db"), "serve", "--no-migrate", "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "run databank migrate") {
		t.Errorf("unmigrated with --no-migrate: exit %d\n%s", code, stderr)
	}
}

func TestGenerateThenProfile(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "databank.db")
	if code, out, e := run(t, ctx, db, "migrate"); code != 0 || !strings.Contains(out, "schema at version") {
		t.Fatalf("migrate: %d %s %s", code, out, e)
	}
	code, out, e := run(t, ctx, db, "generate", "--children", "60", "--seed", "7")
	if code != 0 || !strings.Contains(out, "generated 60 children") {
		t.Fatalf("generate: %d %s %s", code, out, e)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fin string
	var mask int64
	err = st.DB().QueryRow(`SELECT fin, categories FROM profiles WHERE fin <> '' ORDER BY categories DESC, child_id LIMIT 1`).Scan(&fin, &mask)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, e = run(t, ctx, db, "profile", "--purpose", "test of the console", fin)
	if code != 0 {
		t.Fatalf("profile: %d %s", code, e)
	}
	var v struct {
		Summary    struct{ FIN string }
		Categories []struct {
			Code    string
			Records []struct {
				Sender        string
				EffectiveDate string `json:"effective_date"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("profile output is not JSON: %v\n%s", err, out)
	}
	if v.Summary.FIN != fin {
		t.Errorf("profile of %s shows %s", fin, v.Summary.FIN)
	}
	var shown int64
	for _, c := range v.Categories {
		cat, ok := category.Lookup(c.Code)
		if !ok {
			t.Fatalf("unknown category %s", c.Code)
		}
		shown |= 1 << cat.Bit
		for _, r := range c.Records {
			if r.Sender == "" || r.EffectiveDate == "" {
				t.Errorf("%s record without sender or date", c.Code)
			}
		}
	}
	if shown != mask || len(v.Categories) < 5 {
		t.Errorf("profile shows categories %b; the child has %b", shown, mask)
	}
	// As of a date before the child was born nothing is known.
	code, out, _ = run(t, ctx, db, "profile", "--as-of", "2000-01-01", fin)
	if code != 0 || !strings.Contains(out, `"categories": []`) {
		t.Errorf("profile as of 2000: %d %.300s", code, out)
	}
	if code, _, e := run(t, ctx, db, "profile", "AAAAAAA"); code != 1 || !strings.Contains(e, "no child") {
		t.Errorf("unknown FIN: %d %s", code, e)
	}
	if code, out, e := run(t, ctx, db, "audit", "checkpoint"); code != 0 || !strings.Contains(out, "checkpoint signed at entry") {
		t.Errorf("audit checkpoint: %d %s %s", code, out, e)
	}
	if code, out, e := run(t, ctx, db, "audit", "verify"); code != 0 || !strings.Contains(out, "checkpoints verified with the trusted key") {
		t.Errorf("audit verify: %d %s %s", code, out, e)
	}
	st, _ = store.Open(db, store.Options{})
	st.DB().Exec(`UPDATE audit_log SET outcome = 'rejected' WHERE seq = 5`)
	st.Close()
	if code, _, e := run(t, ctx, db, "audit", "verify"); code != 1 || !strings.Contains(e, "entry 5 was changed") {
		t.Errorf("audit verify after tampering: %d %s", code, e)
	}
}

func TestDemoLoadsOnFirstStart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var errb logBuffer
	app := &cli.App{Stdout: io.Discard, Stderr: &errb,
		Env: func(k string) (string, bool) { return map[string]string{"DATABANK_DB": db}[k], k == "DATABANK_DB" }}
	go func() {
		done <- app.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--demo", "--demo-children", "40"})
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(errb.String(), "demo: loaded") {
		if time.Now().After(deadline) {
			t.Fatalf("demo did not load:\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	st, _ := store.Open(db, store.Options{})
	defer st.Close()
	n, err := st.Count(context.Background())
	if err != nil || n.Children < 40 {
		t.Errorf("after the demo: %+v, %v; want 40 children", n, err)
	}
}

func TestUsage(t *testing.T) {
	if code, _, e := run(t, context.Background(), "", "frobnicate"); code != 2 || !strings.Contains(e, "unknown command") {
		t.Errorf("unknown command: %d %s", code, e)
	}
	if code, _, e := run(t, context.Background(), "", "profile"); code != 2 || !strings.Contains(e, "usage: databank profile") {
		t.Errorf("profile without a key: %d %s", code, e)
	}
}
