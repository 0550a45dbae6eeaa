package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// TestBatchesWaitingForTheWriterAreStoredTogether holds the writer of one
// SQLite store while batches queue for it, so that they are stored in
// groups, and sends the same batches one after another to another store:
// the outcomes, the tables, the audit entries and the answers kept must be
// the same. The group holding the batch that names a record twice cannot
// be stored together, and its batches are stored one by one.
func TestBatchesWaitingForTheWriterAreStoredTogether(t *testing.T) {
	day := 0
	now := func() time.Time { return t0.AddDate(0, 0, day) }
	grouped, alone := storetest.Open(t, store.SQLite, now), storetest.Open(t, store.SQLite, now)
	for _, st := range []*store.Store{grouped, alone} {
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
	}
	groupedIDs, aloneIDs := newOrdinals(), newOrdinals()
	batches := groupableBatches()
	for g := 0; g*5 < len(batches); g++ {
		day = g
		first, last := g*5, min(g*5+5, len(batches))
		results := queueBehindTheWriter(t, grouped, ctx, batches, first, last)
		for b := first; b < last; b++ {
			got := results[b-first]
			if got.err != nil || got.prev != nil {
				t.Fatalf("batch %d, grouped: %v %+v", b, got.err, got.prev)
			}
			prev, want, err := alone.SubmitBatch(ctx, groupEvidence(b), batches[b], groupEntry(b))
			if err != nil || prev != nil {
				t.Fatalf("batch %d, alone: %v %+v", b, err, prev)
			}
			for i := range batches[b] {
				if gi, wi := outcome(got.each[i], groupedIDs), outcome(want[i], aloneIDs); gi != wi {
					t.Fatalf("batch %d record %d: grouped %s, alone %s", b, i, gi, wi)
				}
			}
		}
		for _, d := range tableDumps {
			if got, want := dump(t, grouped, d, groupedIDs), dump(t, alone, d, aloneIDs); !slices.Equal(got, want) {
				t.Fatalf("after group %d, %s\ngrouped:\n%s\nalone:\n%s", g, d.query, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		projectedAsFactsSay(t, grouped, now())
	}
	for _, q := range []string{
		`SELECT action, outcome, detail FROM audit_log ORDER BY seq`,
		`SELECT participant, batch_id, response FROM batches ORDER BY participant, batch_id`,
	} {
		if g, w := dump(t, grouped, tableDump{query: q}, groupedIDs), dump(t, alone, tableDump{query: q}, aloneIDs); !slices.Equal(g, w) {
			t.Errorf("%s\ngrouped:\n%s\nalone:\n%s", q, strings.Join(g, "\n"), strings.Join(w, "\n"))
		}
	}
	// Six groups of four behind a batch stored alone; in the fourth, the
	// batch naming a record twice is stored alone, and so is the one
	// before it, left without a batch to share a transaction with.
	if n := store.GroupedBatches(grouped); n != 22 {
		t.Errorf("%d batches were stored in groups; want 22", n)
	}
	// The 22 took seven commits, each without flushing the log, and their
	// callers were answered once it was flushed; the writer flushes again
	// as it commits.
	if unflushed, all := store.UnflushedCommits(grouped); unflushed != 0 || all != 7 {
		t.Errorf("%d of the groups' %d commits unflushed once answered; want 0 of 7", unflushed, all)
	}
	if level, err := store.WriterSynchronous(grouped); err != nil || level != 2 {
		t.Errorf("the writer's synchronous level is %d (%v), want 2 (FULL)", level, err)
	}
	if _, err := grouped.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
}

// TestBatchGroupAnswersResentAndAbandonedBatches queues, behind a held
// writer, a batch whose caller leaves before its turn and the same batch
// twice: the first is not stored, and of the other two one is stored and
// the other gets its answer.
func TestBatchGroupAnswersResentAndAbandonedBatches(t *testing.T) {
	st := storetest.Open(t, store.SQLite, clock())
	if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
		t.Fatal(err)
	}
	batches := randomBatches()[:3]
	leaving, leave := context.WithCancel(ctx)
	release := holdWriter(st)
	results := make([]chan groupResult, 4)
	for i, c := range []struct {
		ctx   context.Context
		batch int
	}{{ctx, 0}, {leaving, 1}, {ctx, 2}, {ctx, 2}} {
		results[i] = make(chan groupResult, 1)
		go func() {
			prev, each, err := st.SubmitBatch(c.ctx, groupEvidence(c.batch), batches[c.batch], groupEntry(c.batch))
			results[i] <- groupResult{prev, each, err}
		}()
		waitForQueue(t, st, i)
	}
	leave()
	if r := <-results[1]; r.err == nil {
		t.Fatalf("the caller that left got %+v", r)
	}
	release()
	if r := <-results[0]; r.err != nil || len(r.each) != len(batches[0]) {
		t.Fatalf("the batch stored first: %+v", r)
	}
	a, b := <-results[2], <-results[3]
	if a.prev != nil {
		a, b = b, a
	}
	if a.err != nil || b.err != nil || len(a.each) != len(batches[2]) || b.prev == nil || b.prev.Response != answerOf(a.each) {
		t.Fatalf("the batch sent twice: %+v and %+v", a, b)
	}
	if _, err := st.Batch(ctx, "justice", "g-1"); !fault.Is(err, fault.NotFound) {
		t.Errorf("the batch whose caller left was kept: %v", err)
	}
	var facts int
	st.DB().QueryRow(`SELECT count(*) FROM facts WHERE batch_id = 'g-1'`).Scan(&facts)
	if facts != 0 {
		t.Errorf("the batch whose caller left stored %d facts", facts)
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
}

// groupableBatches returns thirty random batches (see randomBatch) meant
// to be sent five at a time, the first alone and the other four
// together: none of those four names a record another names, and only
// the first names children by their names alone — but for the
// twenty-fourth batch, the third of its four, which must then begin a
// transaction of its own. The eighteenth batch, the second of its four,
// names a record twice.
func groupableBatches() [][]store.Submission {
	rng := rand.New(rand.NewPCG(3, 5))
	var sent []store.Submission
	var batches [][]store.Submission
	var named map[string]bool
	for b := range 30 {
		batch := randomBatch(rng, sent, b == 17)
		if b%5 == 0 {
			named = map[string]bool{}
		} else {
			batch = slices.DeleteFunc(batch, func(sub store.Submission) bool {
				return named[recordID(sub)] || b%5 > 1 && b != 23 && len(sub.Keys) == 0
			})
			for _, sub := range batch {
				named[recordID(sub)] = true
			}
		}
		sent = append(sent, batch...)
		batches = append(batches, batch)
	}
	return batches
}

func recordID(sub store.Submission) string {
	return sub.Fact.Sender + "/" + sub.Fact.Category + "/" + sub.Fact.SourceID
}

type groupResult struct {
	prev *store.Batch
	each []store.Each
	err  error
}

// queueBehindTheWriter holds st's writer, sends batches[first:last] one
// after another, each once the one before waits in the queue, and lets
// the writer go: the first is stored alone, the others as a group.
func queueBehindTheWriter(t *testing.T, st *store.Store, ctx context.Context, batches [][]store.Submission, first, last int) []groupResult {
	t.Helper()
	release := holdWriter(st)
	results := make([]chan groupResult, last-first)
	for b := first; b < last; b++ {
		results[b-first] = make(chan groupResult, 1)
		go func() {
			prev, each, err := st.SubmitBatch(ctx, groupEvidence(b), batches[b], groupEntry(b))
			results[b-first] <- groupResult{prev, each, err}
		}()
		waitForQueue(t, st, b-first)
	}
	release()
	out := make([]groupResult, len(results))
	for i, r := range results {
		out[i] = <-r
	}
	return out
}

// holdWriter holds st's writing connection in a transaction until release
// is called.
func holdWriter(st *store.Store) (release func()) {
	held, done := make(chan struct{}), make(chan struct{})
	go store.TxRetried(st, func(*sql.Tx) error {
		close(held)
		<-done
		return nil
	})
	<-held
	return func() { close(done) }
}

// waitForQueue waits until n batches wait behind the one being stored.
func waitForQueue(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if waiting, busy := store.WaitingBatches(st); busy && waiting == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d batches never queued", n)
		}
	}
}

func groupEvidence(b int) store.Evidence {
	return store.Evidence{
		Batch: store.Batch{Participant: "justice", BatchID: fmt.Sprintf("g-%d", b), ReceivedAt: t0, Body: fmt.Sprintf(`{"batch":%d}`, b),
			Signature: "c2ln", SignerSubject: "CN=justice", ClientSubject: "CN=justice"},
		Answer: func(each []store.Each) (string, error) { return answerOf(each), nil },
	}
}

func groupEntry(b int) audit.Entry {
	return audit.Entry{Actor: actor, Action: "exchange.batch", Detail: fmt.Sprintf(`{"batch":"g-%d"}`, b)}
}

// answerOf is an answer to a batch: its records' outcomes.
func answerOf(each []store.Each) string {
	var b strings.Builder
	for _, e := range each {
		if e.Err != nil {
			fmt.Fprintf(&b, "refused %s;", fault.KindOf(e.Err))
			continue
		}
		fmt.Fprintf(&b, "%s %d %d %v;", e.Result.Status, e.Result.ChildID, e.Result.FactID, e.Result.Candidates)
	}
	return b.String()
}
