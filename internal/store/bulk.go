package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/profile"
)

// The set-based path of SubmitEach. A batch of a thousand records, stored
// one statement at a time, spends most of its time on the round trips of
// small statements and on re-reading every touched child to project it.
// Here the batch reads what it needs in a few queries (the current
// versions of its records, the owners of its keys), decides every record
// in memory exactly as the record-at-a-time path would, in order, and
// writes with multi-row statements. A refusal is decided before anything
// is written, so no savepoint per record is needed.
//
// What memory cannot decide falls back to the record-at-a-time path: a
// batch naming one record twice, and a write that meets a concurrent
// transaction's (on PostgreSQL, another batch claiming the same key or
// record at the same moment).

// errFallBack says the set-based path cannot take this batch, and has
// written nothing of it.
var errFallBack = errors.New("store: batch needs the record-at-a-time path")

// errClaimed says the set-based path met, after writing, a key that
// another transaction claimed at the same moment.
var errClaimed = errors.New("store: a key of the batch was claimed meanwhile")

// idsPerQuery bounds the lists of a query's IN (...) and of multi-row
// statements well under the engines' limits on parameters (SQLite
// 32,766, PostgreSQL 65,535).
const idsPerQuery = 400

// rowsPerWrite is how many rows one INSERT or UPDATE writes. On
// PostgreSQL every statement is a round trip, and many rows a statement
// is what makes a batch fast. SQLite runs in the process: a statement of
// one row, prepared once and run again, beats parsing a statement of
// hundreds.
func (s *Store) rowsPerWrite() int {
	if s.engine == SQLite {
		return 1
	}
	return idsPerQuery
}

// current is what deciding a record needs of the current version of it.
type current struct {
	id, childID  int64
	hash, action string
	effective    string
}

type recordKey struct{ sender, category, source string }

// planned is one record as the set-based path decided it.
type planned struct {
	err        error
	status     Status
	childID    int64 // < 0 for a child created by this batch, until ids are allocated
	prev       *current
	newKeys    []profile.Key
	conflicts  []int64 // other children the record's keys name
	created    bool    // the record creates its child
	hintsChild bool    // a keyless new child, to match against existing profiles
}

