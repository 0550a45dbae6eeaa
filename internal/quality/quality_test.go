package quality_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/quality"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var (
	ctx = context.Background()
	now = time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC) // 12:00 in Baku
)

func clock() time.Time { return now }

// child is a child of the test population and what is sent about it.
type child struct {
	fin   string
	birth string
}

var children = []child{
	{"7QA0001", "2020-05-01"}, // 5
	{"7QA0002", "2019-03-10"}, // 7
	{"7QA0003", "2014-01-01"}, // 12
	{"7QA0004", "2008-03-11"}, // 17, 18 tomorrow
	{"7QA0005", "2008-03-10"}, // 18 today: no longer a child for the rules
	{"7QA0006", "2012-02-29"}, // 14
}

// sent is one record sent: who, which category, about whom, when it takes
// effect and when it was received.
type sent struct {
	sender, category string
	child            int
	effective        string
	received         time.Time
}

func daysAgo(d int, hour int) time.Time {
	return now.Add(-time.Duration(d) * 24 * time.Hour).Truncate(24 * time.Hour).Add(time.Duration(hour) * time.Hour)
}

// The records: birth registrations for every child, then the others.
// Hours are UTC: 21:00 UTC is already the next day in Baku.
func records() []sent {
	var out []sent
	for i, c := range children {
		out = append(out, sent{"justice", "birth_registration", i, c.birth, daysAgo(60-i, 9)})
	}
	// Justice sends one late registration long ago: outside 90 days.
	out[0].received = daysAgo(200, 9)
	out = append(out,
		sent{"education", "schooling", 2, "2025-09-15", daysAgo(40, 6)},
		sent{"health", "health_checkup", 0, "2025-12-01", daysAgo(95, 21)}, // outside 90 days by receipt
		sent{"health", "health_checkup", 0, "2026-01-20", daysAgo(45, 21)}, // next Baku day
		sent{"health", "health_checkup", 2, "2024-06-01", daysAgo(30, 10)}, // old check-up, sent late
		sent{"tabib", "medical_registration", 0, "2026-02-01", daysAgo(36, 8)},
		sent{"tabib", "medical_registration", 1, "2026-02-27", daysAgo(11, 8)},
		sent{"tabib", "health_checkup", 3, "2026-03-09", daysAgo(0, 5)}, // ahead of nothing: one day
	)
	return out
}

func payload(t *testing.T, r sent) json.RawMessage {
	c, _ := category.Lookup(r.category)
	var p map[string]any
	json.Unmarshal(c.Examples()[0], &p)
	ch := children[r.child]
	switch r.category {
	case "birth_registration":
		p["fin"] = ch.fin
		p["birth_date"] = ch.birth
		p["certificate"] = map[string]any{"series": "AB", "number": fmt.Sprintf("10000%d", r.child)}
		p["act"].(map[string]any)["date"] = ch.birth
	case "health_checkup":
		p["date"] = r.effective
	case "medical_registration":
		p["since"] = r.effective
	case "schooling":
		p["since"] = r.effective
	}
	b, _ := json.Marshal(p)
	return b
}

