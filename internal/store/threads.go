package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
)

// MessagesChannel is the PostgreSQL notification channel on which every
// new message's id is announced when its transaction commits, so that
// every server instance can push it to the browsers connected to it.
const MessagesChannel = "databank_messages"

// Thread is a correspondence thread between organisations.
type Thread struct {
	ID         int64
	Subject    string
	ChildID    int64 // 0 for a general thread
	OpenedBy   string
	OpenedFIN  string
	State      string // open | awaiting | resolved
	Awaiting   string // the organisation an answer is awaited from
	DueAt      time.Time
	SignalRule string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Members    []Member
}

// MemberOrgs returns the codes of the thread's member organisations.
func (t *Thread) MemberOrgs() []string {
	out := make([]string, len(t.Members))
	for i, m := range t.Members {
		out[i] = m.Org
	}
	return out
}

// Member is an organisation in a thread, with its read receipt.
type Member struct {
	Org      string
	AddedAt  time.Time
	AddedBy  string
	ReadUpto int64
	ReadAt   time.Time
}

// Message is one version of a message, or an event of the thread.
type Message struct {
	ID         int64
	ThreadID   int64
	Org        string
	AuthorFIN  string
	AuthorName string
	Kind       string // message | event | signal
	Body       string
	EditOf     int64 // the first version, for an edit
	CreatedAt  time.Time
	Files      []File
}

// File is an attachment's description.
type File struct {
	ID          int64
	Name        string
	ContentType string
	Size        int64
	SHA256      string
}

// NewFile is an attachment to store.
type NewFile struct {
	Name, ContentType string
	Data              []byte
}

// Notice kinds.
const (
	NoticeThread   = "thread"
	NoticeMessage  = "message"
	NoticeMention  = "mention"
	NoticeReminder = "reminder"
	NoticeOverdue  = "overdue"
)

// Post is a write to a thread: a message or event, its attachments, the
// organisations it adds, and what the thread becomes.
type Post struct {
	Message Message
	Files   []NewFile
	// Add are organisations to make members (by the author's choice or a
	// mention); Mentioned those of them, and of the members, to notify as
	// mentioned.
	Add       []string
	Mentioned []string
	// State, when set, is the thread's new state, with Awaiting and DueAt.
	State    string
	Awaiting string
	DueAt    time.Time
	Audit    audit.Entry
}

