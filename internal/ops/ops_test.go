package ops_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/ops"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var ctx = context.Background()

// TestIntrusionRules feeds the audit stream what each rule watches for:
// a person reading too many profiles (suspended, as the operator asked),
// one refused again and again, refused logins, unknown certificates, a
// read at night; each raises one security event, notified by e-mail and
// to the webhook, and none is raised twice.
func TestIntrusionRules(t *testing.T) {
	var mu sync.Mutex
	var hooked []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Source string }
		json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		hooked = append(hooked, in.Source)
		mu.Unlock()
	}))
	defer hook.Close()
	// Tuesday 23:30 in Baku.
	now := time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC)
	storetest.Each(t, func() time.Time { return now }, func(t *testing.T, st *store.Store) {
		mu.Lock()
		hooked = nil
		mu.Unlock()
		st.SeedParticipants(ctx, participant.Defaults())
		st.SetParticipantEmail(ctx, "operator", "soc@operator.test", audit.SystemActor("test"))
		harvester := audit.Actor{Kind: audit.Person, ID: "4TH0009", Org: "education"}
		if _, _, err := st.Login(ctx, "4TH0009", "Test Person", harvester); err != nil {
			t.Fatal(err)
		}
		for range 6 {
			st.Audit(ctx, audit.Entry{Actor: harvester, Action: "profile.read", ChildID: 1, Outcome: "allowed"})
		}
		prober := audit.Actor{Kind: audit.Person, ID: "4SH0009", Org: "health"}
		for range 4 {
			st.Audit(ctx, audit.Entry{Actor: prober, Action: "profile.read", ChildID: 2, Outcome: "denied"})
		}
		for range 3 {
			st.Audit(ctx, audit.Entry{Actor: audit.Actor{Kind: audit.Person, ID: "unknown"}, Action: "person.login", Outcome: "refused: state_mismatch"})
			st.Audit(ctx, audit.Entry{Actor: audit.Actor{Kind: audit.Participant, ID: "unknown"}, Action: "exchange.refused", Outcome: "certificate_unbound"})
		}
		o := ops.New(st, func() time.Time { return now }, nil, hook.URL)
		rules := ops.Rules{ReadsPerHour: 5, RefusalsPerHour: 4, FailedLogins: 3, UnknownCerts: 3, SignatureErrors: 20, Suspend: true}
		n, err := o.Watch(ctx, rules)
		if err != nil {
			t.Fatal(err)
		}
		incidents, _ := st.Incidents(ctx, "open", 50)
		sources := map[string]int{}
		for _, in := range incidents {
			sources[in.Source]++
		}
		for _, want := range []string{"intrusion.reads", "intrusion.refusals", "intrusion.logins", "intrusion.certificates", "intrusion.offhours"} {
			if sources[want] == 0 {
				t.Errorf("no %s event; events: %v", want, sources)
			}
		}
		if n != len(incidents) {
			t.Errorf("Watch said %d, the register has %d", n, len(incidents))
		}
		if again, _ := o.Watch(ctx, rules); again != 0 {
			t.Errorf("%d events raised twice", again)
		}
		if p, _ := st.Person(ctx, "4TH0009"); p == nil || !p.Suspended {
			t.Error("the harvester was not suspended")
		}
		due, _ := st.DueMail(ctx, 50)
		if len(due) != n || due[0].Mail.To != "soc@operator.test" {
			t.Errorf("mails = %d for %d events", len(due), n)
		}
		mu.Lock()
		if len(hooked) != n {
			t.Errorf("webhook got %d for %d events", len(hooked), n)
		}
		mu.Unlock()
		// The operator resolves one.
		if err := st.ResolveIncident(ctx, incidents[0].ID, "the officer had a list to check", audit.SystemActor("test")); err != nil {
			t.Fatal(err)
		}
		if err := st.ResolveIncident(ctx, incidents[0].ID, "again", audit.SystemActor("test")); err == nil {
			t.Error("resolved twice")
		}
	})
}

// TestOutageIsRecordedWhenItEnds: the database stops answering, then
// answers again; one incident says for how long.
func TestOutageIsRecordedWhenItEnds(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	st := storetest.Open(t, store.SQLite, func() time.Time { return now })
	o := ops.New(st, func() time.Time { return now }, nil, "")
	var out ops.Outage
	down := func(context.Context) error { return errors.New("connection refused") }
	o.Check(ctx, &out, down)
	now = now.Add(95 * time.Second)
	o.Check(ctx, &out, down)
	o.Check(ctx, &out, st.Ping)
	o.Check(ctx, &out, st.Ping)
	incidents, _ := st.Incidents(ctx, "", 10)
	if len(incidents) != 1 || incidents[0].Source != "db_unreachable" || !strings.Contains(incidents[0].Title, "1m35s") {
		t.Errorf("incidents = %+v", incidents)
	}
}
