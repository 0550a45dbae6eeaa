package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/fault"
)

// ReportScan selects the profiles a report counts and what it reads of
// each: the store filters in SQL and hands each child's row to the
// report engine, which counts in Go.
type ReportScan struct {
	// Statuses keeps the profiles in these states; all when empty.
	Statuses []string
	// Value sets of the profile's columns; empty means any. CareStatus
	// "" is a child in its parents' care.
	Regions, Districts, Sexes, Citizenships, CareStatuses []string
	// BornFrom and BornTo bound the birth date, inclusive ("" for none).
	BornFrom, BornTo string
	// HasAll are categories (a mask of bits) every child has; HasNone
	// those none has.
	HasAll, HasNone int64
	// FactFilters keep the children with a current record of a category
	// whose field has one of the values.
	FactFilters []ReportFactFilter
	// Columns are the profile columns to read, from ReportColumns; the
	// category mask is always read.
	Columns []string
	// Values, when set, reads a value from each child's current records
	// of a category: a field or the period of the effective date.
	Values *ReportValues
	// Parts split the scan by region between connections read at once.
	Parts []ReportPart
}

// ReportColumns are the profile columns a report may read.
var ReportColumns = []string{"region", "district", "birth_date", "sex", "citizenship", "care_status",
	"fin", "given_name", "family_name", "patronymic", "father_fin", "mother_fin", "status", "archived_on"}

// ReportFactFilter keeps children with a current record of Category
// whose field at Path has one of Values.
type ReportFactFilter struct {
	Category string
	Path     []string
	Values   []string
	// Boolean marks a yes/no field, stored by SQLite as 1 or 0.
	Boolean bool
}

// ReportValues is a value read from each child's current records of a
// category: the field at Path, or the year ("year") or month ("month") of
// the effective date between From and To.
type ReportValues struct {
	Category string
	Path     []string
	Period   string
	From, To string
}

// ReportRow is one child as a report reads it. A worker reuses the row
// for its next child: keep nothing of it after the callback returns.
type ReportRow struct {
	ChildID    int64
	Cols       []string // as ReportScan.Columns
	Categories int64
	// Values are the distinct values of the child's records (nil for a
	// child without any); an absent field is "".
	Values []string
}

// ReportPart is one part of a scan, read by its own connection: the
// children whose region code sorts from From (inclusive) to To
// (exclusive), "" leaving that end open. Ranges of the first column the
// report index orders by after the status keep each part an index range.
type ReportPart struct {
	From, To string
}

