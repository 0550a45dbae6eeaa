package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
)

// AcquireLease takes the named lease for holder until ttl from now, when
// no other holder has it: what makes one server of several run a job.
// The holder may take it again to prolong it.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := s.now()
	res, err := s.writes.ExecContext(ctx, `INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE job_leases.expires_at < $4 OR job_leases.holder = excluded.holder`, name, holder, micros(now.Add(ttl)), micros(now))
	if err != nil {
		return false, s.classify("store.AcquireLease", err)
	}
	n, err := res.RowsAffected()
	return n == 1, s.classify("store.AcquireLease", err)
}

// ReleaseLease gives a lease up, when holder has it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.writes.ExecContext(ctx, `DELETE FROM job_leases WHERE name = $1 AND holder = $2`, name, holder)
	return s.classify("store.ReleaseLease", err)
}

// ArchiveRun is what one run of the archiving did.
type ArchiveRun struct {
	ID         int64     `json:"id"`
	Holder     string    `json:"holder"`
	Trigger    string    `json:"trigger"`
	On         string    `json:"on"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Archived   int64     `json:"archived"` // children who turned 18
	Closed     int64     `json:"closed"`   // children whose death was recorded
}

// Archive archives, in one transaction, the profile of every child who is
// 18 on the date (born on or before that day eighteen years earlier) and
// closes that of every child whose death was recorded; it records the run
// and leaves one audit entry.
func (s *Store) Archive(ctx context.Context, on category.Date, holder, trigger string) (ArchiveRun, error) {
	run := ArchiveRun{Holder: holder, Trigger: trigger, On: on.String(), StartedAt: s.now()}
	// On SQLite the columns set and read are all in profile_facets, and
	// the view profiles cannot be written (migration 25).
	table := "profiles"
	if s.engine == SQLite {
		table = "profile_facets"
	}
	err := s.tx(ctx, "store.Archive", false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET status = 'archived', archived_reason = 'age18', archived_on = $1,
			updated_at = $2 WHERE status = 'active' AND birth_date <> '' AND birth_date <= $3`,
			on.String(), micros(s.now()), on.AddYears(-18).String())
		if err != nil {
			return err
		}
		run.Archived, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, `UPDATE `+table+` SET status = 'archived', archived_reason = 'death', archived_on = $1,
			updated_at = $2 WHERE status = 'deceased'`, on.String(), micros(s.now()))
		if err != nil {
			return err
		}
		run.Closed, _ = res.RowsAffected()
		run.FinishedAt = s.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO archive_runs (holder, trigger, on_date, started_at, finished_at, archived, closed)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, holder, trigger, run.On, micros(run.StartedAt), micros(run.FinishedAt),
			run.Archived, run.Closed).Scan(&run.ID); err != nil {
			return err
		}
		detail, _ := json.Marshal(run)
		return s.appendAudit(ctx, tx, audit.Entry{Actor: audit.SystemActor("archive"), Action: "lifecycle.archive",
			Outcome: "done", Detail: string(detail)})
	})
	return run, err
}

// ArchiveRuns returns the latest runs of the archiving, newest first.
func (s *Store) ArchiveRuns(ctx context.Context, limit int) ([]ArchiveRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, holder, trigger, on_date, started_at, finished_at, archived, closed
		FROM archive_runs ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, s.classify("store.ArchiveRuns", err)
	}
	defer rows.Close()
	var out []ArchiveRun
	for rows.Next() {
		var r ArchiveRun
		var started, finished int64
		if err := rows.Scan(&r.ID, &r.Holder, &r.Trigger, &r.On, &started, &finished, &r.Archived, &r.Closed); err != nil {
			return nil, s.classify("store.ArchiveRuns", err)
		}
		r.StartedAt, r.FinishedAt = fromMicros(started), fromMicros(finished)
		out = append(out, r)
	}
	return out, s.classify("store.ArchiveRuns", rows.Err())
}

// Senders returns the participants that sent facts about a child.
func (s *Store) Senders(ctx context.Context, childID int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT sender FROM facts WHERE child_id = $1 ORDER BY sender`, childID)
	if err != nil {
		return nil, s.classify("store.Senders", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, s.classify("store.Senders", err)
		}
		out = append(out, v)
	}
	return out, s.classify("store.Senders", rows.Err())
}

// HolidayChange is the operator's change to the public holidays: a day
// added, or one the program knows removed.
type HolidayChange struct {
	Day                    string
	NameAZ, NameEN, NameRU string
	Removed                bool
}

// HolidayChanges returns the operator's changes to the public holidays.
func (s *Store) HolidayChanges(ctx context.Context) ([]HolidayChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, name_az, name_en, name_ru, removed FROM public_holidays ORDER BY day`)
	if err != nil {
		return nil, s.classify("store.HolidayChanges", err)
	}
	defer rows.Close()
	var out []HolidayChange
	for rows.Next() {
		var h HolidayChange
		var removed int
		if err := rows.Scan(&h.Day, &h.NameAZ, &h.NameEN, &h.NameRU, &removed); err != nil {
			return nil, s.classify("store.HolidayChanges", err)
		}
		h.Removed = removed == 1
		out = append(out, h)
	}
	return out, s.classify("store.HolidayChanges", rows.Err())
}

