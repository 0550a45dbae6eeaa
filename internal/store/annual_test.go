package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

func bornIn(f, born, district string) store.Submission {
	return fact("justice", "birth_registration", "br-"+f, `{"name":{"given":"Əli","family":"Məmmədov"},"sex":"male","birth_date":"`+born+
		`","birth_place":{"district":"`+district+`"},"citizenship":"AZE"}`, fin(f))
}

// TestAnnualFormsAndUpdates: forms are defined for several participants
// at once; a change decided on an old revision is refused; a submitted
// report's form does not change; every step is in the history and audited.
func TestAnnualFormsAndUpdates(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		op := audit.Actor{Kind: audit.Person, ID: "1AK0001", Org: "operator"}
		defs := []store.AnnualFormDef{{"health", `{"v":1}`, "2027-01-15"}, {"justice", `{"v":1}`, "2027-01-15"}}
		if err := st.PutAnnualForms(ctx, 2026, defs, op); err != nil {
			t.Fatal(err)
		}
		f, err := st.AnnualForm(ctx, 2026, "health")
		if err != nil || f.State != "draft" || f.Deadline != "2027-01-15" || len(f.Events) != 1 || f.Events[0].What != "form_defined" {
			t.Fatalf("form = %+v, %v", f, err)
		}
		if _, err := st.AnnualForm(ctx, 2025, "health"); !fault.Is(err, fault.NotFound) {
			t.Errorf("a year without a form: %v", err)
		}
		answers := `{"a":1}`
		up := store.AnnualUpdate{FormID: f.ID, Version: f.Version, State: "submitted", Answers: &answers, Submitted: true, SubmittedAt: t0,
			Signed: &store.AnnualSigned{Body: `{"x":1}`, Signature: "c2ln", SignerSubject: "CN=x", ClientSubject: "CN=y", Via: "exchange"},
			Event:  "submitted", Actor: audit.Actor{Kind: audit.Participant, ID: "health"}}
		if err := st.UpdateAnnual(ctx, up); err != nil {
			t.Fatal(err)
		}
		if err := st.UpdateAnnual(ctx, up); !fault.Is(err, fault.Conflict) {
			t.Errorf("the same change on the old revision: %v; want a conflict", err)
		}
		f, _ = st.AnnualForm(ctx, 2026, "health")
		if f.State != "submitted" || f.Answers != answers || f.SignedID == 0 || f.SubmittedAt.IsZero() {
			t.Fatalf("after submission: %+v", f)
		}
		ev, err := st.AnnualSignedVersion(ctx, f.SignedID)
		if err != nil || ev.Body != `{"x":1}` || ev.Signature != "c2ln" || ev.Via != "exchange" {
			t.Errorf("evidence: %+v, %v", ev, err)
		}
		// Redefining: justice's draft changes, health's submitted report
		// does not, and the answer names health; nothing is written.
		err = st.PutAnnualForms(ctx, 2026, []store.AnnualFormDef{{"justice", `{"v":2}`, "2027-01-20"}, {"health", `{"v":2}`, "2027-01-20"}}, op)
		if !fault.Is(err, fault.Conflict) || len(fault.FieldsOf(err)) != 1 || fault.FieldsOf(err)[0].Field != "participants.health" {
			t.Fatalf("redefining a submitted report's form: %v", err)
		}
		if j, _ := st.AnnualForm(ctx, 2026, "justice"); j.Definition != `{"v":1}` {
			t.Errorf("justice's form changed although the whole definition was refused: %s", j.Definition)
		}
		if fs, err := st.AnnualForms(ctx, 2026, ""); err != nil || len(fs) != 2 {
			t.Errorf("forms of 2026: %d, %v", len(fs), err)
		}
		if fs, _ := st.AnnualForms(ctx, 0, "justice"); len(fs) != 1 || fs[0].Participant != "justice" {
			t.Errorf("justice's forms: %+v", fs)
		}
		if ys, _ := st.AnnualYears(ctx); len(ys) != 1 || ys[0] != 2026 {
			t.Errorf("years: %v", ys)
		}
		entries, err := st.AuditEntries(ctx, store.AuditFilter{Action: "annual.submitted"})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Detail, `"signed":`) {
			t.Errorf("audit of the submission: %+v, %v", entries, err)
		}
	})
}