// ScanReport reads the profiles a scan selects, each of its Parts at once
// on its own connection (all in one when there are none), calling fn with
// each child from the part's goroutine (part is the part's index), and
// progress (may be nil) now and then with the children read so far and an
// upper bound of those to read. It stops at the first error.
func (s *Store) ScanReport(ctx context.Context, q ReportScan, fn func(part int, r *ReportRow) error, progress func(done, total int64)) error {
	const op = "store.ScanReport"
	for _, c := range q.Columns {
		if !slices.Contains(ReportColumns, c) {
			return fault.E(op, fmt.Errorf("column %q cannot be read by reports", c))
		}
	}
	var total int64
	if progress != nil {
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM profiles`).Scan(&total); err != nil {
			return s.classify(op, err)
		}
	}
	parts := q.Parts
	if len(parts) == 0 {
		parts = []ReportPart{{}}
	}
	var done int64
	var mu sync.Mutex
	report := func(n int64) {
		if progress == nil {
			return
		}
		mu.Lock()
		done += n
		d := done
		mu.Unlock()
		progress(d, total)
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w, part := range parts {
		wg.Go(func() {
			if err := s.scanPart(ctx, q, part, func(r *ReportRow) error { return fn(w, r) }, report); err != nil {
				errs[w] = err
				cancel()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return s.classify(op, err)
		}
	}
	return nil
}

// scanPart reads the children of one part.
func (s *Store) scanPart(ctx context.Context, q ReportScan, part ReportPart, fn func(*ReportRow) error, report func(int64)) error {
	const op = "store.ScanReport"
	query, args := s.reportQuery(q, part)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return s.classify(op, err)
	}
	defer rows.Close()
	// Rows are scanned into in; with values, a child has one row per
	// distinct value, in child order, collected into row.
	in := &ReportRow{Cols: make([]string, len(q.Columns))}
	var val sql.NullString
	dest := []any{&in.ChildID}
	for i := range in.Cols {
		dest = append(dest, &in.Cols[i])
	}
	dest = append(dest, &in.Categories)
	if q.Values != nil {
		dest = append(dest, &val)
	}
	row := &ReportRow{Cols: make([]string, len(q.Columns)), ChildID: -1}
	var pending int64
	hand := func(r *ReportRow) error {
		if pending++; pending == 4096 {
			report(pending)
			pending = 0
		}
		return fn(r)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return s.classify(op, err)
		}
		if q.Values == nil {
			if err := hand(in); err != nil {
				return err
			}
			continue
		}
		if in.ChildID != row.ChildID {
			if row.ChildID >= 0 {
				if err := hand(row); err != nil {
					return err
				}
			}
			row.ChildID, row.Categories, row.Values = in.ChildID, in.Categories, row.Values[:0]
			copy(row.Cols, in.Cols)
		}
		if val.Valid {
			row.Values = append(row.Values, val.String)
		}
	}
	if err := rows.Err(); err != nil {
		return s.classify(op, err)
	}
	if q.Values != nil && row.ChildID >= 0 {
		if err := hand(row); err != nil {
			return err
		}
	}
	report(pending)
	return nil
}

// reportQuery builds the SELECT of one part of a scan.
func (s *Store) reportQuery(q ReportScan, part ReportPart) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	in := func(col string, vals []string) string {
		ps := make([]string, len(vals))
		for i, v := range vals {
			ps[i] = arg(v)
		}
		return col + " IN (" + strings.Join(ps, ", ") + ")"
	}
	var where []string
	if len(q.Statuses) > 0 {
		where = append(where, in("p.status", q.Statuses))
	}
	for _, f := range []struct {
		col  string
		vals []string
	}{{"p.region", q.Regions}, {"p.district", q.Districts}, {"p.sex", q.Sexes}, {"p.citizenship", q.Citizenships}, {"p.care_status", q.CareStatuses}} {
		if len(f.vals) > 0 {
			where = append(where, in(f.col, f.vals))
		}
	}
	if q.BornFrom != "" {
		where = append(where, "p.birth_date >= "+arg(q.BornFrom))
	}
	if q.BornTo != "" {
		where = append(where, "p.birth_date <= "+arg(q.BornTo))
	}
	if q.HasAll != 0 {
		m := arg(q.HasAll)
		where = append(where, "(p.categories & "+m+") = "+m)
	}
	if q.HasNone != 0 {
		where = append(where, "(p.categories & "+arg(q.HasNone)+") = 0")
	}
	for _, f := range q.FactFilters {
		vals := f.Values
		if f.Boolean && s.engine == SQLite {
			vals = slices.Clone(vals)
			for i, v := range vals {
				vals[i] = map[string]string{"true": "1", "false": "0"}[v]
			}
		}
		where = append(where, "EXISTS (SELECT 1 FROM facts f WHERE f.child_id = p.child_id AND f.category = "+arg(f.Category)+
			" AND f.is_current = 1 AND f.action = 'upsert' AND "+in(s.jsonText("f.payload", f.Path), vals)+")")
	}
	if part.From != "" {
		where = append(where, "p.region >= "+arg(part.From))
	}
	if part.To != "" {
		where = append(where, "p.region < "+arg(part.To))
	}
	if len(where) == 0 {
		where = append(where, "1 = 1")
	}
	cols := make([]string, 0, len(q.Columns)+3)
	cols = append(cols, "p.child_id")
	for _, c := range q.Columns {
		cols = append(cols, "p."+c)
	}
	cols = append(cols, "p.categories")
	from := "profiles p"
	order := ""
	if v := q.Values; v != nil {
		expr := s.jsonText("f.payload", v.Path)
		cond := ""
		switch v.Period {
		case "year":
			expr = "substr(f.effective_date, 1, 4)"
		case "month":
			expr = "substr(f.effective_date, 1, 7)"
		}
		if v.From != "" {
			cond += " AND f.effective_date >= " + arg(v.From)
		}
		if v.To != "" {
			cond += " AND f.effective_date <= " + arg(v.To)
		}
		from = "profiles p LEFT JOIN (SELECT DISTINCT f.child_id, " + expr + " AS val FROM facts f WHERE f.category = " + arg(v.Category) +
			" AND f.is_current = 1 AND f.action = 'upsert'" + cond + ") v ON v.child_id = p.child_id"
		cols = append(cols, "v.val")
		order = " ORDER BY p.child_id"
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + from + " WHERE " + strings.Join(where, " AND ") + order, args
}

// jsonText is the SQL of the text of a JSON field at path in a column of
// JSON text.
func (s *Store) jsonText(col string, path []string) string {
	for _, p := range path {
		if !validKey(p) {
			panic("store: bad JSON key in a report: " + p)
		}
	}
	if s.engine == Postgres {
		return "(" + col + "::jsonb #>> '{" + strings.Join(path, ",") + "}')"
	}
	return "CAST(json_extract(" + col + ", '$." + strings.Join(path, ".") + "') AS TEXT)"
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// SavedReport is a report definition a person saved.
type SavedReport struct {
	ID         int64     `json:"id"`
	OwnerFIN   string    `json:"owner_fin"`
	Org        string    `json:"org"`
	Name       string    `json:"name"`
	Definition string    `json:"definition"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// SaveReport saves a definition under a name for its owner's
// organisation; a definition of the same owner and name is replaced.
func (s *Store) SaveReport(ctx context.Context, ownerFIN, org, name, definition string) (int64, error) {
	var id int64
	now := micros(s.now())
	err := s.tx(ctx, "store.SaveReport", false, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE report_definitions SET definition = $1, updated_at = $2
			WHERE owner_fin = $3 AND org = $4 AND name = $5 RETURNING id`, definition, now, ownerFIN, org, name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, `INSERT INTO report_definitions (owner_fin, org, name, definition, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, ownerFIN, org, name, definition, now).Scan(&id)
		}
		return err
	})
	return id, err
}

