package cli_test

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/devpki"
	"github.com/scfwca/databank/internal/params"
	"github.com/scfwca/databank/internal/store"
)

// TestAdminBindsCertificates: the operator's administrator binds a
// system's certificate to an organisation in the admin panel, uploaded as
// a file; something that is no certificate is refused beside the field,
// and a head of a ministry may not bind at all.
func TestAdminBindsCertificates(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	pki, err := devpki.New("Test")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.Participant("health")
	if err != nil {
		t.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Cert.Raw})
	post := func(b *browser, file []byte, text string) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if file != nil {
			fw, _ := mw.CreateFormFile("cert", "health.pem")
			fw.Write(file)
		}
		mw.WriteField("pem", text)
		mw.Close()
		req, _ := http.NewRequest("POST", base+"/admin/orgs/health/certs?lang=en", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		c := *b.c
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var page bytes.Buffer
		page.ReadFrom(resp.Body)
		return resp.StatusCode, page.String()
	}
	admin := loginAs(t, base, "1AK0001")
	if status, page := post(admin, nil, "hello"); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="cert-error">This is not an X.509 certificate in PEM`) {
		t.Errorf("junk: %d", status)
	}
	if status, _ := post(loginAs(t, base, "3SH0001"), pemBytes, ""); status != http.StatusForbidden {
		t.Errorf("a ministry's head binding: %d; want 403", status)
	}
	if status, _ := post(admin, pemBytes, ""); status != http.StatusSeeOther {
		t.Fatalf("binding: %d", status)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.ParticipantBySubject(context.Background(), cert.Cert.Subject.String())
	if err != nil || p.Code != "health" {
		t.Errorf("the certificate speaks for %v, %v; want health", p, err)
	}
}

// TestAdminChangesClassifiers: the administrator adds a district, which
// the published schema then accepts, and retires a care form; a change
// lacking its Russian name comes back with the error beside the field;
// the evaluator sees no form.
func TestAdminChangesClassifiers(t *testing.T) {
	defer classifier.Apply(nil)
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	admin := loginAs(t, base, "1AK0001")
	post := func(form url.Values) (int, string) {
		req, _ := http.NewRequest("POST", base+"/admin/classifiers?lang=en", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		c := *admin.c
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	status, page := post(url.Values{"list": {"district"}, "code": {"yeni_rayon"}, "name_az": {"Yeni rayon"}, "name_en": {"New district"}, "parent": {"baki"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="district-name_ru-error">The name is needed in all three languages`) {
		t.Errorf("a change without its Russian name: %d", status)
	}
	if status, _ := post(url.Values{"list": {"district"}, "code": {"yeni_rayon"}, "name_az": {"Yeni rayon"}, "name_en": {"New district"},
		"name_ru": {"Новый район"}, "parent": {"baki"}}); status != http.StatusSeeOther {
		t.Fatalf("adding a district: %d", status)
	}
	if status, _ := post(url.Values{"list": {"care_form"}, "code": {"custody"}, "name_az": {"Qəyyumluq"}, "name_en": {"Custody"},
		"name_ru": {"Попечительство"}, "retired": {"on"}}); status != http.StatusSeeOther {
		t.Fatalf("retiring a care form: %d", status)
	}
	resp, err := http.Get(base + "/exchange/v1/categories")
	if err != nil {
		t.Fatal(err)
	}
	var cat bytes.Buffer
	cat.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.Contains(cat.String(), `"yeni_rayon"`) {
		t.Error("the published schema does not accept the new district")
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	changes, err := st.ClassifierChanges(context.Background())
	if err != nil || len(changes) != 2 || !changes[1].Retired {
		t.Errorf("stored changes = %+v, %v", changes, err)
	}
	if _, page := loginAs(t, base, "6RN0001").do("GET", "/admin/classifiers?lang=en", nil, nil); strings.Contains(page, `action="/admin/classifiers"`) ||
		!strings.Contains(page, "New district") || !strings.Contains(page, "(retired)") {
		t.Error("the evaluator should see the changed lists and no form")
	}
}

