package cli_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/cli"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
)

// TestArchiveAtMidnight is the lifecycle's first "done when": a generated
// child who turns 18 at midnight is archived by the next run, and
// disappears from a school officer's search but not from the operator's;
// its senders read it with a purpose for a year, then no longer.
func TestArchiveAtMidnight(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "databank.db")
	for _, args := range [][]string{{"migrate"}, {"generate", "--children", "40", "--seed", "5"}} {
		if code, _, e := run(t, ctx, db, args...); code != 0 {
			t.Fatal(e)
		}
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The oldest child with a FIN, and the midnight it turns 18.
	var fin, born string
	st.DB().QueryRow(`SELECT fin, birth_date FROM profiles WHERE fin <> '' AND status = 'active' ORDER BY birth_date LIMIT 1`).Scan(&fin, &born)
	birth, err := category.ParseDate(born)
	if err != nil {
		t.Fatal(err)
	}
	eighteen := birth.AddYears(18)
	at := func(d category.Date, after time.Duration) func() time.Time {
		return func() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, category.Baku).Add(after) }
	}
	archive := func(now func() time.Time) string {
		var out, errb bytes.Buffer
		app := &cli.App{Stdout: &out, Stderr: &errb, Now: now,
			Env: func(k string) (string, bool) { return map[string]string{"DATABANK_DB": db}[k], k == "DATABANK_DB" }}
		if code := app.Run(ctx, []string{"archive", "run"}); code != 0 {
			t.Fatalf("archive run: %s", errb.String())
		}
		return out.String()
	}
	// The evening before, the child is 17: nothing to archive of it.
	archive(at(eighteen, -time.Minute))
	if _, status, _ := st.StoredSummary(ctx, mustFind(t, st, fin)); status != "active" {
		t.Fatalf("archived at 17: %s", status)
	}
	// Just after midnight, the next run archives it.
	if out := archive(at(eighteen, time.Minute)); !strings.Contains(out, "archived") {
		t.Errorf("archive run said %q", out)
	}
	if _, status, _ := st.StoredSummary(ctx, mustFind(t, st, fin)); status != "archived" {
		t.Fatalf("not archived at 18: %s", status)
	}

	ps := map[string]*participant.Participant{}
	for _, p := range participant.Defaults() {
		ps[p.Code] = &p
	}
	reader := func(role access.Role, org string, grants ...access.Grant) registry.Reader {
		return registry.Reader{Actor: audit.Actor{Kind: audit.Person, ID: "test"}, Subject: access.Subject{Role: role, Org: ps[org], Grants: grants}}
	}
	officer := reader(access.OrgOfficer, "education", access.Grant{Category: "schooling", Read: true}, access.Grant{Category: "birth_registration", Read: true})
	operator := reader(access.OperatorAdmin, "operator")
	reg := registry.New(st, at(eighteen, time.Hour))
	search := func(r registry.Reader) int {
		found, _, err := reg.SearchProfiles(ctx, r, registry.Query{Text: fin, AgeFrom: -1, AgeTo: -1})
		if err != nil {
			t.Fatal(err)
		}
		return len(found)
	}
	if n := search(officer); n != 0 {
		t.Errorf("the school officer still finds the archived child (%d)", n)
	}
	if n := search(operator); n != 1 {
		t.Errorf("the operator finds %d; want the archived child", n)
	}
	// Justice sent the birth registration: its head reads the archived
	// profile with a purpose within the year, not after it.
	justice := reader(access.OrgHead, "justice")
	justice.Purpose = "court inquiry"
	if v, err := reg.Profile(ctx, justice, fin, category.Date{}); err != nil || len(v.Categories) == 0 {
		t.Errorf("justice within the year: %v", err)
	}
	later := registry.New(st, at(eighteen.AddDays(400), 0))
	if _, err := later.Profile(ctx, justice, fin, category.Date{}); err == nil {
		t.Error("justice read the archived profile after the year")
	}
	if _, err := later.Profile(ctx, operator, fin, category.Date{}); err != nil {
		t.Errorf("the operator, after the year: %v", err)
	}
}

func mustFind(t *testing.T, st *store.Store, fin string) int64 {
	t.Helper()
	id, err := st.FindChild(context.Background(), profile.Key{Kind: profile.KeyFIN, Value: fin})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
