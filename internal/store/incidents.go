package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
)

// Incident is a failure or security event.
type Incident struct {
	ID         int64
	OpenedAt   time.Time
	Source     string // db_unreachable, backup_check, signature_failures, disk_space, intrusion.*, manual, security_request
	Severity   string // low, high, critical
	Title      string
	Detail     string
	Subject    string // the person or organisation concerned, if any
	Dedupe     string // one incident per cause and period
	State      string
	Due        time.Time
	ResolvedAt time.Time
	ResolvedBy string
	Note       string
}

// OpenIncident records an incident with the e-mails it causes, audited,
// unless one with the same dedupe key exists; opened says whether it was
// new.
func (s *Store) OpenIncident(ctx context.Context, in Incident, mails []Mail, actor audit.Actor) (id int64, opened bool, err error) {
	err = s.tx(ctx, "store.OpenIncident", false, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO incidents (opened_at, source, severity, title, detail, subject, dedupe, due_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe) DO NOTHING RETURNING id`, micros(s.now()), in.Source, in.Severity,
			in.Title, in.Detail, in.Subject, in.Dedupe, microsOrZero(in.Due)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // recorded before
		}
		if err != nil {
			return err
		}
		opened = true
		if err := s.queueMail(ctx, tx, mails); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "incident.open", Outcome: in.Source,
			Detail: fmt.Sprintf(`{"incident":%d,"severity":%q}`, id, in.Severity)})
	})
	return id, opened, err
}

// ResolveIncident closes an open incident with a note, audited.
func (s *Store) ResolveIncident(ctx context.Context, id int64, note string, actor audit.Actor) error {
	return s.tx(ctx, "store.ResolveIncident", false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE incidents SET state = 'resolved', resolved_at = $1, resolved_by = $2, note = $3
			WHERE id = $4 AND state = 'open'`, micros(s.now()), actor.ID, note, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.E("store.ResolveIncident", fault.NotFound, fmt.Errorf("no open incident %d", id))
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "incident.resolve", Outcome: "resolved",
			Detail: fmt.Sprintf(`{"incident":%d}`, id)})
	})
}

// Incidents lists incidents, the open ones first, newest first.
func (s *Store) Incidents(ctx context.Context, state string, limit int) ([]Incident, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, opened_at, source, severity, title, detail, subject, dedupe, state, due_at,
		resolved_at, resolved_by, note FROM incidents WHERE ($1 = '' OR state = $1)
		ORDER BY CASE WHEN state = 'open' THEN 0 ELSE 1 END, id DESC LIMIT $2`, state, limit)
	if err != nil {
		return nil, s.classify("store.Incidents", err)
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		var in Incident
		var opened, due, resolved int64
		if err := rows.Scan(&in.ID, &opened, &in.Source, &in.Severity, &in.Title, &in.Detail, &in.Subject, &in.Dedupe, &in.State,
			&due, &resolved, &in.ResolvedBy, &in.Note); err != nil {
			return nil, s.classify("store.Incidents", err)
		}
		in.OpenedAt, in.Due, in.ResolvedAt = fromMicros(opened), timeOrZero(due), timeOrZero(resolved)
		out = append(out, in)
	}
	return out, s.classify("store.Incidents", rows.Err())
}

// ActorCount is how many audit entries an actor has in a window.
type ActorCount struct {
	Actor string
	Count int
}

// CountByActor counts, per person, the audit entries since a time whose
// action is one of actions and whose outcome begins with outcomePrefix
// ("" for any), those with at least min.
func (s *Store) CountByActor(ctx context.Context, since time.Time, actions []string, outcomePrefix string, min int) ([]ActorCount, error) {
	args := []any{micros(since), outcomePrefix + "%", min}
	for _, a := range actions {
		args = append(args, a)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT actor_id, count(*) FROM audit_log
		WHERE at >= $1 AND outcome LIKE $2 AND action IN (`+placeholders(4, len(actions))+`)
		GROUP BY actor_id HAVING count(*) >= $3 ORDER BY actor_id`, args...)
	if err != nil {
		return nil, s.classify("store.CountByActor", err)
	}
	defer rows.Close()
	var out []ActorCount
	for rows.Next() {
		var c ActorCount
		if err := rows.Scan(&c.Actor, &c.Count); err != nil {
			return nil, s.classify("store.CountByActor", err)
		}
		out = append(out, c)
	}
	return out, s.classify("store.CountByActor", rows.Err())
}

// AuditAfter returns the audit entries after a sequence number, oldest
// first, at most limit.
func (s *Store) AuditAfter(ctx context.Context, seq int64, limit int) ([]audit.Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor_kind, actor_id, actor_org, actor_role, action, child_id, outcome
		FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, seq, limit)
	if err != nil {
		return nil, s.classify("store.AuditAfter", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor.Kind, &e.Actor.ID, &e.Actor.Org, &e.Actor.Role, &e.Action, &e.ChildID, &e.Outcome); err != nil {
			return nil, s.classify("store.AuditAfter", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, s.classify("store.AuditAfter", rows.Err())
}

// WatchCursor returns where a watcher stopped; SetWatchCursor moves it.
func (s *Store) WatchCursor(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := s.db.QueryRowContext(ctx, `SELECT seq FROM watch_cursors WHERE name = $1`, name).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return seq, s.classify("store.WatchCursor", err)
}

// SetWatchCursor moves a watcher's cursor.
func (s *Store) SetWatchCursor(ctx context.Context, name string, seq int64) error {
	_, err := s.writes.ExecContext(ctx, `INSERT INTO watch_cursors (name, seq) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`, name, seq)
	return s.classify("store.SetWatchCursor", err)
}

// OutboxBacklog counts the e-mails not sent yet.
func (s *Store) OutboxBacklog(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE sent_at = 0`).Scan(&n)
	return n, s.classify("store.OutboxBacklog", err)
}
