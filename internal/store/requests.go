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

// Request is something the operator answers: an error report, a
// person's appeal, proposal or complaint, or a participant's request.
type Request struct {
	ID         int64
	Kind       string
	FromFIN    string
	FromOrg    string
	ReplyEmail string
	ChildID    int64
	FactID     int64
	FactSender string
	Subject    string
	Body       string
	FileName   string
	FileType   string
	State      string
	DueOn      string
	Answer     string
	AnsweredBy string
	AnsweredAt time.Time
	Created    time.Time
	Events     []RequestEvent
}

// RequestEvent is a step of a request's history.
type RequestEvent struct {
	At    time.Time
	Actor string
	What  string
	Text  string
}

// Mail is an e-mail to send.
type Mail struct {
	To, Subject, Body string
}

// FileRequest stores a request with its first history step and the
// e-mails it causes, audited.
func (s *Store) FileRequest(ctx context.Context, r Request, file []byte, mails []Mail, actor audit.Actor) (int64, error) {
	var id int64
	err := s.tx(ctx, "store.FileRequest", false, func(tx *sql.Tx) error {
		var child, fact sql.NullInt64
		if r.ChildID != 0 {
			child = sql.NullInt64{Int64: r.ChildID, Valid: true}
		}
		if r.FactID != 0 {
			fact = sql.NullInt64{Int64: r.FactID, Valid: true}
		}
		var data any
		if len(file) > 0 {
			data = file
		}
		now := micros(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO requests (kind, from_fin, from_org, reply_email, child_id, fact_id, fact_sender,
			subject, body, file_name, file_type, file_data, due_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			r.Kind, r.FromFIN, r.FromOrg, r.ReplyEmail, child, fact, r.FactSender, r.Subject, r.Body, r.FileName, r.FileType, data,
			r.DueOn, now).Scan(&id)
		if err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, now, actor.ID, "submitted", ""); err != nil {
			return err
		}
		if err := s.queueMail(ctx, tx, mails); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "request." + r.Kind, ChildID: r.ChildID, Outcome: "submitted",
			Detail: fmt.Sprintf(`{"request":%d}`, id)})
	})
	return id, err
}

func addEvent(ctx context.Context, tx *sql.Tx, id, at int64, actor, what, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO request_events (request_id, at, actor, what, text) VALUES ($1, $2, $3, $4, $5)`,
		id, at, actor, what, text)
	return err
}

func (s *Store) queueMail(ctx context.Context, tx *sql.Tx, mails []Mail) error {
	for _, m := range mails {
		if m.To == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (to_addr, subject, body, created_at) VALUES ($1, $2, $3, $4)`,
			m.To, m.Subject, m.Body, micros(s.now())); err != nil {
			return err
		}
	}
	return nil
}

// AnswerRequest records the operator's answer to an open request, with
// the e-mails it causes, audited.
func (s *Store) AnswerRequest(ctx context.Context, id int64, answer string, mails []Mail, actor audit.Actor) error {
	return s.tx(ctx, "store.AnswerRequest", false, func(tx *sql.Tx) error {
		var state string
		var child sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT state, child_id FROM requests WHERE id = $1`, id).Scan(&state, &child)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.E("store.AnswerRequest", fault.NotFound, fmt.Errorf("no request %d", id))
		}
		if err != nil {
			return err
		}
		if state != "open" {
			return fault.E("store.AnswerRequest", fault.Conflict, fmt.Errorf("request %d is already answered", id))
		}
		now := micros(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET state = 'answered', answer = $1, answered_by = $2, answered_at = $3
			WHERE id = $4`, answer, actor.ID, now, id); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, now, actor.ID, "answered", answer); err != nil {
			return err
		}
		if err := s.queueMail(ctx, tx, mails); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "request.answer", ChildID: child.Int64, Outcome: "answered",
			Detail: fmt.Sprintf(`{"request":%d}`, id)})
	})
}

const requestColumns = `id, kind, from_fin, from_org, reply_email, coalesce(child_id, 0), coalesce(fact_id, 0), fact_sender, subject,
	body, file_name, file_type, state, due_on, answer, answered_by, answered_at, created_at`

func scanRequest(r scanner) (Request, error) {
	var q Request
	var answered, created int64
	err := r.Scan(&q.ID, &q.Kind, &q.FromFIN, &q.FromOrg, &q.ReplyEmail, &q.ChildID, &q.FactID, &q.FactSender, &q.Subject,
		&q.Body, &q.FileName, &q.FileType, &q.State, &q.DueOn, &q.Answer, &q.AnsweredBy, &answered, &created)
	q.AnsweredAt, q.Created = timeOrZero(answered), fromMicros(created)
	return q, err
}

