package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/profile"
)

// Submission is one validated record to store.
type Submission struct {
	// Keys identify the child, strongest first; they come from the
	// record's child selector and from its payload (a birth registration
	// carries the FIN and the certificate).
	Keys []profile.Key
	// Hints are what a keyless record says of the child.
	Hints profile.Hints
	// Fact is the new version: category, sender, source id, action,
	// effective date, payload, content hash, batch and received time.
	Fact profile.Fact
	// Actor is who sends it, for the audit entry.
	Actor audit.Actor
	// Detail is extra JSON for the audit entry.
	Detail string
}

// Status is what became of a submitted record.
type Status string

// The outcomes of a submission.
const (
	Accepted  Status = "accepted"
	Unchanged Status = "unchanged"
)

// Result is what a submission did.
type Result struct {
	Status  Status
	ChildID int64
	FactID  int64
	// Candidates are other children this one may be, left for the
	// operator to merge or not.
	Candidates []int64
}

// Submit stores a record as a new fact, idempotently: the same record with
// the same content changes nothing; new content supersedes the previous
// version; a retraction is a fact too. The child's profile projection and
// the audit entry are written in the same transaction.
func (s *Store) Submit(ctx context.Context, sub Submission) (Result, error) {
	var res Result
	err := s.tx(ctx, "store.Submit", false, func(tx *sql.Tx) error {
		var err error
		var touched []int64
		if res, touched, err = s.submit(ctx, tx, sub); err != nil {
			return err
		}
		return s.reproject(ctx, tx, touched...)
	})
	return res, err
}

// SubmitAll stores many records in one transaction, all or none: the bulk
// path for loading a population, where one commit per record would spend
// the time on disk flushes. Each child touched is projected once, at the
// end.
func (s *Store) SubmitAll(ctx context.Context, subs []Submission) ([]Result, error) {
	out := make([]Result, len(subs))
	err := s.tx(ctx, "store.SubmitAll", false, func(tx *sql.Tx) error {
		var touched []int64
		for i, sub := range subs {
			res, t, err := s.submit(ctx, tx, sub)
			if err != nil {
				return fmt.Errorf("record %d (%s %s): %w", i, sub.Fact.Category, sub.Fact.SourceID, err)
			}
			out[i] = res
			touched = append(touched, t...)
		}
		return s.reproject(ctx, tx, touched...)
	})
	return out, err
}

// Each is one record's outcome in SubmitEach: its result, or the error
// that refused it.
type Each struct {
	Result Result
	Err    error
}