func load(t *testing.T, st *store.Store) {
	t.Helper()
	if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
		t.Fatal(err)
	}
	reg := registry.New(st, clock)
	for i, r := range records() {
		rec, _ := json.Marshal(map[string]any{
			"source_id": fmt.Sprintf("%s-%d", r.category, i), "category": r.category,
			"child": map[string]any{"fin": children[r.child].fin}, "effective_date": r.effective,
			"action": "upsert", "data": payload(t, r),
		})
		from := registry.Sender{Participant: r.sender, Actor: audit.Actor{Kind: audit.Participant, ID: r.sender}, ReceivedAt: r.received}
		out, err := reg.Submit(ctx, from, rec)
		if err != nil || out.Status != registry.Accepted {
			t.Fatalf("record %d (%s): %+v %v", i, r.category, out, err)
		}
	}
	// Batches with the answers the exchange gave.
	batch := func(p, id string, at time.Time, outs ...registry.Outcome) {
		resp, _ := json.Marshal(map[string]any{"batch_id": id, "records": outs})
		ev := store.Evidence{Batch: store.Batch{Participant: p, BatchID: id, ReceivedAt: at, Body: "{}"},
			Answer: func([]store.Each) (string, error) { return string(resp), nil }}
		if _, _, err := st.SubmitBatch(ctx, ev, nil, audit.Entry{Actor: audit.SystemActor("test"), Action: "exchange.batch", Detail: "{}"}); err != nil {
			t.Fatal(err)
		}
	}
	ok := registry.Outcome{SourceID: "x", Status: registry.Accepted}
	same := registry.Outcome{SourceID: "x", Status: registry.Unchanged}
	rej := func(errs ...[2]string) registry.Outcome {
		o := registry.Outcome{SourceID: "x", Status: registry.Rejected}
		for _, e := range errs {
			o.Errors = append(o.Errors, fault.FieldError{Field: e[0], Code: e[1]})
		}
		return o
	}
	batch("education", "e-1", daysAgo(20, 9), ok, ok, rej([2]string{"data.grade", "range"}))
	batch("education", "e-2", daysAgo(5, 9), same, rej([2]string{"data.grade", "range"}, [2]string{"effective_date", "date_future"}, [2]string{"data.grade", "range"}))
	batch("education", "e-old", daysAgo(120, 9), rej([2]string{"child.fin", "fin_format"}))
	batch("health", "h-1", daysAgo(3, 9), ok, rej([2]string{"data.date", "date_future"}))
	// A batch never answered (kept before answers were written with
	// the records) counts for nothing.
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO batches (participant, batch_id, received_at, body, signature,
		signer_subject, client_subject) VALUES ('health', 'h-open', $1, '{}', '', '', '')`, daysAgo(1, 9).UnixMicro()); err != nil {
		t.Fatal(err)
	}
}

// expectTimeliness computes a sender's timeliness from the records as the
// test sent them: Baku day of receipt minus effective date, at least 0.
func expectTimeliness(sender, cat string, days int) quality.Timeliness {
	since := now.Add(-time.Duration(days) * 24 * time.Hour)
	var delays []int
	for _, r := range records() {
		if r.sender != sender || (cat != "" && r.category != cat) || r.received.Before(since) {
			continue
		}
		d := int(category.Today(r.received).Time().Sub(category.MustDate(r.effective).Time()).Hours() / 24)
		delays = append(delays, max(d, 0))
	}
	slices.Sort(delays)
	t := quality.Timeliness{Records: len(delays)}
	for _, d := range delays {
		if d <= 3 {
			t.Timely++
		}
	}
	if len(delays) > 0 {
		// Nearest rank, by its definition: the ⌈p·N⌉-th smallest.
		rank := func(p float64) int {
			k := int(p * float64(len(delays)))
			if float64(k) < p*float64(len(delays)) {
				k++
			}
			return delays[k-1]
		}
		t.Median, t.P90 = rank(0.5), rank(0.9)
	}
	return t
}

// expectGap counts the children a rule expects and those lacking it, from
// the test's own list.
func expectGap(rule string) (expected, missing int) {
	asOf := category.Today(now)
	for i, c := range children {
		age := category.MustDate(c.birth).AgeOn(asOf)
		var has bool
		switch rule {
		case "schooling":
			if age < 6 || age > 17 {
				continue
			}
		default:
			if age > 17 {
				continue
			}
		}
		for _, r := range records() {
			if r.child != i || r.category != rule {
				continue
			}
			if rule == "health_checkup" && r.effective < "2025-03-10" {
				continue
			}
			has = true
		}
		expected++
		if !has {
			missing++
		}
	}
	return expected, missing
}

func find(rep *quality.Report, code string) quality.Participant {
	for _, p := range rep.Participants {
		if p.Code == code {
			return p
		}
	}
	return quality.Participant{}
}

func gap(p quality.Participant, rule string) (quality.Gap, bool) {
	for _, g := range p.Gaps {
		if g.Rule.Code == rule {
			return g, true
		}
	}
	return quality.Gap{}, false
}

func TestCompute(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		load(t, st)
		svc := quality.New(st, clock)
		rep, err := svc.Compute(ctx, 90, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Participants) < 9 || find(rep, "operator").Code != "" {
			t.Fatalf("%d participants, operator listed: %v", len(rep.Participants), find(rep, "operator").Code != "")
		}
		// Timeliness, overall and by category.
		for _, sender := range []string{"justice", "education", "health", "tabib"} {
			p := find(rep, sender)
			if want := expectTimeliness(sender, "", 90); p.Timeliness != want {
				t.Errorf("%s timeliness %+v, want %+v", sender, p.Timeliness, want)
			}
			for _, c := range p.ByCategory {
				if want := expectTimeliness(sender, c.Category, 90); c.Timeliness != want {
					t.Errorf("%s %s timeliness %+v, want %+v", sender, c.Category, c.Timeliness, want)
				}
			}
		}
		if n := find(rep, "justice").Timeliness.Records; n != len(children)-1 {
			t.Errorf("justice has %d records in 90 days, want %d", n, len(children)-1)
		}
		if tab := find(rep, "tabib"); len(tab.ByCategory) != 2 {
			t.Errorf("tabib by category %+v", tab.ByCategory)
		}
		// A longer period takes the older records in.
		year, err := svc.Compute(ctx, 365, "justice")
		if err != nil || len(year.Participants) != 1 {
			t.Fatalf("justice alone: %v %v", year, err)
		}
		if got, want := year.Participants[0].Timeliness, expectTimeliness("justice", "", 365); got != want || got.Records != len(children) {
			t.Errorf("justice over a year %+v, want %+v", got, want)
		}

		// Completeness: each rule given to the participants competent for it.
		for _, tc := range []struct{ org, rule string }{
			{"education", "schooling"}, {"health", "health_checkup"}, {"tabib", "health_checkup"},
			{"health", "medical_registration"}, {"tabib", "medical_registration"},
		} {
			g, ok := gap(find(rep, tc.org), tc.rule)
			exp, miss := expectGap(tc.rule)
			if !ok || g.Expected != exp || g.Missing != miss {
				t.Errorf("%s %s: %+v, want %d expected %d missing", tc.org, tc.rule, g, exp, miss)
			}
		}
		if g, _ := gap(find(rep, "health"), "health_checkup"); !slices.Equal(g.Shared, []string{"tabib"}) {
			t.Errorf("health's check-up gap shared with %v", g.Shared)
		}
		if len(find(rep, "justice").Gaps) != 0 || len(find(rep, "migration").Gaps) != 0 {
			t.Error("a participant answers for a category it may not send")
		}

		// Rejections over 90 days: the old batch and the unanswered one do not count.
		edu := find(rep, "education").Rejections
		if edu.Batches != 2 || edu.Records != 5 || edu.Rejected != 2 {
			t.Errorf("education rejections %+v", edu)
		}
		want := []quality.Reason{{Code: "range", Field: "data.grade", N: 2}, {Code: "date_future", Field: "effective_date", N: 1}}
		if !slices.Equal(edu.Reasons, want) {
			t.Errorf("education reasons %+v, want %+v", edu.Reasons, want)
		}
		if h := find(rep, "health").Rejections; h.Batches != 1 || h.Records != 2 || h.Rejected != 1 || h.Share() != 0.5 {
			t.Errorf("health rejections %+v", h)
		}
		year, _ = svc.Compute(ctx, 365, "education")
		if e := year.Participants[0].Rejections; e.Records != 6 || e.Rejected != 3 {
			t.Errorf("education over a year %+v", e)
		}

		// Report keeps a computed report for a while.
		a, err1 := svc.Report(ctx, 30, "")
		b, err2 := svc.Report(ctx, 30, "")
		if err1 != nil || err2 != nil || a != b || a.Days != 30 {
			t.Errorf("Report twice: %p %p %v %v", a, b, err1, err2)
		}
		if _, err := svc.Compute(ctx, 90, "nobody"); !fault.Is(err, fault.NotFound) {
			t.Errorf("an unknown participant: %v", err)
		}
	})
}

func TestHistogram(t *testing.T) {
	for _, tc := range []struct {
		h                   quality.Histogram
		median, p90, timely int
	}{
		{quality.Histogram{}, 0, 0, 0},
		{quality.Histogram{5: 1}, 5, 5, 0},
		{quality.Histogram{0: 5, 10: 5}, 0, 10, 5},       // the 5th of 10 is 0
		{quality.Histogram{0: 4, 3: 1, 10: 5}, 3, 10, 5}, // the 5th is 3
		{quality.Histogram{1: 9, 100: 1}, 1, 1, 9},       // the 9th of 10 is 1
		{quality.Histogram{1: 89, 100: 11}, 1, 100, 89},
	} {
		s := tc.h.Summary()
		if s.Median != tc.median || s.P90 != tc.p90 || s.Timely != tc.timely {
			t.Errorf("%v: %+v, want median %d p90 %d timely %d", tc.h, s, tc.median, tc.p90, tc.timely)
		}
	}
}

func TestBornBy(t *testing.T) {
	// The rule's bounds agree with AgeOn for every birth date around the
	// edges, 29 February included.
	for _, on := range []string{"2026-03-10", "2026-02-28", "2024-02-29", "2025-03-01"} {
		asOf := category.MustDate(on)
		r := quality.Rules[0]
		after, by := r.Bounds(asOf)
		for d := asOf.AddYears(-19); d.Before(asOf); d = d.AddDays(1) {
			age := d.AgeOn(asOf)
			in := d.After(after) && !d.After(by)
			if in != (age >= r.MinAge && age <= r.MaxAge) {
				t.Fatalf("on %s born %s (age %d): in bounds %v", on, d, age, in)
			}
		}
	}
}

func TestScope(t *testing.T) {
	org := func(code string) *participant.Participant { return &participant.Participant{Code: code} }
	for _, tc := range []struct {
		s        access.Subject
		org      string
		want     fault.Kind
		allowAll bool
	}{
		{access.Subject{Role: access.OperatorAnalyst, Org: org("operator")}, "", 0, true},
		{access.Subject{Role: access.Evaluator}, "health", 0, true},
		{access.Subject{Role: access.OrgHead, Org: org("health")}, "health", 0, false},
		{access.Subject{Role: access.OrgOfficer, Org: org("health")}, "education", fault.Forbidden, false},
		{access.Subject{Role: access.OrgOfficer, Org: org("health")}, "", fault.Forbidden, false},
		{access.Subject{Role: access.Parent}, "health", fault.Forbidden, false},
		{access.Subject{Role: access.Auditor}, "", fault.Forbidden, false},
	} {
		err := quality.MaySee(tc.s, tc.org)
		if (tc.want == 0) != (err == nil) || (err != nil && !fault.Is(err, tc.want)) {
			t.Errorf("%s of %v on %q: %v", tc.s.Role, tc.s.Org, tc.org, err)
		}
		if quality.ScopeOf(tc.s).All != tc.allowAll {
			t.Errorf("%s: scope %+v", tc.s.Role, quality.ScopeOf(tc.s))
		}
	}
	if _, err := quality.ParsePeriod("45"); !fault.Is(err, fault.Invalid) {
		t.Errorf("period 45: %v", err)
	}
	if p, err := quality.ParsePeriod(""); p != quality.Default || err != nil {
		t.Errorf("no period: %d %v", p, err)
	}
}