// OpenThread stores a new thread with its members and first message, and
// notifies every member organisation but the opener's.
func (s *Store) OpenThread(ctx context.Context, t Thread, members []string, first Post) (threadID, messageID int64, err error) {
	err = s.tx(ctx, "store.OpenThread", false, func(tx *sql.Tx) error {
		now := micros(s.now())
		var child sql.NullInt64
		if t.ChildID != 0 {
			child = sql.NullInt64{Int64: t.ChildID, Valid: true}
		}
		state := t.State
		if state == "" {
			state = "open"
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO threads (subject, child_id, opened_by, opened_fin, state, awaiting, due_at,
			signal_rule, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			t.Subject, child, t.OpenedBy, t.OpenedFIN, state, t.Awaiting, microsOrZero(t.DueAt), t.SignalRule, now).Scan(&threadID)
		if err != nil {
			return err
		}
		for _, org := range members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO thread_members (thread_id, org, added_at, added_by) VALUES ($1, $2, $3, $4)`,
				threadID, org, now, t.OpenedBy); err != nil {
				return err
			}
		}
		first.Message.ThreadID = threadID
		first.Audit.Detail = threadDetail(threadID, first.Audit.Detail)
		messageID, err = s.post(ctx, tx, first, NoticeThread)
		return err
	})
	return threadID, messageID, err
}

// PostToThread stores a message or event in a thread, with what it
// changes, and notifies the members.
func (s *Store) PostToThread(ctx context.Context, p Post) (int64, error) {
	var id int64
	err := s.tx(ctx, "store.PostToThread", false, func(tx *sql.Tx) error {
		var err error
		id, err = s.post(ctx, tx, p, NoticeMessage)
		return err
	})
	return id, err
}

func (s *Store) post(ctx context.Context, tx *sql.Tx, p Post, kind string) (int64, error) {
	now := micros(s.now())
	m := p.Message
	for _, org := range p.Add {
		if _, err := tx.ExecContext(ctx, `INSERT INTO thread_members (thread_id, org, added_at, added_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (thread_id, org) DO NOTHING`, m.ThreadID, org, now, m.Org); err != nil {
			return 0, err
		}
	}
	if p.State != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET state = $1, awaiting = $2, due_at = $3, reminded_at = 0
			WHERE id = $4`, p.State, p.Awaiting, microsOrZero(p.DueAt), m.ThreadID); err != nil {
			return 0, err
		}
	}
	kindOf := m.Kind
	if kindOf == "" {
		kindOf = "message"
	}
	var editOf sql.NullInt64
	if m.EditOf != 0 {
		editOf = sql.NullInt64{Int64: m.EditOf, Valid: true}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO messages (thread_id, org, author_fin, author_name, kind, body, edit_of, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, m.ThreadID, m.Org, m.AuthorFIN, m.AuthorName, kindOf, m.Body,
		editOf, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	for _, f := range p.Files {
		sum := sha256.Sum256(f.Data)
		if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (message_id, name, content_type, size, sha256, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, f.Name, f.ContentType, len(f.Data), hex.EncodeToString(sum[:]), f.Data); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE threads SET updated_at = $1 WHERE id = $2`, now, m.ThreadID); err != nil {
		return 0, err
	}
	// The author's own organisation has read what it wrote.
	if _, err := tx.ExecContext(ctx, `UPDATE thread_members SET read_upto = $1, read_at = $2 WHERE thread_id = $3 AND org = $4`,
		id, now, m.ThreadID, m.Org); err != nil {
		return 0, err
	}
	// A notice to every other member: of a mention, else of the message.
	members, err := memberOrgs(ctx, tx, m.ThreadID)
	if err != nil {
		return 0, err
	}
	for _, org := range members {
		if org == m.Org {
			continue
		}
		k := kind
		if slices.Contains(p.Mentioned, org) {
			k = NoticeMention
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notices (org, kind, thread_id, message_id, created_at)
			VALUES ($1, $2, $3, $4, $5)`, org, k, m.ThreadID, id, now); err != nil {
			return 0, err
		}
	}
	if s.engine == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, MessagesChannel, strconv.FormatInt(id, 10)); err != nil {
			return 0, err
		}
	}
	e := p.Audit
	e.Detail = messageDetail(id, e.Detail)
	return id, s.appendAudit(ctx, tx, e)
}

func memberOrgs(ctx context.Context, tx querier, threadID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT org FROM thread_members WHERE thread_id = $1 ORDER BY org`, threadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, err
		}
		out = append(out, org)
	}
	return out, rows.Err()
}

// mergeDetail adds fields to an audit entry's JSON detail.
func mergeDetail(detail string, add map[string]any) string {
	m := map[string]any{}
	if detail != "" {
		json.Unmarshal([]byte(detail), &m)
	}
	for k, v := range add {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func threadDetail(id int64, detail string) string {
	return mergeDetail(detail, map[string]any{"thread": id})
}

func messageDetail(id int64, detail string) string {
	return mergeDetail(detail, map[string]any{"message": id})
}

func microsOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

func timeOrZero(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return fromMicros(us)
}

// LoadThread returns a thread with its members and every message version,
// oldest first. It leaves no audit entry: the caller decides who may see
// it, and audits that.
func (s *Store) LoadThread(ctx context.Context, id int64) (*Thread, []Message, error) {
	var t *Thread
	var msgs []Message
	err := s.tx(ctx, "store.LoadThread", true, func(tx *sql.Tx) error {
		var err error
		if t, err = loadThread(ctx, tx, id); err != nil {
			return err
		}
		msgs, err = messagesWhere(ctx, tx, `m.thread_id = $1`, 0, id)
		return err
	})
	return t, msgs, err
}

// ThreadOf returns a thread with its members.
func (s *Store) ThreadOf(ctx context.Context, id int64) (*Thread, error) {
	t, err := loadThread(ctx, s.db, id)
	return t, s.classifyKeep("store.ThreadOf", err)
}

func (s *Store) classifyKeep(op string, err error) error {
	if _, ok := err.(*fault.Error); ok {
		return err
	}
	return s.classify(op, err)
}

func loadThread(ctx context.Context, q querier, id int64) (*Thread, error) {
	t := &Thread{ID: id}
	var child sql.NullInt64
	var due, created, updated int64
	err := q.QueryRowContext(ctx, `SELECT subject, child_id, opened_by, opened_fin, state, awaiting, due_at, signal_rule,
		created_at, updated_at FROM threads WHERE id = $1`, id).Scan(&t.Subject, &child, &t.OpenedBy, &t.OpenedFIN, &t.State,
		&t.Awaiting, &due, &t.SignalRule, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.LoadThread", fault.NotFound, fmt.Errorf("no thread %d", id))
	}
	if err != nil {
		return nil, err
	}
	t.ChildID, t.DueAt, t.CreatedAt, t.UpdatedAt = child.Int64, timeOrZero(due), fromMicros(created), fromMicros(updated)
	rows, err := q.QueryContext(ctx, `SELECT org, added_at, added_by, read_upto, read_at FROM thread_members
		WHERE thread_id = $1 ORDER BY added_at, org`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Member
		var added, readAt int64
		if err := rows.Scan(&m.Org, &added, &m.AddedBy, &m.ReadUpto, &readAt); err != nil {
			return nil, err
		}
		m.AddedAt, m.ReadAt = fromMicros(added), timeOrZero(readAt)
		t.Members = append(t.Members, m)
	}
	return t, rows.Err()
}

// messagesWhere returns the messages a condition on m selects, with their
// attachments, in order, at most limit (0 for all).
func messagesWhere(ctx context.Context, q querier, cond string, limit int, args ...any) ([]Message, error) {
	tail := ""
	if limit > 0 {
		tail = " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.thread_id, m.org, m.author_fin, m.author_name, m.kind, m.body,
		coalesce(m.edit_of, 0), m.created_at FROM messages m WHERE `+cond+` ORDER BY m.id`+tail, args...)
	if err != nil {
		return nil, err
	}
	var out []Message
	byID := map[int64]int{}
	for rows.Next() {
		var m Message
		var created int64
		if err := rows.Scan(&m.ID, &m.ThreadID, &m.Org, &m.AuthorFIN, &m.AuthorName, &m.Kind, &m.Body, &m.EditOf, &created); err != nil {
			rows.Close()
			return nil, err
		}
		m.CreatedAt = fromMicros(created)
		byID[m.ID] = len(out)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, 0, len(out))
	for _, m := range out {
		ids = append(ids, m.ID)
	}
	err = inChunks(len(ids), idsPerQuery, func(lo, hi int) error {
		rows, err := q.QueryContext(ctx, `SELECT id, message_id, name, content_type, size, sha256 FROM attachments
			WHERE message_id IN (`+placeholders(1, hi-lo)+`) ORDER BY id`, int64Args(ids[lo:hi])...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f File
			var mid int64
			if err := rows.Scan(&f.ID, &mid, &f.Name, &f.ContentType, &f.Size, &f.SHA256); err != nil {
				return err
			}
			out[byID[mid]].Files = append(out[byID[mid]].Files, f)
		}
		return rows.Err()
	})
	return out, err
}

