package cli_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/cli"
	"github.com/scfwca/databank/internal/signature/sigtest"
)

// TestSubmitOverMutualTLS walks the README's path for an integration
// engineer: bind a certificate, run the exchange with mutual TLS, submit a
// signed batch, read the profile.
func TestSubmitOverMutualTLS(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	db := filepath.Join(dir, "databank.db")
	pki := sigtest.New(t)
	justice := pki.Issue(t, "justice")
	srv := pki.Issue(t, "exchange", sigtest.ServerAuth("127.0.0.1"))

	if code, _, e := run(t, ctx, db, "migrate"); code != 0 {
		t.Fatal(e)
	}
	if code, out, e := run(t, ctx, db, "participant", "bind", "justice", "--cert", justice.CertPath); code != 0 || !strings.Contains(out, "bound") {
		t.Fatalf("bind: %d %s %s", code, out, e)
	}
	if code, out, _ := run(t, ctx, db, "participant", "list"); code != 0 || !strings.Contains(out, justice.Subject) || !strings.Contains(out, "commission.sabail") {
		t.Fatalf("list: %d %.500s", code, out)
	}
	if code, _, e := run(t, ctx, db, "participant", "bind", "nobody", "--cert", justice.CertPath); code != 1 || !strings.Contains(e, "no such participant") {
		t.Errorf("binding to an unknown participant: %d %s", code, e)
	}
	if code, out, e := run(t, ctx, db, "participant", "suspend", "health", "--reason", "test"); code != 0 || !strings.Contains(out, "suspended") {
		t.Errorf("suspend: %d %s %s", code, out, e)
	}
	if code, _, _ := run(t, ctx, db, "participant", "suspend", "health"); code != 2 {
		t.Errorf("suspend without a reason: exit %d; want 2", code)
	}
	// The operator changes a participant's competence (§6.2.5).
	if code, out, e := run(t, ctx, db, "participant", "rights", "youth_sports", "--send", "sports_achievements,sports_membership,appeals,schooling"); code != 0 || !strings.Contains(out, "set") {
		t.Errorf("rights: %d %s %s", code, out, e)
	}
	if code, _, e := run(t, ctx, db, "participant", "rights", "youth_sports", "--send", "horoscope"); code != 1 || !strings.Contains(e, "no category") {
		t.Errorf("rights with an unknown category: %d %s", code, e)
	}
	// The console registers the first administrator and a head, and grants.
	for _, args := range [][]string{
		{"staff", "register", "--org", "operator", "--role", "operator_admin", "--fin", "1AK0001"},
		{"staff", "register", "--org", "education", "--role", "org_officer", "--fin", "4TH0001"},
		{"staff", "grant", "--org", "education", "--fin", "4TH0001", "--category", "schooling", "--read", "--write", "--until", "2027-08-31"},
	} {
		if code, out, e := run(t, ctx, db, args...); code != 0 || !strings.Contains(out, "done") {
			t.Errorf("%v: %d %s %s", args, code, out, e)
		}
	}
	if code, _, e := run(t, ctx, db, "staff", "grant", "--org", "education", "--fin", "4TH0001", "--category", "alimony", "--read"); code != 1 || !strings.Contains(e, "forbidden_category") {
		t.Errorf("granting beyond the organisation's rights: %d %s", code, e)
	}
	if code, _, e := run(t, ctx, db, "staff", "register", "--org", "education", "--role", "org_officer", "--fin", "4OO0001"); code != 1 || !strings.Contains(e, "fin_format") {
		t.Errorf("registering a malformed FIN: %d %s", code, e)
	}

	exAddr := make(chan string, 1)
	done := make(chan int, 1)
	var logs logBuffer
	app := &cli.App{Stdout: io.Discard, Stderr: &logs, ExchangeReady: func(a string) { exAddr <- a },
		Env: func(k string) (string, bool) { return map[string]string{"DATABANK_DB": db}[k], k == "DATABANK_DB" }}
	go func() {
		done <- app.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--exchange-addr", "127.0.0.1:0",
			"--tls-cert", srv.ChainPath, "--tls-key", srv.KeyPath, "--trust-anchors", pki.RootPEM, "--crl", pki.CRLPath})
	}()
	var addr string
	select {
	case addr = <-exAddr:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatal("the exchange did not start")
	}

	batch := filepath.Join(dir, "batch.json")
	os.WriteFile(batch, fmt.Appendf(nil, `{"batch_id":"cli-1","records":[{"source_id":"br-1","category":"birth_registration","child":{"fin":"5ZK3N2P"},"effective_date":"2016-03-14","action":"upsert","data":%s}]}`,
		category.CatBirthRegistration.Examples()[0]), 0o600)
	code, out, e := run(t, ctx, db, "submit", "--url", "https://"+addr, "--cert", justice.ChainPath, "--key", justice.KeyPath,
		"--batch", batch, "--ca", pki.RootPEM)
	if code != 0 || !strings.Contains(out, `"accepted":1`) {
		t.Fatalf("submit: %d %s %s", code, out, e)
	}
	code, out, _ = run(t, ctx, db, "profile", "5ZK3N2P")
	if code != 0 || !strings.Contains(out, `"sender": "justice"`) {
		t.Errorf("profile after submit: %d %.400s", code, out)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d: %s", code, logs.String())
	}
}
