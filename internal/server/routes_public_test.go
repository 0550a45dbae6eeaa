package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/opendata"
	"github.com/scfwca/databank/internal/opendata/opendatatest"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/server"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var openToday = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// openRecord is a record of the open-data test population.
func openRecord(fin, cat, source, eff, payload string, received time.Time) store.Submission {
	sum := sha256.Sum256([]byte(payload))
	return store.Submission{Keys: []profile.Key{{Kind: profile.KeyFIN, Value: fin}},
		Fact: profile.Fact{Category: cat, Sender: "justice", SourceID: source, Action: profile.Upsert,
			EffectiveDate: category.MustDate(eff), ReceivedAt: received, Payload: []byte(payload), ContentHash: hex.EncodeToString(sum[:])},
		Actor: audit.Actor{Kind: audit.Participant, ID: "justice"}, Detail: "{}"}
}

// openServer serves a population of 700 children, some regions crowded
// and some nearly empty, with key categories common and rare, received
// since 2024.
func openServer(t *testing.T, portal string) *httptest.Server {
	t.Helper()
	st := storetest.Open(t, store.SQLite, func() time.Time { return openToday })
	rng := rand.New(rand.NewPCG(9, 9))
	districts := []string{"binaqadi", "binaqadi", "binaqadi", "ganca", "ganca", "xacmaz", "lankaran", "saki", "agsu"}
	var subs []store.Submission
	for i := range 700 {
		fin := fmt.Sprintf("8PB%04d", i)
		born := category.MustDate("2007-01-01").AddDays(rng.IntN(365*19 + 60))
		sex := []string{"male", "female", "male", "female", ""}[rng.IntN(5)]
		received := openToday
		if i == 0 {
			received = time.Date(2024, 2, 1, 8, 0, 0, 0, time.UTC)
		}
		subs = append(subs, openRecord(fin, "birth_registration", "br-"+fin, born.String(),
			`{"name":{"given":"Nigar","family":"Həsənova"},"sex":"`+sex+`","birth_date":"`+born.String()+
				`","birth_place":{"district":"`+districts[rng.IntN(len(districts))]+`"},"citizenship":"AZE"}`, received))
		for cat, share := range map[string]int{"schooling": 70, "targeted_social_assistance": 12, "offences_against_child": 3, "special_education": 6} {
			if rng.IntN(100) < share {
				eff := category.MustDate("2023-09-01").AddDays(rng.IntN(900)).String()
				subs = append(subs, openRecord(fin, cat, cat+"-"+fin, eff, `{"v":1}`, openToday))
			}
		}
	}
	if _, err := st.SubmitAll(context.Background(), subs); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(st, registry.New(st, nil), slog.New(slog.DiscardHandler),
		server.Options{Now: func() time.Time { return openToday }, PortalURL: portal}))
	t.Cleanup(srv.Close)
	return srv
}

// catalogue is the catalogue as a client reads it.
type catalogue struct {
	Threshold int
	Portal    string
	Datasets  []struct {
		ID         string
		Title      struct{ AZ, EN, RU string }
		Additive   bool
		Threshold  int
		License    struct{ ID, URL string }
		Dimensions []struct{ ID string }
		Years      []struct {
			Year        int
			AsOf        string `json:"as_of"`
			Provisional bool
			JSON, CSV   string
		}
		Formats []struct{ Format, URL string }
	}
}

// datasetJSON is a dataset of a year as a client reads it.
type datasetJSON struct {
	ID           string
	Year         int
	Dimensions   []struct{ ID string }
	Additive     bool
	Rows         []struct{ Code string }
	Columns      []struct{ Code string }
	Cells        [][]*int
	RowTotals    []*int `json:"row_totals"`
	ColumnTotals []*int `json:"column_totals"`
	Total        *int
	Suppressed   int
}

