package store

import (
	"os"
	"path/filepath"
	"testing"
)

// A wait flushes the log once for every commit before it, and a failed
// flush fails every wait after it.
func TestWALSyncFlushesOnceForEveryCommitBefore(t *testing.T) {
	dir := t.TempDir()
	w := newWALSync(filepath.Join(dir, "databank.db"))
	if err := os.WriteFile(w.path, []byte("log"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.wait(0); err != nil || w.flushes.Load() != 0 {
		t.Fatalf("waiting for nothing: %v, %d flushes", err, w.flushes.Load())
	}
	first, second := w.commit(), w.commit()
	if err := w.wait(second); err != nil {
		t.Fatal(err)
	}
	if err := w.wait(first); err != nil {
		t.Fatal(err)
	}
	if got := w.flushes.Load(); got != 1 {
		t.Errorf("%d flushes for two commits made before the first wait, want 1", got)
	}
	if err := w.wait(w.commit()); err != nil {
		t.Fatal(err)
	}
	if got := w.flushes.Load(); got != 2 {
		t.Errorf("%d flushes once a commit followed the first flush, want 2", got)
	}
	if w.synced.Load() != w.committed.Load() {
		t.Errorf("%d of %d commits flushed", w.synced.Load(), w.committed.Load())
	}

	broken := newWALSync(filepath.Join(dir, "gone", "databank.db"))
	if err := broken.wait(broken.commit()); err == nil {
		t.Fatal("a log whose directory is gone was flushed")
	}
	if err := os.Mkdir(filepath.Join(dir, "gone"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := broken.wait(broken.commit()); err == nil {
		t.Error("a wait after a failed flush succeeded")
	}
}
