package cli_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreProduction: migrate --dry-run shows what it would do and does
// nothing; staging runs only with synthetic data, says so on every page,
// and its database refuses to serve as another environment's.
func TestPreProduction(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "databank.db")
	code, out, _ := run(t, ctx, db, "migrate", "--dry-run")
	if code != 0 || !strings.Contains(out, "-- would apply 0001_core") || !strings.Contains(out, "CREATE TABLE children") {
		t.Errorf("dry run: %d %.200s", code, out)
	}
	if code, out, _ := run(t, ctx, db, "migrate", "--dry-run"); code != 0 || !strings.Contains(out, "would apply 0001_core") {
		t.Errorf("a dry run applied something: %.100s", out)
	}
	if code, _, e := run(t, ctx, db, "serve", "--env", "staging", "--addr", "127.0.0.1:0"); code == 0 || !strings.Contains(e, "synthetic data only") {
		t.Errorf("staging without --demo: %d %s", code, e)
	}
	s := serve(t, db, true, "--env", "staging", "--demo", "--demo-children", "5", "--exchange-addr", "")
	resp, err := http.Get(s.base + "/?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `id="staging">STAGING — synthetic data only`) {
		t.Error("no staging banner")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(db), "audit-key-staging.pem")); err != nil {
		t.Errorf("staging has no key of its own: %v", err)
	}
	if code, _, e := run(t, ctx, db, "serve", "--addr", "127.0.0.1:0", "--exchange-addr", ""); code == 0 || !strings.Contains(e, "belongs to the staging environment") {
		t.Errorf("a staging database served as development: %d %s", code, e)
	}
	if code, out, _ := run(t, ctx, db, "migrate", "--dry-run"); code != 0 || !strings.Contains(out, "nothing to apply") {
		t.Errorf("dry run on a current schema: %.100s", out)
	}
}
