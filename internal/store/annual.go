package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// AnnualForm is one participant's annual report for a year: the form the
// operator defined and the participant's submission on it.
type AnnualForm struct {
	ID            int64
	Year          int
	Participant   string
	Definition    string // the form as JSON
	Deadline      string // last day, YYYY-MM-DD, end of day in Baku
	ReopenedUntil string // a later last day the operator allowed, or ""
	State         string // draft | submitted | returned | accepted
	Answers       string // the values as JSON
	SubmittedAt   time.Time
	Late          bool
	SignedID      int64
	Version       int // the row's revision, for compare-and-set updates
	Created       time.Time
	Updated       time.Time
	Events        []AnnualEvent
}

// AnnualEvent is a step of an annual report's history.
type AnnualEvent struct {
	At      time.Time
	Actor   string
	Org     string
	What    string
	Comment string
}

// AnnualSigned is a signed version of an annual report, kept as evidence.
type AnnualSigned struct {
	ID            int64
	FormID        int64
	ReceivedAt    time.Time
	Body          string
	Signature     string // base64 of the DER CMS signature
	SignerSubject string
	ClientSubject string
	Via           string // exchange | e-cabinet
}

// AnnualFormDef is a form to define for one participant.
type AnnualFormDef struct {
	Participant string
	Definition  string
	Deadline    string
}

var msgAnnualFrozen = i18n.T("Hesabat artıq təqdim olunub; formanı dəyişmək olmaz",
	"The report has already been submitted; its form cannot change",
	"Отчёт уже представлен; его форму изменить нельзя")