// submitSet stores subs in tx, with the summaries of the children they
// touch, and returns each record's outcome. It returns errFallBack, having
// written nothing, when the batch needs the record-at-a-time path; any
// other error may leave writes behind — errClaimed, or a conflict, when
// the batch met a concurrent transaction's claim — and the caller rolls
// back to before the call.
func (s *Store) submitSet(ctx context.Context, tx querier, subs []Submission) ([]Each, error) {
	seen := make(map[recordKey]bool, len(subs))
	for _, sub := range subs {
		k := recordKey{sub.Fact.Sender, sub.Fact.Category, sub.Fact.SourceID}
		if seen[k] {
			return nil, errFallBack
		}
		seen[k] = true
	}
	prevs, err := currentVersions(ctx, tx, subs)
	if err != nil {
		return nil, err
	}
	owners, err := keyOwners(ctx, tx, subs)
	if err != nil {
		return nil, err
	}

	// Decide every record in order, as the record-at-a-time path would:
	// a later record sees the keys an earlier one claimed.
	plans := make([]planned, len(subs))
	newChildren := 0
	for i, sub := range subs {
		f := sub.Fact
		p := &plans[i]
		p.prev = prevs[recordKey{f.Sender, f.Category, f.SourceID}]
		var unclaimed []profile.Key
		for _, k := range sub.Keys {
			id, ok := owners[k]
			switch {
			case !ok:
				unclaimed = append(unclaimed, k)
			case p.childID == 0:
				p.childID = id
			case id != p.childID:
				p.conflicts = append(p.conflicts, id)
			}
		}
		if p.childID == 0 && len(sub.Keys) == 0 && p.prev != nil {
			p.childID = p.prev.childID
		}
		if p.prev == nil && f.Action == profile.Retract {
			// Refused before anything is written: the record-at-a-time
			// path would roll its new child and keys back.
			p.err = fault.E("store.Submit", fault.NotFound, fmt.Errorf("no record %q to retract", f.SourceID))
			p.childID, p.conflicts = 0, nil
			continue
		}
		if p.childID == 0 {
			newChildren++
			p.childID, p.created = -int64(newChildren), true
			p.hintsChild = len(sub.Keys) == 0
		}
		for _, k := range unclaimed {
			owners[k] = p.childID
		}
		p.newKeys = unclaimed
		if p.prev != nil && p.prev.childID == p.childID && p.prev.hash == f.ContentHash && p.prev.action == f.Action &&
			p.prev.effective == f.EffectiveDate.String() {
			p.status = Unchanged
			continue
		}
		p.status = Accepted
	}

	// Allocate the new children's ids and put them in place.
	childIDs, err := s.nextIDs(ctx, tx, "children", newChildren)
	if err != nil {
		return nil, err
	}
	real := func(id int64) int64 {
		if id < 0 {
			return childIDs[-id-1]
		}
		return id
	}
	for i := range plans {
		p := &plans[i]
		p.childID = real(p.childID)
		for j, o := range p.conflicts {
			p.conflicts[j] = real(o)
		}
	}
	if err := s.insertChildren(ctx, tx, subs, plans); err != nil {
		return nil, err
	}
	if err := s.insertKeys(ctx, tx, plans); err != nil {
		return nil, err
	}

	out := make([]Each, len(subs))
	var superseded []int64
	var accepted []int
	for i, p := range plans {
		switch {
		case p.err != nil:
			out[i].Err = p.err
		case p.status == Unchanged:
			out[i].Result = Result{Status: Unchanged, ChildID: p.childID, FactID: p.prev.id}
		default:
			accepted = append(accepted, i)
			if p.prev != nil {
				superseded = append(superseded, p.prev.id)
			}
		}
	}
	if err := inChunks(len(superseded), s.rowsPerWrite(), func(lo, hi int) error {
		args, in := padIn(int64Args(superseded[lo:hi]), 0)
		_, err := tx.ExecContext(ctx, `UPDATE facts SET is_current = 0 WHERE id IN (`+in+`)`, args...)
		return err
	}); err != nil {
		return nil, err
	}
	factIDs, err := s.nextIDs(ctx, tx, "facts", len(accepted))
	if err != nil {
		return nil, err
	}
	if err := s.insertFacts(ctx, tx, subs, plans, accepted, factIDs); err != nil {
		return nil, err
	}

	var touched []int64
	for j, i := range accepted {
		p := plans[i]
		res := Result{Status: Accepted, ChildID: p.childID, FactID: factIDs[j]}
		if p.hintsChild {
			if res.Candidates, err = s.matchCandidates(ctx, tx, p.childID, subs[i].Hints); err != nil {
				return nil, err
			}
		}
		touched = append(touched, p.childID)
		if p.prev != nil && p.prev.childID != p.childID {
			touched = append(touched, p.prev.childID) // the sender moved its record to another child
		}
		out[i].Result = res
	}
	for i, p := range plans {
		for _, o := range p.conflicts {
			if err := addCandidate(ctx, tx, p.childID, o, "conflicting_keys", s.now()); err != nil {
				return nil, err
			}
			if p.status == Accepted {
				out[i].Result.Candidates = append(out[i].Result.Candidates, o)
			}
		}
	}
	if err := s.projectSet(ctx, tx, subs, plans, accepted, factIDs, touched); err != nil {
		return nil, err
	}
	return out, nil
}

