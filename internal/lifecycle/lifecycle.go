// Package lifecycle runs the Data Bank's jobs over a child's life (§1.8):
// a child's profile is archived when the child turns 18 — read-only, out
// of operational search, lists and signals, still counted in historical
// reports — and closed likewise when a death is recorded. The job runs
// daily on exactly one server at a time, which holds a lease in the
// database for it, and every run is recorded.
package lifecycle

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/store"
)

// lease is the name of the archiving's lease, and how long a run may hold
// it before another server may take over.
const (
	lease    = "archive"
	leaseTTL = 10 * time.Minute
)

// Archiver runs the archiving.
type Archiver struct {
	store  *store.Store
	holder string
	now    func() time.Time
}

// NewArchiver returns an archiver that runs as this process.
func NewArchiver(st *store.Store, now func() time.Time) *Archiver {
	if now == nil {
		now = time.Now
	}
	host, _ := os.Hostname()
	return &Archiver{store: st, holder: fmt.Sprintf("%s/%d", host, os.Getpid()), now: now}
}

// Run archives the profiles of the children who are 18 today (in Baku)
// and closes those whose death was recorded, unless another server is
// running the job; ran says whether this one did.
func (a *Archiver) Run(ctx context.Context, trigger string) (run store.ArchiveRun, ran bool, err error) {
	ok, err := a.store.AcquireLease(ctx, lease, a.holder, leaseTTL)
	if err != nil || !ok {
		return run, false, err
	}
	defer a.store.ReleaseLease(context.WithoutCancel(ctx), lease, a.holder)
	run, err = a.store.Archive(ctx, category.Today(a.now()), a.holder, trigger)
	return run, err == nil, err
}
