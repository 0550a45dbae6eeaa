package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) Env {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func parse(t *testing.T, e Env, args ...string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.ServeFlags(fs, e)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c, c.Load(fs, e)
}

func TestDefaultsFlagsAndEnvironment(t *testing.T) {
	c, err := parse(t, env(nil))
	if err != nil || c.DB != DefaultDB || c.Addr != "127.0.0.1:8080" || c.Demo || c.NoMigrate {
		t.Fatalf("defaults = %+v, %v", c, err)
	}
	c, _ = parse(t, env(map[string]string{"DATABANK_DB": "/tmp/x.db", "DATABANK_ADDR": ":9", "DATABANK_DEMO": "true"}))
	if c.DB != "/tmp/x.db" || c.Addr != ":9" || !c.Demo {
		t.Errorf("from environment = %+v", c)
	}
	c, _ = parse(t, env(map[string]string{"DATABANK_DB": "/tmp/x.db"}), "--db", "postgres://h/db")
	if c.DB != "postgres://h/db" {
		t.Errorf("a flag must win over the environment: %+v", c)
	}
	if _, err := parse(t, env(nil), "--log-level", "loud"); err == nil {
		t.Error("a bad log level was accepted")
	}
}

func TestSecretFromFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "db-url")
	os.WriteFile(p, []byte("postgres://databank:s3cret@db:5432/databank\n"), 0o600)
	c, err := parse(t, env(map[string]string{"DATABANK_DB_FILE": p}))
	if err != nil || c.DB != "postgres://databank:s3cret@db:5432/databank" {
		t.Fatalf("DATABANK_DB_FILE = %+v, %v", c, err)
	}
	if s := c.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "REDACTED") {
		t.Errorf("printed config shows the password: %s", s)
	}
	if _, err := parse(t, env(map[string]string{"DATABANK_DB_FILE": "/no/such/file"})); err == nil {
		t.Error("a missing secret file was accepted")
	}
}

func TestRedactDB(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@h/db":                  "postgres://u:REDACTED@h/db",
		"postgres://u@h/db?password=pw&x=1":     "postgres://u@h/db?password=REDACTED&x=1",
		"./data/databank.db":                    "./data/databank.db",
		"postgres://u@h/db?sslmode=verify-full": "postgres://u@h/db?sslmode=verify-full",
	} {
		if got := RedactDB(in); got != want {
			t.Errorf("RedactDB(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestExchangeSettings(t *testing.T) {
	if _, err := parse(t, env(nil), "--exchange-insecure", "--exchange-addr", "0.0.0.0:8443"); err == nil {
		t.Error("insecure exchange on a public address was accepted")
	}
	if _, err := parse(t, env(nil), "--exchange-insecure", "--exchange-addr", "127.0.0.1:8443"); err != nil {
		t.Errorf("insecure exchange on loopback: %v", err)
	}
	if _, err := parse(t, env(nil), "--tls-cert", "c.pem"); err == nil {
		t.Error("a TLS certificate without key and anchors was accepted")
	}
	c, err := parse(t, env(nil), "--tls-cert", "c.pem", "--tls-key", "k.pem", "--trust-anchors", "a.pem", "--crl", "1.crl", "--crl", "2.crl")
	if err != nil || !c.ExchangeTLS() || len(c.CRLs) != 2 {
		t.Errorf("TLS settings = %+v, %v", c, err)
	}
}