// TestAnnualReminderClaimedOnce: two servers claiming the same reminder
// send it once.
func TestAnnualReminderClaimedOnce(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		if err := st.PutAnnualForms(ctx, 2026, []store.AnnualFormDef{{"health", `{}`, "2027-01-15"}}, audit.SystemActor("t")); err != nil {
			t.Fatal(err)
		}
		f, _ := st.AnnualForm(ctx, 2026, "health")
		mail := []store.Mail{{To: "it@health.test", Subject: "due", Body: "due"}}
		results := make(chan bool, 4)
		for range 4 {
			go func() {
				ok, err := st.ClaimAnnualReminder(ctx, f.ID, 30, mail)
				if err != nil {
					t.Error(err)
				}
				results <- ok
			}()
		}
		claimed := 0
		for range 4 {
			if <-results {
				claimed++
			}
		}
		if claimed != 1 {
			t.Errorf("%d claims of one reminder succeeded; want 1", claimed)
		}
		due, _ := st.DueMail(ctx, 10)
		if len(due) != 1 || due[0].Mail.To != "it@health.test" {
			t.Errorf("outbox: %+v", due)
		}
		sent, _ := st.AnnualReminders(ctx, f.ID)
		if _, ok := sent[30]; !ok || len(sent) != 1 {
			t.Errorf("reminders recorded: %v", sent)
		}
	})
}

// TestAnnualMeasures counts the children under 18 at the end of the
// year, nationally and in a district, and those with each kind of record.
func TestAnnualMeasures(t *testing.T) {
	now := func() time.Time { return time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC) }
	storetest.Each(t, now, func(t *testing.T, st *store.Store) {
		for _, s := range []store.Submission{
			bornIn("1AA0001", "2016-03-02", "sabail"), // 10: school age, no schooling
			bornIn("1AA0002", "2022-05-01", "sabail"), // 4
			bornIn("1AA0003", "2005-01-01", "sabail"), // 21: not a child
			bornIn("1AA0004", "2012-01-01", "yasamal"),
			fact("internal_affairs", "offences_against_child", "o-1", `{"article":"127"}`, fin("1AA0001")),
			fact("labour", "pension_benefits", "p-1", `{"kind":"benefit","disability":{"percent":45}}`, fin("1AA0002")),
			fact("education", "schooling", "s-1", `{"grade":8}`, fin("1AA0004")),
			fact("labour", "parental_care_registry", "c-1", `{"since":"2020-01-01"}`, fin("1AA0004")),
		} {
			if _, err := st.Submit(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		all, err := st.AnnualMeasures(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		nat := all[""]
		want := map[string]int64{"children_total": 3, "children_disability": 1, "children_in_care": 1, "school_age_no_schooling": 1,
			"offences_against_children": 1, "offences_by_children": 0, "minor_mothers": 0}
		for k, v := range want {
			if nat[k] != v {
				t.Errorf("national %s = %d; want %d", k, nat[k], v)
			}
		}
		if sab := all["sabail"]; sab["children_total"] != 2 || sab["children_in_care"] != 0 || sab["offences_against_children"] != 1 {
			t.Errorf("sabail = %v", sab)
		}
		// In 2025 the offence (recorded in 2026) does not count.
		if y, _ := st.AnnualMeasures(ctx, 2025); y[""]["offences_against_children"] != 0 || y[""]["children_total"] != 3 {
			t.Errorf("2025 = %v", y)
		}
		// Kept and read back: a district, the country, a district without
		// children (zeros), a year never computed.
		if _, _, ok, err := st.StoredAnnualMeasures(ctx, 2026, ""); ok || err != nil {
			t.Errorf("figures of a year never computed: %v %v", ok, err)
		}
		if err := st.PutAnnualMeasures(ctx, 2026, all); err != nil {
			t.Fatal(err)
		}
		if m, at, ok, err := st.StoredAnnualMeasures(ctx, 2026, "sabail"); !ok || err != nil || m["children_total"] != 2 || at.IsZero() {
			t.Errorf("sabail kept: %v %v %v %v", m, at, ok, err)
		}
		if m, _, ok, _ := st.StoredAnnualMeasures(ctx, 2026, ""); !ok || m["children_total"] != 3 {
			t.Errorf("the country kept: %v", m)
		}
		if m, _, ok, _ := st.StoredAnnualMeasures(ctx, 2026, "nakhchivan"); !ok || m["children_total"] != 0 || len(m) != 7 {
			t.Errorf("a district without children: %v %v", m, ok)
		}
	})
}
