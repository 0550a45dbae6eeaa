package store

import (
	"context"
	"crypto/ecdsa"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/audit"
)

// appendAudit appends an entry to the audit log in the caller's
// transaction. Taking the head row first serialises appends, so the chain
// never forks.
func (s *Store) appendAudit(ctx context.Context, tx querier, e audit.Entry) error {
	return s.appendAudits(ctx, tx, []audit.Entry{e})
}

// appendAudits chains entries onto the log in order: the head is taken
// (and, on PostgreSQL, locked) once for all of them and moved once.
func (s *Store) appendAudits(ctx context.Context, tx querier, entries []audit.Entry) error {
	var seq int64
	var hash string
	err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash`, len(entries)).Scan(&seq, &hash)
	if err != nil {
		return err
	}
	seq -= int64(len(entries))
	at := s.now().UTC().Truncate(1000) // stored to the microsecond
	rows := make([][]any, len(entries))
	for i, e := range entries {
		seq++
		e.Seq, e.At, e.PrevHash = seq, at, hash
		e.Hash = e.ComputeHash(hash)
		hash = e.Hash
		rows[i] = []any{e.Seq, micros(e.At), e.Actor.Kind, e.Actor.ID, e.Actor.Org, e.Actor.Role, e.Action, e.ChildID,
			e.Category, e.Outcome, e.Detail, e.PrevHash, e.Hash}
	}
	// PostgreSQL takes the group in multi-row statements (each statement
	// a round trip, while the head stays locked); SQLite a row at a time,
	// prepared once.
	err = inChunks(len(rows), s.rowsPerWrite(), func(lo, hi int) error {
		var args []any
		for _, r := range rows[lo:hi] {
			args = append(args, r...)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_org, actor_role, action,
			child_id, category, outcome, detail, prev_hash, hash) VALUES `+tuples(hi-lo, 13), args...)
		return err
	})
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, hash)
	return err
}

// Checkpoint signs the head of the audit chain with the server's key and
// keeps it, unless the chain has not grown since the last checkpoint.
func (s *Store) Checkpoint(ctx context.Context, key *ecdsa.PrivateKey) (*audit.Checkpoint, error) {
	var c *audit.Checkpoint
	err := s.tx(ctx, "store.Checkpoint", false, func(tx *sql.Tx) error {
		cp := audit.Checkpoint{At: s.now().UTC().Truncate(time.Microsecond)}
		if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&cp.Seq, &cp.Hash); err != nil {
			return err
		}
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM audit_checkpoints`).Scan(&last); err != nil {
			return err
		}
		if cp.Seq == 0 || (last.Valid && last.Int64 >= cp.Seq) {
			return nil
		}
		if err := cp.Sign(key); err != nil {
			return err
		}
		c = &cp
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (seq, hash, at, public_key, signature) VALUES ($1, $2, $3, $4, $5)`,
			cp.Seq, cp.Hash, micros(cp.At), cp.PublicKey, cp.Signature)
		return err
	})
	return c, err
}

// VerifyAudit checks the whole audit chain, in one consistent snapshot,
// and returns the number of entries checked; the error names the first
// bad entry. Every signed checkpoint must verify with the trusted key and
// match the chain; with a nil key, checkpoints are checked only against
// the keys they name.
func (s *Store) VerifyAudit(ctx context.Context, trusted ...*ecdsa.PublicKey) (int64, error) {
	var key *ecdsa.PublicKey
	if len(trusted) > 0 {
		key = trusted[0]
	}
	v := audit.NewVerifier()
	err := s.tx(ctx, "store.VerifyAudit", true, func(tx *sql.Tx) error {
		checkpoints, err := checkpoints(ctx, tx)
		if err != nil {
			return err
		}
		for _, cp := range checkpoints {
			if err := cp.Verify(key); err != nil {
				return err
			}
		}
		var headSeq int64
		var headHash string
		if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor_kind, actor_id, actor_org, actor_role, action, child_id,
			category, outcome, detail, prev_hash, hash FROM audit_log ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e audit.Entry
			var at int64
			if err := rows.Scan(&e.Seq, &at, &e.Actor.Kind, &e.Actor.ID, &e.Actor.Org, &e.Actor.Role, &e.Action,
				&e.ChildID, &e.Category, &e.Outcome, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
				return err
			}
			e.At = fromMicros(at)
			if err := v.Next(&e); err != nil {
				return err
			}
			if cp, ok := checkpoints[e.Seq]; ok {
				if cp.Hash != e.Hash {
					return fmt.Errorf("audit entry %d differs from the signed checkpoint: the chain was rewritten", e.Seq)
				}
				delete(checkpoints, e.Seq)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for seq := range checkpoints {
			return fmt.Errorf("signed checkpoint %d names an audit entry that is gone", seq)
		}
		return v.End(headSeq, headHash)
	})
	return v.Count, err
}

func checkpoints(ctx context.Context, tx *sql.Tx) (map[int64]audit.Checkpoint, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, hash, at, public_key, signature FROM audit_checkpoints ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]audit.Checkpoint{}
	for rows.Next() {
		var c audit.Checkpoint
		var at int64
		if err := rows.Scan(&c.Seq, &c.Hash, &at, &c.PublicKey, &c.Signature); err != nil {
			return nil, err
		}
		c.At = fromMicros(at)
		out[c.Seq] = c
	}
	return out, rows.Err()
}

// AuditFilter selects audit entries; empty fields select everything.
type AuditFilter struct {
	Actor    string // a person's FIN or a participant's code
	Org      string
	ChildID  int64
	Action   string
	From, To time.Time
	Limit    int
}

// AuditEntries returns audit entries, newest first.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Actor != "" {
		add("actor_id = $%d", f.Actor)
	}
	if f.Org != "" {
		add("actor_org = $%d", f.Org)
	}
	if f.ChildID != 0 {
		add("child_id = $%d", f.ChildID)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if !f.From.IsZero() {
		add("at >= $%d", micros(f.From))
	}
	if !f.To.IsZero() {
		add("at < $%d", micros(f.To))
	}
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 1000
	}
	args = append(args, f.Limit)
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor_kind, actor_id, actor_org, actor_role, action, child_id,
		category, outcome, detail, prev_hash, hash FROM audit_log WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY seq DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, s.classify("store.AuditEntries", err)
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		var e audit.Entry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor.Kind, &e.Actor.ID, &e.Actor.Org, &e.Actor.Role, &e.Action,
			&e.ChildID, &e.Category, &e.Outcome, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, s.classify("store.AuditEntries", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, s.classify("store.AuditEntries", rows.Err())
}