// Message returns one message with its attachments.
func (s *Store) Message(ctx context.Context, id int64) (*Message, error) {
	msgs, err := messagesWhere(ctx, s.db, `m.id = $1`, 0, id)
	if err != nil {
		return nil, s.classify("store.Message", err)
	}
	if len(msgs) == 0 {
		return nil, fault.E("store.Message", fault.NotFound, fmt.Errorf("no message %d", id))
	}
	return &msgs[0], nil
}

// MessagesAfter returns the messages after id in the threads an
// organisation belongs to, at most limit: what a browser missed while it
// was away.
func (s *Store) MessagesAfter(ctx context.Context, org string, after int64, limit int) ([]Message, error) {
	msgs, err := messagesWhere(ctx, s.db, `m.id > $1 AND m.thread_id IN (SELECT thread_id FROM thread_members WHERE org = $2)`,
		limit, after, org)
	return msgs, s.classify("store.MessagesAfter", err)
}

// LastMessage returns the id of the last message stored, 0 for none.
func (s *Store) LastMessage(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM messages`).Scan(&id)
	return id, s.classify("store.LastMessage", err)
}

// MessagesSince returns the messages after id in every thread, at most
// limit.
func (s *Store) MessagesSince(ctx context.Context, after int64, limit int) ([]Message, error) {
	msgs, err := messagesWhere(ctx, s.db, `m.id > $1`, limit, after)
	return msgs, s.classify("store.MessagesSince", err)
}

// MarkRead moves an organisation's read receipt of a thread up to a
// message.
func (s *Store) MarkRead(ctx context.Context, threadID int64, org string, upto int64) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE thread_members SET read_upto = $1, read_at = $2
		WHERE thread_id = $3 AND org = $4 AND read_upto < $1`, upto, micros(s.now()), threadID, org)
	return s.classify("store.MarkRead", err)
}

