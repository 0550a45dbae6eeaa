package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/store"
)

// browser is a person's browser signed in through the development
// provider as the persona with a FIN.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func loginAs(t *testing.T, base, fin string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasSuffix(req.URL.Path, "/dev-idp/authorize") {
			q := req.URL.Query()
			q.Set("login_hint", fin)
			req.URL.RawQuery = q.Encode()
		}
		return nil
	}}
	b := &browser{t: t, base: base, c: c}
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, body := b.do("GET", "/login?return=/api/v1/me", nil, nil)
		if status == 200 && strings.Contains(body, fin) {
			return b
		}
		if status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("login as %s: %d %s", fin, status, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) do(method, path string, body any, header map[string]string) (int, string) {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, b.base+path, rd)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func TestCabinetsAuditAndAccessLog(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, true, "--exchange-addr", "", "--demo", "--demo-children", "40").base
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A mother the development provider offers as a persona.
	// The first family's mother is a persona of the development provider.
	var motherFIN, childFIN string
	if err := st.DB().QueryRow(`SELECT mother_fin, fin FROM profiles WHERE fin <> '' AND mother_fin <> ''
		ORDER BY child_id LIMIT 1`).Scan(&motherFIN, &childFIN); err != nil {
		t.Fatal(err)
	}

	head := loginAs(t, base, "3TH0001") // head of the Ministry of Education
	if status, body := head.do("GET", "/api/v1/children/"+childFIN+"?purpose=school+enrolment+check", nil, nil); status != 200 {
		t.Fatalf("head reads the child: %d %s", status, body)
	}
	// Each category's history, as a page.
	if status, body := head.do("GET", "/children/"+childFIN+"/history/birth_registration?lang=en", nil, nil); status != 200 ||
		!strings.Contains(body, "History of changes") || !strings.Contains(body, "Ministry of Justice") {
		t.Errorf("history page: %d %.300s", status, body)
	}
	if status, _ := head.do("GET", "/children/"+childFIN+"/history/horoscope", nil, nil); status != 404 {
		t.Errorf("history of an unknown category: %d", status)
	}
	// The head registers an officer and grants a right; a cross-site
	// request to do the same is refused.
	if status, body := head.do("POST", "/api/v1/orgs/education/staff", map[string]string{"fin": "4QQ0001", "role": "org_officer"}, nil); status != 204 {
		t.Fatalf("register: %d %s", status, body)
	}
	if status, body := head.do("POST", "/api/v1/orgs/education/staff/4QQ0001/grants", map[string]any{"category": "schooling", "read": true, "write": true}, nil); status != 204 {
		t.Fatalf("grant: %d %s", status, body)
	}
	if g, _ := st.Grants(ctx, "education", "4QQ0001"); len(g) != 1 || g[0].Category != "schooling" {
		t.Errorf("grants = %+v", g)
	}
	if status, _ := head.do("POST", "/api/v1/orgs/health/staff", map[string]string{"fin": "4QQ0001", "role": "org_officer"}, nil); status != 403 {
		t.Errorf("registering for another organisation: %d", status)
	}
	cross := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	if status, _ := head.do("POST", "/api/v1/orgs/education/staff", map[string]string{"fin": "4QQ0002", "role": "org_officer"}, cross); status != 403 {
		t.Errorf("a cross-site request: %d", status)
	}

	// The mother sees her children and who read their data.
	mother := loginAs(t, base, motherFIN)
	if status, body := mother.do("GET", "/api/v1/me/children", nil, nil); status != 200 || !strings.Contains(body, childFIN) {
		t.Fatalf("children: %d %s", status, body)
	}
	status, body := mother.do("GET", "/api/v1/me/children/"+childFIN+"/access-log", nil, nil)
	var log struct {
		Reads []struct{ Organisation, Kind, Action, Purpose string }
	}
	json.Unmarshal([]byte(body), &log)
	purposes := 0
	for _, rd := range log.Reads {
		if rd.Organisation != "education" {
			t.Errorf("a read by %s in the access log", rd.Organisation)
		}
		if rd.Purpose == "school enrolment check" {
			purposes++
		}
	}
	if status != 200 || len(log.Reads) != 2 || purposes != 1 { // the profile and its history
		t.Errorf("access log: %d %s", status, body)
	}
	// Another parent's child is not hers to follow.
	var otherFIN string
	st.DB().QueryRow(`SELECT fin FROM profiles WHERE fin <> '' AND mother_fin <> $1 ORDER BY child_id LIMIT 1`, motherFIN).Scan(&otherFIN)
	if status, _ := mother.do("GET", "/api/v1/me/children/"+otherFIN+"/access-log", nil, nil); status != 404 {
		t.Errorf("another child's access log: %d", status)
	}
	if status, _ := mother.do("GET", "/api/v1/audit", nil, nil); status != 403 {
		t.Errorf("a parent reading the audit log: %d", status)
	}
	// The security service's auditor exports the child's audit trail.
	auditor := loginAs(t, base, "7DT0001")
	status, body = auditor.do("GET", "/api/v1/audit?child="+childFIN+"&format=csv", nil, nil)
	if status != 200 || !strings.HasPrefix(body, "\uFEFFseq,at,actor_kind") || !strings.Contains(body, "profile.read") {
		t.Errorf("audit CSV: %d %.300s", status, body)
	}
	if status, _ := auditor.do("GET", "/api/v1/children/"+childFIN, nil, nil); status != 404 {
		t.Errorf("an auditor reading child data: %d; want not found", status)
	}
}
