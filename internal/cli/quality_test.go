package cli_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
)

// TestQualityPages serves the demo, adds answered batches from the
// Ministry of Education, and reads the data-quality pages as the
// operator's analyst (every participant, sorted, exported) and as a
// Ministry of Health officer (its own page only: another's is refused
// with a message that says why).
func TestQualityPages(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, true, "--exchange-addr", "", "--demo", "--demo-children", "40").base
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var before int
	if err := st.DB().QueryRow(`SELECT count(*) FROM batches`).Scan(&before); err != nil || before != 0 {
		t.Fatalf("the demo left %d batches (%v): the figures below assume none", before, err)
	}
	answer := func(id string, outs ...registry.Outcome) {
		b, _ := json.Marshal(map[string]any{"batch_id": id, "records": outs})
		ev := store.Evidence{Batch: store.Batch{Participant: "education", BatchID: id, ReceivedAt: time.Now().Add(-time.Hour), Body: "{}"},
			Answer: func([]store.Each) (string, error) { return string(b), nil }}
		if _, _, err := st.SubmitBatch(ctx, ev, nil, audit.Entry{Actor: audit.SystemActor("test"), Action: "exchange.batch", Detail: "{}"}); err != nil {
			t.Fatal(err)
		}
	}
	answer("q-1", registry.Outcome{SourceID: "a", Status: registry.Accepted}, registry.Outcome{SourceID: "b", Status: registry.Accepted},
		registry.Outcome{SourceID: "c", Status: registry.Rejected, Errors: []fault.FieldError{{Field: "data.grade", Code: "grade_age"}}})

	analyst := loginAs(t, base, "2AK0001")
	status, body := analyst.do("GET", "/quality?lang=en", nil, nil)
	if status != 200 || !strings.Contains(body, `id="quality"`) || !strings.Contains(body, `id="q-education"`) || !strings.Contains(body, "Ministry of Health") {
		t.Fatalf("the operator's table: %d %.500s", status, body)
	}
	// Sorted by the share rejected, highest first: education, the only
	// participant with rejections, comes first.
	_, body = analyst.do("GET", "/quality?lang=en&sort=rejected&dir=desc", nil, nil)
	if i := strings.Index(body, `<tr id="q-`); i < 0 || !strings.HasPrefix(body[i:], `<tr id="q-education"`) {
		t.Errorf("sorted by rejections, the first row is not education")
	}
	if !strings.Contains(body, `aria-sort="descending"`) {
		t.Error("the sorted column is not marked")
	}
	status, body = analyst.do("GET", "/quality/education?lang=en", nil, nil)
	if status != 200 || !strings.Contains(body, "grade_age") || !strings.Contains(body, "Ministry of Science and Education") ||
		!strings.Contains(body, "Child aged 6–17 with no schooling record") {
		t.Errorf("education's page: %d %.500s", status, body)
	}
	status, body = analyst.do("GET", "/quality?period=45&lang=en", nil, nil)
	if status != 422 || !strings.Contains(body, "The period is 30, 90 or 365 days") {
		t.Errorf("a period of 45 days: %d", status)
	}
	// The export: a CSV row per participant with the figures above.
	status, body = analyst.do("GET", "/quality/export?format=csv&period=30&lang=en", nil, nil)
	if status != 200 || !strings.HasPrefix(body, "\uFEFF") {
		t.Fatalf("CSV export: %d %.200s", status, body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil || len(recs) < 10 || recs[0][0] != "Participant" {
		t.Fatalf("CSV: %v %q", err, recs[:1])
	}
	found := false
	for _, r := range recs {
		if r[1] == "education" {
			found = true
			if r[9] != "3" || r[10] != "1" || r[11] != "33.3" || r[12] != "grade_age (data.grade)" {
				t.Errorf("education's row %q", r)
			}
		}
	}
	if !found {
		t.Error("no row for education")
	}
	for _, f := range []string{"xlsx", "pdf"} {
		if status, body := analyst.do("GET", "/quality/export?format="+f, nil, nil); status != 200 || len(body) < 1000 {
			t.Errorf("%s export: %d, %d bytes", f, status, len(body))
		}
	}
	if status, _ := analyst.do("GET", "/quality/export?format=doc", nil, nil); status != 422 {
		t.Errorf("an unknown format: %d", status)
	}

	// A Ministry of Health officer sees its own page, and no other.
	officer := loginAs(t, base, "4SH0001")
	status, body = officer.do("GET", "/quality?lang=en", nil, nil)
	if status != 200 || strings.Contains(body, `id="quality"`) || !strings.Contains(body, "Data quality: Ministry of Health") {
		t.Errorf("the officer's /quality: %d %.500s", status, body)
	}
	status, body = officer.do("GET", "/quality/education?lang=en", nil, nil)
	if status != 403 || !strings.Contains(body, "You may see the data quality figures of your own organisation only") || strings.Contains(body, "grade_age") {
		t.Errorf("another participant's page: %d %.500s", status, body)
	}
	if status, _ := officer.do("GET", "/quality/export?format=csv", nil, nil); status != 403 {
		t.Errorf("the officer exports the table: %d", status)
	}
	auditor := loginAs(t, base, "7DT0001")
	if status, body := auditor.do("GET", "/quality?lang=en", nil, nil); status != 403 || !strings.Contains(body, "open to the operator and to participants") {
		t.Errorf("the auditor: %d", status)
	}
}