// ThreadRow is a thread in a list: its last activity and how many
// messages the organisation has not read.
type ThreadRow struct {
	Thread
	Unread int
}

// ThreadFilter selects threads of an organisation.
type ThreadFilter struct {
	ChildID int64
	State   string
	Unread  bool
	Limit   int
}

// ThreadsOf lists the threads an organisation belongs to, most recently
// active first, with its unread counts. The caller filters what the
// person may see.
func (s *Store) ThreadsOf(ctx context.Context, org string, f ThreadFilter) ([]ThreadRow, error) {
	where, args := `tm.org = $1`, []any{org}
	if f.ChildID != 0 {
		args = append(args, f.ChildID)
		where += fmt.Sprintf(` AND t.child_id = $%d`, len(args))
	}
	if f.State != "" {
		args = append(args, f.State)
		where += fmt.Sprintf(` AND t.state = $%d`, len(args))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	having := ""
	if f.Unread {
		having = ` HAVING count(m.id) > 0`
	}
	args = append(args, f.Limit)
	rows, err := s.db.QueryContext(ctx, `SELECT t.id, t.subject, coalesce(t.child_id, 0), t.opened_by, t.state, t.awaiting,
		t.due_at, t.signal_rule, t.created_at, t.updated_at, count(m.id)
		FROM thread_members tm JOIN threads t ON t.id = tm.thread_id
		LEFT JOIN messages m ON m.thread_id = tm.thread_id AND m.id > tm.read_upto AND m.org <> tm.org
		WHERE `+where+`
		GROUP BY t.id, t.subject, t.child_id, t.opened_by, t.state, t.awaiting, t.due_at, t.signal_rule, t.created_at, t.updated_at`+
		having+fmt.Sprintf(` ORDER BY t.updated_at DESC, t.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, s.classify("store.ThreadsOf", err)
	}
	defer rows.Close()
	out := []ThreadRow{}
	for rows.Next() {
		var r ThreadRow
		var due, created, updated int64
		if err := rows.Scan(&r.ID, &r.Subject, &r.ChildID, &r.OpenedBy, &r.State, &r.Awaiting, &due, &r.SignalRule,
			&created, &updated, &r.Unread); err != nil {
			return nil, s.classify("store.ThreadsOf", err)
		}
		r.DueAt, r.CreatedAt, r.UpdatedAt = timeOrZero(due), fromMicros(created), fromMicros(updated)
		out = append(out, r)
	}
	return out, s.classify("store.ThreadsOf", rows.Err())
}

// Attachment returns an attachment with its bytes and its message's
// thread.
func (s *Store) Attachment(ctx context.Context, id int64) (File, []byte, int64, error) {
	var f File
	var data []byte
	var thread int64
	err := s.db.QueryRowContext(ctx, `SELECT a.id, a.name, a.content_type, a.size, a.sha256, a.data, m.thread_id
		FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = $1`, id).Scan(&f.ID, &f.Name, &f.ContentType,
		&f.Size, &f.SHA256, &data, &thread)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil, 0, fault.E("store.Attachment", fault.NotFound, fmt.Errorf("no attachment %d", id))
	}
	return f, data, thread, s.classify("store.Attachment", err)
}

// Notice is something an organisation is told about a thread.
type Notice struct {
	ID        int64  `json:"cursor"`
	Org       string `json:"-"`
	Kind      string `json:"kind"`
	ThreadID  int64  `json:"thread"`
	MessageID int64  `json:"message,omitempty"`
	CreatedAt string `json:"created_at"`
}

// Notices returns an organisation's notices after a cursor, in order.
func (s *Store) Notices(ctx context.Context, org string, after int64, limit int) ([]Notice, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, thread_id, message_id, created_at FROM notices
		WHERE org = $1 AND id > $2 ORDER BY id LIMIT $3`, org, after, limit)
	out, err := scanNotices(org, rows, err)
	return out, s.classify("store.Notices", err)
}

// scanNotices reads the rows of a query of org's notices.
func scanNotices(org string, rows *sql.Rows, err error) ([]Notice, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Notice{}
	for rows.Next() {
		n := Notice{Org: org}
		var at int64
		if err := rows.Scan(&n.ID, &n.Kind, &n.ThreadID, &n.MessageID, &at); err != nil {
			return nil, err
		}
		n.CreatedAt = fromMicros(at).Format(time.RFC3339)
		out = append(out, n)
	}
	return out, rows.Err()
}

// RecentNotices returns an organisation's latest notices of the given
// kinds, newest first.
func (s *Store) RecentNotices(ctx context.Context, org string, kinds []string, limit int) ([]Notice, error) {
	args := []any{org, limit}
	for _, k := range kinds {
		args = append(args, k)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, thread_id, message_id, created_at FROM notices
		WHERE org = $1 AND kind IN (`+placeholders(3, len(kinds))+`) ORDER BY id DESC LIMIT $2`, args...)
	out, err := scanNotices(org, rows, err)
	return out, s.classify("store.RecentNotices", err)
}

// DueThreads returns the threads awaiting an answer due before a time
// whose last reminder went out before since (0: never reminded).
func (s *Store) DueThreads(ctx context.Context, before, since time.Time) ([]Thread, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM threads WHERE state = 'awaiting' AND due_at > 0 AND due_at <= $1
		AND reminded_at < $2 ORDER BY id`, micros(before), micros(since))
	if err != nil {
		return nil, s.classify("store.DueThreads", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, s.classify("store.DueThreads", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []Thread
	for _, id := range ids {
		t, err := loadThread(ctx, s.db, id)
		if err != nil {
			return nil, s.classifyKeep("store.DueThreads", err)
		}
		out = append(out, *t)
	}
	return out, nil
}

// Remind records a reminder or overdue notice to the organisation a
// thread awaits an answer from.
func (s *Store) Remind(ctx context.Context, threadID int64, org, kind string, entry audit.Entry) error {
	return s.tx(ctx, "store.Remind", false, func(tx *sql.Tx) error {
		now := micros(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET reminded_at = $1 WHERE id = $2`, now, threadID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notices (org, kind, thread_id, created_at) VALUES ($1, $2, $3, $4)`,
			org, kind, threadID, now); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, entry)
	})
}

// SignalRule is the operator's setting of a signal rule.
type SignalRule struct {
	Code        string
	Enabled     bool
	Responsible string
	Months      int
	UpdatedAt   time.Time
	UpdatedBy   string
}

// SignalRules returns the operator's settings of the signal rules; a
// rule without one runs as its default.
func (s *Store) SignalRules(ctx context.Context) (map[string]SignalRule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, enabled, responsible, months, updated_at, updated_by FROM signal_rules`)
	if err != nil {
		return nil, s.classify("store.SignalRules", err)
	}
	defer rows.Close()
	out := map[string]SignalRule{}
	for rows.Next() {
		var r SignalRule
		var enabled int
		var at int64
		if err := rows.Scan(&r.Code, &enabled, &r.Responsible, &r.Months, &at, &r.UpdatedBy); err != nil {
			return nil, s.classify("store.SignalRules", err)
		}
		r.Enabled, r.UpdatedAt = enabled == 1, fromMicros(at)
		out[r.Code] = r
	}
	return out, s.classify("store.SignalRules", rows.Err())
}

// SetSignalRule stores the operator's setting of a rule, audited.
func (s *Store) SetSignalRule(ctx context.Context, r SignalRule, actor audit.Actor) error {
	return s.tx(ctx, "store.SetSignalRule", false, func(tx *sql.Tx) error {
		enabled := 0
		if r.Enabled {
			enabled = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO signal_rules (code, enabled, responsible, months, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO UPDATE SET enabled = excluded.enabled,
			responsible = excluded.responsible, months = excluded.months, updated_at = excluded.updated_at,
			updated_by = excluded.updated_by`, r.Code, enabled, r.Responsible, r.Months, micros(s.now()), actor.ID); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"rule": r.Code, "enabled": r.Enabled, "responsible": r.Responsible, "months": r.Months})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "signal.rule", Outcome: "done", Detail: string(detail)})
	})
}