// TestOpenDataAPI reads everything the API publishes, without logging in:
// the catalogue, every dataset of every year as JSON and as CSV (which
// must agree), and attacks each year's tables all together: no suppressed
// count is recovered, nothing published is below the threshold.
func TestOpenDataAPI(t *testing.T) {
	srv := openServer(t, "")
	resp, body := get(t, srv.URL+"/public/v1/datasets")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("catalogue = %d %s", resp.StatusCode, body)
	}
	var cat catalogue
	if err := json.Unmarshal(body, &cat); err != nil {
		t.Fatal(err)
	}
	if cat.Threshold != 5 || cat.Portal != "https://www.e-gov.az" || len(cat.Datasets) != 4 {
		t.Fatalf("catalogue: %+v", cat)
	}
	etag := resp.Header.Get("ETag")
	req, _ := http.NewRequest("GET", srv.URL+"/public/v1/datasets", nil)
	req.Header.Set("If-None-Match", etag)
	if r2, err := http.DefaultClient.Do(req); err != nil || r2.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: %v %v", r2.StatusCode, err)
	}
	published, suppressed := 0, 0
	byYear := map[int][]opendatatest.Table{}
	for _, ds := range cat.Datasets {
		if ds.Title.AZ == "" || ds.Title.EN == "" || ds.Title.RU == "" || ds.License.ID != "CC-BY-4.0" || len(ds.Dimensions) != 2 || len(ds.Formats) != 2 {
			t.Errorf("%s: incomplete entry %+v", ds.ID, ds)
		}
		if len(ds.Years) != 3 || ds.Years[0].Year != 2024 || ds.Years[0].AsOf != "2024-12-31" || !ds.Years[2].Provisional || ds.Years[2].AsOf != "2026-03-10" {
			t.Errorf("%s: years %+v", ds.ID, ds.Years)
		}
		for _, y := range ds.Years {
			resp, body := get(t, srv.URL+y.JSON)
			if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("%s: %d %v", y.JSON, resp.StatusCode, resp.Header)
			}
			var d datasetJSON
			if err := json.Unmarshal(body, &d); err != nil {
				t.Fatal(err)
			}
			if d.ID != ds.ID || d.Year != y.Year || len(d.Cells) != len(d.Rows) || len(d.RowTotals) != len(d.Rows) || len(d.ColumnTotals) != len(d.Columns) {
				t.Fatalf("%s: malformed %s", y.JSON, body)
			}
			tab := opendatatest.Table{ID: d.ID, RowDim: d.Dimensions[0].ID, ColDim: d.Dimensions[1].ID, Cells: d.Cells,
				RowTotals: d.RowTotals, ColTotals: d.ColumnTotals, Total: d.Total, Additive: d.Additive}
			for _, r := range d.Rows {
				tab.Rows = append(tab.Rows, r.Code)
			}
			for _, c := range d.Columns {
				tab.Cols = append(tab.Cols, c.Code)
			}
			all := []*int{d.Total}
			all = append(all, d.RowTotals...)
			all = append(all, d.ColumnTotals...)
			for _, row := range d.Cells {
				all = append(all, row...)
			}
			n := 0
			for _, v := range all {
				switch {
				case v == nil:
					suppressed++
					n++
				case *v < opendata.Threshold:
					t.Errorf("%s publishes %d", y.JSON, *v)
				default:
					published++
				}
			}
			if n != d.Suppressed {
				t.Errorf("%s: says %d suppressed, has %d nulls", y.JSON, d.Suppressed, n)
			}
			checkCSV(t, srv.URL+y.CSV, tab)
			byYear[y.Year] = append(byYear[y.Year], tab)
		}
	}
	if published < 50 || suppressed == 0 {
		t.Fatalf("%d counts published, %d suppressed: the population does not exercise the suppression", published, suppressed)
	}
	t.Logf("%d counts published, %d suppressed", published, suppressed)
	for year, tables := range byYear {
		e := opendatatest.Build(tables)
		for name, got := range map[string]map[string]int{"single unknowns": e.SingleUnknowns(), "linear algebra": e.Linear()} {
			for k, v := range got {
				if e.Suppressed[k] {
					t.Errorf("%d: %s recovered the suppressed %s = %d", year, name, k, v)
				}
				if e.Hidden[k] && v < opendata.Threshold {
					t.Errorf("%d: %s recovered the implied %s = %d", year, name, k, v)
				}
			}
		}
	}
}

// checkCSV reads a dataset as CSV and holds every line to the JSON.
func checkCSV(t *testing.T, url string, tab opendatatest.Table) {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%s = %d %s", url, resp.StatusCode, body)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"year", tab.RowDim, tab.RowDim + "_name", tab.ColDim, tab.ColDim + "_name", "children"}
	if fmt.Sprint(recs[0]) != fmt.Sprint(want) {
		t.Fatalf("%s: header %v", url, recs[0])
	}
	value := map[[2]string]*int{{"total", "total"}: tab.Total}
	for r, row := range tab.Rows {
		value[[2]string{row, "total"}] = tab.RowTotals[r]
		for c, col := range tab.Cols {
			value[[2]string{row, col}] = tab.Cells[r][c]
		}
	}
	for c, col := range tab.Cols {
		value[[2]string{"total", col}] = tab.ColTotals[c]
	}
	if len(recs)-1 != len(value) {
		t.Errorf("%s: %d lines for %d counts", url, len(recs)-1, len(value))
	}
	for _, rec := range recs[1:] {
		v, ok := value[[2]string{rec[1], rec[3]}]
		switch {
		case !ok:
			t.Errorf("%s: a line for %s/%s", url, rec[1], rec[3])
		case v == nil && rec[5] != "":
			t.Errorf("%s: %s/%s is %q in CSV, null in JSON", url, rec[1], rec[3], rec[5])
		case v != nil && rec[5] != strconv.Itoa(*v):
			t.Errorf("%s: %s/%s is %q in CSV, %d in JSON", url, rec[1], rec[3], rec[5], *v)
		}
	}
}

