package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/scfwca/databank/internal/audit"
)

// Webhook is where a participant's system is sent its feed.
type Webhook struct {
	Participant string
	URL         string
	Secret      string
	Cursor      int64
	// NoticeCursor is the last correspondence notice delivered.
	NoticeCursor int64
	Failures     int
	NextAttempt  time.Time
	LastError    string
}

// SetWebhook sets or replaces a participant's webhook, starting from the
// given cursor; the change is audited (without the secret).
func (s *Store) SetWebhook(ctx context.Context, w Webhook, actor audit.Actor) error {
	return s.tx(ctx, "store.SetWebhook", false, func(tx *sql.Tx) error {
		if _, err := participantByCode(ctx, tx, w.Participant); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhooks (participant, url, secret, cursor) VALUES ($1, $2, $3, $4)
			ON CONFLICT (participant) DO UPDATE SET url = excluded.url, secret = excluded.secret, cursor = excluded.cursor,
			failures = 0, next_attempt = 0, last_error = ''`, w.Participant, w.URL, w.Secret, w.Cursor)
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"participant": w.Participant, "url": w.URL, "cursor": w.Cursor})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "participant.webhook", Outcome: "done", Detail: string(detail)})
	})
}

// DueWebhooks returns the webhooks whose next attempt is due.
func (s *Store) DueWebhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT participant, url, secret, cursor, notice_cursor, failures, next_attempt, last_error
		FROM webhooks WHERE next_attempt <= $1 ORDER BY participant`, micros(s.now()))
	if err != nil {
		return nil, s.classify("store.DueWebhooks", err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var w Webhook
		var next int64
		if err := rows.Scan(&w.Participant, &w.URL, &w.Secret, &w.Cursor, &w.NoticeCursor, &w.Failures, &next, &w.LastError); err != nil {
			return nil, s.classify("store.DueWebhooks", err)
		}
		w.NextAttempt = fromMicros(next)
		out = append(out, w)
	}
	return out, s.classify("store.DueWebhooks", rows.Err())
}

// WebhookDelivered advances a webhook's cursors, of the feed and of the
// notices, after a delivery its receiver acknowledged.
func (s *Store) WebhookDelivered(ctx context.Context, participant string, cursor, noticeCursor int64) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE webhooks SET cursor = $1, notice_cursor = $2, failures = 0, next_attempt = 0,
		last_error = '' WHERE participant = $3`, cursor, noticeCursor, participant)
	return s.classify("store.WebhookDelivered", err)
}

// WebhookFailed records a failed delivery and when to try again.
func (s *Store) WebhookFailed(ctx context.Context, participant string, next time.Time, reason string) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE webhooks SET failures = failures + 1, next_attempt = $1, last_error = $2
		WHERE participant = $3`, micros(next), reason, participant)
	return s.classify("store.WebhookFailed", err)
}

// Webhook returns a participant's webhook.
func (s *Store) Webhook(ctx context.Context, participant string) (*Webhook, error) {
	w := Webhook{Participant: participant}
	var next int64
	err := s.db.QueryRowContext(ctx, `SELECT url, secret, cursor, failures, next_attempt, last_error FROM webhooks WHERE participant = $1`,
		participant).Scan(&w.URL, &w.Secret, &w.Cursor, &w.Failures, &next, &w.LastError)
	if err != nil {
		return nil, s.classify("store.Webhook", err)
	}
	w.NextAttempt = fromMicros(next)
	return &w, nil
}
