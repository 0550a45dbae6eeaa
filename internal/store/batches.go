package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/audit"
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
	Response      string // the answer given; "" only for a batch kept unanswered by an earlier version
}

// Evidence is a signed batch to keep with the records it carries.
type Evidence struct {
	Batch Batch
	// Answer gives the answer to the batch from its records' outcomes,
	// in order. It may be called again when the transaction is retried.
	Answer func([]Each) (string, error)
}

// errAnswered says the batch was answered before.
var errAnswered = errors.New("store: the batch was answered before")

// SubmitBatch stores a signed batch's records as SubmitEach does, and in
// the same transaction the batch itself, as evidence, with the answer
// given: a batch is kept whole with its answer, or not at all, and is
// written once. When the participant sent the batch id before and it was
// answered, it stores nothing and returns that batch with its answer. (A
// batch kept unanswered — received before answers were written with the
// records — is taken over by this attempt.)
//
// On SQLite, batches that arrive while the writer is busy are stored
// together, in one transaction (see storeBatches); each is still kept,
// audited and answered on its own, and each caller returns once its batch
// is committed.
func (s *Store) SubmitBatch(ctx context.Context, ev Evidence, subs []Submission, entry audit.Entry) (*Batch, []Each, error) {
	body, packed, err := s.packBody(ev.Batch.Body)
	if err != nil {
		return nil, nil, err
	}
	c := &batchCall{ctx: ctx, ev: ev, subs: subs, entry: entry, body: body, packed: packed}
	if s.engine != SQLite || s.recordAtATime {
		s.storeBatch(c)
		return c.prev, c.out, c.err
	}
	return s.queueBatch(c)
}

// storeBatch stores one batch in a transaction of its own.
func (s *Store) storeBatch(c *batchCall) {
	b := c.ev.Batch
	var kept bool
	err := s.txRetried(c.ctx, "store.SubmitBatch", func(ctx context.Context, sqlTx *sql.Tx) error {
		tx := s.cached(sqlTx)
		var err error
		if kept, err = answeredBefore(ctx, tx, b); err != nil {
			return err
		}
		if c.out, err = s.submitAudited(ctx, tx, c.subs, c.entry); err != nil {
			return err
		}
		return s.keepBatch(ctx, tx, c, c.out, kept)
	})
	if errors.Is(err, errAnswered) {
		c.out = nil
		c.prev, c.err = s.Batch(c.ctx, b.Participant, b.BatchID)
		return
	}
	if err != nil {
		c.out, c.err = nil, err
	}
}

// answeredBefore returns errAnswered when the batch was answered before,
// and whether it is kept unanswered.
func answeredBefore(ctx context.Context, tx querier, b Batch) (kept bool, err error) {
	var answered sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT response FROM batches WHERE participant = $1 AND batch_id = $2`,
		b.Participant, b.BatchID).Scan(&answered)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	case answered.String != "":
		return true, errAnswered
	}
	return true, nil
}

// keepBatch answers a batch from its records' outcomes and keeps it with
// the answer: over the row of a batch kept unanswered, or in a new one.
func (s *Store) keepBatch(ctx context.Context, tx querier, c *batchCall, out []Each, kept bool) error {
	answer, err := c.ev.Answer(out)
	if err != nil {
		return err
	}
	b := c.ev.Batch
	if kept {
		_, err = tx.ExecContext(ctx, `UPDATE batches SET received_at = $1, body = $2, body_gz = $3, signature = $4,
			signer_subject = $5, client_subject = $6, response = $7 WHERE participant = $8 AND batch_id = $9`,
			micros(b.ReceivedAt), c.body, c.packed, b.Signature, b.SignerSubject, b.ClientSubject, answer, b.Participant, b.BatchID)
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO batches (participant, batch_id, received_at, body, body_gz, signature,
		signer_subject, client_subject, response) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		b.Participant, b.BatchID, micros(b.ReceivedAt), c.body, c.packed, b.Signature, b.SignerSubject, b.ClientSubject, answer)
	if code, _ := pgCode(err); code == "23505" {
		// The same batch, sent again while this attempt was under
		// way, was stored first (on SQLite the write lock keeps
		// the two apart).
		return errAnswered
	}
	return err
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
	var packed []byte
	err := q.QueryRowContext(ctx, `SELECT received_at, body, body_gz, signature, signer_subject, client_subject, response
		FROM batches WHERE participant = $1 AND batch_id = $2`, participant, batchID).
		Scan(&received, &b.Body, &packed, &b.Signature, &b.SignerSubject, &b.ClientSubject, &resp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if packed != nil {
		if b.Body, err = unpackBody(packed); err != nil {
			return nil, fmt.Errorf("batch %s of %s: %w", batchID, participant, err)
		}
	}
	b.ReceivedAt, b.Response = fromMicros(received), resp.String
	return &b, nil
}

// gzipWriters keeps compressors for packBody: each holds tables of
// hundreds of kilobytes, worth reusing at every batch.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// packBody returns how a batch's body is kept: on SQLite, the body column
// empty and the body gzip-compressed (a batch's JSON shrinks to about a
// seventh, and the bodies were the largest part of what a batch writes);
// on PostgreSQL, which compresses large values itself, the body as it is.
// It is done before the write transaction, off the one writer's time.
func (s *Store) packBody(body string) (string, []byte, error) {
	if s.engine != SQLite {
		return body, nil, nil
	}
	var buf bytes.Buffer
	w := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(w)
	w.Reset(&buf)
	if _, err := io.WriteString(w, body); err != nil {
		return "", nil, err
	}
	if err := w.Close(); err != nil {
		return "", nil, err
	}
	return "", buf.Bytes(), nil
}

// unpackBody returns the body packBody compressed.
func unpackBody(packed []byte) (string, error) {
	r, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		return "", fmt.Errorf("store: the kept body is damaged: %w", err)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("store: the kept body is damaged: %w", err)
	}
	return string(body), nil
}
