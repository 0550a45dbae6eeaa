package reports_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/reports"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

func org(t *testing.T, code string) *participant.Participant {
	t.Helper()
	for _, p := range participant.Defaults() {
		if p.Code == code {
			return &p
		}
	}
	t.Fatalf("no participant %s", code)
	return nil
}

// lists counts the audit entries of list runs.
func lists(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'report.list'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fins(l *reports.List) []string {
	var out []string
	for _, c := range l.Children {
		out = append(out, c.FIN)
	}
	slices.Sort(out)
	return out
}

// TestLists: the children behind a cell, within the reader's rights by the
// access policy, each list run audited once with its count and no names.
func TestLists(t *testing.T) {
	storetest.Each(t, now, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st, population)
		svc := reports.New(st, now)
		byDistrict := reports.Definition{Rows: []reports.Dimension{{Kind: "district"}}, Columns: []reports.Dimension{{Kind: "sex"}}}
		nasimi := reports.Reader{Subject: access.Subject{Role: access.OrgHead, FIN: "5CM0001", Org: org(t, "commission.nasimi")},
			Actor: audit.Actor{Kind: audit.Person, ID: "5CM0001", Org: "commission.nasimi", Role: "org_head"}}
		admin := reports.Reader{Subject: operator, Actor: audit.Actor{Kind: audit.Person, ID: operator.FIN, Org: "operator"}}

		before := lists(t, st)
		l, err := svc.List(ctx, nasimi, byDistrict, reports.Cell{Row: []string{"nasimi"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := fins(l); !slices.Equal(got, []string{"AAAAAA3", "AAAAAA4"}) || l.Hidden != 0 {
			t.Errorf("the commission's own district: %v, %d hidden", got, l.Hidden)
		}
		// Another district: outside the commission's rights, so hidden.
		l, err = svc.List(ctx, nasimi, byDistrict, reports.Cell{Row: []string{"yasamal"}, Column: []string{"male"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Children) != 0 || l.Hidden != 2 { // AAAAAA2 and AAAAAB1; AAAAAA9 is deceased
			t.Errorf("another district: %v, %d hidden; want none listed, 2 hidden", fins(l), l.Hidden)
		}
		// The operator sees every child of the cell.
		l, err = svc.List(ctx, admin, byDistrict, reports.Cell{Row: []string{"yasamal"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := fins(l); !slices.Equal(got, []string{"AAAAAA1", "AAAAAA2", "AAAAAB1"}) {
			t.Errorf("operator: %v", got)
		}
		if l.Children[0].Key == "" || l.Children[0].BirthDate == "" || l.Children[0].District != "yasamal" {
			t.Errorf("entry %+v", l.Children[0])
		}
		if got := lists(t, st) - before; got != 3 {
			t.Errorf("%d audit entries for 3 lists", got)
		}
		var detail, outcome string
		st.DB().QueryRow(`SELECT detail, outcome FROM audit_log WHERE action = 'report.list' ORDER BY seq DESC LIMIT 1`).Scan(&detail, &outcome)
		if outcome != "3 listed" || strings.Contains(detail, "AAAAAA1") || strings.Contains(detail, "Uşaq") {
			t.Errorf("audit entry %q %s names a child", outcome, detail)
		}

		// A participant without grants sees none of them; the counts in
		// the report stay open to it.
		officer := reports.Reader{Subject: access.Subject{Role: access.OrgOfficer, FIN: "5ED0002", Org: org(t, "education")},
			Actor: audit.Actor{Kind: audit.Person, ID: "5ED0002", Org: "education"}}
		l, err = svc.List(ctx, officer, byDistrict, reports.Cell{})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Children) != 0 || l.Hidden != len(counted("2025-06-10", false)) {
			t.Errorf("officer without grants: %v, %d hidden", fins(l), l.Hidden)
		}
		if _, err := svc.Run(ctx, officer.Subject, byDistrict, nil); err != nil {
			t.Errorf("counts for a participant: %v", err)
		}
		// With a grant to read schooling in Baku, the officer lists the
		// Baku children with schooling, and none elsewhere.
		officer.Subject.Grants = []access.Grant{{Category: "birth_registration", Read: true, Region: "baki"}, {Category: "schooling", Read: true, Region: "baki"}}
		yes := true
		withSchool := reports.Definition{Rows: []reports.Dimension{{Kind: "region"}}, Filters: []reports.Filter{{Kind: "category", Category: "schooling", Present: &yes}}}
		l, err = svc.List(ctx, officer, withSchool, reports.Cell{})
		if err != nil {
			t.Fatal(err)
		}
		if got := fins(l); !slices.Equal(got, []string{"AAAAAA3", "AAAAAA4"}) || l.Hidden != 3 {
			t.Errorf("officer with grants: %v, %d hidden", got, l.Hidden)
		}

		// Sensitive data needs a purpose: refused, with nothing audited.
		n := lists(t, st)
		offences := reports.Definition{Rows: []reports.Dimension{{Kind: "category", Categories: []string{"offences_against_child", "schooling"}}}}
		_, err = svc.List(ctx, admin, offences, reports.Cell{Row: []string{"offences_against_child"}})
		if !fault.Is(err, fault.Invalid) || len(fault.FieldsOf(err)) != 1 || fault.FieldsOf(err)[0].Field != "purpose" {
			t.Errorf("no purpose: %v", err)
		}
		admin.Purpose = "case_work"
		if l, err = svc.List(ctx, admin, offences, reports.Cell{Row: []string{"offences_against_child"}}); err != nil || !slices.Equal(fins(l), []string{"AAAAAA4", "AAAAAA7"}) {
			t.Errorf("with a purpose: %v %v", err, l)
		}
		if got := lists(t, st) - n; got != 1 {
			t.Errorf("%d audit entries; want 1 (the refusal for want of a purpose reads nothing)", got)
		}

		// Too long a list is refused with the count, and audited once.
		n = lists(t, st)
		svc.Limits.MaxListRows = 2
		_, err = svc.List(ctx, admin, byDistrict, reports.Cell{})
		if !fault.Is(err, fault.Invalid) || !strings.Contains(fault.FieldsOf(err)[0].Message.EN, "at most 2") {
			t.Errorf("a long list: %v", err)
		}
		if got := lists(t, st) - n; got != 1 {
			t.Errorf("%d audit entries for a refused long list", got)
		}
		svc.Limits.MaxListRows = 1000

		// Cells that do not fit the report, and readers who may not report.
		if _, err := svc.List(ctx, admin, byDistrict, reports.Cell{Row: []string{"a", "b"}}); !fault.Is(err, fault.Invalid) {
			t.Errorf("a bad cell: %v", err)
		}
		parent := reports.Reader{Subject: access.Subject{Role: access.Parent, FIN: "7PA0001"}}
		if _, err := svc.List(ctx, parent, byDistrict, reports.Cell{}); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a parent lists: %v", err)
		}

		// The list of a cell holds exactly the children counted in it.
		byBenefit := reports.Definition{Rows: []reports.Dimension{{Kind: "field", Category: "pension_benefits", Field: "benefit_type"}},
			Columns: []reports.Dimension{{Kind: "age_band"}}}
		res, err := svc.Run(ctx, operator, byBenefit, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range res.Rows {
			for j, col := range res.Columns {
				l, err := svc.List(ctx, admin, byBenefit, reports.Cell{Row: row, Column: col})
				if err != nil {
					t.Fatal(err)
				}
				if int64(len(l.Children)) != res.Cells[i][j] {
					t.Errorf("cell %v × %v counts %d, lists %d", row, col, res.Cells[i][j], len(l.Children))
				}
			}
		}
	})
}

// TestJobs: a job is queued, claimed by exactly one worker, run as its
// owner, and its result given to its owner only until it expires.
func TestJobs(t *testing.T) {
	var mu sync.Mutex
	var clock time.Time
	tick := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	storetest.Each(t, tick, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mu.Lock()
		clock = now()
		mu.Unlock()
		seed(t, st, population)
		svc := reports.New(st, tick)
		owner := reports.Owner{FIN: "1OP0001", Org: "operator", Subject: operator}
		def := reports.Definition{Rows: []reports.Dimension{{Kind: "region"}}, Columns: []reports.Dimension{{Kind: "sex"}}}
		if _, err := svc.Submit(ctx, owner, reports.JobRequest{Kind: "crosstab", Format: "docx", Definition: def}); !fault.Is(err, fault.Invalid) {
			t.Errorf("an unknown format: %v", err)
		}
		if _, err := svc.Submit(ctx, owner, reports.JobRequest{Kind: "crosstab", Format: "json", Definition: reports.Definition{}}); !fault.Is(err, fault.Invalid) {
			t.Errorf("a bad definition: %v", err)
		}
		id, err := svc.Submit(ctx, owner, reports.JobRequest{Kind: "crosstab", Format: "json", Definition: def})
		if err != nil {
			t.Fatal(err)
		}
		if j, err := svc.Job(ctx, owner.FIN, id); err != nil || j.State != "queued" {
			t.Fatalf("job %+v %v", j, err)
		}
		if _, err := svc.Job(ctx, "9XX9999", id); !fault.Is(err, fault.NotFound) {
			t.Errorf("another person's job: %v", err)
		}
		if _, _, err := svc.JobResult(ctx, owner.FIN, id); !fault.Is(err, fault.Conflict) {
			t.Errorf("result before it is ready: %v", err)
		}
		// Two servers reach for the job at once: one gets it.
		var wg sync.WaitGroup
		got := make([]error, 2)
		for i := range 2 {
			wg.Go(func() { _, got[i] = st.ClaimReportJob(ctx, []string{"a", "b"}[i], time.Minute) })
		}
		wg.Wait()
		if (got[0] == nil) == (got[1] == nil) {
			t.Fatalf("claims: %v, %v; want exactly one", got[0], got[1])
		}
		holder := "a"
		if got[0] != nil {
			holder = "b"
		}
		// Its server dies; once its claim runs out, a worker takes it over.
		w := &reports.Worker{Service: svc, Holder: "c", Log: slog.New(slog.DiscardHandler),
			Owner: func(context.Context, string, string) (access.Subject, error) { return operator, nil }}
		if ran, _ := w.Once(ctx); ran {
			t.Fatal("a job claimed by a live server was run again")
		}
		advance(2 * time.Minute)
		if ran, err := w.Once(ctx); !ran || err != nil {
			t.Fatalf("the abandoned job: ran %v, %v", ran, err)
		}
		if err := st.ReportJobProgress(ctx, id, holder, 50, time.Minute); !fault.Is(err, fault.Conflict) {
			t.Errorf("the first server still reports progress: %v", err)
		}
		j, body, err := svc.JobResult(ctx, owner.FIN, id)
		if err != nil || j.State != "done" || j.Progress != 100 || j.ResultType != "application/json" {
			t.Fatalf("result: %+v %v", j, err)
		}
		var res reports.Result
		if err := json.Unmarshal(body, &res); err != nil || res.Total != int64(len(counted("2025-06-10", false))) {
			t.Errorf("result %s: %v", body, err)
		}
		if _, _, err := svc.JobResult(ctx, "9XX9999", id); !fault.Is(err, fault.NotFound) {
			t.Errorf("another person downloads: %v", err)
		}
		// A job whose owner lost the right to report fails, saying why.
		id2, _ := svc.Submit(ctx, owner, reports.JobRequest{Kind: "crosstab", Format: "json", Definition: def})
		w.Owner = func(context.Context, string, string) (access.Subject, error) {
			return access.Subject{Role: access.Parent}, nil
		}
		w.Once(ctx)
		if j, _ := svc.Job(ctx, owner.FIN, id2); j.State != "failed" || j.Error == "" {
			t.Errorf("a job of a person who may no longer report: %+v", j)
		}
		w.Owner = func(context.Context, string, string) (access.Subject, error) { return operator, nil }

		// Exports, end to end: each format of the table, and a list.
		label := func(_ i18n.Lang, dm reports.Dimension, code string) string {
			if code == "" {
				return "by " + dm.Kind
			}
			return "«" + code + "»"
		}
		w.Label = label
		exports := map[string]int64{}
		for _, f := range []string{"csv", "xlsx", "pdf"} {
			id, err := svc.Submit(ctx, owner, reports.JobRequest{Kind: "crosstab", Format: f, Definition: def, Lang: "en"})
			if err != nil {
				t.Fatal(err)
			}
			exports[f] = id
		}
		listID, err := svc.Submit(ctx, owner, reports.JobRequest{Kind: "list", Format: "csv", Definition: def,
			Cell: reports.Cell{Row: []string{"absheron_xizi"}}, Lang: "az"})
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			if ran, err := w.Once(ctx); !ran || err != nil {
				t.Fatalf("export job: %v %v", ran, err)
			}
		}
		for f, id := range exports {
			j, body, err := svc.JobResult(ctx, owner.FIN, id)
			if err != nil {
				j, _ = svc.Job(ctx, owner.FIN, id)
				t.Errorf("%s export: %v (%+v)", f, err, j)
				continue
			}
			ok := map[string]bool{
				"csv":  strings.Contains(string(body), "«baki»") && strings.Contains(string(body), "Total") && strings.Contains(string(body), "«male»"),
				"xlsx": strings.HasPrefix(string(body), "PK"),
				"pdf":  strings.HasPrefix(string(body), "%PDF"),
			}[f]
			if !ok || !strings.HasSuffix(j.ResultName, "."+f) {
				t.Errorf("%s export %s: %.300q", f, j.ResultName, body)
			}
		}
		_, body, err = svc.JobResult(ctx, owner.FIN, listID)
		if err != nil || !strings.Contains(string(body), "AAAAAA5") || !strings.Contains(string(body), "AAAAAA7") || strings.Contains(string(body), "AAAAAA1") ||
			!strings.Contains(string(body), "FİN") {
			t.Errorf("list export: %v %q", err, body)
		}

		// A day later all are gone.
		advance(reports.JobKeep + time.Minute)
		if n, err := st.DeleteExpiredReportJobs(ctx); err != nil || n != 6 {
			t.Errorf("expired jobs deleted: %d %v", n, err)
		}
		if _, err := svc.Job(ctx, owner.FIN, id); !fault.Is(err, fault.NotFound) {
			t.Errorf("an expired job: %v", err)
		}
	})
}