// SetHoliday adds a public holiday or removes one, audited.
func (s *Store) SetHoliday(ctx context.Context, h HolidayChange, actor audit.Actor) error {
	return s.tx(ctx, "store.SetHoliday", false, func(tx *sql.Tx) error {
		removed := 0
		if h.Removed {
			removed = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO public_holidays (day, name_az, name_en, name_ru, removed, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (day) DO UPDATE SET name_az = excluded.name_az,
			name_en = excluded.name_en, name_ru = excluded.name_ru, removed = excluded.removed, updated_by = excluded.updated_by,
			updated_at = excluded.updated_at`, h.Day, h.NameAZ, h.NameEN, h.NameRU, removed, actor.ID, micros(s.now())); err != nil {
			return err
		}
		detail, _ := json.Marshal(h)
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "holiday.set", Outcome: h.Day, Detail: string(detail)})
	})
}

// CurrentRecord is the current version of a record of a category.
type CurrentRecord struct {
	FactID        int64
	ChildID       int64
	Sender        string
	SourceID      string
	EffectiveDate string
	Payload       []byte
}

// CurrentRecords returns the current versions of the records of a
// category (retractions left out), optionally of one sender, in order.
func (s *Store) CurrentRecords(ctx context.Context, cat, sender string) ([]CurrentRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, child_id, sender, source_id, effective_date, payload FROM facts
		WHERE category = $1 AND is_current = 1 AND action = 'upsert' AND ($2 = '' OR sender = $2) ORDER BY id`, cat, sender)
	if err != nil {
		return nil, s.classify("store.CurrentRecords", err)
	}
	defer rows.Close()
	var out []CurrentRecord
	for rows.Next() {
		var r CurrentRecord
		var payload string
		if err := rows.Scan(&r.FactID, &r.ChildID, &r.Sender, &r.SourceID, &r.EffectiveDate, &payload); err != nil {
			return nil, s.classify("store.CurrentRecords", err)
		}
		r.Payload = []byte(payload)
		out = append(out, r)
	}
	return out, s.classify("store.CurrentRecords", rows.Err())
}

// DigestOnce records that the digest of a day goes out, and reports
// whether this call is the first to claim the day.
func (s *Store) DigestOnce(ctx context.Context, day string) (bool, error) {
	res, err := s.writes.ExecContext(ctx, `INSERT INTO digest_days (day, at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING`, day, micros(s.now()))
	if err != nil {
		return false, s.classify("store.DigestOnce", err)
	}
	n, err := res.RowsAffected()
	return n == 1, s.classify("store.DigestOnce", err)
}

// BackupRun is a backup and its restore check.
type BackupRun struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Trigger string    `json:"trigger"`
	URL     string    `json:"url"`
	Bytes   int64     `json:"bytes"`
	SHA256  string    `json:"sha256"`
	OK      bool      `json:"ok"`
	Detail  string    `json:"detail"`
}

// RecordBackup records a backup and its check, audited.
func (s *Store) RecordBackup(ctx context.Context, b BackupRun) error {
	return s.tx(ctx, "store.RecordBackup", false, func(tx *sql.Tx) error {
		ok := 0
		if b.OK {
			ok = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO backup_runs (at, trigger, url, bytes, sha256, ok, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, micros(b.At), b.Trigger, b.URL, b.Bytes, b.SHA256, ok, b.Detail); err != nil {
			return err
		}
		outcome := "checked"
		if !b.OK {
			outcome = "check failed"
		}
		detail, _ := json.Marshal(b)
		return s.appendAudit(ctx, tx, audit.Entry{Actor: audit.SystemActor("backup"), Action: "backup.run", Outcome: outcome, Detail: string(detail)})
	})
}

// BackupRuns returns the latest backups, newest first.
func (s *Store) BackupRuns(ctx context.Context, limit int) ([]BackupRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, trigger, url, bytes, sha256, ok, detail FROM backup_runs ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, s.classify("store.BackupRuns", err)
	}
	defer rows.Close()
	var out []BackupRun
	for rows.Next() {
		var b BackupRun
		var at int64
		var ok int
		if err := rows.Scan(&b.ID, &at, &b.Trigger, &b.URL, &b.Bytes, &b.SHA256, &ok, &b.Detail); err != nil {
			return nil, s.classify("store.BackupRuns", err)
		}
		b.At, b.OK = fromMicros(at), ok == 1
		out = append(out, b)
	}
	return out, s.classify("store.BackupRuns", rows.Err())
}

// SnapshotSQLite writes a consistent copy of a SQLite database to a new
// file while the database is in use (VACUUM INTO: a read transaction, so
// writers go on).
func (s *Store) SnapshotSQLite(ctx context.Context, path string) error {
	if s.engine != SQLite {
		return fault.E("store.SnapshotSQLite", fault.Invalid, "not a SQLite database")
	}
	_, err := s.db.ExecContext(ctx, `VACUUM INTO $1`, path)
	return s.classify("store.SnapshotSQLite", err)
}

// IntegrityCheck runs the engine's own check of the database's files
// (SQLite's integrity_check; on PostgreSQL, a read of every table).
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.engine == SQLite {
		var res string
		if err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
			return s.classify("store.IntegrityCheck", err)
		}
		if res != "ok" {
			return fault.E("store.IntegrityCheck", fault.Other, fmt.Errorf("integrity check: %s", res))
		}
		return nil
	}
	for _, t := range []string{"children", "child_keys", "facts", "profiles", "audit_log", "participants"} {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return s.classify("store.IntegrityCheck", err)
		}
	}
	return nil
}

// DSN returns what the store was opened on, for tools that run beside it
// (pg_dump); it may hold a password and is never logged.
func (s *Store) DSN() string { return s.dsn }
