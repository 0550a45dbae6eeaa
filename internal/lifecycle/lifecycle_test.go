package lifecycle_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/lifecycle"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

func TestWorkingDays(t *testing.T) {
	cal := lifecycle.NewCalendar(lifecycle.DefaultHolidays(2026))
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-02", 5, "2026-11-10"},  // Monday; 8 Nov is a Sunday, 9 Nov (Flag Day) a Monday off
		{"2026-03-16", 5, "2026-03-26"},  // across Novruz (20–24 March)
		{"2026-12-29", 3, "2027-01-05"},  // 31 Dec and 1–2 Jan are off, then the weekend
		{"2026-06-12", 15, "2026-07-07"}, // across 15 and 26 June
	} {
		cal := cal
		if c.from[:4] != c.want[:4] {
			cal = lifecycle.NewCalendar(append(lifecycle.DefaultHolidays(2026), lifecycle.DefaultHolidays(2027)...))
		}
		if got := cal.AddWorkingDays(category.MustDate(c.from), c.n); got.String() != c.want {
			t.Errorf("%d working days after %s = %s; want %s", c.n, c.from, got, c.want)
		}
	}
}

// TestAppealsRegister: an appeal without a due date is due 15 working
// days after it arrived; past that, still open, it is overdue for its
// body; answered, it is not; a holiday the operator adds moves the
// deadline.
func TestAppealsRegister(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		appeal := func(sender, source, received, status string) {
			payload := `{"kind":"complaint","received_on":"` + received + `","receiving_body":"Body","applicant":{"name":{"given":"Aynur","family":"Əliyeva"}},"summary":"s","status":"` + status + `"}`
			sum := sha256.Sum256([]byte(payload))
			_, err := st.Submit(ctx, store.Submission{Keys: []profile.Key{{Kind: profile.KeyFIN, Value: "5ZK3N2P"}},
				Fact: profile.Fact{Category: "appeals", Sender: sender, SourceID: source, Action: profile.Upsert,
					EffectiveDate: category.MustDate(received), ReceivedAt: time.Now(), Payload: []byte(payload), ContentHash: hex.EncodeToString(sum[:])},
				Actor: audit.SystemActor("test"), Detail: "{}"})
			if err != nil {
				t.Fatal(err)
			}
		}
		appeal("commission.sabail", "a-1", "2026-10-01", "received") // due 22 Oct
		appeal("commission.sabail", "a-2", "2026-10-01", "answered") // answered
		appeal("education", "a-3", "2026-11-16", "in_proceedings")   // due 7 Dec
		today := category.MustDate("2026-10-23")
		reg, err := lifecycle.Register(ctx, st, "", lifecycle.AppealDeadline, today)
		if err != nil {
			t.Fatal(err)
		}
		overdue := map[string]lifecycle.RegisteredAppeal{}
		for _, a := range reg {
			if a.Overdue {
				overdue[a.SourceID] = a
			}
		}
		if a, ok := overdue["a-1"]; !ok || a.Due.String() != "2026-10-22" || a.DaysOver != 1 || len(overdue) != 1 {
			t.Errorf("overdue = %+v", overdue)
		}
		if own, _ := lifecycle.Register(ctx, st, "education", lifecycle.AppealDeadline, today); len(own) != 1 || own[0].SourceID != "a-3" {
			t.Errorf("education's register = %+v", own)
		}
		// The operator declares 15 October a holiday: a-1 is due a day later, on time on the 23rd.
		if err := st.SetHoliday(ctx, store.HolidayChange{Day: "2026-10-15", NameAZ: "x", NameEN: "x", NameRU: "x"}, audit.SystemActor("test")); err != nil {
			t.Fatal(err)
		}
		reg, _ = lifecycle.Register(ctx, st, "commission.sabail", lifecycle.AppealDeadline, today)
		for _, a := range reg {
			if a.SourceID == "a-1" && (a.Overdue || a.Due.String() != "2026-10-23") {
				t.Errorf("after the added holiday: %+v", a)
			}
		}
		// The daily digest tells the body of its overdue appeal, once.
		st.SeedParticipants(ctx, participant.Defaults())
		st.SetParticipantEmail(ctx, "commission.sabail", "kdn@sabail.test", audit.SystemActor("test"))
		later := category.MustDate("2026-11-02")
		if n, err := lifecycle.OverdueDigest(ctx, st, lifecycle.AppealDeadline, later); n != 1 || err != nil {
			t.Errorf("digest told %d, %v", n, err)
		}
		if n, _ := lifecycle.OverdueDigest(ctx, st, lifecycle.AppealDeadline, later); n != 0 {
			t.Errorf("the digest went twice in a day (%d)", n)
		}
		if due, _ := st.DueMail(ctx, 10); len(due) != 1 || due[0].Mail.To != "kdn@sabail.test" || !strings.Contains(due[0].Mail.Subject, "1 appeals overdue") {
			t.Errorf("outbox = %+v", due)
		}
	})
}

