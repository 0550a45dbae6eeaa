package cli_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/annual"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/store"
)

// signAnnual signs a report on the pages as a person does: the signing
// step shows a code, the person confirms on the stand-in phone, then goes
// on; it returns where the server sent them.
func signAnnual(t *testing.T, b *browser, year int, org string, vals url.Values) string {
	t.Helper()
	vals.Set("action", "sign")
	status, loc := b.postForm(fmt.Sprintf("/annual/%d/%s", year, org), vals)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/annual-sign/") {
		t.Fatalf("sign and submit: %d %s", status, loc)
	}
	_, page := b.do("GET", loc+"?lang=en", nil, nil)
	m := regexp.MustCompile(`href="(/dev-signer/[0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `id="code"`) {
		t.Fatalf("the signing step: %.600s", page)
	}
	if status, _ := b.postForm(m[1], url.Values{"confirm": {"1"}}); status != http.StatusOK {
		t.Fatalf("confirming on the phone: %d", status)
	}
	status, done := b.postForm(loc+"/complete", nil)
	if status != http.StatusSeeOther {
		t.Fatalf("completing the signature: %d", status)
	}
	return done
}

// TestAnnualReportThroughThePages: the operator defines the year's form
// (a wrong one is refused with each mistake named); the Ministry of
// Health's officer saves a draft (a wrong value is named beside its
// field), signs and submits it; the evaluator reads it but may not
// decide; Justice may not read it; the operator returns it with a
// comment; the officer corrects and submits again; the operator accepts
// it; the reporting rate counts it on time; the national report
// downloads as XLSX and PDF; each step is audited.
func TestAnnualReportThroughThePages(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	year := time.Now().Year()
	report := fmt.Sprintf("/annual/%d/health", year)

	admin := loginAs(t, base, "1AK0001")
	if status, page := admin.do("GET", fmt.Sprintf("/annual/define?year=%d&lang=en", year), nil, nil); status != 200 || !strings.Contains(page, `id="definition"`) {
		t.Fatalf("the form editor: %d", status)
	}
	bad := strings.Replace(annual.Default(participant.KindParticipant).JSON(), `"type": "percent"`, `"type": "percentage"`, 1)
	status, page := postPage(t, admin, "/annual/define?lang=en", url.Values{"year": {fmt.Sprint(year)}, "target": {"nobody"}, "definition": {bad}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="target-error"`) || !strings.Contains(page, "Indicator budget_share: the type") {
		t.Fatalf("a wrong form: %d %.2000s", status, page)
	}
	status, loc := admin.postForm("/annual/define", url.Values{"year": {fmt.Sprint(year)}, "target": {"health"},
		"definition": {annual.Default(participant.KindParticipant).JSON()}})
	if status != http.StatusSeeOther {
		t.Fatalf("defining the form: %d", status)
	}
	if _, page := admin.do("GET", loc+"&lang=en", nil, nil); !strings.Contains(page, `id="p-health"`) || !strings.Contains(page, "Not yet due") {
		t.Errorf("the year's page does not list health's report")
	}

	health := loginAs(t, base, "4SH0001")
	if _, page := health.do("GET", "/annual?lang=en", nil, nil); !strings.Contains(page, fmt.Sprintf(`id="report-%d"`, year)) {
		t.Errorf("health's annual page does not list its report")
	}
	status, page = postPage(t, health, report+"?lang=en", url.Values{"action": {"save"}, "v_programmes": {"two"}, "v_children_served": {"120"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="v_programmes-error"`) || !strings.Contains(page, `value="two"`) {
		t.Fatalf("a wrong draft value: %d", status)
	}
	if status, loc := health.postForm(report, url.Values{"action": {"save"}, "v_programmes": {"2"}, "v_children_served": {"120"}}); status != http.StatusSeeOther || !strings.Contains(loc, "saved=draft") {
		t.Fatalf("saving the draft: %d %s", status, loc)
	}
	if _, page := health.do("GET", report, nil, nil); !strings.Contains(page, `name="v_programmes" value="2"`) {
		t.Error("the draft was not kept")
	}
	status, page = postPage(t, health, report+"?lang=en", url.Values{"action": {"sign"}, "v_programmes": {"2"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="v_problems-error"`) || !strings.Contains(page, `id="v_children_served-error"`) {
		t.Fatalf("submitting an incomplete report: %d", status)
	}
	vals := func(programmes string) url.Values {
		return url.Values{"v_children_served": {"120"}, "v_children_total": {"1500"}, "v_children_disability": {"3"}, "v_children_in_care": {"4"},
			"v_programmes": {programmes}, "v_action_plan": {"true"}, "v_main_area": {"health"}, "v_achievements": {"Screening of newborns"},
			"v_problems": {"Rural clinics lack staff"}}
	}
	if done := signAnnual(t, health, year, "health", vals("2")); !strings.Contains(done, "saved=submitted") {
		t.Fatalf("after signing: %s", done)
	}
	if _, page := health.do("GET", report, nil, nil); !strings.Contains(page, `data-state="submitted"`) || strings.Contains(page, `id="annual-save"`) {
		t.Error("the submitted report is not shown as submitted, read-only")
	}

	evaluator := loginAs(t, base, "6RN0001")
	if status, page := evaluator.do("GET", report, nil, nil); status != 200 || !strings.Contains(page, "Screening of newborns") || strings.Contains(page, `id="accept"`) {
		t.Errorf("the evaluator's view: %d", status)
	}
	if status, _ := postPage(t, evaluator, report+"/decision", url.Values{"decision": {"accept"}}); status != http.StatusForbidden {
		t.Errorf("the evaluator decides: %d", status)
	}
	if status, _ := loginAs(t, base, "3ED0001").do("GET", report, nil, nil); status != http.StatusForbidden {
		t.Errorf("justice reads health's report: %d", status)
	}

	if status, page := postPage(t, admin, report+"/decision?lang=en", url.Values{"decision": {"return"}}); status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="comment-error">Say why the report is returned`) {
		t.Errorf("returning without a comment: %d", status)
	}
	if status, _ := admin.postForm(report+"/decision", url.Values{"decision": {"return"}, "comment": {"Give the programmes by region"}}); status != http.StatusSeeOther {
		t.Fatalf("returning: %d", status)
	}
	if _, page := health.do("GET", report+"?lang=en", nil, nil); !strings.Contains(page, `id="return-comment"`) || !strings.Contains(page, "Give the programmes by region") || !strings.Contains(page, `id="annual-sign"`) {
		t.Fatal("the returned report does not show the comment with the form")
	}
	signAnnual(t, health, year, "health", vals("5"))
	if status, _ := admin.postForm(report+"/decision", url.Values{"decision": {"accept"}, "comment": {"Thank you"}}); status != http.StatusSeeOther {
		t.Fatalf("accepting: %d", status)
	}
	_, page = admin.do("GET", report+"?lang=en", nil, nil)
	for _, want := range []string{`data-state="accepted"`, "Returned with comments", "Accepted", "Give the programmes by region"} {
		if !strings.Contains(page, want) {
			t.Errorf("the accepted report's page lacks %q", want)
		}
	}
	_, page = admin.do("GET", fmt.Sprintf("/annual/%d?lang=en", year), nil, nil)
	if !regexp.MustCompile(`id="rate-on_time"><th scope="row">[^<]+</th><td>1</td><td>100%</td>`).MatchString(page) {
		t.Errorf("the reporting rate: %.3000s", page)
	}
	for format, magic := range map[string]string{"xlsx": "PK", "pdf": "%PDF"} {
		status, body := admin.do("GET", fmt.Sprintf("/annual/%d/national/%s", year, format), nil, nil)
		if status != 200 || !strings.HasPrefix(body, magic) {
			t.Errorf("the national report as %s: %d %.20q", format, status, body)
		}
	}
	if status, _ := health.do("GET", fmt.Sprintf("/annual/%d/national/pdf", year), nil, nil); status != http.StatusForbidden {
		t.Errorf("a participant downloads the national report: %d", status)
	}

	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for action, n := range map[string]int{"annual.form": 1, "annual.submitted": 2, "annual.returned": 1, "annual.accepted": 1, "annual.national": 2} {
		entries, err := st.AuditEntries(context.Background(), store.AuditFilter{Action: action})
		if err != nil || len(entries) != n {
			t.Errorf("audit %s: %d entries, %v; want %d", action, len(entries), err, n)
		}
	}
	f, _ := st.AnnualForm(context.Background(), year, "health")
	if ev, err := st.AnnualSignedVersion(context.Background(), f.SignedID); err != nil || ev.Via != "e-cabinet" || !strings.Contains(ev.SignerSubject, "4SH0001") ||
		!strings.Contains(ev.Body, `"programmes":5`) {
		t.Errorf("the evidence of the e-cabinet's signature: %+v %v", ev, err)
	}
}
