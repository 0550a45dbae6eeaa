package cli_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/cli"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/signature/sigtest"
)

// startExchange runs serve with the exchange on loopback and returns its
// address; extra flags choose TLS or the insecure demo mode.
func startExchange(t *testing.T, ctx context.Context, db string, extra ...string) (string, <-chan int, *logBuffer) {
	t.Helper()
	exAddr := make(chan string, 1)
	done := make(chan int, 1)
	logs := &logBuffer{}
	app := &cli.App{Stdout: io.Discard, Stderr: logs, ExchangeReady: func(a string) { exAddr <- a },
		Env: func(k string) (string, bool) { return map[string]string{"DATABANK_DB": db}[k], k == "DATABANK_DB" }}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--exchange-addr", "127.0.0.1:0"}, extra...)
	go func() { done <- app.Run(ctx, args) }()
	select {
	case a := <-exAddr:
		return a, done, logs
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatal("the exchange did not start")
	}
	return "", nil, nil
}

var simSummary = regexp.MustCompile(`sent (\d+) records .*: (\d+) accepted, (\d+) unchanged, (\d+) rejected, (\d+) batches refused`)

func TestSimulateSignedTraffic(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	db := filepath.Join(dir, "databank.db")
	if code, _, e := run(t, ctx, db, "migrate"); code != 0 {
		t.Fatal(e)
	}
	pki := sigtest.New(t)
	pkiDir := filepath.Join(dir, "pki")
	os.Mkdir(pkiDir, 0o700)
	for _, p := range participant.Defaults() {
		l := pki.Issue(t, p.Code)
		chain, _ := os.ReadFile(l.ChainPath)
		key, _ := os.ReadFile(l.KeyPath)
		os.WriteFile(filepath.Join(pkiDir, p.Code+".pem"), chain, 0o600)
		os.WriteFile(filepath.Join(pkiDir, p.Code+".key"), key, 0o600)
		if code, _, e := run(t, ctx, db, "participant", "bind", p.Code, "--cert", l.CertPath); code != 0 {
			t.Fatal(e)
		}
	}
	srv := pki.Issue(t, "exchange", sigtest.ServerAuth("127.0.0.1"))
	addr, done, logs := startExchange(t, ctx, db, "--tls-cert", srv.ChainPath, "--tls-key", srv.KeyPath,
		"--trust-anchors", pki.RootPEM, "--crl", pki.CRLPath)

	code, out, e := run(t, ctx, db, "simulate", "--url", "https://"+addr, "--pki", pkiDir, "--ca", pki.RootPEM,
		"--children", "40", "--rate", "100000", "--batch", "25")
	m := simSummary.FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("simulate: %d %s %s", code, out, e)
	}
	sent, _ := strconv.Atoi(m[1])
	accepted, _ := strconv.Atoi(m[2])
	if sent < 200 || accepted != sent || m[4] != "0" || m[5] != "0" {
		t.Errorf("every record of every participant should be accepted: %s", out)
	}
	cancel()
	<-done
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors in the server log:\n%s", logs.String())
	}
}

func TestSimulateAgainstInsecureDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := filepath.Join(t.TempDir(), "databank.db")
	addr, done, logs := startExchange(t, ctx, db, "--exchange-insecure")
	if !strings.Contains(logs.String(), "EXCHANGE RUNS WITHOUT TLS") {
		t.Errorf("the insecure mode is not announced:\n%s", logs.String())
	}
	code, out, e := run(t, ctx, db, "simulate", "--url", "http://"+addr, "--insecure", "--children", "20", "--rate", "100000")
	if m := simSummary.FindStringSubmatch(out); code != 0 || m == nil || m[2] != m[1] {
		t.Errorf("simulate: %d %s %s", code, out, e)
	}
	cancel()
	<-done
}