// TestCorrections: a mother asks to correct her child's record; another
// parent may not, nor may she propose something invalid or unchanged;
// the operator approves, and the record's sender finds the correction in
// its feed, marked as correcting its record, and the profile shows it.
func TestCorrections(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		payload := string(category.CatBirthRegistration.Examples()[0]) // Əli Məmmədov, mother 3MN8P4Q
		sum := sha256.Sum256([]byte("upsert\x00" + payload))
		res, err := st.Submit(ctx, store.Submission{Keys: []profile.Key{{Kind: profile.KeyFIN, Value: "5ZK3N2P"}},
			Fact: profile.Fact{Category: "birth_registration", Sender: "justice", SourceID: "akt-1", Action: profile.Upsert,
				EffectiveDate: category.MustDate("2016-03-14"), ReceivedAt: time.Now(), Payload: []byte(payload), ContentHash: hex.EncodeToString(sum[:])},
			Actor: audit.SystemActor("test"), Detail: "{}"})
		if err != nil {
			t.Fatal(err)
		}
		// Health sends something too, so that it has a feed about the child.
		h := sha256.Sum256([]byte("x"))
		st.Submit(ctx, store.Submission{Keys: []profile.Key{{Kind: profile.KeyFIN, Value: "5ZK3N2P"}},
			Fact: profile.Fact{Category: "medical_registration", Sender: "health", SourceID: "mr-1", Action: profile.Upsert,
				EffectiveDate: category.MustDate("2016-04-01"), ReceivedAt: time.Now(), Payload: []byte(`{"clinic":"X"}`), ContentHash: hex.EncodeToString(h[:])},
			Actor: audit.SystemActor("test"), Detail: "{}"})
		cs := lifecycle.NewCorrections(st, nil)
		mother := lifecycle.Person{Subject: access.Subject{Role: access.Parent, FIN: "3MN8P4Q"}, Actor: audit.Actor{Kind: audit.Person, ID: "3MN8P4Q"}}
		stranger := lifecycle.Person{Subject: access.Subject{Role: access.Parent, FIN: "9ZZ9ZZ9"}, Actor: audit.Actor{Kind: audit.Person, ID: "9ZZ9ZZ9"}}
		fixed := []byte(strings.Replace(payload, `"Əli"`, `"Ali"`, 1))
		if _, err := cs.Request(ctx, stranger, res.ChildID, res.FactID, fixed, "typo", nil); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a stranger's request: %v", err)
		}
		if _, err := cs.Request(ctx, mother, res.ChildID, res.FactID, []byte(payload), "same", nil); !fault.Is(err, fault.Invalid) {
			t.Errorf("an unchanged proposal: %v", err)
		}
		if _, err := cs.Request(ctx, mother, res.ChildID, res.FactID, []byte(`{"sex":"x"}`), "", &lifecycle.File{Name: "a.exe", Data: []byte("MZ\x00")}); !fault.Is(err, fault.Invalid) || len(fault.FieldsOf(err)) < 3 {
			t.Errorf("a bad proposal: %v", err)
		}
		if _, err := cs.Request(ctx, mother, res.ChildID, 999999, fixed, "no such record", nil); !fault.Is(err, fault.NotFound) {
			t.Errorf("a correction of a record that does not exist: %v", err)
		}
		if _, err := cs.RequestReply(ctx, mother, res.ChildID, res.FactID, fixed, "x", nil, "not-an-address"); !fault.Is(err, fault.Invalid) {
			t.Errorf("a bad address: %v", err)
		}
		id, err := cs.RequestReply(ctx, mother, res.ChildID, res.FactID, fixed, "The name is Ali, see the certificate",
			&lifecycle.File{Name: "cert.pdf", Data: []byte("%PDF-1.4 x")}, "aynur@example.test")
		if err != nil {
			t.Fatal(err)
		}
		admin := lifecycle.Person{Subject: access.Subject{Role: access.OperatorAdmin}, Actor: audit.Actor{Kind: audit.Person, ID: "1AK0001"}}
		if err := cs.Decide(ctx, mother, id, true, ""); !fault.Is(err, fault.Forbidden) {
			t.Errorf("the mother decided: %v", err)
		}
		if err := cs.Decide(ctx, admin, id, false, ""); !fault.Is(err, fault.Invalid) {
			t.Errorf("a rejection without a reason: %v", err)
		}
		if err := cs.Decide(ctx, admin, id, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := cs.Decide(ctx, admin, id, false, "changed my mind"); !fault.Is(err, fault.Conflict) {
			t.Errorf("deciding twice: %v", err)
		}
		if due, _ := st.DueMail(ctx, 10); len(due) != 1 || due[0].Mail.To != "aynur@example.test" || !strings.Contains(due[0].Mail.Subject, "approved") {
			t.Errorf("the decision's mail: %+v", due)
		}
		mine, _ := st.Corrections(ctx, "3MN8P4Q", "", 10)
		if len(mine) != 1 || mine[0].State != "approved" || mine[0].CorrectionFact == 0 {
			t.Errorf("the mother's requests = %+v", mine)
		}
		feed, err := st.Feed(ctx, "justice", []string{"birth_registration"}, 0, 10)
		if err != nil || len(feed) != 1 || feed[0].Sender != "operator" || feed[0].Corrects == nil || feed[0].Corrects.SourceID != "akt-1" {
			t.Errorf("justice's feed = %+v, %v", feed, err)
		}
		s, _, _ := st.StoredSummary(ctx, res.ChildID)
		if s.Name.Given != "Ali" {
			t.Errorf("the profile shows %q", s.Name.Given)
		}
	})
}
