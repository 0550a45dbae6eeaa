package exchange

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/store"
)

// Deliverer pushes each participant's feed to its webhook: a JSON POST of
// up to 100 changes and 100 correspondence notices at a time, signed with HMAC-SHA256 of the body under
// the participant's secret in X-Databank-Signature ("sha256=<hex>"). A
// delivery the receiver does not acknowledge with 2xx is tried again with
// exponential backoff, up to an hour apart; the cursor only moves on
// acknowledgement, so nothing is skipped.
type Deliverer struct {
	store    *store.Store
	log      *slog.Logger
	client   *http.Client
	interval time.Duration
	now      func() time.Time
}

// NewDeliverer returns a deliverer that looks for due webhooks every
// interval.
func NewDeliverer(st *store.Store, log *slog.Logger, client *http.Client, interval time.Duration, now func() time.Time) *Deliverer {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return &Deliverer{store: st, log: log, client: client, interval: interval, now: now}
}

// Run delivers until ctx is cancelled.
func (d *Deliverer) Run(ctx context.Context) {
	t := time.NewTicker(d.interval)
	defer t.Stop()
	for {
		d.Once(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// WebhookDelivery is the body of a webhook delivery.
type WebhookDelivery struct {
	Participant string         `json:"participant"`
	Changes     []store.Change `json:"changes"`
	Next        int64          `json:"next"`
	// Notices are the participant's correspondence notices, and
	// NextNotice the cursor after them (see GET /exchange/v1/notices).
	Notices    []store.Notice `json:"notices"`
	NextNotice int64          `json:"next_notice"`
}

// Sign returns the X-Databank-Signature value of a delivery body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Once makes one round of deliveries to the webhooks that are due.
func (d *Deliverer) Once(ctx context.Context) {
	hooks, err := d.store.DueWebhooks(ctx)
	if err != nil {
		d.log.Warn("webhooks: cannot list", "err", err)
		return
	}
	for _, w := range hooks {
		if err := d.deliver(ctx, w); err != nil {
			backoff := min(time.Duration(1<<min(w.Failures, 12))*time.Second, time.Hour)
			d.log.Warn("webhook delivery failed", "participant", w.Participant, "failures", w.Failures+1, "retry_in", backoff, "err", err)
			d.store.WebhookFailed(ctx, w.Participant, d.now().Add(backoff), err.Error())
		}
	}
}

func (d *Deliverer) deliver(ctx context.Context, w store.Webhook) error {
	p, err := d.store.Participant(ctx, w.Participant)
	if err != nil {
		return err
	}
	changes, err := d.store.Feed(ctx, w.Participant, p.Read, w.Cursor, 100)
	if err != nil {
		return err
	}
	notices, err := d.store.Notices(ctx, w.Participant, w.NoticeCursor, 100)
	if err != nil || len(changes)+len(notices) == 0 {
		return err
	}
	next, nextNotice := w.Cursor, w.NoticeCursor
	if len(changes) > 0 {
		next = changes[len(changes)-1].Cursor
	}
	if len(notices) > 0 {
		nextNotice = notices[len(notices)-1].ID
	}
	body, _ := json.Marshal(WebhookDelivery{Participant: w.Participant, Changes: changes, Next: next, Notices: notices, NextNotice: nextNotice})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Databank-Signature", Sign(w.Secret, body))
	req.Header.Set("X-Databank-Delivery", fmt.Sprintf("%s-%d-%d", w.Participant, next, nextNotice))
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the receiver answered %s", resp.Status)
	}
	detail, _ := json.Marshal(map[string]int64{"after": w.Cursor, "next": next, "changes": int64(len(changes)),
		"notices": int64(len(notices)), "next_notice": nextNotice})
	if err := d.store.Audit(ctx, audit.Entry{Actor: audit.SystemActor("webhooks"), Action: "exchange.webhook", Outcome: "delivered to " + w.Participant, Detail: string(detail)}); err != nil {
		return err
	}
	return d.store.WebhookDelivered(ctx, w.Participant, next, nextNotice)
}
