package exchange_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

func TestWebhookDeliveryRetriesAndSigns(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		reg := registry.New(st, clock)
		submit := func(code string, cat *category.Category, source string) {
			t.Helper()
			raw := []byte(`{"source_id":"` + source + `","category":"` + cat.Code + `","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-10","action":"upsert","data":` + string(cat.Examples()[0]) + `}`)
			out, err := reg.Submit(ctx, registry.Sender{Participant: code, Actor: audit.SystemActor("test")}, raw)
			if err != nil || out.Status != registry.Accepted {
				t.Fatalf("%+v %v", out, err)
			}
		}
		submit("education", category.CatSchooling, "s1")
		submit("justice", category.CatBirthRegistration, "b1")

		const secret = "a-secret-of-sufficient-length"
		var mu sync.Mutex
		var got []exchange.WebhookDelivery
		attempts := 0
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			attempts++
			if r.Header.Get("X-Databank-Signature") != exchange.Sign(secret, body) {
				t.Errorf("delivery %d: bad signature %q", attempts, r.Header.Get("X-Databank-Signature"))
			}
			if attempts == 1 {
				http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
				return
			}
			var d exchange.WebhookDelivery
			json.Unmarshal(body, &d)
			got = append(got, d)
		}))
		defer receiver.Close()
		if err := st.SetWebhook(ctx, store.Webhook{Participant: "education", URL: receiver.URL, Secret: secret}, audit.SystemActor("test")); err != nil {
			t.Fatal(err)
		}
		d := exchange.NewDeliverer(st, slog.New(slog.DiscardHandler), nil, time.Second, clock)
		d.Once(ctx) // refused: the cursor stays, a retry is scheduled
		w, _ := st.Webhook(ctx, "education")
		if w.Failures != 1 || w.Cursor != 0 || !w.NextAttempt.After(now) || w.LastError == "" {
			t.Fatalf("after a refused delivery: %+v", w)
		}
		d.Once(ctx) // not due yet: nothing sent
		if attempts != 1 {
			t.Fatalf("a delivery was tried before its backoff ended (%d attempts)", attempts)
		}
		// The backoff ends: make the retry due now.
		st.WebhookFailed(ctx, "education", now, "test: due now")
		d.Once(ctx)
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 || len(got[0].Changes) != 1 || got[0].Changes[0].Category != "birth_registration" {
			t.Fatalf("deliveries = %+v", got)
		}
		w, _ = st.Webhook(ctx, "education")
		if w.Cursor != got[0].Next || w.Failures != 0 {
			t.Errorf("after delivery: %+v", w)
		}
	})
}
