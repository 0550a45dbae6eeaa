package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// TestParticipantsFromMemory checks the memory of participants and
// bindings the exchange reads on every request: a change made through the
// store is seen at once; one made behind its back (another process) only
// once the memory is older than its TTL; and a caller changing what it
// was given changes nothing for the next.
func TestParticipantsFromMemory(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		admin := audit.SystemActor("test")
		const subject = "CN=Health exchange,O=Ministry of Health,C=AZ"
		if err := st.Bind(ctx, subject, "ab12", "health", admin); err != nil {
			t.Fatal(err)
		}
		p, err := st.ParticipantBySubject(ctx, subject)
		if err != nil || p.Code != "health" || !p.Active {
			t.Fatalf("ParticipantBySubject = %+v, %v; want health, active", p, err)
		}
		p.Read = append(p.Read[:0], "nothing")
		p.Active = false
		again, err := st.Participant(ctx, "health")
		if err != nil || !again.Active || len(again.Read) == 0 || again.Read[0] == "nothing" {
			t.Fatalf("after the caller changed its copy, Participant = %+v, %v", again, err)
		}

		// Changes through the store: seen by the very next request.
		if err := st.SetActive(ctx, "health", false, "test", admin); err != nil {
			t.Fatal(err)
		}
		if p, err := st.ParticipantBySubject(ctx, subject); err != nil || p.Active {
			t.Fatalf("after SetActive(false): %+v, %v; want inactive", p, err)
		}
		if err := st.Bind(ctx, subject, "ab12", "education", admin); err != nil {
			t.Fatal(err)
		}
		if p, err := st.ParticipantBySubject(ctx, subject); err != nil || p.Code != "education" {
			t.Fatalf("after binding to education: %+v, %v", p, err)
		}
		if err := st.SetRights(ctx, "education", "read", []string{"identity"}, admin); err != nil {
			t.Fatal(err)
		}
		if p, err := st.ParticipantBySubject(ctx, subject); err != nil || len(p.Read) != 1 || p.Read[0] != "identity" {
			t.Fatalf("after SetRights: %+v, %v; want read [identity]", p, err)
		}

		// A change behind the store's back: the memory answers until it
		// is older than its TTL, then the database does.
		if _, err := st.DB().ExecContext(ctx, `UPDATE participants SET active = 0 WHERE code = 'education'`); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().ExecContext(ctx, `DELETE FROM certificate_bindings WHERE subject = $1`, subject); err != nil {
			t.Fatal(err)
		}
		if p, err := st.ParticipantBySubject(ctx, subject); err != nil || !p.Active {
			t.Fatalf("within the TTL: %+v, %v; want the remembered, active participant", p, err)
		}
		store.SetParticipantTTL(st, time.Millisecond)
		time.Sleep(2 * time.Millisecond)
		if _, err := st.ParticipantBySubject(ctx, subject); !fault.Is(err, fault.NotFound) {
			t.Fatalf("past the TTL, the removed binding: err = %v, want not found", err)
		}
		if p, err := st.Participant(ctx, "education"); err != nil || p.Active {
			t.Fatalf("past the TTL: %+v, %v; want inactive", p, err)
		}
	})
}
