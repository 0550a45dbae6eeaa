package store

import (
	"context"
	"errors"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
)

// batchGroup stores, on SQLite, the signed batches that arrive while the
// one writer is busy together: whoever finds no batch being stored takes
// every batch waiting (up to maxGroupRecords records), stores them in one
// transaction, and hands on to a fresh goroutine if more arrived
// meanwhile — as auditGroup does for audit entries.
//
// A group's records are decided in order, batch after batch, as separate
// transactions in that order would decide them, and each batch is still
// audited, answered and kept on its own; what the batches share is the
// work the one writer would otherwise repeat for each: a commit, with its
// fsync and the pages both batches change written once, and the children
// several batches name (participants send about the same children at the
// same time) projected and their profiles written once. A group that one
// of its batches fails (a record the set-based path cannot decide, an
// answer that cannot be given) is rolled back and its batches are stored
// one by one, each as it would have been alone.
type batchGroup = groupQueue[*batchCall]

// maxGroupRecords bounds the records one group stores: about four full
// batches, so that an audited read, whose entry waits for the writer,
// waits for a few hundred milliseconds at most under ingestion.
const maxGroupRecords = 4000

// batchCall is a signed batch on its way into the store, and the outcome
// of storing it.
type batchCall struct {
	ctx    context.Context
	ev     Evidence
	subs   []Submission
	entry  audit.Entry
	body   string // the body as kept (see packBody)
	packed []byte
	prev   *Batch // the first answer, when the batch was answered before
	out    []Each
	err    error
	mark   uint64 // stored in a group: the commit to wait for, see walSync
	done   chan struct{}
}

// queueBatch stores a batch with those waiting for the writer with it,
// and returns once its own is committed. A caller whose context ends
// while it waits returns at once; its batch is then stored only if its
// group had begun, and the participant sending it again gets the answer.
func (s *Store) queueBatch(c *batchCall) (*Batch, []Each, error) {
	c.done = make(chan struct{})
	if s.batchGroup.join(c) {
		s.storeBatches()
	}
	select {
	case <-c.done:
		return c.prev, c.out, c.err
	case <-c.ctx.Done():
		return nil, nil, s.classify("store.SubmitBatch", c.ctx.Err())
	}
}

// storeBatches stores one group of waiting batches, then hands the rest,
// if any, to another goroutine so the leader's caller is not kept.
func (s *Store) storeBatches() {
	group := s.batchGroup.take(func(waiting []*batchCall) int {
		n, records := 1, len(waiting[0].subs)
		for n < len(waiting) && records+len(waiting[n].subs) <= maxGroupRecords {
			records += len(waiting[n].subs)
			n++
		}
		return n
	})
	s.storeGroup(group)
	// The writer is kept for the group after only when one is waiting
	// already, and given back before the queue lets a new leader in.
	s.releaseWriter(s.batchGroup.queued())
	if s.batchGroup.stored() {
		go s.storeBatches()
	}
	// The next group is stored while this one's commit is flushed.
	var mark uint64
	for _, c := range group {
		mark = max(mark, c.mark)
	}
	if err := s.wal.wait(mark); err != nil {
		for _, c := range group {
			if c.mark > 0 {
				c.out, c.err = nil, fault.E("store.SubmitBatch", err)
			}
		}
	}
	for _, c := range group {
		close(c.done)
	}
}

// storeGroup stores a group of batches: in runs of consecutive batches
// that can be decided as one set (see togetherRun), together, and one by
// one those it could not store together. A batch whose caller has gone is not
// stored.
func (s *Store) storeGroup(group []*batchCall) {
	var live []*batchCall
	for _, c := range group {
		if err := c.ctx.Err(); err != nil {
			c.err = s.classify("store.SubmitBatch", err)
			continue
		}
		live = append(live, c)
	}
	for len(live) > 0 {
		run := togetherRun(live)
		live = live[len(run):]
		if len(run) > 1 {
			alone, err := s.storeTogether(run)
			if err == nil {
				run = alone
			}
		}
		if len(run) > 0 {
			s.releaseWriter(false) // a batch alone is stored from the pool
		}
		for _, c := range run {
			s.storeBatch(c)
		}
	}
}

// togetherRun returns the first batches of calls that can be decided as
// one set, as they would be one after another:
//
//   - none names a record that it or another of them names, since the
//     set-based path reads each record's current version once (a
//     participant sending a record again in consecutive batches is rare);
//   - only the first has records naming no key, since such a record's
//     child is matched against the stored profiles, which the set-based
//     path writes at its end (every record of a participant's that names
//     a document is free to follow).
//
// A first batch naming a record twice is a run of its own, which is stored
// alone, as the set-based path refuses it.
func togetherRun(calls []*batchCall) []*batchCall {
	seen := map[recordKey]bool{}
	for i, c := range calls {
		for _, sub := range c.subs {
			k := recordKey{sub.Fact.Sender, sub.Fact.Category, sub.Fact.SourceID}
			if seen[k] || i > 0 && len(sub.Keys) == 0 {
				return calls[:max(i, 1)]
			}
			seen[k] = true
		}
	}
	return calls
}

// storeTogether stores batches in one transaction and returns those it
// left to be stored alone: a batch answered before, or sent twice in the
// group, whose caller gets the first answer. On an error nothing is
// stored, no outcome is set, and every batch is to be stored alone.
func (s *Store) storeTogether(calls []*batchCall) ([]*batchCall, error) {
	// The group outlives any one caller's context: it is committed for
	// all of them or for none.
	ctx, cancel := s.groupContext(5 * time.Minute)
	defer cancel()
	var alone, together []*batchCall
	var outs [][]Each
	mark, err := s.unflushedTx(ctx, "store.SubmitBatch", func(tx querier) error {
		alone, together, outs = nil, nil, nil
		var kept []bool
		var all []Submission
		seen := map[[2]string]bool{}
		for _, c := range calls {
			b := c.ev.Batch
			k, err := answeredBefore(ctx, tx, b)
			if errors.Is(err, errAnswered) || seen[[2]string{b.Participant, b.BatchID}] {
				alone = append(alone, c)
				continue
			}
			if err != nil {
				return err
			}
			seen[[2]string{b.Participant, b.BatchID}] = true
			together, kept, all = append(together, c), append(kept, k), append(all, c.subs...)
		}
		if len(together) == 0 {
			return nil
		}
		out, err := s.submitSet(ctx, tx, all)
		if err != nil {
			return err
		}
		for i, c := range together {
			each := out[:len(c.subs):len(c.subs)]
			out = out[len(c.subs):]
			if err := s.auditEach(ctx, tx, c.subs, each, c.entry); err != nil {
				return err
			}
			// The outcomes are the callers' once the group is committed.
			if err := s.keepBatch(ctx, tx, c, each, kept[i]); err != nil {
				return err
			}
			outs = append(outs, each)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, c := range together {
		c.out, c.mark = outs[i], mark
	}
	s.setBatches.Add(int64(len(together)))
	s.groupedBatches.Add(int64(len(together)))
	return alone, nil
}
