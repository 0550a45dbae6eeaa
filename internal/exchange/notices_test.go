package exchange_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/correspond"
	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// TestNoticesFollowCorrespondence: a participant's system reads the
// notices of the threads its organisation is in, by cursor.
func TestNoticesFollowCorrespondence(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	if err := st.SeedParticipants(t.Context(), participant.Defaults()); err != nil {
		t.Fatal(err)
	}
	h := exchange.New(st, registry.New(st, nil), slog.New(slog.DiscardHandler), exchange.Options{Insecure: true})
	svc := correspond.New(st, nil, correspond.DefaultLimits)
	var edu participant.Participant
	for _, p := range participant.Defaults() {
		if p.Code == "education" {
			edu = p
		}
	}
	head := correspond.Author{Subject: access.Subject{Role: access.OrgHead, Org: &edu}, FIN: "3TH0001", Name: "Aynur",
		Actor: audit.Actor{Kind: audit.Person, ID: "3TH0001", Org: "education"}}
	id, err := svc.Open(t.Context(), head, correspond.NewThread{Subject: "Sorğu", Orgs: []string{"justice"}, Body: "Salam"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Post(t.Context(), head, id, "@health baxın", nil); err != nil {
		t.Fatal(err)
	}
	get := func(as, target string) exchange.NoticesResponse {
		req := httptest.NewRequest("GET", target, nil)
		req.Header.Set("X-Participant", as)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out exchange.NoticesResponse
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body.Bytes())
		}
		return out
	}
	j := get("justice", "/exchange/v1/notices")
	if len(j.Notices) != 2 || j.Notices[0].Kind != "thread" || j.Notices[1].Kind != "message" || j.Notices[0].ThreadID != id {
		t.Errorf("justice's notices = %+v", j.Notices)
	}
	if rest := get("justice", "/exchange/v1/notices?after="+itoa(j.Next)); len(rest.Notices) != 0 || rest.Next != j.Next {
		t.Errorf("after the cursor: %+v", rest)
	}
	if hl := get("health", "/exchange/v1/notices"); len(hl.Notices) != 1 || hl.Notices[0].Kind != "mention" {
		t.Errorf("health's notices = %+v; want the mention that added it", hl.Notices)
	}
	if ed := get("education", "/exchange/v1/notices"); len(ed.Notices) != 0 {
		t.Errorf("the author's organisation is told of its own messages: %+v", ed.Notices)
	}

	// Justice's webhook receives the same notices, and then nothing more.
	got := make(chan exchange.WebhookDelivery, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d exchange.WebhookDelivery
		json.NewDecoder(r.Body).Decode(&d)
		got <- d
	}))
	defer hook.Close()
	if err := st.SetWebhook(t.Context(), store.Webhook{Participant: "justice", URL: hook.URL, Secret: "s"}, audit.SystemActor("test")); err != nil {
		t.Fatal(err)
	}
	dl := exchange.NewDeliverer(st, slog.New(slog.DiscardHandler), hook.Client(), time.Second, nil)
	dl.Once(t.Context())
	select {
	case d := <-got:
		if len(d.Notices) != 2 || d.NextNotice != j.Next || len(d.Changes) != 0 {
			t.Errorf("delivery = %+v", d)
		}
	default:
		t.Fatal("no delivery")
	}
	dl.Once(t.Context())
	if len(got) != 0 {
		t.Errorf("delivered again: %+v", <-got)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
