package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/store"
)

// TestSignalsRaisedWhenFactsArrive sends, through the exchange, a child's
// birth and then an offence against the child: the server opens the
// signal's thread with the district's commission by itself, and the
// commission's member finds it among her threads.
func TestSignalsRaisedWhenFactsArrive(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := filepath.Join(t.TempDir(), "databank.db")
	addr, done, logs := startExchange(t, ctx, db, "--exchange-insecure")
	defer func() { cancel(); <-done }()
	send := func(participant, cat, source string, data json.RawMessage) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"batch_id": participant + "-" + source, "records": []any{map[string]any{
			"source_id": source, "category": cat, "child": map[string]string{"fin": "5ZK3N2P"},
			"effective_date": "2026-10-01", "action": "upsert", "data": data}}})
		req, _ := http.NewRequest("POST", "http://"+addr+"/exchange/v1/batches", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Participant", participant)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out struct{ Counts map[string]int }
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != 200 || out.Counts["accepted"] != 1 {
			t.Fatalf("%s %s: %d %+v\n%s", participant, cat, resp.StatusCode, out, logs.String())
		}
	}
	birth := category.CatBirthRegistration.Examples()[0]
	var b map[string]any
	json.Unmarshal(birth, &b)
	b["birth_date"], b["fin"] = "2016-03-02", "5ZK3N2P"
	birth, _ = json.Marshal(b)
	send("justice", "birth_registration", "akt-1", birth)
	offence, _ := category.Lookup("offences_against_child")
	send("internal_affairs", "offences_against_child", "case-1", offence.Examples()[0])

	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		rows, err := st.ThreadsOf(ctx, "commission.sabail", store.ThreadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 1 && rows[0].SignalRule == "offence_against_child" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no signal thread for the commission: %+v\n%s", rows, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestThreadFormShowsErrorsBesideFields opens a thread with no subject,
// no organisation and a program attached: the form comes back with what
// was typed and each error beside its field, and nothing is stored.
func TestThreadFormShowsErrorsBesideFields(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	education := loginAs(t, base, "3TH0001")
	form := url.Values{"subject": {""}, "body": {"Salam, bu mətn qalmalıdır"}, "awaiting": {"labour"}}
	req, _ := http.NewRequest("POST", base+"/threads?lang=en", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := education.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	page.ReadFrom(resp.Body)
	resp.Body.Close()
	body := page.String()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`id="subject-error">Cannot be empty`,
		`id="orgs-error">Choose at least one other organisation`,
		`id="awaiting-error">The organisation an answer is awaited from must be a member`,
		`Salam, bu mətn qalmalıdır</textarea>`,
		`id="subject" name="subject" value="" maxlength="200" required aria-invalid="true"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if _, list := education.do("GET", "/threads?lang=en", nil, nil); !strings.Contains(list, "No threads") {
		t.Error("a refused thread was stored")
	}
}
