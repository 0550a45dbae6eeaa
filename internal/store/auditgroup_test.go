package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// TestConcurrentAuditsAllLandInOneChain appends many entries at once, as
// concurrent reads do: each call returns only when its entry is stored,
// every entry is there exactly once, and the chain verifies.
func TestConcurrentAuditsAllLandInOneChain(t *testing.T) {
	storetest.Each(t, time.Now, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const n = 300
		var wg sync.WaitGroup
		errs := make(chan error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				e := audit.Entry{Actor: audit.SystemActor("test"), Action: "profile.read", ChildID: int64(i + 1), Outcome: "allowed", Detail: fmt.Sprint(i)}
				if err := st.Audit(ctx, e); err != nil {
					errs <- err
					return
				}
				// Returned means stored: the entry is readable now.
				var c int
				if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE detail = $1`, fmt.Sprint(i)).Scan(&c); err != nil || c != 1 {
					errs <- fmt.Errorf("entry %d: %d stored when Audit returned (%v)", i, c, err)
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got, err := st.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Fatalf("chain of %d entries, want %d", got, n)
		}
		var distinct int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(DISTINCT detail) FROM audit_log`).Scan(&distinct); err != nil || distinct != n {
			t.Fatalf("%d distinct entries (%v), want %d", distinct, err, n)
		}
	})
}

// TestAuditAfterCancelledContext refuses at once and leaves the next
// callers working.
func TestAuditAfterCancelledContext(t *testing.T) {
	storetest.Each(t, time.Now, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_ = st.Audit(ctx, audit.Entry{Actor: audit.SystemActor("test"), Action: "x", Outcome: "allowed"})
		if err := st.Audit(context.Background(), audit.Entry{Actor: audit.SystemActor("test"), Action: "y", Outcome: "allowed"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.VerifyAudit(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}
