package exchange_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/annual"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/signature/sigtest"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// defineAnnual defines this year's default form for participants as the
// operator does; its deadline (15 January next year) is always ahead.
func defineAnnual(t *testing.T, st *store.Store, codes ...string) int {
	t.Helper()
	year := time.Now().Year()
	op := annual.Who{Subject: access.Subject{Role: access.OperatorAdmin}, Actor: audit.Actor{Kind: audit.Person, ID: "1AK0001", Org: "operator"}}
	if err := annual.New(st, nil).Define(ctx, op, year, codes, annual.Default(participant.KindParticipant).JSON(), ""); err != nil {
		t.Fatal(err)
	}
	return year
}

func annualDoc(code string, year int, served string) []byte {
	return []byte(fmt.Sprintf(`{"participant":%q,"year":%d,"values":{"children_served":%s,"children_total":1500,"children_disability":3,`+
		`"children_in_care":4,"programmes":2,"action_plan":true,"main_area":"health","achievements":"Screening","problems":"Staff"}}`, code, year, served))
}

// annualAnswers exercises the annual report routes for TestOpenAPIAnswers,
// each answer checked against the document by call.
func annualAnswers(t *testing.T, h *exchange.Handler, call func(op, as, target string, body []byte, header ...string) *httptest.ResponseRecorder,
	want func(rec *httptest.ResponseRecorder, status int, code string)) {
	const (
		form   = "GET /exchange/v1/annual/{year}/form"
		report = "GET /exchange/v1/annual/{year}/report"
		submit = "PUT /exchange/v1/annual/{year}/report"
	)
	year := defineAnnual(t, exchange.AnnualStore(h), "health")
	base := fmt.Sprintf("/exchange/v1/annual/%d", year)
	rec := call(form, "health", base+"/form", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"computed"`) {
		t.Errorf("the form: %d %s", rec.Code, rec.Body.Bytes())
	}
	want(call(form, "health", "/exchange/v1/annual/x/form", nil), 422, "year_invalid")
	want(call(form, "justice", base+"/form", nil), 404, "not_found")
	rec = call(submit, "health", base+"/report", annualDoc("health", year, `"many"`))
	want(rec, 422, "invalid")
	if !strings.Contains(rec.Body.String(), `"field":"values.children_served"`) {
		t.Errorf("the wrong value is not named: %s", rec.Body.Bytes())
	}
	rec = call(submit, "health", base+"/report", annualDoc("health", year, "120"))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"state":"submitted"`) {
		t.Errorf("the report: %d %s", rec.Code, rec.Body.Bytes())
	}
	want(call(submit, "health", base+"/report", annualDoc("health", year, "120")), 409, "conflict")
	rec = call(report, "health", base+"/report", nil)
	if !strings.Contains(rec.Body.String(), `"what":"submitted"`) {
		t.Errorf("the report's history: %d %s", rec.Code, rec.Body.Bytes())
	}
	want(call(report, "justice", base+"/report", nil), 404, "not_found")
}

// TestAnnualReportSignedOverMutualTLS: a participant's system reads its
// form and submits its report signed by `openssl cms`; the body and the
// signature are kept as evidence; a tampered body and a signature by
// another participant are refused; the operator returns it with a comment
// the participant reads back; it submits again.
func TestAnnualReportSignedOverMutualTLS(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		pki := sigtest.OpenSSL(t)
		e := start(t, st, pki.RootPEM, pki.CRLPath, exchange.DefaultLimits)
		e.bind(pki.RSA, "justice")
		e.bind(pki.ECDSA, "health")
		year := defineAnnual(t, st, "justice")
		justice := e.client(pki.RSA)
		base := fmt.Sprintf("/exchange/v1/annual/%d", year)

		a := e.get(justice, base+"/form")
		var f exchange.AnnualForm
		if err := json.Unmarshal(a.body, &f); err != nil || a.status != 200 || f.State != "draft" || f.Deadline != fmt.Sprintf("%d-01-15", year+1) ||
			len(f.Form.Sections) != 3 {
			t.Fatalf("the form: %d %s", a.status, a.body)
		}
		put := func(body, sig []byte) answer {
			req, _ := http.NewRequest(http.MethodPut, e.url+base+"/report", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Signature", base64.StdEncoding.EncodeToString(sig))
			return e.do(justice, req)
		}
		body := annualDoc("justice", year, "120")
		if a := put(annualDoc("justice", year, "121"), sigtest.OpenSSLSign(t, body, pki.RSA)); a.status != 403 || a.code() != "signature_invalid" {
			t.Errorf("a tampered body: %d %s", a.status, a.body)
		}
		if a := put(body, sigtest.OpenSSLSign(t, body, pki.ECDSA)); a.status != 403 || a.code() != "signer_mismatch" {
			t.Errorf("signed by health: %d %s", a.status, a.body)
		}
		sig := sigtest.OpenSSLSign(t, body, pki.RSA)
		if a := put(body, sig); a.status != 200 || !strings.Contains(string(a.body), `"state":"submitted"`) || !strings.Contains(string(a.body), `"late":false`) {
			t.Fatalf("the signed report: %d %s", a.status, a.body)
		}
		form, _ := st.AnnualForm(ctx, year, "justice")
		ev, err := st.AnnualSignedVersion(ctx, form.SignedID)
		if err != nil || ev.Body != string(body) || ev.Signature != base64.StdEncoding.EncodeToString(sig) || ev.Via != "exchange" ||
			!strings.Contains(ev.SignerSubject, "justice") {
			t.Errorf("evidence: %+v, %v", ev, err)
		}
		op := annual.Who{Subject: access.Subject{Role: access.OperatorAdmin}, Actor: audit.Actor{Kind: audit.Person, ID: "1AK0001"}}
		if err := annual.New(st, nil).Decide(ctx, op, year, "justice", false, "Give the programmes by region"); err != nil {
			t.Fatal(err)
		}
		var rep exchange.AnnualReport
		a = e.get(justice, base+"/report")
		json.Unmarshal(a.body, &rep)
		last := rep.History[len(rep.History)-1]
		if rep.State != "returned" || last.What != "returned" || last.Comment != "Give the programmes by region" {
			t.Fatalf("the returned report: %s", a.body)
		}
		body = annualDoc("justice", year, "130")
		if a := put(body, sigtest.OpenSSLSign(t, body, pki.RSA)); a.status != 200 {
			t.Errorf("submitted again: %d %s", a.status, a.body)
		}
		if rep, _ := st.AnnualForm(ctx, year, "justice"); rep.State != "submitted" || !strings.Contains(rep.Answers, `"children_served":130`) {
			t.Errorf("after submitting again: %s %s", rep.State, rep.Answers)
		}
	})
}