// RequestFilter selects requests: a person's (FIN), an organisation's
// own (Org), those about records an organisation sent (Sender), or in a
// state; all of those given.
type RequestFilter struct {
	FIN, Org, Sender, State string
	Limit                   int
}

// Requests lists requests, the open ones by deadline first, then the
// newest.
func (s *Store) Requests(ctx context.Context, f RequestFilter) ([]Request, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE ($1 = '' OR from_fin = $1) AND ($2 = '' OR from_org = $2) AND ($3 = '' OR fact_sender = $3) AND ($4 = '' OR state = $4)
		ORDER BY CASE WHEN state = 'open' THEN 0 ELSE 1 END, due_on, id DESC LIMIT $5`, f.FIN, f.Org, f.Sender, f.State, f.Limit)
	if err != nil {
		return nil, s.classify("store.Requests", err)
	}
	defer rows.Close()
	out := []Request{}
	for rows.Next() {
		q, err := scanRequest(rows)
		if err != nil {
			return nil, s.classify("store.Requests", err)
		}
		out = append(out, q)
	}
	return out, s.classify("store.Requests", rows.Err())
}

// RequestByID returns a request with its history.
func (s *Store) RequestByID(ctx context.Context, id int64) (*Request, error) {
	q, err := scanRequest(s.db.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.Request", fault.NotFound, fmt.Errorf("no request %d", id))
	}
	if err != nil {
		return nil, s.classify("store.Request", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, actor, what, text FROM request_events WHERE request_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, s.classify("store.Request", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e RequestEvent
		var at int64
		if err := rows.Scan(&at, &e.Actor, &e.What, &e.Text); err != nil {
			return nil, s.classify("store.Request", err)
		}
		e.At = fromMicros(at)
		q.Events = append(q.Events, e)
	}
	return &q, s.classify("store.Request", rows.Err())
}

// SetParticipantEmail sets where an organisation's notices go, audited.
func (s *Store) SetParticipantEmail(ctx context.Context, code, email string, actor audit.Actor) error {
	defer s.parts.changed()
	return s.tx(ctx, "store.SetParticipantEmail", false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE participants SET email = $1 WHERE code = $2`, email, code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.E("store.SetParticipantEmail", fault.NotFound, fmt.Errorf("no participant %q", code))
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "participant.email", Outcome: code})
	})
}

// ParticipantEmail returns where an organisation's notices go, "" for
// nowhere.
func (s *Store) ParticipantEmail(ctx context.Context, code string) (string, error) {
	var email string
	err := s.db.QueryRowContext(ctx, `SELECT email FROM participants WHERE code = $1`, code).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return email, s.classify("store.ParticipantEmail", err)
}

// QueuedMail is an e-mail waiting in the outbox.
type QueuedMail struct {
	ID       int64
	Mail     Mail
	Attempts int
}

// DueMail returns the e-mails due to be sent.
func (s *Store) DueMail(ctx context.Context, limit int) ([]QueuedMail, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, to_addr, subject, body, attempts FROM outbox
		WHERE sent_at = 0 AND next_at <= $1 ORDER BY id LIMIT $2`, micros(s.now()), limit)
	if err != nil {
		return nil, s.classify("store.DueMail", err)
	}
	defer rows.Close()
	var out []QueuedMail
	for rows.Next() {
		var m QueuedMail
		if err := rows.Scan(&m.ID, &m.Mail.To, &m.Mail.Subject, &m.Mail.Body, &m.Attempts); err != nil {
			return nil, s.classify("store.DueMail", err)
		}
		out = append(out, m)
	}
	return out, s.classify("store.DueMail", rows.Err())
}

// MailSent marks an e-mail sent; MailFailed records a failure and when to
// try again.
func (s *Store) MailSent(ctx context.Context, id int64) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2`, micros(s.now()), id)
	return s.classify("store.MailSent", err)
}

// MailFailed records a failed attempt and when to try again.
func (s *Store) MailFailed(ctx context.Context, id int64, next time.Time, reason string) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_at = $1, last_error = $2 WHERE id = $3`,
		micros(next), reason, id)
	return s.classify("store.MailFailed", err)
}

// QueueMail puts e-mails in the outbox.
func (s *Store) QueueMail(ctx context.Context, mails []Mail) error {
	return s.tx(ctx, "store.QueueMail", false, func(tx *sql.Tx) error { return s.queueMail(ctx, tx, mails) })
}

// RequestFile returns a request's attachment.
func (s *Store) RequestFile(ctx context.Context, id int64) (string, string, []byte, error) {
	var name, typ string
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT file_name, file_type, file_data FROM requests WHERE id = $1`, id).Scan(&name, &typ, &data)
	return name, typ, data, s.classify("store.RequestFile", err)
}
