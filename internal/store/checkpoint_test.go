package store_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// TestSQLiteLogReachesTheFileWithoutTheWriter checks the background
// checkpoints: the writer never copies the write-ahead log into the
// database file itself, so entries it committed reach the file only if
// the checkpoints do it. The file is read as it is on disk (immutable:
// the log ignored), polled until the entries are there.
func TestSQLiteLogReachesTheFileWithoutTheWriter(t *testing.T) {
	path := storetest.DSN(t, store.SQLite)
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	const n = 50
	for range n {
		if err := st.Audit(ctx, audit.Entry{Actor: audit.SystemActor("test"), Action: "test.write", Outcome: "done"}); err != nil {
			t.Fatal(err)
		}
	}
	file, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got int
		err := file.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'test.write'`).Scan(&got)
		if err == nil && got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database file holds %d of the %d entries (%v) long after they were committed", got, n, err)
		}
		file.Close()
		if file, err = sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSQLiteLogStartsOverUnderSteadyWrites writes without pause from two
// goroutines for a few checkpoint intervals and reads the log's
// checkpoint sequence number (bytes 12–15 of its header), which SQLite
// increments each time the log starts over from its beginning. A log that
// never starts over grows with every write: at a million children it
// filled the disk.
func TestSQLiteLogStartsOverUnderSteadyWrites(t *testing.T) {
	path := storetest.DSN(t, store.SQLite)
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	// Small entries fill 256 MiB of log slowly: the threshold is
	// SQLite's own for the test.
	store.SetRestartFrames(st, 1000)
	sequence := func() uint32 {
		f, err := os.Open(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var h [16]byte
		if _, err := io.ReadFull(f, h[:]); err != nil {
			t.Fatal(err)
		}
		return binary.BigEndian.Uint32(h[12:])
	}
	first := sequence()
	stop := time.Now().Add(5 * time.Second)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for time.Now().Before(stop) {
				if err := st.Audit(ctx, audit.Entry{Actor: audit.SystemActor("test"), Action: "test.write", Outcome: "done",
					Detail: strings.Repeat("x", 2000)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got := sequence()
	t.Logf("the log started over %d times", got-first)
	if got < first+2 {
		t.Errorf("the log started over %d times in 5 s of writes", got-first)
	}
}
