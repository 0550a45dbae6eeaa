package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/profile"
)

// Correction is a person's request to correct a fact.
type Correction struct {
	ID             int64
	RequesterFIN   string
	ChildID        int64
	FactID         int64
	Category       string
	Proposed       json.RawMessage
	Note           string
	FileName       string
	FileType       string
	State          string // submitted | approved | rejected
	Due            time.Time
	DecidedAt      time.Time
	DecidedBy      string
	Reason         string
	CorrectionFact int64
	Created        time.Time
	ReplyEmail     string
}

// RequestCorrection stores a request, audited.
func (s *Store) RequestCorrection(ctx context.Context, c Correction, file []byte, actor audit.Actor) (int64, error) {
	var id int64
	err := s.tx(ctx, "store.RequestCorrection", false, func(tx *sql.Tx) error {
		var data any
		if len(file) > 0 {
			data = file
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO corrections (requester_fin, child_id, fact_id, category, proposed, note, file_name,
			file_type, file_data, due_at, created_at, reply_email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			c.RequesterFIN, c.ChildID, c.FactID, c.Category, string(c.Proposed), c.Note, c.FileName, c.FileType, data,
			micros(c.Due), micros(s.now()), c.ReplyEmail).Scan(&id)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "correction.request", ChildID: c.ChildID, Category: c.Category,
			Outcome: "submitted", Detail: fmt.Sprintf(`{"correction":%d,"fact":%d}`, id, c.FactID)})
	})
	return id, err
}

const correctionColumns = `id, requester_fin, child_id, fact_id, category, proposed, note, file_name, file_type, state, due_at,
	decided_at, decided_by, reason, coalesce(correction_fact, 0), created_at, reply_email`

func scanCorrection(r scanner) (Correction, error) {
	var c Correction
	var proposed string
	var due, decided, created int64
	err := r.Scan(&c.ID, &c.RequesterFIN, &c.ChildID, &c.FactID, &c.Category, &proposed, &c.Note, &c.FileName, &c.FileType,
		&c.State, &due, &decided, &c.DecidedBy, &c.Reason, &c.CorrectionFact, &created, &c.ReplyEmail)
	c.Proposed, c.Due, c.DecidedAt, c.Created = json.RawMessage(proposed), fromMicros(due), timeOrZero(decided), fromMicros(created)
	return c, err
}

// Corrections lists requests: a person's (fin), or those in a state
// (state), newest first.
func (s *Store) Corrections(ctx context.Context, fin, state string, limit int) ([]Correction, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+correctionColumns+` FROM corrections
		WHERE ($1 = '' OR requester_fin = $1) AND ($2 = '' OR state = $2) ORDER BY id DESC LIMIT $3`, fin, state, limit)
	if err != nil {
		return nil, s.classify("store.Corrections", err)
	}
	defer rows.Close()
	out := []Correction{}
	for rows.Next() {
		c, err := scanCorrection(rows)
		if err != nil {
			return nil, s.classify("store.Corrections", err)
		}
		out = append(out, c)
	}
	return out, s.classify("store.Corrections", rows.Err())
}

