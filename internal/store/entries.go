package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// PendingEntry is a record typed in the e-cabinet awaiting its person's
// signature.
type PendingEntry struct {
	ID, FIN, Org, ChildKey, Category string
	// Body is the batch, byte for byte as it is signed.
	Body      []byte
	RequestID string // the signer's request
	Code      string // the verification code shown
	Expires   time.Time
	Created   time.Time
	// Done is where to go once the record is stored; "" while pending.
	Done string
}

// PutEntry keeps an entry awaiting its signature, and removes the entries
// older than a day. An entry with the same id (a form sent twice) is kept
// as it was.
func (s *Store) PutEntry(ctx context.Context, e PendingEntry) error {
	return s.tx(ctx, "store.PutEntry", false, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pending_entries WHERE created_at < $1`,
			micros(s.now().Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO pending_entries (id, fin, org, child_key, category, body, request_id, code,
			expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
			e.ID, e.FIN, e.Org, e.ChildKey, e.Category, string(e.Body), e.RequestID, e.Code, micros(e.Expires), micros(s.now()))
		return err
	})
}

// Entry returns a pending entry, or nil when there is none.
func (s *Store) Entry(ctx context.Context, id string) (*PendingEntry, error) {
	e := PendingEntry{ID: id}
	var body string
	var expires, created int64
	err := s.db.QueryRowContext(ctx, `SELECT fin, org, child_key, category, body, request_id, code, expires_at, created_at, done
		FROM pending_entries WHERE id = $1`, id).Scan(&e.FIN, &e.Org, &e.ChildKey, &e.Category, &body, &e.RequestID, &e.Code,
		&expires, &created, &e.Done)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.classify("store.Entry", err)
	}
	e.Body, e.Expires, e.Created = []byte(body), fromMicros(expires), fromMicros(created)
	return &e, nil
}

// EntryDone records that an entry was stored and where to go next.
func (s *Store) EntryDone(ctx context.Context, id, done string) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE pending_entries SET done = $1 WHERE id = $2`, done, id)
	return s.classify("store.EntryDone", err)
}
