package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// pgCluster runs PostgreSQL's programs for a test, as the postgres user
// when the test runs as root (initdb refuses root).
type pgCluster struct {
	t   *testing.T
	bin string
	dir string
}

func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		t.Skip("PostgreSQL's server programs are not installed")
	}
	dir, err := os.MkdirTemp("", "databank-failover-")
	if err != nil {
		t.Fatal(err)
	}
	c := &pgCluster{t: t, bin: filepath.Dir(matches[len(matches)-1]), dir: dir}
	if os.Getuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chown(dir, uid, gid)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return c
}

// run runs one of PostgreSQL's programs with its arguments.
func (c *pgCluster) run(prog string, args ...string) string {
	c.t.Helper()
	cmdline := []string{filepath.Join(c.bin, prog)}
	cmdline = append(cmdline, args...)
	var cmd *exec.Cmd
	if os.Getuid() == 0 {
		quoted := make([]string, len(cmdline))
		for i, a := range cmdline {
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		cmd = exec.Command("su", "postgres", "-s", "/bin/bash", "-c", "cd / && "+strings.Join(quoted, " "))
	} else {
		cmd = exec.Command(cmdline[0], cmdline[1:]...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("%s %v: %v\n%s", prog, args, err, out)
	}
	return string(out)
}

// start starts a server; wait waits until it accepts connections (a
// standby is waited for through the primary's replication view instead).
func (c *pgCluster) start(data, port string, wait bool, extra ...string) {
	c.t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %s -k %s %s", port, c.dir, strings.Join(extra, " "))
	w := "-W"
	if wait {
		w = "-w"
	}
	c.run("pg_ctl", "-D", data, "-l", data+".log", w, "-o", opts, "start")
}

// TestFailoverToTheStandby is the backup data centre: a primary with a
// synchronous hot standby, both on loopback; the Data Bank, configured
// with both hosts, takes batches through the exchange; the primary is
// stopped hard and the standby promoted; the server carries on against
// it, and every record it acknowledged before and after is there.
func TestFailoverToTheStandby(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip("runs with the PostgreSQL suites")
	}
	c := newPGCluster(t)
	primary, standby := filepath.Join(c.dir, "primary"), filepath.Join(c.dir, "standby")
	p1, p2 := portOf(freeAddr(t)), portOf(freeAddr(t))
	c.run("initdb", "-D", primary, "-U", "databank", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
	c.start(primary, p1, true, "-c wal_level=replica", "-c max_wal_senders=5", "-c synchronous_commit=on", "-c fsync=off")
	defer func() {
		for _, d := range []string{primary, standby} {
			cmd := exec.Command(filepath.Join(c.bin, "pg_ctl"), "-D", d, "-m", "immediate", "stop")
			if os.Getuid() == 0 {
				cmd = exec.Command("su", "postgres", "-s", "/bin/bash", "-c", fmt.Sprintf("'%s' -D '%s' -m immediate stop", filepath.Join(c.bin, "pg_ctl"), d))
			}
			cmd.Run()
		}
	}()
	c.run("createdb", "-h", "127.0.0.1", "-p", p1, "-U", "databank", "databank")
	c.run("pg_basebackup", "-h", "127.0.0.1", "-p", p1, "-U", "databank", "-D", standby, "-R", "-X", "stream", "--checkpoint=fast")
	// The standby names itself so that the primary waits for it.
	autoConf := filepath.Join(standby, "postgresql.auto.conf")
	b, _ := os.ReadFile(autoConf)
	conf := strings.Replace(string(b), "primary_conninfo = '", "primary_conninfo = 'application_name=standby1 ", 1)
	os.WriteFile(autoConf, []byte(conf), 0o600)
	c.start(standby, p2, false, "-c hot_standby=on", "-c fsync=off")

	dsn := fmt.Sprintf("postgres://databank@127.0.0.1:%s,127.0.0.1:%s/databank?sslmode=disable&target_session_attrs=read-write", p1, p2)
	st, err := store.Open(fmt.Sprintf("postgres://databank@127.0.0.1:%s/databank?sslmode=disable", p1), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, exAddr, _ := startBoth(t, ctx, dsn, "--exchange-insecure")
	// The primary waits for the standby from now on: it is synchronous.
	if _, err := st.DB().Exec(`ALTER SYSTEM SET synchronous_standby_names = 'standby1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`SELECT pg_reload_conf()`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var state string
		st.DB().QueryRow(`SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'`).Scan(&state)
		if state == "sync" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the standby is not synchronous: %q", state)
		}
	}
	acked := map[string]bool{}
	next := 0
	send := func() bool {
		ids, body := crashBatch(next, 20)
		next++
		ok := sendBatch(exAddr, body)
		if ok {
			for _, id := range ids {
				acked[id] = true
			}
		}
		return ok
	}
	for range 10 {
		if !send() {
			t.Fatal("a batch was refused before the failover")
		}
	}
	// The primary goes down hard; batches are refused until the standby
	// is promoted and the server finds it.
	c.run("pg_ctl", "-D", primary, "-m", "immediate", "stop")
	send()
	c.run("pg_ctl", "-D", standby, "-w", "promote")
	recovered := false
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if send() {
			recovered = true
			break
		}
	}
	if !recovered {
		t.Fatal("the server did not carry on against the promoted standby")
	}
	for range 5 {
		send()
	}
	promoted, err := store.Open(fmt.Sprintf("postgres://databank@127.0.0.1:%s/databank?sslmode=disable", p2), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer promoted.Close()
	if missing := missingRecords(t, promoted, acked); missing > 0 {
		t.Errorf("%d of %d acknowledged records lost in the failover", missing, len(acked))
	}
	if _, err := promoted.VerifyAudit(context.Background()); err != nil {
		t.Error(err)
	}
	t.Logf("%d records acknowledged across the failover, all on the promoted standby", len(acked))
}

func portOf(addr string) string { return addr[strings.LastIndex(addr, ":")+1:] }