// SavedReports lists the definitions saved by the staff of an
// organisation, by name.
func (s *Store) SavedReports(ctx context.Context, org string) ([]SavedReport, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, owner_fin, org, name, definition, created_at, updated_at
		FROM report_definitions WHERE org = $1 ORDER BY name, id`, org)
	if err != nil {
		return nil, s.classify("store.SavedReports", err)
	}
	defer rows.Close()
	out := []SavedReport{}
	for rows.Next() {
		var r SavedReport
		var c, u int64
		if err := rows.Scan(&r.ID, &r.OwnerFIN, &r.Org, &r.Name, &r.Definition, &c, &u); err != nil {
			return nil, s.classify("store.SavedReports", err)
		}
		r.CreatedAt, r.UpdatedAt = fromMicros(c), fromMicros(u)
		out = append(out, r)
	}
	return out, s.classify("store.SavedReports", rows.Err())
}

// SavedReport returns a saved definition.
func (s *Store) SavedReport(ctx context.Context, id int64) (SavedReport, error) {
	var r SavedReport
	var c, u int64
	err := s.db.QueryRowContext(ctx, `SELECT id, owner_fin, org, name, definition, created_at, updated_at
		FROM report_definitions WHERE id = $1`, id).Scan(&r.ID, &r.OwnerFIN, &r.Org, &r.Name, &r.Definition, &c, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fault.E("store.SavedReport", fault.NotFound, err)
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(c), fromMicros(u)
	return r, s.classify("store.SavedReport", err)
}

// DeleteSavedReport deletes a saved definition.
func (s *Store) DeleteSavedReport(ctx context.Context, id int64) error {
	res, err := s.writes.ExecContext(ctx, `DELETE FROM report_definitions WHERE id = $1`, id)
	if err != nil {
		return s.classify("store.DeleteSavedReport", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.E("store.DeleteSavedReport", fault.NotFound, "no such saved report")
	}
	return nil
}

// ReportJob is a report run in the background.
type ReportJob struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Format     string    `json:"format"`
	Definition string    `json:"-"`
	Params     string    `json:"-"`
	State      string    `json:"state"`
	Progress   int       `json:"progress"`
	ResultType string    `json:"result_type,omitempty"`
	ResultName string    `json:"result_name,omitempty"`
	ResultSize int64     `json:"result_size,omitempty"`
	Error      string    `json:"error,omitempty"`
	OwnerFIN   string    `json:"-"`
	OwnerOrg   string    `json:"-"`
	Attempts   int       `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	StartedAt  time.Time `json:"started_at,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	ExpiresAt  time.Time `json:"expires_at"`
}

const jobColumns = `id, kind, format, definition, params, state, progress, result_type, result_name,
	coalesce(length(result), 0), error, owner_fin, owner_org, attempts, created_at, started_at, finished_at, expires_at`

func scanJob(sc interface{ Scan(...any) error }) (ReportJob, error) {
	var j ReportJob
	var c, st, f, e int64
	err := sc.Scan(&j.ID, &j.Kind, &j.Format, &j.Definition, &j.Params, &j.State, &j.Progress, &j.ResultType, &j.ResultName,
		&j.ResultSize, &j.Error, &j.OwnerFIN, &j.OwnerOrg, &j.Attempts, &c, &st, &f, &e)
	j.CreatedAt, j.ExpiresAt = fromMicros(c), fromMicros(e)
	if st != 0 {
		j.StartedAt = fromMicros(st)
	}
	if f != 0 {
		j.FinishedAt = fromMicros(f)
	}
	return j, err
}

// CreateReportJob queues a job; it is kept until expires.
func (s *Store) CreateReportJob(ctx context.Context, j ReportJob, expires time.Time) (int64, error) {
	var id int64
	err := s.writes.QueryRowContext(ctx, `INSERT INTO report_jobs (kind, format, definition, params, owner_fin, owner_org, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, j.Kind, j.Format, j.Definition, j.Params, j.OwnerFIN, j.OwnerOrg,
		micros(s.now()), micros(expires)).Scan(&id)
	return id, s.classify("store.CreateReportJob", err)
}

