package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/scfwca/databank/internal/category"
)

// Change is one entry of a participant's feed: a new fact about a child
// the participant has sent data about, in a category it may read.
type Change struct {
	Cursor        int64           `json:"cursor"`
	ChildID       int64           `json:"child_id"`
	FIN           string          `json:"fin,omitempty"`
	Category      string          `json:"category"`
	Sender        string          `json:"sender"`
	Action        string          `json:"action"`
	EffectiveDate string          `json:"effective_date"`
	ReceivedAt    string          `json:"received_at"`
	Data          json.RawMessage `json:"data,omitempty"`
	// Corrects is the record an approved correction corrects, which its
	// sender is to fix at the source.
	Corrects *Corrected `json:"corrects,omitempty"`
}

// Corrected names a record a correction corrects.
type Corrected struct {
	Sender   string `json:"sender"`
	SourceID string `json:"source_id"`
}

// Feed returns the changes after cursor that concern a participant: facts
// sent by others, in the categories it may read, about children it has
// sent data about; in order, at most limit.
func (s *Store) Feed(ctx context.Context, participant string, read []string, after int64, limit int) ([]Change, error) {
	if len(read) == 0 {
		return []Change{}, nil
	}
	args := []any{after, participant, limit}
	for _, c := range read {
		args = append(args, c)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.child_id, COALESCE(`+s.profileColumn("fin")+`, ''), f.category, f.sender, f.action,
		f.effective_date, f.received_at, f.payload, f.batch_id
		FROM facts f `+s.profileJoin("f.child_id")+`
		WHERE f.id > $1 AND f.sender <> $2 AND f.category IN (`+placeholders(4, len(read))+`)
		AND EXISTS (SELECT 1 FROM facts g WHERE g.sender = $2 AND g.child_id = f.child_id)
		ORDER BY f.id LIMIT $3`, args...)
	if err != nil {
		return nil, s.classify("store.Feed", err)
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		var c Change
		var received int64
		var payload sql.NullString
		var batch string
		if err := rows.Scan(&c.Cursor, &c.ChildID, &c.FIN, &c.Category, &c.Sender, &c.Action, &c.EffectiveDate,
			&received, &payload, &batch); err != nil {
			return nil, s.classify("store.Feed", err)
		}
		c.ReceivedAt = fromMicros(received).In(category.Baku).Format("2006-01-02T15:04:05Z07:00")
		if payload.Valid {
			c.Data = json.RawMessage(payload.String)
		}
		if rest, ok := strings.CutPrefix(batch, "correction:"); ok {
			if sender, source, ok := strings.Cut(rest, "/"); ok {
				c.Corrects = &Corrected{Sender: sender, SourceID: source}
			}
		}
		out = append(out, c)
	}
	return out, s.classify("store.Feed", rows.Err())
}