// PutAnnualForms defines (or redefines) the year's form for each
// participant in one transaction, audited: either every form is written
// or none. A form whose report was submitted or accepted is not changed;
// the answer names each such participant.
func (s *Store) PutAnnualForms(ctx context.Context, year int, defs []AnnualFormDef, actor audit.Actor) error {
	return s.tx(ctx, "store.PutAnnualForms", false, func(tx *sql.Tx) error {
		now := micros(s.now())
		var frozen []fault.FieldError
		for _, d := range defs {
			var id int64
			var state string
			err := tx.QueryRowContext(ctx, `SELECT id, state FROM annual_forms WHERE year = $1 AND participant = $2`,
				year, d.Participant).Scan(&id, &state)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				err = tx.QueryRowContext(ctx, `INSERT INTO annual_forms (year, participant, definition, deadline, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, year, d.Participant, d.Definition, d.Deadline, now).Scan(&id)
				if err != nil {
					return err
				}
				if err := annualEvent(ctx, tx, id, now, actor, "form_defined", ""); err != nil {
					return err
				}
			case err != nil:
				return err
			case state == "submitted" || state == "accepted":
				frozen = append(frozen, fault.FieldError{Field: "participants." + d.Participant, Code: "already_submitted", Message: msgAnnualFrozen})
				continue
			default:
				if _, err := tx.ExecContext(ctx, `UPDATE annual_forms SET definition = $1, deadline = $2, version = version + 1,
					updated_at = $3 WHERE id = $4`, d.Definition, d.Deadline, now, id); err != nil {
					return err
				}
				if err := annualEvent(ctx, tx, id, now, actor, "form_changed", ""); err != nil {
					return err
				}
			}
			if err := s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "annual.form", Outcome: d.Participant,
				Detail: fmt.Sprintf(`{"year":%d,"form":%d,"deadline":%q}`, year, id, d.Deadline)}); err != nil {
				return err
			}
		}
		if len(frozen) > 0 {
			return fault.E("store.PutAnnualForms", fault.Conflict, frozen, msgAnnualFrozen)
		}
		return nil
	})
}

func annualEvent(ctx context.Context, tx querier, form, at int64, actor audit.Actor, what, comment string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO annual_events (form_id, at, actor, org, what, comment) VALUES ($1, $2, $3, $4, $5, $6)`,
		form, at, actor.ID, actor.Org, what, comment)
	return err
}

const annualColumns = `id, year, participant, definition, deadline, reopened_until, state, answers, submitted_at, late, signed_id,
	version, created_at, updated_at`

func scanAnnual(r scanner) (AnnualForm, error) {
	var f AnnualForm
	var submitted, created, updated int64
	var late int
	err := r.Scan(&f.ID, &f.Year, &f.Participant, &f.Definition, &f.Deadline, &f.ReopenedUntil, &f.State, &f.Answers, &submitted,
		&late, &f.SignedID, &f.Version, &created, &updated)
	f.SubmittedAt, f.Late, f.Created, f.Updated = timeOrZero(submitted), late != 0, fromMicros(created), fromMicros(updated)
	return f, err
}

// AnnualForm returns a participant's form for a year, with its history.
func (s *Store) AnnualForm(ctx context.Context, year int, participant string) (*AnnualForm, error) {
	f, err := scanAnnual(s.db.QueryRowContext(ctx, `SELECT `+annualColumns+` FROM annual_forms WHERE year = $1 AND participant = $2`,
		year, participant))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.AnnualForm", fault.NotFound, fmt.Errorf("no annual form of %s for %d", participant, year),
			i18n.T("Bu il üçün hesabat forması yoxdur", "There is no report form for this year", "Формы отчёта за этот год нет"))
	}
	if err != nil {
		return nil, s.classify("store.AnnualForm", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, actor, org, what, comment FROM annual_events WHERE form_id = $1 ORDER BY id`, f.ID)
	if err != nil {
		return nil, s.classify("store.AnnualForm", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e AnnualEvent
		var at int64
		if err := rows.Scan(&at, &e.Actor, &e.Org, &e.What, &e.Comment); err != nil {
			return nil, s.classify("store.AnnualForm", err)
		}
		e.At = fromMicros(at)
		f.Events = append(f.Events, e)
	}
	return &f, s.classify("store.AnnualForm", rows.Err())
}

// AnnualForms lists the forms of a year (every year when year is 0), or
// of one participant when participant is given, by year then
// participant.
func (s *Store) AnnualForms(ctx context.Context, year int, participant string) ([]AnnualForm, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+annualColumns+` FROM annual_forms
		WHERE ($1 = 0 OR year = $1) AND ($2 = '' OR participant = $2) ORDER BY year DESC, participant`, year, participant)
	if err != nil {
		return nil, s.classify("store.AnnualForms", err)
	}
	defer rows.Close()
	out := []AnnualForm{}
	for rows.Next() {
		f, err := scanAnnual(rows)
		if err != nil {
			return nil, s.classify("store.AnnualForms", err)
		}
		out = append(out, f)
	}
	return out, s.classify("store.AnnualForms", rows.Err())
}

// AnnualYears lists the years that have forms, the latest first.
func (s *Store) AnnualYears(ctx context.Context) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT year FROM annual_forms ORDER BY year DESC`)
	if err != nil {
		return nil, s.classify("store.AnnualYears", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, s.classify("store.AnnualYears", err)
		}
		out = append(out, y)
	}
	return out, s.classify("store.AnnualYears", rows.Err())
}

// AnnualUpdate is a change of an annual report decided by the domain:
// applied only if the report is still at the revision the decision was
// made on, with its history step, evidence, e-mails and audit entry, in
// one transaction.
type AnnualUpdate struct {
	FormID  int64
	Version int // the revision the change was decided on
	State   string
	Answers *string
	// Submitted, when set, records a submission at SubmittedAt, Late or
	// not, with the signed version Signed kept as evidence.
	Submitted     bool
	SubmittedAt   time.Time
	Late          bool
	Signed        *AnnualSigned
	ReopenedUntil *string
	Deadline      *string
	Event         string
	Comment       string
	Actor         audit.Actor
	Mails         []Mail
}

var msgAnnualChanged = i18n.T("Hesabat bu arada dəyişib; səhifəni yeniləyib yenidən cəhd edin",
	"The report changed meanwhile; reload it and try again",
	"Отчёт тем временем изменился; обновите страницу и повторите")

// UpdateAnnual applies a change decided on a revision of the report. A
// report changed since is a Conflict and nothing is written.
func (s *Store) UpdateAnnual(ctx context.Context, u AnnualUpdate) error {
	return s.tx(ctx, "store.UpdateAnnual", false, func(tx *sql.Tx) error {
		now := micros(s.now())
		var signedID int64
		if u.Signed != nil {
			err := tx.QueryRowContext(ctx, `INSERT INTO annual_signed (form_id, received_at, body, signature, signer_subject, client_subject, via)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, u.FormID, now, u.Signed.Body, u.Signed.Signature,
				u.Signed.SignerSubject, u.Signed.ClientSubject, u.Signed.Via).Scan(&signedID)
			if err != nil {
				return err
			}
		}
		q := `UPDATE annual_forms SET state = $1, version = version + 1, updated_at = $2`
		args := []any{u.State, now}
		add := func(col string, v any) {
			args = append(args, v)
			q += fmt.Sprintf(", %s = $%d", col, len(args))
		}
		if u.Answers != nil {
			add("answers", *u.Answers)
		}
		if u.Submitted {
			add("submitted_at", micros(u.SubmittedAt))
			late := 0
			if u.Late {
				late = 1
			}
			add("late", late)
			add("signed_id", signedID)
		}
		if u.ReopenedUntil != nil {
			add("reopened_until", *u.ReopenedUntil)
		}
		if u.Deadline != nil {
			add("deadline", *u.Deadline)
		}
		args = append(args, u.FormID, u.Version)
		q += fmt.Sprintf(" WHERE id = $%d AND version = $%d", len(args)-1, len(args))
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.E("store.UpdateAnnual", fault.Conflict, msgAnnualChanged)
		}
		if err := annualEvent(ctx, tx, u.FormID, now, u.Actor, u.Event, u.Comment); err != nil {
			return err
		}
		if err := s.queueMail(ctx, tx, u.Mails); err != nil {
			return err
		}
		detail := fmt.Sprintf(`{"form":%d,"state":%q`, u.FormID, u.State)
		if signedID != 0 {
			detail += fmt.Sprintf(`,"signed":%d`, signedID)
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: u.Actor, Action: "annual." + u.Event, Outcome: u.State, Detail: detail + "}"})
	})
}

// AnnualSignedVersion returns a signed version kept as evidence.
func (s *Store) AnnualSignedVersion(ctx context.Context, id int64) (*AnnualSigned, error) {
	v := AnnualSigned{ID: id}
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT form_id, received_at, body, signature, signer_subject, client_subject, via
		FROM annual_signed WHERE id = $1`, id).Scan(&v.FormID, &at, &v.Body, &v.Signature, &v.SignerSubject, &v.ClientSubject, &v.Via)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.AnnualSigned", fault.NotFound, fmt.Errorf("no signed annual report %d", id))
	}
	if err != nil {
		return nil, s.classify("store.AnnualSigned", err)
	}
	v.ReceivedAt = fromMicros(at)
	return &v, nil
}

// ClaimAnnualReminder records that the reminder days before the deadline
// of a form is sent, with its e-mails and history step, audited — unless
// it was claimed before, by this server or another: then it writes
// nothing and returns false. Each reminder is thus sent exactly once.
func (s *Store) ClaimAnnualReminder(ctx context.Context, formID int64, days int, mails []Mail) (bool, error) {
	claimed := false
	err := s.tx(ctx, "store.ClaimAnnualReminder", false, func(tx *sql.Tx) error {
		now := micros(s.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO annual_reminders (form_id, days, sent_at) VALUES ($1, $2, $3)
			ON CONFLICT (form_id, days) DO NOTHING`, formID, days, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		claimed = true
		actor := audit.SystemActor("annual-reminders")
		if err := annualEvent(ctx, tx, formID, now, actor, fmt.Sprintf("reminder_%d", days), ""); err != nil {
			return err
		}
		if err := s.queueMail(ctx, tx, mails); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "annual.reminder", Outcome: "sent",
			Detail: fmt.Sprintf(`{"form":%d,"days":%d}`, formID, days)})
	})
	return claimed, err
}

// AnnualReminders returns the reminders sent for a form, by days before
// the deadline.
func (s *Store) AnnualReminders(ctx context.Context, formID int64) (map[int]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT days, sent_at FROM annual_reminders WHERE form_id = $1`, formID)
	if err != nil {
		return nil, s.classify("store.AnnualReminders", err)
	}
	defer rows.Close()
	out := map[int]time.Time{}
	for rows.Next() {
		var d int
		var at int64
		if err := rows.Scan(&d, &at); err != nil {
			return nil, s.classify("store.AnnualReminders", err)
		}
		out[d] = fromMicros(at)
	}
	return out, s.classify("store.AnnualReminders", rows.Err())
}

// AnnualPending is an annual report in the e-cabinet awaiting its
// person's signature.
type AnnualPending struct {
	ID        string
	FormID    int64
	FIN, Org  string
	Body      []byte // exactly the bytes signed
	RequestID string
	Code      string
	Expires   time.Time
	Done      bool
}

// PutAnnualPending keeps a report awaiting its signature, and removes
// those older than a day.
func (s *Store) PutAnnualPending(ctx context.Context, p AnnualPending) error {
	return s.tx(ctx, "store.PutAnnualPending", false, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM annual_pending WHERE created_at < $1`, micros(s.now().Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO annual_pending (id, form_id, fin, org, body, request_id, code, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, p.ID, p.FormID, p.FIN, p.Org, string(p.Body), p.RequestID, p.Code,
			micros(p.Expires), micros(s.now()))
		return err
	})
}

// AnnualPendingByID returns a report awaiting its signature.
func (s *Store) AnnualPendingByID(ctx context.Context, id string) (*AnnualPending, error) {
	p := AnnualPending{ID: id}
	var body string
	var expires int64
	var done int
	err := s.db.QueryRowContext(ctx, `SELECT form_id, fin, org, body, request_id, code, expires_at, done FROM annual_pending WHERE id = $1`, id).
		Scan(&p.FormID, &p.FIN, &p.Org, &body, &p.RequestID, &p.Code, &expires, &done)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.AnnualPending", fault.NotFound, fmt.Errorf("no pending annual report %q", id),
			i18n.T("Belə imza sorğusu yoxdur", "There is no such signing request", "Такого запроса подписи нет"))
	}
	if err != nil {
		return nil, s.classify("store.AnnualPending", err)
	}
	p.Body, p.Expires, p.Done = []byte(body), fromMicros(expires), done != 0
	return &p, nil
}

// AnnualPendingDone marks a pending report as stored.
func (s *Store) AnnualPendingDone(ctx context.Context, id string) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE annual_pending SET done = 1 WHERE id = $1`, id)
	return s.classify("store.AnnualPendingDone", err)
}

// The figures the Data Bank computes for a year (see AnnualMeasures).
var annualMeasureCodes = []string{"children_total", "children_disability", "children_in_care", "school_age_no_schooling",
	"offences_against_children", "offences_by_children", "minor_mothers"}

// AnnualMeasures computes, for a year, the figures the Data Bank itself
// holds, over the children under 18 on 31 December of that year who are
// not recorded as dead, per district, and under "" for the whole country:
// children_total, children_disability (a current record with an
// established disability), children_in_care (state or alternative care,
// or on the register of children deprived of parental care),
// school_age_no_schooling (6 or older with no schooling record),
// offences_against_children and offences_by_children (a record of that
// category effective in the year) and minor_mothers (likewise). It reads
// every profile once. These are aggregate counts, not personal data.
func (s *Store) AnnualMeasures(ctx context.Context, year int) (map[string]map[string]int64, error) {
	end := fmt.Sprintf("%04d-12-31", year)
	start := fmt.Sprintf("%04d-01-01", year)
	born18 := fmt.Sprintf("%04d-12-31", year-18)
	born6 := fmt.Sprintf("%04d-12-31", year-6)
	bit := func(cs ...*category.Category) int64 {
		var m int64
		for _, c := range cs {
			m |= int64(1) << c.Bit
		}
		return m
	}
	// The profile's presence mask says which children have a record of a
	// category at all: only theirs are looked up among the facts.
	inYear := func(c *category.Category) string {
		return fmt.Sprintf(`CASE WHEN (p.categories & %d) <> 0 AND EXISTS (SELECT 1 FROM facts f WHERE f.child_id = p.child_id
			AND f.category = '%s' AND f.is_current = 1 AND f.action = 'upsert' AND f.effective_date >= $1 AND f.effective_date <= $2)
			THEN 1 ELSE 0 END`, bit(c), c.Code)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT p.district, count(*),
		coalesce(sum(CASE WHEN (p.categories & `+fmt.Sprint(bit(category.CatPensionBenefits, category.CatHealthCheckup, category.CatSpecialEducation))+`) <> 0
			AND EXISTS (SELECT 1 FROM facts f WHERE f.child_id = p.child_id AND f.is_current = 1 AND f.action = 'upsert'
			AND f.category IN ('pension_benefits', 'health_checkup', 'special_education') AND f.payload LIKE '%"disability":%')
			THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN p.care_status <> '' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN p.birth_date <= $4 AND (p.categories & $5) = 0 THEN 1 ELSE 0 END), 0),
		coalesce(sum(`+inYear(category.CatOffencesAgainstChild)+`), 0),
		coalesce(sum(`+inYear(category.CatOffencesByChild)+`), 0),
		coalesce(sum(`+inYear(category.CatMinorMotherhood)+`), 0)
		FROM profiles p
		WHERE p.birth_date <> '' AND p.birth_date <= $2 AND p.birth_date > $3 AND p.status <> 'deceased' AND p.archived_reason <> 'death'
		GROUP BY p.district`, start, end, born18, born6, bit(category.CatSchooling))
	if err != nil {
		return nil, s.classify("store.AnnualMeasures", err)
	}
	defer rows.Close()
	national := map[string]int64{}
	out := map[string]map[string]int64{"": national}
	for _, c := range annualMeasureCodes {
		national[c] = 0
	}
	for rows.Next() {
		var district string
		v := make([]int64, len(annualMeasureCodes))
		if err := rows.Scan(&district, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]); err != nil {
			return nil, s.classify("store.AnnualMeasures", err)
		}
		m := map[string]int64{}
		for i, c := range annualMeasureCodes {
			m[c] = v[i]
			national[c] += v[i]
		}
		if district != "" {
			out[district] = m
		}
	}
	return out, s.classify("store.AnnualMeasures", rows.Err())
}

// PutAnnualMeasures keeps a year's computed figures, per district and
// under "" for the country, replacing those kept before.
func (s *Store) PutAnnualMeasures(ctx context.Context, year int, figures map[string]map[string]int64) error {
	return s.tx(ctx, "store.PutAnnualMeasures", false, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM annual_measures WHERE year = $1`, year); err != nil {
			return err
		}
		now := micros(s.now())
		for district, m := range figures {
			b, _ := json.Marshal(m)
			if _, err := tx.ExecContext(ctx, `INSERT INTO annual_measures (year, district, figures, computed_at) VALUES ($1, $2, $3, $4)`,
				year, district, string(b), now); err != nil {
				return err
			}
		}
		return nil
	})
}

// StoredAnnualMeasures returns the figures kept for a year and a district
// ("" for the country) and when they were computed; ok is false when none
// were computed for the year yet. A district with no children has zeros.
func (s *Store) StoredAnnualMeasures(ctx context.Context, year int, district string) (map[string]int64, time.Time, bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT district, figures, computed_at FROM annual_measures WHERE year = $1 AND district IN ('', $2)`,
		year, district)
	if err != nil {
		return nil, time.Time{}, false, s.classify("store.StoredAnnualMeasures", err)
	}
	defer rows.Close()
	found := false
	var at int64
	out := map[string]int64{}
	for _, c := range annualMeasureCodes {
		out[c] = 0
	}
	for rows.Next() {
		var d, figures string
		var t int64
		if err := rows.Scan(&d, &figures, &t); err != nil {
			return nil, time.Time{}, false, s.classify("store.StoredAnnualMeasures", err)
		}
		found, at = true, t
		if d == district {
			if err := json.Unmarshal([]byte(figures), &out); err != nil {
				return nil, time.Time{}, false, fault.E("store.StoredAnnualMeasures", err)
			}
		}
	}
	return out, fromMicros(at), found, s.classify("store.StoredAnnualMeasures", rows.Err())
}
