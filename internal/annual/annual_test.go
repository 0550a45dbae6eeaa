package annual_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/annual"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
	"github.com/scfwca/databank/internal/testclock"
)

var ctx = context.Background()

// clock is the tests' settable clock, which at sets to noon of a day in
// Baku.
type clock struct{ *testclock.Clock }

func (c clock) now() time.Time { return c.Now() }

func (c clock) at(day string) {
	d := category.MustDate(day).Time().In(category.Baku)
	c.Set(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, category.Baku))
}

func fields(err error) []string {
	var out []string
	for _, f := range fault.FieldsOf(err) {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func TestDefaultFormsAreValid(t *testing.T) {
	for _, kind := range []string{participant.KindParticipant, participant.KindCommission} {
		f := annual.Default(kind)
		if errs := f.Check(); len(errs) > 0 {
			t.Errorf("%s: %v", kind, errs)
		}
		if _, err := annual.ParseForm([]byte(f.JSON())); err != nil {
			t.Errorf("%s: the default form does not read back: %v", kind, err)
		}
	}
}

// TestParseFormNamesEveryMistake: each wrong field of a form is named
// with its path, and an indicator's message names its code.
func TestParseFormNamesEveryMistake(t *testing.T) {
	bad := `{"title":{"az":"Hesabat","en":"Report","ru":""},"sections":[
	 {"code":"s1","title":{"az":"a","en":"a","ru":"a"},"indicators":[
	  {"code":"n1","label":{"az":"a","en":"a","ru":"a"},"type":"integer","min":5,"max":1},
	  {"code":"n1","label":{"az":"a","en":"a","ru":"a"},"type":"integer"},
	  {"code":"Bad Code","label":{"az":"a","en":"a","ru":"a"},"type":"float"},
	  {"code":"c1","label":{"az":"a","en":"","ru":"a"},"type":"choice"},
	  {"code":"t1","label":{"az":"a","en":"a","ru":"a"},"type":"text","min":1},
	  {"code":"k1","label":{"az":"a","en":"a","ru":"a"},"type":"integer","computed":"unicorns"},
	  {"code":"p1","label":{"az":"a","en":"a","ru":"a"},"type":"percent","max":150}
	 ]},
	 {"code":"s2","title":{"az":"b","en":"b","ru":"b"},"indicators":[]}]}`
	_, err := annual.ParseForm([]byte(bad))
	if !fault.Is(err, fault.Invalid) {
		t.Fatalf("err = %v", err)
	}
	got := fields(err)
	for _, want := range []string{
		"title.ru:required",
		"sections[0].indicators[0].max:range_invalid",
		"sections[0].indicators[1].code:duplicate",
		"sections[0].indicators[2].code:code_invalid",
		"sections[0].indicators[2].type:type_invalid",
		"sections[0].indicators[3].label.en:required",
		"sections[0].indicators[3].choices:required",
		"sections[0].indicators[4].min:not_numeric",
		"sections[0].indicators[5].computed:computed_unknown",
		"sections[0].indicators[6].max:range_invalid",
		"sections[1].indicators:required",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	for _, f := range fault.FieldsOf(err) {
		if f.Field == "sections[0].indicators[5].computed" && !strings.Contains(f.Message.EN, "k1") {
			t.Errorf("the message does not name the indicator: %q", f.Message.EN)
		}
	}
	if _, err := annual.ParseForm([]byte(`{"title":1}`)); !slices.Contains(fields(err), "form:malformed_json") {
		t.Errorf("not JSON: %v", fields(err))
	}
	if _, err := annual.ParseForm([]byte(`{"title":{"az":"a","en":"a","ru":"a"},"sections":[],"extra":1}`)); !slices.Contains(fields(err), "form:malformed_json") {
		t.Errorf("an unknown field: %v", fields(err))
	}
}

// TestCheckValues holds each type, range and requirement.
func TestCheckValues(t *testing.T) {
	f := annual.Default(participant.KindParticipant)
	good := map[string]any{"children_served": "120", "children_total": json.Number("1500"), "children_disability": 3, "children_in_care": 4.0,
		"programmes": "2", "spending": "12,5", "budget_share": "7.5", "action_plan": "true", "main_area": "health",
		"achievements": "Much", "problems": "Some"}
	v, err := f.CheckValues(good, true)
	if err != nil {
		t.Fatalf("good values: %v %v", err, fields(err))
	}
	if v["children_served"] != int64(120) || v["spending"] != 12.5 || v["action_plan"] != true || v["main_area"] != "health" {
		t.Errorf("normalised: %#v", v)
	}
	cases := []struct {
		name  string
		value any
		code  string
		want  string
	}{
		{"integer with a fraction", "1.5", "children_served", "not_an_integer"},
		{"not a number", "many", "children_served", "not_a_number"},
		{"below min", "-1", "programmes", "min"},
		{"percent above 100", "101", "budget_share", "max"},
		{"not yes or no", "maybe", "action_plan", "not_a_boolean"},
		{"not a choice", "sport", "main_area", "not_a_choice"},
		{"text not a string", 5, "achievements", "not_a_text"},
		{"unknown indicator", "1", "unicorns", "unknown_indicator"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vals := map[string]any{}
			for k, v := range good {
				vals[k] = v
			}
			vals[c.code] = c.value
			_, err := f.CheckValues(vals, true)
			if got := fields(err); !slices.Equal(got, []string{"values." + c.code + ":" + c.want}) {
				t.Errorf("got %v", got)
			}
			for _, fe := range fault.FieldsOf(err) {
				for _, m := range []string{fe.Message.AZ, fe.Message.EN, fe.Message.RU} {
					if strings.Contains(m, "%!") {
						t.Errorf("a malformed message: %q", m)
					}
				}
				if in, ok := f.Indicator(c.code); ok && !strings.HasPrefix(fe.Message.EN, in.Label.EN+": ") {
					t.Errorf("the English message does not start with the indicator's English label: %q", fe.Message.EN)
				}
			}
		})
	}
	// A draft may leave required values empty; a submission may not, and
	// every missing one is named.
	if _, err := f.CheckValues(map[string]any{"programmes": "3", "problems": ""}, false); err != nil {
		t.Errorf("a partial draft: %v", fields(err))
	}
	_, err = f.CheckValues(map[string]any{"programmes": "3"}, true)
	if got := fields(err); len(got) != 8 || !slices.Contains(got, "values.children_served:required") || !slices.Contains(got, "values.problems:required") {
		t.Errorf("missing required values: %v", got)
	}
}

type env struct {
	st    *store.Store
	svc   *annual.Service
	clock clock
	op    annual.Who
	eval  annual.Who
	hlth  annual.Who
	just  annual.Who
}

func newEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	c := clock{testclock.New(time.Time{})}
	c.at("2026-11-20")
	storetest.Each(t, c.now, func(t *testing.T, st *store.Store) {
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		ps, _ := st.Participants(ctx)
		org := func(code string) *participant.Participant {
			for i := range ps {
				if ps[i].Code == code {
					return &ps[i]
				}
			}
			t.Fatalf("no participant %s", code)
			return nil
		}
		who := func(role access.Role, o, fin string) annual.Who {
			w := annual.Who{Subject: access.Subject{Role: role, FIN: fin}, Actor: audit.Actor{Kind: audit.Person, ID: fin, Org: o, Role: string(role)}}
			if o != "" {
				w.Subject.Org = org(o)
			}
			return w
		}
		e := &env{st: st, svc: annual.New(st, c.now), clock: c,
			op: who(access.OperatorAdmin, "operator", "1AK0001"), eval: who(access.Evaluator, "", "6RN0001"),
			hlth: who(access.OrgOfficer, "health", "4SH0001"), just: who(access.OrgHead, "justice", "3ED0001")}
		c.at("2026-11-20")
		fn(t, e)
	})
}

func (e *env) define(t *testing.T, targets ...string) {
	t.Helper()
	if err := e.svc.Define(ctx, e.op, 2026, targets, annual.Default(participant.KindParticipant).JSON(), ""); err != nil {
		t.Fatalf("define: %v %v", err, fields(err))
	}
}

var complete = map[string]any{"children_served": "120", "children_total": "1500", "children_disability": "3", "children_in_care": "4",
	"programmes": "2", "action_plan": "yes", "main_area": "health", "achievements": "Much", "problems": "Some"}

func (e *env) submit(who annual.Who, org string, vals map[string]any) error {
	body, err := e.svc.Prepare(ctx, who, 2026, org, vals)
	if err != nil {
		return err
	}
	return e.svc.Submit(ctx, who, 2026, org, body, annual.Evidence{Signature: "c2ln", SignerSubject: "CN=" + who.Actor.ID, Via: "e-cabinet"})
}

// TestStateMachine: draft → submitted → returned with comments → draft →
// submitted → accepted, each step by whom may take it, with its history.
func TestStateMachine(t *testing.T) {
	newEnv(t, func(t *testing.T, e *env) {
		// Defining: only the operator; a kind at once; mistakes named.
		if err := e.svc.Define(ctx, e.hlth, 2026, []string{"health"}, annual.Default("participant").JSON(), ""); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a participant defines a form: %v", err)
		}
		err := e.svc.Define(ctx, e.op, 1990, []string{"nobody"}, `{"title":{}}`, "15.01.2027")
		for _, want := range []string{"year:year_invalid", "deadline:date_invalid", "targets:unknown_participant", "title.az:required"} {
			if !slices.Contains(fields(err), want) {
				t.Errorf("define with mistakes: %s not in %v", want, fields(err))
			}
		}
		e.define(t, "kind:participant")
		r, err := e.svc.Report(ctx, e.hlth, 2026, "health")
		if err != nil || r.State != annual.Draft || r.Deadline != "2027-01-15" || r.Locked || r.DaysLeft != 56 {
			t.Fatalf("report = %+v, %v", r, err)
		}
		if _, err := e.svc.Report(ctx, e.hlth, 2026, "justice"); !fault.Is(err, fault.Forbidden) {
			t.Errorf("health reads justice's report: %v", err)
		}
		if rs, _ := e.svc.Reports(ctx, e.op, 2026); len(rs) != 8 {
			t.Errorf("the operator sees %d reports; want the 8 participants'", len(rs))
		}
		if rs, _ := e.svc.Reports(ctx, e.hlth, 0); len(rs) != 1 || rs[0].Participant != "health" {
			t.Errorf("health sees %d reports", len(rs))
		}

		// A draft: a wrong value refused and named, a partial one kept.
		if err := e.svc.SaveDraft(ctx, e.hlth, 2026, "health", map[string]any{"programmes": "two"}); !slices.Equal(fields(err), []string{"values.programmes:not_a_number"}) {
			t.Errorf("a wrong draft value: %v", fields(err))
		}
		if err := e.svc.SaveDraft(ctx, e.hlth, 2026, "health", map[string]any{"programmes": "2"}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SaveDraft(ctx, e.just, 2026, "health", map[string]any{"programmes": "2"}); !fault.Is(err, fault.Forbidden) {
			t.Errorf("justice saves health's draft: %v", err)
		}
		if err := e.svc.SaveDraft(ctx, e.eval, 2026, "health", map[string]any{"programmes": "2"}); !fault.Is(err, fault.Forbidden) {
			t.Errorf("the evaluator saves a draft: %v", err)
		}
		// Submitting needs every required value.
		if _, err := e.svc.Prepare(ctx, e.hlth, 2026, "health", map[string]any{"programmes": "2"}); !slices.Contains(fields(err), "values.problems:required") {
			t.Errorf("an incomplete submission: %v", fields(err))
		}
		// The signed body must be this participant's, for this year.
		if err := e.svc.Submit(ctx, e.hlth, 2026, "health", []byte(`{"participant":"justice","year":2025,"values":{}}`), annual.Evidence{}); !slices.Equal(fields(err), []string{"participant:participant_mismatch", "year:year_mismatch"}) {
			t.Errorf("a body for someone else: %v", fields(err))
		}
		if err := e.submit(e.hlth, "health", complete); err != nil {
			t.Fatalf("submit: %v %v", err, fields(err))
		}
		r, _ = e.svc.Report(ctx, e.op, 2026, "health")
		if r.State != annual.Submitted || r.Late || r.SignedID == 0 || r.Values["children_served"] == nil {
			t.Fatalf("after submitting: %+v", r)
		}
		if ev, err := e.svc.Evidence(ctx, e.op, r); err != nil || !strings.Contains(ev.Body, `"participant":"health"`) {
			t.Errorf("evidence: %+v %v", ev, err)
		}
		if err := e.submit(e.hlth, "health", complete); !fault.Is(err, fault.Conflict) {
			t.Errorf("submitting twice: %v", err)
		}
		if err := e.svc.SaveDraft(ctx, e.hlth, 2026, "health", complete); !fault.Is(err, fault.Conflict) {
			t.Errorf("changing a submitted report: %v", err)
		}

		// Returned: a comment is required; only the operator decides.
		if err := e.svc.Decide(ctx, e.eval, 2026, "health", true, ""); !fault.Is(err, fault.Forbidden) {
			t.Errorf("the evaluator decides: %v", err)
		}
		if err := e.svc.Decide(ctx, e.op, 2026, "health", false, " "); !slices.Equal(fields(err), []string{"comment:required"}) {
			t.Errorf("returned without a comment: %v", fields(err))
		}
		if err := e.svc.Decide(ctx, e.op, 2026, "health", false, "Programmes: give the real count"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Decide(ctx, e.op, 2026, "health", true, ""); !fault.Is(err, fault.Conflict) {
			t.Errorf("accepting a returned report: %v", err)
		}
		r, _ = e.svc.Report(ctx, e.hlth, 2026, "health")
		if r.State != annual.Returned || !r.Editable() {
			t.Errorf("after returning: %s editable=%v", r.State, r.Editable())
		}
		fixed := map[string]any{}
		for k, v := range complete {
			fixed[k] = v
		}
		fixed["programmes"] = "5"
		if err := e.svc.SaveDraft(ctx, e.hlth, 2026, "health", fixed); err != nil {
			t.Fatal(err)
		}
		if r, _ := e.svc.Report(ctx, e.hlth, 2026, "health"); r.State != annual.Draft {
			t.Errorf("a returned report saved is a draft again: %s", r.State)
		}
		if err := e.submit(e.hlth, "health", fixed); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Decide(ctx, e.op, 2026, "health", true, "Thank you"); err != nil {
			t.Fatal(err)
		}
		r, _ = e.svc.Report(ctx, e.eval, 2026, "health")
		var steps []string
		for _, ev := range r.Events {
			steps = append(steps, ev.What+"/"+ev.Actor)
		}
		want := []string{"form_defined/1AK0001", "draft_saved/4SH0001", "submitted/4SH0001", "returned/1AK0001", "draft_saved/4SH0001",
			"submitted/4SH0001", "accepted/1AK0001"}
		if r.State != annual.Accepted || !slices.Equal(steps, want) {
			t.Errorf("history %v; want %v", steps, want)
		}
		if r.Events[3].Comment != "Programmes: give the real count" {
			t.Errorf("the return's comment: %q", r.Events[3].Comment)
		}
		if n, _ := r.Values["programmes"].(interface{ String() string }); n == nil || n.String() != "5" {
			t.Errorf("the values are the resubmitted ones: %v", r.Values["programmes"])
		}
		// Once submitted, the form cannot be redefined.
		if err := e.svc.Define(ctx, e.op, 2026, []string{"health"}, annual.Default("participant").JSON(), ""); !fault.Is(err, fault.Conflict) {
			t.Errorf("redefining an accepted report's form: %v", err)
		}
	})
}

// TestLatenessLockAndReopen: after the deadline the form is locked; the
// operator reopens it for one participant until a later day; what is
// submitted then is late; the reporting rate tells on time, late and
// missing.
func TestLatenessLockAndReopen(t *testing.T) {
	newEnv(t, func(t *testing.T, e *env) {
		e.define(t, "health", "justice", "education")
		if err := e.submit(e.just, "justice", complete); err != nil {
			t.Fatal(err)
		}
		e.clock.at("2027-01-15") // the last day: still open
		if r, _ := e.svc.Report(ctx, e.hlth, 2026, "health"); r.Locked || r.DaysLeft != 0 {
			t.Errorf("on the last day: locked=%v days=%d", r.Locked, r.DaysLeft)
		}
		e.clock.at("2027-01-16")
		if err := e.svc.SaveDraft(ctx, e.hlth, 2026, "health", complete); !slices.Equal(fields(err), []string{"deadline:form_locked"}) {
			t.Errorf("saving after the deadline: %v", fields(err))
		}
		if _, err := e.svc.Prepare(ctx, e.hlth, 2026, "health", complete); !fault.Is(err, fault.Conflict) {
			t.Errorf("submitting after the deadline: %v", err)
		}
		if err := e.svc.Reopen(ctx, e.hlth, 2026, "health", "2027-01-31", ""); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a participant reopens: %v", err)
		}
		if err := e.svc.Reopen(ctx, e.op, 2026, "health", "2027-01-10", ""); !slices.Equal(fields(err), []string{"until:date_too_early"}) {
			t.Errorf("reopening until a past day: %v", fields(err))
		}
		if err := e.svc.Reopen(ctx, e.op, 2026, "health", "2027-01-31", "Letter no. 12"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Reopen(ctx, e.op, 2026, "justice", "2027-01-31", ""); !fault.Is(err, fault.Conflict) {
			t.Errorf("reopening a submitted report: %v", err)
		}
		if err := e.submit(e.hlth, "health", complete); err != nil {
			t.Fatalf("submitting the reopened form: %v %v", err, fields(err))
		}
		r, _ := e.svc.Report(ctx, e.op, 2026, "health")
		if !r.Late || r.ReopenedUntil != "2027-01-31" || r.Events[1].What != "reopened" || !strings.Contains(r.Events[1].Comment, "Letter no. 12") {
			t.Errorf("after the reopened submission: late=%v until=%q events=%+v", r.Late, r.ReopenedUntil, r.Events)
		}
		// Education's form stays locked.
		if err := e.svc.SaveDraft(ctx, annual.Who{Subject: access.Subject{Role: access.OrgHead, Org: &participant.Participant{Code: "education"}}}, 2026, "education", complete); !fault.Is(err, fault.Conflict) {
			t.Errorf("education after the deadline: %v", err)
		}
		rate, err := e.svc.Rate(ctx, e.eval, 2026)
		if err != nil || rate.Total != 3 || rate.Counts[annual.OnTime] != 1 || rate.Counts[annual.Late] != 1 || rate.Counts[annual.Missing] != 1 {
			t.Fatalf("rate = %+v, %v", rate, err)
		}
		if s := rate.Share(annual.OnTime); s < 33.3 || s > 33.4 {
			t.Errorf("share on time = %v", s)
		}
		if _, err := e.svc.Rate(ctx, e.hlth, 2026); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a participant reads the rate: %v", err)
		}
		// The national report puts the sum reported beside the Data Bank's
		// own figure.
		doc, err := e.svc.National(ctx, e.eval, 2026, "en", func(c string) string { return c })
		if err != nil || len(doc.Tables) != 3 {
			t.Fatalf("national: %v", err)
		}
		var served []string
		for _, row := range doc.Tables[1].Rows {
			if row[1].Text == "children_served" || row[1].Text == "children_total" {
				served = append(served, row[1].Text+"="+row[3].String()+"/"+row[4].String()+"/"+row[6].String())
			}
		}
		if !slices.Equal(served, []string{"children_served=2/240/", "children_total=2/3000/0"}) {
			t.Errorf("national indicators: %v", served)
		}
		if len(doc.Tables[2].Rows) != 4 {
			t.Errorf("narrative rows: %d", len(doc.Tables[2].Rows))
		}
	})
}

// TestRemindersExactlyOnce: with a fake clock, each participant that has
// not submitted gets the reminders 30, 7 and 1 day before the deadline,
// each once, however often and on however many servers the job runs;
// one that submitted gets none after that.
func TestRemindersExactlyOnce(t *testing.T) {
	newEnv(t, func(t *testing.T, e *env) {
		for _, org := range []string{"health", "justice"} {
			if err := e.st.SetParticipantEmail(ctx, org, "it@"+org+".test", audit.SystemActor("t")); err != nil {
				t.Fatal(err)
			}
		}
		e.define(t, "health", "justice")
		other := annual.New(e.st, e.clock.now) // a second server
		run := func(day string, want int) {
			t.Helper()
			e.clock.at(day)
			var wg sync.WaitGroup
			counts := make([]int, 2)
			for i, s := range []*annual.Service{e.svc, other} {
				wg.Go(func() {
					n, err := s.Remind(ctx)
					if err != nil {
						t.Error(err)
					}
					counts[i] = n
				})
			}
			wg.Wait()
			if counts[0]+counts[1] != want {
				t.Errorf("%s: %d reminders; want %d", day, counts[0]+counts[1], want)
			}
		}
		run("2026-12-15", 0) // 31 days before
		run("2026-12-16", 2) // 30 days: both
		run("2026-12-16", 0)
		run("2026-12-20", 0)
		if err := e.submit(e.just, "justice", complete); err != nil {
			t.Fatal(err)
		}
		run("2027-01-08", 1) // 7 days: health only
		run("2027-01-09", 0)
		run("2027-01-14", 1) // 1 day
		run("2027-01-15", 0)
		run("2027-01-16", 0) // after the deadline: none
		mails, _ := e.st.DueMail(ctx, 100)
		var to []string
		for _, m := range mails {
			to = append(to, m.Mail.To)
			if !strings.Contains(m.Mail.Body, "2027-01-15") {
				t.Errorf("a reminder does not name the deadline: %q", m.Mail.Body)
			}
		}
		want := []string{"it@health.test", "it@justice.test", "it@health.test", "it@health.test"}
		if !slices.Equal(to, want) {
			t.Errorf("e-mails to %v; want %v", to, want)
		}
		r, _ := e.svc.Report(ctx, e.hlth, 2026, "health")
		if !slices.Equal(r.Reminders, []int{30, 7, 1}) {
			t.Errorf("health's reminders on its page: %v", r.Reminders)
		}
	})
}