// CorrectionByID returns a request.
func (s *Store) CorrectionByID(ctx context.Context, id int64) (*Correction, error) {
	c, err := scanCorrection(s.db.QueryRowContext(ctx, `SELECT `+correctionColumns+` FROM corrections WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.Correction", fault.NotFound, fmt.Errorf("no correction %d", id))
	}
	if err != nil {
		return nil, s.classify("store.Correction", err)
	}
	return &c, nil
}

// FactByID returns a fact.
func (s *Store) FactByID(ctx context.Context, id int64) (*profile.Fact, error) {
	f, err := scanFact(s.db.QueryRowContext(ctx, `SELECT `+factColumns+` FROM facts WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.Fact", fault.NotFound, fmt.Errorf("no fact %d", id))
	}
	if err != nil {
		return nil, s.classify("store.Fact", err)
	}
	return f, nil
}

// DecideCorrection records the operator's decision on a request still
// submitted: a rejection with its reason, or an approval with the
// correction fact recorded in the same transaction — the proposed payload
// as the operator's record in the fact's category, marked as correcting
// the original record, so that its sender sees it in its feed.
func (s *Store) DecideCorrection(ctx context.Context, id int64, approve bool, reason string, actor audit.Actor) error {
	return s.decideCorrection(ctx, id, approve, reason, actor)
}

func (s *Store) decideCorrection(ctx context.Context, id int64, approve bool, reason string, actor audit.Actor) error {
	return s.tx(ctx, "store.DecideCorrection", false, func(tx *sql.Tx) error {
		c, err := scanCorrection(tx.QueryRowContext(ctx, `SELECT `+correctionColumns+` FROM corrections WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fault.E("store.DecideCorrection", fault.NotFound, fmt.Errorf("no correction %d", id))
		}
		if err != nil {
			return err
		}
		if c.State != "submitted" {
			return fault.E("store.DecideCorrection", fault.Conflict, fmt.Errorf("correction %d is already %s", id, c.State))
		}
		state := "rejected"
		var factID sql.NullInt64
		if approve {
			state = "approved"
			orig, err := scanFact(tx.QueryRowContext(ctx, `SELECT `+factColumns+` FROM facts WHERE id = $1`, c.FactID))
			if err != nil {
				return err
			}
			sub := Submission{Keys: nil, Fact: profile.Fact{Category: c.Category, Sender: "operator",
				SourceID: fmt.Sprintf("correction-%d", id), Action: profile.Upsert, EffectiveDate: orig.EffectiveDate,
				ReceivedAt: s.now(), Payload: c.Proposed, ContentHash: contentHash(profile.Upsert, c.Proposed),
				BatchID: "correction:" + orig.Sender + "/" + orig.SourceID},
				Actor: actor, Detail: fmt.Sprintf(`{"correction":%d}`, id)}
			var fid int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO facts (child_id, category, sender, source_id, action, effective_date,
				received_at, payload, content_hash, batch_id, is_current) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1) RETURNING id`,
				c.ChildID, sub.Fact.Category, sub.Fact.Sender, sub.Fact.SourceID, sub.Fact.Action, sub.Fact.EffectiveDate.String(),
				micros(sub.Fact.ReceivedAt), string(sub.Fact.Payload), sub.Fact.ContentHash, sub.Fact.BatchID).Scan(&fid); err != nil {
				return err
			}
			factID = sql.NullInt64{Int64: fid, Valid: true}
			if err := s.reproject(ctx, tx, c.ChildID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE corrections SET state = $1, decided_at = $2, decided_by = $3, reason = $4,
			correction_fact = $5 WHERE id = $6`, state, micros(s.now()), actor.ID, reason, factID, id); err != nil {
			return err
		}
		if c.ReplyEmail != "" {
			body := fmt.Sprintf("Your request to correct a record was %s.\n", state)
			if reason != "" {
				body += "\n" + reason + "\n"
			}
			body += "\nSee it in your e-cabinet: /corrections\n"
			if err := s.queueMail(ctx, tx, []Mail{{To: c.ReplyEmail, Subject: "[Data Bank] your correction request was " + state, Body: body}}); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "correction.decide", ChildID: c.ChildID, Category: c.Category,
			Outcome: state, Detail: fmt.Sprintf(`{"correction":%d}`, id)})
	})
}

// CorrectionFile returns a request's attachment.
func (s *Store) CorrectionFile(ctx context.Context, id int64) (string, string, []byte, error) {
	var name, typ string
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT file_name, file_type, file_data FROM corrections WHERE id = $1`, id).Scan(&name, &typ, &data)
	return name, typ, data, s.classify("store.CorrectionFile", err)
}

// contentHash is a fact's content hash, as the registry computes it.
func contentHash(action string, payload []byte) string {
	sum := sha256.Sum256(append([]byte(action+"\x00"), payload...))
	return hex.EncodeToString(sum[:])
}
