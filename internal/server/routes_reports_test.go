package server_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/server"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// signIn opens a session for a person acting for org ("" as a natural
// person) and returns a client that sends its cookie.
func signIn(t *testing.T, st *store.Store, fin, org string, role access.Role) *client {
	t.Helper()
	ctx := context.Background()
	if _, _, err := st.Login(ctx, fin, "Test "+fin, audit.Actor{Kind: audit.Person, ID: fin}); err != nil {
		t.Fatal(err)
	}
	if org != "" {
		if err := st.RegisterStaff(ctx, org, fin, role, audit.SystemActor("test")); err != nil {
			t.Fatal(err)
		}
	}
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	if err := st.CreateSession(ctx, hex.EncodeToString(sum[:]), fin, org); err != nil {
		t.Fatal(err)
	}
	return &client{t: t, token: token}
}

type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) do(method, path, ctype string, body string) (int, http.Header, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.AddCookie(&http.Cookie{Name: "databank_session", Value: c.token})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func (c *client) json(method, path, body string) (int, string) {
	status, _, b := c.do(method, path, "application/json", body)
	return status, b
}

func (c *client) form(path string, v url.Values) (int, http.Header, string) {
	return c.do("POST", path, "application/x-www-form-urlencoded", v.Encode())
}

// seedChildren writes a few profiles straight into the projection: in
// Baku, two boys of 7 with schooling and a girl of 2; in Sumqayıt a girl
// of 15 with schooling and a record of an offence against her.
func seedChildren(t *testing.T, st *store.Store, today category.Date) {
	t.Helper()
	bit := func(codes ...string) int64 {
		var m int64
		for _, c := range codes {
			cat, _ := category.Lookup(c)
			m |= 1 << cat.Bit
		}
		return m
	}
	for i, k := range []struct {
		fin, region, district, sex string
		age                        int
		cats                       int64
	}{
		{"BBBBBB1", "baki", "yasamal", "male", 7, bit("birth_registration", "schooling")},
		{"BBBBBB2", "baki", "nasimi", "male", 7, bit("birth_registration", "schooling")},
		{"BBBBBB3", "baki", "yasamal", "female", 2, bit("birth_registration")},
		{"BBBBBB4", "absheron_xizi", "sumqayit", "female", 15, bit("birth_registration", "schooling", "offences_against_child")},
	} {
		var id int64
		if err := st.DB().QueryRow(`INSERT INTO children (created_at) VALUES (1) RETURNING id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().Exec(`INSERT INTO profiles (child_id, fin, given_name, family_name, birth_date, sex, citizenship, region, district,
			categories, status, updated_at) VALUES ($1, $2, $3, 'Həsənova', $4, $5, 'AZE', $6, $7, $8, 'active', 1)`,
			id, k.fin, fmt.Sprintf("Ad%d", i), today.AddYears(-k.age).AddDays(-10).String(), k.sex, k.region, k.district, k.cats); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReportsHTTP drives the report builder's API and pages as their
// clients do, on both engines.
func TestReportsHTTP(t *testing.T) {
	clock := func() time.Time { return time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC) }
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		seedChildren(t, st, category.Today(clock()))
		srv := server.New(st, registry.New(st, clock), slog.New(slog.DiscardHandler), server.Options{Now: clock})
		ts := httptest.NewServer(srv)
		defer ts.Close()
		bg, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { srv.Background(bg); close(done) }()
		defer func() { stop(); <-done }()

		op := signIn(t, st, "1OP0001", "operator", access.OperatorAdmin)
		op.base = ts.URL
		parent := signIn(t, st, "7PA0001", "", "")
		parent.base = ts.URL

		// The API: a cross-tab.
		status, body := op.json("POST", "/api/v1/reports", `{"rows":[{"kind":"region"}],"columns":[{"kind":"age_band"},{"kind":"category","categories":["schooling"]}]}`)
		var res struct {
			Rows, Columns [][]string
			Cells         [][]int64
			Total         int64
			RowTotals     []int64 `json:"row_totals"`
		}
		if err := json.Unmarshal([]byte(body), &res); status != 200 || err != nil || res.Total != 4 {
			t.Fatalf("report: %d %s", status, body)
		}
		for i, r := range res.Rows {
			for j, c := range res.Columns {
				want := map[string]int64{"baki|6-9|schooling": 2, "absheron_xizi|14-17|schooling": 1}[r[0]+"|"+c[0]+"|"+c[1]]
				if res.Cells[i][j] != want {
					t.Errorf("%v × %v = %d; want %d", r, c, res.Cells[i][j], want)
				}
			}
		}
		// A bad definition: a problem naming every field to change.
		status, body = op.json("POST", "/api/v1/reports", `{"columns":[{"kind":"district"},{"kind":"age"},{"kind":"horoscope"}],"as_of":"2030-01-01"}`)
		var prob struct {
			Code   string
			Errors []struct{ Field, Code string }
		}
		json.Unmarshal([]byte(body), &prob)
		fields := map[string]bool{}
		for _, e := range prob.Errors {
			fields[e.Field] = true
		}
		if status != 422 || prob.Code != "invalid" || !fields["rows"] || !fields["columns[2].kind"] || !fields["as_of"] {
			t.Errorf("bad definition: %d %s", status, body)
		}
		if status, body = op.json("POST", "/api/v1/reports", `{"rows":[{"kind":"region"}],"colmns":[]}`); status != 422 {
			t.Errorf("an unknown member: %d %s", status, body)
		}
		if status, _ = parent.json("POST", "/api/v1/reports", `{"rows":[{"kind":"region"}]}`); status != 403 {
			t.Errorf("a parent runs a report: %d", status)
		}

		// A list, audited once; sensitive data needs a purpose.
		var before int
		st.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'report.list'`).Scan(&before)
		status, body = op.json("POST", "/api/v1/reports/lists", `{"definition":{"rows":[{"kind":"district"}]},"cell":{"row":["yasamal"]}}`)
		if status != 200 || !strings.Contains(body, "BBBBBB1") || !strings.Contains(body, "BBBBBB3") || strings.Contains(body, "BBBBBB2") {
			t.Errorf("list: %d %s", status, body)
		}
		status, body = op.json("POST", "/api/v1/reports/lists", `{"definition":{"rows":[{"kind":"category","categories":["offences_against_child"]}]},"cell":{"row":["offences_against_child"]}}`)
		if status != 422 || !strings.Contains(body, `"purpose"`) {
			t.Errorf("a sensitive list without purpose: %d %s", status, body)
		}
		var after int
		st.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'report.list'`).Scan(&after)
		if after-before != 1 {
			t.Errorf("%d audit entries for one list", after-before)
		}

		// A job: queued, run by the server's worker, its result to its
		// owner only.
		status, hdr, body := op.do("POST", "/api/v1/reports/jobs", "application/json",
			`{"kind":"crosstab","format":"json","definition":{"rows":[{"kind":"sex"}]}}`)
		if status != 202 || hdr.Get("Location") == "" {
			t.Fatalf("job: %d %s", status, body)
		}
		loc := hdr.Get("Location")
		var job struct {
			State, Result string
		}
		deadline := time.Now().Add(30 * time.Second)
		for job.State != "done" && time.Now().Before(deadline) {
			_, body = op.json("GET", loc, "")
			json.Unmarshal([]byte(body), &job)
			if job.State == "failed" {
				t.Fatalf("job failed: %s", body)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if job.State != "done" {
			t.Fatalf("job never finished: %s", body)
		}
		status, hdr, body = op.do("GET", job.Result, "", "")
		if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || !strings.Contains(body, `"total":4`) {
			t.Errorf("result: %d %s %s", status, hdr.Get("Content-Type"), body)
		}
		other := signIn(t, st, "1OP0002", "operator", access.OperatorAnalyst)
		other.base = ts.URL
		if status, _ = other.json("GET", loc, ""); status != 404 {
			t.Errorf("another person's job: %d", status)
		}
		if status, body = op.json("POST", "/api/v1/reports/jobs", `{"kind":"crosstab","format":"docx","definition":{"rows":[{"kind":"sex"}]}}`); status != 422 || !strings.Contains(body, `"format"`) {
			t.Errorf("a job in an unknown format: %d %s", status, body)
		}

		// The pages: the builder, a table with its links, a list.
		status, _, body = op.do("GET", "/reports?lang=en", "", "")
		if status != 200 || !strings.Contains(body, `id="builder"`) || !strings.Contains(body, "Economic region") {
			t.Errorf("builder: %d", status)
		}
		status, _, body = op.do("GET", "/reports?lang=en&run=1&row1=region&col1=age_band&percent=row", "", "")
		if status != 200 || !strings.Contains(body, `id="report-table"`) || !strings.Contains(body, `id="grand-total">4<`) || !strings.Contains(body, "Absheron") ||
			!strings.Contains(body, `<img src="data:image/svg`) {
			t.Errorf("table page: %d %.2000s", status, body)
		}
		status, _, body = op.do("GET", "/reports?lang=en&run=1&col1=sex&age_from=9&age_to=3", "", "")
		if status != 422 || !strings.Contains(body, `id="row1-err"`) || !strings.Contains(body, `id="age_to-err"`) {
			t.Errorf("bad form: %d %.3000s", status, body)
		}
		def := url.QueryEscape(`{"rows":[{"kind":"district"}]}`)
		status, _, body = op.do("GET", "/reports/list?lang=en&def="+def+"&row=yasamal", "", "")
		if status != 200 || !strings.Contains(body, `href="/children/BBBBBB1"`) || strings.Contains(body, "BBBBBB2") {
			t.Errorf("list page: %d %.2000s", status, body)
		}
		sens := url.QueryEscape(`{"rows":[{"kind":"category","categories":["offences_against_child"]}]}`)
		status, _, body = op.do("GET", "/reports/list?lang=en&def="+sens+"&row=offences_against_child", "", "")
		if status != 422 || !strings.Contains(body, `id="purpose-form"`) {
			t.Errorf("list page without purpose: %d", status)
		}
		status, _, body = op.do("GET", "/reports/list?lang=en&def="+sens+"&row=offences_against_child&purpose=case_work", "", "")
		if status != 200 || !strings.Contains(body, "BBBBBB4") {
			t.Errorf("list page with purpose: %d", status)
		}
		if status, _, _ = parent.do("GET", "/reports", "", ""); status != 403 {
			t.Errorf("a parent's builder: %d", status)
		}

		// Saved reports: saved, opened, deleted by the owner only.
		status, hdr, _ = op.form("/reports/saved", url.Values{"def": {`{"rows":[{"kind":"sex"}]}`}, "name": {"Uşaqlar cinsə görə"}})
		if status != 303 || !strings.HasPrefix(hdr.Get("Location"), "/reports?saved=") {
			t.Fatalf("save: %d %v", status, hdr)
		}
		status, _, body = other.do("GET", hdr.Get("Location"), "", "")
		if status != 200 || !strings.Contains(body, "Uşaqlar cinsə görə") || !strings.Contains(body, `id="report-table"`) {
			t.Errorf("a colleague opens the saved report: %d", status)
		}
		id := strings.TrimPrefix(hdr.Get("Location"), "/reports?saved=")
		if status, _, _ = other.form("/reports/saved/"+id+"/delete", nil); status != 403 {
			t.Errorf("a colleague deletes it: %d", status)
		}
		if status, _, _ = op.form("/reports/saved/"+id+"/delete", nil); status != 303 {
			t.Errorf("the owner deletes it: %d", status)
		}
		if _, err := st.SavedReport(ctx, mustInt(id)); err == nil {
			t.Error("the saved report is still there")
		}

		// An export from the page: a job page that follows its progress,
		// then a download.
		status, hdr, _ = op.form("/reports/jobs", url.Values{"def": {`{"rows":[{"kind":"region"}],"columns":[{"kind":"sex"}]}`}, "kind": {"crosstab"}, "format": {"json"}})
		if status != 303 || !strings.HasPrefix(hdr.Get("Location"), "/reports/jobs/") {
			t.Fatalf("export: %d", status)
		}
		page := hdr.Get("Location")
		deadline = time.Now().Add(30 * time.Second)
		for {
			status, hdr, body = op.do("GET", page+"?lang=en", "", "")
			if strings.Contains(body, `id="download"`) || time.Now().After(deadline) {
				break
			}
			if !strings.Contains(body, `http-equiv="refresh"`) || hdr.Get("Refresh") == "" {
				t.Fatalf("a running job's page does not refresh itself: %.1000s", body)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if status != 200 || !strings.Contains(body, `id="report-table"`) {
			t.Fatalf("finished job page: %d %.1000s", status, body)
		}
		if status, _, _ = other.do("GET", page+"/download", "", ""); status != 404 {
			t.Errorf("another person downloads: %d", status)
		}
		if status, _, body = op.do("GET", page+"/download", "", ""); status != 200 || !strings.Contains(body, `"total":4`) {
			t.Errorf("download: %d", status)
		}

		// A report over the records is offered in the background, and
		// its table shown on the job's page once built.
		heavy := `{"rows":[{"kind":"period","category":"schooling","period":"year"}]}`
		status, _, body = op.do("GET", "/reports?lang=en&def="+url.QueryEscape(heavy), "", "")
		if status != 200 || !strings.Contains(body, `id="heavy"`) || strings.Contains(body, `id="report-table"`) {
			t.Errorf("a heavy report's page: %d", status)
		}
		status, hdr, _ = op.form("/reports/jobs", url.Values{"def": {heavy}, "kind": {"crosstab"}, "format": {"json"}})
		if status != 303 {
			t.Fatalf("heavy job: %d", status)
		}
		deadline = time.Now().Add(30 * time.Second)
		for {
			status, _, body = op.do("GET", hdr.Get("Location")+"?lang=en", "", "")
			if strings.Contains(body, `id="download"`) || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(body, `id="report-table"`) || !strings.Contains(body, "Archived profiles are counted too") {
			t.Errorf("the heavy report's job page: %d %.1500s", status, body)
		}
		if status, _, body = op.do("GET", "/reports/jobs?lang=en", "", ""); status != 200 || strings.Count(body, `href="/reports/jobs/`) < 3 {
			t.Errorf("my jobs: %d", status)
		}
	})
}

func mustInt(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}