// ReportJob returns a job, without its result.
func (s *Store) ReportJob(ctx context.Context, id int64) (ReportJob, error) {
	j, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM report_jobs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fault.E("store.ReportJob", fault.NotFound, err)
	}
	return j, s.classify("store.ReportJob", err)
}

// ReportJobResult returns the result of a finished job.
func (s *Store) ReportJobResult(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT result FROM report_jobs WHERE id = $1 AND state = 'done'`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.ReportJobResult", fault.NotFound, err)
	}
	return b, s.classify("store.ReportJobResult", err)
}

// ReportJobs lists a person's jobs, newest first.
func (s *Store) ReportJobs(ctx context.Context, ownerFIN string, limit int) ([]ReportJob, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+jobColumns+` FROM report_jobs WHERE owner_fin = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`, ownerFIN, limit)
	if err != nil {
		return nil, s.classify("store.ReportJobs", err)
	}
	defer rows.Close()
	out := []ReportJob{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, s.classify("store.ReportJobs", err)
		}
		out = append(out, j)
	}
	return out, s.classify("store.ReportJobs", rows.Err())
}

// ClaimReportJob claims the oldest queued job, or one whose holder's
// claim ran out, for holder until lease from now. The claim is a
// conditional UPDATE, so that of several servers on one database exactly
// one gets each job. It returns NotFound when there is nothing to do.
func (s *Store) ClaimReportJob(ctx context.Context, holder string, lease time.Duration) (ReportJob, error) {
	const op = "store.ClaimReportJob"
	for range 5 {
		now := micros(s.now())
		var id int64
		err := s.db.QueryRowContext(ctx, `SELECT id FROM report_jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < $1)
			ORDER BY created_at, id LIMIT 1`, now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ReportJob{}, fault.E(op, fault.NotFound, err)
		}
		if err != nil {
			return ReportJob{}, s.classify(op, err)
		}
		res, err := s.writes.ExecContext(ctx, `UPDATE report_jobs SET state = 'running', claimed_by = $1, lease_until = $2,
			started_at = $3, attempts = attempts + 1, progress = 0
			WHERE id = $4 AND (state = 'queued' OR (state = 'running' AND lease_until < $3))`, holder, now+lease.Microseconds(), now, id)
		if err != nil {
			return ReportJob{}, s.classify(op, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return s.ReportJob(ctx, id)
		}
		// Another server claimed it first: look again.
	}
	return ReportJob{}, fault.E(op, fault.NotFound, "every job was claimed by another server")
}

// ReportJobProgress records a running job's progress and extends its
// holder's claim; it is Conflict when holder no longer holds the job.
func (s *Store) ReportJobProgress(ctx context.Context, id int64, holder string, progress int, lease time.Duration) error {
	now := micros(s.now())
	res, err := s.writes.ExecContext(ctx, `UPDATE report_jobs SET progress = $1, lease_until = $2
		WHERE id = $3 AND claimed_by = $4 AND state = 'running'`, progress, now+lease.Microseconds(), id, holder)
	if err != nil {
		return s.classify("store.ReportJobProgress", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.E("store.ReportJobProgress", fault.Conflict, "the job is no longer held")
	}
	return nil
}

// FinishReportJob ends a job held by holder: done with its result, or
// failed with a message (errText non-empty). The job is kept until
// expires.
func (s *Store) FinishReportJob(ctx context.Context, id int64, holder string, result []byte, resultType, resultName, errText string, expires time.Time) error {
	state, progress := "done", 100
	if errText != "" {
		state, progress, result = "failed", 0, nil
	}
	res, err := s.writes.ExecContext(ctx, `UPDATE report_jobs SET state = $1, progress = $2, result = $3, result_type = $4, result_name = $5,
		error = $6, finished_at = $7, expires_at = $8 WHERE id = $9 AND claimed_by = $10 AND state = 'running'`,
		state, progress, result, resultType, resultName, errText, micros(s.now()), micros(expires), id, holder)
	if err != nil {
		return s.classify("store.FinishReportJob", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.E("store.FinishReportJob", fault.Conflict, "the job is no longer held")
	}
	return nil
}

// DeleteExpiredReportJobs deletes the jobs past their expiry, results
// and all, and returns how many.
func (s *Store) DeleteExpiredReportJobs(ctx context.Context) (int64, error) {
	res, err := s.writes.ExecContext(ctx, `DELETE FROM report_jobs WHERE expires_at < $1 AND state <> 'running'`, micros(s.now()))
	if err != nil {
		return 0, s.classify("store.DeleteExpiredReportJobs", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