// TestAdminSetsParameters: the administrator lowers the largest file of
// correspondence to 1 MB, and a 2 MB file is refused at once; a value out
// of bounds is refused beside its field; the evaluator sees no form.
func TestAdminSetsParameters(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	admin := loginAs(t, base, "1AK0001")
	if status, page := postPage(t, admin, "/admin/parameters?lang=en", url.Values{"key": {"correspondence_max_file_mb"}, "value": {"0"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="p-correspondence_max_file_mb-error">Must be a whole number from 1 to 50`) {
		t.Errorf("0 MB: %d", status)
	}
	if status, _ := postPage(t, admin, "/admin/parameters", url.Values{"key": {"correspondence_max_file_mb"}, "value": {"1"}}); status != http.StatusSeeOther {
		t.Fatalf("setting 1 MB: %d", status)
	}
	education := loginAs(t, base, "3TH0001")
	if status, loc := education.postForm("/threads", url.Values{"subject": {"Fayl"}, "orgs": {"health"}, "body": {"salam"}}); status != http.StatusSeeOther {
		t.Fatalf("opening: %d", status)
	} else {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("body", "see the file")
		fw, _ := mw.CreateFormFile("files", "big.pdf")
		fw.Write(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 2<<20)...))
		mw.Close()
		req, _ := http.NewRequest("POST", base+loc+"/messages?lang=en", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := education.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page bytes.Buffer
		page.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page.String(), `is larger than 1 MB`) {
			t.Errorf("a 2 MB file under a 1 MB limit: %d", resp.StatusCode)
		}
	}
	evaluator := loginAs(t, base, "6RN0001")
	// The evaluator's read-only view covers the audit viewer too.
	if status, page := evaluator.do("GET", "/admin/audit?action=parameter.set", nil, nil); status != 200 || !strings.Contains(page, "correspondence_max_file_mb") {
		t.Errorf("the evaluator's audit viewer: %d", status)
	}
	if _, page := evaluator.do("GET", "/admin/parameters?lang=en", nil, nil); strings.Contains(page, `Save</button>`) ||
		strings.Count(page, " disabled") != len(params.All()) || !strings.Contains(page, `value="1" disabled`) {
		t.Error("the evaluator should see the parameters and no form")
	}
}

// postPage posts a form as the signed-in person, not following redirects.
func postPage(t *testing.T, b *browser, path string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c := *b.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page bytes.Buffer
	page.ReadFrom(resp.Body)
	return resp.StatusCode, page.String()
}

// TestAdminHolidays: the administrator adds a holiday (a name missing is
// refused beside its field) and removes one the program knows; the
// evaluator sees the list without forms.
func TestAdminHolidays(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	admin := loginAs(t, base, "1AK0001")
	year := time.Now().Year()
	day := fmt.Sprintf("%d-12-30", year)
	if status, page := postPage(t, admin, "/admin/holidays?lang=en", url.Values{"day": {day}, "name_az": {"Test"}, "name_en": {"Test"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="h-name_ru-error">This field is required`) {
		t.Errorf("a holiday without its Russian name: %d", status)
	}
	if status, _ := postPage(t, admin, "/admin/holidays", url.Values{"day": {day}, "name_az": {"Sınaq"}, "name_en": {"Trial day"}, "name_ru": {"Пробный"}}); status != http.StatusSeeOther {
		t.Fatalf("adding: %d", status)
	}
	if status, _ := postPage(t, admin, "/admin/holidays", url.Values{"day": {fmt.Sprintf("%d-03-08", year)}, "remove": {"1"}}); status != http.StatusSeeOther {
		t.Fatalf("removing: %d", status)
	}
	_, page := loginAs(t, base, "6RN0001").do("GET", "/admin/holidays?lang=en", nil, nil)
	removed := fmt.Sprintf("<td>8 Mar %d</td>", year)
	if !strings.Contains(page, "Trial day") || strings.Contains(page, removed) || !strings.Contains(page, fmt.Sprintf("<td>8 Mar %d</td>", year+1)) ||
		strings.Contains(page, `name="remove"`) {
		t.Error("the evaluator's list should have the added day, not the removed one (but next year's), and no forms")
	}
}

// TestStatusAndIncidents: the administrator records a request of the
// security service (due in 24 hours) on the status page, a record without
// a title is refused beside the field, and resolves it; the auditor sees
// the register without forms.
func TestStatusAndIncidents(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	admin := loginAs(t, base, "1AK0001")
	if status, page := postPage(t, admin, "/admin/incidents?lang=en", url.Values{"source": {"security_request"}, "severity": {"high"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="title-error"`) {
		t.Errorf("an incident without a title: %d", status)
	}
	if status, _ := postPage(t, admin, "/admin/incidents", url.Values{"source": {"security_request"}, "severity": {"high"},
		"title": {"DTX asks for the access log of 4TH0009"}}); status != http.StatusSeeOther {
		t.Fatalf("recording: %d", status)
	}
	_, page := admin.do("GET", "/admin/status?lang=en", nil, nil)
	if !strings.Contains(page, "DTX asks for the access log") || !strings.Contains(page, "security_request") || !strings.Contains(page, "answering") {
		t.Fatal("the status page lacks the request or the database's state")
	}
	id := page[strings.Index(page, `action="/admin/incidents/`)+len(`action="/admin/incidents/`):]
	id = id[:strings.Index(id, "/")]
	if status, _ := postPage(t, admin, "/admin/incidents/"+id+"/resolve", url.Values{"note": {"sent on 23 Nov"}}); status != http.StatusSeeOther {
		t.Fatalf("resolving: %d", status)
	}
	status, auditor := loginAs(t, base, "7DT0001").do("GET", "/admin/status?lang=en", nil, nil)
	if status != 200 || !strings.Contains(auditor, "sent on 23 Nov") || strings.Contains(auditor, `action="/admin/incidents"`) {
		t.Errorf("the auditor's status page: %d", status)
	}
	if status, _ := loginAs(t, base, "3TH0001").do("GET", "/admin/status", nil, nil); status != http.StatusForbidden {
		t.Errorf("a ministry's head on the status page: %d", status)
	}
}
