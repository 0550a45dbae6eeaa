package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/scfwca/databank/internal/fault"
)

// Batch is a signed batch as it was received, kept as evidence.
type Batch struct {
	Participant   string
	BatchID       string
	ReceivedAt    time.Time
	Body          string
	Signature     string // base64 of the DER CMS signature
	SignerSubject string
	ClientSubject string
	Response      string // the answer given; "" while it is processed
}

// BeginBatch records a batch before its records are processed. When the
// participant sent the batch id before and it was answered, it returns
// that batch, with its answer, and records nothing new. When an earlier
// attempt was never answered (the Data Bank failed in between), the kept
// evidence becomes this attempt's, the one that is processed.
func (s *Store) BeginBatch(ctx context.Context, b Batch) (*Batch, error) {
	var prev *Batch
	err := s.tx(ctx, "store.BeginBatch", false, func(tx *sql.Tx) error {
		var err error
		prev, err = batch(ctx, tx, b.Participant, b.BatchID)
		if err != nil || (prev != nil && prev.Response != "") {
			return err
		}
		if prev != nil {
			_, err = tx.ExecContext(ctx, `UPDATE batches SET received_at = $1, body = $2, signature = $3, signer_subject = $4,
				client_subject = $5 WHERE participant = $6 AND batch_id = $7`, micros(b.ReceivedAt), b.Body, b.Signature,
				b.SignerSubject, b.ClientSubject, b.Participant, b.BatchID)
			prev = nil
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO batches (participant, batch_id, received_at, body, signature,
			signer_subject, client_subject) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			b.Participant, b.BatchID, micros(b.ReceivedAt), b.Body, b.Signature, b.SignerSubject, b.ClientSubject)
		return err
	})
	return prev, err
}

// FinishBatch stores the answer given to a batch.
func (s *Store) FinishBatch(ctx context.Context, participant, batchID, response string) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE batches SET response = $1 WHERE participant = $2 AND batch_id = $3`,
		response, participant, batchID)
	return s.classify("store.FinishBatch", err)
}

// Batch returns a batch kept as evidence.
func (s *Store) Batch(ctx context.Context, participant, batchID string) (*Batch, error) {
	b, err := batch(ctx, s.db, participant, batchID)
	if err != nil {
		return nil, s.classify("store.Batch", err)
	}
	if b == nil {
		return nil, fault.E("store.Batch", fault.NotFound, errors.New("no such batch"))
	}
	return b, nil
}

func batch(ctx context.Context, q querier, participant, batchID string) (*Batch, error) {
	b := Batch{Participant: participant, BatchID: batchID}
	var received int64
	var resp sql.NullString
	err := q.QueryRowContext(ctx, `SELECT received_at, body, signature, signer_subject, client_subject, response
		FROM batches WHERE participant = $1 AND batch_id = $2`, participant, batchID).
		Scan(&received, &b.Body, &b.Signature, &b.SignerSubject, &b.ClientSubject, &resp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b.ReceivedAt, b.Response = fromMicros(received), resp.String
	return &b, nil
}