// SignalRaised reports whether a rule was already raised for a child.
func (s *Store) SignalRaised(ctx context.Context, rule string, childID int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM signal_hits WHERE rule = $1 AND child_id = $2`, rule, childID).Scan(&n)
	return n > 0, s.classify("store.SignalRaised", err)
}

// OpenSignalThread opens the thread of a signal, once per child and rule:
// when the rule was raised for the child before (by this server or
// another at the same moment) it stores nothing and returns 0.
func (s *Store) OpenSignalThread(ctx context.Context, t Thread, members []string, first Post) (threadID, messageID int64, err error) {
	err = s.tx(ctx, "store.OpenSignalThread", false, func(tx *sql.Tx) error {
		now := micros(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO threads (subject, child_id, opened_by, opened_fin, state, signal_rule,
			created_at, updated_at) VALUES ($1, $2, $3, '', 'open', $4, $5, $5) RETURNING id`,
			t.Subject, t.ChildID, t.OpenedBy, t.SignalRule, now).Scan(&threadID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO signal_hits (rule, child_id, thread_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (rule, child_id) DO NOTHING`, t.SignalRule, t.ChildID, threadID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			threadID = 0
			return errSignalRaised
		}
		for _, org := range members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO thread_members (thread_id, org, added_at, added_by) VALUES ($1, $2, $3, $4)`,
				threadID, org, now, t.OpenedBy); err != nil {
				return err
			}
		}
		first.Message.ThreadID = threadID
		first.Audit.Detail = threadDetail(threadID, first.Audit.Detail)
		messageID, err = s.post(ctx, tx, first, NoticeThread)
		return err
	})
	if errors.Is(err, errSignalRaised) {
		return 0, 0, nil
	}
	return threadID, messageID, err
}