// currentVersions returns the current versions of the batch's records, by
// record, in a query per sender and category.
func currentVersions(ctx context.Context, tx querier, subs []Submission) (map[recordKey]*current, error) {
	type group struct{ sender, category string }
	sources := map[group][]string{}
	for _, sub := range subs {
		g := group{sub.Fact.Sender, sub.Fact.Category}
		sources[g] = append(sources[g], sub.Fact.SourceID)
	}
	out := make(map[recordKey]*current, len(subs))
	for g, ids := range sources {
		err := inChunks(len(ids), idsPerQuery, func(lo, hi int) error {
			args := []any{g.sender, g.category}
			for _, id := range ids[lo:hi] {
				args = append(args, id)
			}
			args, in := padIn(args, 2)
			rows, err := tx.QueryContext(ctx, `SELECT id, child_id, source_id, content_hash, action, effective_date FROM facts
				WHERE is_current = 1 AND sender = $1 AND category = $2 AND source_id IN (`+in+`)`, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var c current
				var source string
				if err := rows.Scan(&c.id, &c.childID, &source, &c.hash, &c.action, &c.effective); err != nil {
					return err
				}
				out[recordKey{g.sender, g.category, source}] = &c
			}
			return rows.Err()
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// keyOwners returns the children holding the batch's keys, in a query per
// kind of key.
func keyOwners(ctx context.Context, tx querier, subs []Submission) (map[profile.Key]int64, error) {
	byKind := map[string][]string{}
	seen := map[profile.Key]bool{}
	for _, sub := range subs {
		for _, k := range sub.Keys {
			if !seen[k] {
				seen[k] = true
				byKind[k.Kind] = append(byKind[k.Kind], k.Value)
			}
		}
	}
	out := make(map[profile.Key]int64, len(seen))
	for kind, values := range byKind {
		err := inChunks(len(values), idsPerQuery, func(lo, hi int) error {
			args := []any{kind}
			for _, v := range values[lo:hi] {
				args = append(args, v)
			}
			args, in := padIn(args, 1)
			rows, err := tx.QueryContext(ctx, `SELECT value, child_id FROM child_keys
				WHERE kind = $1 AND value IN (`+in+`)`, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var v string
				var id int64
				if err := rows.Scan(&v, &id); err != nil {
					return err
				}
				out[profile.Key{Kind: kind, Value: v}] = id
			}
			return rows.Err()
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// nextIDs reserves n ids of a table's identity column. On SQLite the
// writing transaction holds the database's write lock, so the ids after
// the largest are free; on PostgreSQL they come from the column's
// sequence, as a default would take them.
func (s *Store) nextIDs(ctx context.Context, tx querier, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, n)
	if s.engine == SQLite {
		var max int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+table).Scan(&max); err != nil {
			return nil, err
		}
		for i := range n {
			ids = append(ids, max+1+int64(i))
		}
		return ids, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// insertChildren writes the children the batch created, with the hints
// of the keyless records that created them.
func (s *Store) insertChildren(ctx context.Context, tx querier, subs []Submission, plans []planned) error {
	type row struct {
		id int64
		h  profile.Hints
	}
	var rows []row
	for i, p := range plans {
		if p.created {
			rows = append(rows, row{p.childID, subs[i].Hints})
		}
	}
	now := micros(s.now())
	return inChunks(len(rows), s.rowsPerWrite(), func(lo, hi int) error {
		var args []any
		for _, r := range rows[lo:hi] {
			args = append(args, r.id, now, r.h.Name.Given, r.h.Name.Family, r.h.Name.Patronymic, r.h.BirthDate.String(), r.h.MotherFIN)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO children (id, created_at, hint_given, hint_family, hint_patronymic,
			hint_birth_date, hint_mother_fin) VALUES `+tuples(hi-lo, 7), args...)
		return err
	})
}

// insertKeys writes the keys the batch's records claimed. A key that
// meets another transaction's claim of it sends the batch to the
// record-at-a-time path, which settles who owns it.
func (s *Store) insertKeys(ctx context.Context, tx querier, plans []planned) error {
	type row struct {
		k  profile.Key
		id int64
	}
	var rows []row
	for _, p := range plans {
		for _, k := range p.newKeys {
			rows = append(rows, row{k, p.childID})
		}
	}
	return inChunks(len(rows), s.rowsPerWrite(), func(lo, hi int) error {
		var args []any
		for _, r := range rows[lo:hi] {
			args = append(args, r.k.Kind, r.k.Value, r.id)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO child_keys (kind, value, child_id) VALUES `+tuples(hi-lo, 3)+`
			ON CONFLICT (kind, value) DO NOTHING`, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(hi-lo) {
			return errClaimed
		}
		return nil
	})
}

// insertFacts writes the accepted records' facts with the ids reserved
// for them.
func (s *Store) insertFacts(ctx context.Context, tx querier, subs []Submission, plans []planned, accepted []int, ids []int64) error {
	return inChunks(len(accepted), s.rowsPerWrite(), func(lo, hi int) error {
		var args []any
		for j := lo; j < hi; j++ {
			i := accepted[j]
			f, p := subs[i].Fact, plans[i]
			var payload, supersedes any
			if f.Action == profile.Upsert {
				payload = string(f.Payload)
			}
			if p.prev != nil {
				supersedes = p.prev.id
			}
			args = append(args, ids[j], p.childID, f.Category, f.Sender, f.SourceID, f.Action, f.EffectiveDate.String(),
				micros(f.ReceivedAt), payload, f.ContentHash, f.BatchID, supersedes)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO facts (id, child_id, category, sender, source_id, action, effective_date,
			received_at, payload, content_hash, batch_id, supersedes) VALUES `+tuples(hi-lo, 12), args...)
		return err
	})
}

// inChunks calls fn for consecutive ranges of [0, n) of at most size.
func inChunks(n, size int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += size {
		if err := fn(lo, min(lo+size, n)); err != nil {
			return err
		}
	}
	return nil
}

// placeholders returns "$from, $from+1, …" for n parameters. The lists
// are remembered: the batch paths ask for the same few under the write lock
// thousands of times a batch (building them took a twentieth of the
// writer's time), and there are few of them, their sizes bounded by the
// chunks the statements are cut into.
func placeholders(from, n int) string {
	return placeholderList([3]int{from, n, 0}, func() []byte {
		return appendPlaceholders(make([]byte, 0, n*6), from, n)
	})
}

func appendPlaceholders(b []byte, from, n int) []byte {
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(from+i), 10)
	}
	return b
}

// placeholderLists holds the lists placeholders and tuples made, by
// (first parameter or rows, count or width, kind).
var placeholderLists sync.Map

// placeholderList returns the list remembered under k, building and
// remembering it the first time.
func placeholderList(k [3]int, build func() []byte) string {
	if s, ok := placeholderLists.Load(k); ok {
		return s.(string)
	}
	s := string(build())
	placeholderLists.Store(k, s)
	return s
}

// tuples returns "($1, $2), ($3, $4)"-style placeholders for rows of
// width parameters.
func tuples(rows, width int) string {
	return placeholderList([3]int{rows, width, 1}, func() []byte {
		b := make([]byte, 0, rows*(width*6+4))
		for r := range rows {
			if r > 0 {
				b = append(b, ", "...)
			}
			b = append(b, '(')
			b = appendPlaceholders(b, 1+r*width, width)
			b = append(b, ')')
		}
		return b
	})
}

// padIn pads an IN list — the arguments after the first `fixed` — to the
// next power of two (at most idsPerQuery) by repeating its last value, and
// returns the arguments and the list's placeholders. The statements a batch
// runs then come in a few lengths that stay prepared, where a list of
// every length was a statement of its own for SQLite's parser (a twentieth
// of the writer's time). A value repeated in an IN list selects, updates
// or deletes nothing more.
func padIn(args []any, fixed int) ([]any, string) {
	n := len(args) - fixed
	if n > 0 {
		size := 1
		for size < n {
			size *= 2
		}
		size = max(min(size, idsPerQuery), n)
		for len(args) < fixed+size {
			args = append(args, args[fixed+n-1])
		}
	}
	return args, placeholders(fixed+1, len(args)-fixed)
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