// SubmitEach stores many records in one transaction, each atomically on
// its own: a record that is refused leaves nothing behind while the others
// stand. The records are decided and written as a set (see submitSet),
// else one at a time in savepoints. The batch pays one commit,
// each child touched is projected once, and the batch leaves one audit
// entry — the given one, its detail (a JSON object) completed with the
// children and categories touched, the counts and the records that failed.
// A failure of the database itself fails the whole call, and nothing is
// stored.
func (s *Store) SubmitEach(ctx context.Context, subs []Submission, entry audit.Entry) ([]Each, error) {
	var out []Each
	err := s.txRetried(ctx, "store.SubmitEach", func(ctx context.Context, sqlTx *sql.Tx) error {
		var err error
		out, err = s.submitAudited(ctx, s.cached(sqlTx), subs, entry)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// submitAudited is SubmitEach in tx.
func (s *Store) submitAudited(ctx context.Context, tx querier, subs []Submission, entry audit.Entry) ([]Each, error) {
	out, touched, err := s.submitEach(ctx, tx, subs)
	if err != nil {
		return nil, err
	}
	if err := s.reproject(ctx, tx, touched...); err != nil {
		return nil, err
	}
	return out, s.auditEach(ctx, tx, subs, out, entry)
}

// auditEach appends the audit entry of a batch's records stored with
// outcomes out: the given entry, its detail completed with the children
// and categories touched, the counts and the records that failed.
func (s *Store) auditEach(ctx context.Context, tx querier, subs []Submission, out []Each, entry audit.Entry) error {
	children := map[int64]bool{}
	cats := map[string]bool{}
	counts := map[Status]int{}
	var failed []string
	for i, e := range out {
		if e.Err != nil {
			failed = append(failed, subs[i].Fact.SourceID)
			continue
		}
		children[e.Result.ChildID] = true
		cats[subs[i].Fact.Category] = true
		counts[e.Result.Status]++
	}
	detail := map[string]any{}
	if entry.Detail != "" {
		if err := json.Unmarshal([]byte(entry.Detail), &detail); err != nil {
			return fmt.Errorf("audit detail is not a JSON object: %w", err)
		}
	}
	detail["children"], detail["categories"] = sortedKeys(children), sortedKeys(cats)
	detail["accepted"], detail["unchanged"], detail["failed"] = counts[Accepted], counts[Unchanged], failed
	b, _ := json.Marshal(detail)
	entry.Detail = string(b)
	return s.appendAudit(ctx, tx, entry)
}

// txRetried is a writing tx that runs fn again, up to three times, when
// PostgreSQL broke a deadlock between it and another transaction by
// aborting it: two batches touching the same children in their own orders
// (the keys of one, the profiles of the other); and once more, with a
// context that sends batches down the record-at-a-time path, when the
// set-based path met errRedoByRecord. fn must have no effects outside the
// transaction.
func (s *Store) txRetried(ctx context.Context, op string, fn func(context.Context, *sql.Tx) error) error {
	redone := false
	for attempt := 1; ; attempt++ {
		err := s.tx(ctx, op, false, func(tx *sql.Tx) error { return fn(ctx, tx) })
		if errors.Is(err, errRedoByRecord) && !redone {
			ctx, redone = context.WithValue(ctx, byRecordKey{}, true), true
			continue
		}
		code, _ := pgCode(err)
		if attempt >= 3 || (code != "40P01" && code != "40001") {
			return err
		}
	}
}

// errRedoByRecord says the set-based path met, after writing, what only
// the record-at-a-time path settles, in a transaction that has no
// savepoint to undo the writes to (on SQLite): the transaction is rolled
// back and run again, a record at a time.
var errRedoByRecord = errors.New("store: batch to be stored again a record at a time")

// byRecordKey marks a context whose batches take the record-at-a-time
// path.
type byRecordKey struct{}

// submitEach stores subs in tx, by the set-based path when it can take the
// batch (it projects what it touched), else a record at a time, each in a
// savepoint, returning the children the caller must project.
//
// On PostgreSQL the set-based path runs in a savepoint, to be undone when
// it meets another transaction's claim of a key or record. On SQLite it
// runs without one: a savepoint makes SQLite copy each page the batch
// changes into a statement journal before changing it (a ninth of the
// writer's time ingesting 100,000 children), and the writer holds the
// database's write lock from BEGIN on, so no other transaction claims
// anything under the batch. The set-based path refuses a batch it cannot
// take before writing anything; should it still meet a conflict after
// writing, the whole transaction is run again a record at a time.
func (s *Store) submitEach(ctx context.Context, tx querier, subs []Submission) ([]Each, []int64, error) {
	if !s.recordAtATime && ctx.Value(byRecordKey{}) == nil {
		out, err := s.submitSetOnce(ctx, tx, subs)
		if !errors.Is(err, errFallBack) {
			return out, nil, err
		}
	}
	out := make([]Each, len(subs))
	var touched []int64
	for i, sub := range subs {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT record`); err != nil {
			return nil, nil, err
		}
		res, t, err := s.submitIn(ctx, tx, sub, false)
		if err != nil {
			if _, ok := err.(*fault.Error); !ok {
				err = s.classify("store.SubmitEach", err)
			}
			if k := fault.KindOf(err); k != fault.NotFound && k != fault.Conflict && k != fault.Invalid {
				return nil, nil, err
			}
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT record`); rerr != nil {
				return nil, nil, rerr
			}
			out[i].Err = err
			continue
		}
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT record`); err != nil {
			return nil, nil, err
		}
		out[i].Result = res
		touched = append(touched, t...)
	}
	return out, touched, nil
}

// submitSetOnce runs the set-based path, in a savepoint on PostgreSQL
// (see submitEach). It returns errFallBack, with nothing of the batch left
// written, when the batch is for the record-at-a-time path, and
// errRedoByRecord when SQLite found that out after writing.
func (s *Store) submitSetOnce(ctx context.Context, tx querier, subs []Submission) ([]Each, error) {
	pg := s.engine == Postgres
	if pg {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT batch`); err != nil {
			return nil, err
		}
	}
	out, err := s.submitSet(ctx, tx, subs)
	if err == nil {
		s.setBatches.Add(1)
		if pg {
			_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT batch`)
		}
		return out, err
	}
	written := errors.Is(err, errClaimed) || fault.KindOf(s.classify("store.SubmitEach", err)) == fault.Conflict
	switch {
	case !written && !errors.Is(err, errFallBack):
		return nil, err
	case !pg && written:
		return nil, errRedoByRecord
	case pg:
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT batch`); err != nil {
			return nil, err
		}
	}
	return nil, errFallBack
}