var errSignalRaised = errors.New("store: the signal was raised before")

// ActiveChildren returns the ids of children with an active profile after
// an id, in order, at most limit.
func (s *Store) ActiveChildren(ctx context.Context, after int64, limit int) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT child_id FROM profiles WHERE status = 'active' AND child_id > $1
		ORDER BY child_id LIMIT $2`, after, limit)
	if err != nil {
		return nil, s.classify("store.ActiveChildren", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.classify("store.ActiveChildren", err)
		}
		out = append(out, id)
	}
	return out, s.classify("store.ActiveChildren", rows.Err())
}

// Attention is what the operator's home page counts.
type Attention struct {
	Candidates   int       // pairs of children that may be one, undecided
	Suspended    int       // organisations whose access is suspended
	FailingHooks int       // webhooks whose last delivery failed
	AuditEntries int64     // entries in the audit chain
	AuditSigned  int64     // the last entry a signed checkpoint covers
	LastSignedAt time.Time // when it was signed; zero for never
}

// AttentionCounts counts what the operator and the auditors watch.
func (s *Store) AttentionCounts(ctx context.Context) (Attention, error) {
	var a Attention
	var signedAt sql.NullInt64
	var signed sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM match_candidates WHERE resolution = ''),
		(SELECT count(*) FROM participants WHERE active = 0),
		(SELECT count(*) FROM webhooks WHERE failures > 0),
		(SELECT seq FROM audit_head WHERE id = 1),
		(SELECT max(seq) FROM audit_checkpoints),
		(SELECT max(at) FROM audit_checkpoints)`).Scan(&a.Candidates, &a.Suspended, &a.FailingHooks, &a.AuditEntries, &signed, &signedAt)
	a.AuditSigned = signed.Int64
	if signedAt.Valid {
		a.LastSignedAt = fromMicros(signedAt.Int64)
	}
	return a, s.classify("store.AttentionCounts", err)
}