// TestOpenDataErrors: a wrong dataset, year, format or parameter gets a
// problem naming it.
func TestOpenDataErrors(t *testing.T) {
	srv := openServer(t, "")
	for _, c := range []struct {
		path   string
		status int
		field  string
	}{
		{"/public/v1/datasets/no-such-thing", 404, "id"},
		{"/public/v1/datasets/children-by-age-and-sex?year=1999", 404, "year"},
		{"/public/v1/datasets/children-by-age-and-sex?year=20x5", 422, "year"},
		{"/public/v1/datasets/children-by-age-and-sex?format=xml", 422, "format"},
		{"/public/v1/datasets/children-by-age-and-sex?yaer=2025", 422, "yaer"},
	} {
		resp, body := get(t, srv.URL+c.path)
		var p struct {
			Code   string
			Errors []struct{ Field string }
		}
		json.Unmarshal(body, &p)
		if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != "application/problem+json" || len(p.Errors) == 0 || p.Errors[0].Field != c.field {
			t.Errorf("%s = %d %s; want %d naming %q", c.path, resp.StatusCode, body, c.status, c.field)
		}
	}
}

// TestOpenDataPages: the catalogue and a dataset's page, without login, in
// each language, with the table, the chart, the downloads, the year
// selector and the configured portal; the landing page links to them.
func TestOpenDataPages(t *testing.T) {
	srv := openServer(t, "https://portal.example.az/")
	resp, body := get(t, srv.URL+"/open")
	page := string(body)
	if resp.StatusCode != 200 || !strings.Contains(page, `href="/open/children-by-region-and-age"`) ||
		!strings.Contains(page, `href="https://portal.example.az/"`) || !strings.Contains(page, `href="/public/v1/datasets"`) {
		t.Fatalf("/open = %d\n%s", resp.StatusCode, page)
	}
	for _, lang := range []struct{ code, title string }{
		{"az", "Uşaqlar yaş qrupları və cins üzrə"}, {"en", "Children by age band and sex"}, {"ru", "Дети по возрастным группам и полу"},
	} {
		resp, body := get(t, srv.URL+"/open/children-by-age-and-sex?year=2025&lang="+lang.code)
		page := string(body)
		for _, want := range []string{lang.title + ", 2025", `<svg`, `id="open-table"`, `<select id="year" name="year">`, `<label for="year">`,
			`<option value="2025" selected>`, `href="/public/v1/datasets/children-by-age-and-sex?year=2025"`, `format=csv`, `portal.example.az`} {
			if !strings.Contains(page, want) {
				t.Errorf("%s page lacks %q", lang.code, want)
			}
		}
		if resp.StatusCode != 200 || strings.Contains(page, "style=") {
			t.Errorf("%s page = %d", lang.code, resp.StatusCode)
		}
	}
	if resp, _ := get(t, srv.URL+"/open/no-such-thing"); resp.StatusCode != 404 {
		t.Errorf("an unknown dataset's page = %d", resp.StatusCode)
	}
	if resp, body := get(t, srv.URL+"/open/children-by-region-and-category?year=1990"); resp.StatusCode != 404 || !strings.Contains(string(body), "Bu il üçün məlumat yoxdur") {
		t.Errorf("an unknown year's page = %d", resp.StatusCode)
	}
	if _, body := get(t, srv.URL+"/"); !strings.Contains(string(body), `href="/open"`) || !strings.Contains(string(body), `href="https://portal.example.az/"`) {
		t.Error("the landing page does not link to the open data and the configured portal")
	}
}

// TestOpenDataRateLimit: one address gets its burst, then 429 with
// Retry-After.
func TestOpenDataRateLimit(t *testing.T) {
	srv := openServer(t, "")
	for i := range 200 {
		resp, _ := get(t, srv.URL+"/public/v1/datasets")
		if resp.StatusCode == http.StatusTooManyRequests {
			if i < 100 || resp.Header.Get("Retry-After") == "" {
				t.Errorf("limited after %d requests, Retry-After %q", i, resp.Header.Get("Retry-After"))
			}
			return
		}
	}
	t.Error("200 requests at once from one address were all answered")
}