func sortedKeys[K int64 | string](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// submit stores one record in tx, with its own audit entry, and returns
// the children whose projection it changed; the caller projects them
// before committing.
func (s *Store) submit(ctx context.Context, tx querier, sub Submission) (Result, []int64, error) {
	return s.submitIn(ctx, tx, sub, true)
}

// submitIn is submit, with the record's own audit entry only when
// audited; a batch audits itself once.
func (s *Store) submitIn(ctx context.Context, tx querier, sub Submission, audited bool) (Result, []int64, error) {
	f := sub.Fact
	prev, err := currentVersion(ctx, tx, f.Sender, f.Category, f.SourceID)
	if err != nil {
		return Result{}, nil, err
	}
	childID, candidates, err := s.resolveChild(ctx, tx, sub, prev)
	if err != nil {
		return Result{}, nil, err
	}
	if prev != nil && prev.ChildID == childID && prev.ContentHash == f.ContentHash && prev.Action == f.Action &&
		prev.EffectiveDate == f.EffectiveDate {
		if !audited {
			return Result{Status: Unchanged, ChildID: childID, FactID: prev.ID}, nil, nil
		}
		if err := s.appendAudit(ctx, tx, audit.Entry{
			Actor: sub.Actor, Action: "fact.submit", ChildID: childID, Category: f.Category,
			Outcome: string(Unchanged), Detail: sub.Detail,
		}); err != nil {
			return Result{}, nil, err
		}
		return Result{Status: Unchanged, ChildID: childID, FactID: prev.ID}, nil, nil
	}
	if prev == nil && f.Action == profile.Retract {
		return Result{}, nil, fault.E("store.Submit", fault.NotFound, fmt.Errorf("no record %q to retract", f.SourceID))
	}
	var supersedes sql.NullInt64
	if prev != nil {
		supersedes = sql.NullInt64{Int64: prev.ID, Valid: true}
		if _, err := tx.ExecContext(ctx, `UPDATE facts SET is_current = 0 WHERE id = $1`, prev.ID); err != nil {
			return Result{}, nil, err
		}
	}
	var payload sql.NullString
	if f.Action == profile.Upsert {
		payload = sql.NullString{String: string(f.Payload), Valid: true}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO facts (child_id, category, sender, source_id, action, effective_date,
		received_at, payload, content_hash, batch_id, supersedes, is_current)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id`,
		childID, f.Category, f.Sender, f.SourceID, f.Action, f.EffectiveDate.String(),
		micros(f.ReceivedAt), payload, f.ContentHash, f.BatchID, supersedes).Scan(&id)
	if err != nil {
		return Result{}, nil, err
	}
	touched := []int64{childID}
	if prev != nil && prev.ChildID != childID {
		touched = append(touched, prev.ChildID) // the sender moved its record to another child
	}
	if audited {
		if err := s.appendAudit(ctx, tx, audit.Entry{
			Actor: sub.Actor, Action: "fact.submit", ChildID: childID, Category: f.Category,
			Outcome: string(Accepted), Detail: sub.Detail,
		}); err != nil {
			return Result{}, nil, err
		}
	}
	return Result{Status: Accepted, ChildID: childID, FactID: id, Candidates: candidates}, touched, nil
}

// currentVersion returns the current version of a record, or nil.
func currentVersion(ctx context.Context, tx querier, sender, cat, source string) (*profile.Fact, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+factColumns+` FROM facts
		WHERE sender = $1 AND category = $2 AND source_id = $3 AND is_current = 1`, sender, cat, source)
	f, err := scanFact(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return f, err
}

// resolveChild finds the child the submission is about, creating it when
// no key matches, and records candidate matches for the operator instead of
// merging children silently.
func (s *Store) resolveChild(ctx context.Context, tx querier, sub Submission, prev *profile.Fact) (int64, []int64, error) {
	var childID int64
	var others []int64
	var unclaimed []profile.Key
	for _, k := range sub.Keys {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT child_id FROM child_keys WHERE kind = $1 AND value = $2`, k.Kind, k.Value).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			unclaimed = append(unclaimed, k)
		case err != nil:
			return 0, nil, err
		case childID == 0:
			childID = id
		case id != childID:
			// Two keys of one record name two children: the stronger key
			// wins and the operator is asked about the other.
			others = append(others, id)
		}
	}
	if childID == 0 && len(sub.Keys) == 0 && prev != nil {
		childID = prev.ChildID // a keyless record sent again
	}
	var candidates []int64
	created := false
	if childID == 0 {
		h := sub.Hints
		err := tx.QueryRowContext(ctx, `INSERT INTO children (created_at, hint_given, hint_family, hint_patronymic,
			hint_birth_date, hint_mother_fin) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			micros(s.now()), h.Name.Given, h.Name.Family, h.Name.Patronymic, h.BirthDate.String(), h.MotherFIN).Scan(&childID)
		if err != nil {
			return 0, nil, err
		}
		created = true
		if len(sub.Keys) == 0 {
			candidates, err = s.matchCandidates(ctx, tx, childID, h)
			if err != nil {
				return 0, nil, err
			}
		}
	}
	for i, k := range unclaimed {
		res, err := tx.ExecContext(ctx, `INSERT INTO child_keys (kind, value, child_id) VALUES ($1, $2, $3)
			ON CONFLICT (kind, value) DO NOTHING`, k.Kind, k.Value, childID)
		if err != nil {
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			continue
		}
		// A concurrent transaction claimed the key since we looked: on
		// PostgreSQL two participants can send the first records about
		// one child at the same moment. The key's child is the child.
		var owner int64
		if err := tx.QueryRowContext(ctx, `SELECT child_id FROM child_keys WHERE kind = $1 AND value = $2`, k.Kind, k.Value).Scan(&owner); err != nil {
			return 0, nil, err
		}
		if created && i == 0 && owner != childID {
			if _, err := tx.ExecContext(ctx, `DELETE FROM children WHERE id = $1`, childID); err != nil {
				return 0, nil, err
			}
			childID, created = owner, false
			continue
		}
		if owner != childID {
			others = append(others, owner)
		}
	}
	for _, o := range others {
		if err := addCandidate(ctx, tx, childID, o, "conflicting_keys", s.now()); err != nil {
			return 0, nil, err
		}
		candidates = append(candidates, o)
	}
	return childID, candidates, nil
}

// matchCandidates records as candidates the children with the same folded
// name, birth date and mother's FIN as a new keyless child.
func (s *Store) matchCandidates(ctx context.Context, tx querier, childID int64, h profile.Hints) ([]int64, error) {
	key := profile.NameKey(h.Name)
	if key == "" || h.BirthDate.IsZero() {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT child_id FROM profiles
		WHERE name_key = $1 AND name_key <> '' AND birth_date = $2 AND ($3 = '' OR mother_fin = $3 OR mother_fin = '') AND child_id <> $4
		ORDER BY child_id LIMIT 20`, key, h.BirthDate.String(), h.MotherFIN, childID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := addCandidate(ctx, tx, childID, id, "name_birth_mother", s.now()); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

const factColumns = `id, child_id, category, sender, source_id, action, effective_date, received_at,
	payload, content_hash, batch_id, supersedes, is_current`

type scanner interface{ Scan(...any) error }

func scanFact(r scanner) (*profile.Fact, error) {
	var f profile.Fact
	var eff string
	var received int64
	var payload sql.NullString
	var supersedes sql.NullInt64
	var current int
	if err := r.Scan(&f.ID, &f.ChildID, &f.Category, &f.Sender, &f.SourceID, &f.Action, &eff, &received,
		&payload, &f.ContentHash, &f.BatchID, &supersedes, &current); err != nil {
		return nil, err
	}
	d, err := category.ParseDate(eff)
	if err != nil {
		return nil, fmt.Errorf("fact %d: %w", f.ID, err)
	}
	f.EffectiveDate, f.ReceivedAt, f.Supersedes, f.Current = d, fromMicros(received), supersedes.Int64, current == 1
	if payload.Valid {
		f.Payload = json.RawMessage(payload.String)
	}
	return &f, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
